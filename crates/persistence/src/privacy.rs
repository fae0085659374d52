//! A data subject's right of access: every record stored about a person, or written by them, as
//! JSON, one section per kind of record. Stored secrets (password hash, token hashes, the TOTP
//! secret) are left out: they are no information about the person, and a copy of them is a way
//! in. Notes about the person are all included, private ones too: the right of access covers
//! personal data about them, whoever wrote it.

use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Select,
};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::audit::{self, Origin};
use crate::entity::{
    access_token, action_item, action_plan, action_plan_checkpoint, announcement, audit_entry,
    auth_session, coaching_session, metric_month, metric_value, notification, quick_note,
    second_factor, team, team_member,
};
use crate::{Db, StoreError, db, users};
use domain::{Action, Actor, authorize};

/// Columns that hold secrets rather than information about anyone.
const SECRETS: [&str; 4] = ["password_hash", "token_hash", "secret", "last_step"];

/// The rows `select` finds, as JSON objects without [`SECRETS`].
async fn section<E: EntityTrait>(
    db: &impl ConnectionTrait,
    select: Select<E>,
) -> Result<Value, StoreError> {
    let rows = select.into_json().all(db).await?;
    Ok(Value::Array(
        rows.into_iter()
            .map(|mut row| {
                if let Some(fields) = row.as_object_mut() {
                    for secret in SECRETS {
                        fields.remove(secret);
                    }
                }
                row
            })
            .collect(),
    ))
}

/// Everything about person `id`, for `actor` (themselves, or an admin), audited as an export
/// (not its content). 404 outside the actor's scope, 403 when they may see the person but not
/// export them.
pub async fn export(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    id: Uuid,
) -> Result<Value, StoreError> {
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
                    .order_by_asc(quick_note::Column::CreatedAt),
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
    audit::record(
        &txn,
        origin,
        audit::Change {
            action: "user.export",
            resource_type: "user",
            resource_id: Some(id),
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
