//! Single sign-on against a real OpenID Connect provider (`oidc-provider` from npm, on loopback):
//! the code flow with PKCE, nonce and state; linking by verified email to an existing person
//! only, then by the provider's subject; and every way a provider's answer can fail a check.

use persistence::entity::{audit_entry, auth_session, sso_identity};
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use test_support::oidc::Callback;
use test_support::{Call, OidcProvider, Response, TestApp};

/// The test config's `PUBLIC_URL`: the provider sends people back under it.
const PUBLIC_URL: &str = "http://127.0.0.1";

async fn app_with(provider: &OidcProvider) -> TestApp {
    let oidc = provider.config();
    TestApp::spawn_with(|config| config.sign_in.oidc = Some(oidc)).await
}

/// `GET /api/v1/auth/sso`: the provider's authorization URL and the flow cookie.
async fn begin(app: &TestApp) -> (String, String) {
    let response = app.request(Method::GET, "/api/v1/auth/sso").call().await;
    assert_eq!(response.status(), 303, "{}", response.text());
    let location = response.header("location").expect("a redirect").to_owned();
    let flow = set_cookie(&response, "ch_sso").expect("the flow cookie");
    (location, flow)
}

/// The value a response sets cookie `name` to.
fn set_cookie(response: &Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|cookie| cookie.strip_prefix(&format!("{name}=")))
        .map(|rest| rest.split(';').next().unwrap_or_default().to_owned())
}

/// Asserts a refusal's detail says `words` (`case` names what was tried).
fn says(problem: &Value, words: &str, case: &str) {
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|detail| detail.contains(words)),
        "{case}: {problem}"
    );
}

/// `POST /api/v1/auth/sso/callback` from the browser holding `flow`.
async fn finish(app: &TestApp, flow: &str, body: &Value) -> Response {
    app.request(Method::POST, "/api/v1/auth/sso/callback")
        .header("cookie", format!("ch_sso={flow}"))
        .json(body)
        .call()
        .await
}

/// A whole sign-in of `sub` at the provider: the callback's answer.
async fn sign_in(app: &TestApp, provider: &OidcProvider, sub: &str) -> Response {
    let (authorization_url, flow) = begin(app).await;
    let callback = provider.authorize(&authorization_url, sub).await;
    finish(app, &flow, &callback.body()).await
}

async fn sign_in_sessions(app: &TestApp, user: uuid::Uuid) -> u64 {
    auth_session::Entity::find()
        .filter(auth_session::Column::UserId.eq(user))
        .count(app.db())
        .await
        .expect("counted")
}

/// The actions the audit log records about `resource`.
async fn audit_actions(app: &TestApp, resource: uuid::Uuid) -> Vec<String> {
    audit_entry::Entity::find()
        .filter(audit_entry::Column::ResourceId.eq(resource))
        .all(app.db())
        .await
        .expect("read")
        .into_iter()
        .map(|entry| entry.action)
        .collect()
}

#[tokio::test]
async fn single_sign_on_is_offered_only_when_configured() {
    let app = TestApp::spawn().await;
    let config = app
        .request(Method::GET, "/api/v1/config")
        .call()
        .await
        .ok(200);
    assert_eq!(config["sso"], false);
    app.request(Method::GET, "/api/v1/auth/sso")
        .call()
        .await
        .problem(404);
    let body = json!({ "code": "c", "state": "s" });
    app.request(Method::POST, "/api/v1/auth/sso/callback")
        .json(&body)
        .call()
        .await
        .problem(404);

    let provider = OidcProvider::start(PUBLIC_URL);
    let app = app_with(&provider).await;
    let config = app
        .request(Method::GET, "/api/v1/config")
        .call()
        .await
        .ok(200);
    assert_eq!(config["sso"], true);
    let (authorization_url, flow) = begin(&app).await;
    let url = reqwest::Url::parse(&authorization_url).expect("a URL");
    assert!(authorization_url.starts_with(&format!("{}/auth?", provider.issuer)));
    let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["redirect_uri"], format!("{PUBLIC_URL}/login/sso"));
    assert_eq!(query["scope"], "openid email profile");
    for part in ["state", "nonce", "code_challenge"] {
        assert!(query[part].len() >= 22, "{part} is random: {query:?}");
    }
    assert!(
        !flow.contains(&query["code_challenge"]),
        "the verifier, not the challenge"
    );

    // A body that is not a callback is refused field by field.
    let problem = finish(&app, &flow, &json!({ "code": "", "state": "s" }))
        .await
        .problem(422);
    assert!(problem["errors"]["code"].is_array(), "{problem}");
}

#[tokio::test]
async fn a_provider_identity_signs_in_as_the_person_with_its_verified_email_then_by_its_subject() {
    let provider = OidcProvider::start(PUBLIC_URL);
    let app = app_with(&provider).await;
    let org = app.seed_org().await;
    let person = &org.leader_a;
    provider.account("idp-leader-a", &person.email, true).await;

    let (authorization_url, flow) = begin(&app).await;
    let callback = provider.authorize(&authorization_url, "idp-leader-a").await;
    let answer = finish(&app, &flow, &callback.body()).await;
    for cookie in ["ch_access", "ch_refresh", "ch_csrf"] {
        assert!(
            set_cookie(&answer, cookie).is_some_and(|value| !value.is_empty()),
            "{cookie} is set"
        );
    }
    assert_eq!(
        set_cookie(&answer, "ch_sso").as_deref(),
        Some(""),
        "the flow cookie goes"
    );
    let body = answer.ok(200);
    assert_eq!(body["user"]["id"], person.id.to_string());
    let access = body["access_token"].as_str().expect("a token");
    let me = app
        .request(Method::GET, "/api/v1/me")
        .bearer_auth(access)
        .call()
        .await
        .ok(200);
    assert_eq!(me["user"]["id"], person.id.to_string());
    // The same refresh rotation as a password sign-in.
    let refresh = body["refresh_token"].as_str().expect("a token");
    let rotated = app
        .request(Method::POST, "/api/v1/auth/refresh")
        .json(&json!({ "refresh_token": refresh }))
        .call()
        .await
        .ok(200);
    assert_ne!(rotated["refresh_token"], refresh);

    // A replayed code (with its browser's cookie and state) is refused by the provider.
    let problem = finish(&app, &flow, &callback.body()).await.problem(401);
    says(&problem, "could not be verified", "");

    // The link is the provider's subject: a new email there still signs in the same person, and
    // another provider identity with their email does not.
    provider
        .account("idp-leader-a", "renamed@elsewhere.test", true)
        .await;
    let again = sign_in(&app, &provider, "idp-leader-a").await.ok(200);
    assert_eq!(again["user"]["id"], person.id.to_string());
    provider.account("idp-impostor", &person.email, true).await;
    let problem = sign_in(&app, &provider, "idp-impostor").await.problem(401);
    says(&problem, "another single sign-on identity", "");
    let linked = audit_actions(&app, person.id).await;
    assert_eq!(
        linked
            .iter()
            .filter(|action| *action == "user.sso_linked")
            .count(),
        1,
        "{linked:?}"
    );

    // A deactivated person is refused though the provider vouches for them.
    app.as_(&org.admin)
        .post(
            &format!("/api/v1/users/{}/deactivate", person.id),
            &json!({}),
        )
        .call()
        .await
        .ok(200);
    let problem = sign_in(&app, &provider, "idp-leader-a").await.problem(401);
    assert_eq!(problem["detail"], "account deactivated");

    // Their export names the link; erasing them removes it with the rest of their sign-in.
    let export = app
        .as_(&org.admin)
        .get(&format!("/api/v1/users/{}/export", person.id))
        .call()
        .await
        .ok(200);
    let links = export["sso_identity"].to_string();
    assert!(
        links.contains("idp-leader-a") && links.contains(&provider.issuer),
        "{export}"
    );
    app.as_(&org.admin)
        .post(&format!("/api/v1/users/{}/erase", person.id), &json!({}))
        .call()
        .await
        .ok(200);
    let links = sso_identity::Entity::find()
        .filter(sso_identity::Column::UserId.eq(person.id))
        .count(app.db())
        .await
        .expect("counted");
    assert_eq!(links, 0);
}

#[tokio::test]
async fn a_role_that_needs_a_second_factor_is_asked_for_it_after_single_sign_on() {
    let provider = OidcProvider::start(PUBLIC_URL);
    let app = app_with(&provider).await;
    let org = app.seed_org().await;
    app.as_(&org.admin)
        .request(Method::PUT, "/api/v1/settings/second-factor")
        .json(&json!({ "roles": ["AGENT"] }))
        .call()
        .await
        .ok(200);
    provider
        .account("idp-agent", &org.agent_a1.email, true)
        .await;
    let answer = sign_in(&app, &provider, "idp-agent").await;
    assert!(
        set_cookie(&answer, "ch_access").is_none(),
        "not signed in yet"
    );
    let body = answer.ok(200);
    assert!(body["second_factor"]["challenge"].is_string(), "{body}");
    assert!(
        body["second_factor"]["enrolment"]["secret"].is_string(),
        "{body}"
    );
}

#[tokio::test]
async fn every_answer_that_fails_a_check_is_refused_and_signs_nobody_in() {
    let provider = OidcProvider::start(PUBLIC_URL);
    let app = app_with(&provider).await;
    let org = app.seed_org().await;
    let person = &org.agent_a1;
    let before = sign_in_sessions(&app, person.id).await;
    provider.account("idp-agent", &person.email, true).await;
    provider
        .account("idp-unverified", &person.email, false)
        .await;
    provider
        .account("idp-stranger", "stranger@elsewhere.test", true)
        .await;
    let now = chrono::Utc::now().timestamp();

    for (case, tampered, sub, detail) in [
        (
            "wrong nonce",
            json!({ "nonce": "not-the-nonce" }),
            "idp-agent",
            "could not be verified",
        ),
        (
            "wrong audience",
            json!({ "aud": "another-client" }),
            "idp-agent",
            "could not be verified",
        ),
        (
            "wrong issuer",
            json!({ "iss": "http://127.0.0.1:9" }),
            "idp-agent",
            "could not be verified",
        ),
        (
            "expired ID token",
            json!({ "exp": now - 600, "iat": now - 1200 }),
            "idp-agent",
            "could not be verified",
        ),
        (
            "unverified email",
            json!({}),
            "idp-unverified",
            "not verified your email",
        ),
        (
            "unknown email",
            json!({}),
            "idp-stranger",
            "no active account",
        ),
    ] {
        provider.tamper_next_id_token(tampered).await;
        let problem = sign_in(&app, &provider, sub).await.problem(401);
        says(&problem, detail, case);
    }

    // A callback for another sign-in (its state), with no sign-in begun, or naming another
    // issuer: refused before the code is spent.
    let (first_url, _first_flow) = begin(&app).await;
    let first = provider.authorize(&first_url, "idp-agent").await;
    let (_second_url, second_flow) = begin(&app).await;
    for (case, flow, callback) in [
        ("state mismatch", second_flow.as_str(), first.clone()),
        ("no sign-in begun", "", first.clone()),
        (
            "another issuer",
            second_flow.as_str(),
            Callback {
                iss: Some("http://127.0.0.1:9".into()),
                ..first.clone()
            },
        ),
    ] {
        let problem = finish(&app, flow, &callback.body()).await.problem(401);
        says(&problem, "did not begin", case);
    }

    assert_eq!(
        sign_in_sessions(&app, person.id).await,
        before,
        "nobody signed in"
    );
    let actions = audit_actions(&app, person.id).await;
    assert!(
        !actions.iter().any(|a| a == "user.sso_linked"),
        "{actions:?}"
    );
    // The same provider and person still sign in when nothing is wrong.
    let fine = sign_in(&app, &provider, "idp-agent").await.ok(200);
    assert_eq!(fine["user"]["id"], person.id.to_string());
}

#[tokio::test]
async fn a_provider_that_rotates_its_signing_key_is_followed_without_a_restart() {
    let provider = OidcProvider::start(PUBLIC_URL);
    let app = app_with(&provider).await;
    let org = app.seed_org().await;
    provider
        .account("idp-agent", &org.agent_a1.email, true)
        .await;
    sign_in(&app, &provider, "idp-agent").await.ok(200);

    // Signed with a key the server has not seen: it reads the provider's keys again.
    provider.rotate_key().await;
    let again = sign_in(&app, &provider, "idp-agent").await.ok(200);
    assert_eq!(again["user"]["id"], org.agent_a1.id.to_string());
    // Another new key within the minute is not fetched: forged tokens cannot make the server
    // hammer the provider.
    provider.rotate_key().await;
    let problem = sign_in(&app, &provider, "idp-agent").await.problem(401);
    says(&problem, "could not be verified", "");
}

#[tokio::test]
async fn the_email_is_read_from_user_info_when_the_id_token_leaves_it_out() {
    let provider = OidcProvider::start_with(PUBLIC_URL, &["--minimal-id-token"]);
    let app = app_with(&provider).await;
    let org = app.seed_org().await;
    provider
        .account("idp-agent", &org.agent_a1.email, true)
        .await;
    let answer = sign_in(&app, &provider, "idp-agent").await.ok(200);
    assert_eq!(answer["user"]["id"], org.agent_a1.id.to_string());
    provider
        .account("idp-unverified", &org.agent_a2.email, false)
        .await;
    let problem = sign_in(&app, &provider, "idp-unverified")
        .await
        .problem(401);
    says(&problem, "not verified your email", "");
}

#[tokio::test]
async fn a_provider_that_cannot_be_discovered_stops_start_up_with_a_clear_error() {
    let test_db = test_support::TestDb::create(test_support::backend()).await;
    let mut config = test_support::test_config(&test_db.url, test_db.backend);
    config.sign_in.oidc = Some(server::config::OidcConfig {
        issuer_url: "http://127.0.0.1:9".into(),
        client_id: "coaching-hub".into(),
        client_secret: "secret".to_owned().into(),
    });
    let error = server::app::open_state(std::sync::Arc::new(config))
        .await
        .expect_err("start-up fails");
    let message = format!("{error:#}");
    assert!(
        message.contains("OIDC_ISSUER_URL: cannot discover the provider at http://127.0.0.1:9"),
        "{message}"
    );
}
