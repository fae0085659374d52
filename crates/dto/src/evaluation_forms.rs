//! Evaluation forms (`/api/v1/evaluation-forms`): what an interaction is scored against.
//!
//! A form has sections of questions: `domain::quality`'s `FormSection` and `FormQuestion`, which
//! it scores answers against. Every change to a form's sections makes a new version of them, kept
//! whole, so an evaluation is always read against the questions it was scored with. Forms are
//! archived, never deleted.

use chrono::{DateTime, Utc};
use domain::quality::{Channel, Critical, QuestionKind, SCALE_MAX_RANGE};
pub use domain::quality::{FormQuestion, FormSection};
use domain::{EvaluationFormId, QuestionId, TeamId};
use garde::Validate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::users::not_blank;

/// An evaluation form at its current version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvaluationForm {
    pub id: EvaluationFormId,
    pub name: String,
    pub description: Option<String>,
    /// The interactions it is for.
    pub channels: Vec<Channel>,
    /// The teams that use it; empty: every team.
    pub team_ids: Vec<TeamId>,
    pub sections: Vec<FormSection>,
    /// Version, for edits; an evaluation names the version it was scored with.
    pub version: i32,
    /// When it was archived: no new evaluations use it.
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A question as written by an admin.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WriteQuestion {
    /// Keeps a question of the current version as the same question (its answers stay
    /// comparable across versions); absent: a new question.
    #[garde(skip)]
    #[serde(default)]
    pub id: Option<QuestionId>,
    /// 1-500 characters.
    #[garde(length(chars, min = 1, max = 500), custom(not_blank))]
    pub text: String,
    #[garde(skip)]
    pub kind: QuestionKind,
    /// What a full answer earns, 1-100.
    #[garde(range(min = 1, max = 100))]
    pub points: u32,
    /// A scale question's top value, 2-10 (SCALE only, and needed there).
    #[garde(custom(scale_fits(self.kind)))]
    #[serde(default)]
    pub scale_max: Option<u32>,
    /// A scale question's labels, one for each value from 1 to `scale_max` (or none).
    #[garde(custom(labels_fit(self.scale_max)), inner(length(chars, min = 1, max = 60)))]
    #[serde(default)]
    pub scale_labels: Vec<String>,
    /// Whether "does not apply" is an answer (default: no).
    #[garde(skip)]
    #[serde(default)]
    pub allow_na: bool,
    /// What failing it costs beyond its points (default: nothing).
    #[garde(skip)]
    #[serde(default = "no_critical")]
    pub critical: Critical,
    /// Up to 2000 characters.
    #[garde(inner(length(chars, max = 2000)))]
    #[serde(default)]
    pub guidance: Option<String>,
}

fn no_critical() -> Critical {
    Critical::None
}

fn scale_fits(kind: QuestionKind) -> impl FnOnce(&Option<u32>, &()) -> garde::Result {
    move |scale_max, _| match (kind, scale_max) {
        (QuestionKind::Scale, Some(max)) if SCALE_MAX_RANGE.contains(max) => Ok(()),
        (QuestionKind::Scale, Some(_)) => Err(garde::Error::new("give from 2 to 10")),
        (QuestionKind::Scale, None) => Err(garde::Error::new(
            "a scale question needs its top value (2 to 10)",
        )),
        (_, Some(_)) => Err(garde::Error::new("only a scale question has a top value")),
        (_, None) => Ok(()),
    }
}

fn labels_fit(scale_max: Option<u32>) -> impl FnOnce(&Vec<String>, &()) -> garde::Result {
    move |labels, _| {
        let wanted = scale_max.map_or(0, |max| max as usize);
        if labels.is_empty() || labels.len() == wanted {
            Ok(())
        } else if wanted == 0 {
            Err(garde::Error::new("only a scale question has labels"))
        } else {
            Err(garde::Error::new(format!(
                "give one label for each value from 1 to {wanted}, or none"
            )))
        }
    }
}

/// A section as written by an admin.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WriteSection {
    /// Keeps a section of the current version; absent: a new section.
    #[garde(skip)]
    #[serde(default)]
    pub id: Option<Uuid>,
    /// 1-200 characters.
    #[garde(length(chars, min = 1, max = 200), custom(not_blank))]
    pub title: String,
    /// Its share of the total, above 0 and at most 100.
    #[garde(custom(positive_weight))]
    pub weight: f64,
    /// 1-50 questions.
    #[garde(length(min = 1, max = 50), dive)]
    pub questions: Vec<WriteQuestion>,
}

fn positive_weight(weight: &f64, _: &()) -> garde::Result {
    if weight.is_finite() && *weight > 0.0 && *weight <= 100.0 {
        Ok(())
    } else {
        Err(garde::Error::new("give a weight above 0 and at most 100"))
    }
}

#[expect(clippy::ptr_arg, reason = "garde passes the field as it is declared")]
fn valid_channels(channels: &Vec<Channel>, _: &()) -> garde::Result {
    if channels.is_empty() {
        return Err(garde::Error::new("choose at least one channel"));
    }
    if channels
        .iter()
        .enumerate()
        .any(|(i, c)| channels[..i].contains(c))
    {
        return Err(garde::Error::new("name each channel once"));
    }
    Ok(())
}

#[expect(clippy::ptr_arg, reason = "garde passes the field as it is declared")]
fn valid_sections(sections: &Vec<WriteSection>, _: &()) -> garde::Result {
    let questions = sections.iter().map(|s| s.questions.len()).sum::<usize>();
    if questions > 200 {
        return Err(garde::Error::new("a form holds at most 200 questions"));
    }
    let ids: Vec<Uuid> = sections
        .iter()
        .filter_map(|s| s.id)
        .chain(
            sections
                .iter()
                .flat_map(|s| s.questions.iter())
                .filter_map(|q| q.id.map(Uuid::from)),
        )
        .collect();
    if ids.iter().enumerate().any(|(i, id)| ids[..i].contains(id)) {
        return Err(garde::Error::new(
            "each kept section and question appears once",
        ));
    }
    Ok(())
}

fn some_sections(sections: &Option<Vec<WriteSection>>, ctx: &()) -> garde::Result {
    sections.as_ref().map_or(Ok(()), |s| valid_sections(s, ctx))
}

/// `POST /api/v1/evaluation-forms`.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateEvaluationForm {
    /// 1-200 characters.
    #[garde(length(chars, min = 1, max = 200), custom(not_blank))]
    pub name: String,
    /// Up to 2000 characters.
    #[garde(inner(length(chars, max = 2000)))]
    #[serde(default)]
    pub description: Option<String>,
    /// At least one, each once.
    #[garde(custom(valid_channels))]
    pub channels: Vec<Channel>,
    /// The teams that use it; empty: every team.
    #[garde(length(max = 200))]
    #[serde(default)]
    pub team_ids: Vec<TeamId>,
    /// 1-20 sections.
    #[garde(length(min = 1, max = 20), custom(valid_sections), dive)]
    pub sections: Vec<WriteSection>,
}

/// `PATCH /api/v1/evaluation-forms/{id}`: what changes, at the `version` read (or `If-Match`).
/// New `sections` replace the old as a new version; evaluations already made keep theirs.
#[derive(Clone, Debug, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateEvaluationForm {
    #[garde(inner(length(chars, min = 1, max = 200), custom(not_blank)))]
    #[serde(default)]
    pub name: Option<String>,
    /// An empty text removes it.
    #[garde(inner(length(chars, max = 2000)))]
    #[serde(default)]
    pub description: Option<String>,
    #[garde(inner(custom(valid_channels)))]
    #[serde(default)]
    pub channels: Option<Vec<Channel>>,
    #[garde(inner(length(max = 200)))]
    #[serde(default)]
    pub team_ids: Option<Vec<TeamId>>,
    #[garde(length(min = 1, max = 20), custom(some_sections), dive)]
    #[serde(default)]
    pub sections: Option<Vec<WriteSection>>,
    /// `true` archives the form, `false` brings it back.
    #[garde(skip)]
    #[serde(default)]
    pub archived: Option<bool>,
    #[garde(skip)]
    #[serde(default)]
    pub version: Option<i32>,
}

impl crate::Patch for UpdateEvaluationForm {
    fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.description.is_none()
            && self.channels.is_none()
            && self.team_ids.is_none()
            && self.sections.is_none()
            && self.archived.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn form(question: serde_json::Value) -> CreateEvaluationForm {
        serde_json::from_value(json!({
            "name": "Calls", "channels": ["CALL"],
            "sections": [{ "title": "Opening", "weight": 1, "questions": [question] }]
        }))
        .expect("a form body")
    }

    fn errors(body: &impl Validate<Context = ()>) -> Vec<String> {
        match body.validate() {
            Ok(()) => Vec::new(),
            Err(report) => report.iter().map(|(path, _)| path.to_string()).collect(),
        }
    }

    #[test]
    fn a_scale_question_needs_its_range_and_only_it_has_one() {
        let ok = form(
            json!({ "text": "Tone", "kind": "SCALE", "points": 10, "scale_max": 5,
                              "scale_labels": ["Poor", "Weak", "Fair", "Good", "Great"] }),
        );
        assert_eq!(errors(&ok), Vec::<String>::new());
        let missing = form(json!({ "text": "Tone", "kind": "SCALE", "points": 10 }));
        assert_eq!(errors(&missing), ["sections[0].questions[0].scale_max"]);
        let too_wide =
            form(json!({ "text": "Tone", "kind": "SCALE", "points": 10, "scale_max": 11 }));
        assert_eq!(errors(&too_wide), ["sections[0].questions[0].scale_max"]);
        let yes_no =
            form(json!({ "text": "Greeted", "kind": "YES_NO", "points": 5, "scale_max": 5 }));
        assert_eq!(errors(&yes_no), ["sections[0].questions[0].scale_max"]);
        let labels = form(
            json!({ "text": "Tone", "kind": "SCALE", "points": 10, "scale_max": 3,
                                  "scale_labels": ["Poor", "Good"] }),
        );
        assert_eq!(errors(&labels), ["sections[0].questions[0].scale_labels"]);
    }

    #[test]
    fn points_weights_channels_and_kept_ids_are_checked() {
        let no_points = form(json!({ "text": "Greeted", "kind": "YES_NO", "points": 0 }));
        assert_eq!(errors(&no_points), ["sections[0].questions[0].points"]);
        let mut body = form(json!({ "text": "Greeted", "kind": "YES_NO", "points": 5 }));
        body.sections[0].weight = 0.0;
        body.channels = vec![Channel::Call, Channel::Call];
        assert_eq!(errors(&body), ["channels", "sections[0].weight"]);
        let kept = QuestionId(Uuid::from_u128(7));
        let mut twice =
            form(json!({ "id": kept, "text": "Greeted", "kind": "YES_NO", "points": 5 }));
        let again = twice.sections[0].questions[0].clone();
        twice.sections[0].questions.push(again);
        assert_eq!(errors(&twice), ["sections"]);
    }

    #[test]
    fn a_question_written_defaults_to_no_na_and_not_critical() {
        let body = form(json!({ "text": "Greeted", "kind": "YES_NO", "points": 5 }));
        let question = &body.sections[0].questions[0];
        assert!(!question.allow_na);
        assert_eq!(question.critical, Critical::None);
    }
}
