//! The `calendar_feeds` table.

use domain::UserId;
use sea_orm::entity::prelude::*;

/// One row of `calendar_feeds`: a person's calendar feed, by the hash of its secret token.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "calendar_feeds")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: UserId,
    pub token_hash: String,
    pub created_at: DateTimeUtc,
}

crate::entity::joined_explicitly!();
