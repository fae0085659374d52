//! Quick notes: coaching moments captured in one step.

use chrono::{DateTime, Utc};
use domain::{NoteCategory, NoteVisibility, QuickNoteId, UserId};
use garde::Validate;
use serde::{Deserialize, Serialize};

use crate::users::not_blank;

/// A quick note about an agent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuickNote {
    pub id: QuickNoteId,
    /// The agent it is about.
    pub agent_id: UserId,
    /// Who wrote it.
    pub author_id: UserId,
    /// The note, 1-500 characters.
    pub content: String,
    /// What it is about.
    pub category: NoteCategory,
    /// Who sees it.
    pub visibility: NoteVisibility,
    /// Optimistic-concurrency version.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/v1/quick-notes`.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct CreateQuickNote {
    /// The agent it is about.
    pub agent_id: UserId,
    /// The note.
    #[garde(length(chars, min = 1, max = 500), custom(not_blank))]
    pub content: String,
    /// What it is about.
    pub category: NoteCategory,
    /// Who sees it.
    pub visibility: NoteVisibility,
}

/// `PATCH /api/v1/quick-notes/{id}`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, default)]
#[garde(allow_unvalidated)]
pub struct UpdateQuickNote {
    /// New text.
    #[garde(inner(length(chars, min = 1, max = 500), custom(not_blank)))]
    pub content: Option<String>,
    /// New category.
    pub category: Option<NoteCategory>,
    /// New visibility.
    pub visibility: Option<NoteVisibility>,
    /// The version edited (or `If-Match`).
    pub version: Option<i32>,
}

impl crate::Patch for UpdateQuickNote {
    fn is_empty(&self) -> bool {
        self.content.is_none() && self.category.is_none() && self.visibility.is_none()
    }
}
