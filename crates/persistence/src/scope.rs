//! Visibility: the rows of each kind an actor may see at all, as query conditions.
//!
//! Lists, search and exports filter with the conditions, so a row outside the actor's scope is
//! never fetched, let alone returned. Writes check the people they name with
//! [`users::named_person`](crate::users::named_person) and
//! [`users::named_agent`](crate::users::named_agent) inside their transaction.

use std::collections::HashMap;

use domain::{Action, Actor, Role, Target, TeamId, UserId, authorize};
use sea_orm::sea_query::{Expr, IntoColumnRef, JoinType, Query, UnionType};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, PrimaryKeyTrait,
    QueryFilter, QuerySelect, QueryTrait, Select,
};

use crate::StoreError;
use crate::entity::{team, team_member, user};

/// The teams an actor coaches or manages.
pub fn teams_in_reach(actor: &Actor) -> Vec<TeamId> {
    actor
        .led_teams
        .iter()
        .chain(&actor.managed_teams)
        .copied()
        .collect()
}

/// The teams whose people an actor sees: those they coach or manage, and those whose agents they
/// evaluate.
pub fn teams_in_view(actor: &Actor) -> Vec<TeamId> {
    let mut teams = teams_in_reach(actor);
    teams.extend(&actor.evaluated_teams);
    teams
}

/// Users the actor may see: everyone for an admin; otherwise themselves, and the agents and
/// leaders of the teams in view (led, managed or evaluated).
pub fn users(actor: &Actor) -> Condition {
    if actor.role == Role::Admin {
        return Condition::all();
    }
    let teams = teams_in_view(actor);
    let mut visible = Condition::any().add(user::Column::Id.eq(actor.id));
    if !teams.is_empty() {
        visible = visible
            .add(
                user::Column::Id.in_subquery(
                    Query::select()
                        .column(team_member::Column::UserId)
                        .from(team_member::Entity)
                        .and_where(team_member::Column::TeamId.is_in(teams.clone()))
                        .to_owned(),
                ),
            )
            .add(
                user::Column::Id.in_subquery(
                    Query::select()
                        .column(team::Column::TeamLeaderId)
                        .from(team::Entity)
                        .and_where(team::Column::Id.is_in(teams))
                        .to_owned(),
                ),
            );
    }
    visible
}

/// Teams the actor may see: every team for an admin, else those they lead, manage or evaluate.
pub fn teams(actor: &Actor) -> Condition {
    if actor.role == Role::Admin {
        Condition::all()
    } else {
        Condition::all().add(team::Column::Id.is_in(teams_in_view(actor)))
    }
}

/// Records about agents (sessions, action items, notes, metrics) the actor may see: everything for
/// an admin; otherwise records about themselves and about the agents of the teams they lead or
/// manage. `agent` is the record's agent column.
///
/// One `IN` over a `UNION ALL` (the agents of the teams in reach, and the actor) rather than
/// `agent = me OR agent IN (...)`: PostgreSQL cannot drive an index with that `OR`, and read every
/// session of a thousand agents to list one team's (6.6 ms against 0.33 ms, `seed --scale 1000`).
pub fn agent_records(actor: &Actor, agent: impl ColumnTrait) -> Condition {
    about_agents_of(actor, teams_in_reach(actor), agent)
}

/// Records of quality work about agents (evaluations): as [`agent_records`], and also about the
/// agents of the teams a quality analyst evaluates.
pub fn scored_records(actor: &Actor, agent: impl ColumnTrait) -> Condition {
    about_agents_of(actor, teams_in_view(actor), agent)
}

fn about_agents_of(actor: &Actor, teams: Vec<TeamId>, agent: impl ColumnTrait) -> Condition {
    if actor.role == Role::Admin {
        return Condition::all();
    }
    let me = Query::select().expr(Expr::val(actor.id)).to_owned();
    Condition::all().add(
        agent.in_subquery(
            Query::select()
                .column(team_member::Column::UserId)
                .from(team_member::Entity)
                .and_where(team_member::Column::TeamId.is_in(teams))
                .union(UnionType::All, me)
                .to_owned(),
        ),
    )
}

/// `select` with the team of the agent its `agent` column names alongside, as the column
/// `agent_team`: a record and the policy's view of it in one statement.
pub(crate) fn with_agent_team<E: EntityTrait>(
    mut select: Select<E>,
    agent: impl IntoColumnRef,
) -> Select<E> {
    select = select.column_as(
        Expr::col((team_member::Entity, team_member::Column::TeamId)),
        "agent_team",
    );
    QueryTrait::query(&mut select).join(
        JoinType::LeftJoin,
        team_member::Entity,
        // Called by path: importing `ExprTrait` shadows `Ord::min`/`max` where dates are compared.
        sea_orm::sea_query::ExprTrait::equals(
            Expr::col((team_member::Entity, team_member::Column::UserId)),
            agent,
        ),
    );
    select
}

/// A record read with its agent's team (see [`with_agent_team`]).
#[derive(Debug, FromQueryResult)]
pub(crate) struct WithAgentTeam<M: FromQueryResult> {
    #[sea_orm(nested)]
    record: M,
    agent_team: Option<TeamId>,
}

/// The record `id` of `E` with the team of the agent its `agent` column names, in one statement
/// (`NotFound` when there is none).
pub(crate) async fn find_with_agent_team<E>(
    db: &impl ConnectionTrait,
    id: <E::PrimaryKey as PrimaryKeyTrait>::ValueType,
    agent: E::Column,
) -> Result<(E::Model, Option<TeamId>), StoreError>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Send + Sync,
{
    let found = with_agent_team(E::find_by_id(id), (E::default(), agent))
        .into_model::<WithAgentTeam<E::Model>>()
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((found.record, found.agent_team))
}

/// `NotFound` unless the policy lets `actor` do `action` (a read) to `target`: what the actor may
/// not see does not exist for them.
pub(crate) fn sees(actor: &Actor, action: Action, target: &Target) -> Result<(), StoreError> {
    authorize(actor, action, target).map_err(|_| StoreError::NotFound)
}

/// The team of every agent whose records the actor may see because of a team (the agents of the
/// teams they lead, manage or evaluate; an agent's own team), by agent: one statement, none for an admin,
/// whom the policy lets see everything. What live delivery needs to ask the policy about an
/// event without reading the database again.
pub async fn agent_teams(
    db: &impl ConnectionTrait,
    actor: &Actor,
) -> Result<HashMap<UserId, TeamId>, StoreError> {
    let query = team_member::Entity::find();
    let query = match actor.role {
        Role::Admin => return Ok(HashMap::new()),
        Role::Agent => query.filter(team_member::Column::UserId.eq(actor.id)),
        Role::Manager | Role::TeamLeader | Role::QualityAnalyst => {
            query.filter(team_member::Column::TeamId.is_in(teams_in_view(actor)))
        }
    };
    Ok(query
        .all(db)
        .await?
        .into_iter()
        .map(|member| (member.user_id, member.team_id))
        .collect())
}
