//! Small assertions shared by the test modules.

use reqwest::Response;
use serde_json::Value;

/// Asserts the status and that the body is problem+json; returns the problem.
pub async fn problem(response: Response, status: u16) -> Value {
    assert_eq!(response.status(), status, "status of {}", response.url());
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/problem+json", "content type");
    let body: Value = response.json().await.expect("a JSON problem");
    assert_eq!(body["status"], status, "problem status");
    assert!(
        body["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("https://")),
        "problem type"
    );
    body
}

/// Asserts a 2xx status and returns the JSON body.
pub async fn ok_json(response: Response, status: u16) -> Value {
    let url = response.url().clone();
    let actual = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(actual, status, "status of {url}: {body}");
    body
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
