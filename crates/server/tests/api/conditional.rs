//! Conditional GETs: an unchanged answer is `304 Not Modified` without a body; a change (or a
//! record outside the scope) never is.

use test_support::records;
use test_support::{Call, TestApp};

#[tokio::test]
async fn an_unchanged_answer_is_304_and_a_changed_one_is_sent_again() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let session = app
        .as_(&org.leader_a)
        .schedule_session(records::session(org.agent_a1.id, 0))
        .await
        .ok(201);
    let path = format!("/api/v1/sessions/{}", session.id);
    let get = |tag: &str| {
        app.as_(&org.leader_a)
            .get(&path)
            .header("if-none-match", tag)
            .call()
    };

    // A record: its version is its tag.
    let first = app.as_(&org.leader_a).get(&path).call().await;
    assert_eq!(first.header("etag"), Some("\"1\""));
    let unchanged = get("\"1\"").await;
    assert_eq!(unchanged.status(), 304);
    assert_eq!(unchanged.text(), "");
    assert_eq!(unchanged.header("etag"), Some("\"1\""));
    app.as_(&org.leader_a)
        .session_step(&session, "start", serde_json::json!({}))
        .await
        .ok(200);
    let changed = get("\"1\"").await;
    assert_eq!(changed.header("etag"), Some("\"2\""));
    assert_eq!(changed.ok(200)["status"], "IN_PROGRESS");

    // A list: a tag of its content.
    let notes = |tag: String| {
        app.as_(&org.leader_a)
            .get("/api/v1/quick-notes")
            .header("if-none-match", tag)
            .call()
    };
    let list = notes("\"none\"".to_owned()).await;
    let tag = list.header("etag").expect("a tag").to_owned();
    assert!(tag.starts_with("W/\""), "{tag}");
    assert_eq!(notes(tag.clone()).await.status(), 304);
    app.as_(&org.leader_a)
        .write_note(records::note(org.agent_a1.id, "new", "SHARED"))
        .await
        .ok(201);
    assert_eq!(notes(tag).await.status(), 200);

    // Out of scope stays 404, whatever tag is sent.
    let foreign = app
        .as_(&org.leader_b)
        .get(&path)
        .header("if-none-match", "*")
        .call()
        .await;
    foreign.problem(404);
}

#[tokio::test]
async fn an_if_match_naming_no_version_is_checked_last_and_weak_tags_never_match() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let note = app
        .as_(&org.leader_a)
        .write_note(records::note(org.agent_a1.id, "Good recap", "SHARED"))
        .await
        .ok(201);
    let path = format!("/api/v1/quick-notes/{}", note.id);
    let edit = |who, tag: &'static str, content: &'static str| {
        app.as_(who)
            .patch(&path, &serde_json::json!({ "content": content }))
            .header("if-match", tag)
            .call()
    };
    // Whatever the tag, the record's sight, the policy and the body come first.
    for tag in ["", "*", "W/\"1\"", "\"x\""] {
        edit(&org.leader_b, tag, "Mine now").await.problem(404);
        edit(&org.agent_a1, tag, "Mine now").await.problem(403);
        let invalid = edit(&org.leader_a, tag, "").await.problem(422);
        assert!(invalid["errors"]["content"].is_array(), "{invalid}");
        // Then the version: none of these names one (strong comparison: a weak tag never
        // matches).
        edit(&org.leader_a, tag, "Better recap").await.problem(412);
    }
    let edited = edit(&org.leader_a, "\"1\"", "Better recap").await.ok(200);
    assert_eq!(edited["version"], 2);
}
