//! People: create, list in scope, read, edit field by field, deactivate.

use reqwest::Method;
use serde_json::{Value, json};
use test_support::Call;
use test_support::TestApp;

use crate::helpers::{ids, ok_json, problem};

fn new_agent(email: &str, team: Option<uuid::Uuid>) -> Value {
    json!({ "email": email, "name": "New Agent", "role": "AGENT", "password": "a-long-enough-password", "team_id": team })
}

#[tokio::test]
async fn admin_creates_people_and_duplicates_conflict() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let response = app
        .as_(&org.admin)
        .post(
            "/api/v1/users",
            &json!({ "email": "New.Leader@Org.Test", "name": "  New Leader ", "role": "TEAM_LEADER",
                     "password": "a-long-enough-password", "employee_id": "E-77", "department": "Retention" }),
        )
        .send()
        .await
        .expect("answers");
    assert!(response.headers().get("location").is_some());
    assert_eq!(
        response.headers().get("etag").and_then(|v| v.to_str().ok()),
        Some("\"1\"")
    );
    let created = ok_json(response, 201).await;
    assert_eq!(created["email"], "new.leader@org.test");
    assert_eq!(created["name"], "New Leader");
    assert_eq!(created["version"], 1);
    app.login("new.leader@org.test", "a-long-enough-password")
        .await
        .ok(200);

    let again = app
        .as_(&org.admin)
        .post(
            "/api/v1/users",
            &json!({ "email": "new.leader@org.test", "name": "Twin", "role": "AGENT" }),
        )
        .send()
        .await
        .expect("answers");
    let conflict = problem(again, 409).await;
    assert!(conflict["errors"]["email"].is_array(), "{conflict}");

    let same_employee = app
        .as_(&org.admin)
        .post(
            "/api/v1/users",
            &json!({ "email": "x@org.test", "name": "X", "role": "AGENT", "employee_id": "E-77" }),
        )
        .send()
        .await
        .expect("answers");
    let conflict = problem(same_employee, 409).await;
    assert!(conflict["errors"]["employee_id"].is_array(), "{conflict}");
}

#[tokio::test]
async fn invalid_people_get_field_errors_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let bad = app
        .as_(&org.admin)
        .post(
            "/api/v1/users",
            &json!({ "email": "nope", "name": " ", "role": "AGENT", "password": "short" }),
        )
        .send()
        .await
        .expect("answers");
    let body = problem(bad, 422).await;
    for field in ["email", "name", "password"] {
        assert!(body["errors"][field].is_array(), "{field} in {body}");
    }
    let bad_role = app
        .as_(&org.admin)
        .post(
            "/api/v1/users",
            &json!({ "email": "r@org.test", "name": "R", "role": "OWNER" }),
        )
        .send()
        .await
        .expect("answers");
    let body = problem(bad_role, 422).await;
    assert!(body["errors"]["role"].is_array(), "{body}");
    let leader_in_team = app
        .as_(&org.admin)
        .post("/api/v1/users", &json!({ "email": "t@org.test", "name": "T", "role": "TEAM_LEADER", "team_id": org.team_a }))
        .send()
        .await
        .expect("answers");
    problem(leader_in_team, 422).await;
    let all = app
        .as_(&org.admin)
        .get("/api/v1/users?limit=200")
        .call()
        .await
        .ok(200);
    assert_eq!(ids(&all).len(), 10, "no user was written");
}

#[tokio::test]
async fn only_admins_and_managers_of_the_team_create_people() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let app = &app;
    let create = |who, body: Value| async move {
        app.as_(who)
            .post("/api/v1/users", &body)
            .send()
            .await
            .expect("answers")
            .status()
            .as_u16()
    };
    assert_eq!(
        create(&org.manager_a, new_agent("m1@org.test", Some(org.team_a))).await,
        201
    );
    assert_eq!(
        create(&org.manager_a, new_agent("m2@org.test", Some(org.team_b))).await,
        403
    );
    assert_eq!(
        create(&org.manager_a, new_agent("m3@org.test", None)).await,
        403
    );
    assert_eq!(
        create(
            &org.manager_a,
            json!({ "email": "m4@org.test", "name": "M", "role": "TEAM_LEADER" })
        )
        .await,
        403
    );
    assert_eq!(
        create(&org.leader_a, new_agent("l1@org.test", Some(org.team_a))).await,
        403
    );
    assert_eq!(
        create(&org.agent_a1, new_agent("a1@org.test", Some(org.team_a))).await,
        403
    );
    let anonymous = app
        .request(Method::POST, "/api/v1/users")
        .json(&new_agent("z@org.test", None))
        .send()
        .await
        .expect("answers");
    problem(anonymous, 401).await;
}

async fn visible(app: &TestApp, who: &test_support::Persona) -> Vec<String> {
    let page = app
        .as_(who)
        .get("/api/v1/users?limit=200")
        .call()
        .await
        .ok(200);
    let mut found = ids(&page);
    found.sort();
    found
}

fn sorted(people: &[&test_support::Persona]) -> Vec<String> {
    let mut ids: Vec<String> = people.iter().map(|p| p.id.to_string()).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn lists_show_exactly_the_actors_scope() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    assert_eq!(visible(&app, &org.admin).await.len(), 10);
    assert_eq!(
        visible(&app, &org.manager_a).await,
        sorted(&[&org.manager_a, &org.leader_a, &org.agent_a1, &org.agent_a2])
    );
    assert_eq!(
        visible(&app, &org.leader_a).await,
        sorted(&[&org.leader_a, &org.agent_a1, &org.agent_a2])
    );
    assert_eq!(
        visible(&app, &org.leader_b).await,
        sorted(&[&org.leader_b, &org.agent_b1])
    );
    assert_eq!(visible(&app, &org.agent_a1).await, sorted(&[&org.agent_a1]));
    assert_eq!(
        visible(&app, &org.analyst_a).await,
        sorted(&[&org.analyst_a, &org.leader_a, &org.agent_a1, &org.agent_a2])
    );
    // A filter never widens the scope.
    let other_team = format!("/api/v1/users?team_id={}", org.team_b);
    let page = app.as_(&org.leader_a).get(&other_team).call().await.ok(200);
    assert!(ids(&page).is_empty());
    let search = app
        .as_(&org.leader_a)
        .get("/api/v1/users?q=agent%20b1")
        .call()
        .await
        .ok(200);
    assert!(ids(&search).is_empty(), "search stays in scope");
}

#[tokio::test]
async fn filters_search_and_pages_walk_the_list_once() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let agents = app
        .as_(&org.admin)
        .get("/api/v1/users?role=AGENT")
        .call()
        .await
        .ok(200);
    assert_eq!(ids(&agents).len(), 4);
    let team = app
        .as_(&org.admin)
        .get(&format!("/api/v1/users?team_id={}", org.team_a))
        .call()
        .await
        .ok(200);
    assert_eq!(ids(&team).len(), 2);
    let search = app
        .as_(&org.admin)
        .get("/api/v1/users?q=LEADER")
        .call()
        .await
        .ok(200);
    assert_eq!(ids(&search).len(), 2);
    let literal = app
        .as_(&org.admin)
        .get("/api/v1/users?q=%25")
        .call()
        .await
        .ok(200);
    assert!(ids(&literal).is_empty(), "% is matched literally");

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/api/v1/users?limit=2&cursor={cursor}"),
            None => "/api/v1/users?limit=2".to_owned(),
        };
        let page = app.as_(&org.admin).get(&path).call().await.ok(200);
        seen.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((seen.len(), unique.len()), (10, 10));

    for bad in [
        "limit=0",
        "limit=201",
        "cursor=garbage",
        "role=OWNER",
        "active=maybe",
        "colour=red",
    ] {
        let response = app
            .as_(&org.admin)
            .get(&format!("/api/v1/users?{bad}"))
            .send()
            .await
            .expect("answers");
        problem(response, 422).await;
    }
}

#[tokio::test]
async fn reading_outside_the_scope_is_not_found() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let app = &app;
    let read = |who, id: uuid::Uuid| async move {
        app.as_(who)
            .get(&format!("/api/v1/users/{id}"))
            .send()
            .await
            .expect("answers")
            .status()
            .as_u16()
    };
    assert_eq!(read(&org.leader_a, org.agent_a1.id).await, 200);
    assert_eq!(read(&org.leader_a, org.agent_b1.id).await, 404);
    assert_eq!(read(&org.manager_b, org.agent_a1.id).await, 404);
    assert_eq!(read(&org.manager_a, org.leader_a.id).await, 200);
    assert_eq!(read(&org.agent_a1, org.agent_a2.id).await, 404);
    assert_eq!(read(&org.agent_a1, org.agent_a1.id).await, 200);
    assert_eq!(read(&org.admin, org.loner.id).await, 200);
    assert_eq!(read(&org.admin, uuid::Uuid::now_v7()).await, 404);
    let etag = app
        .as_(&org.admin)
        .get(&format!("/api/v1/users/{}", org.loner.id))
        .send()
        .await
        .expect("answers");
    assert_eq!(
        etag.headers().get("etag").and_then(|v| v.to_str().ok()),
        Some("\"1\"")
    );
}

#[tokio::test]
async fn each_field_needs_its_own_permission() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let app = &app;
    let patch = |who, id: uuid::Uuid, body: Value| async move {
        app.as_(who)
            .request(Method::PATCH, &format!("/api/v1/users/{id}"))
            .header("if-match", "\"1\"")
            .json(&body)
            .send()
            .await
            .expect("answers")
            .status()
            .as_u16()
    };
    assert_eq!(
        patch(
            &org.agent_a1,
            org.agent_a1.id,
            json!({ "department": "Sales" })
        )
        .await,
        403
    );
    assert_eq!(
        patch(&org.agent_a1, org.agent_a1.id, json!({ "role": "ADMIN" })).await,
        403
    );
    assert_eq!(
        patch(&org.leader_a, org.agent_a1.id, json!({ "name": "Renamed" })).await,
        403
    );
    assert_eq!(
        patch(
            &org.manager_a,
            org.agent_a1.id,
            json!({ "role": "TEAM_LEADER" })
        )
        .await,
        403
    );
    assert_eq!(
        patch(
            &org.manager_a,
            org.agent_a1.id,
            json!({ "team_id": org.team_b })
        )
        .await,
        403
    );
    assert_eq!(
        patch(
            &org.manager_b,
            org.agent_a1.id,
            json!({ "name": "Renamed" })
        )
        .await,
        404
    );
    assert_eq!(
        patch(
            &org.agent_a1,
            org.agent_a1.id,
            json!({ "name": "Me Myself" })
        )
        .await,
        200
    );
    assert_eq!(
        patch(
            &org.manager_a,
            org.agent_a2.id,
            json!({ "department": "Billing" })
        )
        .await,
        200
    );
    assert_eq!(
        patch(&org.admin, org.loner.id, json!({ "team_id": org.team_b })).await,
        200
    );
    let moved = app
        .as_(&org.leader_b)
        .get(&format!("/api/v1/users/{}", org.loner.id))
        .call()
        .await
        .ok(200);
    assert_eq!(moved["team_id"], json!(org.team_b));
    assert_eq!(moved["version"], 2);
    // An admin cannot demote a leader who still leads a team.
    let body = json!({ "role": "AGENT" });
    let response = app
        .as_(&org.admin)
        .request(Method::PATCH, &format!("/api/v1/users/{}", org.leader_a.id))
        .header("if-match", "\"1\"")
        .json(&body)
        .send()
        .await
        .expect("answers");
    problem(response, 409).await;
}

#[tokio::test]
async fn edits_need_a_version_and_stale_ones_lose() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let path = format!("/api/v1/users/{}", org.agent_a2.id);
    let empty = app
        .as_(&org.admin)
        .patch(&path, &json!({ "version": 1 }))
        .send()
        .await
        .expect("answers");
    problem(empty, 422).await;
    let no_version = app
        .as_(&org.admin)
        .patch(&path, &json!({ "name": "X" }))
        .send()
        .await
        .expect("answers");
    problem(no_version, 428).await;
    let edit = |name: &'static str| {
        app.as_(&org.admin)
            .patch(&path, &json!({ "name": name, "version": 1 }))
            .send()
    };
    let (a, b) = tokio::join!(edit("First"), edit("Second"));
    let mut statuses = [a.expect("answers").status(), b.expect("answers").status()];
    statuses.sort_unstable();
    assert_eq!(
        statuses,
        [200, 412],
        "exactly one of two edits from one version wins"
    );
    let after = app.as_(&org.admin).get(&path).call().await.ok(200);
    assert_eq!(after["version"], 2);
    let stale = app
        .as_(&org.admin)
        .request(Method::PATCH, &path)
        .header("if-match", "\"1\"")
        .json(&json!({ "name": "Late" }))
        .send()
        .await
        .expect("answers");
    problem(stale, 412).await;
}

#[tokio::test]
async fn only_admins_deactivate_and_never_themselves() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let app = &app;
    let deactivate = |who, id: uuid::Uuid| async move {
        app.as_(who)
            .post(&format!("/api/v1/users/{id}/deactivate"), &json!({}))
            .send()
            .await
            .expect("answers")
            .status()
            .as_u16()
    };
    assert_eq!(deactivate(&org.manager_a, org.agent_a1.id).await, 403);
    assert_eq!(deactivate(&org.leader_a, org.agent_a1.id).await, 403);
    assert_eq!(deactivate(&org.agent_a1, org.agent_a1.id).await, 403);
    assert_eq!(deactivate(&org.manager_b, org.agent_a1.id).await, 404);
    assert_eq!(deactivate(&org.admin, org.admin.id).await, 403);
    assert_eq!(deactivate(&org.admin, org.agent_a1.id).await, 200);
    let inactive = app
        .as_(&org.admin)
        .get("/api/v1/users?active=false")
        .call()
        .await
        .ok(200);
    assert_eq!(ids(&inactive), vec![org.agent_a1.id.to_string()]);
}

#[tokio::test]
async fn an_admin_resets_a_password_and_the_person_is_signed_out_everywhere() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let path = format!("/api/v1/users/{}/password-reset", org.agent_a1.id);
    // Nobody but an admin, and an admin not on themself; those who may not see the person learn
    // nothing of them.
    for who in [&org.manager_a, &org.leader_a, &org.agent_a1] {
        app.as_(who)
            .post(&path, &json!({}))
            .call()
            .await
            .problem(403);
    }
    for who in [&org.manager_b, &org.agent_a2] {
        app.as_(who)
            .post(&path, &json!({}))
            .call()
            .await
            .problem(404);
    }
    app.as_(&org.admin)
        .post(
            &format!("/api/v1/users/{}/password-reset", org.admin.id),
            &json!({}),
        )
        .call()
        .await
        .problem(403);
    app.as_(&org.admin)
        .post("/api/v1/users/not-a-user/password-reset", &json!({}))
        .call()
        .await
        .problem(404);
    app.request(Method::POST, &path)
        .json(&json!({}))
        .call()
        .await
        .problem(401);

    let answer = app
        .as_(&org.admin)
        .post(&path, &json!({}))
        .call()
        .await
        .ok(200);
    let temporary = answer["temporary_password"].as_str().expect("a password");
    assert_eq!(temporary.chars().count(), 16, "{answer}");
    // The old sign-in and the old password are over; the temporary one signs in.
    let me = app
        .request(Method::GET, "/api/v1/me")
        .bearer_auth(&org.agent_a1.token)
        .send()
        .await
        .expect("answers");
    assert_eq!(me.status().as_u16(), 401);
    app.login(&org.agent_a1.email, test_support::org::PASSWORD)
        .await
        .problem(401);
    app.login(&org.agent_a1.email, temporary).await.ok(200);
    // Two resets give two different passwords; the audit log names the reset, never the secret.
    let again = app
        .as_(&org.admin)
        .post(&path, &json!({}))
        .call()
        .await
        .ok(200);
    assert_ne!(again["temporary_password"], answer["temporary_password"]);
    let audit = app
        .as_(&org.admin)
        .get("/api/v1/audit?action=user.reset_password")
        .call()
        .await
        .ok(200);
    assert_eq!(audit["items"].as_array().map(Vec::len), Some(2));
    assert!(!audit.to_string().contains(temporary));
}
