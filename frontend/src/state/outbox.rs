//! Quick notes written while the server cannot be reached. Each is kept in local storage with
//! the `Idempotency-Key` it was first sent with, and sent again, oldest first, when the
//! connection returns: the server writes a key once, so a note whose answer was lost is not
//! doubled, and one never sent is not lost (closing the tab keeps it for the next visit).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api;
use crate::state::drafts;
use crate::state::store::Store;

const STORAGE_KEY: &str = "coaching-hub.outbox";

/// A note waiting to be sent.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Pending {
    key: String,
    note: dto::CreateQuickNote,
}

fn pending() -> Vec<Pending> {
    drafts::load(STORAGE_KEY).unwrap_or_default()
}

fn keep_all(list: &[Pending]) {
    if list.is_empty() {
        drafts::discard(STORAGE_KEY);
    } else {
        drafts::save(STORAGE_KEY, &list);
    }
}

/// The notes waiting, for the shell's banner and the capture dialog.
#[derive(Clone, Copy, Debug)]
pub struct Outbox {
    /// How many notes wait to be sent.
    pub waiting: RwSignal<usize>,
    /// Why the server refused a note that waited (it is then dropped: sending it again would
    /// be refused again).
    pub refused: RwSignal<Option<api::Error>>,
    sending: StoredValue<bool>,
    store: Store,
}

/// A new key for one write.
pub fn new_key() -> String {
    window()
        .crypto()
        .map(|crypto| crypto.random_uuid())
        .unwrap_or_else(|_| format!("{}", js_sys::Date::now()))
}

/// Creates the outbox (provided to the components below) and sends what an earlier visit left.
pub fn start(store: Store) -> Outbox {
    let outbox = Outbox {
        waiting: RwSignal::new(pending().len()),
        refused: RwSignal::new(None),
        sending: StoredValue::new(false),
        store,
    };
    provide_context(outbox);
    let online = window_event_listener(leptos::ev::online, move |_| outbox.send());
    on_cleanup(move || online.remove());
    outbox.send();
    outbox
}

/// The outbox, from context.
pub fn outbox() -> Outbox {
    expect_context::<Outbox>()
}

/// Sends a new note under a new key. When the server cannot be reached, or notes written
/// earlier still wait (they go first), the note waits in the outbox (`Ok(None)`); the server's
/// answer otherwise.
pub async fn create_note(
    outbox: Outbox,
    note: dto::CreateQuickNote,
) -> Result<Option<dto::QuickNote>, api::Error> {
    let key = new_key();
    if outbox.waiting.get_untracked() == 0 {
        match api::create_note(&note, key.clone()).await {
            Ok(saved) => return Ok(Some(saved)),
            Err(api::Error::Network(_)) => {}
            Err(err) => return Err(err),
        }
    }
    let mut list = pending();
    list.push(Pending { key, note });
    keep_all(&list);
    outbox.waiting.set(list.len());
    // Tried again at once: only the answer may have been lost, with the server still there.
    outbox.send();
    Ok(None)
}

impl Outbox {
    /// Sends the waiting notes in order; stops at the first that cannot reach the server.
    pub fn send(self) {
        if self.sending.get_value() || pending().is_empty() {
            return;
        }
        self.sending.set_value(true);
        leptos::task::spawn_local(async move {
            while let Some(next) = pending().into_iter().next() {
                match api::create_note(&next.note, next.key.clone()).await {
                    Err(api::Error::Network(_)) => break,
                    Ok(note) => self.store.notes.upsert(note),
                    Err(err) => self.refused.set(Some(err)),
                }
                let mut list = pending();
                list.retain(|p| p.key != next.key);
                keep_all(&list);
                self.waiting.set(list.len());
            }
            self.sending.set_value(false);
        });
    }
}
