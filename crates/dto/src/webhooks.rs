//! Outbound webhooks (`/api/v1/webhooks`): endpoints admins register, and what is sent to them.
//!
//! Each delivery is a `POST` of a [`WebhookPayload`], signed per the Standard Webhooks
//! convention: `webhook-id` (the delivery, the same on every attempt), `webhook-timestamp`
//! (seconds since the epoch) and `webhook-signature` (`v1,` and the base64 HMAC-SHA256 of
//! `{id}.{timestamp}.{body}`, keyed with the base64-decoded part of the secret after `whsec_`).

use chrono::{DateTime, Utc};
use domain::UserId;
use garde::Validate;

use crate::validate::web_address;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The event types a webhook may ask for: the live events' types, without the sign-in ones.
pub const EVENT_TYPES: [&str; 12] = [
    "session_changed",
    "action_item_changed",
    "action_plan_changed",
    "quick_note_changed",
    "quick_note_deleted",
    "metrics_changed",
    "scorecard_config_changed",
    "announcement_published",
    "user_changed",
    "team_changed",
    "evaluation_form_changed",
    "evaluation_changed",
];

/// A registered endpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Webhook {
    pub id: Uuid,
    /// Where deliveries are posted.
    pub url: String,
    /// What it is for.
    pub description: String,
    /// The event types it receives.
    pub events: Vec<String>,
    /// Whether deliveries are sent; what happens while it is off is sent when it is back on.
    pub enabled: bool,
    /// Since when every attempt has failed; after a day it is turned off.
    pub failing_since: Option<DateTime<Utc>>,
    /// When it was turned off for failing.
    pub disabled_at: Option<DateTime<Utc>>,
    /// Version, for edits.
    pub version: i32,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// A new webhook with its signing secret, shown this once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedWebhook {
    pub webhook: Webhook,
    /// `whsec_` and base64: the key receivers verify signatures with. Kept like a password.
    pub secret: String,
}

/// `POST /api/v1/webhooks`.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateWebhook {
    /// `https://…` (plain `http://` only to this machine), up to 2000 characters.
    #[garde(length(chars, max = 2000), custom(web_address))]
    pub url: String,
    /// Up to 200 characters.
    #[garde(length(chars, max = 200))]
    #[serde(default)]
    pub description: String,
    /// One or more of [`EVENT_TYPES`].
    #[garde(custom(event_types))]
    pub events: Vec<String>,
}

/// `PATCH /api/v1/webhooks/{id}`: the fields given change; turning it back on starts afresh.
#[derive(Clone, Debug, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhook {
    /// As for a new webhook.
    #[garde(inner(length(chars, max = 2000), custom(web_address)))]
    #[serde(default)]
    pub url: Option<String>,
    /// Up to 200 characters.
    #[garde(inner(length(chars, max = 200)))]
    #[serde(default)]
    pub description: Option<String>,
    /// One or more of [`EVENT_TYPES`].
    #[garde(inner(custom(event_types)))]
    #[serde(default)]
    pub events: Option<Vec<String>>,
    /// On or off.
    #[garde(skip)]
    #[serde(default)]
    pub enabled: Option<bool>,
    /// The version edited (or `If-Match`).
    #[garde(skip)]
    #[serde(default)]
    pub version: Option<i32>,
}

/// One event for one webhook, with its attempts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDelivery {
    /// Id: the `webhook-id` header.
    pub id: Uuid,
    /// Its event type.
    pub event_type: String,
    /// `pending` or `delivered`.
    pub status: String,
    /// Attempts so far.
    pub attempts: i32,
    /// When it is tried next (pending only).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When it was last tried.
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The receiver's last HTTP status.
    pub response_status: Option<i32>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When the change happened.
    pub created_at: DateTime<Utc>,
    /// When the receiver accepted it.
    pub delivered_at: Option<DateTime<Utc>>,
    /// The body sent.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub payload: serde_json::Value,
}

/// The body of a delivery.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookPayload {
    /// One of [`EVENT_TYPES`].
    #[serde(rename = "type")]
    pub event_type: String,
    /// When the change was committed.
    pub timestamp: DateTime<Utc>,
    /// What changed.
    pub data: WebhookChange,
}

/// A change as the audit log recorded it: which record, who, and the fields that changed
/// (sealed personal text only as `[sealed]`). Read the record through the API for the rest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookChange {
    /// The audit log's action (`session.complete`).
    pub action: String,
    /// The kind of record (`session`).
    pub resource_type: String,
    /// The record.
    pub resource_id: Option<Uuid>,
    /// Who made it (none for the system).
    pub actor_id: Option<UserId>,
    /// `{field: {from, to}}`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub changes: Option<serde_json::Value>,
    /// The audit entry's position.
    pub seq: i64,
}

#[expect(clippy::ptr_arg, reason = "garde passes the field as it is declared")]
fn event_types(events: &Vec<String>, _: &()) -> garde::Result {
    if events.is_empty() {
        return Err(garde::Error::new("choose at least one event type"));
    }
    match events.iter().find(|e| !EVENT_TYPES.contains(&e.as_str())) {
        Some(unknown) => Err(garde::Error::new(format!("unknown event type `{unknown}`"))),
        None => Ok(()),
    }
}
