//! Quick notes: capture, list, edit, delete.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use domain::QuickNoteId;
use dto::query::QuickNoteQuery;
use dto::{CreateQuickNote, Page, QuickNote, UpdateQuickNote};
use persistence::PageRequest;
use persistence::entity::quick_note;
use persistence::quick_notes::{self, NewNote, NoteChanges, NoteFilter};

use crate::auth::Actor;
use crate::http::error::ApiResult;
use crate::http::extract::{self, IdempotencyKey, IfMatch, Valid, ValidQuery, versioned};
use crate::state::AppState;
use crate::views::wire::{self, ToDto};

crate::routes::api_routes! {
    "/quick-notes" => get list_quick_notes, post create_quick_note;
    "/quick-notes/{id}" => get get_quick_note, patch update_quick_note, delete delete_quick_note;
}

fn respond(note: &quick_note::Model, app: &AppState, status: StatusCode) -> HttpResponse {
    let version = note.version;
    extract::changed(
        app,
        status,
        version,
        note.to_dto(),
        dto::Event::QuickNoteChanged,
    )
}

/// List the notes I may see: mine, and shared notes about agents in my scope. Newest first.
#[utoipa::path(get, path = "/api/v1/quick-notes", tag = "coaching",
    params(QuickNoteQuery),
    responses((status = 200, body = inline(Page<QuickNote>))))]
#[tracing::instrument(skip_all)]
pub async fn list_quick_notes(
    actor: Actor,
    query: ValidQuery<QuickNoteQuery>,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<Page<QuickNote>>> {
    let query = query.into_inner();
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let filter = NoteFilter {
        agent_id: query.agent_id,
        category: query.category,
        q: query.q,
        since: query.from,
        until: query.to,
    };
    let (notes, next_cursor) = quick_notes::list(&app.db, &actor, &filter, &page).await?;
    Ok(web::Json(Page {
        items: wire::all(&notes),
        next_cursor,
    }))
}

/// Write a note about an agent I coach. With `Idempotency-Key`, sending the same note again
/// (after an answer that never arrived) answers with the note the first request made, marked
/// `Idempotent-Replayed: true`, and writes nothing.
#[utoipa::path(post, path = "/api/v1/quick-notes", tag = "coaching",
    params(("Idempotency-Key" = Option<String>, Header,
        description = "1-255 visible ASCII characters, unique per note; kept for a day")),
    request_body = dto::CreateQuickNote,
    responses((status = 201, body = dto::QuickNote, headers(
        ("Idempotent-Replayed" = String, description = "`true` when an earlier request with this key made the note")))))]
#[tracing::instrument(skip_all)]
pub async fn create_quick_note(
    actor: Actor,
    req: HttpRequest,
    key: IdempotencyKey,
    body: Valid<CreateQuickNote>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let idempotency = key.of(&req, &body);
    let new = NewNote {
        agent_id: body.agent_id,
        author_id: actor.user.id,
        content: body.content,
        category: body.category,
        visibility: body.visibility,
    };
    let written = quick_notes::create(&app.db, &actor, new, idempotency.as_ref()).await?;
    if written.replayed {
        return Ok(extract::replayed(
            written.record.version,
            &written.record.to_dto(),
        ));
    }
    Ok(respond(&written.record, &app, StatusCode::CREATED))
}

/// Read a note I may see.
#[utoipa::path(get, path = "/api/v1/quick-notes/{id}", tag = "coaching",
    params(("id" = Uuid, Path, description = "Quick note id")),
    responses((status = 200, body = dto::QuickNote)))]
#[tracing::instrument(skip_all, fields(quick_note.id = %id))]
pub async fn get_quick_note(
    actor: Actor,
    id: web::Path<QuickNoteId>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let (note, _) = quick_notes::find_in_scope(&app.db, &actor, *id).await?;
    Ok(versioned(StatusCode::OK, note.version, &note.to_dto()))
}

/// Edit my note (an admin may edit shared notes).
#[utoipa::path(patch, path = "/api/v1/quick-notes/{id}", tag = "coaching",
    params(("id" = Uuid, Path, description = "Quick note id"), ("If-Match" = Option<String>, Header, description = "ETag of the version edited")),
    request_body = dto::UpdateQuickNote,
    responses((status = 200, body = dto::QuickNote)))]
#[tracing::instrument(skip_all, fields(quick_note.id = %id))]
pub async fn update_quick_note(
    actor: Actor,
    id: web::Path<QuickNoteId>,
    if_match: IfMatch,
    body: Valid<UpdateQuickNote>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let version = if_match.or_body(body.version)?;
    crate::http::extract::require_changes(&body)?;
    let changes = NoteChanges {
        content: body.content,
        category: body.category,
        visibility: body.visibility,
    };
    let note = quick_notes::update(&app.db, &actor, *id, version, changes).await?;
    Ok(respond(&note, &app, StatusCode::OK))
}

/// Delete my note (an admin may delete shared notes).
#[utoipa::path(delete, path = "/api/v1/quick-notes/{id}", tag = "coaching",
    params(("id" = Uuid, Path, description = "Quick note id"), ("If-Match" = Option<String>, Header, description = "ETag of the version deleted")),
    responses((status = 204)))]
#[tracing::instrument(skip_all, fields(quick_note.id = %id))]
pub async fn delete_quick_note(
    actor: Actor,
    id: web::Path<QuickNoteId>,
    if_match: IfMatch,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let note = quick_notes::delete(&app.db, &actor, *id, if_match.0).await?;
    app.publish(dto::Event::QuickNoteDeleted {
        id: note.id,
        agent_id: note.agent_id,
        author_id: note.author_id,
        visibility: note.visibility,
    });
    Ok(HttpResponse::NoContent().finish())
}
