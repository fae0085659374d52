//! Connecting, migrating and checking the database.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

use crate::StoreError;

/// The pooled connection every repository takes.
pub type Db = DatabaseConnection;

/// Which database the URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// How to open the pool.
#[derive(Clone, Debug)]
pub struct DbOptions {
    /// Most connections held at once.
    pub max_connections: u32,
    /// How long a request waits for a connection before the database counts as unavailable.
    pub acquire_timeout: Duration,
}

impl Default for DbOptions {
    fn default() -> Self {
        Self {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

impl Backend {
    /// The backend a `DATABASE_URL` names, if it names one this build supports.
    pub fn of_url(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

/// Opens a pool. SQLite files are created if missing, in WAL mode with foreign keys on.
pub async fn connect(url: &str, options: &DbOptions) -> Result<Db, StoreError> {
    let mut connect = ConnectOptions::new(url);
    connect
        .max_connections(options.max_connections)
        .min_connections(0)
        .acquire_timeout(options.acquire_timeout)
        .connect_timeout(options.acquire_timeout)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.create_if_missing(true)
                .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .foreign_keys(true)
                // Deleted and overwritten content is zeroed, not left in free space: an erased
                // person's data must not stay readable in the file.
                .pragma("secure_delete", "on")
                .busy_timeout(Duration::from_secs(10))
        });
    let mut db = Database::connect(connect).await?;
    db.set_metric_callback(|_| crate::statements::record());
    Ok(db)
}

/// Applies every pending migration, then brings the audit chain to the current hash rule. On
/// PostgreSQL this runs in one transaction holding an advisory lock, so instances starting
/// together do not race.
pub async fn migrate(db: &Db) -> Result<(), StoreError> {
    if db.get_database_backend() == DbBackend::Postgres {
        let txn = db.begin().await?;
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(7270717)")
            .await?;
        Migrator::up(&txn, None).await?;
        crate::audit::upgrade_chain(&txn).await?;
        txn.commit().await?;
    } else {
        Migrator::up(db, None).await?;
        let txn = begin_write(db).await?;
        crate::audit::upgrade_chain(&txn).await?;
        txn.commit().await?;
    }
    Ok(())
}

/// After an erasure: leaves no trace of what was removed where the database would otherwise keep
/// it for a while. On SQLite the full-text index merges away its deleted entries and the
/// write-ahead log is folded into the file and emptied; PostgreSQL's dead rows are its vacuum's
/// (autovacuum reclaims them; no query sees them).
pub async fn scrub(db: &Db) -> Result<(), StoreError> {
    if db.get_database_backend() == DbBackend::Sqlite {
        db.execute_unprepared("INSERT INTO search_fts(search_fts) VALUES('optimize')")
            .await?;
        db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await?;
    }
    Ok(())
}

/// The connection pool now: connections in use and idle.
pub fn pool_state(db: &Db) -> (i64, i64) {
    let (size, idle) = match db.get_database_backend() {
        DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
    };
    let idle = i64::try_from(idle).unwrap_or(i64::MAX);
    (i64::from(size) - idle, idle)
}

/// Whether the database answers.
pub async fn ping(db: &Db) -> Result<(), StoreError> {
    db.execute_unprepared("SELECT 1").await?;
    Ok(())
}

/// Starts a write transaction. On SQLite it is `BEGIN IMMEDIATE`, so two writers queue on the
/// lock instead of failing half-way with `SQLITE_BUSY`.
pub async fn begin_write(db: &Db) -> Result<DatabaseTransaction, StoreError> {
    let options = TransactionOptions {
        sqlite_transaction_mode: (db.get_database_backend() == DbBackend::Sqlite)
            .then_some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    };
    Ok(db.begin_with_options(options).await?)
}
