//! Signing in with a password and rotating refresh tokens: the flows behind `/auth/login` and
//! `/auth/refresh`, with their rate limits and the checks on the account.

use actix_web::{HttpMessage, HttpRequest};
use persistence::auth_sessions::{self, Origin, Rotation};
use persistence::users::{self, UserRow};

use crate::auth::cookies;
use crate::auth::tokens::{hash_token, random_token};
use crate::error::{ApiError, ApiResult};
use crate::extract::client_ip;
use crate::state::AppState;

const BAD_CREDENTIALS: &str = "email or password is incorrect";

/// A fresh pair of credentials.
#[derive(Debug)]
pub struct Credentials {
    /// The access token (JWT).
    pub access: String,
    /// The refresh token.
    pub refresh: String,
}

/// Checks the password of `email` (rate-limited per account and address) and starts a sign-in
/// session: the credentials, and the user as the API shows them.
pub async fn with_password(
    app: &AppState,
    req: &HttpRequest,
    email: &str,
    password: String,
) -> ApiResult<(Credentials, UserRow)> {
    let email = users::normalise_email(email);
    let ip = client_ip(req, app.config.trust_proxy);
    app.auth_limits.admit_login(&email, &ip).await?;
    let account = users::find_by_email(&app.db, &email).await?;
    let hash = account
        .as_ref()
        .and_then(|row| row.user.password_hash.clone());
    let verified = app.passwords.verify(hash, password).await?;
    let row = match account {
        Some(row) if verified && row.user.active && row.user.erased_at.is_none() => row,
        _ => {
            app.auth_limits.login_failed(&email, &ip).await;
            return Err(ApiError::Unauthenticated(BAD_CREDENTIALS));
        }
    };
    let refresh = random_token();
    let origin = Origin {
        user_agent: req
            .headers()
            .get("user-agent")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        ip: Some(ip),
        request_id: req
            .extensions()
            .get::<tracing_actix_web::RequestId>()
            .map(ToString::to_string),
    };
    let ttl =
        chrono::Duration::from_std(app.config.session_ttl).unwrap_or(chrono::Duration::days(30));
    let user_id = row.user.id;
    let session = auth_sessions::start(&app.db, user_id, hash_token(&refresh), ttl, origin).await?;
    let access = app.jwt.issue(user_id, session.id, row.role());
    tracing::info!(user.id = %user_id, session.id = %session.id, "signed in");
    Ok((Credentials { access, refresh }, row))
}

/// The refresh token a request presents: in the body, else in the refresh cookie (which then
/// needs the CSRF header).
pub fn presented_refresh(req: &HttpRequest, in_body: Option<String>) -> ApiResult<String> {
    if let Some(token) = in_body {
        return Ok(token);
    }
    let cookie = req
        .cookie(cookies::REFRESH)
        .ok_or(ApiError::Unauthenticated("no refresh token"))?;
    cookies::check_csrf(req)?;
    Ok(cookie.value().to_owned())
}

/// Exchanges a refresh token for new credentials. A spent token revokes the whole session,
/// except within the grace period after its rotation (two tabs refreshing at once), when the
/// same successor is answered again.
pub async fn rotate(app: &AppState, presented: &str) -> ApiResult<Credentials> {
    let replacement = app.successors.of(presented);
    let grace =
        chrono::Duration::from_std(app.config.refresh_grace).unwrap_or(chrono::Duration::zero());
    let rotation = auth_sessions::rotate(
        &app.db,
        &hash_token(presented),
        hash_token(&replacement),
        grace,
    )
    .await?;
    let session = match rotation {
        Rotation::Rotated(session) => session,
        Rotation::Reused(session) => {
            app.publish(dto::Event::SignedOut {
                user_id: session.user_id,
                session_id: session.id,
            });
            return Err(ApiError::Unauthenticated(
                "refresh token reused; the session is revoked",
            ));
        }
        Rotation::Invalid => {
            return Err(ApiError::Unauthenticated("refresh token is not valid"));
        }
    };
    let row = users::find(&app.db, session.user_id).await?;
    if !row.user.active || row.user.erased_at.is_some() {
        return Err(ApiError::Unauthenticated("account deactivated"));
    }
    Ok(Credentials {
        access: app.jwt.issue(row.user.id, session.id, row.role()),
        refresh: replacement,
    })
}
