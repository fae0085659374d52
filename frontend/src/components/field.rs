//! The server's message for one field, beside its input (422 problems name each field).

use leptos::prelude::*;

use crate::api;

/// The message for `name` in `error`, if any; its id is `{name}-error` for `aria-describedby`.
#[component]
pub fn FieldError(
    #[prop(into)] error: Signal<Option<api::Error>>,
    name: &'static str,
) -> impl IntoView {
    move || {
        error
            .get()
            .and_then(|error| error.field(name))
            .map(|message| {
                view! { <p class="field-error" id=format!("{name}-error") data-test-id=format!("{name}-error")>{message}</p> }
            })
    }
}
