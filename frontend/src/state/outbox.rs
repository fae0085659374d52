//! Quick notes written while the server cannot be reached. Each is kept in local storage with
//! the `Idempotency-Key` it was first sent with, and sent again, oldest first, when the
//! connection returns: the server writes a key once, so a note whose answer was lost is not
//! doubled, and one never sent is not lost (closing the tab keeps it for the next visit). A note
//! the server refuses then (its agent left the team meanwhile, say) stays, with the reason, for
//! its writer to fix and send again, or to discard: never dropped behind their back.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api;
use crate::state::drafts;
use crate::state::store::Store;

const STORAGE_KEY: &str = "coaching-hub.outbox";

/// A note waiting to be sent, or refused.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Pending {
    key: String,
    note: dto::CreateQuickNote,
    /// Why the server refused it, in its words; not sent again until changed.
    #[serde(default)]
    refused: Option<String>,
}

/// A note the server refused, for its writer to fix or discard.
#[derive(Clone, Debug, PartialEq)]
pub struct Refused {
    /// Its key in the outbox.
    pub key: String,
    /// Whom it is about.
    pub agent_id: domain::UserId,
    /// What it says.
    pub content: String,
    /// Why it was refused.
    pub reason: String,
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
    /// The notes the server refused, with why.
    pub refused: RwSignal<Vec<Refused>>,
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
        waiting: RwSignal::new(0),
        refused: RwSignal::new(Vec::new()),
        sending: StoredValue::new(false),
        store,
    };
    outbox.count();
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
    list.push(Pending {
        key,
        note,
        refused: None,
    });
    keep_all(&list);
    outbox.count();
    // Tried again at once: only the answer may have been lost, with the server still there.
    outbox.send();
    Ok(None)
}

impl Outbox {
    /// Reads the counts and the refused notes from storage into the signals.
    fn count(self) {
        let list = pending();
        self.waiting
            .set(list.iter().filter(|p| p.refused.is_none()).count());
        self.refused.set(
            list.into_iter()
                .filter_map(|p| {
                    Some(Refused {
                        reason: p.refused?,
                        key: p.key,
                        agent_id: p.note.agent_id,
                        content: p.note.content,
                    })
                })
                .collect(),
        );
    }

    /// Sends the waiting notes in order; stops at the first that cannot reach the server. A
    /// refused one stays, marked with the reason.
    pub fn send(self) {
        let next_waiting = || pending().into_iter().find(|p| p.refused.is_none());
        if self.sending.get_value() || next_waiting().is_none() {
            return;
        }
        self.sending.set_value(true);
        leptos::task::spawn_local(async move {
            while let Some(next) = next_waiting() {
                let reason = match api::create_note(&next.note, next.key.clone()).await {
                    Err(api::Error::Network(_)) => break,
                    Ok(note) => {
                        self.store.notes.upsert(note);
                        None
                    }
                    Err(err) => Some(crate::components::field::sentence(&refusal(&err))),
                };
                let mut list = pending();
                match reason {
                    None => list.retain(|p| p.key != next.key),
                    Some(reason) => {
                        if let Some(kept) = list.iter_mut().find(|p| p.key == next.key) {
                            kept.refused = Some(reason);
                        }
                    }
                }
                keep_all(&list);
                self.count();
            }
            self.sending.set_value(false);
        });
    }

    /// Sends a refused note again with `content` (under a new key: the old one's answer was
    /// the refusal).
    pub fn retry(self, key: &str, content: String) {
        let mut list = pending();
        if let Some(note) = list.iter_mut().find(|p| p.key == key) {
            note.note.content = content;
            note.refused = None;
            note.key = new_key();
        }
        keep_all(&list);
        self.count();
        self.send();
    }

    /// Drops a refused note for good.
    pub fn discard(self, key: &str) {
        let mut list = pending();
        list.retain(|p| p.key != key);
        keep_all(&list);
        self.count();
    }
}

/// A refusal in words: the field's message when it names one, else the problem's.
fn refusal(err: &api::Error) -> String {
    err.fields()
        .first()
        .and_then(|field| err.field(field))
        .unwrap_or_else(|| err.to_string())
}
