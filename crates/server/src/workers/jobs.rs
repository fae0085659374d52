//! The state of background jobs that clients poll: a large CSV import reports its progress here
//! (`metrics_csv::start_import`).
//!
//! Job state lives in Redis when it is configured (any instance answers the poll), otherwise in
//! this process (moka, expiring after a day).

use std::time::Duration;

use deadpool_redis::Pool;
use uuid::Uuid;

pub use dto::{ImportJob, JobStatus};

use crate::http::error::ApiError;

/// How long a finished job stays readable.
const KEEP: Duration = Duration::from_secs(24 * 3600);

/// Job state storage.
pub enum JobStore {
    /// This process only.
    Local(moka::sync::Cache<Uuid, ImportJob>),
    /// Shared by every instance.
    Redis {
        pool: Pool,
        /// Key prefix.
        prefix: String,
    },
}

impl std::fmt::Debug for JobStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            JobStore::Local(_) => "JobStore::Local",
            JobStore::Redis { .. } => "JobStore::Redis",
        })
    }
}

impl JobStore {
    /// Redis when a pool is given, else in-process.
    pub fn new(redis: Option<(&Pool, String)>) -> Self {
        match redis {
            Some((pool, prefix)) => JobStore::Redis {
                pool: pool.clone(),
                prefix,
            },
            None => JobStore::Local(
                moka::sync::Cache::builder()
                    .max_capacity(10_000)
                    .time_to_live(KEEP)
                    .build(),
            ),
        }
    }

    /// Saves the job's state.
    pub async fn put(&self, job: &ImportJob) -> Result<(), ApiError> {
        match self {
            JobStore::Local(cache) => {
                cache.insert(job.id, job.clone());
                Ok(())
            }
            JobStore::Redis { pool, prefix } => {
                let mut conn = pool
                    .get()
                    .await
                    .map_err(|err| ApiError::Unavailable(Box::new(err)))?;
                let json = serde_json::to_string(job).map_err(ApiError::internal)?;
                deadpool_redis::redis::cmd("SET")
                    .arg(format!("{prefix}:{}", job.id))
                    .arg(json)
                    .arg("EX")
                    .arg(KEEP.as_secs())
                    .query_async::<()>(&mut conn)
                    .await
                    .map_err(|err| ApiError::Unavailable(Box::new(err)))
            }
        }
    }

    /// The job's state, if known.
    pub async fn get(&self, id: Uuid) -> Result<Option<ImportJob>, ApiError> {
        match self {
            JobStore::Local(cache) => Ok(cache.get(&id)),
            JobStore::Redis { pool, prefix } => {
                let mut conn = pool
                    .get()
                    .await
                    .map_err(|err| ApiError::Unavailable(Box::new(err)))?;
                let json: Option<String> = deadpool_redis::redis::cmd("GET")
                    .arg(format!("{prefix}:{id}"))
                    .query_async(&mut conn)
                    .await
                    .map_err(|err| ApiError::Unavailable(Box::new(err)))?;
                Ok(json.and_then(|json| serde_json::from_str(&json).ok()))
            }
        }
    }
}
