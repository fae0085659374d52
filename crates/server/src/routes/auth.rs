//! Signing in and out, and rotating refresh tokens.

use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use dto::{Login, LoginResponse, Refresh, TokenPair};
use persistence::auth_sessions::{self, Origin, Rotation};
use persistence::users;

use crate::auth::tokens::{hash_token, random_token};
use crate::auth::{Actor, cookies};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Valid, client_ip, parse_json};
use crate::routes::resource;
use crate::state::AppState;

/// Registers the auth routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/auth/login").post(login))
        .service(resource("/auth/refresh").post(refresh))
        .service(resource("/auth/logout").post(logout));
}

const BAD_CREDENTIALS: &str = "email or password is incorrect";

/// Sign in with email and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", operation_id = "login",
    request_body = dto::Login,
    responses(
        (status = 200, description = "Signed in; session cookies set", body = dto::LoginResponse),
        (status = 401, description = "Email or password is incorrect", body = dto::Problem),
        (status = 422, description = "Invalid body", body = dto::Problem),
        (status = 429, description = "Too many attempts", body = dto::Problem),
    ))]
#[tracing::instrument(skip_all)]
pub async fn login(
    req: HttpRequest,
    body: Valid<Login>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let Login { email, password } = body.into_inner();
    let email = users::normalise_email(&email);
    let ip = client_ip(&req, app.config.trust_proxy);
    app.auth_limits.admit_login(&email, &ip).await?;

    let account = users::find_by_email(&app.db, &email).await?;
    let hash = account.as_ref().and_then(|user| user.password_hash.clone());
    let verified = app.passwords.verify(hash, password).await?;
    let user = match account {
        Some(user) if verified && user.active && user.erased_at.is_none() => user,
        _ => {
            app.auth_limits.login_failed(&email, &ip).await?;
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
    let session_ttl =
        chrono::Duration::from_std(app.config.session_ttl).unwrap_or(chrono::Duration::days(30));
    let session =
        auth_sessions::start(&app.db, user.id, hash_token(&refresh), session_ttl, origin).await?;
    let role = users::role_of(&user);
    let access = app.jwt.issue(user.id, session.id, role);
    let row = users::find(&app.db, user.id).await?;
    tracing::info!(user.id = %user.id, session.id = %session.id, "signed in");

    let mut response = HttpResponse::Ok();
    for cookie in cookies::issue(&app.config, &access, &refresh) {
        response.cookie(cookie);
    }
    Ok(response.json(LoginResponse {
        tokens: token_pair(&app, access, refresh),
        user: dto::User::from(&row),
    }))
}

fn token_pair(app: &AppState, access_token: String, refresh_token: String) -> TokenPair {
    TokenPair {
        access_token,
        token_type: "Bearer".into(),
        expires_in: app.jwt.ttl_secs(),
        refresh_token,
    }
}

/// Exchange a refresh token for a new access token and a new refresh token. Presenting a spent
/// refresh token revokes the whole session, except within a few seconds of its rotation (two tabs
/// refreshing at once), when it answers the same new refresh token again.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", operation_id = "refresh_session",
    request_body(content = dto::Refresh, description = "Omit to use the refresh cookie"),
    responses(
        (status = 200, description = "Rotated", body = dto::TokenPair),
        (status = 401, description = "Unknown, expired, revoked or reused refresh token", body = dto::Problem),
    ))]
#[tracing::instrument(skip_all)]
pub async fn refresh(
    req: HttpRequest,
    body: web::Bytes,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let presented = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        parse_json::<Refresh>(&body)?.refresh_token
    };
    let presented = match presented {
        Some(token) => token,
        None => {
            let cookie = req
                .cookie(cookies::REFRESH)
                .ok_or(ApiError::Unauthenticated("no refresh token"))?;
            cookies::check_csrf(&req)?;
            cookie.value().to_owned()
        }
    };
    let replacement = app.successors.of(&presented);
    let grace =
        chrono::Duration::from_std(app.config.refresh_grace).unwrap_or(chrono::Duration::zero());
    let rotation = auth_sessions::rotate(
        &app.db,
        &hash_token(&presented),
        hash_token(&replacement),
        grace,
    )
    .await?;
    let session = match rotation {
        Rotation::Rotated(session) => session,
        Rotation::Reused => {
            return Err(ApiError::Unauthenticated(
                "refresh token reused; the session is revoked",
            ));
        }
        Rotation::Invalid => {
            return Err(ApiError::Unauthenticated("refresh token is not valid"));
        }
    };
    let user = users::find(&app.db, session.user_id).await?.user;
    if !user.active || user.erased_at.is_some() {
        return Err(ApiError::Unauthenticated("account deactivated"));
    }
    let access = app.jwt.issue(user.id, session.id, users::role_of(&user));
    let mut response = HttpResponse::Ok();
    for cookie in cookies::issue(&app.config, &access, &replacement) {
        response.cookie(cookie);
    }
    Ok(response.json(token_pair(&app, access, replacement)))
}

/// End this sign-in session: its access and refresh tokens stop working at once.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", operation_id = "logout",
    responses((status = 204, description = "Signed out; cookies cleared"), (status = 401, body = dto::Problem)),
    security(("bearer" = []), ("cookie" = [])))]
#[tracing::instrument(skip_all)]
pub async fn logout(actor: Actor, app: web::Data<AppState>) -> ApiResult<HttpResponse> {
    auth_sessions::revoke(&app.db, &actor.origin, actor.session_id, "logout").await?;
    let mut response = HttpResponse::NoContent();
    for cookie in cookies::clear(&app.config) {
        response.cookie(cookie);
    }
    Ok(response.finish())
}
