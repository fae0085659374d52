//! The right of access: `GET /api/v1/users/{id}/export` gives a person (or an admin) every kind
//! of record about them, secrets left out, and nobody else anything. The right to erasure:
//! `POST /api/v1/users/{id}/erase` (admins) leaves nothing of the person in any table, keeps their
//! team's scores, and the audit chain still verifies.

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

    app.as_(agent)
        .request(reqwest::Method::PUT, "/api/v1/me/email-notifications")
        .json(&json!({ "enabled": false }))
        .call()
        .await
        .ok(200);
    app.as_(agent)
        .post("/api/v1/me/calendar", &json!({}))
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
        ("quick_notes", 1),
        ("action_items", 3),
        ("action_plans", 1),
        ("metric_months", 1),
        ("metric_values", 8),
        ("notifications", 1),
        ("sign_in_sessions", 1),
        ("access_tokens", 1),
        ("calendar_feed", 1),
        ("email_opt_out", 1),
        ("audit_entries", 1),
    ] {
        let rows = section(&export, name).len();
        assert!(rows >= at_least, "{name}: {rows} rows, wanted {at_least}+");
    }
    let text = export.to_string();
    // A private note is its author's alone, whoever it is about.
    assert!(text.contains("Calm with an angry caller"));
    assert!(!text.contains("Ask about the rota change"));
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
async fn a_private_note_is_in_its_authors_own_export_and_no_other() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let coach = &org.leader_a;
    app.as_(coach)
        .write_note(records::note(
            org.agent_a1.id,
            "Ask about the rota change",
            "PRIVATE",
        ))
        .await
        .ok(201);
    app.as_(coach)
        .write_note(records::note(
            org.agent_a1.id,
            "Great hold etiquette",
            "SHARED",
        ))
        .await
        .ok(201);
    // Something the agent did themselves, audited with their address.
    let me = app
        .as_(&org.agent_a1)
        .get(&format!("/api/v1/users/{}", org.agent_a1.id))
        .call()
        .await
        .ok(200);
    app.as_(&org.agent_a1)
        .patch(
            &format!("/api/v1/users/{}", org.agent_a1.id),
            &json!({ "name": "Ana Agent", "version": me["version"] }),
        )
        .call()
        .await
        .ok(200);
    let own = app.as_(coach).get(&export_path(coach)).call().await.ok(200);
    assert_eq!(section(&own, "quick_notes").len(), 2);
    assert!(own.to_string().contains("Ask about the rota change"));

    let by_admin = app
        .as_(&org.admin)
        .get(&export_path(coach))
        .call()
        .await
        .ok(200);
    let by_agent = app
        .as_(&org.agent_a1)
        .get(&export_path(&org.agent_a1))
        .call()
        .await
        .ok(200);
    for export in [&by_admin, &by_agent] {
        let text = export.to_string();
        assert!(!text.contains("Ask about the rota change"), "{text}");
        assert!(text.contains("Great hold etiquette"));
        assert_eq!(section(export, "quick_notes").len(), 1);
    }
    // The agent's audit entries include what the coach did to their records, without where the
    // coach was or which request it was.
    let others = section(&by_agent, "audit_entries")
        .iter()
        .filter(|entry| entry["actor_id"] != json!(org.agent_a1.id))
        .collect::<Vec<_>>();
    assert!(!others.is_empty(), "{by_agent}");
    for entry in others {
        for trace in ["ip", "ip_digest", "request_id"] {
            assert!(entry.get(trace).is_none(), "{trace} in {entry}");
        }
    }
    let mine = section(&by_agent, "audit_entries")
        .iter()
        .find(|entry| entry["actor_id"] == json!(org.agent_a1.id));
    assert!(
        mine.is_some_and(|entry| entry["ip"].is_string()),
        "{by_agent}"
    );
}

#[tokio::test]
async fn a_name_that_looks_sealed_is_exported_as_the_text_it_is() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let agent = &org.agent_a1;
    let me = app
        .as_(agent)
        .get(&format!("/api/v1/users/{}", agent.id))
        .call()
        .await
        .ok(200);
    app.as_(agent)
        .patch(
            &format!("/api/v1/users/{}", agent.id),
            &json!({ "name": "enc1:zz:AA", "version": me["version"] }),
        )
        .call()
        .await
        .ok(200);
    let export = app.as_(agent).get(&export_path(agent)).call().await.ok(200);
    assert_eq!(export["person"]["name"], "enc1:zz:AA");
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

fn erase_path(person: &Persona) -> String {
    format!("/api/v1/users/{}/erase", person.id)
}

#[tokio::test]
async fn erasing_a_person_leaves_nothing_of_them_keeps_team_scores_and_the_chain() {
    use crate::encryption::{self, marker};
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let agent = &org.agent_a1;
    let (note, session, plan) = encryption::write_sealed_text(&app, &org).await;
    let item_title = "Shadow Xylographer on billing calls";
    let mut item = records::action_item(agent.id, 7);
    item["title"] = json!(item_title);
    item["description"] = json!("Quillwort checklist");
    app.as_(&org.leader_a)
        .create_action_item(item)
        .await
        .ok(201);
    for (who, score) in [(agent, 91.0), (&org.agent_a2, 63.0)] {
        app.as_(&org.leader_a)
            .put_metrics(who.id, "2026-01", records::all_kpis(score))
            .await
            .ok(200);
    }
    // An evaluation of one of their calls, linked to its recording and commented on.
    let form = app
        .as_(&org.admin)
        .create_form(records::call_form("Calls", &[]))
        .await
        .ok(201);
    let answers = [
        (0, json!("YES")),
        (1, json!(5)),
        (2, json!(10)),
        (3, json!("YES")),
    ];
    let mut body = records::evaluation(&form, agent.id, &answers);
    body["interaction_url"] = json!("https://cc.example.com/calls/zymurgy-4417");
    body["answers"][0]["comment"] = json!("Greeted Mrs Vantablack by name");
    let draft = app
        .as_(&org.analyst_a)
        .create_evaluation(body)
        .await
        .ok(201);
    let evaluation = app
        .as_(&org.analyst_a)
        .evaluation_step(&draft, "submit", json!({}))
        .await
        .ok(200);
    let exported = app.as_(agent).get(&export_path(agent)).call().await.ok(200);
    assert_eq!(section(&exported, "evaluations").len(), 1);
    let scorecard = format!("/api/v1/teams/{}/scorecard?month=2026-01", org.team_a);
    let scores = |card: &Value| {
        let rows = card["agents"].as_array().expect("agents").clone();
        let scores: Vec<(Value, Value, Value)> = rows
            .iter()
            .map(|row| {
                (
                    row["agent_id"].clone(),
                    row["score"].clone(),
                    row["rank"].clone(),
                )
            })
            .collect();
        (scores, card["average"].clone())
    };
    let before = scores(&app.as_(&org.leader_a).get(&scorecard).call().await.ok(200));
    let stored = app.test_db.stored_text(&app.state.db).await;
    for seeded in [agent.email.as_str(), "Agent A1", item_title] {
        assert!(
            stored.contains(seeded),
            "`{seeded}` is stored before erasure"
        );
    }

    let tombstone = app
        .as_(&org.admin)
        .post(&erase_path(agent), &json!({}))
        .call()
        .await
        .ok(200);
    assert_eq!(tombstone["name"], "Erased person");
    assert_eq!(tombstone["active"], false);

    // No table holds their name, email or what was written about them.
    let stored = app.test_db.stored_text(&app.state.db).await.to_lowercase();
    let mut seeded = vec![
        agent.email.as_str(),
        "agent a1",
        "agent.a1",
        item_title,
        "quillwort",
        "zymurgy-4417",
    ];
    for text in [
        encryption::NOTE,
        encryption::PREPARATION,
        encryption::SESSION_NOTES,
        encryption::SESSION_COMMENT,
        encryption::GOAL,
        encryption::PLAN_COMMENT,
        encryption::CHECKPOINT,
    ] {
        seeded.push(marker(text));
    }
    for text in &seeded {
        assert!(
            !stored.contains(&text.to_lowercase()),
            "`{text}` is still stored"
        );
    }
    // Nor does anything read back or search to it, key or not.
    let leader = app.as_(&org.leader_a);
    let read_note: dto::QuickNote = leader
        .get(&format!("/api/v1/quick-notes/{}", note.id))
        .call_as()
        .await
        .ok(200);
    assert_eq!(read_note.content, "[erased]");
    let read_session = leader
        .get(&format!("/api/v1/sessions/{}", session.id))
        .call()
        .await
        .ok(200);
    assert_eq!(read_session["session_notes"], Value::Null);
    assert_eq!(read_session["focus_areas"], json!([]));
    let read_evaluation = leader.evaluation(&evaluation).await.ok(200);
    assert_eq!(read_evaluation.score, Some(100.0), "the score stays");
    assert_eq!(read_evaluation.interaction_url, None);
    assert!(read_evaluation.answers.iter().all(|a| a.comment.is_none()));
    assert_eq!(read_evaluation.strengths, None);
    let read_plan = leader.action_plan(plan.id).await.ok(200);
    assert_eq!(read_plan.goal, "[erased]");
    assert_eq!(read_plan.checkpoints[0].notes, "[erased]");
    for word in [marker(encryption::NOTE), "Xylographer", "Agent A1"] {
        let hits = app.as_(&org.admin).search(word).await.ok(200);
        assert_eq!(hits["items"], json!([]), "a search for {word} finds {hits}");
    }
    // Their scores stay, under the tombstone: the team's figures do not move.
    let after = scores(&app.as_(&org.leader_a).get(&scorecard).call().await.ok(200));
    assert_eq!(before, after);
    // They cannot sign in or use a token they held.
    app.as_(agent).get("/api/v1/me").call().await.problem(401);
    // The chain still verifies; the erasure is in it, with counts only.
    let verified = crate::helpers::audit_verification(&app, &org.admin).await;
    assert_eq!(verified["intact"], true, "{verified}");
    let erased = app
        .as_(&org.admin)
        .get("/api/v1/audit?action=user.erase")
        .call()
        .await
        .ok(200);
    let entry = &erased["items"][0];
    assert_eq!(entry["resource_id"], json!(agent.id));
    assert!(
        entry["changes"]["records_erased"].as_u64() >= Some(5),
        "{entry}"
    );
    // Once is enough.
    app.as_(&org.admin)
        .post(&erase_path(agent), &json!({}))
        .call()
        .await
        .problem(409);
}

#[tokio::test]
async fn only_admins_erase_others_at_the_version_they_saw() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let agent = &org.agent_a1;
    for coach in [&org.leader_a, &org.manager_a] {
        app.as_(coach)
            .post(&erase_path(agent), &json!({}))
            .call()
            .await
            .problem(403);
    }
    for stranger in [&org.leader_b, &org.manager_b, &org.agent_a2] {
        app.as_(stranger)
            .post(&erase_path(agent), &json!({}))
            .call()
            .await
            .problem(404);
    }
    app.as_(agent)
        .post(&erase_path(agent), &json!({}))
        .call()
        .await
        .problem(403);
    app.as_(&org.admin)
        .post(&erase_path(&org.admin), &json!({}))
        .call()
        .await
        .problem(403);
    app.as_(&org.admin)
        .post(
            &format!("/api/v1/users/{}/erase", uuid::Uuid::now_v7()),
            &json!({}),
        )
        .call()
        .await
        .problem(404);
    app.request(Method::POST, &erase_path(agent))
        .call()
        .await
        .problem(401);
    // An admin who saw an older version of the person erases nothing.
    let stale = app
        .as_(&org.admin)
        .request(Method::POST, &erase_path(agent))
        .header("if-match", "\"0\"")
        .send()
        .await
        .expect("answers");
    crate::helpers::problem(stale, 412).await;
    let person = app
        .as_(&org.admin)
        .get(&format!("/api/v1/users/{}", agent.id))
        .call()
        .await
        .ok(200);
    assert_eq!(person["email"], agent.email.as_str());
    let version = person["version"].as_i64().expect("a version");
    let current = app
        .as_(&org.admin)
        .request(Method::POST, &erase_path(agent))
        .header("if-match", format!("\"{version}\""))
        .send()
        .await
        .expect("answers");
    assert_eq!(current.status(), 200);
}

#[tokio::test]
async fn the_retention_period_deletes_old_notes_and_clears_old_sessions_text() {
    use crate::encryption::{self, marker};
    use persistence::entity::{coaching_session, quick_note};
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let (old_note, old_session, _) = encryption::write_sealed_text(&app, &org).await;
    let leader = app.as_(&org.leader_a);
    let recent = leader
        .write_note(records::note(
            org.agent_a1.id,
            "Written this week",
            "SHARED",
        ))
        .await
        .ok(201);
    let id_of = |note: &dto::QuickNote| note.id;
    // The first note and the completed session are two years old.
    let two_years_ago = chrono::Utc::now() - chrono::Duration::days(730);
    quick_note::Entity::update_many()
        .col_expr(quick_note::Column::CreatedAt, Expr::value(two_years_ago))
        .filter(quick_note::Column::Id.eq(id_of(&old_note)))
        .exec(app.db())
        .await
        .expect("ages the note");
    coaching_session::Entity::update_many()
        .col_expr(
            coaching_session::Column::ScheduledAt,
            Expr::value(two_years_ago),
        )
        .filter(coaching_session::Column::Id.eq(old_session.id))
        .exec(app.db())
        .await
        .expect("ages the session");

    let retention = || {
        crate::helpers::run_ok(
            encryption::coaching_hub(&app, test_support::TEST_ENCRYPTION_KEYS)
                .arg("retention")
                .env("RETENTION_MONTHS", "12"),
        )
    };
    let stdout = retention();
    assert!(
        stdout.contains("1 quick notes deleted, 1 ended sessions cleared"),
        "{stdout}"
    );

    leader
        .get(&format!("/api/v1/quick-notes/{}", id_of(&old_note)))
        .call()
        .await
        .problem(404);
    leader
        .get(&format!("/api/v1/quick-notes/{}", id_of(&recent)))
        .call()
        .await
        .ok(200);
    let session = leader
        .get(&format!("/api/v1/sessions/{}", old_session.id))
        .call()
        .await
        .ok(200);
    assert_eq!(session["session_notes"], Value::Null);
    assert_eq!(session["preparation_notes"], Value::Null);
    assert_eq!(session["acknowledgement_comment"], Value::Null);
    assert_eq!(
        session["current_score"], 80.0,
        "the score stays for the trends"
    );
    for text in [encryption::NOTE, encryption::SESSION_NOTES] {
        let hits = app.as_(&org.admin).search(marker(text)).await.ok(200);
        assert_eq!(hits["items"], json!([]), "{hits}");
    }
    let verified = crate::helpers::audit_verification(&app, &org.admin).await;
    assert_eq!(verified["intact"], true, "{verified}");
    let logged = app
        .as_(&org.admin)
        .get("/api/v1/audit?action=retention.apply")
        .call()
        .await
        .ok(200);
    assert_eq!(
        logged["items"][0]["changes"]["notes_deleted"], 1,
        "{logged}"
    );

    // Nothing older is left: a second run changes nothing.
    let again = retention();
    assert!(
        again.contains("0 quick notes deleted, 0 ended sessions cleared"),
        "{again}"
    );
    // Without a period, nothing is ever erased.
    let unset = encryption::coaching_hub(&app, test_support::TEST_ENCRYPTION_KEYS)
        .arg("retention")
        .output()
        .expect("runs");
    assert!(!unset.status.success());
    assert!(String::from_utf8_lossy(&unset.stderr).contains("RETENTION_MONTHS is not set"));
}

#[tokio::test]
async fn an_erased_persons_address_cannot_be_recovered_from_the_audit_log() {
    use persistence::entity::audit_entry;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let agent = &org.agent_a1;
    app.as_(agent)
        .post("/api/v1/me/calendar", &json!({}))
        .call()
        .await
        .ok(201);
    let theirs = || {
        audit_entry::Entity::find()
            .filter(audit_entry::Column::ActorId.eq(agent.id))
            .all(app.db())
    };
    let before = theirs().await.expect("reads");
    assert!(!before.is_empty());
    for entry in &before {
        let ip = entry.ip.as_deref().expect("an address");
        let bare = ring::digest::digest(&ring::digest::SHA256, ip.as_bytes());
        let bare: String = bare.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        assert_ne!(entry.ip_digest.as_deref(), Some(bare.as_str()), "salted");
        assert!(entry.ip_salt.is_some());
    }
    let person = app
        .as_(&org.admin)
        .get(&format!("/api/v1/users/{}", agent.id))
        .call()
        .await
        .ok(200);
    app.as_(&org.admin)
        .post(
            &format!("/api/v1/users/{}/erase", agent.id),
            &json!({ "version": person["version"] }),
        )
        .call()
        .await
        .ok(200);
    for entry in theirs().await.expect("reads") {
        assert!(entry.ip.is_none() && entry.ip_salt.is_none(), "{entry:?}");
    }
    let verified = crate::helpers::audit_verification(&app, &org.admin).await;
    assert_eq!(verified["intact"], true, "{verified}");
}
