//! WebSocket fan-out, for `cargo xtask bench`: how long a quick note takes to reach every one of
//! `FANOUT` connected clients (from the moment its POST is sent to the moment each client has
//! read it), then how many idle live connections one instance holds and at what memory.
//!
//! Environment: `BASE` (the server, `http://127.0.0.1:18098`), `TOKEN` (a team leader's bearer
//! token), `AGENT` (an agent they coach), `SERVER_PID` (whose resident memory to read),
//! `FANOUT` (1,000), `EVENTS` (50), `HOLD` (10,000 connections in all).
//!
//! Prints `fanout ...`, `latency ...` and `hold ...` lines; the bench turns them into its table.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use futures_util::StreamExt;
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

/// Connections opened at once while connecting.
const CONNECTING: usize = 64;

fn var(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

/// The server's resident memory, in MiB.
fn rss_mib(pid: &str) -> Result<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kib: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .context("VmRSS in the server's status")?;
    Ok(kib / 1024.0)
}

/// When each client read each note: `(note number, instant)`.
type Arrivals = Arc<Mutex<Vec<(usize, Instant)>>>;

/// Opens one live connection; its task reads every message and notes when a benchmark note
/// arrives, until the process ends.
async fn connect(url: &str, token: &str, arrivals: Option<Arrivals>) -> Result<()> {
    let mut request = url.into_client_request()?;
    request.headers_mut().insert(
        "authorization",
        HeaderValue::from_str(&format!("Bearer {token}"))?,
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;
    tokio::spawn(async move {
        while let Some(Ok(message)) = socket.next().await {
            let Message::Text(text) = message else {
                continue;
            };
            let Some(arrivals) = &arrivals else {
                continue;
            };
            let now = Instant::now();
            if let Some(n) = note_number(text.as_str()) {
                arrivals.lock().await.push((n, now));
            }
        }
        let _ = socket.close(None).await;
    });
    Ok(())
}

/// The number in a benchmark note's content (`fanout-N`), when the message is one.
fn note_number(text: &str) -> Option<usize> {
    let start = text.find("\"content\":\"fanout-")? + "\"content\":\"fanout-".len();
    let rest = &text[start..];
    rest[..rest.find('"')?].parse().ok()
}

async fn open(url: &str, token: &str, count: usize, arrivals: Option<&Arrivals>) -> Result<()> {
    let results: Vec<Result<()>> = futures_util::stream::iter(0..count)
        .map(|_| connect(url, token, arrivals.cloned()))
        .buffer_unordered(CONNECTING)
        .collect()
        .await;
    let failed = results.iter().filter(|r| r.is_err()).count();
    if let Some(Err(first)) = results.into_iter().find(Result::is_err) {
        bail!("{failed} of {count} connections failed; the first: {first}");
    }
    Ok(())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(rank).copied().unwrap_or(f64::NAN)
}

#[tokio::main]
async fn main() -> Result<()> {
    let base = var("BASE", "http://127.0.0.1:18098");
    let token = std::env::var("TOKEN").context("TOKEN")?;
    let agent = std::env::var("AGENT").context("AGENT")?;
    let pid = std::env::var("SERVER_PID").context("SERVER_PID")?;
    let fanout: usize = var("FANOUT", "1000").parse()?;
    let events: usize = var("EVENTS", "50").parse()?;
    let hold: usize = var("HOLD", "10000").parse()?;
    let url = format!("{}/api/v1/ws", base.replacen("http", "ws", 1));

    let idle = rss_mib(&pid)?;
    let arrivals: Arrivals = Arc::default();
    let started = Instant::now();
    open(&url, &token, fanout, Some(&arrivals)).await?;
    println!(
        "fanout {fanout} connections open in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let client = reqwest::Client::new();
    let mut sent = Vec::with_capacity(events);
    for n in 0..events {
        let body = serde_json::json!({ "agent_id": agent, "content": format!("fanout-{n}"),
                                       "category": "PERFORMANCE", "visibility": "SHARED" });
        sent.push(Instant::now());
        let status = client
            .post(format!("{base}/api/v1/quick-notes"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await?
            .status();
        if !status.is_success() {
            bail!("the note was refused: {status}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while arrivals.lock().await.len() < fanout * events && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let arrived = arrivals.lock().await;
    let mut latencies: Vec<f64> = arrived
        .iter()
        .filter_map(|(n, at)| Some(at.duration_since(*sent.get(*n)?).as_secs_f64() * 1000.0))
        .collect();
    latencies.sort_by(f64::total_cmp);
    println!(
        "latency {} of {} deliveries, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        latencies.len(),
        fanout * events,
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or(f64::NAN)
    );
    drop(arrived);

    let mut open_now = fanout;
    for step in [1_000, 5_000, 10_000, hold] {
        let step = step.min(hold);
        if step <= open_now {
            continue;
        }
        open(&url, &token, step - open_now, None).await?;
        open_now = step;
        // Let the server finish its share of the handshakes before reading its memory.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let rss = rss_mib(&pid)?;
        println!(
            "hold {open_now} connections, server RSS {rss:.0} MiB ({idle:.0} MiB idle), {:.1} KiB per connection",
            (rss - idle) * 1024.0 / open_now as f64
        );
    }
    Ok(())
}
