//! The five roles of a contact centre's coaching and quality hierarchy.

use serde::{Deserialize, Serialize};

/// What a person is in the organisation; it decides which actions the policy grants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "sea-orm",
    derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum)
)]
#[cfg_attr(feature = "sea-orm", sea_orm(rs_type = "String", db_type = "Text"))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// Runs the platform: people, teams, configuration, audit.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "ADMIN"))]
    Admin,
    /// Oversees the teams they manage and approves action plans.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "MANAGER"))]
    Manager,
    /// Coaches the agents of the teams they lead.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "TEAM_LEADER"))]
    TeamLeader,
    /// Evaluates the interactions of the agents of the teams an admin assigns them; manages no
    /// one and reads no coaching records.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "QUALITY_ANALYST"))]
    QualityAnalyst,
    /// Is coached; sees only their own records.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "AGENT"))]
    Agent,
}

/// A string that is not one of the five roles.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{0}`")]
pub struct UnknownRole(pub String);

impl Role {
    /// Every role, in rank order.
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Manager,
        Role::TeamLeader,
        Role::QualityAnalyst,
        Role::Agent,
    ];

    /// The stored and wire spelling (`TEAM_LEADER`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "ADMIN",
            Role::Manager => "MANAGER",
            Role::TeamLeader => "TEAM_LEADER",
            Role::QualityAnalyst => "QUALITY_ANALYST",
            Role::Agent => "AGENT",
        }
    }

    /// Whether the role coaches agents (admin, manager, team leader).
    pub fn coaches(self) -> bool {
        matches!(self, Role::Admin | Role::Manager | Role::TeamLeader)
    }

    /// A label for people (`Team leader`).
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::Manager => "Manager",
            Role::TeamLeader => "Team leader",
            Role::QualityAnalyst => "Quality analyst",
            Role::Agent => "Agent",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_spelling() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("SUPERUSER".parse::<Role>().is_err());
    }
}
