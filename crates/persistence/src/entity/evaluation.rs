//! The `evaluations` table.

use domain::quality::Channel;
use domain::{EvaluationFormId, EvaluationId, EvaluationStatus, UserId};
use sea_orm::entity::prelude::*;

use crate::sealed::{Sealed, columns};

/// One row of `evaluations`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "evaluations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: EvaluationId,
    pub form_id: EvaluationFormId,
    /// The version of the form's sections it is scored against.
    pub form_version: i32,
    pub agent_id: UserId,
    pub evaluator_id: Option<UserId>,
    pub channel: Channel,
    pub interaction_id: String,
    pub interaction_url: Option<String>,
    pub occurred_at: DateTimeUtc,
    pub duration_seconds: Option<i32>,
    /// `[{question_id, value}]`: the scoring, in clear.
    pub answers: Json,
    /// The answers' comments, a JSON object by question id, sealed (`{}` when there are none).
    pub comments: Sealed<columns::EvaluationComments>,
    pub strengths: Option<Sealed<columns::EvaluationStrengths>>,
    pub opportunities: Option<Sealed<columns::EvaluationOpportunities>>,
    pub status: EvaluationStatus,
    pub score: Option<f64>,
    /// `[{section_id, score}]`, set with `score`.
    pub section_scores: Option<Json>,
    pub failed_by: Option<Uuid>,
    pub submitted_at: Option<DateTimeUtc>,
    pub acknowledged_at: Option<DateTimeUtc>,
    pub acknowledgement_comment: Option<Sealed<columns::EvaluationAcknowledgement>>,
    pub edit_reason: Option<String>,
    pub voided_at: Option<DateTimeUtc>,
    pub void_reason: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No relations are declared; repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

// Its search terms are written by `evaluations`, beside its audit entry.
crate::sealed::bind_sealed!(
    key: id,
    sealed: [comments],
    optional: [strengths, opportunities, acknowledgement_comment],
    on save
);
