//! The `notifications` table.

use domain::UserId;
use sea_orm::entity::prelude::*;

/// One row of `notifications`: something that happened to a person, until they read it.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Who is told.
    pub user_id: UserId,
    /// A `domain::NotificationKind`.
    pub kind: String,
    pub title: String,
    pub body: Option<String>,
    /// The record it is about: `{"type": "...", "id": "..."}`.
    pub data: Option<Json>,
    pub read_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// Its email: none yet, `sent`, `skipped` (the person asked for none, or cannot get it) or
    /// `failed` (after every attempt).
    pub email_state: Option<String>,
    /// Attempts at its email so far.
    pub email_attempts: i32,
    /// When its email is next tried (a claimed one: when the claim lapses).
    pub email_next_at: Option<DateTimeUtc>,
}

crate::entity::joined_explicitly!();
