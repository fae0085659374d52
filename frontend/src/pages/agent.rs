//! An agent: the weighted score by month for a year against the rating bands and the team
//! average, one small chart per KPI with its target, the numbers as tables, then their sessions,
//! quick notes, action items and improvement plans.

use chrono::Datelike;
use domain::UserId;
use dto::query::{ActionItemQuery, MonthRange, Paging, PlanQuery, QuickNoteQuery, SessionQuery};
use leptos::prelude::*;

use crate::api;
use crate::components::chart::{ChartTable, LineChart, Series, rating_bands};
use crate::components::error_banner::{LoadStatus, when_loaded};
use crate::components::quick_note::QuickNoteTarget;
use crate::labels;
use crate::pages::items::ItemCard;
use crate::pages::notes::NoteRow;
use crate::pages::sessions::SessionRow;
use crate::state::store::{sorted_by, store};
use crate::state::{agent_record, session};

#[component]
pub fn AgentPage(id: UserId) -> impl IntoView {
    let store = store();
    let me = session();
    let capture = expect_context::<QuickNoteTarget>();
    let person = api::load(move || async move {
        let user = api::user(id).await?;
        store.people.upsert(user.clone());
        Ok(user)
    });
    // The four lists at once, not one after another.
    let lists = api::load(move || async move {
        let agent_id = Some(id);
        let (sessions, items, notes, plans) = futures::future::try_join4(
            api::sessions(
                &SessionQuery {
                    agent_id,
                    ..SessionQuery::default()
                }
                .page(100, None),
            ),
            api::action_items(
                &ActionItemQuery {
                    agent_id,
                    ..ActionItemQuery::default()
                }
                .page(100, None),
            ),
            api::notes(
                &QuickNoteQuery {
                    agent_id,
                    ..QuickNoteQuery::default()
                }
                .page(100, None),
            ),
            api::action_plans(
                &PlanQuery {
                    agent_id,
                    ..PlanQuery::default()
                }
                .page(100, None),
            ),
        )
        .await?;
        store.sessions.upsert_all(sessions.items);
        store.items.upsert_all(items.items);
        store.notes.upsert_all(notes.items);
        store.plans.upsert_all(plans.items);
        Ok(())
    });
    let sessions = move || {
        sorted_by(store.sessions.filter(|s| s.agent_id == id), |s| {
            std::cmp::Reverse(s.scheduled_at)
        })
    };
    let items = move || {
        sorted_by(store.items.filter(|i| i.agent_id == id), |i| {
            (!i.status.is_open(), i.due_date)
        })
    };
    let notes = move || {
        sorted_by(store.notes.filter(|n| n.agent_id == id), |n| {
            std::cmp::Reverse(n.created_at)
        })
    };
    let plans = move || store.plans.filter(|p| p.agent_id == id);
    when_loaded(person, move |agent| {
        let target = agent_record(&agent);
        let may_plan = me.can(domain::Action::ManageSession, &target);
        let may_note = me.can(domain::Action::CreateNote, &target);
        let may_add_item = me.can(domain::Action::ManageActionItem, &target);
        // A quality analyst reads an agent's scores and evaluations, never their coaching.
        let coached = me.can(domain::Action::ViewSession, &target);
        let evaluated = me.can(domain::Action::ViewEvaluation, &target);
        view! {
            <div class="page-head">
                <div>
                    <h1 data-test-id="agent-name">{agent.name.clone()}</h1>
                    <p class="muted">{agent.email.clone()} {agent.employee_id.clone().map(|e| format!(" · {e}"))}</p>
                </div>
                <div class="actions">
                    {may_note.then(|| view! {
                        <button type="button" class="secondary" data-test-id="agent-quick-note"
                            on:click=move |_| capture.0.set(Some(Some(id)))>"Quick note"</button>
                    })}
                    {may_plan.then(|| view! {
                        <a class="button" href=format!("/sessions/new?agent={id}") data-test-id="agent-plan-session">"Plan a session"</a>
                    })}
                </div>
            </div>
            <section class="card" aria-labelledby="h-score">
                <h2 id="h-score">"Scorecard"</h2>
                <ScoreHistory agent=id />
            </section>
            <section class="card" aria-labelledby="h-kpis">
                <h2 id="h-kpis">"KPIs"</h2>
                <KpiCharts agent=id />
            </section>
            {evaluated.then(|| view! { <crate::pages::evaluation::EvaluationList agent=id /> })}
            {coached.then(|| view! {
            <LoadStatus status=api::status(lists) />
            <div class="grid">
                <section class="card" aria-labelledby="h-agent-sessions">
                    <h2 id="h-agent-sessions">"Sessions"</h2>
                    {move || {
                        let list = sessions();
                        if list.is_empty() { view! { <p class="empty">"No sessions yet."</p> }.into_any() }
                        else { view! { <ul class="rows">{list.into_iter().take(12).map(|s| view! { <SessionRow session=s /> }).collect_view()}</ul> }.into_any() }
                    }}
                </section>
                <section class="card" aria-labelledby="h-agent-items">
                    <div class="section-head">
                        <h2 id="h-agent-items">"Action items"</h2>
                        {may_add_item.then(|| view! {
                            <button type="button" class="small secondary" data-test-id="agent-new-item"
                                on:click=move |_| crate::pages::items::edit_item(crate::pages::items::Editing::New { agent: Some(id), plan: None })>
                                "New action item"
                            </button>
                        })}
                    </div>
                    {move || {
                        let list = items();
                        if list.is_empty() { view! { <p class="empty">"No action items."</p> }.into_any() }
                        else { view! { <ul class="cards">{list.into_iter().take(12).map(|i| view! { <li><ItemCard item=i /></li> }).collect_view()}</ul> }.into_any() }
                    }}
                </section>
                <section class="card" aria-labelledby="h-agent-notes">
                    <h2 id="h-agent-notes">"Quick notes"</h2>
                    {move || {
                        let list = notes();
                        if list.is_empty() { view! { <p class="empty">"No notes."</p> }.into_any() }
                        else { view! { <ul class="rows">{list.into_iter().take(12).map(|n| view! { <NoteRow note=n /> }).collect_view()}</ul> }.into_any() }
                    }}
                </section>
                <section class="card" aria-labelledby="h-agent-plans">
                    <h2 id="h-agent-plans">"Improvement plans"</h2>
                    {move || {
                        let list = plans();
                        if list.is_empty() { view! { <p class="empty">"No improvement plan."</p> }.into_any() }
                        else { view! { <ul class="rows">{list.into_iter().map(|p| view! {
                            <li><span>{p.title.clone()}</span><span class="muted">{labels::date(p.start_date)} " – " {labels::date(p.end_date)}</span>
                            <span class="pill">{labels::plan_status(p.status)}</span></li>
                        }).collect_view()}</ul> }.into_any() }
                    }}
                </section>
            </div>
            })}
        }
    })
}

/// The weighted score for the last twelve months, the team average alongside, the rating bands
/// behind, and the numbers as a table.
#[component]
pub fn ScoreHistory(agent: UserId, #[prop(default = false)] compact: bool) -> impl IntoView {
    let today = labels::today();
    let months = labels::last_months(today, 12);
    let year = today.year();
    let cards = api::load(move || async move {
        let (last, this) =
            futures::future::join(api::scorecard(agent, year - 1), api::scorecard(agent, year))
                .await;
        Ok::<_, api::Error>([last?, this?])
    });
    when_loaded(cards, move |cards| {
        let all: Vec<&dto::ScorecardMonth> = cards.iter().flat_map(|c| c.months.iter()).collect();
        let find = |month: &str| all.iter().find(|m| m.month == month).copied();
        let score: Vec<Option<f64>> = months
            .iter()
            .map(|m| find(m).and_then(|x| x.score))
            .collect();
        let team: Vec<Option<f64>> = months
            .iter()
            .map(|m| find(m).and_then(|x| x.team_average))
            .collect();
        let labels_x: Vec<String> = months.iter().map(|m| labels::month_short(m)).collect();
        let latest = score.iter().rev().flatten().next().copied();
        let series = vec![
            Series {
                name: "Score".into(),
                values: score,
                class: "s-agent",
            },
            Series {
                name: "Team average".into(),
                values: team,
                class: "s-team",
            },
        ];
        let summary = latest.map(|s| {
                let band = domain::scorecard::Band::of(s);
                view! {
                    <p class="summary">"Latest: " <strong>{labels::score(Some(s))}</strong> " "
                        <span class=format!("pill {}", labels::band_class(band))>{labels::band(band)}</span></p>
                }
            });
        let (width, height) = if compact {
            (600.0, 180.0)
        } else {
            (600.0, 240.0)
        };
        view! {
            {summary}
            <LineChart id=format!("score-{agent}") title="Weighted score by month"
                description="The agent's monthly weighted score over the last twelve months, with the team average, against the rating bands: at risk under 60, needs improvement to 75, good to 85, high performer above."
                labels=labels_x.clone() series=series.clone() bands=rating_bands() min=40.0 max=100.0
                width=width height=height />
            <ChartTable caption="Weighted score by month" labels=labels_x series=series />
        }
    })
}

/// One small chart per KPI with its target line.
#[component]
fn KpiCharts(agent: UserId) -> impl IntoView {
    let months = labels::last_months(labels::today(), 12);
    let range = MonthRange {
        from: months.first().cloned(),
        to: months.last().cloned(),
    };
    let data = api::load(move || {
        let range = range.clone();
        async move {
            let (settings, values) =
                futures::future::join(api::scorecard_settings(), api::metrics(agent, &range)).await;
            Ok::<_, api::Error>((settings?, values?))
        }
    });
    when_loaded(data, move |(settings, values)| {
        let targets = settings
            .configs
            .first()
            .map(|c| c.kpis.clone())
            .unwrap_or_default();
        let labels_x: Vec<String> = months.iter().map(|m| labels::month_short(m)).collect();
        let charts = settings.catalogue.iter().filter(|k| k.active).map(|kpi| {
                let series = vec![Series {
                    name: kpi.name.clone(),
                    values: months.iter().map(|m| values.iter().find(|v| v.month == *m).and_then(|v| v.values.get(&kpi.key).copied())).collect(),
                    class: "s-agent",
                }];
                let target = targets.iter().find(|t| t.key == kpi.key).map(|t| t.target);
                let lowest = series[0].values.iter().flatten().copied().fold(f64::INFINITY, f64::min);
                let highest = series[0].values.iter().flatten().copied().fold(f64::NEG_INFINITY, f64::max);
                let min = (lowest.min(target.unwrap_or(lowest)) - 10.0).max(kpi.min_value).floor();
                let max = (highest.max(target.unwrap_or(highest)) + 5.0).min(kpi.max_value).ceil();
                let (min, max) = if min.is_finite() && max.is_finite() && max > min { (min, max) } else { (kpi.min_value, 100.0) };
                view! {
                    <div class="kpi">
                        <h3>{kpi.name.clone()} {target.map(|t| view! { <span class="muted small">" target " {format!("{t:.0}")} {kpi.unit.clone()}</span> })}</h3>
                        <LineChart id=format!("kpi-{}-{agent}", kpi.key) title=format!("{} by month", kpi.name)
                            description=format!("{} over the last twelve months{}", kpi.name, target.map(|t| format!(", against its target of {t}")).unwrap_or_default())
                            labels=labels_x.clone() series=series.clone() target=target
                            min=min max=max width=300.0 height=140.0 legend=false />
                        <ChartTable caption=format!("{} by month", kpi.name) labels=labels_x.clone() series=series />
                    </div>
                }
            }).collect_view();
        view! { <div class="kpis">{charts}</div> }
    })
}
