//! The authorisation matrix for people and teams, as data: persona x endpoint x target, with
//! the expected status. One test walks the table and reports every row that disagrees.

use reqwest::Method;
use serde_json::{Value, json};
use test_support::{Org, Persona, TestApp};

struct Row {
    who: fn(&Org) -> &Persona,
    method: Method,
    path: fn(&Org) -> String,
    body: fn(&Org) -> Value,
    expected: u16,
}

fn row(
    who: fn(&Org) -> &Persona,
    method: Method,
    path: fn(&Org) -> String,
    body: fn(&Org) -> Value,
    expected: u16,
) -> Row {
    Row {
        who,
        method,
        path,
        body,
        expected,
    }
}

fn none(_: &Org) -> Value {
    Value::Null
}

fn rows() -> Vec<Row> {
    use Method as M;
    let user_a1 = |o: &Org| format!("/api/v1/users/{}", o.agent_a1.id);
    let team_a = |o: &Org| format!("/api/v1/teams/{}", o.team_a);
    let name = |_: &Org| json!({ "name": "Matrix Name", "version": 1 });
    let dept = |_: &Org| json!({ "department": "Matrix", "version": 1 });
    let deact = |o: &Org| format!("/api/v1/users/{}/deactivate", o.agent_a1.id);
    let agent_in_a = |o: &Org| json!({ "email": "matrix.a@org.test", "name": "M", "role": "AGENT", "team_id": o.team_a });
    let team_members =
        |o: &Org| json!({ "agent_ids": [o.agent_a1.id, o.agent_a2.id], "version": 1 });
    vec![
        // Read one agent: own record, own team, managed team, other team.
        row(|o| &o.admin, M::GET, user_a1, none, 200),
        row(|o| &o.manager_a, M::GET, user_a1, none, 200),
        row(|o| &o.manager_b, M::GET, user_a1, none, 404),
        row(|o| &o.leader_a, M::GET, user_a1, none, 200),
        row(|o| &o.leader_b, M::GET, user_a1, none, 404),
        row(|o| &o.agent_a1, M::GET, user_a1, none, 200),
        row(|o| &o.agent_a2, M::GET, user_a1, none, 404),
        row(|o| &o.agent_b1, M::GET, user_a1, none, 404),
        // Rename the agent.
        row(|o| &o.manager_b, M::PATCH, user_a1, name, 404),
        row(|o| &o.leader_a, M::PATCH, user_a1, name, 403),
        row(|o| &o.agent_a2, M::PATCH, user_a1, name, 404),
        row(|o| &o.agent_a1, M::PATCH, user_a1, name, 200),
        // Employment details.
        row(|o| &o.leader_a, M::PATCH, user_a1, dept, 403),
        row(|o| &o.agent_a1, M::PATCH, user_a1, dept, 403),
        row(|o| &o.manager_b, M::PATCH, user_a1, dept, 404),
        row(|o| &o.manager_a, M::PATCH, user_a1, dept, 200),
        // Deactivate.
        row(|o| &o.manager_a, M::POST, deact, none, 403),
        row(|o| &o.leader_a, M::POST, deact, none, 403),
        row(|o| &o.agent_b1, M::POST, deact, none, 404),
        // Create an agent in team A.
        row(
            |o| &o.manager_b,
            M::POST,
            |_| "/api/v1/users".into(),
            agent_in_a,
            403,
        ),
        row(
            |o| &o.leader_a,
            M::POST,
            |_| "/api/v1/users".into(),
            agent_in_a,
            403,
        ),
        row(
            |o| &o.agent_a1,
            M::POST,
            |_| "/api/v1/users".into(),
            agent_in_a,
            403,
        ),
        row(
            |o| &o.manager_a,
            M::POST,
            |_| "/api/v1/users".into(),
            agent_in_a,
            201,
        ),
        // Read and edit team A.
        row(|o| &o.admin, M::GET, team_a, none, 200),
        row(|o| &o.manager_a, M::GET, team_a, none, 200),
        row(|o| &o.manager_b, M::GET, team_a, none, 404),
        row(|o| &o.leader_a, M::GET, team_a, none, 200),
        row(|o| &o.leader_b, M::GET, team_a, none, 404),
        row(|o| &o.agent_a1, M::GET, team_a, none, 404),
        row(|o| &o.leader_a, M::PATCH, team_a, team_members, 403),
        row(|o| &o.manager_b, M::PATCH, team_a, team_members, 404),
        row(|o| &o.manager_a, M::PATCH, team_a, team_members, 200),
    ]
}

#[tokio::test]
async fn people_and_teams_follow_the_matrix() {
    let mut failures = Vec::new();
    // A fresh organisation per row, so rows cannot affect each other.
    for (index, row) in rows().into_iter().enumerate() {
        let app = TestApp::spawn().await;
        let org = app.seed_org().await;
        let who = (row.who)(&org);
        let path = (row.path)(&org);
        let mut request = app.as_(who).request(row.method.clone(), &path);
        let body = (row.body)(&org);
        if !body.is_null() {
            request = request.json(&body);
        } else if row.method != Method::GET {
            request = request.json(&json!({}));
        }
        let status = request.send().await.expect("answers").status();
        if status != row.expected {
            failures.push(format!(
                "row {index}: {:?} {} {path}: want {}, got {status}",
                who.role, row.method, row.expected
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "matrix rows that disagree:\n{}",
        failures.join("\n")
    );
}
