//! Scorecard arithmetic: attainment, the weighted monthly score, bands, months.
//!
//! The month's score is `sum(w * a) / sum(w)` to two decimals, where `a` is the KPI's attainment
//! capped at 100 (a lower-is-better KPI enters as `100 - value`); KPIs without a value this month
//! are left out of both sums.

use serde::{Deserialize, Serialize};

use crate::lifecycle::wire_enum;

wire_enum!(
    /// Whether more of a KPI is better.
    Direction {
        /// Adherence, quality, ...
        HigherIsBetter = "HIGHER_IS_BETTER",
        /// Lateness, errors, ...
        LowerIsBetter = "LOWER_IS_BETTER",
    }
);

/// How a month's score reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Band {
    /// 85 and above.
    HighPerformer,
    /// 75 to under 85.
    Good,
    /// 60 to under 75.
    NeedsImprovement,
    /// Under 60.
    AtRisk,
}

impl Band {
    /// The band of a score.
    pub fn of(score: f64) -> Band {
        if score >= 85.0 {
            Band::HighPerformer
        } else if score >= 75.0 {
            Band::Good
        } else if score >= 60.0 {
            Band::NeedsImprovement
        } else {
            Band::AtRisk
        }
    }
}

/// Rounds to two decimals (half away from zero).
pub fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// A KPI value's contribution, 0-100.
pub fn attainment(value: f64, direction: Direction) -> f64 {
    let raw = match direction {
        Direction::HigherIsBetter => value,
        Direction::LowerIsBetter => 100.0 - value,
    };
    raw.clamp(0.0, 100.0)
}

/// One KPI of a month: its weight in force, its direction, its value if recorded.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Weighted {
    /// Weight (0 leaves the KPI out).
    pub weight: f64,
    pub direction: Direction,
    /// This month's value, if any.
    pub value: Option<f64>,
}

/// The weighted monthly score, or `None` when no weighted KPI has a value.
pub fn monthly_score(kpis: &[Weighted]) -> Option<f64> {
    let (sum, weights) = kpis
        .iter()
        .filter_map(|kpi| {
            kpi.value
                .map(|value| (kpi.weight, attainment(value, kpi.direction)))
        })
        .fold((0.0, 0.0), |(sum, weights), (weight, a)| {
            (sum + weight * a, weights + weight)
        });
    (weights > 0.0).then(|| round2(sum / weights))
}

/// A KPI value from its raw counts: `numerator / denominator x 100`. With nothing to divide by,
/// the value is `empty` (break compliance with no breaks taken is 100, most others 0).
pub fn from_counts(numerator: f64, denominator: f64, empty: f64) -> f64 {
    if denominator <= 0.0 {
        empty
    } else {
        round2(numerator / denominator * 100.0)
    }
}

/// The mean of some scores, to two decimals.
pub fn mean(scores: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (sum, count) = scores
        .into_iter()
        .fold((0.0, 0u32), |(sum, n), s| (sum + s, n + 1));
    (count > 0).then(|| round2(sum / f64::from(count)))
}

/// Whether `month` is a calendar month written `YYYY-MM`.
pub fn is_month(month: &str) -> bool {
    let bytes = month.as_bytes();
    bytes.len() == 7
        && bytes[4] == b'-'
        && bytes[..4].iter().chain(&bytes[5..]).all(u8::is_ascii_digit)
        && matches!(month[5..].parse::<u8>(), Ok(1..=12))
}

/// The month before `month` (`2026-01` -> `2025-12`); `month` must satisfy [`is_month`].
pub fn previous_month(month: &str) -> String {
    let year: i32 = month[..4].parse().unwrap_or(0);
    let number: u32 = month[5..].parse().unwrap_or(1);
    if number == 1 {
        format!("{:04}-12", year - 1)
    } else {
        format!("{year:04}-{:02}", number - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kpi(weight: f64, value: Option<f64>) -> Weighted {
        Weighted {
            weight,
            direction: Direction::HigherIsBetter,
            value,
        }
    }

    #[test]
    fn the_weighted_mean_by_hand() {
        // (1.0 x 90 + 0.5 x 80 + 1.5 x 70) / 3.0 = 235 / 3 = 78.333..
        assert_eq!(
            monthly_score(&[
                kpi(1.0, Some(90.0)),
                kpi(0.5, Some(80.0)),
                kpi(1.5, Some(70.0))
            ]),
            Some(78.33)
        );
    }

    #[test]
    fn a_kpi_above_100_counts_as_100() {
        // Productivity 118 is capped: (1.5 x 100 + 1.0 x 80) / 2.5 = 92.
        assert_eq!(
            monthly_score(&[kpi(1.5, Some(118.0)), kpi(1.0, Some(80.0))]),
            Some(92.0)
        );
    }

    #[test]
    fn a_lower_is_better_kpi_enters_as_100_minus_value() {
        let lateness = Weighted {
            weight: 1.0,
            direction: Direction::LowerIsBetter,
            value: Some(12.0),
        };
        // (1.0 x 88 + 1.0 x 90) / 2 = 89.
        assert_eq!(monthly_score(&[lateness, kpi(1.0, Some(90.0))]), Some(89.0));
    }

    #[test]
    fn a_missing_kpi_leaves_both_sums() {
        // Without the missing one: (1.0 x 90 + 1.0 x 70) / 2 = 80, not (90 + 70) / 3.5.
        assert_eq!(
            monthly_score(&[kpi(1.0, Some(90.0)), kpi(1.5, None), kpi(1.0, Some(70.0))]),
            Some(80.0)
        );
        assert_eq!(monthly_score(&[kpi(1.0, None)]), None);
        assert_eq!(
            monthly_score(&[kpi(0.0, Some(50.0))]),
            None,
            "weight 0 is allowed and counts for nothing"
        );
    }

    #[test]
    fn eight_default_kpis_by_hand() {
        // The eight default KPIs at their weights (sum 8); productivity 105 counts as 100.
        let weights = [1.0, 0.5, 0.5, 0.5, 1.5, 1.5, 1.5, 1.0];
        let values = [96.0, 98.0, 92.0, 95.0, 97.0, 105.0, 94.24, 90.0];
        let kpis: Vec<Weighted> = weights
            .iter()
            .zip(values)
            .map(|(&w, v)| kpi(w, Some(v)))
            .collect();
        // 96 + 49 + 46 + 47.5 + 145.5 + 150 + 141.36 + 90 = 765.36 -> / 8 = 95.67
        assert_eq!(monthly_score(&kpis), Some(95.67));
    }

    #[test]
    fn bands_and_counts() {
        assert_eq!(Band::of(85.0), Band::HighPerformer);
        assert_eq!(Band::of(84.99), Band::Good);
        assert_eq!(Band::of(60.0), Band::NeedsImprovement);
        assert_eq!(Band::of(59.99), Band::AtRisk);
        assert_eq!(from_counts(152.0, 160.0, 0.0), 95.0);
        assert_eq!(from_counts(0.0, 0.0, 100.0), 100.0);
        assert_eq!(mean([80.0, 90.0, 85.5]), Some(85.17));
    }

    #[test]
    fn months() {
        assert!(
            is_month("2026-03")
                && !is_month("2026-13")
                && !is_month("2026-3")
                && !is_month("26-03-01")
        );
        assert_eq!(previous_month("2026-01"), "2025-12");
        assert_eq!(previous_month("2026-10"), "2026-09");
    }
}
