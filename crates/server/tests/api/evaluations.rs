//! Evaluations: drafting, scoring on submission, the agent's acknowledgement, changes after
//! submission, voiding; who may evaluate whom and read what; every bad input by field.

use domain::EvaluationStatus;
use dto::query::EvaluationQuery;
use dto::{Evaluation, EvaluationForm, Notifications};
use serde_json::{Value, json};
use test_support::{Call, Org, Persona, TestApp, records};

/// Team A's call form (see `records::call_form`): questions 0-3 are the greeting (yes/no, 10),
/// the tone (1-5 scale, 20, N/A allowed), the resolution (0-10 points) and the identity check
/// (yes/no, 5, critical for the whole form).
async fn team_a_form(app: &TestApp, org: &Org) -> EvaluationForm {
    app.as_(&org.admin)
        .create_form(records::call_form("Team A calls", &[org.team_a]))
        .await
        .ok(201)
}

/// Every question answered: a greeting, a tone of 4, 8 points of resolution, identity checked.
/// Opening 25/30 = 83.3, resolution 13/15 = 86.7, weighted 1:3 = 85.8.
fn full() -> Vec<(usize, Value)> {
    vec![
        (0, json!("YES")),
        (1, json!(4)),
        (2, json!(8)),
        (3, json!("YES")),
    ]
}

/// The evaluations `who` lists.
async fn listed(app: &TestApp, who: &Persona) -> Vec<Evaluation> {
    app.as_(who)
        .evaluations(&EvaluationQuery::default())
        .await
        .ok(200)
        .items
}

/// The kinds of `who`'s notifications, newest first.
async fn notified(app: &TestApp, who: &Persona) -> Vec<String> {
    let page: Notifications = app
        .as_(who)
        .get("/api/v1/notifications")
        .call_as()
        .await
        .ok(200);
    page.items
        .into_iter()
        .map(|n| n.kind.as_str().to_owned())
        .collect()
}

#[tokio::test]
async fn an_analyst_drafts_and_submits_a_score_the_agent_acknowledges() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let form = team_a_form(&app, &org).await;
    let analyst = || app.as_(&org.analyst_a);
    let draft = analyst()
        .create_evaluation(records::evaluation(&form, org.agent_a1.id, &full()[..2]))
        .await
        .ok(201);
    assert_eq!(draft.status, EvaluationStatus::Draft);
    assert_eq!((draft.score, draft.form_version), (None, 1));
    assert_eq!(draft.evaluator_id, Some(org.analyst_a.id.into()));

    // A draft is its evaluator's alone.
    for who in [&org.agent_a1, &org.leader_a, &org.manager_a, &org.admin] {
        app.as_(who).evaluation(&draft).await.problem(404);
        assert!(listed(&app, who).await.is_empty(), "{}", who.email);
    }
    assert_eq!(
        listed(&app, &org.analyst_a).await,
        std::slice::from_ref(&draft)
    );

    // Submitting needs every answer.
    let problem = analyst()
        .evaluation_step(&draft, "submit", json!({}))
        .await
        .problem(422);
    assert!(problem["errors"]["answers"].is_array(), "{problem}");
    let answers = records::evaluation(&form, org.agent_a1.id, &full())["answers"].clone();
    let complete = analyst()
        .update_evaluation(&draft, json!({ "answers": answers }))
        .await
        .ok(200);
    let submitted = analyst()
        .evaluation_step(&complete, "submit", json!({}))
        .await
        .ok(200);
    assert_eq!(submitted.status, EvaluationStatus::Submitted);
    assert_eq!(submitted.score, Some(85.8));
    let sections: Vec<Option<f64>> = submitted.section_scores.iter().map(|s| s.score).collect();
    assert_eq!(sections, [Some(83.3), Some(86.7)]);
    assert_eq!(submitted.failed_by, None);
    assert_eq!(
        notified(&app, &org.agent_a1).await,
        ["EVALUATION_SUBMITTED"]
    );

    // The agent and their coaches read it, and the questions it was scored against; nobody else.
    let questions = format!("/api/v1/evaluations/{}/form", submitted.id);
    for who in [
        &org.agent_a1,
        &org.leader_a,
        &org.manager_a,
        &org.admin,
        &org.analyst_a,
    ] {
        let read = app.as_(who).evaluation(&submitted).await.ok(200);
        assert_eq!(read.answers.len(), 4);
        assert_eq!(listed(&app, who).await.len(), 1, "{}", who.email);
        let scored: dto::ScoredForm = app.as_(who).get(&questions).call_as().await.ok(200);
        assert_eq!((scored.name.as_str(), scored.version), ("Team A calls", 1));
        assert_eq!(scored.sections, form.sections);
    }
    for who in [
        &org.agent_a2,
        &org.leader_b,
        &org.manager_b,
        &org.agent_b1,
        &org.loner,
    ] {
        app.as_(who).evaluation(&submitted).await.problem(404);
        assert!(listed(&app, who).await.is_empty(), "{}", who.email);
        app.as_(who).get(&questions).call().await.problem(404);
    }

    // Only the agent acknowledges, once.
    app.as_(&org.leader_a)
        .evaluation_step(&submitted, "acknowledge", json!({}))
        .await
        .problem(403);
    let acknowledged = app
        .as_(&org.agent_a1)
        .evaluation_step(
            &submitted,
            "acknowledge",
            json!({ "comment": "Fair, thanks" }),
        )
        .await
        .ok(200);
    assert_eq!(acknowledged.status, EvaluationStatus::Acknowledged);
    assert_eq!(
        acknowledged.acknowledgement_comment.as_deref(),
        Some("Fair, thanks")
    );
    assert_eq!(
        notified(&app, &org.analyst_a).await,
        ["EVALUATION_ACKNOWLEDGED"]
    );
    app.as_(&org.agent_a1)
        .evaluation_step(&acknowledged, "acknowledge", json!({}))
        .await
        .problem(409);
}

#[tokio::test]
async fn coaches_and_analysts_evaluate_the_agents_they_reach_and_agents_never_do() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let form = app
        .as_(&org.admin)
        .create_form(records::call_form("Every team's calls", &[]))
        .await
        .ok(201);
    let about = |agent: &Persona| records::evaluation(&form, agent.id, &full());
    for who in [&org.admin, &org.manager_a, &org.leader_a, &org.analyst_a] {
        app.as_(who)
            .create_evaluation(about(&org.agent_a1))
            .await
            .ok(201);
    }
    // Another team's agent is nobody to them; an agent evaluates no one, themselves included.
    for (who, agent) in [
        (&org.leader_b, &org.agent_a1),
        (&org.manager_b, &org.agent_a1),
        (&org.analyst_a, &org.agent_b1),
        (&org.agent_a2, &org.agent_a1),
    ] {
        let problem = app
            .as_(who)
            .create_evaluation(about(agent))
            .await
            .problem(422);
        assert!(problem["errors"]["agent_id"].is_array(), "{problem}");
    }
    app.as_(&org.agent_a1)
        .create_evaluation(about(&org.agent_a1))
        .await
        .problem(403);
}

#[tokio::test]
async fn after_submission_only_its_evaluator_or_an_admin_changes_it_with_a_reason() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let form = team_a_form(&app, &org).await;
    let analyst = || app.as_(&org.analyst_a);
    let draft = analyst()
        .create_evaluation(records::evaluation(&form, org.agent_a1.id, &full()))
        .await
        .ok(201);
    let submitted = analyst()
        .evaluation_step(&draft, "submit", json!({}))
        .await
        .ok(200);
    let acknowledged = app
        .as_(&org.agent_a1)
        .evaluation_step(&submitted, "acknowledge", json!({}))
        .await
        .ok(200);
    let greeting_missed = json!({ "answers": records::evaluation(&form, org.agent_a1.id, &[
        (0, json!("NO")), (1, json!(4)), (2, json!(8)), (3, json!("YES")),
    ])["answers"] });

    app.as_(&org.leader_a)
        .update_evaluation(&acknowledged, greeting_missed.clone())
        .await
        .problem(403);
    let problem = analyst()
        .update_evaluation(&acknowledged, greeting_missed.clone())
        .await
        .problem(422);
    assert!(problem["errors"]["reason"].is_array(), "{problem}");
    let mut with_reason = greeting_missed.clone();
    with_reason["reason"] = json!("The greeting came after the hold");
    let amended = analyst()
        .update_evaluation(&acknowledged, with_reason.clone())
        .await
        .ok(200);
    // Opening 15/30 = 50; total (50 + 3 x 86.67) / 4 = 77.5. The agent acknowledges again.
    assert_eq!(amended.score, Some(77.5));
    assert_eq!(amended.status, EvaluationStatus::Submitted);
    assert_eq!(
        amended.edit_reason.as_deref(),
        Some("The greeting came after the hold")
    );
    assert_eq!(amended.acknowledged_at, None);
    assert_eq!(
        notified(&app, &org.agent_a1).await,
        ["EVALUATION_CHANGED", "EVALUATION_SUBMITTED"]
    );
    // The same change from the version before is a conflict, whoever sends it.
    analyst()
        .update_evaluation(&acknowledged, with_reason.clone())
        .await
        .problem(412);
    app.as_(&org.admin)
        .update_evaluation(&acknowledged, with_reason)
        .await
        .problem(412);

    // Submitted: voided by an admin with a reason, never deleted.
    analyst().delete_evaluation(&amended).await.problem(409);
    analyst()
        .evaluation_step(&amended, "void", json!({ "reason": "Wrong agent" }))
        .await
        .problem(403);
    let problem = app
        .as_(&org.admin)
        .evaluation_step(&amended, "void", json!({}))
        .await
        .problem(422);
    assert!(problem["errors"]["reason"].is_array(), "{problem}");
    let voided = app
        .as_(&org.admin)
        .evaluation_step(&amended, "void", json!({ "reason": "Wrong agent" }))
        .await
        .ok(200);
    assert_eq!(voided.status, EvaluationStatus::Voided);
    assert_eq!(voided.void_reason.as_deref(), Some("Wrong agent"));
    analyst()
        .update_evaluation(&voided, json!({ "strengths": "x", "reason": "y" }))
        .await
        .problem(409);

    // A draft goes.
    let draft = analyst()
        .create_evaluation(records::evaluation(&form, org.agent_a2.id, &[]))
        .await
        .ok(201);
    app.as_(&org.admin)
        .delete_evaluation(&draft)
        .await
        .problem(404);
    analyst().delete_evaluation(&draft).await.ok(204);
    analyst().evaluation(&draft).await.problem(404);
}

#[tokio::test]
async fn a_failed_critical_question_fails_the_whole_evaluation_and_is_named() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let form = team_a_form(&app, &org).await;
    let unverified = [
        (0, json!("YES")),
        (1, json!("NA")),
        (2, json!(10)),
        (3, json!("NO")),
    ];
    let draft = app
        .as_(&org.leader_a)
        .create_evaluation(records::evaluation(&form, org.agent_a1.id, &unverified))
        .await
        .ok(201);
    let failed = app
        .as_(&org.leader_a)
        .evaluation_step(&draft, "submit", json!({}))
        .await
        .ok(200);
    let identity = form.sections[1].questions[1].id;
    assert_eq!(
        (failed.score, failed.failed_by),
        (Some(0.0), Some(identity))
    );
    // N/A is out of the opening's sums: 10/10. The resolution keeps its own 10/15.
    let sections: Vec<Option<f64>> = failed.section_scores.iter().map(|s| s.score).collect();
    assert_eq!(sections, [Some(100.0), Some(66.7)]);
}

#[tokio::test]
async fn every_bad_input_is_refused_by_field_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let form = team_a_form(&app, &org).await;
    let team_b_form: EvaluationForm = app
        .as_(&org.admin)
        .create_form(records::call_form("Team B calls", &[org.team_b]))
        .await
        .ok(201);
    let good = records::evaluation(&form, org.agent_a1.id, &full());
    let with = |field: &str, value: Value| {
        let mut body = good.clone();
        body[field] = value;
        body
    };
    let mut unknown_question = good.clone();
    unknown_question["answers"][0]["question_id"] = json!(uuid::Uuid::now_v7());
    let mut na_not_allowed = good.clone();
    na_not_allowed["answers"][0]["value"] = json!("NA");
    let mut off_scale = good.clone();
    off_scale["answers"][1]["value"] = json!(6);
    let mut twice = good.clone();
    twice["answers"][1]["question_id"] = twice["answers"][0]["question_id"].clone();
    let cases = [
        (unknown_question, "answers[0].question_id"),
        (na_not_allowed, "answers[0].value"),
        (off_scale, "answers[1].value"),
        (twice, "answers[1].question_id"),
        (
            with("interaction_url", json!("javascript:alert(1)")),
            "interaction_url",
        ),
        (
            with("interaction_url", json!("ftp://cc.example.com/1")),
            "interaction_url",
        ),
        (with("interaction_id", json!("   ")), "interaction_id"),
        (with("channel", json!("CHAT")), "channel"),
        (with("duration_seconds", json!(-1)), "duration_seconds"),
        (with("form_id", json!(team_b_form.id)), "form_id"),
        (with("form_id", json!(uuid::Uuid::now_v7())), "form_id"),
    ];
    for (body, field) in cases {
        let problem = app
            .as_(&org.analyst_a)
            .create_evaluation(body)
            .await
            .problem(422);
        assert!(problem["errors"][field].is_array(), "{field}: {problem}");
    }
    let archived = app
        .as_(&org.admin)
        .update_form(&form, json!({ "archived": true }))
        .await
        .ok(200);
    let problem = app
        .as_(&org.analyst_a)
        .create_evaluation(good)
        .await
        .problem(422);
    assert!(problem["errors"]["form_id"].is_array(), "{problem}");
    assert!(archived.archived_at.is_some());
    assert!(listed(&app, &org.analyst_a).await.is_empty());
}

#[tokio::test]
async fn live_readers_get_a_submitted_evaluation_and_never_a_draft() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let form = team_a_form(&app, &org).await;
    let mut leader = app.live(&org.leader_a).await;
    let mut other_leader = app.live(&org.leader_b).await;
    let draft = app
        .as_(&org.analyst_a)
        .create_evaluation(records::evaluation(&form, org.agent_a1.id, &full()))
        .await
        .ok(201);
    app.as_(&org.analyst_a)
        .evaluation_step(&draft, "submit", json!({}))
        .await
        .ok(200);
    let heard = leader.until("evaluation_changed").await;
    let last = heard.last().expect("the submitted evaluation");
    assert_eq!(last["data"]["status"], "SUBMITTED", "{heard:?}");
    assert!(
        heard
            .iter()
            .all(|m| m["type"] != "evaluation_changed" || m["data"]["status"] != "DRAFT"),
        "{heard:?}"
    );
    crate::live::announce_to_everyone(&app, &org.admin).await;
    let other = other_leader.until("announcement_published").await;
    assert!(
        other.iter().all(|m| m["type"] != "evaluation_changed"),
        "{other:?}"
    );
}

/// A's first call of November 2026, scored with `answers`, submitted by the analyst.
async fn submitted_in_november(
    app: &TestApp,
    org: &Org,
    form: &EvaluationForm,
    day: u32,
    answers: &[(usize, Value)],
) -> Evaluation {
    let mut body = records::evaluation(form, org.agent_a1.id, answers);
    body["occurred_at"] = json!(format!("2026-11-{day:02}T10:00:00Z"));
    let draft = app
        .as_(&org.analyst_a)
        .create_evaluation(body)
        .await
        .ok(201);
    app.as_(&org.analyst_a)
        .evaluation_step(&draft, "submit", json!({}))
        .await
        .ok(200)
}

/// A1's quality KPI for November 2026, as their leader reads it.
async fn november_quality(app: &TestApp, org: &Org) -> Option<f64> {
    let months = app
        .as_(&org.leader_a)
        .metric_months(org.agent_a1.id, "2026-11", "2026-11")
        .await
        .ok(200);
    months
        .first()
        .and_then(|month| month.values.get("quality_score").copied())
}

#[tokio::test]
async fn the_quality_kpi_is_the_months_average_score_and_leaves_with_a_void() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let form = team_a_form(&app, &org).await;
    let settings = app
        .as_(&org.admin)
        .get("/api/v1/scorecard/config")
        .call()
        .await
        .ok(200);
    let version = settings["catalogue"]
        .as_array()
        .and_then(|kpis| kpis.iter().find(|k| k["key"] == "quality_score"))
        .map(|kpi| kpi["version"].clone())
        .expect("the quality KPI");
    let marked = app
        .as_(&org.admin)
        .patch(
            "/api/v1/kpis/quality_score",
            &json!({ "from_evaluations": true, "version": version }),
        )
        .call()
        .await
        .ok(200);
    let from_evaluations: Vec<&Value> = marked["catalogue"]
        .as_array()
        .expect("the catalogue")
        .iter()
        .filter(|kpi| kpi["from_evaluations"] == true)
        .map(|kpi| &kpi["key"])
        .collect();
    assert_eq!(from_evaluations, [&json!("quality_score")], "{marked}");

    // 85.8 and 77.5 (the greeting missed): the month's quality is their mean, 81.65 -> 81.7.
    let first = submitted_in_november(&app, &org, &form, 10, &full()).await;
    let mut missed = full();
    missed[0].1 = json!("NO");
    let second = submitted_in_november(&app, &org, &form, 20, &missed).await;
    assert_eq!((first.score, second.score), (Some(85.8), Some(77.5)));
    assert_eq!(november_quality(&app, &org).await, Some(81.7));

    // Nobody enters or imports it for that month; the other KPIs are theirs to write.
    let problem = app
        .as_(&org.leader_a)
        .put_metrics(
            org.agent_a1.id,
            "2026-11",
            json!({ "quality_score": 95, "version": 1 }),
        )
        .await
        .problem(422);
    assert!(problem["errors"]["quality_score"].is_array(), "{problem}");
    let csv = "email,month,quality_score\nagent.a1@org.test,2026-11,95\n".to_owned();
    let problem = app.as_(&org.admin).import_metrics(csv).await.problem(422);
    assert!(
        problem["errors"]["line 2"]
            .to_string()
            .contains("evaluations"),
        "{problem}"
    );
    let months = app
        .as_(&org.leader_a)
        .metric_months(org.agent_a1.id, "2026-11", "2026-11")
        .await
        .ok(200);
    let kept = app
        .as_(&org.leader_a)
        .put_metrics(
            org.agent_a1.id,
            "2026-11",
            json!({ "attendance_rate": 70, "version": months[0].version }),
        )
        .await
        .ok(200);
    assert_eq!(kept.values.get("quality_score"), Some(&81.7));
    assert_eq!(kept.values.get("attendance_rate"), Some(&70.0));

    // A void takes its score out again; the last one takes the value away.
    for (voided, left) in [(&second, Some(85.8)), (&first, None)] {
        app.as_(&org.admin)
            .evaluation_step(voided, "void", json!({ "reason": "Test call" }))
            .await
            .ok(200);
        assert_eq!(november_quality(&app, &org).await, left);
    }
}

#[tokio::test]
async fn the_list_exports_as_csv_and_a_workbook_scoped_and_filtered_like_the_list() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let form = app
        .as_(&org.admin)
        .create_form(records::call_form("Calls", &[]))
        .await
        .ok(201);
    for (evaluator, agent) in [
        (&org.leader_a, &org.agent_a1),
        (&org.leader_b, &org.agent_b1),
    ] {
        let draft = app
            .as_(evaluator)
            .create_evaluation(records::evaluation(&form, agent.id, &full()))
            .await
            .ok(201);
        app.as_(evaluator)
            .evaluation_step(&draft, "submit", json!({}))
            .await
            .ok(200);
    }
    // A draft stays its evaluator's, in files too.
    app.as_(&org.analyst_a)
        .create_evaluation(records::evaluation(&form, org.agent_a2.id, &full()))
        .await
        .ok(201);
    let csv = |who: &Persona, query: &str| {
        let path = format!("/api/v1/evaluations/export.csv{query}");
        let app = &app;
        let who = who.clone();
        async move {
            let answer = app.as_(&who).get(&path).call().await;
            assert_eq!(answer.status(), 200, "{}", answer.text());
            assert!(
                answer
                    .header("content-type")
                    .is_some_and(|t| t.starts_with("text/csv"))
            );
            answer.text()
        }
    };
    let leader = csv(&org.leader_a, "").await;
    let lines: Vec<&str> = leader.lines().collect();
    assert!(
        lines[0].starts_with("Interaction,Agent,Evaluator,Form,Channel"),
        "{leader}"
    );
    assert_eq!(lines.len(), 2, "{leader}");
    assert!(
        lines[1].contains("Agent A1") && lines[1].contains("85.8"),
        "{leader}"
    );
    assert_eq!(csv(&org.admin, "").await.lines().count(), 3);
    assert_eq!(csv(&org.admin, "?min_score=90").await.lines().count(), 1);
    assert_eq!(csv(&org.agent_b1, "").await.lines().count(), 2);
    assert_eq!(
        csv(&org.analyst_a, "?status=DRAFT").await.lines().count(),
        2
    );
    let workbook = app
        .as_(&org.manager_a)
        .get("/api/v1/evaluations/export.xlsx")
        .call()
        .await;
    assert_eq!(workbook.status(), 200);
    assert_eq!(
        workbook.header("content-type"),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    app.as_(&org.admin)
        .get("/api/v1/evaluations/export.csv?min_score=101")
        .call()
        .await
        .problem(422);
}
