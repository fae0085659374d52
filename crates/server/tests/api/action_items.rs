//! Action items: who may create, move forward, edit and cancel; overdue; scope; concurrency.

use chrono::{Duration, NaiveDate, Utc};
use domain::{ActionItemStatus, UserId};
use dto::query::ActionItemQuery;
use serde_json::json;
use test_support::TestApp;

use crate::helpers::problem;
use test_support::records;

#[tokio::test]
async fn the_coach_side_creates_items_for_agents_in_scope() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let item = app
        .as_(&org.leader_a)
        .create_action_item(records::action_item(org.agent_a1.id, 7))
        .await
        .ok(201);
    assert_eq!(item.status, ActionItemStatus::Pending);
    assert_eq!(item.agent_id, UserId(org.agent_a1.id));
    assert_eq!(item.created_by, Some(UserId(org.leader_a.id)));
    app.as_(&org.manager_a)
        .create_action_item(records::action_item(org.agent_a2.id, 7))
        .await
        .ok(201);
    app.as_(&org.leader_a)
        .create_action_item(records::action_item(org.agent_b1.id, 7))
        .await
        .problem(422);
    app.as_(&org.agent_a1)
        .create_action_item(records::action_item(org.agent_a1.id, 7))
        .await
        .problem(403);
    app.as_(&org.admin)
        .create_action_item(records::action_item(org.leader_a.id, 7))
        .await
        .problem(422);
    let bad = app
        .as_(&org.leader_a)
        .post("/api/v1/action-items", &json!({ "title": " ", "assignee_id": org.agent_a1.id, "due_date": "someday", "priority": "URGENT" }))
        .send()
        .await
        .expect("answers");
    problem(bad, 422).await;
    // An item comes from a session or a plan: naming both is refused before anything is read.
    let mut both = records::action_item(org.agent_a1.id, 7);
    both["session_id"] = json!(uuid::Uuid::now_v7());
    both["plan_id"] = json!(uuid::Uuid::now_v7());
    let refused = app
        .as_(&org.leader_a)
        .create_action_item(both)
        .await
        .problem(422);
    assert!(refused["errors"]["plan_id"].is_array(), "{refused}");
    assert!(refused["errors"].get("session_id").is_none(), "{refused}");
}

#[tokio::test]
async fn the_assignee_moves_forward_and_only_the_coach_side_cancels_or_edits() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let item = app
        .as_(&org.leader_a)
        .create_action_item(records::action_item(org.agent_a1.id, 7))
        .await
        .ok(201);
    app.as_(&org.agent_a1)
        .update_action_item(&item, json!({ "status": "CANCELLED" }))
        .await
        .problem(403);
    app.as_(&org.agent_a1)
        .update_action_item(&item, json!({ "title": "Easier" }))
        .await
        .problem(403);
    app.as_(&org.agent_a2)
        .update_action_item(&item, json!({ "status": "IN_PROGRESS" }))
        .await
        .problem(404);
    let started = app
        .as_(&org.agent_a1)
        .update_action_item(&item, json!({ "status": "IN_PROGRESS" }))
        .await
        .ok(200);
    app.as_(&org.agent_a1)
        .update_action_item(&started, json!({ "status": "PENDING" }))
        .await
        .problem(409);
    let done = app
        .as_(&org.agent_a1)
        .update_action_item(&started, json!({ "status": "COMPLETED" }))
        .await
        .ok(200);
    assert!(done.completed_at.is_some());
    app.as_(&org.leader_a)
        .update_action_item(
            &done,
            json!({ "status": "CANCELLED", "cancel_reason": "Not needed" }),
        )
        .await
        .problem(409);

    let other = app
        .as_(&org.leader_a)
        .create_action_item(records::action_item(org.agent_a1.id, 7))
        .await
        .ok(201);
    let edited = app.as_(&org.leader_a).update_action_item(&other, json!({ "title": "Review five calls", "priority": "HIGH", "assignee_id": org.agent_a2.id }))
    .await
    .ok(200);
    assert_eq!(edited.assignee_id, UserId(org.agent_a2.id));
    let cancelled = app
        .as_(&org.manager_a)
        .update_action_item(
            &edited,
            json!({ "status": "CANCELLED", "cancel_reason": "Covered by the new plan" }),
        )
        .await
        .ok(200);
    assert_eq!(
        cancelled.cancel_reason.as_deref(),
        Some("Covered by the new plan")
    );
    app.as_(&org.leader_a)
        .update_action_item(&cancelled, json!({ "status": "IN_PROGRESS" }))
        .await
        .problem(409);
    app.as_(&org.leader_b)
        .update_action_item(&cancelled, json!({ "title": "x" }))
        .await
        .problem(404);
}

#[tokio::test]
async fn overdue_is_derived_and_lists_stay_in_scope() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let late = app
        .as_(&org.leader_a)
        .create_action_item(records::action_item(org.agent_a1.id, -2))
        .await
        .ok(201);
    assert!(late.overdue);
    app.as_(&org.leader_a)
        .create_action_item(records::action_item(org.agent_a1.id, 5))
        .await
        .ok(201);
    app.as_(&org.leader_b)
        .create_action_item(records::action_item(org.agent_b1.id, 5))
        .await
        .ok(201);
    let done = app
        .as_(&org.agent_a1)
        .update_action_item(&late, json!({ "status": "COMPLETED" }))
        .await
        .ok(200);
    assert!(!done.overdue, "a completed item is never overdue");
    let list = |who, query: ActionItemQuery| {
        let app = &app;
        async move { app.as_(who).action_items(&query).await.ok(200).items.len() }
    };
    let every = ActionItemQuery::default;
    assert_eq!(list(&org.admin, every()).await, 3);
    assert_eq!(list(&org.leader_a, every()).await, 2);
    assert_eq!(list(&org.agent_a1, every()).await, 2);
    assert_eq!(list(&org.agent_a2, every()).await, 0);
    assert_eq!(list(&org.leader_b, every()).await, 1);
    let completed = ActionItemQuery {
        status: Some(ActionItemStatus::Completed),
        ..every()
    };
    assert_eq!(list(&org.leader_a, completed).await, 1);
    let tomorrow = Some(Utc::now().date_naive() + Duration::days(1));
    let due_soon = ActionItemQuery {
        due_before: tomorrow,
        ..every()
    };
    assert_eq!(list(&org.admin, due_soon).await, 1);
    let since_2000 = ActionItemQuery {
        due_from: NaiveDate::from_ymd_opt(2000, 1, 1),
        ..every()
    };
    assert_eq!(list(&org.admin, since_2000).await, 3);
    let later = ActionItemQuery {
        due_from: tomorrow,
        ..every()
    };
    assert_eq!(
        list(&org.admin, later.clone()).await,
        2,
        "the two due in five days"
    );
    let window = ActionItemQuery {
        due_before: tomorrow,
        ..later.clone()
    };
    assert_eq!(list(&org.admin, window).await, 0);
    assert_eq!(
        list(&org.leader_a, later).await,
        1,
        "another team's item is never in a window"
    );
    let other_team = ActionItemQuery {
        agent_id: Some(UserId(org.agent_b1.id)),
        ..every()
    };
    assert_eq!(list(&org.leader_a, other_team).await, 0);
}

#[tokio::test]
async fn concurrent_item_updates_have_one_winner() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let item = app
        .as_(&org.leader_b)
        .create_action_item(records::action_item(org.agent_b1.id, 3))
        .await
        .ok(201);
    let (a, b) = tokio::join!(
        app.as_(&org.agent_b1)
            .update_action_item(&item, json!({ "status": "COMPLETED" })),
        app.as_(&org.leader_b).update_action_item(
            &item,
            json!({ "status": "CANCELLED", "cancel_reason": "Dropped" })
        )
    );
    let mut statuses = [a.status(), b.status()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 412]);
}

#[tokio::test]
async fn a_done_item_reopens_and_a_cancelled_one_says_why() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let item = app
        .as_(&org.leader_a)
        .create_action_item(records::action_item(org.agent_a1.id, 7))
        .await
        .ok(201);
    let done = app
        .as_(&org.agent_a1)
        .update_action_item(&item, json!({ "status": "COMPLETED" }))
        .await
        .ok(200);
    let reopened = app
        .as_(&org.leader_a)
        .update_action_item(&done, json!({ "status": "IN_PROGRESS" }))
        .await
        .ok(200);
    assert_eq!(reopened.status, ActionItemStatus::InProgress);
    assert!(
        reopened.completed_at.is_none(),
        "a reopened item is not done"
    );

    let no_reason = app
        .as_(&org.leader_a)
        .update_action_item(&reopened, json!({ "status": "CANCELLED" }))
        .await
        .problem(422);
    assert!(
        no_reason["errors"]["cancel_reason"].is_array(),
        "{no_reason}"
    );
    let blank = app
        .as_(&org.leader_a)
        .update_action_item(
            &reopened,
            json!({ "status": "CANCELLED", "cancel_reason": "  " }),
        )
        .await
        .problem(422);
    assert!(blank["errors"]["cancel_reason"].is_array(), "{blank}");
    let stray = app
        .as_(&org.leader_a)
        .update_action_item(
            &reopened,
            json!({ "title": "Other", "cancel_reason": "why" }),
        )
        .await
        .problem(422);
    assert!(stray["errors"]["cancel_reason"].is_array(), "{stray}");
    let cancelled = app
        .as_(&org.leader_a)
        .update_action_item(
            &reopened,
            json!({ "status": "CANCELLED", "cancel_reason": " Replaced by the plan " }),
        )
        .await
        .ok(200);
    assert_eq!(
        cancelled.cancel_reason.as_deref(),
        Some("Replaced by the plan")
    );
    let refused = app
        .as_(&org.leader_a)
        .update_action_item(&cancelled, json!({ "status": "PENDING" }))
        .await
        .problem(409);
    let detail = refused["detail"].as_str().unwrap_or_default();
    assert!(
        !detail.contains("CANCELLED"),
        "no wire names for people: {detail}"
    );
}
