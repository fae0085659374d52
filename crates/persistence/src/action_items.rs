//! Action items: created on their own, or added through the session or plan they belong to
//! (`sessions::add_item`, `action_plans::add_item`); moved forward by their assignee, cancelled
//! or re-assigned by the coach side.

use chrono::{NaiveDate, Utc};
use domain::{
    Action, ActionItemStatus, Actor, NotificationKind, Priority, Role, Target, UserId, authorize,
};
use domain::{ActionItemId, ActionPlanId, SessionId};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, QueryFilter, Set,
};
use uuid::Uuid;

use crate::audit::{self, Origin};
use crate::caller::Caller;
use crate::entity::action_item;
use crate::notifications::{self, Notice};
use crate::pagination::{self, PageRequest};
use crate::{Db, StoreError, db, scope, users, versioned};

/// The item `id` if `actor` may see it (it is about an agent in their scope, or assigned to
/// them), with the policy's view of it, in one statement; `NotFound` otherwise.
pub async fn find_in_scope(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: ActionItemId,
) -> Result<(action_item::Model, Target), StoreError> {
    let (item, team) =
        scope::find_with_agent_team::<action_item::Entity>(db, id, action_item::Column::AgentId)
            .await?;
    let target = Target::about_agent(item.agent_id, team);
    if !shown_to(actor, &item) {
        return Err(StoreError::NotFound);
    }
    if item.assignee_id != actor.id {
        scope::sees(actor, Action::ViewActionItem, &target)?;
    }
    Ok((item, target))
}

/// Filters for the item list.
#[derive(Clone, Debug, Default)]
pub struct ItemFilter {
    /// Only items this person does.
    pub assignee_id: Option<UserId>,
    /// Only items about this agent.
    pub agent_id: Option<UserId>,
    /// Only from this session.
    pub session_id: Option<SessionId>,
    /// Only in this plan.
    pub plan_id: Option<ActionPlanId>,
    /// Only in this state.
    pub status: Option<ActionItemStatus>,
    /// Only due before this date.
    pub due_before: Option<NaiveDate>,
    /// Only due on or after this date.
    pub due_from: Option<NaiveDate>,
    /// Only pending or in-progress items.
    pub open_only: bool,
}

/// Items the actor may see: about agents in scope, or assigned to them.
pub(crate) fn visible(actor: &Actor) -> Condition {
    let [about, assigned] = visible_ways(actor);
    Condition::any().add(about).add(assigned)
}

/// The two ways an item is visible, each an index's: about an agent in scope; assigned to the
/// actor. An agent does not see the items of a plan that waits for approval.
pub(crate) fn visible_ways(actor: &Actor) -> [Condition; 2] {
    let shown = || {
        let condition = Condition::all();
        if actor.role == Role::Agent {
            condition.add(action_item::Column::AwaitingPlan.eq(false))
        } else {
            condition
        }
    };
    [
        shown().add(scope::agent_records(actor, action_item::Column::AgentId)),
        shown().add(action_item::Column::AssigneeId.eq(actor.id)),
    ]
}

/// Whether `actor` sees `item` as far as its plan goes: an agent sees a plan's items once the
/// plan is active.
pub fn shown_to(actor: &Actor, item: &action_item::Model) -> bool {
    !(item.awaiting_plan && actor.role == Role::Agent)
}

/// A page of the items the actor may see, soonest due first.
pub async fn list(
    db: &Db,
    actor: &Actor,
    filter: &ItemFilter,
    page: &PageRequest,
) -> Result<(Vec<action_item::Model>, Option<String>), StoreError> {
    let mut query = action_item::Entity::find().filter(visible(actor));
    let equal = [
        (
            action_item::Column::AssigneeId,
            filter.assignee_id.map(Uuid::from),
        ),
        (
            action_item::Column::AgentId,
            filter.agent_id.map(Uuid::from),
        ),
        (
            action_item::Column::SessionId,
            filter.session_id.map(Uuid::from),
        ),
        (action_item::Column::PlanId, filter.plan_id.map(Uuid::from)),
    ];
    for (column, value) in equal {
        if let Some(value) = value {
            query = query.filter(column.eq(value));
        }
    }
    if let Some(status) = filter.status {
        query = query.filter(action_item::Column::Status.eq(status.as_str()));
    }
    if filter.open_only {
        query = query.filter(action_item::Column::Status.is_in([
            ActionItemStatus::Pending.as_str(),
            ActionItemStatus::InProgress.as_str(),
        ]));
    }
    if let Some(before) = filter.due_before {
        query = query.filter(action_item::Column::DueDate.lt(before));
    }
    if let Some(from) = filter.due_from {
        query = query.filter(action_item::Column::DueDate.gte(from));
    }
    let sort = (
        action_item::Column::DueDate,
        action_item::Column::Id,
        Order::Asc,
    );
    pagination::page::<_, NaiveDate>(db, query, sort, page, |item| {
        (item.due_date.to_string(), item.id.into())
    })
    .await
}

/// An item to create; the agent it is about follows from its session, its plan or (on its own)
/// its assignee.
#[derive(Clone, Debug)]
pub struct NewItem {
    /// Who does it.
    pub assignee_id: UserId,
    /// What to do.
    pub title: String,
    /// Details.
    pub description: Option<String>,
    /// By when.
    pub due_date: NaiveDate,
    /// How urgent.
    pub priority: Priority,
}

/// What a new item belongs to besides its agent, checked by that record's module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Parent {
    /// The session it was agreed in.
    Session(SessionId),
    /// The plan it is part of.
    Plan(ActionPlanId),
}

/// Inserts an item and its audit entry inside the caller's transaction.
pub async fn insert(
    db: &impl ConnectionTrait,
    origin: &Origin,
    agent_id: UserId,
    parent: Option<Parent>,
    new: NewItem,
) -> Result<action_item::Model, StoreError> {
    let now = Utc::now();
    let (session_id, plan_id) = match parent {
        Some(Parent::Session(id)) => (Some(id), None),
        Some(Parent::Plan(id)) => (None, Some(id)),
        None => (None, None),
    };
    let item = action_item::ActiveModel {
        id: Set(ActionItemId(Uuid::now_v7())),
        agent_id: Set(agent_id),
        assignee_id: Set(new.assignee_id),
        created_by: Set(origin.actor_id),
        session_id: Set(session_id),
        plan_id: Set(plan_id),
        title: Set(new.title.trim().to_owned()),
        description: Set(new.description),
        due_date: Set(new.due_date),
        priority: Set(new.priority),
        status: Set(ActionItemStatus::Pending),
        completed_at: Set(None),
        cancel_reason: Set(None),
        // Items are added to draft plans only.
        awaiting_plan: Set(plan_id.is_some()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    audit::record_change(db, origin, "action_item.create", item.id, None, Some(&item)).await?;
    // A plan's items are the agent's news when the plan is approved, not while it is drafted.
    if item.plan_id.is_none() {
        tell_assignee(db, origin, &item).await?;
    }
    Ok(item)
}

/// Tells an item's assignee it is theirs (unless they assigned it themselves).
async fn tell_assignee(
    db: &impl ConnectionTrait,
    origin: &Origin,
    item: &action_item::Model,
) -> Result<(), StoreError> {
    let notice = Notice {
        kind: NotificationKind::ActionItemAssigned,
        title: format!("Action item for you: {}", item.title),
        resource_type: "action_item",
        resource_id: item.id.into(),
    };
    notifications::notify(db, origin, [item.assignee_id], &notice).await
}

/// Creates an item on its own, about its assignee, who must then be an agent.
pub async fn create(
    db: &Db,
    caller: &Caller,
    new: NewItem,
) -> Result<action_item::Model, StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    let assignee = users::named_person(&txn, actor, new.assignee_id, "assignee_id").await?;
    if assignee.role() != Role::Agent {
        return Err(StoreError::invalid(
            "assignee_id",
            "without a session, the assignee must be the agent the item is about",
        ));
    }
    let about = Target::about_agent(new.assignee_id, assignee.team_id);
    authorize(actor, Action::CreateActionItem, &about)?;
    let item = insert(&txn, origin, new.assignee_id, None, new).await?;
    txn.commit().await?;
    Ok(item)
}

/// Changes to an item; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct ItemChanges {
    /// New status (checked by the state machine).
    pub status: Option<ActionItemStatus>,
    /// Why it is cancelled (with `status: Cancelled` only).
    pub cancel_reason: Option<String>,
    /// New title.
    pub title: Option<String>,
    /// New description.
    pub description: Option<Option<String>>,
    /// New due date.
    pub due_date: Option<NaiveDate>,
    /// New priority.
    pub priority: Option<Priority>,
    /// New assignee.
    pub assignee_id: Option<UserId>,
}

impl ItemChanges {
    /// Whether anything but the status changes.
    fn edits(&self) -> bool {
        self.title.is_some()
            || self.description.is_some()
            || self.due_date.is_some()
            || self.priority.is_some()
            || self.assignee_id.is_some()
    }
}

/// What the policy must allow for `changes`: cancelling or editing an item is the coach side's;
/// moving it forward is its assignee's, or the coach side's.
fn authorize_changes(
    actor: &Actor,
    item: &action_item::Model,
    target: &Target,
    changes: &ItemChanges,
) -> Result<(), StoreError> {
    let assignee_moves_forward = item.assignee_id == actor.id;
    match changes.status {
        Some(ActionItemStatus::Cancelled) => authorize(actor, Action::ManageActionItem, target)?,
        Some(_) if !assignee_moves_forward => {
            authorize(actor, Action::ProgressActionItem, target)?;
        }
        _ => {}
    }
    if changes.edits() {
        authorize(actor, Action::ManageActionItem, target)?;
    }
    Ok(())
}

/// Applies `changes` to the item at `version`, when the actor may make them.
pub async fn update(
    db: &Db,
    caller: &Caller,
    id: ActionItemId,
    version: i32,
    changes: ItemChanges,
) -> Result<action_item::Model, StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    let (mut before, target) = find_in_scope(&txn, actor, id).await?;
    authorize_changes(actor, &before, &target, &changes)?;
    if let Some(assignee) = changes.assignee_id {
        users::named_person(&txn, actor, assignee, "assignee_id").await?;
    }
    versioned::claim(&txn, &mut before, version).await?;
    let cancelling = changes.status == Some(ActionItemStatus::Cancelled);
    match (&changes.cancel_reason, cancelling) {
        (None, true) if before.status != ActionItemStatus::Cancelled => {
            return Err(StoreError::invalid(
                "cancel_reason",
                "say why the action item is cancelled",
            ));
        }
        (Some(_), false) => {
            return Err(StoreError::invalid(
                "cancel_reason",
                "give a reason only when cancelling",
            ));
        }
        _ => {}
    }
    let mut row: action_item::ActiveModel = before.clone().into();
    if let Some(to) = changes.status
        && to != before.status
    {
        let status = before.status.transition(to)?;
        row.status = Set(status);
        row.completed_at = Set((status == ActionItemStatus::Completed).then(Utc::now));
        if let Some(reason) = changes.cancel_reason {
            row.cancel_reason = Set(Some(reason.trim().to_owned()));
        }
    }
    if let Some(title) = changes.title {
        row.title = Set(title.trim().to_owned());
    }
    if let Some(description) = changes.description {
        row.description = Set(description);
    }
    if let Some(due_date) = changes.due_date {
        row.due_date = Set(due_date);
    }
    if let Some(priority) = changes.priority {
        row.priority = Set(priority);
    }
    if let Some(assignee) = changes.assignee_id {
        row.assignee_id = Set(assignee);
    }
    let after = row.update(&txn).await?;
    if after.assignee_id != before.assignee_id {
        tell_assignee(&txn, origin, &after).await?;
    }
    audit::commit(txn, origin, "action_item.update", id, Some(&before), after).await
}
