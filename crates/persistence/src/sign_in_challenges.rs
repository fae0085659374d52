//! Sign-in challenges: the step between a right password and a second factor.
//!
//! The server keeps each challenge (by the SHA-256 of the token its client holds): it is used up
//! by the first right code, allows [`ATTEMPTS`] codes in all, and expires. The wrong codes of a
//! person's challenges in the last hour are summed: past [`FAILED_PER_HOUR`] no code is checked
//! for them until the hour has passed, from any address, and they are told once.

use chrono::{DateTime, Duration, Utc};
use domain::NotificationKind;
use domain::UserId;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::audit::{self, Origin};
use crate::entity::sign_in_challenge;
use crate::notifications::{self, Notice};
use crate::{Db, StoreError, db};

/// Codes one challenge allows, right or wrong.
pub const ATTEMPTS: i32 = 5;
/// Wrong codes a person's challenges may take in an hour.
pub const FAILED_PER_HOUR: i64 = 10;
/// The window [`FAILED_PER_HOUR`] counts in.
const WINDOW: Duration = Duration::hours(1);

/// Stores a challenge for `user_id` whose token hashes to `token_hash`, good until `expires_at`;
/// the person's challenges older than the window go.
pub async fn issue(
    db: &Db,
    user_id: UserId,
    token_hash: String,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let now = Utc::now();
    let txn = db::begin_write(db).await?;
    sign_in_challenge::Entity::delete_many()
        .filter(sign_in_challenge::Column::UserId.eq(user_id))
        .filter(sign_in_challenge::Column::CreatedAt.lt(now - WINDOW))
        .exec(&txn)
        .await?;
    sign_in_challenge::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        token_hash: Set(token_hash),
        failures: Set(0),
        expires_at: Set(expires_at),
        spent_at: Set(None),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// `user_id`'s challenges of the window that took a code that was not found right.
async fn failing_in_window(
    db: &impl sea_orm::ConnectionTrait,
    user_id: UserId,
    now: DateTime<Utc>,
) -> Result<Vec<sign_in_challenge::Model>, StoreError> {
    Ok(sign_in_challenge::Entity::find()
        .filter(sign_in_challenge::Column::UserId.eq(user_id))
        .filter(sign_in_challenge::Column::CreatedAt.gt(now - WINDOW))
        .filter(sign_in_challenge::Column::Failures.gt(0))
        .all(db)
        .await?)
}

/// The wrong codes `challenges` took.
fn failures(challenges: &[sign_in_challenge::Model]) -> i64 {
    challenges.iter().map(|c| i64::from(c.failures)).sum()
}

/// What presenting a challenge came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// No such challenge, or it is used up, out of attempts or expired.
    Over,
    /// The person's wrong codes reached the hourly limit: none is checked for this long.
    Paused {
        /// Seconds until the oldest wrong code of the window leaves it.
        retry_after: u64,
    },
    /// One attempt taken: the code may be checked, then [`succeeded`] or [`failed`] said.
    Taken {
        challenge: Uuid,
        /// Whose it is.
        user_id: UserId,
    },
}

/// Takes one attempt of the challenge whose token hashes to `token_hash`, counted as a wrong code
/// until [`succeeded`] says otherwise: concurrent codes never exceed [`ATTEMPTS`].
pub async fn take(db: &Db, token_hash: &str, now: DateTime<Utc>) -> Result<Attempt, StoreError> {
    let txn = db::begin_write(db).await?;
    let Some(challenge) = sign_in_challenge::Entity::find()
        .filter(sign_in_challenge::Column::TokenHash.eq(token_hash))
        .one(&txn)
        .await?
    else {
        return Ok(Attempt::Over);
    };
    let recent = failing_in_window(&txn, challenge.user_id, now).await?;
    let failed = failures(&recent);
    if failed >= FAILED_PER_HOUR {
        let oldest = recent.iter().map(|c| c.created_at).min().unwrap_or(now);
        let retry_after = Ord::max((oldest + WINDOW - now).num_seconds(), 1);
        return Ok(Attempt::Paused {
            retry_after: u64::try_from(retry_after).unwrap_or(1),
        });
    }
    let taken = sign_in_challenge::Entity::update_many()
        .col_expr(
            sign_in_challenge::Column::Failures,
            Expr::col(sign_in_challenge::Column::Failures).add(1),
        )
        .filter(sign_in_challenge::Column::Id.eq(challenge.id))
        .filter(sign_in_challenge::Column::Failures.lt(ATTEMPTS))
        .filter(sign_in_challenge::Column::SpentAt.is_null())
        .filter(sign_in_challenge::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await?
        .rows_affected;
    txn.commit().await?;
    Ok(if taken == 0 {
        Attempt::Over
    } else {
        Attempt::Taken {
            challenge: challenge.id,
            user_id: challenge.user_id,
        }
    })
}

/// The code was right: the challenge is used up and the attempt is no wrong code.
pub async fn succeeded(db: &Db, challenge: Uuid) -> Result<(), StoreError> {
    sign_in_challenge::Entity::update_many()
        .col_expr(
            sign_in_challenge::Column::Failures,
            Expr::col(sign_in_challenge::Column::Failures).sub(1),
        )
        .col_expr(sign_in_challenge::Column::SpentAt, Expr::value(Utc::now()))
        .filter(sign_in_challenge::Column::Id.eq(challenge))
        .exec(db)
        .await?;
    Ok(())
}

/// The code was wrong (the attempt stays counted). When it brings the person's wrong codes of the
/// hour to the limit, they are told, and it is audited.
pub async fn failed(db: &Db, origin: &Origin, user_id: UserId) -> Result<(), StoreError> {
    let now = Utc::now();
    let txn = db::begin_write(db).await?;
    let failed = failures(&failing_in_window(&txn, user_id, now).await?);
    if failed == FAILED_PER_HOUR {
        let notice = Notice {
            kind: NotificationKind::SecondFactorPaused,
            title: format!(
                "{FAILED_PER_HOUR} wrong sign-in codes in an hour: signing in with a code is paused \
                 for an hour. If this was not you, change your password."
            ),
            resource_type: "user",
            resource_id: user_id.into(),
        };
        notifications::notify(&txn, &Origin::default(), [user_id], &notice).await?;
        audit::record(
            &txn,
            origin,
            audit::Change {
                action: "user.second_factor_paused",
                resource_type: "user",
                resource_id: Some(user_id.into()),
                changes: serde_json::Value::Null,
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}
