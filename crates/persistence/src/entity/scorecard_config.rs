//! The `scorecard_configs` table.

use domain::UserId;
use sea_orm::entity::prelude::*;

/// One row of `scorecard_configs`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "scorecard_configs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub effective_from: String,
    pub note: Option<String>,
    pub created_by: Option<UserId>,
    pub created_at: DateTimeUtc,
}

crate::entity::joined_explicitly!();
