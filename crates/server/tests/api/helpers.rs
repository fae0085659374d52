//! Small assertions shared by the test modules.

use serde_json::Value;
use test_support::IntoResponse;

/// Asserts the status and that the body is problem+json; returns the problem.
pub async fn problem(response: impl IntoResponse, status: u16) -> Value {
    response.into_response().await.problem(status)
}

/// Asserts the status and returns the JSON body.
pub async fn ok_json(response: impl IntoResponse, status: u16) -> Value {
    response.into_response().await.ok(status)
}

/// The ids in a page of items.
pub fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("a page")
        .iter()
        .map(|item| item["id"].as_str().expect("an id").to_owned())
        .collect()
}
