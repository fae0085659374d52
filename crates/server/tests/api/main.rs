//! Integration tests: the real app on port 0, a fresh database per test, real HTTP.
//!
//! Run on SQLite by default; `COACHING_HUB_TEST_DB=postgres` runs the same tests on PostgreSQL
//! with Redis. `cargo xtask test` runs both.

mod access_tokens;
mod action_items;
mod action_plans;
mod analysts;
mod auth;
mod budgets;
mod cache;
mod calendar;
mod cli;
mod conditional;
mod cors;
mod dashboard;
mod emails;
mod encryption;
mod errors;
mod evaluation_forms;
mod evaluations;
mod exports;
mod faults;
mod governance;
mod health;
mod helpers;
mod limits;
mod live;
mod matrix;
mod metrics;
mod metrics_csv;
mod notifications;
mod openapi;
mod passwords;
mod privacy;
mod quick_notes;
mod reminders;
mod scrape;
mod search;
mod second_factor;
mod session_templates;
mod sessions;
mod spa;
mod sso;
mod teams;
mod telemetry;
mod topology;
mod users;
mod webhooks;
