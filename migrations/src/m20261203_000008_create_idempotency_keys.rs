//! `Idempotency-Key`s: a write sent again with the same key (a browser sending its offline notes
//! after a lost answer) finds the record the first one made instead of making another.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{self, at, fk, id, index, uuid_ref};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::create(
            manager,
            Table::create()
                .table("idempotency_keys")
                .col(id())
                .col(uuid_ref("user_id"))
                .col(string_len("key", 255))
                // What was asked (SHA-256 of the request, hex): a key reused for another request
                // is refused.
                .col(string_len("fingerprint", 64))
                // No foreign key: the record may be deleted later, and the key still answers.
                .col(uuid_ref("resource_id"))
                .col(at("created_at"))
                .foreign_key(&mut fk(
                    "idempotency_keys",
                    "user_id",
                    "users",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            vec![
                index("idempotency_keys", &["user_id", "key"])
                    .unique()
                    .to_owned(),
                index("idempotency_keys", &["created_at"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop(manager, &["idempotency_keys"]).await
    }
}
