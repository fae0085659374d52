//! Action items: who may create, move forward, edit and cancel; overdue; scope; concurrency.

use chrono::{Duration, Utc};
use serde_json::{Value, json};
use test_support::{Call, Response};
use test_support::{Persona, TestApp};

use crate::helpers::{ids, problem};

async fn create(app: &TestApp, who: &Persona, assignee: uuid::Uuid, due_in_days: i64) -> Response {
    let due = (Utc::now().date_naive() + Duration::days(due_in_days)).to_string();
    app.as_(who)
        .post("/api/v1/action-items", &json!({ "title": "Review three calls", "assignee_id": assignee, "due_date": due, "priority": "MEDIUM" }))
        .call().await
}

async fn patch(app: &TestApp, who: &Persona, item: &Value, body: Value) -> Response {
    let mut body = body;
    body["version"] = item["version"].clone();
    app.as_(who)
        .patch(
            &format!("/api/v1/action-items/{}", item["id"].as_str().expect("id")),
            &body,
        )
        .call()
        .await
}

#[tokio::test]
async fn the_coach_side_creates_items_for_agents_in_scope() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let item = create(&app, &org.leader_a, org.agent_a1.id, 7)
        .await
        .ok(201);
    assert_eq!(item["status"], "PENDING");
    assert_eq!(item["agent_id"], json!(org.agent_a1.id));
    assert_eq!(item["created_by"], json!(org.leader_a.id));
    create(&app, &org.manager_a, org.agent_a2.id, 7)
        .await
        .ok(201);
    create(&app, &org.leader_a, org.agent_b1.id, 7)
        .await
        .problem(422);
    create(&app, &org.agent_a1, org.agent_a1.id, 7)
        .await
        .problem(403);
    create(&app, &org.admin, org.leader_a.id, 7)
        .await
        .problem(422);
    let bad = app
        .as_(&org.leader_a)
        .post("/api/v1/action-items", &json!({ "title": " ", "assignee_id": org.agent_a1.id, "due_date": "someday", "priority": "URGENT" }))
        .send()
        .await
        .expect("answers");
    problem(bad, 422).await;
}

#[tokio::test]
async fn the_assignee_moves_forward_and_only_the_coach_side_cancels_or_edits() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let item = create(&app, &org.leader_a, org.agent_a1.id, 7)
        .await
        .ok(201);
    patch(&app, &org.agent_a1, &item, json!({ "status": "CANCELLED" }))
        .await
        .problem(403);
    patch(&app, &org.agent_a1, &item, json!({ "title": "Easier" }))
        .await
        .problem(403);
    patch(
        &app,
        &org.agent_a2,
        &item,
        json!({ "status": "IN_PROGRESS" }),
    )
    .await
    .problem(404);
    let started = patch(
        &app,
        &org.agent_a1,
        &item,
        json!({ "status": "IN_PROGRESS" }),
    )
    .await
    .ok(200);
    patch(
        &app,
        &org.agent_a1,
        &started,
        json!({ "status": "PENDING" }),
    )
    .await
    .problem(409);
    let done = patch(
        &app,
        &org.agent_a1,
        &started,
        json!({ "status": "COMPLETED" }),
    )
    .await
    .ok(200);
    assert!(done["completed_at"].is_string());
    patch(&app, &org.leader_a, &done, json!({ "status": "CANCELLED" }))
        .await
        .problem(409);

    let other = create(&app, &org.leader_a, org.agent_a1.id, 7)
        .await
        .ok(201);
    let edited = patch(
        &app,
        &org.leader_a,
        &other,
        json!({ "title": "Review five calls", "priority": "HIGH", "assignee_id": org.agent_a2.id }),
    )
    .await
    .ok(200);
    assert_eq!(edited["assignee_id"], json!(org.agent_a2.id));
    let cancelled = patch(
        &app,
        &org.manager_a,
        &edited,
        json!({ "status": "CANCELLED" }),
    )
    .await
    .ok(200);
    patch(
        &app,
        &org.leader_a,
        &cancelled,
        json!({ "status": "IN_PROGRESS" }),
    )
    .await
    .problem(409);
    patch(&app, &org.leader_b, &cancelled, json!({ "title": "x" }))
        .await
        .problem(404);
}

#[tokio::test]
async fn overdue_is_derived_and_lists_stay_in_scope() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let late = create(&app, &org.leader_a, org.agent_a1.id, -2)
        .await
        .ok(201);
    assert_eq!(late["overdue"], true);
    create(&app, &org.leader_a, org.agent_a1.id, 5)
        .await
        .ok(201);
    create(&app, &org.leader_b, org.agent_b1.id, 5)
        .await
        .ok(201);
    let done = patch(&app, &org.agent_a1, &late, json!({ "status": "COMPLETED" }))
        .await
        .ok(200);
    assert_eq!(done["overdue"], false, "a completed item is never overdue");
    let list = |who, query: &'static str| {
        let app = &app;
        async move {
            ids(&app
                .as_(who)
                .get(&format!("/api/v1/action-items{query}"))
                .call()
                .await
                .ok(200))
            .len()
        }
    };
    assert_eq!(list(&org.admin, "").await, 3);
    assert_eq!(list(&org.leader_a, "").await, 2);
    assert_eq!(list(&org.agent_a1, "").await, 2);
    assert_eq!(list(&org.agent_a2, "").await, 0);
    assert_eq!(list(&org.leader_b, "").await, 1);
    assert_eq!(list(&org.leader_a, "?status=COMPLETED").await, 1);
    let tomorrow = (Utc::now().date_naive() + Duration::days(1)).to_string();
    let due_soon = format!("/api/v1/action-items?due_before={tomorrow}");
    let page = app.as_(&org.admin).get(&due_soon).call().await.ok(200);
    assert_eq!(ids(&page).len(), 1);
    let other_team = format!("/api/v1/action-items?agent_id={}", org.agent_b1.id);
    let smuggled = app.as_(&org.leader_a).get(&other_team).call().await.ok(200);
    assert!(ids(&smuggled).is_empty());
}

#[tokio::test]
async fn concurrent_item_updates_have_one_winner() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let item = create(&app, &org.leader_b, org.agent_b1.id, 3)
        .await
        .ok(201);
    let (a, b) = tokio::join!(
        patch(&app, &org.agent_b1, &item, json!({ "status": "COMPLETED" })),
        patch(&app, &org.leader_b, &item, json!({ "status": "CANCELLED" }))
    );
    let mut statuses = [a.status(), b.status()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 412]);
}
