//! Signing in, tokens, cookies, CSRF, rate limits, revocation.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::Method;
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use test_support::TestApp;
use test_support::org::PASSWORD;
use test_support::{Call, Response};

use crate::helpers::{early_in_a_rate_window, me_status, ok_json, problem};

fn token_with(app: &TestApp, claims: Value) -> String {
    let secret = app
        .state
        .config
        .keys
        .jwt_secret
        .expose_secret()
        .as_bytes()
        .to_vec();
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(&secret),
    )
    .expect("signs")
}

fn claims(app: &TestApp, sub: uuid::Uuid, sid: uuid::Uuid, exp_offset: i64, aud: &str) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({ "sub": sub, "sid": sid, "role": "ADMIN", "iat": now, "exp": now + exp_offset,
            "aud": aud, "iss": app.state.config.http.public_url, "jti": uuid::Uuid::now_v7() })
}

fn session_of(token: &str) -> uuid::Uuid {
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64");
    let claims: Value = serde_json::from_slice(&bytes).expect("json");
    claims["sid"].as_str().expect("sid").parse().expect("uuid")
}

#[tokio::test]
async fn login_returns_tokens_user_and_secure_cookies() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let response = app.login(&org.leader_a.email, PASSWORD).await;
    let cookies: Vec<String> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().expect("ascii").to_owned())
        .collect();
    let body = ok_json(response, 200).await;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert_eq!(body["user"]["role"], "TEAM_LEADER");
    assert!(body["user"].get("password_hash").is_none());
    let access = cookies
        .iter()
        .find(|c| c.starts_with("ch_access="))
        .expect("access cookie");
    assert!(
        access.contains("HttpOnly") && access.contains("SameSite=Strict"),
        "{access}"
    );
    let refresh = cookies
        .iter()
        .find(|c| c.starts_with("ch_refresh="))
        .expect("refresh cookie");
    assert!(
        refresh.contains("HttpOnly") && refresh.contains("Path=/api/v1/auth"),
        "{refresh}"
    );
    let csrf = cookies
        .iter()
        .find(|c| c.starts_with("ch_csrf="))
        .expect("csrf cookie");
    assert!(
        !csrf.contains("HttpOnly"),
        "the page must read the CSRF cookie"
    );
}

#[tokio::test]
async fn unknown_email_and_wrong_password_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    // The same answer but for the request id each carries.
    let answer = |mut problem: Value| {
        assert!(problem["request_id"].is_string());
        problem["request_id"] = Value::Null;
        problem
    };
    let wrong = answer(
        app.login(&org.agent_a1.email, "not-the-password")
            .await
            .problem(401),
    );
    let unknown = answer(
        app.login("nobody@org.test", "not-the-password")
            .await
            .problem(401),
    );
    assert_eq!(wrong, unknown);
    let deactivated_id = org.agent_a2.id;
    app.as_(&org.admin)
        .post(
            &format!("/api/v1/users/{deactivated_id}/deactivate"),
            &json!({}),
        )
        .send()
        .await
        .expect("answers");
    let deactivated = answer(app.login(&org.agent_a2.email, PASSWORD).await.problem(401));
    assert_eq!(deactivated, unknown);
}

#[tokio::test]
async fn email_is_case_insensitive() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    app.login(&org.admin.email.to_uppercase(), PASSWORD)
        .await
        .ok(200);
}

#[tokio::test]
async fn forged_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let sid = session_of(&org.admin.token);
    let valid = token_with(
        &app,
        claims(&app, org.admin.id, sid, 600, "coaching-hub-api"),
    );
    assert_eq!(
        me_status(&app, &valid).await,
        200,
        "a correctly signed token works"
    );

    let expired = token_with(
        &app,
        claims(&app, org.admin.id, sid, -600, "coaching-hub-api"),
    );
    let wrong_audience = token_with(&app, claims(&app, org.admin.id, sid, 600, "another-api"));
    let mut tampered = valid.clone();
    tampered.pop();
    tampered.push(if valid.ends_with('A') { 'B' } else { 'A' });
    let mut parts: Vec<&str> = valid.split('.').collect();
    let none_header = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#)
    };
    parts[0] = &none_header;
    let alg_none = format!("{}.{}.", parts[0], parts[1]);
    let unknown_session = token_with(
        &app,
        claims(
            &app,
            org.admin.id,
            uuid::Uuid::now_v7(),
            600,
            "coaching-hub-api",
        ),
    );

    for (name, token) in [
        ("expired", expired),
        ("wrong audience", wrong_audience),
        ("tampered signature", tampered),
        ("alg none", alg_none),
        ("unknown session", unknown_session),
        ("garbage", "not.a.jwt".to_owned()),
    ] {
        assert_eq!(me_status(&app, &token).await, 401, "{name}");
    }
    let unauthenticated = app
        .request(Method::GET, "/api/v1/me")
        .send()
        .await
        .expect("answers");
    assert_eq!(
        unauthenticated
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok()),
        Some("Bearer")
    );
    problem(unauthenticated, 401).await;
}

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_whole_session() {
    // No grace: the replay below is a copy, not a second tab.
    let app =
        TestApp::spawn_with(|config| config.sign_in.refresh_grace = std::time::Duration::ZERO)
            .await;
    let org = app.seed_org().await;
    let refresh = |token: String| {
        app.request(Method::POST, "/api/v1/auth/refresh")
            .json(&json!({ "refresh_token": token }))
            .send()
    };
    let first = ok_json(
        refresh(org.agent_a1.refresh_token.clone())
            .await
            .expect("answers"),
        200,
    )
    .await;
    let second_refresh = first["refresh_token"].as_str().expect("rotated").to_owned();
    let new_access = first["access_token"].as_str().expect("access").to_owned();
    assert_ne!(second_refresh, org.agent_a1.refresh_token);
    assert_eq!(me_status(&app, &new_access).await, 200);

    // The spent token again: someone copied it. The whole family dies.
    problem(
        refresh(org.agent_a1.refresh_token.clone())
            .await
            .expect("answers"),
        401,
    )
    .await;
    problem(refresh(second_refresh).await.expect("answers"), 401).await;
    assert_eq!(
        me_status(&app, &new_access).await,
        401,
        "access tokens of the session die too"
    );
    assert_eq!(me_status(&app, &org.agent_a1.token).await, 401);
    // Other sessions of other people are untouched.
    assert_eq!(me_status(&app, &org.agent_a2.token).await, 200);
}

#[tokio::test]
async fn two_tabs_refreshing_at_once_both_keep_the_session() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let send = || {
        app.request(Method::POST, "/api/v1/auth/refresh")
            .json(&json!({ "refresh_token": org.leader_b.refresh_token }))
            .send()
    };
    let (a, b) = tokio::join!(send(), send());
    let a = ok_json(a.expect("answers"), 200).await;
    let b = ok_json(b.expect("answers"), 200).await;
    assert_eq!(
        a["refresh_token"], b["refresh_token"],
        "both tabs get the same successor"
    );
    for access in [&a["access_token"], &b["access_token"]] {
        assert_eq!(
            me_status(&app, access.as_str().expect("a token")).await,
            200
        );
    }
    // The successor rotates on as usual, and then the first token is spent for good.
    let successor = a["refresh_token"].as_str().expect("a token").to_owned();
    let next = app
        .request(Method::POST, "/api/v1/auth/refresh")
        .json(&json!({ "refresh_token": successor }))
        .send()
        .await
        .expect("answers");
    let next = ok_json(next, 200).await;
    problem(send().await.expect("answers"), 401).await;
    assert_eq!(
        me_status(&app, next["access_token"].as_str().expect("a token")).await,
        401,
        "a replay whose successor moved on revokes the family"
    );
}

#[tokio::test]
async fn a_replay_after_the_grace_period_revokes_the_family() {
    let app = TestApp::spawn_with(|config| {
        config.sign_in.refresh_grace = std::time::Duration::from_millis(300);
    })
    .await;
    let org = app.seed_org().await;
    let send = || {
        app.request(Method::POST, "/api/v1/auth/refresh")
            .json(&json!({ "refresh_token": org.leader_b.refresh_token }))
            .send()
    };
    let first = ok_json(send().await.expect("answers"), 200).await;
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    problem(send().await.expect("answers"), 401).await;
    assert_eq!(
        me_status(&app, first["access_token"].as_str().expect("a token")).await,
        401
    );
}

#[tokio::test]
async fn logout_ends_the_session_at_once() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let response = app
        .as_(&org.manager_a)
        .request(Method::POST, "/api/v1/auth/logout")
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 204);
    let cleared = response.headers().get_all("set-cookie").iter().count();
    assert_eq!(cleared, 3, "all three cookies are cleared");
    assert_eq!(me_status(&app, &org.manager_a.token).await, 401);
    let refresh = app
        .request(Method::POST, "/api/v1/auth/refresh")
        .json(&json!({ "refresh_token": org.manager_a.refresh_token }))
        .send()
        .await
        .expect("answers");
    problem(refresh, 401).await;
}

#[tokio::test]
async fn deactivation_locks_out_at_once_and_reactivation_lets_back_in() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    assert_eq!(me_status(&app, &org.agent_b1.token).await, 200);
    let path = format!("/api/v1/users/{}", org.agent_b1.id);
    app.as_(&org.admin)
        .post(&format!("{path}/deactivate"), &json!({}))
        .call()
        .await
        .ok(200);
    assert_eq!(me_status(&app, &org.agent_b1.token).await, 401);
    let refresh = app
        .request(Method::POST, "/api/v1/auth/refresh")
        .json(&json!({ "refresh_token": org.agent_b1.refresh_token }))
        .send()
        .await
        .expect("answers");
    problem(refresh, 401).await;
    app.as_(&org.admin)
        .post(&format!("{path}/reactivate"), &json!({}))
        .call()
        .await
        .ok(200);
    app.login(&org.agent_b1.email, PASSWORD).await.ok(200);
}

pub(crate) fn cookie_header(response: &test_support::Response) -> (String, String) {
    let mut pairs = Vec::new();
    let mut csrf = String::new();
    for value in response.headers().get_all("set-cookie") {
        let text = value.to_str().expect("ascii");
        let pair = text.split(';').next().expect("a pair").to_owned();
        if let Some(token) = pair.strip_prefix("ch_csrf=") {
            csrf = token.to_owned();
        }
        pairs.push(pair);
    }
    (pairs.join("; "), csrf)
}

#[tokio::test]
async fn cookie_sessions_work_and_writes_need_the_csrf_token() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let login = app.login(&org.agent_a1.email, PASSWORD).await;
    let (cookies, csrf) = cookie_header(&login);
    let me = app
        .request(Method::GET, "/api/v1/me")
        .header("cookie", &cookies)
        .send()
        .await
        .expect("answers");
    let me = ok_json(me, 200).await;
    assert_eq!(me["user"]["email"], org.agent_a1.email);

    let rename = |csrf: Option<&str>| {
        let mut request = app
            .request(Method::PATCH, &format!("/api/v1/users/{}", org.agent_a1.id))
            .header("cookie", &cookies)
            .json(&json!({ "name": "Agent A1 Renamed", "version": 1 }));
        if let Some(csrf) = csrf {
            request = request.header("x-csrf-token", csrf);
        }
        request.send()
    };
    problem(rename(None).await.expect("answers"), 403).await;
    problem(rename(Some("forged")).await.expect("answers"), 403).await;
    let renamed = ok_json(rename(Some(&csrf)).await.expect("answers"), 200).await;
    assert_eq!(renamed["name"], "Agent A1 Renamed");

    // The refresh cookie rotates too, and also needs the CSRF token.
    let no_csrf = app
        .request(Method::POST, "/api/v1/auth/refresh")
        .header("cookie", &cookies)
        .send()
        .await
        .expect("answers");
    problem(no_csrf, 403).await;
    let rotated = app
        .request(Method::POST, "/api/v1/auth/refresh")
        .header("cookie", &cookies)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .expect("answers");
    ok_json(rotated, 200).await;
}

#[tokio::test]
async fn login_attempts_are_limited_per_account_and_per_address() {
    let app = TestApp::spawn_with(|config| {
        config.sign_in.login_limits.per_account = 3;
        config.sign_in.login_limits.per_ip = 5;
    })
    .await;
    app.create_user("Rate One", domain::Role::Agent, None).await;
    app.create_user("Rate Two", domain::Role::Agent, None).await;
    let (one, two) = ("rate.one@org.test", "rate.two@org.test");
    early_in_a_rate_window().await;
    for _ in 0..3 {
        app.login(one, "wrong-password").await.problem(401);
    }
    let limited = app.login(one, PASSWORD).await;
    let retry_after: u64 = limited
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=60).contains(&retry_after));
    problem(limited, 429).await;
    // Another account from the same address: allowed until the address's own limit.
    app.login(two, PASSWORD).await.ok(200);
    app.login(two, PASSWORD).await.problem(429);
}

/// Signs in from `ip` (the app trusts `X-Forwarded-For`, as behind a proxy).
async fn login_from(app: &TestApp, ip: &str, email: &str, password: &str) -> Response {
    app.request(Method::POST, "/api/v1/auth/login")
        .header("x-forwarded-for", ip)
        .json(&json!({ "email": email, "password": password }))
        .call()
        .await
}

#[tokio::test]
async fn failures_elsewhere_never_lock_a_person_out_of_their_correct_sign_in() {
    let app = TestApp::spawn_with(|config| {
        config.http.trust_proxy = true;
        config.sign_in.login_limits.per_account = 10;
        config.sign_in.login_limits.per_ip = 1_000;
    })
    .await;
    let org = app.seed_org().await;
    let victim = &org.agent_a1.email;
    early_in_a_rate_window().await;
    // Eleven wrong passwords from one place: that place waits...
    for _ in 0..11 {
        login_from(&app, "203.0.113.66", victim, "guess").await;
    }
    login_from(&app, "203.0.113.66", victim, PASSWORD)
        .await
        .problem(429);
    // ...the agent, elsewhere, signs in.
    login_from(&app, "198.51.100.7", victim, PASSWORD)
        .await
        .ok(200);

    // A distributed guess: over the account-wide failure limit (ten times the per-source one).
    for n in 0..100 {
        login_from(&app, &format!("192.0.2.{n}"), victim, "guess").await;
    }
    let retried = login_from(&app, "192.0.2.1", victim, PASSWORD).await;
    let retry_after: u64 = retried
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=60).contains(&retry_after), "a short back-off at most");
    problem(retried, 429).await;
    login_from(&app, "198.51.100.8", victim, PASSWORD)
        .await
        .ok(200);
}

#[tokio::test]
async fn password_changes_are_rate_limited_per_user() {
    let app = TestApp::spawn_with(|config| config.sign_in.login_limits.per_account = 5).await;
    let org = app.seed_org().await;
    let attempt = || {
        app.as_(&org.leader_a)
            .post(
                "/api/v1/me/password",
                &json!({ "current_password": "wrong", "new_password": "a-brand-new-passphrase" }),
            )
            .send()
    };
    early_in_a_rate_window().await;
    let answers = futures_util::future::join_all((0..12).map(|_| attempt())).await;
    let mut statuses: Vec<u16> = answers
        .into_iter()
        .map(|r| r.expect("answers").status().as_u16())
        .collect();
    statuses.sort_unstable();
    assert_eq!(
        statuses.iter().filter(|s| **s == 422).count(),
        5,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        7,
        "{statuses:?}"
    );
    // Another person is not limited by it.
    let other = app
        .as_(&org.leader_b)
        .post(
            "/api/v1/me/password",
            &json!({ "current_password": "wrong", "new_password": "a-brand-new-passphrase" }),
        )
        .send()
        .await
        .expect("answers");
    problem(other, 422).await;
}

#[tokio::test]
async fn me_describes_the_actor_and_their_scope() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let me = app
        .as_(&org.manager_a)
        .get("/api/v1/me")
        .call()
        .await
        .ok(200);
    assert_eq!(me["managed_team_ids"], json!([org.team_a]));
    assert_eq!(me["led_team_ids"], json!([]));
    let permissions: Vec<&str> = me["permissions"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(permissions.contains(&"approve_action_plan"));
    assert!(!permissions.contains(&"view_audit"));
    let agent = app
        .as_(&org.agent_a1)
        .get("/api/v1/me")
        .call()
        .await
        .ok(200);
    assert_eq!(agent["team"]["id"], json!(org.team_a));
    assert_eq!(agent["team"]["name"], "Team A");
}
