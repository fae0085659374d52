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

/// Years a list filter may name: ISO 8601's four digits, which both databases store and compare
/// correctly (PostgreSQL stops at 4713 BC; SQLite compares dates as text).
const FILTER_YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

/// Garde rule: a filter date with a four-digit year.
pub fn filter_date(value: &NaiveDate, _: &()) -> garde::Result {
    if FILTER_YEARS.contains(&value.year()) {
        Ok(())
    } else {
        Err(garde::Error::new("must be between the years 1 and 9999"))
    }
}

/// Garde rule: a filter time with a four-digit year.
pub fn filter_time(value: &DateTime<Utc>, ctx: &()) -> garde::Result {
    filter_date(&value.date_naive(), ctx)
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
        assert!(filter_date(&date(1970), &()).is_ok());
        assert!(filter_date(&date(-5000), &()).is_err());
        assert!(filter_date(&date(10_000), &()).is_err());
    }
}
