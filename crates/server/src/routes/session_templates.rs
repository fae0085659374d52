//! Session templates: `/api/v1/session-templates`. Coaches read the organisation's and their
//! teams'; a team's coaches keep its templates; admins keep the organisation's.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use dto::{SessionTemplate, WriteSessionTemplate};
use persistence::session_templates::{self, TemplateContent};
use uuid::Uuid;

use crate::auth::Actor;
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{IfMatch, Valid, versioned};
use crate::state::AppState;
use crate::views::wire::{self, ToDto};

crate::routes::api_routes! {
    "/session-templates" => get list_templates, post create_template;
    "/session-templates/{id}" => get get_template, put update_template, delete delete_template;
}

fn content(body: WriteSessionTemplate) -> TemplateContent {
    TemplateContent {
        name: body.name,
        focus_areas: body.focus_areas,
        agenda: body.agenda,
        duration_minutes: body.duration_minutes,
        action_items: body.action_items,
    }
}

/// The templates I may use: the organisation's first, then my teams', by name.
#[utoipa::path(get, path = "/api/v1/session-templates", tag = "coaching",
    responses((status = 200, body = Vec<dto::SessionTemplate>)))]
#[tracing::instrument(skip_all)]
pub async fn list_templates(
    actor: Actor,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<Vec<SessionTemplate>>> {
    let rows = session_templates::list(&app.db, &actor).await?;
    Ok(web::Json(wire::all(&rows)))
}

/// Make a template for a team I coach, or (admins, no `team_id`) for everyone.
#[utoipa::path(post, path = "/api/v1/session-templates", tag = "coaching",
    request_body = dto::WriteSessionTemplate,
    responses((status = 201, body = dto::SessionTemplate), (status = 403, body = dto::Problem),
        (status = 422, body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn create_template(
    actor: Actor,
    body: Valid<WriteSessionTemplate>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    if body.version.is_some() {
        return Err(ApiError::invalid(
            "version",
            "a new template has no version",
        ));
    }
    let team = body.team_id;
    let row = session_templates::create(&app.db, &actor, team, content(body)).await?;
    Ok(versioned(StatusCode::CREATED, row.version, &row.to_dto()))
}

/// A template I may use.
#[utoipa::path(get, path = "/api/v1/session-templates/{id}", tag = "coaching",
    params(("id" = Uuid, Path, description = "Template id")),
    responses((status = 200, body = dto::SessionTemplate), (status = 404, body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn get_template(
    actor: Actor,
    id: web::Path<Uuid>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let row = session_templates::find(&app.db, &actor, *id).await?;
    Ok(versioned(StatusCode::OK, row.version, &row.to_dto()))
}

/// Replace a template's content at the version read (`version`, or `If-Match`); its team stays.
#[utoipa::path(put, path = "/api/v1/session-templates/{id}", tag = "coaching",
    params(("id" = Uuid, Path, description = "Template id"), ("If-Match" = Option<String>, Header, description = "ETag of the version edited")),
    request_body = dto::WriteSessionTemplate,
    responses((status = 200, body = dto::SessionTemplate), (status = 412, body = dto::Problem),
        (status = 422, body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn update_template(
    actor: Actor,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: Valid<WriteSessionTemplate>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let version = if_match.or_body(body.version)?;
    let current = session_templates::find(&app.db, &actor, *id).await?;
    if current.team_id != body.team_id {
        return Err(ApiError::invalid(
            "team_id",
            "a template stays with its team: make a new one for another",
        ));
    }
    let row = session_templates::update(&app.db, &actor, *id, version, content(body)).await?;
    Ok(versioned(StatusCode::OK, row.version, &row.to_dto()))
}

/// Delete a template.
#[utoipa::path(delete, path = "/api/v1/session-templates/{id}", tag = "coaching",
    params(("id" = Uuid, Path, description = "Template id")),
    responses((status = 204), (status = 404, body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn delete_template(
    actor: Actor,
    id: web::Path<Uuid>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    session_templates::delete(&app.db, &actor, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}
