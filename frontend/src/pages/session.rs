//! One coaching session: prepare (the previous session, notes since, open items), start, write
//! notes (kept in this browser while typing), score, agree action items and complete; cancel with
//! a reason or mark a no-show; the agent acknowledges with a comment.

use chrono::Duration;
use domain::{Priority, SessionId, SessionStatus};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use crate::api;
use crate::components::conflict::ConflictDialog;
use crate::components::error_banner::{ErrorBanner, Loading};
use crate::components::field::FieldError;
use crate::labels;
use crate::state::store::store;
use crate::state::{agent_record, drafts};

/// A step sent to the server, kept so it can be sent again after a conflict.
#[derive(Clone, Debug)]
enum Step {
    Start,
    NoShow,
    Cancel(String),
    Complete(dto::CompleteSession),
    Acknowledge(String),
}

impl Step {
    fn path(&self) -> &'static str {
        match self {
            Step::Start => "start",
            Step::NoShow => "no-show",
            Step::Cancel(_) => "cancel",
            Step::Complete(_) => "complete",
            Step::Acknowledge(_) => "acknowledge",
        }
    }

    async fn send(self, id: SessionId, version: i32) -> Result<dto::Session, api::Error> {
        let path = self.path();
        match self {
            Step::Start | Step::NoShow => {
                api::session_step(id, path, &dto::Transition { version: None }, version).await
            }
            Step::Cancel(reason) => {
                let body = dto::CancelSession {
                    reason,
                    version: None,
                };
                api::session_step(id, path, &body, version).await
            }
            Step::Complete(body) => api::session_step(id, path, &body, version).await,
            Step::Acknowledge(comment) => {
                let body = dto::AcknowledgeSession {
                    comment,
                    version: None,
                };
                api::session_step(id, path, &body, version).await
            }
        }
    }
}

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

fn notes_key(id: SessionId) -> String {
    format!("coaching-hub.session-notes.{id}")
}

/// The session page.
#[component]
pub fn SessionPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .with(|p| p.get("id"))
            .and_then(|id| id.parse::<SessionId>().ok())
    };
    move || match id() {
        Some(id) => view! { <SessionView id=id /> }.into_any(),
        None => view! { <crate::pages::not_found::NotFound /> }.into_any(),
    }
}

#[component]
fn SessionView(id: SessionId) -> impl IntoView {
    let store = store();
    let me = crate::state::session();
    let loaded = LocalResource::new(move || api::session(id));
    Effect::new(move |_| {
        if let Some(Ok(session)) = loaded.get() {
            store.sessions.upsert(session.clone());
            // An agent may not look their coach up; coaches see both names.
            if !me.is_coach() {
                return;
            }
            leptos::task::spawn_local(async move {
                for person in [session.agent_id, session.team_leader_id] {
                    if store.people.get(person.uuid()).is_none() {
                        // A person out of the actor's scope (an agent's coach) stays unnamed.
                        if let Ok(user) = api::user(person).await {
                            store.people.upsert(user);
                        }
                    }
                }
            });
        }
    });
    // Only this session and whether its agent is known: other records changing redraw nothing.
    let record = Memo::new(move |_| store.sessions.get(id.uuid()));
    let agent_known = Memo::new(move |_| {
        record.with(|s| {
            s.as_ref()
                .is_some_and(|s| store.people.get(s.agent_id.uuid()).is_some())
        })
    });
    move || match (record.get(), loaded.get()) {
        (Some(session), _) if agent_known.get() => {
            view! { <SessionDetail session=session /> }.into_any()
        }
        (_, Some(Err(err))) => {
            view! { <ErrorBanner error=Signal::derive(move || Some(err.clone())) /> }.into_any()
        }
        _ => view! { <Loading /> }.into_any(),
    }
}

#[component]
fn SessionDetail(session: dto::Session) -> impl IntoView {
    let store = store();
    let me = crate::state::session();
    let id = session.id;
    let status = session.status;
    let agent = store.people.get(session.agent_id.uuid());
    let target = agent.as_ref().map(agent_record);
    let may_manage = target
        .as_ref()
        .is_some_and(|t| me.can(domain::Action::ManageSession, t));
    let is_agent = me.me().is_some_and(|m| m.user.id == session.agent_id);
    let error = RwSignal::new(None::<api::Error>);
    let conflict = RwSignal::new(None::<(Step, Option<i32>)>);
    let run =
        Action::new_local(move |(step, version): &(Step, i32)| step.clone().send(id, *version));
    let last_step = StoredValue::new(None::<Step>);
    Effect::new(move |_| match run.value().get() {
        Some(Ok(updated)) => {
            if updated.status == SessionStatus::Completed {
                drafts::discard(&notes_key(id));
            }
            store.sessions.upsert(updated);
            error.set(None);
        }
        Some(Err(err)) if err.is_stale() => {
            let step = last_step.get_value();
            leptos::task::spawn_local(async move {
                let current = api::session(id).await.ok();
                let version = current.as_ref().map(|s| s.version);
                if let Some(step) = step {
                    conflict.set(Some((step, version)));
                }
            });
        }
        Some(Err(err)) => error.set(Some(err)),
        None => {}
    });
    let version = session.version;
    let send = move |step: Step| {
        error.set(None);
        last_step.set_value(Some(step.clone()));
        run.dispatch((step, version));
    };
    let on_reload = Callback::new(move |_| {
        conflict.set(None);
        leptos::task::spawn_local(async move {
            if let Ok(fresh) = api::session(id).await {
                store.sessions.upsert(fresh);
            }
        });
    });
    let on_reapply = Callback::new(move |_| {
        if let Some((step, Some(version))) = conflict.get_untracked() {
            conflict.set(None);
            last_step.set_value(Some(step.clone()));
            run.dispatch((step, version));
        }
    });
    let agent_name = move || store.name(session.agent_id);
    let leader_name = move || {
        store
            .people
            .get(session.team_leader_id.uuid())
            .map_or_else(|| "Your team leader".to_owned(), |p| p.name)
    };
    let end = session.scheduled_at + Duration::minutes(i64::from(session.duration_minutes));
    view! {
        <div class="page-head">
            <h1>"Coaching session with " {agent_name}</h1>
            <span class=format!("pill status-{}", status.as_str().to_lowercase()) data-test-id="session-status">
                {labels::session_status(status)}
            </span>
        </div>
        <section class="card">
            <dl class="facts">
                <dt>"When"</dt><dd>{labels::when(session.scheduled_at)} " – " {labels::time(end)}</dd>
                <dt>"Coach"</dt><dd>{leader_name}</dd>
                <dt>"Agent"</dt><dd><a href=format!("/agents/{}", session.agent_id)>{agent_name}</a></dd>
                <dt>"Focus"</dt><dd>{if session.focus_areas.is_empty() { "—".to_owned() } else { session.focus_areas.join(", ") }}</dd>
                {session.preparation_notes.clone().map(|notes| view! { <dt>"Preparation"</dt><dd class="prose">{notes}</dd> })}
                {session.current_score.map(|score| view! {
                    <dt>"Score"</dt>
                    <dd data-test-id="session-score">{labels::score(session.previous_score)} " → " {format!("{score:.1}")}</dd>
                })}
                {session.cancel_reason.clone().map(|reason| view! { <dt>"Cancelled because"</dt><dd>{reason}</dd> })}
                {session.session_notes.clone().map(|notes| view! { <dt>"Notes"</dt><dd class="prose">{notes}</dd> })}
                {session.acknowledged_at.map(|at| view! {
                    <dt>"Acknowledged"</dt>
                    <dd data-test-id="acknowledged">{labels::when(at)} {session.acknowledgement_comment.clone().map(|c| format!(": “{c}”"))}</dd>
                })}
            </dl>
        </section>
        <ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.fields().is_empty())) />
        {(may_manage && status == SessionStatus::Scheduled).then(|| view! {
            <Preparation id=id />
            <section class="card actions-card">
                <button type="button" data-test-id="start-session" on:click=move |_| send(Step::Start)>"Start the session"</button>
                <button type="button" class="secondary" data-test-id="no-show" on:click=move |_| send(Step::NoShow)>"Mark no-show"</button>
                <CancelForm on_cancel=Callback::new(move |reason| send(Step::Cancel(reason))) error=error />
            </section>
        })}
        {(may_manage && status == SessionStatus::InProgress).then(|| view! {
            <Preparation id=id />
            <CompleteForm session=session.clone() error=error on_complete=Callback::new(move |body| send(Step::Complete(body))) />
            <section class="card actions-card">
                <CancelForm on_cancel=Callback::new(move |reason| send(Step::Cancel(reason))) error=error />
            </section>
        })}
        {(is_agent && status == SessionStatus::Completed && session.acknowledged_at.is_none()).then(|| view! {
            <AcknowledgeForm error=error on_acknowledge=Callback::new(move |comment| send(Step::Acknowledge(comment))) />
        })}
        <SessionItems session=session.clone() />
        <ConflictDialog open=Signal::derive(move || conflict.with(Option::is_some))
            current_version=Signal::derive(move || conflict.with(|c| c.as_ref().and_then(|(_, v)| *v)))
            on_reload=on_reload on_reapply=on_reapply />
    }
}

/// The action items agreed in the session.
#[component]
fn SessionItems(session: dto::Session) -> impl IntoView {
    let store = store();
    let id = session.id;
    let loaded = LocalResource::new(move || async move {
        api::action_items(&[("session_id", id.to_string())]).await
    });
    Effect::new(move |_| {
        if let Some(Ok(page)) = loaded.get() {
            store.items.upsert_all(page.items);
        }
    });
    let items = move || store.items.filter(|i| i.session_id == Some(id));
    view! {
        {move || (!items().is_empty()).then(|| view! {
            <section class="card">
                <h2>"Action items from this session"</h2>
                <ul class="cards">{items().into_iter().map(|item| view! { <li><crate::pages::items::ItemCard item=item /></li> }).collect_view()}</ul>
            </section>
        })}
    }
}

/// What to review before the session.
#[component]
fn Preparation(id: SessionId) -> impl IntoView {
    let prep = LocalResource::new(move || api::preparation(id));
    view! {
        <section class="card" aria-labelledby="h-prep">
            <h2 id="h-prep">"Preparation"</h2>
            {move || prep.get().map(|result| match result {
                Err(err) => view! { <ErrorBanner error=Signal::derive(move || Some(err.clone())) /> }.into_any(),
                Ok(prep) => view! {
                    <div class="columns">
                        <div>
                            <h3 class="sub">"Last session"</h3>
                            {match prep.previous_session {
                                Some(previous) => view! {
                                    <p>{labels::when(previous.scheduled_at)} ": score " {labels::score(previous.current_score)}</p>
                                    {previous.session_notes.map(|n| view! { <p class="prose muted">{n}</p> })}
                                }.into_any(),
                                None => view! { <p class="empty">"This is their first session."</p> }.into_any(),
                            }}
                        </div>
                        <div>
                            <h3 class="sub">"Open action items"</h3>
                            <OpenItems items=prep.open_action_items />
                        </div>
                        <div>
                            <h3 class="sub">"Notes since the last session"</h3>
                            <NoteList notes=prep.notes_since_last_session />
                        </div>
                    </div>
                }.into_any(),
            })}
        </section>
    }
}

/// Open action items, with their due dates and whether they are overdue.
#[component]
pub fn OpenItems(items: Vec<dto::ActionItem>) -> impl IntoView {
    let open: Vec<_> = items.into_iter().filter(|i| i.status.is_open()).collect();
    if open.is_empty() {
        return view! { <p class="empty">"None open."</p> }.into_any();
    }
    view! { <ul class="plain">{open.into_iter().map(|i| view! {
        <li>{i.title} <span class="muted">" due " {labels::date(i.due_date)}</span>
            {i.overdue.then(|| view! { <span class="pill overdue">"Overdue"</span> })}</li>
    }).collect_view()}</ul> }
    .into_any()
}

/// Quick notes as a short list: category and text.
#[component]
pub fn NoteList(notes: Vec<dto::QuickNote>) -> impl IntoView {
    if notes.is_empty() {
        return view! { <p class="empty">"No notes."</p> }.into_any();
    }
    view! { <ul class="plain">{notes.into_iter().map(|n| view! {
        <li><span class="pill">{labels::category(n.category)}</span> " " {n.content}</li>
    }).collect_view()}</ul> }
    .into_any()
}

/// Notes, score and action items, then complete; the typing is kept in this browser.
#[component]
fn CompleteForm(
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
fn CancelForm(on_cancel: Callback<String>, error: RwSignal<Option<api::Error>>) -> impl IntoView {
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
fn AcknowledgeForm(
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
