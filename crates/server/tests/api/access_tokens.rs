//! Personal access tokens: made and revoked by their owner signed in, used as bearer tokens,
//! narrowed to their scopes, never beyond the owner's role.

use chrono::{Duration, Utc};
use domain::Grant;
use dto::{AccessToken, CreatedAccessToken};
use persistence::entity::access_token;
use reqwest::Method;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use test_support::org::PASSWORD;
use test_support::{Call, Org, Persona, TestApp, records};

/// `owner` makes a token with `scopes`; returns the token and a persona that uses it.
async fn token_of(app: &TestApp, owner: &Persona, scopes: &[&str]) -> (AccessToken, Persona) {
    let created: CreatedAccessToken = app
        .as_(owner)
        .post(
            "/api/v1/me/tokens",
            &json!({ "name": "Reporting script", "scopes": scopes, "expires_in_days": 30 }),
        )
        .call_as()
        .await
        .ok(201);
    let secret = created.secret;
    assert!(secret.starts_with("chp_"), "{secret}");
    let user = Persona {
        token: secret,
        ..owner.clone()
    };
    (created.token, user)
}

fn revoke_path(token: &AccessToken) -> String {
    format!("/api/v1/me/tokens/{}", token.id)
}

/// The owner's tokens, as the owner lists them.
async fn tokens(app: &TestApp, owner: &Persona) -> Vec<AccessToken> {
    app.as_(owner)
        .get("/api/v1/me/tokens")
        .call_as()
        .await
        .ok(200)
}

async fn seeded() -> (TestApp, Org) {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    (app, org)
}

#[tokio::test]
async fn a_read_token_reads_what_its_owner_sees_and_writes_nothing() {
    let (app, org) = seeded().await;
    let (created, reader) = token_of(&app, &org.leader_a, &["read"]).await;
    assert_eq!(created.scopes, [Grant::Read]);
    assert_eq!(created.last_used_at, None);

    let me = app.as_(&reader).me().await.ok(200);
    assert_eq!(me["user"]["id"], json!(org.leader_a.id));
    app.as_(&reader)
        .get(&format!("/api/v1/users/{}", org.agent_a1.id))
        .call()
        .await
        .ok(200);
    // Another team's agent stays out of reach, by id and by search.
    app.as_(&reader)
        .get(&format!("/api/v1/users/{}", org.agent_b1.id))
        .call()
        .await
        .problem(404);
    let found = app.as_(&reader).search("Agent").await.ok(200);
    assert!(
        !found.to_string().contains(&org.agent_b1.id.to_string()),
        "{found}"
    );

    let refused = app
        .as_(&reader)
        .write_note(records::note(
            org.agent_a1.id,
            "Strong close on call 4",
            "SHARED",
        ))
        .await;
    assert_eq!(
        refused.header("www-authenticate"),
        Some("Bearer error=\"insufficient_scope\"")
    );
    let problem = refused.problem(403);
    assert_eq!(problem["detail"], "this token lacks the `write` scope");

    // The owner sees the token, its use, and never its secret again.
    let answer = app.as_(&org.leader_a).get("/api/v1/me/tokens").call().await;
    let raw = answer.text();
    assert!(
        !raw.contains("secret") && !raw.contains(&reader.token),
        "{raw}"
    );
    let listed = tokens(&app, &org.leader_a).await;
    assert_eq!(listed.len(), 1);
    assert!(listed[0].last_used_at.is_some(), "{listed:?}");
}

#[tokio::test]
async fn a_write_token_coaches_within_the_owners_teams() {
    let (app, org) = seeded().await;
    let (_, writer) = token_of(&app, &org.leader_a, &["write"]).await;
    let note = app
        .as_(&writer)
        .write_note(records::note(
            org.agent_a1.id,
            "Good empathy today",
            "SHARED",
        ))
        .await
        .ok(201);
    assert_eq!(note.author_id, org.leader_a.id.into());
    app.as_(&writer).me().await.ok(200);
    // Another team's agent is out of reach as for the owner.
    let problem = app
        .as_(&writer)
        .write_note(records::note(org.agent_b1.id, "Not my agent", "SHARED"))
        .await
        .problem(422);
    assert!(problem["errors"]["agent_id"].is_array(), "{problem}");
    // An import token imports, and reads nothing else.
    let (_, importer) = token_of(&app, &org.manager_a, &["metrics:import"]).await;
    let problem = app.as_(&importer).me().await.problem(403);
    assert_eq!(problem["detail"], "this token lacks the `read` scope");
    app.as_(&importer)
        .write_note(records::note(org.agent_a1.id, "Not an import", "SHARED"))
        .await
        .problem(403);
}

#[tokio::test]
async fn scopes_never_exceed_the_owners_role() {
    let (app, org) = seeded().await;
    for (owner, scope) in [(&org.agent_a1, "admin"), (&org.leader_a, "metrics:import")] {
        let problem = app
            .as_(owner)
            .post(
                "/api/v1/me/tokens",
                &json!({ "name": "Too much", "scopes": ["read", scope], "expires_in_days": 7 }),
            )
            .call()
            .await
            .problem(422);
        assert!(problem["errors"]["scopes"].is_array(), "{problem}");
    }
    app.as_(&org.loner)
        .get("/api/v1/me/tokens")
        .call()
        .await
        .ok(200);
    // An admin's read token does not reach administration; with `admin` it does.
    let (_, admin_reader) = token_of(&app, &org.admin, &["read"]).await;
    app.as_(&admin_reader)
        .get("/api/v1/audit")
        .call()
        .await
        .problem(403);
    let (_, administrator) = token_of(&app, &org.admin, &["read", "admin"]).await;
    app.as_(&administrator)
        .get("/api/v1/audit")
        .call()
        .await
        .ok(200);
    // A manager's import token imports; their read token does not.
    let csv = format!(
        "email,month,quality_score\n{},2026-10,90\n",
        org.agent_a1.email
    );
    let (_, importer) = token_of(&app, &org.manager_a, &["metrics:import"]).await;
    app.as_(&importer).import_metrics(csv.clone()).await.ok(200);
    let (_, manager_reader) = token_of(&app, &org.manager_a, &["read"]).await;
    app.as_(&manager_reader)
        .import_metrics(csv)
        .await
        .problem(403);
}

#[tokio::test]
async fn revoked_expired_and_deactivated_tokens_are_refused() {
    let (app, org) = seeded().await;
    let (revoked, revoked_user) = token_of(&app, &org.leader_a, &["read"]).await;
    app.as_(&revoked_user).me().await.ok(200);
    // Nobody else can revoke it, not even an admin through this path.
    app.as_(&org.admin)
        .request(Method::DELETE, &revoke_path(&revoked))
        .call()
        .await
        .problem(404);
    app.as_(&org.leader_a)
        .request(Method::DELETE, &revoke_path(&revoked))
        .call()
        .await
        .ok(204);
    let problem = app.as_(&revoked_user).me().await.problem(401);
    assert_eq!(
        problem["detail"],
        "unknown, expired or revoked access token"
    );
    assert_eq!(tokens(&app, &org.leader_a).await, []);

    let (expiring, expired_user) = token_of(&app, &org.leader_a, &["read"]).await;
    app.as_(&expired_user).me().await.ok(200);
    let id = expiring.id;
    access_token::Entity::update_many()
        .col_expr(
            access_token::Column::ExpiresAt,
            Expr::value(Utc::now() - Duration::seconds(1)),
        )
        .filter(access_token::Column::Id.eq(id))
        .exec(app.db())
        .await
        .expect("expires the token");
    app.as_(&expired_user).me().await.problem(401);

    let (_, agent_token) = token_of(&app, &org.agent_a1, &["read"]).await;
    app.as_(&agent_token).me().await.ok(200);
    app.as_(&org.admin)
        .post(
            &format!("/api/v1/users/{}/deactivate", org.agent_a1.id),
            &json!({}),
        )
        .call()
        .await
        .ok(200);
    app.as_(&agent_token).me().await.problem(401);
    app.request(Method::GET, "/api/v1/me")
        .bearer_auth("chp_not-a-token")
        .call()
        .await
        .problem(401);
}

#[tokio::test]
async fn a_token_cannot_manage_tokens_or_change_the_password() {
    let (app, org) = seeded().await;
    let (created, everything) = token_of(&app, &org.admin, &["read", "write", "admin"]).await;
    for (method, path, body) in [
        (Method::GET, "/api/v1/me/tokens".to_owned(), None),
        (
            Method::POST,
            "/api/v1/me/tokens".to_owned(),
            Some(json!({ "name": "Child", "scopes": ["read"], "expires_in_days": 1 })),
        ),
        (Method::DELETE, revoke_path(&created), None),
        (
            Method::POST,
            "/api/v1/me/password".to_owned(),
            Some(json!({ "current_password": PASSWORD, "new_password": "another-long-password" })),
        ),
    ] {
        let mut request = app.as_(&everything).request(method.clone(), &path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let problem = request.call().await.problem(403);
        assert!(
            problem["detail"]
                .as_str()
                .is_some_and(|d| d.contains("cannot do this")),
            "{method} {path}: {problem}"
        );
    }
    app.request(Method::GET, "/api/v1/me/tokens")
        .call()
        .await
        .problem(401);
}

#[tokio::test]
async fn invalid_tokens_are_refused_field_by_field() {
    let (app, org) = seeded().await;
    for (body, field) in [
        (
            json!({ "name": " ", "scopes": ["read"], "expires_in_days": 30 }),
            "name",
        ),
        (
            json!({ "name": "x".repeat(101), "scopes": ["read"], "expires_in_days": 30 }),
            "name",
        ),
        (
            json!({ "name": "Empty", "scopes": [], "expires_in_days": 30 }),
            "scopes",
        ),
        (
            json!({ "name": "Twice", "scopes": ["read", "read"], "expires_in_days": 30 }),
            "scopes",
        ),
        (
            json!({ "name": "Root", "scopes": ["root"], "expires_in_days": 30 }),
            "scopes",
        ),
        (
            json!({ "name": "Never", "scopes": ["read"], "expires_in_days": 0 }),
            "expires_in_days",
        ),
        (
            json!({ "name": "Forever", "scopes": ["read"], "expires_in_days": 367 }),
            "expires_in_days",
        ),
    ] {
        let problem = app
            .as_(&org.leader_a)
            .post("/api/v1/me/tokens", &body)
            .call()
            .await
            .problem(422);
        let errors = &problem["errors"];
        assert!(
            errors
                .as_object()
                .is_some_and(|e| e.keys().any(|k| k.starts_with(field))),
            "{body}: {problem}"
        );
    }
    assert_eq!(tokens(&app, &org.leader_a).await, []);
}

#[tokio::test]
async fn concurrent_revokes_revoke_once() {
    let (app, org) = seeded().await;
    let (created, _) = token_of(&app, &org.leader_a, &["read"]).await;
    let path = revoke_path(&created);
    let (first, second) = tokio::join!(
        app.as_(&org.leader_a).request(Method::DELETE, &path).call(),
        app.as_(&org.leader_a).request(Method::DELETE, &path).call(),
    );
    assert_eq!((first.status(), second.status()), (204, 204));
    let audit = app
        .as_(&org.admin)
        .get("/api/v1/audit?action=access_token.revoke")
        .call()
        .await
        .ok(200);
    assert_eq!(audit["items"].as_array().map(Vec::len), Some(1), "{audit}");
    let made = app
        .as_(&org.admin)
        .get("/api/v1/audit?action=access_token.create")
        .call()
        .await
        .ok(200);
    assert!(!made.to_string().contains("token_hash"), "{made}");
}

#[tokio::test]
async fn a_password_reset_a_password_change_and_deactivation_end_every_token() {
    let (app, org) = seeded().await;
    let leader = &org.leader_a;
    let before_reset = app.as_(leader).script(&["read"]).await;
    let reset = app
        .as_(&org.admin)
        .post(
            &format!("/api/v1/users/{}/password-reset", leader.id),
            &json!({}),
        )
        .call()
        .await
        .ok(200);
    app.as_(&before_reset).me().await.problem(401);

    // A temporary password is replaced before the sign-in completes.
    let temporary = reset["temporary_password"].as_str().expect("a password");
    let replace = app.login(&leader.email, temporary).await.ok(200);
    let signed_in = app
        .request(reqwest::Method::POST, "/api/v1/auth/new-password")
        .json(&json!({ "token": replace["new_password"]["token"], "new_password": "the leader's own passphrase" }))
        .call()
        .await
        .ok(200);
    let leader = Persona {
        token: signed_in["access_token"]
            .as_str()
            .expect("a token")
            .to_owned(),
        ..leader.clone()
    };
    let before_change = app.as_(&leader).script(&["read"]).await;
    app.as_(&leader)
        .post(
            "/api/v1/me/password",
            &json!({ "current_password": "the leader's own passphrase", "new_password": "a-brand-new-passphrase" }),
        )
        .call()
        .await
        .ok(204);
    app.as_(&before_change).me().await.problem(401);
    app.as_(&leader).me().await.ok(200);

    // A reactivated person starts clean: the tokens made before are over.
    let before_deactivation = app.as_(&org.agent_a1).script(&["read"]).await;
    for step in ["deactivate", "reactivate"] {
        let person = app
            .as_(&org.admin)
            .get(&format!("/api/v1/users/{}", org.agent_a1.id))
            .call()
            .await
            .ok(200);
        app.as_(&org.admin)
            .post(
                &format!("/api/v1/users/{}/{step}", org.agent_a1.id),
                &json!({ "version": person["version"] }),
            )
            .call()
            .await
            .ok(200);
    }
    app.as_(&before_deactivation).me().await.problem(401);
    let listed = app
        .as_(&leader)
        .get("/api/v1/me/tokens")
        .call()
        .await
        .ok(200);
    assert_eq!(listed, json!([]), "revoked tokens are not listed");
}

#[tokio::test]
async fn an_import_token_imports_and_follows_its_job_and_changes_nothing_else() {
    let (app, org) = seeded().await;
    let importer = app.as_(&org.manager_a).script(&["metrics:import"]).await;
    let csv = format!(
        "email,month,schedule_adherence\n{},2026-01,91\n",
        org.agent_a1.email
    );
    let started = app
        .as_(&importer)
        .request(Method::POST, "/api/v1/metrics/import")
        .header("content-type", "text/csv")
        .header("prefer", "respond-async")
        .body(csv)
        .call()
        .await
        .ok(202);
    let job = format!(
        "/api/v1/metrics/import/jobs/{}",
        started["id"].as_str().expect("a job id")
    );
    app.as_(&importer).get(&job).call().await.ok(200);
    // Another person's token does not read the job.
    let other = app.as_(&org.manager_b).script(&["read"]).await;
    app.as_(&other).get(&job).call().await.problem(404);

    for (method, path, body) in [
        (
            Method::PUT,
            "/api/v1/me/email-notifications",
            json!({ "enabled": false }),
        ),
        (Method::POST, "/api/v1/notifications/read", json!({})),
        (Method::POST, "/api/v1/me/calendar", json!({})),
    ] {
        let refused = app
            .as_(&importer)
            .request(method, path)
            .json(&body)
            .call()
            .await
            .problem(403);
        assert_eq!(
            refused["detail"], "this token lacks the `write` scope",
            "{path}"
        );
    }
}
