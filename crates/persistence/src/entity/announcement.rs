//! The `announcements` table.

use domain::{TeamId, UserId};
use sea_orm::entity::prelude::*;

/// One row of `announcements`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "announcements")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub author_id: Option<UserId>,
    pub title: String,
    pub body: String,
    pub audience: String,
    pub team_id: Option<TeamId>,
    pub published_at: DateTimeUtc,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

crate::entity::joined_explicitly!();
