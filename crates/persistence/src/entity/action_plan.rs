//! The `action_plans` table.

use sea_orm::entity::prelude::*;

use crate::sealed::Sealed;

/// One row of `action_plans`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "action_plans")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub agent_id: Uuid,
    pub created_by: Option<Uuid>,
    pub title: String,
    pub goal: Sealed,
    pub start_date: Date,
    pub end_date: Date,
    pub status: domain::PlanStatus,
    pub outcome: Option<domain::PlanOutcome>,
    pub submitted_at: Option<DateTimeUtc>,
    pub approved_by: Option<Uuid>,
    pub approved_at: Option<DateTimeUtc>,
    pub rejection_reason: Option<String>,
    pub cancel_reason: Option<String>,
    pub acknowledged_at: Option<DateTimeUtc>,
    pub acknowledgement_comment: Option<Sealed>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No relations are declared; repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
