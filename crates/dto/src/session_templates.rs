//! Session templates (`/api/v1/session-templates`): named starting points for planning a session.

use chrono::{DateTime, Utc};
use domain::{Priority, TeamId};
use garde::Validate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::sessions::valid_focus_areas;
use crate::users::not_blank;

/// An action item a template suggests, due some days after the session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TemplateItem {
    /// What to do.
    #[garde(length(chars, min = 1, max = 200), custom(not_blank))]
    pub title: String,
    /// How urgent.
    #[garde(skip)]
    pub priority: Priority,
    /// Days after the session it is due (1-365).
    #[garde(range(min = 1, max = 365))]
    pub due_in_days: u16,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionTemplate {
    pub id: Uuid,
    /// What coaches call it (`Monthly scorecard review`).
    pub name: String,
    /// The team it is for; `None`: the whole organisation.
    pub team_id: Option<TeamId>,
    /// Focus areas it starts with.
    pub focus_areas: Vec<String>,
    /// The agenda, put into the session's preparation notes.
    pub agenda: Option<String>,
    /// The session's length.
    pub duration_minutes: i32,
    /// Action items it suggests.
    pub action_items: Vec<TemplateItem>,
    /// Version, for edits.
    pub version: i32,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/v1/session-templates` (without `version`) and `PUT /api/v1/session-templates/{id}`
/// (with the `version` read, and the same `team_id`: a template stays with its team).
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WriteSessionTemplate {
    /// 1-100 characters.
    #[garde(length(chars, min = 1, max = 100), custom(not_blank))]
    pub name: String,
    /// A team the author leads or manages; none (admins only): the whole organisation.
    #[garde(skip)]
    #[serde(default)]
    pub team_id: Option<TeamId>,
    /// At most 10, each 1-100 characters.
    #[garde(custom(valid_focus_areas))]
    #[serde(default)]
    pub focus_areas: Vec<String>,
    /// Up to 5000 characters.
    #[garde(inner(length(chars, max = 5000)))]
    #[serde(default)]
    pub agenda: Option<String>,
    /// 15-240 minutes.
    #[garde(range(min = 15, max = 240))]
    pub duration_minutes: i32,
    /// At most 10.
    #[garde(length(max = 10), dive)]
    #[serde(default)]
    pub action_items: Vec<TemplateItem>,
    /// The version edited (`PUT` only).
    #[garde(skip)]
    #[serde(default)]
    pub version: Option<i32>,
}
