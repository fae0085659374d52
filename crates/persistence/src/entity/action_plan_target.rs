//! The `action_plan_targets` table.

use domain::ActionPlanId;
use sea_orm::entity::prelude::*;

/// One row of `action_plan_targets`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "action_plan_targets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub plan_id: ActionPlanId,
    pub kpi_id: Uuid,
    pub operator: domain::TargetOperator,
    pub value: f64,
    pub by_month: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

crate::entity::joined_explicitly!();
