//! Calendar feeds: each person's secret feed URL, kept only as the SHA-256 of its token, so the
//! table never holds a working URL. One feed per person: a new one replaces the old.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{self, at, fk};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::create(
            manager,
            Table::create()
                .table("calendar_feeds")
                .col(uuid("user_id").primary_key())
                .col(string_len("token_hash", 64).unique_key())
                .col(at("created_at"))
                .foreign_key(&mut fk(
                    "calendar_feeds",
                    "user_id",
                    "users",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            vec![],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop(manager, &["calendar_feeds"]).await
    }
}
