//! Coaching sessions: schedule, read, edit, start, complete, cancel, no-show, acknowledge.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use domain::SessionId;
use dto::query::SessionQuery;
use dto::{
    AcknowledgeSession, CancelSession, CompleteSession, Page, ScheduleSession, Session, Transition,
    UpdateSession,
};
use persistence::PageRequest;
use persistence::sessions::{
    self, AgreedItem, Completion, NewSession, SessionChanges, SessionFilter, SessionRow, Step,
};

use crate::auth::Actor;
use crate::http::error::ApiResult;
use crate::http::extract::{self, IfMatch, Valid, ValidQuery, versioned};
use crate::state::AppState;
use crate::views::wire::{self, ToDto};

crate::routes::api_routes! {
    "/sessions" => get list_sessions, post schedule_session;
    "/sessions/{id}" => get get_session, patch update_session;
    "/sessions/{id}/preparation" => get prepare_session;
    "/sessions/{id}/start" => post start_session;
    "/sessions/{id}/complete" => post complete_session;
    "/sessions/{id}/cancel" => post cancel_session;
    "/sessions/{id}/no-show" => post mark_no_show;
    "/sessions/{id}/acknowledge" => post acknowledge_session;
}

fn respond(row: &SessionRow, app: &AppState, status: StatusCode) -> HttpResponse {
    let version = row.session.version;
    extract::changed(
        app,
        status,
        version,
        row.to_dto(),
        dto::Event::SessionChanged,
    )
}

/// List the sessions in my scope, by scheduled time.
#[utoipa::path(get, path = "/api/v1/sessions", tag = "coaching",
    params(SessionQuery),
    responses((status = 200, body = inline(Page<Session>))))]
#[tracing::instrument(skip_all)]
pub async fn list_sessions(
    actor: Actor,
    query: ValidQuery<SessionQuery>,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<Page<Session>>> {
    let query = query.into_inner();
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let filter = SessionFilter {
        agent_id: query.agent_id,
        team_leader_id: query.team_leader_id,
        status: query.status,
        from: query.from,
        to: query.to,
        unacknowledged: false,
    };
    let (rows, next_cursor) = sessions::list(&app.db, &actor, &filter, &page).await?;
    Ok(web::Json(Page {
        items: wire::all(&rows),
        next_cursor,
    }))
}

/// Schedule a session with an agent. A team leader coaches their own agents; a manager or admin
/// books the agent's team leader. Nobody is double-booked.
#[utoipa::path(post, path = "/api/v1/sessions", tag = "coaching",
    request_body = dto::ScheduleSession,
    responses((status = 201, body = dto::Session), (status = 409, body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn schedule_session(
    actor: Actor,
    body: Valid<ScheduleSession>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let new = NewSession {
        agent_id: body.agent_id,
        scheduled_at: body.scheduled_at,
        duration_minutes: body.duration_minutes,
        focus_areas: body.focus_areas,
        preparation_notes: body.preparation_notes,
    };
    let row = sessions::schedule(&app.db, &actor, new).await?;
    Ok(respond(&row, &app, StatusCode::CREATED))
}

/// Read a session in my scope.
#[utoipa::path(get, path = "/api/v1/sessions/{id}", tag = "coaching",
    params(("id" = Uuid, Path, description = "Session id")),
    responses((status = 200, body = dto::Session)))]
#[tracing::instrument(skip_all, fields(session.id = %id))]
pub async fn get_session(
    actor: Actor,
    id: web::Path<SessionId>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let (row, _) = sessions::find_in_scope(&app.db, &actor, *id).await?;
    Ok(versioned(
        StatusCode::OK,
        row.session.version,
        &row.to_dto(),
    ))
}

/// What to read before the session: the previous session, the agent's notes since, their open
/// action items. Only what the actor may see.
#[utoipa::path(get, path = "/api/v1/sessions/{id}/preparation", tag = "coaching",
    params(("id" = Uuid, Path, description = "Session id")),
    responses((status = 200, body = dto::SessionPreparation)))]
#[tracing::instrument(skip_all, fields(session.id = %id))]
pub async fn prepare_session(
    actor: Actor,
    id: web::Path<SessionId>,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<dto::SessionPreparation>> {
    let prepared = sessions::preparation(&app.db, &actor, *id).await?;
    Ok(web::Json(dto::SessionPreparation {
        session: prepared.session.to_dto(),
        previous_session: prepared.previous.as_ref().map(ToDto::to_dto),
        notes_since_last_session: wire::all(&prepared.notes),
        open_action_items: wire::all(&prepared.open_items),
    }))
}

/// Edit a session that is not over yet (time, length, focus, preparation).
#[utoipa::path(patch, path = "/api/v1/sessions/{id}", tag = "coaching",
    params(("id" = Uuid, Path, description = "Session id"), ("If-Match" = Option<String>, Header, description = "ETag of the version edited")),
    request_body = dto::UpdateSession,
    responses((status = 200, body = dto::Session)))]
#[tracing::instrument(skip_all, fields(session.id = %id))]
pub async fn update_session(
    actor: Actor,
    id: web::Path<SessionId>,
    if_match: IfMatch,
    body: Valid<UpdateSession>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let version = if_match.or_body(body.version)?;
    crate::http::extract::require_changes(&body)?;
    let changes = SessionChanges {
        scheduled_at: body.scheduled_at,
        duration_minutes: body.duration_minutes,
        focus_areas: body.focus_areas,
        preparation_notes: body.preparation_notes,
    };
    let row = sessions::update(&app.db, &actor, *id, version, changes).await?;
    Ok(respond(&row, &app, StatusCode::OK))
}

async fn step(
    actor: Actor,
    id: SessionId,
    version: i32,
    step: Step,
    app: &AppState,
) -> ApiResult<HttpResponse> {
    let row = sessions::step(&app.db, &actor, id, version, step).await?;
    Ok(respond(&row, app, StatusCode::OK))
}

/// Start a scheduled session.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/start", tag = "coaching",
    params(("id" = Uuid, Path, description = "Session id")), request_body = dto::Transition,
    responses((status = 200, body = dto::Session)))]
#[tracing::instrument(skip_all, fields(session.id = %id))]
pub async fn start_session(
    actor: Actor,
    id: web::Path<SessionId>,
    if_match: IfMatch,
    body: Valid<Transition>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let version = if_match.or_body(body.version)?;
    step(actor, *id, version, Step::Start, &app).await
}

/// Mark that the agent did not attend.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/no-show", tag = "coaching",
    params(("id" = Uuid, Path, description = "Session id")), request_body = dto::Transition,
    responses((status = 200, body = dto::Session)))]
#[tracing::instrument(skip_all, fields(session.id = %id))]
pub async fn mark_no_show(
    actor: Actor,
    id: web::Path<SessionId>,
    if_match: IfMatch,
    body: Valid<Transition>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let version = if_match.or_body(body.version)?;
    step(actor, *id, version, Step::NoShow, &app).await
}

/// Cancel a session, with the reason.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/cancel", tag = "coaching",
    params(("id" = Uuid, Path, description = "Session id")), request_body = dto::CancelSession,
    responses((status = 200, body = dto::Session)))]
#[tracing::instrument(skip_all, fields(session.id = %id))]
pub async fn cancel_session(
    actor: Actor,
    id: web::Path<SessionId>,
    if_match: IfMatch,
    body: Valid<CancelSession>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let version = if_match.or_body(body.version)?;
    step(
        actor,
        *id,
        version,
        Step::Cancel {
            reason: body.reason.trim().to_owned(),
        },
        &app,
    )
    .await
}

/// What a completion records, as persistence takes it.
fn completion(body: CompleteSession) -> Completion {
    let action_items = body
        .action_items
        .into_iter()
        .map(|item| AgreedItem {
            title: item.title,
            description: item.description,
            due_date: item.due_date,
            priority: item.priority,
            assignee_id: item.assignee_id,
        })
        .collect();
    Completion {
        session_notes: body.session_notes.trim().to_owned(),
        current_score: body.current_score,
        previous_score: body.previous_score,
        action_items,
    }
}

/// Complete a session: notes, score before and after, and the action items agreed, in one
/// transaction. A completed session never changes again.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/complete", tag = "coaching",
    params(("id" = Uuid, Path, description = "Session id")), request_body = dto::CompleteSession,
    responses((status = 200, body = dto::Session)))]
#[tracing::instrument(skip_all, fields(session.id = %id))]
pub async fn complete_session(
    actor: Actor,
    id: web::Path<SessionId>,
    if_match: IfMatch,
    body: Valid<CompleteSession>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let version = if_match.or_body(body.version)?;
    let completion = completion(body);
    let (row, items) = sessions::complete(&app.db, &actor, *id, version, completion).await?;
    crate::routes::action_items::publish_all(&app, &items);
    Ok(respond(&row, &app, StatusCode::OK))
}

/// The agent signs off a completed session with a comment.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/acknowledge", tag = "coaching",
    params(("id" = Uuid, Path, description = "Session id")), request_body = dto::AcknowledgeSession,
    responses((status = 200, body = dto::Session)))]
#[tracing::instrument(skip_all, fields(session.id = %id))]
pub async fn acknowledge_session(
    actor: Actor,
    id: web::Path<SessionId>,
    if_match: IfMatch,
    body: Valid<AcknowledgeSession>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let version = if_match.or_body(body.version)?;
    let comment = body.comment.trim().to_owned();
    let row = sessions::acknowledge(&app.db, &actor, *id, version, comment).await?;
    Ok(respond(&row, &app, StatusCode::OK))
}
