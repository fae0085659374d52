//! A fresh database per test: a SQLite file in a temp dir, or a PostgreSQL database cloned from
//! a template migrated once per migration set and dropped when the test ends.

use persistence::Backend;
use sea_orm::{ConnectionTrait, Database};
use tokio::sync::OnceCell;

/// The PostgreSQL server tests use (its `postgres` database, to create others).
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn with_database(admin_url: &str, name: &str) -> String {
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url, |(base, _)| base);
    format!("{base}/{name}")
}

/// One test's database.
pub struct TestDb {
    /// Its URL.
    pub url: String,
    /// Its backend.
    pub backend: Backend,
    /// The PostgreSQL database name to drop, if any.
    pg_name: Option<String>,
    /// The SQLite file's directory, removed on drop.
    _dir: Option<tempfile::TempDir>,
}

impl std::fmt::Debug for TestDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestDb")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

static TEMPLATE: OnceCell<String> = OnceCell::const_new();

/// A name that changes whenever the set of migrations does, so a template is never stale.
fn template_name() -> String {
    use migration::MigratorTrait;
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for migration in migration::Migrator::migrations() {
        for byte in migration.name().bytes() {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("coaching_hub_tpl_{hash:016x}")
}

async fn ensure_template() -> String {
    TEMPLATE
        .get_or_init(|| async {
            let admin_url = postgres_admin_url();
            let admin = Database::connect(&admin_url).await.unwrap_or_else(|err| {
                panic!("PostgreSQL is required for this run ({admin_url}): {err}")
            });
            let name = template_name();
            let exists = admin
                .query_one_raw(sea_orm::Statement::from_string(
                    admin.get_database_backend(),
                    format!("SELECT 1 FROM pg_database WHERE datname = '{name}'"),
                ))
                .await
                .expect("pg_database is readable")
                .is_some();
            if !exists {
                // Migrate under a temporary name, then rename: a half-built template never
                // carries the real name, even if this process dies mid-way.
                let building = format!("{name}_build_{}", uuid::Uuid::now_v7().simple());
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{building}\""))
                    .await
                    .expect("CREATE DATABASE");
                let db = persistence::db::connect(
                    &with_database(&admin_url, &building),
                    &Default::default(),
                )
                .await
                .expect("the new database accepts connections");
                persistence::db::migrate(&db)
                    .await
                    .expect("migrations apply");
                persistence::reference::ensure(&db)
                    .await
                    .expect("reference data inserts");
                db.close().await.expect("closes");
                let renamed = admin
                    .execute_unprepared(&format!(
                        "ALTER DATABASE \"{building}\" RENAME TO \"{name}\""
                    ))
                    .await;
                if renamed.is_err() {
                    // Another process finished first; theirs is as good as ours.
                    let _ = admin
                        .execute_unprepared(&format!("DROP DATABASE \"{building}\""))
                        .await;
                }
            }
            name
        })
        .await
        .clone()
}

impl TestDb {
    /// A fresh, migrated database.
    pub async fn create(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("a temp dir");
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
                TestDb {
                    url,
                    backend,
                    pg_name: None,
                    _dir: Some(dir),
                }
            }
            Backend::Postgres => {
                let template = ensure_template().await;
                let name = format!("t_{}", uuid::Uuid::now_v7().simple());
                let admin_url = postgres_admin_url();
                let admin = Database::connect(&admin_url)
                    .await
                    .expect("PostgreSQL is reachable");
                admin
                    .execute_unprepared(&format!(
                        "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""
                    ))
                    .await
                    .expect("CREATE DATABASE ... TEMPLATE");
                admin.close().await.expect("closes");
                TestDb {
                    url: with_database(&admin_url, &name),
                    backend,
                    pg_name: Some(name),
                    _dir: None,
                }
            }
        }
    }

    /// A database behind `url` that this value does not own (fault tests point at a proxy).
    pub fn with_url(&self, url: String) -> TestDb {
        TestDb {
            url,
            backend: self.backend,
            pg_name: None,
            _dir: None,
        }
    }
}

impl TestDb {
    /// The same database for another instance; this one stays its owner and removes it.
    pub fn shared(&self) -> TestDb {
        TestDb {
            url: self.url.clone(),
            backend: self.backend,
            pg_name: None,
            _dir: None,
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(name) = self.pg_name.take() else {
            return;
        };
        // Drop is synchronous; a short-lived runtime on its own thread does the async work.
        let handle = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            if let Ok(runtime) = runtime {
                runtime.block_on(async move {
                    if let Ok(admin) = Database::connect(&postgres_admin_url()).await {
                        let _ = admin
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                            ))
                            .await;
                        let _ = admin.close().await;
                    }
                });
            }
        });
        let _ = handle.join();
    }
}

impl TestDb {
    /// Everything the database holds, as text to search: on SQLite the bytes of its file and
    /// write-ahead log (free pages and all); on PostgreSQL every row of every table, read back as
    /// text (TOAST-compressed values decompressed).
    pub async fn stored_text(&self, db: &persistence::Db) -> String {
        match self.backend {
            Backend::Sqlite => {
                let path = self
                    .url
                    .trim_start_matches("sqlite://")
                    .split('?')
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                let mut bytes = std::fs::read(&path).expect("the database file reads");
                if let Ok(wal) = std::fs::read(format!("{path}-wal")) {
                    bytes.extend(wal);
                }
                String::from_utf8_lossy(&bytes).into_owned()
            }
            Backend::Postgres => {
                let tables = db
                    .query_all_raw(sea_orm::Statement::from_string(
                        sea_orm::DbBackend::Postgres,
                        "SELECT table_name FROM information_schema.tables \
                         WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
                    ))
                    .await
                    .expect("the tables list");
                let mut text = String::new();
                for table in tables {
                    let name: String = table.try_get("", "table_name").expect("a name");
                    let rows = db
                        .query_all_raw(sea_orm::Statement::from_string(
                            sea_orm::DbBackend::Postgres,
                            format!("SELECT t::text AS row FROM \"{name}\" t"),
                        ))
                        .await
                        .expect("the table reads");
                    for row in rows {
                        let row: String = row.try_get("", "row").expect("a row as text");
                        text.push_str(&row);
                        text.push('\n');
                    }
                }
                text
            }
        }
    }
}

/// Rolls the schema back to where it stood once migration `name` (`m20261207_000023_...`) had
/// run: an older server's database, to test an upgrade from.
pub async fn migrate_back_to(db: &persistence::Db, name: &str) {
    use migration::{Migrator, MigratorTrait};
    let names: Vec<String> = Migrator::migrations()
        .iter()
        .map(|migration| migration.name().to_owned())
        .collect();
    let position = names
        .iter()
        .position(|known| known == name)
        .unwrap_or_else(|| panic!("no migration {name}"));
    let later = u32::try_from(names.len() - position - 1).expect("a few migrations");
    Migrator::down(db, Some(later))
        .await
        .expect("the later migrations roll back");
}
