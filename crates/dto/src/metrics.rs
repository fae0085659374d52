//! KPIs, monthly metrics and scorecards.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use domain::scorecard::{Band, Direction};
use domain::{TeamId, UserId};
use garde::Validate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::users::not_blank;

/// A KPI of the catalogue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Kpi {
    /// Stable key, used in APIs and CSV headers.
    pub key: String,
    pub name: String,
    /// Unit (`%`).
    pub unit: String,
    /// Whether more is better.
    pub direction: Direction,
    /// Smallest valid value.
    pub min_value: f64,
    /// Largest valid value.
    pub max_value: f64,
    /// Raw count on top, when computed from counts.
    pub numerator: Option<String>,
    /// Raw count below, when computed from counts.
    pub denominator: Option<String>,
    /// Whether new months may record it.
    pub active: bool,
    /// Whether its value is the agent's monthly average evaluation score (then it is not entered
    /// or imported for a month that has evaluations).
    pub from_evaluations: bool,
    /// Version, for `If-Match` on `PATCH /kpis/{key}`.
    pub version: i32,
}

/// `PATCH /api/v1/kpis/{key}`: rename a KPI, set its valid range, or retire it (admin).
#[derive(Clone, Debug, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, default)]
#[garde(allow_unvalidated)]
pub struct UpdateKpi {
    #[garde(inner(length(chars, min = 1, max = 120), custom(not_blank)))]
    pub name: Option<String>,
    /// Smallest valid value.
    #[garde(inner(range(min = -1_000_000.0, max = 1_000_000.0)))]
    pub min_value: Option<f64>,
    /// Largest valid value.
    #[garde(inner(range(min = -1_000_000.0, max = 1_000_000.0)))]
    pub max_value: Option<f64>,
    /// Whether new months may record it.
    pub active: Option<bool>,
    /// `true`: its value comes from evaluations (the KPI that did before stops).
    pub from_evaluations: Option<bool>,
    /// The version this edit is based on (or send `If-Match`).
    pub version: Option<i32>,
}

impl crate::Patch for UpdateKpi {
    fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.min_value.is_none()
            && self.max_value.is_none()
            && self.active.is_none()
            && self.from_evaluations.is_none()
    }
}

/// `POST /api/v1/kpis`: add a KPI to the catalogue (admin).
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct CreateKpi {
    /// Stable key: lower case letters, digits and `_`.
    #[garde(length(chars, min = 2, max = 64), custom(kpi_key))]
    pub key: String,
    #[garde(length(chars, min = 1, max = 120), custom(not_blank))]
    pub name: String,
    #[garde(length(chars, min = 1, max = 16))]
    pub unit: String,
    /// Whether more is better.
    pub direction: Direction,
    /// Smallest valid value.
    #[garde(range(min = -1_000_000.0, max = 1_000_000.0))]
    pub min_value: f64,
    /// Largest valid value: above `min_value` (a 422 on `max_value` otherwise, which a schema
    /// cannot say).
    #[garde(range(min = -1_000_000.0, max = 1_000_000.0))]
    pub max_value: f64,
}

/// One KPI's weight and target in a configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct KpiWeight {
    /// The KPI's key.
    #[garde(length(chars, min = 1, max = 64))]
    pub key: String,
    /// Weight, 0-10 (0 keeps the KPI visible but out of the score).
    #[garde(range(min = 0.0, max = 10.0))]
    pub weight: f64,
    /// Target value.
    pub target: f64,
}

/// A scorecard configuration: the weights and targets in force from a month on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScorecardConfig {
    /// First month it applies to.
    pub effective_from: String,
    /// Why it changed.
    pub note: Option<String>,
    /// Weights and targets.
    pub kpis: Vec<KpiWeight>,
    /// When it was saved.
    pub created_at: DateTime<Utc>,
}

/// `GET /api/v1/scorecard/config`: the catalogue, and every configuration, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScorecardSettings {
    /// Every KPI.
    pub catalogue: Vec<Kpi>,
    /// Every configuration, newest first; the first is in force for new months.
    pub configs: Vec<ScorecardConfig>,
    /// How many configurations were saved: a new one is based on it (`If-Match` or `version`),
    /// so an admin never saves over a configuration they have not seen.
    pub version: i32,
}

/// `PUT /api/v1/scorecard/config`: a new configuration from a month on (admin). Months before
/// keep the weights they were scored with.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateScorecardConfig {
    /// First month it applies to (`YYYY-MM`).
    #[garde(custom(month))]
    pub effective_from: String,
    /// Why it changes.
    #[garde(inner(length(chars, max = 1000)))]
    #[serde(default)]
    pub note: Option<String>,
    /// Weights and targets of every KPI that counts.
    #[garde(length(min = 1, max = 50), dive)]
    pub kpis: Vec<KpiWeight>,
    /// The settings' `version` this is based on, when `If-Match` does not carry it (not needed
    /// for a preview).
    #[garde(skip)]
    #[serde(default)]
    pub version: Option<i32>,
}

fn kpi_key(value: &str, _: &()) -> garde::Result {
    let mut chars = value.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    if first_ok && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
        Ok(())
    } else {
        Err(garde::Error::new(
            "lower-case letters, digits and `_`, starting with a letter",
        ))
    }
}

/// Garde rule: a `YYYY-MM` month.
pub fn month(value: &str, _: &()) -> garde::Result {
    if domain::scorecard::is_month(value) {
        Ok(())
    } else {
        Err(garde::Error::new("must be a month written YYYY-MM"))
    }
}

/// One agent's month: KPI values by key, the raw counts they came from, the score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MetricMonth {
    pub agent_id: UserId,
    /// `YYYY-MM`.
    pub month: String,
    /// KPI values by key.
    pub values: BTreeMap<String, f64>,
    /// Raw counts, when the values were computed from them.
    pub raw_counts: Option<BTreeMap<String, f64>>,
    /// The weighted score under the configuration in force for the month.
    pub score: Option<f64>,
    /// The score's band.
    pub band: Option<Band>,
    /// Which configuration scored it.
    pub config_effective_from: String,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// One month of an agent's scorecard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScorecardMonth {
    /// `YYYY-MM`.
    pub month: String,
    /// The agent's score.
    pub score: Option<f64>,
    /// Its band.
    pub band: Option<Band>,
    /// Change from the previous month's score.
    pub change: Option<f64>,
    /// The mean score of the agent's team that month.
    pub team_average: Option<f64>,
}

/// `GET /api/v1/agents/{id}/scorecard?year=`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentScorecard {
    pub agent_id: UserId,
    pub year: i32,
    /// Months with data, in order.
    pub months: Vec<ScorecardMonth>,
    /// Mean of the year's monthly scores.
    pub year_to_date: Option<f64>,
    /// Band of the year to date.
    pub band: Option<Band>,
    /// Change in the latest month.
    pub trend: Option<f64>,
}

/// One agent's line in a team scorecard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamScorecardRow {
    pub agent_id: UserId,
    /// Their name.
    pub name: String,
    /// Their score.
    pub score: Option<f64>,
    /// Their band.
    pub band: Option<Band>,
    /// 1 for the best score; agents without a score are not ranked.
    pub rank: Option<u32>,
}

/// `GET /api/v1/teams/{id}/scorecard?month=`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamScorecard {
    pub team_id: TeamId,
    /// `YYYY-MM`.
    pub month: String,
    /// Every agent, best first.
    pub agents: Vec<TeamScorecardRow>,
    /// Mean of the scored agents.
    pub average: Option<f64>,
}

/// Where a job is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobStatus {
    /// Still writing.
    Running,
    /// Done; see `summary`.
    Succeeded,
    /// Nothing was written; see `error`.
    Failed,
}

/// A metrics import running in the background (`202` of `POST /api/v1/metrics/import` with
/// `Prefer: respond-async`, and `GET /api/v1/metrics/import/jobs/{id}`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportJob {
    pub id: Uuid,
    /// Who started it (only they and admins may read it).
    pub owner: UserId,
    /// Where it is.
    pub status: JobStatus,
    /// Rows to write.
    pub total: usize,
    /// Rows written so far (in the import's one transaction).
    pub processed: usize,
    /// Months created and replaced, once succeeded.
    pub created: Option<usize>,
    /// Months replaced, once succeeded.
    pub replaced: Option<usize>,
    /// Why it failed.
    pub error: Option<String>,
}

/// One agent in a [`ScorecardPreview`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreviewRow {
    pub agent_id: UserId,
    /// Their name.
    pub name: String,
    /// The score under the configuration in force.
    pub now: Option<f64>,
    /// The score under the proposal.
    pub proposed: Option<f64>,
}

/// `POST /api/v1/scorecard/config/preview`: a month's scores under proposed weights and targets,
/// beside the scores in force; nothing is saved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScorecardPreview {
    /// The month scored.
    pub month: String,
    /// The mean score in force.
    pub average_now: Option<f64>,
    /// The mean score under the proposal.
    pub average_proposed: Option<f64>,
    /// Every agent with values that month, the biggest change first.
    pub agents: Vec<PreviewRow>,
}
