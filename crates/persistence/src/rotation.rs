//! `coaching-hub rotate-key`: re-seals every sealed value not under the primary key (values
//! written before encryption existed included) and rewrites the search terms of the records it
//! touches, in batches, each row in its own short transaction, while servers keep running.
//! Resumable: a run stopped half-way leaves rows under either key, all readable, and the next run
//! carries on from what is left.

use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, EntityTrait, Value};
use uuid::Uuid;

use crate::entity::{coaching_session, quick_note};
use crate::sealed::{BOUND_PREFIX, Keyring, place};
use crate::{Db, StoreError, db, search_index};

/// The sealed columns of each table, with the table's key column.
pub const SEALED_COLUMNS: [(&str, &str, &[&str]); 7] = [
    ("quick_notes", "id", &["content"]),
    (
        "coaching_sessions",
        "id",
        &[
            "preparation_notes",
            "session_notes",
            "acknowledgement_comment",
        ],
    ),
    ("action_plans", "id", &["goal", "acknowledgement_comment"]),
    ("action_plan_checkpoints", "id", &["notes"]),
    ("webhooks", "id", &["secret"]),
    ("second_factors", "user_id", &["secret"]),
    (
        "evaluations",
        "id",
        &[
            "comments",
            "strengths",
            "opportunities",
            "acknowledgement_comment",
        ],
    ),
];

/// What a run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rotation {
    /// Rows re-sealed.
    pub resealed: u64,
    /// Rows left under an old key because another write changed them first and kept them there
    /// (a server still running with the old `ENCRYPTION_KEYS` first).
    pub left: u64,
}

/// Rows of `table` with a value of `columns` not sealed under `primary` and bound to its place.
fn outdated(columns: &[&str], primary: &str) -> Condition {
    let current = format!("{BOUND_PREFIX}{primary}:%");
    columns.iter().fold(Condition::any(), |any, column| {
        any.add(
            Expr::col(Alias::new(*column))
                .is_not_null()
                .and(Expr::col(Alias::new(*column)).not_like(current.clone())),
        )
    })
}

/// Re-seals everything under `keyring`'s primary key, `batch` rows at a time, calling
/// `progress(table, rows)` after each batch; retires the old keys when nothing is left under them.
pub async fn rotate(
    db: &Db,
    keyring: &Keyring,
    batch: u64,
    mut progress: impl FnMut(&str, u64),
) -> Result<Rotation, StoreError> {
    let mut rotation = Rotation::default();
    for (table, key, columns) in SEALED_COLUMNS {
        loop {
            let select = Query::select()
                .column(Alias::new(key))
                .columns(columns.iter().map(|c| Alias::new(*c)))
                .from(Alias::new(table))
                .cond_where(outdated(columns, keyring.primary()))
                .order_by(Alias::new(key), sea_orm::Order::Asc)
                .limit(batch)
                .to_owned();
            let rows = db.query_all(&select).await?;
            if rows.is_empty() {
                break;
            }
            let mut done = 0;
            for row in &rows {
                let id: Uuid = row.try_get("", key)?;
                let mut stored = Vec::new();
                for column in columns {
                    stored.push(row.try_get::<Option<String>>("", column)?);
                }
                if reseal(db, keyring, (table, key), columns, id, &stored).await? {
                    done += 1;
                }
            }
            rotation.resealed += done;
            progress(table, done);
            if done == 0 {
                rotation.left += u64::try_from(rows.len()).unwrap_or(u64::MAX);
                break;
            }
        }
    }
    if rotation.left == 0 {
        crate::sealed::retire_old_keys(db, keyring).await?;
    }
    Ok(rotation)
}

/// Re-seals one row unless it changed since it was read; rewrites its search terms. Whether it
/// was re-sealed.
async fn reseal(
    db: &Db,
    keyring: &Keyring,
    (table, key): (&str, &str),
    columns: &[&str],
    id: Uuid,
    stored: &[Option<String>],
) -> Result<bool, StoreError> {
    let txn = db::begin_write(db).await?;
    let mut update = Query::update();
    update
        .table(Alias::new(table))
        .and_where(Expr::col(Alias::new(key)).eq(id));
    for (column, value) in columns.iter().zip(stored) {
        match value {
            Some(value) => {
                let place = place(table, column, id);
                let clear = keyring.open_at(value, Some(&place))?;
                update
                    .value(
                        Alias::new(*column),
                        Value::from(keyring.seal_bound(&clear, &place)),
                    )
                    .and_where(Expr::col(Alias::new(*column)).eq(value.as_str()));
            }
            None => {
                update.and_where(Expr::col(Alias::new(*column)).is_null());
            }
        }
    }
    if txn.execute(&update).await?.rows_affected() == 0 {
        return Ok(false);
    }
    match table {
        "quick_notes" => {
            if let Some(note) = quick_note::Entity::find_by_id(id).one(&txn).await? {
                search_index::index(&txn, &note, true).await?;
            }
        }
        "coaching_sessions" => {
            if let Some(session) = coaching_session::Entity::find_by_id(id).one(&txn).await? {
                search_index::index(&txn, &session, true).await?;
            }
        }
        _ => {}
    }
    txn.commit().await?;
    Ok(true)
}
