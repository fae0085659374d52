//! Scorecards computed from the months: an agent's year, a team's month.

use std::collections::{BTreeMap, HashMap};

use domain::scorecard::{self, Band};
use domain::{Action, Actor, TeamId, UserId, authorize};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::entity::{metric_month, team_member, user};
use crate::{Db, StoreError};

use super::catalogue::Catalogue;
use super::months::{agent_in_scope, months, months_where};

/// The agents of a team with their names: one statement.
async fn team_agents(
    db: &impl ConnectionTrait,
    team: Uuid,
) -> Result<Vec<(Uuid, String)>, StoreError> {
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
fn members_of(team: Uuid) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(team_member::Column::UserId)
        .from(team_member::Entity)
        .and_where(team_member::Column::TeamId.eq(team))
        .to_owned()
}

/// An agent's year (`team`: the one they belong to): monthly scores, month-on-month change,
/// team average alongside.
pub async fn agent_scorecard(
    db: &Db,
    actor: &Actor,
    catalogue: &Catalogue,
    agent: Uuid,
    year: i32,
) -> Result<dto::AgentScorecard, StoreError> {
    let (about, team) = agent_in_scope(db, actor, agent).await?;
    authorize(actor, Action::ViewMetrics, &about)?;
    // The agent's months and their team's, for the average: one statement.
    let mut people = Condition::any().add(metric_month::Column::AgentId.eq(agent));
    if let Some(team) = team {
        people = people.add(metric_month::Column::AgentId.in_subquery(members_of(team)));
    }
    let previous_december = format!("{:04}-12", year - 1);
    let rows = months_where(db, people, &previous_december, &format!("{year:04}-12")).await?;
    let mut by_month: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut own: BTreeMap<String, Option<f64>> = BTreeMap::new();
    for (month, values) in &rows {
        let score = catalogue.score(&month.month, values);
        if month.agent_id == agent {
            own.insert(month.month.clone(), score);
        }
        if let Some(score) = score
            && team.is_some()
        {
            by_month.entry(month.month.clone()).or_default().push(score);
        }
    }
    let months: Vec<dto::ScorecardMonth> = own
        .iter()
        .filter(|(month, _)| month.starts_with(&format!("{year:04}-")))
        .map(|(month, score)| {
            let previous = own
                .get(&scorecard::previous_month(month))
                .copied()
                .flatten();
            dto::ScorecardMonth {
                month: month.clone(),
                score: *score,
                band: score.map(Band::of),
                change: score
                    .zip(previous)
                    .map(|(now, before)| scorecard::round2(now - before)),
                team_average: by_month
                    .get(month)
                    .and_then(|scores| scorecard::mean(scores.iter().copied())),
            }
        })
        .collect();
    let year_to_date = scorecard::mean(months.iter().filter_map(|m| m.score));
    Ok(dto::AgentScorecard {
        agent_id: UserId(agent),
        year,
        trend: months.last().and_then(|m| m.change),
        band: year_to_date.map(Band::of),
        year_to_date,
        months,
    })
}

/// Every agent of a team in one month, best first, with ranks and the average.
pub async fn team_scorecard(
    db: &Db,
    actor: &Actor,
    catalogue: &Catalogue,
    team: Uuid,
    month: &str,
) -> Result<dto::TeamScorecard, StoreError> {
    crate::teams::find_in_scope(db, actor, team).await?;
    let agents = team_agents(db, team).await?;
    let ids: Vec<Uuid> = agents.iter().map(|(id, _)| *id).collect();
    let scores: HashMap<Uuid, Option<f64>> = months(db, &ids, month, month)
        .await?
        .iter()
        .map(|(m, values)| (m.agent_id, catalogue.score(month, values)))
        .collect();
    let mut rows: Vec<dto::TeamScorecardRow> = agents
        .into_iter()
        .map(|(id, name)| {
            let score = scores.get(&id).copied().flatten();
            dto::TeamScorecardRow {
                agent_id: UserId(id),
                name,
                score,
                band: score.map(Band::of),
                rank: None,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.score
            .partial_cmp(&a.score)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut rank = 0;
    let mut last: Option<f64> = None;
    for (index, row) in rows.iter_mut().enumerate() {
        if let Some(score) = row.score {
            if last != Some(score) {
                rank = u32::try_from(index + 1).unwrap_or(u32::MAX);
                last = Some(score);
            }
            row.rank = Some(rank);
        }
    }
    Ok(dto::TeamScorecard {
        team_id: TeamId(team),
        month: month.to_owned(),
        average: scorecard::mean(rows.iter().filter_map(|r| r.score)),
        agents: rows,
    })
}
