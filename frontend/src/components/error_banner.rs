//! Shows an API error to people: the problem's title and what to do, never a raw error.

use leptos::prelude::*;

use crate::api;

/// A banner with the error's title and message; nothing when there is no error.
#[component]
pub fn ErrorBanner(#[prop(into)] error: Signal<Option<api::Error>>) -> impl IntoView {
    move || {
        error.get().map(|error| {
            let message = match (&error, error.retry_after()) {
                (_, Some(wait)) => format!("Too many attempts. Try again in {}.", wait_words(wait)),
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

/// A wait as people say it: seconds up to a minute and a half, then whole minutes (rounded up).
fn wait_words(seconds: u64) -> String {
    match seconds {
        1 => "a second".to_owned(),
        0..=90 => format!("{seconds} seconds"),
        _ => match seconds.div_ceil(60) {
            1 => "a minute".to_owned(),
            minutes => format!("{minutes} minutes"),
        },
    }
}

/// What a list shows while loading or when it failed.
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="muted" aria-live="polite">"Loading…"</p> }
}

/// "Loading…" until a load's first reply, its error when the newest reply failed, else nothing.
#[component]
pub fn LoadStatus(status: Signal<api::Status>) -> impl IntoView {
    move || match status.get() {
        api::Status::Waiting => Some(view! { <Loading /> }.into_any()),
        api::Status::Failed(err) => Some(
            view! { <ErrorBanner error=Signal::derive(move || Some(err.clone())) /> }.into_any(),
        ),
        api::Status::Loaded => None,
    }
}

/// Draws `ok` with a load's records once they arrive; before that "Loading…", or the error.
pub fn when_loaded<T, V>(
    reply: ReadSignal<api::Reply<T>>,
    ok: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <LoadStatus status=api::status(reply) />
        {move || reply.get().and_then(Result::ok).map(&ok)}
    }
}
