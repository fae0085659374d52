//! Quality scoring: how an evaluation's answers become section scores and a 0-100 total.
//!
//! The arithmetic is the API's contract (`API.md`, Quality), done here once so the server that
//! stores a score and the browser that shows it while an evaluator answers agree to the decimal:
//! - earned points: YES = points, NO = 0; a scale value `v` earns `points x (v - 1) /
//!   (scale_max - 1)`; a points value `v` earns `v`; N/A leaves the question out of both sums;
//! - a section scores `100 x earned / possible` over its answered, non-N/A questions; a section
//!   with nothing but N/A is left out of the total;
//! - the total weights the sections' scores by their weights, over the sections left in;
//! - a critical question fails on NO, the lowest scale value or 0 points: `SECTION` makes its
//!   section 0, `FORM` makes the total 0 (auto-fail), and the score names the question;
//! - scores are rounded to one decimal, half away from zero.

use serde::{Deserialize, Serialize};

use uuid::Uuid;

use crate::ids::QuestionId;
use crate::lifecycle::wire_enum;

wire_enum!(
    /// Where an evaluated interaction happened.
    Channel {
        /// A phone call.
        Call = "CALL",
        /// A live chat.
        Chat = "CHAT",
        /// An email.
        Email = "EMAIL",
        /// A helpdesk ticket.
        Ticket = "TICKET",
        /// A social-media conversation.
        Social = "SOCIAL",
    }
);

wire_enum!(
    /// How a question is answered.
    QuestionKind {
        /// Yes or no.
        YesNo = "YES_NO",
        /// A value from 1 to the question's `scale_max`.
        Scale = "SCALE",
        /// A number of points from 0 to the question's points.
        Points = "POINTS",
    }
);

wire_enum!(
    /// What failing a question costs beyond its own points.
    Critical {
        /// Nothing more.
        None = "NONE",
        /// Its section scores 0.
        Section = "SECTION",
        /// The whole evaluation scores 0 (auto-fail).
        Form = "FORM",
    }
);

/// The lowest and highest `scale_max` a scale question may have.
pub const SCALE_MAX_RANGE: std::ops::RangeInclusive<u32> = 2..=10;

/// An answer's value: `"YES"`, `"NO"`, `"NA"`, or a whole number (a scale value or points).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum AnswerValue {
    /// A scale value (1..=scale_max) or a number of points (0..=points).
    Number(u32),
    /// `YES`, `NO` or `NA`.
    Word(AnswerWord),
}

wire_enum!(
    /// The answers that are words.
    AnswerWord {
        /// Yes (a yes/no question).
        Yes = "YES",
        /// No (a yes/no question).
        No = "NO",
        /// Does not apply (where the question allows it).
        Na = "NA",
    }
);

// Read by hand rather than as an untagged enum: serde decodes an untagged enum by buffering the
// value first, machinery the browser's bundle need not carry (2 KB of it, gzipped).
impl<'de> Deserialize<'de> for AnswerValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Value;
        impl serde::de::Visitor<'_> for Value {
            type Value = AnswerValue;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("YES, NO, NA or a whole number")
            }

            fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<AnswerValue, E> {
                u32::try_from(value)
                    .map(AnswerValue::Number)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(value), &self))
            }

            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<AnswerValue, E> {
                u32::try_from(value)
                    .map(AnswerValue::Number)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Signed(value), &self))
            }

            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<AnswerValue, E> {
                value
                    .parse()
                    .map(AnswerValue::Word)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Str(value), &self))
            }
        }
        deserializer.deserialize_any(Value)
    }
}

impl AnswerValue {
    /// `NA`.
    pub const NA: AnswerValue = AnswerValue::Word(AnswerWord::Na);
    /// `YES`.
    pub const YES: AnswerValue = AnswerValue::Word(AnswerWord::Yes);
    /// `NO`.
    pub const NO: AnswerValue = AnswerValue::Word(AnswerWord::No);

    /// Whether this is N/A.
    pub fn is_na(self) -> bool {
        self == Self::NA
    }
}

/// A question of an evaluation form: what scoring needs, and what an evaluator is shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormQuestion {
    pub id: QuestionId,
    /// What the evaluator answers (`Greeted the customer by name`).
    pub text: String,
    pub kind: QuestionKind,
    /// What a full answer earns (at least 1).
    pub points: u32,
    /// The top of a scale question's 1..scale_max range (2-10); absent for other kinds.
    pub scale_max: Option<u32>,
    /// A scale question's labels, one for each value from 1 up (or none).
    pub scale_labels: Vec<String>,
    /// Whether "does not apply" is an answer.
    pub allow_na: bool,
    /// What failing it costs beyond its points.
    pub critical: Critical,
    /// How to answer it, for evaluators.
    pub guidance: Option<String>,
}

/// A section of an evaluation form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormSection {
    pub id: Uuid,
    pub title: String,
    /// Its share of the total, relative to the other sections' weights (above 0).
    pub weight: f64,
    pub questions: Vec<FormQuestion>,
}

/// Why a value cannot answer a question.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error("This question does not allow N/A.")]
    NaNotAllowed,
    #[error("Answer YES, NO or NA.")]
    NotYesNo,
    #[error("Choose a value from 1 to {max}.")]
    OffScale { max: u32 },
    #[error("Give from 0 to {max} points.")]
    OffPoints { max: u32 },
}

/// What an answered question earns, out of what it could.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Earned {
    pub earned: f64,
    pub possible: f64,
    /// A critical question's failing answer (NO, the lowest scale value, 0 points).
    pub failed: bool,
}

impl FormQuestion {
    /// Checks `value` against the question: its kind, its range, and N/A where not allowed.
    pub fn check(&self, value: AnswerValue) -> Result<(), AnswerError> {
        self.earned(value).map(|_| ())
    }

    /// What `value` earns: `None` for N/A (left out of both sums).
    pub fn earned(&self, value: AnswerValue) -> Result<Option<Earned>, AnswerError> {
        if value.is_na() {
            return if self.allow_na {
                Ok(None)
            } else {
                Err(AnswerError::NaNotAllowed)
            };
        }
        let possible = f64::from(self.points);
        // A scale question always has its top value (the form's rules); 2 keeps the arithmetic
        // whole if one were missing.
        let scale_max = self.scale_max.unwrap_or(*SCALE_MAX_RANGE.start()).max(2);
        let (earned, lowest) = match (self.kind, value) {
            (QuestionKind::YesNo, AnswerValue::Word(AnswerWord::Yes)) => (possible, false),
            (QuestionKind::YesNo, AnswerValue::Word(AnswerWord::No)) => (0.0, true),
            (QuestionKind::YesNo, _) => return Err(AnswerError::NotYesNo),
            (QuestionKind::Scale, AnswerValue::Number(v)) if (1..=scale_max).contains(&v) => {
                let steps = f64::from(scale_max - 1);
                (possible * f64::from(v - 1) / steps, v == 1)
            }
            (QuestionKind::Scale, _) => return Err(AnswerError::OffScale { max: scale_max }),
            (QuestionKind::Points, AnswerValue::Number(v)) if v <= self.points => {
                (f64::from(v), v == 0)
            }
            (QuestionKind::Points, _) => return Err(AnswerError::OffPoints { max: self.points }),
        };
        Ok(Some(Earned {
            earned,
            possible,
            failed: lowest && self.critical != Critical::None,
        }))
    }
}

/// An evaluation's score.
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    /// 0-100 to one decimal; `None` when every answer is N/A (nothing to score).
    pub total: Option<f64>,
    /// Each section's score in form order; `None` for a section left out (all N/A).
    pub sections: Vec<Option<f64>>,
    /// The critical (`FORM`) question whose failure zeroed the total.
    pub failed_by: Option<QuestionId>,
}

/// Rounds to one decimal, half away from zero. A score is a ratio of whole numbers, so a true
/// half can land a hair below in binary; the nudge (far below a tenth) puts it back.
pub fn round1(value: f64) -> f64 {
    let nudge = 1e-9_f64.copysign(value);
    ((value + nudge) * 10.0).round() / 10.0
}

/// Scores the answers to a form's sections. `answer` gives a question's value, `None` where it
/// is unanswered (a draft); an unanswered question counts as N/A here, and submitting needs
/// every question answered (checked by the caller). A value the question does not accept is an
/// error naming the question.
pub fn score(
    sections: &[FormSection],
    answer: impl Fn(QuestionId) -> Option<AnswerValue>,
) -> Result<Score, (QuestionId, AnswerError)> {
    let mut failed_by = None;
    let mut scores = Vec::with_capacity(sections.len());
    for section in sections {
        let (mut earned, mut possible, mut zeroed) = (0.0, 0.0, false);
        for question in &section.questions {
            let Some(value) = answer(question.id) else {
                continue;
            };
            let Some(outcome) = question.earned(value).map_err(|e| (question.id, e))? else {
                continue;
            };
            earned += outcome.earned;
            possible += outcome.possible;
            if outcome.failed {
                match question.critical {
                    Critical::Form => {
                        failed_by.get_or_insert(question.id);
                    }
                    Critical::Section => zeroed = true,
                    Critical::None => {}
                }
            }
        }
        scores.push(match (possible > 0.0, zeroed) {
            (false, _) => None,
            (true, true) => Some(0.0),
            (true, false) => Some(100.0 * earned / possible),
        });
    }
    let (weighted, weights) = sections
        .iter()
        .zip(&scores)
        .filter_map(|(section, score)| score.map(|s| (section.weight * s, section.weight)))
        .fold((0.0, 0.0), |(sum, total), (ws, w)| (sum + ws, total + w));
    let total = (weights > 0.0).then(|| {
        if failed_by.is_some() {
            0.0
        } else {
            round1(weighted / weights)
        }
    });
    Ok(Score {
        total,
        sections: scores.into_iter().map(|s| s.map(round1)).collect(),
        failed_by,
    })
}

/// What is wrong with a set of answers to a form, as `(field, message)` pairs naming the answer
/// (`answers[2].value`): a question not on the form, one answered twice, a value the question
/// does not take and, when the answers must be `complete` (submitting), the questions left
/// unanswered. Empty when the answers fit.
pub fn check_answers(
    sections: &[FormSection],
    answers: &[(QuestionId, AnswerValue)],
    complete: bool,
) -> Vec<(String, String)> {
    let questions: std::collections::HashMap<QuestionId, &FormQuestion> = sections
        .iter()
        .flat_map(|section| &section.questions)
        .map(|question| (question.id, question))
        .collect();
    let mut problems = Vec::new();
    let mut answered = std::collections::HashSet::new();
    for (index, (question_id, value)) in answers.iter().enumerate() {
        let Some(question) = questions.get(question_id) else {
            problems.push((
                format!("answers[{index}].question_id"),
                "This question is not on the form.".to_owned(),
            ));
            continue;
        };
        if !answered.insert(*question_id) {
            problems.push((
                format!("answers[{index}].question_id"),
                "This question is answered twice.".to_owned(),
            ));
            continue;
        }
        if let Err(error) = question.check(*value) {
            problems.push((format!("answers[{index}].value"), error.to_string()));
        }
    }
    let unanswered = questions.len() - answered.len();
    if complete && unanswered > 0 {
        let questions = if unanswered == 1 {
            "question is"
        } else {
            "questions are"
        };
        problems.push((
            "answers".to_owned(),
            format!(
                "Answer every question before submitting: {unanswered} {questions} unanswered."
            ),
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn id(n: u128) -> QuestionId {
        QuestionId(Uuid::from_u128(n))
    }

    fn question(n: u128, kind: QuestionKind, points: u32) -> FormQuestion {
        FormQuestion {
            id: id(n),
            text: format!("Question {n}"),
            kind,
            points,
            scale_max: (kind == QuestionKind::Scale).then_some(5),
            scale_labels: Vec::new(),
            allow_na: true,
            critical: Critical::None,
            guidance: None,
        }
    }

    fn section(weight: f64, questions: Vec<FormQuestion>) -> FormSection {
        FormSection {
            id: Uuid::from_u128(weight.to_bits().into()),
            title: format!("Weight {weight}"),
            weight,
            questions,
        }
    }

    fn answers(pairs: &[(u128, AnswerValue)]) -> impl Fn(QuestionId) -> Option<AnswerValue> {
        let pairs: Vec<(QuestionId, AnswerValue)> =
            pairs.iter().map(|(n, v)| (id(*n), *v)).collect();
        move |q| pairs.iter().find(|(id, _)| *id == q).map(|(_, v)| *v)
    }

    /// Two sections: greeting (weight 1: a yes/no of 10 points and a 1-5 scale of 20) and
    /// resolution (weight 3: 0-10 points, and a critical yes/no of 5).
    fn form(critical: Critical) -> Vec<FormSection> {
        vec![
            section(
                1.0,
                vec![
                    question(1, QuestionKind::YesNo, 10),
                    question(2, QuestionKind::Scale, 20),
                ],
            ),
            section(
                3.0,
                vec![
                    question(3, QuestionKind::Points, 10),
                    FormQuestion {
                        critical,
                        ..question(4, QuestionKind::YesNo, 5)
                    },
                ],
            ),
        ]
    }

    #[test]
    fn weights_combine_the_sections() {
        // Greeting: YES (10 of 10) and 4 on 1-5 (20 x 3/4 = 15 of 20): 25/30 = 83.33.
        // Resolution: 7 of 10 and YES (5 of 5): 12/15 = 80.
        // Total: (1 x 83.333 + 3 x 80) / 4 = 80.833 -> 80.8.
        let score = score(
            &form(Critical::None),
            answers(&[
                (1, AnswerValue::YES),
                (2, AnswerValue::Number(4)),
                (3, AnswerValue::Number(7)),
                (4, AnswerValue::YES),
            ]),
        )
        .expect("valid answers");
        assert_eq!(score.sections, [Some(83.3), Some(80.0)]);
        assert_eq!(score.total, Some(80.8));
        assert_eq!(score.failed_by, None);
    }

    #[test]
    fn na_leaves_a_question_out_of_both_sums_and_an_all_na_section_out_of_the_total() {
        // Greeting: the scale is N/A, so YES alone: 10/10 = 100.
        // Resolution: 3 of 10, the yes/no N/A: 3/10 = 30. Total (100 + 3 x 30) / 4 = 47.5.
        let partly = score(
            &form(Critical::None),
            answers(&[
                (1, AnswerValue::YES),
                (2, AnswerValue::NA),
                (3, AnswerValue::Number(3)),
                (4, AnswerValue::NA),
            ]),
        )
        .expect("valid answers");
        assert_eq!(partly.sections, [Some(100.0), Some(30.0)]);
        assert_eq!(partly.total, Some(47.5));

        // Greeting all N/A: the total is resolution's alone, 30, not (0 + 3 x 30) / 4.
        let greeting_na = score(
            &form(Critical::None),
            answers(&[
                (1, AnswerValue::NA),
                (2, AnswerValue::NA),
                (3, AnswerValue::Number(3)),
                (4, AnswerValue::NA),
            ]),
        )
        .expect("valid answers");
        assert_eq!(greeting_na.sections, [None, Some(30.0)]);
        assert_eq!(greeting_na.total, Some(30.0));

        let nothing =
            score(&form(Critical::None), answers(&[(1, AnswerValue::NA)])).expect("valid answers");
        assert_eq!(nothing.total, None, "nothing to score");
    }

    #[test]
    fn a_failed_section_critical_zeroes_its_section_only() {
        // Resolution's critical NO: the section is 0 although 10 of 10 points were earned.
        // Greeting 100. Total (100 + 3 x 0) / 4 = 25.
        let score = score(
            &form(Critical::Section),
            answers(&[
                (1, AnswerValue::YES),
                (2, AnswerValue::Number(5)),
                (3, AnswerValue::Number(10)),
                (4, AnswerValue::NO),
            ]),
        )
        .expect("valid answers");
        assert_eq!(score.sections, [Some(100.0), Some(0.0)]);
        assert_eq!(score.total, Some(25.0));
        assert_eq!(score.failed_by, None);
    }

    #[test]
    fn a_failed_form_critical_fails_the_evaluation_and_says_which_question() {
        let answered = answers(&[
            (1, AnswerValue::YES),
            (2, AnswerValue::Number(5)),
            (3, AnswerValue::Number(10)),
            (4, AnswerValue::NO),
        ]);
        let score = score(&form(Critical::Form), answered).expect("valid answers");
        assert_eq!(score.total, Some(0.0));
        assert_eq!(score.failed_by, Some(id(4)));
        // The sections still say what was earned: resolution 10 of 15.
        assert_eq!(score.sections, [Some(100.0), Some(66.7)]);
    }

    #[test]
    fn a_critical_question_fails_on_the_lowest_value_of_each_kind_and_not_on_na() {
        let critical = |kind, points| FormQuestion {
            critical: Critical::Form,
            ..question(9, kind, points)
        };
        let failed = |q: FormQuestion, v| q.earned(v).expect("valid").map(|e| e.failed);
        assert_eq!(
            failed(critical(QuestionKind::YesNo, 5), AnswerValue::NO),
            Some(true)
        );
        assert_eq!(
            failed(critical(QuestionKind::Scale, 5), AnswerValue::Number(1)),
            Some(true)
        );
        assert_eq!(
            failed(critical(QuestionKind::Scale, 5), AnswerValue::Number(2)),
            Some(false)
        );
        assert_eq!(
            failed(critical(QuestionKind::Points, 5), AnswerValue::Number(0)),
            Some(true)
        );
        assert_eq!(
            failed(critical(QuestionKind::Points, 5), AnswerValue::Number(1)),
            Some(false)
        );
        assert_eq!(
            failed(critical(QuestionKind::YesNo, 5), AnswerValue::NA),
            None
        );
        // The lowest answer of a question that is not critical costs only its points.
        assert_eq!(
            failed(question(9, QuestionKind::YesNo, 5), AnswerValue::NO),
            Some(false)
        );
    }

    #[test]
    fn a_scale_earns_its_share_of_the_points() {
        // 1-5 of 20 points: 1 -> 0, 2 -> 5, 3 -> 10, 4 -> 15, 5 -> 20.
        let scale = question(1, QuestionKind::Scale, 20);
        let earned: Vec<f64> = (1..=5)
            .map(|v| {
                scale
                    .earned(AnswerValue::Number(v))
                    .expect("valid")
                    .map_or(f64::NAN, |e| e.earned)
            })
            .collect();
        assert_eq!(earned, [0.0, 5.0, 10.0, 15.0, 20.0]);
        // 1-3 of 3 points: 2 -> 1.5.
        let short = FormQuestion {
            scale_max: Some(3),
            ..question(1, QuestionKind::Scale, 3)
        };
        assert_eq!(
            short.earned(AnswerValue::Number(2)).expect("valid"),
            Some(Earned {
                earned: 1.5,
                possible: 3.0,
                failed: false
            })
        );
    }

    #[test]
    fn values_a_question_does_not_take_are_refused() {
        let yes_no = question(1, QuestionKind::YesNo, 5);
        assert_eq!(
            yes_no.check(AnswerValue::Number(1)),
            Err(AnswerError::NotYesNo)
        );
        let scale = question(2, QuestionKind::Scale, 5);
        assert_eq!(
            scale.check(AnswerValue::Number(0)),
            Err(AnswerError::OffScale { max: 5 })
        );
        assert_eq!(
            scale.check(AnswerValue::Number(6)),
            Err(AnswerError::OffScale { max: 5 })
        );
        assert_eq!(
            scale.check(AnswerValue::YES),
            Err(AnswerError::OffScale { max: 5 })
        );
        let points = question(3, QuestionKind::Points, 10);
        assert_eq!(
            points.check(AnswerValue::Number(11)),
            Err(AnswerError::OffPoints { max: 10 })
        );
        let strict = FormQuestion {
            allow_na: false,
            ..points.clone()
        };
        assert_eq!(
            strict.check(AnswerValue::NA),
            Err(AnswerError::NaNotAllowed)
        );
        // The error names the question it is about.
        let refused = score(
            &[section(1.0, vec![strict])],
            answers(&[(3, AnswerValue::NA)]),
        );
        assert_eq!(refused, Err((id(3), AnswerError::NaNotAllowed)));
    }

    #[test]
    fn scores_round_half_away_from_zero_to_one_decimal() {
        assert_eq!(round1(62.25), 62.3);
        assert_eq!(round1(87.45), 87.5);
        assert_eq!(round1(87.449), 87.4);
        assert_eq!(round1(100.0 * 2.0 / 3.0), 66.7);
        // As the arithmetic produces it: 69 of 80 points is 86.25 -> 86.3.
        let points = section(1.0, vec![question(1, QuestionKind::Points, 80)]);
        let score = score(&[points], answers(&[(1, AnswerValue::Number(69))])).expect("valid");
        assert_eq!(score.total, Some(86.3));
    }

    #[test]
    fn answers_read_and_write_as_the_contract_spells_them() {
        let values: Vec<AnswerValue> =
            serde_json::from_str(r#"["YES", "NO", "NA", 0, 7]"#).expect("contract values");
        assert_eq!(
            values,
            [
                AnswerValue::YES,
                AnswerValue::NO,
                AnswerValue::NA,
                AnswerValue::Number(0),
                AnswerValue::Number(7)
            ]
        );
        assert_eq!(
            serde_json::to_string(&values).expect("written"),
            r#"["YES","NO","NA",0,7]"#
        );
        assert!(serde_json::from_str::<AnswerValue>(r#""MAYBE""#).is_err());
        assert!(serde_json::from_str::<AnswerValue>("-1").is_err());
    }

    #[test]
    fn answers_that_do_not_fit_the_form_are_named_by_place() {
        let mut strict = question(2, QuestionKind::Scale, 10);
        strict.allow_na = false;
        let form = vec![section(
            1.0,
            vec![question(1, QuestionKind::YesNo, 5), strict],
        )];
        let stranger = id(99);
        let problems = check_answers(
            &form,
            &[
                (id(1), AnswerValue::Number(3)),
                (stranger, AnswerValue::YES),
                (id(2), AnswerValue::NA),
                (id(2), AnswerValue::Number(2)),
            ],
            false,
        );
        let fields: Vec<&str> = problems.iter().map(|(field, _)| field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "answers[0].value",
                "answers[1].question_id",
                "answers[2].value",
                "answers[3].question_id"
            ]
        );
        assert_eq!(problems[2].1, "This question does not allow N/A.");
        // A draft may leave questions out; a submission may not.
        assert!(check_answers(&form, &[(id(1), AnswerValue::YES)], false).is_empty());
        let missing = check_answers(&form, &[(id(1), AnswerValue::YES)], true);
        assert_eq!(
            missing,
            [(
                "answers".to_owned(),
                "Answer every question before submitting: 1 question is unanswered.".to_owned()
            )]
        );
    }

    #[test]
    fn answer_values_read_as_words_or_whole_numbers() {
        let read = |json: &str| serde_json::from_str::<AnswerValue>(json);
        assert_eq!(read("\"YES\"").ok(), Some(AnswerValue::YES));
        assert_eq!(read("\"NA\"").ok(), Some(AnswerValue::NA));
        assert_eq!(read("4").ok(), Some(AnswerValue::Number(4)));
        for wrong in ["\"MAYBE\"", "-1", "4.5", "null", "5000000000"] {
            assert!(read(wrong).is_err(), "{wrong}");
        }
        assert_eq!(
            serde_json::to_string(&[AnswerValue::NO, AnswerValue::Number(3)]).ok(),
            Some("[\"NO\",3]".to_owned())
        );
    }
}
