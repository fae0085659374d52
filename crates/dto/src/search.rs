//! Full-text search results.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One match.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchHit {
    /// `session`, `quick_note`, `action_item` or `person`.
    pub kind: String,
    /// The record's id.
    pub id: Uuid,
    /// A short title.
    pub title: Option<String>,
    /// The matching passage: HTML-escaped text with the matches in `<mark>`.
    pub snippet: Option<String>,
    /// Relevance; higher is better.
    pub rank: f64,
}

/// `GET /api/v1/search`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResults {
    /// Best first.
    pub items: Vec<SearchHit>,
}
