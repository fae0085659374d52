//! Quick notes: private stays private, shared follows the agent's scope, only authors edit.

use serde_json::{Value, json};
use test_support::Call;
use test_support::{Persona, TestApp};

use crate::helpers::{ids, problem};
use test_support::records;

async fn visible(app: &TestApp, who: &Persona, query: &str) -> Vec<String> {
    let page = app
        .as_(who)
        .get(&format!("/api/v1/quick-notes{query}"))
        .call()
        .await
        .ok(200);
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|n| n["content"].as_str().expect("content").to_owned())
        .collect()
}

#[tokio::test]
async fn private_notes_are_the_authors_alone_and_shared_ones_follow_the_agent() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    app.as_(&org.leader_a)
        .write_note(records::note(
            org.agent_a1.id,
            "shared praise for A1",
            "SHARED",
        ))
        .await
        .ok(201);
    let private = app
        .as_(&org.leader_a)
        .write_note(records::note(
            org.agent_a1.id,
            "private worry about A1",
            "PRIVATE",
        ))
        .await
        .ok(201);
    app.as_(&org.leader_b)
        .write_note(records::note(
            org.agent_b1.id,
            "shared note on B1",
            "SHARED",
        ))
        .await
        .ok(201);

    assert_eq!(
        visible(&app, &org.leader_a, "").await,
        ["private worry about A1", "shared praise for A1"]
    );
    assert_eq!(
        visible(&app, &org.agent_a1, "").await,
        ["shared praise for A1"]
    );
    assert_eq!(
        visible(&app, &org.manager_a, "").await,
        ["shared praise for A1"]
    );
    assert_eq!(
        visible(&app, &org.admin, "").await,
        ["shared note on B1", "shared praise for A1"]
    );
    assert!(visible(&app, &org.agent_a2, "").await.is_empty());
    assert_eq!(
        visible(&app, &org.leader_b, "").await,
        ["shared note on B1"]
    );

    // Search never reaches another team's notes or someone else's private note.
    for who in [&org.leader_b, &org.manager_b, &org.admin, &org.agent_a1] {
        assert!(visible(&app, who, "?q=worry").await.is_empty());
    }
    assert!(visible(&app, &org.leader_b, "?q=A1").await.is_empty());
    assert_eq!(
        visible(&app, &org.leader_a, "?q=WORRY").await,
        ["private worry about A1"]
    );

    let path = format!("/api/v1/quick-notes/{}", private.id);
    for who in [&org.admin, &org.manager_a, &org.agent_a1] {
        app.as_(who).get(&path).call().await.problem(404);
    }
}

#[tokio::test]
async fn notes_filter_by_when_they_were_written_and_page_back() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let mut written = Vec::new();
    for text in ["first note", "second note", "third note"] {
        let note = app
            .as_(&org.leader_a)
            .write_note(records::note(org.agent_a1.id, text, "SHARED"))
            .await
            .ok(201);
        // As stored (a database may keep fewer digits of a second than the clock gave).
        let path = format!("/api/v1/quick-notes/{}", note.id);
        let stored = app.as_(&org.leader_a).get(&path).call().await.ok(200);
        written.push(
            stored["created_at"]
                .as_str()
                .expect("created_at")
                .to_owned(),
        );
    }
    app.as_(&org.leader_b)
        .write_note(records::note(org.agent_b1.id, "another team", "SHARED"))
        .await
        .ok(201);
    let second = written[1].replace('+', "%2B");
    assert_eq!(
        visible(&app, &org.leader_a, &format!("?from={second}")).await,
        ["third note", "second note"]
    );
    assert_eq!(
        visible(&app, &org.leader_a, &format!("?to={second}")).await,
        ["first note"]
    );
    assert_eq!(
        visible(&app, &org.manager_a, &format!("?from={second}&to={second}")).await,
        Vec::<String>::new()
    );
    assert!(
        !visible(&app, &org.leader_b, &format!("?from={second}"))
            .await
            .contains(&"third note".to_owned()),
        "another team's notes stay out of a date filter"
    );
    // Newest first, a page at a time, back to the first.
    let mut shown = Vec::new();
    let mut path = format!("/api/v1/quick-notes?agent_id={}&limit=1", org.agent_a1.id);
    loop {
        let page = app.as_(&org.leader_a).get(&path).call().await.ok(200);
        shown.extend(
            page["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|n| n["content"].as_str().expect("content").to_owned()),
        );
        let Some(next) = page["next_cursor"].as_str() else {
            break;
        };
        path = format!(
            "/api/v1/quick-notes?agent_id={}&limit=1&cursor={next}",
            org.agent_a1.id
        );
    }
    assert_eq!(shown, ["third note", "second note", "first note"]);
}

#[tokio::test]
async fn only_coaches_in_scope_write_notes_and_content_is_bounded() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    app.as_(&org.leader_a)
        .write_note(records::note(org.agent_b1.id, "not my agent", "SHARED"))
        .await
        .problem(422);
    app.as_(&org.agent_a1)
        .write_note(records::note(org.agent_a1.id, "about myself", "SHARED"))
        .await
        .problem(403);
    app.as_(&org.manager_a)
        .write_note(records::note(org.agent_a2.id, "manager note", "SHARED"))
        .await
        .ok(201);
    let long = "é".repeat(500);
    app.as_(&org.leader_a)
        .write_note(records::note(org.agent_a1.id, &long, "SHARED"))
        .await
        .ok(201);
    let too_long = app
        .as_(&org.leader_a)
        .write_note(records::note(org.agent_a1.id, &"x".repeat(501), "SHARED"))
        .await
        .problem(422);
    assert!(too_long["errors"]["content"].is_array());
    let bad = app
        .as_(&org.leader_a)
        .post("/api/v1/quick-notes", &json!({ "agent_id": org.agent_a1.id, "content": "x", "category": "GOSSIP", "visibility": "PUBLIC" }))
        .send()
        .await
        .expect("answers");
    problem(bad, 422).await;
}

#[tokio::test]
async fn authors_edit_and_delete_and_admins_only_shared_notes() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let mut events = app.state.events.subscribe();
    let note = app
        .as_(&org.leader_a)
        .write_note(records::note(org.agent_a1.id, "first draft", "SHARED"))
        .await
        .ok(201);
    let path = format!("/api/v1/quick-notes/{}", note.id);
    let edit = |who, body: Value| {
        let app = &app;
        let path = path.clone();
        async move { app.as_(who).patch(&path, &body).call().await }
    };
    edit(
        &org.manager_a,
        json!({ "content": "manager rewrite", "version": 1 }),
    )
    .await
    .problem(403);
    edit(
        &org.agent_a1,
        json!({ "content": "agent rewrite", "version": 1 }),
    )
    .await
    .problem(403);
    edit(
        &org.leader_b,
        json!({ "content": "stranger", "version": 1 }),
    )
    .await
    .problem(404);
    let edited = edit(
        &org.leader_a,
        json!({ "content": "second draft", "version": 1 }),
    )
    .await
    .ok(200);
    assert_eq!(edited["version"], 2);
    edit(&org.leader_a, json!({ "content": "stale", "version": 1 }))
        .await
        .problem(412);
    edit(&org.admin, json!({ "category": "TRAINING", "version": 2 }))
        .await
        .ok(200);
    let private = edit(
        &org.leader_a,
        json!({ "visibility": "PRIVATE", "version": 3 }),
    )
    .await
    .ok(200);
    assert_eq!(private["visibility"], "PRIVATE");
    edit(&org.admin, json!({ "content": "admin", "version": 4 }))
        .await
        .problem(404);
    app.as_(&org.manager_a)
        .request(reqwest::Method::DELETE, &path)
        .call()
        .await
        .problem(404);
    let delete = |version: Option<&str>| {
        let mut request = app
            .as_(&org.leader_a)
            .request(reqwest::Method::DELETE, &path);
        if let Some(version) = version {
            request = request.header("if-match", version);
        }
        request.send()
    };
    problem(delete(None).await.expect("answers"), 428).await;
    problem(delete(Some("\"3\"")).await.expect("answers"), 412).await;
    assert_eq!(delete(Some("\"4\"")).await.expect("answers").status(), 204);

    // The audit log records that the note changed, never its text (sealed, shared or private).
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let entries = persistence::entity::audit_entry::Entity::find()
        .filter(persistence::entity::audit_entry::Column::ResourceType.eq("quick_note"))
        .all(app.db())
        .await
        .expect("reads");
    let logged = serde_json::to_string(
        &entries
            .iter()
            .map(|e| e.changes.clone())
            .collect::<Vec<_>>(),
    )
    .expect("json");
    for text in ["first draft", "second draft"] {
        assert!(!logged.contains(text), "{text} logged: {logged}");
    }
    assert!(logged.contains("[sealed]"), "{logged}");
    assert!(
        logged.contains("PRIVATE"),
        "the visibility change is: {logged}"
    );
    assert_eq!(entries.len(), 5);
    app.as_(&org.leader_a).get(&path).call().await.problem(404);

    let kinds = crate::helpers::published_kinds(&app, &mut events).await;
    assert_eq!(
        kinds,
        [
            "quick_note_changed",
            "quick_note_changed",
            "quick_note_changed",
            "quick_note_changed",
            "quick_note_deleted"
        ]
    );
    let all = app
        .as_(&org.admin)
        .get("/api/v1/quick-notes")
        .call()
        .await
        .ok(200);
    assert!(ids(&all).is_empty());
}

async fn send_keyed(
    app: &TestApp,
    who: &Persona,
    key: &str,
    body: &Value,
) -> test_support::Response {
    app.as_(who)
        .post("/api/v1/quick-notes", body)
        .header("Idempotency-Key", key)
        .call()
        .await
}

#[tokio::test]
async fn a_note_sent_again_with_its_key_is_written_once() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let body = records::note(org.agent_a1.id, "written offline", "SHARED");
    let first = send_keyed(&app, &org.leader_a, "note-1", &body).await;
    assert_eq!(first.status(), 201);
    assert!(first.header("idempotent-replayed").is_none());
    let first = first.ok(201);
    let again = send_keyed(&app, &org.leader_a, "note-1", &body).await;
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(
        again.ok(201)["id"],
        first["id"],
        "the first note, not a new one"
    );
    assert_eq!(
        visible(&app, &org.leader_a, "").await,
        ["written offline"],
        "one note"
    );

    // The same key for another note is a mistake, named on the header.
    let other = records::note(org.agent_a1.id, "something else", "SHARED");
    let refused = send_keyed(&app, &org.leader_a, "note-1", &other)
        .await
        .problem(422);
    assert!(refused["errors"]["Idempotency-Key"].is_array(), "{refused}");
    // A key is a person's own: another author's same key makes their own note.
    let theirs = send_keyed(&app, &org.manager_a, "note-1", &other)
        .await
        .ok(201);
    assert_ne!(theirs["id"], first["id"]);
    // A key that is no key.
    for bad in ["", &"k".repeat(256), "with space"] {
        let refused = send_keyed(&app, &org.leader_a, bad, &body)
            .await
            .problem(422);
        assert!(
            refused["errors"]["Idempotency-Key"].is_array(),
            "{bad:?}: {refused}"
        );
    }
}

#[tokio::test]
async fn the_same_note_sent_concurrently_with_one_key_is_written_once() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let body = records::note(org.agent_a1.id, "sent from two tabs", "SHARED");
    let sends = (0..6).map(|_| send_keyed(&app, &org.leader_a, "race", &body));
    let answers = futures_util::future::join_all(sends).await;
    let ids: std::collections::HashSet<String> = answers
        .into_iter()
        .map(|answer| answer.ok(201)["id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(ids.len(), 1, "every answer names the one note");
    assert_eq!(visible(&app, &org.leader_a, "").await.len(), 1);
}

#[tokio::test]
async fn a_refused_note_leaves_its_key_free() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    // Another team's agent: refused, and the key is not taken by the refusal.
    let wrong = records::note(org.agent_b1.id, "wrong agent", "SHARED");
    send_keyed(&app, &org.leader_a, "retry", &wrong)
        .await
        .problem(422);
    let right = records::note(org.agent_a1.id, "right agent", "SHARED");
    send_keyed(&app, &org.leader_a, "retry", &right)
        .await
        .ok(201);
    assert_eq!(visible(&app, &org.leader_a, "").await, ["right agent"]);
}
