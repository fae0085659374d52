//! The `evaluation_forms` table.

use domain::{EvaluationFormId, UserId};
use sea_orm::entity::prelude::*;

/// One row of `evaluation_forms`: a form's name, channels and state; its sections in force
/// are the `evaluation_form_versions` row at `sections_version`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "evaluation_forms")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: EvaluationFormId,
    pub name: String,
    pub description: Option<String>,
    /// A JSON array of channels (`["CALL", "CHAT"]`).
    pub channels: Json,
    /// The version of its sections in force (its `version` when they last changed).
    pub sections_version: i32,
    pub archived_at: Option<DateTimeUtc>,
    pub created_by: Option<UserId>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

crate::entity::joined_explicitly!();
