//! The `coaching_sessions` table.

use domain::{SessionId, UserId};
use sea_orm::entity::prelude::*;

use crate::sealed::{Sealed, columns};

/// One row of `coaching_sessions`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "coaching_sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: SessionId,
    pub agent_id: UserId,
    pub team_leader_id: UserId,
    pub scheduled_at: DateTimeUtc,
    pub duration_minutes: i32,
    pub status: domain::SessionStatus,
    pub focus_areas: Json,
    pub preparation_notes: Option<Sealed<columns::SessionPreparation>>,
    pub session_notes: Option<Sealed<columns::SessionNotes>>,
    pub started_at: Option<DateTimeUtc>,
    pub completed_at: Option<DateTimeUtc>,
    pub previous_score: Option<f64>,
    pub current_score: Option<f64>,
    pub cancel_reason: Option<String>,
    pub acknowledged_at: Option<DateTimeUtc>,
    pub acknowledgement_comment: Option<Sealed<columns::SessionAcknowledgement>>,
    pub created_by: Option<UserId>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No relations are declared; repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

// Its search terms are written by `sessions`, beside its audit entry.
crate::sealed::bind_sealed!(
    key: id,
    sealed: [],
    optional: [preparation_notes, session_notes, acknowledgement_comment],
    on save
);

/// A session is found by its notes and focus areas.
impl crate::search_index::Searchable for Model {
    const KIND: &'static str = "session";

    fn search_id(&self) -> Uuid {
        self.id.into()
    }

    fn search_texts(&self) -> Vec<&str> {
        let mut texts: Vec<&str> = [
            self.preparation_notes.as_deref(),
            self.session_notes.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect();
        if let Some(areas) = self.focus_areas.as_array() {
            texts.extend(areas.iter().filter_map(serde_json::Value::as_str));
        }
        texts
    }
}
