//! Logging (pretty for people in development, JSON for log shippers in production), the request
//! span every log line of a request carries, and error reports to Sentry.
//!
//! What leaves the process names requests by id, people by id and role: never a name, an email,
//! a note's text, a password or a token. The request span holds the path without its query (a
//! search's words are often a person's name); a Sentry event holds the error, the request id and
//! the caller's role, and nothing of the request or the person.

use std::sync::Arc;

use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use domain::Role;
use secrecy::{ExposeSecret, SecretString};
use tracing::Span;
use tracing_actix_web::{RequestId, RootSpanBuilder};
use tracing_subscriber::EnvFilter;

use crate::http::error::ApiError;

/// Installs the global subscriber once; later calls (tests) are no-ops.
pub fn init(level: &str, json: bool) {
    let filter = EnvFilter::try_new(level).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    // An error here only means a subscriber is already installed.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// Starts reporting failed requests and panics to Sentry at `dsn`; `None` (nothing reported)
/// without one. Keep the guard until the process ends: dropping it sends what is queued.
pub fn sentry(dsn: Option<&SecretString>) -> Option<sentry::ClientInitGuard> {
    let dsn = dsn?.expose_secret().parse().ok()?;
    Some(sentry::init(sentry::ClientOptions {
        dsn: Some(dsn),
        release: sentry::release_name!(),
        send_default_pii: false,
        before_send: Some(Arc::new(|mut event| {
            // Nothing about the request or the person, whatever an integration adds.
            event.request = None;
            event.user = None;
            event.breadcrumbs.values.clear();
            Some(event)
        })),
        ..Default::default()
    }))
}

/// The role of the caller a request authenticated, kept on the request for reports.
#[derive(Clone, Copy, Debug)]
pub struct CallerRole(pub Role);

/// Reports a request that failed on the server's side (5xx): the error's chain, tagged with the
/// request id (as in the logs and the problem body) and the caller's role.
pub fn report(error: &ApiError, request_id: Option<&str>, role: Option<Role>) {
    sentry::with_scope(
        |scope| {
            if let Some(id) = request_id {
                scope.set_tag("request_id", id);
            }
            scope.set_tag("role", role.map_or("ANONYMOUS", Role::as_str));
        },
        || sentry::capture_error(error),
    );
}

/// `path` as the logs keep it: a calendar feed's path is its secret, so its token is left out.
fn loggable_path(path: &str) -> &str {
    if path.starts_with("/api/v1/calendar/") {
        "/api/v1/calendar/{token}.ics"
    } else {
        path
    }
}

/// The span around each request: method, path without the query (a feed's token left out), request id, and the status
/// once answered.
#[derive(Debug)]
pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        tracing::info_span!(
            "request",
            http.method = %request.method(),
            http.path = %loggable_path(request.path()),
            request_id = %request_id,
            http.status_code = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(
        span: Span,
        outcome: &Result<ServiceResponse<B>, actix_web::Error>,
    ) {
        let status = match outcome {
            Ok(response) => response.status(),
            Err(error) => error.as_response_error().status_code(),
        };
        span.record("http.status_code", status.as_u16());
    }
}
