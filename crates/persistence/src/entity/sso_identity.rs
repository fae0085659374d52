//! The `sso_identities` table.

use domain::UserId;
use sea_orm::entity::prelude::*;

/// One row of `sso_identities`: the single sign-on identity a person is linked to.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "sso_identities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: UserId,
    pub issuer: String,
    pub subject: String,
    pub linked_at: DateTimeUtc,
}

crate::entity::joined_explicitly!();
