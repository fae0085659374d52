//! Session templates: a team's coaches keep its templates, admins the organisation's; everyone who
//! coaches reads the organisation's and their teams', nobody another team's; bad content is a
//! 422 naming each field; two edits of one version leave one winner and a 412.

use dto::query::AuditQuery;
use dto::{AuditEntry, Page, SessionTemplate, TemplateItem};
use reqwest::Method;
use serde_json::{Value, json};
use test_support::{Call, Org, Persona, TestApp};

fn template(name: &str, team: Option<uuid::Uuid>) -> Value {
    json!({
        "name": name,
        "team_id": team,
        "focus_areas": ["Call control", " Empathy "],
        "agenda": "1. Listen to two calls\n2. Agree one change",
        "duration_minutes": 45,
        "action_items": [{ "title": "Shadow a senior agent", "priority": "MEDIUM", "due_in_days": 7 }],
    })
}

async fn create(app: &TestApp, who: &Persona, body: &Value) -> SessionTemplate {
    app.as_(who)
        .post("/api/v1/session-templates", body)
        .call_as()
        .await
        .ok(201)
}

async fn names(app: &TestApp, who: &Persona) -> Vec<String> {
    let list: Vec<SessionTemplate> = app
        .as_(who)
        .get("/api/v1/session-templates")
        .call_as()
        .await
        .ok(200);
    list.into_iter().map(|t| t.name).collect()
}

fn path(template: &SessionTemplate) -> String {
    format!("/api/v1/session-templates/{}", template.id)
}

async fn seeded() -> (TestApp, Org) {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    (app, org)
}

#[tokio::test]
async fn coaches_read_the_organisations_and_their_teams_templates_only() {
    let (app, org) = seeded().await;
    let everyone = create(&app, &org.admin, &template("Monthly review", None)).await;
    assert_eq!(everyone.team_id, None);
    let team_a = create(
        &app,
        &org.leader_a,
        &template("A: call control", Some(org.team_a)),
    )
    .await;
    assert_eq!(team_a.focus_areas, ["Call control", "Empathy"]);
    assert_eq!(
        team_a.action_items,
        [TemplateItem {
            title: "Shadow a senior agent".to_owned(),
            priority: domain::Priority::Medium,
            due_in_days: 7
        }]
    );
    create(
        &app,
        &org.manager_b,
        &template("B: adherence", Some(org.team_b)),
    )
    .await;

    for (who, expected) in [
        (
            &org.admin,
            vec!["Monthly review", "A: call control", "B: adherence"],
        ),
        (&org.manager_a, vec!["Monthly review", "A: call control"]),
        (&org.leader_a, vec!["Monthly review", "A: call control"]),
        (&org.leader_b, vec!["Monthly review", "B: adherence"]),
        (&org.agent_a1, vec![]),
        (&org.loner, vec![]),
    ] {
        assert_eq!(names(&app, who).await, expected, "{}", who.email);
    }
    for who in [&org.leader_b, &org.manager_b, &org.agent_a1] {
        app.as_(who).get(&path(&team_a)).call().await.problem(404);
    }
    app.as_(&org.manager_a)
        .get(&path(&team_a))
        .call()
        .await
        .ok(200);
    app.as_(&org.agent_a1)
        .get(&path(&everyone))
        .call()
        .await
        .problem(404);
}

#[tokio::test]
async fn only_a_teams_coaches_keep_its_templates_and_only_admins_the_organisations() {
    let (app, org) = seeded().await;
    let refused = [
        (&org.leader_a, Some(org.team_b)),
        (&org.manager_a, Some(org.team_b)),
        (&org.leader_a, None),
        (&org.manager_a, None),
        (&org.agent_a1, Some(org.team_a)),
        (&org.agent_a1, None),
    ];
    for (who, team) in refused {
        app.as_(who)
            .post("/api/v1/session-templates", &template("Nope", team))
            .call()
            .await
            .problem(403);
    }
    let team_a = create(&app, &org.manager_a, &template("A", Some(org.team_a))).await;
    let everyone = create(&app, &org.admin, &template("All", None)).await;

    let mut edit = template("A, renamed", Some(org.team_a));
    edit["version"] = json!(1);
    // Another team's coach does not see it; a leader may not change the organisation's.
    app.as_(&org.leader_b)
        .request(Method::PUT, &path(&team_a))
        .json(&edit)
        .call()
        .await
        .problem(404);
    let mut all_edit = template("All, renamed", None);
    all_edit["version"] = json!(1);
    app.as_(&org.leader_a)
        .request(Method::PUT, &path(&everyone))
        .json(&all_edit)
        .call()
        .await
        .problem(403);
    let renamed: SessionTemplate = app
        .as_(&org.leader_a)
        .request(Method::PUT, &path(&team_a))
        .json(&edit)
        .call_as()
        .await
        .ok(200);
    assert_eq!((renamed.name.as_str(), renamed.version), ("A, renamed", 2));

    // A template stays with its team.
    let mut moved = template("A", Some(org.team_b));
    moved["version"] = json!(2);
    let problem = app
        .as_(&org.admin)
        .request(Method::PUT, &path(&team_a))
        .json(&moved)
        .call()
        .await
        .problem(422);
    assert!(problem["errors"]["team_id"].is_array(), "{problem}");

    app.as_(&org.leader_a)
        .request(Method::DELETE, &path(&everyone))
        .call()
        .await
        .problem(403);
    app.as_(&org.leader_a)
        .request(Method::DELETE, &path(&team_a))
        .call()
        .await
        .ok(204);
    app.as_(&org.leader_a)
        .get(&path(&team_a))
        .call()
        .await
        .problem(404);
    let deletions = AuditQuery {
        action: Some("session_template.delete".to_owned()),
        ..AuditQuery::default()
    };
    let audit: Page<AuditEntry> = app
        .as_(&org.admin)
        .get("/api/v1/audit")
        .query(&deletions)
        .call_as()
        .await
        .ok(200);
    assert_eq!(audit.items.len(), 1, "{audit:?}");
    assert_eq!(audit.items[0].resource_id, Some(team_a.id));
}

#[tokio::test]
async fn bad_content_is_refused_naming_each_field() {
    let (app, org) = seeded().await;
    let too_many: Vec<String> = (0..11).map(|n| format!("Area {n}")).collect();
    let bad = json!({
        "name": "  ",
        "team_id": org.team_a,
        "focus_areas": too_many,
        "duration_minutes": 5,
        "action_items": [{ "title": "", "priority": "MEDIUM", "due_in_days": 0 }],
    });
    let problem = app
        .as_(&org.leader_a)
        .post("/api/v1/session-templates", &bad)
        .call()
        .await
        .problem(422);
    for field in [
        "name",
        "focus_areas",
        "duration_minutes",
        "action_items[0].title",
        "action_items[0].due_in_days",
    ] {
        assert!(problem["errors"][field].is_array(), "{field}: {problem}");
    }
    let unknown = json!({ "name": "X", "duration_minutes": 30, "colour": "red" });
    app.as_(&org.admin)
        .post("/api/v1/session-templates", &unknown)
        .call()
        .await
        .problem(422);
    let problem = app
        .as_(&org.admin)
        .post(
            "/api/v1/session-templates",
            &template("Ghost team", Some(uuid::Uuid::now_v7())),
        )
        .call()
        .await
        .problem(422);
    assert!(problem["errors"]["team_id"].is_array(), "{problem}");
    // An edit names the version it is based on.
    let made = create(&app, &org.leader_a, &template("A", Some(org.team_a))).await;
    app.as_(&org.leader_a)
        .request(Method::PUT, &path(&made))
        .json(&template("A", Some(org.team_a)))
        .call()
        .await
        .problem(428);
}

#[tokio::test]
async fn two_edits_of_one_version_leave_one_winner() {
    let (app, org) = seeded().await;
    let made = create(&app, &org.leader_a, &template("Start", Some(org.team_a))).await;
    let edit = |name: &str| {
        let mut body = template(name, Some(org.team_a));
        body["version"] = json!(1);
        body
    };
    let (first, second) = (edit("By the leader"), edit("By the manager"));
    let (leader, manager) = tokio::join!(
        app.as_(&org.leader_a)
            .request(Method::PUT, &path(&made))
            .json(&first)
            .call(),
        app.as_(&org.manager_a)
            .request(Method::PUT, &path(&made))
            .json(&second)
            .call(),
    );
    let mut statuses = [leader.status(), manager.status()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 412]);
    let winner = if leader.status() == 200 {
        "By the leader"
    } else {
        "By the manager"
    };
    let now: SessionTemplate = app
        .as_(&org.admin)
        .get(&path(&made))
        .call_as()
        .await
        .ok(200);
    assert_eq!((now.name.as_str(), now.version), (winner, 2));
}
