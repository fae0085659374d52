//! Builds the policy's `Target` for records about an agent.

use domain::{Target, TeamId, UserId};
use persistence::{Db, users};
use uuid::Uuid;

use crate::error::ApiResult;

/// A record about `agent` (session, action item, metrics), with the agent's current team.
pub async fn agent_record(db: &Db, agent: Uuid) -> ApiResult<Target> {
    Ok(Target::AgentRecord {
        agent: UserId(agent),
        team: users::team_of(db, agent).await?.map(TeamId),
        author: None,
        private: false,
    })
}

/// A person, with every team they belong to.
pub async fn person(db: &Db, id: Uuid) -> ApiResult<Target> {
    Ok(Target::User {
        id: UserId(id),
        teams: users::teams_of(db, id).await?,
    })
}
