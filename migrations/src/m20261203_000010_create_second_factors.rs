//! A second factor at sign-in: each person's TOTP secret, their single-use recovery codes, and
//! the roles that must use one.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{self, at, at_null, fk, id, index, one_of, uuid_ref};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::create(
            manager,
            Table::create()
                .table("second_factors")
                .col(uuid("user_id").primary_key())
                // The TOTP secret, base32 (RFC 6238 with SHA-1, 6 digits, 30 s).
                .col(string_len("secret", 64))
                // Set once the person proves their app has it; until then it is an enrolment.
                .col(at_null("confirmed_at"))
                // The last time step a code was accepted for: a code is never accepted twice.
                .col(big_integer_null("last_step"))
                .col(at("created_at"))
                .foreign_key(&mut fk(
                    "second_factors",
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
                .table("recovery_codes")
                .col(id())
                .col(uuid_ref("user_id"))
                // SHA-256 of the code, hex.
                .col(string_len("code_hash", 64))
                .col(at_null("used_at"))
                .foreign_key(&mut fk(
                    "recovery_codes",
                    "user_id",
                    "users",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            vec![index("recovery_codes", &["user_id", "code_hash"])],
        )
        .await?;
        columns::create(
            manager,
            Table::create()
                .table("second_factor_roles")
                .col(one_of("role", &["ADMIN", "MANAGER", "TEAM_LEADER", "AGENT"]).primary_key())
                .col(at("created_at"))
                .to_owned(),
            vec![],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop(
            manager,
            &["second_factor_roles", "recovery_codes", "second_factors"],
        )
        .await
    }
}
