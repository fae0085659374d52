//! Teams (admins): create one with its leader, manager and quality analysts; rename it, change
//! its leader, manager or analysts, and choose its agents (an agent chosen here leaves their
//! previous team).

use dto::query::{Paging, UserQuery};
use std::collections::HashMap;

use domain::{Role, UserId};
use leptos::prelude::*;

use crate::api;
use crate::components::conflict::{Stale, StaleDialog};
use crate::components::error_banner::{ErrorBanner, LoadStatus};
use crate::components::field::FieldError;
use crate::state::store::sorted_by;

/// Everyone a team form chooses from, by role.
#[derive(Clone, Debug, Default)]
struct People {
    leaders: Vec<dto::User>,
    managers: Vec<dto::User>,
    agents: Vec<dto::User>,
    analysts: Vec<dto::User>,
    names: HashMap<UserId, String>,
}

async fn people() -> Result<People, api::Error> {
    let active = UserQuery {
        active: Some(true),
        ..UserQuery::default()
    };
    let everyone = api::people(&active.page(200, None)).await?.items;
    let of = |role: Role| {
        sorted_by(
            everyone
                .iter()
                .filter(|p| p.role == role)
                .cloned()
                .collect(),
            |p: &dto::User| p.name.clone(),
        )
    };
    Ok(People {
        leaders: of(Role::TeamLeader),
        managers: of(Role::Manager),
        agents: of(Role::Agent),
        analysts: of(Role::QualityAnalyst),
        names: everyone.iter().map(|p| (p.id, p.name.clone())).collect(),
    })
}

/// The teams page.
#[component]
pub fn Teams() -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let teams = api::load(move || {
        changed.track();
        async { Ok(sorted_by(api::teams().await?.items, |t| t.name.clone())) }
    });
    let everyone = api::load(people);
    let adding = RwSignal::new(false);
    let editing = RwSignal::new(None::<dto::Team>);
    let done = Callback::new(move |()| {
        adding.set(false);
        editing.set(None);
        changed.update(|n| *n += 1);
    });
    let name_of = move |id: Option<UserId>| {
        id.and_then(|id| {
            everyone.with(|p| {
                p.as_ref()
                    .and_then(|p| p.as_ref().ok())
                    .and_then(|p| p.names.get(&id).cloned())
            })
        })
        .unwrap_or_else(|| "—".to_owned())
    };
    view! {
        <div class="page-head">
            <h1>"Teams"</h1>
            <button type="button" class="small" data-test-id="add-team" on:click=move |_| adding.set(true)>"Add a team"</button>
        </div>
        <Show when=move || adding.get()>
            <TeamForm team=None everyone=everyone on_done=done />
        </Show>
        // Outside the list: reading the teams again never drops what is typed in the form.
        {move || editing.get().map(|team| view! { <TeamForm team=Some(team) everyone=everyone on_done=done /> })}
        <LoadStatus status=api::status(teams) />
        <section class="card">
            <table class="list" data-test-id="teams">
                <caption class="sr-only">"Teams"</caption>
                <thead><tr><th scope="col">"Team"</th><th scope="col">"Team leader"</th><th scope="col">"Manager"</th><th scope="col">"Agents"</th><th scope="col"><span class="sr-only">"Actions"</span></th></tr></thead>
                <tbody>
                    {move || teams.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|team| {
                        let id = team.id;
                        let edited = team.clone();
                        view! {
                            <tr data-test-id="team-row">
                                <th scope="row"><a href=format!("/agents?team={id}")>{team.name.clone()}</a></th>
                                <td>{name_of(Some(team.team_leader_id))}</td>
                                <td>{name_of(team.manager_id)}</td>
                                <td>{team.agent_ids.len()}</td>
                                <td class="cell-actions">
                                    <button type="button" class="secondary small" aria-label=format!("Change {}", team.name)
                                        on:click=move |_| editing.set(Some(edited.clone()))>"Change"</button>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// Creating a team (`team` empty) or changing one, with its agents.
#[component]
fn TeamForm(
    team: Option<dto::Team>,
    everyone: ReadSignal<api::Reply<People>>,
    on_done: Callback<()>,
) -> impl IntoView {
    let name = RwSignal::new(team.as_ref().map(|t| t.name.clone()).unwrap_or_default());
    let leader = RwSignal::new(
        team.as_ref()
            .map(|t| t.team_leader_id.to_string())
            .unwrap_or_default(),
    );
    let manager = RwSignal::new(
        team.as_ref()
            .and_then(|t| t.manager_id)
            .map(|m| m.to_string())
            .unwrap_or_default(),
    );
    let members = RwSignal::new(
        team.as_ref()
            .map(|t| t.agent_ids.clone())
            .unwrap_or_default(),
    );
    let analysts = RwSignal::new(
        team.as_ref()
            .map(|t| t.analyst_ids.clone())
            .unwrap_or_default(),
    );
    let error = RwSignal::new(None::<api::Error>);
    let edited = team.as_ref().map(|t| t.id);
    let stale = Stale::new(team.as_ref().map_or(0, |t| t.version));
    crate::components::quick_note::focus("team-name");
    let existing = team.clone();
    let save = api::submit(
        move |()| {
            let existing = existing.clone();
            let name = name.get_untracked();
            let leader = leader.get_untracked().parse::<UserId>().ok();
            let manager = manager.get_untracked().parse::<UserId>().ok();
            let members = members.get_untracked();
            let analysts = analysts.get_untracked();
            async move {
                let Some(team_leader_id) = leader else {
                    return Err(api::Error::Problem {
                        problem: crate::components::quick_note::local_problem(
                            "team_leader_id",
                            "choose the team leader",
                        ),
                        retry_after: None,
                    });
                };
                match existing {
                    None => {
                        api::create_team(&dto::CreateTeam {
                            name,
                            team_leader_id,
                            manager_id: manager,
                            analyst_ids: analysts,
                        })
                        .await
                    }
                    Some(team) => {
                        let body = dto::UpdateTeam {
                            name: (name != team.name).then_some(name),
                            team_leader_id: (team_leader_id != team.team_leader_id)
                                .then_some(team_leader_id),
                            manager_id: (manager != team.manager_id).then_some(manager),
                            agent_ids: (members != team.agent_ids).then_some(members),
                            analyst_ids: (analysts != team.analyst_ids).then_some(analysts),
                            version: None,
                        };
                        api::update_team(team.id, &body, stale.base()).await
                    }
                }
            }
        },
        move |reply| match reply {
            Ok(_) => on_done.run(()),
            Err(err) if err.is_stale() => {
                if let Some(id) = edited {
                    stale.ask(async move { Ok(api::team(id).await?.version) }, error);
                }
            }
            Err(err) => error.set(Some(err)),
        },
    );
    let creating = team.is_none();
    let title = team
        .as_ref()
        .map_or_else(|| "Add a team".to_owned(), |t| format!("Change {}", t.name));
    let choose = move |pick: fn(&People) -> &Vec<dto::User>| {
        everyone.with(|p| {
            p.as_ref()
                .and_then(|p| p.as_ref().ok())
                .map(|p| pick(p).clone())
                .unwrap_or_default()
        })
    };
    view! {
        <form class="card form" data-test-id="team-form" on:submit=move |ev| { ev.prevent_default(); error.set(None); save.dispatch(()); }>
            <h2>{title}</h2>
            <label for="team-name">"Name"</label>
            <input id="team-name" bind:value=name required maxlength="120" data-test-id="team-name" aria-describedby="name-error" />
            <FieldError error=error name="name" />
            <div class="row">
                <div>
                    <label for="team-leader">"Team leader"</label>
                    <select id="team-leader" bind:value=leader data-test-id="team-leader" aria-describedby="team_leader_id-error">
                        <option value="">"Choose a team leader"</option>
                        {move || choose(|p| &p.leaders).into_iter().map(|p| view! { <option value=p.id.to_string()>{p.name}</option> }).collect_view()}
                    </select>
                    <FieldError error=error name="team_leader_id" />
                </div>
                <div>
                    <label for="team-manager">"Manager"</label>
                    <select id="team-manager" bind:value=manager data-test-id="team-manager" aria-describedby="manager_id-error">
                        <option value="">"No manager"</option>
                        {move || choose(|p| &p.managers).into_iter().map(|p| view! { <option value=p.id.to_string()>{p.name}</option> }).collect_view()}
                    </select>
                    <FieldError error=error name="manager_id" />
                </div>
            </div>
            {(!creating).then(|| view! {
                <fieldset class="members">
                    <legend>"Agents"</legend>
                    {move || checklist(choose(|p| &p.agents), members)}
                    <FieldError error=error name="agent_ids" />
                </fieldset>
            })}
            <fieldset class="members" data-test-id="team-analysts">
                <legend>"Quality analysts"</legend>
                {move || {
                    let analysts_known = choose(|p| &p.analysts);
                    if analysts_known.is_empty() {
                        view! { <p class="muted">"Nobody is a quality analyst yet."</p> }.into_any()
                    } else {
                        checklist(analysts_known, analysts).into_any()
                    }
                }}
                <FieldError error=error name="analyst_ids" />
            </fieldset>
            <ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.fields().is_empty())) />
            <StaleDialog stale on_reload=on_done on_reapply=Callback::new(move |()| save.dispatch(())) />
            <div class="actions">
                <button type="button" class="secondary" on:click=move |_| on_done.run(())>"Cancel"</button>
                <button type="submit" data-test-id="team-save" disabled=move || save.pending()>"Save"</button>
            </div>
        </form>
    }
}

/// A check box per person, ticked for those in `chosen`.
fn checklist(people: Vec<dto::User>, chosen: RwSignal<Vec<UserId>>) -> impl IntoView {
    people
        .into_iter()
        .map(|person| {
            let id = person.id;
            view! {
                <label class="check">
                    <input type="checkbox" prop:checked=move || chosen.with(|c| c.contains(&id))
                        on:change=move |_| chosen.update(|c| if let Some(at) = c.iter().position(|x| *x == id) { c.remove(at); } else { c.push(id); }) />
                    " " {person.name}
                </label>
            }
        })
        .collect_view()
}
