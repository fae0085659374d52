//! One store of records per kind, keyed by id. Pages fill it from the API and read from it, so
//! an update from anywhere (an edit on another page, a real-time event) shows everywhere.

use leptos::prelude::*;
use uuid::Uuid;

/// A record the store can hold.
pub trait Record: Clone + Send + Sync + 'static {
    /// Its id.
    fn key(&self) -> Uuid;
    /// Its version: each change makes it higher.
    fn version(&self) -> i32;
}

macro_rules! records {
    ($($kind:ty),*) => {
        $(impl Record for $kind {
            fn key(&self) -> Uuid {
                self.id.uuid()
            }

            fn version(&self) -> i32 {
                self.version
            }
        })*
    };
}

records!(
    dto::Session,
    dto::ActionItem,
    dto::QuickNote,
    dto::User,
    dto::ActionPlan
);

/// The records of one kind, in the order they arrived. A list, not a map: a page holds a few
/// hundred records at most, and a map's code, once per kind, weighed more in the bundle than a
/// scan costs.
#[derive(Debug)]
pub struct Records<T: Record>(RwSignal<Vec<T>>);

impl<T: Record> Clone for Records<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Record> Copy for Records<T> {}

impl<T: Record> Records<T> {
    fn new() -> Self {
        Self(RwSignal::new(Vec::new()))
    }

    /// Adds or replaces records; an older version never replaces a newer one (a read sent
    /// before a change may be answered after it).
    pub fn upsert_all(&self, records: impl IntoIterator<Item = T>) {
        self.0.update(|list| {
            for record in records {
                match list.iter_mut().find(|r| r.key() == record.key()) {
                    Some(slot) if slot.version() > record.version() => {}
                    Some(slot) => *slot = record,
                    None => list.push(record),
                }
            }
        });
    }

    /// Adds or replaces one record.
    pub fn upsert(&self, record: T) {
        self.upsert_all([record]);
    }

    /// Forgets a record (deleted).
    pub fn remove(&self, id: Uuid) {
        self.0.update(|list| list.retain(|r| r.key() != id));
    }

    /// One record, tracked.
    pub fn get(&self, id: Uuid) -> Option<T> {
        self.0
            .with(|list| list.iter().find(|r| r.key() == id).cloned())
    }

    /// The records that pass `keep`, tracked.
    pub fn filter(&self, keep: impl Fn(&T) -> bool) -> Vec<T> {
        self.0
            .with(|list| list.iter().filter(|r| keep(r)).cloned().collect())
    }
}

/// Every kind the client shows.
#[derive(Clone, Copy, Debug)]
pub struct Store {
    /// Coaching sessions.
    pub sessions: Records<dto::Session>,
    /// Action items.
    pub items: Records<dto::ActionItem>,
    /// Quick notes.
    pub notes: Records<dto::QuickNote>,
    /// People (agents in scope, and whoever else a page loaded).
    pub people: Records<dto::User>,
    /// Action plans.
    pub plans: Records<dto::ActionPlan>,
    /// Counts live events that may have notified me, so the bell reads its count again.
    pub nudges: RwSignal<u32>,
    /// The announcement published while I was here, until I close it.
    pub announcement: RwSignal<Option<dto::Announcement>>,
}

impl Store {
    /// An empty store.
    pub fn new() -> Self {
        Self {
            sessions: Records::new(),
            items: Records::new(),
            notes: Records::new(),
            people: Records::new(),
            plans: Records::new(),
            nudges: RwSignal::new(0),
            announcement: RwSignal::new(None),
        }
    }

    /// A person's name, or a placeholder until they are loaded.
    pub fn name(&self, id: domain::UserId) -> String {
        self.people
            .get(id.uuid())
            .map_or_else(|| "…".to_owned(), |person| person.name)
    }
}

impl Default for Store {
    fn default() -> Self {
        Self::new()
    }
}

/// The store, from the app's context.
pub fn store() -> Store {
    expect_context::<Store>()
}

/// `list` ordered by `key` (equal keys in no particular order).
pub fn sorted_by<T, K: Ord>(mut list: Vec<T>, key: impl FnMut(&T) -> K) -> Vec<T> {
    list.sort_unstable_by_key(key);
    list
}
