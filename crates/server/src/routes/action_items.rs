//! Action items: list, create, move forward, edit, cancel, re-assign.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use domain::ActionItemId;
use dto::query::ActionItemQuery;
use dto::{ActionItem, CreateActionItem, Page, UpdateActionItem};
use persistence::PageRequest;
use persistence::action_items::{self, ItemChanges, ItemFilter, NewItem};
use persistence::entity::action_item;
use persistence::{action_plans, sessions};

use crate::auth::Actor;
use crate::http::error::ApiResult;
use crate::http::extract::{self, IfMatch, Valid, ValidQuery, versioned};
use crate::state::AppState;
use crate::views::wire::{self, ToDto};

crate::routes::api_routes! {
    "/action-items" => get list_action_items, post create_action_item;
    "/action-items/{id}" => get get_action_item, patch update_action_item;
}

fn respond(item: &action_item::Model, app: &AppState, status: StatusCode) -> HttpResponse {
    let version = item.version;
    extract::changed(
        app,
        status,
        version,
        item.to_dto(),
        dto::Event::ActionItemChanged,
    )
}

/// Publishes items as committed (a session's completion created them).
pub fn publish_all(app: &AppState, items: &[action_item::Model]) {
    for item in items {
        app.publish(dto::Event::ActionItemChanged(Box::new(item.to_dto())));
    }
}

/// List the action items in my scope, soonest due first.
#[utoipa::path(get, path = "/api/v1/action-items", tag = "coaching",
    params(ActionItemQuery),
    responses((status = 200, body = inline(Page<ActionItem>))))]
#[tracing::instrument(skip_all)]
pub async fn list_action_items(
    actor: Actor,
    query: ValidQuery<ActionItemQuery>,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<Page<ActionItem>>> {
    let query = query.into_inner();
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let filter = ItemFilter {
        assignee_id: query.assignee_id,
        agent_id: query.agent_id,
        session_id: query.session_id,
        plan_id: query.plan_id,
        status: query.status,
        due_before: query.due_before,
        due_from: query.due_from,
        open_only: false,
    };
    let (items, next_cursor) = action_items::list(&app.db, &actor, &filter, &page).await?;
    Ok(web::Json(Page {
        items: wire::all(&items),
        next_cursor,
    }))
}

/// Create an action item: from a session (about its agent) or on its own (about the assignee,
/// who must then be an agent).
#[utoipa::path(post, path = "/api/v1/action-items", tag = "coaching",
    request_body = dto::CreateActionItem,
    responses((status = 201, body = dto::ActionItem),
        (status = 409, description = "The session or plan is closed to new items", body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn create_action_item(
    actor: Actor,
    body: Valid<CreateActionItem>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let new = NewItem {
        assignee_id: body.assignee_id,
        title: body.title,
        description: body.description,
        due_date: body.due_date,
        priority: body.priority,
    };
    // The body names a session or a plan, not both (`dto::CreateActionItem` checks it).
    let db = &app.db;
    let item = match (body.session_id, body.plan_id) {
        (Some(session), _) => sessions::add_item(db, &actor, session, new).await?,
        (None, Some(plan)) => action_plans::add_item(db, &actor, plan, new).await?,
        (None, None) => action_items::create(db, &actor, new).await?,
    };
    Ok(respond(&item, &app, StatusCode::CREATED))
}

/// Read an action item in my scope.
#[utoipa::path(get, path = "/api/v1/action-items/{id}", tag = "coaching",
    params(("id" = Uuid, Path, description = "Action item id")),
    responses((status = 200, body = dto::ActionItem)))]
#[tracing::instrument(skip_all, fields(action_item.id = %id))]
pub async fn get_action_item(
    actor: Actor,
    id: web::Path<ActionItemId>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let (item, _) = action_items::find_in_scope(&app.db, &actor, *id).await?;
    Ok(versioned(StatusCode::OK, item.version, &item.to_dto()))
}

/// Move an item forward (its assignee or the coach side), or edit, re-assign or cancel it (the
/// coach side only).
#[utoipa::path(patch, path = "/api/v1/action-items/{id}", tag = "coaching",
    params(("id" = Uuid, Path, description = "Action item id"), ("If-Match" = Option<String>, Header, description = "ETag of the version edited")),
    request_body = dto::UpdateActionItem,
    responses((status = 200, body = dto::ActionItem)))]
#[tracing::instrument(skip_all, fields(action_item.id = %id))]
pub async fn update_action_item(
    actor: Actor,
    id: web::Path<ActionItemId>,
    if_match: IfMatch,
    body: Valid<UpdateActionItem>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let version = if_match.or_body(body.version)?;
    crate::http::extract::require_changes(&body)?;
    let changes = ItemChanges {
        status: body.status,
        cancel_reason: body.cancel_reason,
        title: body.title,
        description: body.description,
        due_date: body.due_date,
        priority: body.priority,
        assignee_id: body.assignee_id,
    };
    let item = action_items::update(&app.db, &actor, *id, version, changes).await?;
    Ok(respond(&item, &app, StatusCode::OK))
}
