//! The quality analyst: a fifth role, and the teams an admin assigns each analyst to evaluate.
//!
//! `users.role` and `second_factor_roles.role` take only the listed roles (a `CHECK`), so both
//! lists grow by one. PostgreSQL replaces the constraint. SQLite cannot alter a `CHECK`, and
//! rebuilding `users` would mean dropping a table every other table refers to; a `CHECK` that
//! admits more than before changes nothing stored, so the table's recorded definition is edited
//! in place, in one transaction, as SQLite documents for exactly this
//! (<https://sqlite.org/lang_altertable.html#otheralter>).

use sea_orm_migration::prelude::ForeignKeyAction::Cascade;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::columns::{self, at, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

const BEFORE: &str = "'ADMIN', 'MANAGER', 'TEAM_LEADER', 'AGENT'";
const AFTER: &str = "'ADMIN', 'MANAGER', 'TEAM_LEADER', 'QUALITY_ANALYST', 'AGENT'";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// One transaction on every backend: SQLite's schema edit must not be seen half done.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        roles(manager, BEFORE, AFTER).await?;
        columns::create(
            manager,
            Table::create()
                .table("team_analysts")
                .col(uuid("team_id"))
                .col(uuid("user_id"))
                .col(at("created_at"))
                .primary_key(Index::create().col("team_id").col("user_id"))
                .foreign_key(&mut fk("team_analysts", "team_id", "teams", Cascade))
                .foreign_key(&mut fk("team_analysts", "user_id", "users", Cascade))
                .to_owned(),
            vec![index("team_analysts", &["user_id", "team_id"])],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop(manager, &["team_analysts"]).await?;
        let db = manager.get_connection();
        db.execute_unprepared("DELETE FROM second_factor_roles WHERE role = 'QUALITY_ANALYST'")
            .await?;
        let analysts = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT COUNT(*) AS n FROM users WHERE role = 'QUALITY_ANALYST'",
            ))
            .await?
            .map(|row| row.try_get::<i64>("", "n"))
            .transpose()?
            .unwrap_or(0);
        if analysts > 0 {
            return Err(DbErr::Migration(format!(
                "{analysts} users are quality analysts; give them another role first"
            )));
        }
        roles(manager, AFTER, BEFORE).await
    }
}

/// Changes the roles `users.role` and `second_factor_roles.role` accept from `from` to `to`.
async fn roles(manager: &SchemaManager<'_>, from: &str, to: &str) -> Result<(), DbErr> {
    let db = manager.get_connection();
    match db.get_database_backend() {
        DbBackend::Postgres => {
            for table in ["users", "second_factor_roles"] {
                db.execute_unprepared(&format!(
                    "ALTER TABLE {table} DROP CONSTRAINT {table}_role_check; \
                     ALTER TABLE {table} ADD CONSTRAINT {table}_role_check \
                     CHECK (role IN ({to}))"
                ))
                .await?;
            }
            Ok(())
        }
        DbBackend::Sqlite => {
            let version = db
                .query_one_raw(Statement::from_string(
                    DbBackend::Sqlite,
                    "PRAGMA schema_version",
                ))
                .await?
                .ok_or_else(|| DbErr::Migration("SQLite has no schema version".into()))?
                .try_get_by_index::<i64>(0)?;
            // The lists as SQL string literals: `'IN (''ADMIN'', ...)'`.
            let [from, to] = [from, to].map(|list| format!("'IN ({})'", list.replace('\'', "''")));
            db.execute_unprepared("PRAGMA writable_schema = ON").await?;
            let edited = db
                .execute_unprepared(&format!(
                    "UPDATE sqlite_schema SET sql = replace(sql, {from}, {to}) \
                     WHERE type = 'table' AND name IN ('users', 'second_factor_roles') \
                     AND instr(sql, {from}) > 0"
                ))
                .await?
                .rows_affected();
            db.execute_unprepared(&format!("PRAGMA schema_version = {}", version + 1))
                .await?;
            db.execute_unprepared("PRAGMA writable_schema = OFF")
                .await?;
            if edited != 2 {
                return Err(DbErr::Migration(format!(
                    "expected the role lists of two tables, found {edited}"
                )));
            }
            Ok(())
        }
        backend => Err(DbErr::Migration(format!("{backend:?} is not supported"))),
    }
}
