//! The test harness: `TestApp` (the real server on port 0 over real HTTP), a fresh database per
//! test (a SQLite temp file, or a PostgreSQL database cloned from a migrated template), and the
//! persona organisation every test speaks as.
//!
//! The backend comes from `COACHING_HUB_TEST_DB` (`sqlite`, the default, or `postgres`);
//! `cargo xtask test` runs the suite once with each.

pub mod client;
pub mod db;
pub mod live;
pub mod nginx;
pub mod oidc;
pub mod ops;
pub mod org;
pub mod proxy;
pub mod receiver;
pub mod smtp;

use std::time::Duration;

use persistence::Backend;
use reqwest::{Method, RequestBuilder};
use server::config::{
    Config, Features, HttpConfig, KeysConfig, LoginLimits, ReminderConfig, RequestLimitConfig,
    SignInConfig, StoreConfig, TelemetryConfig, WebhookConfig,
};
use server::state::AppState;

pub use client::{Call, IntoResponse, Response};
pub use db::TestDb;
pub use live::Live;
pub use oidc::OidcProvider;
pub use ops::records;
pub use org::{Org, Persona};

/// A running app with its own database.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// A client without a cookie jar (bearer tokens are explicit).
    pub client: reqwest::Client,
    /// The app's shared state (database pool, keys).
    pub state: std::sync::Arc<AppState>,
    /// Stops this instance's server when the `TestApp` is dropped (another front door onto the
    /// same instance has none).
    server: Option<actix_web::dev::ServerHandle>,
    /// Keeps the database alive; dropped last.
    pub test_db: TestDb,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // A test may make many apps (the authorisation matrix makes one per write cell): each
        // stops with its `TestApp` instead of serving until the test ends.
        if let Some(server) = self.server.take()
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            runtime.spawn(server.stop(false));
        }
    }
}

impl std::fmt::Debug for TestApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestApp")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

/// The backend this test run uses.
pub fn backend() -> Backend {
    match std::env::var("COACHING_HUB_TEST_DB").as_deref() {
        Ok("postgres") => Backend::Postgres,
        _ => Backend::Sqlite,
    }
}

/// The Redis this test run uses on PostgreSQL runs (production shape).
pub fn redis_url() -> String {
    std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// The encryption keys of every server a test starts in its own process: the keys are process
/// configuration ([`persistence::sealed::install`]), so one process has one set. `test1` seals;
/// `test2` opens what [`ROTATED_ENCRYPTION_KEYS`] sealed.
pub const TEST_ENCRYPTION_KEYS: &str = "test1:dGVzdC1lbmNyeXB0aW9uLWtleS0zMi1ieXRlcyEhISE=,test2:YS1zZWNvbmQtdGVzdC1lbmNyeXB0aW9uLWtleS0zMiE=";

/// The same keys after a rotation: `test2` first.
pub const ROTATED_ENCRYPTION_KEYS: &str = "test2:YS1zZWNvbmQtdGVzdC1lbmNyeXB0aW9uLWtleS0zMiE=,test1:dGVzdC1lbmNyeXB0aW9uLWtleS0zMi1ieXRlcyEhISE=";

/// A configuration for tests: port 0, generous login limits, a random key, a fresh database.
pub fn test_config(database_url: &str, backend: Backend) -> Config {
    Config {
        store: StoreConfig {
            database_url: database_url.to_owned().into(),
            backend,
            embedded: false,
            data_dir: std::env::temp_dir(),
            db: persistence::DbOptions {
                max_connections: 5,
                acquire_timeout: Duration::from_secs(3),
            },
            redis_url: (backend == Backend::Postgres).then(|| redis_url().into()),
            redis_prefix: format!("test-{}", uuid::Uuid::now_v7()),
            retention_months: None,
        },
        http: HttpConfig {
            bind: std::net::Ipv4Addr::LOCALHOST.into(),
            port: 0,
            public_url: "http://127.0.0.1".into(),
            static_dir: None,
            trust_proxy: false,
            cors_origins: Vec::new(),
            body_limit: 256 * 1024,
            workers: 1,
            request_limits: RequestLimitConfig {
                per_ip: 1_000_000,
                per_user: 1_000_000,
            },
            statement_count_header: true,
        },
        keys: KeysConfig {
            jwt_secret: format!("test-secret-{}", uuid::Uuid::now_v7()).into(),
            encryption_keys: TEST_ENCRYPTION_KEYS.to_owned().into(),
        },
        sign_in: SignInConfig {
            access_ttl: Duration::from_secs(15 * 60),
            session_ttl: Duration::from_secs(30 * 24 * 3600),
            refresh_grace: Duration::from_secs(10),
            login_limits: LoginLimits {
                per_account: 1_000,
                per_ip: 10_000,
            },
            oidc: None,
        },
        telemetry: TelemetryConfig {
            log_level: "warn".into(),
            log_json: false,
            sentry_dsn: None,
            metrics_token: None,
        },
        features: Features {
            real_time: true,
            analytics: true,
        },
        webhooks: WebhookConfig {
            retry: Duration::from_millis(200),
            disable_after: Duration::from_secs(86400),
            // The tests' receivers listen on loopback.
            allow_private: true,
        },
        email: None,
        // Reminders are looked for once at start (an empty database) and then hourly: the
        // reminder tests set their own pace.
        reminders: ReminderConfig {
            ack_hours: 48,
            every: Duration::from_secs(3600),
        },
    }
}

impl TestApp {
    /// Starts the app on a fresh database of this run's backend.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// Starts the app after `customize` has adjusted its configuration.
    pub async fn spawn_with(customize: impl FnOnce(&mut Config)) -> TestApp {
        let test_db = TestDb::create(backend()).await;
        let mut config = test_config(&test_db.url, test_db.backend);
        customize(&mut config);
        Self::start(config, test_db).await
    }

    /// Starts the app with an exact configuration on `test_db`.
    pub async fn start(config: Config, test_db: TestDb) -> TestApp {
        server::telemetry::init(
            &std::env::var("TEST_LOG").unwrap_or_else(|_| "off".into()),
            false,
        );
        let state = server::app::open_state(std::sync::Arc::new(config))
            .await
            .expect("the test database opens and migrates");
        let app = server::Application::bind(state).expect("port 0 binds");
        let address = format!("http://127.0.0.1:{}", app.port());
        let state = app.state().into_inner();
        let server = Some(app.handle());
        tokio::spawn(app.run_until_stopped());
        TestApp {
            server,
            address,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("a plain HTTP client builds"),
            state,
            test_db,
        }
    }

    /// Another instance of the same deployment: the same database, Redis, keys and prefix; its
    /// own port and memory.
    pub async fn another_instance(&self) -> TestApp {
        self.another_instance_with(|_| {}).await
    }

    /// Another instance of the same deployment, its configuration adjusted by `customize`.
    pub async fn another_instance_with(&self, customize: impl FnOnce(&mut Config)) -> TestApp {
        let mut config = (*self.state.config).clone();
        customize(&mut config);
        Self::start(config, self.test_db.shared()).await
    }

    /// Stops this instance (its server and background work) as a killed process would stop
    /// serving; its database stays for the instances that share it.
    pub async fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            server.stop(false).await;
        }
    }

    /// The same deployment reached through another front door (a proxy at `address`): every
    /// request helper sends there instead.
    pub fn behind(&self, address: &str) -> TestApp {
        TestApp {
            server: None,
            address: address.to_owned(),
            client: self.client.clone(),
            state: self.state.clone(),
            test_db: self.test_db.shared(),
        }
    }

    /// The database pool.
    pub fn db(&self) -> &persistence::Db {
        &self.state.db
    }

    /// A request to `path` without credentials.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.address))
    }

    /// Requests made as `persona`, with their bearer token.
    pub fn as_<'a>(&'a self, persona: &'a Persona) -> As<'a> {
        As { app: self, persona }
    }

    /// Signs in over HTTP and returns the login response.
    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.request(Method::POST, "/api/v1/auth/login")
            .json(&serde_json::json!({ "email": email, "password": password }))
            .call()
            .await
    }
}

/// Requests as one persona.
#[derive(Clone, Copy, Debug)]
pub struct As<'a> {
    app: &'a TestApp,
    persona: &'a Persona,
}

impl As<'_> {
    /// Whom requests are sent as.
    pub fn persona(&self) -> &Persona {
        self.persona
    }

    /// Any method.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.app
            .request(method, path)
            .bearer_auth(&self.persona.token)
    }

    /// `GET path`.
    pub fn get(&self, path: &str) -> RequestBuilder {
        self.request(Method::GET, path)
    }

    /// `POST path` with a JSON body.
    pub fn post(&self, path: &str, body: &serde_json::Value) -> RequestBuilder {
        self.request(Method::POST, path).json(body)
    }

    /// `PATCH path` with a JSON body.
    pub fn patch(&self, path: &str, body: &serde_json::Value) -> RequestBuilder {
        self.request(Method::PATCH, path).json(body)
    }
}
