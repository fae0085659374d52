//! Personal access tokens: `/api/v1/me/tokens`. A person manages their own, signed in; a token
//! cannot make or revoke tokens.

use actix_web::{HttpResponse, web};
use chrono::{Duration, Utc};
use dto::{AccessToken, CreateAccessToken, CreatedAccessToken};
use persistence::access_tokens::{self, NewToken};
use persistence::entity::access_token;
use uuid::Uuid;

use crate::auth::Actor;
use crate::auth::actor::PERSONAL_TOKEN_PREFIX;
use crate::auth::tokens::{hash_token, random_token};
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::Valid;
use crate::state::AppState;

crate::routes::api_routes! {
    "/me/tokens" => get list_tokens, post create_token;
    "/me/tokens/{id}" => delete revoke_token;
}

fn to_dto(row: &access_token::Model) -> AccessToken {
    AccessToken {
        id: row.id,
        name: row.name.clone(),
        scopes: access_tokens::grants(row),
        created_at: row.created_at,
        expires_at: row.expires_at,
        last_used_at: row.last_used_at,
    }
}

/// My personal access tokens that are not revoked, newest first.
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "auth",
    responses((status = 200, body = Vec<dto::AccessToken>)))]
#[tracing::instrument(skip_all)]
pub async fn list_tokens(
    actor: Actor,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<Vec<AccessToken>>> {
    actor.require_person()?;
    let rows = access_tokens::list(&app.db, actor.user.id).await?;
    Ok(web::Json(rows.iter().map(to_dto).collect()))
}

/// Make a personal access token; its secret is in this answer only.
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "auth",
    request_body = dto::CreateAccessToken,
    responses((status = 201, body = dto::CreatedAccessToken), (status = 422, body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn create_token(
    actor: Actor,
    body: Valid<CreateAccessToken>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    actor.require_person()?;
    let body = body.into_inner();
    if let Some(scope) = body.scopes.iter().find(|s| !s.allowed_for(actor.role)) {
        return Err(ApiError::invalid(
            "scopes",
            format!("a {} may not hold `{scope}`", actor.role.label()),
        ));
    }
    let secret = format!("{PERSONAL_TOKEN_PREFIX}{}", random_token());
    let new = NewToken {
        user_id: actor.user.id,
        name: body.name.trim().to_owned(),
        grants: body.scopes,
        expires_at: Utc::now() + Duration::days(i64::from(body.expires_in_days)),
        token_hash: hash_token(&secret),
    };
    let row = access_tokens::create(&app.db, &actor.origin, new).await?;
    Ok(HttpResponse::Created().json(CreatedAccessToken {
        token: to_dto(&row),
        secret,
    }))
}

/// Revoke one of my tokens: it is refused from the next request on, and its live connections
/// close on every instance.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "auth",
    params(("id" = Uuid, Path, description = "Token id")),
    responses((status = 204), (status = 404, body = dto::Problem)))]
#[tracing::instrument(skip_all, fields(access_token.id = %id))]
pub async fn revoke_token(
    actor: Actor,
    id: web::Path<Uuid>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    actor.require_person()?;
    let id = id.into_inner();
    access_tokens::revoke(&app.db, &actor.origin, actor.user.id, id).await?;
    app.publish(dto::Event::SignedOut {
        user_id: actor.user.id,
        session_id: id,
    });
    Ok(HttpResponse::NoContent().finish())
}
