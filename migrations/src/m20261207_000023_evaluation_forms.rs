//! Evaluation forms: what quality analysts and coaches score an interaction against. A form's
//! sections and questions are kept whole per version (`evaluation_form_versions`), so an
//! evaluation is always read against the questions it was scored with; the form row names the
//! version in force (`sections_version`) and holds what may change without touching the scoring
//! (name, channels, teams, archiving). Forms describe the work, never a person, so nothing here
//! is sealed.

use sea_orm_migration::prelude::ForeignKeyAction::{Cascade, SetNull};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{self, at, at_null, editable, fk, id, index, uuid_ref_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::create(
            manager,
            editable(
                Table::create()
                    .table("evaluation_forms")
                    .col(id())
                    .col(string_len("name", 200))
                    .col(text_null("description"))
                    .col(json("channels"))
                    .col(integer("sections_version"))
                    .col(at_null("archived_at"))
                    .col(uuid_ref_null("created_by"))
                    .foreign_key(&mut fk("evaluation_forms", "created_by", "users", SetNull)),
            )
            .to_owned(),
            vec![index("evaluation_forms", &["name"])],
        )
        .await?;
        columns::create(
            manager,
            Table::create()
                .table("evaluation_form_teams")
                .col(uuid("form_id"))
                .col(uuid("team_id"))
                .primary_key(Index::create().col("form_id").col("team_id"))
                .foreign_key(&mut fk(
                    "evaluation_form_teams",
                    "form_id",
                    "evaluation_forms",
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    "evaluation_form_teams",
                    "team_id",
                    "teams",
                    Cascade,
                ))
                .to_owned(),
            vec![index("evaluation_form_teams", &["team_id"])],
        )
        .await?;
        columns::create(
            manager,
            Table::create()
                .table("evaluation_form_versions")
                .col(uuid("form_id"))
                .col(integer("version"))
                .col(json("sections"))
                .col(at("created_at"))
                .primary_key(Index::create().col("form_id").col("version"))
                .foreign_key(&mut fk(
                    "evaluation_form_versions",
                    "form_id",
                    "evaluation_forms",
                    Cascade,
                ))
                .to_owned(),
            vec![],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop(
            manager,
            &[
                "evaluation_form_versions",
                "evaluation_form_teams",
                "evaluation_forms",
            ],
        )
        .await
    }
}
