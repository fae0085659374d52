//! Reminders: work that waits for someone, told to them in the bell (and by email where they
//! have it on). An agent who has not acknowledged a completed session or an active plan in time;
//! everyone taking part in a session, a day before and when it starts; the day's overdue action
//! items, to whoever does them and to the team leader of whom they are about.
//!
//! Every instance looks for what is due ([`due`]) and sends it ([`send`]); a reminder is claimed
//! by its key (kind, person, occasion) in `reminders_sent` in the same transaction as its
//! notification, so it goes out once across all instances and never again after a restart. What
//! was cancelled or done is never due: each look reads only open work. A person may turn each
//! kind off ([`set_choices`]).

use domain::UserId;
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::{NotificationKind, PlanStatus, SessionStatus, TeamId};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::audit::Origin;
use crate::entity::{
    action_item, action_plan, coaching_session, reminder_opt_out, reminder_sent, team, team_member,
};
use crate::notifications::{self, Notice};
use crate::{Db, StoreError, db, users};

/// The kinds of reminder a person may turn off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Completed sessions and active plans to acknowledge.
    Acknowledge,
    /// Sessions a day before, and when they start.
    Session,
    /// The day's overdue action items.
    OverdueDigest,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 3] = [Kind::Acknowledge, Kind::Session, Kind::OverdueDigest];

    fn as_str(self) -> &'static str {
        match self {
            Kind::Acknowledge => "acknowledge",
            Kind::Session => "session",
            Kind::OverdueDigest => "overdue_digest",
        }
    }

    fn notification(self) -> NotificationKind {
        match self {
            Kind::Acknowledge => NotificationKind::AcknowledgementReminder,
            Kind::Session => NotificationKind::SessionReminder,
            Kind::OverdueDigest => NotificationKind::OverdueDigest,
        }
    }
}

/// A session is reminded of this long before it starts.
const SESSION_AHEAD: Duration = Duration::hours(24);
/// ...and once more when it starts, if the look comes within this long of the start.
const STARTING: Duration = Duration::minutes(15);
/// Work finished longer ago than this is no longer reminded of.
const STALE: Duration = Duration::days(14);

/// One reminder to send.
#[derive(Clone, Debug, PartialEq)]
pub struct Due {
    /// What kind.
    pub kind: Kind,
    /// Whom to.
    pub user_id: UserId,
    /// What makes it unique for them: the record and its moment, or the day.
    pub occasion: String,
    /// The bell's line.
    pub title: String,
    /// What it links to.
    pub resource_type: &'static str,
    /// Which record.
    pub resource_id: Uuid,
}

/// Every reminder due at `now` and not sent yet, acknowledgements being due `ack_after` after
/// the work finished. (Work stays due until it is done, a digest all day: what went out already
/// is left out here with one read, rather than each claimed again every minute in a write.)
pub async fn due(db: &Db, now: DateTime<Utc>, ack_after: Duration) -> Result<Vec<Due>, StoreError> {
    let mut due = Vec::new();
    let acknowledge_before = now - ack_after;

    let unacknowledged = coaching_session::Entity::find()
        .filter(coaching_session::Column::Status.eq(SessionStatus::Completed.as_str()))
        .filter(coaching_session::Column::AcknowledgedAt.is_null())
        .filter(coaching_session::Column::CompletedAt.lt(acknowledge_before))
        .filter(coaching_session::Column::CompletedAt.gt(acknowledge_before - STALE))
        .all(db)
        .await?;
    for session in unacknowledged {
        due.push(Due {
            kind: Kind::Acknowledge,
            user_id: session.agent_id,
            occasion: format!("session/{}", session.id),
            title: format!(
                "Please acknowledge your coaching session of {}",
                session.scheduled_at.format("%-d %b")
            ),
            resource_type: "session",
            resource_id: session.id.into(),
        });
    }
    let plans = action_plan::Entity::find()
        .filter(action_plan::Column::Status.eq(PlanStatus::Active.as_str()))
        .filter(action_plan::Column::AcknowledgedAt.is_null())
        .filter(action_plan::Column::ApprovedAt.lt(acknowledge_before))
        .filter(action_plan::Column::ApprovedAt.gt(acknowledge_before - STALE))
        .all(db)
        .await?;
    for plan in plans {
        due.push(Due {
            kind: Kind::Acknowledge,
            user_id: plan.agent_id,
            occasion: format!("plan/{}", plan.id),
            title: format!("Please acknowledge your action plan: {}", plan.title),
            resource_type: "action_plan",
            resource_id: plan.id.into(),
        });
    }

    let coming = coaching_session::Entity::find()
        .filter(coaching_session::Column::Status.eq(SessionStatus::Scheduled.as_str()))
        .filter(coaching_session::Column::ScheduledAt.gt(now - STARTING))
        .filter(coaching_session::Column::ScheduledAt.lte(now + SESSION_AHEAD))
        .all(db)
        .await?;
    let names = users::names(
        db,
        coming.iter().flat_map(|s| [s.agent_id, s.team_leader_id]),
    )
    .await?;
    for session in coming {
        let starting = session.scheduled_at <= now;
        let at = session.scheduled_at.format("%H:%M UTC on %-d %b");
        for (user_id, other) in [
            (session.agent_id, session.team_leader_id),
            (session.team_leader_id, session.agent_id),
        ] {
            let with = names.get(&other).cloned().unwrap_or_default();
            due.push(Due {
                kind: Kind::Session,
                user_id,
                occasion: format!(
                    "{}/{}@{}",
                    if starting { "start" } else { "day" },
                    session.id,
                    session.scheduled_at.timestamp()
                ),
                title: if starting {
                    format!("Your coaching session with {with} starts now")
                } else {
                    format!("Coaching session with {with} at {at}")
                },
                resource_type: "session",
                resource_id: session.id.into(),
            });
        }
    }

    due.extend(overdue_digests(db, now.date_naive()).await?);
    unsent(db, due).await
}

/// `due` without the reminders that went out already.
async fn unsent(db: &Db, mut due: Vec<Due>) -> Result<Vec<Due>, StoreError> {
    let mut sent = std::collections::HashSet::new();
    for chunk in due.chunks(500) {
        let rows = reminder_sent::Entity::find()
            .filter(reminder_sent::Column::UserId.is_in(chunk.iter().map(|d| d.user_id)))
            .filter(reminder_sent::Column::Occasion.is_in(chunk.iter().map(|d| d.occasion.clone())))
            .all(db)
            .await?;
        sent.extend(rows.into_iter().map(|r| (r.kind, r.user_id, r.occasion)));
    }
    due.retain(|d| !sent.contains(&(d.kind.as_str().to_owned(), d.user_id, d.occasion.clone())));
    Ok(due)
}

/// Today's digests of overdue items: to each person who does some, and to the team leader of
/// the agents they are about.
async fn overdue_digests(db: &Db, today: NaiveDate) -> Result<Vec<Due>, StoreError> {
    let late = action_item::Entity::find()
        .filter(action_item::Column::Status.is_in(["PENDING", "IN_PROGRESS"]))
        .filter(action_item::Column::DueDate.lt(today))
        .all(db)
        .await?;
    if late.is_empty() {
        return Ok(Vec::new());
    }
    let memberships: HashMap<UserId, TeamId> = team_member::Entity::find()
        .filter(team_member::Column::UserId.is_in(late.iter().map(|i| i.agent_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.user_id, m.team_id))
        .collect();
    let leaders: HashMap<TeamId, UserId> = team::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.team_leader_id))
        .collect();
    // (person, whose) -> the items, the first one linked.
    let mut digests: BTreeMap<(UserId, &'static str), Vec<&action_item::Model>> = BTreeMap::new();
    for item in &late {
        if item.awaiting_plan {
            continue;
        }
        digests
            .entry((item.assignee_id, "mine"))
            .or_default()
            .push(item);
        if let Some(leader) = memberships
            .get(&item.agent_id)
            .and_then(|team| leaders.get(team))
        {
            digests.entry((*leader, "team")).or_default().push(item);
        }
    }
    Ok(digests
        .into_iter()
        .filter_map(|((user_id, whose), items)| {
            let first = items.first()?;
            let count = items.len();
            let title = match (whose, count) {
                ("mine", 1) => format!("Overdue: {}", first.title),
                ("mine", n) => format!("{n} of your action items are overdue"),
                (_, 1) => "1 action item in your team is overdue".to_owned(),
                (_, n) => format!("{n} action items in your team are overdue"),
            };
            Some(Due {
                kind: Kind::OverdueDigest,
                user_id,
                occasion: format!("{today}/{whose}"),
                title,
                resource_type: "action_item",
                resource_id: first.id.into(),
            })
        })
        .collect())
}

/// Sends `due` unless it went out before or its person turned its kind off: whether it was
/// sent now. Claiming it and writing its notification are one transaction.
pub async fn send(db: &Db, due: &Due) -> Result<bool, StoreError> {
    let txn = db::begin_write(db).await?;
    let claimed = reminder_sent::Entity::insert(reminder_sent::ActiveModel {
        kind: Set(due.kind.as_str().to_owned()),
        user_id: Set(due.user_id),
        occasion: Set(due.occasion.clone()),
        created_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::columns([
            reminder_sent::Column::Kind,
            reminder_sent::Column::UserId,
            reminder_sent::Column::Occasion,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    if claimed == 0 {
        return Ok(false);
    }
    let turned_off =
        reminder_opt_out::Entity::find_by_id((due.user_id, due.kind.as_str().to_owned()))
            .one(&txn)
            .await?
            .is_some();
    if !turned_off {
        let notice = Notice {
            kind: due.kind.notification(),
            title: due.title.clone(),
            resource_type: due.resource_type,
            resource_id: due.resource_id,
        };
        notifications::notify(&txn, &Origin::default(), [due.user_id], &notice).await?;
    }
    txn.commit().await?;
    Ok(!turned_off)
}

/// The kinds `user_id` has on.
pub async fn choices(db: &Db, user_id: UserId) -> Result<Vec<Kind>, StoreError> {
    let off: Vec<String> = reminder_opt_out::Entity::find()
        .filter(reminder_opt_out::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|row| row.kind)
        .collect();
    Ok(Kind::ALL
        .into_iter()
        .filter(|kind| !off.iter().any(|o| o == kind.as_str()))
        .collect())
}

/// Turns each kind on or off for `user_id`.
pub async fn set_choices(db: &Db, user_id: UserId, on: &[Kind]) -> Result<(), StoreError> {
    let txn = db::begin_write(db).await?;
    reminder_opt_out::Entity::delete_many()
        .filter(reminder_opt_out::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    let now = Utc::now();
    let off: Vec<reminder_opt_out::ActiveModel> = Kind::ALL
        .into_iter()
        .filter(|kind| !on.contains(kind))
        .map(|kind| reminder_opt_out::ActiveModel {
            user_id: Set(user_id),
            kind: Set(kind.as_str().to_owned()),
            created_at: Set(now),
        })
        .collect();
    if !off.is_empty() {
        reminder_opt_out::Entity::insert_many(off)
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}
