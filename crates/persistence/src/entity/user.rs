//! The `users` table.

use domain::UserId;
use sea_orm::entity::prelude::*;

/// One row of `users`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: domain::Role,
    pub employee_id: Option<String>,
    pub department: Option<String>,
    pub active: bool,
    pub password_hash: Option<String>,
    pub erased_at: Option<DateTimeUtc>,
    /// Set while the password is a temporary one an admin gave: it must be changed at the next
    /// sign-in, and stops working at this time.
    pub temporary_password_until: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

crate::entity::joined_explicitly!();
