//! Coaching sessions.

use chrono::{DateTime, Utc};
use domain::{ActionItemId, SessionId, SessionStatus, UserId};
use garde::Validate;
use serde::{Deserialize, Serialize};

use crate::action_items::NewActionItem;
use crate::users::not_blank;

/// A coaching session between a team leader and an agent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    pub id: SessionId,
    /// The agent coached.
    pub agent_id: UserId,
    /// The coach.
    pub team_leader_id: UserId,
    /// When it is booked for.
    pub scheduled_at: DateTime<Utc>,
    /// Planned length.
    pub duration_minutes: i32,
    /// Lifecycle state.
    pub status: SessionStatus,
    /// What it is about.
    pub focus_areas: Vec<String>,
    /// The coach's preparation.
    pub preparation_notes: Option<String>,
    /// What was discussed (on completion).
    pub session_notes: Option<String>,
    /// When it started.
    pub started_at: Option<DateTime<Utc>>,
    /// When it was completed.
    pub completed_at: Option<DateTime<Utc>>,
    /// The agent's score before (the last completed session's, unless given).
    pub previous_score: Option<f64>,
    /// The agent's score now, 0-100.
    pub current_score: Option<f64>,
    /// Why it was cancelled.
    pub cancel_reason: Option<String>,
    /// When the agent signed it off.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// The agent's comment on signing off.
    pub acknowledgement_comment: Option<String>,
    /// Action items agreed in it.
    pub action_item_ids: Vec<ActionItemId>,
    /// Optimistic-concurrency version.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

#[expect(clippy::ptr_arg, reason = "garde passes the field as it is declared")]
pub(crate) fn valid_focus_areas(areas: &Vec<String>, _: &()) -> garde::Result {
    if areas.len() > 10 {
        return Err(garde::Error::new("at most 10 focus areas"));
    }
    if areas
        .iter()
        .any(|area| area.trim().is_empty() || area.chars().count() > 100)
    {
        return Err(garde::Error::new("each focus area has 1-100 characters"));
    }
    Ok(())
}

/// A score out of 100 with at most two decimals.
pub(crate) fn score(value: &f64, _: &()) -> garde::Result {
    let hundredths = value * 100.0;
    if !(0.0..=100.0).contains(value) {
        Err(garde::Error::new("must be between 0 and 100"))
    } else if (hundredths - hundredths.round()).abs() > 1e-6 {
        Err(garde::Error::new("at most two decimals"))
    } else {
        Ok(())
    }
}

/// `POST /api/v1/sessions`.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct ScheduleSession {
    /// The agent to coach.
    pub agent_id: UserId,
    /// When.
    #[garde(custom(crate::validate::plausible_time))]
    pub scheduled_at: DateTime<Utc>,
    /// How long, 15-240 minutes.
    #[garde(range(min = 15, max = 240))]
    pub duration_minutes: i32,
    /// What it is about.
    #[garde(custom(valid_focus_areas))]
    #[serde(default)]
    pub focus_areas: Vec<String>,
    /// Preparation.
    #[garde(inner(length(chars, max = 5000)))]
    #[serde(default)]
    pub preparation_notes: Option<String>,
}

/// `PATCH /api/v1/sessions/{id}`: while not completed or cancelled.
#[derive(Clone, Debug, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, default)]
#[garde(allow_unvalidated)]
pub struct UpdateSession {
    /// New time.
    #[garde(inner(custom(crate::validate::plausible_time)))]
    pub scheduled_at: Option<DateTime<Utc>>,
    /// New length.
    #[garde(inner(range(min = 15, max = 240)))]
    pub duration_minutes: Option<i32>,
    /// New focus areas.
    #[garde(inner(custom(valid_focus_areas)))]
    pub focus_areas: Option<Vec<String>>,
    /// New preparation notes.
    #[garde(inner(length(chars, max = 5000)))]
    pub preparation_notes: Option<String>,
    /// The version edited (or `If-Match`).
    pub version: Option<i32>,
}

/// A state change that carries nothing but the version (`start`, `no-show`).
#[derive(Clone, Debug, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, default)]
#[garde(allow_unvalidated)]
pub struct Transition {
    /// The version acted on (or `If-Match`).
    pub version: Option<i32>,
}

/// `POST /api/v1/sessions/{id}/complete`.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct CompleteSession {
    /// What was discussed and agreed.
    #[garde(length(chars, min = 1, max = 10000), custom(not_blank))]
    pub session_notes: String,
    /// The agent's score now, 0-100, two decimals.
    #[garde(custom(score))]
    pub current_score: f64,
    /// The score before; defaults to the agent's last completed session.
    #[garde(inner(custom(score)))]
    #[serde(default)]
    pub previous_score: Option<f64>,
    /// Action items agreed, created with the completion.
    #[garde(length(max = 20), dive)]
    #[serde(default)]
    pub action_items: Vec<NewActionItem>,
    /// The version acted on (or `If-Match`).
    #[serde(default)]
    pub version: Option<i32>,
}

/// `POST /api/v1/sessions/{id}/cancel`.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct CancelSession {
    /// Why.
    #[garde(length(chars, min = 1, max = 1000), custom(not_blank))]
    pub reason: String,
    /// The version acted on (or `If-Match`).
    #[serde(default)]
    pub version: Option<i32>,
}

/// `POST /api/v1/sessions/{id}/acknowledge`: the agent's sign-off.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct AcknowledgeSession {
    /// The agent's comment.
    #[garde(length(chars, max = 2000))]
    #[serde(default)]
    pub comment: String,
    /// The version acted on (or `If-Match`).
    #[serde(default)]
    pub version: Option<i32>,
}

/// `GET /api/v1/sessions/{id}/preparation`: what the coach reads before the session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionPreparation {
    pub session: Session,
    /// The agent's last completed session before it.
    pub previous_session: Option<Session>,
    /// Quick notes about the agent since then (all of them, when there was none), newest first.
    pub notes_since_last_session: Vec<crate::QuickNote>,
    /// The agent's open action items, soonest due first.
    pub open_action_items: Vec<crate::ActionItem>,
}

impl crate::Patch for UpdateSession {
    fn is_empty(&self) -> bool {
        self.scheduled_at.is_none()
            && self.duration_minutes.is_none()
            && self.focus_areas.is_none()
            && self.preparation_notes.is_none()
    }
}
