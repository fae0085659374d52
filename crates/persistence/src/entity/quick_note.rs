//! The `quick_notes` table.

use sea_orm::TryIntoModel;
use sea_orm::entity::prelude::*;

use crate::sealed::{Sealed, columns};

/// One row of `quick_notes`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "quick_notes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub agent_id: Uuid,
    pub author_id: Uuid,
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

crate::sealed::bind_sealed!(key: id, sealed: [content], optional: []);

/// A write of a note's text rewrites its search terms (the text is sealed, see `search_index`);
/// a change of category or visibility does not.
#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    async fn before_save<C>(mut self, db: &C, insert: bool) -> Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        self = self.bind_sealed();
        if insert || self.content.is_set() {
            let note = self.clone().try_into_model()?;
            crate::search_index::store(db, "quick_note", note.id, &[&note.content], !insert)
                .await?;
        }
        Ok(self)
    }
}
