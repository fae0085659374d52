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
                let message = sentence(&message);
                view! { <p class="field-error" id=format!("{name}-error") data-test-id=format!("{name}-error")>{message}</p> }
            })
    }
}

/// The messages of the fields `keep` picks, as a list: for rows of a form that have no input of
/// their own to sit beside (`items[2].due_date`), each named by `label`.
#[component]
pub fn ListedErrors(
    #[prop(into)] error: Signal<Option<api::Error>>,
    keep: fn(&str) -> bool,
    label: fn(&str) -> String,
) -> impl IntoView {
    move || {
        error.get().map(|e| {
            e.fields()
                .into_iter()
                .filter(|f| keep(f))
                .map(|f| {
                    let message = sentence(&e.field(&f).unwrap_or_default());
                    view! { <p class="field-error" role="alert">{label(&f)} ": " {message}</p> }
                })
                .collect_view()
        })
    }
}

/// A server message as a sentence: its first letter capitalised ("use at least 12 characters"
/// reads "Use at least 12 characters").
pub fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}
