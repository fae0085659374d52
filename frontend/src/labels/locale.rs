//! Dates and numbers written in the browser's own language and conventions, by its `Intl`
//! formatters: the same order, names and separators as its date pickers and number inputs
//! (`Tue 3 Mar, 14:30` in British English, `Tue, Mar 3, 2:30 PM` in American English). Each
//! formatter is made once and kept.

use std::cell::RefCell;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use js_sys::{Array, Date, Function, Intl, Object, Reflect};
use wasm_bindgen::JsValue;

/// The ways a moment or a day is written.
#[derive(Clone, Copy)]
pub enum Style {
    /// Weekday, day and month (a moment's day).
    When,
    /// [`Style::When`] with the year.
    WhenYear,
    /// Hours and minutes, as the language writes a time (`14:30`, `2:30 PM`).
    Time,
    /// Day and month.
    Date,
    /// Day, month and year.
    DateYear,
    /// The weekday, short.
    Weekday,
    /// Weekday, day and month in full.
    DayLong,
    /// Month, short, and year.
    Month,
}

const STYLES: usize = 8;

impl Style {
    fn options(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Style::When => &[("weekday", "short"), ("day", "numeric"), ("month", "short")],
            Style::WhenYear => &[
                ("weekday", "short"),
                ("day", "numeric"),
                ("month", "short"),
                ("year", "numeric"),
            ],
            // The language's own short time: two-digit hours where the day has 24 of them.
            Style::Time => &[("timeStyle", "short")],
            Style::Date => &[("day", "numeric"), ("month", "short")],
            Style::DateYear => &[("day", "numeric"), ("month", "short"), ("year", "numeric")],
            Style::Weekday => &[("weekday", "short")],
            Style::DayLong => &[("weekday", "long"), ("day", "numeric"), ("month", "long")],
            Style::Month => &[("month", "short"), ("year", "numeric")],
        }
    }
}

thread_local! {
    /// The formatters made so far: of moments (the browser's time zone) and of days (written as
    /// they are, whatever the time zone), by style.
    static MADE: RefCell<[[Option<Function>; STYLES]; 2]> = RefCell::default();
}

/// The formatter of `style` (`days`: of calendar days, read at UTC).
fn formatter(style: Style, days: bool) -> Function {
    MADE.with(|made| {
        made.borrow_mut()[usize::from(days)][style as usize]
            .get_or_insert_with(|| {
                let options = Object::new();
                let mut pairs = style.options().to_vec();
                if days {
                    pairs.push(("timeZone", "UTC"));
                }
                for (key, value) in pairs {
                    let _ = Reflect::set(&options, &key.into(), &value.into());
                }
                Intl::DateTimeFormat::new(&Array::new(), &options).format()
            })
            .clone()
    })
}

fn written(format: &Function, millis: f64) -> String {
    format
        .call1(&JsValue::UNDEFINED, &Date::new(&millis.into()))
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}

/// A moment, in the browser's time zone: its day in `style`, then its time.
pub fn moment(style: Style, at: DateTime<Utc>) -> String {
    let millis = at.timestamp_millis() as f64;
    let time = written(&formatter(Style::Time, false), millis);
    match style {
        Style::Time => time,
        day => format!("{}, {time}", written(&formatter(day, false), millis)),
    }
}

/// A calendar day.
pub fn day(style: Style, day: NaiveDate) -> String {
    let midnight = day.and_time(NaiveTime::MIN).and_utc();
    written(&formatter(style, true), midnight.timestamp_millis() as f64)
}

/// A number with between `decimals.0` and `decimals.1` decimals.
pub fn number(value: f64, decimals: (u8, u8)) -> String {
    thread_local! {
        static MADE: RefCell<Vec<((u8, u8), Function)>> = const { RefCell::new(Vec::new()) };
    }
    let format = MADE.with(|made| {
        let mut made = made.borrow_mut();
        if let Some((_, format)) = made.iter().find(|(d, _)| *d == decimals) {
            return format.clone();
        }
        let options = Object::new();
        let (min, max) = (JsValue::from(decimals.0), JsValue::from(decimals.1));
        let _ = Reflect::set(&options, &"minimumFractionDigits".into(), &min);
        let _ = Reflect::set(&options, &"maximumFractionDigits".into(), &max);
        let format = Intl::NumberFormat::new(&Array::new(), &options).format();
        made.push((decimals, format.clone()));
        format
    });
    format
        .call1(&JsValue::UNDEFINED, &value.into())
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}
