//! The forms of a session: changing it while booked, notes, score and action items to complete
//! it (kept in this browser while typing), cancelling with a reason, and the agent's
//! acknowledgement.

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

/// A change of a booked session being typed, kept in this browser with the session as it was
/// when the change began: a live change draws the page again, and the form opens on it again;
/// the change is sent based on that session's version (someone else's meets the conflict
/// dialog, never a silent overwrite).
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Change {
    date: String,
    time: String,
    minutes: String,
    focus: String,
    notes: String,
    before: dto::Session,
}

pub fn change_key(id: SessionId) -> String {
    format!("coaching-hub.session-change.{id}")
}

impl Change {
    /// The form filled from `session`.
    fn of(session: &dto::Session) -> Self {
        use chrono::{Local, Timelike};
        let local = session.scheduled_at.with_timezone(&Local);
        Change {
            date: local.date_naive().to_string(),
            time: format!("{:02}:{:02}", local.hour(), local.minute()),
            minutes: session.duration_minutes.to_string(),
            focus: session.focus_areas.join(", "),
            notes: session.preparation_notes.clone().unwrap_or_default(),
            before: session.clone(),
        }
    }

    /// Whether `session` holds every change typed here (each field changed from `before` has
    /// the value typed): the change was sent.
    fn applied(&self, session: &dto::Session) -> bool {
        let (Some(mine), Some(left)) = (self.body(&self.before), self.body(session)) else {
            return false;
        };
        (mine.scheduled_at.is_none() || left.scheduled_at.is_none())
            && (mine.duration_minutes.is_none() || left.duration_minutes.is_none())
            && (mine.focus_areas.is_none() || left.focus_areas.is_none())
            && (mine.preparation_notes.is_none() || left.preparation_notes.is_none())
    }

    /// What differs from `session` (`None`: the date and time do not read).
    fn body(&self, session: &dto::Session) -> Option<dto::UpdateSession> {
        use chrono::{Local, TimeZone};
        let start = self
            .date
            .parse::<chrono::NaiveDate>()
            .ok()
            .zip(labels::parse_time(&self.time))
            .and_then(|(d, t)| Local.from_local_datetime(&d.and_time(t)).earliest())
            .map(|at| at.with_timezone(&chrono::Utc))?;
        let length = self.minutes.parse().unwrap_or(session.duration_minutes);
        let areas: Vec<String> = self
            .focus
            .split(',')
            .map(|a| a.trim().to_owned())
            .filter(|a| !a.is_empty())
            .collect();
        let preparation = self.notes.trim().to_owned();
        Some(dto::UpdateSession {
            scheduled_at: (start != session.scheduled_at).then_some(start),
            duration_minutes: (length != session.duration_minutes).then_some(length),
            focus_areas: (areas != session.focus_areas).then_some(areas),
            preparation_notes: (Some(&preparation) != session.preparation_notes.as_ref()
                && !(preparation.is_empty() && session.preparation_notes.is_none()))
            .then_some(preparation),
            version: None,
        })
    }
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

/// The lengths a session may be booked for, in minutes.
pub const LENGTHS: [i32; 7] = [15, 30, 45, 60, 90, 120, 180];

/// Change the time, length, focus areas or preparation of a booked session (the agent is told
/// of a new time). Only what changed is sent.
#[component]
pub fn EditForm(
    session: dto::Session,
    error: RwSignal<Option<api::Error>>,
    /// Sends the change, based on the version it began from.
    on_save: Callback<(dto::UpdateSession, i32)>,
) -> impl IntoView {
    let key = change_key(session.id);
    // A kept change that the session already holds was sent (its live event may arrive before
    // its answer): the form stays closed.
    let kept = drafts::load::<Change>(&key).filter(|change| !change.applied(&session));
    let open = RwSignal::new(kept.is_some());
    let kept = kept.unwrap_or_else(|| Change::of(&session));
    let date = RwSignal::new(kept.date);
    let time = RwSignal::new(kept.time);
    let minutes = RwSignal::new(kept.minutes);
    let focus = RwSignal::new(kept.focus);
    let notes = RwSignal::new(kept.notes);
    let before = StoredValue::new(kept.before);
    let change = move || Change {
        date: date.get(),
        time: time.get(),
        minutes: minutes.get(),
        focus: focus.get(),
        notes: notes.get(),
        before: before.get_value(),
    };
    Effect::new(move |_| {
        if open.get() {
            drafts::save(&key, &change());
        } else {
            drafts::discard(&key);
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let before = before.get_value();
        let Some(body) = untrack(change).body(&before) else {
            error.set(Some(api::Error::Problem {
                problem: crate::components::quick_note::local_problem(
                    "scheduled_at",
                    "choose a date and a time",
                ),
                retry_after: None,
            }));
            return;
        };
        if dto::Patch::is_empty(&body) {
            open.set(false);
        } else {
            on_save.run((body, before.version));
        }
    };
    let lengths: Vec<i32> = LENGTHS
        .into_iter()
        .chain((!LENGTHS.contains(&session.duration_minutes)).then_some(session.duration_minutes))
        .collect();
    view! {
        <Show when=move || open.get() fallback=move || view! {
            <section class="card actions-card">
                <button type="button" class="secondary" data-test-id="edit-session" on:click=move |_| open.set(true)>
                    "Change time or details"
                </button>
            </section>
        }>
            <form class="card form" data-test-id="edit-session-form" aria-labelledby="h-edit-session" on:submit=submit>
                <h2 id="h-edit-session">"Change the session"</h2>
                <div class="row">
                    <div>
                        <label for="edit-date">"Date"</label>
                        <input id="edit-date" type="date" required data-test-id="edit-date" bind:value=date
                            aria-describedby="scheduled_at-error" />
                    </div>
                    <div>
                        <label for="edit-time">"Time"</label>
                        <input id="edit-time" type="time" step="900" required data-test-id="edit-time" bind:value=time />
                    </div>
                    <div>
                        <label for="edit-length">"Length"</label>
                        <select id="edit-length" data-test-id="edit-length" bind:value=minutes>
                            {lengths.clone().into_iter().map(|m| view! { <option value=m.to_string()>{m} " min"</option> }).collect_view()}
                        </select>
                    </div>
                </div>
                <FieldError error=error name="scheduled_at" />
                <FieldError error=error name="duration_minutes" />
                <label for="edit-focus">"Focus areas (separate with commas)"</label>
                <input id="edit-focus" type="text" maxlength="600" data-test-id="edit-focus" bind:value=focus
                    aria-describedby="focus_areas-error" />
                <FieldError error=error name="focus_areas" />
                <label for="edit-preparation">"Preparation notes"</label>
                <textarea id="edit-preparation" rows="4" maxlength="5000" data-test-id="edit-preparation"
                    bind:value=notes aria-describedby="preparation_notes-error"></textarea>
                <FieldError error=error name="preparation_notes" />
                <p class="muted small">"A new time is sent to the agent, and their calendar follows."</p>
                <div class="actions">
                    <button type="button" class="secondary" on:click=move |_| open.set(false)>"Keep it as it is"</button>
                    <button type="submit" data-test-id="save-session">"Save changes"</button>
                </div>
            </form>
        </Show>
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
    #[prop(default = "Acknowledge this session")] title: &'static str,
    #[prop(
        default = "Confirm you have read the notes and agreed action items. Add a comment if you like."
    )]
    hint: &'static str,
) -> impl IntoView {
    let comment = RwSignal::new(String::new());
    view! {
        <form class="card" on:submit=move |ev| { ev.prevent_default(); on_acknowledge.run(comment.get_untracked()); }>
            <h2>{title}</h2>
            <p class="muted">{hint}</p>
            <label for="ack-comment">"Your comment"</label>
            <textarea id="ack-comment" rows="3" maxlength="2000" data-test-id="ack-comment" bind:value=comment
                aria-describedby="comment-error"></textarea>
            <FieldError error=error name="comment" />
            <button type="submit" data-test-id="acknowledge">"Acknowledge"</button>
        </form>
    }
}
