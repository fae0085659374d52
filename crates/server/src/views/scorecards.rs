//! Scorecards computed from stored months: an agent's year, a team's month. Pure: persistence
//! reads the months in scope, the catalogue scores them, this shapes them for the API.

use std::collections::{BTreeMap, HashMap};

use domain::scorecard::{self, Band};
use domain::{TeamId, UserId};
use persistence::metrics::{Catalogue, MonthKey, Values};

/// An agent's year from their months and their team's (`with_team`: whether there is a team to
/// average over): monthly scores, month-on-month change, team average alongside.
pub fn agent(
    catalogue: &Catalogue,
    agent: UserId,
    year: i32,
    rows: &[(MonthKey, Values)],
    with_team: bool,
) -> dto::AgentScorecard {
    let mut by_month: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut own: BTreeMap<String, Option<f64>> = BTreeMap::new();
    for (month, values) in rows {
        let score = catalogue.score(&month.month, values);
        if month.agent_id == agent {
            own.insert(month.month.clone(), score);
        }
        if let Some(score) = score
            && with_team
        {
            by_month.entry(month.month.clone()).or_default().push(score);
        }
    }
    let this_year = format!("{year:04}-");
    let months: Vec<dto::ScorecardMonth> = own
        .iter()
        .filter(|(month, _)| month.starts_with(&this_year))
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
    dto::AgentScorecard {
        agent_id: agent,
        year,
        trend: months.last().and_then(|m| m.change),
        band: year_to_date.map(Band::of),
        year_to_date,
        months,
    }
}

/// Every agent of a team in one month, best first, with ranks (ties share one) and the average.
pub fn team(
    catalogue: &Catalogue,
    team: TeamId,
    month: &str,
    agents: Vec<(UserId, String)>,
    rows: &[(MonthKey, Values)],
) -> dto::TeamScorecard {
    let scores: HashMap<UserId, Option<f64>> = rows
        .iter()
        .map(|(m, values)| (m.agent_id, catalogue.score(month, values)))
        .collect();
    let mut rows: Vec<dto::TeamScorecardRow> = agents
        .into_iter()
        .map(|(id, name)| {
            let score = scores.get(&id).copied().flatten();
            dto::TeamScorecardRow {
                agent_id: id,
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
    dto::TeamScorecard {
        team_id: team,
        month: month.to_owned(),
        average: scorecard::mean(rows.iter().filter_map(|r| r.score)),
        agents: rows,
    }
}

/// What a proposed configuration would do to each agent's score in `month` (`rows`: agent,
/// name, score now, score proposed), the agents it moves most first.
pub fn preview(
    month: String,
    rows: Vec<(UserId, String, Option<f64>, Option<f64>)>,
) -> dto::ScorecardPreview {
    let mut agents: Vec<dto::PreviewRow> = rows
        .into_iter()
        .map(|(id, name, now, proposed)| dto::PreviewRow {
            agent_id: id,
            name,
            now,
            proposed,
        })
        .collect();
    let change = |row: &dto::PreviewRow| match (row.now, row.proposed) {
        (Some(now), Some(proposed)) => (proposed - now).abs(),
        _ => 0.0,
    };
    agents.sort_by(|a, b| change(b).total_cmp(&change(a)));
    dto::ScorecardPreview {
        month,
        average_now: scorecard::mean(agents.iter().filter_map(|a| a.now)),
        average_proposed: scorecard::mean(agents.iter().filter_map(|a| a.proposed)),
        agents,
    }
}
