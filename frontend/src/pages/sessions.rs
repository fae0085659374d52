//! Sessions: a list (coming and past) and a week calendar. A booked session is dragged to
//! another day of the week to move it there at the same time of day (the session page changes
//! it from the keyboard).

use chrono::{Datelike, Duration, NaiveDate};
use dto::query::{Paging, SessionQuery};
use leptos::prelude::*;

use crate::api;
use crate::components::error_banner::{ErrorBanner, LoadStatus};
use crate::components::narrowing::{Narrowing, NarrowingFields};
use crate::labels;
use crate::state::session;
use crate::state::store::{sorted_by, store};

/// One session in a list: when, who, state.
#[component]
pub fn SessionRow(session: dto::Session) -> impl IntoView {
    let store = store();
    let status = session.status;
    view! {
        <li class="session-row">
            <a href=format!("/sessions/{}", session.id) data-test-id="session-link">
                <span class="when">{labels::when(session.scheduled_at)}</span>
                <span class="who">{move || store.name(session.agent_id)}</span>
            </a>
            <span class=format!("pill status-{}", status.as_str().to_lowercase())>{labels::session_status(status)}</span>
        </li>
    }
}

/// The start (Monday) of the week holding `day`.
fn week_start(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// The session list and week calendar.
#[component]
pub fn Sessions() -> impl IntoView {
    let store = store();
    let session = session();
    let week = RwSignal::new(week_start(labels::today()));
    let calendar = RwSignal::new(true);
    // The shown week, and the next month for the list.
    let loaded = api::load(move || {
        let start = week.get();
        async move {
            let around = SessionQuery {
                from: Some(labels::local_midnight(start - Duration::days(28))),
                to: Some(labels::local_midnight(start + Duration::days(35))),
                ..SessionQuery::default()
            };
            let page = api::sessions(&around.page(200, None)).await?;
            store.sessions.upsert_all(page.items);
            Ok(())
        }
    });
    // Moving a booked session to another day by dragging it there.
    let move_error = RwSignal::new(None::<api::Error>);
    let reschedule = api::submit(
        |(id, body, version): (domain::SessionId, dto::UpdateSession, i32)| async move {
            api::update_session(id, &body, version).await
        },
        move |reply| match reply {
            Ok(moved) => {
                move_error.set(None);
                store.sessions.upsert(moved);
            }
            Err(err) => move_error.set(Some(err)),
        },
    );
    let may_move = move |s: &dto::Session| {
        s.status == domain::SessionStatus::Scheduled
            && store.people.get(s.agent_id.uuid()).is_some_and(|agent| {
                session.can(
                    domain::Action::ManageSession,
                    &crate::state::agent_record(&agent),
                )
            })
    };
    let drop_on = move |day: NaiveDate| {
        move |ev: leptos::ev::DragEvent| {
            ev.prevent_default();
            let id = ev
                .data_transfer()
                .and_then(|d| d.get_data("text/plain").ok())
                .and_then(|text| text.parse::<domain::SessionId>().ok());
            let Some(dragged) = id.and_then(|id| store.sessions.get(id.uuid())) else {
                return;
            };
            if labels::on_day(dragged.scheduled_at, day) {
                return;
            }
            let shift = day
                - dragged
                    .scheduled_at
                    .with_timezone(&chrono::Local)
                    .date_naive();
            let body = dto::UpdateSession {
                scheduled_at: Some(dragged.scheduled_at + shift),
                duration_minutes: None,
                focus_areas: None,
                preparation_notes: None,
                version: None,
            };
            reschedule.dispatch((dragged.id, body, dragged.version));
        }
    };
    let in_week = move |day: NaiveDate| {
        sorted_by(
            store
                .sessions
                .filter(|s| labels::on_day(s.scheduled_at, day)),
            |s| s.scheduled_at,
        )
    };
    view! {
        <div class="page-head">
            <h1>"Sessions"</h1>
            <div class="actions">
                <div class="segmented" role="group" aria-label="View">
                    <button type="button" aria-pressed=move || calendar.get().to_string()
                        on:click=move |_| calendar.set(true)>"Week"</button>
                    <button type="button" aria-pressed=move || (!calendar.get()).to_string()
                        data-test-id="list-view" on:click=move |_| calendar.set(false)>"List"</button>
                </div>
                {session.is_coach().then(|| view! {
                    <a class="button secondary" href="/sessions/templates" data-test-id="session-templates">"Templates"</a>
                    <a class="button" href="/sessions/new" data-test-id="plan-session">"Plan a session"</a>
                })}
            </div>
        </div>
        <LoadStatus status=api::status(loaded) />
        <ErrorBanner error=move_error />
        <Show when=move || calendar.get() fallback=move || view! { <SessionList /> }>
            <div class="week-nav">
                <button type="button" class="secondary" on:click=move |_| week.update(|w| *w -= Duration::days(7))>
                    <span aria-hidden="true">"‹ "</span>"Previous week"
                </button>
                <h2>{move || format!("Week of {}", labels::date(week.get()))}</h2>
                <button type="button" class="secondary" on:click=move |_| week.update(|w| *w += Duration::days(7))>
                    "Next week"<span aria-hidden="true">" ›"</span>
                </button>
            </div>
            <div class="week" data-test-id="week">
                {move || {
                    let start = week.get();
                    let today = labels::today();
                    (0..7).map(|offset| {
                        let day = start + Duration::days(offset);
                        let list = in_week(day);
                        view! {
                            <section class="day" class:today=day == today aria-label=labels::day_long(day)
                                data-test-id=format!("day-{day}")
                                on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
                                on:drop=drop_on(day)>
                                <h3>{labels::day_short(day)}</h3>
                                {if list.is_empty() {
                                    view! { <p class="empty small">"—"</p> }.into_any()
                                } else {
                                    view! { <ul>{list.into_iter().map(|s| { let id = s.id; view! {
                                        <li class=format!("slot status-{}", s.status.as_str().to_lowercase())
                                            draggable=may_move(&s).to_string() data-test-id="week-slot"
                                            on:dragstart=move |ev: leptos::ev::DragEvent| {
                                                if let Some(data) = ev.data_transfer() {
                                                    let _ = data.set_data("text/plain", &id.to_string());
                                                }
                                            }>
                                            <a href=format!("/sessions/{}", s.id)>
                                                <span class="time">{labels::time(s.scheduled_at)}</span>
                                                <span>{store.name(s.agent_id)}</span>
                                            </a>
                                        </li>
                                    } }).collect_view()}</ul> }.into_any()
                                }}
                            </section>
                        }
                    }).collect_view()
                }}
            </div>
        </Show>
    }
}

/// The sessions of an agent and a span of days (from four weeks ago by default, further back on
/// request): coming first (soonest first), then past (latest first).
#[component]
fn SessionList() -> impl IntoView {
    let store = store();
    let narrowing = Narrowing::new(Some(labels::today() - Duration::days(28)));
    let sessions = api::paged(
        move || narrowing.sessions(),
        |query| async move { api::sessions(&query).await },
        move |page: Vec<dto::Session>| {
            let ids = page
                .iter()
                .map(|s| s.id)
                .collect::<Vec<domain::SessionId>>();
            store.sessions.upsert_all(page);
            ids
        },
    );
    let (shown, loaded) = (sessions.shown, sessions.loaded);
    let now = chrono::Utc::now();
    let listed = move |coming: bool| {
        let ids = shown.get();
        let list = store
            .sessions
            .filter(|s| ids.contains(&s.id) && (s.scheduled_at >= now) == coming);
        if coming {
            sorted_by(list, |s| s.scheduled_at)
        } else {
            sorted_by(list, |s| std::cmp::Reverse(s.scheduled_at))
        }
    };
    let since = move || {
        narrowing.first_day().map_or_else(
            || "Past".to_owned(),
            |day| format!("Past, since {}", labels::date(day)),
        )
    };
    view! {
        <div class="filters card" role="search">
            <NarrowingFields narrowing id="sessions" what="Scheduled" />
        </div>
        <LoadStatus status=api::status(loaded) />
        <section class="card">
            <h2>"Coming"</h2>
            {move || {
                let list = listed(true);
                if list.is_empty() {
                    view! { <p class="empty">"Nothing booked."</p> }.into_any()
                } else {
                    view! { <ul class="rows">{list.into_iter().map(|s| view! { <SessionRow session=s /> }).collect_view()}</ul> }.into_any()
                }
            }}
            <h2>{since}</h2>
            {move || {
                let list = listed(false);
                if list.is_empty() {
                    view! { <p class="empty">"No session in this span."</p> }.into_any()
                } else {
                    view! { <ul class="rows" data-test-id="past-sessions">{list.into_iter().map(|s| view! { <SessionRow session=s /> }).collect_view()}</ul> }.into_any()
                }
            }}
            <div class="actions">
                <api::ShowMore list=sessions label="Show more" test_id="sessions-more" />
                <button type="button" class="secondary small" data-test-id="sessions-earlier"
                    on:click=move |_| narrowing.earlier()>"Four weeks earlier"</button>
            </div>
        </section>
    }
}
