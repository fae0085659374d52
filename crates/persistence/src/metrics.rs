//! Monthly KPI values per agent, the KPI catalogue and its versioned configurations, and the
//! scorecards computed from them.

use std::collections::{BTreeMap, HashMap};

use chrono::Utc;
use domain::scorecard::{self, Band, Direction, Weighted};
use domain::{TeamId, UserId};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use crate::audit::{self, Change, Origin};
use crate::entity::{
    kpi, metric_month, metric_value, scorecard_config, scorecard_config_kpi, team_member, user,
};
use crate::{Db, StoreError, db, versioned};

/// A configuration with its weights and targets by KPI id.
#[derive(Clone, Debug)]
pub struct Config {
    /// The row.
    pub config: scorecard_config::Model,
    /// KPI id to (weight, target).
    pub weights: HashMap<Uuid, (f64, f64)>,
}

/// The catalogue and every configuration: what scoring needs, loaded in three queries.
#[derive(Clone, Debug)]
pub struct Catalogue {
    /// Every KPI.
    pub kpis: Vec<kpi::Model>,
    /// Every configuration, newest first.
    pub configs: Vec<Config>,
}

/// A month's values by KPI id.
pub type Values = HashMap<Uuid, f64>;

/// Raw counts by name (`scheduled_hours`, ...).
pub type Counts = BTreeMap<String, f64>;

/// Problems with a request, as (field, message) pairs.
pub type FieldErrors = Vec<(String, String)>;

/// Loads the catalogue.
pub async fn catalogue(db: &impl ConnectionTrait) -> Result<Catalogue, StoreError> {
    let kpis = kpi::Entity::find()
        .order_by_asc(kpi::Column::CreatedAt)
        .order_by_asc(kpi::Column::Id)
        .all(db)
        .await?;
    let configs = scorecard_config::Entity::find()
        .order_by_desc(scorecard_config::Column::EffectiveFrom)
        .all(db)
        .await?;
    let mut weights: HashMap<Uuid, HashMap<Uuid, (f64, f64)>> = HashMap::new();
    for row in scorecard_config_kpi::Entity::find().all(db).await? {
        weights
            .entry(row.config_id)
            .or_default()
            .insert(row.kpi_id, (row.weight, row.target));
    }
    let configs = configs
        .into_iter()
        .map(|config| Config {
            weights: weights.remove(&config.id).unwrap_or_default(),
            config,
        })
        .collect();
    Ok(Catalogue { kpis, configs })
}

fn direction_of(kpi: &kpi::Model) -> Direction {
    kpi.direction.parse().unwrap_or(Direction::HigherIsBetter)
}

impl Catalogue {
    /// The configuration in force for `month` (the latest that starts on or before it).
    pub fn config_for(&self, month: &str) -> Option<&Config> {
        self.configs
            .iter()
            .find(|config| config.config.effective_from.as_str() <= month)
            .or_else(|| self.configs.last())
    }

    /// A KPI by key.
    pub fn kpi(&self, key: &str) -> Option<&kpi::Model> {
        self.kpis.iter().find(|kpi| kpi.key == key)
    }

    /// The month's score under the configuration in force for it.
    pub fn score(&self, month: &str, values: &Values) -> Option<f64> {
        let config = self.config_for(month)?;
        let weighted: Vec<Weighted> = self
            .kpis
            .iter()
            .filter_map(|kpi| {
                let (weight, _) = config.weights.get(&kpi.id)?;
                Some(Weighted {
                    weight: *weight,
                    direction: direction_of(kpi),
                    value: values.get(&kpi.id).copied(),
                })
            })
            .collect();
        scorecard::monthly_score(&weighted)
    }

    /// A stored month as the API shows it.
    pub fn month_dto(&self, month: &metric_month::Model, values: &Values) -> dto::MetricMonth {
        let score = self.score(&month.month, values);
        dto::MetricMonth {
            agent_id: UserId(month.agent_id),
            month: month.month.clone(),
            values: self
                .kpis
                .iter()
                .filter_map(|kpi| values.get(&kpi.id).map(|v| (kpi.key.clone(), *v)))
                .collect(),
            raw_counts: month
                .raw_counts
                .clone()
                .and_then(|raw| serde_json::from_value(raw).ok()),
            score,
            band: score.map(Band::of),
            config_effective_from: self
                .config_for(&month.month)
                .map(|c| c.config.effective_from.clone())
                .unwrap_or_default(),
            version: month.version,
            updated_at: month.updated_at,
        }
    }

    /// Reads a month's input: KPI values by key, or the raw counts they are computed from.
    /// Every problem is reported, by key.
    pub fn resolve(
        &self,
        input: &BTreeMap<String, f64>,
    ) -> Result<(Values, Option<Counts>), FieldErrors> {
        let mut errors = Vec::new();
        let mut values = Values::new();
        let mut counts = BTreeMap::new();
        let count_names: Vec<&str> = self
            .kpis
            .iter()
            .flat_map(|kpi| [kpi.numerator.as_deref(), kpi.denominator.as_deref()])
            .flatten()
            .collect();
        for (key, &value) in input {
            if let Some(kpi) = self.kpi(key).filter(|kpi| kpi.active) {
                if value < kpi.min_value || value > kpi.max_value {
                    errors.push((
                        key.clone(),
                        format!("must be between {} and {}", kpi.min_value, kpi.max_value),
                    ));
                } else {
                    values.insert(kpi.id, scorecard::round2(value));
                }
            } else if count_names.contains(&key.as_str()) {
                if value < 0.0 {
                    errors.push((key.clone(), "a count cannot be negative".to_owned()));
                } else {
                    counts.insert(key.clone(), value);
                }
            } else {
                errors.push((
                    key.clone(),
                    "is neither a KPI of the catalogue nor a raw count".to_owned(),
                ));
            }
        }
        for kpi in self.kpis.iter().filter(|kpi| kpi.active) {
            let (Some(num), Some(den)) = (kpi.numerator.as_deref(), kpi.denominator.as_deref())
            else {
                continue;
            };
            let (Some(&num), Some(&den)) = (counts.get(num), counts.get(den)) else {
                continue;
            };
            if values.contains_key(&kpi.id) {
                errors.push((
                    kpi.key.clone(),
                    "given both directly and as raw counts".to_owned(),
                ));
                continue;
            }
            // With nothing to divide by, break compliance is perfect (no breaks, none too long).
            let empty = if kpi.key == "break_compliance" {
                100.0
            } else {
                0.0
            };
            values.insert(
                kpi.id,
                scorecard::from_counts(num, den, empty).min(kpi.max_value),
            );
        }
        if values.is_empty() && errors.is_empty() {
            errors.push((
                "body".to_owned(),
                "give at least one KPI value or a numerator/denominator pair".to_owned(),
            ));
        }
        if errors.is_empty() {
            Ok((values, (!counts.is_empty()).then_some(counts)))
        } else {
            Err(errors)
        }
    }
}

/// Months of these agents from `from` to `to` (inclusive), with their values, in two queries.
pub async fn months(
    db: &impl ConnectionTrait,
    agents: &[Uuid],
    from: &str,
    to: &str,
) -> Result<Vec<(metric_month::Model, Values)>, StoreError> {
    let months = metric_month::Entity::find()
        .filter(metric_month::Column::AgentId.is_in(agents.iter().copied()))
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
    /// The agent.
    pub agent_id: Uuid,
    /// `YYYY-MM`.
    pub month: String,
    /// Values by KPI id.
    pub values: Values,
    /// The raw counts, when given.
    pub raw_counts: Option<BTreeMap<String, f64>>,
}

/// Writes one agent's month, replacing its values. A month that exists needs its `version`.
pub async fn upsert(
    db: &impl ConnectionTrait,
    origin: &Origin,
    input: MonthInput,
    version: Option<i32>,
) -> Result<(metric_month::Model, Values), StoreError> {
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

/// [`upsert`] in a transaction of its own.
pub async fn save_month(
    db: &Db,
    origin: &Origin,
    input: MonthInput,
    version: Option<i32>,
) -> Result<(metric_month::Model, Values), StoreError> {
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
    let mut agents: Vec<Uuid> = inputs.iter().map(|i| i.agent_id).collect();
    agents.sort();
    agents.dedup();
    let mut existing: HashMap<(Uuid, String), i32> = HashMap::new();
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

/// Adds a KPI to the catalogue.
pub async fn create_kpi(
    db: &Db,
    origin: &Origin,
    new: &dto::CreateKpi,
) -> Result<kpi::Model, StoreError> {
    if new.min_value >= new.max_value {
        return Err(StoreError::invalid(
            "max_value",
            "must be greater than min_value",
        ));
    }
    let txn = db::begin_write(db).await?;
    if kpi::Entity::find()
        .filter(kpi::Column::Key.eq(&new.key))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(StoreError::conflict("key", "a KPI with this key exists"));
    }
    let now = Utc::now();
    let kpi = kpi::ActiveModel {
        id: Set(Uuid::now_v7()),
        key: Set(new.key.clone()),
        name: Set(new.name.trim().to_owned()),
        description: Set(None),
        unit: Set(new.unit.clone()),
        direction: Set(new.direction.as_str().to_owned()),
        min_value: Set(new.min_value),
        max_value: Set(new.max_value),
        numerator: Set(None),
        denominator: Set(None),
        active: Set(true),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let change = Change {
        action: "kpi.create",
        resource_type: "kpi",
        resource_id: Some(kpi.id),
        changes: serde_json::json!({ "key": { "from": null, "to": kpi.key } }),
    };
    audit::record(&txn, origin, change).await?;
    txn.commit().await?;
    Ok(kpi)
}

/// Edits the KPI `key` at `version`: name, valid range, whether it is active. Values already
/// recorded keep standing; the range applies to what is written from now on.
pub async fn update_kpi(
    db: &Db,
    origin: &Origin,
    key: &str,
    version: i32,
    patch: &dto::UpdateKpi,
) -> Result<kpi::Model, StoreError> {
    let txn = db::begin_write(db).await?;
    let current = kpi::Entity::find()
        .filter(kpi::Column::Key.eq(key))
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let min_value = patch.min_value.unwrap_or(current.min_value);
    let max_value = patch.max_value.unwrap_or(current.max_value);
    if min_value >= max_value {
        return Err(StoreError::invalid(
            "max_value",
            "must be greater than min_value",
        ));
    }
    versioned::bump::<kpi::Entity>(&txn, current.id, version).await?;
    let mut row: kpi::ActiveModel = current.clone().into();
    if let Some(name) = &patch.name {
        row.name = Set(name.trim().to_owned());
    }
    row.min_value = Set(min_value);
    row.max_value = Set(max_value);
    if let Some(active) = patch.active {
        row.active = Set(active);
    }
    row.version = Set(version + 1);
    let updated = row.update(&txn).await?;
    let change = Change {
        action: "kpi.update",
        resource_type: "kpi",
        resource_id: Some(updated.id),
        changes: audit::diff(
            Some(&audit::snapshot(&current)),
            Some(&audit::snapshot(&updated)),
        ),
    };
    audit::record(&txn, origin, change).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Saves a new configuration from `effective_from` on.
pub async fn save_config(
    db: &Db,
    origin: &Origin,
    update: &dto::UpdateScorecardConfig,
) -> Result<(), StoreError> {
    let txn = db::begin_write(db).await?;
    let catalogue = catalogue(&txn).await?;
    if catalogue
        .configs
        .iter()
        .any(|c| c.config.effective_from == update.effective_from)
    {
        return Err(StoreError::conflict(
            "effective_from",
            "a configuration already starts in this month",
        ));
    }
    let mut rows = Vec::new();
    for (index, weight) in update.kpis.iter().enumerate() {
        let kpi = catalogue.kpi(&weight.key).ok_or_else(|| {
            StoreError::invalid(
                "kpis",
                format!("kpis[{index}].key `{}` is not in the catalogue", weight.key),
            )
        })?;
        if rows.iter().any(|(id, _, _)| *id == kpi.id) {
            return Err(StoreError::invalid(
                "kpis",
                format!("kpis[{index}].key `{}` is listed twice", weight.key),
            ));
        }
        rows.push((kpi.id, weight.weight, weight.target));
    }
    if rows.iter().all(|(_, weight, _)| *weight == 0.0) {
        return Err(StoreError::invalid(
            "kpis",
            "at least one KPI needs a weight above 0",
        ));
    }
    let config = scorecard_config::ActiveModel {
        id: Set(Uuid::now_v7()),
        effective_from: Set(update.effective_from.clone()),
        note: Set(update.note.clone()),
        created_by: Set(origin.actor_id),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    scorecard_config_kpi::Entity::insert_many(rows.iter().map(|&(kpi_id, weight, target)| {
        scorecard_config_kpi::ActiveModel {
            config_id: Set(config.id),
            kpi_id: Set(kpi_id),
            weight: Set(weight),
            target: Set(target),
        }
    }))
    .exec(&txn)
    .await?;
    let change = Change {
        action: "scorecard_config.create",
        resource_type: "scorecard_config",
        resource_id: Some(config.id),
        changes: serde_json::json!({ "effective_from": { "from": null, "to": update.effective_from }, "kpis": { "from": null, "to": update.kpis.len() } }),
    };
    audit::record(&txn, origin, change).await?;
    txn.commit().await?;
    Ok(())
}

/// The catalogue and configurations as the API shows them.
pub fn settings(catalogue: &Catalogue) -> dto::ScorecardSettings {
    let key_of = |id: &Uuid| {
        catalogue
            .kpis
            .iter()
            .find(|kpi| kpi.id == *id)
            .map(|kpi| kpi.key.clone())
            .unwrap_or_default()
    };
    dto::ScorecardSettings {
        catalogue: catalogue
            .kpis
            .iter()
            .map(|kpi| dto::Kpi {
                key: kpi.key.clone(),
                name: kpi.name.clone(),
                unit: kpi.unit.clone(),
                direction: direction_of(kpi),
                min_value: kpi.min_value,
                max_value: kpi.max_value,
                numerator: kpi.numerator.clone(),
                denominator: kpi.denominator.clone(),
                active: kpi.active,
                version: kpi.version,
            })
            .collect(),
        configs: catalogue
            .configs
            .iter()
            .map(|config| {
                let mut kpis: Vec<dto::KpiWeight> = config
                    .weights
                    .iter()
                    .map(|(id, (weight, target))| dto::KpiWeight {
                        key: key_of(id),
                        weight: *weight,
                        target: *target,
                    })
                    .collect();
                kpis.sort_by(|a, b| a.key.cmp(&b.key));
                dto::ScorecardConfig {
                    effective_from: config.config.effective_from.clone(),
                    note: config.config.note.clone(),
                    kpis,
                    created_at: config.config.created_at,
                }
            })
            .collect(),
    }
}

/// The agents of a team with their names.
async fn team_agents(
    db: &impl ConnectionTrait,
    team: Uuid,
) -> Result<Vec<(Uuid, String)>, StoreError> {
    let ids: Vec<Uuid> = team_member::Entity::find()
        .filter(team_member::Column::TeamId.eq(team))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .order_by_asc(user::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

/// An agent's year (`team`: the one they belong to): monthly scores, month-on-month change,
/// team average alongside.
pub async fn agent_scorecard(
    db: &Db,
    agent: Uuid,
    team: Option<Uuid>,
    year: i32,
) -> Result<dto::AgentScorecard, StoreError> {
    let catalogue = catalogue(db).await?;
    let mut people = match team {
        Some(team) => team_agents(db, team)
            .await?
            .into_iter()
            .map(|(id, _)| id)
            .collect(),
        None => Vec::new(),
    };
    if !people.contains(&agent) {
        people.push(agent);
    }
    let previous_december = format!("{:04}-12", year - 1);
    let rows = months(db, &people, &previous_december, &format!("{year:04}-12")).await?;
    let mut by_month: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut own: BTreeMap<String, Option<f64>> = BTreeMap::new();
    for (month, values) in &rows {
        let score = catalogue.score(&month.month, values);
        if month.agent_id == agent {
            own.insert(month.month.clone(), score);
        }
        if let Some(score) = score
            && team.is_some()
        {
            by_month.entry(month.month.clone()).or_default().push(score);
        }
    }
    let months: Vec<dto::ScorecardMonth> = own
        .iter()
        .filter(|(month, _)| month.starts_with(&format!("{year:04}-")))
        .map(|(month, score)| {
            let previous = own
                .get(&scorecard::previous_month(month))
                .copied()
                .flatten();
            dto::ScorecardMonth {
                month: month.clone(),
                score: *score,
                band: score.map(Band::of),
                change: score
                    .zip(previous)
                    .map(|(now, before)| scorecard::round2(now - before)),
                team_average: by_month
                    .get(month)
                    .and_then(|scores| scorecard::mean(scores.iter().copied())),
            }
        })
        .collect();
    let year_to_date = scorecard::mean(months.iter().filter_map(|m| m.score));
    Ok(dto::AgentScorecard {
        agent_id: UserId(agent),
        year,
        trend: months.last().and_then(|m| m.change),
        band: year_to_date.map(Band::of),
        year_to_date,
        months,
    })
}

/// Every agent of a team in one month, best first, with ranks and the average.
pub async fn team_scorecard(
    db: &Db,
    team: Uuid,
    month: &str,
) -> Result<dto::TeamScorecard, StoreError> {
    let catalogue = catalogue(db).await?;
    let agents = team_agents(db, team).await?;
    let ids: Vec<Uuid> = agents.iter().map(|(id, _)| *id).collect();
    let scores: HashMap<Uuid, Option<f64>> = months(db, &ids, month, month)
        .await?
        .iter()
        .map(|(m, values)| (m.agent_id, catalogue.score(month, values)))
        .collect();
    let mut rows: Vec<dto::TeamScorecardRow> = agents
        .into_iter()
        .map(|(id, name)| {
            let score = scores.get(&id).copied().flatten();
            dto::TeamScorecardRow {
                agent_id: UserId(id),
                name,
                score,
                band: score.map(Band::of),
                rank: None,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.score
            .partial_cmp(&a.score)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut rank = 0;
    let mut last: Option<f64> = None;
    for (index, row) in rows.iter_mut().enumerate() {
        if let Some(score) = row.score {
            if last != Some(score) {
                rank = u32::try_from(index + 1).unwrap_or(u32::MAX);
                last = Some(score);
            }
            row.rank = Some(rank);
        }
    }
    Ok(dto::TeamScorecard {
        team_id: TeamId(team),
        month: month.to_owned(),
        average: scorecard::mean(rows.iter().filter_map(|r| r.score)),
        agents: rows,
    })
}
