//! The forms of a session: notes, score and action items to complete it (kept in this browser
//! while typing), cancelling with a reason, and the agent's acknowledgement.

use chrono::Duration;
use domain::{Priority, SessionId};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api;
use crate::components::field::FieldError;
use crate::labels;
use crate::state::drafts;

/// An action item agreed in the session, before it is sent.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DraftItem {
    /// What to do.
    pub title: String,
    /// By when (`YYYY-MM-DD`).
    pub due_date: String,
    /// How urgent (`LOW`, `MEDIUM`, `HIGH`).
    pub priority: String,
}

/// What the coach types during the session, kept in this browser until completed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct Notes {
    notes: String,
    score: String,
    items: Vec<DraftItem>,
}

pub fn notes_key(id: SessionId) -> String {
    format!("coaching-hub.session-notes.{id}")
}

/// Notes, score and action items, then complete; the typing is kept in this browser.
#[component]
pub fn CompleteForm(
    session: dto::Session,
    error: RwSignal<Option<api::Error>>,
    on_complete: Callback<dto::CompleteSession>,
) -> impl IntoView {
    let key = notes_key(session.id);
    let kept: Notes = drafts::load(&key).unwrap_or_default();
    let notes = RwSignal::new(kept.notes);
    let score = RwSignal::new(kept.score);
    let items = RwSignal::new(kept.items);
    let save_key = key.clone();
    Effect::new(move |_| {
        let draft = Notes {
            notes: notes.get(),
            score: score.get(),
            items: items.get(),
        };
        drafts::save(&save_key, &draft);
    });
    let agent = session.agent_id;
    let previous = session.previous_score;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(current_score) = score.get_untracked().trim().parse::<f64>() else {
            error.set(Some(api::Error::Problem {
                problem: crate::components::quick_note::local_problem(
                    "current_score",
                    "give a score from 0 to 100",
                ),
                retry_after: None,
            }));
            return;
        };
        let action_items = items
            .get_untracked()
            .into_iter()
            .filter(|i| !i.title.trim().is_empty())
            .map(|i| new_item(&i, agent))
            .collect();
        on_complete.run(dto::CompleteSession {
            session_notes: notes.get_untracked(),
            current_score,
            previous_score: previous,
            action_items,
            version: None,
        });
    };
    view! {
        <form class="card" on:submit=submit aria-labelledby="h-run">
            <h2 id="h-run">"During the session"</h2>
            <label for="session-notes">"Notes"</label>
            <textarea id="session-notes" rows="6" data-test-id="session-notes" bind:value=notes
                aria-describedby="notes-kept session_notes-error"></textarea>
            <p id="notes-kept" class="muted small">"Kept in this browser as you type, until the session is completed."</p>
            <FieldError error=error name="session_notes" />
            <label for="session-score">"Score after the session (0–100)"</label>
            <input id="session-score" type="number" min="0" max="100" step="0.1" inputmode="decimal"
                data-test-id="session-score-input" bind:value=score aria-describedby="current_score-error" />
            <FieldError error=error name="current_score" />
            <ItemDrafts items=items error=error />
            <button type="submit" data-test-id="complete-session">"Complete the session"</button>
        </form>
    }
}

/// The action item to create from a draft row.
pub fn new_item(item: &DraftItem, agent: domain::UserId) -> dto::NewActionItem {
    dto::NewActionItem {
        title: item.title.trim().to_owned(),
        description: None,
        due_date: item
            .due_date
            .parse()
            .unwrap_or_else(|_| labels::today() + Duration::days(14)),
        priority: item.priority.parse().unwrap_or(Priority::Medium),
        assignee_id: Some(agent),
    }
}

/// Editable rows of action items to agree.
#[component]
pub fn ItemDrafts(
    items: RwSignal<Vec<DraftItem>>,
    error: RwSignal<Option<api::Error>>,
) -> impl IntoView {
    let add = move |_| {
        items.update(|list| {
            list.push(DraftItem {
                title: String::new(),
                due_date: (labels::today() + Duration::days(14)).to_string(),
                priority: Priority::Medium.as_str().to_owned(),
            });
        });
    };
    view! {
        <fieldset class="items-draft">
            <legend>"Action items"</legend>
            {move || {
                let count = items.with(Vec::len);
                (0..count).map(|i| {
                    let field = move |get: fn(&DraftItem) -> String| {
                        move || items.with(|l| l.get(i).map(get).unwrap_or_default())
                    };
                    let set = move |apply: fn(&mut DraftItem, String)| {
                        move |ev: leptos::ev::Event| {
                            let value = event_target_value(&ev);
                            items.update(|l| if let Some(item) = l.get_mut(i) { apply(item, value) });
                        }
                    };
                    let title_error = format!("action_items[{i}].title");
                    view! {
                        <div class="item-row" data-test-id="item-draft">
                            <label class="sr-only" for=format!("item-title-{i}")>{format!("Action item {} title", i + 1)}</label>
                            <input id=format!("item-title-{i}") type="text" placeholder="What will they do?" maxlength="200"
                                data-test-id="item-title" prop:value=field(|d| d.title.clone())
                                on:input=set(|d, v| d.title = v) />
                            <label class="sr-only" for=format!("item-due-{i}")>{format!("Action item {} due date", i + 1)}</label>
                            <input id=format!("item-due-{i}") type="date" data-test-id="item-due"
                                prop:value=field(|d| d.due_date.clone()) on:input=set(|d, v| d.due_date = v) />
                            <label class="sr-only" for=format!("item-priority-{i}")>{format!("Action item {} priority", i + 1)}</label>
                            <select id=format!("item-priority-{i}") prop:value=field(|d| d.priority.clone())
                                on:change=set(|d, v| d.priority = v)>
                                {Priority::ALL.iter().map(|p| view! { <option value=p.as_str()>{labels::priority(*p)}</option> }).collect_view()}
                            </select>
                            <button type="button" class="ghost" aria-label=format!("Remove action item {}", i + 1)
                                on:click=move |_| items.update(|l| { if i < l.len() { l.remove(i); } })>"✕"</button>
                            {move || error.get().and_then(|e| e.field(&title_error)).map(|m| view! { <p class="field-error">{m}</p> })}
                        </div>
                    }
                }).collect_view()
            }}
            <button type="button" class="secondary small" data-test-id="add-item" on:click=add>"Add an action item"</button>
        </fieldset>
    }
}

/// Cancel with a reason.
#[component]
pub fn CancelForm(
    on_cancel: Callback<String>,
    error: RwSignal<Option<api::Error>>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    view! {
        <Show when=move || open.get() fallback=move || view! {
            <button type="button" class="danger-outline" data-test-id="cancel-session" on:click=move |_| open.set(true)>"Cancel the session"</button>
        }>
            <form class="inline-form" on:submit=move |ev| { ev.prevent_default(); on_cancel.run(reason.get_untracked()); }>
                <label for="cancel-reason">"Why is it cancelled?"</label>
                <input id="cancel-reason" type="text" required maxlength="1000" bind:value=reason
                    data-test-id="cancel-reason" aria-describedby="reason-error" />
                <FieldError error=error name="reason" />
                <div class="actions">
                    <button type="button" class="secondary" on:click=move |_| open.set(false)>"Keep it"</button>
                    <button type="submit" class="danger" data-test-id="cancel-confirm">"Cancel the session"</button>
                </div>
            </form>
        </Show>
    }
}

/// The agent signs the session off, with a comment.
#[component]
pub fn AcknowledgeForm(
    on_acknowledge: Callback<String>,
    error: RwSignal<Option<api::Error>>,
) -> impl IntoView {
    let comment = RwSignal::new(String::new());
    view! {
        <form class="card" on:submit=move |ev| { ev.prevent_default(); on_acknowledge.run(comment.get_untracked()); }>
            <h2>"Acknowledge this session"</h2>
            <p class="muted">"Confirm you have read the notes and agreed action items. Add a comment if you like."</p>
            <label for="ack-comment">"Your comment"</label>
            <textarea id="ack-comment" rows="3" maxlength="2000" data-test-id="ack-comment" bind:value=comment
                aria-describedby="comment-error"></textarea>
            <FieldError error=error name="comment" />
            <button type="submit" data-test-id="acknowledge">"Acknowledge"</button>
        </form>
    }
}
