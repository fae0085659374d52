//! Live delivery over a WebSocket: each connection receives exactly the events its actor may
//! see, as `domain::policy` decides, without reading the database per event.
//!
//! A connection holds its actor and the teams of the agents in its reach, read once when it
//! opens (`scope::agent_teams`) and kept current by the team and person events it reads
//! ([`Audience::learn`]). It reads the bus through its own bounded subscription: a client
//! that stops reading falls behind alone and is told to `refetch`; nobody else waits for it.
//! Heartbeats drop a peer that stopped answering. A client that reconnects sends
//! `{"type":"resume","after":seq}` and gets what it missed, in order, or `refetch`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_ws::{AggregatedMessage, Session};
use domain::{Action, Actor, NoteVisibility, Target, TeamId, UserId, authorize};
use dto::{Event, LiveControl, LiveEvent};
use futures_util::StreamExt;
use tokio::sync::broadcast::{self, error::RecvError};
use uuid::Uuid;

use crate::events::{Envelope, EventBus};

/// How often the server pings.
const HEARTBEAT: Duration = Duration::from_secs(20);
/// Silence after which the peer is dropped.
const PEER_TIMEOUT: Duration = Duration::from_secs(60);
/// The largest message a client may send.
const MAX_FRAME: usize = 4 * 1024;

/// Who is listening, and what the policy needs to decide about an event without the database.
#[derive(Clone, Debug)]
pub struct Audience {
    actor: Actor,
    session_id: Uuid,
    expires_at: chrono::DateTime<chrono::Utc>,
    agent_teams: HashMap<UserId, TeamId>,
}

impl Audience {
    /// `actor`, signed in as `session_id` (a sign-in session, or a personal access token) until
    /// `expires_at`, with the team of each agent in their reach.
    pub fn new(
        actor: Actor,
        session_id: Uuid,
        expires_at: chrono::DateTime<chrono::Utc>,
        agent_teams: HashMap<UserId, TeamId>,
    ) -> Self {
        Self {
            actor,
            session_id,
            expires_at,
            agent_teams,
        }
    }

    /// When the credentials expire: the connection ends then, as a request would be refused.
    fn expiry(&self) -> tokio::time::Instant {
        let left = (self.expires_at - chrono::Utc::now())
            .to_std()
            .unwrap_or(Duration::ZERO);
        tokio::time::Instant::now() + left
    }

    /// Whether the event ends this connection: its person was deactivated, or its sign-in
    /// session ended or its access token was revoked.
    pub fn ends_with(&self, event: &Event) -> bool {
        match event {
            Event::UserChanged(user) => user.id == self.actor.id && !user.active,
            Event::SignedOut { session_id, .. } => *session_id == self.session_id,
            Event::SignedOutElsewhere {
                user_id,
                kept_session_id,
            } => *user_id == self.actor.id && *kept_session_id != self.session_id,
            _ => false,
        }
    }

    /// Keeps what the connection knows current from the events themselves, never the database:
    /// a team's members, leader, manager and analysts (`TeamChanged`), a person's team and role
    /// (`UserChanged`). An agent who leaves a team stops reaching its leader at once; one who
    /// joins starts reaching the new leader. Called with each live event before it is judged.
    pub fn learn(&mut self, event: &Event) {
        match event {
            Event::TeamChanged(team) => {
                let id = team.id;
                self.agent_teams
                    .retain(|agent, in_team| *in_team != id || team.agent_ids.contains(agent));
                for agent in &team.agent_ids {
                    self.agent_teams.insert(*agent, id);
                }
                let me = self.actor.id;
                member_of(&mut self.actor.led_teams, id, team.team_leader_id == me);
                member_of(
                    &mut self.actor.managed_teams,
                    id,
                    team.manager_id == Some(me),
                );
                member_of(
                    &mut self.actor.evaluated_teams,
                    id,
                    team.analyst_ids.contains(&me),
                );
            }
            Event::UserChanged(user) => {
                match user.team_id {
                    Some(team) => self.agent_teams.insert(user.id, team),
                    None => self.agent_teams.remove(&user.id),
                };
                if user.id == self.actor.id {
                    self.actor.role = user.role;
                    self.actor.evaluated_teams = user.team_ids.clone();
                }
            }
            _ => {}
        }
    }

    fn about(&self, agent: UserId) -> Target {
        Target::about_agent(agent, self.agent_teams.get(&agent).copied())
    }

    fn may(&self, action: Action, target: &Target) -> bool {
        authorize(&self.actor, action, target).is_ok()
    }

    fn is_agent(&self) -> bool {
        self.actor.role == domain::Role::Agent
    }

    /// The event as the actor may see it: `None` when they may not see the record; an agent's
    /// plan without the items that wait for its approval.
    pub fn shown(&self, event: &Event) -> Option<Event> {
        if !self.sees(event) {
            return None;
        }
        match event {
            Event::ActionPlanChanged(plan)
                if self.is_agent() && plan.items.iter().any(|i| i.awaiting_plan) =>
            {
                let mut plan = plan.clone();
                plan.items.retain(|i| !i.awaiting_plan);
                Some(Event::ActionPlanChanged(plan))
            }
            _ => Some(event.clone()),
        }
    }

    /// Whether the actor may see the record the event is about.
    pub fn sees(&self, event: &Event) -> bool {
        match event {
            Event::SessionChanged(session) => {
                self.may(Action::ViewSession, &self.about(session.agent_id))
            }
            Event::ActionItemChanged(item) if item.awaiting_plan && self.is_agent() => false,
            Event::ActionItemChanged(item) => {
                item.assignee_id == self.actor.id
                    || self.may(Action::ViewActionItem, &self.about(item.agent_id))
            }
            Event::QuickNoteChanged(note) => self.sees_note(
                note.agent_id,
                note.author_id,
                note.visibility == NoteVisibility::Private,
            ),
            // Only those who could see the note learn that it is gone: a private one's author.
            Event::QuickNoteDeleted {
                agent_id,
                author_id,
                visibility,
                ..
            } => self.sees_note(
                *agent_id,
                *author_id,
                *visibility == NoteVisibility::Private,
            ),
            Event::MetricsChanged(month) => {
                self.may(Action::ViewMetrics, &self.about(month.agent_id))
            }
            Event::ActionPlanChanged(plan) => {
                self.may(Action::ViewActionPlan, &self.about(plan.agent_id))
            }
            Event::UserChanged(user) => {
                let teams = user.team_id.into_iter().collect();
                self.may(Action::ViewUser, &Target::User { id: user.id, teams })
            }
            Event::TeamChanged(team) => self.may(Action::ViewTeam, &Target::Team { id: team.id }),
            Event::EvaluationChanged(evaluation) => {
                let target = Target::AgentRecord {
                    agent: evaluation.agent_id,
                    team: self.agent_teams.get(&evaluation.agent_id).copied(),
                    author: evaluation.evaluator_id,
                    private: evaluation.status == domain::EvaluationStatus::Draft,
                };
                self.may(Action::ViewEvaluation, &target)
            }
            Event::EvaluationFormChanged(form) => self.actor.can_any(
                Action::ViewEvaluationForm,
                &Target::for_teams(&form.team_ids),
            ),
            Event::SignedOut { .. } | Event::SignedOutElsewhere { .. } => false,
            // Organisation-wide facts with nobody's data in them: everyone reads scorecards.
            Event::MetricsImported { .. } | Event::ScorecardConfigChanged(_) => true,
            Event::AnnouncementPublished(announcement) => match announcement.team_id {
                None => true,
                Some(team) => {
                    self.actor.led_teams.contains(&team)
                        || self.actor.managed_teams.contains(&team)
                        || self.actor.evaluated_teams.contains(&team)
                        || self.agent_teams.get(&self.actor.id) == Some(&team)
                        || self.actor.role == domain::Role::Admin
                }
            },
        }
    }

    fn sees_note(&self, agent: UserId, author: UserId, private: bool) -> bool {
        let target = Target::AgentRecord {
            agent,
            team: self.agent_teams.get(&agent).copied(),
            author: Some(author),
            private,
        };
        self.may(Action::ViewNote, &target)
    }
}

/// Puts `team` in `teams` or takes it out.
fn member_of(teams: &mut Vec<TeamId>, team: TeamId, member: bool) {
    teams.retain(|known| *known != team);
    if member {
        teams.push(team);
    }
}

/// Serves one connection until either side closes it or the peer goes silent. `events` is the
/// bus subscription, taken before the upgrade is answered so that nothing published after the
/// client sees the socket open is missed; what came after `after` (a reconnecting client's last
/// seq) is sent first, so the client receives every event once and in order.
pub async fn serve(
    mut session: Session,
    messages: actix_ws::MessageStream,
    mut audience: Audience,
    bus: Arc<dyn EventBus>,
    mut events: broadcast::Receiver<Arc<Envelope>>,
    after: Option<u64>,
) {
    let mut sent = Sent::default();
    if let Some(after) = after
        && resume(&mut session, &audience, bus.as_ref(), after, &mut sent)
            .await
            .is_err()
    {
        return;
    }
    let mut messages = messages
        .max_frame_size(MAX_FRAME)
        .aggregate_continuations()
        .max_continuation_size(MAX_FRAME);
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    let mut heard = Instant::now();
    let expiry = tokio::time::sleep_until(audience.expiry());
    tokio::pin!(expiry);
    let outcome: Result<(), actix_ws::Closed> = loop {
        tokio::select! {
            () = &mut expiry => {
                tracing::debug!("live connection ended: its credentials expired");
                break Ok(());
            }
            received = events.recv() => match received {
                Ok(envelope) if audience.ends_with(&envelope.event) => {
                    tracing::debug!("live connection ended: signed out or deactivated");
                    break Ok(());
                }
                Ok(envelope) => {
                    audience.learn(&envelope.event);
                    if sent.live(envelope.seq)
                        && let Err(closed) = deliver(&mut session, &audience, &envelope).await
                    {
                        break Err(closed);
                    }
                }
                Err(RecvError::Lagged(_)) => {
                    if let Err(closed) = control(&mut session, LiveControl::Refetch).await {
                        break Err(closed);
                    }
                }
                Err(RecvError::Closed) => break Ok(()),
            },
            message = messages.next() => {
                heard = Instant::now();
                let reply = match message {
                    Some(Ok(AggregatedMessage::Text(text))) => {
                        match serde_json::from_str::<LiveControl>(&text) {
                            Ok(LiveControl::Ping) => control(&mut session, LiveControl::Pong).await,
                            Ok(LiveControl::Resume { after }) => {
                                resume(&mut session, &audience, bus.as_ref(), after, &mut sent).await
                            }
                            // Anything else is not for the server; it is ignored.
                            Ok(_) | Err(_) => Ok(()),
                        }
                    }
                    Some(Ok(AggregatedMessage::Ping(bytes))) => session.pong(&bytes).await,
                    Some(Ok(AggregatedMessage::Pong(_) | AggregatedMessage::Binary(_))) => Ok(()),
                    Some(Ok(AggregatedMessage::Close(_)) | Err(_)) | None => break Ok(()),
                };
                if let Err(closed) = reply {
                    break Err(closed);
                }
            }
            _ = heartbeat.tick() => {
                if heard.elapsed() > PEER_TIMEOUT {
                    tracing::debug!("live connection silent; dropped");
                    break Ok(());
                }
                if let Err(closed) = session.ping(b"").await {
                    break Err(closed);
                }
            }
        }
    };
    if outcome.is_ok() {
        let _ = session.close(None).await;
    }
}

/// What this connection has been sent: live events from the first one on, and a replay up to
/// some seq. Each event goes out once, whichever way reaches it first.
#[derive(Debug, Default)]
struct Sent {
    first_live: Option<u64>,
    replayed_to: u64,
}

impl Sent {
    /// Whether a live event is still to send (a replay may have sent it already).
    fn live(&mut self, seq: u64) -> bool {
        if seq <= self.replayed_to {
            return false;
        }
        self.first_live.get_or_insert(seq);
        true
    }

    /// Whether a replayed event is still to send (the subscription may have sent it already).
    fn replay(&mut self, seq: u64) -> bool {
        if self.first_live.is_some_and(|first| seq >= first) {
            return false;
        }
        self.replayed_to = self.replayed_to.max(seq);
        true
    }
}

/// The event as the audience receives it (`{seq, type, resource_id, data}`), if they may see it.
fn message(audience: &Audience, envelope: &Envelope) -> Option<serde_json::Value> {
    let event = audience.shown(&envelope.event)?;
    let message = LiveEvent {
        seq: envelope.seq,
        resource_id: event.resource_id(),
        event,
    };
    serde_json::to_value(&message)
        .inspect_err(|err| tracing::error!(error = %err, "an event did not serialise"))
        .ok()
}

/// Sends one event if the audience may see it.
async fn deliver(
    session: &mut Session,
    audience: &Audience,
    envelope: &Envelope,
) -> Result<(), actix_ws::Closed> {
    match message(audience, envelope) {
        Some(message) => session.text(message.to_string()).await,
        None => Ok(()),
    }
}

/// Replays what came after `after`, or tells the client to read the data again.
async fn resume(
    session: &mut Session,
    audience: &Audience,
    bus: &dyn EventBus,
    after: u64,
    sent: &mut Sent,
) -> Result<(), actix_ws::Closed> {
    let Some(missed) = bus.since(after) else {
        return control(session, LiveControl::Refetch).await;
    };
    for envelope in missed.iter().filter(|envelope| sent.replay(envelope.seq)) {
        deliver(session, audience, envelope).await?;
    }
    Ok(())
}

async fn control(session: &mut Session, message: LiveControl) -> Result<(), actix_ws::Closed> {
    match serde_json::to_string(&message) {
        Ok(text) => session.text(text).await,
        Err(_) => Ok(()),
    }
}

/// The same feed as server-sent events (`GET /api/v1/events`): `id:` is the seq, `event:` the
/// type, `data:` the message; after `last_event_id` when the client resumes. A comment line every
/// heartbeat keeps proxies from closing an idle stream.
pub fn server_sent(
    audience: Audience,
    bus: Arc<dyn EventBus>,
    events: broadcast::Receiver<Arc<Envelope>>,
    last_event_id: Option<u64>,
) -> impl futures_util::Stream<Item = Result<actix_web::web::Bytes, std::convert::Infallible>> {
    let expiry = Box::pin(tokio::time::sleep_until(audience.expiry()));
    let mut stream = Stream {
        audience,
        expiry,
        events,
        heartbeat: tokio::time::interval(HEARTBEAT),
        sent: Sent::default(),
        pending: std::collections::VecDeque::new(),
        done: false,
    };
    if let Some(after) = last_event_id {
        match bus.since(after) {
            Some(missed) => {
                for envelope in missed {
                    if stream.sent.replay(envelope.seq) {
                        stream.push(&envelope);
                    }
                }
            }
            None => stream.pending.push_back(REFETCH_FRAME.to_owned()),
        }
    }
    futures_util::stream::unfold(stream, |mut stream| async move {
        let frame = stream.next_frame().await?;
        Some((Ok(actix_web::web::Bytes::from(frame)), stream))
    })
}

const REFETCH_FRAME: &str = "event: refetch\ndata: {\"type\":\"refetch\"}\n\n";

/// One server-sent-events client's state.
struct Stream {
    audience: Audience,
    expiry: std::pin::Pin<Box<tokio::time::Sleep>>,
    events: broadcast::Receiver<Arc<Envelope>>,
    heartbeat: tokio::time::Interval,
    sent: Sent,
    pending: std::collections::VecDeque<String>,
    done: bool,
}

impl Stream {
    fn push(&mut self, envelope: &Envelope) {
        if let Some(data) = message(&self.audience, envelope) {
            let kind = data["type"].as_str().unwrap_or("message");
            let frame = format!("id: {}\nevent: {kind}\ndata: {data}\n\n", envelope.seq);
            self.pending.push_back(frame);
        }
    }

    /// The next frame to send; `None` ends the stream.
    async fn next_frame(&mut self) -> Option<String> {
        loop {
            if let Some(frame) = self.pending.pop_front() {
                return Some(frame);
            }
            if self.done {
                return None;
            }
            tokio::select! {
                () = &mut self.expiry => self.done = true,
                received = self.events.recv() => match received {
                    Ok(envelope) if self.audience.ends_with(&envelope.event) => self.done = true,
                    Ok(envelope) => {
                        self.audience.learn(&envelope.event);
                        if self.sent.live(envelope.seq) {
                            self.push(&envelope);
                        }
                    }
                    Err(RecvError::Lagged(_)) => self.pending.push_back(REFETCH_FRAME.to_owned()),
                    Err(RecvError::Closed) => return None,
                },
                _ = self.heartbeat.tick() => self.pending.push_back(": ping\n\n".to_owned()),
            }
        }
    }
}
