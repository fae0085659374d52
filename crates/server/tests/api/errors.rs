//! Bad input of every kind gets a problem+json 4xx, never a 500 or a hang.

use reqwest::Method;
use serde_json::json;
use test_support::TestApp;

use crate::helpers::problem;

#[tokio::test]
async fn malformed_bodies_are_client_errors() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let users = || app.as_(&org.admin).request(Method::POST, "/api/v1/users");
    let not_json = users()
        .header("content-type", "application/json")
        .body("{ not json")
        .send()
        .await
        .expect("answers");
    problem(not_json, 400).await;
    let wrong_type = users()
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .expect("answers");
    problem(wrong_type, 415).await;
    let wrong_field_type = users()
        .json(&json!({ "email": 42, "name": "N", "role": "AGENT" }))
        .send()
        .await
        .expect("answers");
    let body = problem(wrong_field_type, 422).await;
    assert!(body["errors"]["email"].is_array(), "{body}");
    let unknown_field = users()
        .json(&json!({ "email": "u@org.test", "name": "N", "role": "AGENT", "is_admin": true }))
        .send()
        .await
        .expect("answers");
    problem(unknown_field, 422).await;
    let huge = "x".repeat(300 * 1024);
    let oversized = users()
        .json(&json!({ "email": "big@org.test", "name": huge, "role": "AGENT" }))
        .send()
        .await
        .expect("answers");
    problem(oversized, 413).await;
    let empty = users()
        .header("content-type", "application/json")
        .send()
        .await
        .expect("answers");
    problem(empty, 400).await;
}

#[tokio::test]
async fn unknown_routes_methods_and_ids_are_problems() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    problem(
        app.as_(&org.admin)
            .get("/api/v1/no-such-thing")
            .send()
            .await
            .expect("answers"),
        404,
    )
    .await;
    problem(
        app.as_(&org.admin)
            .get("/api/v2/users")
            .send()
            .await
            .expect("answers"),
        404,
    )
    .await;
    problem(
        app.as_(&org.admin)
            .get("/api/v1/users/not-a-uuid")
            .send()
            .await
            .expect("answers"),
        404,
    )
    .await;
    let delete = app
        .as_(&org.admin)
        .request(Method::DELETE, "/api/v1/users")
        .send()
        .await
        .expect("answers");
    problem(delete, 405).await;
    let bad_if_match = app
        .as_(&org.admin)
        .request(Method::PATCH, &format!("/api/v1/users/{}", org.loner.id))
        .header("if-match", "\"abc\"")
        .json(&json!({ "name": "X" }))
        .send()
        .await
        .expect("answers");
    problem(bad_if_match, 412).await;
}

#[tokio::test]
async fn responses_carry_security_headers_and_a_request_id() {
    let app = TestApp::spawn().await;
    let response = app
        .request(Method::GET, "/healthz")
        .send()
        .await
        .expect("answers");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let csp = header("content-security-policy").expect("CSP");
    assert!(
        csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
    assert_eq!(header("x-frame-options").as_deref(), Some("DENY"));
    assert!(header("referrer-policy").is_some());
    let request_id = header("x-request-id").expect("a request id");
    assert!(uuid::Uuid::parse_str(&request_id).is_ok(), "{request_id}");
}

#[tokio::test]
async fn every_protected_endpoint_needs_credentials() {
    let app = TestApp::spawn().await;
    let id = uuid::Uuid::now_v7();
    let endpoints = [
        (Method::GET, "/api/v1/me".to_owned()),
        (Method::POST, "/api/v1/me/password".to_owned()),
        (Method::POST, "/api/v1/auth/logout".to_owned()),
        (Method::GET, "/api/v1/users".to_owned()),
        (Method::POST, "/api/v1/users".to_owned()),
        (Method::GET, format!("/api/v1/users/{id}")),
        (Method::PATCH, format!("/api/v1/users/{id}")),
        (Method::POST, format!("/api/v1/users/{id}/deactivate")),
        (Method::POST, format!("/api/v1/users/{id}/reactivate")),
        (Method::GET, "/api/v1/teams".to_owned()),
        (Method::POST, "/api/v1/teams".to_owned()),
        (Method::GET, format!("/api/v1/teams/{id}")),
        (Method::PATCH, format!("/api/v1/teams/{id}")),
        (Method::GET, "/api/v1/sessions".to_owned()),
        (Method::POST, "/api/v1/sessions".to_owned()),
        (Method::GET, format!("/api/v1/sessions/{id}")),
        (Method::PATCH, format!("/api/v1/sessions/{id}")),
        (Method::POST, format!("/api/v1/sessions/{id}/complete")),
        (Method::POST, format!("/api/v1/sessions/{id}/acknowledge")),
        (Method::GET, "/api/v1/action-items".to_owned()),
        (Method::POST, "/api/v1/action-items".to_owned()),
        (Method::PATCH, format!("/api/v1/action-items/{id}")),
        (Method::GET, "/api/v1/quick-notes".to_owned()),
        (Method::POST, "/api/v1/quick-notes".to_owned()),
        (Method::DELETE, format!("/api/v1/quick-notes/{id}")),
        (Method::GET, format!("/api/v1/agents/{id}/metrics")),
        (Method::PUT, format!("/api/v1/agents/{id}/metrics/2026-01")),
        (Method::GET, format!("/api/v1/agents/{id}/scorecard")),
        (Method::GET, format!("/api/v1/teams/{id}/scorecard")),
        (Method::GET, "/api/v1/scorecard/config".to_owned()),
        (Method::PUT, "/api/v1/scorecard/config".to_owned()),
        (Method::POST, "/api/v1/kpis".to_owned()),
        (Method::GET, "/api/v1/dashboard".to_owned()),
        (Method::GET, "/api/v1/search?q=x".to_owned()),
        (Method::POST, "/api/v1/metrics/import".to_owned()),
        (Method::GET, "/api/v1/metrics/export.csv".to_owned()),
        (Method::GET, "/api/v1/action-plans".to_owned()),
        (Method::POST, "/api/v1/action-plans".to_owned()),
        (Method::POST, format!("/api/v1/action-plans/{id}/approve")),
        (
            Method::POST,
            format!("/api/v1/action-plans/{id}/checkpoints"),
        ),
        (Method::GET, "/api/v1/audit".to_owned()),
        (Method::GET, "/api/v1/audit/verify".to_owned()),
        (Method::GET, "/api/v1/announcements".to_owned()),
        (Method::POST, "/api/v1/announcements".to_owned()),
    ];
    for (method, path) in endpoints {
        let response = app
            .request(method.clone(), &path)
            .json(&json!({}))
            .send()
            .await
            .expect("answers");
        assert_eq!(response.status(), 401, "{method} {path}");
    }
}
