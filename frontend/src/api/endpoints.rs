//! One function per endpoint the client uses, typed by the `dto` crate the server shares.

use domain::{ActionItemId, ActionPlanId, EvaluationId, QuickNoteId, SessionId, TeamId, UserId};
use dto::{ActionItem, ActionPlan, Page, QuickNote, Session};
use gloo_net::http::Method;
use serde::Deserialize;

use dto::query::{
    ActionItemQuery, AuditQuery, EvaluationQuery, MonthQuery, MonthRange, NotificationQuery,
    PageQuery, Paging, PlanQuery, QuickNoteQuery, SearchQuery, SessionQuery, UserQuery, YearQuery,
};

use super::{Error, call, get, href, post_once};

/// What the browser reads of a sign-in's answer (`dto::LoginAnswer`, `dto::LoginResponse`): the
/// step left, if any. The session itself is in the cookies and the page reads who signed in from
/// `me`. Read as optional fields, not as the untagged enum with flattened tokens, whose decoding
/// buffers the whole answer first (serde's `Content`: 25 KB of code before `wasm-opt`).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SignIn {
    /// A code from the second factor is needed first.
    pub second_factor: Option<dto::SecondFactorChallenge>,
    /// A temporary password is to be replaced first.
    pub new_password: Option<dto::NewPasswordChallenge>,
    /// This sign-in set up the second factor: its recovery codes, shown once.
    pub recovery_codes: Option<Vec<String>>,
}

/// Signs in; the server sets the session cookies.
pub async fn login(email: String, password: String) -> Result<SignIn, Error> {
    let body = dto::Login { email, password };
    call(Method::POST, "/api/v1/auth/login", Some(&body), None).await
}

/// What the sign-in page offers (single sign-on or not).
pub async fn client_config() -> Result<dto::ClientConfig, Error> {
    get("/api/v1/config").await
}

/// Finishes a single sign-on with what the provider sent the browser back with.
pub async fn finish_sso(body: dto::SsoCallback) -> Result<SignIn, Error> {
    call(Method::POST, "/api/v1/auth/sso/callback", Some(&body), None).await
}

/// Completes a sign-in with the second factor's code.
pub async fn complete_sign_in(body: &dto::CompleteSignIn) -> Result<SignIn, Error> {
    call(Method::POST, "/api/v1/auth/second-factor", Some(body), None).await
}

/// Signs out everywhere this session is used; the server clears the cookies.
pub async fn logout() -> Result<(), Error> {
    call(Method::POST, "/api/v1/auth/logout", None::<&()>, None).await
}

/// The signed-in actor.
pub async fn me() -> Result<dto::Me, Error> {
    get("/api/v1/me").await
}

/// The actor's home page data.
pub async fn dashboard() -> Result<dto::Dashboard, Error> {
    get("/api/v1/dashboard").await
}

/// Active agents in scope (the first 200).
pub async fn agents() -> Result<Page<dto::User>, Error> {
    let agents = UserQuery {
        role: Some(domain::Role::Agent),
        active: Some(true),
        ..UserQuery::default()
    };
    get(&href("/api/v1/users", &agents.page(200, None))).await
}

/// One person.
pub async fn user(id: UserId) -> Result<dto::User, Error> {
    get(&format!("/api/v1/users/{id}")).await
}

/// An agent's scorecard for a year.
pub async fn scorecard(agent: UserId, year: i32) -> Result<dto::AgentScorecard, Error> {
    let year = YearQuery { year: Some(year) };
    get(&href(&format!("/api/v1/agents/{agent}/scorecard"), &year)).await
}

/// An agent's monthly KPI values from `from` to `to` (`YYYY-MM`).
pub async fn metrics(agent: UserId, months: &MonthRange) -> Result<Vec<dto::MetricMonth>, Error> {
    get(&href(&format!("/api/v1/agents/{agent}/metrics"), months)).await
}

/// The KPI catalogue and the weights and targets in force.
pub async fn scorecard_settings() -> Result<dto::ScorecardSettings, Error> {
    get("/api/v1/scorecard/config").await
}

/// A team's scores for a month.
pub async fn team_scorecard(
    team: domain::TeamId,
    month: &str,
) -> Result<dto::TeamScorecard, Error> {
    let month = MonthQuery {
        month: Some(month.to_owned()),
    };
    get(&href(&format!("/api/v1/teams/{team}/scorecard"), &month)).await
}

/// Sessions matching the query.
pub async fn sessions(query: &SessionQuery) -> Result<Page<Session>, Error> {
    get(&href("/api/v1/sessions", query)).await
}

/// One session.
pub async fn session(id: SessionId) -> Result<Session, Error> {
    get(&format!("/api/v1/sessions/{id}")).await
}

/// What to review before a session.
pub async fn preparation(id: SessionId) -> Result<dto::SessionPreparation, Error> {
    get(&format!("/api/v1/sessions/{id}/preparation")).await
}

/// Books a session.
pub async fn schedule(body: &dto::ScheduleSession) -> Result<Session, Error> {
    call(Method::POST, "/api/v1/sessions", Some(body), None).await
}

/// Changes a booked session (time, length, focus areas, preparation) at `version`.
pub async fn update_session(
    id: SessionId,
    body: &dto::UpdateSession,
    version: i32,
) -> Result<Session, Error> {
    call(
        Method::PATCH,
        &format!("/api/v1/sessions/{id}"),
        Some(body),
        Some(version),
    )
    .await
}

/// A lifecycle step of a session (`start`, `no-show`, `cancel`, `complete`, `acknowledge`).
pub async fn session_step(
    id: SessionId,
    step: &str,
    body: &impl serde::Serialize,
    version: i32,
) -> Result<Session, Error> {
    call(
        Method::POST,
        &format!("/api/v1/sessions/{id}/{step}"),
        Some(body),
        Some(version),
    )
    .await
}

/// Action items matching the query.
pub async fn action_items(query: &ActionItemQuery) -> Result<Page<ActionItem>, Error> {
    get(&href("/api/v1/action-items", query)).await
}

/// Creates an action item.
pub async fn create_item(body: &dto::CreateActionItem) -> Result<ActionItem, Error> {
    call(Method::POST, "/api/v1/action-items", Some(body), None).await
}

/// Changes an action item at `version`.
pub async fn update_item(
    id: ActionItemId,
    body: &dto::UpdateActionItem,
    version: i32,
) -> Result<ActionItem, Error> {
    call(
        Method::PATCH,
        &format!("/api/v1/action-items/{id}"),
        Some(body),
        Some(version),
    )
    .await
}

/// One action item.
pub async fn action_item(id: ActionItemId) -> Result<ActionItem, Error> {
    get(&format!("/api/v1/action-items/{id}")).await
}

/// Action plans matching the query.
pub async fn action_plans(query: &PlanQuery) -> Result<Page<ActionPlan>, Error> {
    get(&href("/api/v1/action-plans", query)).await
}

/// A page of the evaluations I may read.
pub async fn evaluations(query: &EvaluationQuery) -> Result<Page<dto::Evaluation>, Error> {
    get(&href("/api/v1/evaluations", query)).await
}

/// One evaluation.
pub async fn evaluation(id: EvaluationId) -> Result<dto::Evaluation, Error> {
    get(&format!("/api/v1/evaluations/{id}")).await
}

/// The questions an evaluation was scored against.
pub async fn scored_form(id: EvaluationId) -> Result<dto::ScoredForm, Error> {
    get(&format!("/api/v1/evaluations/{id}/form")).await
}

/// A step of an evaluation (`acknowledge`, `submit`, `void`).
pub async fn evaluation_step(
    evaluation: &dto::Evaluation,
    step: &str,
    body: &dto::EvaluationStep,
) -> Result<dto::Evaluation, Error> {
    call(
        Method::POST,
        &format!("/api/v1/evaluations/{}/{step}", evaluation.id),
        Some(body),
        Some(evaluation.version),
    )
    .await
}

/// A decision on a plan (`acknowledge`, `submit`, `approve`, ...).
pub async fn decide_plan(
    plan: &ActionPlan,
    decision: &str,
    body: &dto::PlanDecision,
) -> Result<ActionPlan, Error> {
    call(
        Method::POST,
        &format!("/api/v1/action-plans/{}/{decision}", plan.id),
        Some(body),
        Some(plan.version),
    )
    .await
}

/// Quick notes matching the query.
pub async fn notes(query: &QuickNoteQuery) -> Result<Page<QuickNote>, Error> {
    get(&href("/api/v1/quick-notes", query)).await
}

/// One quick note.
pub async fn note(id: QuickNoteId) -> Result<QuickNote, Error> {
    get(&format!("/api/v1/quick-notes/{id}")).await
}

/// Captures a quick note; sent again with the same `key`, it is written once.
pub async fn create_note(body: &dto::CreateQuickNote, key: String) -> Result<QuickNote, Error> {
    post_once("/api/v1/quick-notes", body, key).await
}

/// Edits a quick note at `version`.
pub async fn update_note(
    id: QuickNoteId,
    body: &dto::UpdateQuickNote,
    version: i32,
) -> Result<QuickNote, Error> {
    call(
        Method::PATCH,
        &format!("/api/v1/quick-notes/{id}"),
        Some(body),
        Some(version),
    )
    .await
}

/// Deletes a quick note at `version`.
pub async fn delete_note(id: QuickNoteId, version: i32) -> Result<(), Error> {
    call(
        Method::DELETE,
        &format!("/api/v1/quick-notes/{id}"),
        None::<&()>,
        Some(version),
    )
    .await
}

/// Full-text search within the actor's scope.
pub async fn search(q: &str) -> Result<dto::SearchResults, Error> {
    let query = SearchQuery {
        q: q.to_owned(),
        limit: Some(12),
    };
    get(&href("/api/v1/search", &query)).await
}

/// My newest notifications, and how many are unread.
pub async fn notifications() -> Result<dto::Notifications, Error> {
    get(&href(
        "/api/v1/notifications",
        &NotificationQuery::default().page(20, None),
    ))
    .await
}

/// Marks some of my notifications read (`ids`), or all of them.
pub async fn mark_read(body: &dto::MarkRead) -> Result<(), Error> {
    call::<serde::de::IgnoredAny>(Method::POST, "/api/v1/notifications/read", Some(body), None)
        .await
        .map(drop)
}

/// Changes a draft plan (title, goal, period, KPI targets) at `version`.
pub async fn update_plan(
    id: ActionPlanId,
    body: &dto::UpdateActionPlan,
    version: i32,
) -> Result<ActionPlan, Error> {
    call(
        Method::PATCH,
        &format!("/api/v1/action-plans/{id}"),
        Some(body),
        Some(version),
    )
    .await
}

/// One plan, its targets checked against the agent's metrics.
pub async fn action_plan(id: ActionPlanId) -> Result<ActionPlan, Error> {
    get(&format!("/api/v1/action-plans/{id}")).await
}

/// A plan's history, newest first.
pub async fn plan_history(id: ActionPlanId) -> Result<Vec<dto::PlanEvent>, Error> {
    get(&format!("/api/v1/action-plans/{id}/history")).await
}

/// Drafts a plan.
pub async fn create_plan(body: &dto::CreateActionPlan) -> Result<ActionPlan, Error> {
    call(Method::POST, "/api/v1/action-plans", Some(body), None).await
}

/// Records a checkpoint on an active plan.
pub async fn add_checkpoint(
    id: ActionPlanId,
    body: &dto::CreateCheckpoint,
) -> Result<ActionPlan, Error> {
    call(
        Method::POST,
        &format!("/api/v1/action-plans/{id}/checkpoints"),
        Some(body),
        None,
    )
    .await
}

/// The teams in my scope.
pub async fn teams() -> Result<Page<dto::Team>, Error> {
    get(&href(
        "/api/v1/teams",
        &PageQuery::default().page(200, None),
    ))
    .await
}

/// One team as it is now.
pub async fn team(id: TeamId) -> Result<dto::Team, Error> {
    get(&format!("/api/v1/teams/{id}")).await
}

/// People in my scope matching the query.
pub async fn people(query: &UserQuery) -> Result<Page<dto::User>, Error> {
    get(&href("/api/v1/users", query)).await
}

/// The audit log, newest first (admins).
pub async fn audit(query: &AuditQuery) -> Result<Page<dto::AuditEntry>, Error> {
    get(&href("/api/v1/audit", query)).await
}

/// Recomputes the audit chain (admins).
pub async fn verify_audit() -> Result<dto::AuditVerification, Error> {
    get("/api/v1/audit/verify").await
}

/// One person as they are now.
pub async fn person(id: UserId) -> Result<dto::User, Error> {
    get(&format!("/api/v1/users/{id}")).await
}

/// Adds a person.
pub async fn create_person(body: &dto::CreateUser) -> Result<dto::User, Error> {
    call(Method::POST, "/api/v1/users", Some(body), None).await
}

/// Changes a person at `version`.
pub async fn update_person(
    id: UserId,
    body: &dto::UpdateUser,
    version: i32,
) -> Result<dto::User, Error> {
    call(
        Method::PATCH,
        &format!("/api/v1/users/{id}"),
        Some(body),
        Some(version),
    )
    .await
}

/// Erases a person for good (admins), at the version shown: their tombstone.
pub async fn erase_person(id: UserId, version: i32) -> Result<dto::User, Error> {
    call(
        Method::POST,
        &format!("/api/v1/users/{id}/erase"),
        None::<&()>,
        Some(version),
    )
    .await
}

/// Deactivates (`false`) or reactivates (`true`) a person.
pub async fn set_active(id: UserId, active: bool) -> Result<dto::User, Error> {
    let step = if active { "reactivate" } else { "deactivate" };
    call(
        Method::POST,
        &format!("/api/v1/users/{id}/{step}"),
        None::<&()>,
        None,
    )
    .await
}

/// The announcements I may read, newest first.
pub async fn announcements() -> Result<Page<dto::Announcement>, Error> {
    get(&href(
        "/api/v1/announcements",
        &PageQuery::default().page(50, None),
    ))
    .await
}

/// Publishes an announcement.
pub async fn announce(body: &dto::CreateAnnouncement) -> Result<dto::Announcement, Error> {
    call(Method::POST, "/api/v1/announcements", Some(body), None).await
}

/// A background import's progress.
pub async fn import_job(id: uuid::Uuid) -> Result<dto::ImportJob, Error> {
    get(&format!("/api/v1/metrics/import/jobs/{id}")).await
}

/// Creates a team.
pub async fn create_team(body: &dto::CreateTeam) -> Result<dto::Team, Error> {
    call(Method::POST, "/api/v1/teams", Some(body), None).await
}

/// Changes a team at `version`.
pub async fn update_team(
    id: domain::TeamId,
    body: &dto::UpdateTeam,
    version: i32,
) -> Result<dto::Team, Error> {
    call(
        Method::PATCH,
        &format!("/api/v1/teams/{id}"),
        Some(body),
        Some(version),
    )
    .await
}

/// A new scorecard configuration from a month on.
pub async fn update_scorecard(
    body: &dto::UpdateScorecardConfig,
) -> Result<dto::ScorecardSettings, Error> {
    call(Method::PUT, "/api/v1/scorecard/config", Some(body), None).await
}

/// Adds a KPI to the catalogue.
pub async fn create_kpi(body: &dto::CreateKpi) -> Result<dto::ScorecardSettings, Error> {
    call(Method::POST, "/api/v1/kpis", Some(body), None).await
}

/// Gives a person a new temporary password (signing them out everywhere).
pub async fn reset_password(id: UserId) -> Result<dto::TemporaryPassword, Error> {
    call(
        Method::POST,
        &format!("/api/v1/users/{id}/password-reset"),
        None::<&()>,
        None,
    )
    .await
}

/// Last month's scores under proposed weights and targets, beside those in force (nothing is
/// saved).
pub async fn preview_scorecard(
    body: &dto::UpdateScorecardConfig,
) -> Result<dto::ScorecardPreview, Error> {
    call(
        Method::POST,
        "/api/v1/scorecard/config/preview",
        Some(body),
        None,
    )
    .await
}

/// My personal access tokens.
pub async fn access_tokens() -> Result<Vec<dto::AccessToken>, Error> {
    get("/api/v1/me/tokens").await
}

/// What the page shows of a new personal access token (`dto::CreatedAccessToken`, read without
/// its flattened token and so without serde's buffering code): its name and its secret.
#[derive(Clone, Debug, Deserialize)]
pub struct NewToken {
    /// The name it was given.
    pub name: String,
    /// The bearer secret, shown this once.
    pub secret: String,
}

/// Makes a personal access token; the answer holds its secret, this once.
pub async fn create_access_token(body: &dto::CreateAccessToken) -> Result<NewToken, Error> {
    call(Method::POST, "/api/v1/me/tokens", Some(body), None).await
}

/// Revokes one of my personal access tokens.
pub async fn revoke_access_token(id: uuid::Uuid) -> Result<(), Error> {
    call(
        Method::DELETE,
        &format!("/api/v1/me/tokens/{id}"),
        None::<&()>,
        None,
    )
    .await
}

/// The session templates I may use.
pub async fn session_templates() -> Result<Vec<dto::SessionTemplate>, Error> {
    get("/api/v1/session-templates").await
}

/// One session template as it is now.
pub async fn session_template(id: uuid::Uuid) -> Result<dto::SessionTemplate, Error> {
    get(&format!("/api/v1/session-templates/{id}")).await
}

/// Makes a session template, or (with an id) replaces one's content at its version.
pub async fn save_session_template(
    id: Option<uuid::Uuid>,
    body: &dto::WriteSessionTemplate,
) -> Result<dto::SessionTemplate, Error> {
    match id {
        None => call(Method::POST, "/api/v1/session-templates", Some(body), None).await,
        Some(id) => {
            let path = format!("/api/v1/session-templates/{id}");
            call(Method::PUT, &path, Some(body), None).await
        }
    }
}

/// Deletes a session template.
pub async fn delete_session_template(id: uuid::Uuid) -> Result<(), Error> {
    let path = format!("/api/v1/session-templates/{id}");
    call(Method::DELETE, &path, None::<&()>, None).await
}

/// Every webhook (admins).
pub async fn webhooks() -> Result<Vec<dto::Webhook>, Error> {
    get("/api/v1/webhooks").await
}

/// Registers a webhook; the answer holds its signing secret, this once.
pub async fn create_webhook(body: &dto::CreateWebhook) -> Result<dto::CreatedWebhook, Error> {
    call(Method::POST, "/api/v1/webhooks", Some(body), None).await
}

/// One webhook as it is now.
pub async fn webhook(id: uuid::Uuid) -> Result<dto::Webhook, Error> {
    get(&format!("/api/v1/webhooks/{id}")).await
}

/// Changes a webhook at its version.
pub async fn update_webhook(
    id: uuid::Uuid,
    body: &dto::UpdateWebhook,
) -> Result<dto::Webhook, Error> {
    let path = format!("/api/v1/webhooks/{id}");
    call(Method::PATCH, &path, Some(body), None).await
}

/// Removes a webhook and its deliveries.
pub async fn delete_webhook(id: uuid::Uuid) -> Result<(), Error> {
    let path = format!("/api/v1/webhooks/{id}");
    call(Method::DELETE, &path, None::<&()>, None).await
}

/// A webhook's newest deliveries.
pub async fn webhook_deliveries(id: uuid::Uuid) -> Result<Page<dto::WebhookDelivery>, Error> {
    let newest = PageQuery::default().page(20, None);
    get(&href(&format!("/api/v1/webhooks/{id}/deliveries"), &newest)).await
}

/// Whether I get email notifications.
pub async fn email_notifications() -> Result<dto::EmailNotifications, Error> {
    get("/api/v1/me/email-notifications").await
}

/// Turns my email notifications on or off.
pub async fn set_email_notifications(
    body: dto::EmailNotifications,
) -> Result<dto::EmailNotifications, Error> {
    let path = "/api/v1/me/email-notifications";
    call(Method::PUT, path, Some(&body), None).await
}

/// Whether I have a calendar feed.
pub async fn calendar_feed() -> Result<dto::CalendarFeed, Error> {
    get("/api/v1/me/calendar").await
}

/// Makes my calendar feed, or a new one that retires the old URL; the answer holds its URL, this
/// once.
pub async fn create_calendar_feed() -> Result<dto::CreatedCalendarFeed, Error> {
    call(Method::POST, "/api/v1/me/calendar", None::<&()>, None).await
}

/// Ends my calendar feed.
pub async fn remove_calendar_feed() -> Result<(), Error> {
    call(Method::DELETE, "/api/v1/me/calendar", None::<&()>, None).await
}

/// My second factor: set up, required, recovery codes left.
pub async fn second_factor() -> Result<dto::SecondFactorStatus, Error> {
    get("/api/v1/me/second-factor").await
}

/// Starts setting up an authenticator app.
pub async fn enrol_second_factor() -> Result<dto::SecondFactorEnrolment, Error> {
    call(Method::POST, "/api/v1/me/second-factor", None::<&()>, None).await
}

/// Confirms the authenticator app with its code; the answer holds the recovery codes.
pub async fn confirm_second_factor(
    body: &dto::ConfirmSecondFactor,
) -> Result<dto::RecoveryCodes, Error> {
    call(
        Method::POST,
        "/api/v1/me/second-factor/confirm",
        Some(body),
        None,
    )
    .await
}

/// The roles that must sign in with a second factor.
pub async fn second_factor_roles() -> Result<dto::SecondFactorRoles, Error> {
    get("/api/v1/settings/second-factor").await
}

/// Sets the roles that must sign in with a second factor.
pub async fn set_second_factor_roles(
    body: &dto::SecondFactorRoles,
) -> Result<dto::SecondFactorRoles, Error> {
    call(
        Method::PUT,
        "/api/v1/settings/second-factor",
        Some(body),
        None,
    )
    .await
}

/// Turns my second factor off, proven with a current code.
pub async fn disable_second_factor(body: &dto::ConfirmSecondFactor) -> Result<(), Error> {
    call(
        Method::POST,
        "/api/v1/me/second-factor/disable",
        Some(body),
        None,
    )
    .await
}

/// Removes someone's second factor (an admin, for a lost phone).
pub async fn remove_second_factor(id: UserId) -> Result<(), Error> {
    call(
        Method::DELETE,
        &format!("/api/v1/users/{id}/second-factor"),
        None::<&()>,
        None,
    )
    .await
}

/// Emails a person a link that sets their password (admins), instead of a temporary password.
pub async fn send_password_link(id: UserId) -> Result<(), Error> {
    call(
        Method::POST,
        &format!("/api/v1/users/{id}/password-link"),
        None::<&()>,
        None,
    )
    .await
}

/// Changes my password; every other sign-in and personal token ends.
pub async fn change_password(body: &dto::ChangePassword) -> Result<(), Error> {
    call(Method::POST, "/api/v1/me/password", Some(body), None).await
}

/// Asks for a link that sets a new password, by email.
pub async fn forgot_password(body: &dto::ForgotPassword) -> Result<(), Error> {
    call(
        Method::POST,
        "/api/v1/auth/forgot-password",
        Some(body),
        None,
    )
    .await
}

/// Sets a new password with a one-time token; the answer is a sign-in's.
pub async fn new_password(body: &dto::NewPassword) -> Result<SignIn, Error> {
    call(Method::POST, "/api/v1/auth/new-password", Some(body), None).await
}

/// Which reminders I get.
pub async fn reminders() -> Result<dto::ReminderChoices, Error> {
    get("/api/v1/me/reminders").await
}

/// Turns each kind of reminder on or off for me.
pub async fn set_reminders(body: &dto::ReminderChoices) -> Result<dto::ReminderChoices, Error> {
    call(Method::PUT, "/api/v1/me/reminders", Some(body), None).await
}
