//! "Copy" beside a secret shown once (a token, a webhook's signing secret, a calendar feed's
//! address, recovery codes): the browser's clipboard, and word that it worked.

use leptos::prelude::*;

/// Copies `text` to the clipboard; says "Copied" for a moment, or how to copy by hand.
#[component]
pub fn CopyButton(text: String, #[prop(into)] what: String) -> impl IntoView {
    let said = RwSignal::new(None::<&'static str>);
    let copy = move |_| {
        let text = text.clone();
        leptos::task::spawn_local(async move {
            let clipboard = window().navigator().clipboard();
            let copied = wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&text))
                .await
                .is_ok();
            said.set(Some(if copied {
                "Copied"
            } else {
                "Select it and copy it by hand"
            }));
            set_timeout(move || said.set(None), std::time::Duration::from_secs(3));
        });
    };
    view! {
        <button type="button" class="secondary small" data-test-id="copy" aria-label=format!("Copy {what}")
            on:click=copy>"Copy"</button>
        <span class="muted small" role="status">{move || said.get()}</span>
    }
}
