//! Calendar feeds: `/api/v1/me/calendar` makes, shows and ends a person's feed, and
//! `/api/v1/calendar/{token}.ics` serves it to their calendar app, which can send no other
//! credential. The feed holds each session's time, people and state (iCalendar, the `icalendar`
//! crate), never its notes or focus areas: calendars are synced to other companies' clouds.

use actix_web::{HttpResponse, web};
use chrono::{Duration, Utc};
use dto::{CalendarFeed, CreatedCalendarFeed};
use icalendar::{Calendar, Class, Component, Event, EventLike, EventStatus};
use persistence::calendar_feeds::{self, FeedSession};

use crate::auth::Actor;
use crate::auth::tokens::{hash_token, random_token};
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;

crate::routes::api_routes! {
    "/me/calendar" => get get_feed, post create_feed, delete remove_feed;
    "/calendar/{token}.ics" => get feed;
}

/// How every feed token starts, so a leaked one is recognised.
const FEED_TOKEN_PREFIX: &str = "chc_";

/// How far back a feed reaches.
const DAYS_BACK: i64 = 180;

/// Whether I have a calendar feed, and since when.
#[utoipa::path(get, path = "/api/v1/me/calendar", tag = "calendar",
    responses((status = 200, body = dto::CalendarFeed)))]
#[tracing::instrument(skip_all)]
pub async fn get_feed(
    actor: Actor,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<CalendarFeed>> {
    actor.require_person()?;
    let created_at = calendar_feeds::created_at(&app.db, actor.user.id).await?;
    Ok(web::Json(CalendarFeed { created_at }))
}

/// Make my calendar feed, or a new one whose URL replaces the old (which then answers 404). The
/// URL is in this answer only.
#[utoipa::path(post, path = "/api/v1/me/calendar", tag = "calendar",
    responses((status = 201, body = dto::CreatedCalendarFeed)))]
#[tracing::instrument(skip_all)]
pub async fn create_feed(actor: Actor, app: web::Data<AppState>) -> ApiResult<HttpResponse> {
    actor.require_person()?;
    let token = format!("{FEED_TOKEN_PREFIX}{}", random_token());
    let created_at =
        calendar_feeds::replace(&app.db, &actor.origin, actor.user.id, hash_token(&token)).await?;
    let url = format!("{}/api/v1/calendar/{token}.ics", app.config.http.public_url);
    Ok(HttpResponse::Created().json(CreatedCalendarFeed { url, created_at }))
}

/// End my calendar feed: its URL answers 404 from now on.
#[utoipa::path(delete, path = "/api/v1/me/calendar", tag = "calendar",
    responses((status = 204)))]
#[tracing::instrument(skip_all)]
pub async fn remove_feed(actor: Actor, app: web::Data<AppState>) -> ApiResult<HttpResponse> {
    actor.require_person()?;
    calendar_feeds::remove(&app.db, &actor.origin, actor.user.id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A calendar feed: its owner's coaching sessions of the last six months and to come, each an
/// event whose UID stays and whose SEQUENCE grows with every change, cancelled ones as
/// `STATUS:CANCELLED`, times in UTC. 404 for a token that is unknown, replaced or whose owner
/// may no longer sign in.
#[utoipa::path(get, path = "/api/v1/calendar/{token}.ics", tag = "calendar",
    params(("token" = String, Path, description = "The feed's secret token")),
    responses(
        (status = 200, description = "iCalendar (RFC 5545)", content_type = "text/calendar", body = String),
        (status = 404, body = dto::Problem),
    ),
    security(()))]
#[tracing::instrument(skip_all)]
pub async fn feed(token: web::Path<String>, app: web::Data<AppState>) -> ApiResult<HttpResponse> {
    if !token.starts_with(FEED_TOKEN_PREFIX) {
        return Err(ApiError::NotFound);
    }
    let since = Utc::now() - Duration::days(DAYS_BACK);
    let sessions = calendar_feeds::sessions(&app.db, &hash_token(&token), since)
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut calendar = Calendar::new().name("Coaching sessions").done();
    for session in &sessions {
        calendar.push(event(session, &app.config.http.public_url));
    }
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header(("cache-control", "private, max-age=300"))
        .body(calendar.to_string()))
}

/// One session as an event (the feed's, and an email's invitation).
pub fn event(row: &FeedSession, public_url: &str) -> Event {
    let session = &row.session;
    let ends = session.scheduled_at + Duration::minutes(i64::from(session.duration_minutes));
    let status = if session.status == domain::SessionStatus::Cancelled {
        EventStatus::Cancelled
    } else {
        EventStatus::Confirmed
    };
    let link = format!("{public_url}/sessions/{}", session.id);
    Event::new()
        .uid(&format!("{}@coaching-hub", session.id))
        .sequence(u32::try_from(session.version - 1).unwrap_or_default())
        .timestamp(session.updated_at)
        .last_modified(session.updated_at)
        .starts(session.scheduled_at)
        .ends(ends)
        .summary(&format!(
            "Coaching: {} with {}",
            row.agent_name, row.team_leader_name
        ))
        .description(&format!(
            "Coaching session of {} with {}. Open it in Coaching Hub: {link}",
            row.agent_name, row.team_leader_name
        ))
        .url(&link)
        .class(Class::Private)
        .status(status)
        .done()
}
