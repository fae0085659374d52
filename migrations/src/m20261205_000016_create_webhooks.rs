//! Outbound webhooks: the endpoints admins register, and each delivery with its attempts.
//!
//! The outbox is the audit log, written in the same transaction as every change: a webhook's
//! `cursor` is the last audit entry it has turned into deliveries, so a change committed is a
//! change delivered, across restarts. The signing secret is sealed like personal text.

use sea_orm_migration::prelude::ForeignKeyAction::Cascade;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{self, at, at_null, editable, fk, id, index, one_of, uuid_ref};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::create(
            manager,
            editable(
                Table::create()
                    .table("webhooks")
                    .col(id())
                    .col(string_len("url", 2000))
                    .col(string_len("description", 200))
                    .col(json("events"))
                    .col(text("secret"))
                    .col(boolean("enabled").default(true))
                    .col(big_integer("cursor"))
                    .col(at_null("failing_since"))
                    .col(at_null("disabled_at")),
            )
            .to_owned(),
            vec![],
        )
        .await?;
        columns::create(
            manager,
            Table::create()
                .table("webhook_deliveries")
                .col(id())
                .col(uuid_ref("webhook_id"))
                .col(big_integer("audit_seq"))
                .col(string_len("event_type", 64))
                .col(text("payload"))
                .col(one_of("status", &["pending", "delivered"]))
                .col(integer("attempts").default(0))
                .col(at("next_attempt_at"))
                .col(at_null("last_attempt_at"))
                .col(integer_null("response_status"))
                .col(string_len_null("last_error", 500))
                .col(at("created_at"))
                .col(at_null("delivered_at"))
                .foreign_key(&mut fk(
                    "webhook_deliveries",
                    "webhook_id",
                    "webhooks",
                    Cascade,
                ))
                .to_owned(),
            vec![
                Index::create()
                    .name("idx_webhook_deliveries_webhook_id_audit_seq")
                    .table("webhook_deliveries")
                    .col("webhook_id")
                    .col("audit_seq")
                    .unique()
                    .to_owned(),
                index("webhook_deliveries", &["status", "next_attempt_at"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop(manager, &["webhook_deliveries", "webhooks"]).await
    }
}
