//! Sign-in challenges: the step between a right password and a second factor, kept by the server
//! (only the SHA-256 of the token the client holds), so each is used once and allows a few wrong
//! codes; the wrong codes of the last hour, summed over a person's challenges, are their limit.

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
                .table("sign_in_challenges")
                .col(uuid("id").primary_key())
                .col(uuid("user_id"))
                .col(string_len("token_hash", 64).unique_key())
                .col(integer("failures").default(0))
                .col(at("expires_at"))
                .col(at_null("spent_at"))
                .col(at("created_at"))
                .foreign_key(&mut fk(
                    "sign_in_challenges",
                    "user_id",
                    "users",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            vec![index("sign_in_challenges", &["user_id", "created_at"])],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop(manager, &["sign_in_challenges"]).await
    }
}
