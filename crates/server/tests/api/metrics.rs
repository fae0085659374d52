//! Monthly metrics and scorecards: who may write, validation, raw counts, versions, the
//! configuration in force for each month, agent and team scorecards.

use domain::scorecard::Band;
use serde_json::{Value, json};
use test_support::Call;
use test_support::{Persona, TestApp};

use crate::helpers::{ok_json, problem};
use test_support::records::all_kpis;

#[tokio::test]
async fn the_coach_side_writes_a_month_and_the_agent_reads_it() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    // Default weights: 1, .5, .5, .5, 1.5, 1.5, 1.5, 1 (sum 8). Quality 70, the rest 90:
    // (6.5 x 90 + 1.5 x 70) / 8 = 690 / 8 = 86.25.
    let mut body = all_kpis(90.0);
    body["quality_score"] = json!(70);
    let month = app
        .as_(&org.leader_a)
        .put_metrics(org.agent_a1.id, "2026-01", body)
        .await
        .ok(200);
    assert_eq!(month.score, Some(86.25));
    assert_eq!(month.band, Some(Band::HighPerformer));
    assert_eq!(month.values["quality_score"], 70.0);
    assert_eq!(month.version, 1);

    app.as_(&org.agent_a1)
        .put_metrics(org.agent_a1.id, "2026-02", all_kpis(99.0))
        .await
        .problem(403);
    app.as_(&org.leader_b)
        .put_metrics(org.agent_a1.id, "2026-02", all_kpis(99.0))
        .await
        .problem(404);
    app.as_(&org.manager_a)
        .put_metrics(org.agent_a2.id, "2026-01", all_kpis(80.0))
        .await
        .ok(200);

    let months = |who| {
        app.as_(who)
            .metric_months(org.agent_a1.id, "2025-06", "2026-06")
    };
    assert_eq!(months(&org.agent_a1).await.ok(200).len(), 1);
    months(&org.agent_a2).await.problem(404);
    months(&org.manager_b).await.problem(404);
    // A range that starts after it ends holds no month.
    let backwards = app
        .as_(&org.leader_a)
        .metric_months(org.agent_a1.id, "2026-06", "2025-06")
        .await
        .ok(200);
    assert_eq!(backwards, []);
}

#[tokio::test]
async fn bad_months_and_values_name_each_field() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    app.as_(&org.leader_a)
        .put_metrics(org.agent_a1.id, "2026-13", all_kpis(90.0))
        .await
        .problem(422);
    let body = json!({ "schedule_adherence": 250, "happiness": 3, "scheduled_hours": -1 });
    let errors = app
        .as_(&org.leader_a)
        .put_metrics(org.agent_a1.id, "2026-01", body)
        .await
        .problem(422);
    for field in ["schedule_adherence", "happiness", "scheduled_hours"] {
        assert!(errors["errors"][field].is_array(), "{field}: {errors}");
    }
    app.as_(&org.leader_a)
        .put_metrics(org.agent_a1.id, "2026-01", json!({}))
        .await
        .problem(422);
    app.as_(&org.leader_a)
        .put_metrics(
            org.agent_a1.id,
            "2026-01",
            json!({ "quality_score": "high" }),
        )
        .await
        .problem(422);
    let nothing = app
        .as_(&org.admin)
        .metric_months(org.agent_a1.id, "2025-01", "2027-01")
        .await
        .ok(200);
    assert_eq!(nothing, [], "nothing was written");
}

#[tokio::test]
async fn raw_counts_become_kpi_values() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let body = json!({ "scheduled_hours": 160, "actual_hours": 152, "total_breaks": 0, "breaks_within_limit": 0, "tasks_assigned": 40 });
    let month = app
        .as_(&org.leader_a)
        .put_metrics(org.agent_a1.id, "2026-02", body)
        .await
        .ok(200);
    assert_eq!(month.values["schedule_adherence"], 95.0);
    assert_eq!(
        month.values["break_compliance"], 100.0,
        "no breaks taken is full compliance"
    );
    assert!(
        !month.values.contains_key("task_completion_rate"),
        "half a pair computes nothing"
    );
    let raw = month.raw_counts.expect("the counts as sent");
    assert_eq!(raw["actual_hours"], 152.0);
    // (1.0 x 95 + 0.5 x 100) / 1.5 = 96.67
    assert_eq!(month.score, Some(96.67));
    let both = json!({ "schedule_adherence": 90, "scheduled_hours": 160, "actual_hours": 152, "version": 1 });
    let errors = app
        .as_(&org.leader_a)
        .put_metrics(org.agent_a1.id, "2026-02", both)
        .await
        .problem(422);
    assert!(errors["errors"]["schedule_adherence"].is_array());
}

#[tokio::test]
async fn an_existing_month_needs_its_version_and_one_of_two_writers_wins() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    app.as_(&org.leader_b)
        .put_metrics(org.agent_b1.id, "2026-03", all_kpis(70.0))
        .await
        .ok(200);
    app.as_(&org.leader_b)
        .put_metrics(org.agent_b1.id, "2026-03", all_kpis(75.0))
        .await
        .problem(428);
    let mut one = all_kpis(75.0);
    one["version"] = json!(1);
    let mut two = all_kpis(80.0);
    two["version"] = json!(1);
    let (a, b) = tokio::join!(
        app.as_(&org.leader_b)
            .put_metrics(org.agent_b1.id, "2026-03", one),
        app.as_(&org.manager_b)
            .put_metrics(org.agent_b1.id, "2026-03", two)
    );
    let mut statuses = [a.status(), b.status()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 412]);
    let months = app
        .as_(&org.leader_b)
        .metric_months(org.agent_b1.id, "2026-03", "2026-03")
        .await
        .ok(200);
    assert_eq!(months[0].version, 2);
    let score = months[0].score;
    assert!(
        score == Some(75.0) || score == Some(80.0),
        "the winner's values, whole: {score:?}"
    );
}

#[tokio::test]
async fn each_month_is_scored_with_the_configuration_in_force_for_it() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let mut body = all_kpis(90.0);
    body["quality_score"] = json!(60);
    app.as_(&org.leader_a)
        .put_metrics(org.agent_a1.id, "2026-01", body.clone())
        .await
        .ok(200);
    app.as_(&org.leader_a)
        .put_metrics(org.agent_a1.id, "2026-04", body)
        .await
        .ok(200);

    // From April, quality weighs 3 and punctuality nothing; add a lower-is-better KPI.
    let kpi = json!({ "key": "repeat_contact_rate", "name": "Repeat contact rate", "unit": "%", "direction": "LOWER_IS_BETTER", "min_value": 0, "max_value": 100 });
    app.as_(&org.manager_a)
        .post("/api/v1/kpis", &kpi)
        .call()
        .await
        .problem(403);
    app.as_(&org.admin)
        .post("/api/v1/kpis", &kpi)
        .call()
        .await
        .ok(201);
    app.as_(&org.admin)
        .post("/api/v1/kpis", &kpi)
        .call()
        .await
        .problem(409);
    let config = json!({ "effective_from": "2026-04", "note": "Quality first", "kpis": [
        { "key": "schedule_adherence", "weight": 1.0, "target": 95 },
        { "key": "punctuality", "weight": 0, "target": 90 },
        { "key": "quality_score", "weight": 3.0, "target": 95 },
        { "key": "repeat_contact_rate", "weight": 1.0, "target": 10 }
    ]});
    // A configuration is based on the settings' version (their ETag): one saved since is never
    // saved over unseen.
    let seen = app
        .as_(&org.admin)
        .get("/api/v1/scorecard/config")
        .call()
        .await;
    let etag = seen
        .header("etag")
        .expect("the settings carry an ETag")
        .to_owned();
    let version = seen.ok(200)["version"].as_i64().expect("a version");
    assert_eq!(etag, format!("\"{version}\""));
    let put_config = |who, if_match: Option<String>, config: &Value| {
        let app = &app;
        let config = config.clone();
        async move {
            let request = app
                .as_(who)
                .request(reqwest::Method::PUT, "/api/v1/scorecard/config")
                .json(&config);
            match if_match {
                Some(tag) => request.header("if-match", &tag),
                None => request,
            }
            .call()
            .await
        }
    };
    put_config(&org.manager_a, Some(etag.clone()), &config)
        .await
        .problem(403);
    put_config(&org.admin, None, &config).await.problem(428);
    let saved = put_config(&org.admin, Some(etag.clone()), &config).await;
    let next = format!("\"{}\"", version + 1);
    assert_eq!(saved.header("etag"), Some(next.as_str()));
    let settings = saved.ok(200);
    assert_eq!(settings["configs"][0]["effective_from"], "2026-04");
    assert_eq!(settings["version"], version + 1);
    // Another admin's change based on what they saw before it: refused, nothing saved.
    let mut later = config.clone();
    later["effective_from"] = json!("2026-06");
    put_config(&org.admin, Some(etag), &later)
        .await
        .problem(412);
    let mut in_body = config.clone();
    in_body["version"] = json!(version + 1);
    put_config(&org.admin, None, &in_body).await.problem(409);
    let unknown = json!({ "effective_from": "2026-05", "version": version + 1, "kpis": [{ "key": "nope", "weight": 1, "target": 1 }] });
    put_config(&org.admin, None, &unknown).await.problem(422);
    let now = app
        .as_(&org.admin)
        .get("/api/v1/scorecard/config")
        .call()
        .await
        .ok(200);
    assert_eq!(
        now["version"],
        version + 1,
        "only the first change was saved"
    );

    let months = app
        .as_(&org.leader_a)
        .metric_months(org.agent_a1.id, "2026-01", "2026-12")
        .await
        .ok(200);
    let scored: Vec<(Option<f64>, &str)> = months
        .iter()
        .map(|m| (m.score, m.config_effective_from.as_str()))
        .collect();
    // January, old weights: (6.5 x 90 + 1.5 x 60) / 8 = 675 / 8 = 84.375 -> 84.38.
    // April, new weights, repeat contacts not recorded: (1 x 90 + 3 x 60) / 4 = 67.5.
    assert_eq!(scored, [(Some(84.38), "2000-01"), (Some(67.5), "2026-04")]);
    let mut may =
        json!({ "schedule_adherence": 90, "quality_score": 60, "repeat_contact_rate": 20 });
    let scored = app
        .as_(&org.leader_a)
        .put_metrics(org.agent_a1.id, "2026-05", may.take())
        .await
        .ok(200);
    // (1 x 90 + 3 x 60 + 1 x (100 - 20)) / 5 = 350 / 5 = 70.
    assert_eq!(scored.score, Some(70.0));
}

#[tokio::test]
async fn scorecards_show_trend_team_average_and_ranking_in_scope() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    for (month, a1, a2) in [
        ("2025-12", 70.0, 80.0),
        ("2026-01", 80.0, 90.0),
        ("2026-02", 85.0, 60.0),
    ] {
        app.as_(&org.leader_a)
            .put_metrics(org.agent_a1.id, month, all_kpis(a1))
            .await
            .ok(200);
        app.as_(&org.leader_a)
            .put_metrics(org.agent_a2.id, month, all_kpis(a2))
            .await
            .ok(200);
    }
    let card = app
        .as_(&org.agent_a1)
        .scorecard(org.agent_a1.id, 2026)
        .await
        .ok(200);
    // January compares with December.
    let months: Vec<(Option<f64>, Option<f64>)> = card
        .months
        .iter()
        .map(|m| (m.change, m.team_average))
        .collect();
    assert_eq!(months, [(Some(10.0), Some(85.0)), (Some(5.0), Some(72.5))]);
    assert_eq!(
        (card.year_to_date, card.band, card.trend),
        (Some(82.5), Some(Band::Good), Some(5.0))
    );
    for who in [&org.leader_b, &org.agent_a2] {
        app.as_(who)
            .scorecard(org.agent_a1.id, 2026)
            .await
            .problem(404);
    }

    let board = app
        .as_(&org.manager_a)
        .team_scorecard(org.team_a, "2026-02")
        .await
        .ok(200);
    assert_eq!(board.average, Some(72.5));
    let ranks: Vec<_> = board
        .agents
        .iter()
        .map(|row| (row.agent_id, row.rank, row.band))
        .collect();
    assert_eq!(
        ranks,
        [
            (org.agent_a1.id.into(), Some(1), Some(Band::HighPerformer)),
            (
                org.agent_a2.id.into(),
                Some(2),
                Some(Band::NeedsImprovement)
            ),
        ]
    );
    for who in [&org.leader_b, &org.manager_b, &org.agent_a1] {
        app.as_(who)
            .team_scorecard(org.team_a, "2026-02")
            .await
            .problem(404);
    }
    app.as_(&org.leader_a)
        .get(&format!("/api/v1/teams/{}/scorecard?month=Feb", org.team_a))
        .call()
        .await
        .problem(422);
}

#[tokio::test]
async fn each_kpi_has_the_range_its_definition_allows_and_admins_set_it() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let put = |month: &str, value: Value| {
        app.as_(&org.leader_a)
            .request(
                reqwest::Method::PUT,
                &format!("/api/v1/agents/{}/metrics/{month}", org.agent_a1.id),
            )
            .json(&value)
            .send()
    };
    // A share of a whole cannot pass 100%; a ratio against a norm can.
    let refused = problem(
        put("2025-02", json!({ "quality_score": 180 }))
            .await
            .expect("answers"),
        422,
    )
    .await;
    assert!(refused["errors"]["quality_score"].is_array(), "{refused}");
    ok_json(
        put("2025-02", json!({ "productivity_index": 130 }))
            .await
            .expect("answers"),
        200,
    )
    .await;

    let settings = app
        .as_(&org.admin)
        .get("/api/v1/scorecard/config")
        .call()
        .await
        .ok(200);
    let quality = settings["catalogue"]
        .as_array()
        .and_then(|kpis| kpis.iter().find(|k| k["key"] == "quality_score"))
        .expect("the quality KPI")
        .clone();
    assert_eq!(quality["max_value"], 100.0);
    let patch = |who: &Persona, body: Value| {
        app.as_(who)
            .patch("/api/v1/kpis/quality_score", &body)
            .send()
    };
    problem(
        patch(
            &org.manager_a,
            json!({ "max_value": 120, "version": quality["version"] }),
        )
        .await
        .expect("answers"),
        403,
    )
    .await;
    let bad = problem(
        patch(
            &org.admin,
            json!({ "min_value": 50, "max_value": 10, "version": quality["version"] }),
        )
        .await
        .expect("answers"),
        422,
    )
    .await;
    assert!(bad["errors"]["max_value"].is_array(), "{bad}");
    ok_json(
        patch(
            &org.admin,
            json!({ "max_value": 120, "version": quality["version"] }),
        )
        .await
        .expect("answers"),
        200,
    )
    .await;
    problem(
        patch(
            &org.admin,
            json!({ "max_value": 110, "version": quality["version"] }),
        )
        .await
        .expect("answers"),
        412,
    )
    .await;
    ok_json(
        put("2025-03", json!({ "quality_score": 115 }))
            .await
            .expect("answers"),
        200,
    )
    .await;
}

#[tokio::test]
async fn a_negative_zero_does_not_break_the_audit_chain() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    app.as_(&org.leader_a)
        .request(
            reqwest::Method::PUT,
            &format!("/api/v1/agents/{}/metrics/2024-01", org.agent_a1.id),
        )
        .header("content-type", "application/json")
        .body(r#"{"quality_score": -0.0}"#)
        .call()
        .await
        .ok(200);
    let verdict = app
        .as_(&org.admin)
        .get("/api/v1/audit/verify")
        .call()
        .await
        .ok(200);
    assert_eq!(verdict["intact"], true, "{verdict}");
}

#[tokio::test]
async fn a_preview_scores_a_month_under_proposed_weights_and_saves_nothing() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let mut body = all_kpis(90.0);
    body["quality_score"] = json!(60);
    app.as_(&org.leader_a)
        .put_metrics(org.agent_a1.id, "2026-01", body)
        .await
        .ok(200);
    app.as_(&org.leader_b)
        .put_metrics(org.agent_b1.id, "2026-01", all_kpis(80.0))
        .await
        .ok(200);
    let proposal = json!({ "effective_from": "2026-02", "kpis": [
        { "key": "schedule_adherence", "weight": 1.0, "target": 95 },
        { "key": "quality_score", "weight": 3.0, "target": 95 }
    ]});
    let path = "/api/v1/scorecard/config/preview?month=2026-01";
    for who in [&org.manager_a, &org.leader_a, &org.agent_a1] {
        app.as_(who).post(path, &proposal).call().await.problem(403);
    }
    let preview = app
        .as_(&org.admin)
        .post(path, &proposal)
        .call()
        .await
        .ok(200);
    assert_eq!(preview["month"], "2026-01");
    // The agent whose quality lags moves most: (6.5 x 90 + 1.5 x 60) / 8 = 84.38 in force,
    // (1 x 90 + 3 x 60) / 4 = 67.5 proposed; an agent at 80 everywhere stays at 80.
    assert_eq!(preview["agents"][0]["agent_id"], json!(org.agent_a1.id));
    assert_eq!(preview["agents"][0]["now"], 84.38);
    assert_eq!(preview["agents"][0]["proposed"], 67.5);
    assert_eq!(preview["agents"][1]["now"], 80.0);
    assert_eq!(preview["agents"][1]["proposed"], 80.0);
    assert_eq!(preview["agents"].as_array().map(Vec::len), Some(2));

    // Bad proposals are refused as a save would be; nothing was saved.
    let unknown = json!({ "effective_from": "2026-02", "kpis": [{ "key": "nope", "weight": 1, "target": 1 }] });
    app.as_(&org.admin)
        .post(path, &unknown)
        .call()
        .await
        .problem(422);
    app.as_(&org.admin)
        .post("/api/v1/scorecard/config/preview?month=January", &proposal)
        .call()
        .await
        .problem(422);
    let settings = app
        .as_(&org.admin)
        .get("/api/v1/scorecard/config")
        .call()
        .await
        .ok(200);
    assert_eq!(settings["configs"].as_array().map(Vec::len), Some(1));
}
