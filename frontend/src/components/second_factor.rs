//! The pieces of setting up a second factor that sign-in and the account page share: the QR code
//! with its secret, and the recovery codes shown once.

use leptos::prelude::*;

/// How to add the account to an authenticator app.
#[component]
pub fn Enrolment(enrolment: dto::SecondFactorEnrolment) -> impl IntoView {
    view! {
        <div class="enrolment" data-test-id="enrolment">
            <img class="qr" src=enrolment.qr_svg_data_url width="200" height="200"
                alt="QR code to scan with your authenticator app" />
            <div>
                <p>"Scan the code with an authenticator app (such as Google Authenticator, Microsoft Authenticator or 1Password), or type this key into it:"</p>
                <p><code class="secret-key" data-test-id="enrolment-secret">{enrolment.secret}</code></p>
                <p class="muted small">"Then enter the six digits the app shows."</p>
            </div>
        </div>
    }
}

/// Recovery codes, to keep somewhere safe: each signs in once without the app.
#[component]
pub fn RecoveryCodes(codes: Vec<String>, on_done: Callback<()>) -> impl IntoView {
    let all = codes.join("\n");
    view! {
        <div class="notice ok" role="status" data-test-id="recovery-codes">
            <p><strong>"Your recovery codes"</strong>
                ". Each signs you in once if you lose your phone. Keep them somewhere safe: they are not shown again."</p>
            <ul class="codes">
                {codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
            </ul>
            <div class="actions">
                <crate::components::copy::CopyButton text=all what="the recovery codes" />
                <button type="button" data-test-id="recovery-codes-saved" on:click=move |_| on_done.run(())>
                    "I have saved them"
                </button>
            </div>
        </div>
    }
}
