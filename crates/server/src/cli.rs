//! The `coaching-hub` command line: serve, migrate, create-admin, seed, audit verify,
//! rotate-key, retention.

use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use domain::Role;
use persistence::users::{self, NewUser};
use secrecy::ExposeSecret;

use crate::app::{Application, open_state};
use crate::auth::password::Passwords;
use crate::config::Config;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "coaching-hub-demo";

/// Coaching Hub: coaching sessions, action plans and scorecards for contact centres.
#[derive(Debug, Parser)]
#[command(name = "coaching-hub", version, about)]
pub struct Cli {
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (BIND, PORT; default 127.0.0.1:8080).
    Serve {
        /// Seed the demo organisation first when the database has nobody in it (development).
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create an admin account.
    CreateAdmin {
        /// Their email address.
        #[arg(long)]
        email: String,
        /// Their name.
        #[arg(long)]
        name: String,
        /// Their password (12+ characters); or set COACHING_HUB_ADMIN_PASSWORD.
        #[arg(long, env = "COACHING_HUB_ADMIN_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// Work with the audit log.
    Audit {
        /// What to do with it.
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Re-seal all personal text under the first key of ENCRYPTION_KEYS (after putting a new key
    /// first, the old one still listed, on every server); safe while servers run, resumable.
    RotateKey {
        /// Rows per batch.
        #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=10_000))]
        batch: u64,
    },
    /// Apply RETENTION_MONTHS now (a running server does so every hour): delete older quick
    /// notes, clear the text of older ended sessions.
    Retention,
    /// Fill the database with sample data.
    Seed {
        /// The demo organisation: 1 admin, 2 managers, 4 team leaders, 40 agents, a year of history.
        #[arg(long, conflicts_with = "scale")]
        demo: bool,
        /// An organisation of N agents for benchmarks: teams of 12, two years of KPIs, 50 sessions
        /// and 200 quick notes per agent (accounts `…@scale.coaching-hub.example`, demo password).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
        scale: Option<u32>,
    },
}

/// The `audit` subcommands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute every entry's hash and link; exit 1 naming the first entry that does not hold.
    Verify,
}

/// Runs the command.
pub async fn run(cli: Cli, mut config: Config) -> anyhow::Result<()> {
    let dev_secret = config.keys.jwt_secret.expose_secret().is_empty();
    config
        .ensure_dev_secret()
        .context("cannot write the development key into DATA_DIR")?;
    if config.store.embedded {
        std::fs::create_dir_all(&config.store.data_dir).context("cannot create DATA_DIR")?;
        tracing::warn!(
            data_dir = %config.store.data_dir.display(),
            "no DATABASE_URL: running on the embedded SQLite database (development only)"
        );
    }
    let config = Arc::new(config);
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => serve(config, demo, dev_secret).await,
        Command::Migrate => {
            open_state(config).await?;
            println!("database is up to date");
            Ok(())
        }
        Command::CreateAdmin {
            email,
            name,
            password,
        } => create_admin(config, email, name, password).await,
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let state = open_state(config).await?;
            let check = persistence::governance::verify_audit(&state.db).await?;
            match check.first_broken_seq {
                None => {
                    println!("audit log intact: {} entries checked", check.entries);
                    Ok(())
                }
                Some(seq) => bail!(
                    "audit log broken at entry {seq}: its hash or its link to the entry before \
                     does not hold ({} entries checked)",
                    check.entries
                ),
            }
        }
        Command::RotateKey { batch } => {
            let state = open_state(config.clone()).await?;
            let keyring = persistence::sealed::keyring()?;
            let rotation =
                persistence::rotation::rotate(&state.db, &keyring, batch, |table, rows| {
                    tracing::info!(table, rows, "re-sealed a batch");
                })
                .await?;
            if rotation.left > 0 {
                bail!(
                    "{} rows are still sealed under an old key: another server wrote them with \
                     the old ENCRYPTION_KEYS; restart every server with the new list and run \
                     rotate-key again ({} re-sealed)",
                    rotation.left,
                    rotation.resealed
                );
            }
            println!(
                "{} rows re-sealed under key `{}`; the other keys may now be removed from \
                 ENCRYPTION_KEYS",
                rotation.resealed,
                keyring.primary()
            );
            Ok(())
        }
        Command::Retention => {
            let Some(months) = config.store.retention_months else {
                bail!("RETENTION_MONTHS is not set: everything is kept");
            };
            let state = open_state(config).await?;
            let origin = persistence::audit::Origin::default();
            let done = persistence::privacy::apply_retention(&state.db, &origin, months).await?;
            println!(
                "{} quick notes deleted, {} ended sessions cleared (older than {months} months)",
                done.notes, done.sessions
            );
            Ok(())
        }
        Command::Seed { demo, scale } => {
            let state = open_state(config).await?;
            match (demo, scale) {
                (true, _) => seed_demo(&state.db, &state.passwords).await,
                (false, Some(agents)) => seed_scale(&state.db, &state.passwords, agents).await,
                (false, None) => {
                    bail!("say what to seed: `coaching-hub seed --demo` or `--scale N`")
                }
            }
        }
    }
}

async fn serve(config: Arc<Config>, demo: bool, dev_secret: bool) -> anyhow::Result<()> {
    let state = open_state(config.clone()).await?;
    if demo && !users::any_exist(&state.db).await? {
        seed_demo(&state.db, &state.passwords).await?;
    }
    refuse_unsafe_exposure(&config, &state, dev_secret).await?;
    let caches = Arc::clone(&state.caches);
    let app = Application::bind(state)?;
    let url = format!("http://{}:{}", config.http.bind, app.port());
    tracing::info!(%url, "Coaching Hub is listening");
    println!("Coaching Hub is running at {url}  (API docs: {url}/api/docs)");
    app.run_until_stopped().await?;
    caches.stats().report();
    Ok(())
}

/// Refuses to listen beyond this machine with the generated development key (anyone who reads
/// `DATA_DIR` can sign tokens), with statement counts in every answer, or with the demo admin's
/// published password still working.
async fn refuse_unsafe_exposure(
    config: &Config,
    state: &crate::state::AppState,
    dev_secret: bool,
) -> anyhow::Result<()> {
    if config.http.bind.is_loopback() {
        return Ok(());
    }
    if dev_secret {
        bail!(
            "BIND={} reaches the network, but the signing key is the generated development key: \
             set JWT_SECRET (32+ random characters)",
            config.http.bind
        );
    }
    if config.http.statement_count_header {
        bail!(
            "BIND={} reaches the network, but STATEMENT_COUNT_HEADER is on: its counts tell an \
             unknown email from a wrong password; leave it for local measurement",
            config.http.bind
        );
    }
    for domain in [persistence::demo::DOMAIN, persistence::demo::SCALE_DOMAIN] {
        let demo_admin = format!("admin@{domain}");
        let Some(admin) = users::find_by_email(&state.db, &demo_admin)
            .await?
            .map(|row| row.user)
        else {
            continue;
        };
        let published = state
            .passwords
            .verify(admin.password_hash, DEMO_PASSWORD.to_owned())
            .await
            .map_err(|err| anyhow::anyhow!("cannot check the demo password: {err}"))?;
        if published && admin.active {
            bail!(
                "BIND={} reaches the network, but {demo_admin} still has the published demo \
                 password: change it, or deactivate the account",
                config.http.bind
            );
        }
    }
    Ok(())
}

async fn create_admin(
    config: Arc<Config>,
    email: String,
    name: String,
    password: String,
) -> anyhow::Result<()> {
    let request = dto::CreateUser {
        email,
        name,
        role: Role::Admin,
        password: Some(password),
        team_id: None,
        team_ids: Vec::new(),
        employee_id: None,
        department: None,
    };
    if let Err(report) = dto::validate::check(&request) {
        bail!("{report}");
    }
    let state = open_state(config).await?;
    let hash = state
        .passwords
        .hash(request.password.unwrap_or_default())
        .await?;
    let row = users::create(
        &state.db,
        &persistence::Caller::operator(),
        NewUser {
            email: request.email,
            name: request.name,
            role: Role::Admin,
            password_hash: Some(hash),
            temporary: false,
            team_id: None,
            evaluated_team_ids: Vec::new(),
            employee_id: None,
            department: None,
        },
    )
    .await?;
    println!("created admin {} <{}>", row.user.name, row.user.email);
    Ok(())
}

async fn seed_demo(db: &persistence::Db, passwords: &Passwords) -> anyhow::Result<()> {
    let hash = passwords.hash(DEMO_PASSWORD.to_owned()).await?;
    let today = chrono::Utc::now().date_naive();
    match persistence::demo::seed(db, &hash, today).await? {
        None => println!("the demo organisation is already there"),
        Some(logins) => {
            println!("Seeded the demo organisation. Sign in with password `{DEMO_PASSWORD}` as:");
            let mut shown = std::collections::HashMap::new();
            for login in logins {
                let count = shown.entry(login.role).or_insert(0);
                *count += 1;
                if login.role != Role::Agent || *count <= 2 {
                    println!(
                        "  {:<16} {:<22} {}",
                        login.role.label(),
                        login.name,
                        login.email
                    );
                }
            }
            println!("  (and 38 more agents)");
        }
    }
    Ok(())
}

async fn seed_scale(
    db: &persistence::Db,
    passwords: &Passwords,
    agents: u32,
) -> anyhow::Result<()> {
    let hash = passwords.hash(DEMO_PASSWORD.to_owned()).await?;
    let today = chrono::Utc::now().date_naive();
    let started = std::time::Instant::now();
    let agents = usize::try_from(agents)?;
    match persistence::demo::seed_scale(db, &hash, today, agents).await? {
        None => println!("an organisation at scale is already there"),
        Some(logins) => {
            println!(
                "Seeded {agents} agents in {:.1} s. Sign in with password `{DEMO_PASSWORD}` as:",
                started.elapsed().as_secs_f64()
            );
            for login in logins {
                println!("  {:<16} {}", login.role.label(), login.email);
            }
        }
    }
    Ok(())
}
