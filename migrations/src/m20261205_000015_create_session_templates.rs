//! Session templates: named starting points for planning a session (focus areas, agenda, length,
//! default action items), for one team or (no team) for the whole organisation. They describe
//! the coaching, never a person, so nothing here is sealed.

use sea_orm_migration::prelude::ForeignKeyAction::{Cascade, SetNull};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{self, editable, fk, id, index, uuid_ref_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::create(
            manager,
            editable(
                Table::create()
                    .table("session_templates")
                    .col(id())
                    .col(string_len("name", 100))
                    .col(uuid_ref_null("team_id"))
                    .col(json("focus_areas"))
                    .col(text_null("agenda"))
                    .col(integer("duration_minutes"))
                    .col(json("action_items"))
                    .col(uuid_ref_null("created_by"))
                    .foreign_key(&mut fk("session_templates", "team_id", "teams", Cascade))
                    .foreign_key(&mut fk("session_templates", "created_by", "users", SetNull)),
            )
            .to_owned(),
            vec![index("session_templates", &["team_id", "name"])],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop(manager, &["session_templates"]).await
    }
}
