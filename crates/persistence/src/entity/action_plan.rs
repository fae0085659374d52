//! The `action_plans` table.

use domain::{ActionPlanId, UserId};
use sea_orm::entity::prelude::*;

use crate::sealed::{Sealed, columns};

/// One row of `action_plans`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "action_plans")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: ActionPlanId,
    pub agent_id: UserId,
    pub created_by: Option<UserId>,
    pub title: String,
    pub goal: Sealed<columns::PlanGoal>,
    pub start_date: Date,
    pub end_date: Date,
    pub status: domain::PlanStatus,
    pub outcome: Option<domain::PlanOutcome>,
    pub submitted_at: Option<DateTimeUtc>,
    pub approved_by: Option<UserId>,
    pub approved_at: Option<DateTimeUtc>,
    pub rejection_reason: Option<String>,
    pub cancel_reason: Option<String>,
    pub acknowledged_at: Option<DateTimeUtc>,
    pub acknowledgement_comment: Option<Sealed<columns::PlanAcknowledgement>>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No relations are declared; repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

crate::sealed::bind_sealed!(key: id, sealed: [goal], optional: [acknowledgement_comment], on save);
