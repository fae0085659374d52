//! Optimistic concurrency: `UPDATE ... SET version = version + 1 WHERE id = ? AND version = ?`.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PrimaryKeyTrait, QueryFilter};
use uuid::Uuid;

use crate::StoreError;

/// The columns every editable table has.
pub trait Versioned: EntityTrait {
    /// `id`.
    const ID: Self::Column;
    /// `version`.
    const VERSION: Self::Column;
    /// `updated_at`.
    const UPDATED_AT: Self::Column;
}

/// Claims the row at `version`: bumps `version` and `updated_at`, or fails with `Stale` when
/// someone else got there first (`NotFound` when the row is gone).
pub async fn bump<E>(
    db: &impl ConnectionTrait,
    id: impl Into<Uuid>,
    version: i32,
) -> Result<(), StoreError>
where
    E: Versioned,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<Uuid>,
{
    bump_at::<E>(db, id.into(), version, Utc::now()).await
}

/// [`bump`], setting `updated_at` to `now`.
async fn bump_at<E>(
    db: &impl ConnectionTrait,
    id: Uuid,
    version: i32,
    now: DateTime<Utc>,
) -> Result<(), StoreError>
where
    E: Versioned,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<Uuid>,
{
    let result = E::update_many()
        .col_expr(E::VERSION, Expr::col(E::VERSION).add(1))
        .col_expr(E::UPDATED_AT, Expr::value(now))
        .filter(E::ID.eq(id))
        .filter(E::VERSION.eq(version))
        .exec(db)
        .await?;
    if result.rows_affected == 1 {
        Ok(())
    } else if E::find_by_id(id).one(db).await?.is_some() {
        Err(StoreError::Stale)
    } else {
        Err(StoreError::NotFound)
    }
}

/// A row read for a write: its table, id, version and `updated_at`.
pub trait VersionedRow {
    /// Its table.
    type Entity: Versioned;
    /// Its id, version and `updated_at` as read, the last two to be moved on by [`claim`].
    fn stamps(&mut self) -> (Uuid, &mut i32, &mut DateTime<Utc>);
}

/// Claims a row already read (in scope, authorised) for a write based on `version`: `Stale` at
/// once when the row read is at another version, else [`bump`], which also catches a write
/// committed since the read; the row read then carries its new version and `updated_at`.
pub async fn claim<R>(
    db: &impl ConnectionTrait,
    row: &mut R,
    version: i32,
) -> Result<(), StoreError>
where
    R: VersionedRow,
    <<R::Entity as EntityTrait>::PrimaryKey as PrimaryKeyTrait>::ValueType: From<Uuid>,
{
    let (id, read_version, read_updated_at) = row.stamps();
    if *read_version != version {
        return Err(StoreError::Stale);
    }
    let now = Utc::now();
    bump_at::<R::Entity>(db, id, version, now).await?;
    *read_version = version + 1;
    *read_updated_at = now;
    Ok(())
}

macro_rules! versioned {
    ($($module:ident),*) => {
        $(impl Versioned for crate::entity::$module::Entity {
            const ID: Self::Column = crate::entity::$module::Column::Id;
            const VERSION: Self::Column = crate::entity::$module::Column::Version;
            const UPDATED_AT: Self::Column = crate::entity::$module::Column::UpdatedAt;
        }

        impl VersionedRow for crate::entity::$module::Model {
            type Entity = crate::entity::$module::Entity;
            fn stamps(&mut self) -> (Uuid, &mut i32, &mut DateTime<Utc>) {
                (self.id.into(), &mut self.version, &mut self.updated_at)
            }
        })*
    };
}

versioned!(
    user,
    team,
    coaching_session,
    action_item,
    action_plan,
    quick_note,
    metric_month,
    kpi,
    session_template,
    webhook,
    evaluation_form,
    evaluation
);
