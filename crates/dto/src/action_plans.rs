//! Action plans (performance improvement plans): goal, period, items, KPI targets, checkpoints.

use chrono::{DateTime, NaiveDate, Utc};
use domain::{ActionPlanId, PlanOutcome, PlanStatus, Priority, UserId};
use garde::Validate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ActionItem;
use crate::metrics::month;
use crate::users::not_blank;

pub use domain::TargetOperator;

/// A KPI target of a plan, with the agent's real value for its month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanTarget {
    /// The KPI's key.
    pub kpi: String,
    /// How it compares.
    pub operator: TargetOperator,
    /// The value to reach.
    pub value: f64,
    /// The month it must be reached by (`YYYY-MM`).
    pub by_month: String,
    /// The agent's recorded value for that month, if any.
    pub actual: Option<f64>,
    /// Whether the actual value meets the target (none until recorded).
    pub met: Option<bool>,
    /// The agent's recorded values from the plan's first month to the target's month, oldest
    /// first: where they stand now, and the trend towards the target.
    pub progress: Vec<MonthValue>,
}

/// A KPI's value in one month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthValue {
    /// `YYYY-MM`.
    pub month: String,
    /// The recorded value.
    pub value: f64,
}

/// A dated checkpoint with notes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Checkpoint {
    pub id: Uuid,
    /// The day of the review.
    pub date: NaiveDate,
    /// What was found.
    pub notes: String,
    /// Who wrote it.
    pub author_id: Option<UserId>,
    /// Written.
    pub created_at: DateTime<Utc>,
}

/// An action plan with its items, targets and checkpoints.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionPlan {
    pub id: ActionPlanId,
    pub agent_id: UserId,
    /// Who drafted it.
    pub created_by: Option<UserId>,
    pub title: String,
    /// What the agent must achieve.
    pub goal: String,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day.
    pub end_date: NaiveDate,
    /// Where it is.
    pub status: PlanStatus,
    /// How it ended.
    pub outcome: Option<PlanOutcome>,
    /// Sent for approval.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Who approved it.
    pub approved_by: Option<UserId>,
    /// When.
    pub approved_at: Option<DateTime<Utc>>,
    /// Why it was last sent back.
    pub rejection_reason: Option<String>,
    /// Why it was cancelled.
    pub cancel_reason: Option<String>,
    /// When the agent acknowledged it.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// The agent's comment.
    pub acknowledgement_comment: Option<String>,
    /// Its action items.
    pub items: Vec<ActionItem>,
    /// Its KPI targets.
    pub targets: Vec<PlanTarget>,
    /// Its checkpoints, in date order.
    pub checkpoints: Vec<Checkpoint>,
    /// Optimistic-concurrency version.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// An item drafted with a plan.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct NewPlanItem {
    /// What to do.
    #[garde(length(chars, min = 1, max = 200), custom(not_blank))]
    pub title: String,
    /// By when.
    #[garde(custom(crate::validate::plausible_date))]
    pub due_date: NaiveDate,
    /// Details.
    #[garde(inner(length(chars, max = 5000)))]
    #[serde(default)]
    pub description: Option<String>,
    /// How urgent (default MEDIUM).
    #[serde(default)]
    pub priority: Option<Priority>,
}

/// A target drafted with a plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct NewPlanTarget {
    /// A KPI key of the catalogue.
    #[garde(length(chars, min = 1, max = 64))]
    pub kpi: String,
    /// How it compares.
    pub operator: TargetOperator,
    /// The value to reach.
    pub value: f64,
    /// By which month (`YYYY-MM`).
    #[garde(custom(month))]
    pub by_month: String,
}

/// `POST /api/v1/action-plans`.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct CreateActionPlan {
    pub agent_id: UserId,
    #[garde(length(chars, min = 1, max = 200), custom(not_blank))]
    pub title: String,
    /// What the agent must achieve.
    #[garde(length(chars, min = 1, max = 5000), custom(not_blank))]
    pub goal: String,
    /// First day.
    #[garde(custom(crate::validate::plausible_date))]
    pub start_date: NaiveDate,
    /// Last day (on or after the first).
    #[garde(custom(on_or_after(&self.start_date)), custom(crate::validate::plausible_date))]
    pub end_date: NaiveDate,
    /// Action items.
    #[garde(length(max = 30), dive)]
    #[serde(default)]
    pub items: Vec<NewPlanItem>,
    /// KPI targets.
    #[garde(length(max = 20), dive)]
    #[serde(default)]
    pub targets: Vec<NewPlanTarget>,
}

fn on_or_after(start: &NaiveDate) -> impl FnOnce(&NaiveDate, &()) -> garde::Result + '_ {
    move |end, _| {
        if end >= start {
            Ok(())
        } else {
            Err(garde::Error::new("must not be before start_date"))
        }
    }
}

/// `PATCH /api/v1/action-plans/{id}`: while it is a draft.
#[derive(Clone, Debug, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, default)]
#[garde(allow_unvalidated)]
pub struct UpdateActionPlan {
    /// New title.
    #[garde(inner(length(chars, min = 1, max = 200), custom(not_blank)))]
    pub title: Option<String>,
    /// New goal.
    #[garde(inner(length(chars, min = 1, max = 5000), custom(not_blank)))]
    pub goal: Option<String>,
    /// New first day.
    #[garde(inner(custom(crate::validate::plausible_date)))]
    pub start_date: Option<NaiveDate>,
    /// New last day.
    #[garde(inner(custom(crate::validate::plausible_date)))]
    pub end_date: Option<NaiveDate>,
    /// New KPI targets, replacing all of them (a draft only).
    #[garde(length(max = 20), dive)]
    pub targets: Option<Vec<NewPlanTarget>>,
    /// The version edited (or `If-Match`).
    pub version: Option<i32>,
}

/// The body of the plan's state changes: submit, approve, reject, acknowledge, complete, cancel.
#[derive(Clone, Debug, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, default)]
#[garde(allow_unvalidated)]
pub struct PlanDecision {
    /// Why (reject, cancel: required).
    #[garde(inner(length(chars, min = 1, max = 2000), custom(not_blank)))]
    pub reason: Option<String>,
    /// The agent's comment (acknowledge).
    #[garde(inner(length(chars, max = 2000)))]
    pub comment: Option<String>,
    /// How it ended (complete: required).
    pub outcome: Option<PlanOutcome>,
    /// The version acted on (or `If-Match`).
    pub version: Option<i32>,
}

/// `POST /api/v1/action-plans/{id}/checkpoints`.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateCheckpoint {
    /// The day of the review.
    #[garde(custom(crate::validate::plausible_date))]
    pub date: NaiveDate,
    /// What was found.
    #[garde(length(chars, min = 1, max = 5000), custom(not_blank))]
    pub notes: String,
}

impl crate::Patch for UpdateActionPlan {
    fn is_empty(&self) -> bool {
        self.title.is_none()
            && self.goal.is_none()
            && self.start_date.is_none()
            && self.end_date.is_none()
            && self.targets.is_none()
    }
}

/// One step in a plan's history (`GET /api/v1/action-plans/{id}/history`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanEvent {
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// Who (absent for the system, or a person since erased).
    pub actor_id: Option<UserId>,
    /// What: `create`, `update`, `submit`, `approve`, `reject`, `acknowledge`, `checkpoint`,
    /// `complete` or `cancel`.
    pub what: String,
}
