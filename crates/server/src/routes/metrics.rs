//! Performance: monthly KPI values, scorecards, the KPI catalogue and its configurations.

use dto::query::{MonthQuery, MonthRange, PreviewQuery, YearQuery};
use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::Datelike;
use domain::{Action, Target, TeamId, UserId, authorize};
use dto::{CreateKpi, MetricMonth, ScorecardSettings, UpdateScorecardConfig};
use persistence::metrics::{self};

use crate::auth::{Actor, TokenGrants};
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{IfMatch, Valid, ValidQuery, parse_json, versioned};
use crate::state::AppState;
use crate::views::{scorecards, wire};

crate::routes::api_routes! {
    "/agents/{id}/metrics" => get list_agent_metrics;
    "/agents/{id}/metrics/{month}" with TokenGrants::METRICS => put upsert_agent_metrics;
    "/agents/{id}/scorecard" => get get_agent_scorecard;
    "/teams/{id}/scorecard" => get get_team_scorecard;
    "/scorecard/config" => get get_scorecard_config, put update_scorecard_config;
    "/scorecard/config/preview" => post preview_scorecard_config;
    "/kpis" => post create_kpi;
    "/kpis/{key}" => patch update_kpi;
}

fn this_month() -> String {
    chrono::Utc::now().format("%Y-%m").to_string()
}

fn month_param(field: &str, value: &str) -> ApiResult<String> {
    if domain::scorecard::is_month(value) {
        Ok(value.to_owned())
    } else {
        Err(ApiError::invalid(field, "must be a month written YYYY-MM"))
    }
}

/// The first and last month of `range`, defaults filled in: the twelve months to this one. A
/// `from` after `to` selects nothing.
pub fn months(range: &MonthRange) -> ApiResult<(String, String)> {
    let to = match &range.to {
        Some(to) => month_param("to", to)?,
        None => this_month(),
    };
    let from = match &range.from {
        Some(from) => month_param("from", from)?,
        None => {
            let year: i32 = to[..4].parse().unwrap_or(2000);
            format!("{:04}{}", year - 1, &to[4..])
        }
    };
    // `from` after `to` is an empty range, not an error: no month is in it.
    Ok((from, to))
}

/// An agent's monthly KPI rows, oldest first, each scored under the configuration in force.
#[utoipa::path(get, path = "/api/v1/agents/{id}/metrics", tag = "performance",
    params(("id" = Uuid, Path, description = "Agent id"), MonthRange),
    responses((status = 200, body = Vec<dto::MetricMonth>)))]
#[tracing::instrument(skip_all, fields(agent.id = %id))]
pub async fn list_agent_metrics(
    actor: Actor,
    id: web::Path<UserId>,
    range: ValidQuery<MonthRange>,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<Vec<MetricMonth>>> {
    let (from, to) = months(&range)?;
    let months = metrics::agent_months(&app.db, &actor, *id, &from, &to).await?;
    let catalogue = app.catalogue.current(&app.db).await?;
    let months = months
        .iter()
        .map(|(month, values)| wire::metric_month(&catalogue, month, values));
    Ok(web::Json(months.collect()))
}

/// Enter or correct one agent's month: a number per KPI key, or the raw counts they are computed
/// from (`scheduled_hours`, `actual_hours`, ...). Replaces the month; `version` (or `If-Match`)
/// is needed once the month exists.
#[utoipa::path(put, path = "/api/v1/agents/{id}/metrics/{month}", tag = "performance",
    params(("id" = Uuid, Path, description = "Agent id"), ("month" = String, Path, description = "YYYY-MM")),
    request_body(content = BTreeMap<String, f64>, description = "KPI values or raw counts by key, plus `version` when updating"),
    responses((status = 200, body = dto::MetricMonth)))]
#[tracing::instrument(skip_all, fields(agent.id = %path.0, month = %path.1))]
pub async fn upsert_agent_metrics(
    actor: Actor,
    path: web::Path<(UserId, String)>,
    if_match: IfMatch,
    body: web::Bytes,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let (agent, month) = path.into_inner();
    let month = month_param("month", &month)?;
    let mut input: BTreeMap<String, f64> = parse_json(&body)?;
    let version = input.remove("version").map(|v| v as i32).or(if_match.0);
    let catalogue = app.catalogue.current(&app.db).await?;
    let month = (month, &input);
    let saved = metrics::save_month(&app.db, &actor, &catalogue, agent, month, version);
    let (saved, values) = saved.await?;
    let saved = wire::metric_month(&catalogue, &saved, &values);
    app.publish(dto::Event::MetricsChanged(Box::new(saved.clone())));
    Ok(versioned(StatusCode::OK, saved.version, &saved))
}

/// An agent's scorecard for a year: monthly scores, year to date, trend, team average, band.
#[utoipa::path(get, path = "/api/v1/agents/{id}/scorecard", tag = "performance",
    params(("id" = Uuid, Path, description = "Agent id"), YearQuery),
    responses((status = 200, body = dto::AgentScorecard)))]
#[tracing::instrument(skip_all, fields(agent.id = %id))]
pub async fn get_agent_scorecard(
    actor: Actor,
    id: web::Path<UserId>,
    query: ValidQuery<YearQuery>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let year = query.year.unwrap_or_else(|| chrono::Utc::now().year());
    let agent = *id;
    let compute = async {
        let (months, with_team) = metrics::agent_year(&app.db, &actor, agent, year).await?;
        let catalogue = app.catalogue.current(&app.db).await?;
        Ok::<_, ApiError>(scorecards::agent(
            &catalogue, agent, year, &months, with_team,
        ))
    };
    let key = (actor.user.id, agent, year);
    let card = app.caches.agent_scorecard(key, compute).await?;
    Ok(HttpResponse::Ok().json(&*card))
}

/// Every agent of a team in one month: score, band, rank, and the team average.
#[utoipa::path(get, path = "/api/v1/teams/{id}/scorecard", tag = "performance",
    params(("id" = Uuid, Path, description = "Team id"), MonthQuery),
    responses((status = 200, body = dto::TeamScorecard)))]
#[tracing::instrument(skip_all, fields(team.id = %id))]
pub async fn get_team_scorecard(
    actor: Actor,
    id: web::Path<TeamId>,
    query: ValidQuery<MonthQuery>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let month = match &query.month {
        Some(month) => month_param("month", month)?,
        None => domain::scorecard::previous_month(&this_month()),
    };
    let team = *id;
    let compute = async {
        let (agents, months) = metrics::team_month(&app.db, &actor, team, &month).await?;
        let catalogue = app.catalogue.current(&app.db).await?;
        Ok::<_, ApiError>(scorecards::team(&catalogue, team, &month, agents, &months))
    };
    let key = (actor.user.id, team, month.clone());
    let card = app.caches.team_scorecard(key, compute).await?;
    Ok(HttpResponse::Ok().json(&*card))
}

/// The KPI catalogue and every scorecard configuration.
#[utoipa::path(get, path = "/api/v1/scorecard/config", tag = "performance",
    responses((status = 200, body = dto::ScorecardSettings)))]
#[tracing::instrument(skip_all)]
pub async fn get_scorecard_config(
    _actor: Actor,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let settings = settings(&app).await?.into_inner();
    Ok(versioned(StatusCode::OK, settings.version, &settings))
}

/// Save new weights and targets from a month on (admin); earlier months keep theirs.
#[utoipa::path(put, path = "/api/v1/scorecard/config", tag = "performance",
    params(("If-Match" = Option<String>, Header, description = "ETag of the settings seen")),
    request_body = dto::UpdateScorecardConfig,
    responses((status = 200, body = dto::ScorecardSettings), (status = 409, body = dto::Problem),
        (status = 412, body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn update_scorecard_config(
    actor: Actor,
    if_match: IfMatch,
    body: Valid<UpdateScorecardConfig>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    authorize(&actor, Action::ConfigureScorecard, &Target::Global)?;
    let version = if_match.or_body(body.version)?;
    metrics::save_config(&app.db, &actor.origin, &body, version).await?;
    let settings = changed_settings(&app).await?;
    Ok(versioned(StatusCode::OK, settings.version, &settings))
}

/// How a month's scores would change under proposed weights and targets (admin); nothing is
/// saved. `effective_from` is checked but not used: the proposal scores the month asked for.
#[utoipa::path(post, path = "/api/v1/scorecard/config/preview", tag = "performance",
    params(PreviewQuery),
    request_body = dto::UpdateScorecardConfig,
    responses((status = 200, body = dto::ScorecardPreview)))]
#[tracing::instrument(skip_all)]
pub async fn preview_scorecard_config(
    actor: Actor,
    query: ValidQuery<PreviewQuery>,
    body: Valid<UpdateScorecardConfig>,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<dto::ScorecardPreview>> {
    authorize(&actor, Action::ConfigureScorecard, &Target::Global)?;
    let month = match &query.month {
        Some(month) => month.clone(),
        None => domain::scorecard::previous_month(&this_month()),
    };
    let rows = metrics::preview(&app.db, &body, &month).await?;
    Ok(web::Json(scorecards::preview(month, rows)))
}

/// Add a KPI to the catalogue (admin); give it a weight with a new configuration.
#[utoipa::path(post, path = "/api/v1/kpis", tag = "performance",
    request_body = dto::CreateKpi,
    responses((status = 201, body = dto::ScorecardSettings), (status = 409, body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn create_kpi(
    actor: Actor,
    body: Valid<CreateKpi>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    authorize(&actor, Action::ConfigureScorecard, &Target::Global)?;
    metrics::create_kpi(&app.db, &actor.origin, &body).await?;
    Ok(HttpResponse::Created().json(changed_settings(&app).await?))
}

/// Rename a KPI, set its valid range, or retire it (admin). The range applies to values written
/// from now on.
#[utoipa::path(patch, path = "/api/v1/kpis/{key}", tag = "performance",
    params(("key" = String, Path, description = "KPI key")),
    request_body = dto::UpdateKpi,
    responses((status = 200, body = dto::ScorecardSettings)))]
#[tracing::instrument(skip_all, fields(kpi.key = %key))]
pub async fn update_kpi(
    actor: Actor,
    key: web::Path<String>,
    if_match: IfMatch,
    body: Valid<dto::UpdateKpi>,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<dto::ScorecardSettings>> {
    authorize(&actor, Action::ConfigureScorecard, &Target::Global)?;
    crate::http::extract::require_changes(&*body)?;
    let version = if_match.or_body(body.version)?;
    metrics::update_kpi(&app.db, &actor.origin, &key, version, &body).await?;
    changed_settings(&app).await.map(web::Json)
}

/// The catalogue and configurations in force, as the API shows them.
async fn settings(app: &AppState) -> ApiResult<web::Json<ScorecardSettings>> {
    let catalogue = app.catalogue.current(&app.db).await?;
    Ok(web::Json(wire::scorecard_settings(&catalogue)))
}

/// The settings after an admin's change, published.
async fn changed_settings(app: &AppState) -> ApiResult<ScorecardSettings> {
    let settings = settings(app).await?.into_inner();
    app.publish(dto::Event::ScorecardConfigChanged(Box::new(
        settings.clone(),
    )));
    Ok(settings)
}
