//! Reusable pieces of the interface: components take signals and callbacks, not globals.

pub mod chart;
pub mod conflict;
pub mod copy;
pub mod error_banner;
pub mod field;
pub mod narrowing;
pub mod notifications;
pub mod password;
pub mod quick_note;
pub mod search;
pub mod second_factor;
pub mod shell;
