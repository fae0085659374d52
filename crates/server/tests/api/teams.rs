//! Teams: scope, creation rules, membership changes, concurrency.

use domain::{TeamId, UserId};
use dto::{Page, Team};
use reqwest::Method;
use serde_json::json;
use test_support::{Call, Persona, TestApp};

use crate::helpers::problem;

/// The teams `who` reads, as they list them.
async fn teams(app: &TestApp, who: &Persona) -> Vec<TeamId> {
    let page: Page<Team> = app.as_(who).get("/api/v1/teams").call_as().await.ok(200);
    page.items.into_iter().map(|team| team.id).collect()
}

/// One team as `who` reads it.
async fn team(app: &TestApp, who: &Persona, id: uuid::Uuid) -> Team {
    app.as_(who)
        .get(&format!("/api/v1/teams/{id}"))
        .call_as()
        .await
        .ok(200)
}

#[tokio::test]
async fn team_lists_follow_leadership_and_management() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    assert_eq!(teams(&app, &org.admin).await.len(), 2);
    assert_eq!(teams(&app, &org.manager_a).await, [org.team_a.into()]);
    assert_eq!(teams(&app, &org.leader_b).await, [org.team_b.into()]);
    assert!(teams(&app, &org.agent_a1).await.is_empty());
    let mut members = team(&app, &org.leader_a, org.team_a).await.agent_ids;
    members.sort();
    let mut expected: Vec<UserId> = vec![org.agent_a1.id.into(), org.agent_a2.id.into()];
    expected.sort();
    assert_eq!(members, expected);
    for who in [&org.leader_b, &org.manager_b, &org.agent_a1] {
        let response = app
            .as_(who)
            .get(&format!("/api/v1/teams/{}", org.team_a))
            .send()
            .await
            .expect("answers");
        problem(response, 404).await;
    }
}

#[tokio::test]
async fn admins_create_teams_with_a_real_leader_and_manager() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let leader = app
        .create_user("Leader C", domain::Role::TeamLeader, None)
        .await;
    let body =
        json!({ "name": "Team C", "team_leader_id": leader, "manager_id": org.manager_b.id });
    app.as_(&org.manager_b)
        .post("/api/v1/teams", &body)
        .call()
        .await
        .problem(403);
    app.as_(&org.leader_a)
        .post("/api/v1/teams", &body)
        .call()
        .await
        .problem(403);
    let created: Team = app
        .as_(&org.admin)
        .post("/api/v1/teams", &body)
        .call_as()
        .await
        .ok(201);
    assert_eq!(created.name, "Team C");
    assert_eq!(created.agent_ids, []);
    let duplicate = app
        .as_(&org.admin)
        .post("/api/v1/teams", &body)
        .call()
        .await
        .problem(409);
    assert!(duplicate["errors"]["name"].is_array());
    let agent_as_leader = json!({ "name": "Team D", "team_leader_id": org.agent_a1.id });
    let invalid = app
        .as_(&org.admin)
        .post("/api/v1/teams", &agent_as_leader)
        .call()
        .await
        .problem(422);
    assert!(invalid["errors"]["team_leader_id"].is_array());
    let blank = app
        .as_(&org.admin)
        .post(
            "/api/v1/teams",
            &json!({ "name": " ", "team_leader_id": leader }),
        )
        .call()
        .await
        .problem(422);
    assert!(blank["errors"]["name"].is_array());
    // The manager now sees the new team.
    assert_eq!(teams(&app, &org.manager_b).await.len(), 2);
}

#[tokio::test]
async fn managers_move_agents_only_between_their_own_teams() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let app = &app;
    let patch = |who, team: uuid::Uuid, version: i32, agents: Vec<uuid::Uuid>| async move {
        app.as_(who)
            .request(Method::PATCH, &format!("/api/v1/teams/{team}"))
            .json(&json!({ "agent_ids": agents, "version": version }))
            .call_as::<Team>()
            .await
    };
    // Taking another manager's agent: that agent is not in scope.
    patch(
        &org.manager_a,
        org.team_a,
        1,
        vec![org.agent_a1.id, org.agent_b1.id],
    )
    .await
    .problem(422);
    // A team leader cannot change membership; a manager cannot rename.
    patch(&org.leader_a, org.team_a, 1, vec![org.agent_a1.id])
        .await
        .problem(403);
    let rename = app
        .as_(&org.manager_a)
        .patch(
            &format!("/api/v1/teams/{}", org.team_a),
            &json!({ "name": "Renamed", "version": 1 }),
        )
        .send()
        .await
        .expect("answers");
    problem(rename, 403).await;
    // Dropping an agent from their own team is fine.
    let updated = patch(&org.manager_a, org.team_a, 1, vec![org.agent_a1.id])
        .await
        .ok(200);
    assert_eq!(updated.agent_ids, [org.agent_a1.id.into()]);
    assert_eq!(updated.version, 2);
    // The admin moves B1 into team A: B1 leaves team B.
    let moved = patch(
        &org.admin,
        org.team_a,
        2,
        vec![org.agent_a1.id, org.agent_b1.id],
    )
    .await
    .ok(200);
    assert_eq!(moved.agent_ids.len(), 2);
    assert_eq!(team(app, &org.admin, org.team_b).await.agent_ids, []);
    // Leaders are not members.
    patch(&org.admin, org.team_a, 3, vec![org.leader_b.id])
        .await
        .problem(422);
}

#[tokio::test]
async fn concurrent_team_edits_from_one_version_have_one_winner() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let path = format!("/api/v1/teams/{}", org.team_b);
    let edit = |name: &'static str| {
        app.as_(&org.admin)
            .patch(&path, &json!({ "name": name, "version": 1 }))
            .send()
    };
    let (a, b) = tokio::join!(edit("Bravo"), edit("Beta"));
    let mut statuses = [a.expect("answers").status(), b.expect("answers").status()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 412]);
    app.as_(&org.admin)
        .patch(&path, &json!({ "name": "Gamma" }))
        .call()
        .await
        .problem(428);
}
