//! The query strings of the API: the server parses and checks them, the browser builds its list
//! URLs from them (`serde_urlencoded`; a `None` is left out).
//!
//! Each struct is written out in full: the server reads these sources for the limits it puts in
//! the OpenAPI document (`server::openapi::limits`).

use chrono::{DateTime, NaiveDate, Utc};
use domain::{
    ActionItemStatus, ActionPlanId, NoteCategory, PlanStatus, Role, SessionId, SessionStatus,
    TeamId, UserId,
};
use garde::Validate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::validate::{filter_date, filter_time};

/// A list read a page at a time: the page size and where the page starts.
pub trait Paging {
    /// This query for the page of `limit` rows after `cursor` (the first page without one).
    fn page(self, limit: u64, cursor: Option<String>) -> Self;
}

macro_rules! paging {
    ($($query:ty),+) => {$(
        impl Paging for $query {
            fn page(mut self, limit: u64, cursor: Option<String>) -> Self {
                self.limit = Some(limit);
                self.cursor = cursor;
                self
            }
        }
    )+};
}

paging!(
    PageQuery,
    SessionQuery,
    ActionItemQuery,
    PlanQuery,
    QuickNoteQuery,
    NotificationQuery,
    UserQuery,
    AuditQuery,
    EvaluationQuery
);

/// Paging alone (teams, announcements, webhook deliveries).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct PageQuery {
    /// Page size, 1-200 (default 50).
    #[garde(inner(range(min = 1, max = 200)))]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Filters and paging for the session list.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct SessionQuery {
    /// Only this agent's sessions.
    pub agent_id: Option<UserId>,
    /// Only this team leader's sessions.
    pub team_leader_id: Option<UserId>,
    /// Only in this state.
    pub status: Option<SessionStatus>,
    /// Scheduled at or after.
    #[garde(inner(custom(filter_time)))]
    pub from: Option<DateTime<Utc>>,
    /// Scheduled before.
    #[garde(inner(custom(filter_time)))]
    pub to: Option<DateTime<Utc>>,
    /// Page size, 1-200 (default 50).
    #[garde(inner(range(min = 1, max = 200)))]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Filters and paging for the item list.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct ActionItemQuery {
    /// Only items this person does.
    pub assignee_id: Option<UserId>,
    /// Only items about this agent.
    pub agent_id: Option<UserId>,
    /// Only from this session.
    pub session_id: Option<SessionId>,
    /// Only in this plan.
    pub plan_id: Option<ActionPlanId>,
    /// Only in this state.
    pub status: Option<ActionItemStatus>,
    /// Only due before this date.
    #[garde(inner(custom(filter_date)))]
    pub due_before: Option<NaiveDate>,
    /// Only due on or after this date.
    #[garde(inner(custom(filter_date)))]
    pub due_from: Option<NaiveDate>,
    /// Page size, 1-200 (default 50).
    #[garde(inner(range(min = 1, max = 200)))]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Filters and paging for the plan list.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct PlanQuery {
    /// Only this agent's plans.
    pub agent_id: Option<UserId>,
    /// Only in this state.
    pub status: Option<PlanStatus>,
    /// Page size, 1-200 (default 50).
    #[garde(inner(range(min = 1, max = 200)))]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Filters and paging for the note list.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct QuickNoteQuery {
    /// Only about this agent.
    pub agent_id: Option<UserId>,
    /// Only this category.
    pub category: Option<NoteCategory>,
    /// Every word of this begins a word of the content (a word of one or two letters: is one).
    pub q: Option<String>,
    /// Written at or after.
    #[garde(inner(custom(filter_time)))]
    pub from: Option<DateTime<Utc>>,
    /// Written before.
    #[garde(inner(custom(filter_time)))]
    pub to: Option<DateTime<Utc>>,
    /// Page size, 1-200 (default 50).
    #[garde(inner(range(min = 1, max = 200)))]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The words to find.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct SearchQuery {
    /// Words to find (each matched as a prefix; all must appear), 1-200 characters.
    #[garde(length(chars, min = 1, max = 200), custom(crate::users::not_blank))]
    pub q: String,
    /// Most hits, 1-50 (default 20).
    #[garde(inner(range(min = 1, max = 50)))]
    pub limit: Option<u64>,
}

/// Filters and paging for notifications.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct NotificationQuery {
    /// Only unread ones.
    #[serde(default)]
    pub unread: bool,
    /// Page size, 1-200 (default 50).
    #[garde(inner(range(min = 1, max = 200)))]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Filters and paging for the user list.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct UserQuery {
    /// Only this role.
    pub role: Option<Role>,
    /// Only agents of this team.
    pub team_id: Option<TeamId>,
    /// Only active (`true`) or deactivated (`false`) users.
    pub active: Option<bool>,
    /// Name or email contains this.
    pub q: Option<String>,
    /// Page size, 1-200 (default 50).
    #[garde(inner(range(min = 1, max = 200)))]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Filters and paging for the audit log.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct AuditQuery {
    /// Only this person's changes.
    pub actor_id: Option<UserId>,
    /// Only this action, such as `session.complete`.
    pub action: Option<String>,
    /// Only this kind of record, such as `session`.
    pub resource_type: Option<String>,
    /// Only this record.
    pub resource_id: Option<Uuid>,
    /// At or after.
    #[garde(inner(custom(filter_time)))]
    pub from: Option<DateTime<Utc>>,
    /// Before.
    #[garde(inner(custom(filter_time)))]
    pub to: Option<DateTime<Utc>>,
    /// Page size, 1-200 (default 50).
    #[garde(inner(range(min = 1, max = 200)))]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Which rows to export: all the actor may read, or one agent's.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct ExportQuery {
    /// Only about this agent.
    pub agent_id: Option<UserId>,
}

/// The range of months to list.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct MonthRange {
    /// First month (`YYYY-MM`; default: twelve months ago).
    #[garde(inner(custom(crate::metrics::month)))]
    pub from: Option<String>,
    /// Last month (`YYYY-MM`; default: this month).
    #[garde(inner(custom(crate::metrics::month)))]
    pub to: Option<String>,
}

/// The year to show.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct YearQuery {
    /// The year, 2000-2100 (default: this year).
    #[garde(inner(range(min = 2000, max = 2100)))]
    pub year: Option<i32>,
}

/// The month to show.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct MonthQuery {
    /// `YYYY-MM` (default: last month).
    pub month: Option<String>,
}

/// The month a preview scores: `month`, or last month.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct PreviewQuery {
    /// `YYYY-MM` (default: last month).
    #[garde(inner(custom(crate::metrics::month)))]
    pub month: Option<String>,
}

/// Where a reconnecting client left off.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct Resume {
    /// The last seq the client received: what came after it is sent first, in order, before
    /// anything new (or `{"type":"refetch"}` when it is gone).
    pub after: Option<u64>,
}

/// Filters for the evaluation-form list (forms are few: one answer, no pages).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct EvaluationFormQuery {
    /// Only the forms this team uses (theirs and those for every team).
    pub team_id: Option<TeamId>,
    /// Only the forms for this channel.
    pub channel: Option<domain::quality::Channel>,
    /// `true`: only archived forms; absent or `false`: only forms in use.
    pub archived: Option<bool>,
}

/// Filters and paging for the evaluation list (newest interaction first).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct EvaluationQuery {
    /// Only this agent's evaluations.
    pub agent_id: Option<UserId>,
    /// Only evaluations of this team's agents.
    pub team_id: Option<TeamId>,
    /// Only this evaluator's.
    pub evaluator_id: Option<UserId>,
    /// Only those scored with this form.
    pub form_id: Option<domain::EvaluationFormId>,
    /// Only interactions on this channel.
    pub channel: Option<domain::quality::Channel>,
    /// Only in this state.
    pub status: Option<domain::EvaluationStatus>,
    /// Interactions on or after this day.
    #[garde(inner(custom(filter_date)))]
    pub from: Option<NaiveDate>,
    /// Interactions on or before this day.
    #[garde(inner(custom(filter_date)))]
    pub to: Option<NaiveDate>,
    /// Scores at least this (0-100).
    #[garde(inner(range(min = 0.0, max = 100.0)))]
    pub min_score: Option<f64>,
    /// Scores at most this (0-100).
    #[garde(inner(range(min = 0.0, max = 100.0)))]
    pub max_score: Option<f64>,
    /// Page size, 1-200 (default 50).
    #[garde(inner(range(min = 1, max = 200)))]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use std::fmt::Debug;

    use chrono::TimeZone;
    use serde::de::DeserializeOwned;

    use super::*;

    /// What the browser writes (`serde_urlencoded`), the server reads back (actix-web's `Query`
    /// is `serde_urlencoded` too) as the same value.
    fn round_trip<Q: Serialize + DeserializeOwned + PartialEq + Debug>(query: Q) {
        let text = serde_urlencoded::to_string(&query).expect("a flat query encodes");
        let read: Q = serde_urlencoded::from_str(&text).expect("the server reads it");
        assert_eq!(read, query, "{text}");
    }

    #[test]
    fn the_server_reads_every_query_the_browser_writes() {
        let person = UserId::from(Uuid::from_u128(7));
        let at = Utc.with_ymd_and_hms(2026, 12, 7, 23, 0, 0).single();
        let day = NaiveDate::from_ymd_opt(2026, 12, 7);
        let cursor = Some("b64+/=&".to_owned());
        round_trip(PageQuery::default().page(20, cursor.clone()));
        round_trip(
            SessionQuery {
                agent_id: Some(person),
                team_leader_id: Some(person),
                status: Some(SessionStatus::Completed),
                from: at,
                to: at,
                ..SessionQuery::default()
            }
            .page(200, cursor.clone()),
        );
        round_trip(ActionItemQuery {
            assignee_id: Some(person),
            agent_id: Some(person),
            session_id: Some(SessionId::from(Uuid::from_u128(8))),
            plan_id: Some(ActionPlanId::from(Uuid::from_u128(9))),
            status: Some(ActionItemStatus::InProgress),
            due_before: day,
            due_from: day,
            ..ActionItemQuery::default()
        });
        round_trip(PlanQuery {
            agent_id: Some(person),
            status: Some(PlanStatus::PendingApproval),
            ..PlanQuery::default()
        });
        round_trip(QuickNoteQuery {
            category: Some(NoteCategory::Behavior),
            q: Some("late & \"early\" ü".to_owned()),
            from: at,
            ..QuickNoteQuery::default()
        });
        round_trip(SearchQuery {
            q: "a+b c".to_owned(),
            limit: Some(12),
        });
        round_trip(NotificationQuery::default().page(20, None));
        round_trip(UserQuery {
            role: Some(Role::TeamLeader),
            team_id: Some(TeamId::from(Uuid::from_u128(3))),
            active: Some(false),
            q: Some("O'Brien".to_owned()),
            ..UserQuery::default()
        });
        round_trip(AuditQuery {
            actor_id: Some(person),
            action: Some("session.complete".to_owned()),
            resource_type: Some("session".to_owned()),
            resource_id: Some(Uuid::from_u128(5)),
            to: at,
            ..AuditQuery::default()
        });
        round_trip(ExportQuery {
            agent_id: Some(person),
        });
        round_trip(MonthRange {
            from: Some("2026-01".to_owned()),
            to: None,
        });
        round_trip(YearQuery { year: Some(2026) });
        round_trip(Resume { after: Some(42) });
    }

    #[test]
    fn a_filter_left_unset_is_left_out_of_the_url() {
        let text = serde_urlencoded::to_string(SessionQuery::default().page(200, None));
        assert_eq!(text.as_deref(), Ok("limit=200"));
        assert_eq!(
            serde_urlencoded::to_string(Resume::default()).as_deref(),
            Ok("")
        );
    }
}
