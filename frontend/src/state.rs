//! Client-side state: who is signed in, and one store of records per kind that pages read from.
//!
//! Pages load records through `api` and put them into the [`store::Store`]; views read the store,
//! so a later real-time feed only has to upsert what changed for every open page to follow.

pub mod drafts;
pub mod live;
pub mod outbox;
pub mod store;

use leptos::prelude::*;

/// The signed-in person, provided by the shell to every page beneath it.
#[derive(Clone, Copy, Debug)]
pub struct Session(pub RwSignal<Option<dto::Me>>);

impl Session {
    /// The signed-in person; pages only render once they are known.
    pub fn me(&self) -> Option<dto::Me> {
        self.0.get()
    }

    /// The policy's actor for the signed-in person.
    pub fn actor(&self) -> Option<domain::Actor> {
        self.0.with(|me| me.as_ref().map(dto::Me::actor))
    }

    /// Whether the policy lets the signed-in person do `action` to `target` (the server checks
    /// again; this only decides which controls are drawn).
    pub fn can(&self, action: domain::Action, target: &domain::Target) -> bool {
        self.actor()
            .is_some_and(|actor| domain::authorize(&actor, action, target).is_ok())
    }

    /// Whether the signed-in person coaches (team leader, manager, admin).
    pub fn is_coach(&self) -> bool {
        self.0
            .with(|me| me.as_ref().is_some_and(|me| me.user.role.coaches()))
    }
}

/// The policy target of a record about `agent`.
pub fn agent_record(agent: &dto::User) -> domain::Target {
    domain::Target::AgentRecord {
        agent: agent.id,
        team: agent.team_id,
        author: None,
        private: false,
    }
}

/// The signed-in session, from the shell's context.
pub fn session() -> Session {
    expect_context::<Session>()
}
