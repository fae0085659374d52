//! Teams: list, create, read, edit (name, leader, manager, agents).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use domain::{Action, Target, TeamId, authorize};
use dto::query::PageQuery;
use dto::{CreateTeam, Page, Team, UpdateTeam};
use persistence::PageRequest;
use persistence::teams::{self, TeamChanges, TeamRow};

use crate::auth::Actor;
use crate::http::error::ApiResult;
use crate::http::extract::{self, IfMatch, Valid, ValidQuery, located, versioned};
use crate::state::AppState;
use crate::views::wire::{self, ToDto};

crate::routes::api_routes! {
    "/teams" => get list_teams, post create_team;
    "/teams/{id}" => get get_team, patch update_team;
}

fn respond(status: StatusCode, row: &TeamRow) -> HttpResponse {
    versioned(status, row.team.version, &row.to_dto())
}

/// Publishes the change, then answers with the team.
fn changed(app: &AppState, status: StatusCode, row: &TeamRow) -> HttpResponse {
    let team = row.to_dto();
    let version = team.version;
    extract::changed(app, status, version, team, dto::Event::TeamChanged)
}

/// List the teams I lead, manage (or all, as admin), by name.
#[utoipa::path(get, path = "/api/v1/teams", tag = "people",
    params(PageQuery),
    responses((status = 200, body = inline(Page<Team>))))]
#[tracing::instrument(skip_all)]
pub async fn list_teams(
    actor: Actor,
    query: ValidQuery<PageQuery>,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<Page<Team>>> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let (rows, next_cursor) = teams::list(&app.db, &actor, &page).await?;
    Ok(web::Json(Page {
        items: wire::all(&rows),
        next_cursor,
    }))
}

/// Create a team (admin).
#[utoipa::path(post, path = "/api/v1/teams", tag = "people",
    request_body = dto::CreateTeam,
    responses((status = 201, body = dto::Team), (status = 409, body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn create_team(
    actor: Actor,
    body: Valid<CreateTeam>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    authorize(&actor, Action::CreateTeam, &Target::Global)?;
    let body = body.into_inner();
    let row = teams::create(
        &app.db,
        &actor.origin,
        &body.name,
        body.team_leader_id,
        body.manager_id,
        &body.analyst_ids,
    )
    .await?;
    Ok(located(
        changed(&app, StatusCode::CREATED, &row),
        &format!("/api/v1/teams/{}", row.team.id),
    ))
}

/// Read a team I lead, manage or evaluate.
#[utoipa::path(get, path = "/api/v1/teams/{id}", tag = "people",
    params(("id" = Uuid, Path, description = "Team id")),
    responses((status = 200, body = dto::Team)))]
#[tracing::instrument(skip_all, fields(team.id = %id))]
pub async fn get_team(
    actor: Actor,
    id: web::Path<TeamId>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let row = teams::find_in_scope(&app.db, &actor, *id).await?;
    Ok(respond(StatusCode::OK, &row))
}

/// Edit a team. Name, leader and manager: admin. Agents: admin, or the team's manager for agents
/// coming from other teams they manage.
#[utoipa::path(patch, path = "/api/v1/teams/{id}", tag = "people",
    params(("id" = Uuid, Path, description = "Team id"), ("If-Match" = Option<String>, Header, description = "ETag of the version edited")),
    request_body = dto::UpdateTeam,
    responses((status = 200, body = dto::Team)))]
#[tracing::instrument(skip_all, fields(team.id = %id))]
pub async fn update_team(
    actor: Actor,
    id: web::Path<TeamId>,
    if_match: IfMatch,
    body: Valid<UpdateTeam>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let version = if_match.or_body(body.version)?;
    crate::http::extract::require_changes(&body)?;
    let changes = TeamChanges {
        name: body.name,
        team_leader_id: body.team_leader_id,
        manager_id: body.manager_id,
        agent_ids: body.agent_ids.map(|ids| ids.into_iter().collect()),
        analyst_ids: body.analyst_ids,
    };
    let row = teams::update(&app.db, &actor, *id, version, changes).await?;
    Ok(changed(&app, StatusCode::OK, &row))
}
