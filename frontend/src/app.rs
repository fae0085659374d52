//! The root component: routes.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::pages::{home::Home, login::Login, not_found::NotFound};

/// The application.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <header class="top">
                <a href="/">"Coaching Hub"</a>
            </header>
            <main>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home />
                    <Route path=path!("/login") view=Login />
                </Routes>
            </main>
        </Router>
    }
}
