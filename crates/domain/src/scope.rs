//! What a personal access token may be used for.
//!
//! A token acts as its owner, narrowed: every action needs a scope of the token that grants it
//! ([`Scope::grants`]), on top of everything the policy asks of the owner's role. A token never
//! holds a scope whose own actions the owner's role may not do anywhere ([`Scope::allowed_for`]).

use serde::{Deserialize, Serialize};

use crate::Role;
use crate::policy::{Action, Relation, permits};

/// A grant a personal access token carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Scope {
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

/// A string that is no scope.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown scope `{0}`")]
pub struct UnknownScope(pub String);

impl Scope {
    /// Every scope.
    pub const ALL: [Scope; 4] = [
        Scope::Read,
        Scope::Write,
        Scope::MetricsImport,
        Scope::Admin,
    ];

    /// The wire and stored spelling (`metrics:import`).
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::MetricsImport => "metrics:import",
            Scope::Admin => "admin",
        }
    }

    /// What it allows, for people.
    pub fn label(self) -> &'static str {
        match self {
            Scope::Read => "Read what you can see",
            Scope::Write => "Read and coach: sessions, action items, plans, notes, metrics",
            Scope::MetricsImport => "Import metrics files",
            Scope::Admin => "Read and administer: people, teams, scorecard, audit log",
        }
    }

    /// Whether a token holding this scope may do `action` (the policy then decides whether the
    /// owner may). `write` and `admin` read too: a change starts by finding its record.
    pub fn grants(self, action: Action) -> bool {
        let home = action.scope();
        match self {
            Scope::Read => home == Scope::Read,
            Scope::Write => matches!(home, Scope::Read | Scope::Write),
            Scope::Admin => matches!(home, Scope::Read | Scope::Admin),
            Scope::MetricsImport => matches!(
                action,
                Action::ImportMetrics
                    | Action::ViewImportJob
                    | Action::WriteMetrics
                    | Action::ViewUser
                    | Action::ViewMetrics
            ),
        }
    }

    /// Whether `role` may do any action of this scope anywhere: a token of theirs may hold it.
    pub fn allowed_for(self, role: Role) -> bool {
        Action::ALL.iter().any(|&action| {
            action.scope() == self
                && Relation::ALL
                    .iter()
                    .any(|&relation| permits(role, action, relation))
        })
    }
}

impl std::str::FromStr for Scope {
    type Err = UnknownScope;
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Scope::ALL
            .into_iter()
            .find(|scope| scope.as_str() == value)
            .ok_or_else(|| UnknownScope(value.to_owned()))
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Action {
    /// The scope this action belongs to (other scopes may grant it too: [`Scope::grants`]).
    pub fn scope(self) -> Scope {
        use Action::*;
        match self {
            ViewUser | ViewTeam | ViewSession | ViewActionItem | ViewActionPlan | ViewNote
            | ViewMetrics | ViewImportJob | ExportUserData | ViewSessionTemplate => Scope::Read,
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
            | ManageSessionTemplate => Scope::Write,
            ImportMetrics => Scope::MetricsImport,
            CreateUser | CreateAgent | UpdateEmployment | AssignTeam | ChangeRole
            | DeactivateUser | ResetPassword | CreateTeam | UpdateTeam | SetTeamMembers
            | ConfigureScorecard | ViewAudit | ConfigureSignIn | Announce | EraseUser
            | ManageWebhooks => Scope::Admin,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip() {
        for scope in Scope::ALL {
            assert_eq!(scope.as_str().parse::<Scope>(), Ok(scope));
            assert_eq!(
                serde_json::to_value(scope).expect("serializes"),
                serde_json::json!(scope.as_str())
            );
        }
        assert_eq!(
            "root".parse::<Scope>(),
            Err(UnknownScope("root".to_owned()))
        );
    }

    #[test]
    fn a_role_holds_the_scopes_of_what_it_may_do() {
        let allowed = |role: Role| {
            Scope::ALL
                .into_iter()
                .filter(|scope| scope.allowed_for(role))
                .collect::<Vec<_>>()
        };
        assert_eq!(allowed(Role::Admin), Scope::ALL.to_vec());
        // A manager imports metrics, and creates and moves the agents of their teams.
        assert_eq!(allowed(Role::Manager), Scope::ALL.to_vec());
        assert_eq!(allowed(Role::TeamLeader), vec![Scope::Read, Scope::Write]);
        assert_eq!(allowed(Role::Agent), vec![Scope::Read, Scope::Write]);
    }
}
