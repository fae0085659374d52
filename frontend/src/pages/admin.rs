//! The way into running the organisation: one entry per task, with what it is for.

use leptos::prelude::*;

use crate::state::session;

/// One task of the admin area.
struct Task {
    href: &'static str,
    title: &'static str,
    what: &'static str,
    admins_only: bool,
}

const TASKS: [Task; 6] = [
    Task {
        href: "/admin/people",
        title: "People",
        what: "Add people, change their role or team, deactivate and reactivate them.",
        admins_only: false,
    },
    Task {
        href: "/admin/teams",
        title: "Teams",
        what: "Create teams, choose their leader and manager, and move agents between them.",
        admins_only: true,
    },
    Task {
        href: "/admin/scorecard",
        title: "Scorecard",
        what: "Weights and targets of the KPIs from a month on, their versions, and new KPIs.",
        admins_only: true,
    },
    Task {
        href: "/admin/metrics",
        title: "Metrics files",
        what: "Import a month of KPIs from a CSV file, or export them.",
        admins_only: false,
    },
    Task {
        href: "/admin/announcements",
        title: "Announcements",
        what: "Tell everyone, or one team, something; it pops up for whoever is online.",
        admins_only: false,
    },
    Task {
        href: "/admin/audit",
        title: "Audit log",
        what: "Every change, who made it and what it changed; check that nobody rewrote it.",
        admins_only: true,
    },
];

/// The admin area's start page.
#[component]
pub fn Admin() -> impl IntoView {
    let admin = session().0.with(|me| {
        me.as_ref()
            .is_some_and(|me| me.user.role == domain::Role::Admin)
    });
    view! {
        <h1>"Admin"</h1>
        <ul class="task-grid">
            {TASKS.iter().filter(|task| admin || !task.admins_only).map(|task| view! {
                <li class="card">
                    <h2><a href=task.href>{task.title}</a></h2>
                    <p class="muted">{task.what}</p>
                </li>
            }).collect_view()}
        </ul>
    }
}
