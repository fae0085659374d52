//! Home: who you are. Sends you to sign in when you are not.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::components::error_banner::ErrorBanner;

/// The signed-in person's profile.
#[component]
pub fn Home() -> impl IntoView {
    let me = LocalResource::new(api::me);
    let navigate = use_navigate();
    let to_login = navigate.clone();
    Effect::new(move |_| {
        if let Some(Err(err)) = me.get()
            && err.is_unauthenticated()
        {
            to_login("/login", Default::default());
        }
    });
    let sign_out = Action::new_local(|_: &()| api::logout());
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            navigate("/login", Default::default());
        }
    });
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || me.get().map(|result| match result {
                Ok(me) => view! { <Profile me=me on_sign_out=move || { sign_out.dispatch(()); } /> }.into_any(),
                Err(err) => view! { <ErrorBanner error=Signal::derive(move || Some(err.clone())) /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Profile(me: dto::Me, on_sign_out: impl Fn() + 'static) -> impl IntoView {
    let user = me.user.clone();
    let team = me
        .team
        .as_ref()
        .map(|team| team.name.clone())
        .unwrap_or_else(|| "—".to_owned());
    view! {
        <section class="card">
            <h1 data-test-id="welcome">"Welcome, " {user.name.clone()}</h1>
            <dl>
                <dt>"Email"</dt><dd data-test-id="email">{user.email.clone()}</dd>
                <dt>"Role"</dt><dd data-test-id="role">{user.role.label()}</dd>
                <dt>"Team"</dt><dd>{team}</dd>
                <dt>"Teams led"</dt><dd>{me.led_team_ids.len()}</dd>
                <dt>"Teams managed"</dt><dd>{me.managed_team_ids.len()}</dd>
            </dl>
            <button type="button" data-test-id="sign-out" on:click=move |_| on_sign_out()>"Sign out"</button>
        </section>
    }
}
