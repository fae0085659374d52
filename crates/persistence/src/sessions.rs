//! Coaching sessions: schedule, edit, start, complete (with action items), cancel, no-show,
//! acknowledge. Every change is one transaction with its audit entry.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use domain::{
    Action, ActionItemId, Actor, NotificationKind, Priority, Role, SessionId, SessionStatus,
    Target, UserId, authorize,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, Order,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use crate::audit::{self, Origin};
use crate::caller::Caller;
use crate::entity::{action_item, coaching_session, quick_note, team};
use crate::notifications::{self, Notice};
use crate::pagination::{self, PageRequest};
use crate::users::{self, UserRow};
use crate::{Db, StoreError, action_items, db, scope, search_index, versioned};

/// The longest session: bounds the double-booking look-back.
const MAX_MINUTES: i64 = 240;

/// A session with the ids of its action items.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SessionRow {
    /// The row.
    #[serde(flatten)]
    pub session: coaching_session::Model,
    /// Action items created from it.
    pub action_item_ids: Vec<ActionItemId>,
}

impl SessionRow {
    /// The stored status; the column's CHECK admits only the five states.
    pub fn status(&self) -> SessionStatus {
        self.session.status
    }
}

async fn items_of(
    db: &impl ConnectionTrait,
    ids: &[SessionId],
) -> Result<HashMap<SessionId, Vec<ActionItemId>>, StoreError> {
    let mut by_session: HashMap<SessionId, Vec<ActionItemId>> = HashMap::new();
    let items = action_item::Entity::find()
        .filter(action_item::Column::SessionId.is_in(ids.iter().copied()))
        .order_by_asc(action_item::Column::Id)
        .all(db)
        .await?;
    for item in items {
        if let Some(session) = item.session_id {
            by_session.entry(session).or_default().push(item.id);
        }
    }
    Ok(by_session)
}

/// One session, whatever the scope (callers check it with the policy).
pub async fn find(db: &impl ConnectionTrait, id: SessionId) -> Result<SessionRow, StoreError> {
    let session = coaching_session::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)?;
    let action_item_ids = items_of(db, &[id]).await?.remove(&id).unwrap_or_default();
    Ok(SessionRow {
        session,
        action_item_ids,
    })
}

/// The session `id` if `actor` may see it, with the policy's view of it: the session and its
/// agent's team in one statement, then its action items. `NotFound` whether it does not exist
/// or is out of the actor's sight, so the two cannot be told apart.
pub async fn find_in_scope(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: SessionId,
) -> Result<(SessionRow, Target), StoreError> {
    let (session, team) = scope::find_with_agent_team::<coaching_session::Entity>(
        db,
        id,
        coaching_session::Column::AgentId,
    )
    .await?;
    let target = Target::about_agent(session.agent_id, team);
    scope::sees(actor, Action::ViewSession, &target)?;
    let action_item_ids = items_of(db, &[id]).await?.remove(&id).unwrap_or_default();
    let row = SessionRow {
        session,
        action_item_ids,
    };
    Ok((row, target))
}

/// Adds an item agreed in session `id`: one in scope and still open (a closed session never
/// changes), its assignee any person in scope.
pub async fn add_item(
    db: &Db,
    caller: &Caller,
    id: SessionId,
    new: action_items::NewItem,
) -> Result<action_item::Model, StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    users::named_person(&txn, actor, new.assignee_id, "assignee_id").await?;
    let (session, about) = find_in_scope(&txn, actor, id)
        .await
        .map_err(|err| err.named_in("session_id", "session"))?;
    session.status().editable()?;
    authorize(actor, Action::CreateActionItem, &about)?;
    let parent = Some(action_items::Parent::Session(id));
    let agent = session.session.agent_id;
    let item = action_items::insert(&txn, origin, agent, parent, new).await?;
    txn.commit().await?;
    Ok(item)
}

/// Filters for the session list.
#[derive(Clone, Debug, Default)]
pub struct SessionFilter {
    /// Only this agent's.
    pub agent_id: Option<UserId>,
    /// Only this coach's.
    pub team_leader_id: Option<UserId>,
    /// Only in this state.
    pub status: Option<SessionStatus>,
    /// Scheduled at or after.
    pub from: Option<DateTime<Utc>>,
    /// Scheduled before.
    pub to: Option<DateTime<Utc>>,
    /// Only sessions the agent has not acknowledged yet.
    pub unacknowledged: bool,
}

/// A page of the sessions the actor may see, by scheduled time.
pub async fn list(
    db: &Db,
    actor: &Actor,
    filter: &SessionFilter,
    page: &PageRequest,
) -> Result<(Vec<SessionRow>, Option<String>), StoreError> {
    let mut query = coaching_session::Entity::find().filter(scope::agent_records(
        actor,
        coaching_session::Column::AgentId,
    ));
    if let Some(agent) = filter.agent_id {
        query = query.filter(coaching_session::Column::AgentId.eq(agent));
    }
    if let Some(leader) = filter.team_leader_id {
        query = query.filter(coaching_session::Column::TeamLeaderId.eq(leader));
    }
    if let Some(status) = filter.status {
        query = query.filter(coaching_session::Column::Status.eq(status.as_str()));
    }
    if let Some(from) = filter.from {
        query = query.filter(coaching_session::Column::ScheduledAt.gte(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(coaching_session::Column::ScheduledAt.lt(to));
    }
    if filter.unacknowledged {
        query = query.filter(coaching_session::Column::AcknowledgedAt.is_null());
    }
    let sort = (
        coaching_session::Column::ScheduledAt,
        coaching_session::Column::Id,
        Order::Asc,
    );
    let (sessions, next) = pagination::page::<_, DateTime<Utc>>(db, query, sort, page, |s| {
        (s.scheduled_at.to_rfc3339(), s.id.into())
    })
    .await?;
    let ids: Vec<SessionId> = sessions.iter().map(|s| s.id).collect();
    let mut items = items_of(db, &ids).await?;
    let rows = sessions
        .into_iter()
        .map(|session| SessionRow {
            action_item_ids: items.remove(&session.id).unwrap_or_default(),
            session,
        })
        .collect();
    Ok((rows, next))
}

/// A session to book.
#[derive(Clone, Debug)]
pub struct NewSession {
    pub agent_id: UserId,
    /// When.
    pub scheduled_at: DateTime<Utc>,
    /// How long.
    pub duration_minutes: i32,
    /// What about.
    pub focus_areas: Vec<String>,
    /// Preparation.
    pub preparation_notes: Option<String>,
}

/// Serialises bookings of these people on PostgreSQL (SQLite's write lock already does).
async fn lock_people(db: &impl ConnectionTrait, people: [UserId; 2]) -> Result<(), StoreError> {
    if db.get_database_backend() == DbBackend::Postgres {
        let mut keys: Vec<String> = people
            .iter()
            .map(|id| format!("session-slot:{id}"))
            .collect();
        keys.sort();
        for key in keys {
            db.execute_unprepared(&format!("SELECT pg_advisory_xact_lock(hashtext('{key}'))"))
                .await?;
        }
    }
    Ok(())
}

/// Refuses a slot that overlaps another open session of the coach or the agent.
async fn ensure_free(
    db: &impl ConnectionTrait,
    team_leader: UserId,
    agent: UserId,
    start: DateTime<Utc>,
    minutes: i32,
    except: Option<SessionId>,
) -> Result<(), StoreError> {
    let end = start + Duration::minutes(i64::from(minutes));
    let mut query = coaching_session::Entity::find()
        .filter(
            Condition::any()
                .add(coaching_session::Column::TeamLeaderId.eq(team_leader))
                .add(coaching_session::Column::AgentId.eq(agent)),
        )
        .filter(coaching_session::Column::Status.is_in(["SCHEDULED", "IN_PROGRESS"]))
        .filter(coaching_session::Column::ScheduledAt.gt(start - Duration::minutes(MAX_MINUTES)))
        .filter(coaching_session::Column::ScheduledAt.lt(end));
    if let Some(id) = except {
        query = query.filter(coaching_session::Column::Id.ne(id));
    }
    for other in query.all(db).await? {
        let other_end = other.scheduled_at + Duration::minutes(i64::from(other.duration_minutes));
        if other.scheduled_at < end && other_end > start {
            let who = if other.team_leader_id == team_leader {
                "the team leader"
            } else {
                "the agent"
            };
            return Err(StoreError::conflict(
                "scheduled_at",
                format!(
                    "{who} already has a session from {} to {}",
                    other.scheduled_at.to_rfc3339(),
                    other_end.to_rfc3339()
                ),
            ));
        }
    }
    Ok(())
}

/// Who coaches `agent` in a session `actor` books: a team leader coaches their own agents; a
/// manager or admin books the leader of the agent's team.
async fn coach_for(
    db: &impl ConnectionTrait,
    actor: &Actor,
    agent: &UserRow,
) -> Result<UserId, StoreError> {
    if actor.role == Role::TeamLeader {
        return Ok(actor.id);
    }
    let no_leader =
        || StoreError::invalid("agent_id", "the agent is in no team, so has no team leader");
    let team = agent.team_id.ok_or_else(no_leader)?;
    team::Entity::find_by_id(team)
        .select_only()
        .column(team::Column::TeamLeaderId)
        .into_tuple::<UserId>()
        .one(db)
        .await?
        .ok_or_else(no_leader)
}

/// Books a session with an agent the actor may coach, with the agent's team leader, when neither
/// is booked at that time.
pub async fn schedule(db: &Db, caller: &Caller, new: NewSession) -> Result<SessionRow, StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    let agent = users::named_person(&txn, actor, new.agent_id, "agent_id").await?;
    if agent.role() != Role::Agent || !agent.user.active {
        return Err(StoreError::invalid("agent_id", "must be an active agent"));
    }
    let about = Target::about_agent(new.agent_id, agent.team_id);
    authorize(actor, Action::ManageSession, &about)?;
    let team_leader_id = coach_for(&txn, actor, &agent).await?;
    lock_people(&txn, [team_leader_id, new.agent_id]).await?;
    ensure_free(
        &txn,
        team_leader_id,
        new.agent_id,
        new.scheduled_at,
        new.duration_minutes,
        None,
    )
    .await?;
    let now = Utc::now();
    let session = coaching_session::ActiveModel {
        id: Set(SessionId(Uuid::now_v7())),
        agent_id: Set(new.agent_id),
        team_leader_id: Set(team_leader_id),
        scheduled_at: Set(new.scheduled_at),
        duration_minutes: Set(new.duration_minutes),
        status: Set(SessionStatus::Scheduled),
        focus_areas: Set(serde_json::json!(
            new.focus_areas
                .iter()
                .map(|area| area.trim())
                .collect::<Vec<_>>()
        )),
        preparation_notes: Set(new.preparation_notes.map(Into::into)),
        session_notes: Set(None),
        started_at: Set(None),
        completed_at: Set(None),
        previous_score: Set(None),
        current_score: Set(None),
        cancel_reason: Set(None),
        acknowledged_at: Set(None),
        acknowledgement_comment: Set(None),
        created_by: Set(origin.actor_id),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    search_index::index(&txn, &session, false).await?;
    let when = session.scheduled_at.format("%-d %b %Y, %H:%M UTC");
    tell_agent(
        &txn,
        origin,
        &session,
        NotificationKind::SessionScheduled,
        format!("Coaching session scheduled for {when}"),
    )
    .await?;
    let row = SessionRow {
        session,
        action_item_ids: Vec::new(),
    };
    audit::commit(txn, origin, "session.schedule", row.session.id, None, row).await
}

/// Claims the session at `version` for `action` by `actor`, inside `txn`, and returns it as it
/// was: `NotFound` outside the actor's sight, `Denied` when the policy refuses the action,
/// `Stale` when the version is not the current one.
async fn claim(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    action: Action,
    id: SessionId,
    version: i32,
) -> Result<SessionRow, StoreError> {
    let (mut row, target) = find_in_scope(txn, actor, id).await?;
    authorize(actor, action, &target)?;
    versioned::claim(txn, &mut row.session, version).await?;
    Ok(row)
}

/// Changes to a session's plan.
#[derive(Clone, Debug, Default)]
pub struct SessionChanges {
    /// New time.
    pub scheduled_at: Option<DateTime<Utc>>,
    /// New length.
    pub duration_minutes: Option<i32>,
    /// New focus areas.
    pub focus_areas: Option<Vec<String>>,
    /// New preparation notes.
    pub preparation_notes: Option<String>,
}

/// Edits a session that is not yet over.
pub async fn update(
    db: &Db,
    caller: &Caller,
    id: SessionId,
    version: i32,
    changes: SessionChanges,
) -> Result<SessionRow, StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    let before = claim(&txn, actor, Action::ManageSession, id, version).await?;
    before.status().editable()?;
    let current = &before.session;
    let start = changes.scheduled_at.unwrap_or(current.scheduled_at);
    let minutes = changes.duration_minutes.unwrap_or(current.duration_minutes);
    if start != current.scheduled_at || minutes != current.duration_minutes {
        lock_people(&txn, [current.team_leader_id, current.agent_id]).await?;
        ensure_free(
            &txn,
            current.team_leader_id,
            current.agent_id,
            start,
            minutes,
            Some(id),
        )
        .await?;
    }
    let mut row: coaching_session::ActiveModel = current.clone().into();
    row.scheduled_at = Set(start);
    row.duration_minutes = Set(minutes);
    let reworded = changes.focus_areas.is_some() || changes.preparation_notes.is_some();
    if let Some(focus) = changes.focus_areas {
        row.focus_areas = Set(serde_json::json!(focus));
    }
    if let Some(notes) = changes.preparation_notes {
        row.preparation_notes = Set(Some(notes.into()));
    }
    let updated = row.update(&txn).await?;
    if reworded {
        search_index::index(&txn, &updated, true).await?;
    }
    let after = find(&txn, id).await?;
    if start != current.scheduled_at || minutes != current.duration_minutes {
        let when = start.format("%-d %b %Y, %H:%M UTC");
        tell_agent(
            &txn,
            origin,
            &after.session,
            NotificationKind::SessionChanged,
            format!("Your coaching session moved to {when}"),
        )
        .await?;
    }
    audit::commit(txn, origin, "session.update", id, Some(&before), after).await
}

/// Tells a session's agent what happened to it (unless they did it).
async fn tell_agent(
    txn: &impl ConnectionTrait,
    origin: &Origin,
    session: &coaching_session::Model,
    kind: NotificationKind,
    title: String,
) -> Result<(), StoreError> {
    let notice = Notice {
        kind,
        title,
        resource_type: "session",
        resource_id: session.id.into(),
    };
    notifications::notify(txn, origin, [session.agent_id], &notice).await
}

/// A state change that needs no more than a reason.
#[derive(Clone, Debug)]
pub enum Step {
    /// Start it.
    Start,
    /// Call it off.
    Cancel {
        /// Why.
        reason: String,
    },
    /// The agent did not come.
    NoShow,
}

/// Applies a simple state change.
pub async fn step(
    db: &Db,
    caller: &Caller,
    id: SessionId,
    version: i32,
    step: Step,
) -> Result<SessionRow, StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    let before = claim(&txn, actor, Action::ManageSession, id, version).await?;
    let status = before.status();
    let mut row: coaching_session::ActiveModel = before.session.clone().into();
    let action = match step {
        Step::Start => {
            row.status = Set(status.start()?);
            row.started_at = Set(Some(Utc::now()));
            "session.start"
        }
        Step::Cancel { reason } => {
            row.status = Set(status.cancel()?);
            row.cancel_reason = Set(Some(reason));
            "session.cancel"
        }
        Step::NoShow => {
            row.status = Set(status.no_show()?);
            "session.no_show"
        }
    };
    row.update(&txn).await?;
    let after = find(&txn, id).await?;
    if action == "session.cancel" {
        let when = after.session.scheduled_at.format("%-d %b %Y");
        tell_agent(
            &txn,
            origin,
            &after.session,
            NotificationKind::SessionChanged,
            format!("Your coaching session on {when} was cancelled"),
        )
        .await?;
    }
    audit::commit(txn, origin, action, id, Some(&before), after).await
}

/// An action item agreed in a session.
#[derive(Clone, Debug)]
pub struct AgreedItem {
    /// What to do.
    pub title: String,
    /// Details.
    pub description: Option<String>,
    /// By when.
    pub due_date: chrono::NaiveDate,
    /// How urgent.
    pub priority: Priority,
    /// Who does it; the session's agent when not given.
    pub assignee_id: Option<UserId>,
}

/// What completing a session records.
#[derive(Clone, Debug)]
pub struct Completion {
    /// Notes.
    pub session_notes: String,
    /// Score now.
    pub current_score: f64,
    /// Score before, when the coach gives it.
    pub previous_score: Option<f64>,
    /// Action items agreed.
    pub action_items: Vec<AgreedItem>,
}

/// The agent's last completed session before `session`.
pub async fn previous_completed(
    db: &impl ConnectionTrait,
    session: &coaching_session::Model,
) -> Result<Option<SessionRow>, StoreError> {
    let previous = coaching_session::Entity::find()
        .filter(coaching_session::Column::AgentId.eq(session.agent_id))
        .filter(coaching_session::Column::Status.eq(SessionStatus::Completed.as_str()))
        .filter(coaching_session::Column::Id.ne(session.id))
        .filter(coaching_session::Column::CompletedAt.lte(session.scheduled_at.max(Utc::now())))
        .order_by_desc(coaching_session::Column::CompletedAt)
        .one(db)
        .await?;
    match previous {
        Some(previous) => Ok(Some(find(db, previous.id).await?)),
        None => Ok(None),
    }
}

/// What to read before a session, only what the actor may see.
#[derive(Clone, Debug)]
pub struct Preparation {
    pub session: SessionRow,
    /// The agent's last completed session before it.
    pub previous: Option<SessionRow>,
    /// The agent's notes since that session (up to 200, newest first).
    pub notes: Vec<quick_note::Model>,
    /// The agent's open action items (up to 200, soonest due first).
    pub open_items: Vec<action_item::Model>,
}

/// The preparation for session `id` in the actor's scope (`NotFound` outside it).
pub async fn preparation(db: &Db, actor: &Actor, id: SessionId) -> Result<Preparation, StoreError> {
    let (session, _) = find_in_scope(db, actor, id).await?;
    let agent_id = Some(session.session.agent_id);
    let previous = previous_completed(db, &session.session).await?;
    let page = PageRequest {
        limit: pagination::MAX_LIMIT,
        after: None,
    };
    let notes = crate::quick_notes::NoteFilter {
        agent_id,
        since: previous.as_ref().and_then(|p| p.session.completed_at),
        ..Default::default()
    };
    let (notes, _) = crate::quick_notes::list(db, actor, &notes, &page).await?;
    let items = action_items::ItemFilter {
        agent_id,
        open_only: true,
        ..Default::default()
    };
    let (open_items, _) = action_items::list(db, actor, &items, &page).await?;
    Ok(Preparation {
        session,
        previous,
        notes,
        open_items,
    })
}

/// The agent's score at their last completed session.
async fn last_score(
    db: &impl ConnectionTrait,
    agent: UserId,
    except: SessionId,
) -> Result<Option<f64>, StoreError> {
    Ok(coaching_session::Entity::find()
        .filter(coaching_session::Column::AgentId.eq(agent))
        .filter(coaching_session::Column::Status.eq(SessionStatus::Completed.as_str()))
        .filter(coaching_session::Column::Id.ne(except))
        .order_by_desc(coaching_session::Column::CompletedAt)
        .one(db)
        .await?
        .and_then(|session| session.current_score))
}

/// Completes a session with its notes, scores and action items, all in one transaction; returns
/// the session and the items as committed (nothing is read again after the commit, so a
/// completion that committed is never reported as failed).
pub async fn complete(
    db: &Db,
    caller: &Caller,
    id: SessionId,
    version: i32,
    completion: Completion,
) -> Result<(SessionRow, Vec<action_item::Model>), StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    let before = claim(&txn, actor, Action::ManageSession, id, version).await?;
    let status = before.status().complete()?;
    let session = &before.session;
    let previous = match completion.previous_score {
        Some(score) => Some(score),
        None => last_score(&txn, session.agent_id, id).await?,
    };
    let now = Utc::now();
    let mut row: coaching_session::ActiveModel = session.clone().into();
    row.status = Set(status);
    row.session_notes = Set(Some(completion.session_notes.into()));
    row.current_score = Set(Some(completion.current_score));
    row.previous_score = Set(previous);
    row.completed_at = Set(Some(now));
    if session.started_at.is_none() {
        row.started_at = Set(Some(session.scheduled_at.min(now)));
    }
    let completed = row.update(&txn).await?;
    search_index::index(&txn, &completed, true).await?;
    let mut items = Vec::with_capacity(completion.action_items.len());
    for (index, item) in completion.action_items.into_iter().enumerate() {
        let assignee_id = match item.assignee_id {
            None => session.agent_id,
            Some(assignee) => {
                let field = format!("action_items[{index}].assignee_id");
                users::named_person(&txn, actor, assignee, field)
                    .await?
                    .user
                    .id
            }
        };
        let new = action_items::NewItem {
            assignee_id,
            title: item.title,
            description: item.description,
            due_date: item.due_date,
            priority: item.priority,
        };
        let parent = Some(action_items::Parent::Session(id));
        items.push(action_items::insert(&txn, origin, session.agent_id, parent, new).await?);
    }
    let after = find(&txn, id).await?;
    audit::record_change(
        &txn,
        origin,
        "session.complete",
        id,
        Some(&before),
        Some(&after),
    )
    .await?;
    txn.commit().await?;
    Ok((after, items))
}

/// The agent signs off a completed session.
pub async fn acknowledge(
    db: &Db,
    caller: &Caller,
    id: SessionId,
    version: i32,
    comment: String,
) -> Result<SessionRow, StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    let before = claim(&txn, actor, Action::AcknowledgeSession, id, version).await?;
    if before.status() != SessionStatus::Completed {
        return Err(domain::InvalidTransition {
            from: before.status().as_str(),
            action: "acknowledge",
        }
        .into());
    }
    if before.session.acknowledged_at.is_some() {
        return Err(StoreError::conflict(
            "comment",
            "this session is already acknowledged",
        ));
    }
    let mut row: coaching_session::ActiveModel = before.session.clone().into();
    row.acknowledged_at = Set(Some(Utc::now()));
    row.acknowledgement_comment = Set(Some(comment.into()));
    row.update(&txn).await?;
    let after = find(&txn, id).await?;
    let notice = Notice {
        kind: NotificationKind::SessionAcknowledged,
        title: "Your agent acknowledged their coaching session".to_owned(),
        resource_type: "session",
        resource_id: id.into(),
    };
    notifications::notify(&txn, origin, [after.session.team_leader_id], &notice).await?;
    audit::commit(txn, origin, "session.acknowledge", id, Some(&before), after).await
}
