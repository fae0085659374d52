//! Email notifications through a real SMTP server (`aiosmtpd`, started per test): a scheduled
//! session reaches its agent with a valid invitation; someone who turned email off gets none
//! (the bell still rings); an SMTP server that is down holds up no request, and the email
//! arrives once it is up; without `SMTP_URL` the browser is told email is off.

use mail_parser::{MessageParser, MimeHeaders};
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use test_support::smtp::{SmtpSink, free_port};
use test_support::{Call, TestApp, records};

use crate::helpers::{emailing, eventually};

/// The messages the sink holds for `address`.
fn to(sink: &SmtpSink, address: &str) -> Vec<Vec<u8>> {
    sink.messages()
        .into_iter()
        .filter(|raw| {
            MessageParser::default()
                .parse(raw)
                .and_then(|m| {
                    m.to()
                        .and_then(|to| to.first())
                        .and_then(|a| a.address().map(str::to_owned))
                })
                .is_some_and(|a| a == address)
        })
        .collect()
}

/// The email states of `user`'s notifications.
async fn states(app: &TestApp, user: uuid::Uuid) -> Vec<(Option<String>, i32)> {
    use persistence::entity::notification;
    notification::Entity::find()
        .filter(notification::Column::UserId.eq(user))
        .all(app.db())
        .await
        .expect("notifications read")
        .into_iter()
        .map(|n| (n.email_state, n.email_attempts))
        .collect()
}

#[tokio::test]
async fn a_scheduled_session_emails_its_agent_a_valid_invitation() {
    let sink = SmtpSink::start_on(free_port());
    let app = TestApp::spawn_with(emailing(sink.url())).await;
    let org = app.seed_org().await;
    let agent = app.as_(&org.agent_a1).me().await.ok(200)["user"]["email"]
        .as_str()
        .expect("an email")
        .to_owned();
    let session = app
        .as_(&org.leader_a)
        .schedule_session(records::session(org.agent_a1.id, 30))
        .await
        .ok(201);
    let id = &session.id.to_string();

    eventually("the agent's email arrives", || {
        let arrived = !to(&sink, &agent).is_empty();
        async move { arrived }
    })
    .await;
    let raw = to(&sink, &agent).remove(0);
    let message = MessageParser::default().parse(&raw).expect("a message");
    assert!(message.subject().is_some_and(|s| !s.is_empty()));
    assert_eq!(
        message
            .from()
            .and_then(|f| f.first())
            .and_then(|a| a.address()),
        Some("coaching-hub@org.test")
    );
    let text = message.body_text(0).expect("a text part");
    assert!(text.contains(&format!("/sessions/{id}")), "{text}");
    let invitation = message
        .attachments()
        .find(|part| part.attachment_name() == Some("session.ics"))
        .expect("an invitation");
    assert!(
        invitation
            .content_type()
            .is_some_and(|t| t.ctype() == "text" && t.subtype() == Some("calendar"))
    );
    let ics = String::from_utf8(invitation.contents().to_vec()).expect("text");
    let calendar: icalendar::Calendar = ics.parse().expect("valid iCalendar");
    let event = calendar
        .components
        .iter()
        .find_map(|c| c.as_event())
        .expect("an event");
    use icalendar::Component;
    assert_eq!(event.get_uid(), Some(format!("{id}@coaching-hub").as_str()));
    assert!(ics.contains("METHOD:PUBLISH"));

    // Nobody else was emailed about it, and the notification is settled.
    assert_eq!(sink.messages().len(), 1);
    eventually("the email is recorded as sent", || async {
        states(&app, org.agent_a1.id).await == [(Some("sent".to_owned()), 1)]
    })
    .await;
}

#[tokio::test]
async fn someone_who_turned_email_off_gets_none_and_the_bell_still_rings() {
    let sink = SmtpSink::start_on(free_port());
    let app = TestApp::spawn_with(emailing(sink.url())).await;
    let org = app.seed_org().await;
    let a1 = app.as_(&org.agent_a1);
    let path = "/api/v1/me/email-notifications";
    assert_eq!(
        a1.get(path).call().await.ok(200),
        json!({ "enabled": true })
    );
    a1.request(Method::PUT, path)
        .json(&json!({ "enabled": "no" }))
        .call()
        .await
        .problem(422);
    let off = a1
        .request(Method::PUT, path)
        .json(&json!({ "enabled": false }))
        .call()
        .await
        .ok(200);
    assert_eq!(off, json!({ "enabled": false }));
    assert_eq!(a1.get(path).call().await.ok(200), off);

    let leader = app.as_(&org.leader_a);
    for agent in [org.agent_a1.id, org.agent_a2.id] {
        leader
            .create_action_item(records::action_item(agent, 7))
            .await
            .ok(201);
    }
    let a2 = app.as_(&org.agent_a2).me().await.ok(200)["user"]["email"]
        .as_str()
        .expect("an email")
        .to_owned();
    eventually("A2's email arrives", || {
        let arrived = !to(&sink, &a2).is_empty();
        async move { arrived }
    })
    .await;
    eventually("A1's is skipped", || async {
        states(&app, org.agent_a1.id).await == [(Some("skipped".to_owned()), 0)]
    })
    .await;
    assert_eq!(sink.messages().len(), 1, "only A2 is emailed");
    let inbox: Value = a1.get("/api/v1/notifications").call().await.ok(200);
    assert_eq!(inbox["unread"], 1, "the bell still rings");
}

#[tokio::test]
async fn an_smtp_server_that_is_down_holds_up_no_request_and_its_email_arrives_later() {
    let addr = free_port();
    let app = TestApp::spawn_with(emailing(format!("smtp://{addr}"))).await;
    let org = app.seed_org().await;
    app.as_(&org.leader_a)
        .create_action_item(records::action_item(org.agent_a1.id, 7))
        .await
        .ok(201);
    eventually("a first attempt fails", || async {
        states(&app, org.agent_a1.id)
            .await
            .iter()
            .any(|(state, attempts)| state.is_none() && *attempts >= 1)
    })
    .await;
    let sink = SmtpSink::start_on(addr);
    eventually("the email arrives once the server is up", || {
        let arrived = !sink.messages().is_empty();
        async move { arrived }
    })
    .await;
    eventually("the email is recorded as sent", || async {
        states(&app, org.agent_a1.id)
            .await
            .iter()
            .all(|(state, _)| state.as_deref() == Some("sent"))
    })
    .await;
}

#[tokio::test]
async fn the_browser_is_told_whether_email_is_on() {
    let off = TestApp::spawn().await;
    let config = off
        .request(Method::GET, "/api/v1/config")
        .call()
        .await
        .ok(200);
    assert_eq!(config["email"], false);
    let sink = SmtpSink::start_on(free_port());
    let on = TestApp::spawn_with(emailing(sink.url())).await;
    let config = on
        .request(Method::GET, "/api/v1/config")
        .call()
        .await
        .ok(200);
    assert_eq!(config["email"], true);
}
