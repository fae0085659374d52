//! The event bus: every committed change is published once, by the handler that made it.
//!
//! One interface, chosen at start-up: in-process for one instance, a Redis stream for many.
//! Delivery to WebSockets (`live`) reads it.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use deadpool_redis::Pool;

use tokio::sync::{broadcast, mpsc};

/// An event with its place in this instance's sequence.
#[derive(Clone, Debug)]
pub struct Envelope {
    /// Monotonically increasing per bus.
    pub seq: u64,
    /// What changed.
    pub event: dto::Event,
}

/// Publishes domain events after commit.
pub trait EventBus: Send + Sync + std::fmt::Debug {
    /// Publishes one event; never blocks, never fails the request.
    fn publish(&self, event: dto::Event);
    /// A stream of every event published from now on. A subscriber that falls more than the
    /// bus's capacity behind is told so (`Lagged`) instead of slowing anyone else.
    fn subscribe(&self) -> broadcast::Receiver<Arc<Envelope>>;
    /// The events after `seq`, in order, while the bus still holds them all; `None` when some are
    /// gone (the client must read the data again).
    fn since(&self, seq: u64) -> Option<Vec<Arc<Envelope>>>;
    /// Whether every instance's events reach this one now (always, in one process).
    fn healthy(&self) -> bool {
        true
    }
}

/// Events for subscribers in this process, with the latest kept for clients that reconnect.
#[derive(Debug)]
pub struct InProcessBus {
    sender: broadcast::Sender<Arc<Envelope>>,
    /// The sequence so far and the latest events, under one lock so that the order of seqs is
    /// the order of delivery.
    recent: Mutex<Recent>,
    capacity: usize,
}

#[derive(Debug, Default)]
struct Recent {
    seq: u64,
    events: VecDeque<Arc<Envelope>>,
}

impl InProcessBus {
    /// A bus that keeps up to `capacity` events, both for slow subscribers and for replay.
    pub fn new(capacity: usize) -> Self {
        let (sender, _) = broadcast::channel(capacity);
        Self {
            sender,
            recent: Mutex::new(Recent::default()),
            capacity,
        }
    }

    fn recent(&self) -> std::sync::MutexGuard<'_, Recent> {
        // A panic while holding the lock leaves the buffer consistent: every step is one push.
        self.recent
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl InProcessBus {
    /// Delivers `event` to this process's subscribers as number `seq` (the next one when
    /// `None`), and keeps it for replay.
    fn deliver(&self, seq: Option<u64>, event: dto::Event) {
        let mut recent = self.recent();
        recent.seq = seq.unwrap_or(recent.seq + 1).max(recent.seq);
        let envelope = Arc::new(Envelope {
            seq: recent.seq,
            event,
        });
        tracing::debug!(seq = envelope.seq, resource.id = %envelope.event.resource_id(), "event delivered");
        if recent.events.len() == self.capacity {
            recent.events.pop_front();
        }
        recent.events.push_back(Arc::clone(&envelope));
        // No subscriber is not an error: nobody may be listening.
        let _ = self.sender.send(envelope);
    }
}

impl EventBus for InProcessBus {
    fn publish(&self, event: dto::Event) {
        self.deliver(None, event);
    }

    fn subscribe(&self) -> broadcast::Receiver<Arc<Envelope>> {
        self.sender.subscribe()
    }

    fn since(&self, seq: u64) -> Option<Vec<Arc<Envelope>>> {
        let recent = self.recent();
        let oldest = recent.events.front().map_or(recent.seq + 1, |e| e.seq);
        if seq > recent.seq || seq + 1 < oldest {
            return None;
        }
        Some(
            recent
                .events
                .iter()
                .filter(|e| e.seq > seq)
                .cloned()
                .collect(),
        )
    }
}

/// Events through a Redis stream, so that every instance delivers every instance's events, under
/// one sequence: a client resumes on whichever instance it reconnects to.
///
/// A stream rather than pub/sub: its entries stay (the newest [`InProcessBus`] capacity of them),
/// so an instance that lost Redis for a moment reads on from where it was, and one that starts
/// loads the recent past for resuming clients. One script numbers and appends each event
/// atomically (`INCR` + `XADD` with that number as the entry id), so the stream's order is the
/// sequence. Each instance reads the stream into a local [`InProcessBus`], which its connections
/// subscribe to. Without Redis, events reach this instance's clients only, with one warning.
#[derive(Debug)]
pub struct RedisBus {
    outbox: mpsc::Sender<dto::Event>,
    local: Arc<InProcessBus>,
    degraded: Arc<AtomicBool>,
}

/// Numbers and appends one event: `KEYS` stream, counter; `ARGV` event JSON, length to keep.
const APPEND: &str = "local seq = redis.call('INCR', KEYS[2]) \
    redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], seq .. '-0', 'e', ARGV[1]) \
    return seq";

/// How long one blocking read waits before it asks again: under the Redis client's response
/// timeout (500 ms), which would otherwise end every idle read as a failure. A new entry ends the
/// wait at once, so this bounds idle round trips, not latency.
const READ_BLOCK_MS: u64 = 250;

/// Events waiting to be appended; beyond this the instance delivers locally.
const OUTBOX: usize = 4096;

type Entries = Vec<(String, HashMap<String, String>)>;

impl RedisBus {
    /// A bus on `pool` under `prefix`; starts this instance's writer and reader.
    pub fn start(pool: Pool, prefix: &str, capacity: usize) -> Self {
        let stream: Arc<str> = format!("{prefix}:events").into();
        let counter: Arc<str> = format!("{prefix}:events:seq").into();
        let local = Arc::new(InProcessBus::new(capacity));
        let degraded = Arc::new(AtomicBool::new(false));
        let (outbox, pending) = mpsc::channel(OUTBOX);
        tokio::spawn(write(
            pending,
            pool.clone(),
            [Arc::clone(&stream), counter],
            Arc::clone(&local),
            Arc::clone(&degraded),
        ));
        tokio::spawn(read(
            pool,
            stream,
            Arc::clone(&local),
            Arc::clone(&degraded),
        ));
        Self {
            outbox,
            local,
            degraded,
        }
    }
}

impl EventBus for RedisBus {
    fn publish(&self, event: dto::Event) {
        // One writer appends in the order of publishing.
        if let Err(
            mpsc::error::TrySendError::Full(event) | mpsc::error::TrySendError::Closed(event),
        ) = self.outbox.try_send(event)
        {
            warn_degraded(&self.degraded, "the event queue to Redis is full");
            self.local.publish(event);
        }
    }

    fn subscribe(&self) -> broadcast::Receiver<Arc<Envelope>> {
        self.local.subscribe()
    }

    fn since(&self, seq: u64) -> Option<Vec<Arc<Envelope>>> {
        self.local.since(seq)
    }

    fn healthy(&self) -> bool {
        !self.degraded.load(Ordering::Relaxed)
    }
}

fn warn_degraded(degraded: &AtomicBool, why: &str) {
    if !degraded.swap(true, Ordering::Relaxed) {
        tracing::warn!(
            why,
            "Redis unavailable: live events reach this instance's clients only"
        );
    }
}

/// Appends each published event to the stream, in order. The reader delivers it, here as on
/// every instance; when Redis cannot take it, it is delivered here only.
async fn write(
    mut pending: mpsc::Receiver<dto::Event>,
    pool: Pool,
    [stream, counter]: [Arc<str>; 2],
    local: Arc<InProcessBus>,
    degraded: Arc<AtomicBool>,
) {
    while let Some(event) = pending.recv().await {
        let Ok(json) = serde_json::to_string(&event) else {
            tracing::error!("an event did not serialise");
            continue;
        };
        let appended: Result<u64, String> = async {
            let mut conn = pool.get().await.map_err(|err| err.to_string())?;
            deadpool_redis::redis::cmd("EVAL")
                .arg(APPEND)
                .arg(2)
                .arg(&*stream)
                .arg(&*counter)
                .arg(json)
                .arg(local.capacity)
                .query_async(&mut conn)
                .await
                .map_err(|err| err.to_string())
        }
        .await;
        if let Err(err) = appended {
            warn_degraded(&degraded, &err);
            local.publish(event);
        }
    }
}

/// Reads the stream into `local`, from the recent past on, for as long as the process runs;
/// reconnects after a failure.
async fn read(pool: Pool, stream: Arc<str>, local: Arc<InProcessBus>, degraded: Arc<AtomicBool>) {
    let mut last: Option<String> = None;
    loop {
        let Ok(mut conn) = pool.get().await else {
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        };
        if last.is_none() {
            // The recent past, oldest first, for clients that resume here.
            let recent: Result<Entries, _> = deadpool_redis::redis::cmd("XREVRANGE")
                .arg(&*stream)
                .arg("+")
                .arg("-")
                .arg("COUNT")
                .arg(local.capacity)
                .query_async(&mut conn)
                .await;
            match recent {
                Ok(entries) => {
                    last = Some(
                        entries
                            .first()
                            .map_or_else(|| "0-0".to_owned(), |(id, _)| id.clone()),
                    );
                    entries
                        .into_iter()
                        .rev()
                        .for_each(|entry| mirror(&local, entry));
                }
                Err(_) => {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            }
        }
        loop {
            let after = last.clone().unwrap_or_else(|| "0-0".to_owned());
            let read: Result<Option<Vec<(String, Entries)>>, _> =
                deadpool_redis::redis::cmd("XREAD")
                    .arg("BLOCK")
                    .arg(READ_BLOCK_MS)
                    .arg("COUNT")
                    .arg(500)
                    .arg("STREAMS")
                    .arg(&*stream)
                    .arg(after)
                    .query_async(&mut conn)
                    .await;
            match read {
                Ok(streams) => {
                    if degraded.swap(false, Ordering::Relaxed) {
                        tracing::info!("Redis is back: live events reach every instance again");
                    }
                    for (_, entries) in streams.unwrap_or_default() {
                        for entry in entries {
                            last = Some(entry.0.clone());
                            mirror(&local, entry);
                        }
                    }
                }
                Err(err) => {
                    warn_degraded(&degraded, &err.to_string());
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    break;
                }
            }
        }
    }
}

/// Delivers one stream entry to this instance's subscribers.
fn mirror(local: &InProcessBus, (id, fields): (String, HashMap<String, String>)) {
    let seq = id.split('-').next().and_then(|seq| seq.parse().ok());
    match fields
        .get("e")
        .map(|json| serde_json::from_str::<dto::Event>(json))
    {
        Some(Ok(event)) if seq.is_some() => local.deliver(seq, event),
        _ => tracing::warn!(entry = %id, "an unreadable event in the stream was skipped"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deleted_note(n: u128) -> dto::Event {
        dto::Event::QuickNoteDeleted {
            id: domain::QuickNoteId(uuid::Uuid::from_u128(n)),
            agent_id: domain::UserId(uuid::Uuid::nil()),
            author_id: domain::UserId(uuid::Uuid::nil()),
            visibility: domain::NoteVisibility::Shared,
        }
    }

    #[test]
    fn replay_returns_what_came_after_and_refuses_a_gap() {
        let bus = InProcessBus::new(3);
        assert_eq!(bus.since(0).map(|events| events.len()), Some(0));
        for n in 1..=5 {
            bus.publish(deleted_note(n));
        }
        // Seqs 3, 4 and 5 are kept.
        let seqs = |after| {
            bus.since(after)
                .map(|events| events.iter().map(|e| e.seq).collect::<Vec<_>>())
        };
        assert_eq!(seqs(2), Some(vec![3, 4, 5]));
        assert_eq!(seqs(4), Some(vec![5]));
        assert_eq!(seqs(5), Some(vec![]));
        assert_eq!(seqs(1), None, "seq 2 is gone");
        assert_eq!(
            seqs(9),
            None,
            "a seq from the future (another server's) cannot be resumed"
        );
    }
}
