//! One module per page.

pub mod account;
pub mod action_plan;
pub mod admin;
pub mod agent;
pub mod agents;
pub mod announcements;
pub mod audit;
pub mod evaluation;
pub mod home;
pub mod import;
pub mod items;
pub mod login;
pub mod not_found;
pub mod notes;
pub mod overview;
pub mod people;
pub mod plan_session;
pub mod plans;
pub mod scorecard;
pub mod session;
pub mod sessions;
pub mod teams;
pub mod templates;
pub mod webhooks;
