//! The event bus: every committed change is published once, by the handler that made it.
//!
//! One interface, chosen at start-up; the in-process bus serves a single instance. Delivery to
//! WebSockets (`live`) reads it; fan-out across instances (Redis) plugs in behind the same trait.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use tokio::sync::broadcast;

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

impl EventBus for InProcessBus {
    fn publish(&self, event: dto::Event) {
        let mut recent = self.recent();
        recent.seq += 1;
        let envelope = Arc::new(Envelope {
            seq: recent.seq,
            event,
        });
        tracing::debug!(seq = envelope.seq, resource.id = %envelope.event.resource_id(), "event published");
        if recent.events.len() == self.capacity {
            recent.events.pop_front();
        }
        recent.events.push_back(Arc::clone(&envelope));
        // No subscriber is not an error: nobody may be listening.
        let _ = self.sender.send(envelope);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn deleted_note(n: u128) -> dto::Event {
        dto::Event::QuickNoteDeleted {
            id: uuid::Uuid::from_u128(n),
            agent_id: uuid::Uuid::nil(),
            author_id: uuid::Uuid::nil(),
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
