//! The sign-in form.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::components::error_banner::ErrorBanner;

/// Email and password; on success, the home page.
#[component]
pub fn Login() -> impl IntoView {
    let (email, set_email) = signal(String::new());
    let (password, set_password) = signal(String::new());
    let (error, set_error) = signal(None::<api::Error>);
    let navigate = use_navigate();
    let sign_in = Action::new_local(move |(email, password): &(String, String)| {
        api::login(email.clone(), password.clone())
    });
    Effect::new(move |_| match sign_in.value().get() {
        Some(Ok(_)) => navigate("/", Default::default()),
        Some(Err(err)) => set_error.set(Some(err)),
        None => {}
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        set_error.set(None);
        sign_in.dispatch((email.get_untracked(), password.get_untracked()));
    };
    view! {
        <section class="card login">
            <h1>"Sign in"</h1>
            <form on:submit=submit>
                <label for="email">"Email"</label>
                <input id="email" type="email" autocomplete="username" required
                    data-test-id="email"
                    prop:value=email on:input=move |ev| set_email.set(event_target_value(&ev)) />
                <label for="password">"Password"</label>
                <input id="password" type="password" autocomplete="current-password" required
                    data-test-id="password"
                    prop:value=password on:input=move |ev| set_password.set(event_target_value(&ev)) />
                <button type="submit" data-test-id="sign-in" disabled=move || sign_in.pending().get()>
                    {move || if sign_in.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
            <ErrorBanner error=error />
        </section>
    }
}
