//! One improvement plan: goal, period, KPI targets against the agent's current values, items,
//! checkpoints and history; and the next step for whoever is looking: the coach submits,
//! records checkpoints and closes with an outcome, the manager approves or rejects with a
//! reason, the agent acknowledges.

use chrono::NaiveDate;
use domain::{ActionPlanId, PlanOutcome, PlanStatus, TargetOperator};
use dto::query::{Paging, UserQuery};
use leptos::prelude::*;

use crate::api;
use crate::components::conflict::{Stale, StaleDialog};
use crate::components::error_banner::{ErrorBanner, LoadStatus};
use crate::components::field::FieldError;
use crate::labels;
use crate::pages::plans::{
    Row, TargetRows, read_targets, row_label, status_pill, target, waits_for,
};
use crate::state::session;
use crate::state::store::{sorted_by, store};

/// A step on the plan, as sent.
#[derive(Clone, Debug)]
enum Step {
    /// A change of the draft, based on the version the form opened at.
    Edit(dto::UpdateActionPlan, i32),
    Decide(&'static str, dto::PlanDecision),
    Checkpoint(dto::CreateCheckpoint),
}

fn decision(
    reason: Option<String>,
    comment: Option<String>,
    outcome: Option<PlanOutcome>,
) -> dto::PlanDecision {
    dto::PlanDecision {
        reason,
        comment,
        outcome,
        version: None,
    }
}

fn outcome_label(outcome: PlanOutcome) -> &'static str {
    match outcome {
        PlanOutcome::Successful => "Successful",
        PlanOutcome::Unsuccessful => "Unsuccessful",
        PlanOutcome::Extended => "Extended",
    }
}

/// What a history step says.
fn what(step: &str) -> &'static str {
    match step {
        "create" => "drafted the plan",
        "update" => "edited the plan",
        "submit" => "submitted it for approval",
        "approve" => "approved it",
        "reject" => "sent it back",
        "acknowledge" => "acknowledged it",
        "checkpoint" => "recorded a checkpoint",
        "complete" => "closed it",
        "cancel" => "cancelled it",
        _ => "changed it",
    }
}

#[component]
pub fn PlanPage(id: ActionPlanId) -> impl IntoView {
    let store = store();
    let loaded = api::load(move || async move {
        let plan = api::action_plan(id).await?;
        store.items.upsert_all(plan.items.clone());
        store.plans.upsert(plan);
        Ok(())
    });
    // KPI names for the targets (the plan names them by key), read once for the page.
    let catalogue = api::load(|| async { Ok(api::scorecard_settings().await?.catalogue) });
    // Only this plan's changes draw the page again (not every plan the store holds).
    let plan = Memo::new(move |_| store.plans.get(id.uuid()));
    let draft = Draft::new();
    view! {
        <LoadStatus status=api::status(loaded) />
        {move || plan.get().map(|plan| view! { <PlanView plan=plan catalogue=catalogue draft=draft /> })}
    }
}

#[component]
fn PlanView(
    plan: dto::ActionPlan,
    catalogue: ReadSignal<api::Reply<Vec<dto::Kpi>>>,
    draft: Draft,
) -> impl IntoView {
    let store = store();
    let me = session();
    let id = plan.id;
    let error = RwSignal::new(None::<api::Error>);
    let run = api::submit(
        move |step: Step| async move {
            let plan = untrack(|| store.plans.get(id.uuid()));
            let reply = match step {
                Step::Edit(body, version) => {
                    let reply = api::update_plan(id, &body, version).await;
                    if reply.is_ok() {
                        draft.open.set(false);
                    }
                    reply
                }
                Step::Decide(what, body) => match plan {
                    Some(plan) => api::decide_plan(&plan, what, &body).await,
                    None => api::action_plan(id).await,
                },
                Step::Checkpoint(body) => api::add_checkpoint(id, &body).await,
            };
            // Stored here, not in the handler below: the page's own read of the plan may land
            // first and draw this view again, and a redrawn view's replies are dropped. The
            // store outlives it.
            if let Ok(plan) = &reply {
                store.plans.upsert(plan.clone());
            }
            reply
        },
        move |reply| match reply {
            Ok(_) => error.set(None),
            Err(err) if err.is_stale() && draft.open.get_untracked() => {
                draft.stale.ask(
                    async move { Ok(api::action_plan(id).await?.version) },
                    error,
                );
            }
            Err(err) => {
                // Someone else moved it first: show the plan as it is now, and say so.
                if err.is_stale() {
                    leptos::task::spawn_local(async move {
                        if let Ok(fresh) = api::action_plan(id).await {
                            store.plans.upsert(fresh);
                        }
                    });
                }
                error.set(Some(err));
            }
        },
    );
    let send = move |step: Step| {
        error.set(None);
        run.dispatch(step);
    };
    // Drawn again whenever the plan changes, so the history is read again too. A coach looks
    // up the people it names among those they may see (anyone else stays "a coach").
    let coach_reading = me.is_coach();
    let history = api::load(move || async move {
        let steps = api::plan_history(id).await?;
        let unknown = steps
            .iter()
            .filter_map(|s| s.actor_id)
            .any(|person| untrack(|| store.people.get(person.uuid()).is_none()));
        if coach_reading
            && unknown
            && let Ok(page) = api::people(&UserQuery::default().page(200, None)).await
        {
            store.people.upsert_all(page.items);
        }
        Ok(steps)
    });
    let status = plan.status;
    // Who may do what follows the store: the agent's team arrives with the people in scope,
    // maybe after the plan.
    let for_policy = plan.clone();
    let coach = Memo::new(move |_| me.can(domain::Action::DraftActionPlan, &target(&for_policy)));
    let for_waiting = plan.clone();
    let waiting = Memo::new(move |_| waits_for(&me, &for_waiting));
    let deciding = move || waiting.get() && status == PlanStatus::PendingApproval;
    let acknowledging = move || waiting.get() && status == PlanStatus::Active;
    let agent = plan.agent_id;
    let plan_for_edit = plan.clone();
    let name = move |who: Option<domain::UserId>| match who {
        Some(who) if Some(who) == me.actor().map(|a| a.id) => "You".to_owned(),
        Some(who) => store.people.get(who.uuid()).map_or_else(
            || {
                if Some(who) == plan.approved_by {
                    "The approver".to_owned()
                } else {
                    "A coach".to_owned()
                }
            },
            |p| p.name,
        ),
        None => "The system".to_owned(),
    };
    let kpi_name = move |key: &str| {
        catalogue.with(|c| {
            c.as_ref()
                .and_then(|c| c.as_ref().ok())
                .and_then(|c| c.iter().find(|k| k.key == key).map(|k| k.name.clone()))
                .unwrap_or_else(|| key.replace('_', " "))
        })
    };
    let items = move || {
        sorted_by(store.items.filter(|i| i.plan_id == Some(id)), |i| {
            i.due_date
        })
    };
    view! {
        <div class="page-head">
            <h1 data-test-id="plan-title">{plan.title.clone()}</h1>
            {status_pill(status)}
        </div>
        <section class="card">
            <dl class="facts">
                <dt>"Agent"</dt>
                <dd>{if me.is_coach() {
                    view! { <a href=format!("/agents/{agent}")>{move || store.name(agent)}</a> }.into_any()
                } else {
                    view! { <span>{move || store.name(agent)}</span> }.into_any()
                }}</dd>
                <dt>"Period"</dt><dd>{labels::date(plan.start_date)} " – " {labels::date(plan.end_date)}</dd>
                <dt>"Goal"</dt><dd class="prose">{plan.goal.clone()}</dd>
                {plan.rejection_reason.clone().filter(|_| status == PlanStatus::Draft).map(|reason| view! {
                    <dt>"Sent back because"</dt><dd data-test-id="plan-rejection">{reason}</dd>
                })}
                {plan.approved_at.map(|at| view! { <dt>"Approved"</dt><dd>{labels::when(at)}</dd> })}
                {plan.acknowledged_at.map(|at| view! {
                    <dt>"Acknowledged"</dt>
                    <dd data-test-id="plan-acknowledged">{labels::when(at)} {plan.acknowledgement_comment.clone().filter(|c| !c.is_empty()).map(|c| format!(": “{c}”"))}</dd>
                })}
                {plan.outcome.map(|outcome| view! { <dt>"Outcome"</dt><dd data-test-id="plan-outcome">{outcome_label(outcome)}</dd> })}
                {plan.cancel_reason.clone().map(|reason| view! { <dt>"Cancelled because"</dt><dd>{reason}</dd> })}
            </dl>
        </section>
        <ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.fields().is_empty())) />
        {move || (coach.get() && status == PlanStatus::Draft).then(|| view! {
            <EditDraft plan=plan_for_edit.clone() draft=draft error=error
                on_save=Callback::new(move |body| send(Step::Edit(body, draft.stale.base()))) />
            <section class="card actions-card">
                <button type="button" data-test-id="plan-submit"
                    on:click=move |_| send(Step::Decide("submit", decision(None, None, None)))>"Submit for approval"</button>
            </section>
        })}
        {move || deciding().then(|| view! {
            <section class="card actions-card" aria-label="Your decision">
                <button type="button" data-test-id="plan-approve"
                    on:click=move |_| send(Step::Decide("approve", decision(None, None, None)))>"Approve"</button>
                <ReasonForm open_label="Send back" field_label="What should change?" confirm="Send back" test_id="plan-reject"
                    error=error on_send=Callback::new(move |reason| send(Step::Decide("reject", decision(Some(reason), None, None)))) />
            </section>
        })}
        <section class="card" aria-labelledby="h-plan-targets">
            <h2 id="h-plan-targets">"KPI targets"</h2>
            {if plan.targets.is_empty() {
                view! { <p class="empty">"No KPI target."</p> }.into_any()
            } else {
                view! {
                    <table class="list" data-test-id="plan-targets">
                        <thead><tr><th scope="col">"KPI"</th><th scope="col">"Target"</th><th scope="col">"Now"</th><th scope="col" class="wide-only">"Trend"</th></tr></thead>
                        <tbody>
                            {plan.targets.iter().map(|t| view! {
                                <tr data-test-id="plan-target">
                                    <th scope="row">{let key = t.kpi.clone(); move || kpi_name(&key)}</th>
                                    <td>{if t.operator == TargetOperator::Gte { "at least " } else { "at most " }}
                                        {labels::value(t.value)} " by " {labels::month_short(&t.by_month)}</td>
                                    <td data-test-id="target-now">
                                        <span class="block">{t.progress.last().map_or_else(
                                            || "No value yet".to_owned(),
                                            |now| format!("{} in {}", labels::value(now.value), labels::month_short(&now.month)),
                                        )}</span>
                                        {match t.met {
                                            Some(true) => view! { <span class="pill met">"Met"</span> }.into_any(),
                                            Some(false) => view! { <span class="pill not-met">"Not met"</span> }.into_any(),
                                            None => view! { <span class="muted small">{target_outlook(t)}</span> }.into_any(),
                                        }}
                                    </td>
                                    <td class="wide-only"><TargetTrend target=t.clone() /></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
        <section class="card" aria-labelledby="h-plan-items">
            <div class="section-head">
                <h2 id="h-plan-items">"Action items"</h2>
                {move || (coach.get() && !matches!(status, PlanStatus::Completed | PlanStatus::Cancelled)).then(|| view! {
                    <button type="button" class="small secondary" data-test-id="plan-new-item"
                        on:click=move |_| crate::pages::items::edit_item(crate::pages::items::Editing::New { agent: Some(agent), plan: Some(id) })>
                        "New action item"
                    </button>
                })}
            </div>
            {move || {
                let list = items();
                if list.is_empty() {
                    return view! { <p class="empty">"No action item."</p> }.into_any();
                }
                view! { <ul class="cards">{list.into_iter().map(|item| view! { <li><crate::pages::items::ItemCard item=item /></li> }).collect_view()}</ul> }.into_any()
            }}
        </section>
        // The agent acknowledges after reading the goal, the targets and the items above.
        {move || acknowledging().then(|| view! { <Acknowledge error=error on_send=Callback::new(move |comment| send(Step::Decide("acknowledge", decision(None, Some(comment), None)))) /> })}
        <section class="card" aria-labelledby="h-plan-checkpoints">
            <h2 id="h-plan-checkpoints">"Checkpoints"</h2>
            {if plan.checkpoints.is_empty() {
                view! { <p class="empty">"No checkpoint yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="rows" data-test-id="plan-checkpoints">
                        {sorted_by(plan.checkpoints.clone(), |c| c.date).into_iter().map(|c| view! {
                            <li class="stack">
                                <strong>{labels::date(c.date)}</strong>
                                <span class="prose">{c.notes}</span>
                                <span class="muted small">{name(c.author_id)}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {move || (coach.get() && status == PlanStatus::Active).then(|| view! {
                <CheckpointForm error=error on_send=Callback::new(move |body| send(Step::Checkpoint(body))) />
            })}
        </section>
        {move || (coach.get() && status == PlanStatus::Active).then(|| view! {
            <CloseForm error=error on_send=Callback::new(move |outcome| send(Step::Decide("complete", decision(None, None, Some(outcome))))) />
        })}
        {move || (coach.get() && matches!(status, PlanStatus::Draft | PlanStatus::PendingApproval | PlanStatus::Active)).then(|| view! {
            <section class="card actions-card">
                <ReasonForm open_label="Cancel the plan" field_label="Why is it cancelled?" confirm="Cancel the plan" test_id="plan-cancel"
                    error=error on_send=Callback::new(move |reason| send(Step::Decide("cancel", decision(Some(reason), None, None)))) />
            </section>
        })}
        <section class="card" aria-labelledby="h-plan-history">
            <h2 id="h-plan-history">"History"</h2>
            <LoadStatus status=api::status(history) />
            <ol class="history" data-test-id="plan-history">
                {move || history.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|step| view! {
                    <li><span>{name(step.actor_id)} " " {what(&step.what)}</span>
                        <span class="muted small">{labels::when(step.occurred_at)}</span></li>
                }).collect_view()}
            </ol>
        </section>
    }
}

/// A button that opens a one-field form: a reason to reject or cancel.
#[component]
fn ReasonForm(
    open_label: &'static str,
    field_label: &'static str,
    confirm: &'static str,
    test_id: &'static str,
    error: RwSignal<Option<api::Error>>,
    on_send: Callback<String>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let input = format!("{test_id}-reason");
    view! {
        <Show when=move || open.get() fallback=move || view! {
            <button type="button" class="danger-outline" data-test-id=test_id on:click=move |_| open.set(true)>{open_label}</button>
        }>
            <form class="inline-form" on:submit=move |ev| { ev.prevent_default(); on_send.run(reason.get_untracked()); }>
                <label for=input.clone()>{field_label}</label>
                <input id=input.clone() type="text" required maxlength="1000" bind:value=reason
                    data-test-id=input.clone() aria-describedby="reason-error" />
                <FieldError error=error name="reason" />
                <div class="actions">
                    <button type="button" class="secondary" on:click=move |_| open.set(false)>"Back"</button>
                    <button type="submit" class="danger" data-test-id=format!("{test_id}-confirm")>{confirm}</button>
                </div>
            </form>
        </Show>
    }
}

/// The agent acknowledges the plan, with an optional comment.
#[component]
fn Acknowledge(error: RwSignal<Option<api::Error>>, on_send: Callback<String>) -> impl IntoView {
    let comment = RwSignal::new(String::new());
    view! {
        <form class="card" on:submit=move |ev| { ev.prevent_default(); on_send.run(comment.get_untracked()); }>
            <h2>"Acknowledge this plan"</h2>
            <p class="muted">"Confirm you have read the goal, the targets and the items. Add a comment if you like."</p>
            <label for="plan-ack-comment">"Your comment"</label>
            <textarea id="plan-ack-comment" rows="3" maxlength="2000" bind:value=comment data-test-id="plan-ack-comment"
                aria-describedby="comment-error"></textarea>
            <FieldError error=error name="comment" />
            <button type="submit" data-test-id="plan-acknowledge">"Acknowledge"</button>
        </form>
    }
}

/// A dated note on how the plan is going.
#[component]
fn CheckpointForm(
    error: RwSignal<Option<api::Error>>,
    on_send: Callback<dto::CreateCheckpoint>,
) -> impl IntoView {
    let date = RwSignal::new(labels::today().to_string());
    let notes = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(day) = date.get_untracked().parse::<NaiveDate>() else {
            error.set(Some(api::Error::Problem {
                problem: crate::components::quick_note::local_problem(
                    "date",
                    "give the checkpoint's date",
                ),
                retry_after: None,
            }));
            return;
        };
        on_send.run(dto::CreateCheckpoint {
            date: day,
            notes: notes.get_untracked(),
        });
        notes.set(String::new());
    };
    view! {
        <form class="inline-form" on:submit=submit data-test-id="checkpoint-form">
            <h3>"Record a checkpoint"</h3>
            <label for="checkpoint-date">"Date"</label>
            <input id="checkpoint-date" type="date" bind:value=date required aria-describedby="date-error" />
            <FieldError error=error name="date" />
            <label for="checkpoint-notes">"How is it going?"</label>
            <textarea id="checkpoint-notes" rows="3" maxlength="5000" bind:value=notes required
                data-test-id="checkpoint-notes" aria-describedby="notes-error"></textarea>
            <FieldError error=error name="notes" />
            <button type="submit" data-test-id="checkpoint-save">"Record checkpoint"</button>
        </form>
    }
}

/// Closing an active plan with its outcome.
#[component]
fn CloseForm(error: RwSignal<Option<api::Error>>, on_send: Callback<PlanOutcome>) -> impl IntoView {
    let outcome = RwSignal::new(PlanOutcome::Successful.as_str().to_owned());
    view! {
        <form class="card" on:submit=move |ev| {
            ev.prevent_default();
            if let Ok(outcome) = outcome.get_untracked().parse() { on_send.run(outcome); }
        }>
            <h2>"Close the plan"</h2>
            <label for="plan-outcome">"Outcome"</label>
            <select id="plan-outcome" bind:value=outcome data-test-id="plan-outcome-choice" aria-describedby="outcome-error">
                {PlanOutcome::ALL.iter().map(|o| view! { <option value=o.as_str()>{outcome_label(*o)}</option> }).collect_view()}
            </select>
            <FieldError error=error name="outcome" />
            <button type="submit" class="secondary" data-test-id="plan-close">"Close with this outcome"</button>
        </form>
    }
}

/// Before the target's month: whether the latest value already meets it.
fn target_outlook(target: &dto::PlanTarget) -> &'static str {
    match target.progress.last() {
        None => "Not yet due",
        Some(now) if meets(target, now.value) => "On track",
        Some(_) => "Behind",
    }
}

fn meets(target: &dto::PlanTarget, value: f64) -> bool {
    match target.operator {
        TargetOperator::Gte => value >= target.value,
        TargetOperator::Lte => value <= target.value,
    }
}

/// A small line of the recorded values against the target (dashed), with its numbers for
/// assistive technology.
#[component]
fn TargetTrend(target: dto::PlanTarget) -> impl IntoView {
    const W: f64 = 96.0;
    const H: f64 = 28.0;
    let values: Vec<f64> = target.progress.iter().map(|p| p.value).collect();
    if values.is_empty() {
        return view! { <span class="muted">"—"</span> }.into_any();
    }
    let low = values.iter().copied().fold(target.value, f64::min) - 1.0;
    let high = values.iter().copied().fold(target.value, f64::max) + 1.0;
    let y = move |v: f64| H - (v - low) / (high - low) * H;
    let step = if values.len() > 1 {
        W / (values.len() - 1) as f64
    } else {
        0.0
    };
    let points: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{:.1},{:.1}", i as f64 * step, y(*v)))
        .collect();
    let words = target
        .progress
        .iter()
        .map(|p| {
            format!(
                "{} {}",
                labels::month_short(&p.month),
                labels::value(p.value)
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let goal = y(target.value);
    view! {
        <svg class="spark" width="96" height="28" viewBox="0 0 96 28" role="img" aria-label=format!("Recorded: {words}")>
            <line x1="0" x2="96" y1=format!("{goal:.1}") y2=format!("{goal:.1}") class="spark-goal" />
            <polyline points=points.join(" ") class="spark-line" />
            {values.last().map(|v| view! { <circle cx=format!("{:.1}", (values.len() - 1) as f64 * step) cy=format!("{:.1}", y(*v)) r="2.5" class="spark-dot" /> })}
        </svg>
    }
    .into_any()
}

/// A change of a draft plan, held by the page: a live change of the plan draws the plan again,
/// never dropping what is typed here, and a change someone else beat asks what to do.
#[derive(Clone, Copy)]
struct Draft {
    open: RwSignal<bool>,
    title: RwSignal<String>,
    goal: RwSignal<String>,
    start: RwSignal<String>,
    end: RwSignal<String>,
    targets: RwSignal<Vec<Row>>,
    /// The plan as the form opened on it: only what changed from it is sent, so applying mine
    /// again keeps what someone else changed in the other fields.
    was: StoredValue<Option<dto::ActionPlan>>,
    stale: Stale,
    /// The page's owner: the target rows' signals, made when the form opens (in a click), live
    /// as long as the page, not as long as the button that opened it.
    owner: StoredValue<Owner>,
}

impl Draft {
    fn new() -> Self {
        Self {
            open: RwSignal::new(false),
            title: RwSignal::new(String::new()),
            goal: RwSignal::new(String::new()),
            start: RwSignal::new(String::new()),
            end: RwSignal::new(String::new()),
            targets: RwSignal::new(Vec::new()),
            was: StoredValue::new(None),
            stale: Stale::new(0),
            owner: StoredValue::new(Owner::current().unwrap_or_default()),
        }
    }

    /// Opens the form on the plan as it is.
    fn begin(self, plan: &dto::ActionPlan) {
        self.title.set(plan.title.clone());
        self.goal.set(plan.goal.clone());
        self.start.set(plan.start_date.to_string());
        self.end.set(plan.end_date.to_string());
        let rows = self
            .owner
            .with_value(|owner| owner.with(|| plan.targets.iter().map(Row::of).collect()));
        self.targets.set(rows);
        self.stale.rebase(plan.version);
        self.was.set_value(Some(plan.clone()));
        self.open.set(true);
    }
}
/// A draft's title, goal, period and KPI targets, changed before it is (re)submitted; items
/// are changed on their cards.
#[component]
fn EditDraft(
    plan: dto::ActionPlan,
    draft: Draft,
    error: RwSignal<Option<api::Error>>,
    on_save: Callback<dto::UpdateActionPlan>,
) -> impl IntoView {
    let store = store();
    let Draft {
        open,
        title,
        goal,
        start,
        end,
        targets,
        was,
        stale,
        ..
    } = draft;
    let refuse = move |field: &str, message: &str| {
        error.set(Some(api::Error::Problem {
            problem: crate::components::quick_note::local_problem(field, message),
            retry_after: None,
        }));
    };
    let save = move || {
        error.set(None);
        let (Ok(start_date), Ok(end_date)) = (
            start.get_untracked().parse::<NaiveDate>(),
            end.get_untracked().parse::<NaiveDate>(),
        ) else {
            return refuse("end_date", "give the first and last day of the plan");
        };
        let Some(new_targets) = read_targets(&targets.get_untracked(), refuse) else {
            return;
        };
        let Some(was) = was.get_value() else {
            return;
        };
        let old_targets: Vec<dto::NewPlanTarget> = was
            .targets
            .iter()
            .map(|t| dto::NewPlanTarget {
                kpi: t.kpi.clone(),
                operator: t.operator,
                value: t.value,
                by_month: t.by_month.clone(),
            })
            .collect();
        let body = dto::UpdateActionPlan {
            title: Some(title.get_untracked()).filter(|t| *t != was.title),
            goal: Some(goal.get_untracked()).filter(|g| *g != was.goal),
            start_date: Some(start_date).filter(|d| *d != was.start_date),
            end_date: Some(end_date).filter(|d| *d != was.end_date),
            targets: Some(new_targets).filter(|t| *t != old_targets),
            version: None,
        };
        if dto::Patch::is_empty(&body) {
            open.set(false);
        } else {
            on_save.run(body);
        }
    };
    let id = plan.id;
    let on_reload = Callback::new(move |()| {
        open.set(false);
        leptos::task::spawn_local(async move {
            if let Ok(fresh) = api::action_plan(id).await {
                store.plans.upsert(fresh);
            }
        });
    });
    view! {
        <StaleDialog stale on_reload on_reapply=Callback::new(move |()| save()) />
        <Show when=move || open.get() fallback=move || view! {
            <section class="card actions-card">
                <button type="button" class="secondary" data-test-id="plan-edit" on:click={
                    let plan = plan.clone();
                    move |_| draft.begin(&plan)
                }>
                    "Change the plan"
                </button>
            </section>
        }>
            <form class="card form" data-test-id="plan-edit-form" aria-labelledby="h-plan-edit"
                on:submit=move |ev| { ev.prevent_default(); save(); }>
                <h2 id="h-plan-edit">"Change the plan"</h2>
                <label for="edit-plan-title">"Title"</label>
                <input id="edit-plan-title" bind:value=title maxlength="200" required aria-describedby="title-error" />
                <FieldError error=error name="title" />
                <label for="edit-plan-goal">"Goal"</label>
                <textarea id="edit-plan-goal" rows="3" bind:value=goal maxlength="5000" required
                    data-test-id="plan-edit-goal" aria-describedby="goal-error"></textarea>
                <FieldError error=error name="goal" />
                <div class="row">
                    <div>
                        <label for="edit-plan-start">"First day"</label>
                        <input id="edit-plan-start" type="date" bind:value=start required />
                    </div>
                    <div>
                        <label for="edit-plan-end">"Last day"</label>
                        <input id="edit-plan-end" type="date" bind:value=end required aria-describedby="end_date-error" />
                        <FieldError error=error name="end_date" />
                    </div>
                </div>
                <TargetRows targets=targets />
                <crate::components::field::ListedErrors error=error keep=|f| f.starts_with("targets") label=row_label />
                <div class="actions">
                    <button type="button" class="secondary" on:click=move |_| open.set(false)>"Keep it as it is"</button>
                    <button type="submit" data-test-id="plan-edit-save">"Save the draft"</button>
                </div>
            </form>
        </Show>
    }
}
