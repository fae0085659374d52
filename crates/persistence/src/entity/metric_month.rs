//! The `metric_months` table.

use domain::UserId;
use sea_orm::entity::prelude::*;

/// One row of `metric_months`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "metric_months")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub agent_id: UserId,
    pub month: String,
    pub raw_counts: Option<Json>,
    pub notes: Option<String>,
    pub updated_by: Option<UserId>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

crate::entity::joined_explicitly!();
