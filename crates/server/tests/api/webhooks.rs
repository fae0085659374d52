//! Outbound webhooks: admins alone register them; each delivery is signed per Standard Webhooks
//! (checked here with `ring`, independently of the server's code); a webhook sees what an admin
//! sees (never a private note); a receiver that is down gets everything once it is back, from
//! whichever instance is running then; one that fails for too long is turned off and admins are
//! told; one that never answers holds up no request.

use std::collections::HashSet;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use dto::{CreatedWebhook, Page, WebhookDelivery};
use reqwest::Method;
use serde_json::{Value, json};
use test_support::proxy::ChaosProxy;
use test_support::receiver::{Answer, Received, Receiver};
use test_support::{Call, Org, TestApp, records};

use crate::helpers::eventually;

async fn seeded() -> (TestApp, Org) {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    (app, org)
}

/// Registers a webhook at `url` for `events`; returns it with its secret.
async fn register(app: &TestApp, org: &Org, url: &str, events: &[&str]) -> CreatedWebhook {
    app.as_(&org.admin)
        .post(
            "/api/v1/webhooks",
            &json!({ "url": url, "description": "BI feed", "events": events }),
        )
        .call_as()
        .await
        .ok(201)
}

/// A receiver on loopback that accepts everything, and a webhook at it for `events`.
async fn listening(app: &TestApp, org: &Org, events: &[&str]) -> (Receiver, CreatedWebhook) {
    let receiver = Receiver::start(Answer::Accept).await;
    let created = register(app, org, &format!("http://{}/hook", receiver.addr), events).await;
    (receiver, created)
}

fn path(created: &CreatedWebhook) -> String {
    format!("/api/v1/webhooks/{}", created.webhook.id)
}

/// Whether `received` carries a valid signature under `secret`, recomputed from the published
/// algorithm: HMAC-SHA256 over `{id}.{timestamp}.{body}` with the base64 key after `whsec_`.
fn signed(received: &Received, secret: &str) -> bool {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").expect("a whsec_ secret"))
        .expect("base64");
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key);
    let content = format!(
        "{}.{}.{}",
        received.header("webhook-id"),
        received.header("webhook-timestamp"),
        received.body
    );
    received
        .header("webhook-signature")
        .split(' ')
        .filter_map(|sig| sig.strip_prefix("v1,"))
        .filter_map(|sig| STANDARD.decode(sig).ok())
        .any(|tag| ring::hmac::verify(&key, content.as_bytes(), &tag).is_ok())
}

async fn write_note(app: &TestApp, org: &Org, content: &str, visibility: &str) -> String {
    let note = app
        .as_(&org.leader_a)
        .write_note(records::note(org.agent_a1.id, content, visibility))
        .await
        .ok(201);
    note.id.to_string()
}

/// The record ids of what `receiver` got.
fn resources(receiver: &Receiver) -> Vec<String> {
    receiver
        .received()
        .iter()
        .map(|r| {
            r.json()["data"]["resource_id"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

async fn deliveries(app: &TestApp, org: &Org, created: &CreatedWebhook) -> Vec<WebhookDelivery> {
    let page: Page<WebhookDelivery> = app
        .as_(&org.admin)
        .get(&format!("{}/deliveries", path(created)))
        .call_as()
        .await
        .ok(200);
    page.items
}

#[tokio::test]
async fn deliveries_are_signed_and_carry_only_the_events_asked_for_that_an_admin_may_see() {
    let (app, org) = seeded().await;
    let receiver = Receiver::start(Answer::Accept).await;
    let created = register(
        &app,
        &org,
        &receiver.url(),
        &["quick_note_changed", "session_changed"],
    )
    .await;
    let secret = created.secret.clone();
    assert!(secret.starts_with("whsec_"));

    let shared = write_note(&app, &org, "Great empathy on the billing call", "SHARED").await;
    let private = write_note(&app, &org, "Private worry about attendance", "PRIVATE").await;
    app.as_(&org.leader_a)
        .create_action_item(records::action_item(org.agent_a1.id, 7))
        .await
        .ok(201);
    let session = app
        .as_(&org.leader_a)
        .schedule_session(records::session(org.agent_a1.id, 24))
        .await
        .ok(201);
    let session = session.id.to_string();

    eventually("both subscribed changes arrive", || {
        let got = resources(&receiver);
        let done = got.contains(&shared) && got.contains(&session);
        async move { done }
    })
    .await;
    for received in receiver.received() {
        assert!(signed(&received, &secret), "a valid signature");
        assert_eq!(received.header("content-type"), "application/json");
        let timestamp: i64 = received
            .header("webhook-timestamp")
            .parse()
            .expect("seconds");
        assert!((chrono::Utc::now().timestamp() - timestamp).abs() < 300);
    }
    let wrong = "whsec_".to_owned() + &STANDARD.encode([7u8; 24]);
    assert!(!signed(&receiver.received()[0], &wrong));

    // Everything up to the session is queued: the private note and the action item never were.
    let listed = deliveries(&app, &org, &created).await;
    let types: HashSet<&str> = listed.iter().map(|d| d.event_type.as_str()).collect();
    assert_eq!(
        types,
        HashSet::from(["quick_note_changed", "session_changed"])
    );
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(!resources(&receiver).contains(&private));
    let note = receiver
        .received()
        .into_iter()
        .find(|r| r.json()["data"]["resource_id"] == shared.as_str())
        .expect("the note");
    let body = note.json();
    assert_eq!(body["type"], "quick_note_changed");
    assert_eq!(body["data"]["action"], "quick_note.create");
    assert_eq!(body["data"]["actor_id"], org.leader_a.id.to_string());
    assert_eq!(
        body["data"]["changes"]["content"]["to"], "[sealed]",
        "never the note's text"
    );
    eventually("the deliveries are recorded as delivered", || async {
        deliveries(&app, &org, &created)
            .await
            .iter()
            .all(|d| d.status == "delivered" && d.attempts == 1 && d.response_status == Some(204))
    })
    .await;
}

#[tokio::test]
async fn a_receiver_that_goes_away_gets_everything_once_back_even_from_another_instance() {
    let (mut first, org) = seeded().await;
    let receiver = Receiver::start(Answer::Accept).await;
    let proxy = ChaosProxy::start(receiver.addr).await;
    let created = register(
        &first,
        &org,
        &format!("http://{}/hook", proxy.addr),
        &["quick_note_changed"],
    )
    .await;
    let before = write_note(&first, &org, "Before the outage", "SHARED").await;
    eventually("the first note arrives", || {
        let done = resources(&receiver).contains(&before);
        async move { done }
    })
    .await;

    proxy.cut();
    let during = [
        write_note(&first, &org, "During the outage, one", "SHARED").await,
        write_note(&first, &org, "During the outage, two", "SHARED").await,
    ];
    eventually("both notes failed at least once", || async {
        let listed = deliveries(&first, &org, &created).await;
        listed.len() == 3
            && listed
                .iter()
                .filter(|d| d.status == "pending" && d.attempts >= 1)
                .count()
                == 2
    })
    .await;
    let pending: Vec<WebhookDelivery> = deliveries(&first, &org, &created)
        .await
        .into_iter()
        .filter(|d| d.status == "pending")
        .collect();
    assert!(pending.iter().all(|d| d.last_error.is_some()));

    // The instance that failed stops; another carries on once the receiver is back.
    let second = first.another_instance().await;
    first.stop().await;
    proxy.restore();
    eventually("the notes written during the outage arrive", || {
        let got = resources(&receiver);
        let done = during.iter().all(|id| got.contains(id));
        async move { done }
    })
    .await;
    let ids: HashSet<String> = receiver
        .received()
        .iter()
        .map(|r| r.header("webhook-id").to_owned())
        .collect();
    for delivery in &pending {
        assert!(
            ids.contains(&delivery.id.to_string()),
            "a retry keeps its webhook-id"
        );
    }
    eventually("every delivery is recorded as delivered", || async {
        deliveries(&second, &org, &created)
            .await
            .iter()
            .all(|d| d.status == "delivered")
    })
    .await;
}

#[tokio::test]
async fn a_webhook_failing_too_long_is_turned_off_admins_are_told_and_nothing_is_lost() {
    let app = TestApp::spawn_with(|config| {
        config.webhooks.disable_after = std::time::Duration::from_secs(1);
    })
    .await;
    let org = app.seed_org().await;
    let receiver = Receiver::start(Answer::Fail).await;
    let created = register(&app, &org, &receiver.url(), &["quick_note_changed"]).await;
    let note = write_note(&app, &org, "Written while the receiver fails", "SHARED").await;

    eventually("the webhook is turned off", || async {
        let hook = app
            .as_(&org.admin)
            .get(&path(&created))
            .call()
            .await
            .ok(200);
        hook["enabled"] == false && hook["disabled_at"].is_string()
    })
    .await;
    let listed = deliveries(&app, &org, &created).await;
    assert_eq!(listed[0].status, "pending");
    assert_eq!(listed[0].response_status, Some(500));
    assert!(listed[0].attempts >= 2);
    let inbox = app
        .as_(&org.admin)
        .get("/api/v1/notifications")
        .call()
        .await
        .ok(200);
    assert!(
        inbox["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|n| n["kind"] == "WEBHOOK_DISABLED"),
        "{inbox}"
    );
    let leader_inbox = app
        .as_(&org.leader_a)
        .get("/api/v1/notifications")
        .call()
        .await
        .ok(200);
    assert!(!leader_inbox.to_string().contains("WEBHOOK_DISABLED"));

    // Fixed and turned back on: what waited is sent.
    receiver.answer(Answer::Accept);
    let hook = app
        .as_(&org.admin)
        .get(&path(&created))
        .call()
        .await
        .ok(200);
    let on = app
        .as_(&org.admin)
        .patch(
            &path(&created),
            &json!({ "enabled": true, "version": hook["version"] }),
        )
        .call()
        .await
        .ok(200);
    assert_eq!(on["failing_since"], Value::Null);
    eventually("the waiting note arrives", || async {
        deliveries(&app, &org, &created).await[0].status == "delivered"
    })
    .await;
    assert!(resources(&receiver).contains(&note));
}

#[tokio::test]
async fn a_receiver_that_never_answers_holds_up_no_request() {
    let (app, org) = seeded().await;
    let receiver = Receiver::start(Answer::Hang).await;
    register(&app, &org, &receiver.url(), &["quick_note_changed"]).await;
    let first = write_note(&app, &org, "First", "SHARED").await;
    eventually("the receiver holds the first delivery", || {
        let done = resources(&receiver).contains(&first);
        async move { done }
    })
    .await;
    // The receiver is still sitting on that request; writing goes on regardless.
    for n in 0..3 {
        write_note(&app, &org, &format!("While it hangs {n}"), "SHARED").await;
    }
}

#[tokio::test]
async fn only_admins_keep_webhooks_and_every_bad_field_is_named() {
    let (app, org) = seeded().await;
    let body = json!({ "url": "https://bi.example.com/hooks", "events": ["session_changed"] });
    for (name, who) in org.everyone() {
        let expected = if name == "admin" {
            (200, 201)
        } else {
            (403, 403)
        };
        let list = app.as_(who).get("/api/v1/webhooks").call().await;
        assert_eq!(list.status(), expected.0, "{name} lists");
        let made = app.as_(who).post("/api/v1/webhooks", &body).call().await;
        assert_eq!(made.status(), expected.1, "{name} registers");
    }
    let listed = app.as_(&org.admin).get("/api/v1/webhooks").call().await;
    assert!(
        !listed.text().contains("whsec_"),
        "the secret is shown once"
    );

    for (bad, field) in [
        (
            json!({ "url": "ftp://bi.example.com", "events": ["session_changed"] }),
            "url",
        ),
        (
            json!({ "url": "http://bi.example.com/hooks", "events": ["session_changed"] }),
            "url",
        ),
        (
            json!({ "url": "https://", "events": ["session_changed"] }),
            "url",
        ),
        (
            json!({ "url": "https://bi.example.com", "events": [] }),
            "events",
        ),
        (
            json!({ "url": "https://bi.example.com", "events": ["signed_out"] }),
            "events",
        ),
        (
            json!({ "url": "https://bi.example.com", "events": ["team_changed"], "description": "x".repeat(201) }),
            "description",
        ),
    ] {
        let problem = app
            .as_(&org.admin)
            .post("/api/v1/webhooks", &bad)
            .call()
            .await
            .problem(422);
        assert!(problem["errors"][field].is_array(), "{bad} -> {problem}");
    }
    let audit = app
        .as_(&org.admin)
        .get("/api/v1/audit?action=webhook.create")
        .call()
        .await;
    assert!(
        !audit.text().contains("whsec_"),
        "the secret is never audited"
    );
    app.as_(&org.admin)
        .get(&format!("/api/v1/webhooks/{}", uuid::Uuid::now_v7()))
        .call()
        .await
        .problem(404);
}

#[tokio::test]
async fn two_edits_of_one_version_leave_one_winner_and_a_removed_webhook_is_gone() {
    let (app, org) = seeded().await;
    let created = register(&app, &org, "https://bi.example.com/a", &["team_changed"]).await;
    let admin = app.as_(&org.admin);
    let edits = [
        json!({ "description": "One", "version": 1 }),
        json!({ "description": "Two", "version": 1 }),
    ];
    let (one, two) = tokio::join!(
        admin.patch(&path(&created), &edits[0]).call(),
        admin.patch(&path(&created), &edits[1]).call()
    );
    let mut statuses = [one.status(), two.status()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 412]);
    let events = admin
        .patch(
            &path(&created),
            &json!({ "events": ["team_changed", "user_changed"], "version": 2 }),
        )
        .call()
        .await
        .ok(200);
    assert_eq!(events["events"], json!(["team_changed", "user_changed"]));
    admin
        .request(Method::DELETE, &path(&created))
        .call()
        .await
        .ok(204);
    admin.get(&path(&created)).call().await.problem(404);
    assert_eq!(
        admin.get("/api/v1/webhooks").call().await.ok(200),
        json!([])
    );
}

#[tokio::test]
async fn internal_addresses_are_refused_when_registered_and_when_a_delivery_connects() {
    let (mut open, org) = seeded().await;
    let public_only = open
        .another_instance_with(|config| config.webhooks.allow_private = false)
        .await;
    for url in [
        "http://127.0.0.1:1/",
        "http://localhost:1/",
        "http://2130706433/",
        "https://10.0.0.1/",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/",
        "https://[::ffff:127.0.0.1]/",
        "https://user:pw@bi.example.com/",
        "https://bi.example.com:22/",
        "http://127.0.0.1:9000/hook",
    ] {
        let problem = public_only
            .as_(&org.admin)
            .post(
                "/api/v1/webhooks",
                &json!({ "url": url, "events": ["team_changed"] }),
            )
            .call()
            .await
            .problem(422);
        assert!(problem["errors"]["url"].is_array(), "{url}: {problem}");
        assert!(!problem.to_string().contains("pw@"), "{problem}");
    }

    // A receiver on this machine, registered where that was allowed, is not reached by an
    // instance that allows only public addresses: the address is checked as it connects.
    let (receiver, created) = listening(&open, &org, &["team_changed"]).await;
    open.stop().await;
    public_only
        .as_(&org.admin)
        .patch(
            &format!("/api/v1/teams/{}", org.team_a),
            &json!({ "name": "Team Aurora", "version": 1 }),
        )
        .call()
        .await
        .ok(200);
    eventually("the delivery fails", || async {
        deliveries(&public_only, &org, &created)
            .await
            .iter()
            .any(|d| d.attempts >= 1)
    })
    .await;
    let listed = deliveries(&public_only, &org, &created).await;
    assert_eq!(
        listed[0].last_error.as_deref(),
        Some("could not connect: the address is not public"),
        "{listed:?}"
    );
    assert!(receiver.received().is_empty());
}

#[tokio::test]
async fn an_erased_persons_details_leave_every_delivery_sent_or_waiting() {
    let (app, org) = seeded().await;
    let (receiver, created) = listening(&app, &org, &["user_changed"]).await;
    let person = app
        .as_(&org.admin)
        .post(
            "/api/v1/users",
            &json!({
                "email": "jo.leaving@org.test", "name": "Jo Leaving", "role": "AGENT",
                "team_id": org.team_a, "employee_id": "E-LEAVE", "department": "Retention desk",
            }),
        )
        .call()
        .await
        .ok(201);
    eventually("the creation is delivered", || async {
        deliveries(&app, &org, &created)
            .await
            .iter()
            .any(|d| d.status == "delivered")
    })
    .await;
    // The receiver goes down: the next change waits.
    receiver.answer(Answer::Fail);
    let id = person["id"].as_str().expect("an id");
    let person = app
        .as_(&org.admin)
        .patch(
            &format!("/api/v1/users/{id}"),
            &json!({ "name": "Jo Renamed", "version": person["version"] }),
        )
        .call()
        .await
        .ok(200);
    eventually("the rename waits", || async {
        deliveries(&app, &org, &created)
            .await
            .iter()
            .any(|d| d.status == "pending" && d.attempts >= 1)
    })
    .await;
    let before = receiver.received().len();
    app.as_(&org.admin)
        .post(
            &format!("/api/v1/users/{id}/erase"),
            &json!({ "version": person["version"] }),
        )
        .call()
        .await
        .ok(200);
    let traces = [
        "Jo Leaving",
        "Jo Renamed",
        "jo.leaving@",
        "E-LEAVE",
        "Retention desk",
    ];
    let listed = serde_json::to_string(&deliveries(&app, &org, &created).await).expect("JSON");
    for trace in traces {
        assert!(!listed.contains(trace), "{trace} in {listed}");
    }
    // What was waiting is sent without them.
    receiver.answer(Answer::Accept);
    eventually("every delivery is made", || async {
        deliveries(&app, &org, &created)
            .await
            .iter()
            .all(|d| d.status == "delivered")
    })
    .await;
    let sent: Vec<String> = receiver.received()[before..]
        .iter()
        .map(|r| r.body.clone())
        .collect();
    assert!(!sent.is_empty());
    for body in &sent {
        for trace in traces {
            assert!(!body.contains(trace), "{trace} sent in {body}");
        }
    }
}

#[tokio::test]
async fn delivered_payloads_are_deleted_after_thirty_days() {
    use persistence::entity::webhook_delivery;
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    let (app, org) = seeded().await;
    let (_receiver, created) = listening(&app, &org, &["quick_note_changed"]).await;
    write_note(&app, &org, "Old news", "SHARED").await;
    write_note(&app, &org, "Fresh news", "SHARED").await;
    eventually("both are delivered", || async {
        let listed = deliveries(&app, &org, &created).await;
        listed.len() == 2 && listed.iter().all(|d| d.status == "delivered")
    })
    .await;
    let oldest = deliveries(&app, &org, &created).await[1].id;
    webhook_delivery::Entity::update_many()
        .col_expr(
            webhook_delivery::Column::DeliveredAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::days(31)),
        )
        .filter(webhook_delivery::Column::Id.eq(oldest))
        .exec(app.db())
        .await
        .expect("backdated");
    // An instance deletes what is past the period when it starts, and every hour after.
    let _next = app.another_instance().await;
    eventually("the old delivery is gone", || async {
        deliveries(&app, &org, &created).await.len() == 1
    })
    .await;
    let kept = deliveries(&app, &org, &created).await;
    assert_ne!(kept[0].id, oldest);
}

#[tokio::test]
async fn an_evaluation_is_told_once_submitted_and_its_drafts_never_are() {
    let (app, org) = seeded().await;
    let receiver = Receiver::start(Answer::Accept).await;
    let created = register(&app, &org, &receiver.url(), &["evaluation_changed"]).await;
    let form = app
        .as_(&org.admin)
        .create_form(records::call_form("Calls", &[]))
        .await
        .ok(201);
    let analyst = || app.as_(&org.analyst_a);
    let answers = [
        (0, json!("YES")),
        (1, json!(4)),
        (2, json!(8)),
        (3, json!("YES")),
    ];
    let mut body = records::evaluation(&form, org.agent_a1.id, &answers[..1]);
    body["answers"][0]["comment"] = json!("Greeted by name, warmly");
    let draft = analyst().create_evaluation(body).await.ok(201);
    let full = records::evaluation(&form, org.agent_a1.id, &answers);
    let draft = analyst()
        .update_evaluation(&draft, json!({ "answers": full["answers"] }))
        .await
        .ok(200);
    let discarded = analyst().create_evaluation(full).await.ok(201);
    analyst().delete_evaluation(&discarded).await.ok(204);
    let submitted = analyst()
        .evaluation_step(&draft, "submit", json!({}))
        .await
        .ok(200);

    let id = submitted.id.to_string();
    eventually("the submission arrives", || {
        let done = resources(&receiver).contains(&id);
        async move { done }
    })
    .await;
    let listed = deliveries(&app, &org, &created).await;
    assert_eq!(listed.len(), 1, "only the submission: {listed:?}");
    let body = receiver.received()[0].json();
    assert_eq!(body["type"], "evaluation_changed");
    assert_eq!(body["data"]["action"], "evaluation.submit");
    assert_eq!(body["data"]["changes"]["status"]["to"], "SUBMITTED");
    assert!(
        !body.to_string().contains("warmly"),
        "never what the evaluator wrote: {body}"
    );
}
