//! The audit log (admins only, filterable, verifiable) and announcements (scoped).

use serde_json::json;
use test_support::Call;
use test_support::TestApp;

use crate::helpers::ids;

#[tokio::test]
async fn admins_read_and_verify_the_audit_log_and_nobody_else_does() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let path = format!("/api/v1/users/{}", org.agent_a1.id);
    app.as_(&org.manager_a)
        .patch(&path, &json!({ "department": "Billing", "version": 1 }))
        .call()
        .await
        .ok(200);
    for who in [&org.manager_a, &org.leader_a, &org.agent_a1] {
        app.as_(who).get("/api/v1/audit").call().await.problem(403);
        app.as_(who)
            .get("/api/v1/audit/verify")
            .call()
            .await
            .problem(403);
    }
    let filtered = format!(
        "/api/v1/audit?actor_id={}&resource_type=user",
        org.manager_a.id
    );
    let page = app.as_(&org.admin).get(&filtered).call().await.ok(200);
    let entries = page["items"].as_array().expect("items");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["action"], "user.update");
    assert_eq!(entries[0]["resource_id"], json!(org.agent_a1.id));
    assert_eq!(
        entries[0]["changes"]["department"],
        json!({ "from": null, "to": "Billing" })
    );
    assert!(entries[0]["request_id"].is_string());

    let all = app
        .as_(&org.admin)
        .get("/api/v1/audit?limit=2")
        .call()
        .await
        .ok(200);
    assert!(
        all["next_cursor"].is_string(),
        "the persona set-up wrote more than two entries"
    );
    let verified = crate::helpers::audit_verification(&app, &org.admin).await;
    assert_eq!(verified["intact"], true);
    assert!(verified["entries"].as_u64().is_some_and(|n| n >= 12));

    // Tamper with one entry behind the application's back: verification finds it.
    use sea_orm::ConnectionTrait;
    app.db()
        .execute_unprepared("UPDATE audit_log SET action = 'user.nothing' WHERE seq = 3")
        .await
        .expect("tampers");
    let broken = crate::helpers::audit_verification(&app, &org.admin).await;
    assert_eq!(broken["intact"], false);
    assert_eq!(broken["first_broken_seq"], 3);
}

#[tokio::test]
async fn a_log_hashed_by_the_old_rule_is_re_hashed_and_a_tampered_entry_stays_found() {
    use persistence::entity::audit_entry;
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    // The log as a server before digests wrote it: no digests, hashes over the raw fields.
    let entries = audit_entry::Entity::find()
        .order_by_asc(audit_entry::Column::Seq)
        .all(app.db())
        .await
        .expect("reads");
    assert!(entries.len() >= 12);
    let mut previous = "0".repeat(64);
    for mut entry in entries {
        entry.prev_hash = previous;
        entry.ip_digest = None;
        entry.changes_digest = None;
        entry.hash = persistence::audit::legacy_hash(&entry);
        previous = entry.hash.clone();
        audit_entry::Entity::update_many()
            .col_expr(audit_entry::Column::PrevHash, Expr::value(entry.prev_hash))
            .col_expr(audit_entry::Column::Hash, Expr::value(entry.hash))
            .col_expr(
                audit_entry::Column::IpDigest,
                Expr::value(Option::<String>::None),
            )
            .col_expr(
                audit_entry::Column::ChangesDigest,
                Expr::value(Option::<String>::None),
            )
            .filter(audit_entry::Column::Id.eq(entry.id))
            .exec(app.db())
            .await
            .expect("rewrites");
    }
    // Someone edited entry 4 under the old rule.
    audit_entry::Entity::update_many()
        .col_expr(audit_entry::Column::Ip, Expr::value("203.0.113.66"))
        .filter(audit_entry::Column::Seq.eq(4))
        .exec(app.db())
        .await
        .expect("tampers");

    persistence::db::migrate(app.db()).await.expect("upgrades");

    let verified = crate::helpers::audit_verification(&app, &org.admin).await;
    assert_eq!(verified["first_broken_seq"], 4, "{verified}");
    let upgraded = audit_entry::Entity::find()
        .order_by_asc(audit_entry::Column::Seq)
        .all(app.db())
        .await
        .expect("reads");
    for pair in upgraded.windows(2) {
        assert_eq!(
            pair[1].prev_hash, pair[0].hash,
            "entry {} links",
            pair[1].seq
        );
    }
    for entry in &upgraded {
        assert!(entry.ip_digest.is_some() && entry.changes_digest.is_some());
        assert_eq!(
            persistence::audit::holds(entry),
            entry.seq != 4,
            "entry {}",
            entry.seq
        );
    }
    // A change to what an entry recorded, not an erasure's removal, is found too.
    audit_entry::Entity::update_many()
        .col_expr(
            audit_entry::Column::Changes,
            Expr::value(json!({ "role": "ADMIN" })),
        )
        .filter(audit_entry::Column::Seq.eq(2))
        .exec(app.db())
        .await
        .expect("tampers");
    let verified = crate::helpers::audit_verification(&app, &org.admin).await;
    assert_eq!(verified["first_broken_seq"], 2, "{verified}");
}

#[tokio::test]
async fn announcements_reach_exactly_their_audience() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let mut events = app.state.events.subscribe();
    let post = |who, body: serde_json::Value| {
        let app = &app;
        async move {
            app.as_(who)
                .post("/api/v1/announcements", &body)
                .call()
                .await
        }
    };
    post(
        &org.admin,
        json!({ "title": "Holiday rota", "body": "Published on the wiki." }),
    )
    .await
    .ok(201);
    post(
        &org.manager_a,
        json!({ "title": "Team A huddle", "body": "Friday 9:00", "team_id": org.team_a }),
    )
    .await
    .ok(201);
    post(
        &org.manager_a,
        json!({ "title": "To B", "body": "x", "team_id": org.team_b }),
    )
    .await
    .problem(422);
    post(&org.manager_a, json!({ "title": "To all", "body": "x" }))
        .await
        .problem(422);
    post(
        &org.leader_a,
        json!({ "title": "Leader", "body": "x", "team_id": org.team_a }),
    )
    .await
    .problem(403);
    post(&org.agent_a1, json!({ "title": "Agent", "body": "x" }))
        .await
        .problem(403);
    post(&org.admin, json!({ "title": " ", "body": "" }))
        .await
        .problem(422);

    let seen = |who| {
        let app = &app;
        async move {
            ids(&app
                .as_(who)
                .get("/api/v1/announcements")
                .call()
                .await
                .ok(200))
            .len()
        }
    };
    assert_eq!(seen(&org.agent_a1).await, 2);
    assert_eq!(seen(&org.leader_a).await, 2);
    assert_eq!(seen(&org.agent_b1).await, 1);
    assert_eq!(seen(&org.manager_b).await, 1);
    assert_eq!(seen(&org.admin).await, 2);
    let published = crate::helpers::published_kinds(&app, &mut events)
        .await
        .len();
    assert_eq!(published, 2);
}
