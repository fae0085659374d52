//! Shows an API error to people: the problem's title and what to do, never a raw error.

use leptos::prelude::*;

use crate::api;

/// A banner with the error's title and message; nothing when there is no error.
#[component]
pub fn ErrorBanner(#[prop(into)] error: Signal<Option<api::Error>>) -> impl IntoView {
    move || {
        error.get().map(|error| {
            let message = match (&error, error.retry_after()) {
                (_, Some(wait)) => format!("Too many attempts. Try again in {wait} seconds."),
                (api::Error::Problem { problem, .. }, None)
                    if problem.code == dto::ErrorCode::Validation && problem.errors.is_some() =>
                {
                    "Check the fields marked below.".to_owned()
                }
                _ => error.to_string(),
            };
            let title = error.title();
            let message = (message != title).then_some(message);
            view! {
                <div class="error" role="alert" data-test-id="error">
                    <strong>{title}</strong>
                    {message.map(|m| view! { " " <span>{m}</span> })}
                </div>
            }
        })
    }
}

/// What a list shows while loading or when it failed.
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="muted" aria-live="polite">"Loading…"</p> }
}
