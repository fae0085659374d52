//! Planning a session, in four steps as in the original system: (1) review the agent's scorecard,
//! open items and notes since the last session, (2) choose focus areas and draft action items,
//! (3) pick a slot beside the coach's and agent's existing sessions, (4) confirm. The draft is
//! kept in this browser until it is booked or discarded, so a closed tab loses nothing.

use chrono::{Duration, Local, NaiveDate, TimeZone};
use domain::UserId;
use dto::query::{ActionItemQuery, Paging, QuickNoteQuery, SessionQuery};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api;
use crate::components::error_banner::{ErrorBanner, when_loaded};
use crate::components::field::FieldError;
use crate::labels;
use crate::pages::agent::ScoreHistory;
use crate::pages::session::{DraftItem, ItemDrafts, NoteList, OpenItems};
use crate::state::store::{sorted_by, store};
use crate::state::{agent_record, drafts, session};

const DRAFT_KEY: &str = "coaching-hub.plan-draft";
const STEPS: [&str; 4] = ["Review", "Focus", "Slot", "Confirm"];

/// Everything chosen so far.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Draft {
    step: usize,
    agent: String,
    focus: Vec<String>,
    other_focus: String,
    preparation: String,
    items: Vec<DraftItem>,
    date: String,
    time: String,
    duration: String,
}

impl Default for Draft {
    fn default() -> Self {
        Self {
            step: 0,
            agent: String::new(),
            focus: Vec::new(),
            other_focus: String::new(),
            preparation: String::new(),
            items: Vec::new(),
            date: (labels::today() + Duration::days(1)).to_string(),
            time: "10:00".to_owned(),
            duration: "45".to_owned(),
        }
    }
}

impl Draft {
    /// The chosen start, in UTC, when the date and time read.
    fn start(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        let date: NaiveDate = self.date.parse().ok()?;
        let time = labels::parse_time(&self.time)?;
        Local
            .from_local_datetime(&date.and_time(time))
            .earliest()
            .map(|at| at.with_timezone(&chrono::Utc))
    }

    fn minutes(&self) -> i64 {
        self.duration.parse().unwrap_or(45)
    }

    fn focus_areas(&self) -> Vec<String> {
        let mut areas = self.focus.clone();
        areas.extend(
            self.other_focus
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_owned),
        );
        areas
    }
}

/// The wizard.
#[component]
pub fn PlanSession() -> impl IntoView {
    let store = store();
    let me = session();
    let mut initial: Draft = drafts::load(DRAFT_KEY).unwrap_or_default();
    // A link from an agent's page starts a draft for that agent (keeping one already begun).
    if let Some(agent) = crate::router::query("agent")
        && initial.agent != agent
    {
        initial = Draft {
            agent,
            ..Draft::default()
        };
    }
    let draft = RwSignal::new(initial);
    Effect::new(move |_| draft.with(|d| drafts::save(DRAFT_KEY, d)));
    let agent_id = Memo::new(move |_| draft.with(|d| d.agent.parse::<UserId>().ok()));
    let error = RwSignal::new(None::<api::Error>);
    let book = api::submit(book, move |reply| match reply {
        Ok(session) => {
            drafts::discard(DRAFT_KEY);
            store.sessions.upsert(session.clone());
            crate::router::navigate(&format!("/sessions/{}", session.id));
        }
        Err(err) => {
            if err.field("scheduled_at").is_some() || err.field("duration_minutes").is_some() {
                draft.update(|d| d.step = 2);
            }
            error.set(Some(err));
        }
    });
    let go = move |step: usize| {
        error.set(None);
        draft.update(|d| d.step = step);
    };
    let discard = move |_| {
        drafts::discard(DRAFT_KEY);
        draft.set(Draft::default());
        error.set(None);
    };
    let agents = move || {
        sorted_by(
            store.people.filter(|p| {
                p.role == domain::Role::Agent
                    && me.can(domain::Action::ManageSession, &agent_record(p))
            }),
            |p| p.name.clone(),
        )
    };
    // Only a change of step redraws the step: typing into the draft does not.
    let step = Memo::new(move |_| draft.with(|d| d.step));
    let step = move || step.get();
    view! {
        <div class="page-head">
            <h1>"Plan a session"</h1>
            <button type="button" class="secondary" data-test-id="discard-draft" on:click=discard>"Discard draft"</button>
        </div>
        <ol class="steps" aria-label="Steps">
            {STEPS.iter().enumerate().map(|(i, name)| view! {
                <li class:done=move || { step() > i } aria-current=move || (step() == i).then_some("step")>
                    <span class="n">{i + 1}</span>" "{*name}
                </li>
            }).collect_view()}
        </ol>
        <ErrorBanner error=Signal::derive(move || error.get()) />
        <section class="card wizard" data-test-id=move || format!("wizard-step-{}", step() + 1)>
            {move || match step() {
                0 => view! {
                    <h2>"1. Review"</h2>
                    <label for="plan-agent">"Agent"</label>
                    <select id="plan-agent" data-test-id="plan-agent"
                        prop:value=move || draft.with(|d| d.agent.clone())
                        on:change=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.agent = v); }>
                        <option value="">"Choose an agent"</option>
                        {move || agents().into_iter().map(|p| view! {
                            <option value=p.id.to_string()>{p.name.clone()}</option>
                        }).collect_view()}
                    </select>
                    {move || agent_id.get().map(|agent| view! { <Review agent=agent /> })}
                    <div class="actions">
                        <button type="button" data-test-id="wizard-next" disabled=move || agent_id.get().is_none()
                            on:click=move |_| go(1)>"Next: focus"</button>
                    </div>
                }.into_any(),
                1 => view! { <FocusStep draft=draft error=error on_back=Callback::new(move |_| go(0)) on_next=Callback::new(move |_| go(2)) /> }.into_any(),
                2 => view! { <SlotStep draft=draft error=error on_back=Callback::new(move |_| go(1)) on_next=Callback::new(move |_| go(3)) /> }.into_any(),
                _ => view! {
                    <h2>"4. Confirm"</h2>
                    {move || {
                        let d = draft.get();
                        let who = d.agent.parse::<UserId>().map(|id| store.name(id)).unwrap_or_default();
                        view! {
                            <dl class="facts" data-test-id="plan-summary">
                                <dt>"Agent"</dt><dd>{who}</dd>
                                <dt>"When"</dt><dd>{d.start().map(labels::when).unwrap_or_default()} " (" {d.duration.clone()} " min)"</dd>
                                <dt>"Focus"</dt><dd>{d.focus_areas().join(", ")}</dd>
                                <dt>"Action items"</dt><dd>{d.items.iter().filter(|i| !i.title.trim().is_empty()).count()}</dd>
                            </dl>
                        }
                    }}
                    <div class="actions">
                        <button type="button" class="secondary" on:click=move |_| go(2)>"Back"</button>
                        <button type="button" data-test-id="book-session" disabled=move || book.pending()
                            on:click=move |_| { error.set(None); book.dispatch(draft.get_untracked()); }>"Book the session"</button>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}

/// Books the session, then creates its action items.
async fn book(draft: Draft) -> Result<dto::Session, api::Error> {
    let agent_id: UserId = draft.agent.parse().map_err(|_| api::Error::Problem {
        problem: crate::components::quick_note::local_problem("agent_id", "choose an agent"),
        retry_after: None,
    })?;
    let scheduled_at = draft.start().ok_or_else(|| api::Error::Problem {
        problem: crate::components::quick_note::local_problem(
            "scheduled_at",
            "choose a date and a time",
        ),
        retry_after: None,
    })?;
    let preparation = draft.preparation.trim().to_owned();
    let session = api::schedule(&dto::ScheduleSession {
        agent_id,
        scheduled_at,
        duration_minutes: i32::try_from(draft.minutes()).unwrap_or(45),
        focus_areas: draft.focus_areas(),
        preparation_notes: (!preparation.is_empty()).then_some(preparation),
    })
    .await?;
    for item in draft.items.iter().filter(|i| !i.title.trim().is_empty()) {
        let new = crate::pages::session::new_item(item, agent_id);
        api::create_item(&dto::CreateActionItem {
            title: new.title,
            description: None,
            assignee_id: agent_id,
            due_date: new.due_date,
            priority: new.priority,
            session_id: Some(session.id),
            plan_id: None,
        })
        .await?;
    }
    Ok(session)
}

/// Step 1's material: the scorecard, open items, notes since the last session.
#[component]
fn Review(agent: UserId) -> impl IntoView {
    let items = api::load(move || async move {
        api::action_items(
            &ActionItemQuery {
                agent_id: Some(agent),
                ..ActionItemQuery::default()
            }
            .page(50, None),
        )
        .await
    });
    let notes = api::load(move || async move {
        let completed = SessionQuery {
            agent_id: Some(agent),
            status: Some(domain::SessionStatus::Completed),
            ..SessionQuery::default()
        };
        let last = api::sessions(&completed.page(200, None))
            .await?
            .items
            .into_iter()
            .map(|s| s.scheduled_at)
            .max();
        let about = QuickNoteQuery {
            agent_id: Some(agent),
            ..QuickNoteQuery::default()
        };
        let notes = api::notes(&about.page(50, None)).await?;
        Ok::<_, api::Error>((
            last,
            notes
                .items
                .into_iter()
                .filter(|n| last.is_none_or(|at| n.created_at > at))
                .collect::<Vec<_>>(),
        ))
    });
    view! {
        <div class="review">
            <ScoreHistory agent=agent compact=true />
            <div class="columns">
                <div>
                    <h3 class="sub">"Open action items"</h3>
                    {when_loaded(items, |page| view! { <OpenItems items=page.items /> })}
                </div>
                <div>
                    <h3 class="sub">"Notes since the last session"</h3>
                    {when_loaded(notes, |(last, list)| view! {
                        <p class="muted small">{last.map_or_else(|| "No session yet.".to_owned(), |at| format!("Last session: {}", labels::when(at)))}</p>
                        <NoteList notes=list />
                    })}
                </div>
            </div>
        </div>
    }
}

/// Step 2: focus areas (from the KPI catalogue, or in words) and draft action items.
#[component]
fn FocusStep(
    draft: RwSignal<Draft>,
    error: RwSignal<Option<api::Error>>,
    on_back: Callback<()>,
    on_next: Callback<()>,
) -> impl IntoView {
    let settings = api::load(api::scorecard_settings);
    let items = RwSignal::new(draft.with_untracked(|d| d.items.clone()));
    Effect::new(move |_| {
        let list = items.get();
        draft.update(|d| d.items = list);
    });
    let templates = api::load(api::session_templates);
    let chosen = RwSignal::new(String::new());
    // A template fills in what it has: focus areas (ticked when they are KPIs, else in words),
    // the agenda as preparation notes, the length, and its action items after any already drafted.
    let apply = move |id: String| {
        let Some(template) = templates
            .get_untracked()
            .and_then(Result::ok)
            .and_then(|list| list.into_iter().find(|t| t.id.to_string() == id))
        else {
            return;
        };
        let kpis: Vec<String> = settings
            .get_untracked()
            .and_then(Result::ok)
            .map(|s| {
                s.catalogue
                    .into_iter()
                    .filter(|k| k.active)
                    .map(|k| k.name)
                    .collect()
            })
            .unwrap_or_default();
        let (ticked, other): (Vec<String>, Vec<String>) = template
            .focus_areas
            .iter()
            .cloned()
            .partition(|area| kpis.contains(area));
        draft.update(|d| {
            d.focus = ticked;
            d.other_focus = other.join(", ");
            if let Some(agenda) = &template.agenda {
                d.preparation = if d.preparation.trim().is_empty() {
                    agenda.clone()
                } else {
                    format!("{}\n\n{agenda}", d.preparation.trim_end())
                };
            }
            d.duration = template.duration_minutes.to_string();
        });
        items.update(|list| {
            list.extend(template.action_items.iter().map(|item| DraftItem {
                title: item.title.clone(),
                due_date:
                    (labels::today() + Duration::days(i64::from(item.due_in_days))).to_string(),
                priority: item.priority.as_str().to_owned(),
            }));
        });
    };
    view! {
        <h2>"2. Focus"</h2>
        // The picker waits for the KPI catalogue too: a template's focus areas are sorted into
        // ticked KPIs and words by it, and choosing before it arrived would tick nothing.
        {move || settings.get().and(templates.get()).and_then(Result::ok).filter(|list| !list.is_empty()).map(|list| view! {
            <div class="template-pick">
                <label for="plan-template">"Start from a template"</label>
                <select id="plan-template" data-test-id="plan-template" prop:value=move || chosen.get()
                    on:change=move |ev| { let id = event_target_value(&ev); apply(id.clone()); chosen.set(id); }>
                    <option value="">"No template"</option>
                    {list.into_iter().map(|t| view! { <option value=t.id.to_string()>{t.name}</option> }).collect_view()}
                </select>
                <a class="small" href="/sessions/templates">"Manage templates"</a>
            </div>
        })}
        <fieldset class="focus">
            <legend>"Focus areas"</legend>
            {move || settings.get().and_then(Result::ok).map(|settings| {
                settings.catalogue.into_iter().filter(|k| k.active).map(|kpi| {
                    let name = kpi.name.clone();
                    let checked_name = name.clone();
                    let id = format!("focus-{}", kpi.key);
                    let for_id = id.clone();
                    view! {
                        <label for=for_id class="check">
                            <input id=id type="checkbox" data-test-id=format!("focus-{}", kpi.key)
                                prop:checked=move || draft.with(|d| d.focus.contains(&checked_name))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let name = name.clone();
                                    draft.update(|d| {
                                        d.focus.retain(|f| *f != name);
                                        if on { d.focus.push(name); }
                                    });
                                } />
                            " " {kpi.name}
                        </label>
                    }
                }).collect_view()
            })}
        </fieldset>
        <label for="other-focus">"Other focus areas (separate with commas)"</label>
        <input id="other-focus" type="text" maxlength="300"
            prop:value=move || draft.with(|d| d.other_focus.clone())
            on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.other_focus = v); } />
        <FieldError error=error name="focus_areas" />
        <label for="preparation">"Preparation notes"</label>
        <textarea id="preparation" rows="3" maxlength="5000"
            prop:value=move || draft.with(|d| d.preparation.clone())
            on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.preparation = v); }></textarea>
        <ItemDrafts items=items error=error />
        <div class="actions">
            <button type="button" class="secondary" on:click=move |_| on_back.run(())>"Back"</button>
            <button type="button" data-test-id="wizard-next" on:click=move |_| on_next.run(())>"Next: slot"</button>
        </div>
    }
}

/// Step 3: the date, time and length, beside the sessions the coach and agent already have.
#[component]
fn SlotStep(
    draft: RwSignal<Draft>,
    error: RwSignal<Option<api::Error>>,
    on_back: Callback<()>,
    on_next: Callback<()>,
) -> impl IntoView {
    let store = store();
    let me = session();
    let my_id = me.me().map(|m| m.user.id);
    let day = Memo::new(move |_| draft.with(|d| d.date.parse::<NaiveDate>().ok()));
    let existing = api::load(move || {
        let day = day.get();
        async move {
            let Some(day) = day else {
                return Ok(Vec::new());
            };
            let from = labels::local_midnight(day);
            let to = from + Duration::days(1);
            let that_day = SessionQuery {
                from: Some(from),
                to: Some(to),
                ..SessionQuery::default()
            };
            let page = api::sessions(&that_day.page(200, None)).await?;
            Ok::<_, api::Error>(page.items)
        }
    });
    let agent = Memo::new(move |_| draft.with(|d| d.agent.parse::<UserId>().ok()));
    let relevant = move || {
        sorted_by(
            existing
                .get()
                .and_then(Result::ok)
                .unwrap_or_default()
                .into_iter()
                .filter(|s| {
                    matches!(
                        s.status,
                        domain::SessionStatus::Scheduled | domain::SessionStatus::InProgress
                    ) && (Some(s.agent_id) == agent.get() || Some(s.team_leader_id) == my_id)
                })
                .collect(),
            |s| s.scheduled_at,
        )
    };
    let clash = move || {
        let d = draft.get();
        let start = d.start()?;
        let end = start + Duration::minutes(d.minutes());
        relevant().into_iter().find(|s| {
            let other_end = s.scheduled_at + Duration::minutes(i64::from(s.duration_minutes));
            s.scheduled_at < end && other_end > start
        })
    };
    view! {
        <h2>"3. Slot"</h2>
        <div class="row">
            <div>
                <label for="slot-date">"Date"</label>
                <input id="slot-date" type="date" data-test-id="slot-date" aria-describedby="scheduled_at-error"
                    prop:value=move || draft.with(|d| d.date.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.date = v); } />
            </div>
            <div>
                <label for="slot-time">"Time"</label>
                <input id="slot-time" type="time" step="900" data-test-id="slot-time"
                    prop:value=move || draft.with(|d| d.time.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.time = v); } />
            </div>
            <div>
                <label for="slot-duration">"Length"</label>
                <select id="slot-duration" data-test-id="slot-duration"
                    prop:value=move || draft.with(|d| d.duration.clone())
                    on:change=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.duration = v); }>
                    {["15", "30", "45", "60", "90", "120"].into_iter().map(|m| view! { <option value=m>{m} " min"</option> }).collect_view()}
                </select>
            </div>
        </div>
        <FieldError error=error name="scheduled_at" />
        <h3 class="sub">"Already booked that day"</h3>
        {move || {
            let list = relevant();
            if list.is_empty() {
                view! { <p class="empty">"Nothing booked for you or the agent that day."</p> }.into_any()
            } else {
                view! { <ul class="plain" data-test-id="booked">{list.into_iter().map(|s| {
                    let end = s.scheduled_at + Duration::minutes(i64::from(s.duration_minutes));
                    view! { <li>{labels::time(s.scheduled_at)} "–" {labels::time(end)} " " {store.name(s.agent_id)}</li> }
                }).collect_view()}</ul> }.into_any()
            }
        }}
        {move || clash().map(|s| view! {
            <p class="warning" role="status">"This overlaps the session with " {store.name(s.agent_id)} " at " {labels::time(s.scheduled_at)} "."</p>
        })}
        <div class="actions">
            <button type="button" class="secondary" on:click=move |_| on_back.run(())>"Back"</button>
            <button type="button" data-test-id="wizard-next" on:click=move |_| on_next.run(())>"Next: confirm"</button>
        </div>
    }
}
