//! Where data lives: the database, Redis, and how long personal text is kept.

use std::path::PathBuf;

use persistence::{Backend, DbOptions};
use secrecy::SecretString;

use super::env::Env;

/// Where the embedded database lives by default.
pub const DEFAULT_DATA_DIR: &str = "./data";

/// The database and Redis.
#[derive(Clone, Debug)]
pub struct StoreConfig {
    /// `DATABASE_URL`: `sqlite://...` or `postgres://...`; embedded SQLite when unset.
    pub database_url: SecretString,
    /// Which database `database_url` names.
    pub backend: Backend,
    /// Whether this is the embedded default (seed the demo on first run, generate keys).
    pub embedded: bool,
    /// `DATA_DIR`: where the embedded database and development keys live.
    pub data_dir: PathBuf,
    /// Connection pool settings.
    pub db: DbOptions,
    /// `REDIS_URL`: shared rate limits, caches, events and jobs across instances.
    pub redis_url: Option<SecretString>,
    /// `REDIS_PREFIX`: the start of every Redis key, so several deployments (or tests) can share
    /// one Redis.
    pub redis_prefix: String,
    /// `RETENTION_MONTHS`: quick notes, and the text of ended sessions, older than this many
    /// months are erased every hour; kept for ever when unset.
    pub retention_months: Option<u32>,
}

impl StoreConfig {
    pub(super) fn read(env: &mut Env) -> StoreConfig {
        let data_dir = PathBuf::from(
            env.get("DATA_DIR")
                .unwrap_or_else(|| DEFAULT_DATA_DIR.into()),
        );
        let (database_url, embedded) = match env.get("DATABASE_URL") {
            Some(url) => (url, false),
            None => {
                let file = data_dir.join("coaching-hub.db");
                (format!("sqlite://{}?mode=rwc", file.display()), true)
            }
        };
        let backend = Backend::of_url(&database_url).unwrap_or_else(|| {
            env.problem("DATABASE_URL: must start with sqlite:// or postgres://");
            Backend::Sqlite
        });

        let redis_url = env.get("REDIS_URL");
        if let Some(url) = &redis_url {
            if url.starts_with("rediss://") {
                // The redis crate is built without TLS: refused here rather than failing at
                // the first connection.
                env.problem(
                    "REDIS_URL: rediss:// (TLS) is not supported by this build; use redis:// on a \
                     private network, or a TLS tunnel such as stunnel beside each instance",
                );
            } else if !url.starts_with("redis://") {
                env.problem("REDIS_URL: must start with redis://");
            }
        }

        let retention_months =
            env.get("RETENTION_MONTHS")
                .and_then(|raw| match raw.trim().parse::<u32>() {
                    Ok(months) if (1..=1200).contains(&months) => Some(months),
                    _ => {
                        env.problem(format!(
                            "RETENTION_MONTHS: `{raw}` is not a number of months from 1 to 1200"
                        ));
                        None
                    }
                });

        StoreConfig {
            database_url: database_url.into(),
            backend,
            embedded,
            data_dir,
            db: DbOptions::default(),
            redis_url: redis_url.map(Into::into),
            redis_prefix: env
                .get("REDIS_PREFIX")
                .unwrap_or_else(|| "coaching-hub".into()),
            retention_months,
        }
    }
}
