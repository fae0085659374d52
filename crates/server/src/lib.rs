//! Coaching Hub's HTTP server: configuration, authentication, handlers, and the CLI.
//!
//! Invariants: the only crate that knows HTTP. Handlers are thin: extract, authenticate
//! (`Actor`), load in scope (404 outside), authorize (`domain::policy`, 403), one repository
//! call, respond. Errors become problem+json in `error.rs` and nowhere else.

pub mod app;
pub mod auth;
pub mod cache;
pub mod cli;
pub mod client_address;
pub mod conditional;
pub mod config;
pub mod dashboard;
pub mod error;
pub mod events;
pub mod every;
pub mod extract;
pub mod headers;
pub mod instruments;
pub mod jobs;
pub mod live;
pub mod mailer;
pub mod metrics_csv;
pub mod openapi;
pub mod rate_limit;
pub mod reminders;
pub mod retention;
pub mod routes;
pub mod scorecards;
pub mod spa;
pub mod spreadsheet;
pub mod state;
pub mod telemetry;
pub mod webhooks;
pub mod wire;

pub use app::Application;
pub use config::Config;
