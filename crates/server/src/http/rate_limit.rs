//! Rate limits: fixed one-minute windows counted per key, in this process (moka) on one instance
//! and in Redis when instances share the load (atomic `INCRBY` + `EXPIRE` transactions, sent in
//! batches far from a limit and for every event near it). Both backends count the same way, and a Redis that cannot be reached falls back to
//! this process's count, with one warning, until it answers again.
//!
//! Two kinds of limit use them:
//! - [`RequestLimits`]: every API request, per client address (middleware, before
//!   authentication) and per signed-in person (the `Actor` extractor). Answers carry the tighter
//!   of the two as `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`; a refusal is
//!   429 with `Retry-After`.
//! - [`AuthLimits`]: sign-in and password changes, which count failures.
//!
//! A window can be read without counting (`peek`), which failure-only limits need: a sign-in is
//! refused before its password is checked when earlier *failures* went over the limit, and only a
//! failure counts. (governor's GCRA offers no read that does not spend a cell, and keeps its
//! state in one process, hence the windows.)

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};
use deadpool_redis::Pool;
use tracing_actix_web::RequestId;

use crate::config::{LoginLimits, RequestLimitConfig};
use crate::http::client_address::client_network;
use crate::http::error::ApiError;

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

/// What a request has left of a limit: the `RateLimit-*` headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quota {
    /// Requests allowed per window.
    pub limit: u32,
    /// Requests left in this window.
    pub remaining: u32,
    /// Seconds until the window ends.
    pub reset: u64,
    /// This request went over the limit.
    pub exceeded: bool,
}

impl Quota {
    /// 429 when the request went over.
    pub fn check(self) -> Result<(), ApiError> {
        if self.exceeded {
            Err(ApiError::RateLimited {
                retry_after: self.reset,
            })
        } else {
            Ok(())
        }
    }

    /// Keeps the tighter of the quota already on the request and this one: a refusal first, then
    /// the fewer requests left.
    fn remember(self, req: &impl HttpMessage) {
        let tightness = |quota: &Quota| (quota.exceeded, std::cmp::Reverse(quota.remaining));
        let mut extensions = req.extensions_mut();
        if extensions
            .get::<Quota>()
            .is_none_or(|known| tightness(&self) > tightness(known))
        {
            extensions.insert(self);
        }
    }
}

struct LocalWindow {
    started: Instant,
    count: AtomicU32,
}

/// Windows counted in this process.
struct Local(moka::sync::Cache<String, Arc<LocalWindow>>);

impl Local {
    fn new() -> Self {
        Self(
            moka::sync::Cache::builder()
                .max_capacity(LOCAL_KEYS)
                .time_to_live(WINDOW)
                .build(),
        )
    }

    fn count(&self, key: &str, add: u32) -> Window {
        let window = if add == 0 {
            match self.0.get(key) {
                Some(window) => window,
                None => {
                    return Window {
                        count: 0,
                        retry_after: WINDOW.as_secs(),
                    };
                }
            }
        } else {
            self.0.get_with_by_ref(key, || {
                Arc::new(LocalWindow {
                    started: Instant::now(),
                    count: AtomicU32::new(0),
                })
            })
        };
        let count = window.count.fetch_add(add, Ordering::Relaxed) + add;
        let left = WINDOW.saturating_sub(window.started.elapsed());
        Window {
            count,
            retry_after: left.as_secs().max(1),
        }
    }
}

/// Windows counted in Redis, shared by every instance; this process's count while Redis is gone.
///
/// Far from a limit, an instance does not ask Redis on every event: it counts locally and sends
/// its count (`INCRBY`) once that reaches an eighth of the headroom Redis last reported, or a
/// second has passed. Near a limit the headroom is small, so every event goes to Redis and a
/// refusal is always decided on Redis's count. Another instance's unsent events are at most an
/// eighth of the limit, so `n` instances admit at most `(n - 1) / 8` of a limit too many, and
/// only within the second before they next send.
struct Shared {
    pool: Pool,
    prefix: String,
    tallies: moka::sync::Cache<(String, u64), Arc<Tally>>,
    fallback: Local,
    degraded: AtomicBool,
}

/// This instance's view of one shared window.
struct Tally {
    /// Redis's count when last asked (including what this instance sent).
    known: AtomicU32,
    /// Counted here and not yet sent.
    unsent: AtomicU32,
    /// When Redis was last asked; `None` before the first time.
    asked: std::sync::Mutex<Option<Instant>>,
}

/// The longest an instance keeps its count to itself.
const SEND_EVERY: Duration = Duration::from_secs(1);

impl Tally {
    fn new() -> Self {
        Self {
            known: AtomicU32::new(0),
            unsent: AtomicU32::new(0),
            asked: std::sync::Mutex::new(None),
        }
    }

    /// Whether counting `add` more should go to Redis now: always for a read (`add == 0`) or
    /// the first event, then once the unsent count reaches an eighth of the headroom, or after
    /// [`SEND_EVERY`].
    fn must_send(&self, add: u32, limit: u32) -> bool {
        let asked = *self
            .asked
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let unsent = self.unsent.load(Ordering::Relaxed);
        let headroom =
            limit.saturating_sub(self.known.load(Ordering::Relaxed).saturating_add(unsent));
        add == 0 || asked.is_none_or(|at| at.elapsed() >= SEND_EVERY) || unsent + add > headroom / 8
    }
}

impl Shared {
    async fn count(&self, key: &str, add: u32, limit: u32) -> Window {
        let (window, retry_after) = current_window();
        let tally = self
            .tallies
            .get_with((key.to_owned(), window), || Arc::new(Tally::new()));
        if !tally.must_send(add, limit) {
            let unsent = tally.unsent.fetch_add(add, Ordering::Relaxed) + add;
            return Window {
                count: tally.known.load(Ordering::Relaxed).saturating_add(unsent),
                retry_after,
            };
        }
        let sending = tally.unsent.swap(0, Ordering::Relaxed) + add;
        match self.count_in_redis(key, window, sending).await {
            Ok(count) => {
                if self.degraded.swap(false, Ordering::Relaxed) {
                    tracing::info!(limit = %self.prefix, "Redis is back: rate limits are shared again");
                }
                tally.known.fetch_max(count, Ordering::Relaxed);
                *tally
                    .asked
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(Instant::now());
                Window {
                    count: count.saturating_add(tally.unsent.load(Ordering::Relaxed)),
                    retry_after,
                }
            }
            Err(err) => {
                // Sent later, when Redis answers again.
                tally.unsent.fetch_add(sending - add, Ordering::Relaxed);
                if !self.degraded.swap(true, Ordering::Relaxed) {
                    tracing::warn!(limit = %self.prefix, error = %err,
                        "Redis unavailable: rate limits count in this instance only");
                }
                self.fallback.count(key, add)
            }
        }
    }

    async fn count_in_redis(&self, key: &str, window: u64, add: u32) -> Result<u32, String> {
        let redis_key = format!("{}:{key}:{window}", self.prefix);
        let mut conn = self.pool.get().await.map_err(|err| err.to_string())?;
        let (count,): (u32,) = deadpool_redis::redis::pipe()
            .atomic()
            .incr(&redis_key, add)
            .expire(&redis_key, 2 * WINDOW.as_secs() as i64)
            .ignore()
            .query_async(&mut conn)
            .await
            .map_err(|err| err.to_string())?;
        Ok(count)
    }
}

/// The number of the current shared window, and the seconds until it ends.
fn current_window() -> (u64, u64) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    (
        now / WINDOW.as_secs(),
        WINDOW.as_secs() - now % WINDOW.as_secs(),
    )
}

enum Store {
    Local(Local),
    Redis(Shared),
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
            Store::Redis(shared) => {
                write!(
                    f,
                    "Limiter::Redis({}, {}/min)",
                    shared.prefix, self.per_minute
                )
            }
        }
    }
}

impl Limiter {
    /// A limit of `per_minute` named `name`: in Redis, under `{prefix}:rl:{name}`, when a pool
    /// is given.
    pub fn new(per_minute: u32, name: &str, redis: Option<&Pool>, prefix: &str) -> Self {
        let store = match redis {
            Some(pool) => Store::Redis(Shared {
                pool: pool.clone(),
                prefix: format!("{prefix}:rl:{name}"),
                tallies: moka::sync::Cache::builder()
                    .max_capacity(LOCAL_KEYS)
                    .time_to_live(2 * WINDOW)
                    .build(),
                fallback: Local::new(),
                degraded: AtomicBool::new(false),
            }),
            None => Store::Local(Local::new()),
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

    /// Counts an event for `key` and says what is left.
    pub async fn take(&self, key: &str) -> Quota {
        let window = self.count(key, 1).await;
        Quota {
            limit: self.per_minute,
            remaining: self.per_minute.saturating_sub(window.count),
            reset: window.retry_after,
            exceeded: window.count > self.per_minute,
        }
    }

    /// Counts an event for `key`; refuses with 429 when that takes it over the limit.
    pub async fn hit(&self, key: &str) -> Result<(), ApiError> {
        self.take(key).await.check()
    }

    /// Counts an event for `key` without refusing anything (a failure to remember).
    pub async fn record(&self, key: &str) {
        self.count(key, 1).await;
    }

    /// The current window of `key`, counting nothing.
    pub async fn peek(&self, key: &str) -> Window {
        self.count(key, 0).await
    }

    async fn count(&self, key: &str, add: u32) -> Window {
        match &self.store {
            Store::Local(local) => local.count(key, add),
            Store::Redis(shared) => shared.count(key, add, self.per_minute).await,
        }
    }
}

/// The limits on every API request: per client address and per signed-in person.
#[derive(Debug)]
pub struct RequestLimits {
    per_ip: Limiter,
    per_user: Limiter,
    /// Whether a proxy in front names the client (`TRUST_PROXY`).
    trust_proxy: bool,
}

impl RequestLimits {
    /// The limits from configuration, kept in Redis (keys under `prefix`) when a pool is given.
    pub fn new(
        limits: &RequestLimitConfig,
        trust_proxy: bool,
        redis: Option<&Pool>,
        prefix: &str,
    ) -> Self {
        let limiter = |per_minute, name| Limiter::new(per_minute, name, redis, prefix);
        Self {
            per_ip: limiter(limits.per_ip, "api-ip"),
            per_user: limiter(limits.per_user, "api-user"),
            trust_proxy,
        }
    }

    /// Counts a request of `user`; 429 past their limit. The quota goes on `req` for the headers.
    pub async fn admit_user(
        &self,
        req: &impl HttpMessage,
        user: domain::UserId,
    ) -> Result<(), ApiError> {
        let quota = self.per_user.take(&user.to_string()).await;
        quota.remember(req);
        quota.check()
    }
}

/// The middleware (`actix_web::middleware::from_fn`): counts every `/api` request against its
/// client address, refuses it with 429 past the limit, and writes the `RateLimit-*` headers of
/// the tighter limit (address or person) on the answer.
pub async fn limit_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let limits = req.app_data::<web::Data<RequestLimits>>().cloned();
    let Some(limits) = limits.filter(|_| req.path().starts_with("/api/")) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let network = client_network(req.request(), limits.trust_proxy);
    let quota = limits.per_ip.take(&network).await;
    quota.remember(&req);
    let mut res = match quota.check() {
        Ok(()) => next.call(req).await?.map_into_boxed_body(),
        Err(refused) => {
            let request_id = req.extensions().get::<RequestId>().map(ToString::to_string);
            req.into_response(refused.problem_response(request_id))
        }
    };
    let quota = res.request().extensions().get::<Quota>().copied();
    if let Some(quota) = quota {
        let headers = res.headers_mut();
        for (name, value) in [
            ("ratelimit-limit", quota.limit.into()),
            ("ratelimit-remaining", quota.remaining.into()),
            ("ratelimit-reset", quota.reset),
        ] {
            headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
        }
    }
    Ok(res)
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
    password_links: Limiter,
}

/// Password links an address may be sent, against the sign-in attempts it may make.
const LINK_DIVISOR: u32 = 5;

impl AuthLimits {
    /// The limits from configuration, kept in Redis (keys under `prefix`) when a pool is given.
    pub fn new(limits: &LoginLimits, redis: Option<&Pool>, prefix: &str) -> Self {
        let limiter = |per_minute, name| Limiter::new(per_minute, name, redis, prefix);
        Self {
            per_ip: limiter(limits.per_ip, "login-ip"),
            per_source: limiter(limits.per_account, "login-source"),
            per_account: limiter(
                limits.per_account.saturating_mul(ACCOUNT_FACTOR),
                "login-account",
            ),
            password_changes: limiter(limits.per_account, "password-change"),
            // An email to an inbox: a fifth of the sign-in attempts (2 a minute by default).
            password_links: limiter(
                Ord::max(limits.per_account / LINK_DIVISOR, 1),
                "password-link",
            ),
        }
    }

    /// Admits a request for a password link for `email` from `ip`: counted per client address
    /// like sign-ins, and per email address.
    pub async fn admit_password_link(&self, email: &str, ip: &str) -> Result<(), ApiError> {
        self.per_ip.hit(ip).await?;
        self.password_links.hit(email).await
    }

    /// Admits a step of a single sign-on, or of setting a password with a token, from `ip` (the
    /// provider guards its own passwords; a token is too long to guess).
    pub async fn admit_client(&self, ip: &str) -> Result<(), ApiError> {
        self.per_ip.hit(ip).await
    }

    /// Admits a sign-in attempt for `email` from `ip` before its password is checked.
    pub async fn admit_login(&self, email: &str, ip: &str) -> Result<(), ApiError> {
        self.per_ip.hit(ip).await?;
        let source = self.per_source.peek(&source_key(email, ip)).await;
        if source.count >= self.per_source.per_minute() {
            return Err(ApiError::RateLimited {
                retry_after: source.retry_after,
            });
        }
        let account = self.per_account.peek(email).await;
        if source.count > 0 && account.count >= self.per_account.per_minute() {
            return Err(ApiError::RateLimited {
                retry_after: account.retry_after,
            });
        }
        Ok(())
    }

    /// Remembers a failed sign-in.
    pub async fn login_failed(&self, email: &str, ip: &str) {
        self.per_source.record(&source_key(email, ip)).await;
        self.per_account.record(email).await;
    }

    /// Counts an attempt to change the password of `user`.
    pub async fn admit_password_change(&self, user: domain::UserId) -> Result<(), ApiError> {
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
        let limiter = Limiter::new(2, "test", None, "");
        assert_eq!(limiter.peek("k").await.count, 0);
        limiter.hit("k").await.expect("first");
        limiter.record("k").await;
        assert_eq!(limiter.peek("k").await.count, 2);
        let refused = limiter.hit("k").await;
        assert!(
            matches!(refused, Err(ApiError::RateLimited { retry_after }) if (1..=60).contains(&retry_after))
        );
        limiter.hit("other").await.expect("keys are separate");
    }

    #[test]
    fn the_answer_carries_the_tighter_of_the_address_and_person_quotas() {
        let req = actix_web::test::TestRequest::default().to_http_request();
        let quota = |remaining, exceeded| Quota {
            limit: 10,
            remaining,
            reset: 5,
            exceeded,
        };
        let kept = || req.extensions().get::<Quota>().copied();
        quota(8, false).remember(&req);
        quota(3, false).remember(&req);
        quota(5, false).remember(&req);
        assert_eq!(kept(), Some(quota(3, false)), "the fewest left");
        quota(0, true).remember(&req);
        quota(2, false).remember(&req);
        assert_eq!(kept(), Some(quota(0, true)), "a refusal above all");
    }
}
