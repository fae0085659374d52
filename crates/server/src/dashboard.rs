//! Each role's home page, composed from the scoped lists and the dashboard aggregates: a fixed
//! handful of queries whatever the size of the organisation.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, Utc};
use domain::scorecard::{self, Band};
use domain::{Actor, Role, SessionStatus, UserId};
use persistence::action_items::{self, ItemFilter};
use persistence::dashboard::{coached_since, overdue_counts};
use persistence::metrics;
use persistence::pagination::PageRequest;
use persistence::sessions::{self, SessionFilter};
use persistence::users::{self, UserFilter};
use persistence::{Db, StoreError};
use uuid::Uuid;

use crate::wire;

/// The score under which an agent needs attention: the start of the "good" band.
pub const SCORE_TARGET: f64 = 75.0;
/// A month-on-month fall that needs attention.
pub const SCORE_DROP: f64 = 5.0;
/// Days without a completed session after which an agent needs attention.
pub const COACHING_GAP_DAYS: i64 = 30;
/// How many rows each list shows.
const SHOWN: u64 = 20;
/// The most agents a dashboard scores.
const AGENTS: u64 = 200;

/// Builds the dashboard of `actor`; with `analytics` off (`ENABLE_ANALYTICS`), without the
/// team trend.
pub async fn build(
    db: &Db,
    actor: &Actor,
    catalogue: &metrics::Catalogue,
    analytics: bool,
) -> Result<dto::Dashboard, StoreError> {
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
        let trend = if analytics {
            trend_of(db, catalogue, &[actor.id.uuid()], &HashMap::new())
                .await?
                .1
        } else {
            Vec::new()
        };
        (Vec::new(), trend)
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
        trend_of(db, catalogue, &ids, &names).await?
    };
    Ok(dto::Dashboard {
        upcoming_sessions: wire::all(&upcoming),
        pending_acknowledgements: wire::all(&pending),
        overdue_action_items: wire::all(&overdue),
        agents_needing_attention: attention,
        team_trend: if analytics { trend } else { Vec::new() },
    })
}

/// The agents needing attention (by their latest month, overdue items and last session), and the
/// mean score per month over the last seven months of `agents`.
async fn trend_of(
    db: &Db,
    catalogue: &metrics::Catalogue,
    agents: &[Uuid],
    names: &HashMap<Uuid, String>,
) -> Result<(Vec<dto::AgentAttention>, Vec<dto::TrendPoint>), StoreError> {
    let this_month = Utc::now().format("%Y-%m").to_string();
    let mut from = this_month.clone();
    for _ in 0..6 {
        from = scorecard::previous_month(&from);
    }
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
    let overdue = overdue_counts(db, agents).await?;
    let coached = coached_since(db, agents, Utc::now() - Duration::days(COACHING_GAP_DAYS)).await?;
    let mut attention: Vec<dto::AgentAttention> = names
        .iter()
        .filter_map(|(agent, name)| {
            let latest = by_agent.get(agent).and_then(|months| {
                let (month, score) = months.iter().next_back()?;
                let change = months
                    .get(&scorecard::previous_month(month))
                    .map(|before| scorecard::round2(score - before));
                Some((month.clone(), *score, change))
            });
            let overdue_items = overdue.get(agent).copied().unwrap_or(0);
            let mut reasons = Vec::new();
            if let Some((_, score, change)) = &latest {
                if *score < SCORE_TARGET {
                    reasons.push(dto::AttentionReason::BelowTarget);
                }
                if change.is_some_and(|change| change <= -SCORE_DROP) {
                    reasons.push(dto::AttentionReason::ScoreDropped);
                }
            }
            if overdue_items > 0 {
                reasons.push(dto::AttentionReason::OverdueItems);
            }
            if !coached.contains(agent) {
                reasons.push(dto::AttentionReason::NoRecentSession);
            }
            (!reasons.is_empty()).then(|| dto::AgentAttention {
                agent_id: UserId(*agent),
                name: name.clone(),
                month: latest.as_ref().map(|(month, _, _)| month.clone()),
                score: latest.as_ref().map(|(_, score, _)| *score),
                band: latest.as_ref().map(|(_, score, _)| Band::of(*score)),
                change: latest.and_then(|(_, _, change)| change),
                overdue_items,
                reasons,
            })
        })
        .collect();
    // The lowest score first; unscored agents after the scored ones, then by name.
    attention.sort_by(|a, b| {
        let score = |x: &dto::AgentAttention| x.score.unwrap_or(f64::INFINITY);
        score(a)
            .total_cmp(&score(b))
            .then_with(|| a.name.cmp(&b.name))
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
