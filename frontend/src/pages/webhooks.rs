//! Outbound webhooks (`/admin/webhooks`, admins): the endpoints told of changes, each with its
//! state (on, off, failing) and its latest deliveries; registering one shows its signing secret
//! once.

use leptos::prelude::*;

use crate::api;
use crate::components::conflict::{Stale, StaleDialog};
use crate::components::error_banner::{ErrorBanner, LoadStatus};
use crate::components::field::FieldError;
use crate::labels;

/// What each event type is called on this page.
fn event_label(kind: &str) -> &'static str {
    match kind {
        "session_changed" => "Sessions",
        "action_item_changed" => "Action items",
        "action_plan_changed" => "Action plans",
        "quick_note_changed" => "Quick notes",
        "quick_note_deleted" => "Quick notes deleted",
        "metrics_changed" => "Metrics",
        "scorecard_config_changed" => "Scorecard settings",
        "announcement_published" => "Announcements",
        "user_changed" => "People",
        "team_changed" => "Teams",
        "evaluation_form_changed" => "Evaluation forms",
        "evaluation_changed" => "Evaluations",
        _ => "Other",
    }
}

/// The webhook admin page.
#[component]
pub fn Webhooks() -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let hooks = api::load(move || {
        changed.track();
        api::webhooks()
    });
    let reload = move || changed.update(|n| *n += 1);
    let error = RwSignal::new(None::<api::Error>);
    let secret = RwSignal::new(None::<dto::CreatedWebhook>);
    view! {
        <h1>"Webhooks"</h1>
        <p class="muted lead">"Coaching Hub posts each change you choose to your endpoint as it happens, "
            "signed per the Standard Webhooks convention (" <code>"webhook-id"</code> ", "
            <code>"webhook-timestamp"</code> ", " <code>"webhook-signature"</code>
            "). A failed delivery is tried again, waiting longer each time; an endpoint failing for a day is turned off and admins are told."</p>
        {move || secret.get().map(|created| view! {
            <div class="notice ok" role="status" data-test-id="webhook-secret-box">
                <p><strong>{format!("Signing secret for {}", created.webhook.url)}</strong>
                    ". Copy it into the receiving tool now: it is not shown again."</p>
                <input class="secret" readonly=true value=created.secret.clone() data-test-id="webhook-secret"
                    aria-label="The signing secret" on:focus=|ev| { event_target::<web_sys::HtmlInputElement>(&ev).select(); } />
                <div class="actions">
                    <crate::components::copy::CopyButton text=created.secret.clone() what="the signing secret" />
                    <button type="button" class="secondary small" on:click=move |_| secret.set(None)>"Done"</button>
                </div>
            </div>
        })}
        <section class="card" aria-labelledby="h-hooks">
            <h2 id="h-hooks">"Endpoints"</h2>
            <LoadStatus status=api::status(hooks) />
            {move || hooks.get().and_then(Result::ok).map(|list| if list.is_empty() {
                view! { <p class="muted" data-test-id="no-webhooks">"No endpoint is registered."</p> }.into_any()
            } else {
                view! {
                    <ul class="rows" data-test-id="webhooks" aria-label="Endpoints">
                        {list.into_iter().map(|hook| view! { <Endpoint hook error reload /> }).collect_view()}
                    </ul>
                }.into_any()
            })}
            <ErrorBanner error=Signal::derive(move || error.get()) />
        </section>
        <NewWebhook secret reload />
    }
}

/// One endpoint: its state, turning it off and on, its deliveries, removing it.
#[component]
fn Endpoint(
    hook: dto::Webhook,
    error: RwSignal<Option<api::Error>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = hook.id;
    let enabled = hook.enabled;
    let stale = Stale::new(hook.version);
    let shown = RwSignal::new(false);
    let done = move |reply: Result<_, api::Error>| match reply {
        Ok(_) => reload(),
        Err(err) => {
            error.set(Some(err));
            reload();
        }
    };
    let toggle = api::submit(
        move |(): ()| async move {
            let body = dto::UpdateWebhook {
                enabled: Some(!enabled),
                version: Some(stale.base()),
                ..dto::UpdateWebhook::default()
            };
            api::update_webhook(id, &body).await.map(|_| ())
        },
        move |reply| match reply {
            Err(err) if err.is_stale() => {
                stale.ask(async move { Ok(api::webhook(id).await?.version) }, error);
            }
            reply => done(reply),
        },
    );
    let remove = api::submit(
        move |(): ()| async move { api::delete_webhook(id).await },
        done,
    );
    let state = match (hook.enabled, hook.failing_since, hook.disabled_at) {
        (false, _, Some(at)) => view! {
            <span class="pill not-met">{format!("Turned off after failing · {}", labels::when(at))}</span>
        }.into_any(),
        (false, _, None) => view! { <span class="pill status-cancelled">"Off"</span> }.into_any(),
        (true, Some(since), _) => view! {
            <span class="pill overdue">{format!("Failing since {}", labels::when(since))}</span>
        }.into_any(),
        (true, None, _) => view! { <span class="pill met">"On"</span> }.into_any(),
    };
    let events = hook
        .events
        .iter()
        .map(|e| event_label(e))
        .collect::<Vec<_>>()
        .join(", ");
    let busy = move || toggle.pending() || remove.pending();
    let url = hook.url.clone();
    view! {
        <li data-test-id="webhook-row" class="stack">
            <StaleDialog stale on_reload=Callback::new(move |()| reload())
                on_reapply=Callback::new(move |()| toggle.dispatch(())) />
            <div class="row-line">
                <div class="grow">
                    <strong class="break">{hook.url.clone()}</strong> " " {state}
                    <span class="muted small block">
                        {(!hook.description.is_empty()).then(|| format!("{} · ", hook.description))}
                        {events}
                    </span>
                </div>
                <div class="actions">
                    <button type="button" class="secondary small" data-test-id="webhook-deliveries"
                        aria-expanded=move || shown.get().to_string()
                        on:click=move |_| shown.update(|s| *s = !*s)>"Deliveries"</button>
                    <button type="button" class="secondary small" data-test-id="webhook-toggle" disabled=busy
                        on:click=move |_| { error.set(None); toggle.dispatch(()); }>
                        {if enabled { "Turn off" } else { "Turn on" }}
                    </button>
                    <button type="button" class="danger-outline small" data-test-id="webhook-remove" disabled=busy
                        aria-label=format!("Remove {url}")
                        on:click=move |_| { error.set(None); remove.dispatch(()); }>"Remove"</button>
                </div>
            </div>
            {move || shown.get().then(|| view! { <Deliveries id /> })}
        </li>
    }
}

/// An endpoint's latest deliveries.
#[component]
fn Deliveries(id: uuid::Uuid) -> impl IntoView {
    let page = api::load(move || api::webhook_deliveries(id));
    view! {
        <LoadStatus status=api::status(page) />
        {move || page.get().and_then(Result::ok).map(|page| if page.items.is_empty() {
            view! { <p class="muted small" data-test-id="no-deliveries">"Nothing has been sent yet."</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table class="compact" data-test-id="deliveries">
                        <thead><tr><th>"Change"</th><th>"When"</th><th>"State"</th><th>"Attempts"</th><th>"Last answer"</th></tr></thead>
                        <tbody>
                            {page.items.into_iter().map(|d| {
                                let state = match (d.status.as_str(), d.next_attempt_at) {
                                    ("delivered", _) => "Delivered".to_owned(),
                                    (_, Some(next)) if d.attempts > 0 => format!("Next try {}", labels::when(next)),
                                    _ => "Waiting".to_owned(),
                                };
                                let answer = match (d.response_status, d.last_error) {
                                    (_, Some(error)) => error,
                                    (Some(status), None) => format!("HTTP {status}"),
                                    (None, None) => "—".to_owned(),
                                };
                                view! {
                                    <tr data-test-id="delivery-row">
                                        <td>{event_label(&d.event_type)}</td>
                                        <td>{labels::when(d.created_at)}</td>
                                        <td>{state}</td>
                                        <td>{d.attempts}</td>
                                        <td class="break">{answer}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        })}
    }
}

/// Registering an endpoint.
#[component]
fn NewWebhook(
    secret: RwSignal<Option<dto::CreatedWebhook>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let url = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let chosen = RwSignal::new(vec!["session_changed".to_owned()]);
    let error = RwSignal::new(None::<api::Error>);
    let create = api::submit(
        |body: dto::CreateWebhook| async move { api::create_webhook(&body).await },
        move |reply| match reply {
            Ok(created) => {
                url.set(String::new());
                description.set(String::new());
                secret.set(Some(created));
                reload();
            }
            Err(err) => error.set(Some(err)),
        },
    );
    let toggle = move |kind: &'static str, on: bool| {
        chosen.update(|kinds| {
            kinds.retain(|k| k != kind);
            if on {
                kinds.push(kind.to_owned());
            }
        });
    };
    view! {
        <form class="card form" data-test-id="webhook-form" novalidate=true on:submit=move |ev| {
            ev.prevent_default();
            error.set(None);
            secret.set(None);
            let picked = chosen.get_untracked();
            create.dispatch(dto::CreateWebhook {
                url: url.get_untracked().trim().to_owned(),
                description: description.get_untracked(),
                events: dto::webhooks::EVENT_TYPES.iter().filter(|k| picked.iter().any(|p| p == *k)).map(|k| (*k).to_owned()).collect(),
            });
        }>
            <h2>"New endpoint"</h2>
            <label for="webhook-url">"Address"</label>
            <input id="webhook-url" type="url" bind:value=url maxlength="2000" placeholder="https://bi.example.com/coaching-hub"
                data-test-id="webhook-url" aria-describedby="url-error" />
            <FieldError error=error name="url" />
            <label for="webhook-description">"What it is for"</label>
            <input id="webhook-description" bind:value=description maxlength="200" placeholder="Power BI refresh"
                data-test-id="webhook-description" aria-describedby="description-error" />
            <FieldError error=error name="description" />
            <fieldset aria-describedby="events-error">
                <legend>"Tell it about"</legend>
                <div class="check-grid">
                    {dto::webhooks::EVENT_TYPES.into_iter().map(|kind| view! {
                        <label class="check">
                            <input type="checkbox" data-test-id=format!("webhook-event-{kind}")
                                prop:checked=move || chosen.with(|k| k.iter().any(|c| c == kind))
                                on:change=move |ev| toggle(kind, event_target_checked(&ev)) />
                            {event_label(kind)}
                        </label>
                    }).collect_view()}
                </div>
            </fieldset>
            <FieldError error=error name="events" />
            <ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.fields().is_empty())) />
            <div class="actions">
                <button type="submit" data-test-id="webhook-create" disabled=move || create.pending()>"Register endpoint"</button>
            </div>
        </form>
    }
}
