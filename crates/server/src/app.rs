//! Building and running the HTTP server.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::{Server, Service};
use actix_web::http::header::{CACHE_CONTROL, HeaderName, HeaderValue};
use actix_web::middleware::Compress;
use actix_web::{App, HttpMessage, HttpServer, ResponseError, web};
use anyhow::Context;
use secrecy::ExposeSecret;
use tracing_actix_web::{RequestId, TracingLogger};

use crate::auth::sso::Sso;
use crate::config::Config;
use crate::http::error::ApiError;
use crate::http::{conditional, extract, headers, instruments, rate_limit, spa};
use crate::routes;
use crate::state::AppState;
use crate::telemetry::{self, CallerRole, RequestSpan};

/// A bound, not yet running, server.
pub struct Application {
    server: Server,
    port: u16,
    state: web::Data<AppState>,
    /// The webhook sender and the mailer, stopped with the server.
    background: Vec<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

/// The longest a request waits for a Redis connection.
const REDIS_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(500);

/// Opens the database (migrating it and ensuring reference data) and Redis.
pub async fn open_state(config: Arc<Config>) -> anyhow::Result<AppState> {
    let db = persistence::db::connect(config.store.database_url.expose_secret(), &config.store.db)
        .await
        .context("cannot open the database (DATABASE_URL)")?;
    persistence::db::migrate(&db)
        .await
        .context("cannot migrate the database")?;
    let keyring = persistence::sealed::Keyring::parse(config.keys.encryption_keys.expose_secret())
        .context("ENCRYPTION_KEYS")?;
    persistence::sealed::check_keys(&db, &keyring)
        .await
        .context("ENCRYPTION_KEYS cannot open the personal data this database holds")?;
    persistence::sealed::install(keyring);
    persistence::reference::ensure(&db)
        .await
        .context("cannot write reference data")?;
    let redis = match &config.store.redis_url {
        Some(url) => {
            let mut redis = deadpool_redis::Config::from_url(url.expose_secret());
            // A Redis that stops answering costs a request at most this long, never a hang:
            // everything Redis does here has a fallback.
            let bounded = Some(REDIS_TIMEOUT);
            redis.pool = Some(deadpool_redis::PoolConfig {
                timeouts: deadpool_redis::Timeouts {
                    wait: bounded,
                    create: bounded,
                    recycle: bounded,
                },
                ..deadpool_redis::PoolConfig::default()
            });
            Some(
                redis
                    .create_pool(Some(deadpool_redis::Runtime::Tokio1))
                    .context("REDIS_URL is not a usable Redis URL")?,
            )
        }
        None => None,
    };
    let sso = match &config.sign_in.oidc {
        Some(oidc) => Some(
            Sso::discover(
                oidc,
                &config.http.public_url,
                config.keys.jwt_secret.expose_secret().as_bytes(),
            )
            .await?,
        ),
        None => None,
    };
    let mut state = AppState::new(config, db, redis);
    state.sso = sso;
    Ok(state)
}

impl Application {
    /// Binds `BIND:PORT` (port 0 picks a free one) around an opened state.
    pub fn bind(state: AppState) -> anyhow::Result<Self> {
        let config = state.config.clone();
        let listener =
            TcpListener::bind((config.http.bind, config.http.port)).with_context(|| {
                format!("cannot listen on {}:{}", config.http.bind, config.http.port)
            })?;
        let port = listener.local_addr()?.port();
        let retention = config
            .store
            .retention_months
            .map(|months| crate::workers::retention::spawn(state.db.clone(), months));
        let state = web::Data::new(state);
        let mut background = Vec::from(crate::workers::webhooks::spawn(
            state.db.clone(),
            state.config.webhooks,
            state.instruments.clone(),
        ));
        background.extend(crate::workers::mailer::spawn(
            state.db.clone(),
            state.config.email.clone(),
            state.config.http.public_url.clone(),
        )?);
        background.push(crate::workers::reminders::spawn(
            state.db.clone(),
            state.config.reminders,
        ));
        background.extend(retention);
        let data = state.clone();
        let mut server = HttpServer::new(move || {
            let config = &data.config;
            let count_statements = config.http.statement_count_header;
            let app = App::new()
                .app_data(data.clone())
                .app_data(data.request_limits.clone())
                .app_data(data.instruments.clone())
                .app_data(extract::payload_config(config.http.body_limit))
                .app_data(extract::path_config())
                .wrap(actix_web::middleware::from_fn(conditional::conditional_get))
                .wrap_fn(move |req, srv| {
                    let request_id = req.extensions().get::<RequestId>().map(ToString::to_string);
                    let response = persistence::statements::counted(srv.call(req));
                    async move {
                        let (response, statements) = response.await;
                        tracing::debug!(statements, "SQL statements run for the request");
                        let response = spa::add_cache_control(response?);
                        let mut response = match response
                            .response()
                            .error()
                            .and_then(|err| err.as_error::<ApiError>())
                        {
                            // The problem body quotes the request id, as the logs do.
                            Some(err) => {
                                if err.status_code().is_server_error() {
                                    let role = response
                                        .request()
                                        .extensions()
                                        .get::<CallerRole>()
                                        .map(|caller| caller.0);
                                    telemetry::report(err, request_id.as_deref(), role);
                                }
                                let problem = err.problem_response(request_id.clone());
                                response.into_response(problem).map_into_right_body()
                            }
                            None => response.map_into_left_body(),
                        };
                        let headers = response.headers_mut();
                        if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(&id).ok())
                        {
                            headers.insert(HeaderName::from_static("x-request-id"), id);
                        }
                        if count_statements {
                            headers.insert(
                                HeaderName::from_static("x-db-statements"),
                                HeaderValue::from(statements),
                            );
                        }
                        // API answers carry personal data: never kept by browsers or proxies.
                        if !headers.contains_key(CACHE_CONTROL) {
                            headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
                        }
                        Ok(response)
                    }
                })
                // Outside the problem formatting above, so its headers survive on every answer.
                .wrap(actix_web::middleware::from_fn(rate_limit::limit_requests))
                .wrap(actix_web::middleware::from_fn(
                    instruments::observe_requests,
                ))
                .wrap(headers::cors(&config.http.cors_origins))
                .wrap(actix_web::middleware::from_fn(
                    headers::no_stray_cors_header,
                ))
                .wrap(headers::security_headers(
                    config.http.static_dir.as_deref(),
                    config.http.secure_cookies(),
                ))
                .wrap(Compress::default())
                .wrap(TracingLogger::<RequestSpan>::new())
                .configure(routes::configure);
            match &config.http.static_dir {
                Some(dir) => app.service(spa::files(dir)),
                None => app,
            }
        })
        .listen(listener)?
        .shutdown_timeout(10);
        if config.http.workers > 0 {
            server = server.workers(config.http.workers);
        }
        let server = server.run();
        Ok(Self {
            server,
            port,
            state,
            background,
        })
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server from outside (tests stop an instance they drop).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// The shared state (tests reach the database through it).
    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    /// Serves until the process is told to stop.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        for task in &self.background {
            task.abort();
        }
        served
    }
}
