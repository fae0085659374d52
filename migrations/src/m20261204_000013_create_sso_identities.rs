//! Single sign-on: the provider identity (issuer and subject) each person signed in with, kept
//! once their verified email first matched, so a later change of email at the provider does not
//! move the sign-in to someone else.

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
                .table("sso_identities")
                // One identity per person: linking a second one is refused, not added.
                .col(uuid("user_id").primary_key())
                .col(string_len("issuer", 512))
                .col(string_len("subject", 255))
                .col(at("linked_at"))
                .foreign_key(&mut fk(
                    "sso_identities",
                    "user_id",
                    "users",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            vec![
                Index::create()
                    .name("idx_sso_identities_issuer_subject")
                    .table("sso_identities")
                    .col("issuer")
                    .col("subject")
                    .unique()
                    .to_owned(),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop(manager, &["sso_identities"]).await
    }
}
