//! Any path the router does not know.

use leptos::prelude::*;

/// A plain 404 page.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="card">
            <h1>"Page not found"</h1>
            <p><a href="/">"Go to the start page"</a></p>
        </section>
    }
}
