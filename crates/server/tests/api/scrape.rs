//! Prometheus metrics at `/metrics`: only behind `METRICS_TOKEN`, in the text format a Prometheus
//! parser reads, counting a request just made by its route pattern (never its raw path), with
//! the pool, cache, WebSocket and audit figures.

use prometheus_parse::{Sample, Scrape, Value};
use reqwest::Method;
use test_support::{Call, TestApp};

const TOKEN: &str = "a-metrics-token-of-more-than-32-characters";

async fn app_with_token() -> TestApp {
    TestApp::spawn_with(|config| config.telemetry.metrics_token = Some(TOKEN.to_owned().into()))
        .await
}

/// The metrics as Prometheus reads them, and their text.
async fn scrape(app: &TestApp) -> (Scrape, String) {
    let answer = app
        .request(Method::GET, "/metrics")
        .bearer_auth(TOKEN)
        .call()
        .await;
    assert_eq!(answer.status(), 200, "{}", answer.text());
    assert_eq!(
        answer.header("content-type"),
        Some("text/plain; version=0.0.4")
    );
    let text = answer.text();
    let scrape = Scrape::parse(text.lines().map(|line| Ok(line.to_owned()))).expect("it parses");
    (scrape, text)
}

/// The samples named `metric` whose labels include `labels`.
fn samples<'a>(scrape: &'a Scrape, metric: &str, labels: &[(&str, &str)]) -> Vec<&'a Sample> {
    scrape
        .samples
        .iter()
        .filter(|sample| sample.metric == metric)
        .filter(|sample| {
            labels
                .iter()
                .all(|(name, value)| sample.labels.get(name) == Some(value))
        })
        .collect()
}

/// The value of the one counter or gauge named so; 0 when it has not been recorded yet.
fn value(scrape: &Scrape, metric: &str, labels: &[(&str, &str)]) -> f64 {
    match samples(scrape, metric, labels).as_slice() {
        [] => 0.0,
        [one] => match one.value {
            Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v) => v,
            _ => panic!("{metric} is not a counter or gauge"),
        },
        many => panic!("{} samples of {metric} {labels:?}", many.len()),
    }
}

#[tokio::test]
async fn metrics_are_served_only_behind_their_token() {
    let app = TestApp::spawn().await;
    app.request(Method::GET, "/metrics")
        .bearer_auth(TOKEN)
        .call()
        .await
        .problem(404);

    let app = app_with_token().await;
    app.request(Method::GET, "/metrics")
        .call()
        .await
        .problem(401);
    app.request(Method::GET, "/metrics")
        .bearer_auth("a-metrics-token-of-more-than-32-characterz")
        .call()
        .await
        .problem(401);
    scrape(&app).await;
}

#[tokio::test]
async fn a_request_just_made_is_counted_by_its_route_pattern_and_status() {
    let app = app_with_token().await;
    let org = app.seed_org().await;
    let route = "/api/v1/users/:id";
    let (before, _) = scrape(&app).await;
    let ok = [("method", "GET"), ("route", route), ("status", "200")];
    let missing = [("method", "GET"), ("route", route), ("status", "404")];
    let requests = "coaching_hub_http_requests_total";

    let user = format!("/api/v1/users/{}", org.agent_a1.id);
    app.as_(&org.admin).get(&user).call().await.ok(200);
    app.as_(&org.leader_b).get(&user).call().await.problem(404);
    let _live = app.live(&org.leader_a).await;

    let (after, text) = scrape(&app).await;
    assert_eq!(
        value(&after, requests, &ok),
        value(&before, requests, &ok) + 1.0
    );
    assert_eq!(
        value(&after, requests, &missing),
        value(&before, requests, &missing) + 1.0
    );
    assert!(
        !text.contains(&org.agent_a1.id.to_string()),
        "a raw path is never a label"
    );
    let latency = samples(&after, "coaching_hub_http_request_duration_seconds", &ok);
    assert!(
        matches!(latency.as_slice(), [one] if matches!(one.value, Value::Histogram(_))),
        "{latency:?}"
    );
    assert_eq!(
        value(&after, "coaching_hub_websocket_connections", &[]),
        1.0
    );
    let pool = value(
        &after,
        "coaching_hub_db_pool_connections",
        &[("state", "in_use")],
    ) + value(
        &after,
        "coaching_hub_db_pool_connections",
        &[("state", "idle")],
    );
    assert!(pool >= 1.0, "the pool holds a connection: {pool}");
    let lookups = value(
        &after,
        "coaching_hub_cache_lookups_total",
        &[("cache", "actors"), ("result", "hit")],
    ) + value(
        &after,
        "coaching_hub_cache_lookups_total",
        &[("cache", "actors"), ("result", "miss")],
    );
    assert!(lookups >= 2.0, "every bearer request looks its actor up");
    let entries = persistence::audit::chain_length(app.db())
        .await
        .expect("counted");
    assert!(entries > 0);
    assert_eq!(
        value(&after, "coaching_hub_audit_chain_length", &[]),
        entries as f64
    );
}
