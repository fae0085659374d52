//! The `quick_notes` table.

use domain::{QuickNoteId, UserId};
use sea_orm::entity::prelude::*;

use crate::sealed::{Sealed, columns};

/// One row of `quick_notes`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "quick_notes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: QuickNoteId,
    pub agent_id: UserId,
    pub author_id: UserId,
    pub content: Sealed<columns::NoteContent>,
    pub category: domain::NoteCategory,
    pub visibility: domain::NoteVisibility,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No relations are declared; repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

// Its search terms are written by `quick_notes`, beside its audit entry.
crate::sealed::bind_sealed!(key: id, sealed: [content], optional: [], on save);

/// A note is found by its content.
impl crate::search_index::Searchable for Model {
    const KIND: &'static str = "quick_note";

    fn search_id(&self) -> Uuid {
        self.id.into()
    }

    fn search_texts(&self) -> Vec<&str> {
        vec![&self.content]
    }
}
