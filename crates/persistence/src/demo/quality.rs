//! The demo's quality work: a call form (four sections, fifteen questions, two critical) and a
//! chat form, and six months of evaluations of every demo agent by the demo's analyst: one an
//! agent a month, each agent as good as their own level, most acknowledged, some of the last
//! month's not yet, and one failed on its identity check. Written through `evaluations`, so they
//! are scored, audited and told as any evaluation is.

use chrono::{Datelike, NaiveDate};
use domain::quality::{AnswerValue, Critical, FormSection, QuestionKind};
use domain::{Actor, NotificationKind, Role, TeamId, UserId};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::{Dice, at, months_before};
use crate::audit::Origin;
use crate::caller::Caller;
use crate::entity::notification;
use crate::{Db, StoreError, emails, evaluation_forms, evaluations};

/// A question as the forms below write it: text, kind, points, critical, allows N/A.
type Question = (&'static str, &'static str, u32, &'static str, bool);

const CALL_FORM: [(&str, f64, &[Question]); 4] = [
    (
        "Opening",
        1.0,
        &[
            (
                "Used the greeting and gave their name",
                "YES_NO",
                5,
                "NONE",
                false,
            ),
            (
                "Verified the caller's identity",
                "YES_NO",
                10,
                "FORM",
                false,
            ),
            ("Set the agenda for the call", "YES_NO", 5, "NONE", true),
        ],
    ),
    (
        "Discovery",
        2.0,
        &[
            ("Asked open questions", "SCALE", 10, "NONE", false),
            ("Listened without interrupting", "SCALE", 10, "NONE", false),
            ("Confirmed the customer's need", "YES_NO", 10, "NONE", false),
            ("Checked the account history", "YES_NO", 5, "NONE", true),
        ],
    ),
    (
        "Resolution",
        3.0,
        &[
            (
                "Solved the problem or set a clear next step",
                "POINTS",
                20,
                "NONE",
                false,
            ),
            ("Gave accurate information", "YES_NO", 10, "SECTION", false),
            ("Offered relevant products", "SCALE", 5, "NONE", true),
            ("Explained what happens next", "YES_NO", 5, "NONE", false),
        ],
    ),
    (
        "Soft skills",
        1.0,
        &[
            ("Tone and courtesy", "SCALE", 10, "NONE", false),
            ("Showed empathy", "SCALE", 10, "NONE", false),
            ("Managed holds and silences", "YES_NO", 5, "NONE", true),
            ("Closed the call properly", "YES_NO", 5, "NONE", false),
        ],
    ),
];

const CHAT_FORM: [(&str, f64, &[Question]); 2] = [
    (
        "Conversation",
        1.0,
        &[
            ("Answered within a minute", "YES_NO", 5, "NONE", false),
            ("Wrote clearly, without jargon", "SCALE", 10, "NONE", false),
            (
                "Verified the customer before account details",
                "YES_NO",
                10,
                "FORM",
                false,
            ),
        ],
    ),
    (
        "Outcome",
        2.0,
        &[
            ("Resolved it in the chat", "POINTS", 10, "NONE", false),
            ("Linked the right help article", "YES_NO", 5, "NONE", true),
            ("Closed with a summary", "YES_NO", 5, "NONE", false),
        ],
    ),
];

const STRENGTHS: [&str; 5] = [
    "Warm, confident opening and a clear agenda.",
    "Listened well and summarised the customer's need in their words.",
    "Calm under pressure; the customer felt in good hands.",
    "Accurate answers first time, without putting the customer on hold.",
    "A tidy close: next steps, timings and a reference number.",
];

const OPPORTUNITIES: [&str; 5] = [
    "Verify identity before opening the account, every time.",
    "Ask one more open question before proposing a fix.",
    "Explain holds before placing them, and come back within a minute.",
    "Offer the self-service option when it fits.",
    "Confirm the customer is happy with the outcome before closing.",
];

async fn form(
    db: &Db,
    caller: &Caller,
    name: &str,
    channel: &str,
    teams: &[TeamId],
    sections: &[(&str, f64, &[Question])],
) -> Result<evaluation_forms::StoredForm, StoreError> {
    let sections: Vec<_> = sections
        .iter()
        .map(|(title, weight, questions)| {
            let questions: Vec<_> = questions
                .iter()
                .map(|(text, kind, points, critical, allow_na)| {
                    let scale = *kind == "SCALE";
                    json!({ "text": text, "kind": kind, "points": points, "critical": critical,
                        "allow_na": allow_na, "scale_max": scale.then_some(5),
                        "scale_labels": if scale { vec!["Poor", "Weak", "Fair", "Good", "Great"] } else { vec![] } })
                })
                .collect();
            json!({ "title": title, "weight": weight, "questions": questions })
        })
        .collect();
    let body = json!({ "name": name, "channels": [channel], "team_ids": teams,
        "description": format!("How we score a {} with a customer.", channel.to_lowercase()),
        "sections": sections });
    let body = serde_json::from_value(body)
        .map_err(|err| StoreError::invalid("demo form", err.to_string()))?;
    evaluation_forms::create(db, caller, body).await
}

/// Answers to every question of `sections` by an agent of `skill` (0-1); `fail` answers the
/// form's critical identity check NO.
fn answers(sections: &[FormSection], skill: f64, fail: bool, dice: &mut Dice) -> Vec<dto::Answer> {
    let mut answers = Vec::new();
    for question in sections.iter().flat_map(|section| &section.questions) {
        let level = (skill + dice.between(-0.15, 0.15)).clamp(0.0, 1.0);
        let value = if question.allow_na && dice.between(0.0, 1.0) < 0.1 {
            AnswerValue::NA
        } else {
            match question.kind {
                QuestionKind::YesNo if question.critical == Critical::Form => {
                    if fail {
                        AnswerValue::NO
                    } else {
                        AnswerValue::YES
                    }
                }
                QuestionKind::YesNo if dice.between(0.0, 1.0) < level.max(0.35) => AnswerValue::YES,
                QuestionKind::YesNo => AnswerValue::NO,
                QuestionKind::Scale => {
                    let top = question.scale_max.unwrap_or(5);
                    let steps = f64::from(top - 1);
                    AnswerValue::Number(1 + (level * steps).round() as u32)
                }
                QuestionKind::Points => {
                    AnswerValue::Number((level * f64::from(question.points)).round() as u32)
                }
            }
        };
        let comment = (fail && question.critical == Critical::Form)
            .then(|| "Opened the account before asking for the date of birth.".to_owned());
        answers.push(dto::Answer {
            question_id: question.id,
            value,
            comment,
        });
    }
    answers
}

/// Seeds the forms and six months of evaluations of `agents` (agent, their team's index) by
/// `analyst`, who evaluates `teams`.
pub(super) async fn seed(
    db: &Db,
    analyst: UserId,
    teams: &[TeamId],
    agents: &[(UserId, usize)],
    dice: &mut Dice,
    today: NaiveDate,
) -> Result<(), StoreError> {
    let analyst = Caller {
        actor: Actor {
            id: analyst,
            role: Role::QualityAnalyst,
            led_teams: Vec::new(),
            managed_teams: Vec::new(),
            evaluated_teams: teams.to_vec(),
            grants: None,
        },
        origin: Origin {
            actor_id: Some(analyst),
            ..Origin::default()
        },
    };
    let admin = Caller::operator();
    let calls = form(db, &admin, "Inbound calls", "CALL", &[], &CALL_FORM).await?;
    let chats = form(db, &admin, "Live chat", "CHAT", &teams[2..], &CHAT_FORM).await?;
    let mut number = 4_100;
    for (index, &(agent, team)) in agents.iter().enumerate() {
        let skill = dice.between(0.55, 0.97);
        for back in (0..6u32).rev() {
            let month = months_before(today, back);
            let last_day = if back == 0 {
                today.day().saturating_sub(1)
            } else {
                27
            };
            if last_day == 0 {
                continue;
            }
            let day = 1 + (dice.next() % u64::from(last_day)) as u32;
            let Some(date) = month.with_day(day) else {
                continue;
            };
            let chat = team >= 2 && back % 2 == 1;
            let (form, channel) = if chat {
                (&chats, "CHAT")
            } else {
                (&calls, "CALL")
            };
            number += 1;
            let interaction = format!("{channel}-{number}");
            let body = json!({
                "form_id": form.row.id, "agent_id": agent, "channel": channel,
                "interaction_id": interaction,
                "interaction_url": format!("https://contact-centre.example.com/interactions/{interaction}"),
                "occurred_at": at(date, 9 + (dice.next() % 8) as u32),
                "duration_seconds": 180 + dice.next() % 900,
                "answers": answers(&form.sections, skill, index == 3 && back == 2, dice),
                "strengths": dice.pick(&STRENGTHS), "opportunities": dice.pick(&OPPORTUNITIES),
            });
            let body = serde_json::from_value(body)
                .map_err(|err| StoreError::invalid("demo evaluation", err.to_string()))?;
            let draft = evaluations::create(db, &analyst, body).await?;
            let (submitted, _) =
                evaluations::submit(db, &analyst, draft.row.id, draft.row.version).await?;
            // The last month's are not all acknowledged yet.
            if back == 0 && index.is_multiple_of(3) {
                continue;
            }
            let agent = Caller {
                actor: Actor {
                    id: agent,
                    role: Role::Agent,
                    led_teams: Vec::new(),
                    managed_teams: Vec::new(),
                    evaluated_teams: Vec::new(),
                    grants: None,
                },
                origin: Origin {
                    actor_id: Some(agent),
                    ..Origin::default()
                },
            };
            let comment = dice
                .next()
                .is_multiple_of(4)
                .then(|| "Thanks, useful.".to_owned());
            evaluations::acknowledge(db, &agent, submitted.row.id, submitted.row.version, comment)
                .await?;
        }
    }
    // The demo's past is no news: nothing to email, and read (what waits for the agent is on
    // their home).
    notification::Entity::update_many()
        .col_expr(
            notification::Column::EmailState,
            Expr::value(emails::SKIPPED),
        )
        .col_expr(
            notification::Column::ReadAt,
            Expr::value(chrono::Utc::now()),
        )
        .filter(notification::Column::EmailState.is_null())
        .filter(notification::Column::Kind.is_in([
            NotificationKind::EvaluationSubmitted.as_str(),
            NotificationKind::EvaluationAcknowledged.as_str(),
        ]))
        .exec(db)
        .await?;
    Ok(())
}
