//! Words and formats for people: statuses, bands, dates in the browser's time zone.

use chrono::{DateTime, Datelike, Local, NaiveDate, Utc};
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
        dto::AttentionReason::NoRecentSession => "No session in 30 days".to_owned(),
    }
}

/// A score with one decimal.
pub fn score(score: Option<f64>) -> String {
    score.map_or_else(|| "—".to_owned(), |s| format!("{s:.1}"))
}

/// A moment in the browser's time zone: `Tue 3 Mar, 14:30`.
pub fn when(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local)
        .format("%a %-d %b, %H:%M")
        .to_string()
}

/// A time of day in the browser's time zone: `14:30`.
pub fn time(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local).format("%H:%M").to_string()
}

/// A date: `3 Mar 2026`.
pub fn date(date: NaiveDate) -> String {
    date.format("%-d %b %Y").to_string()
}

/// A month `YYYY-MM` as `Mar 26`.
pub fn month_short(month: &str) -> String {
    NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .map(|d| d.format("%b %y").to_string())
        .unwrap_or_else(|_| month.to_owned())
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
