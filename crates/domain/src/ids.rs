//! Newtype identifiers, so a team id can never be passed where a user id is meant.
//!
//! Ids are UUIDv7 (time-ordered); they are minted by `persistence`, never here, so this crate
//! needs no randomness. With the `sea-orm` feature they are column types too, so the entities
//! hold them and an id is typed from the database to the browser.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, format = Uuid))]
        #[cfg_attr(feature = "sea-orm", derive(sea_orm::DeriveValueType))]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        // A primary key's type must say how it would come from an auto-increment number: a
        // UUID never does.
        #[cfg(feature = "sea-orm")]
        impl sea_orm::TryFromU64 for $name {
            fn try_from_u64(n: u64) -> Result<Self, sea_orm::DbErr> {
                Uuid::try_from_u64(n).map(Self)
            }
        }

        impl $name {
            /// The raw UUID.
            pub fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id!(
    /// A person: admin, manager, team leader or agent.
    UserId
);
id!(
    /// A team: one team leader, an optional manager, its agents.
    TeamId
);
id!(
    /// A coaching session.
    SessionId
);
id!(
    /// An action item.
    ActionItemId
);
id!(
    /// An action plan (performance improvement plan).
    ActionPlanId
);
id!(
    /// A quick note.
    QuickNoteId
);
id!(
    /// An evaluation form (a version of it: editing a form in use makes a new one).
    EvaluationFormId
);
id!(
    /// A question of an evaluation form.
    QuestionId
);
id!(
    /// An evaluation of one interaction of one agent.
    EvaluationId
);
