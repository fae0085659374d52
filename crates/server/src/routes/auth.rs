//! Signing in and out, and rotating refresh tokens.

use actix_web::{HttpRequest, HttpResponse, web};
use dto::{Login, LoginResponse, Refresh, TokenPair};
use persistence::auth_sessions;

use crate::auth::sign_in::{self, Credentials};
use crate::auth::{Actor, cookies};
use crate::error::ApiResult;
use crate::extract::{Valid, parse_json};
use crate::state::AppState;
use crate::wire::ToDto;

crate::routes::api_routes! {
    "/auth/login" => post login;
    "/auth/refresh" => post refresh;
    "/auth/logout" => post logout;
}

/// Sign in with email and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth",
    request_body = dto::Login,
    responses(
        (status = 200, description = "Signed in; session cookies set", body = dto::LoginResponse),
        (status = 401, description = "Email or password is incorrect", body = dto::Problem),
        (status = 422, description = "Invalid body", body = dto::Problem),
        (status = 429, description = "Too many attempts", body = dto::Problem),
    ),
    security(()))]
#[tracing::instrument(skip_all)]
pub async fn login(
    req: HttpRequest,
    body: Valid<Login>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let Login { email, password } = body.into_inner();
    let (credentials, user) = sign_in::with_password(&app, &req, &email, password).await?;
    let mut response = HttpResponse::Ok();
    for cookie in cookies::issue(&app.config, &credentials.access, &credentials.refresh) {
        response.cookie(cookie);
    }
    Ok(response.json(LoginResponse {
        tokens: token_pair(&app, credentials),
        user: user.to_dto(),
    }))
}

fn token_pair(app: &AppState, credentials: Credentials) -> TokenPair {
    TokenPair {
        access_token: credentials.access,
        token_type: "Bearer".into(),
        expires_in: app.jwt.ttl_secs(),
        refresh_token: credentials.refresh,
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
    ),
    security(()))]
#[tracing::instrument(skip_all)]
pub async fn refresh(
    req: HttpRequest,
    body: web::Bytes,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let in_body = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        parse_json::<Refresh>(&body)?.refresh_token
    };
    let presented = sign_in::presented_refresh(&req, in_body)?;
    let credentials = sign_in::rotate(&app, &presented).await?;
    let mut response = HttpResponse::Ok();
    for cookie in cookies::issue(&app.config, &credentials.access, &credentials.refresh) {
        response.cookie(cookie);
    }
    Ok(response.json(token_pair(&app, credentials)))
}

/// End this sign-in session: its access and refresh tokens stop working at once.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204, description = "Signed out; cookies cleared")))]
#[tracing::instrument(skip_all)]
pub async fn logout(actor: Actor, app: web::Data<AppState>) -> ApiResult<HttpResponse> {
    auth_sessions::revoke(&app.db, &actor.origin, actor.session_id, "logout").await?;
    app.publish(dto::Event::SignedOut {
        user_id: actor.id.uuid(),
        session_id: actor.session_id,
    });
    let mut response = HttpResponse::NoContent();
    for cookie in cookies::clear(&app.config) {
        response.cookie(cookie);
    }
    Ok(response.finish())
}
