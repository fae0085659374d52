//! The API's operations as methods of [`As`], one each, named as the contract names them, and
//! builders for the records tests create most: a test reads as the requests it makes, never as
//! URLs and headers.
//!
//! A change to a record that has a `version` takes the record as last read (a [`Record`]: the
//! `dto` type it was read as, or its JSON) and sends its version with the body, so a stale copy is
//! a 412 exactly as for a real client.

use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::client::{Call, Response};
use crate::{As, Persona};

/// A record read from the API: its id, and the version a change to it is based on.
pub trait Record {
    /// Its id.
    fn id(&self) -> String;
    /// Its version.
    fn version(&self) -> Value;
}

impl Record for Value {
    fn id(&self) -> String {
        self["id"]
            .as_str()
            .expect("the record has an id")
            .to_owned()
    }

    fn version(&self) -> Value {
        self["version"].clone()
    }
}

impl Record for dto::ActionItem {
    fn id(&self) -> String {
        self.id.to_string()
    }

    fn version(&self) -> Value {
        json!(self.version)
    }
}

impl Record for dto::Session {
    fn id(&self) -> String {
        self.id.to_string()
    }

    fn version(&self) -> Value {
        json!(self.version)
    }
}

impl Record for dto::ActionPlan {
    fn id(&self) -> String {
        self.id.to_string()
    }

    fn version(&self) -> Value {
        json!(self.version)
    }
}

impl Record for dto::QuickNote {
    fn id(&self) -> String {
        self.id.to_string()
    }

    fn version(&self) -> Value {
        json!(self.version)
    }
}

impl Record for dto::EvaluationForm {
    fn id(&self) -> String {
        self.id.to_string()
    }

    fn version(&self) -> Value {
        json!(self.version)
    }
}

impl Record for dto::Evaluation {
    fn id(&self) -> String {
        self.id.to_string()
    }

    fn version(&self) -> Value {
        json!(self.version)
    }
}

/// The `id` of a record read from the API.
fn id_of(record: &impl Record) -> String {
    record.id()
}

/// `body` with the record's `version`.
fn at_version(record: &impl Record, mut body: Value) -> Value {
    body["version"] = record.version();
    body
}

impl As<'_> {
    /// A personal access token (`POST /api/v1/me/tokens`) with `scopes`: the persona a script
    /// holding it is.
    pub async fn script(self, scopes: &[&str]) -> Persona {
        let body = json!({ "name": "Script", "scopes": scopes, "expires_in_days": 1 });
        let created = self.post("/api/v1/me/tokens", &body).call().await.ok(201);
        Persona {
            token: created["secret"].as_str().expect("a secret").to_owned(),
            ..self.persona().clone()
        }
    }

    /// A person's name as this persona reads it (`GET /api/v1/users/{id}`).
    pub async fn name_of(self, person: Uuid) -> String {
        let user = self
            .get(&format!("/api/v1/users/{person}"))
            .call()
            .await
            .ok(200);
        user["name"].as_str().expect("a name").to_owned()
    }

    /// `GET /api/v1/me`.
    pub async fn me(self) -> Response {
        self.get("/api/v1/me").call().await
    }

    /// `POST /api/v1/sessions`.
    pub async fn schedule_session(self, body: Value) -> Response<dto::Session> {
        self.post("/api/v1/sessions", &body).call_as().await
    }

    /// `GET /api/v1/sessions?…`: the sessions `query` asks for, as the browser asks.
    pub async fn sessions(
        self,
        query: &dto::query::SessionQuery,
    ) -> Response<dto::Page<dto::Session>> {
        self.get("/api/v1/sessions").query(query).call_as().await
    }

    /// `POST /api/v1/sessions/{id}/{step}` (`start`, `complete`, `cancel`, `no-show`,
    /// `acknowledge`) at the session's version.
    pub async fn session_step(
        self,
        session: &impl Record,
        step: &str,
        body: Value,
    ) -> Response<dto::Session> {
        let path = format!("/api/v1/sessions/{}/{step}", id_of(session));
        self.post(&path, &at_version(session, body)).call_as().await
    }

    /// `PATCH /api/v1/teams/{team}` adding `agent` to its members, at the team's version as
    /// read just before.
    pub async fn move_agent_to(self, team: Uuid, agent: Uuid) -> Response {
        let path = format!("/api/v1/teams/{team}");
        let current = self.get(&path).call().await.ok(200);
        let mut agents = current["agent_ids"].as_array().expect("members").clone();
        agents.push(json!(agent));
        let body = at_version(&current, json!({ "agent_ids": agents }));
        self.patch(&path, &body).call().await
    }

    /// `POST /api/v1/action-items`.
    pub async fn create_action_item(self, body: Value) -> Response<dto::ActionItem> {
        self.post("/api/v1/action-items", &body).call_as().await
    }

    /// `GET /api/v1/action-items?…`: the items `query` asks for, as the browser asks.
    pub async fn action_items(
        self,
        query: &dto::query::ActionItemQuery,
    ) -> Response<dto::Page<dto::ActionItem>> {
        self.get("/api/v1/action-items")
            .query(query)
            .call_as()
            .await
    }

    /// `PATCH /api/v1/action-items/{id}` at the item's version.
    pub async fn update_action_item(
        self,
        item: &impl Record,
        body: Value,
    ) -> Response<dto::ActionItem> {
        let path = format!("/api/v1/action-items/{}", id_of(item));
        self.patch(&path, &at_version(item, body)).call_as().await
    }

    /// `POST /api/v1/action-plans`.
    pub async fn create_action_plan(self, body: Value) -> Response<dto::ActionPlan> {
        self.post("/api/v1/action-plans", &body).call_as().await
    }

    /// `GET /api/v1/action-plans/{id}`.
    pub async fn action_plan(self, plan: impl std::fmt::Display) -> Response<dto::ActionPlan> {
        let path = format!("/api/v1/action-plans/{plan}");
        self.get(&path).call_as().await
    }

    /// `GET /api/v1/action-plans?…`: the plans `query` asks for, as the browser asks.
    pub async fn action_plans(
        self,
        query: &dto::query::PlanQuery,
    ) -> Response<dto::Page<dto::ActionPlan>> {
        self.get("/api/v1/action-plans")
            .query(query)
            .call_as()
            .await
    }

    /// `PATCH /api/v1/action-plans/{id}` at the plan's version.
    pub async fn update_action_plan(
        self,
        plan: &impl Record,
        body: Value,
    ) -> Response<dto::ActionPlan> {
        let path = format!("/api/v1/action-plans/{}", id_of(plan));
        self.patch(&path, &at_version(plan, body)).call_as().await
    }

    /// `POST /api/v1/action-plans/{id}/checkpoints`.
    pub async fn add_checkpoint(
        self,
        plan: impl std::fmt::Display,
        body: Value,
    ) -> Response<dto::ActionPlan> {
        let path = format!("/api/v1/action-plans/{plan}/checkpoints");
        self.post(&path, &body).call_as().await
    }

    /// `POST /api/v1/action-plans/{id}/{decision}` (`submit`, `approve`, `reject`,
    /// `acknowledge`, `complete`, `cancel`) at the plan's version.
    pub async fn decide_action_plan(
        self,
        plan: &impl Record,
        decision: &str,
        body: Value,
    ) -> Response<dto::ActionPlan> {
        let path = format!("/api/v1/action-plans/{}/{decision}", id_of(plan));
        self.post(&path, &at_version(plan, body)).call_as().await
    }

    /// `POST /api/v1/evaluation-forms`.
    pub async fn create_form(self, body: Value) -> Response<dto::EvaluationForm> {
        self.post("/api/v1/evaluation-forms", &body).call_as().await
    }

    /// `GET /api/v1/evaluation-forms/{id}`.
    pub async fn evaluation_form(
        self,
        form: impl std::fmt::Display,
    ) -> Response<dto::EvaluationForm> {
        let path = format!("/api/v1/evaluation-forms/{form}");
        self.get(&path).call_as().await
    }

    /// `GET /api/v1/evaluation-forms?…`.
    pub async fn evaluation_forms(
        self,
        query: &dto::query::EvaluationFormQuery,
    ) -> Response<Vec<dto::EvaluationForm>> {
        self.get("/api/v1/evaluation-forms")
            .query(query)
            .call_as()
            .await
    }

    /// `PATCH /api/v1/evaluation-forms/{id}` at the form's version.
    pub async fn update_form(
        self,
        form: &impl Record,
        body: Value,
    ) -> Response<dto::EvaluationForm> {
        let path = format!("/api/v1/evaluation-forms/{}", id_of(form));
        self.patch(&path, &at_version(form, body)).call_as().await
    }

    /// `POST /api/v1/evaluations`: a draft.
    pub async fn create_evaluation(self, body: Value) -> Response<dto::Evaluation> {
        self.post("/api/v1/evaluations", &body).call_as().await
    }

    /// `GET /api/v1/evaluations/{id}`.
    pub async fn evaluation(self, evaluation: &impl Record) -> Response<dto::Evaluation> {
        let path = format!("/api/v1/evaluations/{}", id_of(evaluation));
        self.get(&path).call_as().await
    }

    /// `GET /api/v1/evaluations?…`.
    pub async fn evaluations(
        self,
        query: &dto::query::EvaluationQuery,
    ) -> Response<dto::Page<dto::Evaluation>> {
        self.get("/api/v1/evaluations").query(query).call_as().await
    }

    /// `PATCH /api/v1/evaluations/{id}` at the evaluation's version.
    pub async fn update_evaluation(
        self,
        evaluation: &impl Record,
        body: Value,
    ) -> Response<dto::Evaluation> {
        let path = format!("/api/v1/evaluations/{}", id_of(evaluation));
        self.patch(&path, &at_version(evaluation, body))
            .call_as()
            .await
    }

    /// `POST /api/v1/evaluations/{id}/{step}` (`submit`, `acknowledge`, `void`) at the
    /// evaluation's version.
    pub async fn evaluation_step(
        self,
        evaluation: &impl Record,
        step: &str,
        body: Value,
    ) -> Response<dto::Evaluation> {
        let path = format!("/api/v1/evaluations/{}/{step}", id_of(evaluation));
        self.post(&path, &at_version(evaluation, body))
            .call_as()
            .await
    }

    /// `DELETE /api/v1/evaluations/{id}` at the evaluation's version.
    pub async fn delete_evaluation(self, evaluation: &impl Record) -> Response {
        let path = format!("/api/v1/evaluations/{}", id_of(evaluation));
        let version = evaluation.version();
        self.request(Method::DELETE, &path)
            .header("if-match", format!("\"{version}\""))
            .call()
            .await
    }

    /// `POST /api/v1/quick-notes`.
    pub async fn write_note(self, body: Value) -> Response<dto::QuickNote> {
        self.post("/api/v1/quick-notes", &body).call_as().await
    }

    /// `PUT /api/v1/agents/{agent}/metrics/{month}`.
    pub async fn put_metrics(
        self,
        agent: Uuid,
        month: &str,
        body: Value,
    ) -> Response<dto::MetricMonth> {
        let path = format!("/api/v1/agents/{agent}/metrics/{month}");
        self.request(Method::PUT, &path).json(&body).call_as().await
    }

    /// `GET /api/v1/agents/{agent}/metrics?from=&to=` (`YYYY-MM`).
    pub async fn metric_months(
        self,
        agent: Uuid,
        from: &str,
        to: &str,
    ) -> Response<Vec<dto::MetricMonth>> {
        let range = dto::query::MonthRange {
            from: Some(from.to_owned()),
            to: Some(to.to_owned()),
        };
        let path = format!("/api/v1/agents/{agent}/metrics");
        self.get(&path).query(&range).call_as().await
    }

    /// `GET /api/v1/agents/{agent}/scorecard?year=`.
    pub async fn scorecard(self, agent: Uuid, year: i32) -> Response<dto::AgentScorecard> {
        let path = format!("/api/v1/agents/{agent}/scorecard");
        let query = dto::query::YearQuery { year: Some(year) };
        self.get(&path).query(&query).call_as().await
    }

    /// `GET /api/v1/teams/{team}/scorecard?month=`.
    pub async fn team_scorecard(self, team: Uuid, month: &str) -> Response<dto::TeamScorecard> {
        let path = format!("/api/v1/teams/{team}/scorecard");
        let query = dto::query::MonthQuery {
            month: Some(month.to_owned()),
        };
        self.get(&path).query(&query).call_as().await
    }

    /// `POST /api/v1/metrics/import` with a CSV file.
    pub async fn import_metrics(self, csv: String) -> Response {
        self.request(Method::POST, "/api/v1/metrics/import")
            .header("content-type", "text/csv")
            .body(csv)
            .call()
            .await
    }

    /// `GET /api/v1/search?q=`.
    pub async fn search(self, q: &str) -> Response {
        let path = format!("/api/v1/search?q={}", q.replace(' ', "%20"));
        self.get(&path).call().await
    }
}

/// Builders for the records tests create most.
pub mod records {
    use chrono::{Duration, Utc};

    use super::*;

    /// 09:00 UTC three days from now, plus `hours`: a free slot as long as the hours differ.
    pub fn slot(hours: i64) -> String {
        let start = Utc::now().date_naive().and_hms_opt(9, 0, 0).expect("09:00")
            + Duration::days(3)
            + Duration::hours(hours);
        start.and_utc().to_rfc3339()
    }

    /// An hour's session with `agent` at [`slot`]`(hours)`.
    pub fn session(agent: Uuid, hours: i64) -> Value {
        json!({ "agent_id": agent, "scheduled_at": slot(hours), "duration_minutes": 60,
                "focus_areas": ["Empathy", " Call control "], "preparation_notes": "Check last month" })
    }

    /// An item for `assignee`, due in `days`.
    pub fn action_item(assignee: Uuid, days: i64) -> Value {
        let due = (Utc::now().date_naive() + Duration::days(days)).to_string();
        json!({ "title": "Review three calls", "assignee_id": assignee, "due_date": due, "priority": "MEDIUM" })
    }

    /// A quarter's plan for `agent` with two items and two KPI targets.
    pub fn action_plan(agent: Uuid) -> Value {
        json!({
            "agent_id": agent, "title": "Adherence recovery", "goal": "Back to 90% schedule adherence",
            "start_date": "2026-01-01", "end_date": "2026-03-31",
            "items": [{ "title": "Daily schedule check", "due_date": "2026-01-15" }, { "title": "Break timer", "due_date": "2026-02-01", "priority": "HIGH" }],
            "targets": [{ "kpi": "schedule_adherence", "operator": "GTE", "value": 90, "by_month": "2026-02" },
                        { "kpi": "quality_score", "operator": "GTE", "value": 95, "by_month": "2026-02" }]
        })
    }

    /// A call form of two sections: a yes/no greeting and a 1-5 tone scale (weight 1), and a
    /// 0-10 resolution and a critical (auto-fail) compliance check (weight 3); for `teams`
    /// (none: every team).
    pub fn call_form(name: &str, teams: &[Uuid]) -> Value {
        json!({
            "name": name, "description": "Inbound calls", "channels": ["CALL"], "team_ids": teams,
            "sections": [
                { "title": "Opening", "weight": 1, "questions": [
                    { "text": "Greeted the customer by name", "kind": "YES_NO", "points": 10 },
                    { "text": "Tone", "kind": "SCALE", "points": 20, "scale_max": 5, "allow_na": true,
                      "scale_labels": ["Poor", "Weak", "Fair", "Good", "Great"] }
                ]},
                { "title": "Resolution", "weight": 3, "questions": [
                    { "text": "Solved the problem", "kind": "POINTS", "points": 10 },
                    { "text": "Verified identity", "kind": "YES_NO", "points": 5, "critical": "FORM",
                      "guidance": "Two of: date of birth, postcode, last payment." }
                ]}
            ]
        })
    }

    /// A draft evaluation of a call of `agent` against `form` with `answers` (`[question index
    /// in form order, value]`).
    pub fn evaluation(
        form: &dto::EvaluationForm,
        agent: Uuid,
        answers: &[(usize, Value)],
    ) -> Value {
        let questions: Vec<_> = form
            .sections
            .iter()
            .flat_map(|section| &section.questions)
            .collect();
        let answers: Vec<Value> = answers
            .iter()
            .map(|(index, value)| json!({ "question_id": questions[*index].id, "value": value }))
            .collect();
        json!({
            "form_id": form.id, "agent_id": agent, "channel": "CALL",
            "interaction_id": "CALL-1001", "interaction_url": "https://cc.example.com/calls/1001",
            "occurred_at": slot(-72), "duration_seconds": 420, "answers": answers,
            "strengths": "Warm opening", "opportunities": "Verify identity first"
        })
    }

    /// A behaviour note about `agent`.
    pub fn note(agent: Uuid, content: &str, visibility: &str) -> Value {
        json!({ "agent_id": agent, "content": content, "category": "BEHAVIOR", "visibility": visibility })
    }

    /// Every default KPI at `value`.
    pub fn all_kpis(value: f64) -> Value {
        json!({
            "schedule_adherence": value, "attendance_rate": value, "punctuality": value, "break_compliance": value,
            "task_completion_rate": value, "productivity_index": value, "quality_score": value, "efficiency_rate": value
        })
    }
}
