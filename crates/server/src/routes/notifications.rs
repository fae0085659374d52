//! The signed-in person's notifications: read them, mark them read, choose email and reminders.
//! Nobody reads another's.

use actix_web::web;
use dto::query::NotificationQuery;
use dto::{EmailNotifications, MarkRead, Marked, Notifications};
use persistence::PageRequest;
use persistence::reminders::{self, Kind};
use persistence::{emails, notifications};

use crate::auth::Actor;
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{Valid, ValidQuery};
use crate::state::AppState;
use crate::views::wire;

crate::routes::api_routes! {
    "/notifications" => get list_notifications;
    "/notifications/read" => post mark_notifications_read;
    "/me/email-notifications" => get get_email_notifications, put set_email_notifications;
    "/me/reminders" => get get_reminders, put set_reminders;
}

/// Whether I am emailed what needs me (when the server sends email: `GET /api/v1/config`).
#[utoipa::path(get, path = "/api/v1/me/email-notifications", tag = "notifications",
    responses((status = 200, body = EmailNotifications)))]
#[tracing::instrument(skip_all)]
pub async fn get_email_notifications(
    actor: Actor,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<EmailNotifications>> {
    let out = emails::opted_out(&app.db, actor.user.id).await?;
    Ok(web::Json(EmailNotifications { enabled: !out }))
}

/// Turn my email notifications on or off (the bell keeps every notification either way).
#[utoipa::path(put, path = "/api/v1/me/email-notifications", tag = "notifications",
    request_body = EmailNotifications,
    responses((status = 200, body = EmailNotifications), (status = 422, body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn set_email_notifications(
    actor: Actor,
    body: Valid<EmailNotifications>,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<EmailNotifications>> {
    let body = body.into_inner();
    emails::set_opted_out(&app.db, actor.user.id, !body.enabled).await?;
    Ok(web::Json(body))
}

/// Which reminders I get (`crate::workers::reminders`).
#[utoipa::path(get, path = "/api/v1/me/reminders", tag = "notifications",
    responses((status = 200, body = dto::ReminderChoices)))]
#[tracing::instrument(skip_all)]
pub async fn get_reminders(
    actor: Actor,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<dto::ReminderChoices>> {
    let on = reminders::choices(&app.db, actor.user.id).await?;
    Ok(web::Json(dto::ReminderChoices {
        acknowledgements: on.contains(&Kind::Acknowledge),
        sessions: on.contains(&Kind::Session),
        overdue_digest: on.contains(&Kind::OverdueDigest),
    }))
}

/// Turn each kind of reminder on or off for me.
#[utoipa::path(put, path = "/api/v1/me/reminders", tag = "notifications",
    request_body = dto::ReminderChoices,
    responses((status = 200, body = dto::ReminderChoices), (status = 422, body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn set_reminders(
    actor: Actor,
    body: Valid<dto::ReminderChoices>,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<dto::ReminderChoices>> {
    let body = body.into_inner();
    let on: Vec<Kind> = [
        (body.acknowledgements, Kind::Acknowledge),
        (body.sessions, Kind::Session),
        (body.overdue_digest, Kind::OverdueDigest),
    ]
    .into_iter()
    .filter_map(|(on, kind)| on.then_some(kind))
    .collect();
    reminders::set_choices(&app.db, actor.user.id, &on).await?;
    Ok(web::Json(body))
}

/// My notifications, newest first, with how many are unread.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications",
    params(NotificationQuery),
    responses((status = 200, body = Notifications)))]
#[tracing::instrument(skip_all)]
pub async fn list_notifications(
    actor: Actor,
    query: ValidQuery<NotificationQuery>,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<Notifications>> {
    let query = query.into_inner();
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let me = actor.user.id;
    let (rows, next_cursor) = notifications::list(&app.db, me, query.unread, &page).await?;
    Ok(web::Json(Notifications {
        items: wire::all(&rows),
        next_cursor,
        unread: notifications::unread(&app.db, me).await?,
    }))
}

/// Marks some of my notifications (`ids`) or all of them (`all: true`) read. Ids that are not
/// mine, or already read, change nothing.
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "notifications",
    request_body = MarkRead,
    responses((status = 200, body = Marked)))]
#[tracing::instrument(skip_all)]
pub async fn mark_notifications_read(
    actor: Actor,
    body: Valid<MarkRead>,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<Marked>> {
    let body = body.into_inner();
    let ids = match (body.ids, body.all) {
        (Some(ids), false) => Some(ids),
        (None, true) => None,
        _ => {
            return Err(ApiError::invalid(
                "ids",
                "give the ids to mark read, or all: true (not both)",
            ));
        }
    };
    let me = actor.user.id;
    let marked = notifications::mark_read(&app.db, me, ids.as_deref()).await?;
    Ok(web::Json(Marked {
        marked,
        unread: notifications::unread(&app.db, me).await?,
    }))
}
