//! Browser session cookies and the CSRF double-submit check.
//!
//! The access and refresh tokens travel in httpOnly, SameSite=Strict cookies that scripts cannot
//! read. A third cookie, readable by the page, holds a random CSRF token that the page echoes in
//! `X-CSRF-Token` on every write; a cross-site form can send the cookies but cannot read the token.

use actix_web::HttpRequest;
use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::Method;

use super::tokens::{constant_time_eq, random_token};
use crate::config::Config;
use crate::http::error::ApiError;

/// The access-token cookie.
pub const ACCESS: &str = "ch_access";
/// The refresh-token cookie, sent only to the auth endpoints.
pub const REFRESH: &str = "ch_refresh";
/// The CSRF cookie, readable by the page.
pub const CSRF: &str = "ch_csrf";
/// The header the page echoes the CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Where the refresh cookie is sent.
const REFRESH_PATH: &str = "/api/v1/auth";

fn cookie(
    config: &Config,
    name: &'static str,
    value: String,
    path: &'static str,
    max_age: i64,
    http_only: bool,
) -> Cookie<'static> {
    Cookie::build(name, value)
        .path(path)
        .http_only(http_only)
        .secure(config.http.secure_cookies())
        .same_site(SameSite::Strict)
        .max_age(CookieDuration::seconds(max_age))
        .finish()
}

fn secs(duration: std::time::Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}

/// The three cookies of a signed-in browser.
pub fn issue(config: &Config, access: &str, refresh: &str) -> [Cookie<'static>; 3] {
    [
        cookie(
            config,
            ACCESS,
            access.to_owned(),
            "/",
            secs(config.sign_in.access_ttl),
            true,
        ),
        cookie(
            config,
            REFRESH,
            refresh.to_owned(),
            REFRESH_PATH,
            secs(config.sign_in.session_ttl),
            true,
        ),
        cookie(
            config,
            CSRF,
            random_token(),
            "/",
            secs(config.sign_in.session_ttl),
            false,
        ),
    ]
}

/// Cookies that remove the three.
pub fn clear(config: &Config) -> [Cookie<'static>; 3] {
    [
        cookie(config, ACCESS, String::new(), "/", 0, true),
        cookie(config, REFRESH, String::new(), REFRESH_PATH, 0, true),
        cookie(config, CSRF, String::new(), "/", 0, false),
    ]
}

/// Refuses a cookie-authenticated write whose `X-CSRF-Token` does not match the CSRF cookie, or
/// that comes from another site's page `CORS_ORIGINS` lets in (a sibling subdomain can set the
/// CSRF cookie itself; cookie writes stay with this site's own pages).
pub fn check_csrf(req: &HttpRequest) -> Result<(), ApiError> {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    let origin = req
        .headers()
        .get(actix_web::http::header::ORIGIN)
        .and_then(|v| v.to_str().ok());
    let cross_origins = req
        .app_data::<actix_web::web::Data<crate::state::AppState>>()
        .map(|app| app.config.http.cors_origins.as_slice())
        .unwrap_or_default();
    if origin.is_some_and(|origin| cross_origins.iter().any(|listed| listed == origin)) {
        return Err(ApiError::CsrfRejected);
    }
    let header = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok());
    let cookie = req.cookie(CSRF);
    match (header, cookie) {
        (Some(header), Some(cookie))
            if !header.is_empty() && constant_time_eq(header, cookie.value()) =>
        {
            Ok(())
        }
        _ => Err(ApiError::CsrfRejected),
    }
}
