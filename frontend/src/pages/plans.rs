//! Improvement plans in my scope: those waiting for me first (my approval, or my
//! acknowledgement), then every plan, filtered by state; coaches draft a new one here.

use chrono::NaiveDate;
use domain::{PlanStatus, TargetOperator, UserId};
use dto::query::{Paging, PlanQuery};
use leptos::prelude::*;

use crate::api;
use crate::components::error_banner::{ErrorBanner, LoadStatus};
use crate::components::field::{FieldError, ListedErrors};
use crate::components::quick_note::local_problem;
use crate::labels;
use crate::router;
use crate::state::store::{sorted_by, store};
use crate::state::{Session, session};

/// Whether the plan waits for something only I can do.
pub fn waits_for(me: &Session, plan: &dto::ActionPlan) -> bool {
    let Some(actor) = me.actor() else {
        return false;
    };
    match plan.status {
        PlanStatus::PendingApproval => {
            plan.created_by != Some(actor.id)
                && me.can(domain::Action::ApproveActionPlan, &target(plan))
        }
        PlanStatus::Active => plan.acknowledged_at.is_none() && plan.agent_id == actor.id,
        _ => false,
    }
}

/// The policy target of a plan (the agent's team, when the store knows it).
pub fn target(plan: &dto::ActionPlan) -> domain::Target {
    domain::Target::AgentRecord {
        agent: plan.agent_id,
        team: store()
            .people
            .get(plan.agent_id.uuid())
            .and_then(|p| p.team_id),
        author: None,
        private: false,
    }
}

/// A plan's state as a pill.
pub fn status_pill(status: PlanStatus) -> impl IntoView {
    view! {
        <span class=format!("pill plan-{}", status.as_str().to_lowercase()) data-test-id="plan-status">
            {labels::plan_status(status)}
        </span>
    }
}

/// The list page.
#[component]
pub fn Plans() -> impl IntoView {
    let store = store();
    let me = session();
    let status = RwSignal::new(String::new());
    let loaded = api::load(move || async move {
        let page = api::action_plans(&PlanQuery::default().page(200, None)).await?;
        store.plans.upsert_all(page.items);
        Ok(())
    });
    let plans = move || {
        let wanted = status.get().parse::<PlanStatus>().ok();
        sorted_by(
            store.plans.filter(|p| wanted.is_none_or(|s| p.status == s)),
            |p| std::cmp::Reverse(p.created_at),
        )
    };
    let waiting = move || sorted_by(store.plans.filter(|p| waits_for(&me, p)), |p| p.created_at);
    let row = move |plan: dto::ActionPlan| {
        view! {
            <li>
                <a class="grow" href=format!("/plans/{}", plan.id) data-test-id="plan-link">
                    <strong>{plan.title.clone()}</strong>
                    <span class="muted small">{store.name(plan.agent_id)} " · "
                        {labels::date(plan.start_date)} " – " {labels::date(plan.end_date)}</span>
                </a>
                {status_pill(plan.status)}
            </li>
        }
    };
    view! {
        <div class="page-head">
            <h1>"Improvement plans"</h1>
            <div class="actions">
                <a class="button secondary small" download="" data-test-id="plans-export"
                    href="/api/v1/action-plans/export.xlsx">"Download (Excel)"</a>
                {me.is_coach().then(|| view! {
                    <a class="button small" href="/plans/new" data-test-id="new-plan">"New plan"</a>
                })}
            </div>
        </div>
        <LoadStatus status=api::status(loaded) />
        {move || {
            let list = waiting();
            (!list.is_empty()).then(|| view! {
                <section class="card" aria-labelledby="h-plans-waiting" data-test-id="plans-waiting">
                    <h2 id="h-plans-waiting">"Waiting for you"</h2>
                    <ul class="rows plan-rows">{list.into_iter().map(row).collect_view()}</ul>
                </section>
            })
        }}
        <section class="card" aria-labelledby="h-plans-all">
            <div class="section-head">
                <h2 id="h-plans-all">"All plans"</h2>
                <div>
                    <label for="plan-status-filter" class="sr-only">"State"</label>
                    <select id="plan-status-filter" bind:value=status>
                        <option value="">"Every state"</option>
                        {PlanStatus::ALL.iter().map(|s| view! {
                            <option value=s.as_str()>{labels::plan_status(*s)}</option>
                        }).collect_view()}
                    </select>
                </div>
            </div>
            {move || {
                let list = plans();
                if list.is_empty() {
                    return view! { <p class="empty">"No plan."</p> }.into_any();
                }
                view! { <ul class="rows plan-rows" data-test-id="plans">{list.into_iter().map(row).collect_view()}</ul> }.into_any()
            }}
        </section>
    }
}

/// One item or target row of a draft, as typed.
#[derive(Clone, Debug, Default)]
pub struct Row {
    text: RwSignal<String>,
    date: RwSignal<String>,
    operator: RwSignal<String>,
    value: RwSignal<String>,
}

impl Row {
    fn new() -> Self {
        Self {
            text: RwSignal::new(String::new()),
            date: RwSignal::new(String::new()),
            operator: RwSignal::new(TargetOperator::Gte.as_str().to_owned()),
            value: RwSignal::new(String::new()),
        }
    }

    /// The row of a target as it stands.
    pub fn of(target: &dto::PlanTarget) -> Self {
        Self {
            text: RwSignal::new(target.kpi.clone()),
            date: RwSignal::new(target.by_month.clone()),
            operator: RwSignal::new(target.operator.as_str().to_owned()),
            value: RwSignal::new(target.value.to_string()),
        }
    }
}

/// The targets `rows` hold; the first one that does not read is refused on its field.
pub fn read_targets(rows: &[Row], refuse: impl Fn(&str, &str)) -> Option<Vec<dto::NewPlanTarget>> {
    let mut targets = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let Ok(value) = row.value.get_untracked().trim().parse::<f64>() else {
            refuse(&format!("targets[{i}].value"), "give the value to reach");
            return None;
        };
        targets.push(dto::NewPlanTarget {
            kpi: row.text.get_untracked(),
            operator: row
                .operator
                .get_untracked()
                .parse()
                .unwrap_or(TargetOperator::Gte),
            value,
            by_month: row.date.get_untracked(),
        });
    }
    Some(targets)
}

/// The KPI targets of a draft: a KPI, at least or at most, a value, by a month; rows added and
/// removed.
#[component]
pub fn TargetRows(targets: RwSignal<Vec<Row>>) -> impl IntoView {
    let kpis = api::load(|| async { Ok(api::scorecard_settings().await?.catalogue) });
    let kpi_options = move || {
        kpis.with(|k| {
            k.as_ref()
                .and_then(|k| k.as_ref().ok())
                .map(|k| {
                    k.iter()
                        .filter(|k| k.active)
                        .map(|k| (k.key.clone(), format!("{} ({})", k.name, k.unit)))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    view! {
        <fieldset>
            <legend>"KPI targets"</legend>
            {move || targets.get().into_iter().enumerate().map(|(i, row)| view! {
                <div class="row">
                    <div class="grow">
                        <label for=format!("target-kpi-{i}")>"KPI"</label>
                        <select id=format!("target-kpi-{i}") bind:value=row.text data-test-id="plan-target-kpi">
                            <option value="">"Choose a KPI"</option>
                            {kpi_options().into_iter().map(|(key, name)| view! { <option value=key.clone() selected=move || row.text.get_untracked() == key>{name}</option> }).collect_view()}
                        </select>
                    </div>
                    <div>
                        <label for=format!("target-op-{i}")>"Reach"</label>
                        <select id=format!("target-op-{i}") bind:value=row.operator>
                            <option value=TargetOperator::Gte.as_str()>"at least"</option>
                            <option value=TargetOperator::Lte.as_str()>"at most"</option>
                        </select>
                    </div>
                    <div>
                        <label for=format!("target-value-{i}")>"Value"</label>
                        <input id=format!("target-value-{i}") inputmode="decimal" bind:value=row.value data-test-id="plan-target-value" />
                    </div>
                    <div>
                        <label for=format!("target-month-{i}")>"By month"</label>
                        <input id=format!("target-month-{i}") type="month" placeholder="YYYY-MM" bind:value=row.date data-test-id="plan-target-month" />
                    </div>
                    <button type="button" class="ghost" aria-label=format!("Remove target {}", i + 1)
                        on:click=move |_| targets.update(|l| { if i < l.len() { l.remove(i); } })>"✕"</button>
                </div>
            }).collect_view()}
            <button type="button" class="secondary small" on:click=move |_| targets.update(|l| l.push(Row::new()))>
                "Add a target"
            </button>
        </fieldset>
    }
}

/// "Target 2, by month" for `targets[1].by_month`.
pub fn row_label(field: &str) -> String {
    let (kind, rest) = field.split_once('[').unwrap_or((field, ""));
    let (index, name) = rest.split_once("].").unwrap_or((rest, ""));
    let number = index.parse::<usize>().map_or(0, |i| i + 1);
    let kind = if kind == "items" { "Item" } else { "Target" };
    format!("{kind} {number}, {}", name.replace('_', " "))
}

fn day(text: &str) -> Option<NaiveDate> {
    text.parse::<NaiveDate>().ok()
}

/// Drafting a plan: agent, title, goal, period, items with due dates, and KPI targets by month.
#[component]
pub fn NewPlan() -> impl IntoView {
    let store = store();
    let agent = RwSignal::new(router::query("agent").unwrap_or_default());
    let title = RwSignal::new(String::new());
    let goal = RwSignal::new(String::new());
    let today = labels::today();
    let start = RwSignal::new(today.to_string());
    let end = RwSignal::new((today + chrono::Duration::days(60)).to_string());
    let items = RwSignal::new(vec![Row::new()]);
    let targets = RwSignal::new(Vec::<Row>::new());
    let error = RwSignal::new(None::<api::Error>);
    let save = api::submit(
        |body: dto::CreateActionPlan| async move { api::create_plan(&body).await },
        move |reply| match reply {
            Ok(plan) => {
                let path = format!("/plans/{}", plan.id);
                store.plans.upsert(plan);
                router::navigate(&path);
            }
            Err(err) => error.set(Some(err)),
        },
    );
    let refuse = move |field: &str, message: &str| {
        error.set(Some(api::Error::Problem {
            problem: local_problem(field, message),
            retry_after: None,
        }));
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let Ok(agent_id) = agent.get_untracked().parse::<UserId>() else {
            return refuse("agent_id", "choose the agent this plan is for");
        };
        let (Some(start_date), Some(end_date)) =
            (day(&start.get_untracked()), day(&end.get_untracked()))
        else {
            return refuse("end_date", "give the first and last day of the plan");
        };
        let mut new_items = Vec::new();
        for (i, row) in items.get_untracked().iter().enumerate() {
            let text = row.text.get_untracked();
            if text.trim().is_empty() {
                continue;
            }
            let Some(due_date) = day(&row.date.get_untracked()) else {
                return refuse(&format!("items[{i}].due_date"), "give a due date");
            };
            new_items.push(dto::NewPlanItem {
                title: text,
                due_date,
                description: None,
                priority: None,
            });
        }
        let Some(new_targets) = read_targets(&targets.get_untracked(), refuse) else {
            return;
        };
        save.dispatch(dto::CreateActionPlan {
            agent_id,
            title: title.get_untracked(),
            goal: goal.get_untracked(),
            start_date,
            end_date,
            items: new_items,
            targets: new_targets,
        });
    };
    let agents = move || {
        sorted_by(
            store.people.filter(|p| p.role == domain::Role::Agent),
            |p| p.name.clone(),
        )
    };
    view! {
        <div class="page-head"><h1>"New improvement plan"</h1></div>
        <form class="card form" on:submit=submit data-test-id="plan-form">
            <label for="plan-agent">"Agent"</label>
            <select id="plan-agent" bind:value=agent data-test-id="plan-agent" aria-describedby="agent_id-error">
                <option value="">"Choose an agent"</option>
                {move || agents().into_iter().map(|p| view! {
                    <option value=p.id.to_string()>{p.name.clone()}</option>
                }).collect_view()}
            </select>
            <FieldError error=error name="agent_id" />
            <label for="plan-title">"Title"</label>
            <input id="plan-title" bind:value=title maxlength="200" required data-test-id="plan-title"
                aria-describedby="title-error" />
            <FieldError error=error name="title" />
            <label for="plan-goal">"Goal"</label>
            <textarea id="plan-goal" rows="3" bind:value=goal maxlength="5000" required data-test-id="plan-goal"
                aria-describedby="goal-error"></textarea>
            <FieldError error=error name="goal" />
            <div class="row">
                <div>
                    <label for="plan-start">"First day"</label>
                    <input id="plan-start" type="date" bind:value=start required />
                    <FieldError error=error name="start_date" />
                </div>
                <div>
                    <label for="plan-end">"Last day"</label>
                    <input id="plan-end" type="date" bind:value=end required aria-describedby="end_date-error" />
                    <FieldError error=error name="end_date" />
                </div>
            </div>
            <fieldset>
                <legend>"Action items"</legend>
                {move || items.get().into_iter().enumerate().map(|(i, row)| view! {
                    <div class="row">
                        <div class="grow">
                            <label for=format!("item-title-{i}")>{format!("Item {}", i + 1)}</label>
                            <input id=format!("item-title-{i}") bind:value=row.text maxlength="200" data-test-id="plan-item-title" />
                        </div>
                        <div>
                            <label for=format!("item-due-{i}")>"Due"</label>
                            <input id=format!("item-due-{i}") type="date" bind:value=row.date data-test-id="plan-item-due" />
                        </div>
                    </div>
                }).collect_view()}
                <button type="button" class="secondary small" on:click=move |_| items.update(|l| l.push(Row::new()))>
                    "Add an item"
                </button>
            </fieldset>
            <TargetRows targets=targets />
            <ListedErrors error=error keep=|f| f.starts_with("items") || f.starts_with("targets") label=row_label />
            <ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.fields().is_empty())) />
            <div class="actions">
                <a class="button secondary" href="/plans">"Cancel"</a>
                <button type="submit" data-test-id="plan-save" disabled=move || save.pending()>"Save draft"</button>
            </div>
        </form>
    }
}
