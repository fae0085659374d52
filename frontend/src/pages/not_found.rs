//! Any path the router does not know, and a page that is not for the person's role.

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

/// A page the person's role does not use (an agent opening `/admin` by its address).
#[component]
pub fn NotForYou() -> impl IntoView {
    view! {
        <section class="card" data-test-id="not-for-you">
            <h1>"This page is not for your role"</h1>
            <p>"Ask an administrator if you think you need it."</p>
            <p><a href="/">"Go to the start page"</a></p>
        </section>
    }
}
