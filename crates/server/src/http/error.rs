//! `ApiError`: every way a request can fail, mapped to RFC 9457 problem+json in one place.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use dto::{ErrorCode, Problem};
use persistence::StoreError;
use persistence::pagination::PageError;

/// The result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;

/// A failed request. Each variant's doc names its status.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request could not be read.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// 401: missing, expired or revoked credentials.
    #[error("unauthenticated: {0}")]
    Unauthenticated(&'static str),
    /// 403: the policy refuses.
    #[error("forbidden")]
    Forbidden(#[from] domain::Denied),
    /// 403: the personal access token in use lacks the scope, or the request is a signed-in
    /// person's alone.
    #[error("insufficient scope: {0}")]
    InsufficientScope(&'static str),
    /// 403: a cookie-authenticated write without the matching CSRF token.
    #[error("csrf token missing or wrong")]
    CsrfRejected,
    /// 404: no such record in the actor's scope.
    #[error("not found")]
    NotFound,
    /// 405: the path exists, the method does not.
    #[error("method not allowed")]
    MethodNotAllowed {
        /// The methods the path has, for the `Allow` header.
        allow: String,
    },
    /// 409: a state or uniqueness rule forbids the write.
    #[error("conflict: {message}")]
    Conflict {
        /// The field at fault, when known.
        field: Option<&'static str>,
        /// What collided.
        message: String,
    },
    /// 412: the record changed since the client's version.
    #[error("stale version")]
    Stale,
    /// 413: the body is too large.
    #[error("payload too large")]
    PayloadTooLarge,
    /// 415: the body is not JSON.
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// 422: invalid values; field path to messages.
    #[error("validation failed")]
    Validation(BTreeMap<String, Vec<String>>),
    /// 428: a write needs `If-Match` or `version`.
    #[error("version required")]
    PreconditionRequired,
    /// 429: rate limited; retry after this many seconds.
    #[error("rate limited")]
    RateLimited {
        /// Seconds until a retry may succeed.
        retry_after: u64,
    },
    /// 503: the database or cache cannot be reached.
    #[error("service unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// 500: a fault; logged with its cause chain, never sent.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    /// A 422 with one field error.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Validation(BTreeMap::from([(field.into(), vec![message.into()])]))
    }

    /// Field errors from (field, message) pairs, grouped by field.
    pub fn fields(errors: Vec<(String, String)>) -> Self {
        let mut grouped: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (field, message) in errors {
            grouped.entry(field).or_default().push(message);
        }
        ApiError::Validation(grouped)
    }

    /// A 500 from any error.
    pub fn internal(err: impl std::error::Error + Send + Sync + 'static) -> Self {
        ApiError::Internal(Box::new(err))
    }

    fn code(&self) -> ErrorCode {
        match self {
            ApiError::BadRequest(_) => ErrorCode::BadRequest,
            ApiError::Unauthenticated(_) => ErrorCode::Unauthenticated,
            ApiError::Forbidden(_) | ApiError::InsufficientScope(_) | ApiError::CsrfRejected => {
                ErrorCode::Forbidden
            }
            ApiError::NotFound => ErrorCode::NotFound,
            ApiError::MethodNotAllowed { .. } => ErrorCode::MethodNotAllowed,
            ApiError::Conflict { .. } => ErrorCode::Conflict,
            ApiError::Stale => ErrorCode::PreconditionFailed,
            ApiError::PayloadTooLarge => ErrorCode::PayloadTooLarge,
            ApiError::UnsupportedMediaType => ErrorCode::UnsupportedMediaType,
            ApiError::Validation(_) => ErrorCode::Validation,
            ApiError::PreconditionRequired => ErrorCode::PreconditionRequired,
            ApiError::RateLimited { .. } => ErrorCode::RateLimited,
            ApiError::Unavailable(_) => ErrorCode::Unavailable,
            ApiError::Internal(_) => ErrorCode::Internal,
        }
    }

    fn detail(&self) -> Option<String> {
        match self {
            ApiError::BadRequest(detail) => Some(detail.clone()),
            ApiError::Unauthenticated(detail) | ApiError::InsufficientScope(detail) => {
                Some((*detail).to_owned())
            }
            ApiError::Conflict { message, .. } => Some(message.clone()),
            ApiError::Stale => Some("reload the record and apply your change again".into()),
            ApiError::PreconditionRequired => {
                Some("send If-Match with the record's ETag, or its `version`".into())
            }
            ApiError::RateLimited { retry_after } => Some(format!("try again in {retry_after} s")),
            ApiError::Validation(_) => Some("see `errors` for each field".into()),
            ApiError::CsrfRejected => {
                Some("send the ch_csrf cookie's value in X-CSRF-Token".into())
            }
            _ => None,
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::InsufficientScope(_) | ApiError::CsrfRejected => {
                StatusCode::FORBIDDEN
            }
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::Stale => StatusCode::PRECONDITION_FAILED,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if self.status_code().is_server_error() {
            let chain = error_chain(self);
            tracing::error!(error.chain = %chain, "request failed");
        }
        self.problem_response(None)
    }
}

impl ApiError {
    /// The problem+json response, quoting the request id the logs carry when it is known.
    pub fn problem_response(&self, request_id: Option<String>) -> HttpResponse {
        let status = self.status_code();
        let mut problem = Problem::new(self.code(), status.as_u16(), self.detail());
        problem.request_id = request_id;
        match self {
            ApiError::Validation(errors) => problem.errors = Some(errors.clone()),
            ApiError::Conflict {
                field: Some(field),
                message,
            } => {
                problem.errors = Some(BTreeMap::from([(
                    (*field).to_owned(),
                    vec![message.clone()],
                )]))
            }
            _ => {}
        }
        let mut response = HttpResponse::build(status);
        response.content_type("application/problem+json");
        match self {
            ApiError::RateLimited { retry_after } => {
                response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
            }
            ApiError::Unauthenticated(_) => {
                response
                    .insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
            }
            ApiError::InsufficientScope(_) => {
                // RFC 6750 §3.1.
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer error=\"insufficient_scope\""),
                ));
            }
            ApiError::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, "5"));
            }
            ApiError::MethodNotAllowed { allow } => {
                response.insert_header((header::ALLOW, allow.as_str()));
            }
            _ => {}
        }
        response.json(problem)
    }
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut chain = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        chain.push_str(": ");
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    chain
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::Conflict { field, message } => ApiError::Conflict { field, message },
            StoreError::Invalid { field, message } => ApiError::invalid(field, message),
            StoreError::InvalidFields(errors) => ApiError::fields(errors),
            StoreError::Transition(err) => ApiError::Conflict {
                field: None,
                message: err.to_string(),
            },
            StoreError::Denied(denied) => ApiError::Forbidden(denied),
            StoreError::Stale => ApiError::Stale,
            StoreError::VersionRequired => ApiError::PreconditionRequired,
            StoreError::Unavailable(source) => ApiError::Unavailable(Box::new(source)),
            StoreError::Sealing(source) => ApiError::internal(source),
            StoreError::Other(source) => ApiError::internal(source),
        }
    }
}

impl From<garde::Report> for ApiError {
    fn from(report: garde::Report) -> Self {
        let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (path, error) in report.iter() {
            let field = match path.to_string() {
                path if path.is_empty() => "body".to_owned(),
                path => path,
            };
            errors
                .entry(field)
                .or_default()
                .push(error.message().to_string());
        }
        ApiError::Validation(errors)
    }
}

impl From<PageError> for ApiError {
    fn from(err: PageError) -> Self {
        let field = match err {
            PageError::Limit => "limit",
            PageError::Cursor => "cursor",
        };
        ApiError::invalid(field, err.to_string())
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(err: actix_web::error::BlockingError) -> Self {
        ApiError::internal(err)
    }
}

impl From<crate::auth::sso::SsoError> for ApiError {
    fn from(err: crate::auth::sso::SsoError) -> Self {
        use crate::auth::sso::SsoError;
        // The reason is logged for whoever runs the server; the person is told what to do.
        tracing::warn!(error = %err, "single sign-on refused");
        match err {
            SsoError::Flow => ApiError::Unauthenticated(
                "the sign-in did not begin in this browser, or took too long; start it again",
            ),
            SsoError::Refused(_) | SsoError::IdToken(_) | SsoError::UnknownKey => {
                ApiError::Unauthenticated(
                    "the sign-in provider's answer could not be verified; start the sign-in again",
                )
            }
            SsoError::Unreachable(_) | SsoError::Discovery { .. } => {
                ApiError::Unavailable(Box::new(err))
            }
        }
    }
}
