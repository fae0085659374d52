//! The OpenAPI document is generated from the code and covers the whole people contract.

use std::collections::HashSet;

use reqwest::Method;
use test_support::TestApp;

use crate::helpers::ok_json;

#[tokio::test]
async fn the_document_lists_every_endpoint_once_with_schemas() {
    let app = TestApp::spawn().await;
    let doc = ok_json(
        app.request(Method::GET, "/api/openapi.json")
            .send()
            .await
            .expect("answers"),
        200,
    )
    .await;
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    let paths = doc["paths"].as_object().expect("paths");
    let expected = [
        ("post", "/api/v1/auth/login"),
        ("post", "/api/v1/auth/refresh"),
        ("post", "/api/v1/auth/logout"),
        ("get", "/api/v1/me"),
        ("post", "/api/v1/me/password"),
        ("get", "/api/v1/users"),
        ("post", "/api/v1/users"),
        ("get", "/api/v1/users/{id}"),
        ("patch", "/api/v1/users/{id}"),
        ("post", "/api/v1/users/{id}/deactivate"),
        ("post", "/api/v1/users/{id}/reactivate"),
        ("get", "/api/v1/teams"),
        ("post", "/api/v1/teams"),
        ("get", "/api/v1/teams/{id}"),
        ("patch", "/api/v1/teams/{id}"),
        ("get", "/api/v1/sessions"),
        ("post", "/api/v1/sessions"),
        ("get", "/api/v1/sessions/{id}"),
        ("patch", "/api/v1/sessions/{id}"),
        ("get", "/api/v1/sessions/{id}/preparation"),
        ("post", "/api/v1/sessions/{id}/start"),
        ("post", "/api/v1/sessions/{id}/complete"),
        ("post", "/api/v1/sessions/{id}/cancel"),
        ("post", "/api/v1/sessions/{id}/no-show"),
        ("post", "/api/v1/sessions/{id}/acknowledge"),
        ("get", "/api/v1/action-items"),
        ("post", "/api/v1/action-items"),
        ("get", "/api/v1/action-items/{id}"),
        ("patch", "/api/v1/action-items/{id}"),
        ("get", "/api/v1/action-plans"),
        ("post", "/api/v1/action-plans"),
        ("get", "/api/v1/action-plans/{id}"),
        ("patch", "/api/v1/action-plans/{id}"),
        ("post", "/api/v1/action-plans/{id}/{decision}"),
        ("post", "/api/v1/action-plans/{id}/checkpoints"),
        ("get", "/api/v1/quick-notes"),
        ("post", "/api/v1/quick-notes"),
        ("get", "/api/v1/quick-notes/{id}"),
        ("patch", "/api/v1/quick-notes/{id}"),
        ("delete", "/api/v1/quick-notes/{id}"),
        ("get", "/api/v1/agents/{id}/metrics"),
        ("put", "/api/v1/agents/{id}/metrics/{month}"),
        ("get", "/api/v1/agents/{id}/scorecard"),
        ("get", "/api/v1/teams/{id}/scorecard"),
        ("get", "/api/v1/scorecard/config"),
        ("put", "/api/v1/scorecard/config"),
        ("post", "/api/v1/kpis"),
        ("post", "/api/v1/metrics/import"),
        ("get", "/api/v1/metrics/export.csv"),
        ("get", "/api/v1/metrics/import/jobs/{id}"),
        ("get", "/api/v1/dashboard"),
        ("get", "/api/v1/search"),
        ("get", "/api/v1/audit"),
        ("get", "/api/v1/audit/verify"),
        ("get", "/api/v1/announcements"),
        ("post", "/api/v1/announcements"),
        ("get", "/healthz"),
        ("get", "/readyz"),
    ];
    let mut operation_ids = HashSet::new();
    for (method, path) in expected {
        let operation = &paths[path][method];
        assert!(operation.is_object(), "{method} {path} is documented");
        let id = operation["operationId"].as_str().expect("an operation id");
        assert!(
            operation_ids.insert(id.to_owned()),
            "operation id {id} is unique"
        );
    }
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    for schema in [
        "User",
        "CreateUser",
        "UpdateUser",
        "Team",
        "CreateTeam",
        "UpdateTeam",
        "Problem",
        "Login",
        "Me",
    ] {
        assert!(schemas.contains_key(schema), "schema {schema}");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[tokio::test]
async fn the_docs_page_and_its_assets_are_served_locally() {
    let app = TestApp::spawn().await;
    let page = app
        .request(Method::GET, "/api/docs")
        .send()
        .await
        .expect("answers");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains("/api/docs/swagger-ui-bundle.js") && !html.contains("https://"));
    for asset in [
        "/api/docs/swagger-ui-bundle.js",
        "/api/docs/swagger-ui.css",
        "/api/docs/init.js",
    ] {
        let response = app
            .request(Method::GET, asset)
            .send()
            .await
            .expect("answers");
        assert_eq!(response.status(), 200, "{asset}");
        assert!(
            response.bytes().await.expect("body").len() > 10,
            "{asset} has content"
        );
    }
}
