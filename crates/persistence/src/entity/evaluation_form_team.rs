//! The `evaluation_form_teams` table.

use domain::{EvaluationFormId, TeamId};
use sea_orm::entity::prelude::*;

/// A team that uses a form (a form with none is every team's).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "evaluation_form_teams")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub form_id: EvaluationFormId,
    #[sea_orm(primary_key, auto_increment = false)]
    pub team_id: TeamId,
}

crate::entity::joined_explicitly!();
