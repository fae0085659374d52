//! The server at the size of a real contact centre, against a reference measured in the same run.
//!
//! The release server runs on PostgreSQL + Redis with an organisation from
//! `coaching-hub seed --scale N` (1,000 agents; 120 with `--quick`), beside a bare actix-web
//! endpoint that reads one row by primary key (`crates/server/examples/reference.rs`). Each
//! endpoint is loaded with `wrk -t2 -c64` (10 s; 3 s with `--quick`) over requests that rotate
//! through several real team leaders (a Lua script), and reported as requests per second, p50,
//! p99 and a share of the reference, with the SQL statements one request runs (the server's
//! `X-Db-Statements`, on for this loopback run only). A scorecard read the first time (cold) is
//! timed request by request over distinct agents, and the admin's dashboard (every agent) right
//! after writes that empty it. A fresh instance takes a read-heavy mix and reports its cache
//! hits and misses as it stops. Last, the live feed's fan-out
//! (`crates/server/examples/fanout.rs`): delivery p50/p99 of a quick note to connected clients,
//! then the server's memory as it holds more.
//!
//! Everything lands in `target/bench/bench.md` and `target/bench/bench.json`. Nothing here
//! passes or fails on a time: the figures are for reading.

use std::fmt::Write as _;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::{
    DEMO_PASSWORD, build_release, field, output, percentile, sh, sign_in, step, target_dir, timed,
};

const DATABASE: &str = "coaching_hub_bench";
const SERVER_PORT: &str = "18098";
const REFERENCE_PORT: &str = "18097";
const MIX_PORT: &str = "18096";
/// The benchmark database's encryption key (a throwaway database).
const BENCH_ENCRYPTION_KEYS: &str = "bench1:YmVuY2gtb25seS1lbmNyeXB0aW9uLWtleS0zMmJ5dGU=";

const DOMAIN: &str = "scale.coaching-hub.example";

/// How big and how long.
struct Size {
    agents: u32,
    seconds: u32,
    leaders: usize,
    cold_probes: usize,
    fanout: u32,
    hold: u32,
}

const FULL: Size = Size {
    agents: 1_000,
    seconds: 10,
    leaders: 16,
    cold_probes: 200,
    fanout: 1_000,
    hold: 10_000,
};

const QUICK: Size = Size {
    agents: 120,
    seconds: 3,
    leaders: 8,
    cold_probes: 40,
    fanout: 200,
    hold: 1_000,
};

/// One row of the table.
struct Measured {
    name: String,
    requests_per_second: Option<f64>,
    p50_ms: f64,
    p99_ms: f64,
    statements: Option<u32>,
    failed: u64,
}

/// A signed-in team leader and an agent they coach.
struct Leader {
    email: String,
    token: String,
    agent: String,
}

/// One request of a rotation.
struct Request {
    method: &'static str,
    path: String,
    token: Option<String>,
    body: Option<String>,
}

pub fn run(quick: bool) -> Result<()> {
    let size = if quick { QUICK } else { FULL };
    if Command::new("wrk").arg("-v").output().is_err() {
        bail!("wrk is needed for the throughput table: `apt-get install wrk`");
    }
    step("building the release server, the reference endpoint and the fan-out client");
    build_release(&["reference", "fanout"])?;
    psql(&format!("DROP DATABASE IF EXISTS {DATABASE}"))?;
    psql(&format!("CREATE DATABASE {DATABASE}"))?;
    let url = format!("postgres://postgres@127.0.0.1:5432/{DATABASE}");
    let release = target_dir().join("release");
    // One key for every server of the run: the mix's instance takes the same tokens.
    let secret = format!("bench-only-signing-key-{}", run_suffix());
    let server_env = |command: &mut Command| {
        command
            .env("DATABASE_URL", &url)
            .env("REDIS_URL", "redis://127.0.0.1:6379")
            .env("REDIS_PREFIX", format!("bench-{}", std::process::id()))
            .env("JWT_SECRET", &secret)
            .env("ENCRYPTION_KEYS", BENCH_ENCRYPTION_KEYS)
            // Tokens name their issuer: every instance of one deployment shares it.
            .env("PUBLIC_URL", format!("http://127.0.0.1:{SERVER_PORT}"))
            .env("LOG_LEVEL", "error");
    };

    step(&format!("coaching-hub seed --scale {}", size.agents));
    let seeding = Instant::now();
    let mut seed = Command::new(release.join("coaching-hub"));
    seed.args(["seed", "--scale", &size.agents.to_string()]);
    server_env(&mut seed);
    if !seed.status().context("the seed runs")?.success() {
        bail!("seed --scale failed");
    }
    let seed_seconds = seeding.elapsed().as_secs_f64();

    let serve = |port: &str| {
        let mut serve = Command::new(release.join("coaching-hub"));
        serve
            .arg("serve")
            .env("PORT", port)
            .env("STATEMENT_COUNT_HEADER", "true")
            .env("LOGIN_LIMIT_PER_ACCOUNT", "1000000000")
            .env("LOGIN_LIMIT_PER_IP", "1000000000")
            // One client makes every request here: the limits would measure themselves.
            .env("RATE_LIMIT_PER_USER", "1000000000")
            .env("RATE_LIMIT_PER_IP", "1000000000")
            .stdout(Stdio::null());
        server_env(&mut serve);
        serve
    };
    let mut server = serve(SERVER_PORT)
        .spawn()
        .context("cannot start the release server")?;
    let mut reference: Option<Child> = None;
    let result = (|| -> Result<(Vec<Measured>, Hits, Vec<String>)> {
        let base = format!("http://127.0.0.1:{SERVER_PORT}");
        wait_for(&format!("{base}/readyz"))?;
        let leaders = (1..=size.leaders)
            .map(|n| leader(&base, &format!("leader{n:03}@{DOMAIN}")))
            .collect::<Result<Vec<_>>>()?;
        let manager = sign_in(&base, &format!("manager001@{DOMAIN}"))?;
        let admin = sign_in(&base, &format!("admin@{DOMAIN}"))?;
        reference = Some(
            Command::new(release.join("examples/reference"))
                .env("DATABASE_URL", &url)
                .env("PORT", REFERENCE_PORT)
                .stdout(Stdio::null())
                .spawn()
                .context("cannot start the reference endpoint")?,
        );
        let one_row = format!(
            "http://127.0.0.1:{REFERENCE_PORT}/users/{}",
            leaders[0].agent
        );
        wait_for(&one_row)?;

        step(&format!(
            "wrk -t2 -c64 -d{}s, one endpoint at a time, {} team leaders in turn",
            size.seconds, size.leaders
        ));
        // A cache miss each, before anything below has read a scorecard.
        let cold = cold_scorecards(&base, &leaders, size.cold_probes)?;
        let each = |make: &dyn Fn(&Leader) -> Request| -> Vec<Request> {
            leaders.iter().map(make).collect()
        };
        let get = |path: String, token: &str| Request {
            method: "GET",
            path,
            token: Some(token.to_owned()),
            body: None,
        };
        let mut rows = vec![load(
            "reference (one row)",
            &format!("http://127.0.0.1:{REFERENCE_PORT}"),
            vec![Request {
                method: "GET",
                path: format!("/users/{}", leaders[0].agent),
                token: None,
                body: None,
            }],
            size.seconds,
        )?];
        // One SELECT by primary key, by construction (it has no statement counter of its own).
        rows[0].statements = Some(1);
        let table: Vec<(&str, Vec<Request>)> = vec![
            (
                "GET /api/v1/me",
                each(&|l| get("/api/v1/me".into(), &l.token)),
            ),
            (
                "GET /api/v1/sessions?limit=20",
                each(&|l| get("/api/v1/sessions?limit=20".into(), &l.token)),
            ),
            (
                "GET /api/v1/agents/{id}/scorecard (warm)",
                each(&|l| get(format!("/api/v1/agents/{}/scorecard", l.agent), &l.token)),
            ),
            (
                "GET /api/v1/dashboard (team leaders)",
                each(&|l| get("/api/v1/dashboard".into(), &l.token)),
            ),
            (
                "GET /api/v1/dashboard (manager of 48 agents)",
                vec![get("/api/v1/dashboard".into(), &manager)],
            ),
            (
                "GET /api/v1/search?q=",
                each(&|l| get("/api/v1/search?q=empathy".into(), &l.token)),
            ),
            (
                "POST /api/v1/quick-notes",
                each(&|l| Request {
                    method: "POST",
                    path: "/api/v1/quick-notes".into(),
                    token: Some(l.token.clone()),
                    body: Some(format!(
                        r#"{{"agent_id":"{}","content":"Benchmark note","category":"PERFORMANCE","visibility":"SHARED"}}"#,
                        l.agent
                    )),
                }),
            ),
            (
                "POST /api/v1/auth/login",
                each(&|l| Request {
                    method: "POST",
                    path: "/api/v1/auth/login".into(),
                    token: None,
                    body: Some(format!(
                        r#"{{"email":"{}","password":"{DEMO_PASSWORD}"}}"#,
                        l.email
                    )),
                }),
            ),
        ];
        for (name, requests) in table {
            rows.push(load(name, &base, requests, size.seconds)?);
        }
        rows.push(cold);
        rows.push(cold_dashboards(
            &base,
            &admin,
            &leaders[0].agent,
            size.cold_probes / 4,
        )?);

        step(&format!(
            "a read-heavy mix on a fresh instance for {} s: cache hits and misses",
            size.seconds
        ));
        let hits = read_heavy_mix(serve(MIX_PORT), &leaders, &admin, size.seconds)?;

        step(&format!(
            "WebSocket fan-out: delivery to {} clients, then {} held",
            size.fanout, size.hold
        ));
        let fanout = Command::new(release.join("examples/fanout"))
            .env("BASE", &base)
            .env("TOKEN", &leaders[0].token)
            .env("AGENT", &leaders[0].agent)
            .env("SERVER_PID", server.id().to_string())
            .env("FANOUT", size.fanout.to_string())
            .env("HOLD", size.hold.to_string())
            .output()
            .context("the fan-out client runs")?;
        let lines: Vec<String> = String::from_utf8_lossy(&fanout.stdout)
            .lines()
            .map(str::to_owned)
            .collect();
        lines.iter().for_each(|line| println!("{line}"));
        if !fanout.status.success() {
            bail!(
                "the fan-out client failed: {}",
                String::from_utf8_lossy(&fanout.stderr)
            );
        }
        Ok((rows, hits, lines))
    })();
    for child in [Some(&mut server), reference.as_mut()]
        .into_iter()
        .flatten()
    {
        let _ = child.kill();
        let _ = child.wait();
    }
    let _ = psql(&format!("DROP DATABASE IF EXISTS {DATABASE}"));
    let (rows, hits, fanout) = result?;
    report(&size, seed_seconds, &rows, &hits, &fanout)
}

/// Signs in and finds an agent the person coaches.
fn leader(base: &str, email: &str) -> Result<Leader> {
    let token = sign_in(base, email)?;
    let agents = output(
        "curl",
        &[
            "-sf",
            "-H",
            &format!("Authorization: Bearer {token}"),
            &format!("{base}/api/v1/users?role=AGENT&limit=1"),
        ],
    )
    .context("an agent in scope")?;
    Ok(Leader {
        email: email.to_owned(),
        agent: field(&agents, "id").context("an agent id")?,
        token,
    })
}

/// The first scorecard of each of `probes` agents (a cache miss each), one request at a time.
fn cold_scorecards(base: &str, leaders: &[Leader], probes: usize) -> Result<Measured> {
    let mut times = Vec::new();
    // Another year of the first agent: a miss too, and never timed.
    let statements = statements_of(&[
        "-H",
        &format!("Authorization: Bearer {}", leaders[0].token),
        &format!(
            "{base}/api/v1/agents/{}/scorecard?year=2001",
            leaders[0].agent
        ),
    ]);
    'outer: for leader in leaders {
        let bearer = format!("Authorization: Bearer {}", leader.token);
        let page = output(
            "curl",
            &[
                "-sf",
                "-H",
                &bearer,
                &format!("{base}/api/v1/users?role=AGENT&limit=50"),
            ],
        )
        .context("the leader's agents")?;
        for agent in page.split("\"id\":\"").skip(1).filter_map(|s| s.get(..36)) {
            let url = format!("{base}/api/v1/agents/{agent}/scorecard");
            times.push(timed(&["-H", &bearer, &url])?);
            if times.len() == probes {
                break 'outer;
            }
        }
    }
    let name = format!(
        "GET /api/v1/agents/{{id}}/scorecard (cold, {} agents)",
        times.len()
    );
    Ok(one_at_a_time(name, times, statements))
}

/// A row of requests timed one at a time: printed, with their p50 and p99.
fn one_at_a_time(name: String, mut times: Vec<f64>, statements: Option<u32>) -> Measured {
    times.sort_by(f64::total_cmp);
    println!(
        "{name:<52} one at a time   p50 {:>7.1} ms   p99 {:>7.1} ms",
        percentile(&times, 0.5),
        percentile(&times, 0.99)
    );
    Measured {
        name,
        requests_per_second: None,
        p50_ms: percentile(&times, 0.5),
        p99_ms: percentile(&times, 0.99),
        statements,
        failed: 0,
    }
}

/// The statements one request runs, from `X-Db-Statements`.
fn statements_of(args: &[&str]) -> Option<u32> {
    let mut probe = vec!["-s", "-o", "/dev/null", "-D", "-"];
    probe.extend(args);
    let headers = output("curl", &probe)?;
    headers.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("x-db-statements")
            .then(|| value.trim().parse().ok())
            .flatten()
    })
}

/// A Lua long string: nothing here contains `]==]`.
fn lua(text: &str) -> String {
    format!("[==[{text}]==]")
}

/// Loads `requests` in turn against `base` with wrk; reads the statements of the first.
fn load(name: &str, base: &str, requests: Vec<Request>, seconds: u32) -> Result<Measured> {
    let first = requests.first().context("at least one request")?;
    let mut probe: Vec<String> = vec!["-X".into(), first.method.into()];
    if let Some(token) = &first.token {
        probe.extend(["-H".into(), format!("Authorization: Bearer {token}")]);
    }
    if let Some(body) = &first.body {
        probe.extend(["-H".into(), "Content-Type: application/json".into()]);
        probe.extend(["-d".into(), body.clone()]);
    }
    probe.push(format!("{base}{}", first.path));
    let statements = statements_of(&probe.iter().map(String::as_str).collect::<Vec<_>>());

    let mut script = String::from("local requests = {\n");
    for request in &requests {
        let mut headers = String::new();
        if let Some(token) = &request.token {
            let _ = write!(
                headers,
                "[\"Authorization\"] = {}, ",
                lua(&format!("Bearer {token}"))
            );
        }
        if request.body.is_some() {
            headers.push_str("[\"Content-Type\"] = \"application/json\", ");
        }
        let body = request.body.as_deref().map_or_else(|| "nil".into(), lua);
        let _ = writeln!(
            script,
            "  {{ \"{}\", {}, {{ {headers}}}, {body} }},",
            request.method,
            lua(&request.path)
        );
    }
    script.push_str(
        "}\nlocal i = 0\nrequest = function()\n  i = i % #requests + 1\n  local r = requests[i]\n  \
         return wrk.format(r[1], r[2], r[3], r[4])\nend\n",
    );
    let path = std::env::temp_dir().join(format!("coaching-hub-bench-{}.lua", std::process::id()));
    std::fs::write(&path, script)?;
    let report = Command::new("wrk")
        .args(["-t2", "-c64", &format!("-d{seconds}s"), "--latency", "-s"])
        .arg(&path)
        .arg(base)
        .output()
        .context("wrk runs")?;
    let _ = std::fs::remove_file(&path);
    let text = String::from_utf8_lossy(&report.stdout);
    let find = |prefix: &str| {
        text.lines()
            .find_map(|line| line.trim().strip_prefix(prefix))
            .map(str::trim)
    };
    let requests_per_second = find("Requests/sec:")
        .and_then(|n| n.parse().ok())
        .context("wrk printed Requests/sec")?;
    let p50_ms = find("50%")
        .and_then(milliseconds)
        .context("wrk printed the median")?;
    let p99_ms = find("99%")
        .and_then(milliseconds)
        .context("wrk printed the 99th percentile")?;
    let failed = find("Non-2xx or 3xx responses:")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    println!(
        "{name:<52} {requests_per_second:>9.0} req/s   p50 {p50_ms:>7.1} ms   p99 {p99_ms:>7.1} ms{}",
        if failed > 0 {
            format!("   {failed} failed")
        } else {
            String::new()
        }
    );
    Ok(Measured {
        name: name.to_owned(),
        requests_per_second: Some(requests_per_second),
        p50_ms,
        p99_ms,
        statements,
        failed,
    })
}

/// Prints the table and writes it, with the JSON, under `target/bench/`.
fn report(
    size: &Size,
    seed_seconds: f64,
    rows: &[Measured],
    hits: &Hits,
    fanout: &[String],
) -> Result<()> {
    let reference = rows
        .first()
        .and_then(|r| r.requests_per_second)
        .unwrap_or(f64::NAN);
    let mut markdown = format!(
        "Organisation: {} agents (`coaching-hub seed --scale {}`, {seed_seconds:.1} s); wrk -t2 -c64 \
         -d{}s over {} team leaders in turn; release build on PostgreSQL + Redis.\n\n\
         | endpoint | req/s | p50 | p99 | share of the reference | statements per request | failed |\n\
         | --- | --- | --- | --- | --- | --- | --- |\n",
        size.agents.div_ceil(12) * 12,
        size.agents,
        size.seconds,
        size.leaders
    );
    let mut json_rows = Vec::new();
    for row in rows {
        let share = row.requests_per_second.map(|rps| 100.0 * rps / reference);
        let _ = writeln!(
            markdown,
            "| {} | {} | {:.1} ms | {:.1} ms | {} | {} | {} |",
            row.name,
            row.requests_per_second
                .map_or_else(|| "one at a time".into(), |rps| format!("{rps:.0}")),
            row.p50_ms,
            row.p99_ms,
            share.map_or_else(|| "-".into(), |share| format!("{share:.0}%")),
            row.statements
                .map_or_else(|| "-".to_owned(), |n| n.to_string()),
            row.failed
        );
        json_rows.push(serde_json::json!({
            "endpoint": row.name,
            "requests_per_second": row.requests_per_second,
            "p50_ms": row.p50_ms,
            "p99_ms": row.p99_ms,
            "share_of_reference": share.map(|share| share / 100.0),
            "statements": row.statements,
            "failed": row.failed,
        }));
    }
    let _ = write!(
        markdown,
        "\nCache on a read-heavy mix ({} requests; {} action items written, one a second, each \
         emptying every scorecard and dashboard): actor lookups {} hits / {} misses ({:.1}%), \
         scorecards and dashboards {} hits / {} misses ({:.1}%), together {:.1}%.\n",
        hits.requests,
        hits.writes,
        hits.actor.0,
        hits.actor.1,
        ratio(hits.actor),
        hits.views.0,
        hits.views.1,
        ratio(hits.views),
        ratio((hits.actor.0 + hits.views.0, hits.actor.1 + hits.views.1)),
    );
    markdown.push_str("\nWebSocket fan-out:\n\n");
    for line in fanout {
        let _ = writeln!(markdown, "- {line}");
    }
    let json = serde_json::json!({
        "agents": size.agents,
        "seed_seconds": seed_seconds,
        "wrk_seconds": size.seconds,
        "rows": json_rows,
        "cache": {
            "requests": hits.requests,
            "view_writes": hits.writes,
            "actor_hits": hits.actor.0,
            "actor_misses": hits.actor.1,
            "view_hits": hits.views.0,
            "view_misses": hits.views.1,
        },
        "fanout": fanout,
    });
    let dir = target_dir().join("bench");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("bench.md"), &markdown)?;
    std::fs::write(dir.join("bench.json"), serde_json::to_string_pretty(&json)?)?;
    println!(
        "\n{markdown}\n(written to {})",
        dir.join("bench.md").display()
    );
    Ok(())
}

/// Hits as a percentage of lookups.
fn ratio((hits, misses): (u64, u64)) -> f64 {
    100.0 * hits as f64 / (hits + misses).max(1) as f64
}

/// What a fresh instance's caches counted under the read-heavy mix.
struct Hits {
    requests: u64,
    writes: u32,
    actor: (u64, u64),
    views: (u64, u64),
}

/// An action item for `agent`, written by `admin`: it empties every cached view.
fn write_action_item(base: &str, admin: &str, agent: &str) -> Result<()> {
    let body = format!(
        r#"{{"title":"Benchmark follow-up","assignee_id":"{agent}","due_date":"2027-06-30","priority":"MEDIUM"}}"#
    );
    output(
        "curl",
        &[
            "-sf",
            "-o",
            "/dev/null",
            "-X",
            "POST",
            "-H",
            &format!("Authorization: Bearer {admin}"),
            "-H",
            "Content-Type: application/json",
            "-d",
            &body,
            &format!("{base}/api/v1/action-items"),
        ],
    )
    .map(drop)
    .context("an action item is written")
}

/// The admin's dashboard (every agent of the organisation), each read right after an action
/// item was written (which empties every cached dashboard), one request at a time.
fn cold_dashboards(base: &str, admin: &str, agent: &str, probes: usize) -> Result<Measured> {
    let bearer = format!("Authorization: Bearer {admin}");
    let url = format!("{base}/api/v1/dashboard");
    write_action_item(base, admin, agent)?;
    let statements = statements_of(&["-H", &bearer, &url]);
    let mut times = Vec::new();
    for _ in 0..probes.max(1) {
        write_action_item(base, admin, agent)?;
        times.push(timed(&["-H", &bearer, &url])?);
    }
    let name = format!("GET /api/v1/dashboard (admin, every agent, uncached, {probes} reads)");
    Ok(one_at_a_time(name, times, statements))
}

/// A fresh instance under what team leaders do most: their home (dashboard), an agent's
/// scorecard, the session list, who they are, and a quick note, in turn; meanwhile the admin
/// writes an action item every second. The instance reports its cache counts as it stops.
fn read_heavy_mix(
    mut serve: Command,
    leaders: &[Leader],
    admin: &str,
    seconds: u32,
) -> Result<Hits> {
    let base = format!("http://127.0.0.1:{MIX_PORT}");
    let server = serve
        .env("LOG_LEVEL", "error,server::cache=info")
        .env("LOG_FORMAT", "json")
        .stdout(Stdio::piped())
        .spawn()
        .context("cannot start the mix's instance")?;
    let measured = (|| -> Result<(u64, u32)> {
        wait_for(&format!("{base}/readyz"))?;
        let mut requests = Vec::new();
        for leader in leaders {
            let get = |path: String| Request {
                method: "GET",
                path,
                token: Some(leader.token.clone()),
                body: None,
            };
            requests.extend([
                get("/api/v1/dashboard".into()),
                get(format!("/api/v1/agents/{}/scorecard", leader.agent)),
                get("/api/v1/sessions?limit=20".into()),
                get("/api/v1/me".into()),
                Request {
                    method: "POST",
                    path: "/api/v1/quick-notes".into(),
                    token: Some(leader.token.clone()),
                    body: Some(format!(
                        r#"{{"agent_id":"{}","content":"Mix note","category":"PERFORMANCE","visibility":"SHARED"}}"#,
                        leader.agent
                    )),
                },
            ]);
        }
        let stop = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|scope| {
            let writer = scope.spawn(|| {
                let mut writes = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_secs(1));
                    if write_action_item(&base, admin, &leaders[0].agent).is_ok() {
                        writes += 1;
                    }
                }
                writes
            });
            let loaded = load("read-heavy mix", &base, requests, seconds);
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
            let writes = writer.join().unwrap_or(0);
            let loaded = loaded?;
            let requests =
                (loaded.requests_per_second.unwrap_or(0.0) * f64::from(seconds)).round() as u64;
            Ok((requests, writes))
        })
    })();
    // SIGTERM: the server stops gracefully and logs its cache counts.
    let _ = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status();
    let out = server
        .wait_with_output()
        .context("the mix's instance stops")?;
    let (requests, writes) = measured?;
    let log = String::from_utf8_lossy(&out.stdout);
    let count = |name: &str| -> Result<u64> {
        log.split(&format!("\"{name}\":"))
            .nth(1)
            .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse().ok())
            .with_context(|| format!("the instance logged {name} as it stopped:\n{log}"))
    };
    Ok(Hits {
        requests,
        writes,
        actor: (count("actor_hits")?, count("actor_misses")?),
        views: (count("view_hits")?, count("view_misses")?),
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

/// A per-run suffix for the signing key (the run's process id and the time).
fn run_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{:x}{:x}", std::process::id(), nanos)
}
