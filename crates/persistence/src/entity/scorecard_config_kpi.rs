//! The `scorecard_config_kpis` table.

use sea_orm::entity::prelude::*;

/// One row of `scorecard_config_kpis`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "scorecard_config_kpis")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub config_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kpi_id: Uuid,
    pub weight: f64,
    pub target: f64,
}

crate::entity::joined_explicitly!();
