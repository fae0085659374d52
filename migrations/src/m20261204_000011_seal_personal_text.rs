//! Field-level encryption of personal text: the sealed columns' clear-text search indexes go (a
//! full-text index of ciphertext finds nothing, and one of the clear text would undo the
//! sealing), replaced by `search_terms`, a blind index of keyed hashes written by the
//! application; `encryption_keys` records which keys have sealed data, so a server started
//! without one of them (or with another key under its id) stops with a clear error.
//!
//! Existing rows keep their clear text until `coaching-hub rotate-key` seals and indexes them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::columns::{self, at, index};

/// The migration.
#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables whose searched text is now sealed, with the kind their search rows carry.
const SEALED: [(&str, &str); 2] = [
    ("quick_note", "quick_notes"),
    ("session", "coaching_sessions"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (kind, table) in SEALED {
            if db.get_database_backend() == DbBackend::Postgres {
                db.execute_unprepared(&format!("ALTER TABLE {table} DROP COLUMN search_vector"))
                    .await?;
            } else {
                for event in ["insert", "update", "delete"] {
                    db.execute_unprepared(&format!("DROP TRIGGER {table}_search_{event}"))
                        .await?;
                }
                db.execute_unprepared(&format!("DELETE FROM search_fts WHERE kind = '{kind}'"))
                    .await?;
            }
        }
        if db.get_database_backend() == DbBackend::Postgres {
            // A sealed note is longer than the 500 characters its text may have.
            db.execute_unprepared("ALTER TABLE quick_notes ALTER COLUMN content TYPE text")
                .await?;
        }
        columns::create(
            manager,
            Table::create()
                .table("search_terms")
                .col(string_len("kind", 20))
                .col(uuid("resource_id"))
                // The first 16 bytes of HMAC-SHA256(index key, word prefix).
                .col(binary("term"))
                .primary_key(Index::create().col("kind").col("resource_id").col("term"))
                .to_owned(),
            vec![index("search_terms", &["kind", "term", "resource_id"])],
        )
        .await?;
        columns::create(
            manager,
            Table::create()
                .table("encryption_keys")
                .col(string_len("id", 32).primary_key())
                // A known text sealed under the key: opening it proves the key is the same one.
                .col(text("check_value"))
                .col(at("created_at"))
                .to_owned(),
            vec![],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop(manager, &["encryption_keys", "search_terms"]).await
    }
}
