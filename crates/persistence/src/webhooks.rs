//! Outbound webhooks: admins' endpoints, and the deliveries made for them from the audit log.
//!
//! The audit log is the outbox: every change writes its entry in its own transaction, so what
//! committed is in the log and nothing else is. [`enqueue`] turns the entries after a webhook's
//! cursor into deliveries and moves the cursor in one transaction (an instance that loses the
//! race for a cursor writes nothing); [`claim`] leases due deliveries to one instance; the
//! sender reports each attempt with [`delivered`] or [`failed`]. So a delivery survives restarts
//! and is sent at least once, with the same id, until the receiver accepts it.
//!
//! A webhook sees what an admin sees: everything but private notes.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, Utc};
use domain::{Action, Actor, NoteVisibility, NotificationKind, Role, Target, authorize};
use sea_orm::sea_query::{Expr, ExprTrait, Order};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::Value;
use uuid::Uuid;

use crate::audit::{self, Origin};
use crate::caller::Caller;
use crate::entity::{audit_entry, quick_note, user, webhook, webhook_delivery};
use crate::notifications::{self, Notice};
use crate::pagination::{self, PageRequest};
use crate::{Db, StoreError, db, versioned};

/// A delivery waiting for its receiver.
pub const PENDING: &str = "pending";
/// A delivery its receiver accepted.
pub const DELIVERED: &str = "delivered";

/// The live event type an audit action is told as, if webhooks hear of it.
pub fn event_type(action: &str) -> Option<&'static str> {
    let (resource, verb) = action.split_once('.')?;
    Some(match (resource, verb) {
        ("session", _) => "session_changed",
        ("action_item", _) => "action_item_changed",
        ("action_plan", _) => "action_plan_changed",
        ("quick_note", "delete") => "quick_note_deleted",
        ("quick_note", _) => "quick_note_changed",
        ("metrics", _) => "metrics_changed",
        ("kpi" | "scorecard_config", _) => "scorecard_config_changed",
        ("announcement", _) => "announcement_published",
        ("user", "create" | "update" | "deactivate" | "reactivate" | "erase") => "user_changed",
        ("team", _) => "team_changed",
        ("evaluation_form", _) => "evaluation_form_changed",
        // A draft is its evaluator's alone: its making, changes and deletion are not told.
        ("evaluation", "submit" | "amend" | "acknowledge" | "void") => "evaluation_changed",
        _ => return None,
    })
}

/// A new signing secret: `whsec_` and 24 random bytes in base64.
fn new_secret() -> String {
    format!(
        "whsec_{}",
        STANDARD.encode(crate::sealed::random_bytes::<24>())
    )
}

fn events_json(events: &[String]) -> Value {
    Value::from(events.to_vec())
}

/// Every webhook, oldest first.
pub async fn list(db: &Db, actor: &Actor) -> Result<Vec<webhook::Model>, StoreError> {
    authorize(actor, Action::ManageWebhooks, &Target::Global)?;
    Ok(webhook::Entity::find()
        .order_by_asc(webhook::Column::CreatedAt)
        .order_by_asc(webhook::Column::Id)
        .all(db)
        .await?)
}

/// One webhook.
pub async fn find(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> Result<webhook::Model, StoreError> {
    authorize(actor, Action::ManageWebhooks, &Target::Global)?;
    webhook::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Registers an endpoint for `events`, told of changes from now on; audited. Returns it with
/// its secret.
pub async fn create(
    db: &Db,
    caller: &Caller,
    url: String,
    description: String,
    events: &[String],
) -> Result<webhook::Model, StoreError> {
    let Caller { actor, origin } = caller;
    authorize(actor, Action::ManageWebhooks, &Target::Global)?;
    let txn = db::begin_write(db).await?;
    let cursor = audit_entry::Entity::find()
        .order_by_desc(audit_entry::Column::Seq)
        .one(&txn)
        .await?
        .map_or(0, |last| last.seq);
    let now = Utc::now();
    let row = webhook::ActiveModel {
        id: Set(Uuid::now_v7()),
        url: Set(url),
        description: Set(description.trim().to_owned()),
        events: Set(events_json(events)),
        secret: Set(new_secret().into()),
        enabled: Set(true),
        // Changes from now on.
        cursor: Set(cursor),
        failing_since: Set(None),
        disabled_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let id = row.id;
    audit::commit(txn, origin, "webhook.create", id, None, row).await
}

/// What an edit changes.
#[derive(Clone, Debug, Default)]
pub struct WebhookChanges {
    /// A new address.
    pub url: Option<String>,
    /// A new description.
    pub description: Option<String>,
    /// New event types.
    pub events: Option<Vec<String>>,
    /// On or off; on again clears the failure record.
    pub enabled: Option<bool>,
}

/// Changes webhook `id` at `version`; audited.
pub async fn update(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    version: i32,
    changes: WebhookChanges,
) -> Result<webhook::Model, StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    let mut current = find(&txn, actor, id).await?;
    let before = current.clone();
    versioned::claim(&txn, &mut current, version).await?;
    let mut row: webhook::ActiveModel = current.into();
    if let Some(url) = changes.url {
        row.url = Set(url);
    }
    if let Some(description) = changes.description {
        row.description = Set(description.trim().to_owned());
    }
    if let Some(events) = changes.events {
        row.events = Set(events_json(&events));
    }
    if let Some(enabled) = changes.enabled {
        row.enabled = Set(enabled);
        if enabled && !before.enabled {
            row.failing_since = Set(None);
            row.disabled_at = Set(None);
        }
    }
    let after = row.update(&txn).await?;
    audit::commit(txn, origin, "webhook.update", id, Some(&before), after).await
}

/// Removes webhook `id` and its deliveries; audited.
pub async fn delete(db: &Db, caller: &Caller, id: Uuid) -> Result<(), StoreError> {
    let Caller { actor, origin } = caller;
    let txn = db::begin_write(db).await?;
    let current = find(&txn, actor, id).await?;
    webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::WebhookId.eq(id))
        .exec(&txn)
        .await?;
    webhook::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record_change(&txn, origin, "webhook.delete", id, Some(&current), None).await?;
    txn.commit().await?;
    Ok(())
}

/// A page of webhook `id`'s deliveries, newest first.
pub async fn deliveries(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    page: &PageRequest,
) -> Result<(Vec<webhook_delivery::Model>, Option<String>), StoreError> {
    find(db, actor, id).await?;
    let query = webhook_delivery::Entity::find().filter(webhook_delivery::Column::WebhookId.eq(id));
    let sort = (
        webhook_delivery::Column::AuditSeq,
        webhook_delivery::Column::Id,
        Order::Desc,
    );
    pagination::page::<_, i64>(db, query, sort, page, |row| {
        (row.audit_seq.to_string(), row.id)
    })
    .await
}

/// Whether an admin may see what `entry` is about: anything but a private note (one private
/// before or after the change, or one gone whose visibility the entry does not show).
async fn admin_sees(
    db: &impl ConnectionTrait,
    entry: &audit_entry::Model,
) -> Result<bool, StoreError> {
    if entry.resource_type != "quick_note" {
        return Ok(true);
    }
    let private = Value::from(NoteVisibility::Private.as_str());
    let shown = entry
        .changes
        .as_ref()
        .and_then(|changes| changes.get("visibility"));
    if shown.is_some_and(|v| v.get("from") == Some(&private) || v.get("to") == Some(&private)) {
        return Ok(false);
    }
    let Some(id) = entry.resource_id else {
        return Ok(false);
    };
    let note = quick_note::Entity::find_by_id(id).one(db).await?;
    Ok(match note {
        Some(note) => note.visibility != NoteVisibility::Private,
        None => shown.is_some(),
    })
}

/// The body a delivery of `entry` sends.
fn payload(event_type: &str, entry: &audit_entry::Model) -> Result<String, StoreError> {
    let body = dto::WebhookPayload {
        event_type: event_type.to_owned(),
        timestamp: entry.occurred_at,
        data: dto::WebhookChange {
            action: entry.action.clone(),
            resource_type: entry.resource_type.clone(),
            resource_id: entry.resource_id,
            actor_id: entry.actor_id,
            changes: entry.changes.clone(),
            seq: entry.seq,
        },
    };
    serde_json::to_string(&body).map_err(|err| StoreError::invalid("payload", err.to_string()))
}

/// Turns up to `batch` audit entries after each enabled webhook's cursor into its deliveries.
/// Returns how many deliveries were made.
pub async fn enqueue(db: &Db, batch: u64) -> Result<u64, StoreError> {
    let hooks = webhook::Entity::find()
        .filter(webhook::Column::Enabled.eq(true))
        .all(db)
        .await?;
    let mut made = 0;
    for hook in hooks {
        let entries = audit_entry::Entity::find()
            .filter(audit_entry::Column::Seq.gt(hook.cursor))
            .order_by_asc(audit_entry::Column::Seq)
            .limit(batch)
            .all(db)
            .await?;
        let Some(last) = entries.last().map(|entry| entry.seq) else {
            continue;
        };
        let wanted: Vec<String> = serde_json::from_value(hook.events.clone()).unwrap_or_default();
        let txn = db::begin_write(db).await?;
        let moved = webhook::Entity::update_many()
            .col_expr(webhook::Column::Cursor, Expr::value(last))
            .filter(webhook::Column::Id.eq(hook.id))
            .filter(webhook::Column::Cursor.eq(hook.cursor))
            .exec(&txn)
            .await?
            .rows_affected;
        if moved == 0 {
            // Another instance took these entries.
            txn.rollback().await?;
            continue;
        }
        let now = Utc::now();
        let mut rows = Vec::new();
        for entry in &entries {
            let Some(kind) = event_type(&entry.action).filter(|k| wanted.iter().any(|w| w == k))
            else {
                continue;
            };
            if !admin_sees(&txn, entry).await? {
                continue;
            }
            rows.push(webhook_delivery::ActiveModel {
                id: Set(Uuid::now_v7()),
                webhook_id: Set(hook.id),
                audit_seq: Set(entry.seq),
                event_type: Set(kind.to_owned()),
                payload: Set(payload(kind, entry)?),
                status: Set(PENDING.to_owned()),
                attempts: Set(0),
                next_attempt_at: Set(now),
                last_attempt_at: Set(None),
                response_status: Set(None),
                last_error: Set(None),
                created_at: Set(entry.occurred_at),
                delivered_at: Set(None),
            });
        }
        made += rows.len() as u64;
        for chunk in rows.chunks(200) {
            webhook_delivery::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(&txn)
                .await?;
        }
        txn.commit().await?;
    }
    Ok(made)
}

/// Rewrites the deliveries told of the audit entries about `records` from those entries as they
/// are now: called after [`audit::redact`] (an erasure, the retention period), so what a
/// delivery holds, sent or still to send, is no more than what the log still holds.
pub async fn redact_deliveries(
    db: &impl ConnectionTrait,
    records: &[Uuid],
) -> Result<u64, StoreError> {
    let mut rewritten = 0;
    for chunk in records.chunks(500) {
        let entries = audit_entry::Entity::find()
            .filter(audit_entry::Column::ResourceId.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        let by_seq: std::collections::HashMap<i64, &audit_entry::Model> =
            entries.iter().map(|entry| (entry.seq, entry)).collect();
        let deliveries = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::AuditSeq.is_in(by_seq.keys().copied()))
            .all(db)
            .await?;
        for delivery in deliveries {
            let Some(entry) = by_seq.get(&delivery.audit_seq) else {
                continue;
            };
            webhook_delivery::Entity::update_many()
                .col_expr(
                    webhook_delivery::Column::Payload,
                    Expr::value(payload(&delivery.event_type, entry)?),
                )
                .filter(webhook_delivery::Column::Id.eq(delivery.id))
                .exec(db)
                .await?;
            rewritten += 1;
        }
    }
    Ok(rewritten)
}

/// Deletes the deliveries their receivers accepted before `before`: what was sent is not kept
/// longer than it helps to see that it arrived.
pub async fn prune_delivered(db: &Db, before: DateTime<Utc>) -> Result<u64, StoreError> {
    Ok(webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::Status.eq(DELIVERED))
        .filter(webhook_delivery::Column::DeliveredAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}

/// A delivery leased to this instance, with where to send it and how to sign it.
#[derive(Clone, Debug)]
pub struct Due {
    pub delivery: webhook_delivery::Model,
    /// The webhook's address.
    pub url: String,
    /// Its signing secret.
    pub secret: String,
}

/// Leases up to `limit` pending deliveries of enabled webhooks that are due at `now`, for
/// `lease`: no other instance sends them meanwhile, and one this instance never reports on is
/// due again when the lease ends.
pub async fn claim(
    db: &Db,
    now: DateTime<Utc>,
    lease: Duration,
    limit: u64,
) -> Result<Vec<Due>, StoreError> {
    let candidates = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::Status.eq(PENDING))
        .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
        .order_by_asc(webhook_delivery::Column::NextAttemptAt)
        .order_by_asc(webhook_delivery::Column::AuditSeq)
        .limit(limit)
        .all(db)
        .await?;
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let hooks: std::collections::HashMap<Uuid, webhook::Model> = webhook::Entity::find()
        .filter(webhook::Column::Enabled.eq(true))
        .filter(webhook::Column::Id.is_in(candidates.iter().map(|d| d.webhook_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|hook| (hook.id, hook))
        .collect();
    let mut leased = Vec::new();
    for delivery in candidates {
        let Some(hook) = hooks.get(&delivery.webhook_id) else {
            continue;
        };
        let taken = webhook_delivery::Entity::update_many()
            .col_expr(
                webhook_delivery::Column::NextAttemptAt,
                Expr::value(now + lease),
            )
            .filter(webhook_delivery::Column::Id.eq(delivery.id))
            .filter(webhook_delivery::Column::Status.eq(PENDING))
            .filter(webhook_delivery::Column::NextAttemptAt.eq(delivery.next_attempt_at))
            .exec(db)
            .await?
            .rows_affected;
        if taken == 1 {
            leased.push(Due {
                delivery,
                url: hook.url.clone(),
                secret: hook.secret.as_str().to_owned(),
            });
        }
    }
    Ok(leased)
}

/// Records that the receiver accepted `delivery` with `status`; its webhook is healthy again.
pub async fn delivered(
    db: &Db,
    delivery: &webhook_delivery::Model,
    status: u16,
) -> Result<(), StoreError> {
    let now = Utc::now();
    let txn = db::begin_write(db).await?;
    webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::Status, Expr::value(DELIVERED))
        .col_expr(
            webhook_delivery::Column::Attempts,
            Expr::col(webhook_delivery::Column::Attempts).add(1),
        )
        .col_expr(webhook_delivery::Column::LastAttemptAt, Expr::value(now))
        .col_expr(webhook_delivery::Column::DeliveredAt, Expr::value(now))
        .col_expr(
            webhook_delivery::Column::ResponseStatus,
            Expr::value(i32::from(status)),
        )
        .col_expr(
            webhook_delivery::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        .filter(webhook_delivery::Column::Id.eq(delivery.id))
        .exec(&txn)
        .await?;
    webhook::Entity::update_many()
        .col_expr(
            webhook::Column::FailingSince,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(webhook::Column::Id.eq(delivery.webhook_id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// One failed attempt.
#[derive(Clone, Debug)]
pub struct Failure {
    /// The receiver's HTTP status, if it answered.
    pub status: Option<u16>,
    /// What went wrong, for the admin.
    pub error: String,
    /// When to try again.
    pub retry_at: DateTime<Utc>,
}

/// Records a failed attempt at `delivery`. When its webhook has failed since before
/// `give_up_before`, it is turned off (its deliveries wait) and every admin is told; returns
/// whether that happened.
pub async fn failed(
    db: &Db,
    delivery: &webhook_delivery::Model,
    failure: Failure,
    give_up_before: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let now = Utc::now();
    let txn = db::begin_write(db).await?;
    let error: String = failure.error.chars().take(500).collect();
    webhook_delivery::Entity::update_many()
        .col_expr(
            webhook_delivery::Column::Attempts,
            Expr::col(webhook_delivery::Column::Attempts).add(1),
        )
        .col_expr(webhook_delivery::Column::LastAttemptAt, Expr::value(now))
        .col_expr(
            webhook_delivery::Column::NextAttemptAt,
            Expr::value(failure.retry_at),
        )
        .col_expr(
            webhook_delivery::Column::ResponseStatus,
            Expr::value(failure.status.map(i32::from)),
        )
        .col_expr(webhook_delivery::Column::LastError, Expr::value(error))
        .filter(webhook_delivery::Column::Id.eq(delivery.id))
        .exec(&txn)
        .await?;
    let Some(hook) = webhook::Entity::find_by_id(delivery.webhook_id)
        .one(&txn)
        .await?
    else {
        txn.commit().await?;
        return Ok(false);
    };
    let since = hook.failing_since.unwrap_or(now);
    let give_up = hook.enabled && since < give_up_before;
    let mut row: webhook::ActiveModel = hook.clone().into();
    row.failing_since = Set(Some(since));
    if give_up {
        row.enabled = Set(false);
        row.disabled_at = Set(Some(now));
    }
    let after = row.update(&txn).await?;
    if give_up {
        let admins = user::Entity::find()
            .filter(user::Column::Role.eq(Role::Admin.as_str()))
            .filter(user::Column::Active.eq(true))
            .all(&txn)
            .await?;
        let origin = Origin::default();
        let notice = Notice {
            kind: NotificationKind::WebhookDisabled,
            title: format!("Webhook turned off after a day of failures: {}", hook.url),
            resource_type: "webhook",
            resource_id: hook.id,
        };
        notifications::notify(&txn, &origin, admins.iter().map(|a| a.id), &notice).await?;
        audit::record_change(
            &txn,
            &origin,
            "webhook.disable",
            hook.id,
            Some(&hook),
            Some(&after),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(give_up)
}
