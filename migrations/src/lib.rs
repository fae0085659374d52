//! The whole schema, as migrations that run unchanged on SQLite and PostgreSQL.
//!
//! Invariants: a migration is never edited once applied; no seed data lives here; every table
//! that people edit has `version`, `created_at` and `updated_at`; enumerations are `CHECK`ed
//! strings so both databases refuse what the code would never write.

pub use sea_orm_migration::prelude::*;

mod columns;
mod m20261127_000001_create_people;
mod m20261127_000002_create_auth;
mod m20261127_000003_create_performance;
mod m20261127_000004_create_coaching;
mod m20261127_000005_create_governance;
pub mod m20261127_000006_create_search;
mod m20261203_000007_store_search_vectors;
mod m20261203_000008_create_idempotency_keys;
mod m20261203_000009_create_access_tokens;
mod m20261203_000010_create_second_factors;
mod m20261204_000011_seal_personal_text;
mod m20261204_000012_redactable_audit;
mod m20261204_000013_create_sso_identities;
mod m20261205_000014_create_calendar_feeds;
mod m20261205_000015_create_session_templates;
mod m20261205_000016_create_webhooks;
mod m20261205_000017_email_notifications;
mod m20261206_000018_create_sign_in_challenges;
mod m20261206_000019_salt_audit_addresses;
mod m20261206_000020_seal_totp_secrets;
mod m20261207_000021_password_links;
mod m20261207_000022_reminders;
mod m20261207_000023_evaluation_forms;
mod m20261207_000024_quality_analysts;
mod m20261207_000025_evaluations;
mod m20261207_000026_quality_kpi;

/// Runs the migrations in order.
#[derive(Debug)]
pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_create_people::Migration),
            Box::new(m20261127_000002_create_auth::Migration),
            Box::new(m20261127_000003_create_performance::Migration),
            Box::new(m20261127_000004_create_coaching::Migration),
            Box::new(m20261127_000005_create_governance::Migration),
            Box::new(m20261127_000006_create_search::Migration),
            Box::new(m20261203_000007_store_search_vectors::Migration),
            Box::new(m20261203_000008_create_idempotency_keys::Migration),
            Box::new(m20261203_000009_create_access_tokens::Migration),
            Box::new(m20261203_000010_create_second_factors::Migration),
            Box::new(m20261204_000011_seal_personal_text::Migration),
            Box::new(m20261204_000012_redactable_audit::Migration),
            Box::new(m20261204_000013_create_sso_identities::Migration),
            Box::new(m20261205_000014_create_calendar_feeds::Migration),
            Box::new(m20261205_000015_create_session_templates::Migration),
            Box::new(m20261205_000016_create_webhooks::Migration),
            Box::new(m20261205_000017_email_notifications::Migration),
            Box::new(m20261206_000018_create_sign_in_challenges::Migration),
            Box::new(m20261206_000019_salt_audit_addresses::Migration),
            Box::new(m20261206_000020_seal_totp_secrets::Migration),
            Box::new(m20261207_000021_password_links::Migration),
            Box::new(m20261207_000022_reminders::Migration),
            Box::new(m20261207_000023_evaluation_forms::Migration),
            Box::new(m20261207_000024_quality_analysts::Migration),
            Box::new(m20261207_000025_evaluations::Migration),
            Box::new(m20261207_000026_quality_kpi::Migration),
        ]
    }
}
