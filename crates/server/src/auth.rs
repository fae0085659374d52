//! Authentication: passwords, access tokens, refresh tokens, cookies, and the `Actor` extractor.

pub mod actor;
pub mod cookies;
pub mod jwt;
pub mod password;
pub mod password_links;
pub mod second_factor;
pub mod sign_in;
pub mod sso;
pub mod tokens;

pub use actor::{Actor, TokenGrants};
