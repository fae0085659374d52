//! The KPI catalogue and its versioned configurations, loaded together: what scoring needs.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use domain::scorecard::{self, Weighted};
use sea_orm::{ConnectionTrait, EntityTrait, FromQueryResult, QueryOrder, Statement};
use uuid::Uuid;

use crate::StoreError;
use crate::entity::{kpi, scorecard_config, scorecard_config_kpi};

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

impl Catalogue {
    /// The version of the scorecard settings: how many configurations were saved (one is never
    /// changed or removed, only followed by another).
    pub fn version(&self) -> i32 {
        i32::try_from(self.configs.len()).unwrap_or(i32::MAX)
    }
}

/// A month's values by KPI id.
pub type Values = HashMap<Uuid, f64>;

/// Raw counts by name (`scheduled_hours`, ...).
pub type Counts = BTreeMap<String, f64>;

/// Problems with a request, as (field, message) pairs.
pub type FieldErrors = Vec<(String, String)>;

/// What the catalogue's content was at a moment: the row counts and the latest change of the KPIs
/// and the configurations (their weights are written with them). Any addition or edit changes it.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct Fingerprint {
    kpis: i64,
    kpis_changed: Option<String>,
    configs: i64,
    configs_changed: Option<String>,
    weights: i64,
}

/// Reads the fingerprint: one statement.
pub async fn fingerprint(db: &impl ConnectionTrait) -> Result<Fingerprint, StoreError> {
    let sql = "SELECT (SELECT COUNT(*) FROM kpis) AS kpis, \
        (SELECT CAST(MAX(updated_at) AS TEXT) FROM kpis) AS kpis_changed, \
        (SELECT COUNT(*) FROM scorecard_configs) AS configs, \
        (SELECT CAST(MAX(created_at) AS TEXT) FROM scorecard_configs) AS configs_changed, \
        (SELECT COUNT(*) FROM scorecard_config_kpis) AS weights";
    let statement = Statement::from_string(db.get_database_backend(), sql);
    Fingerprint::find_by_statement(statement)
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The catalogue as last loaded, reused while its [`Fingerprint`] holds: one statement a request
/// instead of three, and never stale, since every instance checks the database's fingerprint.
#[derive(Debug, Default)]
pub struct CatalogueCache(Mutex<Option<(Fingerprint, Arc<Catalogue>)>>);

impl CatalogueCache {
    /// The current catalogue.
    pub async fn current(&self, db: &impl ConnectionTrait) -> Result<Arc<Catalogue>, StoreError> {
        let now = fingerprint(db).await?;
        if let Some((seen, catalogue)) = self.lock().as_ref()
            && *seen == now
        {
            return Ok(catalogue.clone());
        }
        let loaded = Arc::new(catalogue(db).await?);
        *self.lock() = Some((now, loaded.clone()));
        Ok(loaded)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<(Fingerprint, Arc<Catalogue>)>> {
        // A panic while holding the lock leaves a whole value behind: keep using it.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

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
                    direction: kpi.direction,
                    value: values.get(&kpi.id).copied(),
                })
            })
            .collect();
        scorecard::monthly_score(&weighted)
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
