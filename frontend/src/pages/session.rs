//! One coaching session: change its time, length, focus or preparation while it is booked;
//! prepare (the previous session, notes since, open items), start, write
//! notes (kept in this browser while typing), score, agree action items and complete; cancel with
//! a reason or mark a no-show; the agent acknowledges with a comment.

use chrono::Duration;
use domain::{SessionId, SessionStatus};
use dto::query::ActionItemQuery;
use leptos::prelude::*;

use crate::api;
use crate::components::conflict::ConflictDialog;
use crate::components::error_banner::{ErrorBanner, Loading};
use crate::labels;
use crate::state::store::store;
use crate::state::{agent_record, drafts};

pub mod forms;
mod preparation;

use forms::{AcknowledgeForm, CancelForm, CompleteForm, EditForm, change_key, notes_key};
pub use forms::{DraftItem, ItemDrafts, new_item};
use preparation::Preparation;
pub use preparation::{NoteList, OpenItems};

/// A step sent to the server, kept so it can be sent again after a conflict.
#[derive(Clone, Debug)]
enum Step {
    Edit(dto::UpdateSession),
    Start,
    NoShow,
    Cancel(String),
    Complete(dto::CompleteSession),
    Acknowledge(String),
}

impl Step {
    fn path(&self) -> &'static str {
        match self {
            Step::Edit(_) => "",
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
            Step::Edit(body) => api::update_session(id, &body, version).await,
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

#[component]
pub fn SessionPage(id: SessionId) -> impl IntoView {
    let store = store();
    let me = crate::state::session();
    let loaded = api::load(move || {
        // An agent may not look their coach up; coaches see both names.
        let coach = untrack(|| me.is_coach());
        async move {
            let session = api::session(id).await?;
            store.sessions.upsert(session.clone());
            for person in [session.agent_id, session.team_leader_id] {
                if coach && store.people.get(person.uuid()).is_none() {
                    // A person out of the actor's scope (an agent's coach) stays unnamed.
                    if let Ok(user) = api::user(person).await {
                        store.people.upsert(user);
                    }
                }
            }
            Ok(())
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
    let last_step = StoredValue::new(None::<Step>);
    let run = api::submit(
        move |(step, version): (Step, i32)| step.send(id, version),
        move |reply| match reply {
            Ok(updated) => {
                if updated.status == SessionStatus::Completed {
                    drafts::discard(&notes_key(id));
                }
                // Sent: the page drawn again must not open the change form on it.
                drafts::discard(&change_key(id));
                store.sessions.upsert(updated);
                error.set(None);
            }
            Err(err) if err.is_stale() => {
                let step = last_step.get_value();
                leptos::task::spawn_local(async move {
                    let current = api::session(id).await.ok();
                    let version = current.as_ref().map(|s| s.version);
                    if let Some(step) = step {
                        conflict.set(Some((step, version)));
                    }
                });
            }
            Err(err) => error.set(Some(err)),
        },
    );
    let send_at = move |step: Step, version: i32| {
        error.set(None);
        last_step.set_value(Some(step.clone()));
        run.dispatch((step, version));
    };
    let version = session.version;
    let send = move |step: Step| send_at(step, version);
    let on_reload = Callback::new(move |_| {
        conflict.set(None);
        drafts::discard(&change_key(id));
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
                    <dd data-test-id="session-score">{labels::score(session.previous_score)} " → " {labels::score(Some(score))}</dd>
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
            <EditForm session=session.clone() error=error
                on_save=Callback::new(move |(body, base)| send_at(Step::Edit(body), base)) />
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
            on_reload=on_reload on_reapply=on_reapply />
    }
}

/// The action items agreed in the session.
#[component]
fn SessionItems(session: dto::Session) -> impl IntoView {
    let store = store();
    let id = session.id;
    // Into the store, which the list reads; the session page already shows its own load's error.
    api::load(move || async move {
        store.items.upsert_all(
            api::action_items(&ActionItemQuery {
                session_id: Some(id),
                ..ActionItemQuery::default()
            })
            .await?
            .items,
        );
        Ok(())
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
