//! The event bus: every committed change is published once, by the handler that made it.
//!
//! One interface, chosen at start-up; the in-process bus serves a single instance. Delivery to
//! WebSockets and fan-out across instances (Redis) plug in behind the same trait.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

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
    /// A stream of every event published from now on.
    fn subscribe(&self) -> broadcast::Receiver<Arc<Envelope>>;
}

/// Events for subscribers in this process.
#[derive(Debug)]
pub struct InProcessBus {
    sender: broadcast::Sender<Arc<Envelope>>,
    seq: AtomicU64,
}

impl InProcessBus {
    /// A bus that keeps up to `capacity` events for slow subscribers.
    pub fn new(capacity: usize) -> Self {
        let (sender, _) = broadcast::channel(capacity);
        Self {
            sender,
            seq: AtomicU64::new(0),
        }
    }
}

impl EventBus for InProcessBus {
    fn publish(&self, event: dto::Event) {
        let seq = self.seq.fetch_add(1, Ordering::Relaxed) + 1;
        tracing::debug!(seq, resource.id = %event.resource_id(), "event published");
        // No subscriber is not an error: nobody is listening yet.
        let _ = self.sender.send(Arc::new(Envelope { seq, event }));
    }

    fn subscribe(&self) -> broadcast::Receiver<Arc<Envelope>> {
        self.sender.subscribe()
    }
}
