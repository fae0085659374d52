//! The dashboard's own aggregates over many agents: a fixed number of statements whatever the
//! size of the organisation. The server composes them with the scoped lists.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use domain::UserId;
use domain::{PlanStatus, SessionStatus};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::entity::{action_item, action_plan, coaching_session};
use crate::{Db, StoreError};

/// Open action items past due, per agent: how many, and the oldest due date.
pub async fn overdue(
    db: &Db,
    agents: &[UserId],
) -> Result<HashMap<UserId, (u32, NaiveDate)>, StoreError> {
    let today = Utc::now().date_naive();
    let mut overdue: HashMap<UserId, (u32, NaiveDate)> = HashMap::new();
    for chunk in agents.chunks(500) {
        let rows: Vec<(UserId, NaiveDate)> = action_item::Entity::find()
            .select_only()
            .column(action_item::Column::AgentId)
            .column(action_item::Column::DueDate)
            .filter(action_item::Column::AgentId.is_in(chunk.iter().copied()))
            .filter(action_item::Column::Status.is_in(["PENDING", "IN_PROGRESS"]))
            .filter(action_item::Column::DueDate.lt(today))
            .into_tuple()
            .all(db)
            .await?;
        for (agent, due) in rows {
            let entry = overdue.entry(agent).or_insert((0, due));
            entry.0 += 1;
            entry.1 = entry.1.min(due);
        }
    }
    Ok(overdue)
}

/// When each agent's last completed session was (agents never coached are absent).
pub async fn last_coached(
    db: &Db,
    agents: &[UserId],
) -> Result<HashMap<UserId, DateTime<Utc>>, StoreError> {
    let mut last = HashMap::new();
    for chunk in agents.chunks(500) {
        let rows: Vec<(UserId, Option<DateTime<Utc>>)> = coaching_session::Entity::find()
            .select_only()
            .column(coaching_session::Column::AgentId)
            .column_as(coaching_session::Column::CompletedAt.max(), "last")
            .filter(coaching_session::Column::AgentId.is_in(chunk.iter().copied()))
            .filter(coaching_session::Column::Status.eq(SessionStatus::Completed.as_str()))
            .group_by(coaching_session::Column::AgentId)
            .into_tuple()
            .all(db)
            .await?;
        last.extend(
            rows.into_iter()
                .filter_map(|(agent, at)| Some((agent, at?))),
        );
    }
    Ok(last)
}

/// Completed sessions and active plans each agent has not acknowledged, finished (approved)
/// before `before`.
pub async fn unacknowledged(
    db: &Db,
    agents: &[UserId],
    before: DateTime<Utc>,
) -> Result<HashMap<UserId, u32>, StoreError> {
    let mut counts = HashMap::new();
    for chunk in agents.chunks(500) {
        let sessions: Vec<UserId> = coaching_session::Entity::find()
            .select_only()
            .column(coaching_session::Column::AgentId)
            .filter(coaching_session::Column::AgentId.is_in(chunk.iter().copied()))
            .filter(coaching_session::Column::Status.eq(SessionStatus::Completed.as_str()))
            .filter(coaching_session::Column::AcknowledgedAt.is_null())
            .filter(coaching_session::Column::CompletedAt.lt(before))
            .into_tuple()
            .all(db)
            .await?;
        let plans: Vec<UserId> = action_plan::Entity::find()
            .select_only()
            .column(action_plan::Column::AgentId)
            .filter(action_plan::Column::AgentId.is_in(chunk.iter().copied()))
            .filter(action_plan::Column::Status.eq(PlanStatus::Active.as_str()))
            .filter(action_plan::Column::AcknowledgedAt.is_null())
            .filter(action_plan::Column::ApprovedAt.lt(before))
            .into_tuple()
            .all(db)
            .await?;
        for agent in sessions.into_iter().chain(plans) {
            *counts.entry(agent).or_insert(0) += 1;
        }
    }
    Ok(counts)
}
