//! The audit log: who changed what, when, from where, written in the same transaction as the
//! change. Rows form a hash chain (each hashes the previous one), so an edited or deleted row
//! breaks the chain.
//!
//! The two fields that can hold personal data, the client address and the recorded changes, are
//! hashed into the chain through their digests, stored beside them. Erasing a person removes
//! those fields from the entries about them ([`redact`]) and the chain still verifies: an entry's
//! time, actor, action and record stay proven, and so does every field not removed.

use chrono::{DateTime, SubsecRound, Utc};
use domain::UserId;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, PaginatorTrait,
    QueryOrder, Set,
};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::StoreError;
use crate::entity::audit_entry;

/// Where a change came from.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    /// The signed-in user, if any.
    pub actor_id: Option<UserId>,
    /// The client's address.
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

/// Fields never written to the log.
const SECRET_FIELDS: [&str; 4] = ["password", "password_hash", "token_hash", "secret"];

/// Fields holding sealed personal text: the log says they changed, never what they say (the log
/// is not encrypted, and erasure must not have to rewrite it).
const SEALED_FIELDS: [&str; 9] = [
    "content",
    "preparation_notes",
    "session_notes",
    "goal",
    "acknowledgement_comment",
    "notes",
    "comments",
    "strengths",
    "opportunities",
];

/// `value`, or a marker in its place for a sealed field.
fn logged(key: &str, value: Option<&Value>) -> Value {
    match value {
        None | Some(Value::Null) => Value::Null,
        Some(_) if SEALED_FIELDS.contains(&key) => Value::from("[sealed]"),
        Some(value) => value.clone(),
    }
}

/// What changed between two JSON snapshots: `{field: {"from": .., "to": ..}}`, secrets left out,
/// sealed text withheld.
pub fn diff(before: Option<&Value>, after: Option<&Value>) -> Value {
    let empty = Map::new();
    let before = before.and_then(Value::as_object).unwrap_or(&empty);
    let after = after.and_then(Value::as_object).unwrap_or(&empty);
    let mut changes = Map::new();
    for key in before.keys().chain(after.keys()) {
        if SECRET_FIELDS.contains(&key.as_str()) || matches!(key.as_str(), "version" | "updated_at")
        {
            continue;
        }
        let (old, new) = (before.get(key), after.get(key));
        if old != new && !changes.contains_key(key) {
            changes.insert(
                key.clone(),
                serde_json::json!({ "from": logged(key, old), "to": logged(key, new) }),
            );
        }
    }
    Value::Object(changes)
}

/// Serialises a record for [`diff`].
pub fn snapshot(record: &impl serde::Serialize) -> Value {
    serde_json::to_value(record).unwrap_or(Value::Null)
}

/// One change to record.
#[derive(Clone, Debug)]
pub struct Change {
    /// `session.complete`, `user.create`, ...
    pub action: &'static str,
    /// `session`, `user`, ...
    pub resource_type: &'static str,
    /// The record.
    pub resource_id: Option<Uuid>,
    /// Field-level before/after, from [`diff`].
    pub changes: Value,
}

/// Records `action` on a record: the stored fields that changed between `before` and `after`
/// (an audit view of the row, never its wire format, so a renamed API field or a derived value
/// does not change what the log says). The resource type is the action's prefix (`session` of
/// `session.complete`).
pub async fn record_change<T: serde::Serialize>(
    db: &impl ConnectionTrait,
    origin: &Origin,
    action: &'static str,
    id: impl Into<Uuid>,
    before: Option<&T>,
    after: Option<&T>,
) -> Result<(), StoreError> {
    let id: Uuid = id.into();
    let resource_type = action.split('.').next().unwrap_or(action);
    let change = Change {
        action,
        resource_type,
        resource_id: Some(id),
        changes: diff(before.map(snapshot).as_ref(), after.map(snapshot).as_ref()),
    };
    record(db, origin, change).await
}

/// The last step of a write: records the change from `before` to `after` (as [`record_change`])
/// and commits the write's transaction; returns `after`.
pub async fn commit<T: serde::Serialize>(
    txn: DatabaseTransaction,
    origin: &Origin,
    action: &'static str,
    id: impl Into<Uuid>,
    before: Option<&T>,
    after: T,
) -> Result<T, StoreError> {
    record_change(&txn, origin, action, id, before, Some(&after)).await?;
    txn.commit().await?;
    Ok(after)
}

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Appends `change` to the log inside the caller's transaction.
pub async fn record(
    db: &impl ConnectionTrait,
    origin: &Origin,
    change: Change,
) -> Result<(), StoreError> {
    record_at(db, origin, change, Utc::now()).await
}

/// [`record`], saying the change happened at `when` (the demo organisation's history, written
/// in the order it happened).
pub async fn record_at(
    db: &impl ConnectionTrait,
    origin: &Origin,
    change: Change,
    when: DateTime<Utc>,
) -> Result<(), StoreError> {
    if db.get_database_backend() == DbBackend::Postgres {
        // One writer at a time extends the chain; SQLite's IMMEDIATE transactions already are.
        db.execute_unprepared("SELECT pg_advisory_xact_lock(727072)")
            .await?;
    }
    let last = audit_entry::Entity::find()
        .order_by_desc(audit_entry::Column::Seq)
        .one(db)
        .await?;
    let (seq, prev_hash) = match last {
        Some(last) => (last.seq + 1, last.hash),
        None => (1, GENESIS.to_owned()),
    };
    // Microseconds: what PostgreSQL keeps, so the hash verifies after a round trip.
    let occurred_at = when.trunc_subsecs(6);
    let changes =
        (!change.changes.as_object().is_some_and(Map::is_empty)).then_some(change.changes);
    let ip_salt = hex(&crate::sealed::random_bytes::<16>());
    let ip_digest = Some(ip_digest(Some(&ip_salt), origin.ip.as_deref()));
    let changes_digest = Some(changes_digest(changes.as_ref()));
    let entry = audit_entry::Model {
        id: Uuid::now_v7(),
        seq,
        occurred_at,
        actor_id: origin.actor_id,
        action: change.action.to_owned(),
        resource_type: change.resource_type.to_owned(),
        resource_id: change.resource_id,
        ip: origin.ip.clone(),
        request_id: origin.request_id.clone(),
        changes,
        prev_hash,
        hash: String::new(),
        ip_digest,
        changes_digest,
        redacted_at: None,
        ip_salt: Some(ip_salt),
    };
    let hash = chain_hash(&entry);
    audit_entry::ActiveModel {
        hash: Set(hash),
        ..audit_entry::ActiveModel::from(entry)
    }
    .insert(db)
    .await?;
    Ok(())
}

fn sha256_hex(text: &str) -> String {
    hex(ring::digest::digest(&ring::digest::SHA256, text.as_bytes()).as_ref())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The digest the chain holds of an entry's client address: salted (entries written before
/// salts existed have none).
fn ip_digest(salt: Option<&str>, ip: Option<&str>) -> String {
    let ip = ip.unwrap_or_default();
    match salt {
        Some(salt) => sha256_hex(&format!("{salt}|{ip}")),
        None => sha256_hex(ip),
    }
}

/// The digest the chain holds of an entry's changes.
fn changes_digest(changes: Option<&Value>) -> String {
    sha256_hex(
        &changes
            .map(|changes| canonical(changes).to_string())
            .unwrap_or_default(),
    )
}

/// The hash of an entry: SHA-256 over the previous hash, every field but the two personal ones,
/// and the digests of those two, hex.
/// How many entries the audit log's chain holds.
pub async fn chain_length(db: &crate::Db) -> Result<u64, StoreError> {
    Ok(audit_entry::Entity::find().count(db).await?)
}

fn chain_hash(entry: &audit_entry::Model) -> String {
    sha256_hex(&format!(
        "{}|{}|{}|{}",
        record_fields(entry),
        entry.request_id.as_deref().unwrap_or_default(),
        entry.ip_digest.as_deref().unwrap_or_default(),
        entry.changes_digest.as_deref().unwrap_or_default(),
    ))
}

/// What both hash rules begin with: the previous hash, the position, the time, who, what, and
/// which record.
fn record_fields(entry: &audit_entry::Model) -> String {
    format!(
        "{}|{}|{}|{}|{}|{}|{}",
        entry.prev_hash,
        entry.seq,
        entry.occurred_at.to_rfc3339(),
        entry.actor_id.map(|id| id.to_string()).unwrap_or_default(),
        entry.action,
        entry.resource_type,
        entry
            .resource_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
    )
}

/// Whether an entry is as it was written: its hash, and each personal field against its digest
/// (a field removed by a person's erasure is gone, not altered).
pub fn holds(entry: &audit_entry::Model) -> bool {
    let redacted = entry.redacted_at.is_some();
    let ip = (redacted && entry.ip.is_none())
        || entry.ip_digest.as_deref()
            == Some(ip_digest(entry.ip_salt.as_deref(), entry.ip.as_deref()).as_str());
    let changes = (redacted && entry.changes.is_none())
        || entry.changes_digest.as_deref() == Some(changes_digest(entry.changes.as_ref()).as_str());
    ip && changes && chain_hash(entry) == entry.hash
}

/// Removes from the log what it holds of erased data: the recorded changes of every entry about
/// `records` (a person's user record and the records about them, or records past retention) and
/// the client address of every entry `actor` made. Returns how many entries lost a field.
pub async fn redact(
    db: &impl ConnectionTrait,
    actor: Option<Uuid>,
    records: &[Uuid],
) -> Result<u64, StoreError> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, QueryFilter};
    let now = Utc::now();
    let mut redacted = 0;
    if let Some(actor) = actor {
        redacted += audit_entry::Entity::update_many()
            .col_expr(audit_entry::Column::Ip, Expr::value(Option::<String>::None))
            .col_expr(
                audit_entry::Column::IpSalt,
                Expr::value(Option::<String>::None),
            )
            .col_expr(audit_entry::Column::RedactedAt, Expr::value(now))
            .filter(audit_entry::Column::ActorId.eq(actor))
            .filter(audit_entry::Column::Ip.is_not_null())
            .exec(db)
            .await?
            .rows_affected;
    }
    for chunk in records.chunks(500) {
        redacted += audit_entry::Entity::update_many()
            .col_expr(
                audit_entry::Column::Changes,
                Expr::value(Option::<Value>::None),
            )
            .col_expr(audit_entry::Column::RedactedAt, Expr::value(now))
            .filter(audit_entry::Column::ResourceId.is_in(chunk.iter().copied()))
            .filter(audit_entry::Column::Changes.is_not_null())
            .exec(db)
            .await?
            .rows_affected;
    }
    Ok(redacted)
}

/// The hash entries had before their personal fields were hashed through digests (migration
/// 12): SHA-256 over the previous hash and every field. Public for the upgrade's test.
pub fn legacy_hash(entry: &audit_entry::Model) -> String {
    sha256_hex(&format!(
        "{}|{}|{}|{}",
        record_fields(entry),
        entry.ip.as_deref().unwrap_or_default(),
        entry.request_id.as_deref().unwrap_or_default(),
        entry
            .changes
            .as_ref()
            .map(|changes| canonical(changes).to_string())
            .unwrap_or_default(),
    ))
}

/// Re-hashes entries written under [`legacy_hash`] with digests, and every entry after the first
/// of them (their links change). An entry that does not verify under the old rule keeps its old
/// hash, so a later `audit verify` still names it: re-hashing must not bless a tampered log.
/// Returns how many entries were re-hashed; runs after the migrations, in their transaction.
pub async fn upgrade_chain(db: &impl ConnectionTrait) -> Result<u64, StoreError> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
    let Some(first) = audit_entry::Entity::find()
        .filter(audit_entry::Column::IpDigest.is_null())
        .order_by_asc(audit_entry::Column::Seq)
        .one(db)
        .await?
    else {
        return Ok(0);
    };
    let before = audit_entry::Entity::find()
        .filter(audit_entry::Column::Seq.lt(first.seq))
        .order_by_desc(audit_entry::Column::Seq)
        .one(db)
        .await?;
    // The chain as it was (what the next entry links to) and as it is re-written.
    let mut old_previous = before
        .as_ref()
        .map_or(GENESIS.to_owned(), |e| e.hash.clone());
    let mut new_previous = old_previous.clone();
    let mut after_seq = first.seq - 1;
    let mut upgraded = 0;
    loop {
        let batch = audit_entry::Entity::find()
            .filter(audit_entry::Column::Seq.gt(after_seq))
            .order_by_asc(audit_entry::Column::Seq)
            .limit(500)
            .all(db)
            .await?;
        let Some(last) = batch.last() else { break };
        after_seq = last.seq;
        for entry in batch {
            let legacy = entry.ip_digest.is_none();
            let intact = entry.prev_hash == old_previous
                && if legacy {
                    legacy_hash(&entry) == entry.hash
                } else {
                    holds(&entry)
                };
            old_previous = entry.hash.clone();
            let mut row = entry;
            if legacy {
                row.ip_digest = Some(ip_digest(row.ip_salt.as_deref(), row.ip.as_deref()));
                row.changes_digest = Some(changes_digest(row.changes.as_ref()));
            }
            row.prev_hash = new_previous.clone();
            if intact {
                row.hash = chain_hash(&row);
            }
            new_previous = row.hash.clone();
            audit_entry::Entity::update_many()
                .col_expr(audit_entry::Column::PrevHash, Expr::value(row.prev_hash))
                .col_expr(audit_entry::Column::Hash, Expr::value(row.hash))
                .col_expr(audit_entry::Column::IpDigest, Expr::value(row.ip_digest))
                .col_expr(
                    audit_entry::Column::ChangesDigest,
                    Expr::value(row.changes_digest),
                )
                .filter(audit_entry::Column::Id.eq(row.id))
                .exec(db)
                .await?;
            upgraded += 1;
        }
    }
    Ok(upgraded)
}

/// `value` with numbers in the one form every database gives back: PostgreSQL's `jsonb` keeps
/// no negative zero, so `-0.0` is hashed as `0.0` (it would read back so and break the chain).
fn canonical(value: &Value) -> Value {
    match value {
        Value::Number(n) if n.as_f64().is_some_and(|f| f == 0.0 && f.is_sign_negative()) => {
            Value::from(0.0)
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), canonical(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_zero_hashes_as_the_zero_a_database_returns() {
        let stored = serde_json::json!({ "quality_score": { "from": null, "to": -0.0 } });
        let read_back = serde_json::json!({ "quality_score": { "from": null, "to": 0.0 } });
        assert_eq!(
            canonical(&stored).to_string(),
            canonical(&read_back).to_string()
        );
    }

    #[test]
    fn diff_names_changed_fields_and_hides_secrets() {
        let before =
            serde_json::json!({ "name": "A", "role": "AGENT", "password_hash": "x", "version": 1 });
        let after =
            serde_json::json!({ "name": "B", "role": "AGENT", "password_hash": "y", "version": 2 });
        assert_eq!(
            diff(Some(&before), Some(&after)),
            serde_json::json!({ "name": { "from": "A", "to": "B" } })
        );
        assert_eq!(
            diff(None, Some(&serde_json::json!({ "name": "N" }))),
            serde_json::json!({ "name": { "from": null, "to": "N" } })
        );
        assert_eq!(
            diff(
                Some(&serde_json::json!({ "content": "Rude to a caller" })),
                Some(&serde_json::json!({ "content": "Curt with a caller" }))
            ),
            serde_json::json!({ "content": { "from": "[sealed]", "to": "[sealed]" } })
        );
    }
}
