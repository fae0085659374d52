//! What every handler shares: configuration, database, Redis, keys, limits.

use std::sync::Arc;

use deadpool_redis::Pool;
use persistence::Db;

use crate::auth::jwt::Jwt;
use crate::auth::password::Passwords;
use crate::config::Config;
use crate::events::{EventBus, InProcessBus};
use crate::jobs::JobStore;
use crate::rate_limit::{Limiter, LoginLimiter};

/// Application state, behind `web::Data`.
#[derive(Debug)]
pub struct AppState {
    /// Configuration.
    pub config: Arc<Config>,
    /// The database pool.
    pub db: Db,
    /// Redis, when configured.
    pub redis: Option<Pool>,
    /// Access-token keys.
    pub jwt: Jwt,
    /// Password hashing.
    pub passwords: Passwords,
    /// Login rate limits.
    pub login_limits: LoginLimiter,
    /// Where committed changes are published.
    pub events: Arc<dyn EventBus>,
    /// Background job state (large imports).
    pub jobs: JobStore,
}

impl AppState {
    /// Builds the state for `config` around an open database and optional Redis pool.
    pub fn new(config: Arc<Config>, db: Db, redis: Option<Pool>) -> Self {
        let prefix = |name: &str| {
            redis
                .as_ref()
                .map(|pool| (pool, format!("{}:rl:{name}", config.redis_prefix)))
        };
        let login_limits = LoginLimiter {
            per_account: Limiter::new(config.login_limits.per_account, prefix("rl:login-account")),
            per_ip: Limiter::new(config.login_limits.per_ip, prefix("rl:login-ip")),
        };
        Self {
            jwt: Jwt::new(&config.jwt_secret, &config.public_url, config.access_ttl),
            passwords: Passwords::new(),
            login_limits,
            events: Arc::new(InProcessBus::new(1024)),
            jobs: JobStore::new(prefix("jobs")),
            config,
            db,
            redis,
        }
    }
}
