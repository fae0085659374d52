//! The way into running the organisation: one entry per task, with what it is for; and, for
//! admins, which roles must sign in with a second factor.

use domain::Role;
use leptos::prelude::*;

use crate::api;
use crate::components::error_banner::{ErrorBanner, LoadStatus};
use crate::state::session;

/// One task of the admin area.
struct Task {
    href: &'static str,
    title: &'static str,
    what: &'static str,
    admins_only: bool,
}

const TASKS: [Task; 7] = [
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
    Task {
        href: "/admin/webhooks",
        title: "Webhooks",
        what: "Tell your BI, WFM or chat tools of changes as they happen, signed, with every delivery listed.",
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
        {admin.then(|| view! { <SignInSecurity /> })}
    }
}

/// The roles that must sign in with a second factor.
#[component]
fn SignInSecurity() -> impl IntoView {
    let loaded = api::load(api::second_factor_roles);
    let chosen = RwSignal::new(Vec::<Role>::new());
    let saved = RwSignal::new(false);
    let error = RwSignal::new(None::<api::Error>);
    Effect::new(move |_| {
        if let Some(Ok(current)) = loaded.get() {
            chosen.set(current.roles);
        }
    });
    let save = api::submit(
        |body: dto::SecondFactorRoles| async move { api::set_second_factor_roles(&body).await },
        move |reply| match reply {
            Ok(stored) => {
                chosen.set(stored.roles);
                saved.set(true);
            }
            Err(err) => error.set(Some(err)),
        },
    );
    view! {
        <form class="card form" data-test-id="sign-in-security" on:submit=move |ev| {
            ev.prevent_default();
            error.set(None);
            saved.set(false);
            save.dispatch(dto::SecondFactorRoles { roles: chosen.get_untracked() });
        }>
            <h2>"Sign-in security"</h2>
            <LoadStatus status=api::status(loaded) />
            <fieldset class="toggle">
                <legend>"Two-step sign-in is required for"</legend>
                {Role::ALL.into_iter().map(|role| view! {
                    <label>
                        <input type="checkbox" data-test-id=format!("require-{}", role.as_str())
                            prop:checked=move || chosen.with(|roles| roles.contains(&role))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen.update(|roles| {
                                    roles.retain(|r| *r != role);
                                    if on { roles.push(role); }
                                });
                            } />
                        {role.label()}
                    </label>
                }).collect_view()}
            </fieldset>
            <p class="muted small">"People in these roles set up an authenticator app at their next sign-in."</p>
            {move || saved.get().then(|| view! { <p class="ok" role="status">"Saved."</p> })}
            <ErrorBanner error=error />
            <div class="actions">
                <button type="submit" data-test-id="sign-in-security-save" disabled=move || save.pending()>"Save"</button>
            </div>
        </form>
    }
}
