//! Shared garde rules.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// Years a coaching record can fall in; anything else is a typo (and would overflow date maths).
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// Garde rule: a date between 2000 and 2100.
pub fn plausible_date(value: &NaiveDate, _: &()) -> garde::Result {
    if YEARS.contains(&value.year()) {
        Ok(())
    } else {
        Err(garde::Error::new("must be between the years 2000 and 2100"))
    }
}

/// Garde rule: a time between 2000 and 2100.
pub fn plausible_time(value: &DateTime<Utc>, ctx: &()) -> garde::Result {
    plausible_date(&value.date_naive(), ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn far_dates_are_refused() {
        let date = |y| NaiveDate::from_ymd_opt(y, 1, 1).expect("a date");
        assert!(plausible_date(&date(2026), &()).is_ok());
        assert!(plausible_date(&date(1999), &()).is_err());
        assert!(plausible_date(&date(262_000), &()).is_err());
    }
}
