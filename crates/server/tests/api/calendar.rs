//! Calendar feeds: a secret URL per person (`POST /api/v1/me/calendar`) serving their coaching
//! sessions as iCalendar, read back here with the `icalendar` crate's parser: a reschedule keeps
//! the UID and raises SEQUENCE, a cancellation is `STATUS:CANCELLED`, nobody sees another
//! agent's sessions, and a replaced or ended feed's URL is 404.

use chrono::{DateTime, Utc};
use icalendar::{Calendar, CalendarDateTime, Component, DatePerhapsTime, Event, EventStatus};
use reqwest::Method;
use serde_json::{Value, json};
use test_support::{Call, Persona, TestApp, records};

/// `owner` makes a feed; returns its path (the URL without the server's address).
async fn feed_of(app: &TestApp, owner: &Persona) -> String {
    let created = app
        .as_(owner)
        .post("/api/v1/me/calendar", &json!({}))
        .call()
        .await
        .ok(201);
    let url = created["url"].as_str().expect("a url");
    let at = url.find("/api/v1/calendar/chc_").expect("a feed path");
    assert!(url.ends_with(".ics"), "{url}");
    url[at..].to_owned()
}

/// The feed at `path`, parsed.
async fn read(app: &TestApp, path: &str) -> Vec<Event> {
    let answer = app.request(Method::GET, path).call().await;
    assert_eq!(answer.status(), 200, "{}", answer.text());
    assert_eq!(
        answer.header("content-type"),
        Some("text/calendar; charset=utf-8")
    );
    let calendar: Calendar = answer.text().parse().expect("iCalendar");
    calendar
        .components
        .iter()
        .filter_map(|component| component.as_event().cloned())
        .collect()
}

/// The feed's one event.
async fn only_event(app: &TestApp, path: &str) -> Event {
    let events = read(app, path).await;
    <[Event; 1]>::try_from(events)
        .map(|[event]| event)
        .unwrap_or_else(|events| panic!("one event: {events:?}"))
}

fn starts(event: &Event) -> DateTime<Utc> {
    match event.get_start() {
        Some(DatePerhapsTime::DateTime(CalendarDateTime::Utc(at))) => at,
        other => panic!("not a UTC start: {other:?}"),
    }
}

fn uid_of(session: &dto::Session) -> String {
    format!("{}@coaching-hub", session.id)
}

#[tokio::test]
async fn a_reschedule_raises_the_sequence_and_a_cancellation_shows_as_cancelled() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let coach = app.as_(&org.leader_a);
    let session = coach
        .schedule_session(records::session(org.agent_a1.id, 1))
        .await
        .ok(201);
    let path = feed_of(&app, &org.agent_a1).await;

    let event = &only_event(&app, &path).await;
    assert_eq!(event.get_uid(), Some(uid_of(&session).as_str()));
    assert_eq!(event.get_sequence(), Some(0));
    assert_eq!(event.get_status(), Some(EventStatus::Confirmed));
    assert_eq!(starts(event), session.scheduled_at);
    let summary = event.get_summary().expect("a summary");
    for person in [&org.agent_a1, &org.leader_a] {
        let name = app.as_(&org.admin).name_of(person.id).await;
        assert!(summary.contains(&name), "{summary} names {name}");
    }
    let text = app.request(Method::GET, &path).call().await.text();
    for private in ["Check last month", "Empathy", "Call control"] {
        assert!(!text.contains(private), "the feed holds {private}");
    }

    let moved: dto::Session = coach
        .patch(
            &format!("/api/v1/sessions/{}", session.id),
            &json!({ "scheduled_at": records::slot(26), "version": session.version }),
        )
        .call_as()
        .await
        .ok(200);
    let event = &only_event(&app, &path).await;
    assert_eq!(event.get_uid(), Some(uid_of(&session).as_str()));
    assert_eq!(event.get_sequence(), Some(1));
    assert_eq!(starts(event), moved.scheduled_at);
    assert_ne!(starts(event), session.scheduled_at);

    coach
        .session_step(&moved, "cancel", json!({ "reason": "Agent on leave" }))
        .await
        .ok(200);
    let event = &only_event(&app, &path).await;
    assert_eq!(event.get_uid(), Some(uid_of(&session).as_str()));
    assert_eq!(event.get_sequence(), Some(2));
    assert_eq!(event.get_status(), Some(EventStatus::Cancelled));
    let text = app.request(Method::GET, &path).call().await.text();
    assert!(!text.contains("Agent on leave"), "no cancel reason");
}

#[tokio::test]
async fn a_feed_holds_only_its_owners_own_sessions() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let mine = app
        .as_(&org.leader_a)
        .schedule_session(records::session(org.agent_a1.id, 1))
        .await
        .ok(201);
    let teammate = app
        .as_(&org.leader_a)
        .schedule_session(records::session(org.agent_a2.id, 3))
        .await
        .ok(201);
    let other_team = app
        .as_(&org.leader_b)
        .schedule_session(records::session(org.agent_b1.id, 1))
        .await
        .ok(201);

    let uids = |events: Vec<Event>| -> Vec<String> {
        let mut uids: Vec<String> = events
            .iter()
            .filter_map(|event| event.get_uid().map(str::to_owned))
            .collect();
        uids.sort();
        uids
    };
    let sorted = |mut uids: Vec<String>| {
        uids.sort();
        uids
    };
    for (person, expected) in [
        (&org.agent_a1, vec![uid_of(&mine)]),
        (&org.agent_a2, vec![uid_of(&teammate)]),
        (&org.agent_b1, vec![uid_of(&other_team)]),
        (
            &org.leader_a,
            sorted(vec![uid_of(&mine), uid_of(&teammate)]),
        ),
        (&org.leader_b, vec![uid_of(&other_team)]),
        // Managers and admins see these sessions in the app, but are in none of them.
        (&org.manager_a, vec![]),
        (&org.admin, vec![]),
    ] {
        let path = feed_of(&app, person).await;
        assert_eq!(uids(read(&app, &path).await), expected, "{}", person.email);
    }
}

#[tokio::test]
async fn a_new_feed_retires_the_old_url_and_ending_it_retires_both() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let me = app.as_(&org.agent_a1);
    let status = me.get("/api/v1/me/calendar").call().await.ok(200);
    assert_eq!(status["created_at"], Value::Null);

    let first = feed_of(&app, &org.agent_a1).await;
    read(&app, &first).await;
    let second = feed_of(&app, &org.agent_a1).await;
    assert_ne!(first, second);
    app.request(Method::GET, &first).call().await.problem(404);
    read(&app, &second).await;
    let status = me.get("/api/v1/me/calendar").call().await.ok(200);
    assert!(status["created_at"].is_string(), "{status}");
    assert!(
        !status.to_string().contains("chc_"),
        "the URL is shown once"
    );

    me.request(Method::DELETE, "/api/v1/me/calendar")
        .call()
        .await
        .ok(204);
    app.request(Method::GET, &second).call().await.problem(404);
    let status = me.get("/api/v1/me/calendar").call().await.ok(200);
    assert_eq!(status["created_at"], Value::Null);
    // Ending a feed twice changes nothing.
    me.request(Method::DELETE, "/api/v1/me/calendar")
        .call()
        .await
        .ok(204);

    for unknown in [
        "/api/v1/calendar/chc_no-such-token.ics",
        "/api/v1/calendar/not-a-feed.ics",
    ] {
        app.request(Method::GET, unknown).call().await.problem(404);
    }
}

#[tokio::test]
async fn a_deactivated_owners_feed_is_gone_and_only_a_signed_in_person_makes_one() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let path = feed_of(&app, &org.agent_a1).await;
    app.as_(&org.admin)
        .post(
            &format!("/api/v1/users/{}/deactivate", org.agent_a1.id),
            &json!({}),
        )
        .call()
        .await
        .ok(200);
    app.request(Method::GET, &path).call().await.problem(404);

    app.request(Method::POST, "/api/v1/me/calendar")
        .call()
        .await
        .problem(401);
    let script = app.as_(&org.leader_a).script(&["read", "write"]).await;
    app.as_(&script)
        .post("/api/v1/me/calendar", &json!({}))
        .call()
        .await
        .problem(403);
}

#[tokio::test]
async fn two_feeds_made_at_once_leave_exactly_one_working() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let (one, two) = tokio::join!(feed_of(&app, &org.leader_a), feed_of(&app, &org.leader_a));
    let one = app.request(Method::GET, &one).call().await.status();
    let two = app.request(Method::GET, &two).call().await.status();
    let mut statuses = [one, two];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 404]);
}
