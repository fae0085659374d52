//! The access policy: may this actor do this action to this target?
//!
//! Two steps, both pure. [`relation`] says how the actor stands to the target (it is theirs, it
//! belongs to a team they lead or manage, or neither); [`permits`] is the rule table over
//! role x action x relation. [`authorize`] combines them and adds the one rule that overrides
//! every role: a private note is its author's alone. The server calls [`authorize`] before every
//! read and write; the browser calls it to decide which controls to draw.

use serde::{Deserialize, Serialize};

use crate::{Grant, Role, TeamId, UserId};

/// Who is acting, with the team scope the policy needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The signed-in user.
    pub id: UserId,
    /// Their role.
    pub role: Role,
    /// Teams whose team leader they are.
    pub led_teams: Vec<TeamId>,
    /// Teams whose manager they are.
    pub managed_teams: Vec<TeamId>,
    /// Teams whose agents they evaluate as a quality analyst.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evaluated_teams: Vec<TeamId>,
    /// What the personal access token in use may do; `None` for a signed-in person, who may do
    /// everything their role allows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grants: Option<Vec<Grant>>,
}

impl Actor {
    /// The operator at the server's console (`coaching-hub create-admin`, fixtures): an admin who
    /// is no user of the organisation.
    pub fn operator() -> Actor {
        Actor {
            id: UserId(uuid::Uuid::nil()),
            role: Role::Admin,
            led_teams: Vec::new(),
            managed_teams: Vec::new(),
            evaluated_teams: Vec::new(),
            grants: None,
        }
    }
}

/// What the action is done to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// No particular record: creating a team, reading the audit log, importing metrics.
    Global,
    /// A person; `teams` are the teams they are an agent of or lead.
    User {
        /// The person.
        id: UserId,
        /// Their teams.
        teams: Vec<TeamId>,
    },
    Team {
        /// The team.
        id: TeamId,
    },
    /// A record about one agent: a coaching session, action item, plan, note or metrics month.
    AgentRecord {
        /// The agent the record is about.
        agent: UserId,
        /// The agent's team, if they have one.
        team: Option<TeamId>,
        /// Who wrote it, where that matters (quick notes).
        author: Option<UserId>,
        /// A private record is visible to its author only, whatever anyone's role.
        private: bool,
    },
}

impl Target {
    /// What a record kept for teams is to the policy: each of its teams, or the organisation
    /// when it names none (an evaluation form for every team).
    pub fn for_teams(teams: &[TeamId]) -> Vec<Target> {
        if teams.is_empty() {
            vec![Target::Global]
        } else {
            teams.iter().map(|&id| Target::Team { id }).collect()
        }
    }

    /// A shared record about `agent` of `team` with no author that matters: a session, an action
    /// item, a plan or a metrics month.
    pub fn about_agent(agent: UserId, team: Option<TeamId>) -> Target {
        Target::AgentRecord {
            agent,
            team,
            author: None,
            private: false,
        }
    }
}

/// How an actor stands to a target. Earlier variants win when several hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Relation {
    /// The target is the actor, or a record about the actor.
    Own,
    /// The actor wrote the record.
    Author,
    /// The target belongs to a team the actor leads.
    LedTeam,
    /// The target belongs to a team the actor manages.
    ManagedTeam,
    /// The target belongs to a team whose agents the actor evaluates.
    EvaluatedTeam,
    /// None of the above.
    Unrelated,
    /// The action has no target record.
    Global,
}

impl Relation {
    /// Every relation, for exhaustive tests.
    pub const ALL: [Relation; 7] = [
        Relation::Own,
        Relation::Author,
        Relation::LedTeam,
        Relation::ManagedTeam,
        Relation::EvaluatedTeam,
        Relation::Unrelated,
        Relation::Global,
    ];
}

macro_rules! actions {
    ($($(#[$doc:meta])* $name:ident = $wire:literal,)*) => {
        /// Everything an actor can ask to do, across the whole product.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum Action {
            $($(#[$doc])* $name,)*
        }

        impl Action {
            /// Every action, for exhaustive tests and the `/me` permission list.
            pub const ALL: &'static [Action] = &[$(Action::$name,)*];

            /// The wire spelling (`view_user`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Action::$name => $wire,)*
                }
            }
        }
    };
}

actions! {
    /// Read a person's profile.
    ViewUser = "view_user",
    /// Create an admin, manager or team leader.
    CreateUser = "create_user",
    /// Create an agent in a team.
    CreateAgent = "create_agent",
    /// Change a person's name.
    UpdateProfile = "update_profile",
    /// Change a person's employee id or department.
    UpdateEmployment = "update_employment",
    /// Move an agent into or out of a team.
    AssignTeam = "assign_team",
    /// Change a person's role.
    ChangeRole = "change_role",
    /// Deactivate or reactivate a person.
    DeactivateUser = "deactivate_user",
    /// Reset a person's sign-in: a new temporary password (signing them out everywhere), or their
    /// second factor removed (a lost phone).
    ResetPassword = "reset_password",
    /// Read a team and its members.
    ViewTeam = "view_team",
    /// Create a team.
    CreateTeam = "create_team",
    /// Rename a team or change its leader or manager.
    UpdateTeam = "update_team",
    /// Set which agents belong to a team.
    SetTeamMembers = "set_team_members",
    /// Read a coaching session.
    ViewSession = "view_session",
    /// Schedule, edit, start, complete, cancel a session or mark a no-show.
    ManageSession = "manage_session",
    /// Sign off a completed session as its agent.
    AcknowledgeSession = "acknowledge_session",
    /// Read an action item.
    ViewActionItem = "view_action_item",
    /// Create an action item.
    CreateActionItem = "create_action_item",
    /// Move an action item forward (start, complete).
    ProgressActionItem = "progress_action_item",
    /// Edit, re-assign or cancel an action item.
    ManageActionItem = "manage_action_item",
    /// Read an action plan.
    ViewActionPlan = "view_action_plan",
    /// Draft, edit, submit, checkpoint, complete or cancel an action plan.
    DraftActionPlan = "draft_action_plan",
    /// Approve or reject a submitted action plan.
    ApproveActionPlan = "approve_action_plan",
    /// Acknowledge an action plan as its agent.
    AcknowledgeActionPlan = "acknowledge_action_plan",
    /// Read a quick note.
    ViewNote = "view_note",
    /// Write a quick note about an agent.
    CreateNote = "create_note",
    /// Edit or delete a quick note.
    EditNote = "edit_note",
    /// Read an agent's metrics and scorecard.
    ViewMetrics = "view_metrics",
    /// Enter or correct an agent's monthly metrics.
    WriteMetrics = "write_metrics",
    /// Import many agents' metrics from CSV.
    ImportMetrics = "import_metrics",
    /// Follow a background import (the target is the person who started it).
    ViewImportJob = "view_import_job",
    /// Change KPI weights and targets.
    ConfigureScorecard = "configure_scorecard",
    /// Read the audit log.
    ViewAudit = "view_audit",
    /// Decide how people sign in: which roles need a second factor.
    ConfigureSignIn = "configure_sign_in",
    /// Broadcast an announcement.
    Announce = "announce",
    /// Export a person's data (privacy law).
    ExportUserData = "export_user_data",
    /// Erase a person's personal data (privacy law).
    EraseUser = "erase_user",
    /// Read a session template: one for a team (the target), or one for everyone (`Global`).
    ViewSessionTemplate = "view_session_template",
    /// Make, change or delete a session template of a team, or (admins) one for everyone.
    ManageSessionTemplate = "manage_session_template",
    /// Register, change or remove outbound webhooks, and read their deliveries.
    ManageWebhooks = "manage_webhooks",
    /// Read an evaluation form: one for a team (the target), or one for every team (`Global`).
    ViewEvaluationForm = "view_evaluation_form",
    /// Make, edit or archive evaluation forms.
    ManageEvaluationForms = "manage_evaluation_forms",
    /// Read an evaluation (a draft only as its evaluator: drafts are private records).
    ViewEvaluation = "view_evaluation",
    /// Evaluate an interaction of an agent (the target is the agent's record).
    Evaluate = "evaluate",
    /// Change, submit or delete an evaluation: its evaluator, or an admin.
    EditEvaluation = "edit_evaluation",
    /// Acknowledge an evaluation as its agent.
    AcknowledgeEvaluation = "acknowledge_evaluation",
    /// Withdraw a submitted evaluation, with a reason.
    VoidEvaluation = "void_evaluation",
}

/// The policy refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a {role} may not {action:?} here")]
pub struct Denied {
    /// The refused action.
    pub action: Action,
    /// The actor's role.
    pub role: Role,
}

/// Four eyes on improvement plans: whoever drafted a plan does not approve it too. When the
/// drafter is the agent's manager, an admin approves.
pub fn authorize_approval(actor: &Actor, drafter: Option<UserId>) -> Result<(), Denied> {
    if drafter == Some(actor.id) {
        Err(Denied {
            action: Action::ApproveActionPlan,
            role: actor.role,
        })
    } else {
        Ok(())
    }
}

/// Whether `actor` may create a person of `role` (in `team`, for an agent): admins create anyone;
/// managers create agents in the teams they manage.
pub fn authorize_new_user(actor: &Actor, role: Role, team: Option<TeamId>) -> Result<(), Denied> {
    let (action, target) = match (role, team) {
        (Role::Agent, Some(id)) => (Action::CreateAgent, Target::Team { id }),
        (Role::Agent, None) => (Action::CreateAgent, Target::Global),
        _ => (Action::CreateUser, Target::Global),
    };
    authorize(actor, action, &target)
}

/// Decides whether `actor` may do `action` to `target`.
pub fn authorize(actor: &Actor, action: Action, target: &Target) -> Result<(), Denied> {
    let hidden_private = matches!(
        target,
        Target::AgentRecord { private: true, author, .. } if *author != Some(actor.id)
    );
    let in_scope = actor
        .grants
        .as_ref()
        .is_none_or(|grants| grants.iter().any(|grant| grant.grants(action)));
    if in_scope && !hidden_private && permits(actor.role, action, relation(actor, target)) {
        Ok(())
    } else {
        Err(Denied {
            action,
            role: actor.role,
        })
    }
}

impl Actor {
    /// `authorize` as a yes/no, for drawing controls.
    pub fn can(&self, action: Action, target: &Target) -> bool {
        authorize(self, action, target).is_ok()
    }

    /// Whether any of `targets` allows `action` (a record kept for several teams).
    pub fn can_any(&self, action: Action, targets: &[Target]) -> bool {
        targets.iter().any(|target| self.can(action, target))
    }

    fn leads(&self, team: TeamId) -> bool {
        self.led_teams.contains(&team)
    }

    fn manages(&self, team: TeamId) -> bool {
        self.managed_teams.contains(&team)
    }

    fn team_relation<'a>(&self, teams: impl IntoIterator<Item = &'a TeamId>) -> Relation {
        let mut relation = Relation::Unrelated;
        for &team in teams {
            if self.leads(team) {
                return Relation::LedTeam;
            }
            if self.manages(team) {
                relation = Relation::ManagedTeam;
            } else if relation == Relation::Unrelated && self.evaluated_teams.contains(&team) {
                relation = Relation::EvaluatedTeam;
            }
        }
        relation
    }
}

/// How `actor` stands to `target`.
pub fn relation(actor: &Actor, target: &Target) -> Relation {
    match target {
        Target::Global => Relation::Global,
        Target::User { id, .. } if *id == actor.id => Relation::Own,
        Target::User { teams, .. } => actor.team_relation(teams),
        Target::Team { id } => actor.team_relation([id]),
        Target::AgentRecord { agent, .. } if *agent == actor.id => Relation::Own,
        Target::AgentRecord { author, .. } if *author == Some(actor.id) => Relation::Author,
        Target::AgentRecord { team, .. } => actor.team_relation(team.iter()),
    }
}

/// The rule table: may a `role` do `action` to a target it stands in `relation` to?
pub fn permits(role: Role, action: Action, relation: Relation) -> bool {
    use Action::*;
    use Relation::{Author, EvaluatedTeam, LedTeam, ManagedTeam, Own};
    use Role::{Admin, Agent, Manager, QualityAnalyst, TeamLeader};

    let admin = role == Admin;
    let admin_not_self = admin && relation != Own;
    let manager_of = role == Manager && relation == ManagedTeam;
    let leader_of = role == TeamLeader && relation == LedTeam;
    // The coach side of an agent: the admin, the agent's manager, the agent's team leader.
    let coach = admin || manager_of || leader_of;
    // A quality analyst of the agent's team: sees the people and scores they evaluate, no
    // coaching record.
    let analyst_of = role == QualityAnalyst && relation == EvaluatedTeam;
    let own = relation == Own;
    let agent_self = role == Agent && own;

    match action {
        ViewUser => coach || analyst_of || own,
        CreateUser
        | CreateTeam
        | UpdateTeam
        | ConfigureScorecard
        | ViewAudit
        | ConfigureSignIn
        | ManageWebhooks
        | ManageEvaluationForms
        | VoidEvaluation => admin,
        CreateAgent | UpdateEmployment | AssignTeam | SetTeamMembers | ApproveActionPlan => {
            admin || manager_of
        }
        UpdateProfile => admin || manager_of || own,
        ChangeRole | DeactivateUser | ResetPassword | EraseUser => admin_not_self,
        ViewTeam => coach || analyst_of,
        ViewMetrics => coach || analyst_of || own,
        ViewSession | ViewActionItem | ViewActionPlan | ProgressActionItem => coach || own,
        ManageSession
        | CreateActionItem
        | ManageActionItem
        | DraftActionPlan
        | CreateNote
        | WriteMetrics
        | ManageSessionTemplate => coach,
        // Everyone who coaches uses the organisation's templates, and their teams'; analysts
        // score with the organisation's forms, and their teams'.
        ViewSessionTemplate => {
            coach || (relation == Relation::Global && matches!(role, Manager | TeamLeader))
        }
        ViewEvaluationForm => {
            coach || analyst_of || (relation == Relation::Global && role != Agent)
        }
        AcknowledgeSession | AcknowledgeActionPlan | AcknowledgeEvaluation => agent_self,
        // Coaches and analysts evaluate the agents they reach; agents never evaluate.
        Evaluate => coach || analyst_of,
        ViewEvaluation => coach || analyst_of || own || relation == Author,
        EditEvaluation => admin || relation == Author,
        ViewNote => coach || own || relation == Author,
        EditNote => admin || relation == Author,
        ImportMetrics | Announce => admin || role == Manager,
        ExportUserData | ViewImportJob => admin || own,
    }
}

#[cfg(test)]
mod tests;
