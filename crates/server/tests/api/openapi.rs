//! The OpenAPI document is generated from the code and covers the whole people contract.

use std::collections::HashSet;
use test_support::Call;

use reqwest::Method;
use serde_json::{Value, json};
use test_support::TestApp;

#[tokio::test]
async fn the_document_lists_every_endpoint_once_with_schemas() {
    let app = TestApp::spawn().await;
    let doc = app
        .request(Method::GET, "/api/openapi.json")
        .call()
        .await
        .ok(200);
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
        ("patch", "/api/v1/kpis/{key}"),
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

/// The operation that answers `method path`: a `{name}` segment of the document matches any.
fn operation<'a>(doc: &'a Value, method: &str, path: &str) -> Option<&'a Value> {
    let segments: Vec<&str> = path.split('?').next()?.split('/').collect();
    doc["paths"]
        .as_object()?
        .iter()
        .find_map(|(template, item)| {
            let parts: Vec<&str> = template.split('/').collect();
            let matches = parts.len() == segments.len()
                && parts
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| t == s || (t.starts_with('{') && t.ends_with('}')));
            matches.then(|| &item[method]).filter(|op| op.is_object())
        })
}

#[tokio::test]
async fn every_answer_the_server_gives_is_declared_with_its_content_type() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let doc = app
        .request(Method::GET, "/api/openapi.json")
        .call()
        .await
        .ok(200);
    let loner = format!("/api/v1/users/{}", org.loner.id);
    let nobody = format!("/api/v1/users/{}", uuid::Uuid::now_v7());
    let (a1, a2) = (
        format!("/api/v1/users/{}", org.agent_a1.id),
        format!("/api/v1/users/{}", org.agent_a2.id),
    );
    let login = "/api/v1/auth/login";
    let mut sample = vec![
        ("post", login, app.login(&org.admin.email, "wrong").await),
        (
            "post",
            login,
            app.request(Method::POST, login)
                .header("content-type", "application/json")
                .body("{")
                .call().await,
        ),
        (
            "post",
            login,
            app.request(Method::POST, login)
                .header("content-type", "text/plain")
                .body("x")
                .call().await,
        ),
        (
            "post",
            login,
            app.request(Method::POST, login)
                .json(&json!({ "email": "not-an-email", "password": "x" }))
                .call().await,
        ),
        ("get", "/api/v1/me", app.request(Method::GET, "/api/v1/me").call().await),
        ("get", "/api/v1/me", app.as_(&org.agent_a1).get("/api/v1/me").call().await),
        ("get", "/api/v1/users", app.as_(&org.admin).get("/api/v1/users?limit=0").call().await),
        ("get", "/api/v1/users/{id}", app.as_(&org.admin).get(&nobody).call().await),
        (
            "post",
            "/api/v1/users",
            app.as_(&org.agent_a1)
                .post("/api/v1/users", &json!({ "name": "N", "email": "n@org.test", "role": "AGENT" }))
                .call().await,
        ),
        (
            "patch",
            "/api/v1/users/{id}",
            app.as_(&org.admin).patch(&loner, &json!({ "name": "New" })).call().await,
        ),
        (
            "patch",
            "/api/v1/users/{id}",
            app.as_(&org.admin)
                .patch(&loner, &json!({ "name": "New", "version": 99 }))
                .call().await,
        ),
        (
            "patch",
            "/api/v1/users/{id}",
            app.as_(&org.admin)
                .patch(&a1, &json!({ "employee_id": "E-1", "version": 1 }))
                .call().await,
        ),
        (
            "patch",
            "/api/v1/users/{id}",
            app.as_(&org.admin)
                .patch(&a2, &json!({ "employee_id": "E-1", "version": 1 }))
                .call().await,
        ),
        (
            "get",
            "/api/v1/metrics/export.csv",
            app.as_(&org.admin).get("/api/v1/metrics/export.csv").call().await,
        ),
        (
            "post",
            "/api/v1/quick-notes",
            app.as_(&org.leader_a)
                .post(
                    "/api/v1/quick-notes",
                    &json!({ "agent_id": org.agent_a1.id, "content": "Good call", "category": "OTHER", "visibility": "SHARED" }),
                )
                .call().await,
        ),
    ];
    sample.push((
        "get",
        "/api/v1/sessions",
        app.as_(&org.admin)
            .get("/api/v1/sessions?from=-5000-01-01T00:00:00Z")
            .call()
            .await,
    ));
    let mut seen = HashSet::new();
    for (method, path, response) in sample {
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .unwrap_or_default()
            .to_owned();
        let operation = operation(&doc, method, path)
            .unwrap_or_else(|| panic!("{method} {path} is documented"));
        let declared = &operation["responses"][status.to_string()];
        assert!(
            declared.is_object(),
            "{method} {path} declares {status}: {}",
            operation["responses"]
        );
        assert!(
            declared["content"][&content_type].is_object(),
            "{method} {path} {status} declares {content_type}: {declared}"
        );
        seen.insert(status);
    }
    for status in [200, 201, 400, 401, 403, 404, 409, 412, 415, 422, 428] {
        assert!(
            seen.contains(&status),
            "the sample has a {status}: {seen:?}"
        );
    }
}

#[tokio::test]
async fn the_document_states_the_limits_the_server_enforces() {
    let app = TestApp::spawn().await;
    let doc = app
        .request(Method::GET, "/api/openapi.json")
        .call()
        .await
        .ok(200);
    let parameter = |path: &str, name: &str| {
        doc["paths"][path]["get"]["parameters"]
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["name"] == name))
            .map(|p| p["schema"].clone())
            .unwrap_or_else(|| panic!("{path} has {name}"))
    };
    let limit = parameter("/api/v1/sessions", "limit");
    assert_eq!(
        (limit["minimum"].as_f64(), limit["maximum"].as_f64()),
        (Some(1.0), Some(200.0)),
        "{limit}"
    );
    let month = parameter("/api/v1/metrics/export.csv", "from");
    assert!(month["pattern"].is_string(), "{month}");
    let from = parameter("/api/v1/sessions", "from");
    assert!(from["pattern"].is_null(), "a date-time is no month: {from}");
    let schema =
        |name: &str, field: &str| doc["components"]["schemas"][name]["properties"][field].clone();
    let duration = schema("ScheduleSession", "duration_minutes");
    assert_eq!(
        (duration["minimum"].as_f64(), duration["maximum"].as_f64()),
        (Some(15.0), Some(240.0)),
        "{duration}"
    );
    let password = schema("ChangePassword", "new_password");
    assert_eq!(
        (
            password["minLength"].as_u64(),
            password["maxLength"].as_u64()
        ),
        (Some(12), Some(128)),
        "{password}"
    );
    assert!(
        schema("CreateTeam", "name")["pattern"].is_string(),
        "non-blank"
    );
    let email = schema("CreateUser", "email");
    assert_eq!(email["format"], "email", "{email}");
    let weights = schema("UpdateScorecardConfig", "kpis");
    assert_eq!(weights["maxItems"].as_u64(), Some(50), "{weights}");
    // What schemathesis found looser than the server.
    let year = parameter("/api/v1/agents/{id}/scorecard", "year");
    assert_eq!(
        (year["minimum"].as_f64(), year["maximum"].as_f64()),
        (Some(2000.0), Some(2100.0)),
        "{year}"
    );
    let q = parameter("/api/v1/search", "q");
    assert_eq!(
        (q["minLength"].as_u64(), q["maxLength"].as_u64()),
        (Some(1), Some(200)),
        "{q}"
    );
    assert!(q["pattern"].is_string(), "non-blank: {q}");
    assert_eq!(schema("CreateKpi", "key")["pattern"], "^[a-z][a-z0-9_]*$");
    assert_eq!(schema("CreateAccessToken", "scopes")["uniqueItems"], true);
    let patch = &doc["components"]["schemas"]["UpdateQuickNote"]["anyOf"];
    let required: Vec<&Value> = patch
        .as_array()
        .map(|branches| branches.iter().map(|b| &b["required"][0]).collect())
        .unwrap_or_default();
    assert!(
        required.contains(&&json!("content")) && !required.contains(&&json!("version")),
        "a partial update names a field to change: {patch}"
    );
}

#[tokio::test]
async fn what_the_document_allows_the_server_accepts() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let agent = &org.agent_a1;
    // An empty cursor is the first page; a range whose start is after its end holds nothing.
    app.as_(agent)
        .get("/api/v1/quick-notes?cursor=")
        .call()
        .await
        .ok(200);
    let months = app
        .as_(&org.leader_a)
        .get(&format!(
            "/api/v1/agents/{}/metrics?from=2026-06&to=2026-01",
            agent.id
        ))
        .call()
        .await
        .ok(200);
    assert_eq!(months, json!([]));
    // Text limits count characters, as JSON Schema does, not bytes.
    let accented = "é".repeat(200);
    app.as_(agent)
        .get(&format!("/api/v1/search?q={accented}"))
        .call()
        .await
        .ok(200);
    app.as_(agent)
        .get(&format!("/api/v1/search?q={accented}é"))
        .call()
        .await
        .problem(422);
}

/// The whole contract as a reviewed file: a change to any path, parameter or schema shows in the
/// diff of `snapshots/api__openapi__the_contract_changes_only_with_its_snapshot.snap`, and the
/// tests fail until the snapshot is accepted (`cargo insta review`, or `INSTA_UPDATE=always`
/// outside CI).
#[test]
fn the_contract_changes_only_with_its_snapshot() {
    let doc = server::openapi::document(server::routes::operations());
    let pretty = serde_json::to_string_pretty(&doc).expect("the document is JSON");
    insta::assert_snapshot!(pretty);
}
