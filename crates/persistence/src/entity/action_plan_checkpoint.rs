//! The `action_plan_checkpoints` table.

use domain::{ActionPlanId, UserId};
use sea_orm::entity::prelude::*;

use crate::sealed::{Sealed, columns};

/// One row of `action_plan_checkpoints`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "action_plan_checkpoints")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub plan_id: ActionPlanId,
    pub date: Date,
    pub notes: Sealed<columns::CheckpointNotes>,
    pub author_id: Option<UserId>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No relations are declared; repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

crate::sealed::bind_sealed!(key: id, sealed: [notes], optional: [], on save);
