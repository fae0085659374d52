//! Notifications: what happened to the signed-in person, until they read it.

use chrono::{DateTime, Utc};
use domain::NotificationKind;
use garde::Validate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Something that happened to the reader.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    pub id: Uuid,
    /// Why.
    pub kind: NotificationKind,
    /// One line.
    pub title: String,
    /// The kind of record it is about: `session`, `action_item`, `action_plan`, `announcement`.
    pub resource_type: Option<String>,
    /// The record.
    pub resource_id: Option<Uuid>,
    /// When.
    pub created_at: DateTime<Utc>,
    /// When the reader marked it read.
    pub read_at: Option<DateTime<Utc>>,
}

/// `GET /api/v1/notifications`: a page, newest first, and how many are unread in all.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notifications {
    /// This page.
    pub items: Vec<Notification>,
    /// The next page's cursor, when there is one.
    pub next_cursor: Option<String>,
    /// Unread notifications, on every page.
    pub unread: u64,
}

/// What marking read changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Marked {
    /// Notifications marked read now.
    pub marked: u64,
    /// Unread notifications left.
    pub unread: u64,
}

/// `POST /api/v1/notifications/read`: some (`ids`) or `all`.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    /// These notifications (up to 200).
    #[garde(inner(length(min = 1, max = 200)))]
    #[serde(default)]
    pub ids: Option<Vec<Uuid>>,
    /// Every notification.
    #[garde(skip)]
    #[serde(default)]
    pub all: bool,
}

/// `GET/PUT /api/v1/me/email-notifications`: whether I am emailed what needs me (sessions
/// scheduled or changed, action items assigned, plans awaiting my decision or acknowledgement).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EmailNotifications {
    /// On (the default) or off.
    #[garde(skip)]
    pub enabled: bool,
}

/// `GET/PUT /api/v1/me/reminders`: which reminders I get (each on by default).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReminderChoices {
    /// A completed session or an active plan of mine still waits for my acknowledgement.
    #[garde(skip)]
    pub acknowledgements: bool,
    /// A session I take part in starts within a day, or now.
    #[garde(skip)]
    pub sessions: bool,
    /// Each day, the overdue action items I do, or (a team leader) my team's.
    #[garde(skip)]
    pub overdue_digest: bool,
}
