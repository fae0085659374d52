//! Sign-in sessions: each login starts a family of single-use refresh tokens.
//!
//! A refresh token is spent when it is rotated. Presenting a spent one means it was copied, so
//! the whole family is revoked and every token in it stops working.

use chrono::{DateTime, Duration, Utc};
use domain::UserId;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::entity::{auth_session, refresh_token};
use crate::{Db, StoreError, audit, db};

/// Who started a session, for the user's own session list and the audit trail.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    /// The browser or client.
    pub user_agent: Option<String>,
    /// The client's address.
    pub ip: Option<String>,
    /// The request that signed in, for the audit log.
    pub request_id: Option<String>,
}

/// Starts a session for `user_id` whose first refresh token hashes to `token_hash`.
pub async fn start(
    db: &Db,
    user_id: UserId,
    token_hash: String,
    lifetime: Duration,
    origin: Origin,
) -> Result<auth_session::Model, StoreError> {
    let txn = db::begin_write(db).await?;
    let now = Utc::now();
    let session = auth_session::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        created_at: Set(now),
        expires_at: Set(now + lifetime),
        revoked_at: Set(None),
        revoked_reason: Set(None),
        user_agent: Set(origin.user_agent.map(|ua| ua.chars().take(255).collect())),
        ip: Set(origin.ip.clone()),
    }
    .insert(&txn)
    .await?;
    issue(&txn, session.id, token_hash, session.expires_at).await?;
    let origin = audit::Origin {
        actor_id: Some(user_id),
        ip: origin.ip,
        request_id: origin.request_id,
    };
    let change = audit::Change {
        action: "auth.login",
        resource_type: "auth_session",
        resource_id: Some(session.id),
        changes: serde_json::Value::Object(Default::default()),
    };
    audit::record(&txn, &origin, change).await?;
    txn.commit().await?;
    Ok(session)
}

async fn issue(
    db: &impl ConnectionTrait,
    session_id: Uuid,
    token_hash: String,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    refresh_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        session_id: Set(session_id),
        token_hash: Set(token_hash),
        created_at: Set(Utc::now()),
        expires_at: Set(expires_at),
        used_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The outcome of presenting a refresh token.
#[derive(Clone, Debug)]
pub enum Rotation {
    /// The token was live; it is now spent and `new_hash` replaces it.
    Rotated(auth_session::Model),
    /// The token was already spent: the session is now revoked.
    Reused(auth_session::Model),
    /// Unknown, expired or revoked.
    Invalid,
}

/// Spends the token hashing to `presented`, and issues the one hashing to `replacement`.
///
/// A token spent less than `grace` ago, whose replacement is still unused, rotates again to the
/// same replacement: two tabs refreshing at once both keep the session. Later, it is a copy.
pub async fn rotate(
    db: &Db,
    presented: &str,
    replacement: String,
    grace: Duration,
) -> Result<Rotation, StoreError> {
    let txn = db::begin_write(db).await?;
    let Some(token) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(presented))
        .one(&txn)
        .await?
    else {
        return Ok(Rotation::Invalid);
    };
    let session = auth_session::Entity::find_by_id(token.session_id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let now = Utc::now();
    if session.revoked_at.is_some() || session.expires_at <= now {
        return Ok(Rotation::Invalid);
    }
    // Claim the token; a concurrent rotation of the same token finds zero rows here.
    let claimed = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
        .filter(refresh_token::Column::Id.eq(token.id))
        .filter(refresh_token::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        let spent_at = refresh_token::Entity::find_by_id(token.id)
            .one(&txn)
            .await?
            .and_then(|spent| spent.used_at);
        let successor_unused = refresh_token::Entity::find()
            .filter(refresh_token::Column::SessionId.eq(session.id))
            .filter(refresh_token::Column::TokenHash.eq(replacement.as_str()))
            .filter(refresh_token::Column::UsedAt.is_null())
            .one(&txn)
            .await?
            .is_some();
        if successor_unused && spent_at.is_some_and(|at| now - at <= grace) {
            txn.commit().await?;
            return Ok(Rotation::Rotated(session));
        }
        revoke_where(
            &txn,
            auth_session::Column::Id.eq(session.id),
            "refresh_reuse",
        )
        .await?;
        txn.commit().await?;
        tracing::warn!(session.id = %session.id, "spent refresh token presented; session revoked");
        return Ok(Rotation::Reused(session));
    }
    issue(&txn, session.id, replacement, session.expires_at).await?;
    txn.commit().await?;
    Ok(Rotation::Rotated(session))
}

async fn revoke_where(
    db: &impl ConnectionTrait,
    condition: impl sea_orm::sea_query::IntoCondition,
    reason: &str,
) -> Result<(), StoreError> {
    auth_session::Entity::update_many()
        .col_expr(auth_session::Column::RevokedAt, Expr::value(Utc::now()))
        .col_expr(auth_session::Column::RevokedReason, Expr::value(reason))
        .filter(condition)
        .filter(auth_session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Revokes one session (logout), with its audit entry.
pub async fn revoke(
    db: &Db,
    origin: &audit::Origin,
    session_id: Uuid,
    reason: &'static str,
) -> Result<(), StoreError> {
    let txn = db::begin_write(db).await?;
    revoke_where(&txn, auth_session::Column::Id.eq(session_id), reason).await?;
    let change = audit::Change {
        action: "auth.logout",
        resource_type: "auth_session",
        resource_id: Some(session_id),
        changes: serde_json::Value::Object(Default::default()),
    };
    audit::record(&txn, origin, change).await?;
    txn.commit().await?;
    Ok(())
}

/// Revokes every session of a user (deactivation, password change).
pub async fn revoke_all(
    db: &impl ConnectionTrait,
    user_id: UserId,
    reason: &str,
) -> Result<(), StoreError> {
    revoke_where(db, auth_session::Column::UserId.eq(user_id), reason).await
}

/// Revokes every session of a user but one (password change keeps the current sign-in).
pub async fn revoke_all_except(
    db: &impl ConnectionTrait,
    user_id: UserId,
    keep: Uuid,
    reason: &str,
) -> Result<(), StoreError> {
    revoke_where(
        db,
        sea_orm::Condition::all()
            .add(auth_session::Column::UserId.eq(user_id))
            .add(auth_session::Column::Id.ne(keep)),
        reason,
    )
    .await
}
