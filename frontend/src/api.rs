//! The HTTP client: the only code that knows URLs, headers and the CSRF cookie.
//!
//! Every call goes through [`call`]: JSON in and out, the CSRF header on writes, `If-Match` when a
//! version is given, and one silent refresh of the session when the access cookie has expired
//! (the request is then sent again).

use futures::future::LocalBoxFuture;
use gloo_net::http::{Method, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use web_sys::RequestCredentials;

mod endpoints;
mod load;
mod paged;
mod submit;

pub use endpoints::*;
pub use load::{Reply, Status, load, status};
pub use paged::{ShowMore, paged};
pub use submit::{Submit, submit};

/// Why a call failed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Error {
    /// The server could not be reached.
    #[error("The server cannot be reached. Check your connection and try again.")]
    Network(String),
    /// The server answered with a problem.
    #[error("{}", .problem.detail.clone().unwrap_or_else(|| .problem.title.clone()))]
    Problem {
        /// The RFC 9457 body.
        problem: dto::Problem,
        /// Seconds to wait, from `Retry-After`.
        retry_after: Option<u64>,
    },
    /// The answer was not what the contract says (the detail is for developers, not shown).
    #[error("The server's answer could not be read. Reload the page and try again.")]
    Decode(String),
}

impl Error {
    /// The machine-readable code of a problem.
    pub fn code(&self) -> Option<dto::ErrorCode> {
        match self {
            Error::Problem { problem, .. } => Some(problem.code),
            _ => None,
        }
    }

    /// Whether the caller must sign in (again).
    pub fn is_unauthenticated(&self) -> bool {
        self.code() == Some(dto::ErrorCode::Unauthenticated)
    }

    /// Whether someone else changed the record first (412).
    pub fn is_stale(&self) -> bool {
        self.code() == Some(dto::ErrorCode::PreconditionFailed)
    }

    /// The messages for one field of a 422 (or a 409 naming its field), joined.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            Error::Problem { problem, .. } => problem
                .errors
                .as_ref()?
                .get(name)
                .map(|messages| messages.join("; ")),
            _ => None,
        }
    }

    /// The fields a 422 names.
    pub fn fields(&self) -> Vec<String> {
        match self {
            Error::Problem { problem, .. } => problem
                .errors
                .as_ref()
                .map(|errors| errors.keys().cloned().collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// The problem's title, for the heading of a banner.
    pub fn title(&self) -> String {
        match self {
            Error::Problem { problem, .. } => problem.title.clone(),
            Error::Network(_) => "Offline".to_owned(),
            Error::Decode(_) => "Something went wrong".to_owned(),
        }
    }

    /// The seconds a rate-limited caller must wait.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Error::Problem { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// The CSRF token the server set in a readable cookie, echoed on every write.
fn csrf_token() -> Option<String> {
    let document = web_sys::window()?
        .document()?
        .dyn_into::<web_sys::HtmlDocument>()
        .ok()?;
    let cookies = document.cookie().ok()?;
    cookies
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == "ch_csrf")
        .map(|(_, value)| value.to_owned())
}

/// What a write asks of the server besides its body: the version it expects (`If-Match`), a
/// key the server remembers so that a repeat returns the first answer and writes nothing
/// (`Idempotency-Key`), or to run in the background (`Prefer: respond-async`).
#[derive(Clone, Debug)]
enum Guard {
    Version(i32),
    Key(String),
    RespondAsync,
}

/// A request's body: its media type and text.
#[derive(Clone, Debug)]
struct Body {
    media_type: &'static str,
    text: String,
}

async fn send(
    method: &Method,
    path: &str,
    body: Option<&Body>,
    guard: Option<&Guard>,
) -> Result<Response, Error> {
    let mut builder = RequestBuilder::new(path)
        .method(method.clone())
        .credentials(RequestCredentials::SameOrigin)
        .header("Accept", "application/json");
    if *method != Method::GET
        && let Some(token) = csrf_token()
    {
        builder = builder.header("X-CSRF-Token", &token);
    }
    match guard {
        Some(Guard::Version(version)) => {
            builder = builder.header("If-Match", &format!("\"{version}\""));
        }
        Some(Guard::Key(key)) => builder = builder.header("Idempotency-Key", key),
        Some(Guard::RespondAsync) => builder = builder.header("Prefer", "respond-async"),
        None => {}
    }
    let request = match body {
        Some(body) => builder
            .header("Content-Type", body.media_type)
            .body(body.text.clone()),
        None => builder.build(),
    }
    .map_err(|err| Error::Decode(err.to_string()))?;
    request
        .send()
        .await
        .map_err(|err| Error::Network(err.to_string()))
}

/// Sends a request and reads its JSON answer; on 401 refreshes the session once and retries.
pub async fn call<T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<&(impl Serialize + ?Sized)>,
    if_match: Option<i32>,
) -> Result<T, Error> {
    guarded(method, path, body, if_match.map(Guard::Version)).await
}

/// A POST that may be sent again with the same `key` (after a lost answer, or from the offline
/// outbox): the server writes it once.
pub async fn post_once<T: DeserializeOwned>(
    path: &str,
    body: &(impl Serialize + ?Sized),
    key: String,
) -> Result<T, Error> {
    guarded(Method::POST, path, Some(body), Some(Guard::Key(key))).await
}

async fn guarded<T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<&(impl Serialize + ?Sized)>,
    guard: Option<Guard>,
) -> Result<T, Error> {
    let body = body
        .map(encode_json)
        .transpose()
        .map_err(Error::Decode)?
        .map(|text| Body {
            media_type: "application/json",
            text,
        });
    let text = exchange(method, path, body, guard).await?;
    decode(&text).map_err(Error::Decode)
}

/// Sends a CSV file to be imported in the background (`Prefer: respond-async`): the job to
/// follow, or the file's bad rows as a 422 naming each line.
pub async fn import_csv(text: String) -> Result<dto::ImportJob, Error> {
    let body = Body {
        media_type: "text/csv",
        text,
    };
    let answer = exchange(
        Method::POST,
        "/api/v1/metrics/import",
        Some(body),
        Some(Guard::RespondAsync),
    );
    decode(&answer.await?).map_err(Error::Decode)
}

/// Writes JSON with the browser's serializer (see [`decode`]); `None` is written as `null`.
/// The error says what could not be written.
pub fn encode_json(value: &(impl Serialize + ?Sized)) -> Result<String, String> {
    let value = value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|err| err.to_string())?;
    js_sys::JSON::stringify(&value)
        .ok()
        .and_then(|text| text.as_string())
        .ok_or_else(|| "not JSON".to_owned())
}

/// Reads JSON with the browser's parser, then into the typed value: the bundle then carries no
/// JSON parser of its own, and each type's decoding code is a third the size.
/// The error says what did not read.
pub fn decode<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let value = if text.is_empty() {
        wasm_bindgen::JsValue::NULL
    } else {
        js_sys::JSON::parse(text).map_err(|_| "not JSON".to_owned())?
    };
    serde_wasm_bindgen::from_value(value).map_err(|err| err.to_string())
}

/// The untyped part of [`call`]: the answer's body, or the problem. Boxed, so that its code
/// exists once rather than inside every typed call.
fn exchange(
    method: Method,
    path: &str,
    body: Option<Body>,
    guard: Option<Guard>,
) -> LocalBoxFuture<'_, Result<String, Error>> {
    Box::pin(async move {
        let mut response = send(&method, path, body.as_ref(), guard.as_ref()).await?;
        if response.status() == 401 && !path.starts_with("/api/v1/auth/") && refresh().await {
            response = send(&method, path, body.as_ref(), guard.as_ref()).await?;
        }
        read(response).await
    })
}

/// Rotates the session's refresh cookie; whether a new access cookie was set.
async fn refresh() -> bool {
    send(&Method::POST, "/api/v1/auth/refresh", None, None)
        .await
        .is_ok_and(|response| response.ok())
}

async fn read(response: Response) -> Result<String, Error> {
    if response.ok() {
        response
            .text()
            .await
            .map_err(|err| Error::Network(err.to_string()))
    } else {
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.parse().ok());
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        match decode::<dto::Problem>(&text) {
            Ok(problem) => Err(Error::Problem {
                problem,
                retry_after,
            }),
            Err(err) => Err(Error::Decode(format!("status {status}: {err}"))),
        }
    }
}

pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, Error> {
    call(Method::GET, path, None::<&()>, None).await
}

/// `path` with `query` as its query string (a `None` field is left out). The query types
/// (`dto::query`) are flat, and flat types always encode.
pub fn href(path: &str, query: &impl Serialize) -> String {
    match serde_urlencoded::to_string(query) {
        Ok(query) if !query.is_empty() => format!("{path}?{query}"),
        _ => path.to_owned(),
    }
}
