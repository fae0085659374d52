//! What every handler shares: configuration, database, Redis, keys, limits.

use std::sync::Arc;

use actix_web::web;
use deadpool_redis::Pool;
use persistence::Db;
use persistence::metrics::CatalogueCache;

use crate::auth::jwt::Jwt;
use crate::auth::password::Passwords;
use crate::auth::second_factor::RecoveryCodeHasher;
use crate::auth::sso::Sso;
use crate::auth::tokens::Successors;
use crate::cache::{self, Caches};
use crate::config::Config;
use crate::events::{EventBus, InProcessBus, RedisBus};
use crate::http::instruments::Instruments;

/// Events kept for slow subscribers and for clients that resume.
const EVENTS_KEPT: usize = 1024;
use crate::http::rate_limit::{AuthLimits, RequestLimits};
use crate::workers::jobs::JobStore;
use secrecy::ExposeSecret;

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
    /// Derives each refresh token's successor.
    pub successors: Successors,
    /// Hashes second-factor recovery codes.
    pub recovery_codes: RecoveryCodeHasher,
    /// Password hashing.
    pub passwords: Passwords,
    /// Sign-in and password-change rate limits.
    pub auth_limits: AuthLimits,
    /// Limits on every API request, per address and per person (shared with the middleware).
    pub request_limits: web::Data<RequestLimits>,
    /// Where committed changes are published ([`AppState::publish`]) and read.
    pub events: Arc<dyn EventBus>,
    /// The actor lookup, scorecards and dashboards, forgotten as the events say.
    pub caches: Arc<Caches>,
    /// Background job state (large imports).
    pub jobs: JobStore,
    /// The KPI catalogue, reused while unchanged.
    pub catalogue: CatalogueCache,
    /// The single sign-on provider, when one is configured (discovered at start-up).
    pub sso: Option<Sso>,
    /// This instance's Prometheus metrics (shared with the middleware).
    pub instruments: web::Data<Instruments>,
}

impl AppState {
    /// Builds the state for `config` around an open database and optional Redis pool.
    pub fn new(config: Arc<Config>, db: Db, redis: Option<Pool>) -> Self {
        let prefix = |name: &str| {
            redis
                .as_ref()
                .map(|pool| (pool, format!("{}:rl:{name}", config.store.redis_prefix)))
        };
        let auth_limits = AuthLimits::new(
            &config.sign_in.login_limits,
            redis.as_ref(),
            &config.store.redis_prefix,
        );
        let events: Arc<dyn EventBus> = match &redis {
            Some(pool) => Arc::new(RedisBus::start(
                pool.clone(),
                &config.store.redis_prefix,
                EVENTS_KEPT,
            )),
            None => Arc::new(InProcessBus::new(EVENTS_KEPT)),
        };
        let caches = Arc::new(Caches::new(Arc::clone(&events)));
        cache::follow(&caches, &*events);
        Self {
            jwt: Jwt::new(
                &config.keys.jwt_secret,
                &config.http.public_url,
                config.sign_in.access_ttl,
            ),
            successors: Successors::new(config.keys.jwt_secret.expose_secret().as_bytes()),
            recovery_codes: RecoveryCodeHasher::new(
                config.keys.jwt_secret.expose_secret().as_bytes(),
            ),
            passwords: Passwords::new(),
            auth_limits,
            request_limits: web::Data::new(RequestLimits::new(
                &config.http.request_limits,
                config.http.trust_proxy,
                redis.as_ref(),
                &config.store.redis_prefix,
            )),
            events,
            caches,
            jobs: JobStore::new(prefix("jobs")),
            catalogue: CatalogueCache::default(),
            sso: None,
            instruments: web::Data::new(Instruments::new()),
            config,
            db,
            redis,
        }
    }

    /// Publishes a committed change: this instance forgets what it changed before anyone is
    /// answered, then the bus carries it to every connection and instance.
    pub fn publish(&self, event: dto::Event) {
        self.caches.forget(&event);
        self.events.publish(event);
    }
}
