//! The dashboard's own aggregates over many agents: a fixed number of statements whatever the
//! size of the organisation. The server composes them with the scoped lists.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use domain::SessionStatus;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::entity::{action_item, coaching_session};
use crate::{Db, StoreError};

/// Open action items past due, per agent.
pub async fn overdue_counts(db: &Db, agents: &[Uuid]) -> Result<HashMap<Uuid, u32>, StoreError> {
    let today = Utc::now().date_naive();
    let mut counts = HashMap::new();
    for chunk in agents.chunks(500) {
        let rows: Vec<Uuid> = action_item::Entity::find()
            .select_only()
            .column(action_item::Column::AgentId)
            .filter(action_item::Column::AgentId.is_in(chunk.iter().copied()))
            .filter(action_item::Column::Status.is_in(["PENDING", "IN_PROGRESS"]))
            .filter(action_item::Column::DueDate.lt(today))
            .into_tuple()
            .all(db)
            .await?;
        for agent in rows {
            *counts.entry(agent).or_insert(0) += 1;
        }
    }
    Ok(counts)
}

/// The agents with a completed session since `since`.
pub async fn coached_since(
    db: &Db,
    agents: &[Uuid],
    since: chrono::DateTime<Utc>,
) -> Result<HashSet<Uuid>, StoreError> {
    let mut coached = HashSet::new();
    for chunk in agents.chunks(500) {
        let rows: Vec<Uuid> = coaching_session::Entity::find()
            .select_only()
            .column(coaching_session::Column::AgentId)
            .filter(coaching_session::Column::AgentId.is_in(chunk.iter().copied()))
            .filter(coaching_session::Column::Status.eq(SessionStatus::Completed.as_str()))
            .filter(coaching_session::Column::ScheduledAt.gte(since))
            .into_tuple()
            .all(db)
            .await?;
        coached.extend(rows);
    }
    Ok(coached)
}
