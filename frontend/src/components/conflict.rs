//! What a person sees when someone else changed a record first (412): the change is never
//! silently overwritten, and what they typed is never dropped; they reload what is there now, or
//! apply theirs again on top of it.

use std::future::Future;

use leptos::prelude::*;

use crate::api;

/// A change based on the version of a record a form showed. When someone else changed it first,
/// [`Stale::ask`] learns the version there now and opens the dialog; "Apply mine again" sends the
/// same change based on that version ([`Stale::base`]).
#[derive(Clone, Copy)]
pub struct Stale {
    /// The version the next write is based on.
    base: RwSignal<i32>,
    asking: RwSignal<bool>,
}

impl Stale {
    /// A change based on `version`.
    pub fn new(version: i32) -> Self {
        Self {
            base: RwSignal::new(version),
            asking: RwSignal::new(false),
        }
    }

    /// A change based on `version` from now on (a form opened again).
    pub fn rebase(self, version: i32) {
        self.base.set(version);
    }

    /// The version the next write is based on.
    pub fn base(self) -> i32 {
        self.base.get_untracked()
    }

    /// Someone else changed the record first: `current` tells the version there now (an error
    /// reading it lands in `error`), then the person is asked what to do.
    pub fn ask(
        self,
        current: impl Future<Output = Result<i32, api::Error>> + 'static,
        error: RwSignal<Option<api::Error>>,
    ) {
        leptos::task::spawn_local(async move {
            match current.await {
                Ok(version) => {
                    self.base.set(version);
                    self.asking.set(true);
                }
                Err(err) => error.set(Some(err)),
            }
        });
    }

    /// Whether the dialog is open.
    pub fn asking(self) -> Signal<bool> {
        self.asking.into()
    }

    /// Closes the dialog.
    pub fn settle(self) {
        self.asking.set(false);
    }
}

/// The dialog of a [`Stale`] change: `on_reload` drops mine and shows theirs, `on_reapply` sends
/// mine again (the dialog has closed and [`Stale::base`] is the version there now).
#[component]
pub fn StaleDialog(
    stale: Stale,
    on_reload: Callback<()>,
    on_reapply: Callback<()>,
) -> impl IntoView {
    view! {
        <ConflictDialog open=stale.asking()
            on_reload=Callback::new(move |()| { stale.settle(); on_reload.run(()); })
            on_reapply=Callback::new(move |()| { stale.settle(); on_reapply.run(()); }) />
    }
}

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
