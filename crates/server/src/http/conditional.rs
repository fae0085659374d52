//! Conditional GETs: every JSON answer to a GET under `/api` carries an `ETag` (the record's
//! version where the handler set one, else a weak tag hashed from the body), and a client that
//! sends it back in `If-None-Match` gets `304 Not Modified` without the body.
//!
//! The answer is still computed: what is saved is the transfer and the client's parsing, and the
//! client learns cheaply that what it shows is current. Streams (server-sent events, CSV exports)
//! are passed through untouched.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;

/// The middleware (`actix_web::middleware::from_fn`).
pub async fn conditional_get(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let candidate = req.method() == Method::GET && req.path().starts_with("/api/");
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).cloned();
    let res = next.call(req).await?;
    let json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !candidate || res.status() != StatusCode::OK || !json {
        return Ok(res.map_into_boxed_body());
    }
    let (req, res) = res.into_parts();
    let (mut head, body) = res.into_parts();
    let bytes = actix_web::body::to_bytes(body)
        .await
        .map_err(|err| actix_web::error::ErrorInternalServerError(err.into().to_string()))?;
    let etag = match head.headers().get(header::ETAG) {
        Some(etag) => etag.clone(),
        None => {
            let digest = ring::digest::digest(&ring::digest::SHA256, &bytes);
            let tag: String = digest.as_ref()[..12]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let etag = HeaderValue::from_str(&format!("W/\"{tag}\""))
                .map_err(actix_web::error::ErrorInternalServerError)?;
            head.headers_mut().insert(header::ETAG, etag.clone());
            etag
        }
    };
    let body = if if_none_match.is_some_and(|tags| matches(&tags, &etag)) {
        *head.status_mut() = StatusCode::NOT_MODIFIED;
        head.headers_mut().remove(header::CONTENT_TYPE);
        BoxBody::new(())
    } else {
        BoxBody::new(bytes)
    };
    Ok(ServiceResponse::new(req, head.set_body(body)))
}

/// Whether `If-None-Match` names `etag` (weak comparison, as for a GET; `*` matches anything).
fn matches(if_none_match: &HeaderValue, etag: &HeaderValue) -> bool {
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    let (Ok(tags), Ok(etag)) = (if_none_match.to_str(), etag.to_str()) else {
        return false;
    };
    let etag = opaque(etag);
    tags.split(',')
        .any(|tag| tag.trim() == "*" || opaque(tag) == etag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_compares_weakly_and_takes_lists_and_star() {
        let tag = |s: &'static str| HeaderValue::from_static(s);
        assert!(matches(&tag("\"3\""), &tag("\"3\"")));
        assert!(matches(&tag("W/\"3\""), &tag("\"3\"")));
        assert!(matches(&tag("\"1\", W/\"ab\""), &tag("W/\"ab\"")));
        assert!(matches(&tag("*"), &tag("\"7\"")));
        assert!(!matches(&tag("\"2\""), &tag("\"3\"")));
        assert!(!matches(&tag("\"ab\""), &tag("W/\"abc\"")));
    }
}
