//! Announcements: write one to everyone (admins) or to a team (admins, and managers for the
//! teams they manage); it pops up for whoever is online and stays in this list and in each
//! reader's notifications.

use domain::TeamId;
use leptos::prelude::*;

use crate::api;
use crate::components::error_banner::{ErrorBanner, LoadStatus};
use crate::components::field::FieldError;
use crate::labels;
use crate::state::session;

/// The announcements page.
#[component]
pub fn Announcements() -> impl IntoView {
    let me = session();
    let admin = me.0.with(|m| {
        m.as_ref()
            .is_some_and(|m| m.user.role == domain::Role::Admin)
    });
    let published = RwSignal::new(0u32);
    let list = api::load(move || {
        published.track();
        async { Ok(api::announcements().await?.items) }
    });
    let teams = api::load(|| async { Ok(api::teams().await?.items) });
    let title = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let team = RwSignal::new(String::new());
    let error = RwSignal::new(None::<api::Error>);
    let send = api::submit(
        |body: dto::CreateAnnouncement| async move { api::announce(&body).await },
        move |reply| match reply {
            Ok(_) => {
                title.set(String::new());
                body.set(String::new());
                published.update(|n| *n += 1);
            }
            Err(err) => error.set(Some(err)),
        },
    );
    let team_name = move |id: Option<TeamId>| match id {
        None => "Everyone".to_owned(),
        Some(id) => teams
            .get()
            .and_then(Result::ok)
            .and_then(|t| t.into_iter().find(|t| t.id == id).map(|t| t.name))
            .unwrap_or_else(|| "One team".to_owned()),
    };
    view! {
        <h1>"Announcements"</h1>
        <form class="card form" data-test-id="announce-form" on:submit=move |ev| {
            ev.prevent_default();
            error.set(None);
            send.dispatch(dto::CreateAnnouncement {
                title: title.get_untracked(),
                body: body.get_untracked(),
                team_id: team.get_untracked().parse().ok(),
            });
        }>
            <h2>"New announcement"</h2>
            <label for="announce-title">"Title"</label>
            <input id="announce-title" bind:value=title required maxlength="200" data-test-id="announce-title" aria-describedby="title-error" />
            <FieldError error=error name="title" />
            <label for="announce-body">"Message"</label>
            <textarea id="announce-body" rows="4" bind:value=body required maxlength="5000" data-test-id="announce-body" aria-describedby="body-error"></textarea>
            <FieldError error=error name="body" />
            <label for="announce-team">"Who reads it"</label>
            <select id="announce-team" bind:value=team data-test-id="announce-team" aria-describedby="team_id-error">
                {admin.then(|| view! { <option value="">"Everyone"</option> })}
                {move || teams.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|t| view! {
                    <option value=t.id.to_string()>{t.name}</option>
                }).collect_view()}
            </select>
            <FieldError error=error name="team_id" />
            <ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.fields().is_empty())) />
            <div class="actions">
                <button type="submit" data-test-id="announce-send" disabled=move || send.pending()>"Publish"</button>
            </div>
        </form>
        <section class="card" aria-labelledby="h-announcements">
            <h2 id="h-announcements">"Published"</h2>
            <LoadStatus status=api::status(list) />
            <ul class="rows" data-test-id="announcements">
                {move || list.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|a| view! {
                    <li class="stack">
                        <strong>{a.title}</strong>
                        <span class="prose">{a.body}</span>
                        <span class="muted small">{labels::when(a.published_at)} " · " {team_name(a.team_id)}</span>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}
