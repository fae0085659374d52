//! The authorisation matrix, as data: a row per endpoint, a column per persona (in the order of
//! `Org::everyone`), each cell the status that persona gets. Paths and bodies name the records
//! they act on by placeholder (`{session}`, `{agent_a1}`, ...), filled from one fixture. Reads share
//! one organisation; every write cell gets a fresh one, so cells cannot affect each other. Every
//! cell that disagrees is reported at once.

use reqwest::Method;
use serde_json::{Value, json};
use test_support::{Call, Org, TestApp};

/// Columns: admin, manager A, manager B, leader A, leader B, agent A1, agent A2, agent B1, the
/// team-less agent, team A's quality analyst.
type Statuses = [u16; 10];

/// One endpoint: its request and what each persona gets.
struct Row {
    name: &'static str,
    method: Method,
    path: &'static str,
    body: Option<Value>,
    expected: Statuses,
}

fn row(name: &'static str, method: Method, path: &'static str, expected: Statuses) -> Row {
    Row {
        name,
        method,
        path,
        body: None,
        expected,
    }
}

fn write(name: &'static str, method: Method, path: &'static str, body: Value, s: Statuses) -> Row {
    Row {
        body: Some(body),
        ..row(name, method, path, s)
    }
}

/// People and teams: agent A1 and team A.
fn people() -> Vec<Row> {
    use Method as M;
    let name = json!({ "name": "Matrix Name", "version": 1 });
    let department = json!({ "department": "Matrix", "version": 1 });
    let agent = json!({ "email": "matrix.a@org.test", "name": "M", "role": "AGENT", "team_id": "{team_a}" });
    let members = json!({ "agent_ids": ["{agent_a1}", "{agent_a2}"], "version": 1 });
    vec![
        row(
            "read agent",
            M::GET,
            "/api/v1/users/{agent_a1}",
            [200, 200, 404, 200, 404, 200, 404, 404, 404, 200],
        ),
        write(
            "rename agent",
            M::PATCH,
            "/api/v1/users/{agent_a1}",
            name,
            [200, 200, 404, 403, 404, 200, 404, 404, 404, 403],
        ),
        write(
            "employment",
            M::PATCH,
            "/api/v1/users/{agent_a1}",
            department,
            [200, 200, 404, 403, 404, 403, 404, 404, 404, 403],
        ),
        write(
            "deactivate",
            M::POST,
            "/api/v1/users/{agent_a1}/deactivate",
            json!({}),
            [200, 403, 404, 403, 404, 403, 404, 404, 404, 403],
        ),
        write(
            "create agent in A",
            M::POST,
            "/api/v1/users",
            agent,
            [201, 201, 403, 403, 403, 403, 403, 403, 403, 403],
        ),
        row(
            "read team",
            M::GET,
            "/api/v1/teams/{team_a}",
            [200, 200, 404, 200, 404, 404, 404, 404, 404, 200],
        ),
        write(
            "set members",
            M::PATCH,
            "/api/v1/teams/{team_a}",
            members,
            [200, 200, 404, 403, 404, 404, 404, 404, 404, 403],
        ),
    ]
}

/// The coaching records of agent A1, made by A1's team leader, and team A's session template.
fn coaching() -> Vec<Row> {
    use Method as M;
    // An analyst of team A sees A1's scores, and none of A1's coaching records.
    let seen = [200, 200, 404, 200, 404, 200, 404, 404, 404, 404];
    let scored = [200, 200, 404, 200, 404, 200, 404, 404, 404, 200];
    let coach = [200, 200, 404, 200, 404, 403, 404, 404, 404, 404];
    let version = json!({ "version": 1 });
    vec![
        row("read session", M::GET, "/api/v1/sessions/{session}", seen),
        row(
            "prepare session",
            M::GET,
            "/api/v1/sessions/{session}/preparation",
            seen,
        ),
        row("read item", M::GET, "/api/v1/action-items/{item}", seen),
        row("read note", M::GET, "/api/v1/quick-notes/{note}", seen),
        row("read plan", M::GET, "/api/v1/action-plans/{plan}", seen),
        row(
            "read metrics",
            M::GET,
            "/api/v1/agents/{agent_a1}/metrics",
            scored,
        ),
        row(
            "read scorecard",
            M::GET,
            "/api/v1/agents/{agent_a1}/scorecard",
            scored,
        ),
        write(
            "start session",
            M::POST,
            "/api/v1/sessions/{session}/start",
            version.clone(),
            coach,
        ),
        write(
            "progress item",
            M::PATCH,
            "/api/v1/action-items/{item}",
            json!({ "status": "IN_PROGRESS", "version": 1 }),
            seen,
        ),
        write(
            "cancel item",
            M::PATCH,
            "/api/v1/action-items/{item}",
            json!({ "status": "CANCELLED", "cancel_reason": "Not needed", "version": 1 }),
            coach,
        ),
        write(
            "edit note",
            M::PATCH,
            "/api/v1/quick-notes/{note}",
            json!({ "content": "Edited", "version": 1 }),
            [200, 403, 404, 200, 404, 403, 404, 404, 404, 404],
        ),
        write(
            "submit plan",
            M::POST,
            "/api/v1/action-plans/{plan}/submit",
            version,
            coach,
        ),
        write(
            "write metrics",
            M::PUT,
            "/api/v1/agents/{agent_a1}/metrics/2026-01",
            json!({ "quality_score": 90 }),
            [200, 200, 404, 200, 404, 403, 404, 404, 404, 403],
        ),
        row(
            "read team A's template",
            M::GET,
            "/api/v1/session-templates/{template}",
            [200, 200, 404, 200, 404, 404, 404, 404, 404, 404],
        ),
        write(
            "edit team A's template",
            M::PUT,
            "/api/v1/session-templates/{template}",
            json!({ "name": "Edited", "team_id": "{team_a}", "duration_minutes": 30, "version": 1 }),
            [200, 200, 404, 200, 404, 404, 404, 404, 404, 404],
        ),
        write(
            "template for team A",
            M::POST,
            "/api/v1/session-templates",
            json!({ "name": "New", "team_id": "{team_a}", "duration_minutes": 30 }),
            [201, 201, 403, 201, 403, 403, 403, 403, 403, 403],
        ),
        write(
            "template for everyone",
            M::POST,
            "/api/v1/session-templates",
            json!({ "name": "New", "duration_minutes": 30 }),
            [201, 403, 403, 403, 403, 403, 403, 403, 403, 403],
        ),
        row(
            "list webhooks",
            M::GET,
            "/api/v1/webhooks",
            [200, 403, 403, 403, 403, 403, 403, 403, 403, 403],
        ),
        write(
            "register a webhook",
            M::POST,
            "/api/v1/webhooks",
            json!({ "url": "https://bi.example.com/hooks", "events": ["session_changed"] }),
            [201, 403, 403, 403, 403, 403, 403, 403, 403, 403],
        ),
    ]
}

/// The placeholders rows use: the organisation's people and teams, A1's records, team A's
/// template, a form for every team and the analyst's evaluations of A1.
async fn places(app: &TestApp, org: &Org) -> Vec<(&'static str, String)> {
    let leader = app.as_(&org.leader_a);
    let a1 = org.agent_a1.id;
    let mut made = Vec::new();
    let records = [
        (
            "session",
            "/api/v1/sessions",
            json!({ "agent_id": a1, "scheduled_at": test_support::records::slot(0), "duration_minutes": 60 }),
        ),
        (
            "item",
            "/api/v1/action-items",
            json!({ "title": "Item", "assignee_id": a1, "due_date": "2030-01-01", "priority": "LOW" }),
        ),
        (
            "note",
            "/api/v1/quick-notes",
            json!({ "agent_id": a1, "content": "Shared note", "category": "OTHER", "visibility": "SHARED" }),
        ),
        (
            "template",
            "/api/v1/session-templates",
            json!({ "name": "Team A", "team_id": org.team_a, "duration_minutes": 30 }),
        ),
        (
            "plan",
            "/api/v1/action-plans",
            json!({ "agent_id": a1, "title": "Plan", "goal": "Goal", "start_date": "2026-01-01", "end_date": "2026-02-01" }),
        ),
    ];
    for (place, path, body) in records {
        let record = leader.post(path, &body).call().await.ok(201);
        made.push((place, record["id"].as_str().expect("an id").to_owned()));
    }
    let form = app
        .as_(&org.admin)
        .create_form(test_support::records::call_form("Calls", &[]))
        .await
        .ok(201);
    let answers = [
        (0, json!("YES")),
        (1, json!(4)),
        (2, json!(8)),
        (3, json!("YES")),
    ];
    let analyst = app.as_(&org.analyst_a);
    let body = test_support::records::evaluation(&form, a1, &answers);
    let evaluation = analyst.create_evaluation(body.clone()).await.ok(201);
    let evaluation = app
        .as_(&org.analyst_a)
        .evaluation_step(&evaluation, "submit", json!({}))
        .await
        .ok(200);
    let draft = app
        .as_(&org.analyst_a)
        .create_evaluation(body)
        .await
        .ok(201);
    made.extend([
        ("form", form.id.to_string()),
        ("evaluation", evaluation.id.to_string()),
        ("draft", draft.id.to_string()),
    ]);
    made.extend([
        ("agent_a1", a1.to_string()),
        ("agent_a2", org.agent_a2.id.to_string()),
        ("team_a", org.team_a.to_string()),
    ]);
    made
}

fn fill(text: &str, places: &[(&'static str, String)]) -> String {
    places.iter().fold(text.to_owned(), |text, (place, value)| {
        text.replace(&format!("{{{place}}}"), value)
    })
}

/// An organisation with A1's records, and the placeholders that name them.
struct World {
    app: TestApp,
    org: Org,
    places: Vec<(&'static str, String)>,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let places = places(&app, &org).await;
    World { app, org, places }
}

/// The status `persona` (an index into `Org::everyone`) gets for `row`.
async fn status(world: &World, persona: usize, row: &Row) -> u16 {
    let (_, who) = world.org.everyone()[persona];
    let path = fill(row.path, &world.places);
    let mut request = world.app.as_(who).request(row.method.clone(), &path);
    if let Some(body) = &row.body {
        let body = fill(&body.to_string(), &world.places);
        request = request.json(&serde_json::from_str::<Value>(&body).expect("JSON"));
    }
    request.call().await.status()
}

/// Walks `rows`: reads on one organisation, each write cell on a fresh one.
async fn check(rows: Vec<Row>) {
    let shared = world().await;
    let mut failures = Vec::new();
    for row in &rows {
        for (persona, want) in row.expected.iter().copied().enumerate() {
            let got = if row.method == Method::GET {
                status(&shared, persona, row).await
            } else {
                status(&world().await, persona, row).await
            };
            if got != want {
                let who = shared.org.everyone()[persona].0;
                failures.push(format!("{} as {who}: want {want}, got {got}", row.name));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "matrix cells that disagree:\n{}",
        failures.join("\n")
    );
}

/// Quality: a form for every team, an evaluation of A1 by team A's analyst (submitted, at version
/// 2) and a draft of theirs.
fn quality() -> Vec<Row> {
    use Method as M;
    let draft = json!({ "form_id": "{form}", "agent_id": "{agent_a1}", "channel": "CALL",
        "interaction_id": "M-2", "occurred_at": "2026-11-02T10:00:00Z" });
    vec![
        row(
            "read evaluation",
            M::GET,
            "/api/v1/evaluations/{evaluation}",
            [200, 200, 404, 200, 404, 200, 404, 404, 404, 200],
        ),
        row(
            "read a draft",
            M::GET,
            "/api/v1/evaluations/{draft}",
            [404, 404, 404, 404, 404, 404, 404, 404, 404, 200],
        ),
        row(
            "read the form",
            M::GET,
            "/api/v1/evaluation-forms/{form}",
            [200, 200, 200, 200, 200, 404, 404, 404, 404, 200],
        ),
        write(
            "evaluate A1",
            M::POST,
            "/api/v1/evaluations",
            draft,
            [201, 201, 422, 201, 422, 403, 422, 422, 422, 201],
        ),
        write(
            "acknowledge",
            M::POST,
            "/api/v1/evaluations/{evaluation}/acknowledge",
            json!({ "version": 2 }),
            [403, 403, 404, 403, 404, 200, 404, 404, 404, 403],
        ),
        write(
            "amend",
            M::PATCH,
            "/api/v1/evaluations/{evaluation}",
            json!({ "strengths": "Calm", "reason": "Listened again", "version": 2 }),
            [200, 403, 404, 403, 404, 403, 404, 404, 404, 200],
        ),
        write(
            "void",
            M::POST,
            "/api/v1/evaluations/{evaluation}/void",
            json!({ "reason": "Wrong call", "version": 2 }),
            [200, 403, 404, 403, 404, 403, 404, 404, 404, 403],
        ),
    ]
}

#[tokio::test]
async fn quality_follows_the_matrix() {
    check(quality()).await;
}

#[tokio::test]
async fn people_and_teams_follow_the_matrix() {
    check(people()).await;
}

#[tokio::test]
async fn coaching_records_follow_the_matrix() {
    check(coaching()).await;
}
