//! The `recovery_codes` table.

use domain::UserId;
use sea_orm::entity::prelude::*;

/// One row of `recovery_codes`: a single-use code, by its hash.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "recovery_codes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: UserId,
    pub code_hash: String,
    pub used_at: Option<DateTimeUtc>,
}

crate::entity::joined_explicitly!();
