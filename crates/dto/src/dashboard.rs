//! The home page of each role.

use domain::UserId;
use domain::scorecard::Band;
use serde::{Deserialize, Serialize};

use crate::{ActionItem, Session};

/// Why an agent needs attention.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AttentionReason {
    /// The latest score is under the target (75, the start of the "good" band).
    BelowTarget,
    /// The latest score fell by 5 points or more from the month before.
    ScoreDropped,
    /// Action items past their due date are still open.
    OverdueItems,
    /// No completed coaching session in the last 30 days.
    NoRecentSession,
    /// A completed session or an active plan waits for their acknowledgement past
    /// `ACK_REMINDER_HOURS` (48).
    Unacknowledged,
}

/// An agent whose latest month needs a look.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentAttention {
    pub agent_id: UserId,
    /// Their name.
    pub name: String,
    /// Their latest scored month in the last seven, if any.
    pub month: Option<String>,
    /// Their score that month.
    pub score: Option<f64>,
    /// Its band.
    pub band: Option<Band>,
    /// Change from the month before.
    pub change: Option<f64>,
    /// Their open action items past due.
    pub overdue_items: u32,
    /// Days since their last completed session (none: never coached).
    pub days_since_session: Option<i64>,
    /// Completed sessions and active plans waiting for their acknowledgement past
    /// `ACK_REMINDER_HOURS`.
    pub unacknowledged: u32,
    /// Their team.
    pub team_id: Option<domain::TeamId>,
    /// How much attention they need now, the list's order (`domain::attention`): most first.
    pub weight: f64,
    /// Every reason that applies, most pressing first.
    pub reasons: Vec<AttentionReason>,
}

/// The mean score of the agents in scope for one month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrendPoint {
    /// `YYYY-MM`.
    pub month: String,
    /// Mean score.
    pub average: f64,
    /// Agents scored.
    pub agents: u32,
}

/// `GET /api/v1/dashboard`: what the actor should look at now, all within their scope.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dashboard {
    /// Scheduled sessions in the next 14 days, soonest first.
    pub upcoming_sessions: Vec<Session>,
    /// Completed sessions the agent has not signed off yet (an agent's reminders).
    pub pending_acknowledgements: Vec<Session>,
    /// Open action items past their due date, oldest first.
    pub overdue_action_items: Vec<ActionItem>,
    /// Agents whose score dropped or is under target, with overdue items, or not coached for 30
    /// days (coaches only), lowest score first.
    pub agents_needing_attention: Vec<AgentAttention>,
    /// The last six months' mean score across the agents in scope.
    pub team_trend: Vec<TrendPoint>,
}
