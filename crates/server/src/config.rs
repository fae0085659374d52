//! Configuration from the environment, validated all at once at start-up.
//!
//! With nothing set, the embedded default runs: a SQLite file and a generated development key
//! under `./data/`. Tests build a [`Config`] in code and never touch the environment.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use persistence::{Backend, DbOptions};
use secrecy::{ExposeSecret, SecretString};

/// Everything the server needs to start.
#[derive(Clone, Debug)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite://...` or `postgres://...`; embedded SQLite when unset.
    pub database_url: SecretString,
    /// Which database `database_url` names.
    pub backend: Backend,
    /// `REDIS_URL`: shared rate limits (and, later, cache and events) across instances.
    pub redis_url: Option<SecretString>,
    /// `BIND`: the address to listen on.
    pub bind: IpAddr,
    /// `PORT`: the port to listen on; 0 picks a free one (tests).
    pub port: u16,
    /// `PUBLIC_URL`: where people reach the app; `https` turns on `Secure` cookies and HSTS.
    pub public_url: String,
    /// `JWT_SECRET`: HS256 signing key for access tokens (at least 32 bytes).
    pub jwt_secret: SecretString,
    /// `DATA_DIR`: where the embedded database and development keys live.
    pub data_dir: PathBuf,
    /// `STATIC_DIR`: the built browser app (Trunk's `dist`); not served when absent.
    pub static_dir: Option<PathBuf>,
    /// `LOG_LEVEL`: a tracing filter such as `info` or `server=debug,info`.
    pub log_level: String,
    /// `LOG_FORMAT`: `json` for production log shippers, `pretty` otherwise.
    pub log_json: bool,
    /// Whether this is the embedded default (seed the demo on first run).
    pub embedded: bool,
    /// `TRUST_PROXY`: take the client address from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_proxy: bool,
    /// Login attempts allowed per account and per client address.
    pub login_limits: LoginLimits,
    /// API requests allowed per client address and per signed-in person.
    pub request_limits: RequestLimitConfig,
    /// Prefix of every Redis key, so several deployments (or tests) can share one Redis.
    pub redis_prefix: String,
    /// Connection pool settings.
    pub db: DbOptions,
    /// Request bodies larger than this are refused with 413.
    pub body_limit: usize,
    /// HTTP worker threads (0: one per core).
    pub workers: usize,
    /// How long an access token lives.
    pub access_ttl: Duration,
    /// How long a sign-in session (refresh family) lives.
    pub session_ttl: Duration,
    /// How long a just-rotated refresh token still answers its successor (tabs refreshing at once).
    pub refresh_grace: Duration,
    /// `STATEMENT_COUNT_HEADER`: answer every request with `X-Db-Statements`, the SQL statements
    /// it ran (tests and benchmarks hold endpoints to a budget with it). Never on a public
    /// server: a count tells an unknown email from a wrong password.
    pub statement_count_header: bool,
    /// `CORS_ORIGINS`: other sites' origins (`https://reports.example.com`, comma-separated) whose
    /// pages may call the API; none by default.
    pub cors_origins: Vec<String>,
    /// `ENCRYPTION_KEYS`: `id:base64 key` pairs sealing personal text, the first sealing new
    /// values (see `persistence::sealed`).
    pub encryption_keys: SecretString,
    /// `RETENTION_MONTHS`: quick notes, and the text of ended sessions, older than this many
    /// months are erased every hour; kept for ever when unset.
    pub retention_months: Option<u32>,
    /// `SENTRY_DSN`: where errors and panics are reported (with the request id and the caller's
    /// role, never a name, an email, a note or a token); nowhere when unset.
    pub sentry_dsn: Option<SecretString>,
    /// `OIDC_ISSUER_URL`, `OIDC_CLIENT_ID`, `OIDC_CLIENT_SECRET`: single sign-on with an
    /// OpenID Connect provider; off when unset.
    pub oidc: Option<OidcConfig>,
    /// `METRICS_TOKEN`: the bearer token `GET /metrics` (Prometheus) asks for; not served
    /// without one.
    pub metrics_token: Option<SecretString>,
    /// `ENABLE_REAL_TIME` (default `true`): live updates (`/api/v1/ws`, `/api/v1/events`); off,
    /// they answer 404 and the browser reloads what it shows instead of following changes.
    pub real_time: bool,
    /// `ENABLE_ANALYTICS` (default `true`): the team-level trends and comparisons (the home
    /// page's team score trend, the managers' teams side by side); off, the dashboard leaves its
    /// trend out and the browser hides both. An agent's own scorecard is not analytics.
    pub analytics: bool,
    /// `WEBHOOK_RETRY_SECONDS` (default 5), `WEBHOOK_DISABLE_AFTER_SECONDS` (default a day) and
    /// `WEBHOOK_ALLOW_PRIVATE`: how webhook deliveries are retried, when a failing webhook is
    /// turned off, and whether receivers may be on private addresses.
    pub webhooks: WebhookConfig,
    /// `SMTP_URL` and `SMTP_FROM`, unless `ENABLE_EMAIL=false`: email notifications; off when
    /// unset.
    pub email: Option<EmailConfig>,
    /// `ACK_REMINDER_HOURS` (default 48): reminders, and how often an instance looks for them.
    pub reminders: ReminderConfig,
}

/// When reminders are due.
#[derive(Clone, Copy, Debug)]
pub struct ReminderConfig {
    /// `ACK_REMINDER_HOURS` (1-720, default 48): hours an agent has to acknowledge a completed
    /// session or an active plan before being reminded.
    pub ack_hours: u32,
    /// How often each instance looks for reminders due (a minute).
    pub every: Duration,
}

/// Where email notifications are sent through.
#[derive(Clone, Debug)]
pub struct EmailConfig {
    /// `SMTP_URL`: `smtp://user:password@host:587?tls=required` (STARTTLS), `smtps://…:465`, or
    /// plain `smtp://host:25` (a relay on this machine).
    pub smtp_url: SecretString,
    /// `SMTP_FROM` (default `Coaching Hub <coaching-hub@` + the public URL's host + `>`).
    pub from: lettre::message::Mailbox,
    /// `SMTP_RETRY_SECONDS` (default 30): the wait after a first failure, doubling after each
    /// further one up to an hour; an email is given up after 8 attempts.
    pub retry: Duration,
}

/// How webhook deliveries are retried, and where they may go.
#[derive(Clone, Copy, Debug)]
pub struct WebhookConfig {
    /// The wait after a first failure; it doubles with each further one, up to an hour.
    pub retry: Duration,
    /// A webhook whose every attempt has failed for this long is turned off.
    pub disable_after: Duration,
    /// `WEBHOOK_ALLOW_PRIVATE` (default `false`): receivers on this machine or a private network
    /// are allowed (development and tests); otherwise only public addresses are.
    pub allow_private: bool,
}

/// An OpenID Connect provider people may sign in with.
#[derive(Clone, Debug)]
pub struct OidcConfig {
    /// `OIDC_ISSUER_URL`: the provider's issuer, where its discovery document lives.
    pub issuer_url: String,
    /// `OIDC_CLIENT_ID`: this server's client id at the provider.
    pub client_id: String,
    /// `OIDC_CLIENT_SECRET`: this server's client secret at the provider.
    pub client_secret: SecretString,
}

/// Sign-in limits per minute.
#[derive(Clone, Copy, Debug)]
pub struct LoginLimits {
    /// Failed sign-ins per account and client address (ten times as many per account from
    /// anywhere); also password-change attempts per user.
    pub per_account: u32,
    /// Sign-in attempts per client address.
    pub per_ip: u32,
}

/// API request limits per minute.
#[derive(Clone, Copy, Debug)]
pub struct RequestLimitConfig {
    /// `RATE_LIMIT_PER_IP`: requests per client address (a contact centre's agents may share
    /// one address, so this is high).
    pub per_ip: u32,
    /// `RATE_LIMIT_PER_USER`: requests per signed-in person.
    pub per_user: u32,
}

/// Every configuration problem found, one line each.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration:\n{}", .0.join("\n"))]
pub struct ConfigErrors(pub Vec<String>);

/// Where the embedded database lives by default.
pub const DEFAULT_DATA_DIR: &str = "./data";

impl Config {
    /// Reads the process environment (and `.env`, for development).
    pub fn from_process_env() -> Result<Config, ConfigErrors> {
        // A missing .env is normal; a malformed one is reported by the variables it lacks.
        let _ = dotenvy::dotenv();
        Config::from_env(|name| std::env::var(name).ok())
    }

    /// Reads configuration through `var`, collecting every problem before failing.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigErrors> {
        let mut errors = Vec::new();
        let var = |name: &str| var(name).filter(|value| !value.trim().is_empty());

        let data_dir = PathBuf::from(var("DATA_DIR").unwrap_or_else(|| DEFAULT_DATA_DIR.into()));
        let (database_url, embedded) = match var("DATABASE_URL") {
            Some(url) => (url, false),
            None => (
                format!(
                    "sqlite://{}?mode=rwc",
                    data_dir.join("coaching-hub.db").display()
                ),
                true,
            ),
        };
        let backend = Backend::of_url(&database_url).unwrap_or_else(|| {
            errors.push("DATABASE_URL: must start with sqlite:// or postgres://".into());
            Backend::Sqlite
        });

        let redis_url = var("REDIS_URL");
        if let Some(url) = &redis_url {
            if url.starts_with("rediss://") {
                // The redis crate is built without TLS: refused here rather than failing at
                // the first connection.
                errors.push(
                    "REDIS_URL: rediss:// (TLS) is not supported by this build; use redis:// on a \
                     private network, or a TLS tunnel such as stunnel beside each instance"
                        .into(),
                );
            } else if !url.starts_with("redis://") {
                errors.push("REDIS_URL: must start with redis://".into());
            }
        }

        let bind = parse(
            &var,
            "BIND",
            "127.0.0.1",
            "an IP address such as 0.0.0.0",
            &mut errors,
        );
        let port = parse(&var, "PORT", "8080", "a port number (0-65535)", &mut errors);
        let public_url = match var("PUBLIC_URL") {
            Some(url) => url,
            None => {
                if redis_url.is_some() {
                    // Tokens name the public URL as their issuer: instances that each made up
                    // their own would refuse each other's tokens behind a load balancer.
                    errors.push(
                        "PUBLIC_URL: must be set when REDIS_URL is (every instance signs tokens \
                         for the one address people reach)"
                            .into(),
                    );
                }
                format!("http://{bind}:{port}")
            }
        };
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            errors.push("PUBLIC_URL: must start with http:// or https://".into());
        }

        let jwt_secret = match var("JWT_SECRET") {
            Some(secret) if secret.len() >= 32 => secret,
            Some(_) => {
                errors.push("JWT_SECRET: must be at least 32 characters".into());
                String::new()
            }
            // Only the embedded default may run without one: a key is generated into DATA_DIR.
            None if embedded => String::new(),
            None => {
                errors.push(
                    "JWT_SECRET: required when DATABASE_URL is set (32+ random characters)".into(),
                );
                String::new()
            }
        };

        let encryption_keys = match var("ENCRYPTION_KEYS") {
            Some(raw) => {
                if let Err(error) = persistence::sealed::Keyring::parse(&raw) {
                    errors.push(error.to_string());
                }
                raw
            }
            // As with the signing key, only the embedded default generates one into DATA_DIR.
            None if embedded => String::new(),
            None => {
                errors.push(
                    "ENCRYPTION_KEYS: required when DATABASE_URL is set (`k1:` and 32 random \
                     bytes in base64: echo k1:$(openssl rand -base64 32))"
                        .into(),
                );
                String::new()
            }
        };

        let log_level = var("LOG_LEVEL").unwrap_or_else(|| "info".into());
        if tracing_subscriber::EnvFilter::try_new(&log_level).is_err() {
            errors.push(format!(
                "LOG_LEVEL: `{log_level}` is not a valid filter (try `info`)"
            ));
        }
        let log_json = match var("LOG_FORMAT").as_deref() {
            None | Some("pretty") => false,
            Some("json") => true,
            Some(other) => {
                errors.push(format!("LOG_FORMAT: `{other}` is not `json` or `pretty`"));
                false
            }
        };
        let per_account = parse(
            &var,
            "LOGIN_LIMIT_PER_ACCOUNT",
            "10",
            "a positive number",
            &mut errors,
        );
        let per_ip = parse(
            &var,
            "LOGIN_LIMIT_PER_IP",
            "30",
            "a positive number",
            &mut errors,
        );
        let requests_per_ip = parse(
            &var,
            "RATE_LIMIT_PER_IP",
            "6000",
            "a positive number",
            &mut errors,
        );
        let requests_per_user = parse(
            &var,
            "RATE_LIMIT_PER_USER",
            "600",
            "a positive number",
            &mut errors,
        );
        for (name, value) in [
            ("LOGIN_LIMIT_PER_ACCOUNT", per_account),
            ("LOGIN_LIMIT_PER_IP", per_ip),
            ("RATE_LIMIT_PER_IP", requests_per_ip),
            ("RATE_LIMIT_PER_USER", requests_per_user),
        ] {
            if value == 0u32 {
                errors.push(format!("{name}: must be at least 1"));
            }
        }

        let trust_proxy = parse(
            &var,
            "TRUST_PROXY",
            "false",
            "`true` or `false`",
            &mut errors,
        );
        let real_time = parse(
            &var,
            "ENABLE_REAL_TIME",
            "true",
            "`true` or `false`",
            &mut errors,
        );
        let analytics = parse(
            &var,
            "ENABLE_ANALYTICS",
            "true",
            "`true` or `false`",
            &mut errors,
        );
        let webhooks = WebhookConfig {
            retry: Duration::from_secs(parse(
                &var,
                "WEBHOOK_RETRY_SECONDS",
                "5",
                "a number of seconds",
                &mut errors,
            )),
            disable_after: Duration::from_secs(parse(
                &var,
                "WEBHOOK_DISABLE_AFTER_SECONDS",
                "86400",
                "a number of seconds",
                &mut errors,
            )),
            allow_private: parse(
                &var,
                "WEBHOOK_ALLOW_PRIVATE",
                "false",
                "`true` or `false`",
                &mut errors,
            ),
        };
        let statement_count_header = parse(
            &var,
            "STATEMENT_COUNT_HEADER",
            "false",
            "`true` or `false`",
            &mut errors,
        );

        let cors_origins = cors_origins(var("CORS_ORIGINS").as_deref(), &mut errors);
        let retention_months =
            var("RETENTION_MONTHS").and_then(|raw| match raw.trim().parse::<u32>() {
                Ok(months) if (1..=1200).contains(&months) => Some(months),
                _ => {
                    errors.push(format!(
                        "RETENTION_MONTHS: `{raw}` is not a number of months from 1 to 1200"
                    ));
                    None
                }
            });
        let sentry_dsn = var("SENTRY_DSN");
        if let Some(dsn) = &sentry_dsn
            && dsn.parse::<sentry::types::Dsn>().is_err()
        {
            errors.push(
                "SENTRY_DSN: not a Sentry DSN such as https://key@o1.ingest.sentry.io/42".into(),
            );
        }

        let ack_hours: u32 = parse(
            &var,
            "ACK_REMINDER_HOURS",
            "48",
            "a number of hours from 1 to 720",
            &mut errors,
        );
        if !(1..=720).contains(&ack_hours) {
            errors.push(format!(
                "ACK_REMINDER_HOURS: `{ack_hours}` is not a number of hours from 1 to 720"
            ));
        }
        let reminders = ReminderConfig {
            ack_hours,
            every: Duration::from_secs(60),
        };
        let oidc = oidc(&var, &mut errors);
        let email = email(&var, &public_url, &mut errors);
        let metrics_token = var("METRICS_TOKEN");
        if metrics_token.as_ref().is_some_and(|token| token.len() < 32) {
            errors.push("METRICS_TOKEN: must be at least 32 characters".into());
        }

        let static_dir = var("STATIC_DIR").map(PathBuf::from).or_else(|| {
            let built = PathBuf::from("frontend/dist");
            built.join("index.html").exists().then_some(built)
        });
        if let Some(dir) = &static_dir
            && !dir.join("index.html").exists()
        {
            errors.push(format!("STATIC_DIR: {} has no index.html", dir.display()));
        }

        if !errors.is_empty() {
            return Err(ConfigErrors(errors));
        }
        Ok(Config {
            database_url: database_url.into(),
            backend,
            redis_url: redis_url.map(Into::into),
            bind,
            port,
            public_url: public_url.trim_end_matches('/').to_owned(),
            jwt_secret: jwt_secret.into(),
            data_dir,
            static_dir,
            log_level,
            log_json,
            embedded,
            trust_proxy,
            login_limits: LoginLimits {
                per_account,
                per_ip,
            },
            request_limits: RequestLimitConfig {
                per_ip: requests_per_ip,
                per_user: requests_per_user,
            },
            redis_prefix: var("REDIS_PREFIX").unwrap_or_else(|| "coaching-hub".into()),
            db: DbOptions::default(),
            body_limit: 256 * 1024,
            workers: 0,
            access_ttl: Duration::from_secs(15 * 60),
            session_ttl: Duration::from_secs(30 * 24 * 3600),
            refresh_grace: Duration::from_secs(10),
            statement_count_header,
            cors_origins,
            encryption_keys: encryption_keys.into(),
            retention_months,
            sentry_dsn: sentry_dsn.map(Into::into),
            oidc,
            metrics_token: metrics_token.map(Into::into),
            real_time,
            analytics,
            webhooks,
            email,
            reminders,
        })
    }

    /// Whether cookies must be `Secure` (the public URL is https).
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// Fills in the development keys of the embedded default: the signing key (read from
    /// `DATA_DIR/jwt-secret`) and the encryption key (`DATA_DIR/encryption-keys`), each
    /// generated there (mode 0600) with a warning when missing.
    pub fn ensure_dev_secret(&mut self) -> std::io::Result<()> {
        if self.encryption_keys.expose_secret().is_empty() {
            let path = self.data_dir.join("encryption-keys");
            let keys = match std::fs::read_to_string(&path) {
                Ok(keys) if persistence::sealed::Keyring::parse(&keys).is_ok() => {
                    keys.trim().to_owned()
                }
                _ => {
                    std::fs::create_dir_all(&self.data_dir)?;
                    let keys = persistence::sealed::Keyring::generate_entry("dev1");
                    write_private(&path, &keys)?;
                    tracing::warn!(
                        path = %path.display(),
                        "generated a development encryption key; set ENCRYPTION_KEYS in \
                         production, and keep a copy: notes cannot be read without it"
                    );
                    keys
                }
            };
            self.encryption_keys = keys.into();
        }
        if !self.jwt_secret.expose_secret().is_empty() {
            return Ok(());
        }
        let path = self.data_dir.join("jwt-secret");
        let secret = match std::fs::read_to_string(&path) {
            Ok(secret) if secret.trim().len() >= 32 => secret.trim().to_owned(),
            _ => {
                std::fs::create_dir_all(&self.data_dir)?;
                let secret = crate::auth::tokens::random_token();
                write_private(&path, &secret)?;
                tracing::warn!(
                    path = %path.display(),
                    "generated a development signing key; set JWT_SECRET in production"
                );
                secret
            }
        };
        self.jwt_secret = secret.into();
        Ok(())
    }
}

/// The origins `CORS_ORIGINS` lists: each `scheme://host[:port]`, as a browser sends it in
/// `Origin` (no path, no trailing slash, no wildcard).
fn cors_origins(raw: Option<&str>, errors: &mut Vec<String>) -> Vec<String> {
    let mut origins = Vec::new();
    for origin in raw.unwrap_or_default().split(',').map(str::trim) {
        if origin.is_empty() {
            continue;
        }
        let host = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"));
        match host {
            Some(host) if !host.is_empty() && !host.contains(['/', '*', ' ']) => {
                origins.push(origin.to_owned());
            }
            _ => errors.push(format!(
                "CORS_ORIGINS: `{origin}` is not an origin such as https://reports.example.com"
            )),
        }
    }
    origins
}

/// The provider the three `OIDC_` variables name: all three or none. The issuer is `https`, but
/// for a provider on this machine.
fn oidc(var: &impl Fn(&str) -> Option<String>, errors: &mut Vec<String>) -> Option<OidcConfig> {
    let names = ["OIDC_ISSUER_URL", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"];
    let [issuer_url, client_id, client_secret] = names.map(var);
    match (issuer_url, client_id, client_secret) {
        (None, None, None) => None,
        (Some(issuer_url), Some(client_id), Some(client_secret)) => {
            let issuer_url = issuer_url.trim().to_owned();
            if !https_or_loopback(&issuer_url) {
                errors.push(format!(
                    "OIDC_ISSUER_URL: `{issuer_url}` is not an https:// URL such as \
                     https://login.example.com/realms/staff"
                ));
            }
            Some(OidcConfig {
                issuer_url,
                client_id,
                client_secret: client_secret.into(),
            })
        }
        _ => {
            errors.push(
                "OIDC_ISSUER_URL, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET: set all three for \
                 single sign-on, or none"
                    .into(),
            );
            None
        }
    }
}

/// Whether `url` is `https://`, or plain `http://` to this machine only: what crosses a network
/// (a token exchange, a signed webhook) goes encrypted. Decided on the parsed host, so
/// `http://localhost.example.com` is not this machine.
pub fn https_or_loopback(url: &str) -> bool {
    let Ok(parsed) = openidconnect::url::Url::parse(url) else {
        return false;
    };
    let host = parsed.host_str().unwrap_or_default();
    let loopback = host == "localhost"
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    parsed.scheme() == "https" || (parsed.scheme() == "http" && loopback)
}

/// Email, when `SMTP_URL` is set and `ENABLE_EMAIL` is not `false`.
fn email(
    var: &impl Fn(&str) -> Option<String>,
    public_url: &str,
    errors: &mut Vec<String>,
) -> Option<EmailConfig> {
    let enabled: bool = parse(var, "ENABLE_EMAIL", "true", "`true` or `false`", errors);
    let smtp_url = var("SMTP_URL").filter(|_| enabled)?;
    if !(smtp_url.starts_with("smtp://") || smtp_url.starts_with("smtps://")) {
        errors.push("SMTP_URL: must start with smtp:// or smtps://".into());
        return None;
    }
    let host = public_url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', ':']).next())
        .filter(|host| !host.is_empty())
        .unwrap_or("localhost");
    let retry = Duration::from_secs(parse(
        var,
        "SMTP_RETRY_SECONDS",
        "30",
        "a number of seconds",
        errors,
    ));
    let from = var("SMTP_FROM").unwrap_or_else(|| format!("Coaching Hub <coaching-hub@{host}>"));
    match from.parse() {
        Ok(from) => Some(EmailConfig {
            smtp_url: smtp_url.into(),
            from,
            retry,
        }),
        Err(_) => {
            errors.push(format!("SMTP_FROM: `{from}` is not an email address"));
            None
        }
    }
}

/// Parses `name` (or `default` when unset); a bad value is reported and `default` stands in.
fn parse<T: std::str::FromStr>(
    var: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: &str,
    expected: &str,
    errors: &mut Vec<String>,
) -> T {
    let fallback = || default.parse().ok().expect("every default parses");
    match var(name) {
        None => fallback(),
        Some(raw) => raw.trim().parse().unwrap_or_else(|_| {
            errors.push(format!("{name}: `{raw}` is not {expected}"));
            fallback()
        }),
    }
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

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
        assert!(config.embedded);
        assert_eq!(config.backend, Backend::Sqlite);
        assert_eq!(config.port, 8080);
        assert_eq!(config.public_url, "http://127.0.0.1:8080");
        assert!(!config.secure_cookies());
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
        assert!(load(&[]).expect("valid").cors_origins.is_empty());
        let config = load(&[(
            "CORS_ORIGINS",
            "https://reports.example.com, http://localhost:3000,",
        )])
        .expect("valid");
        assert_eq!(
            config.cors_origins,
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
        assert!(load(&[]).expect("valid").oidc.is_none());
        let all = |issuer| {
            load(&[
                ("OIDC_ISSUER_URL", issuer),
                ("OIDC_CLIENT_ID", "coaching-hub"),
                ("OIDC_CLIENT_SECRET", "s3cret"),
            ])
        };
        let config = all(" https://login.example.com/realms/staff ").expect("valid");
        let oidc = config.oidc.expect("configured");
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
        assert!(load(&[]).expect("valid").metrics_token.is_none());
        let token = "0123456789abcdef0123456789abcdef";
        let config = load(&[("METRICS_TOKEN", token)]).expect("valid");
        assert!(config.metrics_token.is_some());
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
        let flags = |config: &Config| (config.real_time, config.analytics);
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
        assert_eq!(load(&[]).expect("valid").retention_months, None);
        let config = load(&[("RETENTION_MONTHS", " 24 ")]).expect("valid");
        assert_eq!(config.retention_months, Some(24));
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
        assert!(config.sentry_dsn.is_some());
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
        assert_eq!(good.backend, Backend::Postgres);
        assert!(good.secure_cookies());
        assert_eq!(good.public_url, "https://coaching.example.com");
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
