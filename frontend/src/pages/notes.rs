//! Quick notes: the list with filters (agent, category, words), and editing or deleting by the
//! author, with the conflict dialog when someone else changed the note first.

use domain::{NoteCategory, NoteVisibility, QuickNoteId};
use dto::query::{ExportQuery, QuickNoteQuery};
use leptos::prelude::*;

use crate::api;
use crate::components::conflict::ConflictDialog;
use crate::components::error_banner::{ErrorBanner, LoadStatus};
use crate::components::field::FieldError;
use crate::components::narrowing::{Narrowing, NarrowingFields};
use crate::components::quick_note::{NOTE_LIMIT, QuickNoteTarget};
use crate::labels;
use crate::state::store::{sorted_by, store};
use crate::state::{drafts, session};

/// One note: what, about whom, when; edit and delete for its author.
#[component]
pub fn NoteRow(note: dto::QuickNote) -> impl IntoView {
    let store = store();
    let me = session();
    let mine = me.me().is_some_and(|m| m.user.id == note.author_id);
    let may_edit = mine
        && me.can(
            domain::Action::EditNote,
            &domain::Target::AgentRecord {
                agent: note.agent_id,
                team: None,
                author: Some(note.author_id),
                private: note.visibility == NoteVisibility::Private,
            },
        );
    let id = note.id;
    // An edit in progress is kept in the browser with the version it started from: a live
    // change draws the list again (and a reload the page), and the row opens on it again.
    let key = format!("note-edit:{id}");
    // Kept text the note already holds was saved (its live event may arrive before its answer).
    let kept =
        drafts::load::<(String, i32)>(&key).filter(|(text, _)| may_edit && *text != note.content);
    let editing = RwSignal::new(kept.is_some());
    let (typed, base) = kept.unwrap_or_else(|| (note.content.clone(), note.version));
    let text = RwSignal::new(typed);
    let version = RwSignal::new(base);
    let error = RwSignal::new(None::<api::Error>);
    let conflict = RwSignal::new(None::<Option<i32>>);
    let forget = move || drafts::discard(&format!("note-edit:{id}"));
    Effect::new(move |_| {
        if editing.get() {
            drafts::save(&key, &(text.get(), version.get()));
        } else {
            forget();
        }
    });
    let save = api::submit(
        move |(content, version): (String, i32)| {
            let body = dto::UpdateQuickNote {
                content: Some(content),
                category: None,
                visibility: None,
                version: None,
            };
            async move { api::update_note(id, &body, version).await }
        },
        move |reply| match reply {
            Ok(note) => {
                // Forgotten before the list is drawn again, so the new row does not reopen it.
                forget();
                editing.set(false);
                store.notes.upsert(note);
            }
            Err(err) if err.is_stale() => {
                leptos::task::spawn_local(async move {
                    let current = api::note(id).await.ok().map(|n| n.version);
                    conflict.set(Some(current));
                });
            }
            Err(err) => error.set(Some(err)),
        },
    );
    let remove = api::submit(
        move |version: i32| api::delete_note(id, version),
        move |reply| match reply {
            Ok(()) => store.notes.remove(id.uuid()),
            Err(err) => error.set(Some(err)),
        },
    );
    let on_reload = Callback::new(move |_| {
        conflict.set(None);
        forget();
        editing.set(false);
        leptos::task::spawn_local(async move {
            if let Ok(fresh) = api::note(id).await {
                store.notes.upsert(fresh);
            }
        });
    });
    let on_reapply = Callback::new(move |_| {
        if let Some(Some(current)) = conflict.get_untracked() {
            conflict.set(None);
            version.set(current);
            save.dispatch((text.get_untracked(), current));
        }
    });
    let edit_id = format!("edit-{id}");
    view! {
        <li class="note" data-test-id="note-row">
            <div class="note-head">
                <a href=format!("/agents/{}", note.agent_id)>{move || store.name(note.agent_id)}</a>
                <span class="pill">{labels::category(note.category)}</span>
                {(note.visibility == NoteVisibility::Private).then(|| view! { <span class="pill private">{labels::visibility(note.visibility)}</span> })}
                <span class="muted small">{labels::when(note.created_at)}</span>
            </div>
            <Show when=move || editing.get() fallback={
                let content = note.content.clone();
                move || view! { <p class="prose" data-test-id="note-text">{content.clone()}</p> }
            }>
                <form class="inline-form" on:submit=move |ev| { ev.prevent_default(); save.dispatch((text.get_untracked(), version.get_untracked())); }>
                    <label for=edit_id.clone() class="sr-only">"Note"</label>
                    <textarea id=edit_id.clone() rows="3" maxlength=NOTE_LIMIT bind:value=text data-test-id="note-edit"></textarea>
                    <FieldError error=error name="content" />
                    <div class="actions">
                        <button type="button" class="secondary small" on:click=move |_| { forget(); editing.set(false); }>"Cancel"</button>
                        <button type="submit" class="small" data-test-id="note-update">"Save"</button>
                    </div>
                </form>
            </Show>
            {may_edit.then(|| view! {
                <div class="moves">
                    <button type="button" class="small secondary" data-test-id="note-edit-open"
                        on:click=move |_| editing.set(true)>"Edit"</button>
                    <button type="button" class="small danger-outline" data-test-id="note-delete"
                        on:click=move |_| { remove.dispatch(version.get_untracked()); }>"Delete"</button>
                </div>
            })}
            <ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.fields().is_empty())) />
            <ConflictDialog open=Signal::derive(move || conflict.with(Option::is_some))
                on_reload=on_reload on_reapply=on_reapply />
        </li>
    }
}

/// The list of notes in scope.
#[component]
pub fn Notes() -> impl IntoView {
    let store = store();
    let capture = expect_context::<QuickNoteTarget>();
    let narrowing = Narrowing::new(None);
    let agent = narrowing.agent;
    let category = RwSignal::new(String::new());
    let words = RwSignal::new(String::new());
    let notes = api::paged(
        move || QuickNoteQuery {
            category: category.get().parse().ok(),
            q: Some(words.get()).filter(|q| !q.trim().is_empty()),
            ..narrowing.notes()
        },
        |query| async move { api::notes(&query).await },
        move |page: Vec<dto::QuickNote>| {
            let ids = page.iter().map(|n| n.id).collect::<Vec<QuickNoteId>>();
            store.notes.upsert_all(page);
            ids
        },
    );
    let (shown, loaded) = (notes.shown, notes.loaded);
    view! {
        <div class="page-head">
            <h1>"Quick notes"</h1>
            <div class="actions">
                <a class="button secondary small" download="" data-test-id="notes-export"
                    href=move || export_path("/api/v1/quick-notes/export.xlsx", &agent.get())>"Download (Excel)"</a>
                <button type="button" data-test-id="notes-new" on:click=move |_| capture.0.set(Some(None))>"New note"</button>
            </div>
        </div>
        <div class="filters card" role="search">
            <NarrowingFields narrowing id="notes" what="Written" />
            <div>
                <label for="notes-category">"Category"</label>
                <select id="notes-category" bind:value=category>
                    <option value="">"Every category"</option>
                    {NoteCategory::ALL.iter().map(|c| view! { <option value=c.as_str()>{labels::category(*c)}</option> }).collect_view()}
                </select>
            </div>
            <div>
                <label for="notes-words">"Words"</label>
                <input id="notes-words" type="search" bind:value=words />
            </div>
        </div>
        <section class="card">
            <LoadStatus status=api::status(loaded) />
            {move || loaded.with(Option::is_some).then(|| {
                    // Shown: the notes of the last query, plus any captured since (newest first).
                    let ids = shown.get();
                    let list = store.notes.filter(|n| {
                        ids.contains(&n.id)
                            || narrowing.holds(n.agent_id, n.created_at.with_timezone(&chrono::Local).date_naive())
                                && category.with(String::is_empty)
                                && words.with(String::is_empty)
                    });
                    let list = sorted_by(list, |n| std::cmp::Reverse(n.created_at));
                    if list.is_empty() {
                        view! { <p class="empty">"No notes match."</p> }.into_any()
                    } else {
                        view! { <ul class="rows notes" data-test-id="notes">{list.into_iter().map(|n| view! { <NoteRow note=n /> }).collect_view()}</ul> }.into_any()
                    }
            })}
            <api::ShowMore list=notes label="Show older notes" test_id="notes-older" />
        </section>
    }
}

/// The spreadsheet of `base`, of one agent when `agent` names one.
fn export_path(base: &str, agent: &str) -> String {
    let agent_id = agent.parse().ok();
    api::href(base, &ExportQuery { agent_id })
}
