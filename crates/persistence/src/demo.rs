//! The demo organisation: a believable contact centre with a year of coaching history.
//!
//! An admin, two managers, four team leaders and forty agents in four teams, twelve months of
//! KPI values per agent, completed and upcoming coaching sessions with action items, and quick
//! notes. Everything is derived from a fixed seed, so two runs give the same organisation.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use domain::{ActionItemStatus, NoteCategory, NoteVisibility, Priority, Role, SessionStatus};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use crate::entity::{
    action_item, coaching_session, kpi, metric_month, metric_value, quick_note, team, team_member,
    user,
};
use crate::reference::DEFAULT_KPIS;
use crate::{Db, StoreError, db};

/// The email domain of every demo account.
pub const DOMAIN: &str = "demo.coaching-hub.example";

/// Who can sign in to the demo.
#[derive(Clone, Debug)]
pub struct DemoLogin {
    /// Role.
    pub role: Role,
    /// Name.
    pub name: String,
    /// Email.
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
    if user::Entity::find()
        .filter(user::Column::Email.eq(&admin_email))
        .one(db)
        .await?
        .is_some()
    {
        return Ok(None);
    }
    let txn = db::begin_write(db).await?;
    let now = Utc::now();
    let mut dice = Dice(0x00C0_AC11_1A6B);
    let mut logins = Vec::new();
    let mut people = Vec::new();
    let mut person = |role: Role, name: &str, email: String, employee: Option<String>| {
        let id = Uuid::now_v7();
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
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        });
        id
    };

    person(Role::Admin, "Ada Admin", admin_email.clone(), None);
    let mut managers = std::collections::HashMap::new();
    let mut teams = Vec::new();
    for (index, (team_name, leader, manager)) in TEAMS.iter().enumerate() {
        let manager_id = *managers
            .entry(*manager)
            .or_insert_with(|| person(Role::Manager, manager, email_of(manager), None));
        let leader_id = person(Role::TeamLeader, leader, email_of(leader), None);
        let agents: Vec<(Uuid, &str)> = AGENTS[index * 10..index * 10 + 10]
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
        teams.push((Uuid::now_v7(), *team_name, leader_id, manager_id, agents));
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

    let kpis = kpi::Entity::find().all(&txn).await?;
    let this_month = month_start(today.year(), today.month());
    for (_, _, leader_id, _, agents) in &teams {
        for (agent_id, _) in agents {
            seed_agent(
                &txn, &mut dice, &kpis, *agent_id, *leader_id, this_month, today,
            )
            .await?;
        }
    }
    txn.commit().await?;
    Ok(Some(logins))
}

async fn seed_agent(
    db: &impl ConnectionTrait,
    dice: &mut Dice,
    kpis: &[kpi::Model],
    agent_id: Uuid,
    leader_id: Uuid,
    this_month: NaiveDate,
    today: NaiveDate,
) -> Result<(), StoreError> {
    let now = Utc::now();
    let base = dice.between(68.0, 94.0);
    let drift = dice.between(-0.8, 1.2);
    let mut months = Vec::new();
    let mut values = Vec::new();
    let mut scores = Vec::new();
    for back in (1..=12).rev() {
        let month = months_before(this_month, back);
        let month_id = Uuid::now_v7();
        let level = base + drift * f64::from(12 - back);
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
            values.push(metric_value::ActiveModel {
                metric_month_id: Set(month_id),
                kpi_id: Set(kpi.id),
                value: Set(value),
            });
        }
        scores.push((month, round2(weighted / weights)));
        months.push(metric_month::ActiveModel {
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
    metric_month::Entity::insert_many(months).exec(db).await?;
    metric_value::Entity::insert_many(values).exec(db).await?;

    // A completed session every other month, scored from that month's scorecard.
    let mut previous = None;
    let mut sessions = Vec::new();
    let mut items = Vec::new();
    for (month, score) in scores.iter().step_by(2) {
        let day = month_start(month.year(), month.month())
            + Duration::days(dice.between(3.0, 25.0) as i64);
        let scheduled = at(day, 9 + (dice.next() % 7) as u32);
        let id = Uuid::now_v7();
        let focus = dice.pick(&FOCUS);
        let acknowledged = dice.between(0.0, 1.0) < 0.85;
        sessions.push(coaching_session::ActiveModel {
            id: Set(id),
            agent_id: Set(agent_id),
            team_leader_id: Set(leader_id),
            scheduled_at: Set(scheduled),
            duration_minutes: Set(if *score < 70.0 { 90 } else { 60 }),
            status: Set(SessionStatus::Completed),
            focus_areas: Set(json!([focus])),
            preparation_notes: Set(Some(format!(
                "Review {} and last month's scorecard.",
                focus.to_lowercase()
            ))),
            session_notes: Set(Some(format!(
                "Discussed {}. Agreed on concrete steps and a follow-up in two months.",
                focus.to_lowercase()
            ))),
            started_at: Set(Some(scheduled)),
            completed_at: Set(Some(scheduled + Duration::minutes(55))),
            previous_score: Set(previous),
            current_score: Set(Some(*score)),
            cancel_reason: Set(None),
            acknowledged_at: Set(acknowledged.then(|| scheduled + Duration::days(1))),
            acknowledgement_comment: Set(
                acknowledged.then(|| "Thanks, clear next steps.".to_owned())
            ),
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
        items.push(action_item::ActiveModel {
            id: Set(Uuid::now_v7()),
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
            version: Set(1),
            created_at: Set(scheduled),
            updated_at: Set(scheduled),
        });
        previous = Some(*score);
    }
    let upcoming = at(
        today + Duration::days(1 + (dice.next() % 13) as i64),
        10 + (dice.next() % 6) as u32,
    );
    sessions.push(coaching_session::ActiveModel {
        id: Set(Uuid::now_v7()),
        agent_id: Set(agent_id),
        team_leader_id: Set(leader_id),
        scheduled_at: Set(upcoming),
        duration_minutes: Set(60),
        status: Set(SessionStatus::Scheduled),
        focus_areas: Set(json!([dice.pick(&FOCUS)])),
        preparation_notes: Set(Some("Look at the trend since the last session.".to_owned())),
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
    coaching_session::Entity::insert_many(sessions)
        .exec(db)
        .await?;
    action_item::Entity::insert_many(items).exec(db).await?;

    let notes = (0..3).map(|n| {
        let (category, content) = dice.pick(&NOTES);
        let written = now - Duration::days(5 + 20 * n);
        quick_note::ActiveModel {
            id: Set(Uuid::now_v7()),
            agent_id: Set(agent_id),
            author_id: Set(leader_id),
            content: Set(content.to_owned()),
            category: Set(category),
            visibility: Set(if n == 2 {
                NoteVisibility::Private
            } else {
                NoteVisibility::Shared
            }),
            version: Set(1),
            created_at: Set(written),
            updated_at: Set(written),
        }
    });
    quick_note::Entity::insert_many(notes.collect::<Vec<_>>())
        .exec(db)
        .await?;
    Ok(())
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
