//! One module per page.

pub mod agent;
pub mod agents;
pub mod home;
pub mod items;
pub mod login;
pub mod not_found;
pub mod notes;
pub mod plan;
pub mod session;
pub mod sessions;
