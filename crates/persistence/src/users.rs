//! People: accounts, roles, team membership, activation.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::{Action, Actor, Role, Target, TeamId, UserId, authorize};
use sea_orm::sea_query::{Expr, ExprTrait, Func, JoinType, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select, SelectModel,
    Selector, Set,
};
use uuid::Uuid;

use crate::audit::{self, Change, Origin};
use crate::caller::Caller;
use crate::entity::{auth_session, team, team_analyst, team_member, user};
use crate::pagination::{self, Cursor, PageRequest};
use crate::{Db, StoreError, access_tokens, auth_sessions, db, scope, versioned};

/// A user with the team they are an agent of, or the teams they evaluate.
#[derive(Clone, Debug, serde::Serialize)]
pub struct UserRow {
    /// The row.
    #[serde(flatten)]
    pub user: user::Model,
    /// Their team, as an agent.
    pub team_id: Option<TeamId>,
    /// The teams whose agents they evaluate, as a quality analyst.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evaluated_team_ids: Vec<TeamId>,
}

impl UserRow {
    /// The stored role; the column's CHECK constraint admits only the five roles.
    pub fn role(&self) -> Role {
        self.user.role
    }
}

/// A user to create.
#[derive(Clone, Debug)]
pub struct NewUser {
    /// Email, any case; stored lower case.
    pub email: String,
    /// Display name.
    pub name: String,
    pub role: Role,
    /// An argon2id PHC string, or none for SSO-only accounts.
    pub password_hash: Option<String>,
    /// Whether the password is a temporary one someone else chose: it must be changed at the
    /// first sign-in, and works for [`TEMPORARY_PASSWORD_LIFETIME`].
    pub temporary: bool,
    /// Team to join (agents only).
    pub team_id: Option<TeamId>,
    /// Teams to evaluate (quality analysts only).
    pub evaluated_team_ids: Vec<TeamId>,
    /// HR employee id.
    pub employee_id: Option<String>,
    pub department: Option<String>,
}

/// Changes to a user; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct UserChanges {
    /// New name.
    pub name: Option<String>,
    /// New role.
    pub role: Option<Role>,
    /// New team (`Some(None)` leaves the team).
    pub team_id: Option<Option<TeamId>>,
    /// The complete new set of teams to evaluate (quality analysts).
    pub evaluated_team_ids: Option<Vec<TeamId>>,
    /// New employee id.
    pub employee_id: Option<Option<String>>,
    /// New department.
    pub department: Option<Option<String>>,
}

/// Filters for the user list.
#[derive(Clone, Debug, Default)]
pub struct UserFilter {
    /// Only this role.
    pub role: Option<Role>,
    /// Only agents of this team.
    pub team_id: Option<TeamId>,
    /// Only active (or inactive) users.
    pub active: Option<bool>,
    /// Name or email contains this, any case.
    pub q: Option<String>,
}

/// Normalises an email address for storage and lookup.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// One user by id, whatever the scope (callers check scope with the policy).
pub async fn find(db: &impl ConnectionTrait, id: UserId) -> Result<UserRow, StoreError> {
    let row = with_team(user::Entity::find_by_id(id))
        .one(db)
        .await?
        .map(UserRow::from)
        .ok_or(StoreError::NotFound)?;
    let mut rows = with_evaluated_teams(db, vec![row]).await?;
    rows.pop().ok_or(StoreError::NotFound)
}

/// `rows` with the teams each quality analyst among them evaluates: one statement when there is
/// an analyst, none otherwise.
async fn with_evaluated_teams(
    db: &impl ConnectionTrait,
    mut rows: Vec<UserRow>,
) -> Result<Vec<UserRow>, StoreError> {
    let analysts: Vec<UserId> = rows
        .iter()
        .filter(|row| row.role() == Role::QualityAnalyst)
        .map(|row| row.user.id)
        .collect();
    if analysts.is_empty() {
        return Ok(rows);
    }
    let mut teams: HashMap<UserId, Vec<TeamId>> = HashMap::new();
    for assignment in team_analyst::Entity::find()
        .filter(team_analyst::Column::UserId.is_in(analysts))
        .order_by_asc(team_analyst::Column::TeamId)
        .all(db)
        .await?
    {
        teams
            .entry(assignment.user_id)
            .or_default()
            .push(assignment.team_id);
    }
    for row in &mut rows {
        row.evaluated_team_ids = teams.remove(&row.user.id).unwrap_or_default();
    }
    Ok(rows)
}

/// Makes `teams` the teams analyst `user_id` evaluates; `team_ids` names them on the wire.
async fn set_evaluated_teams(
    db: &impl ConnectionTrait,
    actor: &Actor,
    user_id: UserId,
    teams: &[TeamId],
) -> Result<(), StoreError> {
    let distinct: std::collections::BTreeSet<TeamId> = teams.iter().copied().collect();
    for &id in &distinct {
        authorize(actor, Action::UpdateTeam, &Target::Team { id })?;
    }
    let known = team::Entity::find()
        .filter(team::Column::Id.is_in(distinct.iter().copied()))
        .count(db)
        .await?;
    if known != distinct.len() as u64 {
        return Err(StoreError::invalid("team_ids", "no such team"));
    }
    let pairs = distinct.into_iter().map(|team| (team, user_id)).collect();
    let old = team_analyst::Column::UserId.eq(user_id);
    replace_analysts(db, old, pairs).await
}

/// Replaces the assignments `old` selects (a team's analysts, or an analyst's teams) with
/// `pairs` of team and analyst.
pub(crate) async fn replace_analysts(
    db: &impl ConnectionTrait,
    old: sea_orm::sea_query::SimpleExpr,
    pairs: Vec<(TeamId, UserId)>,
) -> Result<(), StoreError> {
    team_analyst::Entity::delete_many()
        .filter(old)
        .exec(db)
        .await?;
    if pairs.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    team_analyst::Entity::insert_many(pairs.into_iter().map(|(team_id, user_id)| {
        team_analyst::ActiveModel {
            team_id: Set(team_id),
            user_id: Set(user_id),
            created_at: Set(now),
        }
    }))
    .exec(db)
    .await?;
    Ok(())
}

fn only_analysts_evaluate(role: Role) -> Result<(), StoreError> {
    if role == Role::QualityAnalyst {
        Ok(())
    } else {
        Err(StoreError::invalid(
            "team_ids",
            "only quality analysts evaluate teams",
        ))
    }
}

/// The names of the people `ids` names (an erased person's is their tombstone), by id.
pub async fn names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = UserId>,
) -> Result<HashMap<UserId, String>, StoreError> {
    Ok(user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::Name)
        .filter(user::Column::Id.is_in(ids))
        .into_tuple::<(UserId, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// `select` with each user's team (as an agent) alongside: rows and teams in one statement.
fn with_team(select: Select<user::Entity>) -> Selector<SelectModel<UserWithTeam>> {
    scope::with_agent_team(select, (user::Entity, user::Column::Id)).into_model::<UserWithTeam>()
}

/// A user and the team they belong to as an agent.
#[derive(Debug, FromQueryResult)]
struct UserWithTeam {
    #[sea_orm(nested)]
    user: user::Model,
    agent_team: Option<TeamId>,
}

impl From<UserWithTeam> for UserRow {
    fn from(row: UserWithTeam) -> Self {
        UserRow {
            user: row.user,
            team_id: row.agent_team,
            evaluated_team_ids: Vec::new(),
        }
    }
}

/// One user by email (any case), with their team.
pub async fn find_by_email(db: &Db, email: &str) -> Result<Option<UserRow>, StoreError> {
    let select = user::Entity::find().filter(user::Column::Email.eq(normalise_email(email)));
    Ok(with_team(select).one(db).await?.map(UserRow::from))
}

/// The team an agent belongs to.
pub async fn team_of(
    db: &impl ConnectionTrait,
    user_id: UserId,
) -> Result<Option<TeamId>, StoreError> {
    Ok(team_member::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .map(|member| member.team_id))
}

/// Every team a person is part of: the one they are an agent of and those they lead.
/// This is what the policy compares against an actor's scope.
pub async fn teams_of(
    db: &impl ConnectionTrait,
    user_id: UserId,
) -> Result<Vec<TeamId>, StoreError> {
    let mut teams: Vec<TeamId> = team::Entity::find()
        .filter(team::Column::TeamLeaderId.eq(user_id))
        .select_only()
        .column(team::Column::Id)
        .into_tuple::<Uuid>()
        .all(db)
        .await?
        .into_iter()
        .map(TeamId)
        .collect();
    teams.extend(team_of(db, user_id).await?);
    Ok(teams)
}

/// The teams whose agents `user_id` evaluates as a quality analyst.
pub async fn evaluated_teams(
    db: &impl ConnectionTrait,
    user_id: UserId,
) -> Result<Vec<TeamId>, StoreError> {
    Ok(team_analyst::Entity::find()
        .filter(team_analyst::Column::UserId.eq(user_id))
        .select_only()
        .column(team_analyst::Column::TeamId)
        .into_tuple::<Uuid>()
        .all(db)
        .await?
        .into_iter()
        .map(TeamId)
        .collect())
}

/// Which team each of these users is an agent of.
pub async fn memberships(
    db: &impl ConnectionTrait,
    user_ids: &[UserId],
) -> Result<HashMap<UserId, TeamId>, StoreError> {
    Ok(team_member::Entity::find()
        .filter(team_member::Column::UserId.is_in(user_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|member| (member.user_id, member.team_id))
        .collect())
}

/// Agents named by employee id or email (any case), with their teams: one query each.
pub async fn agents_by_identity(
    db: &Db,
    employee_ids: &[String],
    emails: &[String],
) -> Result<Vec<UserRow>, StoreError> {
    let mut employee_ids = employee_ids.to_vec();
    employee_ids.sort();
    employee_ids.dedup();
    let mut emails: Vec<String> = emails.iter().map(|e| normalise_email(e)).collect();
    emails.sort();
    emails.dedup();
    // Bounded IN lists: SQLite and PostgreSQL both cap the parameters of one statement.
    let mut agents = Vec::new();
    for (column, keys) in [
        (user::Column::EmployeeId, employee_ids),
        (user::Column::Email, emails),
    ] {
        for chunk in keys.chunks(500) {
            agents.extend(
                user::Entity::find()
                    .filter(user::Column::Role.eq(Role::Agent.as_str()))
                    .filter(column.is_in(chunk.iter().cloned()))
                    .all(db)
                    .await?,
            );
        }
    }
    let ids: Vec<UserId> = agents.iter().map(|a| a.id).collect();
    let mut teams = HashMap::new();
    for chunk in ids.chunks(500) {
        teams.extend(memberships(db, chunk).await?);
    }
    Ok(agents
        .into_iter()
        .map(|user| UserRow {
            team_id: teams.get(&user.id).copied(),
            evaluated_team_ids: Vec::new(),
            user,
        })
        .collect())
}

/// Who an access token speaks for, read in one statement: the user, whether the token's sign-in
/// session is still live, and the teams they lead or manage.
#[derive(Clone, Debug)]
pub struct Authenticated {
    /// Their row.
    pub user: user::Model,
    /// When the session ends, when it exists, belongs to them and is not revoked.
    pub session_expires_at: Option<DateTime<Utc>>,
    /// What the policy needs.
    pub actor: Actor,
}

impl Authenticated {
    /// The session exists, belongs to them, is not revoked and has not expired.
    pub fn session_live(&self) -> bool {
        self.session_expires_at.is_some_and(|at| at > Utc::now())
    }
}

/// One row of [`authenticate`]'s join: the user, the session if it is theirs, one team in scope.
#[derive(Debug, FromQueryResult)]
struct AuthRow {
    #[sea_orm(nested)]
    user: user::Model,
    session_user: Option<Uuid>,
    session_expires_at: Option<DateTime<Utc>>,
    session_revoked_at: Option<DateTime<Utc>>,
    scope_team: Option<Uuid>,
    scope_leader: Option<Uuid>,
    scope_manager: Option<Uuid>,
}

/// The user `user_id` with session `session_id` and their teams, in one statement (a row per
/// team they lead or manage); `None` when there is no such user.
pub async fn authenticate(
    db: &Db,
    user_id: UserId,
    session_id: Uuid,
) -> Result<Option<Authenticated>, StoreError> {
    let joined = [
        (
            Expr::col((auth_session::Entity, auth_session::Column::UserId)),
            "session_user",
        ),
        (
            Expr::col((auth_session::Entity, auth_session::Column::ExpiresAt)),
            "session_expires_at",
        ),
        (
            Expr::col((auth_session::Entity, auth_session::Column::RevokedAt)),
            "session_revoked_at",
        ),
        (Expr::col((team::Entity, team::Column::Id)), "scope_team"),
        (
            Expr::col((team::Entity, team::Column::TeamLeaderId)),
            "scope_leader",
        ),
        (
            Expr::col((team::Entity, team::Column::ManagerId)),
            "scope_manager",
        ),
    ];
    let mut select = joined.into_iter().fold(
        user::Entity::find().filter(user::Column::Id.eq(user_id)),
        |select, (column, alias)| select.column_as(column, alias),
    );
    QueryTrait::query(&mut select)
        .join(
            JoinType::LeftJoin,
            auth_session::Entity,
            Expr::col((auth_session::Entity, auth_session::Column::Id)).eq(session_id),
        )
        .join(
            JoinType::LeftJoin,
            team::Entity,
            Condition::any()
                .add(
                    Expr::col((team::Entity, team::Column::TeamLeaderId))
                        .equals((user::Entity, user::Column::Id)),
                )
                .add(
                    Expr::col((team::Entity, team::Column::ManagerId))
                        .equals((user::Entity, user::Column::Id)),
                ),
        );
    let rows = select.into_model::<AuthRow>().all(db).await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let user = first.user.clone();
    let session_expires_at = first.session_expires_at.filter(|_| {
        first.session_user == Some(user.id.into()) && first.session_revoked_at.is_none()
    });
    let pick = |want: fn(&AuthRow, Uuid) -> bool| {
        rows.iter()
            .filter(|row| want(row, user.id.into()))
            .filter_map(|row| row.scope_team.map(TeamId))
            .collect()
    };
    // Analysts lead and manage no team: the teams they evaluate take a statement of their own.
    let evaluated_teams = match user.role {
        Role::QualityAnalyst => evaluated_teams(db, user.id).await?,
        _ => Vec::new(),
    };
    let actor = Actor {
        id: user.id,
        role: user.role,
        led_teams: pick(|row, id| row.scope_leader == Some(id)),
        managed_teams: pick(|row, id| row.scope_manager == Some(id)),
        evaluated_teams,
        grants: None,
    };
    Ok(Some(Authenticated {
        user,
        session_expires_at,
        actor,
    }))
}

/// A page of the users the actor may see, by name.
pub async fn list(
    db: &Db,
    actor: &Actor,
    filter: &UserFilter,
    page: &PageRequest,
) -> Result<(Vec<UserRow>, Option<String>), StoreError> {
    let mut query = user::Entity::find().filter(scope::users(actor));
    if let Some(role) = filter.role {
        query = query.filter(user::Column::Role.eq(role.as_str()));
    }
    if let Some(active) = filter.active {
        query = query.filter(user::Column::Active.eq(active));
    }
    if let Some(team_id) = filter.team_id {
        query = query.filter(
            user::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(team_member::Column::UserId)
                    .from(team_member::Entity)
                    .and_where(team_member::Column::TeamId.eq(team_id))
                    .to_owned(),
            ),
        );
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = format!("%{}%", escape_like(&q.to_lowercase()));
        query = query.filter(
            Condition::any()
                .add(
                    Expr::expr(Func::lower(Expr::col(user::Column::Name)))
                        .like(LikeExpr::new(pattern.clone()).escape('\\')),
                )
                .add(Expr::col(user::Column::Email).like(LikeExpr::new(pattern).escape('\\'))),
        );
    }
    let rows = with_team(pagination::keyset(
        query,
        user::Column::Name,
        user::Column::Id,
        page,
    ))
    .all(db)
    .await?;
    let (rows, next) = pagination::finish(rows, page.limit, |row| Cursor {
        key: row.user.name.clone(),
        id: row.user.id.into(),
    });
    let rows = rows.into_iter().map(UserRow::from).collect();
    Ok((with_evaluated_teams(db, rows).await?, next))
}

/// Escapes `%`, `_` and `\\` for a `LIKE ... ESCAPE '\\'` pattern.
pub fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Creates a user the actor may create (and their team membership) in one transaction.
pub async fn create(db: &Db, caller: &Caller, new: NewUser) -> Result<UserRow, StoreError> {
    let Caller { actor, origin } = caller;
    domain::policy::authorize_new_user(actor, new.role, new.team_id)?;
    if new.team_id.is_some() && new.role != Role::Agent {
        return Err(StoreError::invalid(
            "team_id",
            "only agents are members of a team",
        ));
    }
    let txn = db::begin_write(db).await?;
    let email = normalise_email(&new.email);
    if user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .count(&txn)
        .await?
        > 0
    {
        return Err(StoreError::conflict(
            "email",
            "a user with this email already exists",
        ));
    }
    if let Some(employee_id) = &new.employee_id {
        ensure_employee_id_free(&txn, employee_id, None).await?;
    }
    let now = Utc::now();
    let id = UserId(Uuid::now_v7());
    user::ActiveModel {
        id: Set(id),
        email: Set(email),
        name: Set(new.name.trim().to_owned()),
        role: Set(new.role),
        employee_id: Set(new.employee_id),
        department: Set(new.department),
        active: Set(true),
        temporary_password_until: Set((new.temporary && new.password_hash.is_some())
            .then(|| now + TEMPORARY_PASSWORD_LIFETIME)),
        password_hash: Set(new.password_hash),
        erased_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    if let Some(team_id) = new.team_id {
        if new.role != Role::Agent {
            return Err(StoreError::invalid(
                "team_id",
                "only agents are members of a team",
            ));
        }
        join_team(&txn, id, team_id).await?;
    }
    if !new.evaluated_team_ids.is_empty() {
        only_analysts_evaluate(new.role)?;
        set_evaluated_teams(&txn, actor, id, &new.evaluated_team_ids).await?;
    }
    let row = find(&txn, id).await?;
    audit::commit(txn, origin, "user.create", row.user.id, None, row).await
}

async fn ensure_employee_id_free(
    db: &impl ConnectionTrait,
    employee_id: &str,
    except: Option<Uuid>,
) -> Result<(), StoreError> {
    let mut query = user::Entity::find().filter(user::Column::EmployeeId.eq(employee_id));
    if let Some(id) = except {
        query = query.filter(user::Column::Id.ne(id));
    }
    if query.count(db).await? > 0 {
        return Err(StoreError::conflict(
            "employee_id",
            "another user has this employee id",
        ));
    }
    Ok(())
}

/// Puts an agent into a team, leaving any previous one.
pub(crate) async fn join_team(
    db: &impl ConnectionTrait,
    user_id: UserId,
    team_id: TeamId,
) -> Result<(), StoreError> {
    if team::Entity::find_by_id(team_id).one(db).await?.is_none() {
        return Err(StoreError::invalid("team_id", "no such team"));
    }
    team_member::Entity::delete_by_id(user_id).exec(db).await?;
    team_member::ActiveModel {
        user_id: Set(user_id),
        team_id: Set(team_id),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// What the policy must allow for `changes`: each field needs its own permission (name: self,
/// manager, admin; employee id and department: manager, admin; team: manager of both teams,
/// admin; role: admin).
fn authorize_changes(
    actor: &Actor,
    target: &Target,
    changes: &UserChanges,
) -> Result<(), StoreError> {
    if changes.name.is_some() {
        authorize(actor, Action::UpdateProfile, target)?;
    }
    if changes.employee_id.is_some() || changes.department.is_some() {
        authorize(actor, Action::UpdateEmployment, target)?;
    }
    if changes.role.is_some() {
        authorize(actor, Action::ChangeRole, target)?;
    }
    if let Some(team) = changes.team_id {
        authorize(actor, Action::AssignTeam, target)?;
        if let Some(team) = team {
            let id = team;
            authorize(actor, Action::AssignTeam, &Target::Team { id })?;
        }
    }
    Ok(())
}

/// Claims the user read at `version` (the one read when `None`) inside `txn`.
pub(crate) async fn claim(
    txn: &impl ConnectionTrait,
    row: &mut UserRow,
    version: Option<i32>,
) -> Result<(), StoreError> {
    let version = version.unwrap_or(row.user.version);
    versioned::claim(txn, &mut row.user, version).await
}

/// The user `id` if `actor` may see them, with the policy's view of them (`NotFound`
/// otherwise). An agent's one team comes with the row; a leader's teams take another read.
pub async fn find_in_scope(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: UserId,
) -> Result<(UserRow, Target), StoreError> {
    let row = find(db, id).await?;
    let teams = match row.role() {
        Role::Agent => row.team_id.into_iter().collect(),
        _ => teams_of(db, id).await?,
    };
    let target = Target::User { id, teams };
    scope::sees(actor, Action::ViewUser, &target)?;
    Ok((row, target))
}

/// Applies `changes` the actor may make to the user at `version`, in one transaction.
pub async fn update(
    db: &Db,
    caller: &Caller,
    id: UserId,
    version: i32,
    changes: UserChanges,
) -> Result<UserRow, StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    let (mut current, target) = find_in_scope(&txn, actor, id).await?;
    authorize_changes(actor, &target, &changes)?;
    claim(&txn, &mut current, Some(version)).await?;
    let role = changes.role.unwrap_or_else(|| current.role());
    let mut row: user::ActiveModel = current.user.clone().into();
    if let Some(name) = changes.name {
        row.name = Set(name.trim().to_owned());
    }
    if let Some(new_role) = changes.role
        && new_role != current.role()
    {
        ensure_no_team_duties(&txn, id).await?;
        if new_role != Role::Agent {
            team_member::Entity::delete_by_id(id).exec(&txn).await?;
        }
        if new_role != Role::QualityAnalyst {
            team_analyst::Entity::delete_many()
                .filter(team_analyst::Column::UserId.eq(id))
                .exec(&txn)
                .await?;
        }
        row.role = Set(new_role);
    }
    if let Some(employee_id) = changes.employee_id {
        if let Some(employee_id) = &employee_id {
            ensure_employee_id_free(&txn, employee_id, Some(id.into())).await?;
        }
        row.employee_id = Set(employee_id);
    }
    if let Some(department) = changes.department {
        row.department = Set(department);
    }
    match changes.team_id {
        Some(Some(_)) if role != Role::Agent => {
            return Err(StoreError::invalid(
                "team_id",
                "only agents are members of a team",
            ));
        }
        Some(Some(team_id)) => join_team(&txn, id, team_id).await?,
        Some(None) => {
            team_member::Entity::delete_by_id(id).exec(&txn).await?;
        }
        None => {}
    }
    if let Some(teams) = changes.evaluated_team_ids {
        if !teams.is_empty() {
            only_analysts_evaluate(role)?;
        }
        set_evaluated_teams(&txn, actor, id, &teams).await?;
    }
    row.update(&txn).await?;
    let updated = find(&txn, id).await?;
    audit::commit(txn, origin, "user.update", id, Some(&current), updated).await
}

async fn ensure_no_team_duties(db: &impl ConnectionTrait, id: UserId) -> Result<(), StoreError> {
    let duties = team::Entity::find()
        .filter(
            Condition::any()
                .add(team::Column::TeamLeaderId.eq(id))
                .add(team::Column::ManagerId.eq(id)),
        )
        .count(db)
        .await?;
    if duties > 0 {
        return Err(StoreError::conflict(
            "role",
            "this user leads or manages a team; hand the team over first",
        ));
    }
    Ok(())
}

/// Deactivates or reactivates a user. Deactivation revokes every sign-in session and personal
/// access token in the same transaction, so the user is locked out at once.
pub async fn set_active(
    db: &Db,
    caller: &Caller,
    id: UserId,
    version: Option<i32>,
    active: bool,
) -> Result<UserRow, StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    let (mut current, target) = find_in_scope(&txn, actor, id).await?;
    authorize(actor, Action::DeactivateUser, &target)?;
    claim(&txn, &mut current, version).await?;
    let mut row: user::ActiveModel = current.user.clone().into();
    row.active = Set(active);
    row.update(&txn).await?;
    if !active {
        // Reactivated, they start clean: new sign-ins, new tokens.
        auth_sessions::revoke_all(&txn, id, "deactivated").await?;
        access_tokens::revoke_all(&txn, id).await?;
    }
    let updated = find(&txn, id).await?;
    let action = if active {
        "user.reactivate"
    } else {
        "user.deactivate"
    };
    audit::commit(txn, origin, action, id, Some(&current), updated).await
}

/// How long a temporary password an admin gives works: it must be changed at the next sign-in.
pub const TEMPORARY_PASSWORD_LIFETIME: chrono::Duration = chrono::Duration::days(7);

/// Stores a new password hash as a new version of the user (temporary until `temporary_until`,
/// or for good), and records `action` in the audit log (never the hash).
pub(crate) async fn set_password(
    txn: &impl ConnectionTrait,
    origin: &Origin,
    current: user::Model,
    hash: String,
    temporary_until: Option<DateTime<Utc>>,
    action: &'static str,
) -> Result<(), StoreError> {
    let id = current.id;
    versioned::bump::<user::Entity>(txn, id, current.version).await?;
    let mut row: user::ActiveModel = current.into();
    row.password_hash = Set(Some(hash));
    row.temporary_password_until = Set(temporary_until);
    row.update(txn).await?;
    let change = Change {
        action,
        resource_type: "user",
        resource_id: Some(id.into()),
        changes: serde_json::Value::Object(Default::default()),
    };
    audit::record(txn, origin, change).await
}

/// An admin gives a user a new password (`hash` of a temporary one, which works for
/// [`TEMPORARY_PASSWORD_LIFETIME`] and must be changed at the next sign-in): every sign-in
/// session and personal access token of theirs ends in the same transaction.
pub async fn reset_password(
    db: &Db,
    caller: &Caller,
    id: UserId,
    hash: String,
) -> Result<(), StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    let (current, target) = find_in_scope(&txn, actor, id).await?;
    authorize(actor, Action::ResetPassword, &target)?;
    let until = Utc::now() + TEMPORARY_PASSWORD_LIFETIME;
    set_password(
        &txn,
        origin,
        current.user,
        hash,
        Some(until),
        "user.reset_password",
    )
    .await?;
    auth_sessions::revoke_all(&txn, id, "password_reset").await?;
    access_tokens::revoke_all(&txn, id).await?;
    txn.commit().await?;
    Ok(())
}

/// The person `id`, when `actor` may give them a new password (see [`reset_password`]).
pub async fn password_resettable(
    db: &Db,
    actor: &Actor,
    id: UserId,
) -> Result<UserRow, StoreError> {
    let (current, target) = find_in_scope(db, actor, id).await?;
    authorize(actor, Action::ResetPassword, &target)?;
    Ok(current)
}

/// Replaces a user's password hash and ends every other sign-in session and every personal
/// access token, in one transaction.
pub async fn change_password(
    db: &Db,
    origin: &Origin,
    id: UserId,
    hash: String,
    keep_session: Uuid,
) -> Result<(), StoreError> {
    let txn = db::begin_write(db).await?;
    let current = find(&txn, id).await?;
    set_password(
        &txn,
        origin,
        current.user,
        hash,
        None,
        "user.change_password",
    )
    .await?;
    auth_sessions::revoke_all_except(&txn, id, keep_session, "password_changed").await?;
    access_tokens::revoke_all(&txn, id).await?;
    txn.commit().await?;
    Ok(())
}

/// Whether any user exists (first-run detection).
pub async fn any_exist(db: &Db) -> Result<bool, StoreError> {
    Ok(user::Entity::find().count(db).await? > 0)
}

/// The person a request names in `field`, when `actor` may see them; otherwise a 422 on that
/// field, the same whether they do not exist or are out of scope.
pub async fn named_person(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: UserId,
    field: impl Into<Cow<'static, str>>,
) -> Result<UserRow, StoreError> {
    find_in_scope(db, actor, id)
        .await
        .map(|(row, _)| row)
        .map_err(|err| err.named_in(field, "person"))
}

/// The agent a request names in `field`, as [`named_person`], with the policy's view of a record
/// about them; a 422 when the person is not an agent.
pub async fn named_agent(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: UserId,
    field: &'static str,
) -> Result<(UserRow, Target), StoreError> {
    let row = named_person(db, actor, id, field).await?;
    if row.role() != Role::Agent {
        return Err(StoreError::invalid(field, "must be an agent"));
    }
    let record = Target::about_agent(id, row.team_id);
    Ok((row, record))
}
