//! The sign-in form: wrong credentials, a lock-out with its wait, and an unreachable server each
//! say so plainly; success returns to the page that sent the person here.

use leptos::prelude::*;

use crate::api;
use crate::components::error_banner::ErrorBanner;

/// Email and password; on success, the page asked for (or home).
#[component]
pub fn Login() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<api::Error>);
    let sign_in = api::submit(
        move |(email, password): (String, String)| api::login(email, password),
        move |reply| match reply {
            Ok(_) => {
                // Only a path on this site: never an address elsewhere.
                let next = crate::router::query("next")
                    .filter(|next| next.starts_with('/') && !next.starts_with("//"))
                    .unwrap_or_else(|| "/".to_owned());
                crate::router::navigate(&next);
            }
            Err(err) => error.set(Some(err)),
        },
    );
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        error.set(None);
        sign_in.dispatch((email.get_untracked(), password.get_untracked()));
    };
    view! {
        <main class="login-page" id="main">
            <section class="card login">
                <h1>"Coaching Hub"</h1>
                <p class="muted">"Sign in to coach your team."</p>
                <form on:submit=submit>
                    <label for="email">"Email"</label>
                    <input id="email" type="email" autocomplete="username" required
                        data-test-id="email" bind:value=email />
                    <label for="password">"Password"</label>
                    <input id="password" type="password" autocomplete="current-password" required
                        data-test-id="password" bind:value=password />
                    <button type="submit" data-test-id="sign-in" disabled=move || sign_in.pending()>
                        {move || if sign_in.pending() { "Signing in…" } else { "Sign in" }}
                    </button>
                </form>
                <ErrorBanner error=error />
            </section>
        </main>
    }
}
