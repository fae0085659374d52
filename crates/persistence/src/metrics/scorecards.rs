//! What scorecards are computed from: an agent's year, a team's month, read in scope.

use domain::{Action, Actor, TeamId, UserId, authorize};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entity::{metric_month, team_member, user};
use crate::{Db, StoreError};

use super::catalogue::Values;
use super::months::{MonthKey, agent_in_scope, months, months_where};

/// The agents of a team with their names: one statement.
async fn team_agents(
    db: &impl ConnectionTrait,
    team: TeamId,
) -> Result<Vec<(UserId, String)>, StoreError> {
    Ok(user::Entity::find()
        .filter(user::Column::Id.in_subquery(members_of(team)))
        .order_by_asc(user::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

/// The ids of a team's agents, as a subquery.
fn members_of(team: TeamId) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(team_member::Column::UserId)
        .from(team_member::Entity)
        .and_where(team_member::Column::TeamId.eq(team))
        .to_owned()
}

/// What an agent's scorecard for `year` is computed from, when the actor may see their metrics:
/// their months and their team's (for the average), from the December before; one statement.
/// The flag says whether they have a team to average over.
pub async fn agent_year(
    db: &Db,
    actor: &Actor,
    agent: UserId,
    year: i32,
) -> Result<(Vec<(MonthKey, Values)>, bool), StoreError> {
    let (about, team) = agent_in_scope(db, actor, agent).await?;
    authorize(actor, Action::ViewMetrics, &about)?;
    let mut people = Condition::any().add(metric_month::Column::AgentId.eq(agent));
    if let Some(team) = team {
        people = people.add(metric_month::Column::AgentId.in_subquery(members_of(team)));
    }
    let previous_december = format!("{:04}-12", year - 1);
    let rows = months_where(db, people, &previous_december, &format!("{year:04}-12")).await?;
    Ok((rows, team.is_some()))
}

/// What a team's scorecard for `month` is computed from, when the team is in the actor's scope:
/// its agents (id and name, by name) and their months.
pub async fn team_month(
    db: &Db,
    actor: &Actor,
    team: TeamId,
    month: &str,
) -> Result<(Vec<(UserId, String)>, Vec<(MonthKey, Values)>), StoreError> {
    crate::teams::find_in_scope(db, actor, team).await?;
    let agents = team_agents(db, team).await?;
    let ids: Vec<UserId> = agents.iter().map(|(id, _)| *id).collect();
    let rows = months(db, &ids, month, month).await?;
    Ok((agents, rows))
}
