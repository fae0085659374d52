//! Outbound webhooks: `/api/v1/webhooks` (admins). Registering, editing, removing endpoints and
//! reading their deliveries; `crate::workers::webhooks` sends them.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use dto::query::PageQuery;
use dto::{CreateWebhook, CreatedWebhook, Page, UpdateWebhook, Webhook, WebhookDelivery};
use persistence::PageRequest;
use persistence::webhooks::{self, WebhookChanges};
use uuid::Uuid;

use crate::auth::Actor;
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{IfMatch, Valid, ValidQuery, versioned};
use crate::state::AppState;
use crate::views::wire::{self, ToDto};

crate::routes::api_routes! {
    "/webhooks" => get list_webhooks, post create_webhook;
    "/webhooks/{id}" => get get_webhook, patch update_webhook, delete delete_webhook;
    "/webhooks/{id}/deliveries" => get list_deliveries;
}

/// The address checked past what the DTO can (`crate::workers::webhooks::address`).
fn checked(app: &AppState, url: &str) -> ApiResult<String> {
    crate::workers::webhooks::address::check(url, app.config.webhooks.allow_private)
        .map_err(|refused| ApiError::invalid("url", refused.to_string()))
}

/// Every webhook.
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "webhooks",
    responses((status = 200, body = Vec<dto::Webhook>), (status = 403, body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn list_webhooks(
    actor: Actor,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<Vec<Webhook>>> {
    Ok(web::Json(wire::all(
        &webhooks::list(&app.db, &actor).await?,
    )))
}

/// Register an endpoint; it hears of changes from now on. The answer holds the signing secret,
/// shown this once.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "webhooks",
    request_body = dto::CreateWebhook,
    responses((status = 201, body = dto::CreatedWebhook), (status = 403, body = dto::Problem),
        (status = 422, body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn create_webhook(
    actor: Actor,
    body: Valid<CreateWebhook>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let url = checked(&app, &body.url)?;
    let row = webhooks::create(&app.db, &actor, url, body.description, &body.events).await?;
    let created = CreatedWebhook {
        secret: row.secret.as_str().to_owned(),
        webhook: row.to_dto(),
    };
    Ok(versioned(StatusCode::CREATED, row.version, &created))
}

/// One webhook.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}", tag = "webhooks",
    params(("id" = Uuid, Path, description = "Webhook id")),
    responses((status = 200, body = dto::Webhook), (status = 404, body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn get_webhook(
    actor: Actor,
    id: web::Path<Uuid>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let row = webhooks::find(&app.db, &actor, *id).await?;
    Ok(versioned(StatusCode::OK, row.version, &row.to_dto()))
}

/// Change a webhook at the version read (`version`, or `If-Match`). Turning one back on sends
/// what waited meanwhile.
#[utoipa::path(patch, path = "/api/v1/webhooks/{id}", tag = "webhooks",
    params(("id" = Uuid, Path, description = "Webhook id"), ("If-Match" = Option<String>, Header, description = "ETag of the version edited")),
    request_body = dto::UpdateWebhook,
    responses((status = 200, body = dto::Webhook), (status = 412, body = dto::Problem),
        (status = 422, body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn update_webhook(
    actor: Actor,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: Valid<UpdateWebhook>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let version = if_match.or_body(body.version)?;
    let changes = WebhookChanges {
        url: body
            .url
            .as_deref()
            .map(|url| checked(&app, url))
            .transpose()?,
        description: body.description,
        events: body.events,
        enabled: body.enabled,
    };
    let row = webhooks::update(&app.db, &actor, *id, version, changes).await?;
    Ok(versioned(StatusCode::OK, row.version, &row.to_dto()))
}

/// Remove a webhook and its deliveries.
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "webhooks",
    params(("id" = Uuid, Path, description = "Webhook id")),
    responses((status = 204), (status = 404, body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn delete_webhook(
    actor: Actor,
    id: web::Path<Uuid>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    webhooks::delete(&app.db, &actor, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A webhook's deliveries, newest first, with their attempts.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "webhooks",
    params(("id" = Uuid, Path, description = "Webhook id"), PageQuery),
    responses((status = 200, body = inline(Page<WebhookDelivery>)), (status = 404, body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn list_deliveries(
    actor: Actor,
    id: web::Path<Uuid>,
    query: ValidQuery<PageQuery>,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<Page<WebhookDelivery>>> {
    let query = query.into_inner();
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let (rows, next_cursor) = webhooks::deliveries(&app.db, &actor, *id, &page).await?;
    Ok(web::Json(Page {
        items: wire::all(&rows),
        next_cursor,
    }))
}
