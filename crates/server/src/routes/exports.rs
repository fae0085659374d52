//! Spreadsheets of the coaching lists (`/api/v1/{quick-notes,action-items,action-plans}/export.xlsx`),
//! built in `crate::views::exports`. The metrics workbook sits beside its CSV twin in `metrics_csv`.

use actix_web::{HttpResponse, web};
use dto::query::ExportQuery;

use crate::auth::Actor;
use crate::http::error::ApiResult;
use crate::http::extract::ValidQuery;
use crate::state::AppState;
use crate::views::exports;
use crate::views::spreadsheet::{self, FileType};

crate::routes::api_routes! {
    "/quick-notes/export.xlsx" => get export_quick_notes;
    "/action-items/export.xlsx" => get export_action_items;
    "/action-plans/export.xlsx" => get export_action_plans;
}

/// The quick notes I may read, newest first, as a workbook.
#[utoipa::path(get, path = "/api/v1/quick-notes/export.xlsx", tag = "coaching",
    params(ExportQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>)))]
#[tracing::instrument(skip_all)]
pub async fn export_quick_notes(
    actor: Actor,
    query: ValidQuery<ExportQuery>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let sheet = exports::quick_notes(&app.db, &actor, query.agent_id).await?;
    spreadsheet::download(&sheet, FileType::Xlsx, "quick-notes")
}

/// The action items I may read, by due date, as a workbook.
#[utoipa::path(get, path = "/api/v1/action-items/export.xlsx", tag = "coaching",
    params(ExportQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>)))]
#[tracing::instrument(skip_all)]
pub async fn export_action_items(
    actor: Actor,
    query: ValidQuery<ExportQuery>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let sheet = exports::action_items(&app.db, &actor, query.agent_id).await?;
    spreadsheet::download(&sheet, FileType::Xlsx, "action-items")
}

/// The action plans I may read, as a workbook: one row per plan with its items' progress.
#[utoipa::path(get, path = "/api/v1/action-plans/export.xlsx", tag = "coaching",
    params(ExportQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>)))]
#[tracing::instrument(skip_all)]
pub async fn export_action_plans(
    actor: Actor,
    query: ValidQuery<ExportQuery>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let sheet = exports::action_plans(&app.db, &actor, query.agent_id).await?;
    spreadsheet::download(&sheet, FileType::Xlsx, "action-plans")
}
