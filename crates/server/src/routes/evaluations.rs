//! Evaluations: `/api/v1/evaluations`. An evaluator drafts, changes and submits; the agent
//! acknowledges; an admin voids. Reads are scoped like every read: a draft is its evaluator's.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use domain::EvaluationId;
use dto::query::EvaluationQuery;
use dto::{CreateEvaluation, Evaluation, EvaluationStep, Page, UpdateEvaluation};
use persistence::PageRequest;
use persistence::evaluations::{self, EvaluationFilter, StoredEvaluation, Written};

use crate::auth::Actor;
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{self, IfMatch, Valid, ValidQuery, located, required, versioned};
use crate::state::AppState;
use crate::views::exports;
use crate::views::spreadsheet::{self, FileType};
use crate::views::wire::{self, ToDto};

crate::routes::api_routes! {
    "/evaluations" => get list_evaluations, post create_evaluation;
    // Before `/{id}`, which would take `export.csv` for an id.
    "/evaluations/export.csv" => get export_evaluations_csv;
    "/evaluations/export.xlsx" => get export_evaluations_xlsx;
    "/evaluations/{id}" => get get_evaluation, patch update_evaluation, delete delete_evaluation;
    "/evaluations/{id}/form" => get evaluation_form;
    "/evaluations/{id}/{step}" => post step_evaluation;
}

/// Tells whoever may read them of the agent's quality KPI months that changed with an
/// evaluation, then answers with the evaluation as [`changed`] does.
async fn written(app: &AppState, (stored, months): Written) -> ApiResult<HttpResponse> {
    if !months.is_empty() {
        let catalogue = app.catalogue.current(&app.db).await?;
        for (month, values) in &months {
            let month = wire::metric_month(&catalogue, month, values);
            app.publish(dto::Event::MetricsChanged(Box::new(month)));
        }
    }
    Ok(changed(app, StatusCode::OK, &stored))
}

/// Answers with the evaluation and tells whoever may read it.
fn changed(app: &AppState, status: StatusCode, stored: &StoredEvaluation) -> HttpResponse {
    extract::changed(
        app,
        status,
        stored.row.version,
        stored.to_dto(),
        dto::Event::EvaluationChanged,
    )
}

/// The evaluations I may read, newest interaction first: those of the agents I coach or evaluate
/// (or my own, as an agent) once submitted, and my drafts.
#[utoipa::path(get, path = "/api/v1/evaluations", tag = "quality",
    params(EvaluationQuery),
    responses((status = 200, body = inline(Page<Evaluation>)), (status = 422, body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn list_evaluations(
    actor: Actor,
    query: ValidQuery<EvaluationQuery>,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<Page<Evaluation>>> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let filter = filter(&query);
    let (rows, next_cursor) = evaluations::list(&app.db, &actor, &filter, &page).await?;
    Ok(web::Json(Page {
        items: wire::all(&rows),
        next_cursor,
    }))
}

/// What the list and its files are narrowed to.
fn filter(query: &EvaluationQuery) -> EvaluationFilter {
    EvaluationFilter {
        agent_id: query.agent_id,
        team_id: query.team_id,
        evaluator_id: query.evaluator_id,
        form_id: query.form_id,
        channel: query.channel,
        status: query.status,
        from: query.from,
        to: query.to,
        min_score: query.min_score,
        max_score: query.max_score,
    }
}

/// The list's every row under the same filters (its `limit` and `cursor` aside) as CSV.
#[utoipa::path(get, path = "/api/v1/evaluations/export.csv", tag = "quality",
    params(EvaluationQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 422, body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn export_evaluations_csv(
    actor: Actor,
    query: ValidQuery<EvaluationQuery>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let sheet = exports::evaluations(&app.db, &actor, &filter(&query)).await?;
    spreadsheet::download(&sheet, FileType::Csv, "evaluations")
}

/// The list's every row under the same filters (its `limit` and `cursor` aside) as a workbook.
#[utoipa::path(get, path = "/api/v1/evaluations/export.xlsx", tag = "quality",
    params(EvaluationQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), (status = 422, body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn export_evaluations_xlsx(
    actor: Actor,
    query: ValidQuery<EvaluationQuery>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let sheet = exports::evaluations(&app.db, &actor, &filter(&query)).await?;
    spreadsheet::download(&sheet, FileType::Xlsx, "evaluations")
}

/// Draft an evaluation of one interaction of an agent I coach or evaluate.
#[utoipa::path(post, path = "/api/v1/evaluations", tag = "quality",
    request_body = dto::CreateEvaluation,
    responses((status = 201, body = dto::Evaluation), (status = 403, body = dto::Problem),
        (status = 422, body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn create_evaluation(
    actor: Actor,
    body: Valid<CreateEvaluation>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let stored = evaluations::create(&app.db, &actor, body.into_inner()).await?;
    let path = format!("/api/v1/evaluations/{}", stored.row.id);
    Ok(located(changed(&app, StatusCode::CREATED, &stored), &path))
}

/// An evaluation I may read.
#[utoipa::path(get, path = "/api/v1/evaluations/{id}", tag = "quality",
    params(("id" = Uuid, Path, description = "Evaluation id")),
    responses((status = 200, body = dto::Evaluation), (status = 404, body = dto::Problem)))]
#[tracing::instrument(skip_all, fields(evaluation.id = %id))]
pub async fn get_evaluation(
    actor: Actor,
    id: web::Path<EvaluationId>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let stored = evaluations::find(&app.db, &actor, *id).await?;
    Ok(versioned(
        StatusCode::OK,
        stored.row.version,
        &stored.to_dto(),
    ))
}

/// The questions an evaluation was scored against (the form at its `form_version`), for whoever
/// may read the evaluation, its agent included.
#[utoipa::path(get, path = "/api/v1/evaluations/{id}/form", tag = "quality",
    params(("id" = Uuid, Path, description = "Evaluation id")),
    responses((status = 200, body = dto::ScoredForm), (status = 404, body = dto::Problem)))]
#[tracing::instrument(skip_all, fields(evaluation.id = %id))]
pub async fn evaluation_form(
    actor: Actor,
    id: web::Path<EvaluationId>,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<dto::ScoredForm>> {
    let (stored, name, sections) = evaluations::scored_form(&app.db, &actor, *id).await?;
    Ok(web::Json(dto::ScoredForm {
        form_id: stored.row.form_id,
        name,
        version: stored.row.form_version,
        sections,
    }))
}

/// Change an evaluation at the version read (`version`, or `If-Match`): my draft freely; a
/// submitted one (its evaluator or an admin) with a `reason`, scored again, the agent told.
#[utoipa::path(patch, path = "/api/v1/evaluations/{id}", tag = "quality",
    params(("id" = Uuid, Path, description = "Evaluation id"), ("If-Match" = Option<String>, Header, description = "ETag of the version edited")),
    request_body = dto::UpdateEvaluation,
    responses((status = 200, body = dto::Evaluation), (status = 403, body = dto::Problem),
        (status = 409, body = dto::Problem), (status = 412, body = dto::Problem),
        (status = 422, body = dto::Problem)))]
#[tracing::instrument(skip_all, fields(evaluation.id = %id))]
pub async fn update_evaluation(
    actor: Actor,
    id: web::Path<EvaluationId>,
    if_match: IfMatch,
    body: Valid<UpdateEvaluation>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let version = if_match.or_body(body.version)?;
    extract::require_changes(&body)?;
    written(
        &app,
        evaluations::update(&app.db, &actor, *id, version, body).await?,
    )
    .await
}

/// Delete my draft (a submitted evaluation is voided instead).
#[utoipa::path(delete, path = "/api/v1/evaluations/{id}", tag = "quality",
    params(("id" = Uuid, Path, description = "Evaluation id"), ("If-Match" = Option<String>, Header, description = "ETag of the version deleted")),
    responses((status = 204), (status = 409, body = dto::Problem), (status = 412, body = dto::Problem)))]
#[tracing::instrument(skip_all, fields(evaluation.id = %id))]
pub async fn delete_evaluation(
    actor: Actor,
    id: web::Path<EvaluationId>,
    if_match: IfMatch,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    evaluations::delete(&app.db, &actor, *id, if_match.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Move an evaluation on: `submit` (its evaluator: every question answered, then scored),
/// `acknowledge` (its agent, with an optional `comment`) or `void` (an admin, with a `reason`).
#[utoipa::path(post, path = "/api/v1/evaluations/{id}/{step}", tag = "quality",
    params(("id" = Uuid, Path, description = "Evaluation id"), ("step" = String, Path, description = "submit, acknowledge or void"), ("If-Match" = Option<String>, Header, description = "ETag of the version acted on")),
    request_body = dto::EvaluationStep,
    responses((status = 200, body = dto::Evaluation), (status = 403, body = dto::Problem),
        (status = 409, body = dto::Problem), (status = 412, body = dto::Problem),
        (status = 422, body = dto::Problem)))]
#[tracing::instrument(skip_all, fields(evaluation.id = %path.0, step = %path.1))]
pub async fn step_evaluation(
    actor: Actor,
    path: web::Path<(EvaluationId, String)>,
    if_match: IfMatch,
    body: Valid<EvaluationStep>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let (id, step) = path.into_inner();
    let body = body.into_inner();
    let version = if_match.or_body(body.version)?;
    let db = &app.db;
    let written_now = match step.as_str() {
        "submit" => evaluations::submit(db, &actor, id, version).await?,
        "acknowledge" => {
            let stored = evaluations::acknowledge(db, &actor, id, version, body.comment);
            (stored.await?, Vec::new())
        }
        "void" => {
            let reason = required(body.reason, "reason")?;
            evaluations::void(db, &actor, id, version, reason).await?
        }
        _ => return Err(ApiError::NotFound),
    };
    written(&app, written_now).await
}
