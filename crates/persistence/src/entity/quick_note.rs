//! The `quick_notes` table.

use sea_orm::entity::prelude::*;

use crate::sealed::Sealed;

/// One row of `quick_notes`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "quick_notes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub agent_id: Uuid,
    pub author_id: Uuid,
    pub content: Sealed,
    pub category: domain::NoteCategory,
    pub visibility: domain::NoteVisibility,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No relations are declared; repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

/// Every write of a note rewrites its search terms (its text is sealed, see `search_index`).
#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    async fn after_save<C>(model: Model, db: &C, insert: bool) -> Result<Model, DbErr>
    where
        C: ConnectionTrait,
    {
        crate::search_index::store(db, "quick_note", model.id, &[&model.content], !insert).await?;
        Ok(model)
    }
}
