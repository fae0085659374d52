//! Personal access tokens: a person's own, stored by the hash of the secret, narrowed to grants (`scopes` on the wire).

use chrono::{DateTime, Duration, Utc};
use domain::Grant;
use domain::UserId;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::Serialize;
use uuid::Uuid;

use crate::audit::{self, Origin};
use crate::entity::access_token;
use crate::{Db, StoreError, db};

/// Revokes every live token of `user_id` (their password was reset or changed, or they were
/// deactivated): their owner makes new ones.
pub async fn revoke_all(
    db: &impl sea_orm::ConnectionTrait,
    user_id: UserId,
) -> Result<(), StoreError> {
    access_token::Entity::update_many()
        .col_expr(access_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(access_token::Column::UserId.eq(user_id))
        .filter(access_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// How stale `last_used_at` may get before a use writes it again: one write a minute per
/// token, not one per request.
pub const LAST_USED_GRANULARITY: Duration = Duration::minutes(1);

/// A token to store.
#[derive(Clone, Debug)]
pub struct NewToken {
    /// Its owner.
    pub user_id: UserId,
    /// What the owner calls it.
    pub name: String,
    /// What it may do.
    pub grants: Vec<Grant>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// SHA-256 of the secret, hex.
    pub token_hash: String,
}

/// What the audit log keeps of a token: never its hash.
#[derive(Serialize)]
struct Audited<'a> {
    name: &'a str,
    scopes: &'a str,
    expires_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
}

impl<'a> From<&'a access_token::Model> for Audited<'a> {
    fn from(row: &'a access_token::Model) -> Self {
        Audited {
            name: &row.name,
            scopes: &row.scopes,
            expires_at: row.expires_at,
            revoked_at: row.revoked_at,
        }
    }
}

/// The grants a row holds (a spelling no longer known grants nothing).
pub fn grants(row: &access_token::Model) -> Vec<Grant> {
    row.scopes
        .split_whitespace()
        .filter_map(|grant| grant.parse().ok())
        .collect()
}

/// Stores a new token, audited.
pub async fn create(
    db: &Db,
    origin: &Origin,
    new: NewToken,
) -> Result<access_token::Model, StoreError> {
    let txn = db::begin_write(db).await?;
    let stored = new
        .grants
        .iter()
        .map(|grant| grant.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let row = access_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(new.user_id),
        name: Set(new.name),
        token_hash: Set(new.token_hash),
        scopes: Set(stored),
        created_at: Set(Utc::now()),
        expires_at: Set(new.expires_at),
        last_used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(&txn)
    .await?;
    audit::record_change(
        &txn,
        origin,
        "access_token.create",
        row.id,
        None,
        Some(&Audited::from(&row)),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// A person's tokens that are not revoked, newest first (expired ones included, to be seen as
/// such).
pub async fn list(db: &Db, user_id: UserId) -> Result<Vec<access_token::Model>, StoreError> {
    Ok(access_token::Entity::find()
        .filter(access_token::Column::UserId.eq(user_id))
        .filter(access_token::Column::RevokedAt.is_null())
        .order_by_desc(access_token::Column::CreatedAt)
        .order_by_desc(access_token::Column::Id)
        .all(db)
        .await?)
}

/// Revokes one of `user_id`'s tokens, audited. Revoking a revoked token changes nothing; another
/// person's token is not found.
pub async fn revoke(db: &Db, origin: &Origin, user_id: UserId, id: Uuid) -> Result<(), StoreError> {
    let txn = db::begin_write(db).await?;
    let before = access_token::Entity::find_by_id(id)
        .filter(access_token::Column::UserId.eq(user_id))
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    if before.revoked_at.is_some() {
        return Ok(());
    }
    let revoked = access_token::Entity::update_many()
        .col_expr(access_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(access_token::Column::Id.eq(id))
        .filter(access_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if revoked.rows_affected == 0 {
        // A concurrent revoke got there first.
        return Ok(());
    }
    let after = access_token::Model {
        revoked_at: Some(Utc::now()),
        ..before.clone()
    };
    audit::record_change(
        &txn,
        origin,
        "access_token.revoke",
        id,
        Some(&Audited::from(&before)),
        Some(&Audited::from(&after)),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The live token whose secret hashes to `token_hash`: not revoked, not expired at `now`.
pub async fn find_live(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<access_token::Model>, StoreError> {
    Ok(access_token::Entity::find()
        .filter(access_token::Column::TokenHash.eq(token_hash))
        .filter(access_token::Column::RevokedAt.is_null())
        .filter(access_token::Column::ExpiresAt.gt(now))
        .one(db)
        .await?)
}

/// Records a use at `now`, unless one was recorded within [`LAST_USED_GRANULARITY`].
pub async fn touch(db: &Db, id: Uuid, now: DateTime<Utc>) -> Result<(), StoreError> {
    access_token::Entity::update_many()
        .col_expr(access_token::Column::LastUsedAt, Expr::value(now))
        .filter(access_token::Column::Id.eq(id))
        .filter(
            Condition::any()
                .add(access_token::Column::LastUsedAt.is_null())
                .add(access_token::Column::LastUsedAt.lt(now - LAST_USED_GRANULARITY)),
        )
        .exec(db)
        .await?;
    Ok(())
}
