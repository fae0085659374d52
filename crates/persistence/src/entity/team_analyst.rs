//! The `team_analysts` table.

use domain::{TeamId, UserId};
use sea_orm::entity::prelude::*;

/// A quality analyst who evaluates the agents of a team.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "team_analysts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub team_id: TeamId,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: UserId,
    pub created_at: DateTimeUtc,
}

crate::entity::joined_explicitly!();
