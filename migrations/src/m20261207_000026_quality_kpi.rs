//! The quality KPI: one KPI of the catalogue may take its value from evaluations (an agent's
//! monthly average evaluation score) instead of being entered or imported.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("kpis")
                    .add_column(boolean("from_evaluations").default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("kpis")
                    .drop_column("from_evaluations")
                    .to_owned(),
            )
            .await
    }
}
