//! Spreadsheet exports (`…/export.xlsx`): each opens with a reader crate (`calamine`) and holds
//! exactly the rows its list shows the actor, another team's never; cells are typed (dates as
//! dates, numbers as numbers, a formula-looking note as text); the header row is frozen and
//! filtered.

use std::io::{Cursor, Read};

use calamine::{Data, DataType, Reader, Xlsx, open_workbook_from_rs};
use serde_json::Value;
use test_support::{Call, Org, Persona, TestApp, records};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The workbook at `path` for `who`.
async fn workbook(app: &TestApp, who: &Persona, path: &str) -> Vec<u8> {
    let answer = app.as_(who).get(path).call().await;
    assert_eq!(answer.status(), 200, "{path}: {}", answer.text());
    assert_eq!(answer.header("content-type"), Some(XLSX));
    assert!(
        answer
            .header("content-disposition")
            .is_some_and(|d| d.starts_with("attachment; filename=") && d.ends_with(".xlsx\"")),
    );
    answer.bytes().to_vec()
}

/// The worksheet's rows, header first.
fn read_sheet(bytes: &[u8], sheet: &str) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("opens");
    let range = book.worksheet_range(sheet).expect("the worksheet");
    let formulas = book.worksheet_formula(sheet).expect("formulas");
    assert!(
        formulas
            .used_cells()
            .all(|(_, _, formula)| formula.is_empty()),
        "no cell is a formula"
    );
    range.rows().map(<[Data]>::to_vec).collect()
}

/// The worksheet XML of the workbook's first sheet.
fn sheet_xml(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("a zip");
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .expect("a worksheet")
        .read_to_string(&mut xml)
        .expect("text");
    xml
}

fn text(cell: &Data) -> String {
    match cell {
        Data::String(text) => text.clone(),
        Data::Empty => String::new(),
        other => panic!("not text: {other:?}"),
    }
}

/// The column titled `title`.
fn column(rows: &[Vec<Data>], title: &str) -> usize {
    rows[0]
        .iter()
        .position(|cell| text(cell) == title)
        .unwrap_or_else(|| panic!("a `{title}` column in {:?}", rows[0]))
}

/// The list's items at `path`, every page.
async fn listed(app: &TestApp, who: &Persona, path: &str) -> Vec<Value> {
    let page = app
        .as_(who)
        .get(&format!("{path}?limit=200"))
        .call()
        .await
        .ok(200);
    assert_eq!(page["next_cursor"], Value::Null);
    page["items"].as_array().expect("items").clone()
}

async fn names(app: &TestApp, org: &Org) -> Vec<(uuid::Uuid, String)> {
    let mut names = Vec::new();
    for (_, person) in org.everyone() {
        let name = app.as_(&org.admin).name_of(person.id).await;
        names.push((person.id, name));
    }
    names
}

/// Both teams' records: notes (one private), items, plans and a month of metrics each.
async fn seeded() -> (TestApp, Org) {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    for (leader, agent) in [
        (&org.leader_a, &org.agent_a1),
        (&org.leader_b, &org.agent_b1),
    ] {
        let coach = app.as_(leader);
        coach
            .write_note(records::note(
                agent.id,
                r#"=HYPERLINK("http://evil.example","open")"#,
                "SHARED",
            ))
            .await
            .ok(201);
        coach
            .write_note(records::note(agent.id, "Ask about the rota", "PRIVATE"))
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
    }
    app.as_(&org.leader_a)
        .create_action_item(records::action_item(org.agent_a2.id, -3))
        .await
        .ok(201);
    (app, org)
}

#[tokio::test]
async fn each_workbook_holds_exactly_the_rows_its_list_shows() {
    let (app, org) = seeded().await;
    let names = names(&app, &org).await;
    let name_of = |id: &Value| -> String {
        let id: uuid::Uuid = id.as_str().and_then(|s| s.parse().ok()).expect("an id");
        names
            .iter()
            .find(|(person, _)| *person == id)
            .map(|(_, name)| name.clone())
            .expect("a known person")
    };
    let exports = [
        ("/api/v1/quick-notes", "Quick notes", "content", "Note"),
        ("/api/v1/action-items", "Action items", "title", "Title"),
        ("/api/v1/action-plans", "Action plans", "title", "Title"),
    ];
    for who in [
        &org.admin,
        &org.manager_a,
        &org.leader_a,
        &org.leader_b,
        &org.agent_a1,
        &org.agent_a2,
        &org.loner,
    ] {
        for (list, sheet, field, title) in exports {
            let mut expected: Vec<(String, String)> = listed(&app, who, list)
                .await
                .iter()
                .map(|item| {
                    let text = item[field].as_str().expect("text").to_owned();
                    (name_of(&item["agent_id"]), text)
                })
                .collect();
            let bytes = workbook(&app, who, &format!("{list}/export.xlsx")).await;
            let rows = read_sheet(&bytes, sheet);
            let (agent, shown) = (column(&rows, "Agent"), column(&rows, title));
            let mut found: Vec<(String, String)> = rows[1..]
                .iter()
                .map(|row| (text(&row[agent]), text(&row[shown])))
                .collect();
            expected.sort();
            found.sort();
            assert_eq!(found, expected, "{} exports {list}", who.email);
        }
    }
    // One agent's rows, when asked for; another team's agent gives an empty sheet.
    let path = format!(
        "/api/v1/quick-notes/export.xlsx?agent_id={}",
        org.agent_a1.id
    );
    assert_eq!(
        read_sheet(&workbook(&app, &org.leader_a, &path).await, "Quick notes").len(),
        3
    );
    let path = format!(
        "/api/v1/action-items/export.xlsx?agent_id={}",
        org.agent_b1.id
    );
    assert_eq!(
        read_sheet(&workbook(&app, &org.leader_a, &path).await, "Action items").len(),
        1
    );
}

#[tokio::test]
async fn the_metrics_workbook_has_the_csv_rows_with_numbers_and_months() {
    let (app, org) = seeded().await;
    let range = "?from=2025-06&to=2026-06";
    // Whose months each may export, by email.
    let (a1, b1) = (org.agent_a1.email.clone(), org.agent_b1.email.clone());
    for (who, expected) in [
        (&org.admin, vec![a1.clone(), b1.clone()]),
        (&org.manager_a, vec![a1.clone()]),
        (&org.leader_a, vec![a1.clone()]),
        (&org.leader_b, vec![b1.clone()]),
        (&org.agent_a1, vec![a1.clone()]),
        (&org.agent_a2, vec![]),
    ] {
        let csv = app
            .as_(who)
            .get(&format!("/api/v1/metrics/export.csv{range}"))
            .call()
            .await;
        let csv_rows = csv.text().lines().count() - 1;
        let bytes = workbook(&app, who, &format!("/api/v1/metrics/export.xlsx{range}")).await;
        let rows = read_sheet(&bytes, "Metrics");
        let email = column(&rows, "email");
        let mut found: Vec<String> = rows[1..].iter().map(|row| text(&row[email])).collect();
        found.sort();
        assert_eq!(found, expected, "{}", who.email);
        assert_eq!(found.len(), csv_rows, "the CSV's rows: {}", who.email);
    }
    let bytes = workbook(
        &app,
        &org.leader_a,
        &format!("/api/v1/metrics/export.xlsx{range}"),
    )
    .await;
    let rows = read_sheet(&bytes, "Metrics");
    let month = &rows[1][column(&rows, "month")];
    assert_eq!(
        month.as_date(),
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1),
        "a month is a date: {month:?}"
    );
    assert!(matches!(rows[1][column(&rows, "score")], Data::Float(_)));
    assert!(matches!(rows[1][column(&rows, "quality_score")], Data::Float(v) if v == 88.0));
}

#[tokio::test]
async fn cells_are_typed_the_header_frozen_and_a_formula_stays_text() {
    let (app, org) = seeded().await;
    let bytes = workbook(&app, &org.leader_a, "/api/v1/quick-notes/export.xlsx").await;
    let rows = read_sheet(&bytes, "Quick notes");
    let note = column(&rows, "Note");
    assert!(
        rows[1..]
            .iter()
            .any(|row| row[note]
                == Data::String(r#"=HYPERLINK("http://evil.example","open")"#.into())),
        "the note is its text, not a formula: {rows:?}"
    );
    assert!(rows[1][column(&rows, "Written")].as_datetime().is_some());
    let xml = sheet_xml(&bytes);
    assert!(
        xml.contains(r#"ySplit="1""#) && xml.contains(r#"state="frozen""#),
        "{xml}"
    );
    assert!(xml.contains("<autoFilter"), "{xml}");

    let bytes = workbook(&app, &org.leader_a, "/api/v1/action-items/export.xlsx").await;
    let rows = read_sheet(&bytes, "Action items");
    let (due, overdue) = (column(&rows, "Due"), column(&rows, "Overdue"));
    assert!(rows[1..].iter().all(|row| row[due].as_date().is_some()));
    let late: Vec<String> = rows[1..].iter().map(|row| text(&row[overdue])).collect();
    assert!(
        late.contains(&"Yes".to_owned()) && late.contains(&"No".to_owned()),
        "{late:?}"
    );

    let bytes = workbook(&app, &org.leader_a, "/api/v1/action-plans/export.xlsx").await;
    let rows = read_sheet(&bytes, "Action plans");
    assert_eq!(
        rows[1][column(&rows, "Start")].as_date(),
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
    );
    assert!(matches!(rows[1][column(&rows, "Items")], Data::Float(_)));
}

#[tokio::test]
async fn exports_need_a_signed_in_actor_and_a_valid_query() {
    let (app, org) = seeded().await;
    for path in [
        "/api/v1/quick-notes/export.xlsx",
        "/api/v1/action-items/export.xlsx",
        "/api/v1/action-plans/export.xlsx",
        "/api/v1/metrics/export.xlsx",
    ] {
        app.request(reqwest::Method::GET, path)
            .call()
            .await
            .problem(401);
        let bad = app
            .as_(&org.leader_a)
            .get(&format!("{path}?agent_id=someone"))
            .call()
            .await
            .problem(422);
        assert!(
            bad["errors"].is_array() || bad["errors"].is_object(),
            "{bad}"
        );
    }
}
