//! The `Actor` extractor: who is asking, authenticated once per request.
//!
//! A bearer JWT (API clients) or the session cookie (the browser, with the CSRF check on writes).
//! The token is only the start: the user, the session and the teams are read in one statement,
//! kept in the actor cache (`crate::cache`) until an event says one of them changed, so a
//! deactivated user or a revoked session is refused on every instance as soon as the event
//! arrives, and the team scope is always current.

use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use persistence::audit::Origin;
use persistence::entity::user;
use persistence::users;
use tracing_actix_web::RequestId;
use uuid::Uuid;

use super::cookies;
use crate::error::{ApiError, ApiResult};
use crate::extract::client_ip;
use crate::state::AppState;

/// The authenticated caller with their policy scope.
#[derive(Clone, Debug)]
pub struct Actor {
    /// What the policy needs: id, role, teams led and managed.
    pub policy: domain::Actor,
    /// Their user row.
    pub user: user::Model,
    /// The sign-in session the credentials belong to.
    pub session_id: Uuid,
    /// Who, from where, which request: for the audit log.
    pub origin: Origin,
}

impl Deref for Actor {
    type Target = domain::Actor;
    fn deref(&self) -> &domain::Actor {
        &self.policy
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
    let claims = app.jwt.verify(&token)?;
    let found = app
        .caches
        .actor(
            (claims.sub, claims.sid),
            users::authenticate(&app.db, claims.sub, claims.sid),
        )
        .await?;
    let Some(found) = found else {
        return Err(ApiError::Unauthenticated("unknown user"));
    };
    let user = found.user.clone();
    if !user.active || user.erased_at.is_some() {
        return Err(ApiError::Unauthenticated("account deactivated"));
    }
    if !found.session_live() {
        return Err(ApiError::Unauthenticated("session ended; sign in again"));
    }
    app.request_limits.admit_user(req, user.id).await?;
    let policy = found.actor.clone();
    let origin = Origin {
        actor_id: Some(user.id),
        ip: Some(client_ip(req, app.config.trust_proxy)),
        request_id: req.extensions().get::<RequestId>().map(ToString::to_string),
    };
    Ok(Actor {
        policy,
        user,
        session_id: claims.sid,
        origin,
    })
}
