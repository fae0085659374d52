//! The audit log (admins) and announcements.

use actix_web::{HttpResponse, web};
use domain::{Action, Target, authorize};
use dto::query::{AuditQuery, PageQuery};
use dto::{Announcement, AuditEntry, AuditVerification, CreateAnnouncement, Page};
use persistence::PageRequest;
use persistence::governance::{self, AuditFilter};

use crate::auth::Actor;
use crate::http::error::ApiResult;
use crate::http::extract::{Valid, ValidQuery};
use crate::state::AppState;
use crate::views::wire::{self, ToDto};

crate::routes::api_routes! {
    "/audit" => get list_audit;
    "/audit/verify" => get verify_audit;
    "/announcements" => get list_announcements, post create_announcement;
}

/// The audit log, newest first (admin).
#[utoipa::path(get, path = "/api/v1/audit", tag = "governance",
    params(AuditQuery),
    responses((status = 200, body = inline(Page<AuditEntry>))))]
#[tracing::instrument(skip_all)]
pub async fn list_audit(
    actor: Actor,
    query: ValidQuery<AuditQuery>,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<Page<AuditEntry>>> {
    authorize(&actor, Action::ViewAudit, &Target::Global)?;
    let query = query.into_inner();
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let filter = AuditFilter {
        actor_id: query.actor_id,
        action: query.action,
        resource_type: query.resource_type,
        resource_id: query.resource_id,
        from: query.from,
        to: query.to,
    };
    let (entries, next_cursor) = governance::audit_page(&app.db, &filter, &page).await?;
    Ok(web::Json(Page {
        items: wire::all(&entries),
        next_cursor,
    }))
}

/// Recomputes the audit log's hash chain end to end (admin).
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "governance",
    responses((status = 200, body = dto::AuditVerification)))]
#[tracing::instrument(skip_all)]
pub async fn verify_audit(
    actor: Actor,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<AuditVerification>> {
    authorize(&actor, Action::ViewAudit, &Target::Global)?;
    Ok(web::Json(governance::verify_audit(&app.db).await?.to_dto()))
}

/// Announcements for me: everyone's and my teams', newest first.
#[utoipa::path(get, path = "/api/v1/announcements", tag = "governance",
    params(PageQuery),
    responses((status = 200, body = inline(Page<Announcement>))))]
#[tracing::instrument(skip_all)]
pub async fn list_announcements(
    actor: Actor,
    query: ValidQuery<PageQuery>,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<Page<Announcement>>> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let (rows, next_cursor) = governance::announcements(&app.db, &actor, &page).await?;
    Ok(web::Json(Page {
        items: wire::all(&rows),
        next_cursor,
    }))
}

/// Publish an announcement: admins to everyone or one team, managers to a team they manage.
#[utoipa::path(post, path = "/api/v1/announcements", tag = "governance",
    request_body = dto::CreateAnnouncement,
    responses((status = 201, body = dto::Announcement)))]
#[tracing::instrument(skip_all)]
pub async fn create_announcement(
    actor: Actor,
    body: Valid<CreateAnnouncement>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let team = body.team_id;
    let row = governance::announce(&app.db, &actor, &body.title, &body.body, team);
    let announcement = row.await?.to_dto();
    app.publish(dto::Event::AnnouncementPublished(Box::new(
        announcement.clone(),
    )));
    Ok(HttpResponse::Created().json(announcement))
}
