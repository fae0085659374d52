//! What a list is narrowed to: one agent, and a span of days (sessions, action items, notes).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use dto::query::{ActionItemQuery, QuickNoteQuery, SessionQuery};
use leptos::prelude::*;

use crate::labels;
use crate::state::store::{sorted_by, store};

/// The agent (an id, or empty for every agent) and the first and last day (`YYYY-MM-DD`, or
/// empty for no bound) a list shows.
#[derive(Clone, Copy)]
pub struct Narrowing {
    pub agent: RwSignal<String>,
    pub from: RwSignal<String>,
    pub to: RwSignal<String>,
}

impl Narrowing {
    /// Every agent, from `from` on.
    pub fn new(from: Option<NaiveDate>) -> Self {
        Self {
            agent: RwSignal::new(String::new()),
            from: RwSignal::new(from.map(|d| d.to_string()).unwrap_or_default()),
            to: RwSignal::new(String::new()),
        }
    }

    /// The first day shown, when one is set.
    pub fn first_day(self) -> Option<NaiveDate> {
        self.from.get().parse().ok()
    }

    /// Four weeks further back (from today when no first day is set).
    pub fn earlier(self) {
        let first = self.first_day().unwrap_or_else(labels::today);
        self.from.set((first - Duration::days(28)).to_string());
    }

    /// The agent chosen, when one is.
    fn agent_id(self) -> Option<domain::UserId> {
        self.agent.get().parse().ok()
    }

    /// The days as times: the first day's local midnight, and the midnight after the last day.
    fn times(self) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
        (
            self.first_day().map(labels::local_midnight),
            self.last_day()
                .map(|day| labels::local_midnight(day + Duration::days(1))),
        )
    }

    /// The sessions scheduled within the narrowing.
    pub fn sessions(self) -> SessionQuery {
        let (from, to) = self.times();
        SessionQuery {
            agent_id: self.agent_id(),
            from,
            to,
            ..SessionQuery::default()
        }
    }

    /// The notes written within the narrowing.
    pub fn notes(self) -> QuickNoteQuery {
        let (from, to) = self.times();
        QuickNoteQuery {
            agent_id: self.agent_id(),
            from,
            to,
            ..QuickNoteQuery::default()
        }
    }

    /// The action items due within the narrowing (due before the day after the last).
    pub fn items(self) -> ActionItemQuery {
        ActionItemQuery {
            agent_id: self.agent_id(),
            due_from: self.first_day(),
            due_before: self.last_day().map(|day| day + Duration::days(1)),
            ..ActionItemQuery::default()
        }
    }

    fn last_day(self) -> Option<NaiveDate> {
        self.to.get().parse().ok()
    }

    /// Whether a record about `agent` on `day` is within the narrowing (for records that arrive
    /// after the list was read: made here, or live).
    pub fn holds(self, agent: domain::UserId, day: NaiveDate) -> bool {
        self.agent.with(|a| a.is_empty() || *a == agent.to_string())
            && self.first_day().is_none_or(|first| day >= first)
            && self.last_day().is_none_or(|last| day <= last)
    }
}

/// The agent picker and the two days, labelled for what the days are (`what`: "Scheduled",
/// "Due", "Written").
#[component]
pub fn NarrowingFields(
    narrowing: Narrowing,
    id: &'static str,
    what: &'static str,
) -> impl IntoView {
    let store = store();
    let agents = move || {
        sorted_by(
            store.people.filter(|p| p.role == domain::Role::Agent),
            |p| p.name.clone(),
        )
    };
    let Narrowing { agent, from, to } = narrowing;
    view! {
        <div>
            <label for=format!("{id}-agent")>"Agent"</label>
            <select id=format!("{id}-agent") bind:value=agent data-test-id=format!("{id}-agent")>
                <option value="">"Every agent"</option>
                {move || agents().into_iter().map(|p| view! { <option value=p.id.to_string()>{p.name.clone()}</option> }).collect_view()}
            </select>
        </div>
        <div>
            <label for=format!("{id}-from")>{format!("{what} from")}</label>
            <input id=format!("{id}-from") type="date" bind:value=from data-test-id=format!("{id}-from") />
        </div>
        <div>
            <label for=format!("{id}-to")>{format!("{what} until")}</label>
            <input id=format!("{id}-to") type="date" bind:value=to data-test-id=format!("{id}-to") />
        </div>
    }
}
