//! Bad input of every kind gets a problem+json 4xx, never a 500 or a hang.

use reqwest::Method;
use serde_json::json;
use test_support::Call;
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
    // Said in words for people: no Rust types, no parser positions.
    assert_eq!(body["errors"]["email"], json!(["give text"]), "{body}");
    let unknown_field = users()
        .json(&json!({ "email": "u@org.test", "name": "N", "role": "AGENT", "is_admin": true }))
        .send()
        .await
        .expect("answers");
    let body = problem(unknown_field, 422).await;
    assert_eq!(
        body["errors"]["is_admin"],
        json!(["this is not part of this request"]),
        "{body}"
    );
    let missing = users()
        .json(&json!({ "name": "N", "role": "AGENT" }))
        .send()
        .await
        .expect("answers");
    let body = problem(missing, 422).await;
    assert_eq!(
        body["errors"]["email"],
        json!(["this is required"]),
        "{body}"
    );
    let too_big = app
        .as_(&org.admin)
        .request(Method::POST, "/api/v1/session-templates")
        .json(&json!({ "name": "T", "duration_minutes": 99_999_999_999_i64 }))
        .send()
        .await
        .expect("answers");
    let body = problem(too_big, 422).await;
    assert_eq!(
        body["errors"]["duration_minutes"],
        json!(["give a whole number within the allowed range"]),
        "{body}"
    );
    let bad_role = users()
        .json(&json!({ "email": "u@org.test", "name": "N", "role": "WIZARD" }))
        .send()
        .await
        .expect("answers");
    let body = problem(bad_role, 422).await;
    let said = body["errors"]["role"][0].as_str().unwrap_or_default();
    assert!(
        said.starts_with("choose one of: ") && said.contains("AGENT"),
        "{body}"
    );
    assert!(!said.contains('`') && !said.contains("line"), "{body}");
    let huge = "x".repeat(300 * 1024);
    let oversized = users()
        .json(&json!({ "email": "big@org.test", "name": huge, "role": "AGENT" }))
        .send()
        .await
        .expect("answers");
    problem(oversized, 413).await;
    // A raw body past its route's own limit too (a metrics file over 10 MiB).
    let file = format!("email,month\n{}", "x,2026-01\n".repeat(1_100_000));
    let oversized_file = app
        .as_(&org.admin)
        .request(Method::POST, "/api/v1/metrics/import")
        .header("content-type", "text/csv")
        .body(file)
        .send()
        .await
        .expect("answers");
    problem(oversized_file, 413).await;
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
    app.as_(&org.admin)
        .get("/api/v1/no-such-thing")
        .call()
        .await
        .problem(404);
    app.as_(&org.admin)
        .get("/api/v2/users")
        .call()
        .await
        .problem(404);
    app.as_(&org.admin)
        .get("/api/v1/users/not-a-uuid")
        .call()
        .await
        .problem(404);
    let delete = app
        .as_(&org.admin)
        .request(Method::DELETE, "/api/v1/users")
        .send()
        .await
        .expect("answers");
    assert_eq!(
        delete.headers().get("allow").and_then(|v| v.to_str().ok()),
        Some("GET, POST"),
        "a 405 names the methods the path has"
    );
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

#[tokio::test]
async fn nul_characters_are_refused_on_the_field_even_unauthenticated() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let body = app
        .as_(&org.admin)
        .get("/api/v1/users?q=%00")
        .call()
        .await
        .problem(422);
    assert!(body["errors"]["q"].is_array(), "{body}");
    let body = app
        .request(Method::POST, "/api/v1/auth/login")
        .json(&json!({ "email": "a\u{0}@example.com", "password": "x" }))
        .call()
        .await
        .problem(422);
    assert!(body["errors"]["email"].is_array(), "{body}");
    let body = app
        .as_(&org.leader_a)
        .post(
            "/api/v1/quick-notes",
            &json!({ "agent_id": org.agent_a1.id, "content": "bad\u{0}byte",
                         "category": "OTHER", "visibility": "SHARED" }),
        )
        .call()
        .await
        .problem(422);
    assert!(body["errors"]["content"].is_array(), "{body}");
}

#[tokio::test]
async fn dates_outside_four_digit_years_are_refused_not_500() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    for (path, field) in [
        ("/api/v1/sessions?from=-5000-01-01T00:00:00Z", "from"),
        ("/api/v1/sessions?to=%2B10000-01-01T00:00:00Z", "to"),
        ("/api/v1/action-items?due_before=-5000-01-01", "due_before"),
        ("/api/v1/action-items?due_from=%2B10000-01-01", "due_from"),
        ("/api/v1/quick-notes?from=-5000-01-01T00:00:00Z", "from"),
        ("/api/v1/audit?from=-5000-01-01T00:00:00Z", "from"),
    ] {
        let body = app.as_(&org.admin).get(path).call().await.problem(422);
        assert!(body["errors"][field].is_array(), "{path}: {body}");
    }
    // Old but four-digit dates are fine filters.
    let ok = app
        .as_(&org.admin)
        .get("/api/v1/sessions?from=1970-01-01T00:00:00Z")
        .send()
        .await
        .expect("answers");
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn problems_quote_the_request_id_and_api_answers_are_not_stored() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let response = app
        .as_(&org.admin)
        .get(&format!("/api/v1/users/{}", uuid::Uuid::now_v7()))
        .send()
        .await
        .expect("answers");
    let header = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("a request id")
        .to_owned();
    assert_eq!(
        response
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let body = problem(response, 404).await;
    assert_eq!(body["request_id"], header.as_str());
    let me = app
        .as_(&org.agent_a1)
        .get("/api/v1/me")
        .send()
        .await
        .expect("answers");
    assert_eq!(
        me.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store"),
        "personal data is never cached"
    );
}

#[tokio::test]
async fn a_referenced_record_that_does_not_exist_is_a_422_on_its_field() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let nobody = uuid::Uuid::now_v7();
    let cases = [
        (
            "/api/v1/quick-notes",
            json!({ "agent_id": nobody, "content": "x", "category": "OTHER", "visibility": "SHARED" }),
            "agent_id",
        ),
        (
            "/api/v1/quick-notes",
            json!({ "agent_id": org.leader_a.id, "content": "x", "category": "OTHER", "visibility": "SHARED" }),
            "agent_id",
        ),
        (
            "/api/v1/action-items",
            json!({ "title": "x", "assignee_id": nobody, "due_date": "2030-01-01", "priority": "MEDIUM" }),
            "assignee_id",
        ),
        (
            "/api/v1/announcements",
            json!({ "title": "x", "body": "y", "team_id": nobody }),
            "team_id",
        ),
        (
            "/api/v1/sessions",
            json!({ "agent_id": nobody, "scheduled_at": "2030-01-01T10:00:00Z", "duration_minutes": 30 }),
            "agent_id",
        ),
        (
            "/api/v1/action-plans",
            json!({ "agent_id": nobody, "title": "x", "goal": "y", "start_date": "2030-01-01", "end_date": "2030-02-01" }),
            "agent_id",
        ),
        (
            "/api/v1/users",
            json!({ "name": "N", "email": "n@org.test", "role": "AGENT", "team_id": nobody, "password": "a-long-enough-password" }),
            "team_id",
        ),
    ];
    for (path, body, field) in cases {
        let answer = app
            .as_(&org.admin)
            .post(path, &body)
            .call()
            .await
            .problem(422);
        assert!(answer["errors"][field].is_array(), "{path}: {answer}");
    }
    // A duplicate names its field in words, never a constraint.
    for (who, version) in [(&org.agent_a1, 1), (&org.agent_a2, 1)] {
        let answer = app
            .as_(&org.admin)
            .patch(
                &format!("/api/v1/users/{}", who.id),
                &json!({ "employee_id": "E-TAKEN", "version": version }),
            )
            .send()
            .await
            .expect("answers");
        if who.id == org.agent_a1.id {
            assert_eq!(answer.status(), 200);
            continue;
        }
        let taken = problem(answer, 409).await;
        let message = taken["errors"]["employee_id"][0]
            .as_str()
            .unwrap_or_default();
        assert!(message.contains("employee id"), "in words: {taken}");
        assert!(
            !message.contains("users.") && !message.contains("key"),
            "{taken}"
        );
    }
    let taken = app
        .as_(&org.admin)
        .post(
            "/api/v1/users",
            &json!({ "name": "N", "email": org.agent_a1.email, "role": "AGENT",
                         "password": "a-long-enough-password" }),
        )
        .call()
        .await
        .problem(409);
    assert!(taken["errors"]["email"].is_array(), "{taken}");
    assert!(!taken.to_string().contains("users."), "{taken}");
}
