//! Each role's home page, composed from the scoped lists and the dashboard aggregates: a fixed
//! handful of queries whatever the size of the organisation.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, Utc};
use domain::attention::{Need, Signals};
use domain::scorecard::{self, Band};
use domain::{Actor, Role, SessionStatus, TeamId, UserId};
use persistence::action_items::{self, ItemFilter};
use persistence::dashboard::{last_coached, overdue, unacknowledged};
use persistence::metrics;
use persistence::pagination::PageRequest;
use persistence::sessions::{self, SessionFilter};
use persistence::users::{self, UserFilter};
use persistence::{Db, StoreError};

use crate::views::wire;

/// How many rows each list shows.
const SHOWN: u64 = 20;
/// The most agents a dashboard scores.
const AGENTS: u64 = 200;

/// Builds the dashboard of `actor`; with analytics off (`ENABLE_ANALYTICS`), without the team
/// trend; acknowledgements are late after `ACK_REMINDER_HOURS`.
pub async fn build(
    db: &Db,
    actor: &Actor,
    catalogue: &metrics::Catalogue,
    config: &crate::Config,
) -> Result<dto::Dashboard, StoreError> {
    let analytics = config.features.analytics;
    let acknowledge_within = Duration::hours(i64::from(config.reminders.ack_hours));
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
            trend_of(
                db,
                catalogue,
                &[actor.id],
                &HashMap::new(),
                acknowledge_within,
            )
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
        let names: HashMap<UserId, (String, Option<TeamId>)> = agents
            .into_iter()
            .map(|row| (row.user.id, (row.user.name, row.team_id)))
            .collect();
        let ids: Vec<UserId> = names.keys().copied().collect();
        trend_of(db, catalogue, &ids, &names, acknowledge_within).await?
    };
    Ok(dto::Dashboard {
        upcoming_sessions: wire::all(&upcoming),
        pending_acknowledgements: wire::all(&pending),
        overdue_action_items: wire::all(&overdue),
        agents_needing_attention: attention,
        team_trend: if analytics { trend } else { Vec::new() },
    })
}

/// The agents needing attention, most first (`domain::attention`: their latest month, overdue
/// items, last session and waiting acknowledgements), and the mean score per month over the last
/// seven months of `agents`.
async fn trend_of(
    db: &Db,
    catalogue: &metrics::Catalogue,
    agents: &[UserId],
    names: &HashMap<UserId, (String, Option<TeamId>)>,
    acknowledge_within: Duration,
) -> Result<(Vec<dto::AgentAttention>, Vec<dto::TrendPoint>), StoreError> {
    let this_month = Utc::now().format("%Y-%m").to_string();
    let mut from = this_month.clone();
    for _ in 0..6 {
        from = scorecard::previous_month(&from);
    }
    let rows = metrics::months(db, agents, &from, &this_month).await?;
    let mut by_agent: HashMap<UserId, BTreeMap<String, f64>> = HashMap::new();
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
    let now = Utc::now();
    let overdue = overdue(db, agents).await?;
    let coached = last_coached(db, agents).await?;
    let waiting = unacknowledged(db, agents, now - acknowledge_within).await?;
    let mut needing: Vec<dto::AgentAttention> = names
        .iter()
        .filter_map(|(agent, (name, team))| {
            let latest = by_agent.get(agent).and_then(|months| {
                let (month, score) = months.iter().next_back()?;
                let change = months
                    .get(&scorecard::previous_month(month))
                    .map(|before| scorecard::round2(score - before));
                Some((month.clone(), *score, change))
            });
            let (overdue_items, oldest) =
                overdue.get(agent).copied().unwrap_or((0, now.date_naive()));
            let signals = Signals {
                score: latest
                    .as_ref()
                    .map(|(month, score, _)| (*score, months_between(month, &this_month))),
                change: latest.as_ref().and_then(|(_, _, change)| *change),
                overdue_items,
                oldest_overdue_days: (now.date_naive() - oldest).num_days(),
                days_since_session: coached.get(agent).map(|at| (now - *at).num_days()),
                unacknowledged: waiting.get(agent).copied().unwrap_or(0),
            };
            let reasons: Vec<dto::AttentionReason> =
                signals.needs().into_iter().map(reason).collect();
            (!reasons.is_empty()).then(|| dto::AgentAttention {
                agent_id: *agent,
                name: name.clone(),
                month: latest.as_ref().map(|(month, _, _)| month.clone()),
                score: latest.as_ref().map(|(_, score, _)| *score),
                band: latest.as_ref().map(|(_, score, _)| Band::of(*score)),
                change: signals.change,
                overdue_items,
                days_since_session: signals.days_since_session,
                unacknowledged: signals.unacknowledged,
                team_id: *team,
                weight: signals.weight(),
                reasons,
            })
        })
        .collect();
    // Most in need first; equal needs by name.
    needing.sort_by(|a, b| {
        b.weight
            .total_cmp(&a.weight)
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
    Ok((needing, trend))
}

/// The wire name of a need.
fn reason(need: Need) -> dto::AttentionReason {
    match need {
        Need::BelowTarget => dto::AttentionReason::BelowTarget,
        Need::ScoreDropped => dto::AttentionReason::ScoreDropped,
        Need::OverdueItems => dto::AttentionReason::OverdueItems,
        Need::NoRecentSession => dto::AttentionReason::NoRecentSession,
        Need::Unacknowledged => dto::AttentionReason::Unacknowledged,
    }
}

/// Whole months from `earlier` to `later` (`YYYY-MM` each).
fn months_between(earlier: &str, later: &str) -> u32 {
    let index = |month: &str| {
        let (year, month) = month.split_once('-').unwrap_or(("0", "1"));
        year.parse::<i64>().unwrap_or(0) * 12 + month.parse::<i64>().unwrap_or(1)
    };
    u32::try_from(index(later) - index(earlier)).unwrap_or(0)
}
