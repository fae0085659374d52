//! Each role's home page shows what needs doing, and only within the actor's scope.

use chrono::{Duration, Utc};
use dto::{AttentionReason, Dashboard};
use serde_json::json;
use test_support::Call;
use test_support::{Persona, TestApp};

use test_support::records;

fn month_back(months: i64) -> String {
    let mut month = Utc::now().format("%Y-%m").to_string();
    for _ in 0..months {
        month = domain::scorecard::previous_month(&month);
    }
    month
}

async fn dashboard(app: &TestApp, who: &Persona) -> Dashboard {
    app.as_(who)
        .get("/api/v1/dashboard")
        .call_as()
        .await
        .ok(200)
}

/// Records every KPI of `agent` at `earlier` two months ago and `later` last month.
async fn record_scores(
    app: &TestApp,
    leader: &Persona,
    agent: uuid::Uuid,
    earlier: f64,
    later: f64,
) {
    for (month, value) in [(month_back(2), earlier), (month_back(1), later)] {
        let kpis = json!({ "schedule_adherence": value, "attendance_rate": value, "punctuality": value, "break_compliance": value,
                           "task_completion_rate": value, "productivity_index": value, "quality_score": value, "efficiency_rate": value });
        app.as_(leader)
            .put_metrics(agent, &month, kpis)
            .await
            .ok(200);
    }
}

#[tokio::test]
async fn the_dashboard_shows_what_needs_doing_in_scope() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    // Upcoming for A1, a completed but unacknowledged one for A2, an overdue item for A1.
    app.as_(&org.leader_a)
        .schedule_session(records::session(org.agent_a1.id, 0))
        .await
        .ok(201);
    let done = app
        .as_(&org.leader_a)
        .schedule_session(records::session(org.agent_a2.id, 2))
        .await
        .ok(201);
    let complete = json!({ "session_notes": "n", "current_score": 70, "version": 1 });
    app.as_(&org.leader_a)
        .post(&format!("/api/v1/sessions/{}/complete", done.id), &complete)
        .call()
        .await
        .ok(200);
    let due = (Utc::now().date_naive() - Duration::days(3)).to_string();
    let item = json!({ "title": "Late", "assignee_id": org.agent_a1.id, "due_date": due, "priority": "HIGH" });
    app.as_(&org.leader_a)
        .post("/api/v1/action-items", &item)
        .call()
        .await
        .ok(201);
    // A1 dropped from 90 to 80 (-10); A2 is steady at 70 (under target).
    record_scores(&app, &org.leader_a, org.agent_a1.id, 90.0, 80.0).await;
    record_scores(&app, &org.leader_a, org.agent_a2.id, 70.0, 70.0).await;

    let leader = dashboard(&app, &org.leader_a).await;
    assert_eq!(leader.upcoming_sessions.len(), 1);
    assert_eq!(leader.pending_acknowledgements.len(), 1);
    assert_eq!(leader.overdue_action_items.len(), 1);
    assert!(leader.overdue_action_items[0].overdue);
    let attention = &leader.agents_needing_attention;
    assert_eq!(attention.len(), 2);
    // A1 fell 10 points, has an item 3 days late and was never coached; A2 is 5 under target
    // last month and was coached today: A1 needs it most (`domain::attention`'s weights).
    assert_eq!(
        attention[0].agent_id,
        org.agent_a1.id.into(),
        "most in need first"
    );
    assert_eq!(
        attention[0].reasons,
        [
            AttentionReason::ScoreDropped,
            AttentionReason::OverdueItems,
            AttentionReason::NoRecentSession
        ]
    );
    assert_eq!(attention[0].change, Some(-10.0));
    assert_eq!(attention[0].overdue_items, 1);
    assert_eq!(attention[0].days_since_session, None);
    assert_eq!(attention[0].weight, 34.5);
    assert_eq!(attention[0].team_id, Some(org.team_a.into()));
    assert_eq!(
        attention[1].reasons,
        [AttentionReason::BelowTarget],
        "A2 was coached: their session is completed, and not yet due for acknowledgement"
    );
    assert_eq!(attention[1].days_since_session, Some(0));
    assert_eq!(attention[1].weight, 2.5);

    // Two days on, A2's session still waits for their acknowledgement: that counts too.
    {
        use persistence::entity::coaching_session;
        use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
        let id = done.id;
        let mut aged = coaching_session::Entity::find_by_id(id)
            .one(app.db())
            .await
            .expect("read")
            .expect("the session")
            .into_active_model();
        aged.completed_at = Set(Some(Utc::now() - Duration::hours(49)));
        aged.update(app.db()).await.expect("aged");
    }
    // (Another instance: this one keeps the dashboard it built a moment ago in memory.)
    let later = dashboard(&app.another_instance().await, &org.leader_a).await;
    let a2 = later
        .agents_needing_attention
        .iter()
        .find(|a| a.agent_id == org.agent_a2.id.into())
        .expect("A2 still listed");
    assert_eq!(
        a2.reasons,
        [
            AttentionReason::BelowTarget,
            AttentionReason::Unacknowledged
        ]
    );
    assert_eq!((a2.unacknowledged, a2.weight), (1, 6.5));
    let trend: Vec<f64> = leader.team_trend.iter().map(|t| t.average).collect();
    assert_eq!(trend, [80.0, 75.0]);

    let manager = dashboard(&app, &org.manager_a).await;
    assert_eq!(manager.agents_needing_attention.len(), 2);

    let agent = dashboard(&app, &org.agent_a2).await;
    assert_eq!(
        agent.pending_acknowledgements.len(),
        1,
        "the agent's sign-off reminder"
    );
    assert_eq!(agent.upcoming_sessions.len(), 0);
    assert_eq!(agent.overdue_action_items.len(), 0);
    assert_eq!(agent.agents_needing_attention.len(), 0);
    assert_eq!(agent.team_trend.len(), 2, "their own trend");

    for stranger in [&org.leader_b, &org.manager_b, &org.loner] {
        let board = dashboard(&app, stranger).await;
        let lists = [
            board.upcoming_sessions.len(),
            board.pending_acknowledgements.len(),
            board.overdue_action_items.len(),
            board.team_trend.len(),
        ];
        assert_eq!(lists, [0; 4], "{:?}", stranger.role);
        // Team B's own agent, never coached, needs attention; team A's are not shown.
        let named: Vec<domain::UserId> = board
            .agents_needing_attention
            .iter()
            .map(|a| a.agent_id)
            .collect();
        assert!(
            !named.contains(&org.agent_a1.id.into()) && !named.contains(&org.agent_a2.id.into()),
            "{named:?}"
        );
    }
    let leader_b = dashboard(&app, &org.leader_b).await;
    assert_eq!(
        leader_b.agents_needing_attention[0].reasons,
        [AttentionReason::NoRecentSession]
    );
}

#[tokio::test]
async fn with_analytics_turned_off_the_dashboard_leaves_out_the_trend_and_the_browser_is_told() {
    let app = TestApp::spawn_with(|config| config.features.analytics = false).await;
    let org = app.seed_org().await;
    let config = app
        .request(reqwest::Method::GET, "/api/v1/config")
        .call()
        .await
        .ok(200);
    assert_eq!(config["analytics"], false);
    record_scores(&app, &org.leader_a, org.agent_a1.id, 90.0, 80.0).await;

    let leader = dashboard(&app, &org.leader_a).await;
    assert_eq!(leader.team_trend.len(), 0);
    assert_eq!(
        leader.agents_needing_attention[0].reasons,
        [
            AttentionReason::ScoreDropped,
            AttentionReason::NoRecentSession
        ],
        "who needs coaching is not analytics"
    );
    assert_eq!(dashboard(&app, &org.agent_a1).await.team_trend.len(), 0);
    // The agent's own scorecard stays.
    let last_month = month_back(1);
    let year = last_month[..4].parse().expect("a year");
    let card = app
        .as_(&org.agent_a1)
        .scorecard(org.agent_a1.id, year)
        .await
        .ok(200);
    let scored = card.months.iter().find(|m| m.month == last_month);
    assert_eq!(scored.and_then(|m| m.score), Some(80.0), "{card:?}");
}
