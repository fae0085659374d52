//! The live connection: each event reaches exactly who may read its record over HTTP, a
//! reconnecting client gets what it missed in order, and the socket is authenticated.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{Value, json};
use test_support::records;
use test_support::{Call, Persona, TestApp};

/// Ids of the notes `who` may read over HTTP.
async fn readable_notes(app: &TestApp, who: &Persona) -> BTreeSet<String> {
    let page = app
        .as_(who)
        .get("/api/v1/quick-notes?limit=200")
        .call()
        .await
        .ok(200);
    crate::helpers::ids(&page).into_iter().collect()
}

/// The notes among `messages`.
pub(crate) fn notes_in(messages: &[Value]) -> BTreeSet<String> {
    messages
        .iter()
        .filter(|m| m["type"] == "quick_note_changed")
        .map(|m| m["resource_id"].as_str().expect("resource_id").to_owned())
        .collect()
}

/// The `content` of the next `n` messages.
async fn contents(socket: &mut test_support::Live, n: usize) -> Vec<String> {
    let mut contents = Vec::new();
    for _ in 0..n {
        let message = socket.next().await;
        contents.push(
            message["data"]["content"]
                .as_str()
                .unwrap_or("-")
                .to_owned(),
        );
    }
    contents
}

pub(crate) async fn announce_to_everyone(app: &TestApp, admin: &Persona) {
    app.as_(admin)
        .post(
            "/api/v1/announcements",
            &json!({ "title": "End of test", "body": "-" }),
        )
        .call()
        .await
        .ok(201);
}

#[tokio::test]
async fn each_note_reaches_exactly_those_who_may_read_it() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let everyone: Vec<&Persona> = org.everyone().into_iter().map(|(_, who)| who).collect();
    let mut sockets = Vec::new();
    for persona in &everyone {
        sockets.push(app.live(persona).await);
    }
    let about_a1 =
        |content: &str, visibility: &str| records::note(org.agent_a1.id, content, visibility);
    app.as_(&org.leader_a)
        .write_note(about_a1("shared by the leader", "SHARED"))
        .await
        .ok(201);
    app.as_(&org.leader_a)
        .write_note(about_a1("the leader's own", "PRIVATE"))
        .await
        .ok(201);
    app.as_(&org.manager_a)
        .write_note(about_a1("the manager's own", "PRIVATE"))
        .await
        .ok(201);
    let about_b1 = records::note(org.agent_b1.id, "team B's", "SHARED");
    app.as_(&org.leader_b).write_note(about_b1).await.ok(201);
    // Everyone gets the announcement, after whatever notes were theirs to get.
    announce_to_everyone(&app, &org.admin).await;

    for (persona, socket) in everyone.iter().zip(&mut sockets) {
        let messages = socket.until("announcement_published").await;
        assert_eq!(
            notes_in(&messages),
            readable_notes(&app, persona).await,
            "live notes of {}",
            persona.email
        );
        let seqs: Vec<u64> = messages
            .iter()
            .map(|m| m["seq"].as_u64().expect("seq"))
            .collect();
        assert!(seqs.windows(2).all(|w| w[0] < w[1]), "in order: {seqs:?}");
    }
    // The check above can fail: the leader of team A reads two of the four notes, team B's
    // agent one, and the other team's leader neither of team A's.
    assert_eq!(readable_notes(&app, &org.leader_a).await.len(), 2);
    assert_eq!(readable_notes(&app, &org.agent_b1).await.len(), 1);
}

#[tokio::test]
async fn a_client_that_comes_back_gets_what_it_missed_in_order() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let mut socket = app.live(&org.leader_a).await;
    let note = |content: &str| records::note(org.agent_a1.id, content, "SHARED");
    app.as_(&org.leader_a)
        .write_note(note("seen"))
        .await
        .ok(201);
    let seen = socket.next().await["seq"].as_u64().expect("seq");
    drop(socket);

    for content in ["first", "second", "third"] {
        app.as_(&org.leader_a)
            .write_note(note(content))
            .await
            .ok(201);
    }
    let mut socket = app.live_after(&org.leader_a, seen).await;
    assert_eq!(contents(&mut socket, 3).await, ["first", "second", "third"]);
    // Nothing else was owed: the next message is a new event.
    announce_to_everyone(&app, &org.admin).await;
    assert_eq!(socket.next().await["type"], "announcement_published");

    // A seq this server never issued cannot be resumed: read the data again.
    socket
        .send(&json!({ "type": "resume", "after": 1_000_000 }))
        .await;
    assert_eq!(socket.next().await, json!({ "type": "refetch" }));
    socket.send(&json!({ "type": "ping" })).await;
    assert_eq!(socket.next().await, json!({ "type": "pong" }));
}

#[tokio::test]
async fn the_socket_needs_credentials_and_cookies_only_from_this_site() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    assert_eq!(app.live_with(&[]).await.err(), Some(401));
    assert_eq!(
        app.live_with(&[("authorization", "Bearer forged")])
            .await
            .err(),
        Some(401)
    );

    let login = app
        .login(&org.leader_a.email, test_support::org::PASSWORD)
        .await;
    let cookies: Vec<String> = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| {
            v.to_str()
                .expect("ascii")
                .split(';')
                .next()
                .expect("a pair")
                .to_owned()
        })
        .collect();
    let cookie = cookies.join("; ");
    let from = |origin| [("cookie", cookie.as_str()), ("origin", origin)];
    assert_eq!(
        app.live_with(&from("https://evil.example")).await.err(),
        Some(403)
    );
    assert_eq!(
        app.live_with(&[("cookie", cookie.as_str())]).await.err(),
        Some(403)
    );
    let mut socket = app
        .live_with(&from("http://127.0.0.1"))
        .await
        .expect("a same-site page connects");
    socket.send(&json!({ "type": "ping" })).await;
    assert_eq!(socket.next().await, json!({ "type": "pong" }));
}

#[tokio::test]
async fn events_cross_instances_and_a_client_resumes_on_another() {
    // Two instances of one deployment share the database and Redis (SQLite's file too).
    let a = TestApp::spawn_with(|config| {
        config.store.redis_url = Some(test_support::redis_url().into())
    })
    .await;
    let org = a.seed_org().await;
    let b = a.another_instance().await;
    let mut leader_on_a = a.live(&org.leader_a).await;
    let mut other_agent_on_a = a.live(&org.agent_a2).await;

    b.as_(&org.leader_a)
        .write_note(records::note(org.agent_a1.id, "written on B", "SHARED"))
        .await
        .ok(201);
    assert_eq!(leader_on_a.next().await["data"]["content"], "written on B");
    announce_to_everyone(&b, &org.admin).await;
    let last = leader_on_a.until("announcement_published").await;
    let seen = last.last().expect("the announcement")["seq"]
        .as_u64()
        .expect("seq");
    // Another agent's note never reaches an agent, whichever instance it was written on.
    assert_eq!(
        other_agent_on_a.next().await["type"],
        "announcement_published"
    );
    drop(leader_on_a);

    for content in ["first", "second", "third"] {
        let note = records::note(org.agent_a1.id, content, "SHARED");
        a.as_(&org.leader_a).write_note(note).await.ok(201);
    }
    let mut leader_on_b = b.live_after(&org.leader_a, seen).await;
    assert_eq!(
        contents(&mut leader_on_b, 3).await,
        ["first", "second", "third"]
    );
}

#[tokio::test]
async fn signing_out_or_being_deactivated_closes_the_socket_at_once() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    // A second sign-in of the leader: its own session, its own socket.
    let login = app
        .login(&org.leader_a.email, test_support::org::PASSWORD)
        .await
        .ok(200);
    let token = login["access_token"].as_str().expect("a token").to_owned();
    let bearer = format!("Bearer {token}");
    let mut signed_out = app
        .live_with(&[("authorization", &bearer)])
        .await
        .expect("opens");
    let mut still_in = app.live(&org.leader_a).await;
    let mut agent = app.live(&org.agent_a1).await;

    app.request(reqwest::Method::POST, "/api/v1/auth/logout")
        .bearer_auth(&token)
        .call()
        .await
        .good();
    signed_out.closes().await;

    app.as_(&org.admin)
        .post(
            &format!("/api/v1/users/{}/deactivate", org.agent_a1.id),
            &json!({}),
        )
        .call()
        .await
        .ok(200);
    agent.closes().await;
    // The leader's other session stays, and hears of the change to their agent.
    let heard = still_in.next().await;
    assert_eq!(heard["type"], "user_changed");
    assert_eq!(heard["data"]["active"], false);
}

#[tokio::test]
async fn plans_people_and_teams_reach_only_their_scope() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let mut manager_a = app.live(&org.manager_a).await;
    let mut leader_b = app.live(&org.leader_b).await;
    let mut agent_a2 = app.live(&org.agent_a2).await;

    let plan = app
        .as_(&org.leader_a)
        .create_action_plan(records::action_plan(org.agent_a1.id))
        .await
        .ok(201);
    app.as_(&org.admin)
        .patch(
            &format!("/api/v1/teams/{}", org.team_a),
            &json!({ "name": "Team A (renamed)", "version": 1 }),
        )
        .call()
        .await
        .ok(200);
    announce_to_everyone(&app, &org.admin).await;

    let kinds = |messages: Vec<Value>| -> Vec<String> {
        messages
            .iter()
            .map(|m| m["type"].as_str().expect("type").to_owned())
            .collect()
    };
    let heard = manager_a.until("announcement_published").await;
    assert_eq!(heard[0]["resource_id"], json!(plan.id));
    assert_eq!(
        kinds(heard),
        [
            "action_plan_changed",
            "action_item_changed",
            "action_item_changed",
            "team_changed",
            "announcement_published"
        ],
        "the plan, its two items, the team"
    );
    assert_eq!(
        kinds(leader_b.until("announcement_published").await),
        ["announcement_published"]
    );
    assert_eq!(
        kinds(agent_a2.until("announcement_published").await),
        ["announcement_published"]
    );
}

/// Reads a server-sent event stream until an `event: announcement_published` frame, and returns
/// the frames (comments left out).
pub(crate) async fn frames_until_announcement(response: &mut reqwest::Response) -> Vec<String> {
    let mut text = String::new();
    while !text.contains("event: announcement_published") {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(10), response.chunk())
            .await
            .expect("an event arrives")
            .expect("the stream stays open")
            .expect("the stream is not over");
        text.push_str(std::str::from_utf8(&chunk).expect("UTF-8"));
    }
    text.split("\n\n")
        .filter(|frame| frame.starts_with("id: "))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn server_sent_events_carry_the_same_feed_and_resume_from_the_last_id() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let open = |who: &Persona, last: Option<String>| {
        let mut request = app.as_(who).get("/api/v1/events");
        if let Some(last) = last {
            request = request.header("last-event-id", last);
        }
        request.send()
    };
    let mut leader = open(&org.leader_a, None).await.expect("answers");
    assert_eq!(leader.status(), 200);
    assert_eq!(
        leader.headers()["content-type"].to_str().expect("ascii"),
        "text/event-stream"
    );
    let mut other_agent = open(&org.agent_a2, None).await.expect("answers");
    let note = app
        .as_(&org.leader_a)
        .write_note(records::note(org.agent_a1.id, "over SSE", "SHARED"))
        .await
        .ok(201);
    announce_to_everyone(&app, &org.admin).await;

    let frames = frames_until_announcement(&mut leader).await;
    assert_eq!(frames.len(), 2, "{frames:?}");
    assert!(
        frames[0].contains("event: quick_note_changed"),
        "{frames:?}"
    );
    assert!(frames[0].contains(&note.id.to_string()), "{frames:?}");
    let seen = frames[1]
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("id: "))
        .expect("an id")
        .to_owned();
    let theirs = frames_until_announcement(&mut other_agent).await;
    assert_eq!(theirs.len(), 1, "only the announcement: {theirs:?}");
    drop(leader);

    for content in ["first", "second"] {
        let note = records::note(org.agent_a1.id, content, "SHARED");
        app.as_(&org.leader_a).write_note(note).await.ok(201);
    }
    announce_to_everyone(&app, &org.admin).await;
    let mut resumed = open(&org.leader_a, Some(seen)).await.expect("answers");
    let frames = frames_until_announcement(&mut resumed).await;
    let contents: Vec<bool> = ["\"first\"", "\"second\""]
        .iter()
        .map(|content| frames.iter().any(|frame| frame.contains(content)))
        .collect();
    assert_eq!(contents, [true, true], "{frames:?}");
    assert_eq!(
        frames.len(),
        3,
        "the two notes and the announcement: {frames:?}"
    );

    let refused = open(&org.leader_a, Some("not-a-seq".into()))
        .await
        .expect("answers");
    assert_eq!(refused.status(), 400);
}

#[tokio::test]
async fn an_agent_moved_between_teams_reaches_the_new_leader_and_no_longer_the_old() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let mut leader_a = app.live(&org.leader_a).await;
    let mut leader_b = app.live(&org.leader_b).await;
    app.as_(&org.admin)
        .move_agent_to(org.team_b, org.agent_a1.id)
        .await
        .ok(200);
    // Both sockets opened before the move; a note about the agent now belongs to team B.
    let note = app
        .as_(&org.leader_b)
        .write_note(records::note(org.agent_a1.id, "Now in team B", "SHARED"))
        .await
        .ok(201);
    announce_to_everyone(&app, &org.admin).await;

    let heard_b = notes_in(&leader_b.until("announcement_published").await);
    assert!(heard_b.contains(&note.id.to_string()));
    assert_eq!(heard_b, readable_notes(&app, &org.leader_b).await);
    let heard_a = notes_in(&leader_a.until("announcement_published").await);
    assert!(heard_a.is_empty(), "team A's leader hears nothing of it");
    assert!(readable_notes(&app, &org.leader_a).await.is_empty());
}

#[tokio::test]
async fn a_client_that_stops_reading_delays_nobody_and_is_told_to_refetch() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let mut stalled = app.live(&org.leader_a).await;
    let mut reading = app.live(&org.leader_a).await;
    let note = app
        .as_(&org.leader_a)
        .write_note(records::note(org.agent_a1.id, "First", "SHARED"))
        .await
        .ok(201);
    // Far more than a connection may fall behind, each large enough to fill the stalled
    // socket's buffers, so that its server side can no longer write. They go out in batches the
    // reading client keeps up with, as events do in a day's work; it gets every one, in order,
    // while the other reads nothing.
    let (batches, batch) = (30, 100);
    let (mut published, mut seen) = (0, 0);
    for _ in 0..batches {
        for _ in 0..batch {
            let mut copy = note.clone();
            copy.content = format!("{published:>5} {}", "x".repeat(16_000));
            app.state
                .events
                .publish(dto::Event::QuickNoteChanged(Box::new(copy)));
            published += 1;
        }
        while seen < published {
            let message = reading.next().await;
            assert_eq!(
                message["type"], "quick_note_changed",
                "no refetch: {message}"
            );
            let content = message["data"]["content"].as_str().expect("content");
            if content != "First" {
                assert_eq!(content[..5].trim(), seen.to_string(), "in order");
                seen += 1;
            }
        }
    }
    // The stalled client, reading at last, is told it missed events.
    loop {
        let message = stalled.next().await;
        if message["type"] == "refetch" {
            break;
        }
        assert_eq!(message["type"], "quick_note_changed");
    }
}

#[tokio::test]
async fn with_real_time_turned_off_nothing_is_streamed_and_the_browser_is_told() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let config = app
        .request(Method::GET, "/api/v1/config")
        .call()
        .await
        .ok(200);
    assert_eq!(config["real_time"], true);

    let off = TestApp::spawn_with(|config| config.features.real_time = false).await;
    let org_off = off.seed_org().await;
    let config = off
        .request(Method::GET, "/api/v1/config")
        .call()
        .await
        .ok(200);
    assert_eq!(config["real_time"], false);
    for path in ["/api/v1/ws", "/api/v1/events"] {
        off.as_(&org_off.leader_a)
            .get(path)
            .call()
            .await
            .problem(404);
    }
    // Turned on, the same requests are served (the stream's first bytes are its headers).
    let answer = app
        .as_(&org.leader_a)
        .get("/api/v1/events")
        .send()
        .await
        .expect("answers");
    assert_eq!(answer.status(), 200);
}

/// Reads an event stream until the server ends it.
async fn stream_ends(response: &mut reqwest::Response) {
    loop {
        let chunk = tokio::time::timeout(test_support::live::PATIENCE, response.chunk())
            .await
            .expect("the server ends the stream");
        match chunk {
            Ok(Some(bytes)) => {
                let text = String::from_utf8_lossy(&bytes);
                assert!(
                    !text.contains("id: "),
                    "an event instead of the end: {text}"
                );
            }
            Ok(None) | Err(_) => return,
        }
    }
}

#[tokio::test]
async fn a_revoked_token_closes_its_streams_on_every_instance() {
    let a = TestApp::spawn_with(|config| {
        config.store.redis_url = Some(test_support::redis_url().into())
    })
    .await;
    let org = a.seed_org().await;
    let b = a.another_instance().await;
    let token = a
        .as_(&org.leader_a)
        .post(
            "/api/v1/me/tokens",
            &json!({ "name": "Wallboard", "scopes": ["read"], "expires_in_days": 1 }),
        )
        .call()
        .await
        .ok(201);
    let script = Persona {
        token: token["secret"].as_str().expect("a secret").to_owned(),
        ..org.leader_a.clone()
    };
    let mut socket = b.live(&script).await;
    let mut stream = b
        .as_(&script)
        .get("/api/v1/events")
        .send()
        .await
        .expect("the stream opens");
    assert_eq!(stream.status(), 200);
    // The owner's own sign-in goes on listening.
    let mut owner = b.live(&org.leader_a).await;

    let id = token["id"].as_str().expect("an id");
    a.as_(&org.leader_a)
        .request(Method::DELETE, &format!("/api/v1/me/tokens/{id}"))
        .call()
        .await
        .ok(204);
    socket.closes().await;
    stream_ends(&mut stream).await;
    b.as_(&org.leader_a)
        .write_note(records::note(org.agent_a1.id, "Still heard", "SHARED"))
        .await
        .ok(201);
    assert_eq!(owner.next().await["data"]["content"], "Still heard");
}

#[tokio::test]
async fn a_stream_closes_when_its_sign_in_session_expires() {
    let short = TestApp::spawn_with(|config| {
        config.sign_in.session_ttl = std::time::Duration::from_secs(2)
    })
    .await;
    let org = short.seed_org().await;
    let login = short
        .login(&org.leader_a.email, test_support::org::PASSWORD)
        .await
        .ok(200);
    let bearer = format!(
        "Bearer {}",
        login["access_token"].as_str().expect("a token")
    );
    let mut socket = short
        .live_with(&[("authorization", &bearer)])
        .await
        .expect("opens");
    let mut stream = short
        .request(Method::GET, "/api/v1/events")
        .header("authorization", &bearer)
        .send()
        .await
        .expect("the stream opens");
    assert_eq!(stream.status(), 200);
    socket.closes().await;
    stream_ends(&mut stream).await;
}

#[tokio::test]
async fn a_private_notes_deletion_reaches_its_author_alone() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let mut author = app.live(&org.leader_a).await;
    let mut manager = app.live(&org.manager_a).await;
    let mut agent = app.live(&org.agent_a1).await;
    let note = app
        .as_(&org.leader_a)
        .write_note(records::note(org.agent_a1.id, "Rota worries", "PRIVATE"))
        .await
        .ok(201);
    let id = note.id.to_string();
    app.as_(&org.leader_a)
        .request(Method::DELETE, &format!("/api/v1/quick-notes/{id}"))
        .header("if-match", format!("\"{}\"", note.version))
        .call()
        .await
        .ok(204);
    announce_to_everyone(&app, &org.admin).await;
    let heard = author.until("announcement_published").await;
    assert!(
        heard
            .iter()
            .any(|m| m["type"] == "quick_note_deleted" && m["resource_id"] == id),
        "{heard:?}"
    );
    for socket in [&mut manager, &mut agent] {
        let heard = socket.until("announcement_published").await;
        assert!(heard.iter().all(|m| m["resource_id"] != id), "{heard:?}");
    }
}
