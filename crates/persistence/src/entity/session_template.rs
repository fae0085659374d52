//! The `session_templates` table.

use domain::{TeamId, UserId};
use sea_orm::entity::prelude::*;

/// One row of `session_templates`: a team's template, or the organisation's (`team_id` null).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "session_templates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub team_id: Option<TeamId>,
    /// A JSON array of strings.
    pub focus_areas: Json,
    pub agenda: Option<String>,
    pub duration_minutes: i32,
    /// A JSON array of `{title, priority, due_in_days}`.
    pub action_items: Json,
    pub created_by: Option<UserId>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

crate::entity::joined_explicitly!();
