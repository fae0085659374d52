//! The wire contract shared by the server and the browser client.
//!
//! Invariants: serde and garde only; no IO. Builds for `wasm32-unknown-unknown`. Request types
//! are verb-noun (`CreateUser`), response types are nouns (`User`). OpenAPI schemas derive
//! behind the `openapi` feature, which only the server turns on.

pub mod access_tokens;
pub mod action_items;
pub mod action_plans;
pub mod auth;
pub mod calendar;
pub mod dashboard;
pub mod evaluation_forms;
pub mod evaluations;
pub mod events;
pub mod governance;
pub mod metrics;
pub mod notifications;
pub mod page;
pub mod problem;
pub mod query;
pub mod quick_notes;
pub mod search;
pub mod second_factor;
pub mod session_templates;
pub mod sessions;
pub mod teams;
pub mod users;
pub mod validate;
pub mod webhooks;

pub use access_tokens::{AccessToken, CreateAccessToken, CreatedAccessToken};
pub use action_items::{ActionItem, CreateActionItem, NewActionItem, UpdateActionItem};
pub use action_plans::{
    ActionPlan, Checkpoint, CreateActionPlan, CreateCheckpoint, MonthValue, NewPlanItem,
    NewPlanTarget, PlanDecision, PlanEvent, PlanTarget, TargetOperator, UpdateActionPlan,
};
pub use auth::{
    ChangePassword, ClientConfig, ForgotPassword, Login, LoginAnswer, LoginResponse, Me,
    NewPassword, NewPasswordChallenge, Refresh, SsoCallback, TokenPair,
};
pub use calendar::{CalendarFeed, CreatedCalendarFeed};
pub use dashboard::{AgentAttention, AttentionReason, Dashboard, TrendPoint};
pub use evaluation_forms::{
    CreateEvaluationForm, EvaluationForm, FormQuestion, FormSection, UpdateEvaluationForm,
    WriteQuestion, WriteSection,
};
pub use evaluations::{
    Answer, CreateEvaluation, Evaluation, EvaluationStep, ScoredForm, SectionScore,
    UpdateEvaluation,
};
pub use events::{Event, LiveControl, LiveEvent};
pub use governance::{Announcement, AuditEntry, AuditVerification, CreateAnnouncement};
pub use metrics::{
    AgentScorecard, CreateKpi, ImportJob, JobStatus, Kpi, KpiWeight, MetricMonth, PreviewRow,
    ScorecardConfig, ScorecardMonth, ScorecardPreview, ScorecardSettings, TeamScorecard,
    TeamScorecardRow, UpdateKpi, UpdateScorecardConfig,
};
pub use notifications::{
    EmailNotifications, MarkRead, Marked, Notification, Notifications, ReminderChoices,
};
pub use page::Page;
pub use problem::{ErrorCode, Problem};
pub use quick_notes::{CreateQuickNote, QuickNote, UpdateQuickNote};
pub use search::{SearchHit, SearchResults};
pub use second_factor::{
    CompleteSignIn, ConfirmSecondFactor, RecoveryCodes, SecondFactorChallenge,
    SecondFactorEnrolment, SecondFactorRoles, SecondFactorStatus,
};
pub use session_templates::{SessionTemplate, TemplateItem, WriteSessionTemplate};
pub use sessions::{
    AcknowledgeSession, CancelSession, CompleteSession, ScheduleSession, Session,
    SessionPreparation, Transition, UpdateSession,
};
pub use teams::{CreateTeam, Team, TeamSummary, UpdateTeam};
pub use users::{CreateUser, TemporaryPassword, UpdateUser, User};
pub use webhooks::{
    CreateWebhook, CreatedWebhook, UpdateWebhook, Webhook, WebhookChange, WebhookDelivery,
    WebhookPayload,
};

/// The request bodies that are partial updates ([`Patch`]), by their schema names: the OpenAPI
/// document says each must name a field to change besides `version`.
pub const PATCH_BODIES: [&str; 7] = [
    "UpdateTeam",
    "UpdateSession",
    "UpdateActionItem",
    "UpdateQuickNote",
    "UpdateUser",
    "UpdateActionPlan",
    "UpdateKpi",
];

/// A partial update: every field optional.
pub trait Patch {
    /// Whether it changes nothing (such a request is refused rather than bumping the version).
    fn is_empty(&self) -> bool;
}
