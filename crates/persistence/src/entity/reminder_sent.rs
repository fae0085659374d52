//! The `reminders_sent` table.

use domain::UserId;
use sea_orm::entity::prelude::*;

/// One row of `reminders_sent`: a reminder that went out (its kind, whom to, its occasion).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "reminders_sent")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: UserId,
    #[sea_orm(primary_key, auto_increment = false)]
    pub occasion: String,
    pub created_at: DateTimeUtc,
}

crate::entity::joined_explicitly!();
