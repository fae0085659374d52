//! What only HTTP knows: the problem+json errors, request extractors, security headers and CORS,
//! conditional GETs, rate limits, the client's address, request instruments, and the browser app.

pub mod client_address;
pub mod conditional;
pub mod error;
pub mod extract;
pub mod headers;
pub mod instruments;
pub mod rate_limit;
pub mod spa;
