//! Small assertions shared by the test modules.

use serde_json::Value;
use test_support::IntoResponse;

/// Asserts the status and that the body is problem+json; returns the problem.
pub async fn problem(response: impl IntoResponse, status: u16) -> Value {
    response.into_response().await.problem(status)
}

/// Asserts the status and returns the JSON body.
pub async fn ok_json(response: impl IntoResponse, status: u16) -> Value {
    response.into_response().await.ok(status)
}

/// What `GET /api/v1/audit/verify` answers an admin.
pub async fn audit_verification(
    app: &test_support::TestApp,
    admin: &test_support::Persona,
) -> Value {
    use test_support::Call;
    app.as_(admin)
        .get("/api/v1/audit/verify")
        .call()
        .await
        .ok(200)
}

/// Runs a `coaching-hub` command that must succeed; returns what it printed.
pub fn run_ok(command: &mut std::process::Command) -> String {
    let run = command.output().expect("runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    String::from_utf8_lossy(&run.stdout).into_owned()
}

/// The ids in a page of items.
pub fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("a page")
        .iter()
        .map(|item| item["id"].as_str().expect("an id").to_owned())
        .collect()
}

/// The types of the events published since `events` subscribed, in order. A marker published
/// after them arrives last (the bus keeps publishing order), so this also waits for events that
/// travel through Redis.
pub async fn published_kinds(
    app: &test_support::TestApp,
    events: &mut tokio::sync::broadcast::Receiver<std::sync::Arc<server::events::Envelope>>,
) -> Vec<String> {
    let marker = uuid::Uuid::now_v7();
    app.state.events.publish(dto::Event::SignedOut {
        user_id: domain::UserId(marker),
        session_id: marker,
    });
    let mut kinds = Vec::new();
    loop {
        let envelope = tokio::time::timeout(std::time::Duration::from_secs(10), events.recv())
            .await
            .expect("the events arrive")
            .expect("the bus is open");
        if matches!(envelope.event, dto::Event::SignedOut { session_id, .. } if session_id == marker)
        {
            return kinds;
        }
        let event = serde_json::to_value(&envelope.event).expect("json");
        kinds.push(event["type"].as_str().expect("type").to_owned());
    }
}

/// Rate limits count in fixed windows that are wall-clock minutes on Redis: a burst that starts
/// late in one would be cut in two and never reach its limit. Starts it early in a window.
pub async fn early_in_a_rate_window() {
    let into = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs() % 60);
    if into > 30 {
        tokio::time::sleep(std::time::Duration::from_secs(60 - into)).await;
    }
}

/// Asks `probe` again until it says yes, for at most [`test_support::live::PATIENCE`]: for what
/// another instance learns through the bus. Far shorter than any cache's time to live, so a yes
/// comes from the event, never from an entry running out.
pub async fn eventually<F, Fut>(what: &str, mut probe: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + test_support::live::PATIENCE;
    while !probe().await {
        assert!(tokio::time::Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// The titles of `who`'s notifications of `kind` (`PLAN_SENT_BACK`, ...), newest first.
pub async fn notified(
    app: &test_support::TestApp,
    who: &test_support::Persona,
    kind: &str,
) -> Vec<String> {
    use test_support::Call;
    let list = app
        .as_(who)
        .get("/api/v1/notifications?limit=200")
        .call()
        .await
        .ok(200);
    list["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|n| n["kind"] == kind)
        .filter_map(|n| n["title"].as_str().map(str::to_owned))
        .collect()
}

/// The status `GET /api/v1/me` answers `token`.
pub async fn me_status(app: &test_support::TestApp, token: &str) -> u16 {
    app.request(reqwest::Method::GET, "/api/v1/me")
        .bearer_auth(token)
        .send()
        .await
        .expect("answers")
        .status()
        .as_u16()
}

/// The configuration change that emails through the SMTP server at `url` (retrying fast).
pub fn emailing(url: String) -> impl FnOnce(&mut server::Config) {
    move |config| {
        config.email = Some(server::config::EmailConfig {
            smtp_url: url.into(),
            from: "Coaching Hub <coaching-hub@org.test>"
                .parse()
                .expect("an address"),
            retry: std::time::Duration::from_millis(200),
        });
    }
}
