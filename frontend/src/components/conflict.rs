//! What a person sees when someone else changed a record first (412): the change is never
//! silently overwritten; they reload what is there now, or apply theirs again on top of it.

use leptos::prelude::*;

/// A dialog about a stale write (the caller knows the version the server holds now).
#[component]
pub fn ConflictDialog(
    /// Whether it shows.
    #[prop(into)]
    open: Signal<bool>,
    /// Drop my change and show the record as it is now.
    on_reload: Callback<()>,
    /// Send my change again, based on the current version.
    on_reapply: Callback<()>,
) -> impl IntoView {
    view! {
        <Show when=move || open.get()>
            <div class="backdrop">
                <div class="dialog" role="alertdialog" aria-modal="true" aria-labelledby="conflict-title"
                    aria-describedby="conflict-text" data-test-id="conflict-dialog">
                    <h2 id="conflict-title">"Changed by someone else"</h2>
                    <p id="conflict-text">
                        "Someone else changed this after you opened it. Reload to see their change, or apply yours on top of it."
                    </p>
                    <div class="actions">
                        <button type="button" class="secondary" data-test-id="conflict-reload"
                            on:click=move |_| on_reload.run(())>"Reload"</button>
                        <button type="button" data-test-id="conflict-reapply"
                            on:click=move |_| on_reapply.run(())>"Apply mine again"</button>
                    </div>
                </div>
            </div>
        </Show>
    }
}
