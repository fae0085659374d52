//! Choosing a password: the rules shown before typing and the new password typed twice; and the
//! form that sets it with a one-time token (an emailed link, or a sign-in with a temporary
//! password).

use leptos::prelude::*;

use crate::api;
use crate::components::field::FieldError;
use crate::components::quick_note::local_problem;

/// The new password typed twice, with the rules above it.
#[component]
pub fn NewPasswordFields(
    password: RwSignal<String>,
    again: RwSignal<String>,
    error: RwSignal<Option<api::Error>>,
) -> impl IntoView {
    view! {
        <label for="new-password">"New password"</label>
        <p class="muted small" id="password-rules" data-test-id="password-rules">{dto::auth::PASSWORD_RULES}</p>
        <input id="new-password" type="password" autocomplete="new-password" required minlength="12"
            maxlength="128" data-test-id="new-password" bind:value=password
            aria-describedby="password-rules new_password-error" />
        <FieldError error=error name="new_password" />
        <label for="new-password-again">"Type it again"</label>
        <input id="new-password-again" type="password" autocomplete="new-password" required
            data-test-id="new-password-again" bind:value=again aria-describedby="new_password_again-error" />
        <FieldError error=error name="new_password_again" />
    }
}

/// Whether the two typings agree; when not, `error` says so beside the second.
pub fn typed_alike(
    password: RwSignal<String>,
    again: RwSignal<String>,
    error: RwSignal<Option<api::Error>>,
) -> bool {
    let alike = password.get_untracked() == again.get_untracked();
    if !alike {
        error.set(Some(api::Error::Problem {
            problem: local_problem("new_password_again", "the two passwords differ"),
            retry_after: None,
        }));
    }
    alike
}

/// Sets a password with `token`; `on_answer` gets the sign-in it completes.
#[component]
pub fn ChooseNewPassword(token: String, on_answer: Callback<api::SignIn>) -> impl IntoView {
    let password = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let error = RwSignal::new(None::<api::Error>);
    let set = api::submit(
        |body: dto::NewPassword| async move { api::new_password(&body).await },
        move |reply| match reply {
            Ok(answer) => on_answer.run(answer),
            Err(err) => error.set(Some(err)),
        },
    );
    view! {
        <form data-test-id="new-password-form" on:submit=move |ev| {
            ev.prevent_default();
            error.set(None);
            if typed_alike(password, again, error) {
                set.dispatch(dto::NewPassword { token: token.clone(), new_password: password.get_untracked() });
            }
        }>
            <NewPasswordFields password=password again=again error=error />
            <FieldError error=error name="token" />
            <button type="submit" data-test-id="set-password" disabled=move || set.pending()>
                {move || if set.pending() { "Saving…" } else { "Save and sign in" }}
            </button>
        </form>
        <crate::components::error_banner::ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.fields().is_empty())) />
    }
}
