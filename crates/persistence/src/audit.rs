//! The audit log: who changed what, when, from where, written in the same transaction as the
//! change. Rows form a hash chain (each hashes the previous one), so an edited or deleted row
//! breaks the chain.

use chrono::{SubsecRound, Utc};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, QueryOrder, Set,
};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::StoreError;
use crate::entity::audit_entry;

/// Where a change came from.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    /// The signed-in user, if any.
    pub actor_id: Option<Uuid>,
    /// The client's address.
    pub ip: Option<String>,
    /// The request id.
    pub request_id: Option<String>,
}

/// Fields never written to the log.
const SECRET_FIELDS: [&str; 3] = ["password", "password_hash", "token_hash"];

/// What changed between two JSON snapshots: `{field: {"from": .., "to": ..}}`, secrets left out.
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
                serde_json::json!({ "from": old.cloned().unwrap_or(Value::Null), "to": new.cloned().unwrap_or(Value::Null) }),
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
    id: Uuid,
    before: Option<&T>,
    after: Option<&T>,
) -> Result<(), StoreError> {
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
    id: Uuid,
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
    let occurred_at = Utc::now().trunc_subsecs(6);
    let changes =
        (!change.changes.as_object().is_some_and(Map::is_empty)).then_some(change.changes);
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

/// The hash of an entry: SHA-256 over the previous hash and every field, hex.
pub fn chain_hash(entry: &audit_entry::Model) -> String {
    let text = format!(
        "{}|{}|{}|{}|{}|{}|{}|{}|{}|{}",
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
        entry.ip.as_deref().unwrap_or_default(),
        entry.request_id.as_deref().unwrap_or_default(),
        entry
            .changes
            .as_ref()
            .map(|changes| canonical(changes).to_string())
            .unwrap_or_default(),
    );
    let digest = ring::digest::digest(&ring::digest::SHA256, text.as_bytes());
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
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
    }
}
