//! Action items: agreed steps with an owner and a due date.

use chrono::{DateTime, NaiveDate, Utc};
use domain::{ActionItemId, ActionItemStatus, ActionPlanId, Priority, SessionId, UserId};
use garde::Validate;
use serde::{Deserialize, Serialize};

use crate::users::{double_option, not_blank};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionItem {
    pub id: ActionItemId,
    /// The agent it is about.
    pub agent_id: UserId,
    /// Who does it.
    pub assignee_id: UserId,
    /// Who created it.
    pub created_by: Option<UserId>,
    /// The session it came from.
    pub session_id: Option<SessionId>,
    /// The plan it belongs to.
    pub plan_id: Option<ActionPlanId>,
    /// What to do.
    pub title: String,
    /// Details.
    pub description: Option<String>,
    /// By when.
    pub due_date: NaiveDate,
    /// How urgent.
    pub priority: Priority,
    /// Where it is.
    pub status: ActionItemStatus,
    /// Open and past its due date (derived, never stored).
    pub overdue: bool,
    /// When it was completed.
    pub completed_at: Option<DateTime<Utc>>,
    /// Why it was cancelled.
    pub cancel_reason: Option<String>,
    /// In a plan that waits for approval: its agent sees it once the plan is active.
    pub awaiting_plan: bool,
    /// Optimistic-concurrency version.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// An action item agreed while completing a session.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct NewActionItem {
    /// What to do.
    #[garde(length(chars, min = 1, max = 200), custom(not_blank))]
    pub title: String,
    /// Details.
    #[garde(inner(length(chars, max = 5000)))]
    #[serde(default)]
    pub description: Option<String>,
    /// By when.
    #[garde(custom(crate::validate::plausible_date))]
    pub due_date: NaiveDate,
    /// How urgent.
    pub priority: Priority,
    /// Who does it (default: the session's agent).
    #[serde(default)]
    pub assignee_id: Option<UserId>,
}

/// `POST /api/v1/action-items`.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct CreateActionItem {
    /// What to do.
    #[garde(length(chars, min = 1, max = 200), custom(not_blank))]
    pub title: String,
    /// Details.
    #[garde(inner(length(chars, max = 5000)))]
    #[serde(default)]
    pub description: Option<String>,
    /// Who does it; without a session or plan, the agent it is about.
    pub assignee_id: UserId,
    /// By when.
    #[garde(custom(crate::validate::plausible_date))]
    pub due_date: NaiveDate,
    /// How urgent.
    pub priority: Priority,
    /// The session it comes from.
    #[serde(default)]
    pub session_id: Option<SessionId>,
    /// The plan it belongs to (an item comes from a session or a plan, not both).
    #[garde(custom(not_with(&self.session_id)))]
    #[serde(default)]
    pub plan_id: Option<ActionPlanId>,
}

/// A plan, when no session is named too.
fn not_with(
    session: &Option<SessionId>,
) -> impl FnOnce(&Option<ActionPlanId>, &()) -> garde::Result + '_ {
    move |plan, _| match (session, plan) {
        (Some(_), Some(_)) => Err(garde::Error::new(
            "an item comes from a session or a plan, not both",
        )),
        _ => Ok(()),
    }
}

/// `PATCH /api/v1/action-items/{id}`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct UpdateActionItem {
    /// New status: forward, back from `COMPLETED` (reopening), or `CANCELLED` by the coach side
    /// with a `cancel_reason`.
    #[serde(default)]
    pub status: Option<ActionItemStatus>,
    /// Why it is cancelled: required with `status: CANCELLED`, refused otherwise.
    #[garde(inner(length(chars, min = 1, max = 1000), custom(not_blank)))]
    #[serde(default)]
    pub cancel_reason: Option<String>,
    /// New title.
    #[garde(inner(length(chars, min = 1, max = 200), custom(not_blank)))]
    #[serde(default)]
    pub title: Option<String>,
    /// New description (`null` clears it).
    #[garde(inner(inner(length(chars, max = 5000))))]
    #[serde(
        default,
        with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub description: Option<Option<String>>,
    /// New due date.
    #[garde(inner(custom(crate::validate::plausible_date)))]
    #[serde(default)]
    pub due_date: Option<NaiveDate>,
    /// New priority.
    #[serde(default)]
    pub priority: Option<Priority>,
    /// New assignee.
    #[serde(default)]
    pub assignee_id: Option<UserId>,
    /// The version edited (or `If-Match`).
    #[serde(default)]
    pub version: Option<i32>,
}

impl crate::Patch for UpdateActionItem {
    fn is_empty(&self) -> bool {
        self.status.is_none()
            && self.cancel_reason.is_none()
            && self.title.is_none()
            && self.description.is_none()
            && self.due_date.is_none()
            && self.priority.is_none()
            && self.assignee_id.is_none()
    }
}
