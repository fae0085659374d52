//! Coaching Hub's HTTP server: configuration, authentication, handlers, and the CLI.
//!
//! Invariants: the only crate that knows HTTP. Handlers are thin: extract, authenticate
//! (`Actor`), load in scope (404 outside), authorize (`domain::policy`, 403), one repository
//! call, respond. Errors become problem+json in `http/error.rs` and nowhere else.

pub mod app;
pub mod auth;
pub mod cache;
pub mod cli;
pub mod config;
pub mod events;
pub mod http;
pub mod live;
pub mod openapi;
pub mod routes;
pub mod state;
pub mod telemetry;
pub mod views;
pub mod workers;

pub use app::Application;
pub use config::Config;
