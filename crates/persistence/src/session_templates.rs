//! Session templates: a team's, kept by its coaches (its team leader, its manager, admins), or
//! the whole organisation's, kept by admins. Everyone who coaches reads the organisation's and
//! their own teams'. Every change is one transaction with its audit entry.

use chrono::Utc;
use domain::{Action, Actor, Role, Target, TeamId, authorize};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

use crate::audit;
use crate::caller::Caller;
use crate::entity::{session_template, team};
use crate::{Db, StoreError, db, scope, versioned};

/// A template's content, validated by the caller.
#[derive(Clone, Debug)]
pub struct TemplateContent {
    /// Its name.
    pub name: String,
    /// Its focus areas.
    pub focus_areas: Vec<String>,
    /// Its agenda.
    pub agenda: Option<String>,
    /// The session's length.
    pub duration_minutes: i32,
    /// Its suggested action items.
    pub action_items: Vec<dto::TemplateItem>,
}

/// What the policy sees of a template: its team, or the organisation.
fn target(team_id: Option<TeamId>) -> Target {
    team_id.map_or(Target::Global, |id| Target::Team { id })
}

/// The templates `actor` may read, the organisation's first, then by name.
pub async fn list(db: &Db, actor: &Actor) -> Result<Vec<session_template::Model>, StoreError> {
    let mut query = session_template::Entity::find();
    if actor.role != Role::Admin {
        query = query.filter(
            Condition::any()
                .add(session_template::Column::TeamId.is_null())
                .add(session_template::Column::TeamId.is_in(scope::teams_in_reach(actor))),
        );
    }
    let mut rows: Vec<session_template::Model> = query
        .order_by_asc(session_template::Column::Name)
        .order_by_asc(session_template::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|row| actor.can(Action::ViewSessionTemplate, &target(row.team_id)))
        .collect();
    // The organisation's first (the databases sort a null team differently).
    rows.sort_by_key(|row| row.team_id.is_some());
    Ok(rows)
}

/// One template `actor` may read.
pub async fn find(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> Result<session_template::Model, StoreError> {
    session_template::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|row| actor.can(Action::ViewSessionTemplate, &target(row.team_id)))
        .ok_or(StoreError::NotFound)
}

fn json(value: &impl serde::Serialize) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(value).map_err(|err| StoreError::invalid("action_items", err.to_string()))
}

/// Makes a template for `team_id` (or the organisation), audited.
pub async fn create(
    db: &Db,
    caller: &Caller,
    team_id: Option<TeamId>,
    content: TemplateContent,
) -> Result<session_template::Model, StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    if let Some(id) = team_id
        && team::Entity::find_by_id(id).one(&txn).await?.is_none()
        && actor.role == Role::Admin
    {
        return Err(StoreError::invalid("team_id", "no such team"));
    }
    authorize(actor, Action::ManageSessionTemplate, &target(team_id))?;
    let now = Utc::now();
    let row = session_template::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(content.name.trim().to_owned()),
        team_id: Set(team_id),
        focus_areas: Set(json(&trimmed(&content.focus_areas))?),
        agenda: Set(content.agenda.filter(|a| !a.trim().is_empty())),
        duration_minutes: Set(content.duration_minutes),
        action_items: Set(json(&content.action_items)?),
        created_by: Set(origin.actor_id),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let id = row.id;
    audit::commit(txn, origin, "session_template.create", id, None, row).await
}

fn trimmed(areas: &[String]) -> Vec<String> {
    areas.iter().map(|area| area.trim().to_owned()).collect()
}

/// Replaces the content of template `id` at `version`, audited.
pub async fn update(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    version: i32,
    content: TemplateContent,
) -> Result<session_template::Model, StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    let mut current = find(&txn, actor, id).await?;
    authorize(
        actor,
        Action::ManageSessionTemplate,
        &target(current.team_id),
    )?;
    let before = current.clone();
    versioned::claim(&txn, &mut current, version).await?;
    let mut row: session_template::ActiveModel = current.into();
    row.name = Set(content.name.trim().to_owned());
    row.focus_areas = Set(json(&trimmed(&content.focus_areas))?);
    row.agenda = Set(content.agenda.filter(|a| !a.trim().is_empty()));
    row.duration_minutes = Set(content.duration_minutes);
    row.action_items = Set(json(&content.action_items)?);
    let after = row.update(&txn).await?;
    audit::commit(
        txn,
        origin,
        "session_template.update",
        id,
        Some(&before),
        after,
    )
    .await
}

/// Deletes template `id`, audited.
pub async fn delete(db: &Db, caller: &Caller, id: Uuid) -> Result<(), StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    let current = find(&txn, actor, id).await?;
    authorize(
        actor,
        Action::ManageSessionTemplate,
        &target(current.team_id),
    )?;
    session_template::Entity::delete_by_id(id)
        .exec(&txn)
        .await?;
    audit::record_change(
        &txn,
        origin,
        "session_template.delete",
        id,
        Some(&current),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
