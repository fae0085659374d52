//! Changes to the catalogue and its configurations (admin).

use std::collections::HashMap;

use chrono::Utc;
use domain::UserId;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::audit::{self, Change, Origin};
use crate::entity::{kpi, scorecard_config, scorecard_config_kpi, user};
use crate::{Db, StoreError, db, versioned};

use super::catalogue::{Catalogue, Config, catalogue};

/// Adds a KPI to the catalogue.
pub async fn create_kpi(
    db: &Db,
    origin: &Origin,
    new: &dto::CreateKpi,
) -> Result<kpi::Model, StoreError> {
    if new.min_value >= new.max_value {
        return Err(StoreError::invalid(
            "max_value",
            "must be greater than min_value",
        ));
    }
    let txn = db::begin_write(db).await?;
    if kpi::Entity::find()
        .filter(kpi::Column::Key.eq(&new.key))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(StoreError::conflict("key", "a KPI with this key exists"));
    }
    let now = Utc::now();
    let kpi = kpi::ActiveModel {
        id: Set(Uuid::now_v7()),
        key: Set(new.key.clone()),
        name: Set(new.name.trim().to_owned()),
        description: Set(None),
        unit: Set(new.unit.clone()),
        direction: Set(new.direction),
        min_value: Set(new.min_value),
        max_value: Set(new.max_value),
        numerator: Set(None),
        denominator: Set(None),
        active: Set(true),
        from_evaluations: Set(false),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let change = Change {
        action: "kpi.create",
        resource_type: "kpi",
        resource_id: Some(kpi.id),
        changes: serde_json::json!({ "key": { "from": null, "to": kpi.key } }),
    };
    audit::record(&txn, origin, change).await?;
    txn.commit().await?;
    Ok(kpi)
}

/// Edits the KPI `key` at `version`: name, valid range, whether it is active. Values already
/// recorded keep standing; the range applies to what is written from now on.
pub async fn update_kpi(
    db: &Db,
    origin: &Origin,
    key: &str,
    version: i32,
    patch: &dto::UpdateKpi,
) -> Result<kpi::Model, StoreError> {
    let txn = db::begin_write(db).await?;
    let current = kpi::Entity::find()
        .filter(kpi::Column::Key.eq(key))
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let min_value = patch.min_value.unwrap_or(current.min_value);
    let max_value = patch.max_value.unwrap_or(current.max_value);
    if min_value >= max_value {
        return Err(StoreError::invalid(
            "max_value",
            "must be greater than min_value",
        ));
    }
    versioned::bump::<kpi::Entity>(&txn, current.id, version).await?;
    let mut row: kpi::ActiveModel = current.clone().into();
    if let Some(name) = &patch.name {
        row.name = Set(name.trim().to_owned());
    }
    row.min_value = Set(min_value);
    row.max_value = Set(max_value);
    if let Some(active) = patch.active {
        row.active = Set(active);
    }
    if let Some(from_evaluations) = patch.from_evaluations {
        if from_evaluations {
            // One KPI at most takes its value from evaluations.
            kpi::Entity::update_many()
                .col_expr(kpi::Column::FromEvaluations, Expr::value(false))
                .filter(kpi::Column::Id.ne(current.id))
                .filter(kpi::Column::FromEvaluations.eq(true))
                .exec(&txn)
                .await?;
        }
        row.from_evaluations = Set(from_evaluations);
    }
    row.version = Set(version + 1);
    let updated = row.update(&txn).await?;
    let change = Change {
        action: "kpi.update",
        resource_type: "kpi",
        resource_id: Some(updated.id),
        changes: audit::diff(
            Some(&audit::snapshot(&current)),
            Some(&audit::snapshot(&updated)),
        ),
    };
    audit::record(&txn, origin, change).await?;
    txn.commit().await?;
    Ok(updated)
}

/// A configuration's weights and targets by KPI id: every key in the catalogue, none twice, one
/// weight above 0.
fn weights_of(
    catalogue: &Catalogue,
    update: &dto::UpdateScorecardConfig,
) -> Result<Vec<(Uuid, f64, f64)>, StoreError> {
    let mut rows = Vec::new();
    for (index, weight) in update.kpis.iter().enumerate() {
        let kpi = catalogue.kpi(&weight.key).ok_or_else(|| {
            StoreError::invalid(
                "kpis",
                format!("kpis[{index}].key `{}` is not in the catalogue", weight.key),
            )
        })?;
        if rows.iter().any(|(id, _, _)| *id == kpi.id) {
            return Err(StoreError::invalid(
                "kpis",
                format!("kpis[{index}].key `{}` is listed twice", weight.key),
            ));
        }
        rows.push((kpi.id, weight.weight, weight.target));
    }
    if rows.iter().all(|(_, weight, _)| *weight == 0.0) {
        return Err(StoreError::invalid(
            "kpis",
            "at least one KPI needs a weight above 0",
        ));
    }
    Ok(rows)
}

/// Every agent's `month` scored in force and under `update` (nothing is saved): (agent, name,
/// now, proposed), for the agents with values that month.
pub async fn preview(
    db: &Db,
    update: &dto::UpdateScorecardConfig,
    month: &str,
) -> Result<Vec<(UserId, String, Option<f64>, Option<f64>)>, StoreError> {
    let now = catalogue(db).await?;
    let weights = weights_of(&now, update)?;
    let mut proposed = now.clone();
    proposed.configs.insert(
        0,
        Config {
            config: scorecard_config::Model {
                id: Uuid::nil(),
                effective_from: month.to_owned(),
                note: update.note.clone(),
                created_by: None,
                created_at: Utc::now(),
            },
            weights: weights.into_iter().map(|(id, w, t)| (id, (w, t))).collect(),
        },
    );
    let months = super::months_where(db, Condition::all(), month, month).await?;
    let ids: Vec<UserId> = months.iter().map(|(key, _)| key.agent_id).collect();
    let names: HashMap<UserId, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    Ok(months
        .iter()
        .map(|(key, values)| {
            (
                key.agent_id,
                names.get(&key.agent_id).cloned().unwrap_or_default(),
                now.score(month, values),
                proposed.score(month, values),
            )
        })
        .collect())
}

/// Saves a new configuration from `effective_from` on.
pub async fn save_config(
    db: &Db,
    origin: &Origin,
    update: &dto::UpdateScorecardConfig,
    version: i32,
) -> Result<(), StoreError> {
    let txn = db::begin_write(db).await?;
    let catalogue = catalogue(&txn).await?;
    if catalogue.version() != version {
        return Err(StoreError::Stale);
    }
    if catalogue
        .configs
        .iter()
        .any(|c| c.config.effective_from == update.effective_from)
    {
        return Err(StoreError::conflict(
            "effective_from",
            "a configuration already starts in this month",
        ));
    }
    let rows = weights_of(&catalogue, update)?;
    let config = scorecard_config::ActiveModel {
        id: Set(Uuid::now_v7()),
        effective_from: Set(update.effective_from.clone()),
        note: Set(update.note.clone()),
        created_by: Set(origin.actor_id),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    scorecard_config_kpi::Entity::insert_many(rows.iter().map(|&(kpi_id, weight, target)| {
        scorecard_config_kpi::ActiveModel {
            config_id: Set(config.id),
            kpi_id: Set(kpi_id),
            weight: Set(weight),
            target: Set(target),
        }
    }))
    .exec(&txn)
    .await?;
    let change = Change {
        action: "scorecard_config.create",
        resource_type: "scorecard_config",
        resource_id: Some(config.id),
        changes: serde_json::json!({ "effective_from": { "from": null, "to": update.effective_from }, "kpis": { "from": null, "to": update.kpis.len() } }),
    };
    audit::record(&txn, origin, change).await?;
    txn.commit().await?;
    Ok(())
}
