//! The `action_items` table.

use domain::{ActionItemId, ActionPlanId, SessionId, UserId};
use sea_orm::entity::prelude::*;

/// One row of `action_items`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "action_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: ActionItemId,
    pub agent_id: UserId,
    pub assignee_id: UserId,
    pub created_by: Option<UserId>,
    pub session_id: Option<SessionId>,
    pub plan_id: Option<ActionPlanId>,
    pub title: String,
    pub description: Option<String>,
    pub due_date: Date,
    pub priority: domain::Priority,
    pub status: domain::ActionItemStatus,
    pub completed_at: Option<DateTimeUtc>,
    /// Why it was dropped.
    pub cancel_reason: Option<String>,
    /// In a plan that waits for approval: its agent sees it once the plan is active.
    pub awaiting_plan: bool,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

crate::entity::joined_explicitly!();
