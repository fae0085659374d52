//! Words and formats for people: statuses, bands, dates in the browser's time zone.

use chrono::{DateTime, Datelike, Local, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use domain::scorecard::Band;
use domain::{ActionItemStatus, NoteCategory, NoteVisibility, PlanStatus, Priority, SessionStatus};

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

/// A priority.
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
            Some(change) => format!("Score dropped {:.1}", change.abs()),
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

/// A score with one decimal.
pub fn score(score: Option<f64>) -> String {
    score.map_or_else(|| "—".to_owned(), |s| format!("{s:.1}"))
}

// Dates are written out by hand rather than with chrono's `format`: its strftime machinery
// was a twentieth of the browser bundle for six patterns.
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

fn month_name(date: &impl Datelike) -> &'static str {
    MONTHS[date.month0() as usize % 12]
}

fn weekday_name(date: &impl Datelike) -> &'static str {
    WEEKDAYS[date.weekday().num_days_from_monday() as usize % 7]
}

/// The first three letters of an English month or weekday name.
fn abbreviated(name: &str) -> &str {
    name.get(..3).unwrap_or(name)
}

/// ` 2027` for a year other than this one, else nothing.
fn other_year(year: i32) -> String {
    if year == today().year() {
        String::new()
    } else {
        format!(" {year}")
    }
}

/// A moment in the browser's time zone: `Tue 3 Mar, 14:30` (`Tue 3 Mar 2027, 14:30` in another
/// year).
pub fn when(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&Local);
    format!(
        "{} {} {}{}, {}",
        abbreviated(weekday_name(&local)),
        local.day(),
        abbreviated(month_name(&local)),
        other_year(local.year()),
        time(at)
    )
}

/// A time of day in the browser's time zone: `14:30`.
pub fn time(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&Local);
    format!("{:02}:{:02}", local.hour(), local.minute())
}

/// A date: `3 Mar` (`3 Mar 2027` in another year).
pub fn date(date: NaiveDate) -> String {
    format!(
        "{} {}{}",
        date.day(),
        abbreviated(month_name(&date)),
        other_year(date.year())
    )
}

/// A day in a week's heading: `Tue 3`.
pub fn day_short(date: NaiveDate) -> String {
    format!("{} {}", abbreviated(weekday_name(&date)), date.day())
}

/// A day in full, for assistive technology: `Tuesday 3 March`.
pub fn day_long(date: NaiveDate) -> String {
    format!(
        "{} {} {}",
        weekday_name(&date),
        date.day(),
        month_name(&date)
    )
}

/// A month `YYYY-MM` as `Mar 2026`.
pub fn month_short(month: &str) -> String {
    month
        .split_once('-')
        .and_then(|(year, m)| Some((year.parse::<i32>().ok()?, m.parse::<u32>().ok()?)))
        .and_then(|(year, m)| NaiveDate::from_ymd_opt(year, m, 1))
        .map_or_else(
            || month.to_owned(),
            |d| format!("{} {}", abbreviated(month_name(&d)), d.year()),
        )
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

/// A moment as the API reads it: `2026-03-03T14:30:00Z`.
pub fn api_time(at: DateTime<Utc>) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
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
