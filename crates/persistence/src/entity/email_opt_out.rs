//! The `email_opt_outs` table.

use domain::UserId;
use sea_orm::entity::prelude::*;

/// One row of `email_opt_outs`: a person who asked for no email notifications.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "email_opt_outs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: UserId,
    pub created_at: DateTimeUtc,
}

crate::entity::joined_explicitly!();
