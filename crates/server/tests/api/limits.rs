//! Rate limits on the whole API: per client address and per signed-in person, with the
//! `RateLimit-*` headers on every answer, shared by every instance through Redis.

use reqwest::Method;
use server::http::rate_limit::Limiter;
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
    let app = TestApp::spawn_with(|config| config.http.request_limits.per_user = 3).await;
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
        config.http.request_limits.per_ip = 2;
        config.http.trust_proxy = true;
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
        config.store.redis_url = Some(test_support::redis_url().into());
        config.http.request_limits.per_user = 4;
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

/// Two instances' limiters sharing Redis, as two servers would, with their pool and the prefix
/// of their keys (this test's own).
fn shared_limiters(per_minute: u32) -> (Limiter, Limiter, deadpool_redis::Pool, String) {
    let pool = deadpool_redis::Config::from_url(test_support::redis_url())
        .create_pool(Some(deadpool_redis::Runtime::Tokio1))
        .expect("a Redis pool");
    let prefix = format!("test-{}", uuid::Uuid::now_v7());
    let limiter = || Limiter::new(per_minute, "batch", Some(&pool), &prefix);
    (limiter(), limiter(), pool.clone(), prefix)
}

#[tokio::test]
async fn instances_far_from_a_limit_send_their_counts_in_batches() {
    let (a, _, pool, prefix) = shared_limiters(1_000_000);
    early_in_a_rate_window().await;
    for _ in 0..200 {
        assert!(!a.take("someone").await.exceeded);
    }
    let mut conn = pool.get().await.expect("Redis");
    let keys: Vec<String> = deadpool_redis::redis::cmd("KEYS")
        .arg(format!("{prefix}:rl:batch:someone:*"))
        .query_async(&mut conn)
        .await
        .expect("KEYS");
    let mut sent = 0;
    for key in keys {
        let count: u32 = deadpool_redis::redis::cmd("GET")
            .arg(&key)
            .query_async(&mut conn)
            .await
            .expect("GET");
        sent += count;
    }
    assert!(
        (1..200).contains(&sent),
        "the first event goes to Redis, most of the rest wait for a batch: {sent} sent"
    );
}

#[tokio::test]
async fn two_instances_near_a_limit_admit_at_most_an_eighth_of_it_too_many() {
    let (a, b, _, _) = shared_limiters(800);
    early_in_a_rate_window().await;
    let mut admitted = 0;
    let mut refused_by = [false, false];
    for turn in 0..2_000 {
        let limiter = if turn % 2 == 0 { &a } else { &b };
        if limiter.take("someone").await.exceeded {
            refused_by[turn % 2] = true;
        } else {
            admitted += 1;
        }
    }
    assert!(
        (800..=900).contains(&admitted),
        "{admitted} admitted for a limit of 800"
    );
    assert_eq!(refused_by, [true, true], "both instances refuse past it");
}
