//! People (admins, and managers for the agents of their teams): find someone by name, role or
//! state; add a person with a temporary password; change their name, role or team; deactivate
//! (they are signed out everywhere at once) and reactivate; an admin erases someone for good.

use domain::{Role, TeamId, UserId};
use dto::query::{Paging, UserQuery};
use leptos::prelude::*;

use crate::api;
use crate::components::conflict::{Stale, StaleDialog};
use crate::components::error_banner::{ErrorBanner, LoadStatus};
use crate::components::field::FieldError;
use crate::state::session;
use crate::state::store::{sorted_by, store};

/// A temporary password to read out or send once: 16 characters from an alphabet without
/// look-alikes, from the browser's cryptographic generator.
fn temporary_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    if let Ok(crypto) = window().crypto() {
        let _ = crypto.get_random_values_with_u8_array(&mut bytes);
    }
    bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

/// The people page.
#[component]
pub fn People() -> impl IntoView {
    let store = store();
    let me = session();
    let text = RwSignal::new(String::new());
    let role = RwSignal::new(String::new());
    let state = RwSignal::new("active".to_owned());
    let error = RwSignal::new(None::<api::Error>);
    let adding = RwSignal::new(false);
    let editing = RwSignal::new(None::<UserId>);
    // Bumped when a person is added: the list is read again to show them where they belong.
    let added = RwSignal::new(0u32);
    let loaded = api::load(move || {
        added.track();
        let active = match state.get().as_str() {
            "active" => Some(true),
            "inactive" => Some(false),
            _ => None,
        };
        let query = UserQuery {
            role: role.get().parse().ok(),
            active,
            q: Some(text.get().trim().to_owned()).filter(|q| !q.is_empty()),
            ..UserQuery::default()
        };
        async move {
            let page = api::people(&query.page(200, None)).await?;
            store.people.upsert_all(page.items.clone());
            Ok(page.items.into_iter().map(|p| p.id).collect::<Vec<_>>())
        }
    });
    let teams = api::load(|| async { Ok(api::teams().await?.items) });
    let team_name = move |id: Option<TeamId>| {
        id.and_then(|id| {
            teams.with(|t| {
                t.as_ref().and_then(|t| t.as_ref().ok()).and_then(|t| {
                    t.iter()
                        .find(|team| team.id == id)
                        .map(|team| team.name.clone())
                })
            })
        })
        .unwrap_or_else(|| "—".to_owned())
    };
    let rows = move || {
        let ids = loaded.get().and_then(Result::ok).unwrap_or_default();
        sorted_by(
            ids.iter()
                .filter_map(|id| store.people.get(id.uuid()))
                .collect(),
            |p: &dto::User| p.name.clone(),
        )
    };
    let toggle = api::submit(
        |(id, activate): (UserId, bool)| api::set_active(id, activate),
        move |reply| match reply {
            Ok(person) => store.people.upsert(person),
            Err(err) => error.set(Some(err)),
        },
    );
    // Erasing is sent from here, not from the form: its reply closes the form, and a form's reply
    // is dropped once it has gone.
    let erase = api::submit(
        |(id, version): (UserId, i32)| api::erase_person(id, version),
        move |reply| match reply {
            Ok(tombstone) => {
                editing.set(None);
                store.people.upsert(tombstone);
            }
            Err(err) => error.set(Some(err)),
        },
    );
    let my_id = me.actor().map(|a| a.id);
    view! {
        <div class="page-head">
            <h1>"People"</h1>
            <button type="button" class="small" data-test-id="add-person" on:click=move |_| adding.set(true)>"Add a person"</button>
        </div>
        <Show when=move || adding.get()>
            <PersonForm person=None teams=teams erase=erase on_done=Callback::new(move |saved: bool| {
                adding.set(false);
                if saved {
                    added.update(|n| *n += 1);
                }
            }) />
        </Show>
        // Outside the list: a live change to the person re-renders their row, never the form and
        // what is typed in it (a change based on what they saw meets the conflict dialog).
        {move || editing.get().and_then(|id| untrack(|| store.people.get(id.uuid()))).map(|person| view! {
            <PersonForm person=Some(person) teams=teams erase=erase on_done=Callback::new(move |_| editing.set(None)) />
        })}
        <div class="filters card" role="search">
            <div>
                <label for="people-search">"Search"</label>
                <input id="people-search" type="search" placeholder="Name or email" bind:value=text data-test-id="people-search" />
            </div>
            <div>
                <label for="people-role">"Role"</label>
                <select id="people-role" bind:value=role>
                    <option value="">"Every role"</option>
                    {Role::ALL.iter().map(|r| view! { <option value=r.as_str()>{r.label()}</option> }).collect_view()}
                </select>
            </div>
            <div>
                <label for="people-state">"State"</label>
                <select id="people-state" bind:value=state>
                    <option value="active">"Active"</option>
                    <option value="inactive">"Deactivated"</option>
                    <option value="">"Everyone"</option>
                </select>
            </div>
        </div>
        <ErrorBanner error=error />
        <LoadStatus status=api::status(loaded) />
        <section class="card">
            <table class="list" data-test-id="people">
                <caption class="sr-only">"People"</caption>
                <thead><tr><th scope="col">"Person"</th><th scope="col">"Role"</th><th scope="col">"Team"</th><th scope="col">"State"</th><th scope="col"><span class="sr-only">"Actions"</span></th></tr></thead>
                <tbody>
                    {move || rows().into_iter().map(|person| {
                        let id = person.id;
                        let active = person.active;
                        view! {
                            <tr data-test-id="person-row">
                                <th scope="row">{person.name.clone()}<span class="muted small block">{person.email.clone()}</span></th>
                                <td>{person.role.label()}</td>
                                <td>{team_name(person.team_id)}</td>
                                <td>{if active { view! { <span class="pill status-completed">"Active"</span> } } else { view! { <span class="pill status-cancelled">"Deactivated"</span> } }}</td>
                                <td class="cell-actions">
                                    <button type="button" class="secondary small" on:click=move |_| editing.set(Some(id))
                                        aria-label=format!("Edit {}", person.name)>"Edit"</button>
                                    {(Some(id) != my_id).then(|| view! {
                                        <button type="button" class=if active { "danger-outline small" } else { "secondary small" }
                                            data-test-id=if active { "deactivate" } else { "reactivate" }
                                            aria-label=format!("{} {}", if active { "Deactivate" } else { "Reactivate" }, person.name)
                                            on:click=move |_| { error.set(None); toggle.dispatch((id, !active)); }>
                                            {if active { "Deactivate" } else { "Reactivate" }}
                                        </button>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// Adding a person (`person` empty) or changing one.
#[component]
fn PersonForm(
    person: Option<dto::User>,
    teams: ReadSignal<api::Reply<Vec<dto::Team>>>,
    /// Erases a person at a version (the page's: see `People`).
    erase: api::Submit<(UserId, i32)>,
    /// Closes the form: `true` once saved.
    on_done: Callback<bool>,
) -> impl IntoView {
    let store = store();
    let me = session();
    let is_admin =
        me.0.with(|m| m.as_ref().is_some_and(|m| m.user.role == Role::Admin));
    let existing = person.clone();
    let name = RwSignal::new(person.as_ref().map(|p| p.name.clone()).unwrap_or_default());
    let email = RwSignal::new(person.as_ref().map(|p| p.email.clone()).unwrap_or_default());
    let role = RwSignal::new(
        person
            .as_ref()
            .map_or(Role::Agent, |p| p.role)
            .as_str()
            .to_owned(),
    );
    let team = RwSignal::new(
        person
            .as_ref()
            .and_then(|p| p.team_id)
            .map(|t| t.to_string())
            .unwrap_or_default(),
    );
    let password = RwSignal::new(if person.is_none() {
        temporary_password()
    } else {
        String::new()
    });
    let error = RwSignal::new(None::<api::Error>);
    let edited = person.as_ref().map(|p| p.id);
    // It opens at the top of the page: focus (and the view) moves to it.
    crate::components::quick_note::focus("person-name");
    let stale = Stale::new(person.as_ref().map_or(0, |p| p.version));
    let save = api::submit(
        move |()| {
            let role = role.get_untracked().parse::<Role>().unwrap_or(Role::Agent);
            let team_id = team.get_untracked().parse::<TeamId>().ok();
            let existing = existing.clone();
            let (name, email, password) = (
                name.get_untracked(),
                email.get_untracked(),
                password.get_untracked(),
            );
            async move {
                match existing {
                    None => {
                        api::create_person(&dto::CreateUser {
                            email,
                            name,
                            role,
                            password: Some(password),
                            team_id: team_id.filter(|_| role == Role::Agent),
                            // An analyst's teams are chosen on the Teams page.
                            team_ids: Vec::new(),
                            employee_id: None,
                            department: None,
                        })
                        .await
                    }
                    Some(person) => {
                        let body = dto::UpdateUser {
                            name: (name != person.name).then_some(name),
                            role: (role != person.role).then_some(role),
                            team_id: (team_id != person.team_id).then_some(team_id),
                            ..Default::default()
                        };
                        api::update_person(person.id, &body, stale.base()).await
                    }
                }
            }
        },
        move |reply| match reply {
            Ok(saved) => {
                on_done.run(true);
                store.people.upsert(saved);
            }
            Err(err) if err.is_stale() => {
                if let Some(id) = edited {
                    stale.ask(async move { Ok(api::person(id).await?.version) }, error);
                }
            }
            Err(err) => error.set(Some(err)),
        },
    );
    let creating = person.is_none();
    let title = person.as_ref().map_or_else(
        || "Add a person".to_owned(),
        |p| format!("Change {}", p.name),
    );
    // An admin may give someone else a new temporary password, shown here once.
    let resettable = person
        .as_ref()
        .map(|p| p.id)
        .filter(|id| is_admin && me.actor().is_some_and(|a| a.id != *id));
    let issued = RwSignal::new(None::<String>);
    let reset = api::submit(
        |id: UserId| api::reset_password(id),
        move |reply| match reply {
            Ok(answer) => issued.set(Some(answer.temporary_password)),
            Err(err) => error.set(Some(err)),
        },
    );
    // ...or email them a link to set one themselves, where email is on.
    let offers = api::load(api::client_config);
    let email_on = move || offers.get().and_then(Result::ok).is_some_and(|c| c.email);
    let link_sent = RwSignal::new(false);
    let send_link = api::submit(
        |id: UserId| api::send_password_link(id),
        move |reply| match reply {
            Ok(()) => link_sent.set(true),
            Err(err) => error.set(Some(err)),
        },
    );
    // ...or erase them (a data-subject request): asked twice, it cannot be undone.
    let confirming_erase = RwSignal::new(false);
    // ...or remove their second factor (a lost phone).
    let factor_note = RwSignal::new(None::<&'static str>);
    let remove_factor = api::submit(
        |id: UserId| api::remove_second_factor(id),
        move |reply| match reply {
            Ok(()) => factor_note.set(Some(
                "Two-step sign-in removed: their next sign-in asks for the password only.",
            )),
            Err(err) if err.code() == Some(dto::ErrorCode::NotFound) => {
                factor_note.set(Some("They have no two-step sign-in to remove."));
            }
            Err(err) => error.set(Some(err)),
        },
    );
    view! {
        <form class="card form" data-test-id="person-form"
            on:submit=move |ev| { ev.prevent_default(); error.set(None); save.dispatch(()); }>
            <h2>{title}</h2>
            <div class="row">
                <div>
                    <label for="person-name">"Name"</label>
                    <input id="person-name" bind:value=name required maxlength="120" data-test-id="person-name" aria-describedby="name-error" />
                    <FieldError error=error name="name" />
                </div>
                {creating.then(|| view! {
                    <div>
                        <label for="person-email">"Email"</label>
                        <input id="person-email" type="email" bind:value=email required data-test-id="person-email" aria-describedby="email-error" />
                        <FieldError error=error name="email" />
                    </div>
                })}
            </div>
            <div class="row">
                <div>
                    <label for="person-role">"Role"</label>
                    <select id="person-role" bind:value=role data-test-id="person-role" disabled=!is_admin aria-describedby="role-error">
                        {Role::ALL.iter().map(|r| view! { <option value=r.as_str()>{r.label()}</option> }).collect_view()}
                    </select>
                    <FieldError error=error name="role" />
                </div>
                <div>
                    <label for="person-team">"Team (agents)"</label>
                    <select id="person-team" bind:value=team data-test-id="person-team" aria-describedby="team_id-error">
                        <option value="">"No team"</option>
                        {move || teams.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|t| view! {
                            <option value=t.id.to_string()>{t.name}</option>
                        }).collect_view()}
                    </select>
                    <FieldError error=error name="team_id" />
                </div>
            </div>
            {creating.then(|| view! {
                <label for="person-password">"Temporary password"</label>
                <div class="row">
                    <input id="person-password" type="text" bind:value=password required minlength="12" maxlength="128"
                        autocomplete="off" data-test-id="person-password" aria-describedby="password-help password-error" />
                    <button type="button" class="secondary small" on:click=move |_| password.set(temporary_password())>"New password"</button>
                </div>
                <p id="password-help" class="muted small">"Give it to the person once. It works for 7 days; they choose their own when they first sign in."</p>
                <FieldError error=error name="password" />
            })}
            {resettable.map(|id| view! {
                <div class="reset">
                    <button type="button" class="secondary small" data-test-id="reset-password"
                        disabled=move || reset.pending() on:click=move |_| { error.set(None); reset.dispatch(id); }>
                        "Give a new temporary password"
                    </button>
                    {move || issued.get().map(|password| view! {
                        <p class="ok" role="status">"New temporary password: " <code data-test-id="temporary-password">{password}</code>
                            ". Give it to them once. They are signed out everywhere; it works for 7 days, and they choose their own when they sign in."</p>
                    })}
                    {move || email_on().then(|| view! {
                        <button type="button" class="secondary small" data-test-id="send-password-link"
                            disabled=move || send_link.pending()
                            on:click=move |_| { error.set(None); link_sent.set(false); send_link.dispatch(id); }>
                            "Email them a link to set a password"
                        </button>
                    })}
                    {move || link_sent.get().then(|| view! {
                        <p class="ok" role="status" data-test-id="password-link-sent">"A link is on its way to their email. It works once, for 30 minutes."</p>
                    })}
                    <button type="button" class="secondary small" data-test-id="remove-second-factor"
                        disabled=move || remove_factor.pending()
                        on:click=move |_| { error.set(None); factor_note.set(None); remove_factor.dispatch(id); }>
                        "Remove two-step sign-in"
                    </button>
                    {move || factor_note.get().map(|note| view! { <p class="ok" role="status">{note}</p> })}
                    <button type="button" class="danger-outline small" data-test-id="erase-person"
                        on:click=move |_| confirming_erase.set(true)>
                        "Erase personal data…"
                    </button>
                    {move || confirming_erase.get().then(|| view! {
                        <div class="warning" role="alert" data-test-id="erase-confirm">
                            <p>"Their name, email and sign-in go, and the text of every note, session, action item and plan about them is replaced with “[erased]”. Their scores stay, so team figures do not change. This cannot be undone."</p>
                            <div class="actions">
                                <button type="button" class="secondary small" on:click=move |_| confirming_erase.set(false)>"Keep them"</button>
                                <button type="button" class="danger small" data-test-id="erase-person-confirm"
                                    disabled=move || erase.pending()
                                    on:click=move |_| { error.set(None); erase.dispatch((id, stale.base())); }>
                                    "Erase for good"
                                </button>
                            </div>
                        </div>
                    })}
                </div>
            })}
            <ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.fields().is_empty())) />
            <StaleDialog stale
                on_reload=Callback::new(move |()| {
                    on_done.run(false);
                    if let Some(id) = edited {
                        leptos::task::spawn_local(async move {
                            if let Ok(fresh) = api::person(id).await {
                                store.people.upsert(fresh);
                            }
                        });
                    }
                })
                on_reapply=Callback::new(move |()| save.dispatch(())) />
            <div class="actions">
                <button type="button" class="secondary" on:click=move |_| on_done.run(false)>"Cancel"</button>
                <button type="submit" data-test-id="person-save" disabled=move || save.pending()>"Save"</button>
            </div>
        </form>
    }
}
