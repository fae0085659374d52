//! Visibility as query conditions: the rows of each kind an actor may see at all.
//!
//! Lists, search and exports filter with these, so a row outside the actor's scope is never
//! fetched, let alone returned.

use domain::{Actor, Role};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition};
use uuid::Uuid;

use crate::entity::{team, team_member, user};

/// The teams an actor coaches or manages.
pub fn teams_in_reach(actor: &Actor) -> Vec<Uuid> {
    actor
        .led_teams
        .iter()
        .chain(&actor.managed_teams)
        .map(|team| team.uuid())
        .collect()
}

/// Users the actor may see: everyone for an admin; otherwise themselves, the agents of the teams
/// they lead or manage, and (for a manager) the leaders of the teams they manage.
pub fn users(actor: &Actor) -> Condition {
    if actor.role == Role::Admin {
        return Condition::all();
    }
    let teams = teams_in_reach(actor);
    let mut visible = Condition::any().add(user::Column::Id.eq(actor.id.uuid()));
    if !teams.is_empty() {
        visible = visible
            .add(
                user::Column::Id.in_subquery(
                    Query::select()
                        .column(team_member::Column::UserId)
                        .from(team_member::Entity)
                        .and_where(team_member::Column::TeamId.is_in(teams.clone()))
                        .to_owned(),
                ),
            )
            .add(
                user::Column::Id.in_subquery(
                    Query::select()
                        .column(team::Column::TeamLeaderId)
                        .from(team::Entity)
                        .and_where(team::Column::Id.is_in(teams))
                        .to_owned(),
                ),
            );
    }
    visible
}

/// Teams the actor may see: every team for an admin, else those they lead or manage.
pub fn teams(actor: &Actor) -> Condition {
    if actor.role == Role::Admin {
        Condition::all()
    } else {
        Condition::all().add(team::Column::Id.is_in(teams_in_reach(actor)))
    }
}

/// Records about agents (sessions, action items, notes, metrics) the actor may see: everything for
/// an admin; otherwise records about themselves and about the agents of the teams they lead or
/// manage. `agent` is the record's agent column.
pub fn agent_records(actor: &Actor, agent: impl ColumnTrait) -> Condition {
    if actor.role == Role::Admin {
        return Condition::all();
    }
    Condition::any().add(agent.eq(actor.id.uuid())).add(
        agent.in_subquery(
            Query::select()
                .column(team_member::Column::UserId)
                .from(team_member::Entity)
                .and_where(team_member::Column::TeamId.is_in(teams_in_reach(actor)))
                .to_owned(),
        ),
    )
}
