//! Monthly metrics as CSV: reading an import file into validated months, and writing the export.
//!
//! An import is checked whole before anything is written: each bad row is reported with its line
//! number and reason. The export writes the import's columns plus the derived score, so an
//! exported file imports back unchanged.

use std::collections::{BTreeMap, HashMap, HashSet};

use domain::{Action, Actor, Role, Target};
use persistence::PageRequest;
use persistence::metrics::{self, MonthInput};
use persistence::users::{self, UserFilter, UserRow};

use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::views::spreadsheet::{self, Cell, Sheet};
use crate::workers::jobs::{ImportJob, JobStatus};

/// Most rows in one import.
const MAX_ROWS: usize = 20_000;

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
        ApiError::fields(self.listed)
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

/// Reads an import file into the months to write, with notes on what was ignored: every row is
/// checked (agent in the actor's scope, month, values against the catalogue) before any is
/// accepted.
pub async fn read_import(
    app: &AppState,
    actor: &Actor,
    body: &[u8],
) -> ApiResult<(Vec<MonthInput>, Vec<String>)> {
    let Parsed { rows, notes } = parse(body).map_err(Problems::into_error)?;
    let db = &app.db;
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
    for row in users::agents_by_identity(db, &employee_ids, &emails).await? {
        if let Some(employee_id) = row.user.employee_id.clone() {
            by_employee_id.insert(employee_id, row.clone());
        }
        by_email.insert(row.user.email.clone(), row);
    }
    let catalogue = app.catalogue.current(db).await?;
    // The quality KPI of a month with evaluations is their average, never imported.
    let quality = catalogue.kpis.iter().find(|kpi| kpi.from_evaluations);
    let evaluated = match quality {
        Some(_) => {
            let agents: Vec<_> = by_email.values().map(|row| row.user.id).collect();
            metrics::evaluated_months(db, &agents).await?
        }
        None => Default::default(),
    };
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
        let Some(agent) = agent.filter(|agent| in_scope(actor, agent)) else {
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
            Ok((values, _))
                if quality.is_some_and(|kpi| values.contains_key(&kpi.id))
                    && evaluated.contains(&(agent.user.id, row.month.clone())) =>
            {
                let key = quality.map(|kpi| kpi.key.as_str()).unwrap_or_default();
                problems.push(
                    line,
                    format!(
                        "{key}: {named} has evaluations in {}, and their average is this \
                         month's {key}; leave it out of the file",
                        row.month
                    ),
                );
            }
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
    Ok((inputs, notes))
}

/// Whether `agent` is an agent whose metrics `actor` may write.
fn in_scope(actor: &Actor, agent: &UserRow) -> bool {
    agent.role() == Role::Agent
        && actor.can(
            Action::WriteMetrics,
            &Target::about_agent(agent.user.id, agent.team_id),
        )
}

/// The months of every agent in `actor`'s scope from `from` to `to`: the import's columns and
/// the score, as the CSV and XLSX exports write them.
pub async fn sheet(app: &AppState, actor: &Actor, from: &str, to: &str) -> ApiResult<Sheet> {
    let db = &app.db;
    let catalogue = app.catalogue.current(db).await?;
    let mut sheet = Sheet::new("Metrics", &["employee_id", "email", "month"]);
    sheet
        .columns
        .extend(catalogue.kpis.iter().map(|k| k.key.clone()));
    sheet.columns.push("score".to_owned());
    // Page through the agents in scope; each page's months come in two queries.
    let filter = UserFilter {
        role: Some(Role::Agent),
        ..UserFilter::default()
    };
    let mut page = PageRequest::new(Some(200), None)?;
    loop {
        let (agents, next) = users::list(db, actor, &filter, &page).await?;
        let identity: HashMap<domain::UserId, (Option<String>, String)> = agents
            .iter()
            .filter(|row| {
                actor.can(
                    Action::ViewMetrics,
                    &Target::about_agent(row.user.id, row.team_id),
                )
            })
            .map(|row| {
                (
                    row.user.id,
                    (row.user.employee_id.clone(), row.user.email.clone()),
                )
            })
            .collect();
        let ids: Vec<domain::UserId> = agents
            .iter()
            .map(|row| row.user.id)
            .filter(|id| identity.contains_key(id))
            .collect();
        for (month, values) in metrics::months(db, &ids, from, to).await? {
            let (employee_id, email) = identity.get(&month.agent_id).cloned().unwrap_or_default();
            let first_day =
                chrono::NaiveDate::parse_from_str(&format!("{}-01", month.month), "%Y-%m-%d")
                    .map_err(ApiError::internal)?;
            let mut row = vec![
                Cell::from(employee_id),
                Cell::from(email),
                Cell::Month(first_day),
            ];
            row.extend(
                catalogue
                    .kpis
                    .iter()
                    .map(|k| Cell::from(values.get(&k.id).copied())),
            );
            row.push(Cell::from(catalogue.score(&month.month, &values)));
            sheet.rows.push(row);
        }
        match next {
            Some(cursor) => page = PageRequest::new(Some(200), Some(&cursor))?,
            None => break,
        }
    }
    Ok(sheet)
}

/// The event that says an import with `id` wrote `inputs` (`None` for an empty file).
pub fn imported(id: uuid::Uuid, inputs: &[MonthInput]) -> Option<dto::Event> {
    let first_month = inputs.iter().map(|input| &input.month).min()?.clone();
    let last_month = inputs.iter().map(|input| &input.month).max()?.clone();
    Some(dto::Event::MetricsImported {
        id,
        first_month,
        last_month,
        rows: inputs.len(),
    })
}

/// Writes validated metric months in the background, recording progress where any instance can
/// answer a poll, and returns the job as it starts.
pub async fn start_import(
    app: std::sync::Arc<AppState>,
    actor: crate::auth::Actor,
    inputs: Vec<MonthInput>,
) -> Result<ImportJob, ApiError> {
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
    app.instruments.job("started");
    let accepted = job.clone();
    let event = imported(job.id, &inputs);
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
                event.into_iter().for_each(|event| app.publish(event));
                app.instruments.job("succeeded");
                job.status = JobStatus::Succeeded;
                job.created = Some(created);
                job.replaced = Some(replaced);
            }
            Err(err) => {
                tracing::error!(error = %err, "background import failed; nothing was written");
                app.instruments.job("failed");
                job.status = JobStatus::Failed;
                job.error = Some("the import failed and wrote nothing; try again".into());
            }
        }
        if let Err(err) = app.jobs.put(&job).await {
            tracing::error!(error = %err, "cannot record the import's outcome");
        }
    });
    Ok(accepted)
}
