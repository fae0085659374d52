//! CSV import and export of monthly metrics.
//!
//! Import validates every row before writing any, and writes all rows in one transaction, or
//! none: each bad row is reported with its line number and reason.

use std::collections::{BTreeMap, HashMap, HashSet};

use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, web};
use domain::{Action, Role, Target, TeamId, UserId};
use persistence::metrics::{self, MonthInput};
use persistence::users::{self, UserFilter};
use persistence::{PageRequest, users::UserRow};
use serde::{Deserialize, Serialize};

use crate::auth::Actor;
use crate::error::{ApiError, ApiResult};
use crate::extract::ValidQuery;
use crate::jobs::{ImportJob, JobStatus};
use crate::routes::resource;
use crate::spreadsheet;
use crate::state::AppState;

/// Largest accepted CSV file.
pub const IMPORT_LIMIT: usize = 10 * 1024 * 1024;
/// Most rows in one import.
const MAX_ROWS: usize = 20_000;

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/metrics/import")
            .app_data(web::PayloadConfig::new(IMPORT_LIMIT))
            .post(import_metrics),
    )
    .service(resource("/metrics/import/jobs/{id}").get(get_import_job))
    .service(resource("/metrics/export.csv").get(export_metrics));
}

/// The result of an import.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportSummary {
    /// Data rows read.
    pub rows: usize,
    /// Months created.
    pub created: usize,
    /// Months replaced.
    pub replaced: usize,
    /// What was read but not imported, such as the export's derived `score` column.
    pub notes: Vec<String>,
}

/// Columns the export writes that are computed, never imported.
const DERIVED_COLUMNS: [&str; 1] = ["score"];
/// Problems reported one by one; past this many they are only counted, so a file of millions of
/// bad lines gets a short answer.
const MAX_REPORTED: usize = 100;

/// The problems found in a file: the first [`MAX_REPORTED`], and how many more.
#[derive(Default)]
struct Problems {
    listed: Vec<(String, String)>,
    more: usize,
}

impl Problems {
    fn push(&mut self, line: usize, message: String) {
        if self.listed.len() < MAX_REPORTED {
            self.listed.push((format!("line {line}"), message));
        } else {
            self.more += 1;
        }
    }

    fn is_empty(&self) -> bool {
        self.listed.is_empty()
    }

    fn into_error(mut self) -> ApiError {
        if self.more > 0 {
            self.listed.push((
                "file".to_owned(),
                format!(
                    "{} more problems not listed; fix the ones above and try again",
                    self.more
                ),
            ));
        }
        crate::routes::metrics::field_errors(self.listed)
    }
}

/// Who a row is about: an agent's employee id, else their email.
struct Identity {
    employee_id: Option<String>,
    email: Option<String>,
}

/// One parsed data row.
struct Row {
    line: usize,
    agent: Identity,
    month: String,
    input: BTreeMap<String, f64>,
}

/// A read file: its rows and what was ignored.
struct Parsed {
    rows: Vec<Row>,
    notes: Vec<String>,
}

/// Reads the file record by record: the header names the agent (`employee_id`, `email`, or both
/// as the export writes them), `month`, then KPI keys or raw counts; the export's derived columns
/// are ignored with a note. Empty cells are absent values. Cells the export neutralised for
/// spreadsheets read back as they were.
fn parse(text: &[u8]) -> Result<Parsed, Problems> {
    let mut problems = Problems::default();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text);
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(err) => {
            problems.push(1, err.to_string());
            return Err(problems);
        }
    };
    let at = |name: &str| headers.iter().position(|h| h == name);
    let (employee_at, email_at, month_at) = (at("employee_id"), at("email"), at("month"));
    if employee_at.is_none() && email_at.is_none() {
        problems.push(
            1,
            "the header needs an `employee_id` or `email` column".into(),
        );
    }
    let Some(month_at) = month_at else {
        problems.push(1, "the header needs a `month` column".into());
        return Err(problems);
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let derived: Vec<usize> = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| DERIVED_COLUMNS.contains(h))
        .map(|(i, _)| i)
        .collect();
    let notes = derived
        .iter()
        .map(|&i| {
            format!(
                "column `{}` is computed by the server and was ignored",
                &headers[i]
            )
        })
        .collect();
    let identity_or_derived = |i: usize| {
        Some(i) == employee_at || Some(i) == email_at || i == month_at || derived.contains(&i)
    };
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut line = 1;
    loop {
        line += 1;
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(err) => {
                problems.push(line, err.to_string());
                continue;
            }
        }
        if rows.len() >= MAX_ROWS {
            problems.push(line, format!("at most {MAX_ROWS} rows per import"));
            break;
        }
        if record.iter().any(|cell| cell.contains('\0')) {
            problems.push(line, "contains a NUL character".into());
            continue;
        }
        let mut input = BTreeMap::new();
        for (i, (column, cell)) in headers.iter().zip(record.iter()).enumerate() {
            if cell.is_empty() || identity_or_derived(i) {
                continue;
            }
            match cell.parse::<f64>() {
                Ok(value) if value.is_finite() => {
                    input.insert(column.to_owned(), value);
                }
                _ => problems.push(line, format!("{column}: `{cell}` is not a number")),
            }
        }
        let cell = |at: Option<usize>| {
            at.and_then(|i| record.get(i))
                .map(spreadsheet::restore)
                .filter(|value| !value.is_empty())
                .map(str::to_owned)
        };
        rows.push(Row {
            line,
            agent: Identity {
                employee_id: cell(employee_at),
                email: cell(email_at),
            },
            month: record.get(month_at).unwrap_or_default().to_owned(),
            input,
        });
    }
    if problems.is_empty() {
        Ok(Parsed { rows, notes })
    } else {
        Err(problems)
    }
}

/// Import many agents' months from CSV (`text/csv` body): every row is checked first, then all
/// are written in one transaction, or none. Bad rows come back by line number (the first 100, and
/// a count of the rest). The export's own file imports unchanged. With `Prefer: respond-async`
/// the writing runs in the background: 202 and a job to poll.
#[utoipa::path(post, path = "/api/v1/metrics/import", tag = "performance", operation_id = "import_metrics",
    request_body(content = String, content_type = "text/csv", description = "employee_id and/or email, month, then KPI keys or raw counts; a `score` column is ignored"),
    responses((status = 200, body = ImportSummary), (status = 202, body = ImportJob), (status = 403, body = dto::Problem), (status = 413, body = dto::Problem), (status = 415, body = dto::Problem), (status = 422, body = dto::Problem)),
    security(("bearer" = []), ("cookie" = [])))]
#[tracing::instrument(skip_all)]
pub async fn import_metrics(
    actor: Actor,
    req: HttpRequest,
    body: web::Bytes,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    domain::authorize(&actor, Action::ImportMetrics, &Target::Global)?;
    let is_csv = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/csv"));
    if !is_csv {
        return Err(ApiError::UnsupportedMediaType);
    }
    let Parsed { rows, notes } = parse(&body).map_err(Problems::into_error)?;
    drop(body);
    if rows.is_empty() {
        return Err(ApiError::invalid("file", "no data rows"));
    }
    let employee_ids: Vec<String> = rows
        .iter()
        .filter_map(|r| r.agent.employee_id.clone())
        .collect();
    let emails: Vec<String> = rows
        .iter()
        .filter(|r| r.agent.employee_id.is_none())
        .filter_map(|r| r.agent.email.clone())
        .collect();
    let mut by_employee_id = HashMap::new();
    let mut by_email = HashMap::new();
    for row in users::agents_by_identity(&app.db, &employee_ids, &emails).await? {
        if let Some(employee_id) = row.user.employee_id.clone() {
            by_employee_id.insert(employee_id, row.clone());
        }
        by_email.insert(row.user.email.clone(), row);
    }
    let catalogue = metrics::catalogue(&app.db).await?;
    let mut problems = Problems::default();
    let mut inputs = Vec::new();
    let mut seen = HashSet::new();
    for row in rows {
        let line = row.line;
        let (agent, named) = match (&row.agent.employee_id, &row.agent.email) {
            (Some(id), _) => (by_employee_id.get(id), id.clone()),
            (None, Some(email)) => (by_email.get(&users::normalise_email(email)), email.clone()),
            (None, None) => {
                problems.push(line, "give the agent's employee_id or email".into());
                continue;
            }
        };
        let Some(agent) = agent.filter(|agent| in_scope(&actor, agent)) else {
            problems.push(line, format!("no agent `{named}` in your scope"));
            continue;
        };
        if !domain::scorecard::is_month(&row.month) {
            problems.push(line, format!("month `{}` is not YYYY-MM", row.month));
            continue;
        }
        if !seen.insert((agent.user.id, row.month.clone())) {
            problems.push(
                line,
                format!("{named} {} appears twice in the file", row.month),
            );
            continue;
        }
        match catalogue.resolve(&row.input) {
            Ok((values, raw_counts)) => inputs.push(MonthInput {
                agent_id: agent.user.id,
                month: row.month,
                values,
                raw_counts,
            }),
            Err(found) => {
                for (field, message) in found {
                    problems.push(line, format!("{field}: {message}"));
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems.into_error());
    }
    let rows = inputs.len();
    if respond_async(&req) {
        return start_job(actor, app, inputs).await;
    }
    let (created, replaced) = metrics::import_all(&app.db, &actor.origin, inputs, |_| {}).await?;
    tracing::info!(rows, created, replaced, "metrics imported");
    Ok(HttpResponse::Ok().json(ImportSummary {
        rows,
        created,
        replaced,
        notes,
    }))
}

/// Whether `agent` is an agent whose metrics `actor` may write.
fn in_scope(actor: &Actor, agent: &UserRow) -> bool {
    agent.role() == Role::Agent
        && actor.can(
            Action::WriteMetrics,
            &Target::about_agent(UserId(agent.user.id), agent.team_id.map(TeamId)),
        )
}

/// Whether the client asked not to wait (RFC 7240 `Prefer: respond-async`).
fn respond_async(req: &HttpRequest) -> bool {
    req.headers()
        .get_all("prefer")
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            v.split(',')
                .any(|p| p.trim().eq_ignore_ascii_case("respond-async"))
        })
}

/// Writes the validated rows in the background, recording progress, and answers 202 with where
/// to poll.
async fn start_job(
    actor: Actor,
    app: web::Data<AppState>,
    inputs: Vec<MonthInput>,
) -> ApiResult<HttpResponse> {
    let mut job = ImportJob {
        id: uuid::Uuid::now_v7(),
        owner: actor.user.id,
        status: JobStatus::Running,
        total: inputs.len(),
        processed: 0,
        created: None,
        replaced: None,
        error: None,
    };
    app.jobs.put(&job).await?;
    let location = format!("/api/v1/metrics/import/jobs/{}", job.id);
    let accepted = job.clone();
    actix_web::rt::spawn(async move {
        let done = std::rc::Rc::new(std::cell::Cell::new(0));
        let counter = done.clone();
        let write = metrics::import_all(&app.db, &actor.origin, inputs, move |n| counter.set(n));
        tokio::pin!(write);
        let mut tick = tokio::time::interval(std::time::Duration::from_millis(500));
        let result = loop {
            tokio::select! {
                result = &mut write => break result,
                _ = tick.tick() => {
                    job.processed = done.get();
                    if let Err(err) = app.jobs.put(&job).await {
                        tracing::warn!(error = %err, "cannot record import progress");
                    }
                }
            }
        };
        job.processed = done.get();
        match result {
            Ok((created, replaced)) => {
                job.status = JobStatus::Succeeded;
                job.created = Some(created);
                job.replaced = Some(replaced);
            }
            Err(err) => {
                tracing::error!(error = %err, "background import failed; nothing was written");
                job.status = JobStatus::Failed;
                job.error = Some("the import failed and wrote nothing; try again".into());
            }
        }
        if let Err(err) = app.jobs.put(&job).await {
            tracing::error!(error = %err, "cannot record the import's outcome");
        }
    });
    Ok(HttpResponse::Accepted()
        .insert_header(("Location", location))
        .json(accepted))
}

/// The progress of a background import (its owner or an admin).
#[utoipa::path(get, path = "/api/v1/metrics/import/jobs/{id}", tag = "performance", operation_id = "get_import_job",
    params(("id" = uuid::Uuid, Path, description = "Job id")),
    responses((status = 200, body = ImportJob), (status = 404, body = dto::Problem)),
    security(("bearer" = []), ("cookie" = [])))]
#[tracing::instrument(skip_all, fields(job.id = %id))]
pub async fn get_import_job(
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<ImportJob>> {
    match app.jobs.get(*id).await? {
        Some(job) if job.owner == actor.user.id || actor.role == Role::Admin => Ok(web::Json(job)),
        _ => Err(ApiError::NotFound),
    }
}

/// The range to export.
#[derive(Debug, Deserialize, garde::Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct ExportQuery {
    /// First month (`YYYY-MM`, default: twelve months ago).
    #[garde(inner(custom(dto::metrics::month)))]
    pub from: Option<String>,
    /// Last month (`YYYY-MM`, default: this month).
    #[garde(inner(custom(dto::metrics::month)))]
    pub to: Option<String>,
}

/// The months of every agent in my scope, as CSV with the import's columns plus the score.
#[utoipa::path(get, path = "/api/v1/metrics/export.csv", tag = "performance", operation_id = "export_metrics",
    params(ExportQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 422, body = dto::Problem)),
    security(("bearer" = []), ("cookie" = [])))]
#[tracing::instrument(skip_all)]
pub async fn export_metrics(
    actor: Actor,
    query: ValidQuery<ExportQuery>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let to = query
        .to
        .clone()
        .unwrap_or_else(|| chrono::Utc::now().format("%Y-%m").to_string());
    let from = query.from.clone().unwrap_or_else(|| {
        let year: i32 = to.get(..4).and_then(|y| y.parse().ok()).unwrap_or(2000);
        format!("{:04}{}", year - 1, to.get(4..).unwrap_or("-01"))
    });
    for (field, month) in [("from", &from), ("to", &to)] {
        if !domain::scorecard::is_month(month) {
            return Err(ApiError::invalid(field, "must be a month written YYYY-MM"));
        }
    }
    let catalogue = metrics::catalogue(&app.db).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "employee_id".to_owned(),
        "email".to_owned(),
        "month".to_owned(),
    ];
    header.extend(catalogue.kpis.iter().map(|k| k.key.clone()));
    header.push("score".to_owned());
    writer.write_record(&header).map_err(ApiError::internal)?;
    // Page through the agents in scope; each page's months come in two queries.
    let filter = UserFilter {
        role: Some(Role::Agent),
        ..UserFilter::default()
    };
    let mut page = PageRequest::new(Some(200), None)?;
    loop {
        let (agents, next) = users::list(&app.db, &actor, &filter, &page).await?;
        let visible: Vec<(uuid::Uuid, Option<String>, String)> = agents
            .iter()
            .filter(|row| {
                actor.can(
                    Action::ViewMetrics,
                    &Target::about_agent(UserId(row.user.id), row.team_id.map(TeamId)),
                )
            })
            .map(|row| {
                (
                    row.user.id,
                    row.user.employee_id.clone(),
                    row.user.email.clone(),
                )
            })
            .collect();
        let identity: HashMap<uuid::Uuid, (Option<String>, String)> = visible
            .iter()
            .map(|(id, e, m)| (*id, (e.clone(), m.clone())))
            .collect();
        let ids: Vec<uuid::Uuid> = visible.iter().map(|(id, _, _)| *id).collect();
        for (month, values) in metrics::months(&app.db, &ids, &from, &to).await? {
            let (employee_id, email) = identity.get(&month.agent_id).cloned().unwrap_or_default();
            let mut record = vec![
                spreadsheet::neutralise(&employee_id.unwrap_or_default()).into_owned(),
                spreadsheet::neutralise(&email).into_owned(),
                month.month.clone(),
            ];
            record.extend(
                catalogue
                    .kpis
                    .iter()
                    .map(|k| values.get(&k.id).map(|v| v.to_string()).unwrap_or_default()),
            );
            record.push(
                catalogue
                    .score(&month.month, &values)
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
            );
            writer.write_record(&record).map_err(ApiError::internal)?;
        }
        match next {
            Some(cursor) => page = PageRequest::new(Some(200), Some(&cursor))?,
            None => break,
        }
    }
    let bytes = writer
        .into_inner()
        .map_err(|err| ApiError::internal(err.into_error()))?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"metrics-{from}-to-{to}.csv\""),
        ))
        .body(bytes))
}
