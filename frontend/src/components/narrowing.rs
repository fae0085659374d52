//! What a list is narrowed to: one agent, and a span of days (sessions, action items, notes).

use chrono::{Duration, NaiveDate};
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

    /// The query for the API: `agent_id`, and the days as times (`from`, `to`: the first day's
    /// local midnight, the midnight after the last day).
    pub fn times(self) -> Vec<(&'static str, String)> {
        let midnight = |day: NaiveDate| labels::api_time(labels::local_midnight(day));
        vec![
            ("agent_id", self.agent.get()),
            ("from", self.first_day().map(midnight).unwrap_or_default()),
            (
                "to",
                self.last_day()
                    .map(|d| midnight(d + Duration::days(1)))
                    .unwrap_or_default(),
            ),
        ]
    }

    /// The query for the API with the days as due dates: `due_from` the first day, `due_before`
    /// the day after the last.
    pub fn due_dates(self) -> Vec<(&'static str, String)> {
        vec![
            ("agent_id", self.agent.get()),
            (
                "due_from",
                self.first_day().map(|d| d.to_string()).unwrap_or_default(),
            ),
            (
                "due_before",
                self.last_day()
                    .map(|d| (d + Duration::days(1)).to_string())
                    .unwrap_or_default(),
            ),
        ]
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
