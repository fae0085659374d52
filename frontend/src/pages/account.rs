//! My account: my password (every other sign-in and token ends when it changes), two-step sign-in (set up an authenticator app, see the recovery codes left), a
//! download of everything held about me, my calendar feed (its URL shown once; a new one retires
//! the old), and personal access tokens for scripts and other tools: make one (its secret is
//! shown once), see when each was last used, revoke.

use domain::Grant;
use leptos::prelude::*;

use crate::api;
use crate::components::copy::CopyButton;
use crate::components::error_banner::{ErrorBanner, LoadStatus};
use crate::components::field::FieldError;
use crate::components::password::{NewPasswordFields, typed_alike};
use crate::components::second_factor::{Enrolment, RecoveryCodes};
use crate::labels;
use crate::state::session;

/// How long a new token lives: the choices offered.
const LIFETIMES: [(u16, &str); 4] = [
    (30, "30 days"),
    (90, "90 days"),
    (180, "6 months"),
    (366, "1 year"),
];

/// The account page.
#[component]
pub fn Account() -> impl IntoView {
    let me = session();
    let role = me.0.with(|m| m.as_ref().map(|m| m.user.role));
    let offered: Vec<Grant> = Grant::ALL
        .into_iter()
        .filter(|scope| role.is_some_and(|role| scope.allowed_for(role)))
        .collect();
    let changed = RwSignal::new(0u32);
    let tokens = api::load(move || {
        changed.track();
        api::access_tokens()
    });
    let name = RwSignal::new(String::new());
    let chosen = RwSignal::new(vec![Grant::Read]);
    let days = RwSignal::new(String::from("90"));
    let error = RwSignal::new(None::<api::Error>);
    let secret = RwSignal::new(None::<api::NewToken>);
    let create = api::submit(
        |body: dto::CreateAccessToken| async move { api::create_access_token(&body).await },
        move |reply| match reply {
            Ok(created) => {
                name.set(String::new());
                secret.set(Some(created));
                changed.update(|n| *n += 1);
            }
            Err(err) => error.set(Some(err)),
        },
    );
    let revoke = api::submit(
        |id: uuid::Uuid| async move { api::revoke_access_token(id).await },
        move |reply| match reply {
            Ok(()) => changed.update(|n| *n += 1),
            Err(err) => error.set(Some(err)),
        },
    );
    let toggle = move |scope: Grant, on: bool| {
        chosen.update(|scopes| {
            scopes.retain(|s| *s != scope);
            if on {
                scopes.push(scope);
                scopes.sort();
            }
        });
    };
    view! {
        <h1>"Your account"</h1>
        <Password />
        <TwoStep />
        <section class="card" aria-labelledby="h-data">
            <h2 id="h-data">"Your data"</h2>
            <p class="muted">"Everything Coaching Hub holds about you, or that you wrote, in one file (JSON)."</p>
            {me.0.with(|m| m.as_ref().map(|m| m.user.id)).map(|id| view! {
                <a class="button secondary" href=format!("/api/v1/users/{id}/export") download="" data-test-id="export-my-data">
                    "Download your data"
                </a>
            })}
        </section>
        <Reminders />
        <EmailChoice />
        <CalendarFeed />
        <section class="card" aria-labelledby="h-tokens">
            <h2 id="h-tokens">"Personal access tokens"</h2>
            <p class="muted">"A token lets a script or another tool use Coaching Hub as you, limited to what you tick. "
                "Send it as " <code>"Authorization: Bearer <token>"</code> "."</p>
            {move || secret.get().map(|created| view! {
                <div class="notice ok" role="status" data-test-id="token-secret-box">
                    <p><strong>{format!("Your new token “{}”", created.name)}</strong>
                        ". Copy it now: it is not shown again."</p>
                    <input class="secret" readonly=true value=created.secret.clone() data-test-id="token-secret"
                        aria-label="The new token" on:focus=|ev| { event_target::<web_sys::HtmlInputElement>(&ev).select(); } />
                    <div class="actions">
                        <CopyButton text=created.secret.clone() what="the token" />
                        <button type="button" class="secondary small" on:click=move |_| secret.set(None)>"Done"</button>
                    </div>
                </div>
            })}
            <LoadStatus status=api::status(tokens) />
            {move || tokens.get().and_then(Result::ok).map(|list| if list.is_empty() {
                view! { <p class="muted" data-test-id="no-tokens">"You have no tokens."</p> }.into_any()
            } else {
                view! {
                    <ul class="rows" data-test-id="tokens" aria-label="Your tokens">
                        {list.into_iter().map(|token| {
                            let id = token.id;
                            let expired = token.expires_at <= chrono::Utc::now();
                            let scopes = token.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
                            let used = token.last_used_at.map_or_else(|| "never used".to_owned(), |at| format!("last used {}", labels::when(at)));
                            let expiry = if expired { "expired".to_owned() } else { format!("expires {}", labels::when(token.expires_at)) };
                            view! {
                                <li data-test-id="token-row">
                                    <div class="grow">
                                        <strong>{token.name.clone()}</strong>
                                        {expired.then(|| view! { " " <span class="pill status-cancelled">"Expired"</span> })}
                                        <span class="muted small block">{format!("May {scopes} · {expiry} · {used}")}</span>
                                    </div>
                                    <button type="button" class="danger-outline small" data-test-id="token-revoke"
                                        aria-label=format!("Revoke {}", token.name)
                                        disabled=move || revoke.pending()
                                        on:click=move |_| { error.set(None); revoke.dispatch(id); }>"Revoke"</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </section>
        <form class="card form" data-test-id="token-form" on:submit=move |ev| {
            ev.prevent_default();
            error.set(None);
            secret.set(None);
            create.dispatch(dto::CreateAccessToken {
                name: name.get_untracked(),
                scopes: chosen.get_untracked(),
                expires_in_days: days.get_untracked().parse().unwrap_or(90),
            });
        }>
            <h2>"New token"</h2>
            <label for="token-name">"What it is for"</label>
            <input id="token-name" bind:value=name required maxlength="100" placeholder="Weekly report script"
                data-test-id="token-name" aria-describedby="name-error" />
            <FieldError error=error name="name" />
            <fieldset aria-describedby="scopes-error">
                <legend>"It may"</legend>
                {offered.into_iter().map(|scope| view! {
                    <label class="check">
                        <input type="checkbox" data-test-id=format!("token-scope-{}", scope.as_str())
                            prop:checked=move || chosen.with(|s| s.contains(&scope))
                            on:change=move |ev| toggle(scope, event_target_checked(&ev)) />
                        {scope.label()}
                    </label>
                }).collect_view()}
            </fieldset>
            <FieldError error=error name="scopes" />
            <label for="token-days">"Expires after"</label>
            <select id="token-days" bind:value=days data-test-id="token-days" aria-describedby="expires_in_days-error">
                {LIFETIMES.into_iter().map(|(n, label)| view! { <option value=n.to_string()>{label}</option> }).collect_view()}
            </select>
            <FieldError error=error name="expires_in_days" />
            <ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.fields().is_empty())) />
            <div class="actions">
                <button type="submit" data-test-id="token-create" disabled=move || create.pending()>"Make token"</button>
            </div>
        </form>
    }
}

/// Change my password: the current one first; the rules are shown before typing.
#[component]
fn Password() -> impl IntoView {
    let current = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let error = RwSignal::new(None::<api::Error>);
    let changed = RwSignal::new(false);
    let change = api::submit(
        |body: dto::ChangePassword| async move { api::change_password(&body).await },
        move |reply| match reply {
            Ok(()) => {
                for field in [current, password, again] {
                    field.set(String::new());
                }
                changed.set(true);
            }
            Err(err) => error.set(Some(err)),
        },
    );
    view! {
        <form class="card form" aria-labelledby="h-password" data-test-id="password-form" on:submit=move |ev| {
            ev.prevent_default();
            error.set(None);
            changed.set(false);
            if typed_alike(password, again, error) {
                change.dispatch(dto::ChangePassword {
                    current_password: current.get_untracked(),
                    new_password: password.get_untracked(),
                });
            }
        }>
            <h2 id="h-password">"Password"</h2>
            <label for="current-password">"Current password"</label>
            <input id="current-password" type="password" autocomplete="current-password" required
                data-test-id="current-password" bind:value=current aria-describedby="current_password-error" />
            <FieldError error=error name="current_password" />
            <NewPasswordFields password=password again=again error=error />
            <ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.fields().is_empty())) />
            {move || changed.get().then(|| view! {
                <p class="ok" role="status" data-test-id="password-changed">
                    "Password changed. You stay signed in here; every other sign-in and personal access token has ended."
                </p>
            })}
            <div class="actions">
                <button type="submit" data-test-id="change-password" disabled=move || change.pending()>"Change password"</button>
            </div>
        </form>
    }
}

/// Which reminders I get, each on its own.
#[component]
fn Reminders() -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let choices = api::load(move || {
        changed.track();
        api::reminders()
    });
    let error = RwSignal::new(None::<api::Error>);
    let save = api::submit(
        |body: dto::ReminderChoices| async move { api::set_reminders(&body).await },
        move |reply| match reply {
            Ok(_) => changed.update(|n| *n += 1),
            Err(err) => error.set(Some(err)),
        },
    );
    type Pick = fn(&mut dto::ReminderChoices) -> &mut bool;
    let kinds: [(&str, &str, Pick); 3] = [
        (
            "reminder-acknowledgements",
            "A session or plan of mine still waits for my acknowledgement (after 48 hours)",
            |c| &mut c.acknowledgements,
        ),
        (
            "reminder-sessions",
            "A session I take part in starts within a day, and when it starts",
            |c| &mut c.sessions,
        ),
        (
            "reminder-overdue",
            "Each day, my overdue action items (and a team leader's, their team's)",
            |c| &mut c.overdue_digest,
        ),
    ];
    view! {
        <section class="card" aria-labelledby="h-reminders" data-test-id="reminders">
            <h2 id="h-reminders">"Reminders"</h2>
            <p class="muted">"In the bell, and by email when you have email on."</p>
            <LoadStatus status=api::status(choices) />
            {move || choices.get().and_then(Result::ok).map(|current| {
                kinds.into_iter().map(|(id, label, pick)| {
                    let mut on = current;
                    let checked = *pick(&mut on);
                    view! {
                        <label class="check">
                            <input type="checkbox" data-test-id=id prop:checked=checked
                                disabled=move || save.pending()
                                on:change=move |ev| {
                                    let mut next = current;
                                    *pick(&mut next) = event_target_checked(&ev);
                                    error.set(None);
                                    save.dispatch(next);
                                } />
                            {label}
                        </label>
                    }
                }).collect_view()
            })}
            <ErrorBanner error=error />
        </section>
    }
}

/// Whether I am emailed what needs me; shown only when the server sends email.
#[component]
fn EmailChoice() -> impl IntoView {
    let offered = api::load(api::client_config);
    let changed = RwSignal::new(0u32);
    let choice = api::load(move || {
        changed.track();
        api::email_notifications()
    });
    let error = RwSignal::new(None::<api::Error>);
    let save = api::submit(
        |enabled: bool| async move {
            api::set_email_notifications(dto::EmailNotifications { enabled }).await
        },
        move |reply| match reply {
            Ok(_) => changed.update(|n| *n += 1),
            Err(err) => error.set(Some(err)),
        },
    );
    let on = move || offered.get().and_then(Result::ok).is_some_and(|c| c.email);
    view! {
        <Show when=on>
            <section class="card" aria-labelledby="h-email" data-test-id="email-choice">
                <h2 id="h-email">"Email"</h2>
                <LoadStatus status=api::status(choice) />
                {move || choice.get().and_then(Result::ok).map(|current| view! {
                    <label class="check">
                        <input type="checkbox" data-test-id="email-enabled" prop:checked=current.enabled
                            disabled=move || save.pending()
                            on:change=move |ev| { error.set(None); save.dispatch(event_target_checked(&ev)); } />
                        "Email me what needs me: sessions scheduled or changed (with a calendar invitation), "
                        "action items assigned to me, and plans waiting for my approval or acknowledgement"
                    </label>
                })}
                <p class="muted small">"Everything still arrives in the bell."</p>
                <ErrorBanner error=Signal::derive(move || error.get()) />
            </section>
        </Show>
    }
}

/// My calendar feed: make it (its URL shown this once), replace it, end it.
#[component]
fn CalendarFeed() -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let feed = api::load(move || {
        changed.track();
        api::calendar_feed()
    });
    let url = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<api::Error>);
    let create = api::submit(
        |(): ()| async move { api::create_calendar_feed().await },
        move |reply| match reply {
            Ok(created) => {
                url.set(Some(created.url));
                changed.update(|n| *n += 1);
            }
            Err(err) => error.set(Some(err)),
        },
    );
    let remove = api::submit(
        |(): ()| async move { api::remove_calendar_feed().await },
        move |reply| match reply {
            Ok(()) => {
                url.set(None);
                changed.update(|n| *n += 1);
            }
            Err(err) => error.set(Some(err)),
        },
    );
    let busy = move || create.pending() || remove.pending();
    view! {
        <section class="card" aria-labelledby="h-calendar" data-test-id="calendar-feed">
            <h2 id="h-calendar">"Calendar feed"</h2>
            <p class="muted">"Subscribe to your coaching sessions from Outlook, Google Calendar or Apple Calendar: "
                "times and names only, never notes. Anyone with the address can see them, so keep it like a password."</p>
            {move || url.get().map(|address| view! {
                <div class="notice ok" role="status">
                    <p><strong>"Your feed address"</strong>". Copy it into your calendar app now: it is not shown again."</p>
                    <input class="secret" readonly=true value=address.clone() data-test-id="calendar-url"
                        aria-label="Your calendar feed address" on:focus=|ev| { event_target::<web_sys::HtmlInputElement>(&ev).select(); } />
                    <div class="actions">
                        <CopyButton text=address what="the feed address" />
                        <button type="button" class="secondary small" on:click=move |_| url.set(None)>"Done"</button>
                    </div>
                </div>
            })}
            <LoadStatus status=api::status(feed) />
            {move || feed.get().and_then(Result::ok).map(|feed| match feed.created_at {
                Some(at) => view! {
                    <p data-test-id="calendar-status">{format!("Your feed was made {}.", labels::when(at))}</p>
                    <div class="actions">
                        <button type="button" class="secondary" data-test-id="calendar-replace" disabled=busy
                            on:click=move |_| { error.set(None); create.dispatch(()); }>"New address"</button>
                        <button type="button" class="danger-outline" data-test-id="calendar-remove" disabled=busy
                            on:click=move |_| { error.set(None); remove.dispatch(()); }>"Turn off"</button>
                    </div>
                    <p class="muted small">"A new address stops the old one working."</p>
                }.into_any(),
                None => view! {
                    <p class="muted" data-test-id="calendar-status">"You have no calendar feed."</p>
                    <div class="actions">
                        <button type="button" data-test-id="calendar-create" disabled=busy
                            on:click=move |_| { error.set(None); create.dispatch(()); }>"Make a feed"</button>
                    </div>
                }.into_any(),
            })}
            <ErrorBanner error=Signal::derive(move || error.get()) />
        </section>
    }
}

/// Two-step sign-in: its state, and setting up an authenticator app.
#[component]
fn TwoStep() -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let status = api::load(move || {
        changed.track();
        api::second_factor()
    });
    let enrolment = RwSignal::new(None::<dto::SecondFactorEnrolment>);
    let codes = RwSignal::new(None::<Vec<String>>);
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<api::Error>);
    let start = api::submit(
        |()| api::enrol_second_factor(),
        move |reply| match reply {
            Ok(started) => enrolment.set(Some(started)),
            Err(err) => error.set(Some(err)),
        },
    );
    let confirm = api::submit(
        |body: dto::ConfirmSecondFactor| async move { api::confirm_second_factor(&body).await },
        move |reply| match reply {
            Ok(issued) => {
                enrolment.set(None);
                code.set(String::new());
                codes.set(Some(issued.recovery_codes));
                changed.update(|n| *n += 1);
            }
            Err(err) => error.set(Some(err)),
        },
    );
    let off_code = RwSignal::new(String::new());
    let turn_off = api::submit(
        |body: dto::ConfirmSecondFactor| async move { api::disable_second_factor(&body).await },
        move |reply| match reply {
            Ok(()) => {
                off_code.set(String::new());
                changed.update(|n| *n += 1);
            }
            Err(err) => error.set(Some(err)),
        },
    );
    view! {
        <section class="card" aria-labelledby="h-two-step" data-test-id="two-step">
            <h2 id="h-two-step">"Two-step sign-in"</h2>
            <LoadStatus status=api::status(status) />
            {move || codes.get().map(|list| view! {
                <RecoveryCodes codes=list on_done=Callback::new(move |()| codes.set(None)) />
            })}
            {move || status.get().and_then(Result::ok).map(|state| if state.enabled {
                view! {
                    <p data-test-id="two-step-on"><span class="pill status-completed">"On"</span>
                        " Each sign-in asks for a code from your authenticator app."</p>
                    <p class="muted small">{format!("{} of 10 recovery codes left.", state.recovery_codes_left)}</p>
                    {(!state.required).then(|| view! {
                        <form class="form" data-test-id="two-step-off-form" on:submit=move |ev| {
                            ev.prevent_default();
                            error.set(None);
                            turn_off.dispatch(dto::ConfirmSecondFactor { code: off_code.get_untracked() });
                        }>
                            <label for="two-step-off-code">"To turn it off, enter a code from the app"</label>
                            <input id="two-step-off-code" inputmode="numeric" autocomplete="one-time-code" required
                                maxlength="6" data-test-id="two-step-off-code" bind:value=off_code aria-describedby="code-error" />
                            <FieldError error=error name="code" />
                            <div class="actions">
                                <button type="submit" class="danger-outline" data-test-id="two-step-turn-off"
                                    disabled=move || turn_off.pending()>"Turn off"</button>
                            </div>
                        </form>
                    })}
                }.into_any()
            } else {
                view! {
                    <p data-test-id="two-step-off">{if state.required {
                        "Your organisation asks people in your role to use it: you will be asked to set it up when you next sign in."
                    } else {
                        "Off. Turn it on so that a stolen password is not enough to sign in as you."
                    }}</p>
                    {move || match enrolment.get() {
                        None => view! {
                            <div class="actions">
                                <button type="button" data-test-id="two-step-start" disabled=move || start.pending()
                                    on:click=move |_| { error.set(None); start.dispatch(()); }>
                                    "Set up an authenticator app"
                                </button>
                            </div>
                        }.into_any(),
                        Some(started) => view! {
                            <Enrolment enrolment=started />
                            <form class="form" data-test-id="two-step-confirm-form" on:submit=move |ev| {
                                ev.prevent_default();
                                error.set(None);
                                confirm.dispatch(dto::ConfirmSecondFactor { code: code.get_untracked() });
                            }>
                                <label for="two-step-code">"Code from the app"</label>
                                <input id="two-step-code" inputmode="numeric" autocomplete="one-time-code" required
                                    maxlength="6" data-test-id="two-step-code" bind:value=code aria-describedby="code-error" />
                                <FieldError error=error name="code" />
                                <div class="actions">
                                    <button type="submit" data-test-id="two-step-confirm" disabled=move || confirm.pending()>"Turn on"</button>
                                </div>
                            </form>
                        }.into_any(),
                    }}
                }.into_any()
            })}
            <ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.fields().is_empty())) />
        </section>
    }
}
