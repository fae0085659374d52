//! Notifications: written with the change that causes them, to the person it happened to, read
//! and marked read by that person alone.

use dto::query::NotificationQuery;
use dto::{Marked, Notifications};
use serde_json::json;
use test_support::ops::Record;
use test_support::records;
use test_support::{Call, Persona, TestApp};

/// `who`'s notifications as (kind, resource id), newest first, and the unread count.
async fn inbox(app: &TestApp, who: &Persona) -> (Vec<(String, String)>, u64) {
    let page = notifications(app, who, &NotificationQuery::default()).await;
    let items = page
        .items
        .iter()
        .map(|n| {
            let about = n.resource_id.map(|id| id.to_string()).unwrap_or_default();
            (n.kind.as_str().to_owned(), about)
        })
        .collect();
    (items, page.unread)
}

/// `who`'s notifications as `query` asks for them.
async fn notifications(app: &TestApp, who: &Persona, query: &NotificationQuery) -> Notifications {
    app.as_(who)
        .get("/api/v1/notifications")
        .query(query)
        .call_as()
        .await
        .ok(200)
}

/// `who` marks `body` (`ids` or `all`) read.
async fn mark(app: &TestApp, who: &Persona, body: serde_json::Value) -> Marked {
    app.as_(who)
        .post("/api/v1/notifications/read", &body)
        .call_as()
        .await
        .ok(200)
}

fn id(record: &impl Record) -> String {
    record.id()
}

#[tokio::test]
async fn each_change_tells_the_person_it_happened_to_and_nobody_else() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let item = app
        .as_(&org.leader_a)
        .create_action_item(records::action_item(org.agent_a1.id, 7))
        .await
        .ok(201);
    let session = app
        .as_(&org.leader_a)
        .schedule_session(records::session(org.agent_a1.id, 30))
        .await
        .ok(201);
    let moved = app
        .as_(&org.leader_a)
        .patch(
            &format!("/api/v1/sessions/{}", id(&session)),
            &json!({ "scheduled_at": records::slot(54), "version": session.version }),
        )
        .call()
        .await
        .ok(200);
    app.as_(&org.leader_a)
        .session_step(&moved, "cancel", json!({ "reason": "Agent on leave" }))
        .await
        .ok(200);

    let (agent, unread) = inbox(&app, &org.agent_a1).await;
    let expected = [
        ("SESSION_CHANGED", id(&session)),
        ("SESSION_CHANGED", id(&session)),
        ("SESSION_SCHEDULED", id(&session)),
        ("ACTION_ITEM_ASSIGNED", id(&item)),
    ]
    .map(|(kind, id)| (kind.to_owned(), id));
    assert_eq!(agent, expected);
    assert_eq!(unread, 4);
    // Whoever made the change, other agents, other teams: nothing.
    for who in [&org.leader_a, &org.agent_a2, &org.agent_b1, &org.manager_b] {
        assert_eq!(inbox(&app, who).await, (Vec::new(), 0), "{}", who.email);
    }
}

#[tokio::test]
async fn plans_awaiting_a_decision_tell_the_one_who_decides() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let plan = app
        .as_(&org.leader_a)
        .create_action_plan(records::action_plan(org.agent_a1.id))
        .await
        .ok(201);
    assert_eq!(
        inbox(&app, &org.agent_a1).await,
        (Vec::new(), 0),
        "a draft's items are not news yet"
    );
    let submitted = app
        .as_(&org.leader_a)
        .decide_action_plan(&plan, "submit", json!({}))
        .await
        .ok(200);
    let approval = ("PLAN_AWAITING_APPROVAL".to_owned(), id(&plan));
    assert_eq!(inbox(&app, &org.manager_a).await, (vec![approval], 1));
    assert_eq!(inbox(&app, &org.manager_b).await, (Vec::new(), 0));
    app.as_(&org.manager_a)
        .decide_action_plan(&submitted, "approve", json!({}))
        .await
        .ok(200);
    let acknowledge = ("PLAN_AWAITING_ACKNOWLEDGEMENT".to_owned(), id(&plan));
    assert_eq!(inbox(&app, &org.agent_a1).await, (vec![acknowledge], 1));
}

#[tokio::test]
async fn an_announcement_tells_its_audience() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let team = json!({ "title": "Team huddle at 9", "body": "Bring your numbers.", "team_id": org.team_a });
    let published = app
        .as_(&org.manager_a)
        .post("/api/v1/announcements", &team)
        .call()
        .await
        .ok(201);
    let told = ("ANNOUNCEMENT".to_owned(), id(&published));
    for who in [&org.leader_a, &org.agent_a1, &org.agent_a2] {
        assert_eq!(
            inbox(&app, who).await,
            (vec![told.clone()], 1),
            "{}",
            who.email
        );
    }
    for who in [&org.manager_a, &org.agent_b1, &org.leader_b, &org.admin] {
        assert_eq!(inbox(&app, who).await, (Vec::new(), 0), "{}", who.email);
    }
    let everyone = json!({ "title": "New KPI from January", "body": "First call resolution." });
    app.as_(&org.admin)
        .post("/api/v1/announcements", &everyone)
        .call()
        .await
        .ok(201);
    assert_eq!(inbox(&app, &org.agent_b1).await.1, 1);
    assert_eq!(inbox(&app, &org.admin).await.1, 0, "not the author");
}

#[tokio::test]
async fn notifications_are_marked_read_by_their_reader_alone() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    for days in [3, 4, 5] {
        app.as_(&org.leader_a)
            .create_action_item(records::action_item(org.agent_a1.id, days))
            .await
            .ok(201);
    }
    let two = NotificationQuery {
        limit: Some(2),
        ..NotificationQuery::default()
    };
    let page = notifications(&app, &org.agent_a1, &two).await;
    assert!(page.next_cursor.is_some());
    let first = page.items[0].id;

    // Someone else's id changes nothing.
    let theirs = mark(&app, &org.agent_a2, json!({ "ids": [first] })).await;
    assert_eq!(theirs.marked, 0);
    let mine = mark(&app, &org.agent_a1, json!({ "ids": [first] })).await;
    assert_eq!(
        mine,
        Marked {
            marked: 1,
            unread: 2
        }
    );
    let unread = NotificationQuery {
        unread: true,
        ..NotificationQuery::default()
    };
    assert_eq!(
        notifications(&app, &org.agent_a1, &unread)
            .await
            .items
            .len(),
        2
    );
    let all = mark(&app, &org.agent_a1, json!({ "all": true })).await;
    assert_eq!(
        all,
        Marked {
            marked: 2,
            unread: 0
        }
    );

    // Neither, both, an empty list, junk: 422 naming the field.
    for body in [
        json!({}),
        json!({ "ids": [first], "all": true }),
        json!({ "ids": [] }),
        json!({ "ids": ["not-an-id"] }),
    ] {
        let problem = app
            .as_(&org.agent_a1)
            .post("/api/v1/notifications/read", &body)
            .call()
            .await
            .problem(422);
        assert!(problem["errors"].is_object(), "{body}: {problem}");
    }
    app.request(reqwest::Method::GET, "/api/v1/notifications")
        .call()
        .await
        .problem(401);
}

#[tokio::test]
async fn two_tabs_marking_all_read_at_once_mark_each_notification_once() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    for days in [3, 4, 5, 6] {
        app.as_(&org.leader_a)
            .create_action_item(records::action_item(org.agent_a1.id, days))
            .await
            .ok(201);
    }
    let all = || mark(&app, &org.agent_a1, json!({ "all": true }));
    let (a, b) = tokio::join!(all(), all());
    let marked = a.marked + b.marked;
    assert_eq!(marked, 4, "each notification is marked once");
    assert_eq!(inbox(&app, &org.agent_a1).await.1, 0);
}
