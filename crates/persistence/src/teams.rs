//! Teams: name, team leader, manager, agents, and the quality analysts who evaluate them.

use std::collections::HashMap;

use chrono::Utc;
use domain::{Action, Actor, Role, Target, TeamId, UserId, authorize};

use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use crate::audit::{self, Origin};
use crate::caller::Caller;
use crate::entity::{team, team_analyst, team_member, user};
use crate::pagination::{self, PageRequest};
use crate::{Db, StoreError, db, scope, versioned};

/// A team with its agents and analysts.
#[derive(Clone, Debug, serde::Serialize)]
pub struct TeamRow {
    /// The row.
    #[serde(flatten)]
    pub team: team::Model,
    /// Its agents, by id.
    pub agent_ids: Vec<UserId>,
    /// The quality analysts who evaluate its agents, by id.
    pub analyst_ids: Vec<UserId>,
}

/// Changes to a team; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct TeamChanges {
    /// New name.
    pub name: Option<String>,
    /// New leader.
    pub team_leader_id: Option<UserId>,
    /// New manager (`Some(None)` removes it).
    pub manager_id: Option<Option<UserId>>,
    /// The complete new set of agents.
    pub agent_ids: Option<Vec<UserId>>,
    /// The complete new set of quality analysts.
    pub analyst_ids: Option<Vec<UserId>>,
}

/// The agents and the analysts of each of `teams`, as rows.
async fn with_people(
    db: &impl ConnectionTrait,
    teams: Vec<team::Model>,
) -> Result<Vec<TeamRow>, StoreError> {
    let ids: Vec<TeamId> = teams.iter().map(|team| team.id).collect();
    let mut agents: HashMap<TeamId, Vec<UserId>> = HashMap::new();
    for member in team_member::Entity::find()
        .filter(team_member::Column::TeamId.is_in(ids.iter().copied()))
        .order_by_asc(team_member::Column::UserId)
        .all(db)
        .await?
    {
        agents
            .entry(member.team_id)
            .or_default()
            .push(member.user_id);
    }
    let mut analysts: HashMap<TeamId, Vec<UserId>> = HashMap::new();
    for analyst in team_analyst::Entity::find()
        .filter(team_analyst::Column::TeamId.is_in(ids))
        .order_by_asc(team_analyst::Column::UserId)
        .all(db)
        .await?
    {
        analysts
            .entry(analyst.team_id)
            .or_default()
            .push(analyst.user_id);
    }
    Ok(teams
        .into_iter()
        .map(|team| TeamRow {
            agent_ids: agents.remove(&team.id).unwrap_or_default(),
            analyst_ids: analysts.remove(&team.id).unwrap_or_default(),
            team,
        })
        .collect())
}

/// One team by id, whatever the scope (callers check scope with the policy).
pub async fn find(db: &impl ConnectionTrait, id: TeamId) -> Result<TeamRow, StoreError> {
    let team = team::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut rows = with_people(db, vec![team]).await?;
    rows.pop().ok_or(StoreError::NotFound)
}

/// The team `id` if `actor` may see it (`NotFound` otherwise, before anything else is read).
pub async fn find_in_scope(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: TeamId,
) -> Result<TeamRow, StoreError> {
    let target = Target::Team { id };
    scope::sees(actor, Action::ViewTeam, &target)?;
    find(db, id).await
}

/// What the policy must allow for `changes` to `current`: its name, leader and manager are the
/// admin's; its agents, the admin's or its manager's, who may bring agents only from other teams
/// they manage.
async fn authorize_changes(
    db: &impl ConnectionTrait,
    actor: &Actor,
    current: &TeamRow,
    changes: &TeamChanges,
) -> Result<(), StoreError> {
    let target = Target::Team {
        id: current.team.id,
    };
    if changes.name.is_some()
        || changes.team_leader_id.is_some()
        || changes.manager_id.is_some()
        || changes.analyst_ids.is_some()
    {
        authorize(actor, Action::UpdateTeam, &target)?;
    }
    let Some(agent_ids) = &changes.agent_ids else {
        return Ok(());
    };
    authorize(actor, Action::SetTeamMembers, &target)?;
    let joining: Vec<UserId> = agent_ids
        .iter()
        .copied()
        .filter(|agent| !current.agent_ids.contains(agent))
        .collect();
    let memberships = crate::users::memberships(db, &joining).await?;
    for agent in joining {
        let from = Target::User {
            id: agent,
            teams: memberships.get(&agent).copied().into_iter().collect(),
        };
        if authorize(actor, Action::ViewUser, &from).is_err() {
            return Err(StoreError::invalid(
                "agent_ids",
                format!("no agent {agent} in your scope"),
            ));
        }
        authorize(actor, Action::AssignTeam, &from)?;
    }
    Ok(())
}

/// Teams by id, for summaries.
pub async fn names(db: &Db, ids: &[TeamId]) -> Result<HashMap<TeamId, String>, StoreError> {
    Ok(team::Entity::find()
        .filter(team::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|team| (team.id, team.name))
        .collect())
}

/// A page of the teams the actor may see, by name.
pub async fn list(
    db: &Db,
    actor: &Actor,
    page: &PageRequest,
) -> Result<(Vec<TeamRow>, Option<String>), StoreError> {
    let query = team::Entity::find().filter(scope::teams(actor));
    let sort = (team::Column::Name, team::Column::Id, Order::Asc);
    let (teams, next) = pagination::page::<_, String>(db, query, sort, page, |team| {
        (team.name.clone(), team.id.into())
    })
    .await?;
    Ok((with_people(db, teams).await?, next))
}

async fn ensure_role(
    db: &impl ConnectionTrait,
    field: &'static str,
    id: UserId,
    role: Role,
) -> Result<(), StoreError> {
    let found = user::Entity::find_by_id(id).one(db).await?;
    match found {
        Some(user) if user.role == role && user.active => Ok(()),
        Some(_) => Err(StoreError::invalid(
            field,
            format!("must be an active {}", role.label().to_lowercase()),
        )),
        None => Err(StoreError::invalid(field, "no such user")),
    }
}

async fn ensure_name_free(
    db: &impl ConnectionTrait,
    name: &str,
    except: Option<TeamId>,
) -> Result<(), StoreError> {
    let mut query = team::Entity::find().filter(team::Column::Name.eq(name));
    if let Some(id) = except {
        query = query.filter(team::Column::Id.ne(id));
    }
    if query.count(db).await? > 0 {
        return Err(StoreError::conflict("name", "another team has this name"));
    }
    Ok(())
}

/// Creates a team.
pub async fn create(
    db: &Db,
    origin: &Origin,
    name: &str,
    team_leader_id: UserId,
    manager_id: Option<UserId>,
    analyst_ids: &[UserId],
) -> Result<TeamRow, StoreError> {
    let txn = db::begin_write(db).await?;
    let name = name.trim();
    ensure_name_free(&txn, name, None).await?;
    ensure_role(&txn, "team_leader_id", team_leader_id, Role::TeamLeader).await?;
    if let Some(manager_id) = manager_id {
        ensure_role(&txn, "manager_id", manager_id, Role::Manager).await?;
    }
    let now = Utc::now();
    let team = team::ActiveModel {
        id: Set(TeamId(Uuid::now_v7())),
        name: Set(name.to_owned()),
        team_leader_id: Set(team_leader_id),
        manager_id: Set(manager_id),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    set_analysts(&txn, team.id, analyst_ids).await?;
    let row = find(&txn, team.id).await?;
    audit::commit(txn, origin, "team.create", row.team.id, None, row).await
}

/// Applies `changes` to the team at `version`, in one transaction.
pub async fn update(
    db: &Db,
    caller: &Caller,
    id: TeamId,
    version: i32,
    changes: TeamChanges,
) -> Result<TeamRow, StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    let mut current = find_in_scope(&txn, actor, id).await?;
    authorize_changes(&txn, actor, &current, &changes).await?;
    versioned::claim(&txn, &mut current.team, version).await?;
    let mut row: team::ActiveModel = current.team.clone().into();
    if let Some(name) = changes.name {
        ensure_name_free(&txn, name.trim(), Some(id)).await?;
        row.name = Set(name.trim().to_owned());
    }
    if let Some(leader) = changes.team_leader_id {
        ensure_role(&txn, "team_leader_id", leader, Role::TeamLeader).await?;
        row.team_leader_id = Set(leader);
    }
    if let Some(manager) = changes.manager_id {
        if let Some(manager) = manager {
            ensure_role(&txn, "manager_id", manager, Role::Manager).await?;
        }
        row.manager_id = Set(manager);
    }
    row.update(&txn).await?;
    if let Some(agent_ids) = changes.agent_ids {
        set_agents(&txn, id, &agent_ids).await?;
    }
    if let Some(analyst_ids) = changes.analyst_ids {
        set_analysts(&txn, id, &analyst_ids).await?;
    }
    let updated = find(&txn, id).await?;
    audit::commit(txn, origin, "team.update", id, Some(&current), updated).await
}

async fn set_agents(
    db: &impl ConnectionTrait,
    team_id: TeamId,
    agent_ids: &[UserId],
) -> Result<(), StoreError> {
    let agents = user::Entity::find()
        .filter(user::Column::Id.is_in(agent_ids.iter().copied()))
        .filter(user::Column::Role.eq(Role::Agent.as_str()))
        .count(db)
        .await?;
    let distinct: std::collections::HashSet<_> = agent_ids.iter().collect();
    if agents != distinct.len() as u64 {
        return Err(StoreError::invalid(
            "agent_ids",
            "every member must be an existing agent",
        ));
    }
    team_member::Entity::delete_many()
        .filter(
            Condition::any()
                .add(team_member::Column::TeamId.eq(team_id))
                .add(team_member::Column::UserId.is_in(agent_ids.iter().copied())),
        )
        .exec(db)
        .await?;
    if distinct.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    team_member::Entity::insert_many(distinct.into_iter().map(|&user_id| {
        team_member::ActiveModel {
            user_id: Set(user_id),
            team_id: Set(team_id),
            created_at: Set(now),
        }
    }))
    .exec(db)
    .await?;
    Ok(())
}

/// Makes `analyst_ids` the team's quality analysts: each an active analyst.
async fn set_analysts(
    db: &impl ConnectionTrait,
    team_id: TeamId,
    analyst_ids: &[UserId],
) -> Result<(), StoreError> {
    let distinct: std::collections::HashSet<_> = analyst_ids.iter().copied().collect();
    let analysts = user::Entity::find()
        .filter(user::Column::Id.is_in(distinct.iter().copied()))
        .filter(user::Column::Role.eq(Role::QualityAnalyst.as_str()))
        .filter(user::Column::Active.eq(true))
        .count(db)
        .await?;
    if analysts != distinct.len() as u64 {
        return Err(StoreError::invalid(
            "analyst_ids",
            "every analyst must be an active quality analyst",
        ));
    }
    let pairs = distinct.into_iter().map(|user| (team_id, user)).collect();
    let old = team_analyst::Column::TeamId.eq(team_id);
    crate::users::replace_analysts(db, old, pairs).await
}
