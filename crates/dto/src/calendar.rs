//! A person's calendar feed (`/api/v1/me/calendar`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Whether the actor has a calendar feed; its URL is shown only when it is made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarFeed {
    /// When the current feed was made; `None` when there is none.
    pub created_at: Option<DateTime<Utc>>,
}

/// A new calendar feed: its secret URL, shown this once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedCalendarFeed {
    /// The address a calendar app subscribes to (`…/api/v1/calendar/{token}.ics`). Anyone who
    /// has it sees the sessions, so it is kept like a password; a new feed makes it stop working.
    pub url: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}
