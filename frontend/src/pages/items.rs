//! Action items as a board by status. A card moves by dragging it to another column, or by its
//! buttons from the keyboard (a done card moves back: reopened); overdue cards say so. A move
//! someone else beat shows the conflict dialog instead of overwriting. New items and changes
//! (cancelling included) go through the item dialog (`editor`).

use domain::{ActionItemId, ActionItemStatus};
use leptos::prelude::*;

use crate::api;
use crate::components::conflict::ConflictDialog;
use crate::components::error_banner::LoadStatus;
use crate::components::narrowing::{Narrowing, NarrowingFields};
use crate::labels;
use crate::state::store::{sorted_by, store};
use crate::state::{Session, session};

mod editor;

pub use editor::{Editing, ItemDialog, open as edit_item, provide_editor};

const COLUMNS: [ActionItemStatus; 3] = [
    ActionItemStatus::Pending,
    ActionItemStatus::InProgress,
    ActionItemStatus::Completed,
];

/// Done items shown before "show all".
const DONE_SHOWN: usize = 12;

/// A status move waiting to be sent (or sent again after a conflict).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Move {
    item: ActionItemId,
    to: ActionItemStatus,
    version: i32,
}

/// Moves shared by every card on a page: sending, and the conflict dialog.
#[derive(Clone, Copy)]
struct Mover {
    send: api::Submit<Move>,
    conflict: RwSignal<Option<(Move, Option<i32>)>>,
    error: RwSignal<Option<api::Error>>,
    /// A move that could not reach the server, to try again.
    unsent: RwSignal<Option<Move>>,
}

/// The element id of an item's card (focus follows a card to its new column).
fn card_id(item: ActionItemId) -> String {
    format!("item-{item}")
}

/// The page-independent mover, provided once by the shell so a move outlives the card that
/// started it (cards are redrawn as the store changes).
pub fn provide_mover() {
    let store = store();
    let conflict = RwSignal::new(None::<(Move, Option<i32>)>);
    let error = RwSignal::new(None::<api::Error>);
    let unsent = RwSignal::new(None::<Move>);
    let last = StoredValue::new(None::<Move>);
    let send = api::submit(
        move |step: Move| {
            last.set_value(Some(step));
            let body = dto::UpdateActionItem {
                status: Some(step.to),
                ..Default::default()
            };
            async move { api::update_item(step.item, &body, step.version).await }
        },
        move |reply| match reply {
            Ok(item) => {
                error.set(None);
                unsent.set(None);
                let id = item.id;
                store.items.upsert(item);
                // The card is drawn again in its new column: focus goes with it, so a keyboard
                // user carries on from where the card is now.
                crate::components::quick_note::focus(card_id(id));
            }
            Err(api::Error::Network(_)) => unsent.set(last.get_value()),
            Err(err) if err.is_stale() => {
                if let Some(step) = last.get_value() {
                    leptos::task::spawn_local(async move {
                        let current = api::action_item(step.item).await.ok();
                        conflict.set(Some((step, current.map(|i| i.version))));
                    });
                }
            }
            Err(err) => error.set(Some(err)),
        },
    );
    provide_context(Mover {
        send,
        conflict,
        error,
        unsent,
    });
}

fn mover() -> Mover {
    expect_context::<Mover>()
}

/// The last refused move, for the shell's banner.
pub fn move_error() -> RwSignal<Option<api::Error>> {
    mover().error
}

/// The error and conflict dialog of item moves, wherever the move was made.
#[component]
pub fn MoveProblems() -> impl IntoView {
    let store = store();
    let mover = mover();
    let on_reload = Callback::new(move |_| {
        if let Some((step, _)) = mover.conflict.get_untracked() {
            mover.conflict.set(None);
            leptos::task::spawn_local(async move {
                if let Ok(item) = api::action_item(step.item).await {
                    store.items.upsert(item);
                }
            });
        }
    });
    let on_reapply = Callback::new(move |_| {
        if let Some((step, Some(version))) = mover.conflict.get_untracked() {
            mover.conflict.set(None);
            mover.send.dispatch(Move { version, ..step });
        }
    });
    view! {
        {move || mover.unsent.get().map(|step| view! {
            <p class="offline unsent" role="alert" data-test-id="move-unsent">
                "The item could not be moved: the server cannot be reached. "
                <button type="button" class="small" data-test-id="move-retry"
                    on:click=move |_| mover.send.dispatch(step)>"Try again"</button>
            </p>
        })}
        <ConflictDialog open=Signal::derive(move || mover.conflict.with(Option::is_some))
            on_reload=on_reload on_reapply=on_reapply />
    }
}

/// The policy's view of `item`: a record about its agent.
fn target(item: &dto::ActionItem) -> domain::Target {
    domain::Target::AgentRecord {
        agent: item.agent_id,
        team: store()
            .people
            .get(item.agent_id.uuid())
            .and_then(|p| p.team_id),
        author: None,
        private: false,
    }
}

/// Whether the signed-in person may move `item` to `to`.
fn may_move(session: &Session, item: &dto::ActionItem, to: ActionItemStatus) -> bool {
    if item.status == to || item.status.transition(to).is_err() {
        return false;
    }
    let own = session.me().is_some_and(|m| m.user.id == item.assignee_id);
    own || session.can(domain::Action::ManageActionItem, &target(item))
}

/// One action item: what, who, when, and the moves allowed.
#[component]
pub fn ItemCard(item: dto::ActionItem) -> impl IntoView {
    let store = store();
    let me = session();
    let mover = mover();
    let id = item.id;
    let version = item.version;
    let title = item.title.clone();
    // Reactive: the policy needs the agent's team, which may arrive after the item.
    let editable = {
        let item = item.clone();
        Memo::new(move |_| {
            item.status != ActionItemStatus::Cancelled
                && me.can(domain::Action::ManageActionItem, &target(&item))
        })
    };
    let for_editing = item.clone();
    let done = item.status == ActionItemStatus::Completed;
    let reopens = move |to: ActionItemStatus| done && to == ActionItemStatus::Pending;
    let allowed = {
        let item = item.clone();
        Memo::new(move |_| {
            // A done item is reopened to "To do" by its button (dragging may drop it anywhere).
            let reopening = item.status == ActionItemStatus::Completed;
            COLUMNS
                .into_iter()
                .filter(|to| may_move(&me, &item, *to))
                .filter(|to| !reopening || *to == ActionItemStatus::Pending)
                .collect::<Vec<_>>()
        })
    };
    view! {
        <article class="item" class:overdue=item.overdue id=card_id(id) tabindex="-1"
            draggable=move || allowed.with(|m| !m.is_empty()).to_string()
            data-test-id="item-card" data-status=item.status.as_str()
            on:dragstart=move |ev: leptos::ev::DragEvent| {
                if let Some(data) = ev.data_transfer() {
                    let _ = data.set_data("text/plain", &format!("{id}:{version}"));
                }
            }>
            <h3 class="item-title">{item.title.clone()}</h3>
            <p class="muted small">
                {move || store.name(item.assignee_id)} " · due " {labels::date(item.due_date)}
                " · " {labels::priority(item.priority)}
            </p>
            <p class="chips">
                <span class="pill">{labels::item_status(item.status)}</span>
                {item.overdue.then(|| view! { <span class="pill overdue" data-test-id="overdue">"Overdue"</span> })}
            </p>
            {item.cancel_reason.clone().map(|why| view! { <p class="muted small">"Cancelled: " {why}</p> })}
            {move || {
                let moves = allowed.get();
                let edit = editable.get().then(|| {
                    let item = for_editing.clone();
                    let label = format!("Change “{}”", item.title);
                    view! {
                        <button type="button" class="small ghost" aria-label=label data-test-id="item-edit"
                            on:click=move |_| edit_item(Editing::Existing(item.clone()))>"Change"</button>
                    }
                });
                (!moves.is_empty() || edit.is_some()).then(|| {
                    let title = title.clone();
                    view! {
                        <div class="moves">
                            {edit}
                            {moves.into_iter().map(|to| {
                                let reopen = reopens(to);
                                let label = if reopen {
                                    format!("Reopen “{title}”")
                                } else {
                                    format!("Move “{}” to {}", title, labels::item_status(to))
                                };
                                view! {
                                    <button type="button" class="small secondary" aria-label=label
                                        data-test-id=format!("move-{}", to.as_str().to_lowercase())
                                        on:click=move |_| { mover.send.dispatch(Move { item: id, to, version }); }>
                                        {if reopen { "Reopen" } else { labels::item_status(to) }}
                                    </button>
                                }
                            }).collect_view()}
                        </div>
                    }
                })
            }}
        </article>
    }
}

/// The board of every action item in scope.
#[component]
pub fn Board() -> impl IntoView {
    let store = store();
    let mover = mover();
    // The board shows the items of the narrowing's agent and due days, read a page at a time.
    let narrowing = Narrowing::new(None);
    let items = api::paged(
        move || narrowing.items(),
        |query| async move { api::action_items(&query).await },
        move |page: Vec<dto::ActionItem>| {
            let ids = page.iter().map(|i| i.id).collect::<Vec<ActionItemId>>();
            store.items.upsert_all(page);
            ids
        },
    );
    let (shown, loaded) = (items.shown, items.loaded);
    // Shown: what the last read found, and items made or changed since that the narrowing holds.
    let on_board = move |item: &dto::ActionItem, status: ActionItemStatus| {
        item.status == status
            && (shown.with(|ids| ids.contains(&item.id))
                || narrowing.holds(item.agent_id, item.due_date))
    };
    let show_all_done = RwSignal::new(false);
    let drop_on = move |to: ActionItemStatus| {
        move |ev: leptos::ev::DragEvent| {
            ev.prevent_default();
            let Some(text) = ev
                .data_transfer()
                .and_then(|d| d.get_data("text/plain").ok())
            else {
                return;
            };
            let Some((id, version)) = text.split_once(':') else {
                return;
            };
            if let (Ok(item), Ok(version)) = (id.parse::<ActionItemId>(), version.parse::<i32>()) {
                let current = store.items.get(item.uuid());
                if current.is_some_and(|c| c.status != to) {
                    mover.send.dispatch(Move { item, to, version });
                }
            }
        }
    };
    view! {
        <div class="page-head">
            <h1>"Action items"</h1>
            <div class="actions">
                <a class="button secondary small" download="" data-test-id="items-export"
                    href="/api/v1/action-items/export.xlsx">"Download (Excel)"</a>
                {session().is_coach().then(|| view! {
                    <button type="button" class="small" data-test-id="new-item"
                        on:click=move |_| edit_item(Editing::New { agent: None, plan: None })>"New action item"</button>
                })}
            </div>
        </div>
        <div class="filters card" role="search">
            <NarrowingFields narrowing id="items" what="Due" />
        </div>
        <LoadStatus status=api::status(loaded) />
        <div class="board" data-test-id="board">
            {COLUMNS.into_iter().map(|status| view! {
                <section class="column" aria-labelledby=format!("col-{}", status.as_str())
                    data-test-id=format!("column-{}", status.as_str().to_lowercase())
                    on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
                    on:drop=drop_on(status)>
                    <h2 id=format!("col-{}", status.as_str())>{labels::item_status(status)}
                        <span class="count">{move || store.items.filter(|i| on_board(i, status)).len()}</span></h2>
                    <ul class="cards">
                        {move || {
                            let list = store.items.filter(|i| on_board(i, status));
                            let list = if status == ActionItemStatus::Completed {
                                // The latest done first; the long tail on request.
                                let mut list = sorted_by(list, |i| std::cmp::Reverse(i.completed_at.unwrap_or(i.updated_at)));
                                if !show_all_done.get() {
                                    list.truncate(DONE_SHOWN);
                                }
                                list
                            } else {
                                sorted_by(list, |i| (!i.overdue, i.due_date))
                            };
                            if list.is_empty() {
                                // Not loaded for want of a connection is not "nothing".
                                let offline = loaded.with(|r| matches!(r, Some(Err(api::Error::Network(_)))));
                                let empty = if offline { "Offline: the items show when the connection returns." } else { "Nothing here." };
                                return view! { <li class="empty small">{empty}</li> }.into_any();
                            }
                            list.into_iter().map(|item| view! { <li><ItemCard item=item /></li> }).collect_view().into_any()
                        }}
                    </ul>
                    {(status == ActionItemStatus::Completed).then(|| view! {
                        <Show when=move || { !show_all_done.get() && store.items.filter(|i| on_board(i, status)).len() > DONE_SHOWN }>
                            <button type="button" class="secondary small" on:click=move |_| show_all_done.set(true)>"Show all done"</button>
                        </Show>
                    })}
                </section>
            }).collect_view()}
        </div>
        <api::ShowMore list=items label="Show more items" test_id="items-more" />
    }
}
