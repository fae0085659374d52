//! Coaching Hub's storage: entities, one repository module per aggregate, transactions.
//!
//! Invariants: the only crate that knows SQL; knows nothing of HTTP. Visibility ("may this actor
//! see this row at all") is part of every list query, so no list, search or export can leak by
//! forgetting a check. Every write is one transaction; optimistic concurrency is
//! `UPDATE ... WHERE id = ? AND version = ?`.

pub mod access_tokens;
pub mod action_items;
pub mod action_plans;
pub mod audit;
pub mod auth_sessions;
pub mod calendar_feeds;
pub mod caller;
pub mod dashboard;
pub mod db;
pub mod demo;
pub mod emails;
pub mod entity;
pub mod error;
pub mod evaluation_forms;
pub mod evaluations;
pub mod governance;
pub mod idempotency;
pub mod metrics;
pub mod notifications;
pub mod pagination;
pub mod password_links;
pub mod privacy;
pub mod quick_notes;
pub mod reference;
pub mod reminders;
pub mod rotation;
pub mod scope;
pub mod sealed;
pub mod search;
pub mod search_index;
pub mod second_factors;
pub mod session_templates;
pub mod sessions;
pub mod sign_in_challenges;
pub mod sso_identities;
pub mod statements;
pub mod teams;
pub mod users;
pub mod versioned;
pub mod webhooks;

pub use caller::Caller;
pub use db::{Backend, Db, DbOptions};
pub use error::StoreError;
pub use pagination::{Cursor, PageRequest};
