//! Email notifications: the outbox is the notifications table itself. A notification is written
//! in the transaction of the change that causes it; the mailer ([`claim`]) leases the ones whose
//! kind is emailed and whose email is not settled, for one instance at a time, and settles each
//! ([`sent`], [`failed`]). People may ask for none ([`set_opted_out`]).

use domain::UserId;
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use domain::NotificationKind;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

use crate::entity::{email_opt_out, notification, user};
use crate::{Db, StoreError};

/// The kinds of notification also sent by email.
pub const EMAILED: [NotificationKind; 12] = [
    NotificationKind::SessionScheduled,
    NotificationKind::SessionChanged,
    NotificationKind::ActionItemAssigned,
    NotificationKind::PlanAwaitingApproval,
    NotificationKind::PlanAwaitingAcknowledgement,
    NotificationKind::PlanApproved,
    NotificationKind::PlanSentBack,
    NotificationKind::AcknowledgementReminder,
    NotificationKind::SessionReminder,
    NotificationKind::OverdueDigest,
    NotificationKind::EvaluationSubmitted,
    NotificationKind::EvaluationChanged,
];

/// An email sent.
pub const SENT: &str = "sent";
/// An email not sent on purpose: the person asked for none, or is gone.
pub const SKIPPED: &str = "skipped";
/// An email given up on after every attempt.
pub const FAILED: &str = "failed";

/// Older notifications are not emailed (ones made while email was off, say): news by email is
/// news only for so long.
const FRESH_FOR: Duration = Duration::days(1);

/// An email to send: the notification and its recipient.
#[derive(Clone, Debug)]
pub struct Outgoing {
    /// What happened.
    pub notification: notification::Model,
    /// The recipient's name.
    pub name: String,
    /// The recipient's address.
    pub email: String,
}

/// Leases up to `limit` emails due at `now` for `lease`; ones whose recipient asked for none or
/// is deactivated are settled as skipped instead.
pub async fn claim(
    db: &Db,
    now: DateTime<Utc>,
    lease: Duration,
    limit: u64,
) -> Result<Vec<Outgoing>, StoreError> {
    let candidates = notification::Entity::find()
        .filter(notification::Column::EmailState.is_null())
        .filter(notification::Column::CreatedAt.gte(now - FRESH_FOR))
        .filter(notification::Column::Kind.is_in(EMAILED.map(NotificationKind::as_str)))
        .filter(
            Condition::any()
                .add(notification::Column::EmailNextAt.is_null())
                .add(notification::Column::EmailNextAt.lte(now)),
        )
        .order_by_asc(notification::Column::CreatedAt)
        .limit(limit)
        .all(db)
        .await?;
    let mut taken = Vec::new();
    for candidate in candidates {
        let mut take = notification::Entity::update_many()
            .col_expr(notification::Column::EmailNextAt, Expr::value(now + lease))
            .filter(notification::Column::Id.eq(candidate.id))
            .filter(notification::Column::EmailState.is_null());
        take = match candidate.email_next_at {
            Some(at) => take.filter(notification::Column::EmailNextAt.eq(at)),
            None => take.filter(notification::Column::EmailNextAt.is_null()),
        };
        if take.exec(db).await?.rows_affected == 1 {
            taken.push(candidate);
        }
    }
    if taken.is_empty() {
        return Ok(Vec::new());
    }
    // The recipients, and who of them asked for none: two reads for the whole batch.
    let recipients: Vec<UserId> = taken.iter().map(|n| n.user_id).collect();
    let people: HashMap<UserId, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(recipients.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|person| (person.id, person))
        .collect();
    let opted_out: HashSet<UserId> = email_opt_out::Entity::find()
        .filter(email_opt_out::Column::UserId.is_in(recipients))
        .all(db)
        .await?
        .into_iter()
        .map(|row| row.user_id)
        .collect();
    let mut leased = Vec::new();
    for notification in taken {
        let recipient = people.get(&notification.user_id).filter(|person| {
            person.active && person.erased_at.is_none() && !opted_out.contains(&person.id)
        });
        match recipient {
            Some(person) => leased.push(Outgoing {
                name: person.name.clone(),
                email: person.email.clone(),
                notification,
            }),
            None => settle(db, notification.id, SKIPPED).await?,
        }
    }
    Ok(leased)
}

async fn settle(db: &Db, id: Uuid, state: &str) -> Result<(), StoreError> {
    notification::Entity::update_many()
        .col_expr(notification::Column::EmailState, Expr::value(state))
        .col_expr(
            notification::Column::EmailAttempts,
            Expr::col(notification::Column::EmailAttempts).add(i32::from(state != SKIPPED)),
        )
        .filter(notification::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Records that notification `id`'s email was sent.
pub async fn sent(db: &Db, id: Uuid) -> Result<(), StoreError> {
    settle(db, id, SENT).await
}

/// Records a failed attempt at notification `id`'s email: tried again at `retry_at`, or, when
/// `None`, given up.
pub async fn failed(db: &Db, id: Uuid, retry_at: Option<DateTime<Utc>>) -> Result<(), StoreError> {
    let Some(retry_at) = retry_at else {
        return settle(db, id, FAILED).await;
    };
    notification::Entity::update_many()
        .col_expr(notification::Column::EmailNextAt, Expr::value(retry_at))
        .col_expr(
            notification::Column::EmailAttempts,
            Expr::col(notification::Column::EmailAttempts).add(1),
        )
        .filter(notification::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Whether `user_id` asked for no email notifications.
pub async fn opted_out(db: &Db, user_id: UserId) -> Result<bool, StoreError> {
    Ok(email_opt_out::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .is_some())
}

/// Asks for no email notifications for `user_id` (`true`), or for them again.
pub async fn set_opted_out(db: &Db, user_id: UserId, out: bool) -> Result<(), StoreError> {
    if out {
        email_opt_out::Entity::insert(email_opt_out::ActiveModel {
            user_id: Set(user_id),
            created_at: Set(Utc::now()),
        })
        .on_conflict(
            OnConflict::column(email_opt_out::Column::UserId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    } else {
        email_opt_out::Entity::delete_by_id(user_id)
            .exec(db)
            .await?;
    }
    Ok(())
}
