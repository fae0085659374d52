//! What requests would otherwise read again and again: who the caller is (their user, sign-in
//! session and team scope: the lookup behind every request), scorecards and dashboards.
//!
//! Kept in this process (moka) and kept right by the events: every committed change is published
//! on the bus, the instance that made it forgets what it changed before it answers, and every other
//! instance forgets it when the event reaches it through the bus (a Redis stream read by every
//! instance, in milliseconds). So a deactivation or a sign-out is refused on every instance as soon
//! as the event arrives, and never later than [`ACTOR_TTL`].
//!
//! While the bus cannot reach Redis, other instances' changes may go unheard: the caches are then
//! bypassed (every request reads the database, as it would with no cache), and emptied when the bus
//! is back. A fill that raced a change is dropped (a generation count per cache), so an answer read
//! before a change is never kept after it.
//!
//! A shared Redis layer is left out on purpose: the actor lookup is one indexed statement, so a
//! Redis round trip would cost what it saves, and a scorecard or dashboard cached per instance
//! is computed once per instance and reader between changes.
//!
//! Hits and misses are counted ([`Caches::stats`]).

use std::future::Future;
use std::hash::Hash;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use domain::{TeamId, UserId};
use dto::{AgentScorecard, Dashboard, Event, TeamScorecard};
use moka::sync::Cache;
use persistence::users::Authenticated;
use uuid::Uuid;

use crate::events::EventBus;

/// The longest a cached actor is trusted without an event saying it changed.
pub const ACTOR_TTL: Duration = Duration::from_secs(30);
/// The longest a scorecard or dashboard is kept: they also depend on the clock (upcoming
/// sessions, overdue items).
pub const VIEW_TTL: Duration = Duration::from_secs(60);
/// Entries kept at most per cache.
const CAPACITY: u64 = 50_000;

/// A sign-in: the person and their sign-in session.
type ActorKey = (UserId, Uuid);
/// An agent's year as a reader sees it: reader, agent, year.
type AgentCardKey = (UserId, UserId, i32);
/// A team's month as a reader sees it: reader, team, `YYYY-MM`.
type TeamCardKey = (UserId, TeamId, String);

/// Hits and misses of one cache; a bypassed lookup is a miss.
#[derive(Debug, Default)]
pub struct Counts {
    hits: AtomicU64,
    misses: AtomicU64,
}

impl Counts {
    /// `(hits, misses)` so far.
    pub fn get(&self) -> (u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }
}

/// The counts of every cache.
#[derive(Debug, Default)]
pub struct Stats {
    /// The actor lookup.
    pub actors: Counts,
    /// Scorecards and dashboards.
    pub views: Counts,
}

impl Stats {
    /// Logs the counts (at `info`, target `server::cache`): the server does so as it stops.
    pub fn report(&self) {
        let (actor_hits, actor_misses) = self.actors.get();
        let (view_hits, view_misses) = self.views.get();
        tracing::info!(
            actor_hits,
            actor_misses,
            view_hits,
            view_misses,
            "cache hits and misses since the start"
        );
    }
}

/// One cache with the count of changes that emptied part of it.
struct Layer<K, V> {
    entries: Cache<K, V>,
    generation: AtomicU64,
}

impl<K, V> Layer<K, V>
where
    K: Clone + Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    fn new(ttl: Duration) -> Self {
        Self {
            entries: Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(ttl)
                .support_invalidation_closures()
                .build(),
            generation: AtomicU64::new(0),
        }
    }

    /// The generation moves first, so a fill that read before the change cannot stay.
    fn forget_if(&self, predicate: impl Fn(&K, &V) -> bool + Send + Sync + 'static) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        if self.entries.invalidate_entries_if(predicate).is_err() {
            self.entries.invalidate_all();
        }
    }

    fn forget(&self, key: &K) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.entries.invalidate(key);
    }

    fn forget_all(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.entries.invalidate_all();
    }

    async fn through<E>(
        &self,
        usable: bool,
        counts: &Counts,
        key: K,
        load: impl Future<Output = Result<V, E>>,
    ) -> Result<V, E> {
        if usable && let Some(value) = self.entries.get(&key) {
            counts.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(value);
        }
        counts.misses.fetch_add(1, Ordering::Relaxed);
        if !usable {
            return load.await;
        }
        let before = self.generation.load(Ordering::SeqCst);
        let value = load.await?;
        if self.generation.load(Ordering::SeqCst) == before {
            self.entries.insert(key.clone(), value.clone());
            // A change that came between the check and the insert takes the entry back out.
            if self.generation.load(Ordering::SeqCst) != before {
                self.entries.invalidate(&key);
            }
        }
        Ok(value)
    }
}

/// The caches of one instance.
pub struct Caches {
    bus: Arc<dyn EventBus>,
    /// The bus could deliver every instance's changes when last asked.
    was_usable: AtomicBool,
    actors: Layer<ActorKey, Option<Arc<Authenticated>>>,
    dashboards: Layer<UserId, Arc<Dashboard>>,
    agent_cards: Layer<AgentCardKey, Arc<AgentScorecard>>,
    team_cards: Layer<TeamCardKey, Arc<TeamScorecard>>,
    stats: Stats,
}

impl std::fmt::Debug for Caches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caches")
            .field("actors", &self.actors.entries.entry_count())
            .field("dashboards", &self.dashboards.entries.entry_count())
            .finish_non_exhaustive()
    }
}

impl Caches {
    /// Empty caches that trust `bus` to hear every instance's changes.
    pub fn new(bus: Arc<dyn EventBus>) -> Self {
        Self {
            bus,
            was_usable: AtomicBool::new(true),
            actors: Layer::new(ACTOR_TTL),
            dashboards: Layer::new(VIEW_TTL),
            agent_cards: Layer::new(VIEW_TTL),
            team_cards: Layer::new(VIEW_TTL),
            stats: Stats::default(),
        }
    }

    /// Hits and misses so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Whether entries may be used: only while the bus hears every instance. Coming back from an
    /// outage empties everything, since changes may have gone unheard.
    fn usable(&self) -> bool {
        let healthy = self.bus.healthy();
        let was = self.was_usable.swap(healthy, Ordering::SeqCst);
        if healthy && !was {
            self.forget_everything();
        }
        healthy
    }

    /// The sign-in `(user, session)`, through `load` on a miss. `None` (no such user) is kept too.
    pub async fn actor<E>(
        &self,
        key: ActorKey,
        load: impl Future<Output = Result<Option<Authenticated>, E>>,
    ) -> Result<Option<Arc<Authenticated>>, E> {
        let load = async { load.await.map(|found| found.map(Arc::new)) };
        self.cached(&self.actors, &self.stats.actors, key, load)
            .await
    }

    /// The dashboard of `reader`, through `load` on a miss.
    pub async fn dashboard<E>(
        &self,
        reader: UserId,
        load: impl Future<Output = Result<Dashboard, E>>,
    ) -> Result<Arc<Dashboard>, E> {
        self.view(&self.dashboards, reader, load).await
    }

    /// An agent's year as `reader` sees it, through `load` on a miss.
    pub async fn agent_scorecard<E>(
        &self,
        key: AgentCardKey,
        load: impl Future<Output = Result<AgentScorecard, E>>,
    ) -> Result<Arc<AgentScorecard>, E> {
        self.view(&self.agent_cards, key, load).await
    }

    /// A team's month as `reader` sees it, through `load` on a miss.
    pub async fn team_scorecard<E>(
        &self,
        key: TeamCardKey,
        load: impl Future<Output = Result<TeamScorecard, E>>,
    ) -> Result<Arc<TeamScorecard>, E> {
        self.view(&self.team_cards, key, load).await
    }

    async fn view<K, V, E>(
        &self,
        layer: &Layer<K, Arc<V>>,
        key: K,
        load: impl Future<Output = Result<V, E>>,
    ) -> Result<Arc<V>, E>
    where
        K: Clone + Hash + Eq + Send + Sync + 'static,
        V: Send + Sync + 'static,
    {
        let load = async { load.await.map(Arc::new) };
        self.cached(layer, &self.stats.views, key, load).await
    }

    async fn cached<K, V, E>(
        &self,
        layer: &Layer<K, V>,
        counts: &Counts,
        key: K,
        load: impl Future<Output = Result<V, E>>,
    ) -> Result<V, E>
    where
        K: Clone + Hash + Eq + Send + Sync + 'static,
        V: Clone + Send + Sync + 'static,
    {
        layer.through(self.usable(), counts, key, load).await
    }

    fn forget_views(&self) {
        self.dashboards.forget_all();
        self.agent_cards.forget_all();
        self.team_cards.forget_all();
    }

    /// Forgets what `event` changed. Called before the instance that made the change answers,
    /// and again on every instance when the event arrives through the bus.
    pub fn forget(&self, event: &Event) {
        match event {
            Event::UserChanged(user) => {
                let id = user.id;
                self.actors.forget_if(move |(user, _), _| *user == id);
                self.forget_views();
            }
            Event::SignedOut {
                user_id,
                session_id,
            } => self.actors.forget(&(*user_id, *session_id)),
            Event::SignedOutElsewhere { user_id, .. } => {
                let id = *user_id;
                self.actors.forget_if(move |(user, _), _| *user == id);
            }
            // Who leads or manages a team is part of every actor's scope.
            Event::TeamChanged(_) => self.forget_everything(),
            Event::SessionChanged(_)
            | Event::ActionItemChanged(_)
            | Event::MetricsChanged(_)
            | Event::MetricsImported { .. }
            | Event::ScorecardConfigChanged(_) => self.forget_views(),
            Event::QuickNoteChanged(_)
            | Event::QuickNoteDeleted { .. }
            | Event::ActionPlanChanged(_)
            | Event::AnnouncementPublished(_)
            | Event::EvaluationFormChanged(_)
            | Event::EvaluationChanged(_) => {}
        }
    }

    /// Forgets everything (the bus lost events: this instance fell behind).
    pub fn forget_everything(&self) {
        self.actors.forget_all();
        self.forget_views();
    }
}

/// Keeps `caches` right on this instance: every event that reaches it through the bus, from any
/// instance, forgets what it changed. Runs for as long as the bus does.
/// It holds the caches weakly: they hold the bus, and the bus this task's subscription.
pub fn follow(caches: &Arc<Caches>, bus: &dyn EventBus) {
    let mut events = bus.subscribe();
    let caches = Arc::downgrade(caches);
    tokio::spawn(async move {
        loop {
            let received = events.recv().await;
            let Some(caches) = caches.upgrade() else {
                return;
            };
            match received {
                Ok(envelope) => caches.forget(&envelope.event),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    caches.forget_everything();
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            }
        }
    });
}
