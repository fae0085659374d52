//! The `second_factor_roles` table.

use sea_orm::entity::prelude::*;

/// One row of `second_factor_roles`: people of this role sign in with a second factor.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "second_factor_roles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub role: domain::Role,
    pub created_at: DateTimeUtc,
}

crate::entity::joined_explicitly!();
