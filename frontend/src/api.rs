//! The HTTP client: the only code that knows URLs, headers and the CSRF cookie.

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use web_sys::RequestCredentials;

/// Why a call failed.
#[derive(Clone, Debug, thiserror::Error)]
pub enum Error {
    /// The server could not be reached.
    #[error("cannot reach the server: {0}")]
    Network(String),
    /// The server answered with a problem.
    #[error("{}", .0.detail.clone().unwrap_or_else(|| .0.title.clone()))]
    Problem(dto::Problem),
    /// The answer was not what the contract says.
    #[error("unexpected answer from the server: {0}")]
    Decode(String),
}

impl Error {
    /// Whether the caller must sign in (again).
    pub fn is_unauthenticated(&self) -> bool {
        matches!(self, Error::Problem(problem) if problem.code == dto::ErrorCode::Unauthenticated)
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

fn write(builder: RequestBuilder) -> RequestBuilder {
    let builder = builder.credentials(RequestCredentials::SameOrigin);
    match csrf_token() {
        Some(token) => builder.header("X-CSRF-Token", &token),
        None => builder,
    }
}

async fn read<T: DeserializeOwned>(
    response: Result<Response, gloo_net::Error>,
) -> Result<T, Error> {
    let response = response.map_err(|err| Error::Network(err.to_string()))?;
    if response.ok() {
        response
            .json()
            .await
            .map_err(|err| Error::Decode(err.to_string()))
    } else {
        Err(problem(response).await)
    }
}

async fn problem(response: Response) -> Error {
    match response.json::<dto::Problem>().await {
        Ok(problem) => Error::Problem(problem),
        Err(err) => Error::Decode(format!("status {}: {err}", response.status())),
    }
}

/// Signs in; the server sets the session cookies.
pub async fn login(email: String, password: String) -> Result<dto::LoginResponse, Error> {
    let body = dto::Login { email, password };
    let request = write(Request::post("/api/v1/auth/login"))
        .json(&body)
        .map_err(|err| Error::Decode(err.to_string()))?;
    read(request.send().await).await
}

/// The signed-in actor.
pub async fn me() -> Result<dto::Me, Error> {
    read(
        Request::get("/api/v1/me")
            .credentials(RequestCredentials::SameOrigin)
            .send()
            .await,
    )
    .await
}

/// Signs out; the server clears the cookies.
pub async fn logout() -> Result<(), Error> {
    let response = write(Request::post("/api/v1/auth/logout"))
        .send()
        .await
        .map_err(|err| Error::Network(err.to_string()))?;
    if response.ok() {
        Ok(())
    } else {
        Err(problem(response).await)
    }
}
