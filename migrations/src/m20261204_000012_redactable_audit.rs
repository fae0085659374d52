//! The audit chain hashes digests of an entry's personal fields (the client address and the
//! recorded changes) instead of the fields themselves, so erasing a person can remove them from
//! the log and leave the chain verifiable. `redacted_at` marks an entry whose fields were
//! removed. Existing entries are re-hashed by the application after it has verified them under
//! the old rule (`persistence::audit::upgrade_chain`), which finds them through a partial index
//! of the entries without digests (empty once they are re-hashed, so every start-up's look is
//! one index probe, not a walk of the log).

use sea_orm_migration::prelude::*;

use crate::columns::at_null;

/// The migration.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite alters a table one column at a time.
        for column in [
            ColumnDef::new("ip_digest").string_len(64).null().to_owned(),
            ColumnDef::new("changes_digest")
                .string_len(64)
                .null()
                .to_owned(),
            at_null("redacted_at"),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table("audit_log")
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX idx_audit_log_undigested ON audit_log (seq) WHERE ip_digest IS NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX idx_audit_log_undigested")
            .await?;
        for column in ["ip_digest", "changes_digest", "redacted_at"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("audit_log")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
