//! The root component: the store, and a route for every page (deep links and reloads land on
//! the same page).

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::components::shell::Shell;
use crate::pages;
use crate::state::store::Store;

/// The application.
#[component]
pub fn App() -> impl IntoView {
    provide_context(Store::new());
    view! {
        <Router>
            <Routes fallback=pages::not_found::NotFound>
                <Route path=path!("/login") view=pages::login::Login />
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("/") view=pages::home::Home />
                    <Route path=path!("/agents") view=pages::agents::Agents />
                    <Route path=path!("/agents/:id") view=pages::agent::AgentPage />
                    <Route path=path!("/sessions") view=pages::sessions::Sessions />
                    <Route path=path!("/sessions/new") view=pages::plan::PlanSession />
                    <Route path=path!("/sessions/:id") view=pages::session::SessionPage />
                    <Route path=path!("/items") view=pages::items::Board />
                    <Route path=path!("/notes") view=pages::notes::Notes />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
