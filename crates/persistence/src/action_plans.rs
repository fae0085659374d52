//! Action plans: drafted by the coach, approved by the agent's manager, acknowledged by the
//! agent, closed with an outcome. Targets are checked against the agent's recorded metrics.

use domain::ActionPlanId;
use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use domain::{
    Action, Actor, NotificationKind, PlanOutcome, PlanStatus, Priority, Role, Target,
    TargetOperator, UserId, authorize,
};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, Order, QueryFilter, QueryOrder,
    Set,
};
use uuid::Uuid;

use crate::action_items::{self, NewItem, Parent};
use crate::audit::{self, Change};
use crate::caller::Caller;
use crate::entity::{
    action_item, action_plan, action_plan_checkpoint, action_plan_target, team, team_member, user,
};
use crate::notifications::{self, Notice};
use crate::pagination::{self, PageRequest};
use crate::{Db, StoreError, db, metrics, scope, users, versioned};

/// The plan `id` if `actor` may see it, with the policy's view of it, in one statement;
/// `NotFound` otherwise.
pub async fn find_in_scope(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: ActionPlanId,
) -> Result<(action_plan::Model, Target), StoreError> {
    let (plan, team) =
        scope::find_with_agent_team::<action_plan::Entity>(db, id, action_plan::Column::AgentId)
            .await?;
    let target = Target::about_agent(plan.agent_id, team);
    scope::sees(actor, Action::ViewActionPlan, &target)?;
    Ok((plan, target))
}

/// Adds an item to plan `id`: one in scope and still a draft, since its items are part of what
/// the manager approves; its assignee any person in scope.
pub async fn add_item(
    db: &Db,
    caller: &Caller,
    id: ActionPlanId,
    new: NewItem,
) -> Result<action_item::Model, StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    users::named_person(&txn, actor, new.assignee_id, "assignee_id").await?;
    let (plan, about) = find_in_scope(&txn, actor, id)
        .await
        .map_err(|err| err.named_in("plan_id", "action plan"))?;
    if plan.status != PlanStatus::Draft {
        return Err(domain::InvalidTransition {
            from: plan.status.as_str(),
            action: "add an item to",
        }
        .into());
    }
    authorize(actor, Action::CreateActionItem, &about)?;
    let item =
        action_items::insert(&txn, origin, plan.agent_id, Some(Parent::Plan(id)), new).await?;
    txn.commit().await?;
    Ok(item)
}

/// Claims the plan at `version` for `action` by `actor` inside `txn` and returns it as it was:
/// `NotFound` outside the actor's sight, `Denied` when the policy refuses, `Stale` when the
/// version is not the current one.
async fn claim(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    action: Action,
    id: ActionPlanId,
    version: Option<i32>,
) -> Result<action_plan::Model, StoreError> {
    let (mut plan, target) = find_in_scope(txn, actor, id).await?;
    authorize(actor, action, &target)?;
    // Without a version (a checkpoint) the write still serialises with transitions.
    let version = version.unwrap_or(plan.version);
    versioned::claim(txn, &mut plan, version).await?;
    Ok(plan)
}

/// A plan with everything hanging off it.
#[derive(Clone, Debug)]
pub struct PlanRow {
    /// The row.
    pub plan: action_plan::Model,
    /// Its action items, by due date.
    pub items: Vec<action_item::Model>,
    /// Its KPI targets, by month.
    pub targets: Vec<TargetRow>,
    /// Its checkpoints, in date order.
    pub checkpoints: Vec<action_plan_checkpoint::Model>,
}

impl PlanRow {
    /// The plan as `actor` sees it: without the items its agent does not see yet.
    pub fn seen_by(mut self, actor: &Actor) -> Self {
        self.items
            .retain(|item| crate::action_items::shown_to(actor, item));
        self
    }
}

/// A KPI target with the KPI's key and the agent's recorded value for its month.
#[derive(Clone, Debug)]
pub struct TargetRow {
    /// The row.
    pub target: action_plan_target::Model,
    /// The KPI's key.
    pub kpi: String,
    /// The agent's recorded value for `by_month`, if any.
    pub actual: Option<f64>,
    /// The agent's recorded values from the plan's first month to `by_month`, oldest first.
    pub progress: Vec<(String, f64)>,
}

/// A plan with everything hanging off it.
pub async fn details(
    db: &impl ConnectionTrait,
    plan: &action_plan::Model,
) -> Result<PlanRow, StoreError> {
    Ok(expand(db, std::slice::from_ref(plan)).await?.remove(0))
}

/// Many plans with their items, targets and checkpoints, in a fixed number of queries.
async fn expand(
    db: &impl ConnectionTrait,
    plans: &[action_plan::Model],
) -> Result<Vec<PlanRow>, StoreError> {
    let ids: Vec<ActionPlanId> = plans.iter().map(|p| p.id).collect();
    let mut items: HashMap<ActionPlanId, Vec<action_item::Model>> = HashMap::new();
    for item in action_item::Entity::find()
        .filter(action_item::Column::PlanId.is_in(ids.clone()))
        .order_by_asc(action_item::Column::DueDate)
        .all(db)
        .await?
    {
        if let Some(plan) = item.plan_id {
            items.entry(plan).or_default().push(item);
        }
    }
    let mut checkpoints: HashMap<ActionPlanId, Vec<action_plan_checkpoint::Model>> = HashMap::new();
    for checkpoint in action_plan_checkpoint::Entity::find()
        .filter(action_plan_checkpoint::Column::PlanId.is_in(ids.clone()))
        .order_by_asc(action_plan_checkpoint::Column::Date)
        .all(db)
        .await?
    {
        checkpoints
            .entry(checkpoint.plan_id)
            .or_default()
            .push(checkpoint);
    }
    let targets = action_plan_target::Entity::find()
        .filter(action_plan_target::Column::PlanId.is_in(ids))
        .order_by_asc(action_plan_target::Column::ByMonth)
        .all(db)
        .await?;
    let catalogue = metrics::catalogue(db).await?;
    let agents: Vec<UserId> = plans.iter().map(|p| p.agent_id).collect();
    let first_month = |plan: &action_plan::Model| plan.start_date.format("%Y-%m").to_string();
    let months = targets
        .iter()
        .map(|t| t.by_month.clone())
        .chain(plans.iter().map(first_month));
    let recorded: HashMap<(UserId, String), metrics::Values> =
        match (months.clone().min(), months.max()) {
            (Some(first), Some(last)) => metrics::months(db, &agents, &first, &last)
                .await?
                .into_iter()
                .map(|(month, values)| ((month.agent_id, month.month), values))
                .collect(),
            _ => HashMap::new(),
        };
    let plan_of: HashMap<ActionPlanId, &action_plan::Model> =
        plans.iter().map(|p| (p.id, p)).collect();
    let mut plan_targets: HashMap<ActionPlanId, Vec<TargetRow>> = HashMap::new();
    for target in targets {
        let Some(plan) = plan_of.get(&target.plan_id) else {
            continue;
        };
        let actual = recorded
            .get(&(plan.agent_id, target.by_month.clone()))
            .and_then(|values| values.get(&target.kpi_id).copied());
        let start = first_month(plan);
        let mut progress: Vec<(String, f64)> = recorded
            .iter()
            .filter(|((agent, month), _)| {
                *agent == plan.agent_id && *month >= start && *month <= target.by_month
            })
            .filter_map(|((_, month), values)| {
                values.get(&target.kpi_id).map(|v| (month.clone(), *v))
            })
            .collect();
        progress.sort_by(|a, b| a.0.cmp(&b.0));
        let kpi = catalogue
            .kpis
            .iter()
            .find(|k| k.id == target.kpi_id)
            .map(|k| k.key.clone())
            .unwrap_or_default();
        plan_targets
            .entry(target.plan_id)
            .or_default()
            .push(TargetRow {
                target,
                kpi,
                actual,
                progress,
            });
    }
    Ok(plans
        .iter()
        .map(|plan| PlanRow {
            plan: plan.clone(),
            items: items.remove(&plan.id).unwrap_or_default(),
            targets: plan_targets.remove(&plan.id).unwrap_or_default(),
            checkpoints: checkpoints.remove(&plan.id).unwrap_or_default(),
        })
        .collect())
}

/// Filters for the plan list.
#[derive(Clone, Debug, Default)]
pub struct PlanFilter {
    /// Only this agent's.
    pub agent_id: Option<UserId>,
    /// Only in this state.
    pub status: Option<PlanStatus>,
}

/// A page of the plans the actor may see, newest first.
pub async fn list(
    db: &Db,
    actor: &Actor,
    filter: &PlanFilter,
    page: &PageRequest,
) -> Result<(Vec<PlanRow>, Option<String>), StoreError> {
    let mut query = action_plan::Entity::find()
        .filter(scope::agent_records(actor, action_plan::Column::AgentId));
    if let Some(agent) = filter.agent_id {
        query = query.filter(action_plan::Column::AgentId.eq(agent));
    }
    if let Some(status) = filter.status {
        query = query.filter(action_plan::Column::Status.eq(status.as_str()));
    }
    let sort = (
        action_plan::Column::CreatedAt,
        action_plan::Column::Id,
        Order::Desc,
    );
    let (plans, next) =
        pagination::page::<_, chrono::DateTime<Utc>>(db, query, sort, page, |plan| {
            (plan.created_at.to_rfc3339(), plan.id.into())
        })
        .await?;
    let rows = expand(db, &plans).await?;
    Ok((
        rows.into_iter().map(|row| row.seen_by(actor)).collect(),
        next,
    ))
}

/// A plan to draft.
#[derive(Clone, Debug)]
pub struct NewPlan {
    pub agent_id: UserId,
    pub title: String,
    pub goal: String,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day.
    pub end_date: NaiveDate,
    /// Items: title, due date, description, priority.
    pub items: Vec<(String, NaiveDate, Option<String>, Priority)>,
    /// Targets: KPI key, comparison, value, month.
    pub targets: Vec<(String, TargetOperator, f64, String)>,
}

/// Drafts a plan, with its items and targets, for an agent the actor coaches, in one
/// transaction.
pub async fn create(db: &Db, caller: &Caller, new: NewPlan) -> Result<PlanRow, StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    let (_, about) = match users::named_agent(&txn, actor, new.agent_id, "agent_id").await {
        Err(StoreError::Invalid { .. }) => {
            return Err(StoreError::invalid(
                "agent_id",
                "no such agent in your scope",
            ));
        }
        found => found?,
    };
    authorize(actor, Action::DraftActionPlan, &about)?;
    let targets = catalogued(&txn, &new.targets).await?;
    let now = Utc::now();
    let plan = action_plan::ActiveModel {
        id: Set(ActionPlanId(Uuid::now_v7())),
        agent_id: Set(new.agent_id),
        created_by: Set(origin.actor_id),
        title: Set(new.title.trim().to_owned()),
        goal: Set(new.goal.trim().into()),
        start_date: Set(new.start_date),
        end_date: Set(new.end_date),
        status: Set(PlanStatus::Draft),
        outcome: Set(None),
        submitted_at: Set(None),
        approved_by: Set(None),
        approved_at: Set(None),
        rejection_reason: Set(None),
        cancel_reason: Set(None),
        acknowledged_at: Set(None),
        acknowledgement_comment: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    for (title, due_date, description, priority) in new.items {
        let item = NewItem {
            assignee_id: new.agent_id,
            title,
            description,
            due_date,
            priority,
        };
        let parent = Some(Parent::Plan(plan.id));
        action_items::insert(&txn, origin, new.agent_id, parent, item).await?;
    }
    insert_targets(&txn, plan.id, targets).await?;
    let created = details(&txn, &plan).await?;
    audit::record_change(
        &txn,
        origin,
        "action_plan.create",
        plan.id,
        None,
        Some(&plan),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// A target as stored: KPI id, comparison, value, month.
type KpiTarget = (Uuid, TargetOperator, f64, String);

/// `targets` (KPI key, comparison, value, month) with their KPIs looked up in the catalogue; a
/// key it lacks is refused on its field.
async fn catalogued(
    txn: &impl ConnectionTrait,
    targets: &[(String, TargetOperator, f64, String)],
) -> Result<Vec<KpiTarget>, StoreError> {
    let catalogue = metrics::catalogue(txn).await?;
    targets
        .iter()
        .enumerate()
        .map(|(index, (key, operator, value, month))| {
            let kpi = catalogue.kpi(key).ok_or_else(|| {
                StoreError::invalid(
                    format!("targets[{index}].kpi"),
                    format!("`{key}` is not in the catalogue"),
                )
            })?;
            Ok((kpi.id, *operator, *value, month.clone()))
        })
        .collect()
}

/// Adds `targets` to the plan `plan_id`.
async fn insert_targets(
    txn: &impl ConnectionTrait,
    plan_id: ActionPlanId,
    targets: Vec<KpiTarget>,
) -> Result<(), StoreError> {
    let now = Utc::now();
    for (kpi_id, operator, value, by_month) in targets {
        action_plan_target::ActiveModel {
            id: Set(Uuid::now_v7()),
            plan_id: Set(plan_id),
            kpi_id: Set(kpi_id),
            operator: Set(operator),
            value: Set(value),
            by_month: Set(by_month),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// What a plan change does.
#[derive(Clone, Debug)]
pub enum PlanChange {
    /// Edit the draft.
    Edit {
        /// New title.
        title: Option<String>,
        /// New goal.
        goal: Option<String>,
        /// New first day.
        start_date: Option<NaiveDate>,
        /// New last day.
        end_date: Option<NaiveDate>,
        /// New targets, replacing all: KPI key, comparison, value, month.
        targets: Option<Vec<(String, TargetOperator, f64, String)>>,
    },
    /// Send for approval.
    Submit,
    Approve,
    /// Send back to draft.
    Reject(String),
    /// The agent acknowledges.
    Acknowledge(String),
    /// Close with an outcome.
    Complete(PlanOutcome),
    /// Abandon.
    Cancel(String),
}

impl PlanChange {
    /// What the policy must allow: the coach drafts, submits, completes and cancels; the agent's
    /// manager approves or rejects; the agent acknowledges.
    fn action(&self) -> Action {
        match self {
            PlanChange::Approve | PlanChange::Reject(_) => Action::ApproveActionPlan,
            PlanChange::Acknowledge(_) => Action::AcknowledgeActionPlan,
            _ => Action::DraftActionPlan,
        }
    }
}

/// Applies a change the actor may make to the plan at `version`, in one transaction.
pub async fn change(
    db: &Db,
    caller: &Caller,
    id: ActionPlanId,
    version: i32,
    change: PlanChange,
) -> Result<PlanRow, StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    let plan = claim(&txn, actor, change.action(), id, Some(version)).await?;
    if matches!(change, PlanChange::Approve) {
        domain::policy::authorize_approval(actor, plan.created_by)?;
    }
    let status = plan.status;
    let now = Utc::now();
    let mut row: action_plan::ActiveModel = plan.clone().into();
    let action = match change {
        PlanChange::Edit {
            title,
            goal,
            start_date,
            end_date,
            targets,
        } => {
            status.editable()?;
            if let Some(targets) = targets {
                let targets = catalogued(&txn, &targets).await?;
                action_plan_target::Entity::delete_many()
                    .filter(action_plan_target::Column::PlanId.eq(id))
                    .exec(&txn)
                    .await?;
                insert_targets(&txn, id, targets).await?;
            }
            let start = start_date.unwrap_or(plan.start_date);
            let end = end_date.unwrap_or(plan.end_date);
            if end < start {
                return Err(StoreError::invalid(
                    "end_date",
                    "must not be before start_date",
                ));
            }
            if let Some(title) = title {
                row.title = Set(title.trim().to_owned());
            }
            if let Some(goal) = goal {
                row.goal = Set(goal.trim().into());
            }
            row.start_date = Set(start);
            row.end_date = Set(end);
            "action_plan.update"
        }
        PlanChange::Submit => {
            row.status = Set(status.submit()?);
            row.submitted_at = Set(Some(now));
            "action_plan.submit"
        }
        PlanChange::Approve => {
            row.status = Set(status.approve()?);
            row.approved_by = Set(origin.actor_id);
            row.approved_at = Set(Some(now));
            "action_plan.approve"
        }
        PlanChange::Reject(reason) => {
            row.status = Set(status.reject()?);
            row.rejection_reason = Set(Some(reason));
            "action_plan.reject"
        }
        PlanChange::Acknowledge(comment) => {
            status.acknowledgeable()?;
            if plan.acknowledged_at.is_some() {
                return Err(StoreError::conflict(
                    "comment",
                    "this plan is already acknowledged",
                ));
            }
            row.acknowledged_at = Set(Some(now));
            row.acknowledgement_comment = Set(Some(comment.into()));
            "action_plan.acknowledge"
        }
        PlanChange::Complete(outcome) => {
            row.status = Set(status.complete()?);
            row.outcome = Set(Some(outcome));
            "action_plan.complete"
        }
        PlanChange::Cancel(reason) => {
            row.status = Set(status.cancel()?);
            row.cancel_reason = Set(Some(reason));
            "action_plan.cancel"
        }
    };
    let updated = row.update(&txn).await?;
    if action == "action_plan.approve" {
        // The agent sees the plan's items from now on.
        action_item::Entity::update_many()
            .col_expr(action_item::Column::AwaitingPlan, Expr::value(false))
            .filter(action_item::Column::PlanId.eq(id))
            .exec(&txn)
            .await?;
    }
    let after = details(&txn, &updated).await?.seen_by(actor);
    // Submitting tells whoever approves; a decision tells whoever drafted the plan, by the
    // decider's name, and an approval the agent too; other changes tell nobody.
    let decider = || async {
        match origin.actor_id {
            Some(id) => Ok::<_, StoreError>(crate::users::find(&txn, id).await?.user.name),
            None => Ok("Someone".to_owned()),
        }
    };
    let drafter: Vec<UserId> = updated.created_by.into_iter().collect();
    let mut told = Vec::new();
    match action {
        "action_plan.submit" => told.push((
            NotificationKind::PlanAwaitingApproval,
            format!("Action plan to approve: {}", updated.title),
            approvers(&txn, updated.agent_id).await?,
        )),
        "action_plan.approve" => {
            told.push((
                NotificationKind::PlanAwaitingAcknowledgement,
                format!("Your action plan was approved: {}", updated.title),
                vec![updated.agent_id],
            ));
            told.push((
                NotificationKind::PlanApproved,
                format!(
                    "{} approved the action plan “{}”",
                    decider().await?,
                    updated.title
                ),
                drafter,
            ));
        }
        "action_plan.reject" => told.push((
            NotificationKind::PlanSentBack,
            format!(
                "{} sent back the action plan “{}”: {}",
                decider().await?,
                updated.title,
                updated.rejection_reason.as_deref().unwrap_or_default()
            ),
            drafter,
        )),
        _ => {}
    }
    for (kind, title, recipients) in told {
        let notice = Notice {
            kind,
            title,
            resource_type: "action_plan",
            resource_id: id.into(),
        };
        notifications::notify(&txn, origin, recipients, &notice).await?;
    }
    audit::record_change(&txn, origin, action, id, Some(&plan), Some(&updated)).await?;
    txn.commit().await?;
    Ok(after)
}

/// Who approves a plan about `agent`: their team's manager, or the admins when it has none.
async fn approvers(txn: &impl ConnectionTrait, agent: UserId) -> Result<Vec<UserId>, StoreError> {
    let manager = team::Entity::find()
        .filter(
            team::Column::Id.in_subquery(
                Query::select()
                    .column(team_member::Column::TeamId)
                    .from(team_member::Entity)
                    .and_where(team_member::Column::UserId.eq(agent))
                    .to_owned(),
            ),
        )
        .one(txn)
        .await?
        .and_then(|team| team.manager_id);
    if let Some(manager) = manager {
        return Ok(vec![manager]);
    }
    let admins = user::Entity::find()
        .filter(user::Column::Role.eq(Role::Admin))
        .filter(user::Column::Active.eq(true))
        .all(txn)
        .await?;
    Ok(admins.into_iter().map(|admin| admin.id).collect())
}

/// Adds a dated checkpoint to a plan that is not closed.
pub async fn add_checkpoint(
    db: &Db,
    caller: &Caller,
    id: ActionPlanId,
    date: NaiveDate,
    notes: String,
) -> Result<PlanRow, StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    // Claimed like a transition: a checkpoint never lands on a plan closed meanwhile.
    let plan = claim(&txn, actor, Action::DraftActionPlan, id, None).await?;
    if matches!(plan.status, PlanStatus::Completed | PlanStatus::Cancelled) {
        return Err(domain::InvalidTransition {
            from: plan.status.as_str(),
            action: "add a checkpoint to",
        }
        .into());
    }
    let now = Utc::now();
    let checkpoint = action_plan_checkpoint::ActiveModel {
        id: Set(Uuid::now_v7()),
        plan_id: Set(id),
        date: Set(date),
        notes: Set(notes.trim().into()),
        author_id: Set(origin.actor_id),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let change = Change {
        action: "action_plan.checkpoint",
        resource_type: "action_plan",
        resource_id: Some(id.into()),
        changes: serde_json::json!({ "checkpoint": { "from": null, "to": { "id": checkpoint.id, "date": date } } }),
    };
    audit::record(&txn, origin, change).await?;
    let after = details(&txn, &plan).await?;
    txn.commit().await?;
    Ok(after)
}
