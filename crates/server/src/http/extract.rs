//! Request extractors shared by the handlers: validated JSON, `If-Match`, the client address.

use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::error::PathError;
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};
use futures_util::future::LocalBoxFuture;
use garde::Validate;
use serde::de::DeserializeOwned;

use persistence::idempotency::Idempotency;

use crate::http::error::{ApiError, ApiResult};

/// A JSON body that deserialised and passed its garde rules (422 with field errors otherwise).
#[derive(Debug)]
pub struct Valid<T>(pub T);

impl<T> Valid<T> {
    /// The validated body.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Valid<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> FromRequest for Valid<T>
where
    T: DeserializeOwned + Validate<Context = ()> + 'static,
{
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = req.mime_type().ok().flatten().is_some_and(|mime| {
            mime.subtype() == "json" || mime.suffix().is_some_and(|s| s == "json")
        });
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::UnsupportedMediaType);
            }
            let bytes = bytes.await.map_err(|err| payload_error(&err))?;
            let body: T = parse_json(&bytes)?;
            dto::validate::check(&body)?;
            Ok(Valid(body))
        })
    }
}

/// Deserialises JSON, naming the field at fault: 422 for a wrong value or unknown field, 400 for
/// text that is not JSON at all. A NUL character in any string is a 422 too: PostgreSQL cannot
/// store one, and no field has a use for it.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    if has_nul_escape(bytes)
        && let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes)
    {
        let field = nul_path(&value, String::new()).unwrap_or_else(|| "body".to_owned());
        return Err(ApiError::invalid(field, NUL_MESSAGE));
    }
    let data_error = |path: String, inner: &serde_json::Error| {
        let (field, message) = in_words(&path, &strip_position(&inner.to_string()));
        ApiError::invalid(field, message)
    };
    // JSON Schema counts `15.0` as an integer: a body that may hold one is read as a value and
    // its whole numbers written as integers first (the rest are read directly).
    if may_hold_whole_fraction(bytes)
        && let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(bytes)
    {
        integral_numbers(&mut value);
        return serde_path_to_error::deserialize(value).map_err(|err| {
            let path = err.path().to_string();
            data_error(path, err.inner())
        });
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        if inner.is_data() {
            data_error(path, &inner)
        } else {
            ApiError::BadRequest(format!("the body is not valid JSON: {inner}"))
        }
    })
}

/// Whether JSON text may hold a number written with a fraction of zeros (`15.0`).
fn may_hold_whole_fraction(bytes: &[u8]) -> bool {
    bytes
        .windows(3)
        .any(|w| w[0].is_ascii_digit() && w[1] == b'.' && w[2] == b'0')
}

/// Writes every number of `value` that is whole (`15.0`) as an integer (`15`).
fn integral_numbers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(number) => {
            if let Some(float) = number.as_f64().filter(|_| number.is_f64())
                && float.fract() == 0.0
                && float.abs() < 9.0e15
            {
                // Whole and within f64's exact integers: the cast loses nothing.
                let whole = float as i64;
                *value = serde_json::Value::from(whole);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

const NUL_MESSAGE: &str = "must not contain a NUL character";

/// Whether JSON text writes a NUL character: `\u0000` whose backslash is not itself escaped.
fn has_nul_escape(bytes: &[u8]) -> bool {
    bytes.windows(6).enumerate().any(|(at, window)| {
        window == b"\\u0000"
            && bytes[..at]
                .iter()
                .rev()
                .take_while(|b| **b == b'\\')
                .count()
                % 2
                == 0
    })
}

/// The path of the first string (or key) holding a NUL character.
fn nul_path(value: &serde_json::Value, path: String) -> Option<String> {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        serde_json::Value::String(text) => text.contains('\0').then_some(path),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| nul_path(item, join(&i.to_string()))),
        serde_json::Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            if key.contains('\0') {
                Some(join(key))
            } else {
                nul_path(item, join(key))
            }
        }),
        _ => None,
    }
}

/// A query string that writes a NUL character (`%00`): 422 naming the parameter.
pub fn query_nul(query: &str) -> Option<ApiError> {
    query.split('&').find_map(|pair| {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        (name.contains("%00") || value.contains("%00"))
            .then(|| ApiError::invalid(name.replace("%00", ""), NUL_MESSAGE))
    })
}

/// A query string deserialised and checked by its garde rules: 422 naming the parameter.
#[derive(Debug)]
pub struct ValidQuery<T>(pub T);

impl<T> ValidQuery<T> {
    /// The validated query.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for ValidQuery<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> FromRequest for ValidQuery<T>
where
    T: DeserializeOwned + Validate<Context = ()> + 'static,
{
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        if let Some(err) = query_nul(req.query_string()) {
            return std::future::ready(Err(err));
        }
        let parsed = web::Query::<T>::from_query(req.query_string())
            .map_err(|err| ApiError::invalid("query", err.to_string()))
            .and_then(|query| {
                let query = query.into_inner();
                dto::validate::check(&query)?;
                Ok(ValidQuery(query))
            });
        std::future::ready(parsed)
    }
}

/// A JSON data error as a field and words for people: what the field needs, without Rust types
/// (`invalid type: integer `42`, expected a string` on `email` is "give text"). A missing field
/// is named as the field (serde names it in the message, at its parent's path).
fn in_words(path: &str, message: &str) -> (String, String) {
    let at = |name: &str| match path {
        "." => name.to_owned(),
        parent => format!("{parent}.{name}"),
    };
    let quoted = |text: &str| text.split('`').nth(1).map(str::to_owned);
    let field = if path == "." {
        "body".to_owned()
    } else {
        path.to_owned()
    };
    if let Some(name) = message.strip_prefix("missing field ").and_then(quoted) {
        return (at(&name), "this is required".to_owned());
    }
    if message.starts_with("unknown field ") {
        return (field, "this is not part of this request".to_owned());
    }
    if let Some((_, choices)) = message
        .strip_prefix("unknown variant ")
        .and_then(|rest| rest.split_once(", expected "))
    {
        let choices = choices.trim_start_matches("one of ").replace('`', "");
        return (field, format!("choose one of: {choices}"));
    }
    let expected = message.split_once(", expected ").map_or("", |(_, e)| e);
    let whole = [
        "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "usize", "integer",
    ];
    let words = if whole
        .iter()
        .any(|t| expected.split_whitespace().any(|w| w == *t))
    {
        if message.starts_with("invalid value") {
            "give a whole number within the allowed range"
        } else {
            "give a whole number"
        }
    } else if ["f32", "f64", "a number"]
        .iter()
        .any(|t| expected.contains(t))
    {
        "give a number"
    } else if expected.contains("boolean") {
        "give true or false"
    } else if expected.contains("sequence") {
        "give a list"
    } else if expected.contains("map") || expected.starts_with("struct") {
        "give an object"
    } else if expected.contains("string") || expected.contains("char") {
        "give text"
    } else {
        "this is not in the expected form"
    };
    (field, words.to_owned())
}

fn strip_position(message: &str) -> String {
    message
        .split(" at line ")
        .next()
        .unwrap_or(message)
        .to_owned()
}

/// A raw request body (CSV, or JSON read by hand), read under the route's size limit: past it a
/// problem+json 413, like every other error, never actix's plain text.
#[derive(Debug)]
pub struct Body(pub web::Bytes);

impl Deref for Body {
    type Target = web::Bytes;
    fn deref(&self) -> &web::Bytes {
        &self.0
    }
}

impl FromRequest for Body {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move { Ok(Body(bytes.await.map_err(|err| payload_error(&err))?)) })
    }
}

/// A body read error: over the limit is 413, anything else 400.
fn payload_error(err: &actix_web::Error) -> ApiError {
    if err.as_response_error().status_code() == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge
    } else {
        ApiError::BadRequest("the body could not be read".into())
    }
}

/// How raw bodies are read: the size limit, with 413 past it.
pub fn payload_config(limit: usize) -> web::PayloadConfig {
    web::PayloadConfig::new(limit)
}

/// Path segments that do not parse (a malformed id) name no record: 404.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_err: PathError, _req| ApiError::NotFound.into())
}

/// The version a write is based on, from `If-Match: "3"`.
///
/// An `If-Match` that names no version of ours (empty, `*`, a weak tag such as `W/"3"`, which
/// RFC 9110's strong comparison never matches, or anything else) is not refused here: it stands
/// for [`IfMatch::UNMATCHABLE`], so the write is checked like any other (the record's existence
/// and the caller's sight of it, the body, the policy) and fails its version check last, with 412.
#[derive(Clone, Copy, Debug, Default)]
pub struct IfMatch(pub Option<i32>);

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_if_match(req))
    }
}

fn parse_if_match(req: &HttpRequest) -> ApiResult<IfMatch> {
    let Some(value) = req.headers().get(header::IF_MATCH) else {
        return Ok(IfMatch(None));
    };
    let version = value
        .to_str()
        .ok()
        .and_then(|text| {
            text.trim()
                .strip_prefix('"')?
                .strip_suffix('"')?
                .parse()
                .ok()
        })
        .filter(|version: &i32| *version >= 1)
        .unwrap_or(IfMatch::UNMATCHABLE);
    Ok(IfMatch(Some(version)))
}

impl IfMatch {
    /// A version no record has (they start at 1): what an `If-Match` that names none stands for.
    pub const UNMATCHABLE: i32 = 0;

    /// The version to write against: `If-Match`, else the body's `version`; 428 without either.
    pub fn or_body(self, body: Option<i32>) -> ApiResult<i32> {
        self.0.or(body).ok_or(ApiError::PreconditionRequired)
    }
}

/// `Idempotency-Key`: 1 to 255 visible ASCII characters, when the client sends one.
#[derive(Clone, Debug, Default)]
pub struct IdempotencyKey(pub Option<String>);

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_idempotency_key(req))
    }
}

fn parse_idempotency_key(req: &HttpRequest) -> ApiResult<IdempotencyKey> {
    let Some(value) = req.headers().get("idempotency-key") else {
        return Ok(IdempotencyKey(None));
    };
    match value.to_str() {
        Ok(key) if (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic()) => {
            Ok(IdempotencyKey(Some(key.to_owned())))
        }
        _ => Err(ApiError::invalid(
            "Idempotency-Key",
            "1 to 255 visible ASCII characters",
        )),
    }
}

impl IdempotencyKey {
    /// The key with a digest of what `req` asks (method, path and `body`), for the write.
    pub fn of(&self, req: &HttpRequest, body: &impl serde::Serialize) -> Option<Idempotency> {
        let key = self.0.clone()?;
        let mut request = format!("{} {}\n", req.method(), req.path()).into_bytes();
        // A body that was just deserialised serialises again.
        request.extend(serde_json::to_vec(body).unwrap_or_default());
        let digest = ring::digest::digest(&ring::digest::SHA256, &request);
        let fingerprint = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        Some(Idempotency { key, fingerprint })
    }
}

/// Refuses a partial update that changes nothing (422), so it neither bumps the version nor
/// writes an empty audit entry.
pub fn require_changes(patch: &impl dto::Patch) -> ApiResult<()> {
    if patch.is_empty() {
        Err(ApiError::invalid(
            "body",
            "nothing to change: give at least one field",
        ))
    } else {
        Ok(())
    }
}

/// Adds `Location: path` to a response about a record just created.
pub fn located(mut response: HttpResponse, path: &str) -> HttpResponse {
    let value =
        header::HeaderValue::from_str(path).expect("paths built from ids are valid header values");
    response.headers_mut().insert(header::LOCATION, value);
    response
}

/// A field a step of a record's life needs (a reason to cancel): a 422 naming it when absent.
pub fn required<T>(value: Option<T>, field: &str) -> ApiResult<T> {
    value.ok_or_else(|| ApiError::invalid(field, "is required here"))
}

/// A record answered with its version as a strong `ETag`, so clients can send it back in
/// `If-Match`.
pub fn versioned(status: StatusCode, version: i32, record: &impl serde::Serialize) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(header::ETag(header::EntityTag::new_strong(
            version.to_string(),
        )))
        .json(record)
}

/// A retried create (the same `Idempotency-Key`) answered as it was the first time, marked
/// `Idempotent-Replayed: true`; nothing is published again.
pub fn replayed(version: i32, record: &impl serde::Serialize) -> HttpResponse {
    let mut answer = versioned(StatusCode::CREATED, version, record);
    answer.headers_mut().insert(
        header::HeaderName::from_static("idempotent-replayed"),
        header::HeaderValue::from_static("true"),
    );
    answer
}

/// Publishes the committed change as `event(record)`, then answers like [`versioned`].
pub fn changed<T: serde::Serialize + Clone>(
    app: &crate::state::AppState,
    status: StatusCode,
    version: i32,
    record: T,
    event: fn(Box<T>) -> dto::Event,
) -> HttpResponse {
    let answer = versioned(status, version, &record);
    app.publish(event(Box::new(record)));
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_written_with_a_fraction_read_as_integers() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Body {
            minutes: i32,
            score: f64,
            note: String,
        }
        let body: Body = parse_json(br#"{"minutes": 15.0, "score": 2.5, "note": "1.0"}"#)
            .expect("15.0 is an integer");
        assert_eq!(
            body,
            Body {
                minutes: 15,
                score: 2.5,
                note: "1.0".into()
            }
        );
        let half = parse_json::<Body>(br#"{"minutes": 15.5, "score": 1, "note": ""}"#);
        assert!(
            matches!(half, Err(ApiError::Validation(errors)) if errors.contains_key("minutes"))
        );
    }

    #[test]
    fn nul_characters_are_found_where_json_writes_them() {
        assert!(has_nul_escape(br#"{"a":"x\u0000"}"#));
        assert!(
            !has_nul_escape(br#"{"a":"x\\u0000"}"#),
            "an escaped backslash"
        );
        assert!(has_nul_escape(br#"{"a":"x\\\u0000"}"#));
        let err = parse_json::<serde_json::Value>(br#"{"a":[{"b":"\u0000"}]}"#);
        assert!(matches!(err, Err(ApiError::Validation(errors)) if errors.contains_key("a.0.b")));
        assert!(query_nul("q=abc%00&limit=2").is_some());
        assert!(query_nul("q=abc&limit=2").is_none());
    }
}
