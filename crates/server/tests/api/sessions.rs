//! Coaching sessions: scheduling rules, the lifecycle, acknowledgement, scope, concurrency,
//! audit and events.

use domain::{SessionStatus, UserId};
use dto::query::{ActionItemQuery, Paging, SessionQuery};
use reqwest::Method;
use serde_json::json;
use test_support::Call;
use test_support::TestApp;

use crate::helpers::{ok_json, problem};
use test_support::records::{self, slot};

#[tokio::test]
async fn leaders_schedule_their_agents_and_managers_book_the_agents_leader() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let session = app
        .as_(&org.leader_a)
        .schedule_session(records::session(org.agent_a1.id, 0))
        .await
        .ok(201);
    assert_eq!(session.status, SessionStatus::Scheduled);
    assert_eq!(session.team_leader_id, UserId(org.leader_a.id));
    assert_eq!(session.focus_areas, ["Empathy", "Call control"]);
    let booked = app
        .as_(&org.manager_a)
        .schedule_session(records::session(org.agent_a2.id, 2))
        .await
        .ok(201);
    assert_eq!(booked.team_leader_id, UserId(org.leader_a.id));

    app.as_(&org.leader_a)
        .schedule_session(records::session(org.agent_b1.id, 4))
        .await
        .problem(422);
    app.as_(&org.manager_b)
        .schedule_session(records::session(org.agent_a1.id, 4))
        .await
        .problem(422);
    app.as_(&org.agent_a1)
        .schedule_session(records::session(org.agent_a1.id, 4))
        .await
        .problem(403);
    app.as_(&org.admin)
        .schedule_session(records::session(org.loner.id, 4))
        .await
        .problem(422);
    app.as_(&org.admin)
        .schedule_session(records::session(org.leader_a.id, 4))
        .await
        .problem(422);
}

#[tokio::test]
async fn nobody_is_double_booked() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    app.as_(&org.leader_a)
        .schedule_session(records::session(org.agent_a1.id, 0))
        .await
        .ok(201);
    // The leader is busy 09:00-10:00: another agent at 09:30 collides, at 10:00 does not.
    let overlap = app
        .as_(&org.leader_a)
        .post("/api/v1/sessions", &json!({ "agent_id": org.agent_a2.id, "scheduled_at": slot(0).replace("09:00:00", "09:30:00"), "duration_minutes": 30 }))
        .send()
        .await
        .expect("answers");
    let body = problem(overlap, 409).await;
    assert!(body["errors"]["scheduled_at"].is_array(), "{body}");
    app.as_(&org.leader_a)
        .schedule_session(records::session(org.agent_a2.id, 1))
        .await
        .ok(201);
    // The agent is busy too, whoever books.
    app.as_(&org.manager_a)
        .schedule_session(records::session(org.agent_a1.id, 0))
        .await
        .problem(409);
    // Two bookings of one slot at once: exactly one wins.
    let (a, b) = tokio::join!(
        app.as_(&org.leader_b)
            .schedule_session(records::session(org.agent_b1.id, 5)),
        app.as_(&org.manager_b)
            .schedule_session(records::session(org.agent_b1.id, 5))
    );
    let mut statuses = [a.status(), b.status()];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409]);
}

#[tokio::test]
async fn a_session_runs_from_scheduled_to_completed_and_then_never_changes() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let mut events = app.state.events.subscribe();
    let first = app
        .as_(&org.leader_a)
        .schedule_session(records::session(org.agent_a1.id, 0))
        .await
        .ok(201);
    let first = app
        .as_(&org.leader_a)
        .session_step(
            &first,
            "complete",
            json!({ "session_notes": "Good call control", "current_score": 71.5 }),
        )
        .await
        .ok(200);
    assert_eq!(first.previous_score, None);

    let session = app
        .as_(&org.leader_a)
        .schedule_session(records::session(org.agent_a1.id, 2))
        .await
        .ok(201);
    let started = app
        .as_(&org.leader_a)
        .session_step(&session, "start", json!({}))
        .await
        .ok(200);
    assert_eq!(started.status, SessionStatus::InProgress);
    app.as_(&org.leader_a)
        .session_step(&started, "no-show", json!({}))
        .await
        .problem(409);
    let completion = json!({
        "session_notes": "Worked on empathy statements.",
        "current_score": 78.25,
        "action_items": [
            { "title": "Shadow a senior agent", "due_date": "2030-01-15", "priority": "HIGH" },
            { "title": "Prepare the refund cheat sheet", "due_date": "2030-01-20", "priority": "LOW", "assignee_id": org.leader_a.id }
        ]
    });
    let done = app
        .as_(&org.leader_a)
        .session_step(&started, "complete", completion.clone())
        .await
        .ok(200);
    assert_eq!(done.status, SessionStatus::Completed);
    assert_eq!(
        done.previous_score,
        Some(71.5),
        "the agent's last completed score"
    );
    assert_eq!(done.current_score, Some(78.25));
    assert_eq!(done.action_item_ids.len(), 2);
    let of_the_session = ActionItemQuery {
        session_id: Some(done.id),
        ..ActionItemQuery::default()
    };
    let items = app
        .as_(&org.agent_a1)
        .action_items(&of_the_session)
        .await
        .ok(200);
    assert_eq!(
        items.items.len(),
        2,
        "the agent sees both items of their session"
    );

    // Completed is final.
    let conflict = app
        .as_(&org.leader_a)
        .session_step(&done, "complete", completion)
        .await
        .problem(409);
    assert!(
        conflict["detail"]
            .as_str()
            .is_some_and(|d| d.contains("while it is completed")),
        "in words, not the state's wire name: {conflict}"
    );
    app.as_(&org.leader_a)
        .session_step(&done, "cancel", json!({ "reason": "late" }))
        .await
        .problem(409);
    app.as_(&org.leader_a)
        .session_step(&done, "start", json!({}))
        .await
        .problem(409);
    let edit = app
        .as_(&org.leader_a)
        .patch(
            &format!("/api/v1/sessions/{}", done.id),
            &json!({ "duration_minutes": 30, "version": done.version }),
        )
        .send()
        .await
        .expect("answers");
    problem(edit, 409).await;

    // A closed session takes no more items.
    let late_item = json!({ "title": "Late", "assignee_id": org.agent_a1.id, "due_date": "2030-01-01", "priority": "LOW", "session_id": done.id });
    app.as_(&org.leader_a)
        .post("/api/v1/action-items", &late_item)
        .call()
        .await
        .problem(409);

    let kinds = crate::helpers::published_kinds(&app, &mut events).await;
    assert_eq!(
        kinds.iter().filter(|k| *k == "session_changed").count(),
        5,
        "{kinds:?}"
    );
    assert_eq!(
        kinds.iter().filter(|k| *k == "action_item_changed").count(),
        2,
        "{kinds:?}"
    );
}

#[tokio::test]
async fn cancellation_needs_a_reason_and_no_show_only_from_scheduled() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let session = app
        .as_(&org.leader_b)
        .schedule_session(records::session(org.agent_b1.id, 0))
        .await
        .ok(201);
    let blank = app
        .as_(&org.leader_b)
        .session_step(&session, "cancel", json!({ "reason": "  " }))
        .await
        .problem(422);
    assert!(blank["errors"]["reason"].is_array());
    let cancelled = app
        .as_(&org.leader_b)
        .session_step(
            &session,
            "cancel",
            json!({ "reason": "Agent on sick leave" }),
        )
        .await
        .ok(200);
    assert_eq!(
        cancelled.cancel_reason.as_deref(),
        Some("Agent on sick leave")
    );
    app.as_(&org.leader_b)
        .session_step(&cancelled, "no-show", json!({}))
        .await
        .problem(409);
    // A cancelled session frees its slot.
    app.as_(&org.leader_b)
        .schedule_session(records::session(org.agent_b1.id, 0))
        .await
        .ok(201);
    let other = app
        .as_(&org.leader_b)
        .schedule_session(records::session(org.agent_b1.id, 3))
        .await
        .ok(201);
    let missed = app
        .as_(&org.leader_b)
        .session_step(&other, "no-show", json!({}))
        .await
        .ok(200);
    assert_eq!(missed.status, SessionStatus::NoShow);
}

#[tokio::test]
async fn only_the_agent_acknowledges_and_only_a_completed_session_once() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let session = app
        .as_(&org.leader_a)
        .schedule_session(records::session(org.agent_a1.id, 0))
        .await
        .ok(201);
    let early = app
        .as_(&org.agent_a1)
        .session_step(&session, "acknowledge", json!({ "comment": "ok" }))
        .await
        .problem(409);
    assert!(
        early["detail"]
            .as_str()
            .is_some_and(|d| d.contains("while it is scheduled")),
        "{early}"
    );
    let done = app
        .as_(&org.leader_a)
        .session_step(
            &session,
            "complete",
            json!({ "session_notes": "n", "current_score": 80 }),
        )
        .await
        .ok(200);
    app.as_(&org.leader_a)
        .session_step(&done, "acknowledge", json!({ "comment": "me?" }))
        .await
        .problem(403);
    app.as_(&org.agent_a2)
        .session_step(&done, "acknowledge", json!({ "comment": "me?" }))
        .await
        .problem(404);
    let signed = app
        .as_(&org.agent_a1)
        .session_step(
            &done,
            "acknowledge",
            json!({ "comment": "Clear next steps" }),
        )
        .await
        .ok(200);
    assert_eq!(
        signed.acknowledgement_comment.as_deref(),
        Some("Clear next steps")
    );
    assert!(signed.acknowledged_at.is_some());
    app.as_(&org.agent_a1)
        .session_step(&signed, "acknowledge", json!({ "comment": "again" }))
        .await
        .problem(409);
    // The agent can do nothing else with it.
    app.as_(&org.agent_a1)
        .session_step(&signed, "cancel", json!({ "reason": "no" }))
        .await
        .problem(403);
}

#[tokio::test]
async fn sessions_stay_inside_the_scope() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let a1 = app
        .as_(&org.leader_a)
        .schedule_session(records::session(org.agent_a1.id, 0))
        .await
        .ok(201);
    app.as_(&org.leader_a)
        .schedule_session(records::session(org.agent_a2.id, 2))
        .await
        .ok(201);
    app.as_(&org.leader_b)
        .schedule_session(records::session(org.agent_b1.id, 0))
        .await
        .ok(201);
    let app = &app;
    let every = SessionQuery::default;
    let count = |who| async move { app.as_(who).sessions(&every()).await.ok(200).items.len() };
    assert_eq!(count(&org.admin).await, 3);
    assert_eq!(count(&org.manager_a).await, 2);
    assert_eq!(count(&org.leader_a).await, 2);
    assert_eq!(count(&org.leader_b).await, 1);
    assert_eq!(count(&org.agent_a1).await, 1);
    assert_eq!(count(&org.loner).await, 0);
    let of_a1 = SessionQuery {
        agent_id: Some(UserId(org.agent_a1.id)),
        ..every()
    };
    let smuggled = app.as_(&org.leader_b).sessions(&of_a1).await.ok(200);
    assert!(smuggled.items.is_empty(), "a filter never widens the scope");
    let path = format!("/api/v1/sessions/{}", a1.id);
    for who in [&org.leader_b, &org.manager_b, &org.agent_a2, &org.agent_b1] {
        app.as_(who).get(&path).call().await.problem(404);
    }
    app.as_(&org.agent_a1).get(&path).call().await.ok(200);
    let edit = app
        .as_(&org.agent_a1)
        .patch(&path, &json!({ "duration_minutes": 30, "version": 1 }))
        .send()
        .await
        .expect("answers");
    problem(edit, 403).await;
    let paged = app
        .as_(&org.admin)
        .sessions(&every().page(2, None))
        .await
        .ok(200);
    let next = paged.next_cursor.clone();
    assert!(next.is_some(), "a second page");
    let rest = app
        .as_(&org.admin)
        .sessions(&every().page(2, next))
        .await
        .ok(200);
    assert_eq!(paged.items.len() + rest.items.len(), 3);
    assert_eq!(rest.next_cursor, None);
}

#[tokio::test]
async fn bad_session_input_is_refused_field_by_field() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let bad = app
        .as_(&org.leader_a)
        .post("/api/v1/sessions", &json!({ "agent_id": org.agent_a1.id, "scheduled_at": slot(0), "duration_minutes": 5, "focus_areas": [""] }))
        .send()
        .await
        .expect("answers");
    let body = problem(bad, 422).await;
    assert!(
        body["errors"]["duration_minutes"].is_array() && body["errors"]["focus_areas"].is_array(),
        "{body}"
    );
    let bad_time = app
        .as_(&org.leader_a)
        .post("/api/v1/sessions", &json!({ "agent_id": org.agent_a1.id, "scheduled_at": "tomorrow", "duration_minutes": 30 }))
        .send()
        .await
        .expect("answers");
    let body = problem(bad_time, 422).await;
    assert!(body["errors"]["scheduled_at"].is_array(), "{body}");
    for when in [
        "2999-01-01T09:00:00Z",
        "+262142-12-31T22:00:00Z",
        "1970-01-01T00:00:00Z",
    ] {
        let body =
            json!({ "agent_id": org.agent_a1.id, "scheduled_at": when, "duration_minutes": 30 });
        let far = app
            .as_(&org.leader_a)
            .post("/api/v1/sessions", &body)
            .call()
            .await
            .problem(422);
        assert!(far["errors"]["scheduled_at"].is_array(), "{when}: {far}");
    }
    let session = app
        .as_(&org.leader_a)
        .schedule_session(records::session(org.agent_a1.id, 0))
        .await
        .ok(201);
    for score in [json!(100.5), json!(-1), json!(70.125)] {
        let body = app
            .as_(&org.leader_a)
            .session_step(
                &session,
                "complete",
                json!({ "session_notes": "n", "current_score": score }),
            )
            .await
            .problem(422);
        assert!(
            body["errors"]["current_score"].is_array(),
            "{score}: {body}"
        );
    }
    let no_notes = app
        .as_(&org.leader_a)
        .session_step(
            &session,
            "complete",
            json!({ "session_notes": "", "current_score": 50 }),
        )
        .await
        .problem(422);
    assert!(no_notes["errors"]["session_notes"].is_array());
    let bad_item = app.as_(&org.leader_a).session_step(&session, "complete", json!({ "session_notes": "n", "current_score": 50, "action_items": [{ "title": "", "due_date": "2030-01-01", "priority": "HIGH" }] })).await;
    let body = bad_item.problem(422);
    assert!(body["errors"]["action_items[0].title"].is_array(), "{body}");
    // Nothing was half-written: the session is still scheduled, with no items.
    let still: dto::Session = app
        .as_(&org.leader_a)
        .get(&format!("/api/v1/sessions/{}", session.id))
        .call_as()
        .await
        .ok(200);
    assert_eq!(still.status, SessionStatus::Scheduled);
    assert!(still.action_item_ids.is_empty());
}

#[tokio::test]
async fn concurrent_edits_of_a_session_have_one_winner_and_every_change_is_audited() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let session = app
        .as_(&org.leader_a)
        .schedule_session(records::session(org.agent_a1.id, 0))
        .await
        .ok(201);
    let path = format!("/api/v1/sessions/{}", session.id);
    let edit = |minutes: i32| {
        app.as_(&org.leader_a)
            .patch(&path, &json!({ "duration_minutes": minutes, "version": 1 }))
            .send()
    };
    let (a, b) = tokio::join!(edit(30), edit(45));
    let mut statuses = [a.expect("answers").status(), b.expect("answers").status()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 412]);
    let started = app
        .as_(&org.leader_a)
        .request(Method::POST, &format!("{path}/start"))
        .header("if-match", "\"2\"")
        .json(&json!({}))
        .send()
        .await
        .expect("answers");
    ok_json(started, 200).await;

    use persistence::entity::audit_entry;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let entries = audit_entry::Entity::find()
        .filter(audit_entry::Column::ResourceType.eq("session"))
        .order_by_asc(audit_entry::Column::Seq)
        .all(app.db())
        .await
        .expect("reads");
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["session.schedule", "session.update", "session.start"]
    );
    let start = &entries[2];
    assert_eq!(start.actor_id, Some(domain::UserId(org.leader_a.id)));
    assert!(start.request_id.is_some() && start.ip.is_some());
    let changes = start.changes.as_ref().expect("changes");
    assert_eq!(
        changes["status"],
        json!({ "from": "SCHEDULED", "to": "IN_PROGRESS" })
    );
    // The chain holds across every entry, whatever wrote it.
    let all = audit_entry::Entity::find()
        .order_by_asc(audit_entry::Column::Seq)
        .all(app.db())
        .await
        .expect("reads");
    for pair in all.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].hash);
    }
    for entry in &all {
        assert!(
            persistence::audit::holds(entry),
            "entry {} verifies",
            entry.seq
        );
    }
}

#[tokio::test]
async fn preparation_lists_the_notes_since_the_last_session_and_open_items() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let note = |who, content: &str, visibility: &str| {
        let app = &app;
        let body = json!({ "agent_id": org.agent_a1.id, "content": content, "category": "OTHER", "visibility": visibility });
        async move {
            app.as_(who)
                .post("/api/v1/quick-notes", &body)
                .call()
                .await
                .ok(201)
        }
    };
    note(&org.leader_a, "before the first session", "SHARED").await;
    let first = app
        .as_(&org.leader_a)
        .schedule_session(records::session(org.agent_a1.id, -100))
        .await
        .ok(201);
    let completion = json!({ "session_notes": "done", "current_score": 70,
        "action_items": [{ "title": "Open item", "due_date": "2030-01-01", "priority": "LOW" }] });
    let first = app
        .as_(&org.leader_a)
        .session_step(&first, "complete", completion)
        .await
        .ok(200);
    note(&org.leader_a, "after the first session", "SHARED").await;
    note(&org.manager_a, "the manager's private thought", "PRIVATE").await;
    let next = app
        .as_(&org.leader_a)
        .schedule_session(records::session(org.agent_a1.id, 0))
        .await
        .ok(201);

    let path = format!("/api/v1/sessions/{}/preparation", next.id);
    let prep: dto::SessionPreparation = app.as_(&org.leader_a).get(&path).call_as().await.ok(200);
    assert_eq!(prep.previous_session.map(|s| s.id), Some(first.id));
    let notes: Vec<&str> = prep
        .notes_since_last_session
        .iter()
        .map(|n| n.content.as_str())
        .collect();
    assert_eq!(notes, ["after the first session"]);
    assert_eq!(prep.open_action_items.len(), 1);
    app.as_(&org.leader_b).get(&path).call().await.problem(404);
}
