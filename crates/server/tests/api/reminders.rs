//! Reminders: an agent who has not acknowledged a completed session or an active plan in time,
//! everyone in a session a day before and at its start, and a daily digest of overdue items to
//! whoever does them and their team leader. Each goes out once across instances and restarts,
//! never for cancelled work, and not to whoever turned its kind off.

use std::time::Duration;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::json;
use test_support::{Call, Persona, TestApp, records};

use crate::helpers::{eventually, notified};

/// Reminders looked for five times a second.
fn reminding(config: &mut server::Config) {
    config.reminders.every = Duration::from_millis(200);
}

/// Waits until `who` has `count` reminders of `kind`.
async fn until(app: &TestApp, who: &Persona, kind: &str, count: usize) {
    eventually(&format!("{count} {kind} for {}", who.email), || async {
        notified(app, who, kind).await.len() == count
    })
    .await;
}

/// Several rounds on every instance.
async fn a_while() {
    tokio::time::sleep(Duration::from_millis(1200)).await;
}

async fn completed_session(app: &TestApp, leader: &Persona, agent: uuid::Uuid) -> dto::Session {
    let session = app
        .as_(leader)
        .schedule_session(records::session(agent, 48))
        .await
        .ok(201);
    let started = app
        .as_(leader)
        .session_step(&session, "start", json!({}))
        .await
        .ok(200);
    let completion =
        json!({ "session_notes": "Good call", "current_score": 80, "action_items": [] });
    app.as_(leader)
        .session_step(&started, "complete", completion)
        .await
        .ok(200)
}

/// Moves a session to start `minutes` from now (scheduling through the API books days ahead).
async fn starts_in(app: &TestApp, session: &dto::Session, minutes: i64) {
    use persistence::entity::coaching_session;
    let id = session.id;
    coaching_session::Entity::update_many()
        .col_expr(
            coaching_session::Column::ScheduledAt,
            Expr::value(Utc::now() + chrono::Duration::minutes(minutes)),
        )
        .filter(coaching_session::Column::Id.eq(id))
        .exec(app.db())
        .await
        .expect("moved");
}

/// Moves a session's completion `hours` into the past.
async fn completed_ago(app: &TestApp, session: &dto::Session, hours: i64) {
    use persistence::entity::coaching_session;
    let id = session.id;
    let mut row = coaching_session::Entity::find_by_id(id)
        .one(app.db())
        .await
        .expect("read")
        .expect("the session")
        .into_active_model();
    row.completed_at = Set(Some(Utc::now() - chrono::Duration::hours(hours)));
    row.update(app.db()).await.expect("aged");
}

#[tokio::test]
async fn an_unacknowledged_session_is_reminded_once_across_instances_and_restarts() {
    let mut app = TestApp::spawn_with(reminding).await;
    let org = app.seed_org().await;
    let mut other = app.another_instance().await;
    let fresh = completed_session(&app, &org.leader_a, org.agent_a1.id).await;
    let late = completed_session(&app, &org.leader_a, org.agent_a2.id).await;
    completed_ago(&app, &fresh, 47).await;
    completed_ago(&app, &late, 49).await;

    until(&app, &org.agent_a2, "ACKNOWLEDGEMENT_REMINDER", 1).await;
    a_while().await;
    assert_eq!(
        notified(&app, &org.agent_a2, "ACKNOWLEDGEMENT_REMINDER")
            .await
            .len(),
        1,
        "once, though two instances look"
    );
    assert!(
        notified(&app, &org.agent_a1, "ACKNOWLEDGEMENT_REMINDER")
            .await
            .is_empty(),
        "47 hours is within the 48 an agent has"
    );

    // Both stop; an instance started afterwards does not send it again.
    app.stop().await;
    other.stop().await;
    let again = app.another_instance().await;
    a_while().await;
    assert_eq!(
        notified(&again, &org.agent_a2, "ACKNOWLEDGEMENT_REMINDER")
            .await
            .len(),
        1
    );
    // Acknowledged work is not reminded of.
    again
        .as_(&org.agent_a1)
        .session_step(&fresh, "acknowledge", json!({ "comment": "Thanks" }))
        .await
        .ok(200);
    completed_ago(&again, &fresh, 72).await;
    a_while().await;
    assert!(
        notified(&again, &org.agent_a1, "ACKNOWLEDGEMENT_REMINDER")
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn sessions_are_reminded_a_day_ahead_and_at_the_start_never_when_cancelled() {
    let app = TestApp::spawn_with(reminding).await;
    let org = app.seed_org().await;
    // Agent B1 wants no session reminders.
    let off = json!({ "acknowledgements": true, "sessions": false, "overdue_digest": true });
    let set = app
        .as_(&org.agent_b1)
        .request(reqwest::Method::PUT, "/api/v1/me/reminders")
        .json(&off)
        .call()
        .await
        .ok(200);
    assert_eq!(set, off);
    let read = app
        .as_(&org.agent_b1)
        .get("/api/v1/me/reminders")
        .call()
        .await
        .ok(200);
    assert_eq!(read, off);
    let incomplete = app
        .as_(&org.agent_b1)
        .request(reqwest::Method::PUT, "/api/v1/me/reminders")
        .json(&json!({ "sessions": false }))
        .call()
        .await
        .problem(422);
    assert!(incomplete["errors"].is_object(), "{incomplete}");

    let soon = app
        .as_(&org.leader_a)
        .schedule_session(records::session(org.agent_a1.id, 3))
        .await
        .ok(201);
    let cancelled = app
        .as_(&org.leader_a)
        .schedule_session(records::session(org.agent_a2.id, 5))
        .await
        .ok(201);
    app.as_(&org.leader_a)
        .post(
            &format!("/api/v1/sessions/{}/cancel", cancelled.id),
            &json!({ "reason": "Agent on leave", "version": cancelled.version }),
        )
        .call()
        .await
        .ok(200);
    let opted_out = app
        .as_(&org.leader_b)
        .schedule_session(records::session(org.agent_b1.id, 4))
        .await
        .ok(201);
    let far = app
        .as_(&org.leader_a)
        .schedule_session(records::session(org.agent_a2.id, 30))
        .await
        .ok(201);
    starts_in(&app, &cancelled, 120).await;
    starts_in(&app, &opted_out, 180).await;
    starts_in(&app, &far, 30 * 60).await;
    starts_in(&app, &soon, 180).await;

    until(&app, &org.agent_a1, "SESSION_REMINDER", 1).await;
    until(&app, &org.leader_b, "SESSION_REMINDER", 1).await;
    a_while().await;
    let agent = notified(&app, &org.agent_a1, "SESSION_REMINDER").await;
    assert!(
        agent[0].contains("Leader A"),
        "names the other side: {agent:?}"
    );
    assert_eq!(
        notified(&app, &org.leader_a, "SESSION_REMINDER")
            .await
            .len(),
        1
    );
    assert!(
        notified(&app, &org.agent_a2, "SESSION_REMINDER")
            .await
            .is_empty(),
        "a cancelled session is not reminded of, nor one 30 hours ahead"
    );
    assert!(
        notified(&app, &org.agent_b1, "SESSION_REMINDER")
            .await
            .is_empty(),
        "turned off"
    );

    // It starts: one more, "now".
    starts_in(&app, &soon, -1).await;
    until(&app, &org.agent_a1, "SESSION_REMINDER", 2).await;
    let both = notified(&app, &org.agent_a1, "SESSION_REMINDER").await;
    assert!(both.iter().any(|t| t.ends_with("starts now")), "{both:?}");
}

#[tokio::test]
async fn overdue_items_are_digested_once_a_day_for_their_owner_and_team_leader() {
    let app = TestApp::spawn_with(reminding).await;
    let org = app.seed_org().await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let item = app
            .as_(&org.leader_a)
            .create_action_item(records::action_item(org.agent_a1.id, 5))
            .await
            .ok(201);
        ids.push(item);
    }
    app.as_(&org.leader_a)
        .update_action_item(
            &ids[2],
            json!({ "status": "CANCELLED", "cancel_reason": "Not needed" }),
        )
        .await
        .ok(200);
    {
        use persistence::entity::action_item;
        action_item::Entity::update_many()
            .col_expr(
                action_item::Column::DueDate,
                Expr::value(Utc::now().date_naive() - chrono::Duration::days(2)),
            )
            .filter(action_item::Column::AgentId.eq(org.agent_a1.id))
            .exec(app.db())
            .await
            .expect("overdue");
    }
    until(&app, &org.agent_a1, "OVERDUE_DIGEST", 1).await;
    until(&app, &org.leader_a, "OVERDUE_DIGEST", 1).await;
    a_while().await;
    assert_eq!(
        notified(&app, &org.agent_a1, "OVERDUE_DIGEST").await,
        ["2 of your action items are overdue"],
        "the cancelled one is not counted; once a day"
    );
    assert_eq!(
        notified(&app, &org.leader_a, "OVERDUE_DIGEST").await,
        ["2 action items in your team are overdue"]
    );
    assert!(
        notified(&app, &org.leader_b, "OVERDUE_DIGEST")
            .await
            .is_empty()
    );
}
