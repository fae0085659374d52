//! Full-text search over sessions, notes, action items and people.
//!
//! PostgreSQL: GIN indexes on `to_tsvector('simple', ...)` of each searchable text (the query in
//! `persistence::search` uses the same expressions). SQLite: one FTS5 table fed by triggers.
//! Both hold HTML-escaped text, so highlighted snippets are safe to show.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// What is searched in each table: (kind, table, text expression over `{row}.` columns).
pub const SOURCES: [(&str, &str, &str); 4] = [
    ("quick_note", "quick_notes", "{row}.content"),
    (
        "session",
        "coaching_sessions",
        "coalesce({row}.preparation_notes, '') || ' ' || coalesce({row}.session_notes, '') || ' ' || {row}.focus_areas",
    ),
    (
        "action_item",
        "action_items",
        "{row}.title || ' ' || coalesce({row}.description, '')",
    ),
    ("person", "users", "{row}.name || ' ' || {row}.email"),
];

/// `text` with `&`, `<` and `>` escaped, in SQL.
pub fn escaped(text: &str) -> String {
    format!("replace(replace(replace({text}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')")
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match db.get_database_backend() {
            DbBackend::Postgres => {
                for (kind, table, text) in SOURCES {
                    let text = text.replace("{row}.", "");
                    db.execute_unprepared(&format!(
                        "CREATE INDEX idx_{kind}_search ON {table} USING GIN (to_tsvector('simple', {}))",
                        escaped(&text)
                    ))
                    .await?;
                }
            }
            _ => {
                db.execute_unprepared("CREATE VIRTUAL TABLE search_fts USING fts5(kind UNINDEXED, resource_id UNINDEXED, body)")
                    .await?;
                for (kind, table, text) in SOURCES {
                    let new = escaped(&text.replace("{row}", "NEW"));
                    let all = escaped(&text.replace("{row}", table));
                    let insert = format!(
                        "INSERT INTO search_fts (kind, resource_id, body) VALUES ('{kind}', NEW.id, {new});"
                    );
                    let delete = format!(
                        "DELETE FROM search_fts WHERE kind = '{kind}' AND resource_id = OLD.id;"
                    );
                    db.execute_unprepared(&format!("CREATE TRIGGER {table}_search_insert AFTER INSERT ON {table} BEGIN {insert} END"))
                        .await?;
                    db.execute_unprepared(&format!("CREATE TRIGGER {table}_search_delete AFTER DELETE ON {table} BEGIN {delete} END"))
                        .await?;
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_search_update AFTER UPDATE ON {table} BEGIN {delete} {insert} END"
                    ))
                    .await?;
                    db.execute_unprepared(&format!(
                        "INSERT INTO search_fts (kind, resource_id, body) SELECT '{kind}', {table}.id, {all} FROM {table}"
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match db.get_database_backend() {
            DbBackend::Postgres => {
                for (kind, _, _) in SOURCES {
                    db.execute_unprepared(&format!("DROP INDEX IF EXISTS idx_{kind}_search"))
                        .await?;
                }
            }
            _ => {
                for (_, table, _) in SOURCES {
                    for event in ["insert", "delete", "update"] {
                        db.execute_unprepared(&format!(
                            "DROP TRIGGER IF EXISTS {table}_search_{event}"
                        ))
                        .await?;
                    }
                }
                db.execute_unprepared("DROP TABLE IF EXISTS search_fts")
                    .await?;
            }
        }
        Ok(())
    }
}
