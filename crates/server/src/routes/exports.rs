//! Spreadsheets of the coaching lists (`/api/v1/{quick-notes,action-items,action-plans}/export.xlsx`):
//! every row the actor may read in the list (the same scoped queries), optionally of one agent,
//! as an Excel workbook with a bold, frozen, filtered header and typed cells (see
//! `crate::views::spreadsheet`). The metrics workbook sits beside its CSV twin in `metrics_csv`.

use std::collections::HashMap;
use std::future::Future;

use actix_web::{HttpResponse, web};
use domain::UserId;
use garde::Validate;
use persistence::action_items::{self, ItemFilter};
use persistence::action_plans::{self, PlanFilter};
use persistence::quick_notes::{self, NoteFilter};
use persistence::{PageRequest, StoreError, users};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::Actor;
use crate::http::error::ApiResult;
use crate::http::extract::ValidQuery;
use crate::state::AppState;
use crate::views::spreadsheet::{self, Cell, FileType, Sheet};

crate::routes::api_routes! {
    "/quick-notes/export.xlsx" => get export_quick_notes;
    "/action-items/export.xlsx" => get export_action_items;
    "/action-plans/export.xlsx" => get export_action_plans;
}

/// Which rows to export: all the actor may read, or one agent's.
#[derive(Debug, Deserialize, Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct ExportQuery {
    /// Only about this agent.
    pub agent_id: Option<UserId>,
}

/// Rows fetched a page at a time until the last.
const PAGE: u64 = 200;

/// Every row `fetch` finds, page after page.
async fn every<T, Fut>(mut fetch: impl FnMut(PageRequest) -> Fut) -> ApiResult<Vec<T>>
where
    Fut: Future<Output = Result<(Vec<T>, Option<String>), StoreError>>,
{
    let mut rows = Vec::new();
    let mut page = PageRequest::new(Some(PAGE), None)?;
    loop {
        let (mut found, next) = fetch(page).await?;
        rows.append(&mut found);
        match next {
            Some(cursor) => page = PageRequest::new(Some(PAGE), Some(&cursor))?,
            None => return Ok(rows),
        }
    }
}

fn name(names: &HashMap<Uuid, String>, id: Uuid) -> Cell {
    Cell::from(names.get(&id).cloned())
}

fn yes_no(yes: bool) -> Cell {
    Cell::from(if yes { "Yes" } else { "No" })
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
    let filter = NoteFilter {
        agent_id: query.agent_id.map(UserId::uuid),
        ..NoteFilter::default()
    };
    let notes = every(|page| {
        let (db, actor, filter) = (&app.db, &actor, &filter);
        async move { quick_notes::list(db, actor, filter, &page).await }
    })
    .await?;
    let people = notes.iter().flat_map(|n| [n.agent_id, n.author_id]);
    let names = users::names(&app.db, people.collect::<Vec<_>>()).await?;
    let mut sheet = Sheet::new(
        "Quick notes",
        &[
            "Written",
            "Agent",
            "Author",
            "Category",
            "Visibility",
            "Note",
        ],
    );
    sheet.rows = notes
        .iter()
        .map(|note| {
            vec![
                Cell::from(note.created_at),
                name(&names, note.agent_id),
                name(&names, note.author_id),
                Cell::from(note.category.as_str()),
                Cell::from(note.visibility.as_str()),
                Cell::from(note.content.as_str()),
            ]
        })
        .collect();
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
    let filter = ItemFilter {
        agent_id: query.agent_id.map(UserId::uuid),
        ..ItemFilter::default()
    };
    let items = every(|page| {
        let (db, actor, filter) = (&app.db, &actor, &filter);
        async move { action_items::list(db, actor, filter, &page).await }
    })
    .await?;
    let people = items.iter().flat_map(|i| [i.agent_id, i.assignee_id]);
    let names = users::names(&app.db, people.collect::<Vec<_>>()).await?;
    // Overdue as the list says it: open and due before today (UTC).
    let today = chrono::Utc::now().date_naive();
    let mut sheet = Sheet::new(
        "Action items",
        &[
            "Title",
            "Agent",
            "Assignee",
            "Priority",
            "Status",
            "Due",
            "Overdue",
            "Completed",
            "Created",
            "Description",
        ],
    );
    sheet.rows = items
        .iter()
        .map(|item| {
            vec![
                Cell::from(item.title.as_str()),
                name(&names, item.agent_id),
                name(&names, item.assignee_id),
                Cell::from(item.priority.as_str()),
                Cell::from(item.status.as_str()),
                Cell::from(item.due_date),
                yes_no(item.status.is_open() && item.due_date < today),
                Cell::from(item.completed_at),
                Cell::from(item.created_at),
                Cell::from(item.description.clone()),
            ]
        })
        .collect();
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
    let filter = PlanFilter {
        agent_id: query.agent_id.map(UserId::uuid),
        ..PlanFilter::default()
    };
    let plans = every(|page| {
        let (db, actor, filter) = (&app.db, &actor, &filter);
        async move { action_plans::list(db, actor, filter, &page).await }
    })
    .await?;
    let names = users::names(
        &app.db,
        plans.iter().map(|p| p.plan.agent_id).collect::<Vec<_>>(),
    )
    .await?;
    let mut sheet = Sheet::new(
        "Action plans",
        &[
            "Title",
            "Agent",
            "Status",
            "Start",
            "End",
            "Goal",
            "Items",
            "Items done",
            "Outcome",
            "Approved",
        ],
    );
    sheet.rows = plans
        .iter()
        .map(|row| {
            let plan = &row.plan;
            let done = row
                .items
                .iter()
                .filter(|i| i.completed_at.is_some())
                .count();
            vec![
                Cell::from(plan.title.as_str()),
                name(&names, plan.agent_id),
                Cell::from(plan.status.as_str()),
                Cell::from(plan.start_date),
                Cell::from(plan.end_date),
                Cell::from(plan.goal.as_str()),
                Cell::from(row.items.len() as f64),
                Cell::from(done as f64),
                Cell::from(plan.outcome.map(|o| o.as_str())),
                Cell::from(plan.approved_at),
            ]
        })
        .collect();
    spreadsheet::download(&sheet, FileType::Xlsx, "action-plans")
}
