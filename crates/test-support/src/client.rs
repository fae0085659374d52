//! What tests assert on: an answer read whole ([`Response`]), and [`Call`] to send a request and
//! read its answer in one step.
//!
//! `request.call().await.ok(201)` asserts the status and returns the JSON body;
//! `request.call().await.problem(404)` asserts an RFC 9457 problem with that status and returns
//! it. A failed assertion names the URL and shows the body.

use std::marker::PhantomData;

use reqwest::header::HeaderMap;
use reqwest::{RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// An answer, read whole; `T` is what a success decodes to.
#[derive(Debug)]
pub struct Response<T = Value> {
    status: StatusCode,
    headers: HeaderMap,
    url: String,
    body: Vec<u8>,
    kind: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> Response<T> {
    /// Reads an answer.
    pub async fn read(response: reqwest::Response) -> Self {
        let status = response.status();
        let headers = response.headers().clone();
        let url = response.url().to_string();
        let body = response.bytes().await.expect("the body arrives").to_vec();
        Response {
            status,
            headers,
            url,
            body,
            kind: PhantomData,
        }
    }

    /// The status code.
    pub fn status(&self) -> u16 {
        self.status.as_u16()
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// A header's value, when present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as it came.
    pub fn bytes(&self) -> &[u8] {
        &self.body
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Asserts a success (2xx) and decodes the body.
    pub fn good(self) -> T {
        assert!(
            self.status.is_success(),
            "status of {}: {} {}",
            self.url,
            self.status,
            self.text()
        );
        self.decode()
    }

    /// Asserts exactly `status` and decodes the body.
    pub fn ok(self, status: u16) -> T {
        assert_eq!(
            self.status.as_u16(),
            status,
            "status of {}: {}",
            self.url,
            self.text()
        );
        self.decode()
    }

    /// Asserts an `application/problem+json` answer with `status` (and a matching `status`
    /// member and an absolute `type`); returns the problem.
    pub fn problem(self, status: u16) -> Value {
        assert_eq!(self.status.as_u16(), status, "status of {}", self.url);
        assert_eq!(
            self.header("content-type").unwrap_or_default(),
            "application/problem+json",
            "content type"
        );
        let body: Value = serde_json::from_slice(&self.body).expect("a JSON problem");
        assert_eq!(body["status"], status, "problem status");
        assert!(
            body["type"]
                .as_str()
                .is_some_and(|t| t.starts_with("https://")),
            "problem type"
        );
        body
    }

    fn decode(self) -> T {
        // An empty body (204) decodes as JSON null where `T` allows it.
        let body: &[u8] = if self.body.is_empty() {
            b"null"
        } else {
            &self.body
        };
        serde_json::from_slice(body).unwrap_or_else(|err| {
            panic!(
                "the body of {} is not what was expected: {err}: {}",
                self.url,
                self.text()
            )
        })
    }
}

/// Sending a request and reading its answer.
pub trait Call {
    /// Sends and reads the answer, as JSON on success.
    fn call(self) -> impl std::future::Future<Output = Response> + Send;
    /// Sends and reads the answer, as `T` on success.
    fn call_as<T: DeserializeOwned>(self) -> impl std::future::Future<Output = Response<T>> + Send;
}

impl Call for RequestBuilder {
    async fn call(self) -> Response {
        self.call_as().await
    }

    async fn call_as<T: DeserializeOwned>(self) -> Response<T> {
        Response::read(self.send().await.expect("the app answers")).await
    }
}

/// An answer, however it was obtained: read whole when it is not yet.
pub trait IntoResponse {
    /// The answer, read.
    fn into_response(self) -> impl std::future::Future<Output = Response> + Send;
}

impl IntoResponse for reqwest::Response {
    async fn into_response(self) -> Response {
        Response::read(self).await
    }
}

impl IntoResponse for Response {
    async fn into_response(self) -> Response {
        self
    }
}
