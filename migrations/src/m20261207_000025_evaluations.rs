//! Evaluations: one interaction of one agent, scored against a version of a form. The answers'
//! values are clear (they are the scoring); what evaluators and agents write about a person (the
//! answers' comments, strengths, opportunities, the agent's acknowledgement) is sealed.

use sea_orm_migration::prelude::ForeignKeyAction::{Restrict, SetNull};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{self, at, at_null, editable, fk, id, index, one_of, uuid_ref_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::create(
            manager,
            editable(
                Table::create()
                    .table("evaluations")
                    .col(id())
                    .col(uuid("form_id"))
                    .col(integer("form_version"))
                    .col(uuid("agent_id"))
                    .col(uuid_ref_null("evaluator_id"))
                    .col(one_of(
                        "channel",
                        &["CALL", "CHAT", "EMAIL", "TICKET", "SOCIAL"],
                    ))
                    .col(string_len("interaction_id", 200))
                    .col(text_null("interaction_url"))
                    .col(at("occurred_at"))
                    .col(integer_null("duration_seconds"))
                    .col(json("answers"))
                    .col(text("comments"))
                    .col(text_null("strengths"))
                    .col(text_null("opportunities"))
                    .col(one_of(
                        "status",
                        &["DRAFT", "SUBMITTED", "ACKNOWLEDGED", "VOIDED"],
                    ))
                    .col(double_null("score"))
                    .col(json_null("section_scores"))
                    .col(uuid_null("failed_by"))
                    .col(at_null("submitted_at"))
                    .col(at_null("acknowledged_at"))
                    .col(text_null("acknowledgement_comment"))
                    .col(text_null("edit_reason"))
                    .col(at_null("voided_at"))
                    .col(text_null("void_reason"))
                    .foreign_key(&mut fk(
                        "evaluations",
                        "form_id",
                        "evaluation_forms",
                        Restrict,
                    ))
                    .foreign_key(&mut fk("evaluations", "agent_id", "users", Restrict))
                    .foreign_key(&mut fk("evaluations", "evaluator_id", "users", SetNull)),
            )
            .to_owned(),
            vec![
                index("evaluations", &["agent_id", "occurred_at"]),
                index("evaluations", &["evaluator_id", "occurred_at"]),
                index("evaluations", &["occurred_at", "id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop(manager, &["evaluations"]).await
    }
}
