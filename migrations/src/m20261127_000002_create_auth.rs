//! Sign-in sessions (refresh-token families) and personal access tokens.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{self, at, at_null, editable, fk, id, index, uuid_ref};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One row per sign-in: the family every rotated refresh token belongs to.
        columns::create(
            manager,
            Table::create()
                .table("auth_sessions")
                .col(id())
                .col(uuid_ref("user_id"))
                .col(at("created_at"))
                .col(at("expires_at"))
                .col(at_null("revoked_at"))
                .col(string_len_null("revoked_reason", 64))
                .col(string_len_null("user_agent", 255))
                .col(string_len_null("ip", 64))
                .foreign_key(&mut fk(
                    "auth_sessions",
                    "user_id",
                    "users",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            vec![index("auth_sessions", &["user_id", "revoked_at"])],
        )
        .await?;

        columns::create(
            manager,
            Table::create()
                .table("refresh_tokens")
                .col(id())
                .col(uuid_ref("session_id"))
                .col(string_len_uniq("token_hash", 64))
                .col(at("created_at"))
                .col(at("expires_at"))
                .col(at_null("used_at"))
                .foreign_key(&mut fk(
                    "refresh_tokens",
                    "session_id",
                    "auth_sessions",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            vec![index("refresh_tokens", &["session_id"])],
        )
        .await?;

        columns::create(
            manager,
            editable(
                Table::create()
                    .table("personal_access_tokens")
                    .col(id())
                    .col(uuid_ref("user_id"))
                    .col(string_len("name", 120))
                    .col(string_len_uniq("token_hash", 64))
                    .col(string_len("scopes", 255))
                    .col(at_null("expires_at"))
                    .col(at_null("last_used_at"))
                    .col(at_null("revoked_at"))
                    .foreign_key(&mut fk(
                        "personal_access_tokens",
                        "user_id",
                        "users",
                        ForeignKeyAction::Cascade,
                    )),
            )
            .to_owned(),
            vec![index("personal_access_tokens", &["user_id", "id"])],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop(
            manager,
            &["personal_access_tokens", "refresh_tokens", "auth_sessions"],
        )
        .await
    }
}
