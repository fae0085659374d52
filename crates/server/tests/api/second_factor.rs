//! The second factor: enrolment with a QR code and a confirming code, sign-in with a TOTP code
//! (accepted once, within a step of now) or a recovery code (once), and roles that must use one.

use chrono::Utc;
use reqwest::Method;
use serde_json::{Value, json};
use test_support::org::PASSWORD;
use test_support::{Call, Persona, TestApp};
use totp_rs::{Algorithm, Secret, TOTP};

/// The code an authenticator app with `secret` shows `offset` steps from now.
fn code(secret: &str, email: &str, offset: i64) -> String {
    let bytes = Secret::Encoded(secret.to_owned())
        .to_bytes()
        .expect("a base32 secret");
    let totp = TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        Some("Coaching Hub".into()),
        email.into(),
    )
    .expect("a valid TOTP");
    let at = Utc::now().timestamp() + offset * 30;
    totp.generate(u64::try_from(at).expect("after 1970"))
}

/// `person` sets up an authenticator: its secret and the recovery codes.
async fn enrol(app: &TestApp, person: &Persona) -> (String, Vec<String>) {
    let enrolment = app
        .as_(person)
        .post("/api/v1/me/second-factor", &json!({}))
        .call()
        .await
        .ok(201);
    let secret = enrolment["secret"].as_str().expect("a secret").to_owned();
    let codes = app
        .as_(person)
        .post(
            "/api/v1/me/second-factor/confirm",
            &json!({ "code": code(&secret, &person.email, 0) }),
        )
        .call()
        .await
        .ok(200);
    let codes = serde_json::from_value(codes["recovery_codes"].clone()).expect("codes");
    (secret, codes)
}

/// The challenge of a sign-in with the right password.
async fn challenge(app: &TestApp, email: &str) -> Value {
    let answer = app.login(email, PASSWORD).await;
    assert!(answer.header("set-cookie").is_none(), "no session yet");
    let body = answer.ok(200);
    assert!(body.get("access_token").is_none(), "{body}");
    body["second_factor"].clone()
}

async fn complete(app: &TestApp, challenge: &Value, code: &str) -> test_support::Response {
    app.request(Method::POST, "/api/v1/auth/second-factor")
        .json(&json!({ "challenge": challenge["challenge"], "code": code }))
        .call()
        .await
}

#[tokio::test]
async fn a_confirmed_authenticator_is_asked_for_and_each_code_works_once() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let leader = &org.leader_a;
    let enrolment = app
        .as_(leader)
        .post("/api/v1/me/second-factor", &json!({}))
        .call()
        .await
        .ok(201);
    assert!(
        enrolment["otpauth_url"]
            .as_str()
            .is_some_and(|url| url.starts_with("otpauth://totp/Coaching%20Hub:")),
        "{enrolment}"
    );
    assert!(
        enrolment["qr_svg_data_url"]
            .as_str()
            .is_some_and(|url| url.starts_with("data:image/svg+xml;base64,")),
        "{enrolment}"
    );
    let secret = enrolment["secret"].as_str().expect("a secret");
    // Not yet confirmed: sign-in is as before, and a wrong code confirms nothing.
    app.login(&leader.email, PASSWORD).await.ok(200)["access_token"]
        .as_str()
        .expect("signed in straight away");
    let right = code(secret, &leader.email, 0);
    let wrong = format!("{}{}", &right[..5], (right.as_bytes()[5] - b'0' + 1) % 10);
    let problem = app
        .as_(leader)
        .post(
            "/api/v1/me/second-factor/confirm",
            &json!({ "code": wrong }),
        )
        .call()
        .await
        .problem(422);
    assert!(problem["errors"]["code"].is_array(), "{problem}");
    let problem = app
        .as_(leader)
        .post(
            "/api/v1/me/second-factor/confirm",
            &json!({ "code": "12ab56" }),
        )
        .call()
        .await
        .problem(422);
    assert!(problem["errors"]["code"].is_array(), "{problem}");
    let codes = app
        .as_(leader)
        .post(
            "/api/v1/me/second-factor/confirm",
            &json!({ "code": right }),
        )
        .call()
        .await
        .ok(200);
    assert_eq!(codes["recovery_codes"].as_array().map(Vec::len), Some(10));
    let status = app
        .as_(leader)
        .get("/api/v1/me/second-factor")
        .call()
        .await
        .ok(200);
    assert_eq!(
        status,
        json!({ "enabled": true, "required": false, "recovery_codes_left": 10 })
    );
    // Setting up again over a confirmed factor is refused.
    app.as_(leader)
        .post("/api/v1/me/second-factor", &json!({}))
        .call()
        .await
        .problem(409);

    let pending = challenge(&app, &leader.email).await;
    assert_eq!(pending["enrolment"], Value::Null);
    // The code that confirmed the app was spent then; two steps away is outside the window.
    complete(&app, &pending, &right).await.problem(401);
    complete(&app, &pending, &code(secret, &leader.email, 3))
        .await
        .problem(401);
    let next = code(secret, &leader.email, 1);
    let signed_in = complete(&app, &pending, &next).await;
    assert!(signed_in.header("set-cookie").is_some());
    let signed_in = signed_in.ok(200);
    assert_eq!(signed_in["user"]["email"], leader.email);
    let token = signed_in["access_token"].as_str().expect("a token");
    app.request(Method::GET, "/api/v1/me")
        .bearer_auth(token)
        .call()
        .await
        .ok(200);
    // The same code again, even with a fresh challenge, is a replay.
    let again = challenge(&app, &leader.email).await;
    let problem = complete(&app, &again, &next).await.problem(401);
    assert_eq!(
        problem["detail"],
        "the code is not right, or was used already"
    );
}

#[tokio::test]
async fn a_recovery_code_signs_in_once() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let (_, codes) = enrol(&app, &org.agent_a1).await;
    let pending = challenge(&app, &org.agent_a1.email).await;
    // Typed loosely: capitals and a space for the dash.
    let typed = codes[3].to_uppercase().replace('-', " ");
    complete(&app, &pending, &typed).await.ok(200);
    let pending = challenge(&app, &org.agent_a1.email).await;
    complete(&app, &pending, &codes[3]).await.problem(401);
    complete(&app, &pending, "not-a-code").await.problem(401);
    let status = app
        .as_(&org.agent_a1)
        .get("/api/v1/me/second-factor")
        .call()
        .await
        .ok(200);
    assert_eq!(status["recovery_codes_left"], 9);
    let audit = app
        .as_(&org.admin)
        .get("/api/v1/audit?action=user.recovery_code_used")
        .call()
        .await
        .ok(200);
    assert_eq!(audit["items"].as_array().map(Vec::len), Some(1));
    assert!(!audit.to_string().contains(&codes[3]));
}

#[tokio::test]
async fn a_forged_or_foreign_challenge_is_refused_and_input_is_checked() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let (secret, _) = enrol(&app, &org.leader_a).await;
    let pending = challenge(&app, &org.leader_a.email).await;
    let forged =
        json!({ "challenge": format!("{}x", pending["challenge"].as_str().unwrap_or_default()) });
    let problem = complete(&app, &forged, &code(&secret, &org.leader_a.email, 1))
        .await
        .problem(401);
    assert_eq!(
        problem["detail"],
        "the sign-in expired; enter your password again"
    );
    let problem = app
        .request(Method::POST, "/api/v1/auth/second-factor")
        .json(&json!({ "challenge": "", "code": "" }))
        .call()
        .await
        .problem(422);
    assert!(problem["errors"]["challenge"].is_array() && problem["errors"]["code"].is_array());
    // A personal access token cannot set up or read a second factor.
    let script = app.as_(&org.leader_b).script(&["read", "write"]).await;
    app.as_(&script)
        .post("/api/v1/me/second-factor", &json!({}))
        .call()
        .await
        .problem(403);
}

#[tokio::test]
async fn concurrent_sign_ins_with_one_code_let_one_in() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let (secret, _) = enrol(&app, &org.manager_a).await;
    let first = challenge(&app, &org.manager_a.email).await;
    let second = challenge(&app, &org.manager_a.email).await;
    let next = code(&secret, &org.manager_a.email, 1);
    let (a, b) = tokio::join!(
        complete(&app, &first, &next),
        complete(&app, &second, &next)
    );
    let mut statuses = [a.status(), b.status()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 401]);
}

#[tokio::test]
async fn a_role_that_needs_a_second_factor_sets_one_up_at_sign_in() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    for refused in [&org.manager_a, &org.leader_a, &org.agent_a1] {
        app.as_(refused)
            .request(Method::PUT, "/api/v1/settings/second-factor")
            .json(&json!({ "roles": ["AGENT"] }))
            .call()
            .await
            .problem(403);
    }
    let problem = app
        .as_(&org.admin)
        .request(Method::PUT, "/api/v1/settings/second-factor")
        .json(&json!({ "roles": ["KING"] }))
        .call()
        .await
        .problem(422);
    assert!(problem["errors"].to_string().contains("roles"), "{problem}");
    let set = app
        .as_(&org.admin)
        .request(Method::PUT, "/api/v1/settings/second-factor")
        .json(&json!({ "roles": ["TEAM_LEADER", "TEAM_LEADER"] }))
        .call()
        .await
        .ok(200);
    assert_eq!(set, json!({ "roles": ["TEAM_LEADER"] }));
    let read = app
        .as_(&org.admin)
        .get("/api/v1/settings/second-factor")
        .call()
        .await
        .ok(200);
    assert_eq!(read, set);

    // An agent signs in as before; a team leader is walked through setting one up.
    app.login(&org.agent_a1.email, PASSWORD).await.ok(200)["access_token"]
        .as_str()
        .expect("signed in");
    let pending = challenge(&app, &org.leader_b.email).await;
    let enrolment = &pending["enrolment"];
    let secret = enrolment["secret"].as_str().expect("an enrolment");
    let signed_in = complete(&app, &pending, &code(secret, &org.leader_b.email, 0))
        .await
        .ok(200);
    assert_eq!(
        signed_in["recovery_codes"].as_array().map(Vec::len),
        Some(10)
    );
    // Turning it on ended the sign-ins from before it.
    app.as_(&org.leader_b).me().await.problem(401);
    let leader_b = Persona {
        token: signed_in["access_token"]
            .as_str()
            .expect("a token")
            .to_owned(),
        ..org.leader_b.clone()
    };
    let status = app
        .as_(&leader_b)
        .get("/api/v1/me/second-factor")
        .call()
        .await
        .ok(200);
    assert_eq!(status["enabled"], true);
    assert_eq!(status["required"], true);
    let next = challenge(&app, &org.leader_b.email).await;
    assert_eq!(next["enrolment"], Value::Null);
    let signed_in = complete(&app, &next, &code(secret, &org.leader_b.email, 1))
        .await
        .ok(200);
    assert!(signed_in.get("recovery_codes").is_none());
}

#[tokio::test]
async fn a_person_turns_it_off_with_a_fresh_code_and_an_admin_removes_a_lost_one() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let agent = &org.agent_a1;
    let (secret, _) = enrol(&app, agent).await;
    let disable = |code: String| {
        app.as_(agent)
            .post("/api/v1/me/second-factor/disable", &json!({ "code": code }))
            .call()
    };
    // The code that confirmed it is spent; a wrong one is wrong.
    for code in [code(&secret, &agent.email, 0), "000000".to_owned()] {
        let problem = disable(code).await.problem(422);
        assert!(problem["errors"]["code"].is_array(), "{problem}");
    }
    disable(code(&secret, &agent.email, 1)).await.ok(204);
    app.login(&agent.email, PASSWORD).await.ok(200)["access_token"]
        .as_str()
        .expect("signed in with the password alone");
    disable(code(&secret, &agent.email, 1)).await.problem(409);

    // Not while the role must use one.
    let (other_secret, _) = enrol(&app, &org.agent_a2).await;
    app.as_(&org.admin)
        .request(Method::PUT, "/api/v1/settings/second-factor")
        .json(&json!({ "roles": ["AGENT"] }))
        .call()
        .await
        .ok(200);
    app.as_(&org.agent_a2)
        .post(
            "/api/v1/me/second-factor/disable",
            &json!({ "code": code(&other_secret, &org.agent_a2.email, 1) }),
        )
        .call()
        .await
        .problem(409);

    // A lost phone: an admin removes it; nobody else may, nor an admin their own.
    let (_, _) = enrol(&app, &org.leader_a).await;
    let path = format!("/api/v1/users/{}/second-factor", org.leader_a.id);
    app.as_(&org.manager_a)
        .request(Method::DELETE, &path)
        .call()
        .await
        .problem(403);
    for stranger in [&org.leader_b, &org.agent_a1] {
        app.as_(stranger)
            .request(Method::DELETE, &path)
            .call()
            .await
            .problem(404);
    }
    app.as_(&org.admin)
        .request(
            Method::DELETE,
            &format!("/api/v1/users/{}/second-factor", org.admin.id),
        )
        .call()
        .await
        .problem(403);
    app.as_(&org.admin)
        .request(Method::DELETE, &path)
        .call()
        .await
        .ok(204);
    app.as_(&org.admin)
        .request(Method::DELETE, &path)
        .call()
        .await
        .problem(404);
    app.login(&org.leader_a.email, PASSWORD).await.ok(200)["access_token"]
        .as_str()
        .expect("signed in with the password alone");
    let audit = app
        .as_(&org.admin)
        .get("/api/v1/audit?action=user.second_factor_removed")
        .call()
        .await
        .ok(200);
    assert_eq!(audit["items"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn turning_it_on_or_off_ends_every_other_sign_in_and_its_live_connection() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let agent = &org.agent_a1;
    let elsewhere = app.persona(agent.id).await;
    let mut socket = app.live(&elsewhere).await;
    let (secret, recovery) = enrol(&app, agent).await;
    app.as_(&elsewhere).me().await.problem(401);
    socket.closes().await;
    app.as_(agent).me().await.ok(200);

    // Signed in again elsewhere, with a recovery code; turning it off ends that sign-in too.
    let step = challenge(&app, &agent.email).await;
    let signed_in = complete(&app, &step, &recovery[0]).await.ok(200);
    let elsewhere = Persona {
        token: signed_in["access_token"]
            .as_str()
            .expect("a token")
            .to_owned(),
        ..agent.clone()
    };
    let mut socket = app.live(&elsewhere).await;
    app.as_(agent)
        .post(
            "/api/v1/me/second-factor/disable",
            &json!({ "code": code(&secret, &agent.email, 1) }),
        )
        .call()
        .await
        .ok(204);
    app.as_(&elsewhere).me().await.problem(401);
    socket.closes().await;
    app.as_(agent).me().await.ok(200);
}

#[tokio::test]
async fn a_challenge_is_used_once_allows_five_codes_and_wrong_codes_pause_the_person_for_an_hour() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let person = &org.leader_a;
    let (secret, recovery) = enrol(&app, person).await;

    // Used once: a second code on a spent challenge is refused.
    let pending = challenge(&app, &person.email).await;
    complete(&app, &pending, &recovery[0]).await.ok(200);
    let problem = complete(&app, &pending, &recovery[1]).await.problem(401);
    assert_eq!(
        problem["detail"],
        "the sign-in expired; enter your password again"
    );

    // Five codes in all: after five wrong ones even the right one is refused.
    let pending = challenge(&app, &person.email).await;
    for _ in 0..5 {
        let problem = complete(&app, &pending, "000000").await.problem(401);
        assert_ne!(
            problem["detail"],
            "the sign-in expired; enter your password again"
        );
    }
    complete(&app, &pending, &code(&secret, &person.email, 1))
        .await
        .problem(401);

    // Ten wrong codes in an hour, over several challenges: no code is checked for the person,
    // the right one neither, and they are told once.
    let pending = challenge(&app, &person.email).await;
    for _ in 0..5 {
        complete(&app, &pending, "000000").await.problem(401);
    }
    let pending = challenge(&app, &person.email).await;
    let paused = complete(&app, &pending, &recovery[2]).await;
    let retry_after: u64 = paused
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .expect("a Retry-After");
    assert!((1..=3600).contains(&retry_after), "{retry_after}");
    paused.problem(429);
    let notices = app
        .as_(person)
        .get("/api/v1/notifications")
        .call()
        .await
        .ok(200);
    let paused = notices["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|n| n["kind"] == "SECOND_FACTOR_PAUSED")
        .count();
    assert_eq!(paused, 1, "{notices}");
}

#[tokio::test]
async fn an_ipv6_client_is_limited_by_its_64() {
    let app = TestApp::spawn_with(|config| {
        config.http.trust_proxy = true;
        config.http.request_limits.per_ip = 3;
    })
    .await;
    let from = |address: &'static str| {
        app.request(Method::GET, "/api/v1/config")
            .header("x-forwarded-for", address)
            .call()
    };
    for address in ["2001:db8:7:1::1", "2001:db8:7:1::2", "2001:db8:7:1:ffff::3"] {
        from(address).await.ok(200);
    }
    from("2001:db8:7:1::4").await.problem(429);
    from("2001:db8:7:2::1").await.ok(200);
}

#[tokio::test]
async fn the_totp_secret_is_stored_sealed_and_recovery_codes_under_a_server_key() {
    use persistence::entity::{recovery_code, second_factor};
    use sea_orm::{ConnectionTrait, EntityTrait};

    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let (secret, codes) = enrol(&app, &org.agent_a1).await;
    let stored: Vec<String> = recovery_code::Entity::find()
        .all(app.db())
        .await
        .expect("reads")
        .into_iter()
        .map(|row| row.code_hash)
        .collect();
    assert_eq!(stored.len(), 10);
    for code in &codes {
        let normal = code.replace('-', "");
        let bare = ring::digest::digest(&ring::digest::SHA256, normal.as_bytes());
        let bare: String = bare.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        assert!(
            !stored.contains(&bare),
            "a bare SHA-256 of a code is stored"
        );
    }
    let stored = app
        .db()
        .query_one_raw(sea_orm::Statement::from_string(
            app.db().get_database_backend(),
            // The one person with a second factor.
            "SELECT secret FROM second_factors".to_owned(),
        ))
        .await
        .expect("reads")
        .expect("a row");
    let raw: String = stored.try_get("", "secret").expect("text");
    assert!(raw.starts_with("enc2:") && !raw.contains(&secret), "{raw}");
    let opened = second_factor::Entity::find_by_id(org.agent_a1.id)
        .one(app.db())
        .await
        .expect("reads")
        .expect("a row");
    assert_eq!(opened.secret.as_str(), secret);
}
