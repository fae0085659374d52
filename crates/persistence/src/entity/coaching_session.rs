//! The `coaching_sessions` table.

use sea_orm::entity::prelude::*;

/// One row of `coaching_sessions`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "coaching_sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub agent_id: Uuid,
    pub team_leader_id: Uuid,
    pub scheduled_at: DateTimeUtc,
    pub duration_minutes: i32,
    pub status: domain::SessionStatus,
    pub focus_areas: Json,
    pub preparation_notes: Option<String>,
    pub session_notes: Option<String>,
    pub started_at: Option<DateTimeUtc>,
    pub completed_at: Option<DateTimeUtc>,
    pub previous_score: Option<f64>,
    pub current_score: Option<f64>,
    pub cancel_reason: Option<String>,
    pub acknowledged_at: Option<DateTimeUtc>,
    pub acknowledgement_comment: Option<String>,
    pub created_by: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No relations are declared; repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
