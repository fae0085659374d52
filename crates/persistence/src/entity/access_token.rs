//! The `access_tokens` table.

use domain::UserId;
use sea_orm::entity::prelude::*;

/// One row of `access_tokens`: a personal access token, by the hash of its secret.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "access_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: UserId,
    pub name: String,
    pub token_hash: String,
    pub scopes: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub last_used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
}

crate::entity::joined_explicitly!();
