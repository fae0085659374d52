//! What the server tells its operators: logs, error reports, metrics.

use secrecy::SecretString;

use super::env::Env;

/// Logs, Sentry and Prometheus.
#[derive(Clone, Debug)]
pub struct TelemetryConfig {
    /// `LOG_LEVEL`: a tracing filter such as `info` or `server=debug,info`.
    pub log_level: String,
    /// `LOG_FORMAT`: `json` for production log shippers, `pretty` otherwise.
    pub log_json: bool,
    /// `SENTRY_DSN`: where errors and panics are reported (with the request id and the caller's
    /// role, never a name, an email, a note or a token); nowhere when unset.
    pub sentry_dsn: Option<SecretString>,
    /// `METRICS_TOKEN`: the bearer token `GET /metrics` (Prometheus) asks for; not served
    /// without one.
    pub metrics_token: Option<SecretString>,
}

impl TelemetryConfig {
    pub(super) fn read(env: &mut Env) -> TelemetryConfig {
        let log_level = env.get("LOG_LEVEL").unwrap_or_else(|| "info".into());
        if tracing_subscriber::EnvFilter::try_new(&log_level).is_err() {
            env.problem(format!(
                "LOG_LEVEL: `{log_level}` is not a valid filter (try `info`)"
            ));
        }
        let log_json = match env.get("LOG_FORMAT").as_deref() {
            None | Some("pretty") => false,
            Some("json") => true,
            Some(other) => {
                env.problem(format!("LOG_FORMAT: `{other}` is not `json` or `pretty`"));
                false
            }
        };
        let sentry_dsn = env.get("SENTRY_DSN");
        if let Some(dsn) = &sentry_dsn
            && dsn.parse::<sentry::types::Dsn>().is_err()
        {
            env.problem("SENTRY_DSN: not a Sentry DSN such as https://key@o1.ingest.sentry.io/42");
        }
        let metrics_token = env.get("METRICS_TOKEN");
        if metrics_token.as_ref().is_some_and(|token| token.len() < 32) {
            env.problem("METRICS_TOKEN: must be at least 32 characters");
        }
        TelemetryConfig {
            log_level,
            log_json,
            sentry_dsn: sentry_dsn.map(Into::into),
            metrics_token: metrics_token.map(Into::into),
        }
    }
}
