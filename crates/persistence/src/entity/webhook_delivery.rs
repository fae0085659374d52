//! The `webhook_deliveries` table.

use sea_orm::entity::prelude::*;

/// One row of `webhook_deliveries`: one event for one webhook, with its attempts. Its `id` is
/// the `webhook-id` the receiver sees (the same on every attempt).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub webhook_id: Uuid,
    /// The audit entry it tells of.
    pub audit_seq: i64,
    pub event_type: String,
    /// The body sent, the same on every attempt.
    pub payload: String,
    /// `pending` or `delivered`.
    pub status: String,
    pub attempts: i32,
    /// When it is next tried (a claimed one: when its claim lapses).
    pub next_attempt_at: DateTimeUtc,
    pub last_attempt_at: Option<DateTimeUtc>,
    pub response_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub delivered_at: Option<DateTimeUtc>,
}

crate::entity::joined_explicitly!();
