//! Each role's home page, built from the scoped lists: a fixed handful of queries whatever the
//! size of the organisation.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, Utc};
use domain::scorecard::{self, Band};
use domain::{Actor, Role, SessionStatus, UserId};
use uuid::Uuid;

use crate::action_items::{self, ItemFilter};
use crate::metrics;
use crate::pagination::PageRequest;
use crate::sessions::{self, SessionFilter};
use crate::users::{self, UserFilter};
use crate::{Db, StoreError};

/// The score under which an agent needs attention: the start of the "good" band.
pub const SCORE_TARGET: f64 = 75.0;
/// A month-on-month fall that needs attention.
pub const SCORE_DROP: f64 = 5.0;
/// How many rows each list shows.
const SHOWN: u64 = 20;
/// The most agents a dashboard scores.
const AGENTS: u64 = 200;

/// Builds the dashboard of `actor`.
pub async fn build(db: &Db, actor: &Actor) -> Result<dto::Dashboard, StoreError> {
    let now = Utc::now();
    let today = now.date_naive();
    let page = PageRequest {
        limit: SHOWN,
        after: None,
    };
    let upcoming = SessionFilter {
        status: Some(SessionStatus::Scheduled),
        from: Some(now),
        to: Some(now + Duration::days(14)),
        ..SessionFilter::default()
    };
    let (upcoming, _) = sessions::list(db, actor, &upcoming, &page).await?;
    let pending = SessionFilter {
        status: Some(SessionStatus::Completed),
        unacknowledged: true,
        ..SessionFilter::default()
    };
    let (pending, _) = sessions::list(db, actor, &pending, &page).await?;
    let overdue = ItemFilter {
        open_only: true,
        due_before: Some(today),
        ..ItemFilter::default()
    };
    let (overdue, _) = action_items::list(db, actor, &overdue, &page).await?;

    let (attention, trend) = if actor.role == Role::Agent {
        (
            Vec::new(),
            trend_of(db, &[actor.id.uuid()], &HashMap::new()).await?.1,
        )
    } else {
        let agents = UserFilter {
            role: Some(Role::Agent),
            active: Some(true),
            ..UserFilter::default()
        };
        let (agents, _) = users::list(
            db,
            actor,
            &agents,
            &PageRequest {
                limit: AGENTS,
                after: None,
            },
        )
        .await?;
        let names: HashMap<Uuid, String> = agents
            .into_iter()
            .map(|row| (row.user.id, row.user.name))
            .collect();
        let ids: Vec<Uuid> = names.keys().copied().collect();
        trend_of(db, &ids, &names).await?
    };
    Ok(dto::Dashboard {
        upcoming_sessions: upcoming.iter().map(dto::Session::from).collect(),
        pending_acknowledgements: pending.iter().map(dto::Session::from).collect(),
        overdue_action_items: overdue
            .iter()
            .map(|item| action_items::to_dto(item, today))
            .collect(),
        agents_needing_attention: attention,
        team_trend: trend,
    })
}

/// The agents needing attention in their latest month, and the mean score per month, over the
/// last seven months of `agents` (two queries for the months, three for the catalogue).
async fn trend_of(
    db: &Db,
    agents: &[Uuid],
    names: &HashMap<Uuid, String>,
) -> Result<(Vec<dto::AgentAttention>, Vec<dto::TrendPoint>), StoreError> {
    let this_month = Utc::now().format("%Y-%m").to_string();
    let mut from = this_month.clone();
    for _ in 0..6 {
        from = scorecard::previous_month(&from);
    }
    let catalogue = metrics::catalogue(db).await?;
    let rows = metrics::months(db, agents, &from, &this_month).await?;
    let mut by_agent: HashMap<Uuid, BTreeMap<String, f64>> = HashMap::new();
    let mut by_month: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for (month, values) in &rows {
        if let Some(score) = catalogue.score(&month.month, values) {
            by_agent
                .entry(month.agent_id)
                .or_default()
                .insert(month.month.clone(), score);
            by_month.entry(month.month.clone()).or_default().push(score);
        }
    }
    let mut attention: Vec<dto::AgentAttention> = by_agent
        .iter()
        .filter_map(|(agent, months)| {
            let name = names.get(agent)?;
            let (month, score) = months.iter().next_back()?;
            let change = months
                .get(&scorecard::previous_month(month))
                .map(|before| scorecard::round2(score - before));
            let mut reasons = Vec::new();
            if *score < SCORE_TARGET {
                reasons.push(dto::AttentionReason::BelowTarget);
            }
            if change.is_some_and(|change| change <= -SCORE_DROP) {
                reasons.push(dto::AttentionReason::ScoreDropped);
            }
            (!reasons.is_empty()).then(|| dto::AgentAttention {
                agent_id: UserId(*agent),
                name: name.clone(),
                month: month.clone(),
                score: *score,
                band: Band::of(*score),
                change,
                reasons,
            })
        })
        .collect();
    attention.sort_by(|a, b| {
        a.score
            .partial_cmp(&b.score)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let trend = by_month
        .into_iter()
        .filter_map(|(month, scores)| {
            let agents = u32::try_from(scores.len()).unwrap_or(u32::MAX);
            scorecard::mean(scores).map(|average| dto::TrendPoint {
                month,
                average,
                agents,
            })
        })
        .collect();
    Ok((attention, trend))
}
