//! Action plans: the coach drafts and submits, the agent's manager approves or rejects, the agent
//! acknowledges; targets are checked against real metrics; every illegal move is refused.

use serde_json::{Value, json};
use test_support::{Call, Response};
use test_support::{Org, Persona, TestApp};

use crate::helpers::{ids, ok_json, problem};

fn draft(agent: uuid::Uuid) -> Value {
    json!({
        "agent_id": agent, "title": "Adherence recovery", "goal": "Back to 90% schedule adherence",
        "start_date": "2026-01-01", "end_date": "2026-03-31",
        "items": [{ "title": "Daily schedule check", "due_date": "2026-01-15" }, { "title": "Break timer", "due_date": "2026-02-01", "priority": "HIGH" }],
        "targets": [{ "kpi": "schedule_adherence", "operator": "GTE", "value": 90, "by_month": "2026-02" },
                    { "kpi": "quality_score", "operator": "GTE", "value": 95, "by_month": "2026-02" }]
    })
}

async fn decide(
    app: &TestApp,
    who: &Persona,
    plan: &Value,
    decision: &str,
    body: Value,
) -> Response {
    let mut body = body;
    body["version"] = plan["version"].clone();
    app.as_(who)
        .post(
            &format!(
                "/api/v1/action-plans/{}/{decision}",
                plan["id"].as_str().expect("id")
            ),
            &body,
        )
        .call()
        .await
}

async fn create(app: &TestApp, org: &Org) -> Value {
    app.as_(&org.leader_a)
        .post("/api/v1/action-plans", &draft(org.agent_a1.id))
        .call()
        .await
        .ok(201)
}

#[tokio::test]
async fn a_plan_goes_from_draft_through_approval_to_its_outcome() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let plan = create(&app, &org).await;
    assert_eq!(plan["status"], "DRAFT");
    assert_eq!(plan["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(plan["items"][0]["plan_id"], plan["id"]);

    // Only the agent's manager approves; the leader submits; nobody approves a draft.
    decide(&app, &org.manager_a, &plan, "approve", json!({}))
        .await
        .problem(409);
    let submitted = decide(&app, &org.leader_a, &plan, "submit", json!({}))
        .await
        .ok(200);
    decide(&app, &org.leader_a, &submitted, "approve", json!({}))
        .await
        .problem(403);
    decide(&app, &org.manager_b, &submitted, "approve", json!({}))
        .await
        .problem(404);
    decide(&app, &org.manager_a, &submitted, "reject", json!({}))
        .await
        .problem(422);
    let rejected = decide(
        &app,
        &org.manager_a,
        &submitted,
        "reject",
        json!({ "reason": "Targets too soft" }),
    )
    .await
    .ok(200);
    assert_eq!(
        (
            rejected["status"].clone(),
            rejected["rejection_reason"].clone()
        ),
        (json!("DRAFT"), json!("Targets too soft"))
    );
    let edited = app
        .as_(&org.leader_a)
        .patch(
            &format!("/api/v1/action-plans/{}", plan["id"].as_str().expect("id")),
            &json!({ "goal": "95% adherence", "version": rejected["version"] }),
        )
        .send()
        .await
        .expect("answers");
    let edited = ok_json(edited, 200).await;
    let resubmitted = decide(&app, &org.leader_a, &edited, "submit", json!({}))
        .await
        .ok(200);
    let active = decide(&app, &org.manager_a, &resubmitted, "approve", json!({}))
        .await
        .ok(200);
    assert_eq!(active["status"], "ACTIVE");
    assert_eq!(active["approved_by"], json!(org.manager_a.id));

    // Only the agent acknowledges, once; an active plan no longer edits.
    decide(
        &app,
        &org.leader_a,
        &active,
        "acknowledge",
        json!({ "comment": "x" }),
    )
    .await
    .problem(403);
    let acknowledged = decide(
        &app,
        &org.agent_a1,
        &active,
        "acknowledge",
        json!({ "comment": "Understood" }),
    )
    .await
    .ok(200);
    decide(
        &app,
        &org.agent_a1,
        &acknowledged,
        "acknowledge",
        json!({ "comment": "again" }),
    )
    .await
    .problem(409);
    let patch = app
        .as_(&org.leader_a)
        .patch(
            &format!("/api/v1/action-plans/{}", plan["id"].as_str().expect("id")),
            &json!({ "title": "late", "version": acknowledged["version"] }),
        )
        .send()
        .await
        .expect("answers");
    problem(patch, 409).await;

    let checkpoint = app
        .as_(&org.leader_a)
        .post(
            &format!(
                "/api/v1/action-plans/{}/checkpoints",
                plan["id"].as_str().expect("id")
            ),
            &json!({ "date": "2026-02-01", "notes": "Adherence at 88%" }),
        )
        .send()
        .await
        .expect("answers");
    let with_checkpoint = ok_json(checkpoint, 201).await;
    assert_eq!(
        with_checkpoint["checkpoints"][0]["notes"],
        "Adherence at 88%"
    );
    assert_eq!(
        with_checkpoint["version"].as_i64(),
        acknowledged["version"].as_i64().map(|v| v + 1),
        "a checkpoint changes the plan"
    );

    decide(&app, &org.leader_a, &with_checkpoint, "complete", json!({}))
        .await
        .problem(422);
    let done = decide(
        &app,
        &org.leader_a,
        &with_checkpoint,
        "complete",
        json!({ "outcome": "SUCCESSFUL" }),
    )
    .await
    .ok(200);
    assert_eq!(
        (done["status"].clone(), done["outcome"].clone()),
        (json!("COMPLETED"), json!("SUCCESSFUL"))
    );
    decide(
        &app,
        &org.leader_a,
        &done,
        "cancel",
        json!({ "reason": "no" }),
    )
    .await
    .problem(409);
    decide(&app, &org.leader_a, &done, "fly", json!({}))
        .await
        .problem(404);
}

#[tokio::test]
async fn targets_are_checked_against_the_agents_real_metrics() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let plan = create(&app, &org).await;
    assert_eq!(plan["targets"][0]["actual"], Value::Null);
    let metrics = json!({ "schedule_adherence": 91.5, "quality_score": 93 });
    let path = format!("/api/v1/agents/{}/metrics/2026-02", org.agent_a1.id);
    app.as_(&org.leader_a)
        .request(reqwest::Method::PUT, &path)
        .json(&metrics)
        .call()
        .await
        .ok(200);
    let read = app
        .as_(&org.agent_a1)
        .get(&format!(
            "/api/v1/action-plans/{}",
            plan["id"].as_str().expect("id")
        ))
        .call()
        .await
        .ok(200);
    let targets = read["targets"].as_array().expect("targets");
    let adherence = targets
        .iter()
        .find(|t| t["kpi"] == "schedule_adherence")
        .expect("target");
    assert_eq!(
        (adherence["actual"].clone(), adherence["met"].clone()),
        (json!(91.5), json!(true))
    );
    let quality = targets
        .iter()
        .find(|t| t["kpi"] == "quality_score")
        .expect("target");
    assert_eq!(
        (quality["actual"].clone(), quality["met"].clone()),
        (json!(93.0), json!(false))
    );
}

#[tokio::test]
async fn plans_stay_in_scope_and_bad_drafts_are_refused() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let plan = create(&app, &org).await;
    app.as_(&org.leader_b)
        .post("/api/v1/action-plans", &draft(org.agent_a1.id))
        .call()
        .await
        .problem(422);
    app.as_(&org.agent_a1)
        .post("/api/v1/action-plans", &draft(org.agent_a1.id))
        .call()
        .await
        .problem(403);
    let mut backwards = draft(org.agent_a1.id);
    backwards["end_date"] = json!("2025-12-01");
    backwards["targets"][0]["by_month"] = json!("Feb");
    let body = app
        .as_(&org.leader_a)
        .post("/api/v1/action-plans", &backwards)
        .call()
        .await
        .problem(422);
    assert!(
        body["errors"]["end_date"].is_array() && body["errors"]["targets[0].by_month"].is_array(),
        "{body}"
    );
    let mut unknown = draft(org.agent_a1.id);
    unknown["targets"][0]["kpi"] = json!("happiness");
    app.as_(&org.leader_a)
        .post("/api/v1/action-plans", &unknown)
        .call()
        .await
        .problem(422);

    let count = |who| {
        let app = &app;
        async move {
            ids(&app
                .as_(who)
                .get("/api/v1/action-plans")
                .call()
                .await
                .ok(200))
            .len()
        }
    };
    assert_eq!(count(&org.leader_a).await, 1);
    assert_eq!(count(&org.agent_a1).await, 1);
    assert_eq!(count(&org.manager_a).await, 1);
    for who in [&org.leader_b, &org.manager_b, &org.agent_a2] {
        assert_eq!(count(who).await, 0);
        let path = format!("/api/v1/action-plans/{}", plan["id"].as_str().expect("id"));
        app.as_(who).get(&path).call().await.problem(404);
    }
    // Items may be added to the plan, about its agent.
    let item = json!({ "title": "Extra", "assignee_id": org.agent_a1.id, "due_date": "2026-03-01", "priority": "LOW", "plan_id": plan["id"] });
    let added = app
        .as_(&org.leader_a)
        .post("/api/v1/action-items", &item)
        .call()
        .await
        .ok(201);
    assert_eq!(added["plan_id"], plan["id"]);
    app.as_(&org.leader_b)
        .post("/api/v1/action-items", &item)
        .call()
        .await
        .problem(422);
}

#[tokio::test]
async fn concurrent_decisions_on_one_version_have_one_winner() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let plan = create(&app, &org).await;
    let submitted = decide(&app, &org.leader_a, &plan, "submit", json!({}))
        .await
        .ok(200);
    let (a, b) = tokio::join!(
        decide(&app, &org.manager_a, &submitted, "approve", json!({})),
        decide(
            &app,
            &org.admin,
            &submitted,
            "reject",
            json!({ "reason": "No" })
        )
    );
    let mut statuses = [a.status(), b.status()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 412]);
}

#[tokio::test]
async fn nobody_approves_a_plan_they_drafted() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let plan = app
        .as_(&org.manager_a)
        .post("/api/v1/action-plans", &draft(org.agent_a1.id))
        .call()
        .await
        .ok(201);
    let submitted = decide(&app, &org.manager_a, &plan, "submit", json!({}))
        .await
        .ok(200);
    decide(&app, &org.manager_a, &submitted, "approve", json!({}))
        .await
        .problem(403);
    let approved = decide(&app, &org.admin, &submitted, "approve", json!({}))
        .await
        .ok(200);
    assert_eq!(approved["approved_by"], org.admin.id.to_string());
    assert_ne!(approved["approved_by"], approved["created_by"]);

    // What the manager approved does not grow behind their back.
    let item = app
        .as_(&org.leader_a)
        .post(
            "/api/v1/action-items",
            &json!({ "title": "Sneaked in", "assignee_id": org.agent_a1.id,
                     "due_date": "2026-02-10", "priority": "MEDIUM", "plan_id": approved["id"] }),
        )
        .send()
        .await
        .expect("answers");
    let refused = problem(item, 409).await;
    assert!(
        refused["detail"]
            .as_str()
            .is_some_and(|d| d.contains("ACTIVE")),
        "{refused}"
    );
}
