//! Who is making a change: the actor the policy asks about, and where their request came from
//! (for the audit log). Every write on someone's behalf takes one `&Caller`.

use std::ops::Deref;

use domain::Actor;

use crate::audit::Origin;

/// The actor and the origin of their request.
#[derive(Clone, Debug)]
pub struct Caller {
    pub actor: Actor,
    pub origin: Origin,
}

impl Deref for Caller {
    type Target = Actor;
    fn deref(&self) -> &Actor {
        &self.actor
    }
}

impl Caller {
    /// The operator at the server's console (`coaching-hub create-admin`, fixtures): an admin who
    /// is no user of the organisation, from no address.
    pub fn operator() -> Caller {
        Caller {
            actor: Actor::operator(),
            origin: Origin::default(),
        }
    }
}
