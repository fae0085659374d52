//! What to review before a session: the last one, open action items, notes since.

use domain::SessionId;
use leptos::prelude::*;

use crate::api;
use crate::components::error_banner::when_loaded;
use crate::labels;

/// What to review before the session.
#[component]
pub fn Preparation(id: SessionId) -> impl IntoView {
    let prep = api::load(move || api::preparation(id));
    view! {
        <section class="card" aria-labelledby="h-prep">
            <h2 id="h-prep">"Preparation"</h2>
            {when_loaded(prep, |prep| view! {
                    <div class="columns">
                        <div>
                            <h3 class="sub">"Last session"</h3>
                            {match prep.previous_session {
                                Some(previous) => view! {
                                    <p>{labels::when(previous.scheduled_at)} ": score " {labels::score(previous.current_score)}</p>
                                    {previous.session_notes.map(|n| view! { <p class="prose muted">{n}</p> })}
                                }.into_any(),
                                None => view! { <p class="empty">"This is their first session."</p> }.into_any(),
                            }}
                        </div>
                        <div>
                            <h3 class="sub">"Open action items"</h3>
                            <OpenItems items=prep.open_action_items />
                        </div>
                        <div>
                            <h3 class="sub">"Notes since the last session"</h3>
                            <NoteList notes=prep.notes_since_last_session />
                        </div>
                    </div>
                })}
        </section>
    }
}

/// Open action items, with their due dates and whether they are overdue.
#[component]
pub fn OpenItems(items: Vec<dto::ActionItem>) -> impl IntoView {
    let open: Vec<_> = items.into_iter().filter(|i| i.status.is_open()).collect();
    if open.is_empty() {
        return view! { <p class="empty">"None open."</p> }.into_any();
    }
    view! { <ul class="plain">{open.into_iter().map(|i| view! {
        <li>{i.title} <span class="muted">" due " {labels::date(i.due_date)}</span>
            {i.overdue.then(|| view! { <span class="pill overdue">"Overdue"</span> })}</li>
    }).collect_view()}</ul> }
    .into_any()
}

/// Quick notes as a short list: category and text.
#[component]
pub fn NoteList(notes: Vec<dto::QuickNote>) -> impl IntoView {
    if notes.is_empty() {
        return view! { <p class="empty">"No notes."</p> }.into_any();
    }
    view! { <ul class="plain">{notes.into_iter().map(|n| view! {
        <li><span class="pill">{labels::category(n.category)}</span> " " {n.content}</li>
    }).collect_view()}</ul> }
    .into_any()
}
