//! The home of a manager or an admin, above their coaching board: every team in scope side by
//! side (average score and its trend, agents at risk, sessions held this month per team leader,
//! overdue items), the plans waiting for their approval, and for an admin the newest audit
//! events and a check of the audit chain.

use dto::query::{AuditQuery, Paging, PlanQuery, SessionQuery, UserQuery};
use std::collections::HashMap;

use domain::scorecard::Band;
use domain::{SessionStatus, UserId};
use leptos::prelude::*;

use crate::api;
use crate::components::error_banner::LoadStatus;
use crate::labels;
use crate::pages::audit::{VerifyChain, action_label};
use crate::pages::plans::{status_pill, waits_for};
use crate::state::session;
use crate::state::store::{sorted_by, store};

/// One team's figures.
#[derive(Clone, Debug)]
struct TeamFigures {
    team: dto::Team,
    leader: String,
    average: Option<f64>,
    previous: Option<f64>,
    at_risk: Vec<(UserId, String)>,
    held: usize,
    overdue: usize,
}

/// Reads every team in scope with its last two months of scores, this month's completed
/// sessions and the overdue items.
async fn figures() -> Result<Vec<TeamFigures>, api::Error> {
    let today = labels::today();
    let months = labels::last_months(today, 3);
    let (last, before) = (months[1].clone(), months[0].clone());
    let month_start =
        labels::local_midnight(chrono::Datelike::with_day(&today, 1).unwrap_or(today));
    let leaders = UserQuery {
        role: Some(domain::Role::TeamLeader),
        ..UserQuery::default()
    };
    let held = SessionQuery {
        status: Some(SessionStatus::Completed),
        from: Some(month_start),
        ..SessionQuery::default()
    };
    let (teams, leaders, held, board) = futures::future::join4(
        api::teams(),
        api::people(&leaders.page(200, None)),
        api::sessions(&held.page(200, None)),
        api::dashboard(),
    )
    .await;
    let (teams, held, board) = (teams?.items, held?.items, board?);
    let leaders: HashMap<UserId, String> = leaders
        .map(|page| page.items.into_iter().map(|p| (p.id, p.name)).collect())
        .unwrap_or_default();
    let mut list = Vec::new();
    for team in teams {
        let (now, then) = futures::future::join(
            api::team_scorecard(team.id, &last),
            api::team_scorecard(team.id, &before),
        )
        .await;
        let now = now.ok();
        let of_team = |agent: &UserId| team.agent_ids.contains(agent);
        list.push(TeamFigures {
            leader: leaders
                .get(&team.team_leader_id)
                .cloned()
                .unwrap_or_else(|| "—".to_owned()),
            average: now.as_ref().and_then(|c| c.average),
            previous: then.ok().and_then(|c| c.average),
            at_risk: now
                .map(|c| {
                    c.agents
                        .into_iter()
                        .filter(|a| a.band == Some(Band::AtRisk))
                        .map(|a| (a.agent_id, a.name))
                        .collect()
                })
                .unwrap_or_default(),
            held: held.iter().filter(|s| of_team(&s.agent_id)).count(),
            overdue: board
                .overdue_action_items
                .iter()
                .filter(|i| of_team(&i.assignee_id))
                .count(),
            team,
        });
    }
    Ok(sorted_by(list, |t| t.team.name.clone()))
}

/// The teams side by side.
#[component]
pub fn TeamsOverview() -> impl IntoView {
    let loaded = api::load(figures);
    view! {
        <section class="card" aria-labelledby="h-teams" data-test-id="teams-overview">
            <h2 id="h-teams">"Your teams"</h2>
            <LoadStatus status=api::status(loaded) />
            <div class="team-grid">
                {move || loaded.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|t| {
                    let trend = match (t.average, t.previous) {
                        (Some(now), Some(then)) if now > then + 0.05 => format!("▲ {} on the month before", labels::score(Some(now - then))),
                        (Some(now), Some(then)) if now < then - 0.05 => format!("▼ {} on the month before", labels::score(Some(then - now))),
                        (Some(_), Some(_)) => "Level with the month before".to_owned(),
                        _ => String::new(),
                    };
                    let band = t.average.map(Band::of);
                    view! {
                        <article class="team-card" aria-labelledby=format!("team-{}", t.team.id)>
                            <h3 id=format!("team-{}", t.team.id)>
                                <a href=format!("/agents?team={}", t.team.id)>{t.team.name.clone()}</a>
                            </h3>
                            <p class="muted small">"Led by " {t.leader.clone()} " · " {t.team.agent_ids.len()} " agents"</p>
                            <p class="team-score">
                                <span class=format!("pill {}", band.map_or("", labels::band_class))>{labels::score(t.average)}</span>
                                <span class="muted small">{trend}</span>
                            </p>
                            <dl class="facts">
                                <dt>"At risk"</dt>
                                <dd>{if t.at_risk.is_empty() { view! { <span>"None"</span> }.into_any() } else {
                                    t.at_risk.iter().map(|(id, name)| view! {
                                        <a class="chip" href=format!("/agents/{id}")>{name.clone()}</a>
                                    }).collect_view().into_any()
                                }}</dd>
                                <dt>"Sessions held this month"</dt><dd>{t.held}</dd>
                                <dt>"Overdue items"</dt><dd>{t.overdue}</dd>
                            </dl>
                        </article>
                    }
                }).collect_view()}
            </div>
        </section>
    }
}

/// Plans waiting for my approval.
#[component]
pub fn PlansWaiting() -> impl IntoView {
    let store = store();
    let me = session();
    let loaded = api::load(move || async move {
        let waiting = PlanQuery {
            status: Some(domain::PlanStatus::PendingApproval),
            ..PlanQuery::default()
        };
        let page = api::action_plans(&waiting).await?;
        store.plans.upsert_all(page.items);
        Ok(())
    });
    let waiting = move || sorted_by(store.plans.filter(|p| waits_for(&me, p)), |p| p.created_at);
    view! {
        <section class="card" aria-labelledby="h-approvals" data-test-id="approvals">
            <h2 id="h-approvals">"Plans waiting for your approval"</h2>
            <LoadStatus status=api::status(loaded) />
            {move || {
                let list = waiting();
                if list.is_empty() {
                    return view! { <p class="empty">"Nothing waits for you."</p> }.into_any();
                }
                view! {
                    <ul class="rows plan-rows">
                        {list.into_iter().map(|plan| view! {
                            <li>
                                <a class="grow" href=format!("/plans/{}", plan.id)>
                                    <strong>{plan.title.clone()}</strong>
                                    <span class="muted small">{store.name(plan.agent_id)}</span>
                                </a>
                                {status_pill(plan.status)}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// An admin's view of the audit log: the newest events, and a check of the whole chain.
#[component]
pub fn AuditSummary() -> impl IntoView {
    let recent = api::load(|| async { api::audit(&AuditQuery::default().page(8, None)).await });
    view! {
        <section class="card" aria-labelledby="h-audit" data-test-id="audit-summary">
            <div class="section-head">
                <h2 id="h-audit"><a href="/admin/audit">"Recent changes"</a></h2>
                <VerifyChain />
            </div>
            <LoadStatus status=api::status(recent) />
            <ul class="rows">
                {move || recent.get().and_then(Result::ok).map(|page| page.items).unwrap_or_default().into_iter().map(|entry| view! {
                    <li><span class="grow">{action_label(&entry.action)}</span>
                        <span class="muted small">{labels::when(entry.occurred_at)}</span></li>
                }).collect_view()}
            </ul>
        </section>
    }
}
