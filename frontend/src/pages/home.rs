//! Home: for a coach, today's and upcoming sessions, overdue action items, the agents needing
//! attention (with why) and the team's score trend; for an agent, their own scorecard, what is
//! coming, what to do, and what waits for their acknowledgement; for a quality analyst, the
//! teams and agents they evaluate.

use domain::{ActionItemStatus, PlanStatus};
use dto::query::{ActionItemQuery, Paging, PlanQuery};
use leptos::prelude::*;

use crate::api;
use crate::components::chart::{ChartTable, LineChart, Series, rating_bands};
use crate::components::error_banner::{LoadStatus, Loading, when_loaded};
use crate::labels;
use crate::pages::items::ItemCard;
use crate::pages::overview::{AuditSummary, PlansWaiting, TeamsOverview};
use crate::pages::sessions::SessionRow;
use crate::state::session;
use crate::state::store::{sorted_by, store};

/// Agents needing attention listed on the home page (most in need first); the rest are a link
/// away.
const ATTENTION_SHOWN: usize = 10;

/// Marks the moment the home page is usable, for the browser journeys' Performance API timing.
fn mark_ready() {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark("home-ready");
    }
}

/// The home page of whoever is signed in.
#[component]
pub fn Home() -> impl IntoView {
    let session = session();
    move || {
        let role = session.0.with(|me| me.as_ref().map(|me| me.user.role));
        match role {
            Some(domain::Role::QualityAnalyst) => view! { <AnalystHome /> }.into_any(),
            Some(role) if role.coaches() => view! { <CoachHome /> }.into_any(),
            _ => view! { <AgentHome /> }.into_any(),
        }
    }
}

/// A quality analyst's teams, each with the agents they evaluate.
#[component]
fn AnalystHome() -> impl IntoView {
    let store = store();
    let teams = api::load(|| async {
        let teams = api::teams().await?.items;
        request_animation_frame(mark_ready);
        Ok(sorted_by(teams, |team| team.name.clone()))
    });
    view! {
        <div class="page-head"><h1>"Your teams"</h1></div>
        <LoadStatus status=api::status(teams) />
        {move || teams.get().and_then(Result::ok).map(|teams| {
            if teams.is_empty() {
                return view! {
                    <section class="card"><p class="empty" data-test-id="no-teams">
                        "No team is yours to evaluate yet. An admin chooses the teams you evaluate."
                    </p></section>
                }.into_any();
            }
            view! { <div class="grid">{teams.into_iter().map(|team| {
                let agents = team.agent_ids.clone();
                view! {
                    <section class="card" data-test-id="evaluated-team">
                        <h2>{team.name.clone()}</h2>
                        {move || {
                            let people = sorted_by(
                                store.people.filter(|p| agents.contains(&p.id)),
                                |p| p.name.clone(),
                            );
                            if people.is_empty() {
                                view! { <p class="empty">"No agents in this team."</p> }.into_any()
                            } else {
                                view! { <ul class="rows">{people.into_iter().map(|agent| view! {
                                    <li><a href=format!("/agents/{}", agent.id)>{agent.name}</a></li>
                                }).collect_view()}</ul> }.into_any()
                            }
                        }}
                    </section>
                }
            }).collect_view()}</div> }.into_any()
        })}
    }
}

/// A team leader's (manager's, admin's) week at a glance.
#[component]
fn CoachHome() -> impl IntoView {
    let store = store();
    let board = api::load(move || async move {
        let board = api::dashboard().await?;
        store.sessions.upsert_all(board.upcoming_sessions.clone());
        store.items.upsert_all(board.overdue_action_items.clone());
        request_animation_frame(mark_ready);
        Ok(board)
    });
    let role = session().0.with(|me| me.as_ref().map(|me| me.user.role));
    let oversees = matches!(role, Some(domain::Role::Manager | domain::Role::Admin));
    // Team trends and comparisons are analytics, which the server may have turned off.
    let offered = api::load(api::client_config);
    let analytics = Signal::derive(move || {
        offered
            .get()
            .and_then(Result::ok)
            .is_some_and(|config| config.analytics)
    });
    view! {
        <h1>"Home"</h1>
        {oversees.then(|| view! {
            {move || analytics.get().then(|| view! { <TeamsOverview /> })}
            <div class="grid home">
                <PlansWaiting />
                {(role == Some(domain::Role::Admin)).then(|| view! { <AuditSummary /> })}
            </div>
        })}
        {when_loaded(board, move |board| view! { <CoachBoard board=board analytics=analytics /> })}
    }
}

#[component]
fn CoachBoard(board: dto::Dashboard, analytics: Signal<bool>) -> impl IntoView {
    let store = store();
    let today = labels::today();
    let upcoming_ids: Vec<_> = board.upcoming_sessions.iter().map(|s| s.id).collect();
    let overdue_ids: Vec<_> = board.overdue_action_items.iter().map(|i| i.id).collect();
    let sessions = move || {
        upcoming_ids
            .iter()
            .filter_map(|id| store.sessions.get(id.uuid()))
            .filter(|s| s.status == domain::SessionStatus::Scheduled)
            .collect::<Vec<_>>()
    };
    let overdue = move || {
        overdue_ids
            .iter()
            .filter_map(|id| store.items.get(id.uuid()))
            .filter(|i| i.status.is_open())
            .collect::<Vec<_>>()
    };
    let trend = board.team_trend.clone();
    let labels_x: Vec<String> = trend
        .iter()
        .map(|p| labels::month_short(&p.month))
        .collect();
    let series = vec![Series {
        name: "Team average".into(),
        values: trend.iter().map(|p| Some(p.average)).collect(),
        class: "s-agent",
    }];
    let attention = board.agents_needing_attention.clone();
    view! {
        <div class="grid home" data-test-id="home-ready">
            <section class="card" aria-labelledby="h-sessions">
                <div class="card-head">
                    <h2 id="h-sessions">"Today and upcoming"</h2>
                    <a class="button small" href="/sessions/new" data-test-id="plan-session">"Plan a session"</a>
                </div>
                {move || {
                    let list = sessions();
                    if list.is_empty() {
                        return view! { <p class="empty">"No sessions in the next two weeks. Plan one from an agent's page."</p> }.into_any();
                    }
                    let (today_list, later): (Vec<_>, Vec<_>) =
                        list.into_iter().partition(|s| labels::on_day(s.scheduled_at, today));
                    view! {
                        <h3 class="sub">"Today"</h3>
                        {if today_list.is_empty() {
                            view! { <p class="empty">"Nothing today."</p> }.into_any()
                        } else {
                            view! { <ul class="rows">{today_list.into_iter().map(|s| view! { <SessionRow session=s /> }).collect_view()}</ul> }.into_any()
                        }}
                        <h3 class="sub">"Next two weeks"</h3>
                        <ul class="rows">{later.into_iter().map(|s| view! { <SessionRow session=s /> }).collect_view()}</ul>
                    }.into_any()
                }}
            </section>
            <Attention attention=attention />
            <section class="card" aria-labelledby="h-overdue">
                <h2 id="h-overdue">"Overdue action items"</h2>
                {move || {
                    let list = overdue();
                    if list.is_empty() {
                        view! { <p class="empty">"Nothing overdue."</p> }.into_any()
                    } else {
                        view! { <ul class="rows">{list.into_iter().map(|item| view! {
                            <li>
                                <span>{item.title.clone()}</span>
                                <span class="muted">{store.name(item.assignee_id)}</span>
                                <span class="pill overdue">"Due " {labels::date(item.due_date)}</span>
                            </li>
                        }).collect_view()}</ul> }.into_any()
                    }
                }}
            </section>
            {move || analytics.get().then(|| view! {
                <section class="card wide" aria-labelledby="h-trend" data-test-id="team-trend-card">
                    <h2 id="h-trend">"Team score trend"</h2>
                    {if trend.is_empty() {
                        view! { <p class="empty">"No scores recorded in the last six months."</p> }.into_any()
                    } else {
                        view! {
                            <LineChart id="team-trend" title="Team average score by month"
                                description="The mean weighted score of the agents in scope, over the last months, against the rating bands."
                                labels=labels_x.clone() series=series.clone() bands=rating_bands() min=40.0 max=100.0
                                width=900.0 height=240.0 />
                            <ChartTable caption="Team average score by month" labels=labels_x.clone() series=series.clone() />
                        }.into_any()
                    }}
                </section>
            })}
        </div>
    }
}

/// An agent's own week.
#[component]
fn AgentHome() -> impl IntoView {
    let session = session();
    let store = store();
    let Some(me) = session.me() else {
        return view! { <Loading /> }.into_any();
    };
    let my_id = me.user.id;
    let loaded = api::load(move || async move {
        let mine = ActionItemQuery {
            assignee_id: Some(my_id),
            ..ActionItemQuery::default()
        };
        let active = PlanQuery {
            agent_id: Some(my_id),
            status: Some(PlanStatus::Active),
            ..PlanQuery::default()
        };
        let (board, items, plans) = futures::future::join3(
            api::dashboard(),
            api::action_items(&mine.page(100, None)),
            api::action_plans(&active),
        )
        .await;
        let board = board?;
        store.sessions.upsert_all(board.upcoming_sessions);
        store.sessions.upsert_all(board.pending_acknowledgements);
        store.items.upsert_all(items?.items);
        store.plans.upsert_all(plans?.items);
        request_animation_frame(mark_ready);
        Ok(())
    });
    let upcoming = move || {
        sorted_by(
            store
                .sessions
                .filter(|s| s.agent_id == my_id && s.status == domain::SessionStatus::Scheduled),
            |s| s.scheduled_at,
        )
    };
    let to_acknowledge = move || {
        store.sessions.filter(|s| {
            s.agent_id == my_id
                && s.status == domain::SessionStatus::Completed
                && s.acknowledged_at.is_none()
        })
    };
    let to_do = move || {
        sorted_by(
            store.items.filter(|i| {
                i.assignee_id == my_id
                    && matches!(
                        i.status,
                        ActionItemStatus::Pending | ActionItemStatus::InProgress
                    )
            }),
            |i| i.due_date,
        )
    };
    let plans_to_acknowledge = move || {
        store.plans.filter(|p| {
            p.agent_id == my_id && p.status == PlanStatus::Active && p.acknowledged_at.is_none()
        })
    };
    view! {
        <h1>"Hello, " {me.user.name.clone()}</h1>
        <LoadStatus status=api::status(loaded) />
        <div class="grid home" data-test-id="home-ready">
            <section class="card" aria-labelledby="h-ack">
                <h2 id="h-ack">"Waiting for your acknowledgement"</h2>
                {move || {
                    let sessions = to_acknowledge();
                    let plans = plans_to_acknowledge();
                    if sessions.is_empty() && plans.is_empty() {
                        return view! { <p class="empty">"Nothing waits for you."</p> }.into_any();
                    }
                    view! {
                        <ul class="rows" data-test-id="to-acknowledge">
                            {sessions.into_iter().map(|s| view! {
                                <li>
                                    <a href=format!("/sessions/{}", s.id)>"Coaching session of " {labels::when(s.scheduled_at)}</a>
                                    <a class="button small" href=format!("/sessions/{}", s.id)>"Review and acknowledge"</a>
                                </li>
                            }).collect_view()}
                            {plans.into_iter().map(|p| view! {
                                <li>
                                    <a href=format!("/plans/{}", p.id)>"Improvement plan: " {p.title.clone()}</a>
                                    <a class="button small" href=format!("/plans/{}", p.id) data-test-id="plan-review">"Review and acknowledge"</a>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            <section class="card" aria-labelledby="h-todo">
                <h2 id="h-todo">"Your action items"</h2>
                {move || {
                    let list = to_do();
                    if list.is_empty() {
                        view! { <p class="empty">"Nothing to do right now."</p> }.into_any()
                    } else {
                        view! { <ul class="cards">{list.into_iter().map(|item| view! { <li><ItemCard item=item /></li> }).collect_view()}</ul> }.into_any()
                    }
                }}
            </section>
            <section class="card" aria-labelledby="h-upcoming">
                <h2 id="h-upcoming">"Upcoming sessions"</h2>
                {move || {
                    let list = upcoming();
                    if list.is_empty() {
                        view! { <p class="empty">"No session booked."</p> }.into_any()
                    } else {
                        view! { <ul class="rows">{list.into_iter().map(|s| view! { <SessionRow session=s /> }).collect_view()}</ul> }.into_any()
                    }
                }}
            </section>
            <section class="card wide" aria-labelledby="h-card">
                <div class="section-head">
                    <h2 id="h-card">"Your scorecard"</h2>
                    <a class="button small secondary" href=format!("/agents/{my_id}") data-test-id="my-kpis">"Your KPI charts"</a>
                </div>
                <crate::pages::agent::ScoreHistory agent=my_id />
            </section>
            <crate::pages::evaluation::EvaluationList agent=my_id />
        </div>
    }
    .into_any()
}

/// Agents needing attention, most in need first, with why; for a manager or an admin, per team.
#[component]
fn Attention(attention: Vec<dto::AgentAttention>) -> impl IntoView {
    let oversees = session().0.with(|me| {
        me.as_ref()
            .is_some_and(|me| matches!(me.user.role, domain::Role::Manager | domain::Role::Admin))
    });
    let teams = api::load(move || async move {
        if oversees {
            Ok(api::teams().await?.items)
        } else {
            Ok(Vec::new())
        }
    });
    let total = attention.len();
    let rows = move |list: Vec<dto::AgentAttention>| {
        view! {
            <ul class="rows attention" data-test-id="attention">
                {list.into_iter().take(ATTENTION_SHOWN).map(|agent| {
                    let reasons = agent.reasons.iter().map(|r| view! {
                        <span class="chip">{labels::reason(*r, &agent)}</span>
                    }).collect_view();
                    let band = agent.band.map(|b| view! {
                        <span class=format!("pill {}", labels::band_class(b))>{labels::score(agent.score)}</span>
                    });
                    view! {
                        <li>
                            <a href=format!("/agents/{}", agent.agent_id)>{agent.name.clone()}</a>
                            {band}
                            <span class="chips">{reasons}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
    };
    view! {
        <section class="card" aria-labelledby="h-attention">
            <h2 id="h-attention">"Agents needing attention"</h2>
            {if attention.is_empty() {
                view! { <p class="empty">"Everyone is on track."</p> }.into_any()
            } else if oversees {
                // Per team, in the order of their most pressing agent.
                let mut order: Vec<Option<domain::TeamId>> = Vec::new();
                for agent in &attention {
                    if !order.contains(&agent.team_id) {
                        order.push(agent.team_id);
                    }
                }
                view! {
                    {order.into_iter().map(|team| {
                        let list: Vec<_> = attention.iter().filter(|a| a.team_id == team).cloned().collect();
                        let name = move || team.and_then(|team| {
                            teams.get().and_then(Result::ok).and_then(|all| all.into_iter().find(|t| t.id == team).map(|t| t.name))
                        }).unwrap_or_else(|| "No team".to_owned());
                        view! {
                            <h3 class="sub" data-test-id="attention-team">{name}</h3>
                            {rows(list)}
                        }
                    }).collect_view()}
                }.into_any()
            } else {
                view! {
                    {rows(attention.clone())}
                    {(total > ATTENTION_SHOWN).then(|| view! {
                        <p><a href="/agents">{format!("See all {total} in Agents")}</a></p>
                    })}
                }.into_any()
            }}
        </section>
    }
}
