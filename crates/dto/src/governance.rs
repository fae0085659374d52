//! The audit log and announcements.

use chrono::{DateTime, Utc};
use domain::{TeamId, UserId};
use garde::Validate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::users::not_blank;

/// One audit entry: who changed what, when, from where.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// Position in the log, from 1.
    pub seq: i64,
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// Who (none for the system).
    pub actor_id: Option<UserId>,
    /// What (`session.complete`).
    pub action: String,
    /// The kind of record (`session`).
    pub resource_type: String,
    /// The record.
    pub resource_id: Option<Uuid>,
    /// The client's address.
    pub ip: Option<String>,
    pub request_id: Option<String>,
    /// Changed fields: `{field: {from, to}}`, secrets left out.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub changes: Option<serde_json::Value>,
}

/// `GET /api/v1/audit/verify`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditVerification {
    /// Entries checked.
    pub entries: u64,
    /// Whether every entry hashes to its stored hash and names its predecessor's.
    pub intact: bool,
    /// The first entry that does not, if any.
    pub first_broken_seq: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Announcement {
    pub id: Uuid,
    /// Who published it.
    pub author_id: Option<UserId>,
    pub title: String,
    /// Text.
    pub body: String,
    /// Only this team sees it; everyone when absent.
    pub team_id: Option<TeamId>,
    /// When.
    pub published_at: DateTime<Utc>,
}

/// `POST /api/v1/announcements`.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct CreateAnnouncement {
    #[garde(length(chars, min = 1, max = 200), custom(not_blank))]
    pub title: String,
    /// Text.
    #[garde(length(chars, min = 1, max = 5000), custom(not_blank))]
    pub body: String,
    /// One team (required for managers: one they manage); everyone when absent (admins).
    #[serde(default)]
    pub team_id: Option<TeamId>,
}
