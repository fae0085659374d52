//! Passwords a person sets themselves: changing one's own (every other sign-in and personal
//! token ends), a temporary password that must be replaced at sign-in and expires after 7 days,
//! and one-time links by email ("forgot password", or sent by an admin) through a real SMTP
//! server: used once, for 30 minutes, the same answer for an unknown address, rate limited.

use mail_parser::MessageParser;
use reqwest::Method;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use serde_json::{Value, json};
use test_support::org::PASSWORD;
use test_support::smtp::{SmtpSink, free_port};
use test_support::{Call, TestApp};

use crate::helpers::{emailing, eventually, me_status};

const NEW: &str = "a-brand-new-passphrase";

/// The one-time token of the last link emailed to `address`.
async fn emailed_token(sink: &SmtpSink, address: &str) -> String {
    eventually("the link's email arrives", || {
        let arrived = !links(sink, address).is_empty();
        async move { arrived }
    })
    .await;
    links(sink, address).pop().expect("a link")
}

fn links(sink: &SmtpSink, address: &str) -> Vec<String> {
    sink.messages()
        .into_iter()
        .filter_map(|raw| {
            let message = MessageParser::default().parse(&raw)?;
            let to = message.to()?.first()?.address()?.to_owned();
            let text = message.body_text(0)?.into_owned();
            (to == address).then_some(text)
        })
        .filter_map(|text| {
            let (_, after) = text.split_once("/reset-password#")?;
            Some(after.split_whitespace().next()?.to_owned())
        })
        .collect()
}

async fn set_password(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    app.request(Method::POST, "/api/v1/auth/new-password")
        .json(&json!({ "token": token, "new_password": password }))
        .send()
        .await
        .expect("answers")
}

#[tokio::test]
async fn changing_my_password_ends_my_other_sessions_and_tokens() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let other = app.persona(org.leader_a.id).await;
    let script = app.as_(&org.leader_a).script(&["read"]).await;
    let change = |current: &str, new: &str| {
        app.as_(&org.leader_a).post(
            "/api/v1/me/password",
            &json!({ "current_password": current, "new_password": new }),
        )
    };
    let short = change(PASSWORD, "short").call().await.problem(422);
    assert_eq!(
        short["errors"]["new_password"],
        json!(["use at least 12 characters"]),
        "people's words, not the validator's"
    );
    let same = change(PASSWORD, PASSWORD).call().await.problem(422);
    assert!(same["errors"]["new_password"].is_array(), "{same}");
    let wrong = change("not-my-password", NEW).call().await.problem(422);
    assert!(wrong["errors"]["current_password"].is_array(), "{wrong}");
    assert_eq!(
        me_status(&app, &other.token).await,
        200,
        "nothing changed yet"
    );

    let done = change(PASSWORD, NEW).send().await.expect("answers");
    assert_eq!(done.status(), 204);
    assert_eq!(
        me_status(&app, &org.leader_a.token).await,
        200,
        "this session stays"
    );
    assert_eq!(
        me_status(&app, &other.token).await,
        401,
        "other sessions end"
    );
    assert_eq!(
        me_status(&app, &script.token).await,
        401,
        "personal tokens end"
    );
    app.login(&org.leader_a.email, PASSWORD).await.problem(401);
    app.login(&org.leader_a.email, NEW).await.ok(200);
    let by_token = app
        .as_(&script)
        .post(
            "/api/v1/me/password",
            &json!({ "current_password": NEW, "new_password": "yet-another-passphrase" }),
        )
        .call()
        .await;
    assert_eq!(by_token.status(), 401, "a token cannot change a password");
}

#[tokio::test]
async fn a_temporary_password_is_replaced_before_the_sign_in_completes() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let reset = app
        .as_(&org.admin)
        .post(
            &format!("/api/v1/users/{}/password-reset", org.agent_a1.id),
            &json!({}),
        )
        .call()
        .await
        .ok(200);
    let temporary = reset["temporary_password"]
        .as_str()
        .expect("a password")
        .to_owned();
    assert_eq!(
        me_status(&app, &org.agent_a1.token).await,
        401,
        "signed out everywhere"
    );

    let answer = app.login(&org.agent_a1.email, &temporary).await;
    assert!(
        answer
            .headers()
            .get_all("set-cookie")
            .iter()
            .next()
            .is_none(),
        "no session before the new password"
    );
    let body = answer.ok(200);
    assert!(body.get("access_token").is_none(), "{body}");
    let token = body["new_password"]["token"]
        .as_str()
        .expect("a token")
        .to_owned();
    assert!(body["new_password"]["expires_in"].as_i64() > Some(0));

    let short = set_password(&app, &token, "short").await;
    assert_eq!(short.status(), 422);
    let signed_in = set_password(&app, &token, NEW).await;
    assert_eq!(signed_in.status(), 200);
    let signed_in: Value = signed_in.json().await.expect("json");
    assert_eq!(signed_in["user"]["id"], json!(org.agent_a1.id));
    let access = signed_in["access_token"].as_str().expect("signed in");
    assert_eq!(me_status(&app, access).await, 200);

    let again = set_password(&app, &token, "yet-another-passphrase").await;
    assert_eq!(again.status(), 422, "a token works once");
    let problem: Value = again.json().await.expect("json");
    assert!(problem["errors"]["token"].is_array(), "{problem}");
    app.login(&org.agent_a1.email, &temporary)
        .await
        .problem(401);
    let normal: Value = app.login(&org.agent_a1.email, NEW).await.ok(200);
    assert!(
        normal["access_token"].is_string(),
        "no more replacing: {normal}"
    );

    // A person an admin creates with a password chooses their own at the first sign-in.
    let created = app
        .as_(&org.admin)
        .post(
            "/api/v1/users",
            &json!({ "email": "new.hire@org.test", "name": "New Hire", "role": "AGENT", "password": "given-by-the-admin", "team_id": org.team_a }),
        )
        .call()
        .await
        .ok(201);
    assert_eq!(created["email"], "new.hire@org.test");
    let first: Value = app
        .login("new.hire@org.test", "given-by-the-admin")
        .await
        .ok(200);
    assert!(first["new_password"]["token"].is_string(), "{first}");
}

#[tokio::test]
async fn a_temporary_password_stops_working_after_seven_days() {
    use persistence::entity::user;
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let reset = app
        .as_(&org.admin)
        .post(
            &format!("/api/v1/users/{}/password-reset", org.leader_b.id),
            &json!({}),
        )
        .call()
        .await
        .ok(200);
    let temporary = reset["temporary_password"]
        .as_str()
        .expect("a password")
        .to_owned();
    let row = user::Entity::find_by_id(org.leader_b.id)
        .one(app.db())
        .await
        .expect("read")
        .expect("the person");
    let until = row.temporary_password_until.expect("a temporary password");
    let days = (until - chrono::Utc::now()).num_hours();
    assert!((167..=168).contains(&days), "7 days, not {days} hours");
    let mut aged = row.into_active_model();
    aged.temporary_password_until = Set(Some(chrono::Utc::now() - chrono::Duration::minutes(1)));
    aged.update(app.db()).await.expect("aged");

    let expired = app
        .login(&org.leader_b.email, &temporary)
        .await
        .problem(401);
    assert!(
        expired["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("expired"),
        "{expired}"
    );
    app.login(&org.leader_b.email, "a-wrong-password")
        .await
        .problem(401);
}

#[tokio::test]
async fn a_forgotten_password_is_reset_by_a_one_time_link() {
    let sink = SmtpSink::start_on(free_port());
    let app = TestApp::spawn_with(emailing(sink.url())).await;
    let org = app.seed_org().await;
    let other = app.persona(org.agent_a2.id).await;
    let script = app.as_(&org.agent_a2).script(&["read"]).await;
    let forgot = |email: &str| {
        app.request(Method::POST, "/api/v1/auth/forgot-password")
            .json(&json!({ "email": email }))
            .send()
    };

    let known = forgot(&org.agent_a2.email.to_uppercase())
        .await
        .expect("answers");
    let unknown = forgot("nobody@org.test").await.expect("answers");
    assert_eq!(known.status(), 202);
    assert_eq!(
        unknown.status(),
        202,
        "the same answer for an unknown address"
    );
    assert_eq!(
        known.text().await.expect("body"),
        unknown.text().await.expect("body")
    );
    let token = emailed_token(&sink, &org.agent_a2.email).await;
    assert!(links(&sink, "nobody@org.test").is_empty());
    assert_eq!(
        me_status(&app, &other.token).await,
        200,
        "nothing ends until the link is used"
    );

    let signed_in = set_password(&app, &token, NEW).await;
    assert_eq!(signed_in.status(), 200);
    assert!(
        signed_in
            .headers()
            .get_all("set-cookie")
            .iter()
            .next()
            .is_some(),
        "the browser is signed in"
    );
    assert_eq!(
        me_status(&app, &other.token).await,
        401,
        "other sessions end"
    );
    assert_eq!(
        me_status(&app, &script.token).await,
        401,
        "personal tokens end"
    );
    let reused = set_password(&app, &token, "yet-another-passphrase").await;
    assert_eq!(reused.status(), 422, "a link works once");
    app.login(&org.agent_a2.email, NEW).await.ok(200);

    // A newer link replaces an older one; an expired one does nothing. (The sink keeps its
    // messages in no particular order: a new link is the one not seen before.)
    let address = org.agent_a2.email.clone();
    let fresh_link = |seen: Vec<String>| {
        let (sink, address) = (&sink, &address);
        async move {
            let known = seen.len();
            eventually("a new link arrives", || {
                let count = links(sink, address).len();
                async move { count > known }
            })
            .await;
            links(sink, address)
                .into_iter()
                .find(|link| !seen.contains(link))
                .expect("the new link")
        }
    };
    let seen = links(&sink, &address);
    forgot(&address).await.expect("answers");
    let first = fresh_link(seen.clone()).await;
    forgot(&address).await.expect("answers");
    let second = fresh_link([seen, vec![first.clone()]].concat()).await;
    assert_ne!(first, second);
    assert_eq!(
        set_password(&app, &first, "replaced-link-passphrase")
            .await
            .status(),
        422
    );
    {
        use persistence::entity::password_link;
        use sea_orm::{ColumnTrait, QueryFilter};
        let link = password_link::Entity::find()
            .filter(password_link::Column::UserId.eq(org.agent_a2.id))
            .one(app.db())
            .await
            .expect("read")
            .expect("a link");
        let seconds = (link.expires_at - link.created_at).num_seconds();
        assert!(
            (1795..=1800).contains(&seconds),
            "30 minutes, not {seconds} s"
        );
        let mut expired = link.into_active_model();
        expired.expires_at = Set(chrono::Utc::now() - chrono::Duration::seconds(1));
        expired.update(app.db()).await.expect("expired");
    }
    assert_eq!(
        set_password(&app, &second, "expired-link-passphrase")
            .await
            .status(),
        422
    );
    app.login(&org.agent_a2.email, NEW).await.ok(200);
}

#[tokio::test]
async fn asking_for_links_is_rate_limited_and_needs_email() {
    let sink = SmtpSink::start_on(free_port());
    let app = TestApp::spawn_with(|config| {
        emailing(sink.url())(config);
        config.sign_in.login_limits.per_account = 10;
    })
    .await;
    let org = app.seed_org().await;
    let mut statuses = Vec::new();
    for _ in 0..12 {
        let answer = app
            .request(Method::POST, "/api/v1/auth/forgot-password")
            .json(&json!({ "email": org.agent_b1.email }))
            .send()
            .await
            .expect("answers");
        statuses.push(answer.status().as_u16());
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    assert_eq!(statuses[0], 202);
    let bad = app
        .request(Method::POST, "/api/v1/auth/forgot-password")
        .json(&json!({ "email": "x" }))
        .call()
        .await
        .problem(422);
    assert!(bad["errors"]["email"].is_array(), "{bad}");

    let quiet = TestApp::spawn().await;
    quiet
        .request(Method::POST, "/api/v1/auth/forgot-password")
        .json(&json!({ "email": "anyone@org.test" }))
        .call()
        .await
        .problem(404);
}

#[tokio::test]
async fn an_admin_emails_a_link_instead_of_a_temporary_password() {
    let sink = SmtpSink::start_on(free_port());
    let app = TestApp::spawn_with(emailing(sink.url())).await;
    let org = app.seed_org().await;
    let path = format!("/api/v1/users/{}/password-link", org.leader_a.id);
    for refused in [&org.manager_a, &org.leader_b, &org.agent_a1] {
        let status = app
            .as_(refused)
            .post(&path, &json!({}))
            .call()
            .await
            .status();
        assert!([403, 404].contains(&status), "{}: {status}", refused.email);
    }
    app.as_(&org.admin)
        .post(
            "/api/v1/users/00000000-0000-7000-8000-000000000000/password-link",
            &json!({}),
        )
        .call()
        .await
        .problem(404);
    let sent = app
        .as_(&org.admin)
        .post(&path, &json!({}))
        .send()
        .await
        .expect("answers");
    assert_eq!(sent.status(), 202);
    let token = emailed_token(&sink, &org.leader_a.email).await;
    let raw = sink.messages().pop().expect("a message");
    let text = MessageParser::default()
        .parse(&raw)
        .and_then(|m| m.body_text(0).map(|t| t.into_owned()))
        .unwrap_or_default();
    assert!(text.contains("administrator"), "{text}");
    assert_eq!(set_password(&app, &token, NEW).await.status(), 200);
    app.login(&org.leader_a.email, NEW).await.ok(200);

    let quiet = TestApp::spawn().await;
    let quiet_org = quiet.seed_org().await;
    quiet
        .as_(&quiet_org.admin)
        .post(
            &format!("/api/v1/users/{}/password-link", quiet_org.leader_a.id),
            &json!({}),
        )
        .call()
        .await
        .problem(404);
}
