//! Calendar feeds: a person's coaching sessions for their calendar app, at a secret URL whose
//! token is stored only as a hash. A new feed replaces the old one, whose URL then finds nothing.

use chrono::{DateTime, Utc};
use domain::UserId;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::Serialize;
use uuid::Uuid;

use crate::audit::{self, Origin};
use crate::entity::{calendar_feed, coaching_session};
use crate::{Db, StoreError, db, scope, users};

/// The most sessions a feed lists (the latest ones): a calendar app rereads the whole feed every
/// few hours, so it stays small.
const MOST_SESSIONS: u64 = 1000;

/// What the audit log keeps of a feed: when it was made, never its token.
#[derive(Serialize)]
struct Audited {
    created_at: DateTime<Utc>,
}

/// When `user_id`'s current feed was made, if they have one.
pub async fn created_at(db: &Db, user_id: UserId) -> Result<Option<DateTime<Utc>>, StoreError> {
    Ok(calendar_feed::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .map(|feed| feed.created_at))
}

/// Gives `user_id` the feed whose token hashes to `token_hash`, replacing any they had, audited.
pub async fn replace(
    db: &Db,
    origin: &Origin,
    user_id: UserId,
    token_hash: String,
) -> Result<DateTime<Utc>, StoreError> {
    let now = Utc::now();
    let txn = db::begin_write(db).await?;
    let before = calendar_feed::Entity::find_by_id(user_id).one(&txn).await?;
    calendar_feed::Entity::insert(calendar_feed::ActiveModel {
        user_id: Set(user_id),
        token_hash: Set(token_hash),
        created_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(calendar_feed::Column::UserId)
            .update_columns([
                calendar_feed::Column::TokenHash,
                calendar_feed::Column::CreatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    audit::record_change(
        &txn,
        origin,
        "calendar_feed.replace",
        user_id,
        before
            .map(|feed| Audited {
                created_at: feed.created_at,
            })
            .as_ref(),
        Some(&Audited { created_at: now }),
    )
    .await?;
    txn.commit().await?;
    Ok(now)
}

/// Ends `user_id`'s feed, audited; nothing to do when they have none.
pub async fn remove(db: &Db, origin: &Origin, user_id: UserId) -> Result<(), StoreError> {
    let txn = db::begin_write(db).await?;
    let Some(before) = calendar_feed::Entity::find_by_id(user_id).one(&txn).await? else {
        return Ok(());
    };
    calendar_feed::Entity::delete_by_id(user_id)
        .exec(&txn)
        .await?;
    let before = Audited {
        created_at: before.created_at,
    };
    audit::record_change(
        &txn,
        origin,
        "calendar_feed.remove",
        user_id,
        Some(&before),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A session as a calendar shows it: when, who, its state and how often it changed.
#[derive(Clone, Debug)]
pub struct FeedSession {
    pub session: coaching_session::Model,
    /// The agent's name.
    pub agent_name: String,
    /// The team leader's name.
    pub team_leader_name: String,
}

/// The sessions of the person whose feed token hashes to `token_hash`, scheduled at or after
/// `since`: those they are the agent or the team leader of, within what the policy lets them see
/// today. `None` when no feed has that token or its owner may no longer sign in.
pub async fn sessions(
    db: &Db,
    token_hash: &str,
    since: DateTime<Utc>,
) -> Result<Option<Vec<FeedSession>>, StoreError> {
    let Some(feed) = calendar_feed::Entity::find()
        .filter(calendar_feed::Column::TokenHash.eq(token_hash))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Some(owner) = users::authenticate(db, feed.user_id, Uuid::nil()).await? else {
        return Ok(None);
    };
    if !owner.user.active || owner.user.erased_at.is_some() {
        return Ok(None);
    }
    let me = feed.user_id;
    let mut rows = coaching_session::Entity::find()
        .filter(scope::agent_records(
            &owner.actor,
            coaching_session::Column::AgentId,
        ))
        .filter(
            Condition::any()
                .add(coaching_session::Column::AgentId.eq(me))
                .add(coaching_session::Column::TeamLeaderId.eq(me)),
        )
        .filter(coaching_session::Column::ScheduledAt.gte(since))
        .order_by_desc(coaching_session::Column::ScheduledAt)
        .order_by_desc(coaching_session::Column::Id)
        .limit(MOST_SESSIONS)
        .all(db)
        .await?;
    rows.reverse();
    Ok(Some(named(db, rows).await?))
}

/// Session `id` with its people's names, for an email's invitation.
pub async fn session(db: &Db, id: Uuid) -> Result<Option<FeedSession>, StoreError> {
    let rows = coaching_session::Entity::find_by_id(id).all(db).await?;
    Ok(named(db, rows).await?.pop())
}

/// `rows` with their agents' and team leaders' names.
async fn named(
    db: &Db,
    rows: Vec<coaching_session::Model>,
) -> Result<Vec<FeedSession>, StoreError> {
    let people = rows
        .iter()
        .flat_map(|session| [session.agent_id, session.team_leader_id]);
    let names = users::names(db, people.collect::<Vec<_>>()).await?;
    let name = |id: &UserId| names.get(id).cloned().unwrap_or_default();
    Ok(rows
        .into_iter()
        .map(|session| FeedSession {
            agent_name: name(&session.agent_id),
            team_leader_name: name(&session.team_leader_id),
            session,
        })
        .collect())
}
