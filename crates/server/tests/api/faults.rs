//! The database goes away: the API answers 503 (problem+json), readiness fails, nothing hangs.
//! These run on PostgreSQL through a proxy that can cut connections, whatever the run's backend.

use reqwest::Method;
use test_support::proxy::ChaosProxy;
use test_support::{TestApp, TestDb, test_config};

use crate::helpers::problem;

#[tokio::test]
async fn a_lost_database_is_503_and_not_ready() {
    let db = TestDb::create(persistence::Backend::Postgres).await;
    let upstream = "127.0.0.1:5432".parse().expect("an address");
    let proxy = ChaosProxy::start(upstream).await;
    let proxied_url = db
        .url
        .replacen("127.0.0.1:5432", &proxy.addr.to_string(), 1);
    let mut config = test_config(&proxied_url, persistence::Backend::Postgres);
    config.redis_url = None;
    config.db.acquire_timeout = std::time::Duration::from_secs(1);
    let app = TestApp::start(config, db.with_url(proxied_url.clone())).await;
    let org = app.seed_org().await;
    let me = app
        .as_(&org.admin)
        .get("/api/v1/me")
        .send()
        .await
        .expect("answers");
    assert_eq!(me.status(), 200);

    proxy.cut();
    let ready = app
        .request(Method::GET, "/readyz")
        .send()
        .await
        .expect("answers");
    assert_eq!(ready.status(), 503);
    let body: serde_json::Value = ready.json().await.expect("json");
    assert_eq!(body["database"], "unavailable");
    let me = app
        .as_(&org.admin)
        .get("/api/v1/me")
        .send()
        .await
        .expect("answers");
    let body = problem(me, 503).await;
    assert_eq!(body["code"], "unavailable");
    drop(app);
    drop(db);
}
