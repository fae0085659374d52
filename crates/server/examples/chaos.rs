//! Fault runs under load, for `cargo xtask chaos`: two release instances of one deployment
//! (PostgreSQL + Redis) behind Debian's nginx with the shipped `docker/nginx.conf`, a writer that
//! sends a quick note through nginx every few milliseconds and remembers every one the server
//! acknowledged, and three faults in turn:
//!
//! 1. Redis shut down, then started again;
//! 2. PostgreSQL restarted (`pg_ctlcluster ... restart`);
//! 3. one of the two instances killed, then started again.
//!
//! Afterwards every acknowledged note is read back: the report says how many writes were
//! acknowledged, how many of those were lost (must be 0), how many requests failed in each fault,
//! and for how long service was degraded. It restarts this machine's PostgreSQL and Redis: run it
//! on a machine where nothing else needs them at that moment (`.ci/run` runs it alone).
//!
//! Environment: `PHASE_SECONDS` (how long each fault lasts, 3), `PORTS` (two free ports,
//! `18110,18111`). Prints a Markdown table, and writes it with a JSON copy under `target/bench/`.

use std::process::{Child, Command, Stdio};

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use test_support::nginx::Nginx;
use tokio::sync::Mutex;

const DATABASE: &str = "coaching_hub_chaos";
const LEADER: &str = "tomas.rivera@demo.coaching-hub.example";
const PASSWORD: &str = "coaching-hub-demo";

/// What the writer saw: when each request ended, its status (0: no answer), and the id of each
/// note the server acknowledged.
#[derive(Default)]
struct Log {
    answers: Vec<(Instant, u16)>,
    acknowledged: Vec<String>,
}

/// A fault's window and what happened in it.
struct Phase {
    name: &'static str,
    started: Instant,
    ended: Instant,
}

fn sh(program: &str, args: &[&str]) -> Result<()> {
    let status = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .status()
        .with_context(|| format!("{program} runs"))?;
    if !status.success() {
        bail!("{program} {} failed", args.join(" "));
    }
    Ok(())
}

fn psql(sql: &str) -> Result<()> {
    sh(
        "psql",
        &["-q", "-h", "127.0.0.1", "-U", "postgres", "-c", sql],
    )
}

fn postgres_cluster() -> Result<String> {
    std::fs::read_dir("/etc/postgresql")?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .next()
        .context("a PostgreSQL cluster under /etc/postgresql")
}

fn redis_up() -> bool {
    Command::new("redis-cli")
        .args(["-h", "127.0.0.1", "-p", "6379", "ping"])
        .output()
        .is_ok_and(|out| out.stdout.starts_with(b"PONG"))
}

/// A running instance, stopped when dropped (also when the run fails half-way).
struct Instance(Child);

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One instance of the deployment on `port`.
fn instance(port: u16, demo: bool) -> Result<Instance> {
    let binary = std::env::current_exe()?
        .parent()
        .and_then(|examples| examples.parent())
        .context("the examples folder has a parent")?
        .join("coaching-hub");
    let mut command = Command::new(binary);
    command.arg("serve");
    if demo {
        command.arg("--demo");
    }
    command
        .env(
            "DATABASE_URL",
            format!("postgres://postgres@127.0.0.1:5432/{DATABASE}"),
        )
        .env("REDIS_URL", "redis://127.0.0.1:6379")
        .env("REDIS_PREFIX", format!("chaos-{}", std::process::id()))
        .env(
            "JWT_SECRET",
            "chaos-only-signing-key-chaos-only-signing-key",
        )
        .env(
            "ENCRYPTION_KEYS",
            "chaos1:Y2hhb3Mtb25seS1lbmNyeXB0aW9uLWtleS0zMmJ5dGU=",
        )
        .env("PORT", port.to_string())
        // The tokens' issuer: the same on both instances, as behind one load balancer.
        .env("PUBLIC_URL", "http://127.0.0.1")
        .env("TRUST_PROXY", "true")
        .env("LOG_LEVEL", "error")
        .env("RATE_LIMIT_PER_USER", "1000000000")
        .env("RATE_LIMIT_PER_IP", "1000000000")
        .stdout(Stdio::null());
    Ok(Instance(command.spawn()?))
}

async fn ready(client: &reqwest::Client, base: &str) -> Result<()> {
    for _ in 0..300 {
        let answer = client.get(format!("{base}/readyz")).send().await;
        if answer.is_ok_and(|a| a.status().is_success()) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("{base} never became ready")
}

/// Writes notes until told to stop; each request has a deadline, so nothing hangs the run.
fn writer(
    client: reqwest::Client,
    url: String,
    token: String,
    agent: String,
    log: Arc<Mutex<Log>>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut n = 0u64;
        while !*stop.borrow_and_update() {
            n += 1;
            let body = json!({ "agent_id": agent, "content": format!("chaos {n}"),
                               "category": "PERFORMANCE", "visibility": "SHARED" });
            let answer = client
                .post(&url)
                .bearer_auth(&token)
                .json(&body)
                .timeout(Duration::from_secs(5))
                .send()
                .await;
            let (status, id) = match answer {
                Ok(answer) => {
                    let status = answer.status().as_u16();
                    let note: Value = answer.json().await.unwrap_or_default();
                    (status, note["id"].as_str().map(str::to_owned))
                }
                Err(_) => (0, None),
            };
            let mut log = log.lock().await;
            log.answers.push((Instant::now(), status));
            if let (201, Some(id)) = (status, id) {
                log.acknowledged.push(id);
            }
            drop(log);
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
}

#[tokio::main]
async fn main() -> Result<()> {
    let phase: u64 = std::env::var("PHASE_SECONDS")
        .unwrap_or_else(|_| "3".into())
        .parse()?;
    let ports: Vec<u16> = std::env::var("PORTS")
        .unwrap_or_else(|_| "18110,18111".into())
        .split(',')
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    let [port_a, port_b] = ports[..] else {
        bail!("PORTS names two ports");
    };
    let cluster = postgres_cluster()?;
    psql(&format!("DROP DATABASE IF EXISTS {DATABASE}"))?;
    psql(&format!("CREATE DATABASE {DATABASE}"))?;
    let client = reqwest::Client::new();
    let (a_url, b_url) = (
        format!("http://127.0.0.1:{port_a}"),
        format!("http://127.0.0.1:{port_b}"),
    );
    let a = instance(port_a, true)?;
    ready(&client, &a_url).await?;
    let b = instance(port_b, false)?;
    ready(&client, &b_url).await?;
    let nginx = Nginx::in_front_of(&[&a_url, &b_url]).await;
    let base = nginx.address.clone();

    let login: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({ "email": LEADER, "password": PASSWORD }))
        .send()
        .await?
        .json()
        .await?;
    let token = login["access_token"]
        .as_str()
        .with_context(|| format!("a token in {login}"))?
        .to_owned();
    let agents: Value = client
        .get(format!("{base}/api/v1/users?role=AGENT&limit=1"))
        .bearer_auth(&token)
        .send()
        .await?
        .json()
        .await?;
    let agent = agents["items"][0]["id"]
        .as_str()
        .with_context(|| format!("an agent in {agents}"))?
        .to_owned();

    let log = Arc::new(Mutex::new(Log::default()));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let writing = writer(
        client.clone(),
        format!("{base}/api/v1/quick-notes"),
        token.clone(),
        agent,
        Arc::clone(&log),
        stopped,
    );
    let pause = Duration::from_secs(phase);
    let settle = Duration::from_secs(2);
    tokio::time::sleep(settle).await;
    let mut phases = Vec::new();

    let started = Instant::now();
    sh(
        "redis-cli",
        &["-h", "127.0.0.1", "-p", "6379", "shutdown", "nosave"],
    )
    .ok();
    tokio::time::sleep(pause).await;
    sh(
        "redis-server",
        &[
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "--port",
            "6379",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
    )?;
    while !redis_up() {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(settle).await;
    phases.push(Phase {
        name: "Redis shut down, started again",
        started,
        ended: Instant::now(),
    });

    let started = Instant::now();
    sh(
        "pg_ctlcluster",
        &["--skip-systemctl-redirect", &cluster, "main", "restart"],
    )?;
    tokio::time::sleep(pause).await;
    phases.push(Phase {
        name: "PostgreSQL restarted",
        started,
        ended: Instant::now(),
    });

    let started = Instant::now();
    drop(b);
    tokio::time::sleep(pause).await;
    let b = instance(port_b, false)?;
    ready(&client, &b_url).await?;
    tokio::time::sleep(settle).await;
    phases.push(Phase {
        name: "one of two instances killed, started again",
        started,
        ended: Instant::now(),
    });

    stop.send(true)?;
    writing.await?;
    let log = log.lock().await;
    let mut lost = 0;
    for id in &log.acknowledged {
        let read = client
            .get(format!("{base}/api/v1/quick-notes/{id}"))
            .bearer_auth(&token)
            .send()
            .await?;
        if read.status() != 200 {
            lost += 1;
        }
    }
    let mut markdown = format!(
        "Writes through nginx to two instances: {} sent, {} acknowledged, **{lost} acknowledged and \
         lost**.\n\n| fault | requests | failed | degraded for |\n| --- | --- | --- | --- |\n",
        log.answers.len(),
        log.acknowledged.len()
    );
    let mut rows = Vec::new();
    for phase in &phases {
        let during: Vec<&(Instant, u16)> = log
            .answers
            .iter()
            .filter(|(at, _)| (phase.started..=phase.ended).contains(at))
            .collect();
        let failures: Vec<Instant> = during
            .iter()
            .filter(|(_, status)| *status != 201)
            .map(|(at, _)| *at)
            .collect();
        let degraded = match (failures.first(), failures.last()) {
            (Some(first), Some(last)) => last.duration_since(*first).as_secs_f64(),
            _ => 0.0,
        };
        markdown.push_str(&format!(
            "| {} | {} | {} | {degraded:.1} s |\n",
            phase.name,
            during.len(),
            failures.len()
        ));
        rows.push(json!({ "fault": phase.name, "requests": during.len(),
                          "failed": failures.len(), "degraded_seconds": degraded }));
    }
    println!("\n{markdown}");
    let dir = std::env::current_exe()?
        .parent()
        .and_then(|examples| examples.parent())
        .and_then(|release| release.parent())
        .context("the target folder")?
        .join("bench");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("chaos.md"), &markdown)?;
    let report = json!({ "sent": log.answers.len(), "acknowledged": log.acknowledged.len(),
                         "lost": lost, "faults": rows });
    std::fs::write(
        dir.join("chaos.json"),
        serde_json::to_string_pretty(&report)?,
    )?;

    drop((nginx, a, b));
    psql(&format!("DROP DATABASE IF EXISTS {DATABASE}"))?;
    if lost > 0 {
        bail!("{lost} acknowledged writes were lost");
    }
    Ok(())
}
