//! Rate limits: fixed one-minute windows counted per key, in this process (moka) on one instance
//! and in Redis when instances share the load. Both backends count the same way.
//!
//! A window can be read without counting (`peek`), which failure-only limits need: a sign-in is
//! refused before its password is checked when earlier *failures* went over the limit, and only a
//! failure counts. (governor's GCRA offers no read that does not spend a cell, hence the windows.)

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use deadpool_redis::Pool;

use crate::config::LoginLimits;
use crate::error::ApiError;

/// The length of one window.
const WINDOW: Duration = Duration::from_secs(60);
/// Keys kept in memory at most; the least used go first.
const LOCAL_KEYS: u64 = 100_000;
/// The account-wide failure limit is this many times the per-source one.
const ACCOUNT_FACTOR: u32 = 10;

/// A window's count so far, and the seconds until it ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// Events counted in the current window.
    pub count: u32,
    /// Seconds until the window ends (at least 1).
    pub retry_after: u64,
}

struct LocalWindow {
    started: Instant,
    count: AtomicU32,
}

enum Store {
    Local(moka::sync::Cache<String, Arc<LocalWindow>>),
    Redis { pool: Pool, prefix: String },
}

/// One limit: at most `per_minute` counted events per key per window.
pub struct Limiter {
    per_minute: u32,
    store: Store,
}

impl std::fmt::Debug for Limiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.store {
            Store::Local(_) => write!(f, "Limiter::Local({}/min)", self.per_minute),
            Store::Redis { prefix, .. } => {
                write!(f, "Limiter::Redis({prefix}, {}/min)", self.per_minute)
            }
        }
    }
}

fn unavailable(err: impl std::error::Error + Send + Sync + 'static) -> ApiError {
    ApiError::Unavailable(Box::new(err))
}

impl Limiter {
    /// A limit of `per_minute`, in Redis when a pool is given.
    pub fn new(per_minute: u32, redis: Option<(&Pool, String)>) -> Self {
        let store = match redis {
            Some((pool, prefix)) => Store::Redis {
                pool: pool.clone(),
                prefix,
            },
            None => Store::Local(
                moka::sync::Cache::builder()
                    .max_capacity(LOCAL_KEYS)
                    .time_to_live(WINDOW)
                    .build(),
            ),
        };
        Self {
            per_minute: per_minute.max(1),
            store,
        }
    }

    /// The limit.
    pub fn per_minute(&self) -> u32 {
        self.per_minute
    }

    /// Counts an event for `key`; refuses with 429 when that takes it over the limit.
    pub async fn hit(&self, key: &str) -> Result<(), ApiError> {
        let window = self.count(key, 1).await?;
        if window.count > self.per_minute {
            Err(ApiError::RateLimited {
                retry_after: window.retry_after,
            })
        } else {
            Ok(())
        }
    }

    /// Counts an event for `key` without refusing anything (a failure to remember).
    pub async fn record(&self, key: &str) -> Result<(), ApiError> {
        self.count(key, 1).await.map(drop)
    }

    /// The current window of `key`, counting nothing.
    pub async fn peek(&self, key: &str) -> Result<Window, ApiError> {
        self.count(key, 0).await
    }

    async fn count(&self, key: &str, add: u32) -> Result<Window, ApiError> {
        match &self.store {
            Store::Local(cache) => {
                let window = if add == 0 {
                    match cache.get(key) {
                        Some(window) => window,
                        None => {
                            return Ok(Window {
                                count: 0,
                                retry_after: WINDOW.as_secs(),
                            });
                        }
                    }
                } else {
                    cache.get_with_by_ref(key, || {
                        Arc::new(LocalWindow {
                            started: Instant::now(),
                            count: AtomicU32::new(0),
                        })
                    })
                };
                let count = window.count.fetch_add(add, Ordering::Relaxed) + add;
                let left = WINDOW.saturating_sub(window.started.elapsed());
                Ok(Window {
                    count,
                    retry_after: left.as_secs().max(1),
                })
            }
            Store::Redis { pool, prefix } => {
                let now = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap_or_default()
                    .as_secs();
                let redis_key = format!("{prefix}:{key}:{}", now / WINDOW.as_secs());
                let mut conn = pool.get().await.map_err(unavailable)?;
                let (count,): (u32,) = deadpool_redis::redis::pipe()
                    .atomic()
                    .incr(&redis_key, add)
                    .expire(&redis_key, 2 * WINDOW.as_secs() as i64)
                    .ignore()
                    .query_async(&mut conn)
                    .await
                    .map_err(unavailable)?;
                Ok(Window {
                    count,
                    retry_after: WINDOW.as_secs() - now % WINDOW.as_secs(),
                })
            }
        }
    }
}

/// The limits on signing in and on changing a password.
///
/// - Attempts per client address slow spraying many accounts from one place.
/// - Failures per account *and* address slow guessing one account's password from one place,
///   without letting that place lock the account for anyone else.
/// - Failures per account from anywhere (ten times higher) slow a distributed guess; once over,
///   only addresses that already failed for the account wait, and only until the window ends, so
///   the person themselves is never kept out for longer than a short back-off.
#[derive(Debug)]
pub struct AuthLimits {
    per_ip: Limiter,
    per_source: Limiter,
    per_account: Limiter,
    password_changes: Limiter,
}

impl AuthLimits {
    /// The limits from configuration, kept in Redis (keys under `prefix`) when a pool is given.
    pub fn new(limits: &LoginLimits, redis: Option<&Pool>, prefix: &str) -> Self {
        let limiter = |per_minute: u32, name: &str| {
            Limiter::new(
                per_minute,
                redis.map(|pool| (pool, format!("{prefix}:rl:{name}"))),
            )
        };
        Self {
            per_ip: limiter(limits.per_ip, "login-ip"),
            per_source: limiter(limits.per_account, "login-source"),
            per_account: limiter(
                limits.per_account.saturating_mul(ACCOUNT_FACTOR),
                "login-account",
            ),
            password_changes: limiter(limits.per_account, "password-change"),
        }
    }

    /// Admits a sign-in attempt for `email` from `ip` before its password is checked.
    pub async fn admit_login(&self, email: &str, ip: &str) -> Result<(), ApiError> {
        self.per_ip.hit(ip).await?;
        let source = self.per_source.peek(&source_key(email, ip)).await?;
        if source.count >= self.per_source.per_minute() {
            return Err(ApiError::RateLimited {
                retry_after: source.retry_after,
            });
        }
        let account = self.per_account.peek(email).await?;
        if source.count > 0 && account.count >= self.per_account.per_minute() {
            return Err(ApiError::RateLimited {
                retry_after: account.retry_after,
            });
        }
        Ok(())
    }

    /// Remembers a failed sign-in.
    pub async fn login_failed(&self, email: &str, ip: &str) -> Result<(), ApiError> {
        self.per_source.record(&source_key(email, ip)).await?;
        self.per_account.record(email).await
    }

    /// Counts an attempt to change the password of `user`.
    pub async fn admit_password_change(&self, user: uuid::Uuid) -> Result<(), ApiError> {
        self.password_changes.hit(&user.to_string()).await
    }
}

fn source_key(email: &str, ip: &str) -> String {
    format!("{email}|{ip}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn a_local_window_counts_peeks_and_refuses_past_its_limit() {
        let limiter = Limiter::new(2, None);
        assert_eq!(limiter.peek("k").await.expect("local").count, 0);
        limiter.hit("k").await.expect("first");
        limiter.record("k").await.expect("second");
        assert_eq!(limiter.peek("k").await.expect("local").count, 2);
        let refused = limiter.hit("k").await;
        assert!(
            matches!(refused, Err(ApiError::RateLimited { retry_after }) if (1..=60).contains(&retry_after))
        );
        limiter.hit("other").await.expect("keys are separate");
    }
}
