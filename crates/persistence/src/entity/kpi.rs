//! The `kpis` table.

use sea_orm::entity::prelude::*;

/// One row of `kpis`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "kpis")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub key: String,
    pub name: String,
    pub description: Option<String>,
    pub unit: String,
    pub direction: domain::scorecard::Direction,
    pub min_value: f64,
    pub max_value: f64,
    pub numerator: Option<String>,
    pub denominator: Option<String>,
    pub active: bool,
    /// Its value is an agent's monthly average evaluation score (one KPI at most).
    pub from_evaluations: bool,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

crate::entity::joined_explicitly!();
