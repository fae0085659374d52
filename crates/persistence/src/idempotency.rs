//! `Idempotency-Key`: a write sent again with the key of an earlier one answers with the record
//! the earlier one made, and writes nothing (the browser's offline notes, sent again after an
//! answer it never saw). A key is a person's own, forgotten a day later (when that person next
//! writes with a key).

use chrono::{Duration, Utc};
use domain::UserId;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::StoreError;
use crate::entity::idempotency_key;

/// How long a key is remembered.
pub const KEPT_FOR: Duration = Duration::hours(24);

/// A write's key and what it asked (a digest of the request).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Idempotency {
    /// The client's `Idempotency-Key`.
    pub key: String,
    /// SHA-256 of the request, hex.
    pub fingerprint: String,
}

/// A record written now, or found from an earlier write with the same key.
#[derive(Clone, Debug, PartialEq)]
pub struct Written<T> {
    pub record: T,
    /// It was made by an earlier request with this key: nothing was written now.
    pub replayed: bool,
}

/// Claims `idempotency` for `user`'s write of `resource_id`, inside the write's transaction:
/// `None` when the key is new (it now names `resource_id`, committed with the write), or the
/// record an earlier write with the key made. A concurrent write with the same key waits for
/// this one's transaction, then finds its record. A key reused for a different request is
/// refused (422 on `Idempotency-Key`).
pub async fn claim(
    txn: &impl ConnectionTrait,
    user: UserId,
    idempotency: &Idempotency,
    resource_id: Uuid,
) -> Result<Option<Uuid>, StoreError> {
    // The person's expired keys go first: a key is remembered for a day.
    idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::UserId.eq(user))
        .filter(idempotency_key::Column::CreatedAt.lt(Utc::now() - KEPT_FOR))
        .exec(txn)
        .await?;
    let row = idempotency_key::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user),
        key: Set(idempotency.key.clone()),
        fingerprint: Set(idempotency.fingerprint.clone()),
        resource_id: Set(resource_id),
        created_at: Set(Utc::now()),
    };
    let inserted = idempotency_key::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                idempotency_key::Column::UserId,
                idempotency_key::Column::Key,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    if inserted == 1 {
        return Ok(None);
    }
    let earlier = idempotency_key::Entity::find()
        .filter(idempotency_key::Column::UserId.eq(user))
        .filter(idempotency_key::Column::Key.eq(&idempotency.key))
        .one(txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    if earlier.fingerprint != idempotency.fingerprint {
        return Err(StoreError::Invalid {
            field: "Idempotency-Key".into(),
            message: "this key was used for a different request".into(),
        });
    }
    Ok(Some(earlier.resource_id))
}
