//! Coaching Hub's pure rules: identifiers, roles, and the one access policy.
//!
//! Invariants: no IO, no async, no database or HTTP types. Everything here compiles for
//! `wasm32-unknown-unknown`, so the browser draws exactly the controls the server allows.

pub mod attention;
pub mod grant;
pub mod ids;
pub mod lifecycle;
pub mod policy;
pub mod quality;
pub mod role;
pub mod scorecard;

pub use grant::Grant;
pub use ids::{
    ActionItemId, ActionPlanId, EvaluationFormId, EvaluationId, QuestionId, QuickNoteId, SessionId,
    TeamId, UserId,
};
pub use lifecycle::{
    ActionItemStatus, EvaluationStatus, InvalidTransition, NoteCategory, NoteVisibility,
    NotificationKind, PlanOutcome, PlanStatus, Priority, SessionStatus, TargetOperator,
};
pub use policy::{Action, Actor, Denied, Relation, Target, authorize};
pub use role::Role;
