//! The wire contract shared by the server and the browser client.
//!
//! Invariants: serde and garde only; no IO. Builds for `wasm32-unknown-unknown`. Request types
//! are verb-noun (`CreateUser`), response types are nouns (`User`). OpenAPI schemas derive
//! behind the `openapi` feature, which only the server turns on.

pub mod auth;
pub mod page;
pub mod problem;
pub mod teams;
pub mod users;

pub use auth::{Login, LoginResponse, Me, Refresh, TokenPair};
pub use page::Page;
pub use problem::{ErrorCode, Problem};
pub use teams::{CreateTeam, Team, TeamSummary, UpdateTeam};
pub use users::{CreateUser, UpdateUser, User};
