//! Action plans: the coach drafts and submits, the agent's manager approves or rejects, the agent
//! acknowledges; targets are checked against real metrics; every illegal move is refused.

use domain::{PlanOutcome, PlanStatus};
use dto::query::{ActionItemQuery, PlanQuery};
use dto::{ActionPlan, MonthValue, PlanEvent};
use serde_json::{Value, json};
use test_support::Call;
use test_support::{Org, TestApp};

use crate::helpers::notified;
use test_support::records::action_plan;

async fn create(app: &TestApp, org: &Org) -> ActionPlan {
    app.as_(&org.leader_a)
        .create_action_plan(action_plan(org.agent_a1.id))
        .await
        .ok(201)
}

#[tokio::test]
async fn a_plan_goes_from_draft_through_approval_to_its_outcome() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let plan = create(&app, &org).await;
    assert_eq!(plan.status, PlanStatus::Draft);
    assert_eq!(plan.items.len(), 2);
    assert_eq!(plan.items[0].plan_id, Some(plan.id));

    // Only the agent's manager approves; the leader submits; nobody approves a draft.
    app.as_(&org.manager_a)
        .decide_action_plan(&plan, "approve", json!({}))
        .await
        .problem(409);
    let submitted = app
        .as_(&org.leader_a)
        .decide_action_plan(&plan, "submit", json!({}))
        .await
        .ok(200);
    app.as_(&org.leader_a)
        .decide_action_plan(&submitted, "approve", json!({}))
        .await
        .problem(403);
    app.as_(&org.manager_b)
        .decide_action_plan(&submitted, "approve", json!({}))
        .await
        .problem(404);
    app.as_(&org.manager_a)
        .decide_action_plan(&submitted, "reject", json!({}))
        .await
        .problem(422);
    let rejected = app
        .as_(&org.manager_a)
        .decide_action_plan(
            &submitted,
            "reject",
            json!({ "reason": "Targets too soft" }),
        )
        .await
        .ok(200);
    assert_eq!(
        (rejected.status, rejected.rejection_reason.as_deref()),
        (PlanStatus::Draft, Some("Targets too soft"))
    );
    let edited = app
        .as_(&org.leader_a)
        .update_action_plan(&rejected, json!({ "goal": "95% adherence" }))
        .await
        .ok(200);
    let resubmitted = app
        .as_(&org.leader_a)
        .decide_action_plan(&edited, "submit", json!({}))
        .await
        .ok(200);
    let active = app
        .as_(&org.manager_a)
        .decide_action_plan(&resubmitted, "approve", json!({}))
        .await
        .ok(200);
    assert_eq!(active.status, PlanStatus::Active);
    assert_eq!(active.approved_by, Some(org.manager_a.id.into()));

    // Only the agent acknowledges, once; an active plan no longer edits.
    app.as_(&org.leader_a)
        .decide_action_plan(&active, "acknowledge", json!({ "comment": "x" }))
        .await
        .problem(403);
    let acknowledged = app
        .as_(&org.agent_a1)
        .decide_action_plan(&active, "acknowledge", json!({ "comment": "Understood" }))
        .await
        .ok(200);
    app.as_(&org.agent_a1)
        .decide_action_plan(&acknowledged, "acknowledge", json!({ "comment": "again" }))
        .await
        .problem(409);
    app.as_(&org.leader_a)
        .update_action_plan(&acknowledged, json!({ "title": "late" }))
        .await
        .problem(409);

    let with_checkpoint = app
        .as_(&org.leader_a)
        .add_checkpoint(
            plan.id,
            json!({ "date": "2026-02-01", "notes": "Adherence at 88%" }),
        )
        .await
        .ok(201);
    assert_eq!(with_checkpoint.checkpoints[0].notes, "Adherence at 88%");
    assert_eq!(
        with_checkpoint.version,
        acknowledged.version + 1,
        "a checkpoint changes the plan"
    );

    app.as_(&org.leader_a)
        .decide_action_plan(&with_checkpoint, "complete", json!({}))
        .await
        .problem(422);
    let done = app
        .as_(&org.leader_a)
        .decide_action_plan(
            &with_checkpoint,
            "complete",
            json!({ "outcome": "SUCCESSFUL" }),
        )
        .await
        .ok(200);
    assert_eq!(
        (done.status, done.outcome),
        (PlanStatus::Completed, Some(PlanOutcome::Successful))
    );
    app.as_(&org.leader_a)
        .decide_action_plan(&done, "cancel", json!({ "reason": "no" }))
        .await
        .problem(409);
    app.as_(&org.leader_a)
        .decide_action_plan(&done, "fly", json!({}))
        .await
        .problem(404);
}

#[tokio::test]
async fn targets_are_checked_against_the_agents_real_metrics() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let plan = create(&app, &org).await;
    assert_eq!(plan.targets[0].actual, None);
    // Before the plan, during it, and after the target's month: the progress is the middle.
    for (month, adherence) in [
        ("2025-12", 70.0),
        ("2026-01", 84.0),
        ("2026-02", 91.5),
        ("2026-03", 95.0),
    ] {
        let metrics = json!({ "schedule_adherence": adherence, "quality_score": 93 });
        app.as_(&org.leader_a)
            .put_metrics(org.agent_a1.id, month, metrics)
            .await
            .ok(200);
    }
    let read = app.as_(&org.agent_a1).action_plan(plan.id).await.ok(200);
    let target = |kpi: &str| {
        read.targets
            .iter()
            .find(|t| t.kpi == kpi)
            .expect("target")
            .clone()
    };
    let adherence = target("schedule_adherence");
    assert_eq!((adherence.actual, adherence.met), (Some(91.5), Some(true)));
    let month = |month: &str, value| MonthValue {
        month: month.to_owned(),
        value,
    };
    assert_eq!(
        adherence.progress,
        [month("2026-01", 84.0), month("2026-02", 91.5)],
        "from the plan's first month to the target's"
    );
    let quality = target("quality_score");
    assert_eq!((quality.actual, quality.met), (Some(93.0), Some(false)));
}

#[tokio::test]
async fn plans_stay_in_scope_and_bad_drafts_are_refused() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let plan = create(&app, &org).await;
    app.as_(&org.leader_b)
        .create_action_plan(action_plan(org.agent_a1.id))
        .await
        .problem(422);
    app.as_(&org.agent_a1)
        .create_action_plan(action_plan(org.agent_a1.id))
        .await
        .problem(403);
    let mut backwards = action_plan(org.agent_a1.id);
    backwards["end_date"] = json!("2025-12-01");
    backwards["targets"][0]["by_month"] = json!("Feb");
    let body = app
        .as_(&org.leader_a)
        .create_action_plan(backwards)
        .await
        .problem(422);
    assert!(
        body["errors"]["end_date"].is_array() && body["errors"]["targets[0].by_month"].is_array(),
        "{body}"
    );
    let mut unknown = action_plan(org.agent_a1.id);
    unknown["targets"][0]["kpi"] = json!("happiness");
    app.as_(&org.leader_a)
        .create_action_plan(unknown)
        .await
        .problem(422);

    let count = |who| {
        let app = &app;
        async move {
            app.as_(who)
                .action_plans(&PlanQuery::default())
                .await
                .ok(200)
                .items
                .len()
        }
    };
    assert_eq!(count(&org.leader_a).await, 1);
    assert_eq!(count(&org.agent_a1).await, 1);
    assert_eq!(count(&org.manager_a).await, 1);
    for who in [&org.leader_b, &org.manager_b, &org.agent_a2] {
        assert_eq!(count(who).await, 0);
        app.as_(who).action_plan(plan.id).await.problem(404);
    }
    // Items may be added to the plan, about its agent.
    let item = json!({ "title": "Extra", "assignee_id": org.agent_a1.id, "due_date": "2026-03-01", "priority": "LOW", "plan_id": plan.id });
    let added = app
        .as_(&org.leader_a)
        .create_action_item(item.clone())
        .await
        .ok(201);
    assert_eq!(added.plan_id, Some(plan.id));
    app.as_(&org.leader_b)
        .create_action_item(item)
        .await
        .problem(422);
}

#[tokio::test]
async fn concurrent_decisions_on_one_version_have_one_winner() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let plan = create(&app, &org).await;
    let submitted = app
        .as_(&org.leader_a)
        .decide_action_plan(&plan, "submit", json!({}))
        .await
        .ok(200);
    let (a, b) = tokio::join!(
        app.as_(&org.manager_a)
            .decide_action_plan(&submitted, "approve", json!({})),
        app.as_(&org.admin)
            .decide_action_plan(&submitted, "reject", json!({ "reason": "No" }))
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
        .create_action_plan(action_plan(org.agent_a1.id))
        .await
        .ok(201);
    let submitted = app
        .as_(&org.manager_a)
        .decide_action_plan(&plan, "submit", json!({}))
        .await
        .ok(200);
    app.as_(&org.manager_a)
        .decide_action_plan(&submitted, "approve", json!({}))
        .await
        .problem(403);
    let approved = app
        .as_(&org.admin)
        .decide_action_plan(&submitted, "approve", json!({}))
        .await
        .ok(200);
    assert_eq!(approved.approved_by, Some(org.admin.id.into()));
    assert_ne!(approved.approved_by, approved.created_by);

    // What the manager approved does not grow behind their back.
    let refused = app
        .as_(&org.leader_a)
        .create_action_item(
            json!({ "title": "Sneaked in", "assignee_id": org.agent_a1.id,
                     "due_date": "2026-02-10", "priority": "MEDIUM", "plan_id": approved.id }),
        )
        .await
        .problem(409);
    assert!(
        refused["detail"]
            .as_str()
            .is_some_and(|d| d.contains("while it is active")),
        "in words, not the state's wire name: {refused}"
    );
}

#[tokio::test]
async fn a_plans_history_says_who_did_what_to_those_who_see_the_plan() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let plan = create(&app, &org).await;
    let submitted = app
        .as_(&org.leader_a)
        .decide_action_plan(&plan, "submit", json!({}))
        .await
        .ok(200);
    app.as_(&org.manager_a)
        .decide_action_plan(&submitted, "approve", json!({}))
        .await
        .ok(200);
    let path = format!("/api/v1/action-plans/{}/history", plan.id);
    // The agent, their coach, their manager and an admin read it, newest first.
    for who in [&org.agent_a1, &org.leader_a, &org.manager_a, &org.admin] {
        let answer = app.as_(who).get(&path).call().await;
        // The audit log's addresses and values are not part of it.
        let raw = answer.text();
        assert!(
            !raw.contains("\"ip\"") && !raw.contains("\"changes\""),
            "{raw}"
        );
        let history: Vec<PlanEvent> = serde_json::from_str(&raw).expect("a list of steps");
        let steps: Vec<(&str, Option<domain::UserId>)> = history
            .iter()
            .map(|step| (step.what.as_str(), step.actor_id))
            .collect();
        let (leader, manager) = (Some(org.leader_a.id.into()), Some(org.manager_a.id.into()));
        assert_eq!(
            steps,
            [("approve", manager), ("submit", leader), ("create", leader)],
            "{raw}"
        );
    }
    // Another team's people, and another agent of the same team, are told it does not exist.
    for who in [&org.leader_b, &org.manager_b, &org.agent_a2, &org.agent_b1] {
        app.as_(who).get(&path).call().await.problem(404);
    }
    app.request(reqwest::Method::GET, &path)
        .call()
        .await
        .problem(401);
    app.as_(&org.leader_a)
        .get("/api/v1/action-plans/not-a-plan/history")
        .call()
        .await
        .problem(404);
}

#[tokio::test]
async fn a_decision_tells_whoever_drafted_the_plan_by_name() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let plan = create(&app, &org).await;
    let submitted = app
        .as_(&org.leader_a)
        .decide_action_plan(&plan, "submit", json!({}))
        .await
        .ok(200);
    let rejected = app
        .as_(&org.manager_a)
        .decide_action_plan(
            &submitted,
            "reject",
            json!({ "reason": "Targets too soft" }),
        )
        .await
        .ok(200);
    let sent_back = notified(&app, &org.leader_a, "PLAN_SENT_BACK").await;
    assert_eq!(sent_back.len(), 1, "{sent_back:?}");
    assert!(
        sent_back[0].contains("Manager A") && sent_back[0].contains("Targets too soft"),
        "{sent_back:?}"
    );
    assert!(
        notified(&app, &org.agent_a1, "PLAN_SENT_BACK")
            .await
            .is_empty()
    );

    // Back in draft, the targets are changed as a whole; an unknown KPI is refused on its field.
    let unknown = app
        .as_(&org.leader_a)
        .update_action_plan(&rejected, json!({ "targets": [{ "kpi": "nope", "operator": "GTE", "value": 1, "by_month": "2026-02" }] }))
        .await
        .problem(422);
    assert!(unknown["errors"]["targets[0].kpi"].is_array(), "{unknown}");
    let firmer = app
        .as_(&org.leader_a)
        .update_action_plan(&rejected, json!({ "targets": [{ "kpi": "schedule_adherence", "operator": "GTE", "value": 93, "by_month": "2026-03" }] }))
        .await
        .ok(200);
    assert_eq!(firmer.targets.len(), 1);
    assert_eq!(firmer.targets[0].value, 93.0);
    let resubmitted = app
        .as_(&org.leader_a)
        .decide_action_plan(&firmer, "submit", json!({}))
        .await
        .ok(200);
    app.as_(&org.leader_a)
        .update_action_plan(&resubmitted, json!({ "targets": [] }))
        .await
        .problem(409);
    app.as_(&org.manager_a)
        .decide_action_plan(&resubmitted, "approve", json!({}))
        .await
        .ok(200);
    let approved = notified(&app, &org.leader_a, "PLAN_APPROVED").await;
    assert_eq!(approved.len(), 1, "{approved:?}");
    assert!(approved[0].contains("Manager A"), "{approved:?}");
    assert_eq!(
        notified(&app, &org.agent_a1, "PLAN_AWAITING_ACKNOWLEDGEMENT")
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn an_agent_sees_a_plans_items_once_the_plan_is_active() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let mut live = app.live(&org.agent_a1).await;
    let plan = create(&app, &org).await;
    let extra = app
        .as_(&org.leader_a)
        .create_action_item(
            json!({ "title": "Shadow a senior colleague", "assignee_id": org.agent_a1.id,
                     "due_date": "2026-02-10", "priority": "LOW", "plan_id": plan.id }),
        )
        .await
        .ok(201);
    assert!(extra.awaiting_plan);
    let extra_id = extra.id.to_string();

    let agent_items = |query: ActionItemQuery| {
        let app = &app;
        let agent = &org.agent_a1;
        async move {
            app.as_(agent)
                .action_items(&query)
                .await
                .ok(200)
                .items
                .len()
        }
    };
    let hidden = || async {
        assert_eq!(
            agent_items(ActionItemQuery::default()).await,
            0,
            "not in the agent's list"
        );
        let by_plan = ActionItemQuery {
            plan_id: Some(plan.id),
            ..ActionItemQuery::default()
        };
        assert_eq!(agent_items(by_plan).await, 0, "not by the plan either");
        app.as_(&org.agent_a1)
            .get(&format!("/api/v1/action-items/{extra_id}"))
            .call()
            .await
            .problem(404);
        let seen = app.as_(&org.agent_a1).action_plan(plan.id).await.ok(200);
        assert_eq!(seen.items, [], "the plan shows the agent no items yet");
        let found = app
            .as_(&org.agent_a1)
            .get("/api/v1/search?q=shadow")
            .call()
            .await
            .ok(200);
        assert!(!found.to_string().contains(&extra_id), "{found}");
    };
    hidden().await;
    let coach = app.as_(&org.leader_a).action_plan(plan.id).await.ok(200);
    assert_eq!(coach.items.len(), 3);

    let submitted = app
        .as_(&org.leader_a)
        .decide_action_plan(&coach, "submit", json!({}))
        .await
        .ok(200);
    hidden().await;
    let active = app
        .as_(&org.manager_a)
        .decide_action_plan(&submitted, "approve", json!({}))
        .await
        .ok(200);
    assert!(!active.items[0].awaiting_plan);
    assert_eq!(
        agent_items(ActionItemQuery::default()).await,
        3,
        "shown once active"
    );
    app.as_(&org.agent_a1)
        .get(&format!("/api/v1/action-items/{extra_id}"))
        .call()
        .await
        .ok(200);

    // Live: the draft's item and the plan's items stayed out of the agent's stream until then.
    let mut messages = Vec::new();
    while !messages
        .last()
        .is_some_and(|m: &Value| m["data"]["status"] == "ACTIVE")
    {
        messages.extend(live.until("action_plan_changed").await);
    }
    assert!(
        messages.iter().all(|m| m["type"] != "action_item_changed"),
        "{messages:?}"
    );
    let plans: Vec<&Value> = messages
        .iter()
        .filter(|m| m["type"] == "action_plan_changed")
        .collect();
    let (active_event, earlier) = plans.split_last().expect("the plan's events");
    assert!(
        earlier.iter().all(|m| m["data"]["items"] == json!([])),
        "{earlier:?}"
    );
    assert_eq!(
        active_event["data"]["items"].as_array().map(Vec::len),
        Some(3),
        "{active_event}"
    );
}
