//! Reusable pieces of the interface.

pub mod error_banner;
