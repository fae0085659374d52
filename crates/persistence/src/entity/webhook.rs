//! The `webhooks` table.

use sea_orm::entity::prelude::*;

use crate::sealed::{Sealed, columns};

/// One row of `webhooks`: an endpoint an admin registered.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "webhooks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub url: String,
    pub description: String,
    /// A JSON array of event types (`session_changed`, ...).
    pub events: Json,
    /// The signing secret (`whsec_` and base64), sealed at rest; never logged or audited.
    pub secret: Sealed<columns::WebhookSecret>,
    pub enabled: bool,
    /// The last audit entry turned into deliveries.
    pub cursor: i64,
    /// Since when every attempt has failed.
    pub failing_since: Option<DateTimeUtc>,
    /// When it was turned off after a day of failures.
    pub disabled_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No relations are declared; repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

crate::sealed::bind_sealed!(key: id, sealed: [secret], optional: [], on save);
