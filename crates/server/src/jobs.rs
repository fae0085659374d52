//! Background jobs that clients poll: a large CSV import reports its progress here.
//!
//! Job state lives in Redis when it is configured (any instance answers the poll), otherwise in
//! this process (moka, expiring after a day).

use std::time::Duration;

use deadpool_redis::Pool;
use uuid::Uuid;

use persistence::metrics::{self, MonthInput};

pub use dto::{ImportJob, JobStatus};

use crate::auth::Actor;
use crate::error::ApiError;
use crate::state::AppState;

/// How long a finished job stays readable.
const KEEP: Duration = Duration::from_secs(24 * 3600);

/// Job state storage.
pub enum JobStore {
    /// This process only.
    Local(moka::sync::Cache<Uuid, ImportJob>),
    /// Shared by every instance.
    Redis {
        /// The pool.
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

/// Writes validated metric months in the background, recording progress where any instance can
/// answer a poll, and returns the job as it starts.
pub async fn start_import(
    app: std::sync::Arc<AppState>,
    actor: Actor,
    inputs: Vec<MonthInput>,
) -> Result<ImportJob, ApiError> {
    let mut job = ImportJob {
        id: uuid::Uuid::now_v7(),
        owner: actor.user.id,
        status: JobStatus::Running,
        total: inputs.len(),
        processed: 0,
        created: None,
        replaced: None,
        error: None,
    };
    app.jobs.put(&job).await?;
    app.instruments.job("started");
    let accepted = job.clone();
    let event = crate::metrics_csv::imported(job.id, &inputs);
    actix_web::rt::spawn(async move {
        let done = std::rc::Rc::new(std::cell::Cell::new(0));
        let counter = done.clone();
        let write = metrics::import_all(&app.db, &actor.origin, inputs, move |n| counter.set(n));
        tokio::pin!(write);
        let mut tick = tokio::time::interval(std::time::Duration::from_millis(500));
        let result = loop {
            tokio::select! {
                result = &mut write => break result,
                _ = tick.tick() => {
                    job.processed = done.get();
                    if let Err(err) = app.jobs.put(&job).await {
                        tracing::warn!(error = %err, "cannot record import progress");
                    }
                }
            }
        };
        job.processed = done.get();
        match result {
            Ok((created, replaced)) => {
                event.into_iter().for_each(|event| app.publish(event));
                app.instruments.job("succeeded");
                job.status = JobStatus::Succeeded;
                job.created = Some(created);
                job.replaced = Some(replaced);
            }
            Err(err) => {
                tracing::error!(error = %err, "background import failed; nothing was written");
                app.instruments.job("failed");
                job.status = JobStatus::Failed;
                job.error = Some("the import failed and wrote nothing; try again".into());
            }
        }
        if let Err(err) = app.jobs.put(&job).await {
            tracing::error!(error = %err, "cannot record the import's outcome");
        }
    });
    Ok(accepted)
}
