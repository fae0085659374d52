//! Configuration from the environment, validated all at once at start-up and read section by
//! section: each section's file holds its variables, their defaults and their checks.
//!
//! With nothing set, the embedded default runs: a SQLite file and a generated development key
//! under `./data/`. Tests build a [`Config`] in code and never touch the environment.

mod background;
mod email;
mod env;
mod http;
mod keys;
mod sign_in;
mod store;
mod telemetry;

pub use background::{ReminderConfig, WebhookConfig};
pub use email::EmailConfig;
pub use http::{HttpConfig, RequestLimitConfig};
pub use keys::KeysConfig;
pub use sign_in::{LoginLimits, OidcConfig, SignInConfig};
pub use store::{DEFAULT_DATA_DIR, StoreConfig};
pub use telemetry::TelemetryConfig;

use env::Env;

/// Everything the server needs to start, by section.
#[derive(Clone, Debug)]
pub struct Config {
    pub store: StoreConfig,
    pub http: HttpConfig,
    pub keys: KeysConfig,
    pub sign_in: SignInConfig,
    pub telemetry: TelemetryConfig,
    pub features: Features,
    pub webhooks: WebhookConfig,
    /// Email notifications; off without `SMTP_URL`.
    pub email: Option<EmailConfig>,
    pub reminders: ReminderConfig,
}

/// What an organisation may turn off.
#[derive(Clone, Copy, Debug)]
pub struct Features {
    /// `ENABLE_REAL_TIME` (default `true`): live updates (`/api/v1/ws`, `/api/v1/events`); off,
    /// they answer 404 and the browser reloads what it shows instead of following changes.
    pub real_time: bool,
    /// `ENABLE_ANALYTICS` (default `true`): the team-level trends and comparisons (the home
    /// page's team score trend, the managers' teams side by side); off, the dashboard leaves its
    /// trend out and the browser hides both. An agent's own scorecard is not analytics.
    pub analytics: bool,
}

/// Every configuration problem found, one line each.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration:\n{}", .0.join("\n"))]
pub struct ConfigErrors(pub Vec<String>);

impl Config {
    /// Reads the process environment (and `.env`, for development).
    pub fn from_process_env() -> Result<Config, ConfigErrors> {
        // A missing .env is normal; a malformed one is reported by the variables it lacks.
        let _ = dotenvy::dotenv();
        Config::from_env(|name| std::env::var(name).ok())
    }

    /// Reads configuration through `var`, collecting every problem before failing.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigErrors> {
        let mut env = Env::new(&var);
        let store = StoreConfig::read(&mut env);
        let http = HttpConfig::read(&mut env, store.redis_url.is_some());
        let keys = KeysConfig::read(&mut env, store.embedded);
        let telemetry = TelemetryConfig::read(&mut env);
        let sign_in = SignInConfig::read(&mut env);
        let features = Features {
            real_time: env.flag("ENABLE_REAL_TIME", true),
            analytics: env.flag("ENABLE_ANALYTICS", true),
        };
        let webhooks = WebhookConfig::read(&mut env);
        let email = EmailConfig::read(&mut env, &http.public_url);
        let reminders = ReminderConfig::read(&mut env);
        env.finish(Config {
            store,
            http,
            keys,
            sign_in,
            telemetry,
            features,
            webhooks,
            email,
            reminders,
        })
    }

    /// Fills in the embedded default's development keys (see [`KeysConfig::ensure_development_keys`]).
    pub fn ensure_dev_secret(&mut self) -> std::io::Result<()> {
        self.keys.ensure_development_keys(&self.store.data_dir)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use persistence::Backend;

    use super::*;

    /// A well-formed `ENCRYPTION_KEYS`.
    const KEYS: &str = "k1:c2VjcmV0LWtleS1tYXRlcmlhbC0zMi1ieXRlcy0hISE=";

    fn load(pairs: &[(&str, &str)]) -> Result<Config, ConfigErrors> {
        let env: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_env(|name| env.get(name).cloned())
    }

    #[test]
    fn nothing_set_is_the_embedded_default() {
        let config = load(&[]).expect("defaults are valid");
        assert!(config.store.embedded);
        assert_eq!(config.store.backend, Backend::Sqlite);
        assert_eq!(config.http.port, 8080);
        assert_eq!(config.http.public_url, "http://127.0.0.1:8080");
        assert!(!config.http.secure_cookies());
    }

    #[test]
    fn every_problem_is_reported_at_once_with_its_variable() {
        let errors = load(&[
            ("DATABASE_URL", "mysql://x"),
            ("PORT", "eighty"),
            ("BIND", "localhost:1"),
            ("REDIS_URL", "http://cache"),
            ("LOG_FORMAT", "xml"),
        ])
        .expect_err("six problems");
        let names: Vec<&str> = errors
            .0
            .iter()
            .map(|line| line.split(':').next().unwrap_or(""))
            .collect();
        assert_eq!(
            names,
            [
                "DATABASE_URL",
                "REDIS_URL",
                "BIND",
                "PORT",
                "PUBLIC_URL",
                "JWT_SECRET",
                "ENCRYPTION_KEYS",
                "LOG_FORMAT"
            ]
        );
    }

    #[test]
    fn several_instances_need_the_one_public_url() {
        let keys = [
            ("JWT_SECRET", "x".repeat(32)),
            ("ENCRYPTION_KEYS", KEYS.into()),
        ];
        let mut pairs: Vec<(&str, &str)> = keys.iter().map(|(k, v)| (*k, v.as_str())).collect();
        pairs.push(("REDIS_URL", "redis://127.0.0.1:6379"));
        let errors = load(&pairs).expect_err("no PUBLIC_URL");
        assert_eq!(errors.0.len(), 1, "{errors:?}");
        assert!(errors.0[0].starts_with("PUBLIC_URL: must be set when REDIS_URL is"));
        pairs.push(("PUBLIC_URL", "https://coaching.example.com"));
        assert!(load(&pairs).is_ok());
    }

    #[test]
    fn cors_origins_are_listed_origins_only() {
        assert!(load(&[]).expect("valid").http.cors_origins.is_empty());
        let config = load(&[(
            "CORS_ORIGINS",
            "https://reports.example.com, http://localhost:3000,",
        )])
        .expect("valid");
        assert_eq!(
            config.http.cors_origins,
            ["https://reports.example.com", "http://localhost:3000"]
        );
        for bad in [
            "*",
            "https://*.example.com",
            "https://x.example.com/app",
            "ftp://x",
        ] {
            let errors = load(&[("CORS_ORIGINS", bad)]).expect_err(bad);
            assert!(errors.0[0].starts_with("CORS_ORIGINS: "), "{errors}");
        }
    }

    #[test]
    fn single_sign_on_takes_all_three_variables_and_an_https_issuer() {
        assert!(load(&[]).expect("valid").sign_in.oidc.is_none());
        let all = |issuer| {
            load(&[
                ("OIDC_ISSUER_URL", issuer),
                ("OIDC_CLIENT_ID", "coaching-hub"),
                ("OIDC_CLIENT_SECRET", "s3cret"),
            ])
        };
        let config = all(" https://login.example.com/realms/staff ").expect("valid");
        let oidc = config.sign_in.oidc.expect("configured");
        assert_eq!(oidc.issuer_url, "https://login.example.com/realms/staff");
        assert_eq!(oidc.client_id, "coaching-hub");
        assert!(all("http://127.0.0.1:9000").is_ok(), "loopback may be http");
        assert!(all("http://[::1]:9000").is_ok(), "loopback may be http");
        let errors = all("http://localhost.example.com").expect_err("not this machine");
        assert!(errors.0[0].starts_with("OIDC_ISSUER_URL: "), "{errors}");
        let errors = all("http://login.example.com").expect_err("not https");
        assert!(errors.0[0].starts_with("OIDC_ISSUER_URL: "), "{errors}");
        let errors =
            load(&[("OIDC_ISSUER_URL", "https://login.example.com")]).expect_err("two missing");
        assert!(errors.0[0].contains("set all three"), "{errors}");
    }

    #[test]
    fn a_metrics_token_is_long_or_absent() {
        assert!(load(&[]).expect("valid").telemetry.metrics_token.is_none());
        let token = "0123456789abcdef0123456789abcdef";
        let config = load(&[("METRICS_TOKEN", token)]).expect("valid");
        assert!(config.telemetry.metrics_token.is_some());
        let errors = load(&[("METRICS_TOKEN", "short")]).expect_err("too short");
        assert!(errors.0[0].starts_with("METRICS_TOKEN: "), "{errors}");
    }

    #[test]
    fn email_is_on_with_an_smtp_url_unless_turned_off() {
        assert!(load(&[]).expect("valid").email.is_none());
        let smtp = ("SMTP_URL", "smtp://mail.example.com:587?tls=required");
        let on = load(&[smtp, ("PUBLIC_URL", "https://coaching.example.com")]).expect("valid");
        let email = on.email.expect("on");
        assert_eq!(
            email.from.email.to_string(),
            "coaching-hub@coaching.example.com"
        );
        assert!(
            load(&[smtp, ("ENABLE_EMAIL", "false")])
                .expect("valid")
                .email
                .is_none()
        );
        let errors = load(&[("SMTP_URL", "mail.example.com")]).expect_err("no scheme");
        assert!(errors.0[0].starts_with("SMTP_URL: "), "{errors}");
        let errors = load(&[smtp, ("SMTP_FROM", "not an address")]).expect_err("bad from");
        assert!(errors.0[0].starts_with("SMTP_FROM: "), "{errors}");
    }

    #[test]
    fn real_time_and_analytics_are_on_unless_turned_off() {
        let flags = |config: &Config| (config.features.real_time, config.features.analytics);
        assert_eq!(flags(&load(&[]).expect("valid")), (true, true));
        let off = load(&[("ENABLE_REAL_TIME", "false"), ("ENABLE_ANALYTICS", "false")]);
        assert_eq!(flags(&off.expect("valid")), (false, false));
        let on = load(&[("ENABLE_REAL_TIME", "true"), ("ENABLE_ANALYTICS", "true")]);
        assert_eq!(flags(&on.expect("valid")), (true, true));
        for name in ["ENABLE_REAL_TIME", "ENABLE_ANALYTICS"] {
            let errors = load(&[(name, "no")]).expect_err("not a flag");
            assert!(errors.0[0].starts_with(&format!("{name}: ")), "{errors}");
        }
    }

    #[test]
    fn redis_over_tls_is_refused_at_start_up_as_this_build_cannot_speak_it() {
        let public = ("PUBLIC_URL", "https://coaching.example.com");
        assert!(load(&[("REDIS_URL", "redis://cache:6379"), public]).is_ok());
        let errors = load(&[("REDIS_URL", "rediss://cache:6380"), public]).expect_err("no TLS");
        assert!(errors.0[0].starts_with("REDIS_URL: rediss://"), "{errors}");
    }

    #[test]
    fn a_retention_period_is_a_number_of_months_or_nothing() {
        assert_eq!(load(&[]).expect("valid").store.retention_months, None);
        let config = load(&[("RETENTION_MONTHS", " 24 ")]).expect("valid");
        assert_eq!(config.store.retention_months, Some(24));
        for bad in ["0", "-3", "two years", "1201"] {
            let errors = load(&[("RETENTION_MONTHS", bad)]).expect_err(bad);
            assert!(errors.0[0].starts_with("RETENTION_MONTHS: "), "{errors}");
        }
    }

    #[test]
    fn a_sentry_dsn_is_checked_and_kept_secret() {
        let errors = load(&[("SENTRY_DSN", "sentry.example.com")]).expect_err("not a DSN");
        assert!(errors.0[0].starts_with("SENTRY_DSN: "), "{errors}");
        let config =
            load(&[("SENTRY_DSN", "https://abc123@o1.ingest.sentry.io/42")]).expect("a DSN");
        assert!(config.telemetry.sentry_dsn.is_some());
        assert!(!format!("{config:?}").contains("abc123"));
    }

    #[test]
    fn postgres_needs_a_real_signing_key() {
        let short = load(&[("DATABASE_URL", "postgres://db/x"), ("JWT_SECRET", "short")]);
        assert!(short.is_err());
        let good = load(&[
            ("DATABASE_URL", "postgres://db/x"),
            ("JWT_SECRET", "0123456789abcdef0123456789abcdef"),
            ("ENCRYPTION_KEYS", KEYS),
            ("PUBLIC_URL", "https://coaching.example.com/"),
        ])
        .expect("valid");
        assert_eq!(good.store.backend, Backend::Postgres);
        assert!(good.http.secure_cookies());
        assert_eq!(good.http.public_url, "https://coaching.example.com");
    }

    #[test]
    fn debug_output_hides_secrets() {
        let config = load(&[
            ("DATABASE_URL", "postgres://u:hunter2@db/x"),
            ("JWT_SECRET", "0123456789abcdef0123456789abcdef-secret"),
            ("ENCRYPTION_KEYS", KEYS),
        ])
        .expect("valid");
        let shown = format!("{config:?}");
        assert!(!shown.contains("hunter2"));
        assert!(!shown.contains("abcdef-secret"));
        assert!(!shown.contains(&KEYS[3..]));
    }
}
