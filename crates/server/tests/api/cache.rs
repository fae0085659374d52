//! The caches: who the caller is, scorecards and dashboards are read once, then served from
//! memory (no SQL statement) until an event says what changed, on this instance and on every
//! other.

use reqwest::Method;
use serde_json::{Value, json};
use test_support::{Call, Org, Persona, Response, TestApp, records};

use crate::helpers::eventually;

/// The statements a successful read ran, with its body.
async fn read(app: &TestApp, who: &Persona, path: &str) -> (u32, Value) {
    let response: Response = app.as_(who).get(path).call().await;
    let statements = response
        .header("x-db-statements")
        .and_then(|count| count.parse().ok())
        .expect("X-Db-Statements in tests");
    (statements, response.ok(200))
}

fn upcoming_ids(dashboard: &Value) -> Vec<&str> {
    dashboard["upcoming_sessions"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|session| session["id"].as_str())
        .collect()
}

fn last_month() -> String {
    let today = chrono::Utc::now().format("%Y-%m").to_string();
    domain::scorecard::previous_month(&today)
}

#[tokio::test]
async fn reads_come_from_memory_until_a_change_forgets_them() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let leader = &org.leader_a;
    let scorecard = format!("/api/v1/agents/{}/scorecard", org.agent_a1.id);

    let (cold, _) = read(&app, leader, "/api/v1/dashboard").await;
    let (warm, dashboard) = read(&app, leader, "/api/v1/dashboard").await;
    assert!(
        cold > 1,
        "the first dashboard is computed: {cold} statements"
    );
    assert_eq!(warm, 0, "the second comes from memory, the caller too");
    assert!(upcoming_ids(&dashboard).is_empty());
    let (cold, _) = read(&app, leader, &scorecard).await;
    assert!(cold > 0);
    assert_eq!(read(&app, leader, &scorecard).await.0, 0);

    // A session scheduled: the next dashboard is computed again and shows it.
    let session = app
        .as_(leader)
        .schedule_session(records::session(org.agent_a1.id, 4))
        .await
        .ok(201);
    let (statements, dashboard) = read(&app, leader, "/api/v1/dashboard").await;
    assert!(statements > 0);
    assert_eq!(upcoming_ids(&dashboard), [session.id.to_string()]);

    // A month of metrics written: the scorecard shows it at once.
    let month = last_month();
    app.as_(leader)
        .put_metrics(org.agent_a1.id, &month, records::all_kpis(90.0))
        .await
        .ok(200);
    let (statements, card) = read(&app, leader, &scorecard).await;
    assert!(statements > 0);
    let scored = card["months"]
        .as_array()
        .expect("months")
        .iter()
        .any(|m| m["month"] == month.as_str() && m["score"].is_number());
    assert!(scored, "the new month is scored: {card}");

    let (hits, misses) = app.state.caches.stats().views.get();
    assert!(
        hits >= 2 && misses >= 4,
        "views: {hits} hits, {misses} misses"
    );
    let (hits, _) = app.state.caches.stats().actors.get();
    assert!(hits > 0, "the caller was found in memory");
}

#[tokio::test]
async fn a_cached_reader_never_sees_what_their_scope_no_longer_allows() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let scorecard = format!("/api/v1/agents/{}/scorecard", org.agent_a1.id);
    read(&app, &org.leader_a, &scorecard).await;
    // Each reader has their own entry: someone else's cached answer is never served.
    app.as_(&org.leader_b)
        .get(&scorecard)
        .call()
        .await
        .problem(404);
    // The agent moves to team B: leader A's cached copy goes with the team change.
    app.as_(&org.admin)
        .move_agent_to(org.team_b, org.agent_a1.id)
        .await
        .ok(200);
    app.as_(&org.leader_a)
        .get(&scorecard)
        .call()
        .await
        .problem(404);
    app.as_(&org.leader_b).get(&scorecard).call().await.ok(200);
}

async fn refused(app: &TestApp, who: &Persona) -> bool {
    app.as_(who).get("/api/v1/me").call().await.status() == 401
}

#[tokio::test]
async fn another_instance_forgets_what_one_changed() {
    let a = TestApp::spawn_with(|config| {
        config.store.redis_url = Some(test_support::redis_url().into())
    })
    .await;
    let Org {
        admin,
        leader_a,
        leader_b,
        agent_a1,
        ..
    } = a.seed_org().await;
    let b = a.another_instance().await;
    for who in [&agent_a1, &leader_b, &leader_a] {
        let (cold, _) = read(&b, who, "/api/v1/me").await;
        let (warm, _) = read(&b, who, "/api/v1/me").await;
        assert_eq!(warm + 1, cold, "the caller is cached on B");
    }
    read(&b, &leader_a, "/api/v1/dashboard").await;

    let session = a
        .as_(&leader_a)
        .schedule_session(records::session(agent_a1.id, 6))
        .await
        .ok(201);
    let id = session.id.to_string();
    eventually("B's dashboard shows A's session", || async {
        upcoming_ids(&read(&b, &leader_a, "/api/v1/dashboard").await.1).contains(&id.as_str())
    })
    .await;

    a.as_(&admin)
        .post(
            &format!("/api/v1/users/{}/deactivate", agent_a1.id),
            &json!({}),
        )
        .call()
        .await
        .ok(200);
    eventually("B refuses the deactivated agent", || refused(&b, &agent_a1)).await;

    a.as_(&leader_b)
        .request(Method::POST, "/api/v1/auth/logout")
        .call()
        .await;
    eventually("B refuses the signed-out leader", || refused(&b, &leader_b)).await;
    assert!(!refused(&b, &leader_a).await, "nobody else is affected");
}
