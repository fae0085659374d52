//! The production topology on loopback: two instances of one deployment (one database, one
//! Redis) behind Debian's nginx running the shipped `docker/nginx.conf`.

use serde_json::json;
use test_support::nginx::Nginx;
use test_support::{Call, TestApp, records};

use crate::helpers::eventually;
use crate::live::{announce_to_everyone, frames_until_announcement, notes_in};

/// How many callers each instance has looked up so far.
fn lookups(app: &TestApp) -> u64 {
    let (hits, misses) = app.state.caches.stats().actors.get();
    hits + misses
}

#[tokio::test]
async fn two_instances_behind_nginx_serve_as_one() {
    let a = TestApp::spawn_with(|config| {
        config.store.redis_url = Some(test_support::redis_url().into());
        config.http.trust_proxy = true;
    })
    .await;
    let org = a.seed_org().await;
    let b = a.another_instance().await;
    let nginx = Nginx::in_front_of(&[&a.address, &b.address]).await;
    let front = a.behind(&nginx.address);

    // The live feed through nginx: a WebSocket upgrade and an unbuffered event stream.
    let mut socket = front.live(&org.leader_a).await;
    let mut stream = front
        .as_(&org.leader_a)
        .get("/api/v1/events")
        .send()
        .await
        .expect("the stream opens");
    assert_eq!(stream.status(), 200);

    // Notes written through nginx land on both instances, and every one reaches both feeds,
    // whichever instance holds them.
    let (before_a, before_b) = (lookups(&a), lookups(&b));
    let mut written = std::collections::BTreeSet::new();
    for n in 0..6 {
        let note = front
            .as_(&org.leader_a)
            .write_note(records::note(
                org.agent_a1.id,
                &format!("Note {n}"),
                "SHARED",
            ))
            .await
            .ok(201);
        written.insert(note.id.to_string());
    }
    assert!(
        lookups(&a) > before_a && lookups(&b) > before_b,
        "nginx spreads the writes over both instances"
    );
    announce_to_everyone(&front, &org.admin).await;
    assert_eq!(
        notes_in(&socket.until("announcement_published").await),
        written
    );
    let frames = frames_until_announcement(&mut stream).await;
    let streamed = frames
        .iter()
        .filter(|frame| frame.contains("event: quick_note_changed"))
        .count();
    assert_eq!(streamed, written.len(), "every note, unbuffered by nginx");

    // Deactivated through nginx: refused by both instances, and the agent's socket closes.
    let mut agent_socket = front.live(&org.agent_a2).await;
    front
        .as_(&org.admin)
        .post(
            &format!("/api/v1/users/{}/deactivate", org.agent_a2.id),
            &json!({}),
        )
        .call()
        .await
        .ok(200);
    agent_socket.closes().await;
    for app in [&a, &b, &front] {
        eventually("every instance refuses the deactivated agent", || async {
            app.as_(&org.agent_a2).me().await.status() == 401
        })
        .await;
    }
}
