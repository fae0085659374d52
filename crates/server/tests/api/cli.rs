//! The `coaching-hub` binary: configuration errors, migrate, create-admin, the demo seed, audit
//! verify.

use std::process::Command;

use persistence::entity::{audit_entry, metric_month, team, user};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

fn coaching_hub(data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_coaching-hub"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("DATA_DIR", data_dir)
        .env("LOG_LEVEL", "error");
    command
}

/// How many people have `role`.
async fn count_role(db: &persistence::Db, role: &'static str) -> Result<u64, sea_orm::DbErr> {
    user::Entity::find()
        .filter(user::Column::Role.eq(role))
        .count(db)
        .await
}

#[test]
fn bad_configuration_stops_start_up_with_one_line_per_variable() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let output = coaching_hub(dir.path())
        .args(["serve"])
        .env("PORT", "eighty")
        .env("DATABASE_URL", "postgres://db/x")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{stderr}");
    assert!(
        lines[0].contains("PORT")
            && lines[1].contains("JWT_SECRET")
            && lines[2].contains("ENCRYPTION_KEYS"),
        "{stderr}"
    );
}

#[test]
fn several_instances_refuse_to_start_without_the_one_public_url() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let output = coaching_hub(dir.path())
        .args(["serve"])
        .env("REDIS_URL", "redis://127.0.0.1:6379")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("PUBLIC_URL: must be set when REDIS_URL is"),
        "{stderr}"
    );
}

#[tokio::test]
async fn migrate_create_admin_and_seed_build_a_usable_database() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("cli.db").display());
    let run = |args: &[&str]| {
        coaching_hub(dir.path())
            .args(args)
            .env("DATABASE_URL", &url)
            .env("JWT_SECRET", "0123456789abcdef0123456789abcdef")
            .env("ENCRYPTION_KEYS", test_support::TEST_ENCRYPTION_KEYS)
            .env("COACHING_HUB_ADMIN_PASSWORD", "an-admin-passphrase")
            .output()
            .expect("runs")
    };
    assert!(run(&["migrate"]).status.success());
    let short = run(&[
        "create-admin",
        "--email",
        "x@org.test",
        "--name",
        "X",
        "--password",
        "short",
    ]);
    assert!(!short.status.success(), "a short password is refused");
    let created = run(&["create-admin", "--email", "Root@Org.Test", "--name", "Root"]);
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let seeded = run(&["seed", "--demo"]);
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let printed = String::from_utf8_lossy(&seeded.stdout);
    assert!(
        printed.contains("admin@demo.coaching-hub.example")
            && printed.contains("noor.haddad@demo.coaching-hub.example")
            && printed.contains("coaching-hub-demo")
    );
    let again = run(&["seed", "--demo"]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("already there"));

    let db = persistence::db::connect(&url, &Default::default())
        .await
        .expect("opens");
    assert!(
        user::Entity::find()
            .filter(user::Column::Email.eq("root@org.test"))
            .one(&db)
            .await
            .expect("reads")
            .is_some()
    );
    assert_eq!(count_role(&db, "ADMIN").await.expect("counts"), 2);
    assert_eq!(count_role(&db, "MANAGER").await.expect("counts"), 2);
    assert_eq!(count_role(&db, "TEAM_LEADER").await.expect("counts"), 4);
    assert_eq!(count_role(&db, "QUALITY_ANALYST").await.expect("counts"), 1);
    // Six months of evaluations, one an agent a month (this month's only after its first day),
    // one failed on its identity check.
    use persistence::entity::evaluation;
    let evaluations = evaluation::Entity::find().count(&db).await.expect("counts");
    assert!(evaluations >= 200, "{evaluations}");
    let failed = evaluation::Entity::find()
        .filter(evaluation::Column::FailedBy.is_not_null())
        .count(&db)
        .await
        .expect("counts");
    assert_eq!(failed, 1);
    assert_eq!(count_role(&db, "AGENT").await.expect("counts"), 40);
    assert_eq!(team::Entity::find().count(&db).await.expect("counts"), 4);
    assert_eq!(
        metric_month::Entity::find()
            .count(&db)
            .await
            .expect("counts"),
        40 * 12
    );

    // The audit log holds, until someone edits an entry in the database.
    let verified = run(&["audit", "verify"]);
    assert!(verified.status.success(), "{verified:?}");
    let printed = String::from_utf8_lossy(&verified.stdout);
    assert!(printed.starts_with("audit log intact: "), "{printed}");
    let first = audit_entry::Entity::find()
        .order_by_asc(audit_entry::Column::Seq)
        .one(&db)
        .await
        .expect("reads")
        .expect("creating the admin was audited");
    audit_entry::Entity::update_many()
        .col_expr(
            audit_entry::Column::Action,
            Expr::value("user.nothing_to_see"),
        )
        .filter(audit_entry::Column::Seq.eq(first.seq))
        .exec(&db)
        .await
        .expect("tampers");
    let broken = run(&["audit", "verify"]);
    assert_eq!(broken.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert!(
        stderr.contains(&format!("audit log broken at entry {}", first.seq)),
        "{stderr}"
    );
}

#[tokio::test]
async fn the_server_never_reaches_the_network_with_a_development_key_the_demo_password_or_statement_counts()
 {
    let dir = tempfile::tempdir().expect("a temp dir");
    // As the container image starts: embedded database, no JWT_SECRET, bound to every address.
    let exposed = coaching_hub(dir.path())
        .args(["serve"])
        .env("BIND", "0.0.0.0")
        .env("PORT", "0")
        .output()
        .expect("runs");
    assert!(!exposed.status.success());
    let stderr = String::from_utf8_lossy(&exposed.stderr);
    assert!(stderr.contains("JWT_SECRET"), "{stderr}");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("coaching-hub.db").display()
    );
    let db = persistence::db::connect(&url, &persistence::DbOptions::default())
        .await
        .expect("opens");
    assert_eq!(
        user::Entity::find().count(&db).await.expect("counts"),
        0,
        "nothing is seeded unless asked"
    );

    // A real key, but the demo organisation with its published password. The database already
    // holds a check value sealed under the generated encryption key, so that key stays listed.
    let dev_keys = std::fs::read_to_string(dir.path().join("encryption-keys")).expect("generated");
    let seeded = coaching_hub(dir.path())
        .args(["seed", "--demo"])
        .env("DATABASE_URL", &url)
        .env("JWT_SECRET", "0123456789abcdef0123456789abcdef")
        .env("ENCRYPTION_KEYS", dev_keys.trim())
        .output()
        .expect("runs");
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let exposed = coaching_hub(dir.path())
        .args(["serve"])
        .env("DATABASE_URL", &url)
        .env("JWT_SECRET", "0123456789abcdef0123456789abcdef")
        .env("ENCRYPTION_KEYS", dev_keys.trim())
        .env("BIND", "0.0.0.0")
        .env("PORT", "0")
        .output()
        .expect("runs");
    assert!(!exposed.status.success());
    let stderr = String::from_utf8_lossy(&exposed.stderr);
    assert!(stderr.contains("demo password"), "{stderr}");

    // A real key on an empty database, but statement counts in every answer: they would tell an
    // unknown email from a wrong password.
    let empty = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("empty.db").display()
    );
    let counted = coaching_hub(dir.path())
        .args(["serve"])
        .env("DATABASE_URL", &empty)
        .env("JWT_SECRET", "0123456789abcdef0123456789abcdef")
        .env("ENCRYPTION_KEYS", test_support::TEST_ENCRYPTION_KEYS)
        .env("STATEMENT_COUNT_HEADER", "true")
        .env("BIND", "0.0.0.0")
        .env("PORT", "0")
        .output()
        .expect("runs");
    assert!(!counted.status.success());
    let stderr = String::from_utf8_lossy(&counted.stderr);
    assert!(stderr.contains("STATEMENT_COUNT_HEADER"), "{stderr}");
}

#[tokio::test]
async fn an_organisation_at_scale_has_the_shape_it_promises_and_serves_its_people() {
    use persistence::entity::{action_plan, coaching_session, quick_note};
    use test_support::{Call, TestApp, TestDb, test_config};

    let test_db = TestDb::create(test_support::backend()).await;
    let dir = tempfile::tempdir().expect("a temp dir");
    let seeded = coaching_hub(dir.path())
        .args(["seed", "--scale", "30"])
        .env("DATABASE_URL", &test_db.url)
        .env("JWT_SECRET", "0123456789abcdef0123456789abcdef")
        .env("ENCRYPTION_KEYS", test_support::TEST_ENCRYPTION_KEYS)
        .output()
        .expect("runs");
    let printed = String::from_utf8_lossy(&seeded.stdout);
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    assert!(
        printed.contains("leader001@scale.coaching-hub.example"),
        "{printed}"
    );

    let db = persistence::db::connect(&test_db.url, &Default::default())
        .await
        .expect("opens");
    // 30 agents make three whole teams of twelve.
    let agents = 36;
    assert_eq!(count_role(&db, "AGENT").await.expect("counts"), agents);
    assert_eq!(count_role(&db, "TEAM_LEADER").await.expect("counts"), 3);
    assert_eq!(count_role(&db, "MANAGER").await.expect("counts"), 1);
    assert_eq!(team::Entity::find().count(&db).await.expect("counts"), 3);
    let counted = [
        (metric_month::Entity::find().count(&db).await, agents * 24),
        (
            coaching_session::Entity::find().count(&db).await,
            agents * 50,
        ),
        (quick_note::Entity::find().count(&db).await, agents * 200),
        (action_plan::Entity::find().count(&db).await, 4),
    ];
    for (count, want) in counted {
        assert_eq!(count.expect("counts"), want);
    }

    // The first team leader signs in and sees their twelve agents and their week.
    let config = test_config(&test_db.url, test_db.backend);
    let app = TestApp::start(config, test_db).await;
    let login = app
        .login("leader001@scale.coaching-hub.example", "coaching-hub-demo")
        .await
        .ok(200);
    let token = login["access_token"].as_str().expect("a token");
    let get = |path: &str| app.request(reqwest::Method::GET, path).bearer_auth(token);
    let people = get("/api/v1/users?role=AGENT&limit=200")
        .call()
        .await
        .ok(200);
    assert_eq!(people["items"].as_array().expect("a page").len(), 12);
    get("/api/v1/dashboard").call().await.ok(200);
}
