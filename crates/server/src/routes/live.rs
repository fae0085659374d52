//! Live updates: the WebSocket every open page listens on.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use dto::query::Resume;
use persistence::scope;

use crate::auth::Actor;
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::ValidQuery;
use crate::live::{self, Audience};
use crate::state::AppState;

crate::routes::api_routes! {
    "/ws" => get open_live;
    "/events" => get event_stream;
}

/// Open the live connection (WebSocket): the server sends `{seq, type, resource_id, data}` for
/// every change the caller may see. Authenticated like any request (bearer token, or the session
/// cookie from a page of this site's origin). A client that reconnects names its last seq in
/// `?after=` and gets what it missed first, in order; or it sends
/// `{"type":"resume","after":seq}` on an open connection for what is still missing (sent after
/// anything new that already went out). `{"type":"refetch"}` says the gap is gone.
#[utoipa::path(get, path = "/api/v1/ws", tag = "live", params(Resume),
    responses((status = 101, description = "Switching to the WebSocket protocol"),
        (status = 400, description = "Not a WebSocket handshake", body = dto::Problem),
        (status = 404, description = "Live updates are turned off (`ENABLE_REAL_TIME=false`)", body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn open_live(
    actor: Actor,
    req: HttpRequest,
    resume: ValidQuery<Resume>,
    body: web::Payload,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    real_time_on(&app)?;
    same_site(&req, &app.config.http.public_url)?;
    let audience = audience(&actor, &app).await?;
    let events = app.events.subscribe();
    let (response, session, messages) =
        actix_ws::handle(&req, body).map_err(|err| ApiError::BadRequest(err.to_string()))?;
    let bus = app.events.clone();
    let after = resume.after;
    let open = app.instruments.websocket_opened();
    actix_web::rt::spawn(async move {
        live::serve(session, messages, audience, bus, events, after).await;
        drop(open);
    });
    Ok(response)
}

/// Who is listening: the actor, their sign-in session, and the teams of the agents in their reach
/// (one statement).
async fn audience(actor: &Actor, app: &AppState) -> ApiResult<Audience> {
    let agent_teams = scope::agent_teams(&app.db, actor).await?;
    Ok(Audience::new(
        actor.actor.clone(),
        actor.session_id,
        actor.expires_at,
        agent_teams,
    ))
}

/// Live updates are served unless `ENABLE_REAL_TIME` turned them off (404: nothing is here).
fn real_time_on(app: &AppState) -> ApiResult<()> {
    if app.config.features.real_time {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

/// A browser opens a WebSocket with its cookies from any site; only pages of this site may use
/// them: the public URL's origin, or the host the request was sent to (API clients send a bearer
/// token and no cookie).
fn same_site(req: &HttpRequest, public_url: &str) -> ApiResult<()> {
    if req.headers().contains_key(header::AUTHORIZATION) {
        return Ok(());
    }
    // The site's origin: the public URL up to its path.
    let host_start = public_url.find("://").map_or(0, |i| i + 3);
    let site = match public_url[host_start..].find('/') {
        Some(path) => &public_url[..host_start + path],
        None => public_url,
    };
    match req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
    {
        Some(origin) if origin.eq_ignore_ascii_case(site) => Ok(()),
        _ => Err(ApiError::CsrfRejected),
    }
}

/// The live feed as server-sent events, for clients without WebSockets (the browser falls back
/// to it when a proxy blocks them): `id:` is the seq, `event:` the type, `data:` the same JSON as
/// on the WebSocket. `Last-Event-ID` (an `EventSource` reconnecting by itself), else `?after=`
/// (a client opening a new stream), resumes after that seq (or the first event is `refetch` when
/// it is gone).
#[utoipa::path(get, path = "/api/v1/events", tag = "live",
    params(("Last-Event-ID" = Option<u64>, Header, description = "The last seq received"), Resume),
    responses((status = 200, description = "An event stream", content_type = "text/event-stream"),
        (status = 400, description = "`Last-Event-ID` is not the seq of an event", body = dto::Problem),
        (status = 404, description = "Live updates are turned off (`ENABLE_REAL_TIME=false`)", body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn event_stream(
    actor: Actor,
    req: HttpRequest,
    resume: ValidQuery<Resume>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    real_time_on(&app)?;
    let last_event_id = last_event_id(&req, resume.after)?;
    let audience = audience(&actor, &app).await?;
    let events = app.events.subscribe();
    let stream = live::server_sent(audience, app.events.clone(), events, last_event_id);
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        // Compressed, the stream would wait in the encoder's buffer.
        .insert_header((header::CONTENT_ENCODING, "identity"))
        // Proxies (nginx) pass each event on at once instead of buffering the stream.
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(stream))
}

/// Where a reconnecting stream resumes: the browser's `Last-Event-ID`, else `?after=`.
fn last_event_id(req: &HttpRequest, after: Option<u64>) -> ApiResult<Option<u64>> {
    let Some(value) = req.headers().get("last-event-id") else {
        return Ok(after);
    };
    let seq = value.to_str().ok().and_then(|v| v.trim().parse().ok());
    seq.map(Some)
        .ok_or_else(|| ApiError::BadRequest("Last-Event-ID must be the seq of an event".into()))
}
