//! Evaluation forms: `/api/v1/evaluation-forms`. Admins make, edit and archive them; everyone
//! who evaluates or coaches reads the forms of their teams and those for every team.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use domain::EvaluationFormId;
use dto::query::EvaluationFormQuery;
use dto::{CreateEvaluationForm, EvaluationForm, UpdateEvaluationForm};
use persistence::evaluation_forms::{self, FormFilter};

use crate::auth::Actor;
use crate::http::error::ApiResult;
use crate::http::extract::{self, IfMatch, Valid, ValidQuery, versioned};
use crate::state::AppState;
use crate::views::wire::{self, ToDto};

crate::routes::api_routes! {
    "/evaluation-forms" => get list_forms, post create_form;
    "/evaluation-forms/{id}" => get get_form, patch update_form;
}

/// Answers with the form and tells whoever may read it.
fn changed(app: &AppState, status: StatusCode, form: EvaluationForm) -> HttpResponse {
    let version = form.version;
    extract::changed(
        app,
        status,
        version,
        form,
        dto::Event::EvaluationFormChanged,
    )
}

/// The forms I may use, by name: those in use, or (`archived=true`) the archived ones.
#[utoipa::path(get, path = "/api/v1/evaluation-forms", tag = "quality",
    params(EvaluationFormQuery),
    responses((status = 200, body = Vec<dto::EvaluationForm>), (status = 422, body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn list_forms(
    actor: Actor,
    query: ValidQuery<EvaluationFormQuery>,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<Vec<EvaluationForm>>> {
    let filter = FormFilter {
        team: query.team_id,
        channel: query.channel,
        archived: query.archived.unwrap_or(false),
    };
    let forms = evaluation_forms::list(&app.db, &actor, filter).await?;
    Ok(web::Json(wire::all(&forms)))
}

/// Make a form (admins). Every section and question gets an id; the form starts at version 1.
#[utoipa::path(post, path = "/api/v1/evaluation-forms", tag = "quality",
    request_body = dto::CreateEvaluationForm,
    responses((status = 201, body = dto::EvaluationForm), (status = 403, body = dto::Problem),
        (status = 422, body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn create_form(
    actor: Actor,
    body: Valid<CreateEvaluationForm>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let form = evaluation_forms::create(&app.db, &actor, body.into_inner()).await?;
    Ok(changed(&app, StatusCode::CREATED, form.to_dto()))
}

/// A form I may use, with its sections in force.
#[utoipa::path(get, path = "/api/v1/evaluation-forms/{id}", tag = "quality",
    params(("id" = Uuid, Path, description = "Form id")),
    responses((status = 200, body = dto::EvaluationForm), (status = 404, body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn get_form(
    actor: Actor,
    id: web::Path<EvaluationFormId>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let form = evaluation_forms::find(&app.db, &actor, *id).await?;
    Ok(versioned(StatusCode::OK, form.row.version, &form.to_dto()))
}

/// Change a form at the version read (`version`, or `If-Match`), or archive it
/// (`archived: true`). New `sections` become a new version of them: evaluations already made
/// keep the questions they were scored with. A kept question names its `id`.
#[utoipa::path(patch, path = "/api/v1/evaluation-forms/{id}", tag = "quality",
    params(("id" = Uuid, Path, description = "Form id"), ("If-Match" = Option<String>, Header, description = "ETag of the version edited")),
    request_body = dto::UpdateEvaluationForm,
    responses((status = 200, body = dto::EvaluationForm), (status = 403, body = dto::Problem),
        (status = 412, body = dto::Problem), (status = 422, body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn update_form(
    actor: Actor,
    id: web::Path<EvaluationFormId>,
    if_match: IfMatch,
    body: Valid<UpdateEvaluationForm>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let version = if_match.or_body(body.version)?;
    extract::require_changes(&body)?;
    let form = evaluation_forms::update(&app.db, &actor, *id, version, body).await?;
    Ok(changed(&app, StatusCode::OK, form.to_dto()))
}
