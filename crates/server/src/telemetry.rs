//! Logging: pretty for people in development, JSON for log shippers in production.

use tracing_subscriber::EnvFilter;

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
