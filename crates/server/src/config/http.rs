//! How the server listens and answers: its address, the public URL, the browser app, CORS,
//! the proxy in front of it, and request limits.

use std::net::IpAddr;
use std::path::PathBuf;

use super::env::Env;

/// The HTTP side.
#[derive(Clone, Debug)]
pub struct HttpConfig {
    /// `BIND`: the address to listen on.
    pub bind: IpAddr,
    /// `PORT`: the port to listen on; 0 picks a free one (tests).
    pub port: u16,
    /// `PUBLIC_URL`: where people reach the app; `https` turns on `Secure` cookies and HSTS.
    pub public_url: String,
    /// `STATIC_DIR`: the built browser app (Trunk's `dist`); not served when absent.
    pub static_dir: Option<PathBuf>,
    /// `TRUST_PROXY`: take the client address from `X-Forwarded-For` (only behind a proxy that
    /// sets it).
    pub trust_proxy: bool,
    /// `CORS_ORIGINS`: other sites' origins (`https://reports.example.com`, comma-separated) whose
    /// pages may call the API; none by default.
    pub cors_origins: Vec<String>,
    /// Request bodies larger than this are refused with 413.
    pub body_limit: usize,
    /// HTTP worker threads (0: one per core).
    pub workers: usize,
    /// `RATE_LIMIT_PER_IP`, `RATE_LIMIT_PER_USER`: API requests allowed per minute.
    pub request_limits: RequestLimitConfig,
    /// `STATEMENT_COUNT_HEADER`: answer every request with `X-Db-Statements`, the SQL statements
    /// it ran (tests and benchmarks hold endpoints to a budget with it). Never on a public
    /// server: a count tells an unknown email from a wrong password.
    pub statement_count_header: bool,
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

impl HttpConfig {
    /// Reads the section; `shared` (Redis is set: several instances) makes `PUBLIC_URL` required.
    pub(super) fn read(env: &mut Env, shared: bool) -> HttpConfig {
        let bind = env.parse("BIND", "127.0.0.1", "an IP address such as 0.0.0.0");
        let port = env.parse("PORT", "8080", "a port number (0-65535)");
        let public_url = match env.get("PUBLIC_URL") {
            Some(url) => url,
            None => {
                if shared {
                    // Tokens name the public URL as their issuer: instances that each made up
                    // their own would refuse each other's tokens behind a load balancer.
                    env.problem(
                        "PUBLIC_URL: must be set when REDIS_URL is (every instance signs tokens \
                         for the one address people reach)",
                    );
                }
                format!("http://{bind}:{port}")
            }
        };
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            env.problem("PUBLIC_URL: must start with http:// or https://");
        }
        let static_dir = env.get("STATIC_DIR").map(PathBuf::from).or_else(|| {
            let built = PathBuf::from("frontend/dist");
            built.join("index.html").exists().then_some(built)
        });
        if let Some(dir) = &static_dir
            && !dir.join("index.html").exists()
        {
            env.problem(format!("STATIC_DIR: {} has no index.html", dir.display()));
        }
        HttpConfig {
            bind,
            port,
            public_url: public_url.trim_end_matches('/').to_owned(),
            static_dir,
            trust_proxy: env.flag("TRUST_PROXY", false),
            cors_origins: cors_origins(env),
            body_limit: 256 * 1024,
            workers: 0,
            request_limits: RequestLimitConfig {
                per_ip: env.limit("RATE_LIMIT_PER_IP", 6000),
                per_user: env.limit("RATE_LIMIT_PER_USER", 600),
            },
            statement_count_header: env.flag("STATEMENT_COUNT_HEADER", false),
        }
    }

    /// Whether cookies must be `Secure` (the public URL is https).
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// The origins `CORS_ORIGINS` lists: each `scheme://host[:port]`, as a browser sends it in
/// `Origin` (no path, no trailing slash, no wildcard).
fn cors_origins(env: &mut Env) -> Vec<String> {
    let raw = env.get("CORS_ORIGINS").unwrap_or_default();
    let mut origins = Vec::new();
    for origin in raw
        .split(',')
        .map(str::trim)
        .filter(|origin| !origin.is_empty())
    {
        let host = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"));
        match host {
            Some(host) if !host.is_empty() && !host.contains(['/', '*', ' ']) => {
                origins.push(origin.to_owned());
            }
            _ => env.problem(format!(
                "CORS_ORIGINS: `{origin}` is not an origin such as https://reports.example.com"
            )),
        }
    }
    origins
}
