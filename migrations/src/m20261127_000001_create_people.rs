//! People and teams.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{self, at_null, editable, fk, id, index, one_of, uuid_ref, uuid_ref_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::create(
            manager,
            editable(
                Table::create()
                    .table("users")
                    .col(id())
                    .col(string_len_uniq("email", 254))
                    .col(string_len("name", 120))
                    .col(one_of(
                        "role",
                        &["ADMIN", "MANAGER", "TEAM_LEADER", "AGENT"],
                    ))
                    .col(string_len_null("employee_id", 64).unique_key())
                    .col(string_len_null("department", 120))
                    .col(boolean("active").default(true))
                    .col(string_len_null("password_hash", 255))
                    .col(at_null("erased_at")),
            )
            .to_owned(),
            vec![
                index("users", &["name", "id"]),
                index("users", &["role", "name", "id"]),
            ],
        )
        .await?;

        columns::create(
            manager,
            editable(
                Table::create()
                    .table("teams")
                    .col(id())
                    .col(string_len_uniq("name", 120))
                    .col(uuid_ref("team_leader_id"))
                    .col(uuid_ref_null("manager_id"))
                    .foreign_key(&mut fk(
                        "teams",
                        "team_leader_id",
                        "users",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "teams",
                        "manager_id",
                        "users",
                        ForeignKeyAction::SetNull,
                    )),
            )
            .to_owned(),
            vec![
                index("teams", &["team_leader_id"]),
                index("teams", &["manager_id"]),
                index("teams", &["name", "id"]),
            ],
        )
        .await?;

        // An agent belongs to at most one team: the primary key is the agent.
        columns::create(
            manager,
            Table::create()
                .table("team_members")
                .col(uuid_ref("user_id").primary_key())
                .col(uuid_ref("team_id"))
                .col(columns::at("created_at"))
                .foreign_key(&mut fk(
                    "team_members",
                    "user_id",
                    "users",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "team_members",
                    "team_id",
                    "teams",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            vec![index("team_members", &["team_id", "user_id"])],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop(manager, &["team_members", "teams", "users"]).await
    }
}
