//! Quick notes written while the server cannot be reached: kept in the browser's local storage,
//! in order, and sent when the connection returns. Each note gets its `Idempotency-Key` when it
//! is written, so a note whose answer was lost on the way is found, not written twice.

use std::time::Duration;

use domain::UserId;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api;
use crate::state::drafts;
use crate::state::store::Store;

/// Where the waiting notes are kept.
const STORAGE_KEY: &str = "coaching-hub.outbox";
/// How often waiting notes are tried while the browser believes it is online.
const RETRY_EVERY: Duration = Duration::from_secs(5);

/// A note waiting to be sent.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Waiting {
    /// Its `Idempotency-Key`, chosen when it was written.
    pub key: String,
    /// Who wrote it: only they send it.
    pub author: UserId,
    /// The note.
    pub note: dto::CreateQuickNote,
}

/// What became of a note.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// The server has it.
    Sent,
    /// Kept in this browser until the connection returns.
    Kept,
}

/// The waiting notes and the browser's connection, shared by the shell and the capture dialog.
#[derive(Clone, Copy, Debug)]
pub struct Outbox {
    waiting: RwSignal<Vec<Waiting>>,
    /// The browser has a network (`navigator.onLine`, then its `online`/`offline` events).
    pub online: RwSignal<bool>,
    /// A waiting note the server refused when it was sent at last, and why.
    pub refused: RwSignal<Option<api::Error>>,
    sending: RwSignal<bool>,
}

impl Outbox {
    /// The outbox with what an earlier visit left waiting.
    pub fn new() -> Self {
        let online = window().navigator().on_line();
        Self {
            waiting: RwSignal::new(drafts::load(STORAGE_KEY).unwrap_or_default()),
            online: RwSignal::new(online),
            refused: RwSignal::new(None),
            sending: RwSignal::new(false),
        }
    }

    /// How many of `author`'s notes wait.
    pub fn count(&self, author: UserId) -> usize {
        self.waiting
            .with(|waiting| waiting.iter().filter(|w| w.author == author).count())
    }

    /// Sends `note` now; keeps it for later when the server cannot be reached, or when earlier
    /// notes still wait (notes arrive in the order they were written).
    pub async fn send(
        self,
        author: UserId,
        note: dto::CreateQuickNote,
        store: Store,
    ) -> Result<Delivery, api::Error> {
        let waiting = Waiting {
            key: new_key(),
            author,
            note,
        };
        if !self.online.get_untracked() || self.count_untracked(author) > 0 {
            self.keep(waiting);
            self.flush(author, store);
            return Ok(Delivery::Kept);
        }
        match api::create_note(&waiting.note, &waiting.key).await {
            Ok(saved) => {
                store.notes.upsert(saved);
                Ok(Delivery::Sent)
            }
            // The request may have arrived: it goes again with the same key.
            Err(api::Error::Network(_)) => {
                self.keep(waiting);
                Ok(Delivery::Kept)
            }
            Err(err) => Err(err),
        }
    }

    /// Sends `author`'s waiting notes in order, until one cannot reach the server.
    pub fn flush(self, author: UserId, store: Store) {
        if self.sending.get_untracked() || self.count_untracked(author) == 0 {
            return;
        }
        self.sending.set(true);
        leptos::task::spawn_local(async move {
            while let Some(next) = self
                .waiting
                .with_untracked(|waiting| waiting.iter().find(|w| w.author == author).cloned())
            {
                match api::create_note(&next.note, &next.key).await {
                    Ok(saved) => store.notes.upsert(saved),
                    Err(err)
                        if matches!(err, api::Error::Network(_)) || err.is_unauthenticated() =>
                    {
                        break;
                    }
                    // Refused for good (the agent left the team, say): said, not retried forever.
                    Err(err) => self.refused.set(Some(err)),
                }
                self.forget(&next.key);
            }
            let _ = self.sending.try_set(false);
        });
    }

    /// Tries `author`'s waiting notes whenever the connection may be back: the browser's
    /// `online` event, the live feed reconnecting (`live_online`), and every few seconds.
    pub fn keep_sending(self, author: UserId, store: Store, live_online: RwSignal<bool>) {
        let online = self.online;
        let on = window_event_listener(leptos::ev::online, move |_| {
            online.set(true);
            self.flush(author, store);
        });
        let off = window_event_listener(leptos::ev::offline, move |_| online.set(false));
        Effect::new(move |_| {
            if live_online.get() {
                self.flush(author, store);
            }
        });
        let timer = set_interval_with_handle(move || self.flush(author, store), RETRY_EVERY);
        on_cleanup(move || {
            on.remove();
            off.remove();
            if let Ok(timer) = timer {
                timer.clear();
            }
        });
    }

    fn count_untracked(&self, author: UserId) -> usize {
        self.waiting
            .with_untracked(|waiting| waiting.iter().filter(|w| w.author == author).count())
    }

    fn keep(&self, waiting: Waiting) {
        self.waiting.update(|all| all.push(waiting));
        self.waiting
            .with_untracked(|all| drafts::save(STORAGE_KEY, all));
    }

    fn forget(&self, key: &str) {
        self.waiting.update(|all| all.retain(|w| w.key != key));
        self.waiting
            .with_untracked(|all| drafts::save(STORAGE_KEY, all));
    }
}

impl Default for Outbox {
    fn default() -> Self {
        Self::new()
    }
}

/// A fresh key: the time and 53 random bits.
fn new_key() -> String {
    let random = (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64;
    format!("note-{:x}-{random:x}", js_sys::Date::now() as u64)
}
