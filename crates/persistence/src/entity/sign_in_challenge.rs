//! The `sign_in_challenges` table.

use domain::UserId;
use sea_orm::entity::prelude::*;

/// One row of `sign_in_challenges`: a sign-in waiting for its second factor, by the hash of the
/// token its client holds.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "sign_in_challenges")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: UserId,
    pub token_hash: String,
    /// Codes tried against it (one being checked counts until it is found right).
    pub failures: i32,
    pub expires_at: DateTimeUtc,
    /// When a right code used it up.
    pub spent_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

crate::entity::joined_explicitly!();
