//! Rate limits: in-process (governor) on one instance, Redis when instances share the load.

use std::num::NonZeroU32;
use std::time::{SystemTime, UNIX_EPOCH};

use deadpool_redis::Pool;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::ApiError;

/// Keys kept in memory before idle ones are swept.
const SWEEP_ABOVE: usize = 10_000;

/// One limit: at most `per_minute` hits per key per minute.
pub enum Limiter {
    /// GCRA in this process (the embedded default).
    Local(DefaultKeyedRateLimiter<String>),
    /// A fixed one-minute window in Redis, shared by every instance.
    Redis {
        /// The pool.
        pool: Pool,
        /// Key prefix (deployment and limit name).
        prefix: String,
        /// The limit.
        per_minute: u32,
    },
}

impl std::fmt::Debug for Limiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Limiter::Local(_) => f.write_str("Limiter::Local"),
            Limiter::Redis {
                prefix, per_minute, ..
            } => write!(f, "Limiter::Redis({prefix}, {per_minute}/min)"),
        }
    }
}

impl Limiter {
    /// A limit of `per_minute`, in Redis when a pool is given.
    pub fn new(per_minute: u32, redis: Option<(&Pool, String)>) -> Self {
        match redis {
            Some((pool, prefix)) => Limiter::Redis {
                pool: pool.clone(),
                prefix,
                per_minute,
            },
            None => {
                let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
                Limiter::Local(RateLimiter::keyed(Quota::per_minute(per_minute)))
            }
        }
    }

    /// Counts a hit for `key`; refuses with 429 and the seconds to wait when over the limit.
    pub async fn hit(&self, key: &str) -> Result<(), ApiError> {
        match self {
            Limiter::Local(limiter) => {
                if limiter.len() > SWEEP_ABOVE {
                    limiter.retain_recent();
                }
                limiter.check_key(&key.to_owned()).map_err(|not_until| {
                    let wait = not_until.wait_time_from(DefaultClock::default().now());
                    ApiError::RateLimited {
                        retry_after: wait.as_secs().max(1),
                    }
                })
            }
            Limiter::Redis {
                pool,
                prefix,
                per_minute,
            } => {
                let now = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap_or_default()
                    .as_secs();
                let window = now / 60;
                let redis_key = format!("{prefix}:{key}:{window}");
                let mut conn = pool
                    .get()
                    .await
                    .map_err(|err| ApiError::Unavailable(Box::new(err)))?;
                let (count,): (u64,) = deadpool_redis::redis::pipe()
                    .atomic()
                    .incr(&redis_key, 1)
                    .expire(&redis_key, 120)
                    .ignore()
                    .query_async(&mut conn)
                    .await
                    .map_err(|err| ApiError::Unavailable(Box::new(err)))?;
                if count > u64::from(*per_minute) {
                    Err(ApiError::RateLimited {
                        retry_after: 60 - now % 60,
                    })
                } else {
                    Ok(())
                }
            }
        }
    }
}

/// The two limits on signing in.
#[derive(Debug)]
pub struct LoginLimiter {
    /// Per email address: slows guessing one account's password.
    pub per_account: Limiter,
    /// Per client address: slows spraying many accounts.
    pub per_ip: Limiter,
}

impl LoginLimiter {
    /// Counts one login attempt against both limits.
    pub async fn attempt(&self, email: &str, ip: &str) -> Result<(), ApiError> {
        self.per_ip.hit(ip).await?;
        self.per_account.hit(email).await
    }
}
