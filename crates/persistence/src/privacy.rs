//! A data subject's rights: access ([`export`]: every record stored about a person, or written by
//! them, as JSON, one section per kind of record) and erasure ([`erase`]).
//!
//! Export: what the person it is about has a right to see, whoever asks for it (the person, or an
//! admin on their behalf gets the same): their own records, and what others wrote about them that
//! is shared with them. A private note is its author's alone: it is in its author's own export
//! and in no other. Stored secrets (password hash, token hashes, the TOTP secret) are left out:
//! they are no information about the person, and a copy of them is a way in. Audit entries of
//! what others did to the person's records carry no address or request id of those others.

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Select, Set,
};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::audit::{self, Origin};
use crate::caller::Caller;
use crate::entity::{
    access_token, action_item, action_plan, action_plan_checkpoint, announcement, audit_entry,
    auth_session, calendar_feed, coaching_session, email_opt_out, evaluation, idempotency_key,
    metric_month, metric_value, notification, password_link, quick_note, recovery_code,
    refresh_token, reminder_opt_out, reminder_sent, second_factor, sso_identity, team, team_member,
    user,
};
use crate::{Db, StoreError, db, search_index, users, webhooks};
use domain::{Action, Actor, NoteVisibility, UserId, authorize};

/// Columns that hold secrets rather than information about anyone.
const SECRETS: [&str; 5] = [
    "password_hash",
    "token_hash",
    "secret",
    "last_step",
    "ip_salt",
];

/// Where and through which request someone else acted: no part of the person's record.
const OTHERS_TRACES: [&str; 3] = ["ip", "ip_digest", "request_id"];

/// The rows `select` finds, as JSON objects without [`SECRETS`]. The rows are read as their
/// entity models, so a sealed column is opened by its type and nothing else is: a text that
/// merely looks sealed stays text.
async fn section<E>(db: &impl ConnectionTrait, select: Select<E>) -> Result<Value, StoreError>
where
    E: EntityTrait,
    E::Model: serde::Serialize,
{
    let rows = select.all(db).await?;
    let rows = serde_json::to_value(rows).map_err(|err| DbErr::Json(err.to_string()))?;
    let Value::Array(mut rows) = rows else {
        return Ok(Value::Array(Vec::new()));
    };
    for row in &mut rows {
        if let Some(fields) = row.as_object_mut() {
            for secret in SECRETS {
                fields.remove(secret);
            }
        }
    }
    Ok(Value::Array(rows))
}

/// Everything about person `id` that they may see, for `actor` (themselves, or an admin),
/// audited as an export (not its content). 404 outside the actor's scope, 403 when they may see
/// the person but not export them.
pub async fn export(db: &Db, caller: &Caller, id: UserId) -> Result<Value, StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    let (_, target) = users::find_in_scope(&txn, actor, id).await?;
    authorize(actor, Action::ExportUserData, &target)?;
    let plans_about = Query::select()
        .column(action_plan::Column::Id)
        .from(action_plan::Entity)
        .and_where(action_plan::Column::AgentId.eq(id))
        .to_owned();
    let months_of = Query::select()
        .column(metric_month::Column::Id)
        .from(metric_month::Entity)
        .and_where(metric_month::Column::AgentId.eq(id))
        .to_owned();
    let sections: Vec<(&str, Value)> = vec![
        (
            "person",
            section(&txn, crate::entity::user::Entity::find_by_id(id)).await?,
        ),
        (
            "team_memberships",
            section(
                &txn,
                team_member::Entity::find().filter(team_member::Column::UserId.eq(id)),
            )
            .await?,
        ),
        (
            "teams_led_or_managed",
            section(
                &txn,
                team::Entity::find().filter(
                    Condition::any()
                        .add(team::Column::TeamLeaderId.eq(id))
                        .add(team::Column::ManagerId.eq(id)),
                ),
            )
            .await?,
        ),
        (
            "coaching_sessions",
            section(
                &txn,
                coaching_session::Entity::find()
                    .filter(
                        Condition::any()
                            .add(coaching_session::Column::AgentId.eq(id))
                            .add(coaching_session::Column::TeamLeaderId.eq(id))
                            .add(coaching_session::Column::CreatedBy.eq(id)),
                    )
                    .order_by_asc(coaching_session::Column::ScheduledAt),
            )
            .await?,
        ),
        (
            "action_items",
            section(
                &txn,
                action_item::Entity::find()
                    .filter(
                        Condition::any()
                            .add(action_item::Column::AgentId.eq(id))
                            .add(action_item::Column::AssigneeId.eq(id))
                            .add(action_item::Column::CreatedBy.eq(id)),
                    )
                    .order_by_asc(action_item::Column::CreatedAt),
            )
            .await?,
        ),
        (
            "action_plans",
            section(
                &txn,
                action_plan::Entity::find()
                    .filter(
                        Condition::any()
                            .add(action_plan::Column::AgentId.eq(id))
                            .add(action_plan::Column::CreatedBy.eq(id))
                            .add(action_plan::Column::ApprovedBy.eq(id)),
                    )
                    .order_by_asc(action_plan::Column::CreatedAt),
            )
            .await?,
        ),
        (
            "action_plan_checkpoints",
            section(
                &txn,
                action_plan_checkpoint::Entity::find().filter(
                    Condition::any()
                        .add(action_plan_checkpoint::Column::AuthorId.eq(id))
                        .add(action_plan_checkpoint::Column::PlanId.in_subquery(plans_about)),
                ),
            )
            .await?,
        ),
        (
            "quick_notes",
            section(
                &txn,
                quick_note::Entity::find()
                    .filter(
                        Condition::any()
                            .add(quick_note::Column::AgentId.eq(id))
                            .add(quick_note::Column::AuthorId.eq(id)),
                    )
                    .filter(readable_notes(actor, id))
                    .order_by_asc(quick_note::Column::CreatedAt),
            )
            .await?,
        ),
        (
            // About them once submitted; theirs as an evaluator (drafts only to themselves).
            "evaluations",
            section(
                &txn,
                evaluation::Entity::find()
                    .filter(
                        Condition::any()
                            .add(
                                Condition::all()
                                    .add(evaluation::Column::AgentId.eq(id))
                                    .add(evaluation::Column::Status.ne("DRAFT")),
                            )
                            .add(
                                Condition::all()
                                    .add(evaluation::Column::EvaluatorId.eq(id))
                                    .add(
                                        Condition::any()
                                            .add(evaluation::Column::Status.ne("DRAFT"))
                                            .add(Expr::value(actor.id == id)),
                                    ),
                            ),
                    )
                    .order_by_asc(evaluation::Column::OccurredAt),
            )
            .await?,
        ),
        (
            "metric_months",
            section(
                &txn,
                metric_month::Entity::find()
                    .filter(metric_month::Column::AgentId.eq(id))
                    .order_by_asc(metric_month::Column::Month),
            )
            .await?,
        ),
        (
            "metric_values",
            section(
                &txn,
                metric_value::Entity::find()
                    .filter(metric_value::Column::MetricMonthId.in_subquery(months_of)),
            )
            .await?,
        ),
        (
            "notifications",
            section(
                &txn,
                notification::Entity::find()
                    .filter(notification::Column::UserId.eq(id))
                    .order_by_asc(notification::Column::CreatedAt),
            )
            .await?,
        ),
        (
            "announcements",
            section(
                &txn,
                announcement::Entity::find().filter(announcement::Column::AuthorId.eq(id)),
            )
            .await?,
        ),
        (
            "sign_in_sessions",
            section(
                &txn,
                auth_session::Entity::find()
                    .filter(auth_session::Column::UserId.eq(id))
                    .order_by_asc(auth_session::Column::CreatedAt),
            )
            .await?,
        ),
        (
            "access_tokens",
            section(
                &txn,
                access_token::Entity::find().filter(access_token::Column::UserId.eq(id)),
            )
            .await?,
        ),
        (
            "second_factor",
            section(
                &txn,
                second_factor::Entity::find().filter(second_factor::Column::UserId.eq(id)),
            )
            .await?,
        ),
        (
            "calendar_feed",
            section(
                &txn,
                calendar_feed::Entity::find().filter(calendar_feed::Column::UserId.eq(id)),
            )
            .await?,
        ),
        (
            "email_opt_out",
            section(
                &txn,
                email_opt_out::Entity::find().filter(email_opt_out::Column::UserId.eq(id)),
            )
            .await?,
        ),
        (
            "sso_identity",
            section(
                &txn,
                sso_identity::Entity::find().filter(sso_identity::Column::UserId.eq(id)),
            )
            .await?,
        ),
        (
            "audit_entries",
            section(
                &txn,
                audit_entry::Entity::find()
                    .filter(
                        Condition::any()
                            .add(audit_entry::Column::ActorId.eq(id))
                            .add(audit_entry::Column::ResourceId.eq(id)),
                    )
                    .order_by_asc(audit_entry::Column::Seq),
            )
            .await?,
        ),
    ];
    let mut sections = sections;
    if let Some((_, Value::Array(entries))) = sections
        .iter_mut()
        .find(|(name, _)| *name == "audit_entries")
    {
        for entry in entries.iter_mut().filter_map(Value::as_object_mut) {
            if entry.get("actor_id") != Some(&Value::String(id.to_string())) {
                for trace in OTHERS_TRACES {
                    entry.remove(trace);
                }
            }
        }
    }
    audit::record(
        &txn,
        origin,
        audit::Change {
            action: "user.export",
            resource_type: "user",
            resource_id: Some(id.into()),
            changes: Value::Null,
        },
    )
    .await?;
    txn.commit().await?;
    let mut export = Map::new();
    export.insert(
        "exported_at".into(),
        Value::String(chrono::Utc::now().to_rfc3339()),
    );
    for (name, rows) in sections {
        let value = match (name, rows) {
            // One person: the object, not a list of one.
            ("person", Value::Array(mut rows)) if !rows.is_empty() => rows.swap_remove(0),
            (_, rows) => rows,
        };
        export.insert(name.into(), value);
    }
    Ok(Value::Object(export))
}

/// The notes of person `id`'s export: shared ones, and private ones only in their author's own
/// export, asked for by the author.
fn readable_notes(actor: &Actor, id: UserId) -> Condition {
    let shared = Condition::any().add(quick_note::Column::Visibility.eq(NoteVisibility::Shared));
    if actor.id == id {
        shared.add(quick_note::Column::AuthorId.eq(id))
    } else {
        shared
    }
}

/// What erased free text reads afterwards.
pub const ERASED: &str = "[erased]";

/// The name an erased person goes by.
pub const ERASED_NAME: &str = "Erased person";

/// Erases person `id` (admin, not oneself), in one transaction: their name, email, employee
/// number and department become a tombstone; their credentials, sign-in sessions and
/// notifications go; the free text of every record about them (notes, session notes and focus
/// areas, action items, plans and their checkpoints, what evaluations of their interactions say
/// and link to) is replaced by [`ERASED`] or removed, with its search terms; the audit log loses the changes recorded about those records and the addresses the
/// person signed in from ([`audit::redact`]). Metrics and scores stay, under the tombstone, so
/// team figures stay true; records the person wrote about others stay, theirs to keep. The
/// erasure itself is audited with counts, never with what was erased.
pub async fn erase(
    db: &Db,
    caller: &Caller,
    id: UserId,
    version: Option<i32>,
) -> Result<users::UserRow, StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    let (mut current, target) = users::find_in_scope(&txn, actor, id).await?;
    authorize(actor, Action::EraseUser, &target)?;
    if current.user.erased_at.is_some() {
        return Err(StoreError::conflict("id", "this person is already erased"));
    }
    users::claim(&txn, &mut current, version).await?;
    let now = Utc::now();
    // Clear, like text written before sealing: it says nothing of anyone, and a bulk update
    // binds no value to its row.
    let erased = || Expr::value(ERASED);
    let none = || Expr::value(Option::<String>::None);

    let notes =
        ids_about::<quick_note::Entity>(&txn, quick_note::Column::AgentId, id.into()).await?;
    quick_note::Entity::update_many()
        .col_expr(quick_note::Column::Content, erased())
        .col_expr(
            quick_note::Column::Version,
            Expr::col(quick_note::Column::Version).add(1),
        )
        .col_expr(quick_note::Column::UpdatedAt, Expr::value(now))
        .filter(quick_note::Column::AgentId.eq(id))
        .exec(&txn)
        .await?;
    search_index::forget(&txn, "quick_note", &notes).await?;

    let about_them = Condition::all().add(coaching_session::Column::AgentId.eq(id));
    let sessions = blank_sessions(&txn, about_them, now).await?;

    let items =
        ids_about::<action_item::Entity>(&txn, action_item::Column::AgentId, id.into()).await?;
    action_item::Entity::update_many()
        .col_expr(action_item::Column::Title, Expr::value(ERASED))
        .col_expr(action_item::Column::Description, none())
        .col_expr(action_item::Column::CancelReason, none())
        .col_expr(
            action_item::Column::Version,
            Expr::col(action_item::Column::Version).add(1),
        )
        .col_expr(action_item::Column::UpdatedAt, Expr::value(now))
        .filter(action_item::Column::AgentId.eq(id))
        .exec(&txn)
        .await?;

    let plans =
        ids_about::<action_plan::Entity>(&txn, action_plan::Column::AgentId, id.into()).await?;
    action_plan::Entity::update_many()
        .col_expr(action_plan::Column::Title, Expr::value(ERASED))
        .col_expr(action_plan::Column::Goal, erased())
        .col_expr(action_plan::Column::AcknowledgementComment, none())
        .col_expr(action_plan::Column::RejectionReason, none())
        .col_expr(action_plan::Column::CancelReason, none())
        .col_expr(
            action_plan::Column::Version,
            Expr::col(action_plan::Column::Version).add(1),
        )
        .col_expr(action_plan::Column::UpdatedAt, Expr::value(now))
        .filter(action_plan::Column::AgentId.eq(id))
        .exec(&txn)
        .await?;
    let checkpoints: Vec<Uuid> = action_plan_checkpoint::Entity::find()
        .select_only()
        .column(action_plan_checkpoint::Column::Id)
        .filter(action_plan_checkpoint::Column::PlanId.is_in(plans.iter().copied()))
        .into_tuple()
        .all(&txn)
        .await?;
    action_plan_checkpoint::Entity::update_many()
        .col_expr(action_plan_checkpoint::Column::Notes, erased())
        .filter(action_plan_checkpoint::Column::Id.is_in(checkpoints.iter().copied()))
        .exec(&txn)
        .await?;

    // Evaluations of their interactions: what was written about them goes, with the link to the
    // interaction; the scores stay, like their metrics.
    let evaluations =
        ids_about::<evaluation::Entity>(&txn, evaluation::Column::AgentId, id.into()).await?;
    evaluation::Entity::update_many()
        .col_expr(evaluation::Column::Comments, Expr::value("{}"))
        .col_expr(evaluation::Column::Strengths, none())
        .col_expr(evaluation::Column::Opportunities, none())
        .col_expr(evaluation::Column::AcknowledgementComment, none())
        .col_expr(evaluation::Column::InteractionUrl, none())
        .col_expr(evaluation::Column::EditReason, none())
        .col_expr(evaluation::Column::VoidReason, none())
        .col_expr(
            evaluation::Column::Version,
            Expr::col(evaluation::Column::Version).add(1),
        )
        .col_expr(evaluation::Column::UpdatedAt, Expr::value(now))
        .filter(evaluation::Column::AgentId.eq(id))
        .exec(&txn)
        .await?;

    // Notifications name the records they are about (an item's title): theirs, and everyone's
    // about the records erased.
    let mut about: Vec<Uuid> = [&sessions, &items, &plans, &evaluations]
        .into_iter()
        .flatten()
        .copied()
        .collect();
    about.push(id.into());
    notification::Entity::delete_many()
        .filter(notification::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    for chunk in about.chunks(500) {
        notification::Entity::delete_many()
            .filter(notification_about(&txn).is_in(chunk.iter().map(Uuid::to_string)))
            .exec(&txn)
            .await?;
    }

    // Their ways in, and where they signed in from.
    refresh_token::Entity::delete_many()
        .filter(
            refresh_token::Column::SessionId.in_subquery(
                Query::select()
                    .column(auth_session::Column::Id)
                    .from(auth_session::Entity)
                    .and_where(auth_session::Column::UserId.eq(id))
                    .to_owned(),
            ),
        )
        .exec(&txn)
        .await?;
    auth_session::Entity::delete_many()
        .filter(auth_session::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    access_token::Entity::delete_many()
        .filter(access_token::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    second_factor::Entity::delete_many()
        .filter(second_factor::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    sso_identity::Entity::delete_many()
        .filter(sso_identity::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    calendar_feed::Entity::delete_many()
        .filter(calendar_feed::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    email_opt_out::Entity::delete_many()
        .filter(email_opt_out::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    password_link::Entity::delete_many()
        .filter(password_link::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    reminder_sent::Entity::delete_many()
        .filter(reminder_sent::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    reminder_opt_out::Entity::delete_many()
        .filter(reminder_opt_out::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::UserId.eq(id))
        .exec(&txn)
        .await?;

    let mut person: user::ActiveModel = current.user.clone().into();
    person.name = Set(ERASED_NAME.to_owned());
    person.email = Set(format!("erased-{id}@erased.invalid"));
    person.employee_id = Set(None);
    person.department = Set(None);
    person.password_hash = Set(None);
    person.temporary_password_until = Set(None);
    person.active = Set(false);
    person.erased_at = Set(Some(now));
    person.update(&txn).await?;

    let mut records: Vec<Uuid> = [&notes, &checkpoints]
        .into_iter()
        .flatten()
        .copied()
        .collect();
    records.extend(about);
    let redacted = audit::redact(&txn, Some(id.into()), &records).await?;
    webhooks::redact_deliveries(&txn, &records).await?;
    audit::record(
        &txn,
        origin,
        audit::Change {
            action: "user.erase",
            resource_type: "user",
            resource_id: Some(id.into()),
            changes: serde_json::json!({
                "records_erased": records.len() - 1,
                "audit_entries_redacted": redacted,
            }),
        },
    )
    .await?;
    let row = users::find(&txn, id).await?;
    txn.commit().await?;
    db::scrub(db).await?;
    Ok(row)
}

/// Clears the free text of the sessions `which` selects (notes, comments, focus areas, a
/// cancellation's reason) and their search terms; returns their ids. Times, people and scores
/// stay.
async fn blank_sessions(
    db: &impl ConnectionTrait,
    which: Condition,
    now: chrono::DateTime<Utc>,
) -> Result<Vec<Uuid>, StoreError> {
    let ids: Vec<Uuid> = coaching_session::Entity::find()
        .select_only()
        .column(coaching_session::Column::Id)
        .filter(which)
        .into_tuple()
        .all(db)
        .await?;
    let none = || Expr::value(Option::<String>::None);
    for chunk in ids.chunks(500) {
        coaching_session::Entity::update_many()
            .col_expr(
                coaching_session::Column::FocusAreas,
                Expr::value(serde_json::json!([])),
            )
            .col_expr(coaching_session::Column::PreparationNotes, none())
            .col_expr(coaching_session::Column::SessionNotes, none())
            .col_expr(coaching_session::Column::AcknowledgementComment, none())
            .col_expr(coaching_session::Column::CancelReason, none())
            .col_expr(
                coaching_session::Column::Version,
                Expr::col(coaching_session::Column::Version).add(1),
            )
            .col_expr(coaching_session::Column::UpdatedAt, Expr::value(now))
            .filter(coaching_session::Column::Id.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
    }
    search_index::forget(db, "session", &ids).await?;
    Ok(ids)
}

/// What a retention run removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Retention {
    /// Quick notes deleted.
    pub notes: u64,
    /// Ended sessions whose text was cleared.
    pub sessions: u64,
}

/// Applies the retention period: quick notes written more than `months` months ago are deleted,
/// and sessions that ended (completed or cancelled) and were due more than `months` months ago
/// lose their free text (their scores stay, for the trends), with the audit log's record of
/// what they said. Audited with counts; safe to run on several instances at once.
pub async fn apply_retention(
    db: &Db,
    origin: &Origin,
    months: u32,
) -> Result<Retention, StoreError> {
    use domain::SessionStatus;
    let now = Utc::now();
    let Some(cutoff) = now.checked_sub_months(chrono::Months::new(months)) else {
        return Ok(Retention::default());
    };
    let txn = db::begin_write(db).await?;
    let notes: Vec<Uuid> = quick_note::Entity::find()
        .select_only()
        .column(quick_note::Column::Id)
        .filter(quick_note::Column::CreatedAt.lt(cutoff))
        .into_tuple()
        .all(&txn)
        .await?;
    for chunk in notes.chunks(500) {
        quick_note::Entity::delete_many()
            .filter(quick_note::Column::Id.is_in(chunk.iter().copied()))
            .exec(&txn)
            .await?;
    }
    search_index::forget(&txn, "quick_note", &notes).await?;
    let has_text = Condition::any()
        .add(coaching_session::Column::PreparationNotes.is_not_null())
        .add(coaching_session::Column::SessionNotes.is_not_null())
        .add(coaching_session::Column::AcknowledgementComment.is_not_null())
        .add(coaching_session::Column::CancelReason.is_not_null());
    let sessions = blank_sessions(
        &txn,
        Condition::all()
            .add(
                coaching_session::Column::Status
                    .is_in([SessionStatus::Completed, SessionStatus::Cancelled]),
            )
            .add(coaching_session::Column::ScheduledAt.lt(cutoff))
            .add(has_text),
        now,
    )
    .await?;
    let records: Vec<Uuid> = notes.iter().chain(&sessions).copied().collect();
    let retention = Retention {
        notes: notes.len() as u64,
        sessions: sessions.len() as u64,
    };
    if records.is_empty() {
        return Ok(retention);
    }
    audit::redact(&txn, None, &records).await?;
    webhooks::redact_deliveries(&txn, &records).await?;
    audit::record(
        &txn,
        origin,
        audit::Change {
            action: "retention.apply",
            resource_type: "retention",
            resource_id: None,
            changes: serde_json::json!({
                "months": months,
                "notes_deleted": retention.notes,
                "sessions_cleared": retention.sessions,
            }),
        },
    )
    .await?;
    txn.commit().await?;
    db::scrub(db).await?;
    Ok(retention)
}

/// The ids of `E`'s rows about agent `id` (`agent` is their agent column; `E`'s key is `id`).
async fn ids_about<E: EntityTrait>(
    db: &impl ConnectionTrait,
    agent: E::Column,
    id: Uuid,
) -> Result<Vec<Uuid>, StoreError> {
    use sea_orm::sea_query::Alias;
    Ok(E::find()
        .select_only()
        .expr(Expr::col(Alias::new("id")))
        .filter(agent.eq(id))
        .into_tuple()
        .all(db)
        .await?)
}

/// The id of the record a notification is about, as text (its `data` is `{"type", "id"}`).
fn notification_about(db: &impl ConnectionTrait) -> Expr {
    match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => Expr::cust("(data->>'id')"),
        _ => Expr::cust("json_extract(data, '$.id')"),
    }
}
