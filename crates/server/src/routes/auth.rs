//! Signing in and out, and rotating refresh tokens.

use actix_web::{HttpRequest, HttpResponse, web};
use dto::{CompleteSignIn, Login, LoginAnswer, LoginResponse, Refresh, TokenPair};
use persistence::auth_sessions;

use crate::auth::sign_in::{self, Credentials};
use crate::auth::{Actor, cookies};
use crate::error::ApiResult;
use crate::extract::{Valid, parse_json};
use crate::state::AppState;
use crate::wire::ToDto;

crate::routes::api_routes! {
    "/auth/login" => post login;
    "/auth/second-factor" => post complete_sign_in;
    "/auth/refresh" => post refresh;
    "/auth/logout" => post logout;
}

/// Sign in with email and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth",
    request_body = dto::Login,
    responses(
        (status = 200, description = "Signed in, session cookies set; or, when the person has a second factor (or their role needs one), its challenge", body = dto::LoginAnswer),
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
    let row = sign_in::check_password(&app, &req, &email, password).await?;
    if let Some(second_factor) = sign_in::second_step(&app, &row).await? {
        return Ok(HttpResponse::Ok().json(LoginAnswer::SecondFactor { second_factor }));
    }
    let credentials = sign_in::start_session(&app, &req, &row).await?;
    Ok(signed_in(&app, credentials, &row, None))
}

/// The answer that completes a sign-in: cookies for the browser, tokens for API clients.
fn signed_in(
    app: &AppState,
    credentials: Credentials,
    row: &persistence::users::UserRow,
    recovery_codes: Option<Vec<String>>,
) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    for cookie in cookies::issue(&app.config, &credentials.access, &credentials.refresh) {
        response.cookie(cookie);
    }
    response.json(LoginResponse {
        tokens: token_pair(app, credentials),
        user: row.to_dto(),
        recovery_codes,
    })
}

/// Complete a sign-in with the second factor: the authenticator's code (each accepted once), or
/// a recovery code (each works once). When the sign-in began an enrolment, the first right code
/// confirms it and the answer carries the recovery codes, this once.
#[utoipa::path(post, path = "/api/v1/auth/second-factor", tag = "auth",
    request_body = dto::CompleteSignIn,
    responses(
        (status = 200, description = "Signed in; session cookies set", body = dto::LoginResponse),
        (status = 401, description = "Wrong, used or expired code or challenge", body = dto::Problem),
        (status = 422, description = "Invalid body", body = dto::Problem),
        (status = 429, description = "Too many attempts", body = dto::Problem),
    ),
    security(()))]
#[tracing::instrument(skip_all)]
pub async fn complete_sign_in(
    req: HttpRequest,
    body: Valid<CompleteSignIn>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let CompleteSignIn { challenge, code } = body.into_inner();
    let done = sign_in::with_code(&app, &req, &challenge, &code).await?;
    Ok(signed_in(
        &app,
        done.credentials,
        &done.row,
        done.recovery_codes,
    ))
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
