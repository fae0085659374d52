//! Teams.

use chrono::{DateTime, Utc};
use domain::{TeamId, UserId};
use garde::Validate;
use serde::{Deserialize, Serialize};

use crate::users::not_blank;

/// A team with its leader, manager and agents.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Team {
    pub id: TeamId,
    /// Name; unique.
    pub name: String,
    pub team_leader_id: UserId,
    /// The manager, if any.
    pub manager_id: Option<UserId>,
    /// The agents.
    pub agent_ids: Vec<UserId>,
    /// The quality analysts who evaluate its agents.
    pub analyst_ids: Vec<UserId>,
    /// Optimistic-concurrency version.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// A team's id and name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamSummary {
    pub id: TeamId,
    pub name: String,
}

/// `POST /api/v1/teams`.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct CreateTeam {
    /// Name; unique.
    #[garde(length(chars, min = 1, max = 120), custom(not_blank))]
    pub name: String,
    /// A user whose role is `TEAM_LEADER`.
    pub team_leader_id: UserId,
    /// A user whose role is `MANAGER`.
    #[serde(default)]
    pub manager_id: Option<UserId>,
    /// Users whose role is `QUALITY_ANALYST`, who evaluate the team's agents.
    #[garde(length(max = 50))]
    #[serde(default)]
    pub analyst_ids: Vec<UserId>,
}

/// `PATCH /api/v1/teams/{id}`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct UpdateTeam {
    /// New name.
    #[garde(inner(length(chars, min = 1, max = 120), custom(not_blank)))]
    #[serde(default)]
    pub name: Option<String>,
    /// New team leader.
    #[serde(default)]
    pub team_leader_id: Option<UserId>,
    /// New manager (`null` removes the manager).
    #[serde(
        default,
        with = "crate::users::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Uuid))]
    pub manager_id: Option<Option<UserId>>,
    /// The complete set of agents; agents listed leave their previous team.
    #[garde(length(max = 500))]
    #[serde(default)]
    pub agent_ids: Option<Vec<UserId>>,
    /// The complete set of quality analysts (admin).
    #[garde(length(max = 50))]
    #[serde(default)]
    pub analyst_ids: Option<Vec<UserId>>,
    /// The version this edit is based on (or send `If-Match`).
    #[serde(default)]
    pub version: Option<i32>,
}

impl crate::Patch for UpdateTeam {
    fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.team_leader_id.is_none()
            && self.manager_id.is_none()
            && self.agent_ids.is_none()
            && self.analyst_ids.is_none()
    }
}
