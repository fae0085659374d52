//! Password links: one-time links that set a person's password. A link is sent by email (the
//! person forgot their password, or an admin sent it instead of a temporary password) or handed
//! to a sign-in with a temporary password, which must be changed before the sign-in completes.
//!
//! Only the SHA-256 of a link's token is kept. A new link replaces the person's earlier ones; a
//! link works once and until it expires; using it sets the password, ends the person's every
//! sign-in session and personal access token, and ends a temporary password, in one
//! transaction.

use chrono::{DateTime, Utc};
use domain::UserId;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::audit::{self, Origin};
use crate::entity::password_link;
use crate::users::{self, UserRow};
use crate::{Db, StoreError, access_tokens, auth_sessions, db};

/// Why a link was made, as the audit log says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// The person asked by email ("forgot password").
    Forgotten,
    /// An admin sent it.
    SentByAdmin,
    /// A sign-in with a temporary password: the new password completes it.
    ReplaceTemporary,
}

impl Purpose {
    fn action(self) -> &'static str {
        match self {
            Purpose::Forgotten => "user.password_link.forgotten",
            Purpose::SentByAdmin => "user.password_link.sent",
            Purpose::ReplaceTemporary => "user.password_link.temporary",
        }
    }
}

/// Stores a link for `user_id` whose token hashes to `token_hash`, good until `expires_at`; the
/// person's earlier links stop working. Audited (never the token).
pub async fn issue(
    db: &Db,
    origin: &Origin,
    user_id: UserId,
    purpose: Purpose,
    token_hash: String,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let txn = db::begin_write(db).await?;
    audit::record(
        &txn,
        origin,
        audit::Change {
            action: purpose.action(),
            resource_type: "user",
            resource_id: Some(user_id.into()),
            changes: serde_json::json!({ "expires_at": expires_at }),
        },
    )
    .await?;
    password_link::Entity::delete_many()
        .filter(password_link::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    password_link::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        token_hash: Set(token_hash),
        expires_at: Set(expires_at),
        used_at: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Uses the link whose token hashes to `token_hash` to give its person the password `hash`:
/// `None` when there is no such link, or it was used or has expired (the person may no longer
/// sign in either). The person's sign-in sessions and personal access tokens end.
pub async fn redeem(
    db: &Db,
    origin: &Origin,
    token_hash: &str,
    hash: String,
    now: DateTime<Utc>,
) -> Result<Option<UserRow>, StoreError> {
    let txn = db::begin_write(db).await?;
    let Some(link) = password_link::Entity::find()
        .filter(password_link::Column::TokenHash.eq(token_hash))
        .one(&txn)
        .await?
    else {
        return Ok(None);
    };
    // The one statement that decides which of two concurrent uses wins.
    let used = password_link::Entity::update_many()
        .col_expr(
            password_link::Column::UsedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(password_link::Column::Id.eq(link.id))
        .filter(password_link::Column::UsedAt.is_null())
        .filter(password_link::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await?
        .rows_affected;
    let person = users::find(&txn, link.user_id).await?;
    if used == 0 || !person.user.active || person.user.erased_at.is_some() {
        return Ok(None);
    }
    let origin = Origin {
        actor_id: Some(link.user_id),
        ..origin.clone()
    };
    users::set_password(&txn, &origin, person.user, hash, None, "user.set_password").await?;
    auth_sessions::revoke_all(&txn, link.user_id, "password_set").await?;
    access_tokens::revoke_all(&txn, link.user_id).await?;
    let row = users::find(&txn, link.user_id).await?;
    txn.commit().await?;
    Ok(Some(row))
}
