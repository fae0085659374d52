//! Signing in (with a password or single sign-on) and out, rotating refresh tokens, and what the
//! sign-in page offers.

use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use dto::{
    ClientConfig, CompleteSignIn, ForgotPassword, Login, LoginAnswer, LoginResponse, NewPassword,
    Refresh, SsoCallback, TokenPair,
};
use persistence::auth_sessions;

use crate::auth::password_links;
use crate::auth::sign_in::{self, Credentials};
use crate::auth::sso::{FLOW_COOKIE, FLOW_PATH, FLOW_SECS, SsoError};
use crate::auth::{Actor, cookies};
use crate::http::client_address::client_network;
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{Valid, parse_json};
use crate::state::AppState;
use crate::views::wire::ToDto;

crate::routes::api_routes! {
    "/config" => get client_config;
    "/auth/login" => post login;
    "/auth/sso" => get begin_sso;
    "/auth/sso/callback" => post finish_sso;
    "/auth/second-factor" => post complete_sign_in;
    "/auth/forgot-password" => post forgot_password;
    "/auth/new-password" => post new_password;
    "/auth/refresh" => post refresh;
    "/auth/logout" => post logout;
}

/// Sign in with email and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth",
    request_body = dto::Login,
    responses(
        (status = 200, description = "Signed in, session cookies set; or, when the person has a second factor (or their role needs one), its challenge; or, when the password is a temporary one, the token for choosing a new one", body = dto::LoginAnswer),
        (status = 401, description = "Email or password is incorrect, or the temporary password has expired", body = dto::Problem),
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
    if let Some(new_password) = password_links::replace_temporary(&app, &req, &row).await? {
        return Ok(HttpResponse::Ok().json(LoginAnswer::NewPassword { new_password }));
    }
    first_step_done(&app, &req, &row).await
}

/// Forgot my password: when email is on, a link that sets a new password (valid 30 minutes,
/// once) is emailed to the address if it has an account. The answer is the same whether or not
/// it has one, and is rate limited per address and per client.
#[utoipa::path(post, path = "/api/v1/auth/forgot-password", tag = "auth",
    request_body = dto::ForgotPassword,
    responses(
        (status = 202, description = "If the address has an account, a link is on its way"),
        (status = 404, description = "Email is off on this server", body = dto::Problem),
        (status = 422, description = "Invalid body", body = dto::Problem),
        (status = 429, description = "Too many requests", body = dto::Problem),
    ),
    security(()))]
#[tracing::instrument(skip_all)]
pub async fn forgot_password(
    req: HttpRequest,
    body: Valid<ForgotPassword>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    if app.config.email.is_none() {
        return Err(ApiError::NotFound);
    }
    let email = persistence::users::normalise_email(&body.into_inner().email);
    app.auth_limits
        .admit_password_link(&email, &client_network(&req, app.config.http.trust_proxy))
        .await?;
    password_links::email_if_known(app.clone(), &req, email);
    Ok(HttpResponse::Accepted().finish())
}

/// Set a new password with a one-time token: an emailed link's, or a sign-in's with a temporary
/// password. Every sign-in session and personal access token of the person ends; the answer is
/// the sign-in's (signed in, or the challenge of a second factor).
#[utoipa::path(post, path = "/api/v1/auth/new-password", tag = "auth",
    request_body = dto::NewPassword,
    responses(
        (status = 200, description = "Signed in, session cookies set; or the challenge of a second factor", body = dto::LoginAnswer),
        (status = 422, description = "Invalid body, or the token was used or has expired", body = dto::Problem),
        (status = 429, description = "Too many attempts", body = dto::Problem),
    ),
    security(()))]
#[tracing::instrument(skip_all)]
pub async fn new_password(
    req: HttpRequest,
    body: Valid<NewPassword>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    app.auth_limits
        .admit_client(&client_network(&req, app.config.http.trust_proxy))
        .await?;
    let NewPassword {
        token,
        new_password,
    } = body.into_inner();
    let row = password_links::redeem(&app, &req, &token, new_password).await?;
    first_step_done(&app, &req, &row).await
}

/// The answer once the first step of a sign-in (password or provider) is done: signed in, or
/// the challenge of a second factor.
async fn first_step_done(
    app: &AppState,
    req: &HttpRequest,
    row: &persistence::users::UserRow,
) -> ApiResult<HttpResponse> {
    if let Some(second_factor) = sign_in::second_step(app, row).await? {
        return Ok(HttpResponse::Ok().json(LoginAnswer::SecondFactor { second_factor }));
    }
    let credentials = sign_in::start_session(app, req, row).await?;
    Ok(signed_in(app, credentials, row, None))
}

/// What the browser needs before sign-in: whether single sign-on is offered, and the features
/// turned on.
#[utoipa::path(get, path = "/api/v1/config", tag = "auth",
    responses((status = 200, description = "What this server offers", body = dto::ClientConfig)),
    security(()))]
pub async fn client_config(app: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(ClientConfig {
        sso: app.sso.is_some(),
        real_time: app.config.features.real_time,
        analytics: app.config.features.analytics,
        email: app.config.email.is_some(),
    })
}

/// Begin signing in with single sign-on: a redirect to the provider, and a short-lived cookie
/// binding the sign-in (its state, nonce and PKCE verifier) to this browser. The provider sends
/// the browser back to `/login/sso`, whose page finishes with `POST /api/v1/auth/sso/callback`.
#[utoipa::path(get, path = "/api/v1/auth/sso", tag = "auth",
    responses(
        (status = 303, description = "To the provider; the sign-in cookie set"),
        (status = 404, description = "Single sign-on is not configured", body = dto::Problem),
        (status = 429, description = "Too many attempts", body = dto::Problem),
    ),
    security(()))]
#[tracing::instrument(skip_all)]
pub async fn begin_sso(req: HttpRequest, app: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let sso = app.sso.as_ref().ok_or(ApiError::NotFound)?;
    app.auth_limits
        .admit_client(&client_network(&req, app.config.http.trust_proxy))
        .await?;
    let begun = sso.begin(Utc::now().timestamp());
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, begun.authorization_url))
        .cookie(flow_cookie(&app, begun.flow, FLOW_SECS))
        .finish())
}

/// The sign-in cookie: sent back on the provider's top-level redirect (`Lax`), to the sign-in
/// endpoints only.
fn flow_cookie(app: &AppState, value: String, max_age: i64) -> Cookie<'static> {
    Cookie::build(FLOW_COOKIE, value)
        .path(FLOW_PATH)
        .http_only(true)
        .secure(app.config.http.secure_cookies())
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::seconds(max_age))
        .finish()
}

/// Finish signing in with single sign-on, with what the provider sent the browser back with. The
/// provider's identity signs in as the account linked to it, or else as the active account with
/// the email the provider verified (linked from then on); nobody is created. The answer is the
/// password sign-in's: signed in, or the challenge of a second factor.
#[utoipa::path(post, path = "/api/v1/auth/sso/callback", tag = "auth",
    request_body = dto::SsoCallback,
    responses(
        (status = 200, description = "Signed in, session cookies set; or the challenge of a second factor", body = dto::LoginAnswer),
        (status = 401, description = "The sign-in did not begin in this browser, the provider's answer failed a check, or no account here matches", body = dto::Problem),
        (status = 404, description = "Single sign-on is not configured", body = dto::Problem),
        (status = 422, description = "Invalid body", body = dto::Problem),
        (status = 429, description = "Too many attempts", body = dto::Problem),
        (status = 503, description = "The provider did not answer", body = dto::Problem),
    ),
    security(()))]
#[tracing::instrument(skip_all)]
pub async fn finish_sso(
    req: HttpRequest,
    body: Valid<SsoCallback>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let sso = app.sso.as_ref().ok_or(ApiError::NotFound)?;
    app.auth_limits
        .admit_client(&client_network(&req, app.config.http.trust_proxy))
        .await?;
    let SsoCallback { code, state, iss } = body.into_inner();
    let flow = req
        .cookie(FLOW_COOKIE)
        .map(|cookie| cookie.value().to_owned())
        .unwrap_or_default();
    if iss.is_some_and(|iss| iss != sso.issuer()) {
        return Err(SsoError::Flow.into());
    }
    let identity = sso
        .finish(&flow, &code, &state, Utc::now().timestamp())
        .await?;
    let row = sign_in::sso_account(&app, &req, sso.issuer(), identity).await?;
    // A finished sign-in's cookie goes (a failed one's expires with it).
    let mut response = first_step_done(&app, &req, &row).await?;
    response
        .add_cookie(&flow_cookie(&app, String::new(), 0))
        .map_err(ApiError::internal)?;
    Ok(response)
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
    body: crate::http::extract::Body,
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
        user_id: actor.id,
        session_id: actor.session_id,
    });
    let mut response = HttpResponse::NoContent();
    for cookie in cookies::clear(&app.config) {
        response.cookie(cookie);
    }
    Ok(response.finish())
}
