//! Quality analysts: admins assign them teams; they see those teams' agents and scores and no
//! coaching record; the role reaches databases made before it.

use domain::{Role, TeamId, UserId};
use dto::{Me, Page, Team, User};
use serde_json::json;
use test_support::{Call, Org, Persona, TestApp, records};

/// The ids of the people `who` lists.
async fn people(app: &TestApp, who: &Persona) -> Vec<UserId> {
    let page: Page<User> = app
        .as_(who)
        .get("/api/v1/users?limit=100")
        .call_as()
        .await
        .ok(200);
    page.items.into_iter().map(|user| user.id).collect()
}

fn ids(personas: &[&Persona]) -> Vec<UserId> {
    personas.iter().map(|who| UserId(who.id)).collect()
}

#[tokio::test]
async fn an_analyst_sees_their_teams_agents_and_scores_and_no_coaching_record() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let analyst = app.as_(&org.analyst_a);
    let me: Me = analyst.get("/api/v1/me").call_as().await.ok(200);
    assert_eq!(me.user.role, Role::QualityAnalyst);
    assert_eq!(me.evaluated_team_ids, [TeamId(org.team_a)]);
    assert!(me.led_team_ids.is_empty() && me.managed_team_ids.is_empty());

    let mut seen = people(&app, &org.analyst_a).await;
    seen.sort();
    let mut expected = ids(&[&org.analyst_a, &org.leader_a, &org.agent_a1, &org.agent_a2]);
    expected.sort();
    assert_eq!(seen, expected, "team A's agents and leader, and themselves");
    let teams: Page<Team> = analyst.get("/api/v1/teams").call_as().await.ok(200);
    assert_eq!(
        teams.items.iter().map(|team| team.id).collect::<Vec<_>>(),
        [TeamId(org.team_a)]
    );

    // A1's leader coaches; the analyst reads the scores and none of the coaching.
    let leader = app.as_(&org.leader_a);
    leader
        .put_metrics(org.agent_a1.id, "2026-01", records::all_kpis(80.0))
        .await
        .ok(200);
    leader
        .schedule_session(records::session(org.agent_a1.id, 0))
        .await
        .ok(201);
    leader
        .write_note(records::note(org.agent_a1.id, "Shared praise", "SHARED"))
        .await
        .ok(201);
    let months = app
        .as_(&org.analyst_a)
        .metric_months(org.agent_a1.id, "2026-01", "2026-01")
        .await
        .ok(200);
    assert_eq!(months.len(), 1);
    app.as_(&org.analyst_a)
        .scorecard(org.agent_a1.id, 2026)
        .await
        .ok(200);
    app.as_(&org.analyst_a)
        .team_scorecard(org.team_a, "2026-01")
        .await
        .ok(200);
    for path in [
        "/api/v1/sessions",
        "/api/v1/quick-notes",
        "/api/v1/action-items",
        "/api/v1/action-plans",
    ] {
        let page = app.as_(&org.analyst_a).get(path).call().await.ok(200);
        assert_eq!(page["items"], json!([]), "{path}");
    }
    let found = app.as_(&org.analyst_a).search("praise").await.ok(200);
    assert!(!found.to_string().contains("Shared praise"), "{found}");

    // Team B is out of reach.
    for path in [
        format!("/api/v1/users/{}", org.agent_b1.id),
        format!("/api/v1/teams/{}", org.team_b),
        format!("/api/v1/agents/{}/scorecard", org.agent_b1.id),
    ] {
        app.as_(&org.analyst_a).get(&path).call().await.problem(404);
    }
}

/// Team A as the admin reads it, for its version.
async fn team_a(app: &TestApp, org: &Org) -> Team {
    app.as_(&org.admin)
        .get(&format!("/api/v1/teams/{}", org.team_a))
        .call_as()
        .await
        .ok(200)
}

#[tokio::test]
async fn admins_assign_analysts_and_a_new_role_ends_the_assignment() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let second = app
        .create_user("Analyst Two", Role::QualityAnalyst, None)
        .await;
    let path = format!("/api/v1/teams/{}", org.team_b);
    let version = |team: &Team| team.version;
    let team_b: Team = app.as_(&org.admin).get(&path).call_as().await.ok(200);
    let assign = json!({ "analyst_ids": [second, org.analyst_a.id], "version": version(&team_b) });

    // Only an admin assigns, and only analysts.
    app.as_(&org.manager_b)
        .patch(&path, &assign)
        .call()
        .await
        .problem(403);
    for (not_an_analyst, why) in [
        (org.leader_b.id, "a team leader"),
        (uuid::Uuid::now_v7(), "nobody"),
    ] {
        let body = json!({ "analyst_ids": [not_an_analyst], "version": version(&team_b) });
        let problem = app
            .as_(&org.admin)
            .patch(&path, &body)
            .call()
            .await
            .problem(422);
        assert!(
            problem["errors"]["analyst_ids"].is_array(),
            "{why}: {problem}"
        );
    }
    let assigned: Team = app
        .as_(&org.admin)
        .patch(&path, &assign)
        .call_as()
        .await
        .ok(200);
    let mut analysts = assigned.analyst_ids.clone();
    analysts.sort();
    let mut expected = vec![UserId(second), UserId(org.analyst_a.id)];
    expected.sort();
    assert_eq!(analysts, expected);
    // Their next request reaches team B too.
    let me: Me = app
        .as_(&org.analyst_a)
        .get("/api/v1/me")
        .call_as()
        .await
        .ok(200);
    assert_eq!(me.evaluated_team_ids.len(), 2);
    app.as_(&org.analyst_a)
        .get(&format!("/api/v1/users/{}", org.agent_b1.id))
        .call()
        .await
        .ok(200);
    // A stale version is refused whole.
    app.as_(&org.admin)
        .patch(
            &path,
            &json!({ "analyst_ids": [], "version": version(&team_b) }),
        )
        .call()
        .await
        .problem(412);

    // An analyst made a team leader evaluates nothing any more.
    let user: User = app
        .as_(&org.admin)
        .get(&format!("/api/v1/users/{}", org.analyst_a.id))
        .call_as()
        .await
        .ok(200);
    app.as_(&org.admin)
        .patch(
            &format!("/api/v1/users/{}", org.analyst_a.id),
            &json!({ "role": "TEAM_LEADER", "version": user.version }),
        )
        .call()
        .await
        .ok(200);
    assert!(team_a(&app, &org).await.analyst_ids.is_empty());
    let team_b: Team = app.as_(&org.admin).get(&path).call_as().await.ok(200);
    assert_eq!(team_b.analyst_ids, [UserId(second)]);
}

#[tokio::test]
async fn a_database_from_before_the_role_learns_it_with_everyone_kept() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::spawn().await;
    let leader = app.create_user("Old Leader", Role::TeamLeader, None).await;
    let agent = app.create_user("Old Agent", Role::Agent, None).await;
    test_support::db::migrate_back_to(app.db(), "m20261207_000023_evaluation_forms").await;
    let insert = |id: uuid::Uuid, role: &str| {
        format!(
            "INSERT INTO users (id, email, name, role, active, version, created_at, updated_at) \
             VALUES ('{id}', '{id}@org.test', 'New', '{role}', true, 1, \
             '2026-12-07 00:00:00+00:00', '2026-12-07 00:00:00+00:00')"
        )
    };
    let before = app
        .db()
        .execute_unprepared(&insert(uuid::Uuid::now_v7(), "QUALITY_ANALYST"))
        .await;
    assert!(before.is_err(), "the old schema has four roles");

    persistence::db::migrate(app.db()).await.expect("upgrades");
    for (id, role) in [(leader, Role::TeamLeader), (agent, Role::Agent)] {
        let kept = persistence::users::find(app.db(), UserId(id))
            .await
            .expect("still there");
        assert_eq!(kept.user.role, role);
    }
    app.db()
        .execute_unprepared(&insert(uuid::Uuid::now_v7(), "QUALITY_ANALYST"))
        .await
        .expect("an analyst is a role now");
    let unknown = app
        .db()
        .execute_unprepared(&insert(uuid::Uuid::now_v7(), "SUPERUSER"))
        .await;
    assert!(unknown.is_err(), "the list still holds");
    // Sign-in rules know the role too.
    let org = app.seed_org().await;
    let set = app
        .as_(&org.admin)
        .request(reqwest::Method::PUT, "/api/v1/settings/second-factor")
        .json(&json!({ "roles": ["QUALITY_ANALYST"] }))
        .call()
        .await
        .ok(200);
    assert_eq!(set, json!({ "roles": ["QUALITY_ANALYST"] }));
}

#[tokio::test]
async fn an_analyst_is_made_with_the_teams_they_evaluate() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let body = |email: &str, role: &str, teams: &[uuid::Uuid]| {
        json!({ "email": email, "name": "Quinn Analyst", "role": role, "team_ids": teams,
                "password": "a-temporary-password" })
    };
    let made: User = app
        .as_(&org.admin)
        .post(
            "/api/v1/users",
            &body("quinn@org.test", "QUALITY_ANALYST", &[org.team_b]),
        )
        .call_as()
        .await
        .ok(201);
    assert_eq!(made.team_ids, [TeamId(org.team_b)]);
    let team_b: Team = app
        .as_(&org.admin)
        .get(&format!("/api/v1/teams/{}", org.team_b))
        .call_as()
        .await
        .ok(200);
    assert_eq!(team_b.analyst_ids, [made.id]);

    // Only admins make analysts; only analysts evaluate; only real teams.
    app.as_(&org.manager_a)
        .post(
            "/api/v1/users",
            &body("q2@org.test", "QUALITY_ANALYST", &[org.team_a]),
        )
        .call()
        .await
        .problem(403);
    for (role, teams) in [
        ("AGENT", vec![org.team_a]),
        ("QUALITY_ANALYST", vec![uuid::Uuid::now_v7()]),
    ] {
        let problem = app
            .as_(&org.admin)
            .post("/api/v1/users", &body("q3@org.test", role, &teams))
            .call()
            .await
            .problem(422);
        assert!(
            problem["errors"]["team_ids"].is_array(),
            "{role}: {problem}"
        );
    }

    // The admin moves them to team A; the list of people says so.
    let moved: User = app
        .as_(&org.admin)
        .patch(
            &format!("/api/v1/users/{}", made.id),
            &json!({ "team_ids": [org.team_a], "version": made.version }),
        )
        .call_as()
        .await
        .ok(200);
    assert_eq!(moved.team_ids, [TeamId(org.team_a)]);
    let listed: Page<User> = app
        .as_(&org.admin)
        .get("/api/v1/users?role=QUALITY_ANALYST")
        .call_as()
        .await
        .ok(200);
    assert!(
        listed
            .items
            .iter()
            .all(|user| user.team_ids == [TeamId(org.team_a)]),
        "{:?}",
        listed.items
    );
}
