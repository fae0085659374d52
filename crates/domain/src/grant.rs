//! What a personal access token may be used for: its grants (its `scopes` on the wire, as OAuth
//! calls them; "scope" in this code is the people a person reaches, `persistence::scope`).
//!
//! A token acts as its owner, narrowed: every action needs a grant of the token that covers it
//! ([`Grant::grants`]), on top of everything the policy asks of the owner's role. A token never
//! holds a grant whose own actions the owner's role may not do anywhere ([`Grant::allowed_for`]).

use serde::{Deserialize, Serialize};

use crate::Role;
use crate::policy::{Action, Relation, permits};

/// A grant a personal access token carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
// Named `Scope` in the OpenAPI document, the wire's word.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Scope))]
pub enum Grant {
    /// Read what the owner may see.
    #[serde(rename = "read")]
    Read,
    /// Read, and coach: sessions, action items, plans, notes, metrics.
    #[serde(rename = "write")]
    Write,
    /// Import metrics files: find the agents named and write their months.
    #[serde(rename = "metrics:import")]
    MetricsImport,
    /// Read, and administer: people, teams, the scorecard's configuration, the audit log,
    /// announcements, erasure.
    #[serde(rename = "admin")]
    Admin,
}

/// A string that names no grant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown scope `{0}`")]
pub struct UnknownGrant(pub String);

impl Grant {
    /// Every grant.
    pub const ALL: [Grant; 4] = [
        Grant::Read,
        Grant::Write,
        Grant::MetricsImport,
        Grant::Admin,
    ];

    /// The wire and stored spelling (`metrics:import`).
    pub fn as_str(self) -> &'static str {
        match self {
            Grant::Read => "read",
            Grant::Write => "write",
            Grant::MetricsImport => "metrics:import",
            Grant::Admin => "admin",
        }
    }

    /// What it allows, for people.
    pub fn label(self) -> &'static str {
        match self {
            Grant::Read => "Read what you can see",
            Grant::Write => "Read and coach: sessions, action items, plans, notes, metrics",
            Grant::MetricsImport => "Import metrics files",
            Grant::Admin => "Read and administer: people, teams, scorecard, audit log",
        }
    }

    /// Whether a token holding this grant may do `action` (the policy then decides whether the
    /// owner may). `write` and `admin` read too: a change starts by finding its record.
    pub fn grants(self, action: Action) -> bool {
        let home = action.grant();
        match self {
            Grant::Read => home == Grant::Read,
            Grant::Write => matches!(home, Grant::Read | Grant::Write),
            Grant::Admin => matches!(home, Grant::Read | Grant::Admin),
            Grant::MetricsImport => matches!(
                action,
                Action::ImportMetrics
                    | Action::ViewImportJob
                    | Action::WriteMetrics
                    | Action::ViewUser
                    | Action::ViewMetrics
            ),
        }
    }

    /// Whether `role` may do any action of this grant anywhere: a token of theirs may hold it.
    pub fn allowed_for(self, role: Role) -> bool {
        Action::ALL.iter().any(|&action| {
            action.grant() == self
                && Relation::ALL
                    .iter()
                    .any(|&relation| permits(role, action, relation))
        })
    }
}

impl std::str::FromStr for Grant {
    type Err = UnknownGrant;
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Grant::ALL
            .into_iter()
            .find(|grant| grant.as_str() == value)
            .ok_or_else(|| UnknownGrant(value.to_owned()))
    }
}

impl std::fmt::Display for Grant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Action {
    /// The grant this action belongs to (other grants may cover it too: [`Grant::grants`]).
    pub fn grant(self) -> Grant {
        use Action::*;
        match self {
            ViewUser | ViewTeam | ViewSession | ViewActionItem | ViewActionPlan | ViewNote
            | ViewMetrics | ViewImportJob | ExportUserData | ViewSessionTemplate
            | ViewEvaluationForm | ViewEvaluation => Grant::Read,
            UpdateProfile
            | ManageSession
            | AcknowledgeSession
            | CreateActionItem
            | ProgressActionItem
            | ManageActionItem
            | DraftActionPlan
            | ApproveActionPlan
            | AcknowledgeActionPlan
            | CreateNote
            | EditNote
            | WriteMetrics
            | ManageSessionTemplate
            | Evaluate
            | EditEvaluation
            | AcknowledgeEvaluation => Grant::Write,
            ImportMetrics => Grant::MetricsImport,
            CreateUser
            | CreateAgent
            | UpdateEmployment
            | AssignTeam
            | ChangeRole
            | DeactivateUser
            | ResetPassword
            | CreateTeam
            | UpdateTeam
            | SetTeamMembers
            | ConfigureScorecard
            | ViewAudit
            | ConfigureSignIn
            | Announce
            | EraseUser
            | ManageWebhooks
            | ManageEvaluationForms
            | VoidEvaluation => Grant::Admin,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip() {
        for grant in Grant::ALL {
            assert_eq!(grant.as_str().parse::<Grant>(), Ok(grant));
            assert_eq!(
                serde_json::to_value(grant).expect("serializes"),
                serde_json::json!(grant.as_str())
            );
        }
        assert_eq!(
            "root".parse::<Grant>(),
            Err(UnknownGrant("root".to_owned()))
        );
    }

    #[test]
    fn a_role_holds_the_grants_of_what_it_may_do() {
        let allowed = |role: Role| {
            Grant::ALL
                .into_iter()
                .filter(|grant| grant.allowed_for(role))
                .collect::<Vec<_>>()
        };
        assert_eq!(allowed(Role::Admin), Grant::ALL.to_vec());
        // A manager imports metrics, and creates and moves the agents of their teams.
        assert_eq!(allowed(Role::Manager), Grant::ALL.to_vec());
        assert_eq!(allowed(Role::TeamLeader), vec![Grant::Read, Grant::Write]);
        assert_eq!(allowed(Role::Agent), vec![Grant::Read, Grant::Write]);
    }
}
