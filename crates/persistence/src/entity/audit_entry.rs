//! The `audit_log` table.

use domain::UserId;
use sea_orm::entity::prelude::*;

/// One row of `audit_log`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub seq: i64,
    pub occurred_at: DateTimeUtc,
    pub actor_id: Option<UserId>,
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<Uuid>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    pub changes: Option<Json>,
    pub prev_hash: String,
    pub hash: String,
    /// SHA-256 of `ip_salt` and `ip` as written (of `ip` alone before salts existed): the chain
    /// hashes this, so `ip` can be erased.
    pub ip_digest: Option<String>,
    /// SHA-256 of `changes` as written (canonical JSON), for the same reason.
    pub changes_digest: Option<String>,
    /// When a person's erasure removed `ip` or `changes` from this entry.
    pub redacted_at: Option<DateTimeUtc>,
    /// Random per entry, so `ip_digest` cannot be reversed by trying every address; dropped with
    /// `ip` when the entry is redacted.
    pub ip_salt: Option<String>,
}

crate::entity::joined_explicitly!();
