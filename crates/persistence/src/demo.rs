//! Sample organisations, derived from a fixed seed so two runs give the same one.
//!
//! - The demo ([`seed`]): a believable contact centre with a year of coaching history. An admin,
//!   two managers, four team leaders, a quality analyst who evaluates every team and forty agents
//!   in four teams (with six months of evaluations, `quality`), twelve months of KPI values
//!   per agent, completed and upcoming coaching sessions with action items, and quick notes.
//! - An organisation at scale ([`seed_scale`]), for benchmarks: N agents in teams of twelve, a
//!   manager per four teams, two years of monthly KPIs, fifty sessions and two hundred quick notes
//!   per agent, their action items, and an improvement plan for one agent in ten. Written in bulk
//!   (multi-row inserts), not through the API.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use domain::{
    ActionItemId, ActionItemStatus, ActionPlanId, NoteCategory, NoteVisibility, PlanStatus,
    Priority, QuickNoteId, Role, SessionId, SessionStatus, TeamId, UserId,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TryIntoModel,
};
use serde_json::json;
use uuid::Uuid;

use crate::entity::{
    action_item, action_plan, coaching_session, kpi, metric_month, metric_value, quick_note, team,
    team_analyst, team_member, user,
};
use crate::reference::DEFAULT_KPIS;
use crate::search_index::Searchable;
use crate::{Db, StoreError, db, search_index};

mod quality;

/// The email domain of every demo account.
pub const DOMAIN: &str = "demo.coaching-hub.example";

/// The demo's quality analyst, who evaluates every team.
const ANALYST: &str = "Noor Haddad";

/// The email domain of every account of an organisation at scale.
pub const SCALE_DOMAIN: &str = "scale.coaching-hub.example";

/// Agents per team in an organisation at scale.
pub const SCALE_TEAM_SIZE: usize = 12;

/// How much history each agent gets.
#[derive(Clone, Copy, Debug)]
struct History {
    /// Months of KPI values, up to last month.
    months: u32,
    /// Completed sessions, spread over those months (one upcoming session follows).
    sessions: usize,
    /// Quick notes, one every `note_every_days` going back from today.
    notes: usize,
    note_every_days: i64,
    /// One agent in this many has an active improvement plan (0: none).
    plan_every: usize,
    /// Whether the last weeks are lived in: sessions done in the last 30 days and earlier this
    /// week with items still open, and a plan waiting for approval after each active one (the
    /// demo; the organisation at scale keeps its fixed shape for the benchmarks).
    lived_in: bool,
}

const DEMO_HISTORY: History = History {
    months: 12,
    sessions: 6,
    notes: 3,
    note_every_days: 20,
    plan_every: 5,
    lived_in: true,
};

const SCALE_HISTORY: History = History {
    months: 24,
    sessions: 49,
    notes: 200,
    note_every_days: 3,
    plan_every: 10,
    lived_in: false,
};

/// Rows per multi-row insert: well under both databases' limits on bound parameters.
const ROWS_PER_INSERT: usize = 500;

/// Who can sign in to the demo.
#[derive(Clone, Debug)]
pub struct DemoLogin {
    pub role: Role,
    pub name: String,
    pub email: String,
}

const TEAMS: [(&str, &str, &str); 4] = [
    ("Billing Support", "Tomás Rivera", "Grace Okafor"),
    ("Technical Support", "Priya Natarajan", "Grace Okafor"),
    ("Customer Retention", "Jonas Becker", "Henrik Lund"),
    ("Inbound Sales", "Amara Mensah", "Henrik Lund"),
];

const AGENTS: [&str; 40] = [
    "Aiden Clarke",
    "Bianca Rossi",
    "Chen Wei",
    "Dana Whitfield",
    "Elif Yilmaz",
    "Farah Haddad",
    "Gabriel Silva",
    "Hana Kobayashi",
    "Ivan Petrov",
    "Julia Novak",
    "Kofi Asante",
    "Laura Méndez",
    "Marcus Johnson",
    "Nadia Rahman",
    "Oscar Lindqvist",
    "Paula Ferreira",
    "Quentin Moreau",
    "Rosa Jiménez",
    "Samir Aziz",
    "Tara O'Neill",
    "Uma Desai",
    "Viktor Horvat",
    "Wendy Zhao",
    "Xavier Dubois",
    "Yara Costa",
    "Zane Mitchell",
    "Alicia Brandt",
    "Bruno Castillo",
    "Carmen Ortiz",
    "Declan Walsh",
    "Esther Adeyemi",
    "Felix Wagner",
    "Gemma Hughes",
    "Hugo Laurent",
    "Ines Carvalho",
    "Jamal Wright",
    "Keiko Tanaka",
    "Liam Byrne",
    "Maya Goldberg",
    "Noah Fischer",
];

const NOTES: [(NoteCategory, &str); 8] = [
    (
        NoteCategory::Performance,
        "Handled an escalated billing dispute calmly and resolved it on the first call.",
    ),
    (
        NoteCategory::Behavior,
        "Was late back from the second break twice this week; mention in next session.",
    ),
    (
        NoteCategory::Training,
        "Would benefit from the refresher on the new refund workflow.",
    ),
    (
        NoteCategory::Performance,
        "Quality review: excellent empathy statements, but skipped the identity check once.",
    ),
    (
        NoteCategory::Other,
        "Asked about the team lead development programme; follow up with HR.",
    ),
    (
        NoteCategory::Behavior,
        "Helped a new starter with the CRM shortcuts without being asked.",
    ),
    (
        NoteCategory::Training,
        "Shadowed the retention desk for an afternoon; keen to do more.",
    ),
    (
        NoteCategory::Performance,
        "Average handle time crept up on technical calls; look at the knowledge base usage.",
    ),
];

const FOCUS: [&str; 6] = [
    "Call control",
    "Empathy",
    "First-contact resolution",
    "Schedule adherence",
    "Product knowledge",
    "Quality compliance",
];

/// splitmix64: a tiny deterministic generator, so the demo is the same on every run.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A float in `[low, high)`.
    fn between(&mut self, low: f64, high: f64) -> f64 {
        let unit = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        low + unit * (high - low)
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        let len = u64::try_from(items.len()).unwrap_or(u64::MAX);
        items[usize::try_from(self.next() % len).unwrap_or(0)]
    }
}

fn email_of(name: &str) -> String {
    let local: String = name
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'á' | 'à' => 'a',
            'é' | 'è' => 'e',
            'í' => 'i',
            'ó' => 'o',
            'ú' => 'u',
            ' ' => '.',
            c => c,
        })
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect();
    format!("{local}@{DOMAIN}")
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

fn month_start(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, 1).expect("day 1 exists in every month")
}

fn months_before(date: NaiveDate, back: u32) -> NaiveDate {
    let index = date.year() * 12 + date.month0() as i32 - back as i32;
    month_start(index.div_euclid(12), index.rem_euclid(12) as u32 + 1)
}

fn at(date: NaiveDate, hour: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&date.and_hms_opt(hour, 0, 0).expect("a valid hour"))
}

/// Seeds the demo organisation unless its admin already exists. Every account gets
/// `password_hash`. Returns who can sign in, or `None` when the demo was already there.
pub async fn seed(
    db: &Db,
    password_hash: &str,
    today: NaiveDate,
) -> Result<Option<Vec<DemoLogin>>, StoreError> {
    let admin_email = format!("admin@{DOMAIN}");
    if exists(db, &admin_email).await? {
        return Ok(None);
    }
    let txn = db::begin_write(db).await?;
    let now = Utc::now();
    let mut dice = Dice(0x00C0_AC11_1A6B);
    let mut logins = Vec::new();
    let mut people = Vec::new();
    let mut person = |role: Role, name: &str, email: String, employee: Option<String>| {
        let id = UserId(Uuid::now_v7());
        logins.push(DemoLogin {
            role,
            name: name.to_owned(),
            email: email.clone(),
        });
        people.push(user::ActiveModel {
            id: Set(id),
            email: Set(email),
            name: Set(name.to_owned()),
            role: Set(role),
            employee_id: Set(employee),
            department: Set(Some("Customer Operations".to_owned())),
            active: Set(true),
            password_hash: Set(Some(password_hash.to_owned())),
            erased_at: Set(None),
            temporary_password_until: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        });
        id
    };

    person(Role::Admin, "Ada Admin", admin_email.clone(), None);
    let analyst = person(Role::QualityAnalyst, ANALYST, email_of(ANALYST), None);
    let mut managers = std::collections::HashMap::new();
    let mut teams = Vec::new();
    for (index, (team_name, leader, manager)) in TEAMS.iter().enumerate() {
        let manager_id = *managers
            .entry(*manager)
            .or_insert_with(|| person(Role::Manager, manager, email_of(manager), None));
        let leader_id = person(Role::TeamLeader, leader, email_of(leader), None);
        let agents: Vec<(UserId, &str)> = AGENTS[index * 10..index * 10 + 10]
            .iter()
            .enumerate()
            .map(|(n, name)| {
                let employee = format!("E{:04}", 1001 + index * 10 + n);
                (
                    person(Role::Agent, name, email_of(name), Some(employee)),
                    *name,
                )
            })
            .collect();
        teams.push((
            TeamId(Uuid::now_v7()),
            *team_name,
            leader_id,
            manager_id,
            agents,
        ));
    }
    user::Entity::insert_many(people).exec(&txn).await?;

    for (team_id, name, leader_id, manager_id, agents) in &teams {
        team::ActiveModel {
            id: Set(*team_id),
            name: Set((*name).to_owned()),
            team_leader_id: Set(*leader_id),
            manager_id: Set(Some(*manager_id)),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        team_member::Entity::insert_many(agents.iter().map(|(agent, _)| {
            team_member::ActiveModel {
                user_id: Set(*agent),
                team_id: Set(*team_id),
                created_at: Set(now),
            }
        }))
        .exec(&txn)
        .await?;
    }
    team_analyst::Entity::insert_many(teams.iter().map(|(team_id, ..)| {
        team_analyst::ActiveModel {
            team_id: Set(*team_id),
            user_id: Set(analyst),
            created_at: Set(now),
        }
    }))
    .exec(&txn)
    .await?;

    let kpis = kpi::Entity::find().all(&txn).await?;
    let coaching: Vec<Coached> = teams
        .iter()
        .flat_map(|(_, _, leader, manager, agents)| {
            agents
                .iter()
                .map(|(agent, _)| (*agent, *leader, Some(*manager)))
        })
        .collect();
    seed_history(&txn, &mut dice, &kpis, &coaching, DEMO_HISTORY, today).await?;
    seed_news(&txn, now).await?;
    txn.commit().await?;
    let team_ids: Vec<TeamId> = teams.iter().map(|(id, ..)| *id).collect();
    let evaluated: Vec<(UserId, usize)> = teams
        .iter()
        .enumerate()
        .flat_map(|(index, (.., agents))| agents.iter().map(move |(agent, _)| (*agent, index)))
        .collect();
    quality::seed(db, analyst, &team_ids, &evaluated, &mut dice, today).await?;
    // Fresh statistics for the planner: a bulk load leaves them far off until autovacuum runs,
    // and PostgreSQL would scan whole tables meanwhile. PostgreSQL also vacuums, as autovacuum
    // soon would: the visibility map it sets lets the search terms be read from their index alone.
    let refresh = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => "VACUUM ANALYZE",
        _ => "ANALYZE",
    };
    db.execute_unprepared(refresh).await?;
    Ok(Some(logins))
}

/// What the last month of the demo would have left behind: the audit trail of its sessions,
/// plans and items, in the order they happened, and the bell's news (an item for an agent, a
/// plan for a manager to approve).
async fn seed_news(txn: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<(), StoreError> {
    use crate::audit::{self, Change, Origin};
    use crate::notifications::{self, Notice};
    use domain::NotificationKind;
    use sea_orm::QueryOrder;

    let since = now - Duration::days(30);
    // (when, who, action, kind of record, record)
    let mut trail: Vec<(DateTime<Utc>, UserId, &'static str, &'static str, Uuid)> = Vec::new();
    let sessions = coaching_session::Entity::find()
        .filter(coaching_session::Column::ScheduledAt.gte(since))
        .order_by_asc(coaching_session::Column::ScheduledAt)
        .all(txn)
        .await?;
    for session in &sessions {
        let leader = session.team_leader_id;
        trail.push((
            session.created_at,
            leader,
            "session.create",
            "session",
            session.id.into(),
        ));
        if let Some(done) = session.completed_at {
            trail.push((
                done,
                leader,
                "session.complete",
                "session",
                session.id.into(),
            ));
        }
        if let Some(seen) = session.acknowledged_at {
            trail.push((
                seen,
                session.agent_id,
                "session.acknowledge",
                "session",
                session.id.into(),
            ));
        }
    }
    let items = action_item::Entity::find()
        .filter(action_item::Column::CreatedAt.gte(since))
        .filter(action_item::Column::SessionId.is_not_null())
        .all(txn)
        .await?;
    for item in &items {
        let by = item.created_by.unwrap_or(item.agent_id);
        trail.push((
            item.created_at,
            by,
            "action_item.create",
            "action_item",
            item.id.into(),
        ));
    }
    let plans = action_plan::Entity::find().all(txn).await?;
    for plan in &plans {
        let by = plan.created_by.unwrap_or(plan.agent_id);
        trail.push((
            plan.created_at,
            by,
            "action_plan.create",
            "action_plan",
            plan.id.into(),
        ));
        if let Some(at) = plan.submitted_at {
            trail.push((at, by, "action_plan.submit", "action_plan", plan.id.into()));
        }
        if let (Some(at), Some(manager)) = (plan.approved_at, plan.approved_by) {
            trail.push((
                at,
                manager,
                "action_plan.approve",
                "action_plan",
                plan.id.into(),
            ));
        }
    }
    trail.sort_by_key(|(when, ..)| *when);
    for (when, actor, action, resource_type, id) in trail {
        let origin = Origin {
            actor_id: Some(actor),
            ip: Some("192.0.2.10".to_owned()),
            request_id: None,
        };
        let change = Change {
            action,
            resource_type,
            resource_id: Some(id),
            changes: json!({}),
        };
        audit::record_at(txn, &origin, change, when).await?;
    }

    let nobody = Origin {
        actor_id: None,
        ip: None,
        request_id: None,
    };
    for item in items.iter().filter(|i| i.status.is_open()) {
        let notice = Notice {
            kind: NotificationKind::ActionItemAssigned,
            title: format!("Action item for you: {}", item.title),
            resource_type: "action_item",
            resource_id: item.id.into(),
        };
        notifications::notify(txn, &nobody, [item.assignee_id], &notice).await?;
    }
    for plan in plans
        .iter()
        .filter(|p| p.status == PlanStatus::PendingApproval)
    {
        let manager = team::Entity::find()
            .filter(team::Column::TeamLeaderId.eq(plan.created_by))
            .one(txn)
            .await?
            .and_then(|team| team.manager_id);
        let notice = Notice {
            kind: NotificationKind::PlanAwaitingApproval,
            title: format!("Action plan to approve: {}", plan.title),
            resource_type: "action_plan",
            resource_id: plan.id.into(),
        };
        notifications::notify(txn, &nobody, manager, &notice).await?;
    }
    Ok(())
}

/// Whether someone signs in as `email` (an organisation's admin: it was seeded already).
async fn exists(db: &Db, email: &str) -> Result<bool, StoreError> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await?
        .is_some())
}

/// A new person's row.
fn person_row(
    id: UserId,
    role: Role,
    name: String,
    email: String,
    password_hash: &str,
    now: DateTime<Utc>,
) -> user::ActiveModel {
    user::ActiveModel {
        id: Set(id),
        email: Set(email),
        name: Set(name),
        role: Set(role),
        employee_id: Set(None),
        department: Set(Some("Customer Operations".to_owned())),
        active: Set(true),
        password_hash: Set(Some(password_hash.to_owned())),
        erased_at: Set(None),
        temporary_password_until: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// Inserts `rows` in multi-row statements of [`ROWS_PER_INSERT`].
async fn insert_all<A>(db: &impl ConnectionTrait, rows: Vec<A>) -> Result<(), StoreError>
where
    A: ActiveModelTrait + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(ROWS_PER_INSERT).collect();
        <A::Entity as EntityTrait>::insert_many(chunk)
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Seeds an organisation of `agents` agents (rounded up to whole teams of
/// [`SCALE_TEAM_SIZE`]) unless its admin exists; every account gets `password_hash`. Returns the
/// admin's, the first manager's, team leader's and agent's logins, or `None` when it was there.
pub async fn seed_scale(
    db: &Db,
    password_hash: &str,
    today: NaiveDate,
    agents: usize,
) -> Result<Option<Vec<DemoLogin>>, StoreError> {
    let admin_email = format!("admin@{SCALE_DOMAIN}");
    if exists(db, &admin_email).await? {
        return Ok(None);
    }
    let txn = db::begin_write(db).await?;
    let now = Utc::now();
    let mut dice = Dice(0x05CA_1E00_0001);
    let teams = agents.div_ceil(SCALE_TEAM_SIZE).max(1);
    let mut people = vec![person_row(
        UserId(Uuid::now_v7()),
        Role::Admin,
        "Scale Admin".into(),
        admin_email,
        password_hash,
        now,
    )];
    let mut team_rows = Vec::new();
    let mut members = Vec::new();
    let mut coaching = Vec::new();
    let mut manager = None;
    for t in 0..teams {
        if t % 4 == 0 {
            let n = t / 4 + 1;
            let row = person_row(
                UserId(Uuid::now_v7()),
                Role::Manager,
                format!("Manager {n:03}"),
                format!("manager{n:03}@{SCALE_DOMAIN}"),
                password_hash,
                now,
            );
            manager = row.id.clone().take();
            people.push(row);
        }
        let leader_id = UserId(Uuid::now_v7());
        let leader = person_row(
            leader_id,
            Role::TeamLeader,
            format!("Leader {:03}", t + 1),
            format!("leader{:03}@{SCALE_DOMAIN}", t + 1),
            password_hash,
            now,
        );
        people.push(leader);
        let team_id = TeamId(Uuid::now_v7());
        team_rows.push(team::ActiveModel {
            id: Set(team_id),
            name: Set(format!("Team {:03}", t + 1)),
            team_leader_id: Set(leader_id),
            manager_id: Set(manager),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        });
        for a in 0..SCALE_TEAM_SIZE {
            let n = t * SCALE_TEAM_SIZE + a + 1;
            let agent_id = UserId(Uuid::now_v7());
            let mut agent = person_row(
                agent_id,
                Role::Agent,
                format!("Agent {n:05}"),
                format!("agent{n:05}@{SCALE_DOMAIN}"),
                password_hash,
                now,
            );
            agent.employee_id = Set(Some(format!("S{n:05}")));
            people.push(agent);
            members.push(team_member::ActiveModel {
                user_id: Set(agent_id),
                team_id: Set(team_id),
                created_at: Set(now),
            });
            coaching.push((agent_id, leader_id, manager));
        }
    }
    let logins = [Role::Admin, Role::Manager, Role::TeamLeader, Role::Agent]
        .into_iter()
        .filter_map(|role| {
            let first = people
                .iter()
                .find(|p| p.role.clone().take() == Some(role))?;
            Some(DemoLogin {
                role,
                name: first.name.clone().take()?,
                email: first.email.clone().take()?,
            })
        })
        .collect();
    insert_all(&txn, people).await?;
    insert_all(&txn, team_rows).await?;
    insert_all(&txn, members).await?;
    let kpis = kpi::Entity::find().all(&txn).await?;
    seed_history(&txn, &mut dice, &kpis, &coaching, SCALE_HISTORY, today).await?;
    txn.commit().await?;
    // Fresh statistics for the planner: a bulk load leaves them far off until autovacuum runs,
    // and PostgreSQL would scan whole tables meanwhile. PostgreSQL also vacuums, as autovacuum
    // soon would: the visibility map it sets lets the search terms be read from their index alone.
    let refresh = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => "VACUUM ANALYZE",
        _ => "ANALYZE",
    };
    db.execute_unprepared(refresh).await?;
    Ok(Some(logins))
}

/// An agent, their team leader and their manager.
type Coached = (UserId, UserId, Option<UserId>);

/// The history of every coached agent, written in bulk.
async fn seed_history(
    db: &impl ConnectionTrait,
    dice: &mut Dice,
    kpis: &[kpi::Model],
    coaching: &[Coached],
    history: History,
    today: NaiveDate,
) -> Result<(), StoreError> {
    let this_month = month_start(today.year(), today.month());
    let mut rows = Rows::default();
    for (n, coached) in coaching.iter().enumerate() {
        let plan = match (history.plan_every, n % history.plan_every.max(1)) {
            (0, _) => None,
            (_, 0) => Some(PlanStatus::Active),
            (every, 1) if every > 1 && history.lived_in => Some(PlanStatus::PendingApproval),
            _ => None,
        };
        seed_agent(
            &mut rows, dice, kpis, *coached, this_month, today, history, plan,
        );
        // Bounded memory at any scale: what one agent's history weighs, times a few hundred.
        if rows.notes.len() >= 50_000 || n + 1 == coaching.len() {
            rows.write(db).await?;
        }
    }
    Ok(())
}

/// Rows waiting to be written, table by table, in the order their keys need.
#[derive(Default)]
struct Rows {
    months: Vec<metric_month::ActiveModel>,
    values: Vec<metric_value::ActiveModel>,
    sessions: Vec<coaching_session::ActiveModel>,
    plans: Vec<action_plan::ActiveModel>,
    items: Vec<action_item::ActiveModel>,
    notes: Vec<quick_note::ActiveModel>,
}

impl Rows {
    async fn write(&mut self, db: &impl ConnectionTrait) -> Result<(), StoreError> {
        insert_all(db, std::mem::take(&mut self.months)).await?;
        insert_all(db, std::mem::take(&mut self.values)).await?;
        let sessions = std::mem::take(&mut self.sessions)
            .into_iter()
            .map(coaching_session::ActiveModel::bind_sealed);
        insert_indexed(db, sessions.collect()).await?;
        let plans = std::mem::take(&mut self.plans)
            .into_iter()
            .map(action_plan::ActiveModel::bind_sealed)
            .collect();
        insert_all(db, plans).await?;
        insert_all(db, std::mem::take(&mut self.items)).await?;
        let notes = std::mem::take(&mut self.notes)
            .into_iter()
            .map(quick_note::ActiveModel::bind_sealed);
        insert_indexed(db, notes.collect()).await
    }
}

/// Inserts rows that search finds, with their search terms.
async fn insert_indexed<A>(db: &impl ConnectionTrait, rows: Vec<A>) -> Result<(), StoreError>
where
    A: ActiveModelTrait + TryIntoModel<<A::Entity as EntityTrait>::Model> + Clone + Send,
    <A::Entity as EntityTrait>::Model: Searchable,
{
    let indexed: Vec<_> = rows
        .iter()
        .filter_map(|row| row.clone().try_into_model().ok())
        .collect();
    insert_all(db, rows).await?;
    search_index::index_new(db, &indexed).await?;
    Ok(())
}

// One agent's rows need all of these; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
fn seed_agent(
    rows: &mut Rows,
    dice: &mut Dice,
    kpis: &[kpi::Model],
    (agent_id, leader_id, manager_id): Coached,
    this_month: NaiveDate,
    today: NaiveDate,
    history: History,
    plan: Option<PlanStatus>,
) {
    let now = Utc::now();
    let months_back = history.months;
    let base = dice.between(68.0, 94.0);
    let drift = dice.between(-0.8, 1.2);
    let mut scores = Vec::new();
    for back in (1..=months_back).rev() {
        let month = months_before(this_month, back);
        let month_id = Uuid::now_v7();
        let level = base + drift * f64::from(months_back - back);
        let (mut weighted, mut weights) = (0.0, 0.0);
        for kpi in kpis {
            let ceiling = if kpi.key == "productivity_index" || kpi.key == "efficiency_rate" {
                120.0
            } else {
                100.0
            };
            let value = round2((level + dice.between(-7.0, 7.0)).clamp(35.0, ceiling));
            let weight = DEFAULT_KPIS
                .iter()
                .find(|d| d.key == kpi.key)
                .map_or(1.0, |d| d.weight);
            weighted += weight * value.min(100.0);
            weights += weight;
            rows.values.push(metric_value::ActiveModel {
                metric_month_id: Set(month_id),
                kpi_id: Set(kpi.id),
                value: Set(value),
            });
        }
        scores.push((month, round2(weighted / weights)));
        rows.months.push(metric_month::ActiveModel {
            id: Set(month_id),
            agent_id: Set(agent_id),
            month: Set(month.format("%Y-%m").to_string()),
            raw_counts: Set(None),
            notes: Set(None),
            updated_by: Set(Some(leader_id)),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        });
    }

    // Completed sessions spread over the months, each scored from its month's scorecard.
    let mut previous = None;
    for k in 0..history.sessions {
        let (month, score) = &scores[k * scores.len() / history.sessions];
        let day = month_start(month.year(), month.month())
            + Duration::days(dice.between(1.0, 27.0) as i64);
        let scheduled = at(day, 9 + (dice.next() % 7) as u32);
        let id = SessionId(Uuid::now_v7());
        let focus = dice.pick(&FOCUS);
        let acknowledged = dice.between(0.0, 1.0) < 0.85;
        rows.sessions.push(coaching_session::ActiveModel {
            id: Set(id),
            agent_id: Set(agent_id),
            team_leader_id: Set(leader_id),
            scheduled_at: Set(scheduled),
            duration_minutes: Set(if *score < 70.0 { 90 } else { 60 }),
            status: Set(SessionStatus::Completed),
            focus_areas: Set(json!([focus])),
            preparation_notes: Set(Some(
                format!(
                    "Review {} and last month's scorecard.",
                    focus.to_lowercase()
                )
                .into(),
            )),
            session_notes: Set(Some(
                format!(
                    "Discussed {}. Agreed on concrete steps and a follow-up in two months.",
                    focus.to_lowercase()
                )
                .into(),
            )),
            started_at: Set(Some(scheduled)),
            completed_at: Set(Some(scheduled + Duration::minutes(55))),
            previous_score: Set(previous),
            current_score: Set(Some(*score)),
            cancel_reason: Set(None),
            acknowledged_at: Set(acknowledged.then(|| scheduled + Duration::days(1))),
            acknowledgement_comment: Set(acknowledged.then(|| "Thanks, clear next steps.".into())),
            created_by: Set(Some(leader_id)),
            version: Set(1),
            created_at: Set(scheduled - Duration::days(7)),
            updated_at: Set(scheduled),
        });
        let due = day + Duration::days(30);
        let status = if due < today {
            ActionItemStatus::Completed
        } else {
            ActionItemStatus::InProgress
        };
        rows.items.push(action_item::ActiveModel {
            id: Set(ActionItemId(Uuid::now_v7())),
            agent_id: Set(agent_id),
            assignee_id: Set(agent_id),
            created_by: Set(Some(leader_id)),
            session_id: Set(Some(id)),
            plan_id: Set(None),
            title: Set(format!("Practise {}", focus.to_lowercase())),
            description: Set(Some(
                "Pick three calls a week and self-review them against the checklist.".to_owned(),
            )),
            due_date: Set(due),
            priority: Set(dice.pick(Priority::ALL)),
            status: Set(status),
            completed_at: Set(
                (status == ActionItemStatus::Completed).then(|| at(due - Duration::days(3), 16))
            ),
            cancel_reason: Set(None),
            awaiting_plan: Set(false),
            version: Set(1),
            created_at: Set(scheduled),
            updated_at: Set(scheduled),
        });
        previous = Some(*score);
    }
    // The last weeks, so that home, the week calendar and needs-attention look lived in on any
    // day: a session done in the last 30 days, and for some agents one done earlier this week,
    // not all of them acknowledged yet; each with an item still open, every third one overdue.
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let mut recent = Vec::new();
    if history.lived_in {
        recent.push(today - Duration::days(8 + (dice.next() % 20) as i64));
    }
    let days_this_week = (today - monday).num_days();
    if history.lived_in && days_this_week > 0 && dice.next().is_multiple_of(2) {
        recent.push(monday + Duration::days((dice.next() % days_this_week as u64) as i64));
    }
    let (_, last_score) = scores.last().copied().unwrap_or((this_month, base));
    for day in recent {
        let scheduled = at(day, 9 + (dice.next() % 7) as u32);
        let id = SessionId(Uuid::now_v7());
        let focus = dice.pick(&FOCUS);
        let score = round2((last_score + dice.between(-4.0, 5.0)).clamp(40.0, 100.0));
        let acknowledged = day < today - Duration::days(2) && dice.between(0.0, 1.0) < 0.6;
        rows.sessions.push(coaching_session::ActiveModel {
            id: Set(id),
            agent_id: Set(agent_id),
            team_leader_id: Set(leader_id),
            scheduled_at: Set(scheduled),
            duration_minutes: Set(45),
            status: Set(SessionStatus::Completed),
            focus_areas: Set(json!([focus])),
            preparation_notes: Set(Some("Check the items from last time first.".into())),
            session_notes: Set(Some(
                format!(
                    "Went through two recent calls on {}. Good progress; one habit to build.",
                    focus.to_lowercase()
                )
                .into(),
            )),
            started_at: Set(Some(scheduled)),
            completed_at: Set(Some(scheduled + Duration::minutes(45))),
            previous_score: Set(previous),
            current_score: Set(Some(score)),
            cancel_reason: Set(None),
            acknowledged_at: Set(acknowledged.then(|| scheduled + Duration::days(1))),
            acknowledgement_comment: Set(acknowledged.then(|| "Got it, thanks.".into())),
            created_by: Set(Some(leader_id)),
            version: Set(1),
            created_at: Set(scheduled - Duration::days(5)),
            updated_at: Set(scheduled),
        });
        let overdue = dice.next().is_multiple_of(3);
        let due = if overdue {
            today - Duration::days(1 + (dice.next() % 6) as i64)
        } else {
            today + Duration::days(2 + (dice.next() % 14) as i64)
        };
        rows.items.push(action_item::ActiveModel {
            id: Set(ActionItemId(Uuid::now_v7())),
            agent_id: Set(agent_id),
            assignee_id: Set(agent_id),
            created_by: Set(Some(leader_id)),
            session_id: Set(Some(id)),
            plan_id: Set(None),
            title: Set(format!(
                "Use the {} checklist on every call",
                focus.to_lowercase()
            )),
            description: Set(None),
            due_date: Set(due),
            priority: Set(dice.pick(Priority::ALL)),
            status: Set(if overdue {
                ActionItemStatus::Pending
            } else {
                ActionItemStatus::InProgress
            }),
            completed_at: Set(None),
            cancel_reason: Set(None),
            awaiting_plan: Set(false),
            version: Set(1),
            created_at: Set(scheduled),
            updated_at: Set(scheduled),
        });
        previous = Some(score);
    }
    let upcoming = at(
        today + Duration::days(1 + (dice.next() % 13) as i64),
        10 + (dice.next() % 6) as u32,
    );
    rows.sessions.push(coaching_session::ActiveModel {
        id: Set(SessionId(Uuid::now_v7())),
        agent_id: Set(agent_id),
        team_leader_id: Set(leader_id),
        scheduled_at: Set(upcoming),
        duration_minutes: Set(60),
        status: Set(SessionStatus::Scheduled),
        focus_areas: Set(json!([dice.pick(&FOCUS)])),
        preparation_notes: Set(Some("Look at the trend since the last session.".into())),
        session_notes: Set(None),
        started_at: Set(None),
        completed_at: Set(None),
        previous_score: Set(None),
        current_score: Set(None),
        cancel_reason: Set(None),
        acknowledged_at: Set(None),
        acknowledgement_comment: Set(None),
        created_by: Set(Some(leader_id)),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    });
    if let Some(status) = plan {
        seed_plan(
            rows,
            dice,
            (agent_id, leader_id, manager_id),
            status,
            today,
            now,
        );
    }

    for n in 0..history.notes {
        let (category, content) = dice.pick(&NOTES);
        let written = now - Duration::days(5 + history.note_every_days * n as i64);
        rows.notes.push(quick_note::ActiveModel {
            id: Set(QuickNoteId(Uuid::now_v7())),
            agent_id: Set(agent_id),
            author_id: Set(leader_id),
            content: Set(content.into()),
            category: Set(category),
            visibility: Set(if n % 3 == 2 {
                NoteVisibility::Private
            } else {
                NoteVisibility::Shared
            }),
            version: Set(1),
            created_at: Set(written),
            updated_at: Set(written),
        });
    }
}

/// An improvement plan with two items: approved and running this quarter, or submitted
/// yesterday and waiting for the manager's approval.
fn seed_plan(
    rows: &mut Rows,
    dice: &mut Dice,
    (agent_id, leader_id, manager_id): Coached,
    status: PlanStatus,
    today: NaiveDate,
    now: DateTime<Utc>,
) {
    let plan_id = ActionPlanId(Uuid::now_v7());
    let active = status == PlanStatus::Active;
    let start = if active {
        today - Duration::days(30)
    } else {
        today + Duration::days(3)
    };
    let focus = dice.pick(&FOCUS);
    rows.plans.push(action_plan::ActiveModel {
        id: Set(plan_id),
        agent_id: Set(agent_id),
        created_by: Set(Some(leader_id)),
        title: Set(format!("Improve {}", focus.to_lowercase())),
        goal: Set("Reach the team's target within the quarter.".into()),
        start_date: Set(start),
        end_date: Set(start + Duration::days(90)),
        status: Set(status),
        outcome: Set(None),
        submitted_at: Set(Some(now - Duration::days(if active { 31 } else { 1 }))),
        approved_by: Set(manager_id.filter(|_| active)),
        approved_at: Set(active.then(|| now - Duration::days(30))),
        rejection_reason: Set(None),
        cancel_reason: Set(None),
        acknowledged_at: Set(active.then(|| now - Duration::days(29))),
        acknowledgement_comment: Set(active.then(|| "Understood.".into())),
        version: Set(1),
        created_at: Set(now - Duration::days(if active { 32 } else { 2 })),
        updated_at: Set(now - Duration::days(if active { 29 } else { 1 })),
    });
    for week in [2, 6] {
        rows.items.push(action_item::ActiveModel {
            id: Set(ActionItemId(Uuid::now_v7())),
            agent_id: Set(agent_id),
            assignee_id: Set(agent_id),
            created_by: Set(Some(leader_id)),
            session_id: Set(None),
            plan_id: Set(Some(plan_id)),
            title: Set(format!("Week {week}: review {}", focus.to_lowercase())),
            description: Set(None),
            due_date: Set(start + Duration::weeks(week)),
            priority: Set(Priority::High),
            status: Set(if active {
                ActionItemStatus::InProgress
            } else {
                ActionItemStatus::Pending
            }),
            completed_at: Set(None),
            cancel_reason: Set(None),
            awaiting_plan: Set(!active),
            version: Set(1),
            created_at: Set(now - Duration::days(30)),
            updated_at: Set(now - Duration::days(30)),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_emails_are_plain_ascii() {
        assert_eq!(email_of("Laura Méndez"), format!("laura.mendez@{DOMAIN}"));
        assert_eq!(email_of("Tara O'Neill"), format!("tara.oneill@{DOMAIN}"));
    }

    #[test]
    fn months_before_crosses_years() {
        let march = month_start(2026, 3);
        assert_eq!(months_before(march, 3), month_start(2025, 12));
        assert_eq!(months_before(march, 12), month_start(2025, 3));
    }
}
