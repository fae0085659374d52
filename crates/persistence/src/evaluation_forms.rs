//! Evaluation forms: admins keep them; everyone who evaluates or coaches reads the forms of
//! their teams and those for every team. Changing a form's sections writes a new version of
//! them beside the old ones, which stay for the evaluations scored against them; forms are
//! archived, never deleted. Every change is one transaction with its audit entry.

use std::collections::HashMap;

use chrono::Utc;
use domain::quality::{Channel, FormQuestion, FormSection};
use domain::{Action, Actor, EvaluationFormId, QuestionId, Target, TeamId, authorize};
use dto::WriteSection;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

use crate::audit;
use crate::caller::Caller;
use crate::entity::{evaluation_form, evaluation_form_team, evaluation_form_version, team};
use crate::{Db, StoreError, db, versioned};

/// A form as stored: its row, its teams and its sections in force.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct StoredForm {
    pub row: evaluation_form::Model,
    /// Empty: every team's.
    pub team_ids: Vec<TeamId>,
    pub sections: Vec<FormSection>,
}

impl StoredForm {
    /// The channels it is for.
    pub fn channels(&self) -> Vec<Channel> {
        serde_json::from_value(self.row.channels.clone()).unwrap_or_default()
    }

    /// Whether `actor` may read it: a form for every team, or one of a team in reach.
    fn readable_by(&self, actor: &Actor) -> bool {
        actor.can_any(
            Action::ViewEvaluationForm,
            &Target::for_teams(&self.team_ids),
        )
    }
}

/// What the list is narrowed to.
#[derive(Clone, Copy, Debug, Default)]
pub struct FormFilter {
    /// Forms this team uses (its own and every team's).
    pub team: Option<TeamId>,
    pub channel: Option<Channel>,
    /// Archived forms instead of those in use.
    pub archived: bool,
}

/// The forms `actor` may read, by name; an agent reads none (they see a form through their
/// evaluations). The sections are read only for the forms the list keeps.
pub async fn list(
    db: &Db,
    actor: &Actor,
    filter: FormFilter,
) -> Result<Vec<StoredForm>, StoreError> {
    authorize(actor, Action::ViewEvaluationForm, &Target::Global)?;
    let archived = evaluation_form::Column::ArchivedAt;
    let rows = evaluation_form::Entity::find()
        .filter(if filter.archived {
            archived.is_not_null()
        } else {
            archived.is_null()
        })
        .order_by_asc(evaluation_form::Column::Name)
        .order_by_asc(evaluation_form::Column::Id)
        .all(db)
        .await?;
    let mut forms = with_teams(db, rows).await?;
    forms.retain(|form| {
        form.readable_by(actor)
            && filter
                .team
                .is_none_or(|team| form.team_ids.is_empty() || form.team_ids.contains(&team))
            && filter.channel.is_none_or(|c| form.channels().contains(&c))
    });
    with_sections(db, forms).await
}

/// One form `actor` may read.
pub async fn find(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: EvaluationFormId,
) -> Result<StoredForm, StoreError> {
    let row = evaluation_form::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut forms = with_teams(db, vec![row]).await?;
    forms.retain(|form| form.readable_by(actor));
    with_sections(db, forms)
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// The rows with their teams (sections still empty): one statement for any number of forms.
async fn with_teams(
    db: &impl ConnectionTrait,
    rows: Vec<evaluation_form::Model>,
) -> Result<Vec<StoredForm>, StoreError> {
    let mut teams: HashMap<EvaluationFormId, Vec<TeamId>> = HashMap::new();
    if !rows.is_empty() {
        let ids: Vec<EvaluationFormId> = rows.iter().map(|row| row.id).collect();
        for link in evaluation_form_team::Entity::find()
            .filter(evaluation_form_team::Column::FormId.is_in(ids))
            .all(db)
            .await?
        {
            teams.entry(link.form_id).or_default().push(link.team_id);
        }
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut team_ids = teams.remove(&row.id).unwrap_or_default();
            team_ids.sort();
            StoredForm {
                row,
                team_ids,
                sections: Vec::new(),
            }
        })
        .collect())
}

/// The forms with their sections in force: one statement for any number of forms.
async fn with_sections(
    db: &impl ConnectionTrait,
    mut forms: Vec<StoredForm>,
) -> Result<Vec<StoredForm>, StoreError> {
    if forms.is_empty() {
        return Ok(forms);
    }
    let in_force = forms.iter().fold(Condition::any(), |any, form| {
        any.add(
            Condition::all()
                .add(evaluation_form_version::Column::FormId.eq(form.row.id))
                .add(evaluation_form_version::Column::Version.eq(form.row.sections_version)),
        )
    });
    let mut sections: HashMap<EvaluationFormId, Vec<FormSection>> = HashMap::new();
    for version in evaluation_form_version::Entity::find()
        .filter(in_force)
        .all(db)
        .await?
    {
        let read = serde_json::from_value(version.sections)
            .map_err(|err| StoreError::Other(DbErr::Json(format!("form sections: {err}"))))?;
        sections.insert(version.form_id, read);
    }
    for form in &mut forms {
        form.sections = sections.remove(&form.row.id).unwrap_or_default();
    }
    Ok(forms)
}

/// The names of forms `ids`, by id (whoever may read them: they name what evaluations were
/// scored with).
pub async fn names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = EvaluationFormId>,
) -> Result<HashMap<EvaluationFormId, String>, StoreError> {
    Ok(evaluation_form::Entity::find()
        .filter(evaluation_form::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|form| (form.id, form.name))
        .collect())
}

/// The sections of form `id` at `version` (those an evaluation was scored against).
pub async fn sections_at(
    db: &impl ConnectionTrait,
    id: EvaluationFormId,
    version: i32,
) -> Result<Vec<FormSection>, StoreError> {
    let stored = evaluation_form_version::Entity::find_by_id((id, version))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)?;
    serde_json::from_value(stored.sections)
        .map_err(|err| StoreError::Other(DbErr::Json(format!("form sections: {err}"))))
}

/// Checks that every team named exists.
async fn known_teams(db: &impl ConnectionTrait, ids: &[TeamId]) -> Result<Vec<TeamId>, StoreError> {
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Ok(ids);
    }
    let found = team::Entity::find()
        .filter(team::Column::Id.is_in(ids.clone()))
        .all(db)
        .await?;
    if found.len() == ids.len() {
        Ok(ids)
    } else {
        Err(StoreError::invalid(
            "team_ids",
            "name only teams that exist",
        ))
    }
}

/// The sections as written, with ids: a kept id must be one of the version in force
/// (`previous`), anything else gets a new one.
fn with_ids(
    written: Vec<WriteSection>,
    previous: &[FormSection],
) -> Result<Vec<FormSection>, StoreError> {
    let kept_questions: Vec<QuestionId> = previous
        .iter()
        .flat_map(|s| s.questions.iter().map(|q| q.id))
        .collect();
    written
        .into_iter()
        .enumerate()
        .map(|(s, section)| {
            let id = match section.id {
                Some(id) if previous.iter().any(|p| p.id == id) => id,
                Some(_) => {
                    return Err(StoreError::invalid(
                        format!("sections[{s}].id"),
                        "keep only sections of this form",
                    ));
                }
                None => Uuid::now_v7(),
            };
            let questions = section
                .questions
                .into_iter()
                .enumerate()
                .map(|(q, question)| {
                    let id = match question.id {
                        Some(id) if kept_questions.contains(&id) => id,
                        Some(_) => {
                            return Err(StoreError::invalid(
                                format!("sections[{s}].questions[{q}].id"),
                                "keep only questions of this form",
                            ));
                        }
                        None => QuestionId(Uuid::now_v7()),
                    };
                    Ok(FormQuestion {
                        id,
                        text: question.text.trim().to_owned(),
                        kind: question.kind,
                        points: question.points,
                        scale_max: question.scale_max,
                        scale_labels: question.scale_labels,
                        allow_na: question.allow_na,
                        critical: question.critical,
                        guidance: question.guidance.filter(|g| !g.trim().is_empty()),
                    })
                })
                .collect::<Result<_, _>>()?;
            Ok(FormSection {
                id,
                title: section.title.trim().to_owned(),
                weight: section.weight,
                questions,
            })
        })
        .collect()
}

fn json(value: &impl serde::Serialize) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(value).map_err(|err| StoreError::Other(DbErr::Json(err.to_string())))
}

async fn write_sections(
    db: &impl ConnectionTrait,
    form: EvaluationFormId,
    version: i32,
    sections: &[FormSection],
) -> Result<(), StoreError> {
    evaluation_form_version::ActiveModel {
        form_id: Set(form),
        version: Set(version),
        sections: Set(json(&sections)?),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

async fn write_teams(
    db: &impl ConnectionTrait,
    form: EvaluationFormId,
    teams: &[TeamId],
) -> Result<(), StoreError> {
    evaluation_form_team::Entity::delete_many()
        .filter(evaluation_form_team::Column::FormId.eq(form))
        .exec(db)
        .await?;
    if !teams.is_empty() {
        evaluation_form_team::Entity::insert_many(teams.iter().map(|&team_id| {
            evaluation_form_team::ActiveModel {
                form_id: Set(form),
                team_id: Set(team_id),
            }
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

fn description(text: Option<String>) -> Option<String> {
    text.map(|d| d.trim().to_owned()).filter(|d| !d.is_empty())
}

/// Makes a form at version 1, audited.
pub async fn create(
    db: &Db,
    caller: &Caller,
    body: dto::CreateEvaluationForm,
) -> Result<StoredForm, StoreError> {
    let Caller { actor, origin } = caller;
    authorize(actor, Action::ManageEvaluationForms, &Target::Global)?;
    let txn = db::begin_write(db).await?;
    let team_ids = known_teams(&txn, &body.team_ids).await?;
    let sections = with_ids(body.sections, &[])?;
    let now = Utc::now();
    let row = evaluation_form::ActiveModel {
        id: Set(EvaluationFormId(Uuid::now_v7())),
        name: Set(body.name.trim().to_owned()),
        description: Set(description(body.description)),
        channels: Set(json(&body.channels)?),
        sections_version: Set(1),
        archived_at: Set(None),
        created_by: Set(origin.actor_id),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    write_teams(&txn, row.id, &team_ids).await?;
    write_sections(&txn, row.id, 1, &sections).await?;
    let id = row.id;
    let form = StoredForm {
        row,
        team_ids,
        sections,
    };
    audit::commit(txn, origin, "evaluation_form.create", id, None, form).await
}

/// Changes form `id` at `version`, audited: new sections become a new version of them.
pub async fn update(
    db: &Db,
    caller: &Caller,
    id: EvaluationFormId,
    version: i32,
    changes: dto::UpdateEvaluationForm,
) -> Result<StoredForm, StoreError> {
    let Caller { actor, origin } = caller;
    authorize(actor, Action::ManageEvaluationForms, &Target::Global)?;
    let txn = db::begin_write(db).await?;
    let before = find(&txn, actor, id).await?;
    let mut current = before.row.clone();
    versioned::claim(&txn, &mut current, version).await?;
    let mut after = StoredForm {
        row: current,
        ..before.clone()
    };
    if let Some(teams) = changes.team_ids {
        after.team_ids = known_teams(&txn, &teams).await?;
        write_teams(&txn, id, &after.team_ids).await?;
    }
    if let Some(sections) = changes.sections {
        after.sections = with_ids(sections, &before.sections)?;
        after.row.sections_version = after.row.version;
        write_sections(&txn, id, after.row.version, &after.sections).await?;
    }
    if let Some(name) = changes.name {
        after.row.name = name.trim().to_owned();
    }
    if let Some(text) = changes.description {
        after.row.description = description(Some(text));
    }
    if let Some(channels) = changes.channels {
        after.row.channels = json(&channels)?;
    }
    match (changes.archived, after.row.archived_at) {
        (Some(true), None) => after.row.archived_at = Some(after.row.updated_at),
        (Some(false), Some(_)) => after.row.archived_at = None,
        _ => {}
    }
    // The row as changed above, written whole (its version and time as the claim set them).
    evaluation_form::ActiveModel::from(after.row.clone())
        .reset_all()
        .update(&txn)
        .await?;
    audit::commit(
        txn,
        origin,
        "evaluation_form.update",
        id,
        Some(&before),
        after,
    )
    .await
}
