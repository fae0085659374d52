//! The `evaluation_form_versions` table.

use domain::EvaluationFormId;
use sea_orm::entity::prelude::*;

/// A form's sections as they stood from `version` on: never changed once written.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "evaluation_form_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub form_id: EvaluationFormId,
    #[sea_orm(primary_key, auto_increment = false)]
    pub version: i32,
    /// A JSON array of `dto::FormSection`.
    pub sections: Json,
    pub created_at: DateTimeUtc,
}

crate::entity::joined_explicitly!();
