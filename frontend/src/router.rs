//! Client-side navigation: the path is a signal, links on this site change it without a page
//! load, and the browser's back and forward buttons move through it.
//!
//! Written here rather than taken from `leptos_router`: the client needs one flat table of
//! routes, a few with an id, and that crate's nested routing, matching and link machinery was
//! a tenth of the wasm (twiggy: 119 KB of code before wasm-opt).

use domain::{ActionPlanId, EvaluationId, SessionId, UserId};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Every page of the client, with the ids its path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    Login,
    Home,
    Agents,
    Agent(UserId),
    Sessions,
    PlanSession,
    /// `/sessions/templates`: the session templates.
    Templates,
    Session(SessionId),
    Items,
    Notes,
    Plans,
    NewPlan,
    Plan(ActionPlanId),
    /// `/evaluations/{id}`: one evaluation.
    Evaluation(EvaluationId),
    Admin,
    People,
    Audit,
    Announcements,
    MetricsFiles,
    Teams,
    Scorecard,
    /// `/admin/webhooks`: outbound webhooks (admins).
    Webhooks,
    Account,
    NotFound,
}

impl Route {
    /// The page a path shows (the query is not part of it).
    pub fn of(path: &str) -> Self {
        let parts: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
        match parts.as_slice() {
            [] | [""] => Route::Home,
            ["login"] | ["login", "sso"] | ["reset-password"] => Route::Login,
            ["agents"] => Route::Agents,
            ["agents", id] => id.parse().map_or(Route::NotFound, Route::Agent),
            ["sessions"] => Route::Sessions,
            ["sessions", "new"] => Route::PlanSession,
            ["sessions", "templates"] => Route::Templates,
            ["sessions", id] => id.parse().map_or(Route::NotFound, Route::Session),
            ["items"] => Route::Items,
            ["notes"] => Route::Notes,
            ["plans"] => Route::Plans,
            ["plans", "new"] => Route::NewPlan,
            ["plans", id] => id.parse().map_or(Route::NotFound, Route::Plan),
            ["evaluations", id] => id.parse().map_or(Route::NotFound, Route::Evaluation),
            ["admin"] => Route::Admin,
            ["admin", "people"] => Route::People,
            ["admin", "audit"] => Route::Audit,
            ["admin", "announcements"] => Route::Announcements,
            ["admin", "metrics"] => Route::MetricsFiles,
            ["admin", "teams"] => Route::Teams,
            ["admin", "scorecard"] => Route::Scorecard,
            ["admin", "webhooks"] => Route::Webhooks,
            ["account"] => Route::Account,
            _ => Route::NotFound,
        }
    }
}

/// Where the browser is: the path, and the query string without its `?`.
#[derive(Clone, Copy, Debug)]
pub struct Location {
    pub path: RwSignal<String>,
    query: RwSignal<String>,
}

/// Reads the browser's address into the location signals.
fn read(location: Location) {
    let address = window().location();
    location.path.set(address.pathname().unwrap_or_default());
    let search = address.search().unwrap_or_default();
    location
        .query
        .set(search.strip_prefix('?').unwrap_or(&search).to_owned());
}

/// Starts following the address bar; the location is then available to every component.
pub fn start() -> Location {
    let location = Location {
        path: RwSignal::new(String::new()),
        query: RwSignal::new(String::new()),
    };
    read(location);
    CURRENT.with(|current| current.set(Some(location)));
    let back = window_event_listener(leptos::ev::popstate, move |_| read(location));
    let click = window_event_listener(leptos::ev::click, move |ev| {
        if let Some(href) = internal_link(&ev) {
            ev.prevent_default();
            navigate(&href);
        }
    });
    on_cleanup(move || {
        back.remove();
        click.remove();
    });
    location
}

/// The href of a plain left click on a link to a page of this site, which the client shows
/// itself; `None` for anything the browser should handle (new tab, download, other site, `#`).
fn internal_link(ev: &web_sys::MouseEvent) -> Option<String> {
    if ev.default_prevented()
        || ev.button() != 0
        || ev.ctrl_key()
        || ev.meta_key()
        || ev.shift_key()
        || ev.alt_key()
    {
        return None;
    }
    let anchor = ev
        .target()?
        .dyn_into::<web_sys::Element>()
        .ok()?
        .closest("a[href]")
        .ok()??;
    if anchor.has_attribute("download") || anchor.get_attribute("target").is_some() {
        return None;
    }
    let href = anchor.get_attribute("href")?;
    (href.starts_with('/') && !href.starts_with("//") && !href.starts_with("/api/")).then_some(href)
}

thread_local! {
    /// The one location of the page, set by [`start`]: navigation also happens from tasks that
    /// run outside any component (an answer arriving), where there is no context to read.
    static CURRENT: std::cell::Cell<Option<Location>> = const { std::cell::Cell::new(None) };
}

/// The location every component shares.
pub fn location() -> Location {
    CURRENT
        .with(std::cell::Cell::get)
        .expect("router::start runs before any page")
}

/// Shows `to` (a path on this site, with an optional query) as a new history entry, at the top.
pub fn navigate(to: &str) {
    let window = window();
    if let Ok(history) = window.history() {
        let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(to));
    }
    window.scroll_to_with_x_and_y(0.0, 0.0);
    if let Some(location) = CURRENT.with(std::cell::Cell::get) {
        read(location);
    }
}

/// Shows `to` in place of the current history entry (an address not to come back to).
pub fn replace(to: &str) {
    let window = window();
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(to));
    }
    if let Some(location) = CURRENT.with(std::cell::Cell::get) {
        read(location);
    }
}

/// The value of one query parameter of the current address, decoded (tracked: a view that
/// reads it follows the address).
pub fn query(name: &str) -> Option<String> {
    let query = location().query.get();
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (key == name).then(|| {
            js_sys::decode_uri_component(&value.replace('+', " "))
                .ok()
                .and_then(|value| value.as_string())
                .unwrap_or_default()
        })
    })
}
