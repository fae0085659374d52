//! Evaluation forms: admins make, edit and archive them; coaches read their teams' forms and
//! those for every team; agents none. Editing sections makes a new version and keeps the old.

use domain::quality::{AnswerValue, Channel, Critical, QuestionKind};
use dto::EvaluationForm;
use dto::query::EvaluationFormQuery;
use persistence::entity::evaluation_form_version;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use test_support::receiver::{Answer, Receiver};
use test_support::records::call_form;
use test_support::{Call, Org, TestApp};

use crate::helpers::eventually;
use crate::live::announce_to_everyone;

async fn create(app: &TestApp, org: &Org, teams: &[uuid::Uuid]) -> EvaluationForm {
    app.as_(&org.admin)
        .create_form(call_form("Inbound calls", teams))
        .await
        .ok(201)
}

fn names(forms: &[EvaluationForm]) -> Vec<&str> {
    forms.iter().map(|form| form.name.as_str()).collect()
}

async fn versions_kept(app: &TestApp, form: &EvaluationForm) -> u64 {
    evaluation_form_version::Entity::find()
        .filter(evaluation_form_version::Column::FormId.eq(form.id))
        .count(app.db())
        .await
        .expect("the versions are read")
}

#[tokio::test]
async fn an_admin_makes_a_form_that_scores_as_the_contract_says() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let form = create(&app, &org, &[]).await;
    assert_eq!(form.version, 1);
    assert_eq!(form.channels, [Channel::Call]);
    assert_eq!(form.team_ids, []);
    assert_eq!(form.archived_at, None);
    let titles: Vec<&str> = form.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["Opening", "Resolution"]);
    let questions: Vec<_> = form.sections.iter().flat_map(|s| &s.questions).collect();
    assert_eq!(questions.len(), 4);
    let mut ids: Vec<_> = questions.iter().map(|q| q.id).collect();
    ids.dedup();
    assert_eq!(ids.len(), 4, "every question has its own id");
    assert_eq!(questions[1].kind, QuestionKind::Scale);
    assert_eq!(questions[1].scale_max, Some(5));
    assert_eq!(questions[1].scale_labels.len(), 5);
    assert_eq!(questions[3].critical, Critical::Form);
    assert_eq!(
        questions[3].guidance.as_deref(),
        Some("Two of: date of birth, postcode, last payment.")
    );
    assert_eq!(versions_kept(&app, &form).await, 1);

    // The form as read scores as API.md says: Opening 10 + 15 of 30, Resolution 7 + 5 of 15,
    // (83.33 + 3 x 80) / 4 = 80.8; a NO to the critical question fails it.
    let read = app
        .as_(&org.leader_a)
        .evaluation_form(form.id)
        .await
        .ok(200);
    assert_eq!(read, form);
    let answers = |critical: AnswerValue| {
        let values = [
            AnswerValue::YES,
            AnswerValue::Number(4),
            AnswerValue::Number(7),
            critical,
        ];
        let ids = ids.clone();
        move |q| ids.iter().position(|id| *id == q).map(|i| values[i])
    };
    let scored =
        domain::quality::score(&read.sections, answers(AnswerValue::YES)).expect("valid answers");
    assert_eq!(scored.total, Some(80.8));
    let failed =
        domain::quality::score(&read.sections, answers(AnswerValue::NO)).expect("valid answers");
    assert_eq!(
        (failed.total, failed.failed_by),
        (Some(0.0), Some(questions[3].id))
    );
}

#[tokio::test]
async fn coaches_read_their_teams_forms_and_every_teams_agents_none() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let everyone = create(&app, &org, &[]).await;
    let team_a = app
        .as_(&org.admin)
        .create_form(call_form("Team A calls", &[org.team_a]))
        .await
        .ok(201);
    let all = EvaluationFormQuery::default();

    for who in [&org.admin, &org.manager_a, &org.leader_a] {
        let forms = app.as_(who).evaluation_forms(&all).await.ok(200);
        assert_eq!(names(&forms), ["Inbound calls", "Team A calls"]);
        app.as_(who).evaluation_form(team_a.id).await.ok(200);
    }
    for who in [&org.manager_b, &org.leader_b] {
        let forms = app.as_(who).evaluation_forms(&all).await.ok(200);
        assert_eq!(names(&forms), ["Inbound calls"], "not another team's");
        app.as_(who).evaluation_form(team_a.id).await.problem(404);
        app.as_(who).evaluation_form(everyone.id).await.ok(200);
    }
    for agent in [&org.agent_a1, &org.agent_b1] {
        app.as_(agent).evaluation_forms(&all).await.problem(403);
        app.as_(agent)
            .evaluation_form(everyone.id)
            .await
            .problem(404);
        app.as_(agent).evaluation_form(team_a.id).await.problem(404);
    }
    app.request(reqwest::Method::GET, "/api/v1/evaluation-forms")
        .call()
        .await
        .problem(401);

    // Narrowed to a team, a channel: the team's own and every team's; none for chat.
    let for_b = EvaluationFormQuery {
        team_id: Some(org.team_b.into()),
        ..EvaluationFormQuery::default()
    };
    let forms = app.as_(&org.admin).evaluation_forms(&for_b).await.ok(200);
    assert_eq!(names(&forms), ["Inbound calls"]);
    let chat = EvaluationFormQuery {
        channel: Some(Channel::Chat),
        ..EvaluationFormQuery::default()
    };
    let forms = app.as_(&org.admin).evaluation_forms(&chat).await.ok(200);
    assert_eq!(names(&forms), Vec::<&str>::new());
}

#[tokio::test]
async fn only_admins_make_and_change_forms() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let form = create(&app, &org, &[]).await;
    for who in [&org.manager_a, &org.leader_a, &org.agent_a1] {
        app.as_(who)
            .create_form(call_form("Mine", &[]))
            .await
            .problem(403);
    }
    for who in [&org.manager_a, &org.leader_a] {
        app.as_(who)
            .update_form(&form, json!({ "name": "Renamed" }))
            .await
            .problem(403);
    }
    let renamed = app
        .as_(&org.admin)
        .update_form(&form, json!({ "name": "  Renamed  " }))
        .await
        .ok(200);
    assert_eq!((renamed.name.as_str(), renamed.version), ("Renamed", 2));
    // A form is archived, never deleted.
    let answer = app
        .as_(&org.admin)
        .request(
            reqwest::Method::DELETE,
            &format!("/api/v1/evaluation-forms/{}", form.id),
        )
        .call()
        .await;
    assert_eq!(answer.status(), 405);
    assert_eq!(answer.header("allow"), Some("GET, PATCH"));
}

#[tokio::test]
async fn a_bad_form_is_refused_on_its_fields() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let admin = app.as_(&org.admin);
    let refused = |body: serde_json::Value| async move {
        admin.create_form(body).await.problem(422)["errors"].clone()
    };

    let mut no_range = call_form("Bad", &[]);
    no_range["sections"][0]["questions"][1]
        .as_object_mut()
        .expect("a question")
        .remove("scale_max");
    let errors = refused(no_range).await;
    assert!(
        errors["sections[0].questions[1].scale_max"].is_array(),
        "{errors}"
    );

    let mut empty = call_form("Bad", &[]);
    empty["sections"] = json!([]);
    empty["channels"] = json!([]);
    let errors = refused(empty).await;
    assert!(
        errors["sections"].is_array() && errors["channels"].is_array(),
        "{errors}"
    );

    let mut weightless = call_form("Bad", &[]);
    weightless["sections"][1]["weight"] = json!(0);
    weightless["sections"][1]["questions"][0]["points"] = json!(0);
    let errors = refused(weightless).await;
    assert!(
        errors["sections[1].weight"].is_array()
            && errors["sections[1].questions[0].points"].is_array(),
        "{errors}"
    );

    let unknown_team = call_form("Bad", &[uuid::Uuid::now_v7()]);
    let errors = refused(unknown_team).await;
    assert!(errors["team_ids"].is_array(), "{errors}");

    let mut fax = call_form("Bad", &[]);
    fax["channels"] = json!(["FAX"]);
    admin.create_form(fax).await.problem(422);

    // Nothing was half-written.
    let forms = admin
        .evaluation_forms(&EvaluationFormQuery::default())
        .await
        .ok(200);
    assert_eq!(forms, []);

    // A change keeps only questions of the form, and must change something.
    let form = create(&app, &org, &[]).await;
    let mut stranger = call_form("x", &[])["sections"].clone();
    stranger[0]["questions"][0]["id"] = json!(uuid::Uuid::now_v7());
    let problem = admin
        .update_form(&form, json!({ "sections": stranger }))
        .await
        .problem(422);
    assert!(
        problem["errors"]["sections[0].questions[0].id"].is_array(),
        "{problem}"
    );
    let problem = admin.update_form(&form, json!({})).await.problem(422);
    assert!(problem["errors"]["body"].is_array(), "{problem}");
    assert_eq!(
        admin.evaluation_form(form.id).await.ok(200).version,
        1,
        "refused changes leave the version"
    );
}

#[tokio::test]
async fn new_sections_are_a_new_version_and_named_questions_stay_the_same() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let form = create(&app, &org, &[]).await;
    let greeting = form.sections[0].questions[0].clone();
    let sections = json!([
        { "id": form.sections[0].id, "title": "Opening", "weight": 2, "questions": [
            { "id": greeting.id, "text": "Used the customer's name", "kind": "YES_NO", "points": 10 },
            { "text": "Offered further help", "kind": "YES_NO", "points": 5, "allow_na": true }
        ]}
    ]);
    let edited = app
        .as_(&org.admin)
        .update_form(&form, json!({ "sections": sections }))
        .await
        .ok(200);
    assert_eq!(edited.version, 2);
    assert_eq!(edited.sections.len(), 1);
    assert_eq!(edited.sections[0].id, form.sections[0].id);
    let kept = &edited.sections[0].questions[0];
    assert_eq!(
        (kept.id, kept.text.as_str()),
        (greeting.id, "Used the customer's name")
    );
    assert!(
        form.sections
            .iter()
            .flat_map(|s| &s.questions)
            .all(|q| q.id != edited.sections[0].questions[1].id),
        "a new question has a new id"
    );
    assert_eq!(versions_kept(&app, &form).await, 2, "the first is kept");

    // A change that leaves the sections writes no version of them.
    let renamed = app
        .as_(&org.admin)
        .update_form(
            &edited,
            json!({ "name": "Calls v2", "channels": ["CALL", "CHAT"] }),
        )
        .await
        .ok(200);
    assert_eq!(renamed.sections, edited.sections);
    assert_eq!(renamed.channels, [Channel::Call, Channel::Chat]);
    assert_eq!(versions_kept(&app, &form).await, 2);
}

#[tokio::test]
async fn an_archived_form_leaves_the_list_and_can_come_back() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let form = create(&app, &org, &[]).await;
    let archived = app
        .as_(&org.admin)
        .update_form(&form, json!({ "archived": true }))
        .await
        .ok(200);
    assert!(archived.archived_at.is_some());
    let in_use = EvaluationFormQuery::default();
    let archive = EvaluationFormQuery {
        archived: Some(true),
        ..EvaluationFormQuery::default()
    };
    let leader = app.as_(&org.leader_a);
    assert_eq!(leader.evaluation_forms(&in_use).await.ok(200), []);
    assert_eq!(
        names(&leader.evaluation_forms(&archive).await.ok(200)),
        ["Inbound calls"]
    );
    let back = app
        .as_(&org.admin)
        .update_form(&archived, json!({ "archived": false }))
        .await
        .ok(200);
    assert_eq!(back.archived_at, None);
    assert_eq!(
        names(&leader.evaluation_forms(&in_use).await.ok(200)),
        ["Inbound calls"]
    );
}

#[tokio::test]
async fn concurrent_edits_of_one_version_have_one_winner() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let form = create(&app, &org, &[]).await;
    let (a, b) = tokio::join!(
        app.as_(&org.admin)
            .update_form(&form, json!({ "name": "First" })),
        app.as_(&org.admin)
            .update_form(&form, json!({ "archived": true }))
    );
    let mut statuses = [a.status(), b.status()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 412]);
    // A stale If-Match is refused the same way.
    app.as_(&org.admin)
        .patch(
            &format!("/api/v1/evaluation-forms/{}", form.id),
            &json!({ "name": "Late" }),
        )
        .header("if-match", "\"1\"")
        .call()
        .await
        .problem(412);
}

#[tokio::test]
async fn a_change_reaches_those_who_read_the_form_live_and_webhooks_that_asked() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let receiver = Receiver::start(Answer::Accept).await;
    app.as_(&org.admin)
        .post(
            "/api/v1/webhooks",
            &json!({ "url": receiver.url(), "description": "QA feed", "events": ["evaluation_form_changed"] }),
        )
        .call()
        .await
        .ok(201);
    let mut leader_a = app.live(&org.leader_a).await;
    let mut leader_b = app.live(&org.leader_b).await;
    let mut agent = app.live(&org.agent_a1).await;

    let form = app
        .as_(&org.admin)
        .create_form(call_form("Team A calls", &[org.team_a]))
        .await
        .ok(201);
    announce_to_everyone(&app, &org.admin).await;

    let kinds = |messages: Vec<serde_json::Value>| -> Vec<String> {
        messages
            .iter()
            .map(|m| m["type"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let heard = leader_a.until("evaluation_form_changed").await;
    assert_eq!(
        heard.last().map(|m| m["resource_id"].clone()),
        Some(json!(form.id))
    );
    for (who, stream) in [("leader_b", &mut leader_b), ("agent_a1", &mut agent)] {
        let heard = kinds(stream.until("announcement_published").await);
        assert!(
            !heard.contains(&"evaluation_form_changed".to_owned()),
            "{who} heard {heard:?}"
        );
    }

    let id = form.id.to_string();
    eventually("the webhook hears of the form", || {
        let told = receiver.received().iter().any(|r| {
            let body = r.json();
            body["type"] == "evaluation_form_changed" && body["data"]["resource_id"] == id.as_str()
        });
        async move { told }
    })
    .await;
}
