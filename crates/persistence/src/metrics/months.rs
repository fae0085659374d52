//! Monthly KPI values per agent: read, written one month at a time, or imported in bulk.

use std::collections::{BTreeMap, HashMap};

use chrono::Utc;
use domain::{Action, Actor, Role, Target, TeamId, UserId, authorize};
use sea_orm::sea_query::{Expr, ExprTrait, JoinType};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set,
};
use uuid::Uuid;

use crate::audit::{self, Change, Origin};
use crate::caller::Caller;
use crate::entity::{evaluation, kpi, metric_month, metric_value};
use crate::{Db, StoreError, db, users, versioned};

use super::catalogue::{Catalogue, Values};

/// An agent whose records `actor` may see (`NotFound` otherwise, or when the person is no agent),
/// with the policy's view of a record about them and their team, from one read. An agent's only
/// team is the one they belong to: the team rules keep agents from leading or managing one.
pub async fn agent_in_scope(
    db: &impl ConnectionTrait,
    actor: &Actor,
    agent: UserId,
) -> Result<(Target, Option<TeamId>), StoreError> {
    let row = users::find(db, agent).await?;
    let team = row.team_id;
    let person = Target::User {
        id: agent,
        teams: team.into_iter().collect(),
    };
    if row.role() != Role::Agent || authorize(actor, Action::ViewUser, &person).is_err() {
        return Err(StoreError::NotFound);
    }
    Ok((Target::about_agent(agent, team), row.team_id))
}

/// An agent's stored months from `from` to `to`, when the actor may see their metrics.
pub async fn agent_months(
    db: &Db,
    actor: &Actor,
    agent: UserId,
    from: &str,
    to: &str,
) -> Result<Vec<(metric_month::Model, Values)>, StoreError> {
    let (about, _) = agent_in_scope(db, actor, agent).await?;
    authorize(actor, Action::ViewMetrics, &about)?;
    stored_months(db, agent, from, to).await
}

/// Whose month it is: what scoring and exports need of a month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthKey {
    pub agent_id: UserId,
    /// `YYYY-MM`.
    pub month: String,
}

/// The months of these agents from `from` to `to` (inclusive), oldest first, with their values.
pub async fn months(
    db: &impl ConnectionTrait,
    agents: &[UserId],
    from: &str,
    to: &str,
) -> Result<Vec<(MonthKey, Values)>, StoreError> {
    let agents = Condition::all().add(metric_month::Column::AgentId.is_in(agents.iter().copied()));
    months_where(db, agents, from, to).await
}

/// One value of a month (none for a month without values): the few columns scoring reads.
#[derive(Debug, FromQueryResult)]
struct MonthValue {
    id: Uuid,
    agent_id: UserId,
    month: String,
    kpi_id: Option<Uuid>,
    value: Option<f64>,
}

/// The months of the agents `agents` selects, from `from` to `to` (inclusive), oldest first, with
/// their values: one statement, the months joined to their values and folded here. Only the
/// columns scoring needs are read, so the join costs little to decode.
pub async fn months_where(
    db: &impl ConnectionTrait,
    agents: Condition,
    from: &str,
    to: &str,
) -> Result<Vec<(MonthKey, Values)>, StoreError> {
    let mut select = metric_month::Entity::find()
        .select_only()
        .columns([
            metric_month::Column::Id,
            metric_month::Column::AgentId,
            metric_month::Column::Month,
        ])
        .filter(agents)
        .filter(metric_month::Column::Month.gte(from))
        .filter(metric_month::Column::Month.lte(to))
        .order_by_asc(metric_month::Column::Month)
        .order_by_asc(metric_month::Column::Id)
        .column_as(
            Expr::col((metric_value::Entity, metric_value::Column::KpiId)),
            "kpi_id",
        )
        .column_as(
            Expr::col((metric_value::Entity, metric_value::Column::Value)),
            "value",
        );
    QueryTrait::query(&mut select).join(
        JoinType::LeftJoin,
        metric_value::Entity,
        Expr::col((metric_value::Entity, metric_value::Column::MetricMonthId))
            .equals((metric_month::Entity, metric_month::Column::Id)),
    );
    let rows = select.into_model::<MonthValue>().all(db).await?;
    let mut months: Vec<(Uuid, MonthKey, Values)> = Vec::new();
    for row in rows {
        if months.last().is_none_or(|(id, _, _)| *id != row.id) {
            let key = MonthKey {
                agent_id: row.agent_id,
                month: row.month,
            };
            months.push((row.id, key, Values::new()));
        }
        if let (Some(kpi), Some(value), Some((_, _, values))) =
            (row.kpi_id, row.value, months.last_mut())
        {
            values.insert(kpi, value);
        }
    }
    Ok(months
        .into_iter()
        .map(|(_, key, values)| (key, values))
        .collect())
}

/// One agent's months as stored, with their values: two statements.
async fn stored_months(
    db: &impl ConnectionTrait,
    agent: UserId,
    from: &str,
    to: &str,
) -> Result<Vec<(metric_month::Model, Values)>, StoreError> {
    let months = metric_month::Entity::find()
        .filter(metric_month::Column::AgentId.eq(agent))
        .filter(metric_month::Column::Month.gte(from))
        .filter(metric_month::Column::Month.lte(to))
        .order_by_asc(metric_month::Column::Month)
        .all(db)
        .await?;
    let mut values: HashMap<Uuid, Values> = HashMap::new();
    let rows = metric_value::Entity::find()
        .filter(metric_value::Column::MetricMonthId.is_in(months.iter().map(|m| m.id)))
        .all(db)
        .await?;
    for row in rows {
        values
            .entry(row.metric_month_id)
            .or_default()
            .insert(row.kpi_id, row.value);
    }
    Ok(months
        .into_iter()
        .map(|month| {
            let v = values.remove(&month.id).unwrap_or_default();
            (month, v)
        })
        .collect())
}

/// What a month upsert writes.
#[derive(Clone, Debug)]
pub struct MonthInput {
    pub agent_id: UserId,
    /// `YYYY-MM`.
    pub month: String,
    /// Values by KPI id.
    pub values: Values,
    /// The raw counts, when given.
    pub raw_counts: Option<BTreeMap<String, f64>>,
}

/// The KPI whose value comes from evaluations, if one does.
async fn quality_kpi(db: &impl ConnectionTrait) -> Result<Option<kpi::Model>, StoreError> {
    Ok(kpi::Entity::find()
        .filter(kpi::Column::FromEvaluations.eq(true))
        .one(db)
        .await?)
}

/// The first instant of `month` (`YYYY-MM`) and of the month after.
fn month_bounds(month: &str) -> Option<(chrono::DateTime<Utc>, chrono::DateTime<Utc>)> {
    let start = chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()?;
    let end = start.checked_add_months(chrono::Months::new(1))?;
    let at = |day: chrono::NaiveDate| day.and_time(chrono::NaiveTime::MIN).and_utc();
    Some((at(start), at(end)))
}

/// The scores of the evaluations that count (submitted or acknowledged) of `agent`'s
/// interactions in `month`.
async fn evaluation_scores(
    db: &impl ConnectionTrait,
    agent: UserId,
    month: &str,
) -> Result<Vec<f64>, StoreError> {
    let Some((start, end)) = month_bounds(month) else {
        return Ok(Vec::new());
    };
    Ok(evaluation::Entity::find()
        .select_only()
        .column(evaluation::Column::Score)
        .filter(evaluation::Column::AgentId.eq(agent))
        .filter(evaluation::Column::Status.is_in(["SUBMITTED", "ACKNOWLEDGED"]))
        .filter(evaluation::Column::OccurredAt.gte(start))
        .filter(evaluation::Column::OccurredAt.lt(end))
        .into_tuple::<Option<f64>>()
        .all(db)
        .await?
        .into_iter()
        .flatten()
        .collect())
}

/// The mean of `scores` to one decimal, as evaluations are scored.
fn average(scores: &[f64]) -> Option<f64> {
    (!scores.is_empty())
        .then(|| domain::quality::round1(scores.iter().sum::<f64>() / scores.len() as f64))
}

/// The months, of `agents`, that have evaluations that count: their quality KPI comes from them.
pub async fn evaluated_months(
    db: &impl ConnectionTrait,
    agents: &[UserId],
) -> Result<std::collections::HashSet<(UserId, String)>, StoreError> {
    let mut months = std::collections::HashSet::new();
    for chunk in agents.chunks(500) {
        let rows = evaluation::Entity::find()
            .select_only()
            .column(evaluation::Column::AgentId)
            .column(evaluation::Column::OccurredAt)
            .filter(evaluation::Column::AgentId.is_in(chunk.iter().copied()))
            .filter(evaluation::Column::Status.is_in(["SUBMITTED", "ACKNOWLEDGED"]))
            .into_tuple::<(UserId, chrono::DateTime<Utc>)>()
            .all(db)
            .await?;
        months.extend(
            rows.into_iter()
                .map(|(agent, at)| (agent, at.format("%Y-%m").to_string())),
        );
    }
    Ok(months)
}

/// Takes the agent's quality KPI for `month` from their evaluations again (after one was
/// submitted, changed or voided): the month's other values stay. The month and its values when
/// the KPI's value changed.
pub async fn refresh_quality(
    db: &impl ConnectionTrait,
    origin: &Origin,
    agent: UserId,
    month: &str,
) -> Result<Option<(metric_month::Model, Values)>, StoreError> {
    let Some(kpi) = quality_kpi(db).await? else {
        return Ok(None);
    };
    let derived = average(&evaluation_scores(db, agent, month).await?);
    let existing = metric_month::Entity::find()
        .filter(metric_month::Column::AgentId.eq(agent))
        .filter(metric_month::Column::Month.eq(month))
        .one(db)
        .await?;
    let (mut values, raw_counts, version) = match existing {
        Some(row) => {
            let values: Values = metric_value::Entity::find()
                .filter(metric_value::Column::MetricMonthId.eq(row.id))
                .all(db)
                .await?
                .into_iter()
                .map(|v| (v.kpi_id, v.value))
                .collect();
            let counts = row
                .raw_counts
                .and_then(|counts| serde_json::from_value(counts).ok());
            (values, counts, Some(row.version))
        }
        None if derived.is_none() => return Ok(None),
        None => (Values::new(), None, None),
    };
    if values.get(&kpi.id).copied() == derived {
        return Ok(None);
    }
    match derived {
        Some(value) => values.insert(kpi.id, value),
        None => values.remove(&kpi.id),
    };
    let input = MonthInput {
        agent_id: agent,
        month: month.to_owned(),
        values,
        raw_counts,
    };
    upsert(db, origin, input, version).await.map(Some)
}

/// Writes one agent's month, replacing its values. A month that exists needs its `version`. The
/// quality KPI of a month with evaluations is theirs: a value for it is refused unless it is
/// their average.
pub async fn upsert(
    db: &impl ConnectionTrait,
    origin: &Origin,
    input: MonthInput,
    version: Option<i32>,
) -> Result<(metric_month::Model, Values), StoreError> {
    let mut input = input;
    if let Some(kpi) = quality_kpi(db).await?
        && let Some(derived) = average(&evaluation_scores(db, input.agent_id, &input.month).await?)
    {
        if input
            .values
            .get(&kpi.id)
            .is_some_and(|value| *value != derived)
        {
            return Err(StoreError::invalid(
                kpi.key,
                "this month's value is the average of the agent's evaluations",
            ));
        }
        input.values.insert(kpi.id, derived);
    }
    let existing = metric_month::Entity::find()
        .filter(metric_month::Column::AgentId.eq(input.agent_id))
        .filter(metric_month::Column::Month.eq(&input.month))
        .one(db)
        .await?;
    let now = Utc::now();
    let raw = input
        .raw_counts
        .as_ref()
        .map(|counts| serde_json::json!(counts));
    let (month, before) = match existing {
        Some(existing) => {
            let version = version.ok_or(StoreError::VersionRequired)?;
            versioned::bump::<metric_month::Entity>(db, existing.id, version).await?;
            let before: Values = metric_value::Entity::find()
                .filter(metric_value::Column::MetricMonthId.eq(existing.id))
                .all(db)
                .await?
                .into_iter()
                .map(|v| (v.kpi_id, v.value))
                .collect();
            metric_value::Entity::delete_many()
                .filter(metric_value::Column::MetricMonthId.eq(existing.id))
                .exec(db)
                .await?;
            let mut row: metric_month::ActiveModel = metric_month::Entity::find_by_id(existing.id)
                .one(db)
                .await?
                .ok_or(StoreError::NotFound)?
                .into();
            row.raw_counts = Set(raw);
            row.updated_by = Set(origin.actor_id);
            (row.update(db).await?, Some(before))
        }
        None => {
            let month = metric_month::ActiveModel {
                id: Set(Uuid::now_v7()),
                agent_id: Set(input.agent_id),
                month: Set(input.month.clone()),
                raw_counts: Set(raw),
                notes: Set(None),
                updated_by: Set(origin.actor_id),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(db)
            .await?;
            (month, None)
        }
    };
    if !input.values.is_empty() {
        metric_value::Entity::insert_many(input.values.iter().map(|(&kpi_id, &value)| {
            metric_value::ActiveModel {
                metric_month_id: Set(month.id),
                kpi_id: Set(kpi_id),
                value: Set(value),
            }
        }))
        .exec(db)
        .await?;
    }
    let as_json = |values: &Values| {
        serde_json::Value::Object(
            values
                .iter()
                .map(|(k, v)| (k.to_string(), serde_json::json!(v)))
                .collect(),
        )
    };
    let change = Change {
        action: "metrics.upsert",
        resource_type: "metric_month",
        resource_id: Some(month.id),
        changes: audit::diff(
            before.as_ref().map(as_json).as_ref(),
            Some(&as_json(&input.values)),
        ),
    };
    audit::record(db, origin, change).await?;
    Ok((month, input.values))
}

/// Enters or corrects one agent's month, when the actor may write their metrics: `input` holds
/// values by KPI key or the raw counts they are computed from; a month that exists needs its
/// `version`. Returns the month saved and its values.
pub async fn save_month(
    db: &Db,
    caller: &Caller,
    catalogue: &Catalogue,
    agent: UserId,
    month: (String, &BTreeMap<String, f64>),
    version: Option<i32>,
) -> Result<(metric_month::Model, Values), StoreError> {
    let Caller { actor, origin } = caller;
    let (month, input) = month;
    let (about, _) = agent_in_scope(db, actor, agent).await?;
    authorize(actor, Action::WriteMetrics, &about)?;
    let (values, raw_counts) = catalogue
        .resolve(input)
        .map_err(StoreError::InvalidFields)?;
    let input = MonthInput {
        agent_id: agent,
        month,
        values,
        raw_counts,
    };
    let txn = db::begin_write(db).await?;
    let saved = upsert(&txn, origin, input, version).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Writes many months in one transaction: all or nothing. A month that exists is replaced (the
/// file is the truth), so the existing version is used. Returns (created, replaced).
pub async fn import_all(
    db: &Db,
    origin: &Origin,
    inputs: Vec<MonthInput>,
    mut progress: impl FnMut(usize),
) -> Result<(usize, usize), StoreError> {
    let txn = db::begin_write(db).await?;
    let mut agents: Vec<UserId> = inputs.iter().map(|i| i.agent_id).collect();
    agents.sort();
    agents.dedup();
    let mut existing: HashMap<(UserId, String), i32> = HashMap::new();
    // Bounded IN lists: SQLite and PostgreSQL both cap the parameters of one statement.
    for chunk in agents.chunks(500) {
        let rows = metric_month::Entity::find()
            .filter(metric_month::Column::AgentId.is_in(chunk.iter().copied()))
            .all(&txn)
            .await?;
        existing.extend(rows.into_iter().map(|m| ((m.agent_id, m.month), m.version)));
    }
    let (mut created, mut replaced) = (0, 0);
    for (done, input) in inputs.into_iter().enumerate() {
        let version = existing
            .get(&(input.agent_id, input.month.clone()))
            .copied();
        if version.is_some() {
            replaced += 1;
        } else {
            created += 1;
        }
        upsert(&txn, origin, input, version).await?;
        progress(done + 1);
    }
    txn.commit().await?;
    Ok((created, replaced))
}
