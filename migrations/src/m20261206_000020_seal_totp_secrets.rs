//! The TOTP secret is sealed like personal text: its column holds the sealed form, longer than
//! the 64 characters the clear secret needed. SQLite does not bound a text's length, so only
//! PostgreSQL's column changes type.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        manager
            .alter_table(
                Table::alter()
                    .table("second_factors")
                    .modify_column(ColumnDef::new("secret").text().not_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        manager
            .alter_table(
                Table::alter()
                    .table("second_factors")
                    .modify_column(ColumnDef::new("secret").string_len(64).not_null())
                    .to_owned(),
            )
            .await
    }
}
