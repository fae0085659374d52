//! Shared garde rules.

use std::borrow::Cow;
use std::fmt::Display;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use garde::i18n;

/// Garde rule: an `http(s)://` address of something on the web.
pub fn web_address(url: &str, _: &()) -> garde::Result {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| garde::Error::new("must start with https:// or http://"))?;
    if rest.is_empty() || rest.starts_with('/') || url.chars().any(char::is_whitespace) {
        return Err(garde::Error::new("is not a web address"));
    }
    Ok(())
}

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

/// Garde's rules told as a person would say them ("use at least 12 characters", never "length
/// is lower than 12"): the server validates every body and query with these words, and the
/// browser shows them as they come.
pub struct PlainWords;

impl garde::I18n for PlainWords {
    fn length_lower_than(&self, min: usize) -> Cow<'static, str> {
        match min {
            1 => "fill this in".into(),
            min => format!("use at least {min} characters").into(),
        }
    }
    fn length_greater_than(&self, max: usize) -> Cow<'static, str> {
        format!("use at most {max} characters").into()
    }
    fn range_lower_than(&self, min: &dyn Display) -> Cow<'static, str> {
        format!("give {min} or more").into()
    }
    fn range_greater_than(&self, max: &dyn Display) -> Cow<'static, str> {
        format!("give {max} or less").into()
    }
    fn credit_card_invalid(&self, _: i18n::InvalidCreditCard) -> Cow<'static, str> {
        "this is not a card number".into()
    }
    fn pattern_no_match(&self, _: &dyn Display) -> Cow<'static, str> {
        "this is not in the expected form".into()
    }
    fn contains_missing(&self, pattern: &dyn Display) -> Cow<'static, str> {
        format!("include “{pattern}”").into()
    }
    fn url_invalid(&self, _: i18n::InvalidUrl) -> Cow<'static, str> {
        "give a full web address, such as https://example.com/hook".into()
    }
    fn prefix_missing(&self, pattern: &dyn Display) -> Cow<'static, str> {
        format!("start with “{pattern}”").into()
    }
    fn suffix_missing(&self, pattern: &dyn Display) -> Cow<'static, str> {
        format!("end with “{pattern}”").into()
    }
    fn phone_number_invalid(&self, _: i18n::InvalidPhoneNumber) -> Cow<'static, str> {
        "this is not a phone number".into()
    }
    fn ip_invalid(&self, _: i18n::IpKind) -> Cow<'static, str> {
        "this is not an IP address".into()
    }
    fn matches_field_mismatch(&self, field: &dyn Display) -> Cow<'static, str> {
        format!("this does not match {field}").into()
    }
    fn email_invalid(&self, _: i18n::InvalidEmail) -> Cow<'static, str> {
        "give an email address, such as name@example.com".into()
    }
    fn ascii_invalid(&self) -> Cow<'static, str> {
        "use only letters, digits and punctuation without accents".into()
    }
    fn alphanumeric_invalid(&self) -> Cow<'static, str> {
        "use only letters and digits".into()
    }
    fn required_not_set(&self) -> Cow<'static, str> {
        "fill this in".into()
    }
}

/// Validates `value` with garde's rules in [`PlainWords`].
pub fn check<T: garde::Validate<Context = ()>>(value: &T) -> Result<(), garde::Report> {
    garde::with_i18n(PlainWords, || value.validate())
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
