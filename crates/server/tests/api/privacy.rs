//! The right of access: `GET /api/v1/users/{id}/export` gives a person (or an admin) every kind
//! of record about them, secrets left out, and nobody else anything.

use reqwest::Method;
use serde_json::{Value, json};
use test_support::{Call, Persona, TestApp, records};

fn export_path(person: &Persona) -> String {
    format!("/api/v1/users/{}/export", person.id)
}

fn section<'a>(export: &'a Value, name: &str) -> &'a Vec<Value> {
    export[name]
        .as_array()
        .unwrap_or_else(|| panic!("a `{name}` section in {export}"))
}

#[tokio::test]
async fn a_person_gets_every_kind_of_record_about_them_and_no_secret() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let agent = &org.agent_a1;
    let coach = app.as_(&org.leader_a);
    coach
        .schedule_session(records::session(agent.id, 1))
        .await
        .ok(201);
    coach
        .write_note(records::note(
            agent.id,
            "Calm with an angry caller",
            "SHARED",
        ))
        .await
        .ok(201);
    coach
        .write_note(records::note(
            agent.id,
            "Ask about the rota change",
            "PRIVATE",
        ))
        .await
        .ok(201);
    coach
        .create_action_item(records::action_item(agent.id, 7))
        .await
        .ok(201);
    coach
        .create_action_plan(records::action_plan(agent.id))
        .await
        .ok(201);
    coach
        .put_metrics(agent.id, "2026-01", records::all_kpis(88.0))
        .await
        .ok(200);
    let token = app
        .as_(agent)
        .post(
            "/api/v1/me/tokens",
            &json!({ "name": "My export", "scopes": ["read"], "expires_in_days": 1 }),
        )
        .call()
        .await
        .ok(201);

    let answer = app.as_(agent).get(&export_path(agent)).call().await;
    assert!(
        answer
            .header("content-disposition")
            .is_some_and(|d| d.starts_with("attachment")),
    );
    let export = answer.ok(200);
    assert_eq!(export["person"]["email"], agent.email);
    for (name, at_least) in [
        ("team_memberships", 1),
        ("coaching_sessions", 1),
        ("quick_notes", 2),
        ("action_items", 3),
        ("action_plans", 1),
        ("metric_months", 1),
        ("metric_values", 8),
        ("notifications", 1),
        ("sign_in_sessions", 1),
        ("access_tokens", 1),
        ("audit_entries", 1),
    ] {
        let rows = section(&export, name).len();
        assert!(rows >= at_least, "{name}: {rows} rows, wanted {at_least}+");
    }
    let text = export.to_string();
    // Private notes about the person are theirs to see here too.
    assert!(
        text.contains("Calm with an angry caller") && text.contains("Ask about the rota change")
    );
    for secret in ["password_hash", "token_hash", "\"secret\""] {
        assert!(!text.contains(secret), "the export holds {secret}");
    }
    assert!(!text.contains(token["secret"].as_str().expect("a secret")));
    // Nothing about anyone else's agent.
    assert!(!text.contains(&org.agent_b1.id.to_string()));

    // A read token of theirs exports too; the exports are audited, without their content.
    let script = Persona {
        token: token["secret"].as_str().expect("a secret").to_owned(),
        ..agent.clone()
    };
    app.as_(&script)
        .get(&export_path(agent))
        .call()
        .await
        .ok(200);
    let audit = app
        .as_(&org.admin)
        .get("/api/v1/audit?action=user.export")
        .call()
        .await
        .ok(200);
    assert_eq!(audit["items"].as_array().map(Vec::len), Some(2));
    assert!(!audit.to_string().contains("Calm with an angry caller"));
}

#[tokio::test]
async fn only_the_person_and_admins_export() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let agent = &org.agent_a1;
    let admin = app
        .as_(&org.admin)
        .get(&export_path(agent))
        .call()
        .await
        .ok(200);
    assert_eq!(admin["person"]["id"], json!(agent.id));
    // Their coaches see them, and may not export them.
    for coach in [&org.leader_a, &org.manager_a] {
        app.as_(coach)
            .get(&export_path(agent))
            .call()
            .await
            .problem(403);
    }
    // Another team, another agent: not found.
    for stranger in [&org.leader_b, &org.manager_b, &org.agent_a2, &org.agent_b1] {
        app.as_(stranger)
            .get(&export_path(agent))
            .call()
            .await
            .problem(404);
    }
    app.as_(&org.admin)
        .get(&format!("/api/v1/users/{}/export", uuid::Uuid::now_v7()))
        .call()
        .await
        .problem(404);
    app.as_(&org.admin)
        .get("/api/v1/users/not-a-uuid/export")
        .call()
        .await
        .problem(404);
    app.request(Method::GET, &export_path(agent))
        .call()
        .await
        .problem(401);
    // A leader exports themselves: what they wrote about their agents is part of it.
    app.as_(&org.leader_a)
        .write_note(records::note(agent.id, "Leader's own words", "SHARED"))
        .await
        .ok(201);
    let own = app
        .as_(&org.leader_a)
        .get(&export_path(&org.leader_a))
        .call()
        .await
        .ok(200);
    assert!(own.to_string().contains("Leader's own words"));
    assert!(!section(&own, "teams_led_or_managed").is_empty());
}
