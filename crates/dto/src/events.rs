//! Domain events: what changed, published after each commit. The WebSocket hub delivers them to
//! every client whose actor may see the record.

use domain::{QuickNoteId, UserId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    ActionItem, ActionPlan, Announcement, Evaluation, EvaluationForm, MetricMonth, QuickNote,
    ScorecardSettings, Session, Team, User,
};

/// A change, with the record as it is now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum Event {
    /// A session was scheduled, edited, started, completed, cancelled or acknowledged.
    SessionChanged(Box<Session>),
    /// An action item was created or changed.
    ActionItemChanged(Box<ActionItem>),
    /// A quick note was written or edited.
    QuickNoteChanged(Box<QuickNote>),
    /// An agent's month of metrics was written.
    MetricsChanged(Box<MetricMonth>),
    /// Months of metrics were imported from a file (any agents): read scorecards again.
    MetricsImported {
        /// The import.
        id: Uuid,
        /// The earliest month in the file (`YYYY-MM`).
        first_month: String,
        /// The latest month in the file.
        last_month: String,
        /// Agent-months written.
        rows: usize,
    },
    /// The KPI catalogue or a scorecard configuration changed.
    ScorecardConfigChanged(Box<ScorecardSettings>),
    /// An announcement was published.
    AnnouncementPublished(Box<Announcement>),
    /// An action plan was drafted or changed, or got a checkpoint.
    ActionPlanChanged(Box<ActionPlan>),
    /// A person was created, edited, deactivated or reactivated.
    UserChanged(Box<User>),
    /// A team was created or changed.
    TeamChanged(Box<Team>),
    /// A sign-in session ended (sign-out), or a personal access token was revoked; its live
    /// connections close.
    SignedOut {
        user_id: UserId,
        /// The sign-in session, or the personal access token.
        session_id: Uuid,
    },
    /// Every sign-in session of a person but one ended (a password change); their live
    /// connections on the others close.
    SignedOutElsewhere {
        user_id: UserId,
        /// The sign-in session that goes on.
        kept_session_id: Uuid,
    },
    /// An evaluation form was made, changed, archived or brought back.
    EvaluationFormChanged(Box<EvaluationForm>),
    /// An evaluation was drafted, changed, submitted, acknowledged or voided.
    EvaluationChanged(Box<Evaluation>),

    /// A quick note was deleted.
    QuickNoteDeleted {
        id: QuickNoteId,
        /// The agent it was about.
        agent_id: UserId,
        /// Its author.
        author_id: UserId,
        /// Who could see it: a private note's deletion reaches its author alone.
        visibility: domain::NoteVisibility,
    },
}

impl Event {
    /// The id of the record the event is about.
    pub fn resource_id(&self) -> Uuid {
        match self {
            Event::SessionChanged(session) => session.id.uuid(),
            Event::ActionItemChanged(item) => item.id.uuid(),
            Event::QuickNoteChanged(note) => note.id.uuid(),
            Event::MetricsChanged(month) => month.agent_id.uuid(),
            Event::MetricsImported { id, .. } => *id,
            // The catalogue is one record for the organisation.
            Event::ScorecardConfigChanged(_) => Uuid::nil(),
            Event::AnnouncementPublished(announcement) => announcement.id,
            Event::ActionPlanChanged(plan) => plan.id.uuid(),
            Event::UserChanged(user) => user.id.uuid(),
            Event::TeamChanged(team) => team.id.uuid(),
            Event::SignedOut { session_id, .. } => *session_id,
            Event::SignedOutElsewhere { user_id, .. } => user_id.uuid(),
            Event::QuickNoteDeleted { id, .. } => id.uuid(),
            Event::EvaluationFormChanged(form) => form.id.uuid(),
            Event::EvaluationChanged(evaluation) => evaluation.id.uuid(),
        }
    }
}

/// An event as the live connection (`GET /api/v1/ws`) delivers it:
/// `{ "seq", "type", "resource_id", "data" }`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveEvent {
    /// Its place in the server's sequence; a client resumes after the last one it saw.
    pub seq: u64,
    /// The record it is about.
    pub resource_id: Uuid,
    /// What changed (`type` and `data`).
    #[serde(flatten)]
    pub event: Event,
}

/// The live connection's control messages, both ways.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveControl {
    /// Client: send what came after `after`, in order.
    Resume {
        /// The last seq the client saw.
        after: u64,
    },
    /// Server: events were missed that cannot be replayed; read the data again.
    Refetch,
    /// Either side: are you there?
    Ping,
    /// The answer to `ping`.
    Pong,
}
