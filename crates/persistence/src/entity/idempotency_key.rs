//! The `idempotency_keys` table.

use domain::UserId;
use sea_orm::entity::prelude::*;

/// One row of `idempotency_keys`: the record a person's write with this key made.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: UserId,
    pub key: String,
    pub fingerprint: String,
    pub resource_id: Uuid,
    pub created_at: DateTimeUtc,
}

crate::entity::joined_explicitly!();
