//! How much an agent needs their coach's attention now: one number, so that home lists the
//! agents who need it most first, and leaves out those who need nothing.
//!
//! Each signal adds to it, weighed by how much and how recently it applies:
//! - a score under the target: the points missing, the latest month counting whole and an older
//!   one less (halved a month back, a third two months back);
//! - a falling score: one and a half times the points lost since the month before, weighed the
//!   same, so an agent under target *and* falling comes before one who is only under it;
//! - overdue action items: 6 each, and a point for every three days the oldest is late (to 30);
//! - no completed session in [`COACHING_GAP_DAYS`]: 10, and a point for every three days more
//!   (to 60); 20 for an agent never coached;
//! - work waiting for the agent's acknowledgement past its time: 4 each.

/// The score under which an agent needs attention: the start of the "good" band.
pub const SCORE_TARGET: f64 = 75.0;
/// A month-on-month fall that needs attention.
pub const SCORE_DROP: f64 = 5.0;
/// Days without a completed session after which an agent needs attention.
pub const COACHING_GAP_DAYS: i64 = 30;

/// What is known about one agent now.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Signals {
    /// Their latest monthly score, and how many months before this one it is.
    pub score: Option<(f64, u32)>,
    /// The change of that score from the month before.
    pub change: Option<f64>,
    /// Open action items past due.
    pub overdue_items: u32,
    /// Days the oldest of them is late.
    pub oldest_overdue_days: i64,
    /// Days since their last completed session (`None`: never coached).
    pub days_since_session: Option<i64>,
    /// Completed sessions and active plans waiting for their acknowledgement past its time
    /// (`ACK_REMINDER_HOURS`).
    pub unacknowledged: u32,
}

/// Why an agent needs attention.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// The latest score is under [`SCORE_TARGET`].
    BelowTarget,
    /// The latest score fell by [`SCORE_DROP`] or more.
    ScoreDropped,
    /// Action items past due are open.
    OverdueItems,
    /// No completed session in [`COACHING_GAP_DAYS`].
    NoRecentSession,
    /// Work waits for their acknowledgement.
    Unacknowledged,
}

impl Signals {
    /// Every reason that applies, most pressing first.
    pub fn needs(&self) -> Vec<Need> {
        let mut needs = Vec::new();
        if let Some((score, _)) = self.score {
            if score < SCORE_TARGET {
                needs.push(Need::BelowTarget);
            }
            if self.change.is_some_and(|change| change <= -SCORE_DROP) {
                needs.push(Need::ScoreDropped);
            }
        }
        if self.overdue_items > 0 {
            needs.push(Need::OverdueItems);
        }
        if self
            .days_since_session
            .is_none_or(|days| days > COACHING_GAP_DAYS)
        {
            needs.push(Need::NoRecentSession);
        }
        if self.unacknowledged > 0 {
            needs.push(Need::Unacknowledged);
        }
        needs
    }

    /// How much attention they need now (0 when they need none); see the module.
    pub fn weight(&self) -> f64 {
        let needs = self.needs();
        let mut weight = 0.0;
        if let Some((score, months_ago)) = self.score {
            let recency = 1.0 / (1.0 + f64::from(months_ago));
            if needs.contains(&Need::BelowTarget) {
                weight += (SCORE_TARGET - score) * recency;
            }
            if needs.contains(&Need::ScoreDropped) {
                weight += 1.5 * -self.change.unwrap_or(0.0) * recency;
            }
        }
        if needs.contains(&Need::OverdueItems) {
            weight += 6.0 * f64::from(self.overdue_items)
                + self.oldest_overdue_days.clamp(0, 30) as f64 / 3.0;
        }
        if needs.contains(&Need::NoRecentSession) {
            weight += match self.days_since_session {
                Some(days) => 10.0 + (days - COACHING_GAP_DAYS).clamp(0, 60) as f64 / 3.0,
                None => 20.0,
            };
        }
        weight += 4.0 * f64::from(self.unacknowledged);
        (weight * 10.0).round() / 10.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coached() -> Signals {
        Signals {
            score: Some((82.0, 0)),
            change: Some(1.0),
            days_since_session: Some(10),
            ..Signals::default()
        }
    }

    #[test]
    fn an_agent_on_track_needs_nothing() {
        assert_eq!(coached().needs(), []);
        assert_eq!(coached().weight(), 0.0);
    }

    #[test]
    fn under_target_and_falling_comes_before_under_target_only() {
        let under = Signals {
            score: Some((70.0, 0)),
            change: Some(-1.0),
            ..coached()
        };
        let falling = Signals {
            change: Some(-8.0),
            ..under.clone()
        };
        assert_eq!(under.needs(), [Need::BelowTarget]);
        assert_eq!(falling.needs(), [Need::BelowTarget, Need::ScoreDropped]);
        assert_eq!(under.weight(), 5.0);
        assert_eq!(falling.weight(), 17.0);
    }

    #[test]
    fn an_older_month_counts_less_than_this_one() {
        let now = Signals {
            score: Some((65.0, 0)),
            ..coached()
        };
        let back = Signals {
            score: Some((65.0, 2)),
            ..coached()
        };
        assert!(now.weight() > back.weight());
        assert_eq!(back.weight(), 3.3);
    }

    #[test]
    fn overdue_work_a_coaching_gap_and_waiting_acknowledgements_add_up() {
        let late = Signals {
            overdue_items: 2,
            oldest_overdue_days: 9,
            ..coached()
        };
        assert_eq!(late.weight(), 15.0);
        let forgotten = Signals {
            days_since_session: Some(60),
            unacknowledged: 1,
            ..coached()
        };
        assert_eq!(
            forgotten.needs(),
            [Need::NoRecentSession, Need::Unacknowledged]
        );
        assert_eq!(forgotten.weight(), 24.0);
        let never = Signals {
            days_since_session: None,
            ..coached()
        };
        assert_eq!(never.weight(), 20.0);
    }
}
