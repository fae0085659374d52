//! Search finds words across sessions, notes, items and people, and never outside the scope.

use serde_json::{Value, json};
use test_support::Call;
use test_support::{Persona, TestApp};

use test_support::records;

async fn search(app: &TestApp, who: &Persona, q: &str) -> Vec<Value> {
    let body = app.as_(who).search(q).await.ok(200);
    body["items"].as_array().expect("items").clone()
}

fn kinds(hits: &[Value]) -> Vec<String> {
    let mut kinds: Vec<String> = hits
        .iter()
        .map(|h| h["kind"].as_str().expect("kind").to_owned())
        .collect();
    kinds.sort();
    kinds
}

#[tokio::test]
async fn search_ranks_and_highlights_within_scope_only() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let note = |who, agent: uuid::Uuid, content: &str, visibility: &str| {
        let app = &app;
        let body = json!({ "agent_id": agent, "content": content, "category": "PERFORMANCE", "visibility": visibility });
        async move {
            app.as_(who)
                .post("/api/v1/quick-notes", &body)
                .call()
                .await
                .ok(201)
        }
    };
    note(
        &org.leader_a,
        org.agent_a1.id,
        "Handled the <b>refund</b> escalation calmly",
        "SHARED",
    )
    .await;
    note(
        &org.leader_a,
        org.agent_a1.id,
        "Private worry: refund policy confusion",
        "PRIVATE",
    )
    .await;
    note(
        &org.leader_b,
        org.agent_b1.id,
        "Refund handling needs work on team B",
        "SHARED",
    )
    .await;
    let session = app
        .as_(&org.leader_a)
        .schedule_session(records::session(org.agent_a1.id, 0))
        .await
        .ok(201);
    let path = format!("/api/v1/sessions/{}", session.id);
    app.as_(&org.leader_a)
        .patch(
            &path,
            &json!({ "preparation_notes": "Review refunds handled last week", "version": 1 }),
        )
        .call()
        .await
        .ok(200);
    let item = json!({ "title": "Refund checklist", "assignee_id": org.agent_a1.id, "due_date": "2030-01-01", "priority": "LOW" });
    app.as_(&org.leader_a)
        .post("/api/v1/action-items", &item)
        .call()
        .await
        .ok(201);

    let leader = search(&app, &org.leader_a, "refund").await;
    assert_eq!(
        kinds(&leader),
        ["action_item", "quick_note", "quick_note", "session"],
        "{leader:?}"
    );
    let shared = leader
        .iter()
        .find(|h| {
            h["snippet"]
                .as_str()
                .is_some_and(|s| s.contains("escalation"))
        })
        .expect("the shared note");
    let snippet = shared["snippet"].as_str().expect("snippet");
    assert!(snippet.contains("<mark>"), "{snippet}");
    let title = shared["title"].as_str().expect("a title");
    let today = chrono::Utc::now().format("%-d %b %Y").to_string();
    assert_eq!(
        title,
        format!("Agent A1 · {today}"),
        "whom the note is about, and its day"
    );
    assert!(
        snippet.contains("&lt;") && !snippet.contains("<b>") && !snippet.contains("</b>"),
        "stored markup is escaped: {snippet}"
    );

    // Never another team's notes, never someone else's private note.
    let manager = search(&app, &org.manager_a, "refund").await;
    assert_eq!(kinds(&manager), ["action_item", "quick_note", "session"]);
    let agent = search(&app, &org.agent_a1, "refund").await;
    assert_eq!(kinds(&agent), ["action_item", "quick_note", "session"]);
    assert!(search(&app, &org.agent_a2, "refund").await.is_empty());
    let other = search(&app, &org.leader_b, "refund").await;
    assert_eq!(kinds(&other), ["quick_note"]);
    assert!(
        search(&app, &org.admin, "worry").await.is_empty(),
        "private notes are hidden from admins too"
    );
    assert_eq!(search(&app, &org.leader_a, "worry").await.len(), 1);

    // People, by name prefix, in scope.
    assert_eq!(
        kinds(&search(&app, &org.leader_a, "agen").await),
        ["person", "person"]
    );
    assert!(search(&app, &org.leader_b, "agent a1").await.is_empty());
    // Query syntax is just words.
    assert_eq!(search(&app, &org.leader_a, r#"refund*" ("#).await.len(), 4);
    app.as_(&org.leader_a)
        .get("/api/v1/search?q=%20")
        .call()
        .await
        .problem(422);
    app.as_(&org.leader_a)
        .get("/api/v1/search?q=x&limit=500")
        .call()
        .await
        .problem(422);
    // Edits and deletions reach the index.
    let deleted = search(&app, &org.leader_b, "refund").await;
    let id = deleted[0]["id"].as_str().expect("id");
    let gone = app
        .as_(&org.leader_b)
        .request(
            reqwest::Method::DELETE,
            &format!("/api/v1/quick-notes/{id}"),
        )
        .header("if-match", "\"1\"")
        .send()
        .await
        .expect("answers");
    assert_eq!(gone.status(), 204);
    assert!(search(&app, &org.leader_b, "refund").await.is_empty());
}
