//! The audit log, announcements and notifications.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{self, at, at_null, editable, fk, id, index, one_of, uuid_ref, uuid_ref_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};

        // Append-only; each row carries the hash of the previous one, so a gap or an edit shows.
        columns::create(
            manager,
            Table::create()
                .table("audit_log")
                .col(id())
                .col(big_integer_uniq("seq"))
                .col(at("occurred_at"))
                .col(uuid_ref_null("actor_id"))
                .col(string_len("action", 64))
                .col(string_len("resource_type", 64))
                .col(uuid_ref_null("resource_id"))
                .col(string_len_null("ip", 64))
                .col(string_len_null("request_id", 64))
                .col(json_null("changes"))
                .col(string_len("prev_hash", 64))
                .col(string_len("hash", 64))
                .to_owned(),
            vec![
                index("audit_log", &["occurred_at", "id"]),
                index("audit_log", &["actor_id", "occurred_at"]),
                index("audit_log", &["resource_type", "resource_id"]),
            ],
        )
        .await?;

        columns::create(
            manager,
            editable(
                Table::create()
                    .table("announcements")
                    .col(id())
                    .col(uuid_ref_null("author_id"))
                    .col(string_len("title", 200))
                    .col(text("body"))
                    .col(one_of("audience", &["EVERYONE", "TEAM"]))
                    .col(uuid_ref_null("team_id"))
                    .col(at("published_at"))
                    .foreign_key(&mut fk("announcements", "author_id", "users", SetNull))
                    .foreign_key(&mut fk("announcements", "team_id", "teams", Cascade)),
            )
            .to_owned(),
            vec![
                index("announcements", &["published_at", "id"]),
                index("announcements", &["team_id"]),
            ],
        )
        .await?;

        columns::create(
            manager,
            Table::create()
                .table("notifications")
                .col(id())
                .col(uuid_ref("user_id"))
                .col(string_len("kind", 64))
                .col(string_len("title", 200))
                .col(text_null("body"))
                .col(json_null("data"))
                .col(at_null("read_at"))
                .col(at("created_at"))
                .foreign_key(&mut fk("notifications", "user_id", "users", Cascade))
                .to_owned(),
            vec![index(
                "notifications",
                &["user_id", "read_at", "created_at"],
            )],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop(manager, &["notifications", "announcements", "audit_log"]).await
    }
}
