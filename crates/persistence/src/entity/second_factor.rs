//! The `second_factors` table.

use domain::UserId;
use sea_orm::entity::prelude::*;

use crate::sealed::{Sealed, columns};

/// One row of `second_factors`: a person's TOTP secret, confirmed or still being enrolled.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "second_factors")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: UserId,
    /// The TOTP secret, sealed like personal text.
    pub secret: Sealed<columns::TotpSecret>,
    pub confirmed_at: Option<DateTimeUtc>,
    pub last_step: Option<i64>,
    pub created_at: DateTimeUtc,
}

/// No relations are declared; repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

crate::sealed::bind_sealed!(key: user_id, sealed: [secret], optional: [], on save);
