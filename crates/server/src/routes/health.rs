//! Liveness and readiness for load balancers and orchestrators, and metrics for Prometheus.

use actix_web::http::header::AUTHORIZATION;
use actix_web::{HttpRequest, HttpResponse, web};
use secrecy::ExposeSecret;
use serde::Serialize;

use crate::auth::tokens::constant_time_eq;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;

crate::routes::api_routes! {
    "/healthz" => get healthz;
    "/readyz" => get readyz;
    "/metrics" => get metrics;
}

/// This instance's metrics in Prometheus' text format (see `instruments`), for the bearer token
/// `METRICS_TOKEN` names; 404 when none is set, so the figures are never public by default.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses(
        (status = 200, description = "Prometheus text format 0.0.4", content_type = "text/plain", body = String),
        (status = 401, description = "No bearer token, or not the one METRICS_TOKEN names", body = dto::Problem),
        (status = 404, description = "METRICS_TOKEN is not set", body = dto::Problem),
    ),
    security(()))]
pub async fn metrics(req: HttpRequest, app: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let expected = app
        .config
        .telemetry
        .metrics_token
        .as_ref()
        .ok_or(ApiError::NotFound)?;
    let presented = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !constant_time_eq(presented, expected.expose_secret()) {
        return Err(ApiError::Unauthenticated(
            "send METRICS_TOKEN as a bearer token",
        ));
    }
    let text = app.instruments.scrape(&app.db, &app.caches).await?;
    Ok(HttpResponse::Ok()
        .content_type(prometheus::TEXT_FORMAT)
        .body(text))
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "Alive")),
    security(()))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

/// What `/readyz` checked.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Readiness {
    /// `ok` or `unavailable`.
    pub database: &'static str,
    /// `ok`, `unavailable` (the instance answers without it: see below), or `not_configured`.
    pub redis: &'static str,
}

/// Ready when the database answers; 503 otherwise. Redis is reported but does not decide:
/// without it an instance still answers everything (caches bypassed, limits and live events
/// local), and taking every instance out of the load balancer for it would turn a degraded
/// service into none.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, body = Readiness), (status = 503, body = Readiness)),
    security(()))]
pub async fn readyz(app: web::Data<AppState>) -> HttpResponse {
    let database = match persistence::db::ping(&app.db).await {
        Ok(()) => "ok",
        Err(err) => {
            tracing::warn!(error = %err, "readiness: database unavailable");
            "unavailable"
        }
    };
    let redis = match &app.redis {
        None => "not_configured",
        Some(pool) => match ping_redis(pool).await {
            Ok(()) => "ok",
            Err(err) => {
                tracing::warn!(error = %err, "readiness: redis unavailable");
                "unavailable"
            }
        },
    };
    let ready = database == "ok";
    let mut response = if ready {
        HttpResponse::Ok()
    } else {
        HttpResponse::ServiceUnavailable()
    };
    response.json(Readiness { database, redis })
}

async fn ping_redis(pool: &deadpool_redis::Pool) -> Result<(), Box<dyn std::error::Error>> {
    let mut conn = pool.get().await?;
    deadpool_redis::redis::cmd("PING")
        .query_async::<String>(&mut conn)
        .await?;
    Ok(())
}
