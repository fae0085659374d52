//! Email notifications: each notification is also the outbox of its email (its state, attempts
//! and next attempt, beside it, written by the mailer), and the people who asked for none.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{self, at, at_null, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite adds them one at a time.
        for column in [
            string_len_null("email_state", 16),
            integer("email_attempts").default(0).to_owned(),
            at_null("email_next_at"),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table("notifications")
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(index("notifications", &["email_state", "created_at"]))
            .await?;
        columns::create(
            manager,
            Table::create()
                .table("email_opt_outs")
                .col(uuid("user_id").primary_key())
                .col(at("created_at"))
                .foreign_key(&mut fk(
                    "email_opt_outs",
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
        columns::drop(manager, &["email_opt_outs"]).await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_notifications_email_state_created_at")
                    .table("notifications")
                    .to_owned(),
            )
            .await?;
        for column in ["email_next_at", "email_attempts", "email_state"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("notifications")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
