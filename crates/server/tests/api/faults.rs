//! The database or Redis goes away while requests flow, and comes back.
//!
//! - PostgreSQL (through a proxy that can cut connections, whatever the run's backend): the API
//!   answers 503 (problem+json) fast, readiness fails, nothing hangs; when it is back, full service
//!   returns by itself and every write that was acknowledged is there.
//! - Redis (through the same kind of proxy): no request fails; caches are bypassed so no
//!   instance serves what another changed; when it is back, events cross instances again.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use serde_json::Value;
use test_support::proxy::ChaosProxy;
use test_support::{Call, Org, Persona, TestApp, TestDb, records, test_config};
use tokio::sync::watch;
use uuid::Uuid;

use crate::helpers::{eventually, problem};

/// What a stream of note writes got back: each answer's status, and the id of each note the
/// server acknowledged.
#[derive(Debug, Default)]
struct Outcome {
    statuses: Vec<u16>,
    acknowledged: Vec<String>,
}

/// Writes a note about `agent` every few milliseconds until `stop`, through `app` as `who`.
/// Each request has a deadline: a hang fails the test instead of stalling it.
fn write_until(
    app: Arc<TestApp>,
    who: Persona,
    agent: Uuid,
    mut stop: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<Outcome> {
    tokio::spawn(async move {
        let mut outcome = Outcome::default();
        for n in 0..2_000 {
            if *stop.borrow_and_update() {
                break;
            }
            let response = app
                .as_(&who)
                .post(
                    "/api/v1/quick-notes",
                    &records::note(agent, &format!("Note {n} under faults"), "SHARED"),
                )
                .timeout(Duration::from_secs(10))
                .call()
                .await;
            outcome.statuses.push(response.status());
            if response.status() == 201 {
                let note: Value = response.ok(201);
                outcome
                    .acknowledged
                    .push(note["id"].as_str().expect("an id").to_owned());
            }
            tokio::time::sleep(Duration::from_millis(15)).await;
        }
        outcome
    })
}

async fn ready(app: &TestApp) -> u16 {
    app.request(Method::GET, "/readyz").call().await.status()
}

/// An app on PostgreSQL through a proxy, without Redis.
async fn behind_proxy() -> (TestApp, ChaosProxy) {
    let db = TestDb::create(persistence::Backend::Postgres).await;
    let upstream = "127.0.0.1:5432".parse().expect("an address");
    let proxy = ChaosProxy::start(upstream).await;
    let proxied_url = db
        .url
        .replacen("127.0.0.1:5432", &proxy.addr.to_string(), 1);
    let mut config = test_config(&proxied_url, persistence::Backend::Postgres);
    config.store.redis_url = None;
    config.store.db.acquire_timeout = Duration::from_secs(1);
    // The proxied database is this test's own: it is dropped with the app.
    let app = TestApp::start(config, db).await;
    (app, proxy)
}

#[tokio::test]
async fn a_lost_database_is_503_and_not_ready() {
    let (app, proxy) = behind_proxy().await;
    let org = app.seed_org().await;
    app.as_(&org.admin).me().await.ok(200);

    proxy.cut();
    let ready: Value = app.request(Method::GET, "/readyz").call().await.ok(503);
    assert_eq!(ready["database"], "unavailable");
    let body = problem(
        app.as_(&org.admin).get("/api/v1/quick-notes").call().await,
        503,
    )
    .await;
    assert_eq!(body["code"], "unavailable");
}

#[tokio::test]
async fn the_database_comes_back_and_no_acknowledged_write_is_lost() {
    let (app, proxy) = behind_proxy().await;
    let app = Arc::new(app);
    let org = app.seed_org().await;
    let (stop, stopped) = watch::channel(false);
    let writer = write_until(
        Arc::clone(&app),
        org.leader_a.clone(),
        org.agent_a1.id,
        stopped,
    );

    tokio::time::sleep(Duration::from_millis(300)).await;
    proxy.cut();
    eventually("readiness fails while the database is gone", || async {
        ready(&app).await == 503
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    proxy.restore();
    eventually("readiness returns by itself", || async {
        ready(&app).await == 200
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.send(true).expect("the writer listens");
    let outcome = writer.await.expect("the writer finishes");

    let unexpected: Vec<_> = outcome
        .statuses
        .iter()
        .filter(|status| ![201, 503].contains(*status))
        .collect();
    assert!(unexpected.is_empty(), "only 201 or 503: {unexpected:?}");
    assert!(outcome.statuses.contains(&503), "the outage was seen");
    assert_eq!(
        outcome.statuses.last(),
        Some(&201),
        "writes succeed again: {:?}",
        outcome.statuses
    );
    for id in &outcome.acknowledged {
        app.as_(&org.leader_a)
            .get(&format!("/api/v1/quick-notes/{id}"))
            .call()
            .await
            .ok(200);
    }
}

/// Reads a few pages as `who` until `stop`; every answer must be a success.
fn read_until(
    app: Arc<TestApp>,
    who: Persona,
    mut stop: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<Vec<u16>> {
    tokio::spawn(async move {
        let mut statuses = Vec::new();
        for _ in 0..2_000 {
            if *stop.borrow_and_update() {
                break;
            }
            for path in ["/api/v1/me", "/api/v1/dashboard", "/api/v1/sessions"] {
                let response = app
                    .as_(&who)
                    .get(path)
                    .timeout(Duration::from_secs(10))
                    .call()
                    .await;
                statuses.push(response.status());
            }
            tokio::time::sleep(Duration::from_millis(15)).await;
        }
        statuses
    })
}

#[tokio::test]
async fn redis_going_away_fails_no_request_and_events_resume_when_it_returns() {
    let upstream = "127.0.0.1:6379".parse().expect("an address");
    let proxy = ChaosProxy::start(upstream).await;
    let redis = format!("redis://{}", proxy.addr);
    let a = TestApp::spawn_with(|config| config.store.redis_url = Some(redis.into())).await;
    let org = a.seed_org().await;
    let b = Arc::new(a.another_instance().await);
    let a = Arc::new(a);
    let Org {
        admin,
        leader_a,
        agent_a1,
        agent_a2,
        ..
    } = &org;
    let mut socket = a.live(leader_a).await;
    // Agent A2 is in A's actor cache.
    a.as_(agent_a2).me().await.ok(200);

    let (stop, stopped) = watch::channel(false);
    let reads = read_until(Arc::clone(&a), leader_a.clone(), stopped.clone());
    let writes = write_until(Arc::clone(&b), leader_a.clone(), agent_a1.id, stopped);
    tokio::time::sleep(Duration::from_millis(200)).await;

    proxy.cut();
    eventually("both instances notice", || async {
        !a.state.events.healthy() && !b.state.events.healthy()
    })
    .await;
    // A change through B cannot reach A's cache now; A reads the database instead.
    b.as_(admin)
        .post(
            &format!("/api/v1/users/{}/deactivate", agent_a2.id),
            &serde_json::json!({}),
        )
        .call()
        .await
        .ok(200);
    a.as_(agent_a2).me().await.problem(401);
    tokio::time::sleep(Duration::from_millis(500)).await;

    proxy.restore();
    eventually("both instances hear Redis again", || async {
        a.state.events.healthy() && b.state.events.healthy()
    })
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.send(true).expect("the loops listen");
    let reads = reads.await.expect("the reader finishes");
    let writes = writes.await.expect("the writer finishes");
    assert!(
        reads.iter().all(|status| *status == 200),
        "reads: {reads:?}"
    );
    assert!(
        writes.statuses.iter().all(|status| *status == 201),
        "writes: {:?}",
        writes.statuses
    );

    // Events cross instances again: a note written through B reaches the socket on A.
    let note = b
        .as_(leader_a)
        .write_note(records::note(agent_a1.id, "After the outage", "SHARED"))
        .await
        .ok(201);
    loop {
        let event = socket.next().await;
        if event["type"] == "quick_note_changed" && event["data"]["id"] == note.id.to_string() {
            break;
        }
    }
}
