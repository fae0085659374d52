//! Coaching sessions, action plans and their targets and checkpoints, action items, quick notes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{self, at, at_null, editable, fk, id, index, one_of, uuid_ref, uuid_ref_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, Restrict, SetNull};

        columns::create(
            manager,
            editable(
                Table::create()
                    .table("coaching_sessions")
                    .col(id())
                    .col(uuid_ref("agent_id"))
                    .col(uuid_ref("team_leader_id"))
                    .col(at("scheduled_at"))
                    .col(integer("duration_minutes"))
                    .col(one_of(
                        "status",
                        &[
                            "SCHEDULED",
                            "IN_PROGRESS",
                            "COMPLETED",
                            "CANCELLED",
                            "NO_SHOW",
                        ],
                    ))
                    .col(json("focus_areas"))
                    .col(text_null("preparation_notes"))
                    .col(text_null("session_notes"))
                    .col(at_null("started_at"))
                    .col(at_null("completed_at"))
                    .col(double_null("previous_score"))
                    .col(double_null("current_score"))
                    .col(text_null("cancel_reason"))
                    .col(at_null("acknowledged_at"))
                    .col(text_null("acknowledgement_comment"))
                    .col(uuid_ref_null("created_by"))
                    .foreign_key(&mut fk("coaching_sessions", "agent_id", "users", Cascade))
                    .foreign_key(&mut fk(
                        "coaching_sessions",
                        "team_leader_id",
                        "users",
                        Restrict,
                    ))
                    .foreign_key(&mut fk("coaching_sessions", "created_by", "users", SetNull)),
            )
            .to_owned(),
            vec![
                index("coaching_sessions", &["agent_id", "scheduled_at"]),
                index("coaching_sessions", &["team_leader_id", "scheduled_at"]),
                index("coaching_sessions", &["status", "scheduled_at"]),
            ],
        )
        .await?;

        columns::create(
            manager,
            editable(
                Table::create()
                    .table("action_plans")
                    .col(id())
                    .col(uuid_ref("agent_id"))
                    .col(uuid_ref_null("created_by"))
                    .col(string_len("title", 200))
                    .col(text("goal"))
                    .col(date("start_date"))
                    .col(date("end_date"))
                    .col(one_of(
                        "status",
                        &[
                            "DRAFT",
                            "PENDING_APPROVAL",
                            "ACTIVE",
                            "COMPLETED",
                            "CANCELLED",
                        ],
                    ))
                    .col(
                        string_len_null("outcome", 32)
                            .check(Expr::col("outcome").is_in([
                                "SUCCESSFUL",
                                "UNSUCCESSFUL",
                                "EXTENDED",
                            ]))
                            .to_owned(),
                    )
                    .col(at_null("submitted_at"))
                    .col(uuid_ref_null("approved_by"))
                    .col(at_null("approved_at"))
                    .col(text_null("rejection_reason"))
                    .col(text_null("cancel_reason"))
                    .col(at_null("acknowledged_at"))
                    .col(text_null("acknowledgement_comment"))
                    .foreign_key(&mut fk("action_plans", "agent_id", "users", Cascade))
                    .foreign_key(&mut fk("action_plans", "created_by", "users", SetNull))
                    .foreign_key(&mut fk("action_plans", "approved_by", "users", SetNull)),
            )
            .to_owned(),
            vec![
                index("action_plans", &["agent_id", "status"]),
                index("action_plans", &["status", "id"]),
            ],
        )
        .await?;

        columns::create(
            manager,
            editable(
                Table::create()
                    .table("action_plan_targets")
                    .col(id())
                    .col(uuid_ref("plan_id"))
                    .col(uuid_ref("kpi_id"))
                    .col(one_of("operator", &["GTE", "LTE"]))
                    .col(double("value"))
                    .col(string_len("by_month", 7))
                    .foreign_key(&mut fk(
                        "action_plan_targets",
                        "plan_id",
                        "action_plans",
                        Cascade,
                    ))
                    .foreign_key(&mut fk("action_plan_targets", "kpi_id", "kpis", Restrict)),
            )
            .to_owned(),
            vec![index("action_plan_targets", &["plan_id"])],
        )
        .await?;

        columns::create(
            manager,
            editable(
                Table::create()
                    .table("action_plan_checkpoints")
                    .col(id())
                    .col(uuid_ref("plan_id"))
                    .col(date("date"))
                    .col(text("notes"))
                    .col(uuid_ref_null("author_id"))
                    .foreign_key(&mut fk(
                        "action_plan_checkpoints",
                        "plan_id",
                        "action_plans",
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "action_plan_checkpoints",
                        "author_id",
                        "users",
                        SetNull,
                    )),
            )
            .to_owned(),
            vec![index("action_plan_checkpoints", &["plan_id", "date"])],
        )
        .await?;

        columns::create(
            manager,
            editable(
                Table::create()
                    .table("action_items")
                    .col(id())
                    .col(uuid_ref("agent_id"))
                    .col(uuid_ref("assignee_id"))
                    .col(uuid_ref_null("created_by"))
                    .col(uuid_ref_null("session_id"))
                    .col(uuid_ref_null("plan_id"))
                    .col(string_len("title", 200))
                    .col(text_null("description"))
                    .col(date("due_date"))
                    .col(one_of("priority", &["LOW", "MEDIUM", "HIGH"]))
                    .col(one_of(
                        "status",
                        &["PENDING", "IN_PROGRESS", "COMPLETED", "CANCELLED"],
                    ))
                    .col(at_null("completed_at"))
                    .foreign_key(&mut fk("action_items", "agent_id", "users", Cascade))
                    .foreign_key(&mut fk("action_items", "assignee_id", "users", Restrict))
                    .foreign_key(&mut fk("action_items", "created_by", "users", SetNull))
                    .foreign_key(&mut fk(
                        "action_items",
                        "session_id",
                        "coaching_sessions",
                        SetNull,
                    ))
                    .foreign_key(&mut fk("action_items", "plan_id", "action_plans", Cascade)),
            )
            .to_owned(),
            vec![
                index("action_items", &["assignee_id", "status", "due_date"]),
                index("action_items", &["agent_id", "status", "due_date"]),
                index("action_items", &["session_id"]),
                index("action_items", &["plan_id"]),
            ],
        )
        .await?;

        columns::create(
            manager,
            editable(
                Table::create()
                    .table("quick_notes")
                    .col(id())
                    .col(uuid_ref("agent_id"))
                    .col(uuid_ref("author_id"))
                    .col(string_len("content", 500))
                    .col(one_of(
                        "category",
                        &["PERFORMANCE", "BEHAVIOR", "TRAINING", "OTHER"],
                    ))
                    .col(one_of("visibility", &["PRIVATE", "SHARED"]))
                    .foreign_key(&mut fk("quick_notes", "agent_id", "users", Cascade))
                    .foreign_key(&mut fk("quick_notes", "author_id", "users", Cascade)),
            )
            .to_owned(),
            vec![
                index("quick_notes", &["agent_id", "created_at"]),
                index("quick_notes", &["author_id", "created_at"]),
            ],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop(
            manager,
            &[
                "quick_notes",
                "action_items",
                "action_plan_checkpoints",
                "action_plan_targets",
                "action_plans",
                "coaching_sessions",
            ],
        )
        .await
    }
}
