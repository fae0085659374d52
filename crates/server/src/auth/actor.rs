//! The `Actor` extractor: who is asking, authenticated once per request.
//!
//! A bearer JWT (API clients that sign in), a personal access token (`chp_…`, scripts and
//! integrations, narrowed to its grants) or the session cookie (the browser, with the CSRF check
//! on writes).
//! The token is only the start: the user, the session and the teams are read in one statement,
//! kept in the actor cache (`crate::cache`) until an event says one of them changed, so a
//! deactivated user or a revoked session is refused on every instance as soon as the event
//! arrives, and the team scope is always current.

use std::ops::Deref;
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use domain::{Grant, UserId};
use futures_util::future::LocalBoxFuture;
use persistence::audit::Origin;
use persistence::entity::user;
use persistence::users::{self, Authenticated};
use persistence::{Caller, access_tokens};
use tracing_actix_web::RequestId;
use uuid::Uuid;

use super::cookies;
use super::tokens::hash_token;
use crate::http::client_address::client_ip;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::telemetry::CallerRole;

/// The authenticated caller: what the policy and the audit log need of them (`Caller`, which it
/// dereferences to), and their credentials.
#[derive(Clone, Debug)]
pub struct Actor {
    /// The policy's actor (id, role, teams led and managed) and the request's origin.
    pub caller: Caller,
    /// Their user row.
    pub user: user::Model,
    /// The sign-in session the credentials belong to (the token's id for a personal access
    /// token, which belongs to no session).
    pub session_id: Uuid,
    /// The personal access token in use, if the request carries one.
    pub token_id: Option<Uuid>,
    /// When the credentials stop working: the sign-in session's end, or the token's expiry. A
    /// live connection closes then.
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

impl Deref for Actor {
    type Target = Caller;
    fn deref(&self) -> &Caller {
        &self.caller
    }
}

impl Actor {
    /// Refuses a personal access token: what only the person, signed in, may do (manage their
    /// tokens, change their password).
    pub fn require_person(&self) -> ApiResult<()> {
        match self.token_id {
            None => Ok(()),
            Some(_) => Err(ApiError::InsufficientScope(
                "sign in as yourself: a personal access token cannot do this",
            )),
        }
    }
}

impl FromRequest for Actor {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(&req).await })
    }
}

/// The access token a request carries, from `Authorization: Bearer` or the cookie.
fn access_token(req: &HttpRequest) -> ApiResult<String> {
    if let Some(header) = req.headers().get(actix_web::http::header::AUTHORIZATION) {
        let value = header
            .to_str()
            .map_err(|_| ApiError::Unauthenticated("malformed Authorization header"))?;
        return value
            .strip_prefix("Bearer ")
            .map(|token| token.trim().to_owned())
            .filter(|token| !token.is_empty())
            .ok_or(ApiError::Unauthenticated(
                "Authorization must be `Bearer <token>`",
            ));
    }
    let cookie = req
        .cookie(cookies::ACCESS)
        .ok_or(ApiError::Unauthenticated("sign in first"))?;
    cookies::check_csrf(req)?;
    Ok(cookie.value().to_owned())
}

async fn authenticate(req: &HttpRequest) -> ApiResult<Actor> {
    let app = req
        .app_data::<web::Data<AppState>>()
        .expect("AppState is registered on every app");
    let token = access_token(req)?;
    if token.starts_with(PERSONAL_TOKEN_PREFIX) {
        return authenticate_personal(req, app, &token).await;
    }
    let claims = app.jwt.verify(&token)?;
    let (found, user) = active_user(app, claims.sub, claims.sid).await?;
    let Some(expires_at) = found.session_expires_at.filter(|_| found.session_live()) else {
        return Err(ApiError::Unauthenticated("session ended; sign in again"));
    };
    app.request_limits.admit_user(req, user.id).await?;
    req.extensions_mut().insert(CallerRole(user.role));
    let caller = Caller {
        actor: found.actor.clone(),
        origin: origin(req, app, user.id),
    };
    Ok(Actor {
        caller,
        user,
        session_id: claims.sid,
        token_id: None,
        expires_at,
    })
}

/// The user `user_id` with their scope, through the actor cache (keyed with `credential`, the
/// session or token id), refused unless they may still sign in.
async fn active_user(
    app: &AppState,
    user_id: UserId,
    credential: Uuid,
) -> ApiResult<(Arc<Authenticated>, user::Model)> {
    let found = app
        .caches
        .actor(
            (user_id, credential),
            users::authenticate(&app.db, user_id, credential),
        )
        .await?
        .ok_or(ApiError::Unauthenticated("unknown user"))?;
    let user = found.user.clone();
    if !user.active || user.erased_at.is_some() {
        return Err(ApiError::Unauthenticated("account deactivated"));
    }
    Ok((found, user))
}

/// Who, from where, which request.
fn origin(req: &HttpRequest, app: &AppState, user_id: UserId) -> Origin {
    Origin {
        actor_id: Some(user_id),
        ip: Some(client_ip(req, app.config.http.trust_proxy)),
        request_id: req.extensions().get::<RequestId>().map(ToString::to_string),
    }
}

/// The token grants a route serves, any one of them sufficing: a resource names them with
/// `with TokenGrants::…` in its route table, else they follow from the method
/// ([`TokenGrants::by_method`]).
#[derive(Clone, Copy, Debug)]
pub struct TokenGrants {
    grants: &'static [Grant],
    refusal: &'static str,
}

impl TokenGrants {
    /// Reading: `read`, and the grants that read too.
    pub const READ: TokenGrants = TokenGrants {
        grants: &[Grant::Read, Grant::Write, Grant::Admin],
        refusal: "this token lacks the `read` scope",
    };
    /// Changing something: `write` or `admin` (the policy tells which of them an action needs).
    pub const CHANGE: TokenGrants = TokenGrants {
        grants: &[Grant::Write, Grant::Admin],
        refusal: "this token lacks the `write` scope",
    };
    /// Importing metrics and following the import, writing and reading months: every grant,
    /// `metrics:import` included; the policy's action decides.
    pub const METRICS: TokenGrants = TokenGrants {
        grants: &Grant::ALL,
        refusal: "this token lacks the scope this needs",
    };

    /// What a route that names no grants serves: reads for safe methods, changes otherwise.
    pub fn by_method(method: &actix_web::http::Method) -> TokenGrants {
        if method.is_safe() {
            TokenGrants::READ
        } else {
            TokenGrants::CHANGE
        }
    }
}

/// How every personal access token starts, so a leaked one is recognised (secret scanners) and
/// told from a JWT without trying to parse it.
pub const PERSONAL_TOKEN_PREFIX: &str = "chp_";

async fn authenticate_personal(
    req: &HttpRequest,
    app: &AppState,
    secret: &str,
) -> ApiResult<Actor> {
    let now = chrono::Utc::now();
    let token = access_tokens::find_live(&app.db, &hash_token(secret), now)
        .await?
        .ok_or(ApiError::Unauthenticated(
            "unknown, expired or revoked access token",
        ))?;
    let (found, user) = active_user(app, token.user_id, token.id).await?;
    let grants = access_tokens::grants(&token);
    // The route's grants are the first gate (routes that name no policy action, such as search or
    // one's email settings, are covered by it); `domain::authorize` checks each action's own
    // grant after it.
    let needs = req
        .app_data::<TokenGrants>()
        .copied()
        .unwrap_or_else(|| TokenGrants::by_method(req.method()));
    if !grants.iter().any(|grant| needs.grants.contains(grant)) {
        return Err(ApiError::InsufficientScope(needs.refusal));
    }
    app.request_limits.admit_user(req, user.id).await?;
    req.extensions_mut().insert(CallerRole(user.role));
    access_tokens::touch(&app.db, token.id, now).await?;
    let actor = domain::Actor {
        grants: Some(grants),
        ..found.actor.clone()
    };
    let caller = Caller {
        actor,
        origin: origin(req, app, user.id),
    };
    Ok(Actor {
        caller,
        user,
        session_id: token.id,
        token_id: Some(token.id),
        expires_at: token.expires_at,
    })
}
