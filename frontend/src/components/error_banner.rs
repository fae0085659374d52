//! Shows an API error to people.

use leptos::prelude::*;

use crate::api;

/// A red banner with the error's message; nothing when there is no error.
#[component]
pub fn ErrorBanner(#[prop(into)] error: Signal<Option<api::Error>>) -> impl IntoView {
    move || {
        error.get().map(|error| {
            view! { <p class="error" role="alert" data-test-id="error">{error.to_string()}</p> }
        })
    }
}
