//! Password links and temporary passwords: a one-time link (by the SHA-256 of its token) that
//! sets a person's password, sent by email ("forgot password", or by an admin) or handed to a
//! sign-in with a temporary password; when a temporary password stops working; why an action
//! item was cancelled; and whether it waits for its plan's approval (its agent sees it once the
//! plan is active).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{self, at, at_null, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::create(
            manager,
            Table::create()
                .table("password_links")
                .col(uuid("id").primary_key())
                .col(uuid("user_id"))
                .col(string_len("token_hash", 64).unique_key())
                .col(at("expires_at"))
                .col(at_null("used_at"))
                .col(at("created_at"))
                .foreign_key(&mut fk(
                    "password_links",
                    "user_id",
                    "users",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            vec![index("password_links", &["user_id", "created_at"])],
        )
        .await?;
        for (table, column) in [
            ("users", at_null("temporary_password_until")),
            ("action_items", text_null("cancel_reason")),
            (
                "action_items",
                boolean("awaiting_plan").default(false).to_owned(),
            ),
        ] {
            manager
                .alter_table(Table::alter().table(table).add_column(column).to_owned())
                .await?;
        }
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE action_items SET awaiting_plan = TRUE WHERE plan_id IN \
                 (SELECT id FROM action_plans WHERE approved_at IS NULL)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in [
            ("action_items", "awaiting_plan"),
            ("action_items", "cancel_reason"),
            ("users", "temporary_password_until"),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        columns::drop(manager, &["password_links"]).await
    }
}
