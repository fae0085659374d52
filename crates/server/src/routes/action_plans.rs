//! Action plans: draft, edit, submit, approve or reject, acknowledge, checkpoints, complete,
//! cancel.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use domain::{ActionPlanId, Priority};
use dto::query::PlanQuery;
use dto::{ActionPlan, CreateActionPlan, CreateCheckpoint, Page, PlanDecision, UpdateActionPlan};
use persistence::PageRequest;
use persistence::action_plans::{self, NewPlan, PlanChange, PlanFilter, PlanRow};

use crate::auth::Actor;
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{self, IfMatch, Valid, ValidQuery, required, versioned};
use crate::state::AppState;
use crate::views::wire::{self, ToDto};

crate::routes::api_routes! {
    "/action-plans" => get list_action_plans, post create_action_plan;
    "/action-plans/{id}" => get get_action_plan, patch update_action_plan;
    "/action-plans/{id}/checkpoints" => post add_checkpoint;
    "/action-plans/{id}/history" => get plan_history;
    "/action-plans/{id}/{decision}" => post decide_action_plan;
}

fn respond(row: PlanRow, status: StatusCode) -> HttpResponse {
    versioned(status, row.plan.version, &row.to_dto())
}

/// Publishes the change, then answers with the plan.
fn changed(app: &AppState, row: PlanRow, status: StatusCode) -> HttpResponse {
    let plan = row.to_dto();
    let version = plan.version;
    extract::changed(app, status, version, plan, dto::Event::ActionPlanChanged)
}

/// List the plans in my scope, newest first.
#[utoipa::path(get, path = "/api/v1/action-plans", tag = "coaching",
    params(PlanQuery),
    responses((status = 200, body = inline(Page<ActionPlan>))))]
#[tracing::instrument(skip_all)]
pub async fn list_action_plans(
    actor: Actor,
    query: ValidQuery<PlanQuery>,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<Page<ActionPlan>>> {
    let query = query.into_inner();
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let filter = PlanFilter {
        agent_id: query.agent_id,
        status: query.status,
    };
    let (items, next_cursor) = action_plans::list(&app.db, &actor, &filter, &page).await?;
    Ok(web::Json(Page {
        items: wire::all(&items),
        next_cursor,
    }))
}

/// The plan a request drafts, as persistence takes it.
fn new_plan(body: CreateActionPlan) -> NewPlan {
    NewPlan {
        agent_id: body.agent_id,
        title: body.title,
        goal: body.goal,
        start_date: body.start_date,
        end_date: body.end_date,
        items: body
            .items
            .into_iter()
            .map(|item| {
                (
                    item.title,
                    item.due_date,
                    item.description,
                    item.priority.unwrap_or(Priority::Medium),
                )
            })
            .collect(),
        targets: body
            .targets
            .into_iter()
            .map(|t| (t.kpi, t.operator, t.value, t.by_month))
            .collect(),
    }
}

/// Draft a plan for an agent I coach, with its items and KPI targets.
#[utoipa::path(post, path = "/api/v1/action-plans", tag = "coaching",
    request_body = dto::CreateActionPlan,
    responses((status = 201, body = dto::ActionPlan)))]
#[tracing::instrument(skip_all)]
pub async fn create_action_plan(
    actor: Actor,
    body: Valid<CreateActionPlan>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let new = new_plan(body.into_inner());
    let row = action_plans::create(&app.db, &actor, new).await?;
    let items = row.items.clone();
    let answer = changed(&app, row, StatusCode::CREATED);
    crate::routes::action_items::publish_all(&app, &items);
    Ok(answer)
}

/// Read a plan in my scope, with its targets checked against the agent's recorded metrics.
#[utoipa::path(get, path = "/api/v1/action-plans/{id}", tag = "coaching",
    params(("id" = Uuid, Path, description = "Action plan id")),
    responses((status = 200, body = dto::ActionPlan)))]
#[tracing::instrument(skip_all, fields(action_plan.id = %id))]
pub async fn get_action_plan(
    actor: Actor,
    id: web::Path<ActionPlanId>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let (plan, _) = action_plans::find_in_scope(&app.db, &actor, *id).await?;
    Ok(respond(
        action_plans::details(&app.db, &plan).await?.seen_by(&actor),
        StatusCode::OK,
    ))
}

/// A plan's history from the audit log, newest first: who did what, when (the audit log's
/// addresses and field values stay with admins).
#[utoipa::path(get, path = "/api/v1/action-plans/{id}/history", tag = "coaching",
    params(("id" = Uuid, Path, description = "Action plan id")),
    responses((status = 200, body = Vec<dto::PlanEvent>)))]
#[tracing::instrument(skip_all, fields(action_plan.id = %id))]
pub async fn plan_history(
    actor: Actor,
    id: web::Path<ActionPlanId>,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<Vec<dto::PlanEvent>>> {
    let (plan, _) = action_plans::find_in_scope(&app.db, &actor, *id).await?;
    let entries = persistence::governance::history(&app.db, "action_plan", plan.id).await?;
    Ok(web::Json(
        entries
            .into_iter()
            .map(|entry| dto::PlanEvent {
                occurred_at: entry.occurred_at,
                actor_id: entry.actor_id,
                what: entry
                    .action
                    .strip_prefix("action_plan.")
                    .unwrap_or(&entry.action)
                    .to_owned(),
            })
            .collect(),
    ))
}

/// Edit a draft plan.
#[utoipa::path(patch, path = "/api/v1/action-plans/{id}", tag = "coaching",
    params(("id" = Uuid, Path, description = "Action plan id"), ("If-Match" = Option<String>, Header, description = "ETag of the version edited")),
    request_body = dto::UpdateActionPlan,
    responses((status = 200, body = dto::ActionPlan)))]
#[tracing::instrument(skip_all, fields(action_plan.id = %id))]
pub async fn update_action_plan(
    actor: Actor,
    id: web::Path<ActionPlanId>,
    if_match: IfMatch,
    body: Valid<UpdateActionPlan>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let version = if_match.or_body(body.version)?;
    crate::http::extract::require_changes(&body)?;
    let change = PlanChange::Edit {
        title: body.title,
        goal: body.goal,
        start_date: body.start_date,
        end_date: body.end_date,
        targets: body.targets.map(|targets| {
            targets
                .into_iter()
                .map(|t| (t.kpi, t.operator, t.value, t.by_month))
                .collect()
        }),
    };
    Ok(changed(
        &app,
        action_plans::change(&app.db, &actor, *id, version, change).await?,
        StatusCode::OK,
    ))
}

/// Move a plan on: `submit`, `approve`, `reject` (reason), `acknowledge` (comment), `complete`
/// (outcome) or `cancel` (reason). The coach drafts, submits, completes and cancels; the agent's
/// manager approves or rejects; the agent acknowledges.
#[utoipa::path(post, path = "/api/v1/action-plans/{id}/{decision}", tag = "coaching",
    params(("id" = Uuid, Path, description = "Action plan id"), ("decision" = String, Path, description = "submit, approve, reject, acknowledge, complete or cancel")),
    request_body = dto::PlanDecision,
    responses((status = 200, body = dto::ActionPlan)))]
#[tracing::instrument(skip_all, fields(action_plan.id = %path.0, decision = %path.1))]
pub async fn decide_action_plan(
    actor: Actor,
    path: web::Path<(ActionPlanId, String)>,
    if_match: IfMatch,
    body: Valid<PlanDecision>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let (id, decision) = path.into_inner();
    let body = body.into_inner();
    let version = if_match.or_body(body.version)?;
    let trimmed = |text: String| text.trim().to_owned();
    let change = match decision.as_str() {
        "submit" => PlanChange::Submit,
        "approve" => PlanChange::Approve,
        "reject" => PlanChange::Reject(trimmed(required(body.reason, "reason")?)),
        "acknowledge" => PlanChange::Acknowledge(trimmed(body.comment.unwrap_or_default())),
        "complete" => PlanChange::Complete(required(body.outcome, "outcome")?),
        "cancel" => PlanChange::Cancel(trimmed(required(body.reason, "reason")?)),
        _ => return Err(ApiError::NotFound),
    };
    Ok(changed(
        &app,
        action_plans::change(&app.db, &actor, id, version, change).await?,
        StatusCode::OK,
    ))
}

/// Record a dated checkpoint on an open plan.
#[utoipa::path(post, path = "/api/v1/action-plans/{id}/checkpoints", tag = "coaching",
    params(("id" = Uuid, Path, description = "Action plan id")),
    request_body = dto::CreateCheckpoint,
    responses((status = 201, body = dto::ActionPlan)))]
#[tracing::instrument(skip_all, fields(action_plan.id = %id))]
pub async fn add_checkpoint(
    actor: Actor,
    id: web::Path<ActionPlanId>,
    body: Valid<CreateCheckpoint>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let plan = action_plans::add_checkpoint(&app.db, &actor, *id, body.date, body.notes);
    Ok(changed(&app, plan.await?, StatusCode::CREATED))
}
