//! How many SQL statements the hot endpoints run: each has a budget, and the read path's cost
//! is its round trips. The server reports each request's count in `X-Db-Statements` (on in tests,
//! refused on a public bind).

use reqwest::Method;
use serde_json::{Value, json};
use test_support::Call;
use test_support::{Org, Persona, TestApp};

use test_support::records;

/// The statements a request ran, after checking it succeeded.
async fn statements(response: reqwest::Response) -> (u16, u32) {
    let status = response.status().as_u16();
    let count = response
        .headers()
        .get("x-db-statements")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("every answer carries X-Db-Statements in tests");
    (status, count)
}

async fn run(
    app: &TestApp,
    who: &Persona,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> (u16, u32) {
    let mut request = app.as_(who).request(method, path);
    if let Some(body) = body {
        request = request.json(body);
    }
    statements(request.send().await.expect("answers")).await
}

async fn seeded() -> (TestApp, Org, dto::Session) {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let session = app
        .as_(&org.leader_a)
        .schedule_session(records::session(org.agent_a1.id, 4))
        .await
        .ok(201);
    app.as_(&org.leader_a)
        .schedule_session(records::session(org.agent_a2.id, 8))
        .await
        .ok(201);
    // The steady state: the KPI catalogue is loaded once, then only its fingerprint is read.
    app.as_(&org.leader_a)
        .get("/api/v1/scorecard/config")
        .call()
        .await
        .ok(200);
    (app, org, session)
}

#[tokio::test]
async fn the_hot_endpoints_stay_within_their_statement_budgets() {
    let (app, org, session) = seeded().await;
    let agent = org.agent_a1.id;
    let note = json!({ "agent_id": agent, "content": "Great save on a billing call",
                       "category": "PERFORMANCE", "visibility": "SHARED" });
    let session_id = session.id;
    // (method, path, body, budget): the most statements the request may run. The caller is
    // already in the actor cache (their earlier requests put them there), so authentication runs
    // none. Each budget is what the endpoint runs today: lower it with the change that earns it,
    // never raise it without saying why.
    let table: Vec<(Method, String, Option<Value>, u32)> = vec![
        (Method::GET, "/api/v1/me".into(), None, 1),
        (Method::GET, "/api/v1/sessions?limit=20".into(), None, 2),
        (
            Method::GET,
            format!("/api/v1/sessions/{session_id}"),
            None,
            2,
        ),
        (Method::GET, "/api/v1/action-items?limit=20".into(), None, 1),
        (Method::GET, "/api/v1/quick-notes?limit=20".into(), None, 1),
        (Method::GET, "/api/v1/users?limit=20".into(), None, 1),
        (
            Method::GET,
            format!("/api/v1/agents/{agent}/scorecard"),
            None,
            3,
        ),
        // Two more than before needs-attention was ranked: the sessions and the plans waiting
        // for each agent's acknowledgement.
        (Method::GET, "/api/v1/dashboard".into(), None, 12),
        // One ranking per kind, then the passages of the hits kept, one per kind among them
        // (four here): highlighting every ranked match cost more than the extra statements.
        // One more since hits on notes and sessions name whom they are about: their names.
        (Method::GET, "/api/v1/search?q=Agent".into(), None, 8),
        // One more than before notes were sealed: the note's search terms (the database cannot
        // index text it only holds encrypted), one insert for all of them.
        (Method::POST, "/api/v1/quick-notes".into(), Some(note), 5),
    ];
    let mut over = Vec::new();
    for (method, path, body, budget) in &table {
        let (status, count) = run(&app, &org.leader_a, method.clone(), path, body.as_ref()).await;
        assert!(
            (200..300).contains(&status),
            "{method} {path} answered {status}"
        );
        eprintln!("{method} {path}: {count} statements (budget {budget})");
        if count > *budget {
            over.push(format!("{method} {path}: {count} > {budget}"));
        }
    }
    assert!(over.is_empty(), "over budget: {over:#?}");
    // Read again with nothing changed (a quick note changes neither): from memory.
    for path in [
        format!("/api/v1/agents/{agent}/scorecard"),
        "/api/v1/dashboard".into(),
    ] {
        let (_, count) = run(&app, &org.leader_a, Method::GET, &path, None).await;
        assert_eq!(count, 0, "GET {path} again: {count} statements");
    }
}

#[tokio::test]
async fn the_dashboard_runs_as_many_statements_for_a_large_team_as_for_a_small_one() {
    let (app, org, _) = seeded().await;
    let (_, small) = run(&app, &org.leader_a, Method::GET, "/api/v1/dashboard", None).await;
    // Six more agents, each with an upcoming session on the board.
    for n in 0..6 {
        let agent = app
            .create_user(
                &format!("Extra Agent {n}"),
                domain::Role::Agent,
                Some(org.team_a),
            )
            .await;
        app.as_(&org.leader_a)
            .schedule_session(records::session(agent, 12 + n))
            .await
            .ok(201);
    }
    let (_, large) = run(&app, &org.leader_a, Method::GET, "/api/v1/dashboard", None).await;
    assert_eq!(small, large, "statements for 2 agents, then for 8");
}
