//! Quick notes: one-step capture of a coaching moment, private to its author or shared with
//! everyone who may see the agent.

use chrono::{DateTime, Utc};
use domain::QuickNoteId;
use domain::{Action, Actor, NoteCategory, NoteVisibility, Target, UserId, authorize};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, QueryFilter, Set,
};
use uuid::Uuid;

use crate::audit::{self, Origin};
use crate::caller::Caller;
use crate::entity::quick_note;
use crate::idempotency::{self, Idempotency, Written};
use crate::pagination::{self, PageRequest};
use crate::{Db, StoreError, db, scope, search_index, users, versioned};

/// The note `id` if `actor` may see it, with the policy's view of it, in one statement;
/// `NotFound` otherwise.
pub async fn find_in_scope(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: QuickNoteId,
) -> Result<(quick_note::Model, Target), StoreError> {
    let (note, team) =
        scope::find_with_agent_team::<quick_note::Entity>(db, id, quick_note::Column::AgentId)
            .await?;
    let target = Target::AgentRecord {
        agent: note.agent_id,
        team,
        author: Some(note.author_id),
        private: note.visibility == NoteVisibility::Private,
    };
    scope::sees(actor, Action::ViewNote, &target)?;
    Ok((note, target))
}

/// Claims the note the actor may edit at `version`, inside `txn`, and returns it as it was:
/// `NotFound` outside the actor's sight, `Denied`, then `VersionRequired` without a version.
async fn claim(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    id: QuickNoteId,
    version: Option<i32>,
) -> Result<quick_note::Model, StoreError> {
    let (mut note, target) = find_in_scope(txn, actor, id).await?;
    authorize(actor, Action::EditNote, &target)?;
    let version = version.ok_or(StoreError::VersionRequired)?;
    versioned::claim(txn, &mut note, version).await?;
    Ok(note)
}

/// Notes the actor may see: their own, and shared notes about agents in their scope.
pub fn visible(actor: &Actor) -> Condition {
    Condition::any().add(authored(actor)).add(shared(actor))
}

/// The notes the actor wrote.
pub fn authored(actor: &Actor) -> Condition {
    Condition::all().add(quick_note::Column::AuthorId.eq(actor.id))
}

/// The shared notes about the agents in the actor's scope.
pub fn shared(actor: &Actor) -> Condition {
    Condition::all()
        .add(quick_note::Column::Visibility.eq(NoteVisibility::Shared.as_str()))
        .add(scope::agent_records(actor, quick_note::Column::AgentId))
}

/// Filters for the note list.
#[derive(Clone, Debug, Default)]
pub struct NoteFilter {
    /// Only about this agent.
    pub agent_id: Option<UserId>,
    /// Only this category.
    pub category: Option<NoteCategory>,
    /// Content contains this, any case.
    pub q: Option<String>,
    /// Written at or after.
    pub since: Option<DateTime<Utc>>,
    /// Written before.
    pub until: Option<DateTime<Utc>>,
}

/// A page of the notes the actor may see, newest first.
pub async fn list(
    db: &Db,
    actor: &Actor,
    filter: &NoteFilter,
    page: &PageRequest,
) -> Result<(Vec<quick_note::Model>, Option<String>), StoreError> {
    let mut query = quick_note::Entity::find().filter(visible(actor));
    if let Some(agent) = filter.agent_id {
        query = query.filter(quick_note::Column::AgentId.eq(agent));
    }
    if let Some(category) = filter.category {
        query = query.filter(quick_note::Column::Category.eq(category.as_str()));
    }
    if let Some(since) = filter.since {
        query = query.filter(quick_note::Column::CreatedAt.gte(since));
    }
    if let Some(until) = filter.until {
        query = query.filter(quick_note::Column::CreatedAt.lt(until));
    }
    if let Some(q) = filter.q.as_deref() {
        // The text is sealed: its words are found through the blind index, each as a prefix.
        let words = search_index::query_terms(q);
        if !words.is_empty() {
            let id = Expr::col((quick_note::Entity, quick_note::Column::Id));
            query = query.filter(search_index::matching("quick_note", id, &words)?);
        }
    }
    let sort = (
        quick_note::Column::CreatedAt,
        quick_note::Column::Id,
        Order::Desc,
    );
    pagination::page::<_, DateTime<Utc>>(db, query, sort, page, |note| {
        (note.created_at.to_rfc3339(), note.id.into())
    })
    .await
}

/// A note to write.
#[derive(Clone, Debug)]
pub struct NewNote {
    pub agent_id: UserId,
    pub author_id: UserId,
    /// The text.
    pub content: String,
    pub category: NoteCategory,
    pub visibility: NoteVisibility,
}

async fn record(
    db: &impl ConnectionTrait,
    origin: &Origin,
    action: &'static str,
    before: Option<&quick_note::Model>,
    after: Option<&quick_note::Model>,
) -> Result<(), StoreError> {
    // Note text is sealed: the log records that it changed, never what it says (audit.rs).
    let Some(id) = after.or(before).map(|note| note.id) else {
        return Ok(());
    };
    audit::record_change(db, origin, action, id, before, after).await
}

/// Writes a note.
pub async fn create(
    db: &Db,
    caller: &Caller,
    new: NewNote,
    idempotency: Option<&Idempotency>,
) -> Result<Written<quick_note::Model>, StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    let id = QuickNoteId(Uuid::now_v7());
    if let Some(idempotency) = idempotency
        && let Some(earlier) = idempotency::claim(&txn, actor.id, idempotency, id.into()).await?
    {
        txn.rollback().await?;
        let record = quick_note::Entity::find_by_id(QuickNoteId(earlier))
            .filter(authored(actor))
            .one(db)
            .await?
            .ok_or(StoreError::NotFound)?;
        return Ok(Written {
            record,
            replayed: true,
        });
    }
    check_subject(&txn, actor, new.agent_id).await?;
    let now = Utc::now();
    let note = quick_note::ActiveModel {
        id: Set(id),
        agent_id: Set(new.agent_id),
        author_id: Set(new.author_id),
        content: Set(new.content.trim().into()),
        category: Set(new.category),
        visibility: Set(new.visibility),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    search_index::index(&txn, &note, false).await?;
    record(&txn, origin, "quick_note.create", None, Some(&note)).await?;
    txn.commit().await?;
    Ok(Written {
        record: note,
        replayed: false,
    })
}

/// Whether `actor` may write a note about `agent_id`, read inside the note's transaction: a 422
/// on `agent_id` when the person is unknown or out of sight (the same answer for both), or is
/// not an agent; 403 when the actor sees the agent but may not write about them.
async fn check_subject(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    agent_id: UserId,
) -> Result<(), StoreError> {
    let (_, about) = users::named_agent(txn, actor, agent_id, "agent_id").await?;
    Ok(authorize(actor, Action::CreateNote, &about)?)
}

/// Changes to a note.
#[derive(Clone, Debug, Default)]
pub struct NoteChanges {
    /// New text.
    pub content: Option<String>,
    /// New category.
    pub category: Option<NoteCategory>,
    /// New visibility.
    pub visibility: Option<NoteVisibility>,
}

/// Edits the note at `version`.
pub async fn update(
    db: &Db,
    caller: &Caller,
    id: QuickNoteId,
    version: i32,
    changes: NoteChanges,
) -> Result<quick_note::Model, StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    let before = claim(&txn, actor, id, Some(version)).await?;
    let mut row: quick_note::ActiveModel = before.clone().into();
    let reworded = changes.content.is_some();
    if let Some(content) = changes.content {
        row.content = Set(content.trim().into());
    }
    if let Some(category) = changes.category {
        row.category = Set(category);
    }
    if let Some(visibility) = changes.visibility {
        row.visibility = Set(visibility);
    }
    let after = row.update(&txn).await?;
    if reworded {
        search_index::index(&txn, &after, true).await?;
    }
    record(
        &txn,
        origin,
        "quick_note.update",
        Some(&before),
        Some(&after),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Deletes the note at `version`.
pub async fn delete(
    db: &Db,
    caller: &Caller,
    id: QuickNoteId,
    version: Option<i32>,
) -> Result<quick_note::Model, StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    let note = claim(&txn, actor, id, version).await?;
    quick_note::Entity::delete_by_id(id).exec(&txn).await?;
    search_index::forget(&txn, "quick_note", &[id.into()]).await?;
    record(&txn, origin, "quick_note.delete", Some(&note), None).await?;
    txn.commit().await?;
    Ok(note)
}
