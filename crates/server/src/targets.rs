//! Builds the policy's `Target` for records about an agent.

use domain::{Action, Target, TeamId, UserId};
use persistence::users::UserRow;
use persistence::{Db, StoreError, users};
use uuid::Uuid;

use crate::auth::Actor;
use crate::error::{ApiError, ApiResult};

/// A record about `agent` (session, action item, metrics), with the agent's current team.
pub async fn agent_record(db: &Db, agent: Uuid) -> ApiResult<Target> {
    let team = users::team_of(db, agent).await?.map(TeamId);
    Ok(Target::about_agent(UserId(agent), team))
}

/// A person, with every team they belong to.
pub async fn person(db: &Db, id: Uuid) -> ApiResult<Target> {
    Ok(Target::User {
        id: UserId(id),
        teams: users::teams_of(db, id).await?,
    })
}

/// A person a request names in `field`, when `actor` may see them; otherwise a 422 on that
/// field, the same whether they do not exist or are out of scope.
pub async fn named_person(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    field: &'static str,
) -> ApiResult<UserRow> {
    let unknown = || ApiError::invalid(field, "no such person in your scope");
    let row = match users::find(db, id).await {
        Ok(row) => row,
        Err(StoreError::NotFound) => return Err(unknown()),
        Err(err) => return Err(err.into()),
    };
    if actor.can(Action::ViewUser, &person(db, id).await?) {
        Ok(row)
    } else {
        Err(unknown())
    }
}
