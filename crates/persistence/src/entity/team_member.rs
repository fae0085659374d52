//! The `team_members` table.

use domain::{TeamId, UserId};
use sea_orm::entity::prelude::*;

/// One row of `team_members`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "team_members")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: UserId,
    pub team_id: TeamId,
    pub created_at: DateTimeUtc,
}

crate::entity::joined_explicitly!();
