//! Words and formats for people: statuses, bands, and dates and numbers in the browser's time
//! zone and language (see `locale`).

mod locale;

use chrono::{DateTime, Datelike, Local, NaiveDate, NaiveTime, TimeZone, Utc};
use domain::scorecard::Band;
use domain::{ActionItemStatus, NoteCategory, NoteVisibility, PlanStatus, Priority, SessionStatus};
use locale::Style;

/// A session's state.
pub fn session_status(status: SessionStatus) -> &'static str {
    match status {
        SessionStatus::Scheduled => "Scheduled",
        SessionStatus::InProgress => "In progress",
        SessionStatus::Completed => "Completed",
        SessionStatus::Cancelled => "Cancelled",
        SessionStatus::NoShow => "No-show",
    }
}

/// An action item's state.
pub fn item_status(status: ActionItemStatus) -> &'static str {
    match status {
        ActionItemStatus::Pending => "To do",
        ActionItemStatus::InProgress => "In progress",
        ActionItemStatus::Completed => "Done",
        ActionItemStatus::Cancelled => "Cancelled",
    }
}

/// A plan's state.
pub fn plan_status(status: PlanStatus) -> &'static str {
    match status {
        PlanStatus::Draft => "Draft",
        PlanStatus::PendingApproval => "Waiting for approval",
        PlanStatus::Active => "Active",
        PlanStatus::Completed => "Completed",
        PlanStatus::Cancelled => "Cancelled",
    }
}

pub fn priority(priority: Priority) -> &'static str {
    match priority {
        Priority::Low => "Low",
        Priority::Medium => "Medium",
        Priority::High => "High",
    }
}

/// A note's category.
pub fn category(category: NoteCategory) -> &'static str {
    match category {
        NoteCategory::Performance => "Performance",
        NoteCategory::Behavior => "Behaviour",
        NoteCategory::Training => "Training",
        NoteCategory::Other => "Other",
    }
}

/// Who may read a note.
pub fn visibility(visibility: NoteVisibility) -> &'static str {
    match visibility {
        NoteVisibility::Private => "Private",
        NoteVisibility::Shared => "Shared",
    }
}

/// A rating band.
pub fn band(band: Band) -> &'static str {
    match band {
        Band::HighPerformer => "High performer",
        Band::Good => "Good",
        Band::NeedsImprovement => "Needs improvement",
        Band::AtRisk => "At risk",
    }
}

/// The CSS class of a band.
pub fn band_class(band: Band) -> &'static str {
    match band {
        Band::HighPerformer => "band-high",
        Band::Good => "band-good",
        Band::NeedsImprovement => "band-improve",
        Band::AtRisk => "band-risk",
    }
}

/// Why an agent needs attention.
pub fn reason(reason: dto::AttentionReason, attention: &dto::AgentAttention) -> String {
    match reason {
        dto::AttentionReason::BelowTarget => "Below target".to_owned(),
        dto::AttentionReason::ScoreDropped => match attention.change {
            Some(change) => format!("Score dropped {}", score(Some(change.abs()))),
            None => "Score dropped".to_owned(),
        },
        dto::AttentionReason::OverdueItems => match attention.overdue_items {
            1 => "1 overdue item".to_owned(),
            n => format!("{n} overdue items"),
        },
        dto::AttentionReason::NoRecentSession => match attention.days_since_session {
            Some(days) => format!("No session for {days} days"),
            None => "Never coached".to_owned(),
        },
        dto::AttentionReason::Unacknowledged => match attention.unacknowledged {
            1 => "1 not acknowledged".to_owned(),
            n => format!("{n} not acknowledged"),
        },
    }
}

/// A score with one decimal, written the browser's way (`92.5`, `92,5`).
pub fn score(score: Option<f64>) -> String {
    score.map_or_else(|| "—".to_owned(), |s| locale::number(s, (1, 1)))
}

/// A KPI value or target as it is, to two decimals, written the browser's way.
pub fn value(value: f64) -> String {
    locale::number(value, (0, 2))
}

/// Whether a year is not this one (then a date says it).
fn other_year(year: i32) -> bool {
    year != today().year()
}

/// A moment in the browser's time zone and language: `Tue 3 Mar, 14:30` in British English
/// (with the year when it is not this one).
pub fn when(at: DateTime<Utc>) -> String {
    let year = at.with_timezone(&Local).year();
    let style = if other_year(year) {
        Style::WhenYear
    } else {
        Style::When
    };
    locale::moment(style, at)
}

/// A time of day in the browser's time zone: `14:30` (`2:30 PM` in American English).
pub fn time(at: DateTime<Utc>) -> String {
    locale::moment(Style::Time, at)
}

/// A date: `3 Mar` (with the year when it is not this one).
pub fn date(date: NaiveDate) -> String {
    let style = if other_year(date.year()) {
        Style::DateYear
    } else {
        Style::Date
    };
    locale::day(style, date)
}

/// A day in a week's heading: `Tue 3`.
pub fn day_short(date: NaiveDate) -> String {
    format!("{} {}", locale::day(Style::Weekday, date), date.day())
}

/// A day in full, for assistive technology: `Tuesday 3 March`.
pub fn day_long(date: NaiveDate) -> String {
    locale::day(Style::DayLong, date)
}

/// A month `YYYY-MM` as `Mar 2026`.
pub fn month_short(month: &str) -> String {
    month
        .split_once('-')
        .and_then(|(year, m)| Some((year.parse::<i32>().ok()?, m.parse::<u32>().ok()?)))
        .and_then(|(year, m)| NaiveDate::from_ymd_opt(year, m, 1))
        .map_or_else(|| month.to_owned(), |d| locale::day(Style::Month, d))
}

/// A time typed as `HH:MM`.
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    let (hour, minute) = text.split_once(':')?;
    NaiveTime::from_hms_opt(hour.parse().ok()?, minute.parse().ok()?, 0)
}

/// Local midnight at the start of `day`, in UTC.
pub fn local_midnight(day: NaiveDate) -> DateTime<Utc> {
    Local
        .from_local_datetime(&day.and_time(NaiveTime::MIN))
        .earliest()
        .map(|at| at.with_timezone(&Utc))
        .unwrap_or_default()
}

/// Today in the browser's time zone.
pub fn today() -> NaiveDate {
    Local::now().date_naive()
}

/// Whether `at` falls on `day` in the browser's time zone.
pub fn on_day(at: DateTime<Utc>, day: NaiveDate) -> bool {
    at.with_timezone(&Local).date_naive() == day
}

/// The month `YYYY-MM` of `date`.
pub fn month_of(date: NaiveDate) -> String {
    format!("{:04}-{:02}", date.year(), date.month())
}

/// The `n` months up to and including the one of `date`, oldest first.
pub fn last_months(date: NaiveDate, n: usize) -> Vec<String> {
    let mut months = Vec::with_capacity(n);
    let (mut year, mut month) = (date.year(), date.month());
    for _ in 0..n {
        months.push(format!("{year:04}-{month:02}"));
        if month == 1 {
            year -= 1;
            month = 12;
        } else {
            month -= 1;
        }
    }
    months.reverse();
    months
}
