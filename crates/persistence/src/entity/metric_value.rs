//! The `metric_values` table.

use sea_orm::entity::prelude::*;

/// One row of `metric_values`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "metric_values")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub metric_month_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kpi_id: Uuid,
    pub value: f64,
}

crate::entity::joined_explicitly!();
