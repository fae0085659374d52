//! Rate limits on the whole API: per client address and per signed-in person, with the
//! `RateLimit-*` headers on every answer, shared by every instance through Redis.

use reqwest::Method;
use test_support::{Call, Response, TestApp, records};

use crate::helpers::early_in_a_rate_window;

fn number(response: &Response, name: &str) -> u64 {
    response
        .header(name)
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| panic!("{name} is a number on {}", response.status()))
}

#[tokio::test]
async fn each_person_has_their_own_request_limit_and_is_told_what_is_left() {
    let app = TestApp::spawn_with(|config| config.request_limits.per_user = 3).await;
    let org = app.seed_org().await;
    early_in_a_rate_window().await;
    for left in [2, 1, 0] {
        let me = app.as_(&org.leader_a).get("/api/v1/me").call().await;
        assert_eq!(me.status(), 200);
        assert_eq!(number(&me, "ratelimit-limit"), 3);
        assert_eq!(number(&me, "ratelimit-remaining"), left);
        assert!((1..=60).contains(&number(&me, "ratelimit-reset")));
    }
    let refused = app.as_(&org.leader_a).get("/api/v1/me").call().await;
    assert_eq!(number(&refused, "ratelimit-remaining"), 0);
    let retry_after = number(&refused, "retry-after");
    assert!((1..=60).contains(&retry_after));
    assert_eq!(refused.problem(429)["code"], "rate_limited");
    // Writes count too, and someone else is not held back by it.
    app.as_(&org.leader_a)
        .write_note(records::note(org.agent_a1.id, "Good call", "SHARED"))
        .await
        .problem(429);
    app.as_(&org.leader_b)
        .get("/api/v1/me")
        .call()
        .await
        .ok(200);
}

#[tokio::test]
async fn an_address_is_limited_before_anyone_signs_in_and_pages_are_not() {
    let app = TestApp::spawn_with(|config| {
        config.request_limits.per_ip = 2;
        config.trust_proxy = true;
    })
    .await;
    early_in_a_rate_window().await;
    let from = |ip: &str| {
        app.request(Method::GET, "/api/v1/me")
            .header("x-forwarded-for", ip)
    };
    for left in [1, 0] {
        let anonymous = from("203.0.113.7").call().await;
        assert_eq!(anonymous.status(), 401);
        assert_eq!(number(&anonymous, "ratelimit-remaining"), left);
    }
    let refused = from("203.0.113.7").call().await;
    assert!(refused.header("retry-after").is_some());
    assert!(
        refused.problem(429)["request_id"].is_string(),
        "a refusal quotes the request id like every problem"
    );
    from("203.0.113.8").call().await.problem(401);
    // Health checks and the browser app's pages are outside the API's limit.
    let health = app
        .request(Method::GET, "/healthz")
        .header("x-forwarded-for", "203.0.113.7")
        .call()
        .await;
    assert_eq!(health.status(), 200);
    assert!(health.header("ratelimit-limit").is_none());
}

#[tokio::test]
async fn a_limit_reached_through_one_instance_holds_on_another() {
    let a = TestApp::spawn_with(|config| {
        config.redis_url = Some(test_support::redis_url().into());
        config.request_limits.per_user = 4;
    })
    .await;
    let org = a.seed_org().await;
    let b = a.another_instance().await;
    early_in_a_rate_window().await;
    for app in [&a, &b, &a, &b] {
        app.as_(&org.agent_a1)
            .get("/api/v1/me")
            .call()
            .await
            .ok(200);
    }
    for app in [&a, &b] {
        app.as_(&org.agent_a1)
            .get("/api/v1/me")
            .call()
            .await
            .problem(429);
    }
}
