//! What leaves the process: a run of the real binary with JSON logs at `debug` and Sentry
//! reporting to an ingest endpoint on loopback, through sign-ins, a new person, a note, a
//! search, a wrong password, a personal access token and a server fault. Neither the logs nor
//! the report hold any of the names, emails, note text, passwords or tokens the run used; the
//! report names the request and the caller's role.

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use persistence::entity::access_token;
use sea_orm::EntityTrait;
use sea_orm::sea_query::Expr;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

const DEMO_PASSWORD: &str = "coaching-hub-demo";

/// Everything posted to it, as Sentry's ingest receives envelopes.
async fn ingest() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let address = listener.local_addr().expect("an address");
    let received = Arc::new(Mutex::new(Vec::new()));
    let store = Arc::clone(&received);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                let mut reader = BufReader::new(stream);
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = value.trim().parse().unwrap_or(0);
                    }
                    if line == "\r\n" {
                        break;
                    }
                }
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).await.is_ok() {
                    store
                        .lock()
                        .expect("not poisoned")
                        .push(String::from_utf8_lossy(&body).into_owned());
                }
                let _ = reader
                    .into_inner()
                    .write_all(
                        b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}",
                    )
                    .await;
            });
        }
    });
    (format!("http://public@{address}/42"), received)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

fn coaching_hub(data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_coaching-hub"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("DATA_DIR", data_dir);
    command
}

/// Stops the server and reads everything it wrote.
fn logs_of(mut server: Child) -> String {
    let _ = server.kill();
    let output = server.wait_with_output().expect("the server's output");
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[tokio::test]
async fn logs_and_error_reports_hold_no_personal_data_or_secrets() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let seeded = coaching_hub(dir.path())
        .args(["seed", "--demo"])
        .env("LOG_LEVEL", "error")
        .output()
        .expect("seeds");
    assert!(seeded.status.success());
    let (dsn, reports) = ingest().await;
    let port = free_port();
    let server = coaching_hub(dir.path())
        .args(["serve"])
        .env("PORT", port.to_string())
        .env("LOG_FORMAT", "json")
        .env("LOG_LEVEL", "debug")
        .env("SENTRY_DSN", &dsn)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut ready = false;
    for _ in 0..100 {
        if client.get(format!("{base}/healthz")).send().await.is_ok() {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "the server answers: {}", logs_of(server));

    let post = |path: &str, token: Option<&str>, body: Value| {
        let mut request = client.post(format!("{base}{path}")).json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    let json_of = |response: reqwest::Response| async move {
        let status = response.status();
        let body: Value = response.json().await.expect("a JSON answer");
        assert!(status.is_success(), "{status}: {body}");
        body
    };
    let signed_in = json_of(
        post(
            "/api/v1/auth/login",
            None,
            json!({ "email": "admin@demo.coaching-hub.example", "password": DEMO_PASSWORD }),
        )
        .await
        .expect("answers"),
    )
    .await;
    let token = signed_in["access_token"]
        .as_str()
        .expect("a token")
        .to_owned();
    let refresh = signed_in["refresh_token"]
        .as_str()
        .expect("a token")
        .to_owned();
    let (name, email, password) = (
        "Zelda Quixote-Marsh",
        "zelda.quixote@pii.example",
        "Zelda-Secret-Passphrase-9",
    );
    let person = json_of(
        post(
            "/api/v1/users",
            Some(&token),
            json!({ "email": email, "name": name, "role": "TEAM_LEADER", "password": password }),
        )
        .await
        .expect("answers"),
    )
    .await;
    let agents = json_of(
        client
            .get(format!("{base}/api/v1/users?role=AGENT&limit=1"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("answers"),
    )
    .await;
    let agent = agents["items"][0]["id"]
        .as_str()
        .expect("an agent")
        .to_owned();
    let note = "Cried after the abusive caller; struggles with escalations";
    json_of(
        post(
            "/api/v1/quick-notes",
            Some(&token),
            json!({ "agent_id": agent, "content": note, "category": "OTHER", "visibility": "SHARED" }),
        )
        .await
        .expect("answers"),
    )
    .await;
    json_of(
        client
            .get(format!("{base}/api/v1/search?q=Quixote"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("answers"),
    )
    .await;
    let (stranger, wrong) = ("nobody.pii@example.org", "Wrong-Password-PII-1");
    let refused = post(
        "/api/v1/auth/login",
        None,
        json!({ "email": stranger, "password": wrong }),
    )
    .await
    .expect("answers");
    assert_eq!(refused.status(), 401);
    let personal = json_of(
        post(
            "/api/v1/me/tokens",
            Some(&token),
            json!({ "name": "Payroll export", "scopes": ["read"], "expires_in_days": 7 }),
        )
        .await
        .expect("answers"),
    )
    .await;
    let secret = personal["secret"].as_str().expect("a secret").to_owned();
    json_of(
        client
            .get(format!("{base}/api/v1/me"))
            .bearer_auth(&secret)
            .send()
            .await
            .expect("answers"),
    )
    .await;

    // A calendar feed's URL is its secret: the log keeps the route, not the token.
    let feed = json_of(
        post("/api/v1/me/calendar", Some(&token), json!({}))
            .await
            .expect("answers"),
    )
    .await;
    let feed_url = feed["url"].as_str().expect("a url");
    let feed_token = feed_url
        .rsplit('/')
        .next()
        .and_then(|file| file.strip_suffix(".ics"))
        .expect("a token")
        .to_owned();
    let fed = client
        .get(format!("{base}/api/v1/calendar/{feed_token}.ics"))
        .send()
        .await
        .expect("answers");
    assert_eq!(fed.status(), 200);

    // Erasing a person: the log says it happened, never who they were.
    let erase = format!(
        "/api/v1/users/{}/erase",
        person["id"].as_str().expect("an id")
    );
    json_of(
        post(&erase, Some(&token), json!({}))
            .await
            .expect("answers"),
    )
    .await;

    // A fault on the server's side: a row the database hands back that no longer decodes.
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("coaching-hub.db").display()
    );
    let db = persistence::db::connect(&url, &Default::default())
        .await
        .expect("opens");
    access_token::Entity::update_many()
        .col_expr(access_token::Column::CreatedAt, Expr::value("not a time"))
        .exec(&db)
        .await
        .expect("corrupts the row");
    let failed = client
        .get(format!("{base}/api/v1/me/tokens"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("answers");
    assert!(failed.status().is_server_error(), "{}", failed.status());
    let request_id = failed
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("a request id")
        .to_owned();

    let mut report = None;
    for _ in 0..100 {
        report = reports
            .lock()
            .expect("not poisoned")
            .iter()
            .find(|body| body.contains(&request_id))
            .cloned();
        if report.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let logs = logs_of(server);
    let report = report.unwrap_or_else(|| panic!("no report for {request_id}; logs:\n{logs}"));
    assert!(report.contains("\"role\":\"ADMIN\""), "{report}");
    assert!(
        logs.contains(&request_id),
        "the logs name the failed request"
    );
    assert!(logs.contains("request failed"), "{logs}");

    let secrets = [
        DEMO_PASSWORD,
        name,
        "Quixote",
        email,
        password,
        note,
        stranger,
        wrong,
        &token,
        &refresh,
        &secret,
        &feed_token,
    ];
    for secret in secrets {
        assert!(!logs.contains(secret), "the logs hold `{secret}`:\n{logs}");
        let everything = reports.lock().expect("not poisoned").join("\n");
        assert!(
            !everything.contains(secret),
            "a report holds `{secret}`:\n{everything}"
        );
    }
}
