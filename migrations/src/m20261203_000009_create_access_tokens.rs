//! Personal access tokens: what API clients and scripts use instead of a person's password.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{self, at, at_null, fk, id, index, uuid_ref};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::create(
            manager,
            Table::create()
                .table("access_tokens")
                .col(id())
                .col(uuid_ref("user_id"))
                .col(string_len("name", 100))
                // SHA-256 of the token, hex: the token itself is shown once and never stored.
                .col(string_len("token_hash", 64))
                // Space-separated scopes (`read write`).
                .col(string_len("scopes", 100))
                .col(at("created_at"))
                .col(at("expires_at"))
                .col(at_null("last_used_at"))
                .col(at_null("revoked_at"))
                .foreign_key(&mut fk(
                    "access_tokens",
                    "user_id",
                    "users",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            vec![
                index("access_tokens", &["token_hash"]).unique().to_owned(),
                index("access_tokens", &["user_id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop(manager, &["access_tokens"]).await
    }
}
