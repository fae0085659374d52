//! The authorisation matrix for the coaching records of one agent (A1 of team A), as data:
//! persona x endpoint with the expected status. Reads share one organisation; every write row
//! gets a fresh one, so rows cannot affect each other. Failing rows are all reported together.

use reqwest::Method;
use serde_json::{Value, json};
use test_support::Call;
use test_support::{Org, Persona, TestApp};

/// A1's records, made by A1's team leader.
struct Fixture {
    session: String,
    item: String,
    note: String,
    plan: String,
}

async fn fixture(app: &TestApp, org: &Org) -> Fixture {
    let id = |v: &Value| v["id"].as_str().expect("id").to_owned();
    let session = crate::sessions::schedule(app, &org.leader_a, org.agent_a1.id, 0)
        .await
        .ok(201);
    let item = json!({ "title": "Item", "assignee_id": org.agent_a1.id, "due_date": "2030-01-01", "priority": "LOW" });
    let item = app
        .as_(&org.leader_a)
        .post("/api/v1/action-items", &item)
        .call()
        .await
        .ok(201);
    let note = json!({ "agent_id": org.agent_a1.id, "content": "Shared note", "category": "OTHER", "visibility": "SHARED" });
    let note = app
        .as_(&org.leader_a)
        .post("/api/v1/quick-notes", &note)
        .call()
        .await
        .ok(201);
    let plan = json!({ "agent_id": org.agent_a1.id, "title": "Plan", "goal": "Goal", "start_date": "2026-01-01", "end_date": "2026-02-01" });
    let plan = app
        .as_(&org.leader_a)
        .post("/api/v1/action-plans", &plan)
        .call()
        .await
        .ok(201);
    Fixture {
        session: id(&session),
        item: id(&item),
        note: id(&note),
        plan: id(&plan),
    }
}

type Who = fn(&Org) -> &Persona;
type Request = fn(&Org, &Fixture) -> (Method, String, Value);

const PEOPLE: [(&str, Who); 7] = [
    ("admin", |o| &o.admin),
    ("manager_a", |o| &o.manager_a),
    ("manager_b", |o| &o.manager_b),
    ("leader_a", |o| &o.leader_a),
    ("leader_b", |o| &o.leader_b),
    ("agent_a1", |o| &o.agent_a1),
    ("agent_a2", |o| &o.agent_a2),
];

/// (endpoint, request, expected status per persona in PEOPLE order: admin, manager A, manager B,
/// leader A, leader B, agent A1 (own record), agent A2 (same team)).
fn rows() -> Vec<(&'static str, Request, [u16; 7])> {
    vec![
        (
            "read session",
            |_, f| {
                (
                    Method::GET,
                    format!("/api/v1/sessions/{}", f.session),
                    Value::Null,
                )
            },
            [200, 200, 404, 200, 404, 200, 404],
        ),
        (
            "prepare session",
            |_, f| {
                (
                    Method::GET,
                    format!("/api/v1/sessions/{}/preparation", f.session),
                    Value::Null,
                )
            },
            [200, 200, 404, 200, 404, 200, 404],
        ),
        (
            "read item",
            |_, f| {
                (
                    Method::GET,
                    format!("/api/v1/action-items/{}", f.item),
                    Value::Null,
                )
            },
            [200, 200, 404, 200, 404, 200, 404],
        ),
        (
            "read note",
            |_, f| {
                (
                    Method::GET,
                    format!("/api/v1/quick-notes/{}", f.note),
                    Value::Null,
                )
            },
            [200, 200, 404, 200, 404, 200, 404],
        ),
        (
            "read plan",
            |_, f| {
                (
                    Method::GET,
                    format!("/api/v1/action-plans/{}", f.plan),
                    Value::Null,
                )
            },
            [200, 200, 404, 200, 404, 200, 404],
        ),
        (
            "read metrics",
            |o, _| {
                (
                    Method::GET,
                    format!("/api/v1/agents/{}/metrics", o.agent_a1.id),
                    Value::Null,
                )
            },
            [200, 200, 404, 200, 404, 200, 404],
        ),
        (
            "read scorecard",
            |o, _| {
                (
                    Method::GET,
                    format!("/api/v1/agents/{}/scorecard", o.agent_a1.id),
                    Value::Null,
                )
            },
            [200, 200, 404, 200, 404, 200, 404],
        ),
        (
            "start session",
            |_, f| {
                (
                    Method::POST,
                    format!("/api/v1/sessions/{}/start", f.session),
                    json!({ "version": 1 }),
                )
            },
            [200, 200, 404, 200, 404, 403, 404],
        ),
        (
            "progress item",
            |_, f| {
                (
                    Method::PATCH,
                    format!("/api/v1/action-items/{}", f.item),
                    json!({ "status": "IN_PROGRESS", "version": 1 }),
                )
            },
            [200, 200, 404, 200, 404, 200, 404],
        ),
        (
            "cancel item",
            |_, f| {
                (
                    Method::PATCH,
                    format!("/api/v1/action-items/{}", f.item),
                    json!({ "status": "CANCELLED", "version": 1 }),
                )
            },
            [200, 200, 404, 200, 404, 403, 404],
        ),
        (
            "edit note",
            |_, f| {
                (
                    Method::PATCH,
                    format!("/api/v1/quick-notes/{}", f.note),
                    json!({ "content": "Edited", "version": 1 }),
                )
            },
            [200, 403, 404, 200, 404, 403, 404],
        ),
        (
            "submit plan",
            |_, f| {
                (
                    Method::POST,
                    format!("/api/v1/action-plans/{}/submit", f.plan),
                    json!({ "version": 1 }),
                )
            },
            [200, 200, 404, 200, 404, 403, 404],
        ),
        (
            "write metrics",
            |o, _| {
                (
                    Method::PUT,
                    format!("/api/v1/agents/{}/metrics/2026-01", o.agent_a1.id),
                    json!({ "quality_score": 90 }),
                )
            },
            [200, 200, 404, 200, 404, 403, 404],
        ),
    ]
}

async fn status(
    app: &TestApp,
    who: &Persona,
    (method, path, body): (Method, String, Value),
) -> u16 {
    let mut request = app.as_(who).request(method, &path);
    if !body.is_null() {
        request = request.json(&body);
    }
    request.call().await.status()
}

#[tokio::test]
async fn coaching_records_follow_the_matrix() {
    let mut failures = Vec::new();
    let shared = TestApp::spawn().await;
    let shared_org = shared.seed_org().await;
    let shared_fixture = fixture(&shared, &shared_org).await;
    for (name, request, expected) in rows() {
        for ((who_name, who), want) in PEOPLE.iter().zip(expected) {
            let is_read = request(&shared_org, &shared_fixture).0 == Method::GET;
            let got = if is_read {
                status(
                    &shared,
                    who(&shared_org),
                    request(&shared_org, &shared_fixture),
                )
                .await
            } else {
                let app = TestApp::spawn().await;
                let org = app.seed_org().await;
                let fixture = fixture(&app, &org).await;
                status(&app, who(&org), request(&org, &fixture)).await
            };
            if got != want {
                failures.push(format!("{name} as {who_name}: want {want}, got {got}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "matrix cells that disagree:\n{}",
        failures.join("\n")
    );
}
