//! RFC 9457 problem details: the one error body every endpoint returns.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A machine-readable error code; clients match on this, never on `title` or `detail`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: the request could not be read.
    BadRequest,
    /// 401: no valid credentials.
    Unauthenticated,
    /// 403: authenticated, but the policy refuses.
    Forbidden,
    /// 404: no such record within the actor's scope.
    NotFound,
    /// 405: the path exists, the method does not.
    MethodNotAllowed,
    /// 409: the record's state or a uniqueness rule forbids this.
    Conflict,
    /// 412: the record changed since the version the client holds.
    PreconditionFailed,
    /// 413: the body is larger than allowed.
    PayloadTooLarge,
    /// 415: the body is not of a type this endpoint reads.
    UnsupportedMediaType,
    /// 422: the body was read but its values are invalid; see `errors`.
    Validation,
    /// 428: a write that needs `If-Match` or `version` came without one.
    PreconditionRequired,
    /// 429: too many requests; see `Retry-After`.
    RateLimited,
    /// 500: a fault on the server; the request id finds it in the logs.
    Internal,
    /// 503: a dependency (database, cache) is unreachable; try again.
    Unavailable,
}

/// An RFC 9457 `application/problem+json` body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI naming the problem type.
    #[serde(rename = "type")]
    pub type_: String,
    /// A short summary of the problem type.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong in this request, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The machine-readable code.
    pub code: ErrorCode,
    /// For 422: field path to messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<BTreeMap<String, Vec<String>>>,
    /// The request id, to quote when reporting a fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl Problem {
    /// A problem with this code and status, titled by the code.
    pub fn new(code: ErrorCode, status: u16, detail: impl Into<Option<String>>) -> Self {
        Self {
            type_: format!("https://coaching-hub.dev/problems/{}", code.slug()),
            title: code.title().to_owned(),
            status,
            detail: detail.into(),
            code,
            errors: None,
            request_id: None,
        }
    }
}

impl ErrorCode {
    /// The code the server answers with this status.
    pub fn for_status(status: u16) -> Option<Self> {
        Some(match status {
            400 => ErrorCode::BadRequest,
            401 => ErrorCode::Unauthenticated,
            403 => ErrorCode::Forbidden,
            404 => ErrorCode::NotFound,
            405 => ErrorCode::MethodNotAllowed,
            409 => ErrorCode::Conflict,
            412 => ErrorCode::PreconditionFailed,
            413 => ErrorCode::PayloadTooLarge,
            415 => ErrorCode::UnsupportedMediaType,
            422 => ErrorCode::Validation,
            428 => ErrorCode::PreconditionRequired,
            429 => ErrorCode::RateLimited,
            500 => ErrorCode::Internal,
            503 => ErrorCode::Unavailable,
            _ => return None,
        })
    }

    /// The short title shown for this code.
    pub fn title(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "Bad request",
            ErrorCode::Unauthenticated => "Not signed in",
            ErrorCode::Forbidden => "Not allowed",
            ErrorCode::NotFound => "Not found",
            ErrorCode::MethodNotAllowed => "Method not allowed",
            ErrorCode::Conflict => "Conflict",
            ErrorCode::PreconditionFailed => "Changed by someone else",
            ErrorCode::PayloadTooLarge => "Request too large",
            ErrorCode::UnsupportedMediaType => "Unsupported media type",
            ErrorCode::Validation => "Invalid input",
            ErrorCode::PreconditionRequired => "Version required",
            ErrorCode::RateLimited => "Too many requests",
            ErrorCode::Internal => "Internal error",
            ErrorCode::Unavailable => "Service unavailable",
        }
    }

    fn slug(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "bad-request",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not-found",
            ErrorCode::MethodNotAllowed => "method-not-allowed",
            ErrorCode::Conflict => "conflict",
            ErrorCode::PreconditionFailed => "precondition-failed",
            ErrorCode::PayloadTooLarge => "payload-too-large",
            ErrorCode::UnsupportedMediaType => "unsupported-media-type",
            ErrorCode::Validation => "validation",
            ErrorCode::PreconditionRequired => "precondition-required",
            ErrorCode::RateLimited => "rate-limited",
            ErrorCode::Internal => "internal",
            ErrorCode::Unavailable => "unavailable",
        }
    }
}
