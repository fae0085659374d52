//! Reminders: each one sent is remembered by what it is, whom it is for and its occasion, so
//! that it goes out once across every instance and after any restart; and the kinds of reminder
//! a person turned off.

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
                .table("reminders_sent")
                .col(string_len("kind", 32))
                .col(uuid("user_id"))
                .col(string_len("occasion", 96))
                .col(at("created_at"))
                .primary_key(Index::create().col("kind").col("user_id").col("occasion"))
                .foreign_key(&mut fk(
                    "reminders_sent",
                    "user_id",
                    "users",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            vec![],
        )
        .await?;
        columns::create(
            manager,
            Table::create()
                .table("reminder_opt_outs")
                .col(uuid("user_id"))
                .col(string_len("kind", 32))
                .col(at("created_at"))
                .primary_key(Index::create().col("user_id").col("kind"))
                .foreign_key(&mut fk(
                    "reminder_opt_outs",
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
        columns::drop(manager, &["reminder_opt_outs", "reminders_sent"]).await
    }
}
