//! The sign-in form: wrong credentials, a lock-out with its wait, and an unreachable server each
//! say so plainly; a second factor is asked for next when the person has one (and set up first
//! when their role needs one they lack); success returns to the page that sent them here.
//! Where single sign-on is configured, "Sign in with SSO" goes to the provider, which sends the
//! browser back to `/login/sso`: this page finishes the sign-in from there.
//! A temporary password is replaced before the sign-in completes. Where email is on, "Forgot
//! your password?" emails a link to `/reset-password#<token>`, which this page also serves.

use leptos::prelude::*;

use crate::api;
use crate::components::error_banner::ErrorBanner;
use crate::components::field::FieldError;
use crate::components::password::ChooseNewPassword;
use crate::components::second_factor::{Enrolment, RecoveryCodes};

/// Goes where the person was sent from (only a path on this site), or home.
fn go_on() {
    let next = crate::router::query("next")
        .filter(|next| next.starts_with('/') && !next.starts_with("//"))
        .unwrap_or_else(|| "/".to_owned());
    crate::router::navigate(&next);
}

/// Email and password; then, where needed, the second factor.
#[component]
pub fn Login() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<api::Error>);
    let challenge = RwSignal::new(None::<dto::SecondFactorChallenge>);
    let recovery = RwSignal::new(None::<Vec<String>>);
    // An emailed link's token (`/reset-password#<token>`), or a temporary password's.
    let link = untrack(|| {
        let address = window().location();
        let token = address.hash().unwrap_or_default();
        (address.pathname().unwrap_or_default() == "/reset-password")
            .then(|| token.trim_start_matches('#').to_owned())
    });
    let replacing = RwSignal::new(link.clone().map(|token| (token, Replacing::Forgotten)));
    let forgot = RwSignal::new(false);
    let answered = move |reply: Result<api::SignIn, api::Error>| match reply {
        Ok(api::SignIn {
            second_factor: Some(second_factor),
            ..
        }) => {
            replacing.set(None);
            challenge.set(Some(second_factor));
        }
        Ok(api::SignIn {
            new_password: Some(new_password),
            ..
        }) => {
            replacing.set(Some((new_password.token, Replacing::Temporary)));
        }
        Ok(_) => go_on(),
        Err(err) => error.set(Some(err)),
    };
    if link.is_some() {
        // The token is not kept in history (it works once anyway).
        crate::router::replace("/reset-password");
    }
    let sign_in = api::submit(
        move |(email, password): (String, String)| api::login(email, password),
        answered,
    );
    let offers = api::load(api::client_config);
    let sso = move || matches!(offers.get(), Some(Ok(dto::ClientConfig { sso: true, .. })));
    let email_on = move || {
        matches!(
            offers.get(),
            Some(Ok(dto::ClientConfig { email: true, .. }))
        )
    };
    // Back from the provider: the code is spent once, so its address is not kept in history.
    let returned = untrack(|| {
        let query = crate::router::query;
        (query("code"), query("state"), query("iss"), query("error"))
    });
    let finish_sso = api::submit(api::finish_sso, move |reply| {
        crate::router::replace("/login");
        answered(reply);
    });
    let provider_refused = RwSignal::new(None::<String>);
    match returned {
        (Some(code), Some(state), iss, _) => {
            finish_sso.dispatch(dto::SsoCallback { code, state, iss })
        }
        (_, _, _, Some(refusal)) => {
            let why = untrack(|| crate::router::query("error_description")).unwrap_or(refusal);
            provider_refused.set(Some(why));
            crate::router::replace("/login");
        }
        _ => {}
    }
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        error.set(None);
        sign_in.dispatch((email.get_untracked(), password.get_untracked()));
    };
    let start_again = Callback::new(move |()| {
        challenge.set(None);
        password.set(String::new());
    });
    view! {
        <main class="login-page" id="main">
            <section class="card login">
                <h1>"Coaching Hub"</h1>
                {move || match (challenge.get(), recovery.get()) {
                    (None, None) if replacing.get().is_some() => {
                        let (token, why) = replacing.get().unwrap_or_default();
                        view! {
                            <h2>{why.heading()}</h2>
                            <p class="muted">{why.explanation()}</p>
                            {if token.is_empty() {
                                view! { <p class="warning" role="alert">"This link is incomplete. Open the link from the email again, or ask for a new one."</p> }.into_any()
                            } else {
                                view! { <ChooseNewPassword token=token on_answer=Callback::new(move |answer| answered(Ok(answer))) /> }.into_any()
                            }}
                            <p class="small"><a href="/login" on:click=move |_| replacing.set(None)>"Back to sign in"</a></p>
                        }.into_any()
                    }
                    (None, None) if forgot.get() => view! {
                        <Forgotten on_back=Callback::new(move |()| forgot.set(false)) />
                    }.into_any(),
                    (_, Some(codes)) => view! {
                        <RecoveryCodes codes=codes on_done=Callback::new(|()| go_on()) />
                    }.into_any(),
                    (Some(pending), None) => view! {
                        <SecondStep pending=pending recovery=recovery start_again=start_again />
                    }.into_any(),
                    (None, None) if finish_sso.pending() => view! {
                        <p role="status" data-test-id="sso-finishing">"Signing you in…"</p>
                    }.into_any(),
                    (None, None) => view! {
                        <p class="muted">"Sign in to coach your team."</p>
                        {move || provider_refused.get().map(|why| view! {
                            <p class="warning" role="alert">
                                "Your sign-in provider did not sign you in (" {why} "). Try again, or use your password."
                            </p>
                        })}
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
                        {move || email_on().then(|| view! {
                            <p class="small"><button type="button" class="link" data-test-id="forgot-password"
                                on:click=move |_| { error.set(None); forgot.set(true); }>"Forgot your password?"</button></p>
                        })}
                        {move || sso().then(|| view! {
                            <p class="or"><span>"or"</span></p>
                            <a class="button secondary wide" href="/api/v1/auth/sso" data-test-id="sso">
                                "Sign in with SSO"
                            </a>
                        })}
                        <ErrorBanner error=error />
                    }.into_any(),
                }}
            </section>
        </main>
    }
}

/// Why a new password is being chosen.
#[derive(Clone, Copy, Debug, Default)]
enum Replacing {
    /// From an emailed link.
    #[default]
    Forgotten,
    /// A sign-in with a temporary password.
    Temporary,
}

impl Replacing {
    fn heading(self) -> &'static str {
        match self {
            Replacing::Forgotten => "Set your password",
            Replacing::Temporary => "Choose your own password",
        }
    }

    fn explanation(self) -> &'static str {
        match self {
            Replacing::Forgotten => {
                "Choose a new password. You will be signed in with it, and signed out everywhere else."
            }
            Replacing::Temporary => {
                "You signed in with a temporary password. Choose your own to continue."
            }
        }
    }
}

/// "Forgot your password?": an email address, then word that a link is on its way if the
/// address has an account (the answer is the same either way).
#[component]
fn Forgotten(on_back: Callback<()>) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let error = RwSignal::new(None::<api::Error>);
    let sent = RwSignal::new(false);
    let ask = api::submit(
        |body: dto::ForgotPassword| async move { api::forgot_password(&body).await },
        move |reply| match reply {
            Ok(()) => sent.set(true),
            Err(err) => error.set(Some(err)),
        },
    );
    view! {
        <h2>"Forgot your password?"</h2>
        <Show when=move || sent.get() fallback=move || view! {
            <p class="muted">"Give the email address you sign in with. We will email it a link to set a new password."</p>
            <form on:submit=move |ev| {
                ev.prevent_default();
                error.set(None);
                ask.dispatch(dto::ForgotPassword { email: email.get_untracked() });
            }>
                <label for="forgot-email">"Email"</label>
                <input id="forgot-email" type="email" autocomplete="username" required
                    data-test-id="forgot-email" bind:value=email aria-describedby="email-error" />
                <FieldError error=error name="email" />
                <button type="submit" data-test-id="send-link" disabled=move || ask.pending()>
                    {move || if ask.pending() { "Sending…" } else { "Email me a link" }}
                </button>
            </form>
            <ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.fields().is_empty())) />
        }>
            <p class="ok" role="status" data-test-id="link-sent">
                "If an account has that address, a link is on its way. It works once, for 30 minutes. Check your spam folder if it does not arrive."
            </p>
        </Show>
        <p class="small"><button type="button" class="link" data-test-id="back-to-sign-in" on:click=move |_| on_back.run(())>
            "Back to sign in"
        </button></p>
    }
}

/// The code from the authenticator (or a recovery code); with the app's setup first when the
/// sign-in enrols one.
#[component]
fn SecondStep(
    pending: dto::SecondFactorChallenge,
    recovery: RwSignal<Option<Vec<String>>>,
    start_again: Callback<()>,
) -> impl IntoView {
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<api::Error>);
    let enrolling = pending.enrolment.is_some();
    let ticket = pending.challenge.clone();
    let complete = api::submit(
        |body: dto::CompleteSignIn| async move { api::complete_sign_in(&body).await },
        move |reply| match reply {
            Ok(signed_in) => match signed_in.recovery_codes {
                Some(codes) => recovery.set(Some(codes)),
                None => go_on(),
            },
            Err(err) => {
                code.set(String::new());
                error.set(Some(err));
            }
        },
    );
    view! {
        {if enrolling {
            view! {
                <h2>"Set up two-step sign-in"</h2>
                <p>"Your organisation asks people in your role to confirm each sign-in with a code from their phone."</p>
            }.into_any()
        } else {
            view! {
                <h2>"Two-step sign-in"</h2>
                <p class="muted">"Enter the six digits your authenticator app shows, or one of your recovery codes."</p>
            }.into_any()
        }}
        {pending.enrolment.map(|enrolment| view! { <Enrolment enrolment=enrolment /> })}
        <form data-test-id="second-factor-form" on:submit=move |ev| {
            ev.prevent_default();
            error.set(None);
            complete.dispatch(dto::CompleteSignIn {
                challenge: ticket.clone(),
                code: code.get_untracked(),
            });
        }>
            <label for="code">{if enrolling { "Code from the app" } else { "Code" }}</label>
            <input id="code" autocomplete="one-time-code" required maxlength="32"
                inputmode=if enrolling { "numeric" } else { "text" }
                data-test-id="second-factor-code" bind:value=code aria-describedby="code-error" />
            <FieldError error=error name="code" />
            <button type="submit" data-test-id="second-factor-submit" disabled=move || complete.pending()>
                {move || if complete.pending() { "Checking…" } else { "Continue" }}
            </button>
        </form>
        <ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.fields().is_empty())) />
        <p class="small"><button type="button" class="link" on:click=move |_| start_again.run(())>
            "Sign in as someone else"
        </button></p>
    }
}
