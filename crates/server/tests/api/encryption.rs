//! Field-level encryption: the personal text of notes, sessions and plans is sealed at rest on
//! both databases (the stored bytes hold none of it), reads and searches as before, is re-sealed
//! under a new key by `rotate-key` (resumably, search still working), and a server given the
//! wrong key refuses to start.

use std::process::Command;

use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use test_support::{Call, Org, TestApp, records};

use crate::helpers::run_ok;

/// A made-up word per sealed field, so a find in the stored bytes can only be that field's text.
pub(crate) const NOTE: &str = "Zorblingly patient with a shouting caller";
pub(crate) const PREPARATION: &str = "Quibbleton escalations since March";
pub(crate) const SESSION_NOTES: &str = "Frobnicated the hold procedure together";
pub(crate) const SESSION_COMMENT: &str = "Wibblewobble but fair";
pub(crate) const GOAL: &str = "Plonkitude under ninety seconds";
pub(crate) const PLAN_COMMENT: &str = "Snorkelage agreed";
pub(crate) const CHECKPOINT: &str = "Glimmerous progress in week two";

/// The distinctive word of each sealed text.
pub(crate) fn marker(text: &str) -> &str {
    text.split(' ').next().unwrap_or(text)
}

/// Writes every kind of sealed text about agent a1; returns the note, session and plan.
pub(crate) async fn write_sealed_text(
    app: &TestApp,
    org: &Org,
) -> (dto::QuickNote, dto::Session, dto::ActionPlan) {
    let (leader, agent) = (app.as_(&org.leader_a), &org.agent_a1);
    let note = leader
        .write_note(records::note(agent.id, NOTE, "SHARED"))
        .await
        .ok(201);
    let mut session = records::session(agent.id, 0);
    session["preparation_notes"] = json!(PREPARATION);
    let session = leader.schedule_session(session).await.ok(201);
    let done = app
        .as_(&org.leader_a)
        .session_step(
            &session,
            "complete",
            json!({ "session_notes": SESSION_NOTES, "current_score": 80 }),
        )
        .await
        .ok(200);
    let session = app
        .as_(agent)
        .session_step(&done, "acknowledge", json!({ "comment": SESSION_COMMENT }))
        .await
        .ok(200);
    let mut plan = records::action_plan(agent.id);
    plan["goal"] = json!(GOAL);
    let plan = app
        .as_(&org.leader_a)
        .create_action_plan(plan)
        .await
        .ok(201);
    let plan = app
        .as_(&org.leader_a)
        .decide_action_plan(&plan, "submit", json!({}))
        .await
        .ok(200);
    let plan = app
        .as_(&org.manager_a)
        .decide_action_plan(&plan, "approve", json!({}))
        .await
        .ok(200);
    app.as_(agent)
        .decide_action_plan(&plan, "acknowledge", json!({ "comment": PLAN_COMMENT }))
        .await
        .ok(200);
    let plan = app
        .as_(&org.leader_a)
        .add_checkpoint(
            plan.id,
            json!({ "date": "2026-02-01", "notes": CHECKPOINT }),
        )
        .await
        .ok(201);
    (note, session, plan)
}

/// A note's content as `who` reads it.
async fn note_text(app: &TestApp, who: &test_support::Persona, note: &dto::QuickNote) -> String {
    let path = format!("/api/v1/quick-notes/{}", note.id);
    let read: dto::QuickNote = app.as_(who).get(&path).call_as().await.ok(200);
    read.content
}

async fn search_kinds(app: &TestApp, who: &test_support::Persona, q: &str) -> Vec<Value> {
    app.as_(who).search(q).await.ok(200)["items"]
        .as_array()
        .expect("items")
        .clone()
}

pub(crate) fn coaching_hub(app: &TestApp, keys: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_coaching-hub"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("DATABASE_URL", &app.test_db.url)
        .env("JWT_SECRET", "0123456789abcdef0123456789abcdef")
        .env("ENCRYPTION_KEYS", keys)
        .env("LOG_LEVEL", "error");
    command
}

#[tokio::test]
async fn personal_text_is_sealed_at_rest_yet_reads_and_searches_as_before() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let (note, session, plan) = write_sealed_text(&app, &org).await;

    let stored = app.test_db.stored_text(&app.state.db).await;
    for text in [
        NOTE,
        PREPARATION,
        SESSION_NOTES,
        SESSION_COMMENT,
        GOAL,
        PLAN_COMMENT,
        CHECKPOINT,
    ] {
        let word = marker(text);
        assert!(
            !stored.to_lowercase().contains(&word.to_lowercase()),
            "`{word}` is stored in clear"
        );
    }
    assert!(stored.contains("enc2:test1:"), "sealed values are stored");
    assert!(
        stored.contains("[sealed]"),
        "the audit log says a sealed field changed"
    );

    // Every reader sees the text as written.
    assert_eq!(note.content, NOTE);
    assert_eq!(session.preparation_notes.as_deref(), Some(PREPARATION));
    assert_eq!(session.session_notes.as_deref(), Some(SESSION_NOTES));
    assert_eq!(
        session.acknowledgement_comment.as_deref(),
        Some(SESSION_COMMENT)
    );
    assert_eq!(plan.goal, GOAL);
    assert_eq!(plan.acknowledgement_comment.as_deref(), Some(PLAN_COMMENT));
    assert_eq!(plan.checkpoints[0].notes, CHECKPOINT);
    assert_eq!(note_text(&app, &org.agent_a1, &note).await, NOTE);

    // Search finds sealed text by a word or a word's start, highlighted, in scope only.
    let hits = search_kinds(&app, &org.leader_a, "zorbling").await;
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0]["kind"], "quick_note");
    assert_eq!(hits[0]["id"], json!(note.id));
    assert!(
        hits[0]["snippet"]
            .as_str()
            .is_some_and(|s| s.contains("<mark>Zorblingly</mark>")),
        "{hits:?}"
    );
    let hits = search_kinds(&app, &org.leader_a, "frobnic hold").await;
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0]["kind"], "session");
    assert!(
        search_kinds(&app, &org.leader_a, "frobnic zorbling")
            .await
            .is_empty()
    );
    assert!(
        search_kinds(&app, &org.leader_b, "zorbling")
            .await
            .is_empty()
    );
    let listed = app
        .as_(&org.leader_a)
        .get("/api/v1/quick-notes?q=ZORBL")
        .call()
        .await
        .ok(200);
    assert_eq!(
        listed["items"].as_array().map(Vec::len),
        Some(1),
        "{listed}"
    );
}

#[tokio::test]
async fn rotate_key_reseals_everything_resumably_and_search_still_finds_it() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let (note, ..) = write_sealed_text(&app, &org).await;

    let stdout = run_ok(
        coaching_hub(&app, test_support::ROTATED_ENCRYPTION_KEYS).args([
            "rotate-key",
            "--batch",
            "1",
        ]),
    );
    // A note, a session (three texts), a plan (two) and a checkpoint.
    assert!(
        stdout.starts_with("4 rows re-sealed under key `test2`"),
        "{stdout}"
    );

    let stored = app.test_db.stored_text(&app.state.db).await;
    assert!(stored.contains("enc2:test2:"));
    let old = persistence::rotation::SEALED_COLUMNS
        .iter()
        .flat_map(|(table, key, columns)| columns.iter().map(move |c| (table, key, c)));
    for (table, key, column) in old {
        let under_old: Vec<sea_orm::QueryResult> = app
            .state
            .db
            .query_all_raw(sea_orm::Statement::from_string(
                app.state.db.get_database_backend(),
                format!("SELECT {key} FROM {table} WHERE {column} LIKE 'enc%:test1:%'"),
            ))
            .await
            .expect("reads");
        assert!(under_old.is_empty(), "{table}.{column} still under test1");
    }

    // Servers holding both keys read and find everything.
    let hits = search_kinds(&app, &org.leader_a, "zorbling").await;
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(note_text(&app, &org.leader_a, &note).await, NOTE);

    // Run again (or after a stop half-way): only what is left is re-sealed.
    let again = run_ok(coaching_hub(&app, test_support::ROTATED_ENCRYPTION_KEYS).arg("rotate-key"));
    assert!(again.starts_with("0 rows re-sealed"), "{again}");
    // The old key is retired: a server may start without it.
    let new_only = test_support::ROTATED_ENCRYPTION_KEYS
        .split(',')
        .next()
        .expect("the new key");
    run_ok(coaching_hub(&app, new_only).arg("migrate"));
}

#[tokio::test]
async fn a_wrong_or_missing_key_is_a_clear_start_up_error() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    app.as_(&org.leader_a)
        .write_note(records::note(org.agent_a1.id, NOTE, "SHARED"))
        .await
        .ok(201);
    let impostor = format!("test1:{}", "c29tZSBvdGhlciBrZXksIHRoaXJ0eS10d28gYnl0ZXM=");
    for (keys, says) in [
        (impostor.as_str(), "key `test1` does not open"),
        (
            "other:c29tZSBvdGhlciBrZXksIHRoaXJ0eS10d28gYnl0ZXM=",
            "key `test1`, which ENCRYPTION_KEYS does not list",
        ),
    ] {
        let run = coaching_hub(&app, keys)
            .arg("migrate")
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(!run.status.success(), "starts with {keys}");
        assert!(
            stderr.contains("ENCRYPTION_KEYS") && stderr.contains(says),
            "{stderr}"
        );
    }
}

#[tokio::test]
async fn sealed_text_copied_into_another_row_does_not_open_there() {
    use sea_orm::ConnectionTrait;

    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let private = app
        .as_(&org.leader_a)
        .write_note(records::note(org.agent_a1.id, "Rota worries", "PRIVATE"))
        .await
        .ok(201);
    let shared = app
        .as_(&org.leader_a)
        .write_note(records::note(org.agent_a1.id, "Good close", "SHARED"))
        .await
        .ok(201);
    let id = |note: &dto::QuickNote| note.id.uuid();
    // Someone with the database, not the key, moves the private note's ciphertext into the
    // shared note the agent reads.
    let copy = sea_orm::Statement::from_sql_and_values(
        app.db().get_database_backend(),
        match app.db().get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                "UPDATE quick_notes SET content = (SELECT content FROM quick_notes WHERE id = $1) WHERE id = $2"
            }
            _ => {
                "UPDATE quick_notes SET content = (SELECT content FROM quick_notes WHERE id = ?) WHERE id = ?"
            }
        },
        [id(&private).into(), id(&shared).into()],
    );
    app.db().execute_raw(copy).await.expect("copied");
    let answer = app
        .as_(&org.agent_a1)
        .get(&format!("/api/v1/quick-notes/{}", id(&shared)))
        .call()
        .await;
    assert!(!answer.text().contains("Rota worries"));
    answer.problem(500);
    // The note in its own row still reads.
    assert_eq!(
        note_text(&app, &org.leader_a, &private).await,
        "Rota worries"
    );
}
