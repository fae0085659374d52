//! The KPI catalogue, versioned scorecard configurations and monthly values per agent.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{self, at, editable, fk, id, index, one_of, uuid_ref, uuid_ref_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::create(
            manager,
            editable(
                Table::create()
                    .table("kpis")
                    .col(id())
                    .col(string_len_uniq("key", 64))
                    .col(string_len("name", 120))
                    .col(text_null("description"))
                    .col(string_len("unit", 16))
                    .col(one_of(
                        "direction",
                        &["HIGHER_IS_BETTER", "LOWER_IS_BETTER"],
                    ))
                    .col(double("min_value"))
                    .col(double("max_value"))
                    // The raw counts a value is computed from: value = numerator / denominator x 100.
                    .col(string_len_null("numerator", 64))
                    .col(string_len_null("denominator", 64))
                    .col(boolean("active").default(true)),
            )
            .to_owned(),
            vec![],
        )
        .await?;

        // A configuration applies from `effective_from` (a month) until the next one; it is never edited.
        columns::create(
            manager,
            Table::create()
                .table("scorecard_configs")
                .col(id())
                .col(string_len_uniq("effective_from", 7))
                .col(text_null("note"))
                .col(uuid_ref_null("created_by"))
                .col(at("created_at"))
                .foreign_key(&mut fk(
                    "scorecard_configs",
                    "created_by",
                    "users",
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
            vec![],
        )
        .await?;

        columns::create(
            manager,
            Table::create()
                .table("scorecard_config_kpis")
                .col(uuid_ref("config_id"))
                .col(uuid_ref("kpi_id"))
                .col(double("weight"))
                .col(double("target"))
                .primary_key(Index::create().col("config_id").col("kpi_id"))
                .foreign_key(&mut fk(
                    "scorecard_config_kpis",
                    "config_id",
                    "scorecard_configs",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "scorecard_config_kpis",
                    "kpi_id",
                    "kpis",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
            vec![],
        )
        .await?;

        // One row per agent and month; the KPI values hang off it.
        columns::create(
            manager,
            editable(
                Table::create()
                    .table("metric_months")
                    .col(id())
                    .col(uuid_ref("agent_id"))
                    .col(string_len("month", 7))
                    .col(json_null("raw_counts"))
                    .col(text_null("notes"))
                    .col(uuid_ref_null("updated_by"))
                    .foreign_key(&mut fk(
                        "metric_months",
                        "agent_id",
                        "users",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "metric_months",
                        "updated_by",
                        "users",
                        ForeignKeyAction::SetNull,
                    )),
            )
            .to_owned(),
            vec![
                index("metric_months", &["agent_id", "month"])
                    .unique()
                    .to_owned(),
                index("metric_months", &["month", "agent_id"]),
            ],
        )
        .await?;

        columns::create(
            manager,
            Table::create()
                .table("metric_values")
                .col(uuid_ref("metric_month_id"))
                .col(uuid_ref("kpi_id"))
                .col(double("value"))
                .primary_key(Index::create().col("metric_month_id").col("kpi_id"))
                .foreign_key(&mut fk(
                    "metric_values",
                    "metric_month_id",
                    "metric_months",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "metric_values",
                    "kpi_id",
                    "kpis",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
            vec![index("metric_values", &["kpi_id"])],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop(
            manager,
            &[
                "metric_values",
                "metric_months",
                "scorecard_config_kpis",
                "scorecard_configs",
                "kpis",
            ],
        )
        .await
    }
}
