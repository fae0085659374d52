//! Prometheus metrics of this instance, at `GET /metrics` behind `METRICS_TOKEN` (never served
//! without one): requests by route pattern and status with their latency, the database pool,
//! the caches, open WebSockets, background imports and the audit chain's length.
//!
//! The `prometheus` crate, with a registry per instance rather than a process-wide one, so that
//! several instances in one process (the tests start many) keep their figures apart. Counters and
//! histograms are recorded as things happen; pool, cache and audit figures are read at each
//! scrape.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};

use crate::cache::Caches;

/// The route label of a request that matched no route (a page of the browser app, a 404): one
/// label for them all, so that stray paths cannot grow the label set.
const UNMATCHED: &str = "other";

/// This instance's metrics.
pub struct Instruments {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    websockets: IntGauge,
    jobs: IntCounterVec,
    webhooks: IntCounterVec,
    pool: IntGaugeVec,
    cache: IntGaugeVec,
    audit_entries: IntGauge,
}

impl std::fmt::Debug for Instruments {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Instruments")
    }
}

impl Default for Instruments {
    fn default() -> Self {
        Self::new()
    }
}

impl Instruments {
    /// Registers every metric (their names and labels are fixed here, so registering cannot fail).
    pub fn new() -> Self {
        let registry =
            Registry::new_custom(Some("coaching_hub".into()), None).expect("a valid prefix");
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests answered"),
            &["method", "route", "status"],
        )
        .expect("valid");
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time from receiving a request to its answer",
            )
            .buckets(vec![
                0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ]),
            &["method", "route", "status"],
        )
        .expect("valid");
        let websockets = IntGauge::new("websocket_connections", "Open live WebSocket connections")
            .expect("valid");
        let jobs = IntCounterVec::new(
            Opts::new("background_jobs_total", "Background imports by outcome"),
            &["outcome"],
        )
        .expect("valid");
        let webhooks = IntCounterVec::new(
            Opts::new(
                "webhook_deliveries_total",
                "Webhook delivery attempts by outcome",
            ),
            &["outcome"],
        )
        .expect("valid");
        let pool = IntGaugeVec::new(
            Opts::new("db_pool_connections", "Database pool connections by state"),
            &["state"],
        )
        .expect("valid");
        let cache = IntGaugeVec::new(
            Opts::new(
                "cache_lookups_total",
                "Cache lookups since start, by cache and result (a bypassed lookup is a miss)",
            ),
            &["cache", "result"],
        )
        .expect("valid");
        let audit_entries = IntGauge::new(
            "audit_chain_length",
            "Entries in the audit log's hash chain",
        )
        .expect("valid");
        for collector in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(websockets.clone()),
            Box::new(jobs.clone()),
            Box::new(webhooks.clone()),
            Box::new(pool.clone()),
            Box::new(cache.clone()),
            Box::new(audit_entries.clone()),
        ] {
            registry.register(collector).expect("each name once");
        }
        Self {
            registry,
            requests,
            latency,
            websockets,
            jobs,
            webhooks,
            pool,
            cache,
            audit_entries,
        }
    }

    /// Counts an open WebSocket until the returned guard is dropped.
    pub fn websocket_opened(&self) -> OpenWebSocket {
        self.websockets.inc();
        OpenWebSocket(self.websockets.clone())
    }

    /// Counts a background import reaching `outcome` (`started`, `succeeded`, `failed`).
    pub fn job(&self, outcome: &str) {
        self.jobs.with_label_values(&[outcome]).inc();
    }

    /// Counts a webhook delivery attempt reaching `outcome` (`delivered`, `failed`).
    pub fn webhook_attempt(&self, outcome: &str) {
        self.webhooks.with_label_values(&[outcome]).inc();
    }

    /// Counts an answered request: its method, route pattern (`None`: no route matched), status
    /// and how long it took. A pattern's parameters are written `:id` (`/api/v1/users/:id`):
    /// braces inside a label value are valid, but some exposition parsers cut the labels there.
    pub fn observe(&self, method: &str, route: Option<&str>, status: u16, seconds: f64) {
        let status = status.to_string();
        let route = route.map_or_else(
            || UNMATCHED.to_owned(),
            |pattern| pattern.replace('{', ":").replace('}', ""),
        );
        let labels = [method, route.as_str(), status.as_str()];
        self.requests.with_label_values(&labels).inc();
        self.latency.with_label_values(&labels).observe(seconds);
    }

    /// The metrics in Prometheus' text format, with the figures read now.
    pub async fn scrape(
        &self,
        db: &persistence::Db,
        caches: &Caches,
    ) -> Result<String, crate::http::error::ApiError> {
        let (in_use, idle) = persistence::db::pool_state(db);
        self.pool.with_label_values(&["in_use"]).set(in_use);
        self.pool.with_label_values(&["idle"]).set(idle);
        let stats = caches.stats();
        let (actor_hits, actor_misses) = stats.actors.get();
        let (view_hits, view_misses) = stats.views.get();
        for (cache, result, count) in [
            ("actors", "hit", actor_hits),
            ("actors", "miss", actor_misses),
            ("views", "hit", view_hits),
            ("views", "miss", view_misses),
        ] {
            self.cache
                .with_label_values(&[cache, result])
                .set(i64::try_from(count).unwrap_or(i64::MAX));
        }
        let entries = persistence::audit::chain_length(db).await?;
        self.audit_entries
            .set(i64::try_from(entries).unwrap_or(i64::MAX));
        let mut text = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut text)
            .map_err(crate::http::error::ApiError::internal)?;
        String::from_utf8(text).map_err(crate::http::error::ApiError::internal)
    }
}

/// An open WebSocket, counted while this lives.
#[derive(Debug)]
pub struct OpenWebSocket(IntGauge);

impl Drop for OpenWebSocket {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// The middleware (`actix_web::middleware::from_fn`, outside the rate limiter so that refusals
/// count too): every answer, by method, route pattern and status, with its latency.
pub async fn observe_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let instruments = req.app_data::<web::Data<Instruments>>().cloned();
    let method = req.method().clone();
    let response = next.call(req).await?;
    if let Some(instruments) = instruments {
        instruments.observe(
            method.as_str(),
            response.request().match_pattern().as_deref(),
            response.status().as_u16(),
            started.elapsed().as_secs_f64(),
        );
    }
    Ok(response)
}
