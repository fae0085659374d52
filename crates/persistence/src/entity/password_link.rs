//! The `password_links` table.

use domain::UserId;
use sea_orm::entity::prelude::*;

/// One row of `password_links`: a one-time link that sets a person's password, by the hash of
/// the token it carries.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "password_links")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: UserId,
    pub token_hash: String,
    pub expires_at: DateTimeUtc,
    /// When it set a password.
    pub used_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

crate::entity::joined_explicitly!();
