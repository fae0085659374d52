//! The `teams` table.

use domain::{TeamId, UserId};
use sea_orm::entity::prelude::*;

/// One row of `teams`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "teams")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: TeamId,
    pub name: String,
    pub team_leader_id: UserId,
    pub manager_id: Option<UserId>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

crate::entity::joined_explicitly!();
