//! The audit log (admins): every change, newest first, filtered by who, what kind of record,
//! which record and when; each entry opens to the fields it changed, before and after; and a
//! check that the hash chain is intact (nobody rewrote the log).

use chrono::NaiveDate;
use dto::query::{AuditQuery, Paging, UserQuery};
use leptos::prelude::*;
use serde_json::Value;
use uuid::Uuid;

use crate::api;
use crate::components::error_banner::{ErrorBanner, LoadStatus};
use crate::labels;
use crate::state::store::{sorted_by, store};

/// The kinds of record the log names.
const KINDS: [(&str, &str); 9] = [
    ("session", "Sessions"),
    ("action_item", "Action items"),
    ("action_plan", "Plans"),
    ("quick_note", "Quick notes"),
    ("user", "People"),
    ("team", "Teams"),
    ("metrics", "Metrics"),
    ("scorecard", "Scorecard"),
    ("announcement", "Announcements"),
];

/// The record id typed: none when the field is empty, an error when it is not a whole id.
fn record_id(text: &str) -> Result<Option<Uuid>, uuid::Error> {
    let text = text.trim();
    if text.is_empty() {
        Ok(None)
    } else {
        text.parse().map(Some)
    }
}

/// `session.complete` as "session complete".
pub fn action_label(action: &str) -> String {
    action.replace(['.', '_'], " ")
}

/// A changed value as text: plain values as they are, lists and records by their size.
fn shown(value: &Value) -> String {
    match value {
        Value::Null => "—".to_owned(),
        Value::Bool(b) => if *b { "yes" } else { "no" }.to_owned(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) => format!("{} entries", items.len()),
        Value::Object(fields) => format!("{} fields", fields.len()),
    }
}

/// Recomputes the chain end to end and says whether it holds.
#[component]
pub fn VerifyChain() -> impl IntoView {
    let verdict = RwSignal::new(None::<dto::AuditVerification>);
    let error = RwSignal::new(None::<api::Error>);
    let verify = api::submit(
        |()| api::verify_audit(),
        move |reply| match reply {
            Ok(result) => verdict.set(Some(result)),
            Err(err) => error.set(Some(err)),
        },
    );
    view! {
        <div class="verify">
            <button type="button" class="secondary small" data-test-id="verify-chain"
                disabled=move || verify.pending() on:click=move |_| { error.set(None); verify.dispatch(()); }>
                {move || if verify.pending() { "Checking…" } else { "Verify the audit chain" }}
            </button>
            {move || verdict.get().map(|v| if v.intact {
                view! { <p class="ok" role="status" data-test-id="chain-status">{format!("Intact: all {} entries check out.", v.entries)}</p> }.into_any()
            } else {
                let message = match v.first_broken_seq {
                    Some(seq) => format!("Broken at entry {seq}: the log was changed after it was written."),
                    None => format!("Broken: the chain does not check out ({} entries read).", v.entries),
                };
                view! { <p class="error" role="alert" data-test-id="chain-status">{message}</p> }.into_any()
            })}
            <ErrorBanner error=error />
        </div>
    }
}

/// The audit log page.
#[component]
pub fn AuditLog() -> impl IntoView {
    let store = store();
    let actor = RwSignal::new(String::new());
    let kind = RwSignal::new(String::new());
    let action = RwSignal::new(String::new());
    let record = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    // Pages read so far, and the cursor of the next.
    let entries = RwSignal::new(Vec::<dto::AuditEntry>::new());
    let next = RwSignal::new(None::<String>);
    // What the filters ask for; nothing while the record id is not a whole one.
    let query = move || {
        let day = |text: String, plus: i64| {
            let day = text.parse::<NaiveDate>().ok()?;
            Some(labels::local_midnight(day + chrono::Duration::days(plus)))
        };
        let text = |signal: RwSignal<String>| {
            Some(signal.get().trim().to_owned()).filter(|t| !t.is_empty())
        };
        Some(AuditQuery {
            actor_id: actor.get().parse().ok(),
            resource_type: text(kind),
            action: text(action),
            resource_id: record_id(&record.get()).ok()?,
            from: day(from.get(), 0),
            to: day(to.get(), 1),
            ..AuditQuery::default()
        })
    };
    let first = api::load(move || {
        let query = query();
        async move {
            let page = match query {
                Some(query) => api::audit(&query.page(50, None)).await?,
                None => dto::Page {
                    items: Vec::new(),
                    next_cursor: None,
                },
            };
            entries.set(page.items);
            next.set(page.next_cursor);
            Ok(())
        }
    });
    let more = api::submit(
        move |cursor: String| {
            let query = untrack(query).unwrap_or_default().page(50, Some(cursor));
            async move { api::audit(&query).await }
        },
        move |reply| {
            if let Ok(page) = reply {
                entries.update(|list| list.extend(page.items));
                next.set(page.next_cursor);
            }
        },
    );
    // Everyone, for the "who" filter and the names in the list.
    api::load(move || async move {
        store.people.upsert_all(
            api::people(&UserQuery::default().page(200, None))
                .await?
                .items,
        );
        Ok(())
    });
    let people = move || sorted_by(store.people.filter(|_| true), |p| p.name.clone());
    let who = move |id: Option<domain::UserId>| match id {
        Some(id) => store
            .people
            .get(id.uuid())
            .map_or_else(|| id.to_string(), |p| p.name),
        None => "The system".to_owned(),
    };
    view! {
        <div class="page-head">
            <h1>"Audit log"</h1>
            <VerifyChain />
        </div>
        <div class="filters six card" role="search">
            <div>
                <label for="audit-actor">"Who"</label>
                <select id="audit-actor" bind:value=actor data-test-id="audit-actor">
                    <option value="">"Anyone"</option>
                    {move || people().into_iter().map(|p| view! { <option value=p.id.to_string()>{p.name}</option> }).collect_view()}
                </select>
            </div>
            <div>
                <label for="audit-kind">"Kind of record"</label>
                <select id="audit-kind" bind:value=kind data-test-id="audit-kind">
                    <option value="">"Every kind"</option>
                    {KINDS.iter().map(|(key, label)| view! { <option value=*key>{*label}</option> }).collect_view()}
                </select>
            </div>
            <div>
                <label for="audit-action">"Action"</label>
                <input id="audit-action" type="search" placeholder="session.complete" bind:value=action />
            </div>
            <div>
                <label for="audit-record">"Record id"</label>
                <input id="audit-record" type="search" bind:value=record
                    aria-describedby=move || record_id(&record.get()).is_err().then_some("audit-record-hint") />
            </div>
            <div>
                <label for="audit-from">"From"</label>
                <input id="audit-from" type="date" bind:value=from />
            </div>
            <div>
                <label for="audit-to">"To"</label>
                <input id="audit-to" type="date" bind:value=to />
            </div>
            // Under the filters, not under its field: the fields stay in line.
            <Show when=move || record_id(&record.get()).is_err()>
                <p class="field-error" id="audit-record-hint" data-test-id="audit-record-hint">
                    "Copy the whole record id from an entry."</p>
            </Show>
        </div>
        <LoadStatus status=api::status(first) />
        <section class="card">
            {move || {
                let list = entries.get();
                if list.is_empty() {
                    return view! { <p class="empty">"No change matches."</p> }.into_any();
                }
                view! {
                    <ul class="rows audit" data-test-id="audit-entries">
                        {list.into_iter().map(|entry| {
                            let changes: Vec<(String, String, String)> = entry
                                .changes
                                .as_ref()
                                .and_then(Value::as_object)
                                .map(|fields| {
                                    fields.iter().map(|(field, change)| (
                                        field.replace('_', " "),
                                        change.get("from").map(shown).unwrap_or_default(),
                                        change.get("to").map(shown).unwrap_or_default(),
                                    )).collect()
                                })
                                .unwrap_or_default();
                            view! {
                                <li class="stack" data-test-id="audit-entry">
                                    <details>
                                        <summary>
                                            <strong>{action_label(&entry.action)}</strong>
                                            " · " {who(entry.actor_id)}
                                            " · " <span class="muted">{labels::when(entry.occurred_at)}</span>
                                        </summary>
                                        <p class="muted small">"Entry " {entry.seq}
                                            {entry.resource_id.map(|id| format!(" · record {id}"))}
                                            {entry.ip.clone().map(|ip| format!(" · from {ip}"))}</p>
                                        {if changes.is_empty() {
                                            view! { <p class="muted">"No field changed."</p> }.into_any()
                                        } else {
                                            view! {
                                                <table class="list diff">
                                                    <thead><tr><th scope="col">"Field"</th><th scope="col">"Before"</th><th scope="col">"After"</th></tr></thead>
                                                    <tbody>{changes.into_iter().map(|(field, before, after)| view! {
                                                        <tr><th scope="row">{field}</th><td class="before">{before}</td><td class="after">{after}</td></tr>
                                                    }).collect_view()}</tbody>
                                                </table>
                                            }.into_any()
                                        }}
                                    </details>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {move || next.get().map(|cursor| view! {
                <button type="button" class="secondary" data-test-id="audit-more" disabled=move || more.pending()
                    on:click=move |_| more.dispatch(cursor.clone())>"Show older changes"</button>
            })}
        </section>
    }
}
