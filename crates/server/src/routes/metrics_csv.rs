//! CSV import and export of monthly metrics (the file handling is in `crate::views::metrics_csv`).
//!
//! Import validates every row before writing any, and writes all rows in one transaction, or
//! none: each bad row is reported with its line number and reason.

use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpRequest, HttpResponse, web};
use domain::{Action, Target};
use persistence::metrics;
use serde::Serialize;

use crate::auth::{Actor, TokenGrants};
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::ValidQuery;
use crate::routes::metrics::months;
use crate::state::AppState;
use crate::views::metrics_csv;
use crate::views::spreadsheet::{self, FileType};
use crate::workers::jobs::ImportJob;
use dto::query::MonthRange;

/// Largest accepted CSV file.
pub const IMPORT_LIMIT: usize = 10 * 1024 * 1024;

crate::routes::api_routes! {
    "/metrics/import" with web::PayloadConfig::new(IMPORT_LIMIT), with TokenGrants::METRICS
        => post import_metrics;
    "/metrics/import/jobs/{id}" with TokenGrants::METRICS => get get_import_job;
    "/metrics/export.csv" => get export_metrics;
    "/metrics/export.xlsx" => get export_metrics_xlsx;
}

/// The result of an import.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportSummary {
    /// Data rows read.
    pub rows: usize,
    /// Months created.
    pub created: usize,
    /// Months replaced.
    pub replaced: usize,
    /// What was read but not imported, such as the export's derived `score` column.
    pub notes: Vec<String>,
}

/// Import many agents' months from CSV (`text/csv` body): every row is checked first, then all
/// are written in one transaction, or none. Bad rows come back by line number (the first 100, and
/// a count of the rest). The export's own file imports unchanged. With `Prefer: respond-async`
/// the writing runs in the background: 202 and a job to poll.
#[utoipa::path(post, path = "/api/v1/metrics/import", tag = "performance",
    request_body(content = String, content_type = "text/csv", description = "employee_id and/or email, month, then KPI keys or raw counts; a `score` column is ignored"),
    responses((status = 200, body = ImportSummary), (status = 202, body = ImportJob)))]
#[tracing::instrument(skip_all)]
pub async fn import_metrics(
    actor: Actor,
    req: HttpRequest,
    body: crate::http::extract::Body,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    domain::authorize(&actor, Action::ImportMetrics, &Target::Global)?;
    require_csv(&req)?;
    let (inputs, notes) = metrics_csv::read_import(&app, &actor, &body).await?;
    drop(body);
    let rows = inputs.len();
    if respond_async(&req) {
        let job = crate::views::metrics_csv::start_import(app.into_inner(), actor, inputs).await?;
        let location = format!("/api/v1/metrics/import/jobs/{}", job.id);
        return Ok(HttpResponse::Accepted()
            .insert_header(("Location", location))
            .json(job));
    }
    let event = metrics_csv::imported(uuid::Uuid::now_v7(), &inputs);
    let (created, replaced) = metrics::import_all(&app.db, &actor.origin, inputs, |_| {}).await?;
    tracing::info!(rows, created, replaced, "metrics imported");
    event.into_iter().for_each(|event| app.publish(event));
    Ok(HttpResponse::Ok().json(ImportSummary {
        rows,
        created,
        replaced,
        notes,
    }))
}

/// A 415 unless the body is declared `text/csv`.
fn require_csv(req: &HttpRequest) -> ApiResult<()> {
    let is_csv = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/csv"));
    if is_csv {
        Ok(())
    } else {
        Err(ApiError::UnsupportedMediaType)
    }
}

/// Whether the client asked not to wait (RFC 7240 `Prefer: respond-async`).
fn respond_async(req: &HttpRequest) -> bool {
    req.headers()
        .get_all("prefer")
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            v.split(',')
                .any(|p| p.trim().eq_ignore_ascii_case("respond-async"))
        })
}

/// The progress of a background import (its owner or an admin).
#[utoipa::path(get, path = "/api/v1/metrics/import/jobs/{id}", tag = "performance",
    params(("id" = uuid::Uuid, Path, description = "Job id")),
    responses((status = 200, body = ImportJob)))]
#[tracing::instrument(skip_all, fields(job.id = %id))]
pub async fn get_import_job(
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<ImportJob>> {
    let job = app.jobs.get(*id).await?.ok_or(ApiError::NotFound)?;
    let starter = Target::User {
        id: job.owner,
        teams: Vec::new(),
    };
    if actor.can(Action::ViewImportJob, &starter) {
        Ok(web::Json(job))
    } else {
        Err(ApiError::NotFound)
    }
}

/// The months of every agent in my scope, as CSV with the import's columns plus the score.
#[utoipa::path(get, path = "/api/v1/metrics/export.csv", tag = "performance",
    params(MonthRange),
    responses((status = 200, content_type = "text/csv", body = String)))]
#[tracing::instrument(skip_all)]
pub async fn export_metrics(
    actor: Actor,
    range: ValidQuery<MonthRange>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    export(&actor, &range, &app, FileType::Csv).await
}

/// The same months as an Excel workbook: numbers as numbers, months as dates.
#[utoipa::path(get, path = "/api/v1/metrics/export.xlsx", tag = "performance",
    params(MonthRange),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>)))]
#[tracing::instrument(skip_all)]
pub async fn export_metrics_xlsx(
    actor: Actor,
    range: ValidQuery<MonthRange>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    export(&actor, &range, &app, FileType::Xlsx).await
}

async fn export(
    actor: &Actor,
    range: &MonthRange,
    app: &AppState,
    file_type: FileType,
) -> ApiResult<HttpResponse> {
    let (from, to) = months(range)?;
    let sheet = metrics_csv::sheet(app, actor, &from, &to).await?;
    spreadsheet::download(&sheet, file_type, &format!("metrics-{from}-to-{to}"))
}
