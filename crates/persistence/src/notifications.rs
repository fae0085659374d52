//! Notifications: what happened to a person, written in the same transaction as the change that
//! caused it, and read only by that person.

use chrono::{DateTime, Utc};
use domain::{NotificationKind, UserId};
use sea_orm::sea_query::Order;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    sea_query::Expr,
};
use uuid::Uuid;

use crate::audit::Origin;
use crate::entity::notification;
use crate::pagination::{self, PageRequest};
use crate::{Db, StoreError};

/// What to tell people, and about which record.
#[derive(Clone, Debug)]
pub struct Notice {
    /// Why.
    pub kind: NotificationKind,
    /// One line.
    pub title: String,
    /// The record's kind (`session`, `action_item`, `action_plan`, `announcement`).
    pub resource_type: &'static str,
    /// The record.
    pub resource_id: Uuid,
}

/// Tells each of `recipients` (except whoever made the change) about `notice`, inside the
/// change's transaction.
pub async fn notify(
    txn: &impl ConnectionTrait,
    origin: &Origin,
    recipients: impl IntoIterator<Item = UserId>,
    notice: &Notice,
) -> Result<(), StoreError> {
    let now = Utc::now();
    let mut seen = std::collections::HashSet::new();
    let rows: Vec<notification::ActiveModel> = recipients
        .into_iter()
        .filter(|user| Some(*user) != origin.actor_id && seen.insert(*user))
        .map(|user| notification::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(user),
            kind: Set(notice.kind.as_str().to_owned()),
            title: Set(notice.title.chars().take(200).collect()),
            body: Set(None),
            data: Set(Some(serde_json::json!({
                "type": notice.resource_type,
                "id": notice.resource_id,
            }))),
            read_at: Set(None),
            created_at: Set(now),
            email_state: Set(None),
            email_attempts: Set(0),
            email_next_at: Set(None),
        })
        .collect();
    // A few hundred rows a statement: an announcement to everyone stays within the backends'
    // bind limits.
    for chunk in rows.chunks(500) {
        notification::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// A page of `user`'s notifications, newest first; only unread ones when `unread_only`.
pub async fn list(
    db: &Db,
    user: UserId,
    unread_only: bool,
    page: &PageRequest,
) -> Result<(Vec<notification::Model>, Option<String>), StoreError> {
    let mut query = notification::Entity::find().filter(notification::Column::UserId.eq(user));
    if unread_only {
        query = query.filter(notification::Column::ReadAt.is_null());
    }
    let sort = (
        notification::Column::CreatedAt,
        notification::Column::Id,
        Order::Desc,
    );
    pagination::page::<_, DateTime<Utc>>(db, query, sort, page, |row| {
        (row.created_at.to_rfc3339(), row.id)
    })
    .await
}

/// How many of `user`'s notifications are unread.
pub async fn unread(db: &Db, user: UserId) -> Result<u64, StoreError> {
    Ok(notification::Entity::find()
        .filter(notification::Column::UserId.eq(user))
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await?)
}

/// Marks `user`'s notifications read: those in `ids`, or all when `ids` is `None`. Others'
/// notifications and ones already read are left as they are; returns how many changed.
pub async fn mark_read(db: &Db, user: UserId, ids: Option<&[Uuid]>) -> Result<u64, StoreError> {
    let mut update = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(Utc::now()))
        .filter(notification::Column::UserId.eq(user))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(ids) = ids {
        update = update.filter(notification::Column::Id.is_in(ids.iter().copied()));
    }
    Ok(update.exec(db).await?.rows_affected)
}
