//! Evaluations: an evaluator (an analyst of the agent's team, or one of the agent's coaches)
//! scores one interaction against a form. A draft is its evaluator's alone; submitting scores it
//! against the version of the form it names and tells the agent; the agent acknowledges it.
//! After submission only its evaluator or an admin changes it, with a reason the agent is told;
//! a draft is deleted, a submitted one only voided by an admin. Every change is one transaction
//! with its audit entry and its notifications.

use std::collections::HashMap;

use chrono::{NaiveTime, Utc};
use domain::quality::{self, AnswerValue, FormSection};
use domain::{
    Action, Actor, EvaluationId, EvaluationStatus, NotificationKind, QuestionId, Target, TeamId,
    UserId, authorize,
};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, Order,
    QueryFilter, Set,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::audit;
use crate::caller::Caller;
use crate::entity::{evaluation, metric_month, team_member};
use crate::metrics::{self, Values};
use crate::notifications::{self, Notice};
use crate::pagination::{self, PageRequest};
use crate::{Db, StoreError, db, evaluation_forms, scope, users, versioned};

/// An evaluation as stored, with the team of its agent (the policy's view of it).
#[derive(Clone, Debug, Serialize)]
pub struct StoredEvaluation {
    #[serde(flatten)]
    pub row: evaluation::Model,
    #[serde(skip)]
    pub agent_team: Option<TeamId>,
}

/// An evaluation as written, and the months of its agent's quality KPI that changed with it.
pub type Written = (StoredEvaluation, Vec<(metric_month::Model, Values)>);

/// Takes the agent's quality KPI for the months of `evaluations` from their evaluations again.
async fn refresh_quality(
    txn: &impl ConnectionTrait,
    origin: &crate::audit::Origin,
    evaluations: &[&evaluation::Model],
) -> Result<Vec<(metric_month::Model, Values)>, StoreError> {
    let mut months: Vec<(UserId, String)> = evaluations
        .iter()
        .map(|row| (row.agent_id, row.occurred_at.format("%Y-%m").to_string()))
        .collect();
    months.dedup();
    let mut changed = Vec::new();
    for (agent, month) in months {
        changed.extend(metrics::refresh_quality(txn, origin, agent, &month).await?);
    }
    Ok(changed)
}

/// An answer's value as stored; its comment is sealed apart.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
struct StoredAnswer {
    question_id: QuestionId,
    value: AnswerValue,
}

impl StoredEvaluation {
    /// What it is to the policy: a record about its agent, written by its evaluator, private
    /// while a draft.
    pub fn target(&self) -> Target {
        Target::AgentRecord {
            agent: self.row.agent_id,
            team: self.agent_team,
            author: self.row.evaluator_id,
            private: self.row.status == EvaluationStatus::Draft,
        }
    }

    fn values(&self) -> Vec<StoredAnswer> {
        serde_json::from_value(self.row.answers.clone()).unwrap_or_default()
    }

    /// The answers with their comments, in the order written.
    pub fn answers(&self) -> Vec<dto::Answer> {
        let mut comments: HashMap<QuestionId, String> =
            serde_json::from_str(&self.row.comments).unwrap_or_default();
        self.values()
            .into_iter()
            .map(|answer| dto::Answer {
                question_id: answer.question_id,
                value: answer.value,
                comment: comments.remove(&answer.question_id),
            })
            .collect()
    }

    /// Each section's score, once scored.
    pub fn section_scores(&self) -> Vec<dto::SectionScore> {
        self.row
            .section_scores
            .clone()
            .and_then(|scores| serde_json::from_value(scores).ok())
            .unwrap_or_default()
    }
}

/// The answers as stored: their values (clear) and their comments (to be sealed).
fn split(answers: &[dto::Answer]) -> Result<(serde_json::Value, String), StoreError> {
    let values: Vec<StoredAnswer> = answers
        .iter()
        .map(|answer| StoredAnswer {
            question_id: answer.question_id,
            value: answer.value,
        })
        .collect();
    let comments: HashMap<QuestionId, &str> = answers
        .iter()
        .filter_map(|answer| {
            let comment = answer.comment.as_deref()?.trim();
            (!comment.is_empty()).then_some((answer.question_id, comment))
        })
        .collect();
    let json = |err: serde_json::Error| StoreError::Other(DbErr::Json(err.to_string()));
    Ok((
        serde_json::to_value(values).map_err(json)?,
        serde_json::to_string(&comments).map_err(json)?,
    ))
}

/// Refuses answers that do not fit `sections` (all of them, when `complete`).
fn check(
    sections: &[FormSection],
    answers: &[dto::Answer],
    complete: bool,
) -> Result<(), StoreError> {
    let pairs: Vec<(QuestionId, AnswerValue)> = answers
        .iter()
        .map(|answer| (answer.question_id, answer.value))
        .collect();
    let problems = quality::check_answers(sections, &pairs, complete);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(StoreError::InvalidFields(problems))
    }
}

/// Scores `row`'s answers against `sections` (every question answered: checked before).
fn score(row: &mut evaluation::ActiveModel, sections: &[FormSection], answers: &[dto::Answer]) {
    let values: HashMap<QuestionId, AnswerValue> = answers
        .iter()
        .map(|answer| (answer.question_id, answer.value))
        .collect();
    // Checked against the same sections, so every value fits.
    let Ok(scored) = quality::score(sections, |id| values.get(&id).copied()) else {
        return;
    };
    let sections: Vec<dto::SectionScore> = sections
        .iter()
        .zip(scored.sections)
        .map(|(section, score)| dto::SectionScore {
            section_id: section.id,
            score,
        })
        .collect();
    row.score = Set(scored.total);
    row.section_scores = Set(serde_json::to_value(sections).ok());
    row.failed_by = Set(scored.failed_by.map(Into::into));
}

/// What the bell says of evaluation `id`.
fn told(kind: NotificationKind, title: String, id: EvaluationId) -> Notice {
    Notice {
        kind,
        title,
        resource_type: "evaluation",
        resource_id: id.into(),
    }
}

/// Evaluation `id` with its agent's team, whatever the scope.
async fn read(db: &impl ConnectionTrait, id: EvaluationId) -> Result<StoredEvaluation, StoreError> {
    let (row, agent_team) =
        scope::find_with_agent_team::<evaluation::Entity>(db, id, evaluation::Column::AgentId)
            .await?;
    Ok(StoredEvaluation { row, agent_team })
}

/// Evaluation `id` if `actor` may read it (`NotFound` otherwise; a draft for its evaluator only).
pub async fn find(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: EvaluationId,
) -> Result<StoredEvaluation, StoreError> {
    let stored = read(db, id).await?;
    scope::sees(actor, Action::ViewEvaluation, &stored.target())?;
    Ok(stored)
}

/// The name and sections of the form version evaluation `id` was scored with, if `actor` may
/// read the evaluation.
pub async fn scored_form(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: EvaluationId,
) -> Result<(StoredEvaluation, String, Vec<FormSection>), StoreError> {
    let stored = find(db, actor, id).await?;
    let sections =
        evaluation_forms::sections_at(db, stored.row.form_id, stored.row.form_version).await?;
    let name = evaluation_forms::names(db, [stored.row.form_id])
        .await?
        .remove(&stored.row.form_id)
        .unwrap_or_default();
    Ok((stored, name, sections))
}

/// Evaluation `id`, read in `txn` for `action` at `version`: `NotFound` out of sight, `Denied`
/// when the policy refuses the action, `Stale` at another version.
async fn claim(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    action: Action,
    id: EvaluationId,
    version: i32,
) -> Result<StoredEvaluation, StoreError> {
    let mut stored = find(txn, actor, id).await?;
    authorize(actor, action, &stored.target())?;
    versioned::claim(txn, &mut stored.row, version).await?;
    Ok(stored)
}

fn trimmed(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

/// Makes a draft evaluation of one of the agent's interactions, audited.
pub async fn create(
    db: &Db,
    caller: &Caller,
    body: dto::CreateEvaluation,
) -> Result<StoredEvaluation, StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    let (agent, about) = users::named_agent(&txn, actor, body.agent_id, "agent_id").await?;
    authorize(actor, Action::Evaluate, &about)?;
    let form = evaluation_forms::find(&txn, actor, body.form_id)
        .await
        .map_err(|err| err.named_in("form_id", "form"))?;
    if form.row.archived_at.is_some() {
        return Err(StoreError::invalid("form_id", "this form is archived"));
    }
    if !form.team_ids.is_empty() && agent.team_id.is_none_or(|t| !form.team_ids.contains(&t)) {
        return Err(StoreError::invalid(
            "form_id",
            "the agent's team does not use this form",
        ));
    }
    if !form.channels().contains(&body.channel) {
        return Err(StoreError::invalid(
            "channel",
            "this form is not for this channel",
        ));
    }
    check(&form.sections, &body.answers, false)?;
    let (answers, comments) = split(&body.answers)?;
    let now = Utc::now();
    let id = EvaluationId(Uuid::now_v7());
    let row = evaluation::ActiveModel {
        id: Set(id),
        form_id: Set(form.row.id),
        form_version: Set(form.row.sections_version),
        agent_id: Set(agent.user.id),
        evaluator_id: Set(Some(actor.id)),
        channel: Set(body.channel),
        interaction_id: Set(body.interaction_id.trim().to_owned()),
        interaction_url: Set(body.interaction_url),
        occurred_at: Set(body.occurred_at),
        duration_seconds: Set(body.duration_seconds),
        answers: Set(answers),
        comments: Set(comments.into()),
        strengths: Set(trimmed(body.strengths).map(Into::into)),
        opportunities: Set(trimmed(body.opportunities).map(Into::into)),
        status: Set(EvaluationStatus::Draft),
        score: Set(None),
        section_scores: Set(None),
        failed_by: Set(None),
        submitted_at: Set(None),
        acknowledged_at: Set(None),
        acknowledgement_comment: Set(None),
        edit_reason: Set(None),
        voided_at: Set(None),
        void_reason: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let after = StoredEvaluation {
        row,
        agent_team: agent.team_id,
    };
    audit::commit(txn, origin, "evaluation.create", id, None, after).await
}

/// Changes evaluation `id` at `version`: a draft freely; a submitted one with a `reason`, scored
/// again and submitted again (the agent acknowledges what it says now) and the agent told.
pub async fn update(
    db: &Db,
    caller: &Caller,
    id: EvaluationId,
    version: i32,
    changes: dto::UpdateEvaluation,
) -> Result<Written, StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    let before = claim(&txn, actor, Action::EditEvaluation, id, version).await?;
    let status = before.row.status.edit()?;
    let draft = status == EvaluationStatus::Draft;
    let reason = trimmed(changes.reason);
    if !draft && reason.is_none() {
        return Err(StoreError::invalid(
            "reason",
            "say why a submitted evaluation changes: the agent is told",
        ));
    }
    let sections =
        evaluation_forms::sections_at(&txn, before.row.form_id, before.row.form_version).await?;
    if let Some(channel) = changes.channel {
        // The form as it is, whatever the evaluator may read of it now.
        let form = evaluation_forms::find(&txn, &Actor::operator(), before.row.form_id).await?;
        if !form.channels().contains(&channel) {
            return Err(StoreError::invalid(
                "channel",
                "this form is not for this channel",
            ));
        }
    }
    let answers = changes.answers.unwrap_or_else(|| before.answers());
    check(&sections, &answers, !draft)?;
    let (values, comments) = split(&answers)?;
    let mut row = before.row.clone().into_active_model();
    if let Some(channel) = changes.channel {
        row.channel = Set(channel);
    }
    if let Some(interaction) = changes.interaction_id {
        row.interaction_id = Set(interaction.trim().to_owned());
    }
    if let Some(url) = changes.interaction_url {
        row.interaction_url = Set(url);
    }
    if let Some(at) = changes.occurred_at {
        row.occurred_at = Set(at);
    }
    if let Some(seconds) = changes.duration_seconds {
        row.duration_seconds = Set(seconds);
    }
    if let Some(text) = changes.strengths {
        row.strengths = Set(trimmed(text).map(Into::into));
    }
    if let Some(text) = changes.opportunities {
        row.opportunities = Set(trimmed(text).map(Into::into));
    }
    row.answers = Set(values);
    row.comments = Set(comments.into());
    if !draft {
        score(&mut row, &sections, &answers);
        row.status = Set(status);
        row.edit_reason = Set(reason.clone());
        row.acknowledged_at = Set(None);
        row.acknowledgement_comment = Set(None);
    }
    let after = StoredEvaluation {
        row: row.update(&txn).await?,
        agent_team: before.agent_team,
    };
    if draft {
        let after = audit::commit(txn, origin, "evaluation.update", id, Some(&before), after);
        return Ok((after.await?, Vec::new()));
    }
    let months = refresh_quality(&txn, origin, &[&before.row, &after.row]).await?;
    let notice = told(
        NotificationKind::EvaluationChanged,
        format!(
            "An evaluation of your interaction {} was changed: {}",
            after.row.interaction_id,
            reason.unwrap_or_default()
        ),
        id,
    );
    notifications::notify(&txn, origin, [after.row.agent_id], &notice).await?;
    let after = audit::commit(txn, origin, "evaluation.amend", id, Some(&before), after);
    Ok((after.await?, months))
}

/// Submits draft `id` at `version`: every question answered, scored, and the agent told.
pub async fn submit(
    db: &Db,
    caller: &Caller,
    id: EvaluationId,
    version: i32,
) -> Result<Written, StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    let before = claim(&txn, actor, Action::EditEvaluation, id, version).await?;
    let status = before.row.status.submit()?;
    let sections =
        evaluation_forms::sections_at(&txn, before.row.form_id, before.row.form_version).await?;
    let answers = before.answers();
    check(&sections, &answers, true)?;
    let mut row = before.row.clone().into_active_model();
    score(&mut row, &sections, &answers);
    row.status = Set(status);
    row.submitted_at = Set(Some(Utc::now()));
    let after = StoredEvaluation {
        row: row.update(&txn).await?,
        agent_team: before.agent_team,
    };
    let notice = told(
        NotificationKind::EvaluationSubmitted,
        format!(
            "Your interaction {} was evaluated: {}",
            after.row.interaction_id,
            after
                .row
                .score
                .map_or_else(|| "not scored".to_owned(), |s| format!("{s:.1}")),
        ),
        id,
    );
    notifications::notify(&txn, origin, [after.row.agent_id], &notice).await?;
    let months = refresh_quality(&txn, origin, &[&after.row]).await?;
    let after = audit::commit(txn, origin, "evaluation.submit", id, Some(&before), after);
    Ok((after.await?, months))
}

/// The agent acknowledges submitted evaluation `id` at `version`, with an optional comment; its
/// evaluator is told.
pub async fn acknowledge(
    db: &Db,
    caller: &Caller,
    id: EvaluationId,
    version: i32,
    comment: Option<String>,
) -> Result<StoredEvaluation, StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    let before = claim(&txn, actor, Action::AcknowledgeEvaluation, id, version).await?;
    let mut row = before.row.clone().into_active_model();
    row.status = Set(before.row.status.acknowledge()?);
    row.acknowledged_at = Set(Some(Utc::now()));
    row.acknowledgement_comment = Set(trimmed(comment).map(Into::into));
    let after = StoredEvaluation {
        row: row.update(&txn).await?,
        agent_team: before.agent_team,
    };
    let notice = told(
        NotificationKind::EvaluationAcknowledged,
        format!(
            "The agent acknowledged your evaluation of {}",
            after.row.interaction_id
        ),
        id,
    );
    notifications::notify(&txn, origin, after.row.evaluator_id, &notice).await?;
    audit::commit(
        txn,
        origin,
        "evaluation.acknowledge",
        id,
        Some(&before),
        after,
    )
    .await
}

/// An admin withdraws submitted evaluation `id` at `version`, with a reason: it counts for
/// nothing from then on; the agent and the evaluator are told.
pub async fn void(
    db: &Db,
    caller: &Caller,
    id: EvaluationId,
    version: i32,
    reason: String,
) -> Result<Written, StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    let before = claim(&txn, actor, Action::VoidEvaluation, id, version).await?;
    let mut row = before.row.clone().into_active_model();
    row.status = Set(before.row.status.void()?);
    row.voided_at = Set(Some(Utc::now()));
    row.void_reason = Set(Some(reason.trim().to_owned()));
    let after = StoredEvaluation {
        row: row.update(&txn).await?,
        agent_team: before.agent_team,
    };
    let notice = told(
        NotificationKind::EvaluationChanged,
        format!(
            "An evaluation of interaction {} was withdrawn: {}",
            after.row.interaction_id,
            reason.trim()
        ),
        id,
    );
    let told = [Some(after.row.agent_id), after.row.evaluator_id];
    notifications::notify(&txn, origin, told.into_iter().flatten(), &notice).await?;
    let months = refresh_quality(&txn, origin, &[&after.row]).await?;
    let after = audit::commit(txn, origin, "evaluation.void", id, Some(&before), after);
    Ok((after.await?, months))
}

/// Deletes draft `id` at `version` (the one read when `None`; a submitted evaluation is voided
/// instead), audited.
pub async fn delete(
    db: &Db,
    caller: &Caller,
    id: EvaluationId,
    version: Option<i32>,
) -> Result<StoredEvaluation, StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    let mut before = find(&txn, actor, id).await?;
    authorize(actor, Action::EditEvaluation, &before.target())?;
    before.row.status.delete()?;
    let version = version.unwrap_or(before.row.version);
    versioned::claim(&txn, &mut before.row, version).await?;
    evaluation::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record_change(&txn, origin, "evaluation.delete", id, Some(&before), None).await?;
    txn.commit().await?;
    Ok(before)
}

/// What the list is narrowed to (`dto::query::EvaluationQuery` without its paging).
#[derive(Clone, Debug, Default)]
pub struct EvaluationFilter {
    pub agent_id: Option<UserId>,
    pub team_id: Option<TeamId>,
    pub evaluator_id: Option<UserId>,
    pub form_id: Option<domain::EvaluationFormId>,
    pub channel: Option<quality::Channel>,
    pub status: Option<EvaluationStatus>,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    pub min_score: Option<f64>,
    pub max_score: Option<f64>,
}

/// A page of the evaluations `actor` may read, newest interaction first: those of the agents in
/// view that count or were voided, and their own drafts.
pub async fn list(
    db: &Db,
    actor: &Actor,
    filter: &EvaluationFilter,
    page: &PageRequest,
) -> Result<(Vec<StoredEvaluation>, Option<String>), StoreError> {
    let shown = sea_orm::Condition::all()
        .add(evaluation::Column::Status.ne(EvaluationStatus::Draft.as_str()))
        .add(scope::scored_records(actor, evaluation::Column::AgentId));
    let visible = sea_orm::Condition::any()
        .add(evaluation::Column::EvaluatorId.eq(actor.id))
        .add(shown);
    let mut query = evaluation::Entity::find().filter(visible);
    if let Some(agent) = filter.agent_id {
        query = query.filter(evaluation::Column::AgentId.eq(agent));
    }
    if let Some(team) = filter.team_id {
        query = query.filter(
            evaluation::Column::AgentId.in_subquery(
                Query::select()
                    .column(team_member::Column::UserId)
                    .from(team_member::Entity)
                    .and_where(team_member::Column::TeamId.eq(team))
                    .to_owned(),
            ),
        );
    }
    if let Some(evaluator) = filter.evaluator_id {
        query = query.filter(evaluation::Column::EvaluatorId.eq(evaluator));
    }
    if let Some(form) = filter.form_id {
        query = query.filter(evaluation::Column::FormId.eq(form));
    }
    if let Some(channel) = filter.channel {
        query = query.filter(evaluation::Column::Channel.eq(channel.as_str()));
    }
    if let Some(status) = filter.status {
        query = query.filter(evaluation::Column::Status.eq(status.as_str()));
    }
    if let Some(from) = filter.from {
        query = query
            .filter(evaluation::Column::OccurredAt.gte(from.and_time(NaiveTime::MIN).and_utc()));
    }
    if let Some(to) = filter.to.and_then(|to| to.succ_opt()) {
        query =
            query.filter(evaluation::Column::OccurredAt.lt(to.and_time(NaiveTime::MIN).and_utc()));
    }
    if let Some(min) = filter.min_score {
        query = query.filter(evaluation::Column::Score.gte(min));
    }
    if let Some(max) = filter.max_score {
        query = query.filter(evaluation::Column::Score.lte(max));
    }
    let sort = (
        evaluation::Column::OccurredAt,
        evaluation::Column::Id,
        Order::Desc,
    );
    let (rows, next) = pagination::page::<_, chrono::DateTime<Utc>>(db, query, sort, page, |row| {
        (row.occurred_at.to_rfc3339(), row.id.into())
    })
    .await?;
    let agents: Vec<UserId> = rows.iter().map(|row| row.agent_id).collect();
    let teams = users::memberships(db, &agents).await?;
    Ok((
        rows.into_iter()
            .map(|row| StoredEvaluation {
                agent_team: teams.get(&row.agent_id).copied(),
                row,
            })
            .collect(),
        next,
    ))
}
