//! Reference data every installation starts with: the KPI catalogue of the original system's
//! percentage scorecard and the first scorecard configuration (its default weights and targets).
//!
//! This is product configuration, not demo data, so `migrate` ensures it; admins change it later
//! through new configuration versions.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::entity::{kpi, scorecard_config, scorecard_config_kpi};
use crate::{Db, StoreError, db};

/// One default KPI: every one is a percentage, `numerator / denominator x 100`.
#[derive(Clone, Copy, Debug)]
pub struct DefaultKpi {
    /// Stable key used in APIs and CSV headers.
    pub key: &'static str,
    /// Name for people.
    pub name: &'static str,
    /// Raw count on top.
    pub numerator: &'static str,
    /// Raw count below.
    pub denominator: &'static str,
    /// Weight in the monthly score.
    pub weight: f64,
    /// Target value.
    pub target: f64,
    /// Largest valid value: 100 for a share of a whole (error-free tasks of all tasks); more
    /// for a ratio that can pass its norm (output against expected output).
    pub max_value: f64,
}

/// The range every KPI had before each got its own; a default KPI still on it is narrowed.
const OLD_MAX: f64 = 200.0;

/// The eight KPIs of the original system's current scorecard, with its default weights.
pub const DEFAULT_KPIS: [DefaultKpi; 8] = [
    DefaultKpi {
        key: "schedule_adherence",
        name: "Schedule adherence",
        numerator: "actual_hours",
        denominator: "scheduled_hours",
        weight: 1.0,
        target: 95.0,
        max_value: 100.0,
    },
    DefaultKpi {
        key: "attendance_rate",
        name: "Attendance rate",
        numerator: "days_present",
        denominator: "scheduled_days",
        weight: 0.5,
        target: 95.0,
        max_value: 100.0,
    },
    DefaultKpi {
        key: "punctuality",
        name: "Punctuality",
        numerator: "on_time_arrivals",
        denominator: "total_shifts",
        weight: 0.5,
        target: 90.0,
        max_value: 100.0,
    },
    DefaultKpi {
        key: "break_compliance",
        name: "Break compliance",
        numerator: "breaks_within_limit",
        denominator: "total_breaks",
        weight: 0.5,
        target: 90.0,
        max_value: 100.0,
    },
    DefaultKpi {
        key: "task_completion_rate",
        name: "Task completion rate",
        numerator: "tasks_completed",
        denominator: "tasks_assigned",
        weight: 1.5,
        target: 95.0,
        max_value: 100.0,
    },
    DefaultKpi {
        key: "productivity_index",
        name: "Productivity index",
        numerator: "actual_output",
        denominator: "expected_output",
        weight: 1.5,
        target: 100.0,
        max_value: 200.0,
    },
    DefaultKpi {
        key: "quality_score",
        name: "Quality score",
        numerator: "error_free_tasks",
        denominator: "total_tasks",
        weight: 1.5,
        target: 95.0,
        max_value: 100.0,
    },
    DefaultKpi {
        key: "efficiency_rate",
        name: "Efficiency rate",
        numerator: "standard_time",
        denominator: "actual_time_spent",
        weight: 1.0,
        target: 90.0,
        max_value: 200.0,
    },
];

/// The month the first configuration applies from: before any data anyone will enter.
pub const FIRST_CONFIG_MONTH: &str = "2000-01";

/// Gives default KPIs that nobody has edited (version 1, still 0-200) the range their definition
/// allows; catalogues created before KPIs had their own ranges get them at the next start.
async fn narrow_untouched_ranges(db: &impl sea_orm::ConnectionTrait) -> Result<(), StoreError> {
    for default in DEFAULT_KPIS.iter().filter(|d| d.max_value < OLD_MAX) {
        kpi::Entity::update_many()
            .col_expr(kpi::Column::MaxValue, Expr::value(default.max_value))
            .filter(kpi::Column::Key.eq(default.key))
            .filter(kpi::Column::Version.eq(1))
            .filter(kpi::Column::MinValue.eq(0.0))
            .filter(kpi::Column::MaxValue.eq(OLD_MAX))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Inserts the default catalogue and first configuration if the catalogue is empty.
pub async fn ensure(db: &Db) -> Result<(), StoreError> {
    let txn = db::begin_write(db).await?;
    if kpi::Entity::find().count(&txn).await? > 0 {
        narrow_untouched_ranges(&txn).await?;
        txn.commit().await?;
        return Ok(());
    }
    let now = Utc::now();
    let config = scorecard_config::ActiveModel {
        id: Set(Uuid::now_v7()),
        effective_from: Set(FIRST_CONFIG_MONTH.to_owned()),
        note: Set(Some(
            "Default weights of the original percentage scorecard".to_owned(),
        )),
        created_by: Set(None),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    for default in DEFAULT_KPIS {
        let kpi = kpi::ActiveModel {
            id: Set(Uuid::now_v7()),
            key: Set(default.key.to_owned()),
            name: Set(default.name.to_owned()),
            description: Set(Some(format!(
                "{} / {} x 100",
                default.numerator, default.denominator
            ))),
            unit: Set("%".to_owned()),
            direction: Set(domain::scorecard::Direction::HigherIsBetter),
            min_value: Set(0.0),
            max_value: Set(default.max_value),
            numerator: Set(Some(default.numerator.to_owned())),
            denominator: Set(Some(default.denominator.to_owned())),
            active: Set(true),
            from_evaluations: Set(false),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        scorecard_config_kpi::ActiveModel {
            config_id: Set(config.id),
            kpi_id: Set(kpi.id),
            weight: Set(default.weight),
            target: Set(default.target),
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(())
}
