//! The `reminder_opt_outs` table.

use domain::UserId;
use sea_orm::entity::prelude::*;

/// One row of `reminder_opt_outs`: a kind of reminder a person turned off.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "reminder_opt_outs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: UserId,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    pub created_at: DateTimeUtc,
}

crate::entity::joined_explicitly!();
