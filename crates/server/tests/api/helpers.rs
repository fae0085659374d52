//! Small assertions shared by the test modules.

use reqwest::Response;
use serde_json::Value;

/// Asserts the status and that the body is problem+json; returns the problem.
pub async fn problem(response: Response, status: u16) -> Value {
    test_support::Response::<Value>::read(response)
        .await
        .problem(status)
}

/// Asserts the status and returns the JSON body.
pub async fn ok_json(response: Response, status: u16) -> Value {
    test_support::Response::<Value>::read(response)
        .await
        .ok(status)
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
