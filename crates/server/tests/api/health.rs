//! Liveness and readiness.

use reqwest::Method;
use test_support::Call;
use test_support::TestApp;

#[tokio::test]
async fn alive_and_ready_with_every_dependency_checked() {
    let app = TestApp::spawn().await;
    let alive = app
        .request(Method::GET, "/healthz")
        .send()
        .await
        .expect("answers");
    assert_eq!(alive.status(), 200);
    let ready = app.request(Method::GET, "/readyz").call().await.ok(200);
    assert_eq!(ready["database"], "ok");
    let expected_redis = match test_support::backend() {
        persistence::Backend::Postgres => "ok",
        persistence::Backend::Sqlite => "not_configured",
    };
    assert_eq!(ready["redis"], expected_redis);
}
