//! The read path against a reference: the release server on PostgreSQL + Redis with the demo
//! organisation, beside a bare actix-web endpoint that reads one row by primary key
//! (`crates/server/examples/reference.rs`), each loaded with `wrk -t2 -c64 -d10s` as a team
//! leader. Prints requests per second, p99, the share of the reference, and the SQL statements
//! each request runs (the server's `X-Db-Statements`, on for this loopback run only). Last, the
//! live feed's fan-out (`crates/server/examples/fanout.rs`): delivery p50/p99 of a quick note to
//! 1,000 connected clients, then the server's memory as it holds 1,000, 5,000 and 10,000.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use super::{output, sh, step, target_dir};

const DATABASE: &str = "coaching_hub_bench";
const SERVER_PORT: &str = "18098";
const REFERENCE_PORT: &str = "18097";
const LEADER: &str = "tomas.rivera@demo.coaching-hub.example";

/// One row of the table.
struct Measured {
    name: String,
    requests_per_second: f64,
    p99_ms: f64,
    statements: Option<u32>,
}

pub fn run() -> Result<()> {
    if Command::new("wrk").arg("-v").output().is_err() {
        bail!("wrk is needed for the throughput table: `apt-get install wrk`");
    }
    step("building the release server and the reference endpoint");
    sh(
        "cargo",
        &[
            "build",
            "--release",
            "--package",
            "server",
            "--bin",
            "coaching-hub",
            "--example",
            "reference",
            "--example",
            "fanout",
        ],
    )?;
    psql(&format!("DROP DATABASE IF EXISTS {DATABASE}"))?;
    psql(&format!("CREATE DATABASE {DATABASE}"))?;
    let url = format!("postgres://postgres@127.0.0.1:5432/{DATABASE}");
    let release = target_dir().join("release");
    let mut server = Command::new(release.join("coaching-hub"))
        .args(["serve", "--demo"])
        .env("DATABASE_URL", &url)
        .env("REDIS_URL", "redis://127.0.0.1:6379")
        .env("REDIS_PREFIX", format!("bench-{}", std::process::id()))
        .env(
            "JWT_SECRET",
            format!("bench-only-signing-key-{}", run_suffix()),
        )
        .env("PORT", SERVER_PORT)
        .env("LOG_LEVEL", "error")
        .env("STATEMENT_COUNT_HEADER", "true")
        .env("LOGIN_LIMIT_PER_ACCOUNT", "1000000")
        .env("LOGIN_LIMIT_PER_IP", "1000000")
        // One client makes every request here: the limits would measure themselves.
        .env("RATE_LIMIT_PER_USER", "1000000000")
        .env("RATE_LIMIT_PER_IP", "1000000000")
        .stdout(Stdio::null())
        .spawn()
        .context("cannot start the release server")?;
    let mut reference: Option<Child> = None;
    let result = (|| -> Result<Vec<Measured>> {
        let base = format!("http://127.0.0.1:{SERVER_PORT}");
        wait_for(&format!("{base}/readyz"))?;
        let token = login(&base)?;
        let bearer = format!("Authorization: Bearer {token}");
        let agents = output(
            "curl",
            &[
                "-sf",
                "-H",
                &bearer,
                &format!("{base}/api/v1/users?role=AGENT&limit=1"),
            ],
        )
        .context("an agent in scope")?;
        let agent = field(&agents, "id").context("an agent id")?;
        reference = Some(
            Command::new(release.join("examples/reference"))
                .env("DATABASE_URL", &url)
                .env("PORT", REFERENCE_PORT)
                .stdout(Stdio::null())
                .spawn()
                .context("cannot start the reference endpoint")?,
        );
        let one_row = format!("http://127.0.0.1:{REFERENCE_PORT}/users/{agent}");
        wait_for(&one_row)?;
        let note = format!(
            r#"{{"agent_id":"{agent}","content":"Benchmark note","category":"PERFORMANCE","visibility":"SHARED"}}"#
        );
        step("wrk -t2 -c64 -d10s, one endpoint at a time");
        let mut reference_row = load("reference (one row)", &one_row, None, None)?;
        // One SELECT by primary key, by construction (it has no statement counter of its own).
        reference_row.statements = Some(1);
        let mut rows = vec![reference_row];
        for (name, path) in [
            ("GET /api/v1/me", "/api/v1/me".to_owned()),
            (
                "GET /api/v1/sessions?limit=20",
                "/api/v1/sessions?limit=20".to_owned(),
            ),
            (
                "GET /api/v1/agents/{id}/scorecard",
                format!("/api/v1/agents/{agent}/scorecard"),
            ),
            ("GET /api/v1/dashboard", "/api/v1/dashboard".to_owned()),
        ] {
            rows.push(load(name, &format!("{base}{path}"), Some(&bearer), None)?);
        }
        rows.push(load(
            "POST /api/v1/quick-notes",
            &format!("{base}/api/v1/quick-notes"),
            Some(&bearer),
            Some(&note),
        )?);
        step("WebSocket fan-out: delivery to 1,000 clients, then 10,000 held");
        let fanout = Command::new(release.join("examples/fanout"))
            .env("BASE", &base)
            .env("TOKEN", &token)
            .env("AGENT", &agent)
            .env("SERVER_PID", server.id().to_string())
            .status()
            .context("the fan-out client runs")?;
        if !fanout.success() {
            bail!("the fan-out client failed");
        }
        Ok(rows)
    })();
    for child in [Some(&mut server), reference.as_mut()]
        .into_iter()
        .flatten()
    {
        let _ = child.kill();
        let _ = child.wait();
    }
    let _ = psql(&format!("DROP DATABASE IF EXISTS {DATABASE}"));
    print_table(&result?);
    Ok(())
}

fn print_table(rows: &[Measured]) {
    let reference = rows.first().map_or(f64::NAN, |r| r.requests_per_second);
    println!(
        "\n| endpoint | req/s | p99 | share of the reference | statements per request |\n| --- | --- | --- | --- | --- |"
    );
    for row in rows {
        let statements = row
            .statements
            .map_or_else(|| "1".to_owned(), |n| n.to_string());
        println!(
            "| {} | {:.0} | {:.1} ms | {:.0}% | {statements} |",
            row.name,
            row.requests_per_second,
            row.p99_ms,
            100.0 * row.requests_per_second / reference
        );
    }
}

/// Loads `url` with wrk (a POST of `body` when given) and reads the statements one request runs.
fn load(name: &str, url: &str, header: Option<&str>, body: Option<&str>) -> Result<Measured> {
    let mut probe = vec!["-s", "-o", "/dev/null", "-D", "-"];
    let mut wrk = vec!["-t2", "-c64", "-d10s", "--latency"];
    if let Some(header) = header {
        probe.extend(["-H", header]);
        wrk.extend(["-H", header]);
    }
    let script =
        std::env::temp_dir().join(format!("coaching-hub-bench-{}.lua", std::process::id()));
    if let Some(body) = body {
        probe.extend(["-H", "Content-Type: application/json", "-d", body]);
        let lua = format!(
            "wrk.method = \"POST\"\nwrk.body = [[{body}]]\nwrk.headers[\"Content-Type\"] = \"application/json\"\n"
        );
        std::fs::write(&script, lua)?;
        wrk.extend(["-s", script.to_str().context("a UTF-8 temp path")?]);
    }
    probe.push(url);
    wrk.push(url);
    let headers = output("curl", &probe).context("the endpoint answers")?;
    let statements = headers.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("x-db-statements")
            .then(|| value.trim().parse().ok())
            .flatten()
    });
    let report = Command::new("wrk")
        .args(&wrk)
        .output()
        .context("wrk runs")?;
    let _ = std::fs::remove_file(&script);
    let text = String::from_utf8_lossy(&report.stdout);
    let requests_per_second = text
        .lines()
        .find_map(|line| line.trim().strip_prefix("Requests/sec:"))
        .and_then(|n| n.trim().parse().ok())
        .context("wrk printed Requests/sec")?;
    let p99_ms = text
        .lines()
        .find_map(|line| line.trim().strip_prefix("99%"))
        .and_then(|value| milliseconds(value.trim()))
        .context("wrk printed the 99th percentile")?;
    println!("{name:<40} {requests_per_second:>9.0} req/s   p99 {p99_ms:>7.1} ms");
    Ok(Measured {
        name: name.to_owned(),
        requests_per_second,
        p99_ms,
        statements,
    })
}

/// wrk's `4.80ms`, `812.00us` or `1.02s` in milliseconds.
fn milliseconds(value: &str) -> Option<f64> {
    let split = value.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = value.split_at(split);
    let number: f64 = number.parse().ok()?;
    match unit {
        "us" => Some(number / 1000.0),
        "ms" => Some(number),
        "s" => Some(number * 1000.0),
        _ => None,
    }
}

fn psql(sql: &str) -> Result<()> {
    sh(
        "psql",
        &["-q", "-h", "127.0.0.1", "-U", "postgres", "-c", sql],
    )
}

fn wait_for(url: &str) -> Result<()> {
    let ready = (0..300).any(|_| {
        std::thread::sleep(Duration::from_millis(200));
        output("curl", &["-sf", "-o", "/dev/null", url]).is_some()
    });
    if ready {
        Ok(())
    } else {
        bail!("{url} did not answer")
    }
}

fn login(base: &str) -> Result<String> {
    let body = format!(
        r#"{{"email":"{LEADER}","password":"{}"}}"#,
        super::DEMO_PASSWORD
    );
    let response = output(
        "curl",
        &[
            "-sf",
            "-H",
            "content-type: application/json",
            "-d",
            &body,
            &format!("{base}/api/v1/auth/login"),
        ],
    )
    .context("the team leader signs in")?;
    field(&response, "access_token").context("an access token")
}

/// The first string value of `"name":"…"` in a JSON text.
fn field(json: &str, name: &str) -> Option<String> {
    let start = json.find(&format!("\"{name}\":\""))? + name.len() + 4;
    let rest = json.get(start..)?;
    Some(rest.get(..rest.find('"')?)?.to_owned())
}

/// A per-run suffix for the signing key (the run's process id and the time).
fn run_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{:x}{:x}", std::process::id(), nanos)
}
