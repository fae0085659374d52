//! Evaluations (`/api/v1/evaluations`): one interaction of one agent, scored against a form.
//!
//! The bodies and the arithmetic are `API.md`'s (Quality); the score is `domain::quality::score`
//! over the version of the form the evaluation names. A draft is its evaluator's alone; a
//! submitted one is scored and shown to the agent and their coaches; the agent acknowledges it.

use chrono::{DateTime, Utc};
use domain::quality::{AnswerValue, Channel};
use domain::{EvaluationFormId, EvaluationId, EvaluationStatus, QuestionId, UserId};
use garde::Validate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::users::not_blank;
use crate::validate::{plausible_time, web_address};

/// One answer: the question, its value, and what the evaluator noted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct Answer {
    pub question_id: QuestionId,
    /// `YES`, `NO` or `NA` for a yes/no question; 1..scale_max or `NA` for a scale; 0..points or
    /// `NA` for points.
    pub value: AnswerValue,
    /// What the evaluator heard or read, for the agent.
    #[garde(inner(length(chars, max = 2000)))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A section's score (absent when all its answers are N/A).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SectionScore {
    pub section_id: Uuid,
    pub score: Option<f64>,
}

/// An evaluation as its readers see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evaluation {
    pub id: EvaluationId,
    pub form_id: EvaluationFormId,
    /// The version of the form's questions it was scored against.
    pub form_version: i32,
    pub agent_id: UserId,
    /// Who evaluated (none once they are erased).
    pub evaluator_id: Option<UserId>,
    pub channel: Channel,
    /// The interaction's id in the contact-centre or helpdesk system.
    pub interaction_id: String,
    /// Where the recording or ticket is (never fetched by the server).
    pub interaction_url: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub duration_seconds: Option<i32>,
    pub answers: Vec<Answer>,
    pub strengths: Option<String>,
    pub opportunities: Option<String>,
    pub status: EvaluationStatus,
    /// 0-100, one decimal; set on submission.
    pub score: Option<f64>,
    /// Each section's score, in form order; set on submission.
    pub section_scores: Vec<SectionScore>,
    /// The critical question that failed the whole evaluation (auto-fail).
    pub failed_by: Option<QuestionId>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// The agent's comment on acknowledging.
    pub acknowledgement_comment: Option<String>,
    /// Why it was last changed after submission.
    pub edit_reason: Option<String>,
    pub voided_at: Option<DateTime<Utc>>,
    /// Why an admin withdrew it.
    pub void_reason: Option<String>,
    /// Optimistic-concurrency version.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `GET /api/v1/evaluations/{id}/form`: the questions an evaluation was scored against, for
/// whoever reads the evaluation (its agent included, who reads no form otherwise).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoredForm {
    pub form_id: EvaluationFormId,
    pub name: String,
    /// The version of the sections (the evaluation's `form_version`).
    pub version: i32,
    pub sections: Vec<domain::quality::FormSection>,
}

/// `POST /api/v1/evaluations`: a draft.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct CreateEvaluation {
    /// A form in use that the agent's team uses.
    pub form_id: EvaluationFormId,
    /// The agent evaluated.
    pub agent_id: UserId,
    /// One of the form's channels.
    pub channel: Channel,
    /// The interaction's id in the contact-centre or helpdesk system.
    #[garde(length(chars, min = 1, max = 200), custom(not_blank))]
    pub interaction_id: String,
    /// A link to the recording or ticket (`http(s)://`).
    #[garde(inner(length(chars, max = 2000), custom(web_address)))]
    #[serde(default)]
    pub interaction_url: Option<String>,
    /// When the interaction happened.
    #[garde(custom(plausible_time))]
    pub occurred_at: DateTime<Utc>,
    /// How long it lasted, in seconds (up to a day).
    #[garde(inner(range(min = 0, max = 86400)))]
    #[serde(default)]
    pub duration_seconds: Option<i32>,
    /// The answers so far (a draft may leave questions out).
    #[garde(length(max = 200), dive)]
    #[serde(default)]
    pub answers: Vec<Answer>,
    /// What went well.
    #[garde(inner(length(chars, max = 5000)))]
    #[serde(default)]
    pub strengths: Option<String>,
    /// What to work on.
    #[garde(inner(length(chars, max = 5000)))]
    #[serde(default)]
    pub opportunities: Option<String>,
}

/// `PATCH /api/v1/evaluations/{id}`: every field optional; `null` clears a nullable one. After
/// submission a `reason` is required: the agent is told what changed and why.
#[derive(Clone, Debug, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct UpdateEvaluation {
    pub channel: Option<Channel>,
    #[garde(inner(length(chars, min = 1, max = 200), custom(not_blank)))]
    #[serde(default)]
    pub interaction_id: Option<String>,
    /// `null` removes the link.
    #[garde(inner(inner(length(chars, max = 2000), custom(web_address))))]
    #[serde(
        default,
        with = "crate::users::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub interaction_url: Option<Option<String>>,
    #[garde(inner(custom(plausible_time)))]
    #[serde(default)]
    pub occurred_at: Option<DateTime<Utc>>,
    /// `null` clears it.
    #[garde(inner(inner(range(min = 0, max = 86400))))]
    #[serde(
        default,
        with = "crate::users::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>))]
    pub duration_seconds: Option<Option<i32>>,
    /// Every answer, replacing those there were.
    #[garde(length(max = 200), dive)]
    #[serde(default)]
    pub answers: Option<Vec<Answer>>,
    /// `null` clears it.
    #[garde(inner(inner(length(chars, max = 5000))))]
    #[serde(
        default,
        with = "crate::users::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub strengths: Option<Option<String>>,
    /// `null` clears it.
    #[garde(inner(inner(length(chars, max = 5000))))]
    #[serde(
        default,
        with = "crate::users::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub opportunities: Option<Option<String>>,
    /// Why a submitted evaluation changes (required then).
    #[garde(inner(length(chars, min = 1, max = 1000), custom(not_blank)))]
    #[serde(default)]
    pub reason: Option<String>,
    /// The version this edit is based on (or send `If-Match`).
    #[serde(default)]
    pub version: Option<i32>,
}

impl crate::Patch for UpdateEvaluation {
    fn is_empty(&self) -> bool {
        self.channel.is_none()
            && self.interaction_id.is_none()
            && self.interaction_url.is_none()
            && self.occurred_at.is_none()
            && self.duration_seconds.is_none()
            && self.answers.is_none()
            && self.strengths.is_none()
            && self.opportunities.is_none()
    }
}

/// The body of an evaluation's steps: `submit`, `acknowledge` (the agent's `comment`) and `void`
/// (an admin's `reason`, required).
#[derive(Clone, Debug, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, default)]
#[garde(allow_unvalidated)]
pub struct EvaluationStep {
    /// Why (void: required).
    #[garde(inner(length(chars, min = 1, max = 1000), custom(not_blank)))]
    pub reason: Option<String>,
    /// The agent's comment (acknowledge).
    #[garde(inner(length(chars, max = 2000)))]
    pub comment: Option<String>,
    /// The version acted on (or `If-Match`).
    pub version: Option<i32>,
}
