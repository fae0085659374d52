//! Lists read a page at a time: the first page whenever the filters change, the next on request.

use std::future::Future;

use dto::Page;
use dto::query::Paging;
use leptos::prelude::*;

use super::{Error, Reply, Submit, load, submit};

/// A list read a page at a time: what the reads found (`shown`, in the list's order), and
/// whether more is left to read.
pub struct Paged<Id: 'static> {
    /// The ids the reads found so far.
    pub shown: RwSignal<Vec<Id>>,
    /// The first page's reply.
    pub loaded: ReadSignal<Reply<()>>,
    cursor: RwSignal<Option<String>>,
    next: Submit<String>,
}

impl<Id> Clone for Paged<Id> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Id> Copy for Paged<Id> {}

impl<Id: Send + Sync + 'static> Paged<Id> {
    /// Reads the next page, when there is one.
    pub fn more(self) {
        if let Some(cursor) = self.cursor.get_untracked() {
            self.next.dispatch(cursor);
        }
    }

    /// Whether more is left to read.
    pub fn has_more(self) -> bool {
        self.cursor.with(Option::is_some)
    }

    /// Whether the next page is on its way.
    pub fn pending(self) -> bool {
        self.next.pending()
    }
}

/// Reads `fetch(query())` now and whenever a signal `query` reads changes (200 a page), and
/// the next page on [`Paged::more`]; `keep` stores a page's records and answers their ids.
pub fn paged<Q, T, Id, Fut>(
    query: impl Fn() -> Q + Copy + 'static,
    fetch: impl Fn(Q) -> Fut + Copy + 'static,
    keep: impl Fn(Vec<T>) -> Vec<Id> + Copy + 'static,
) -> Paged<Id>
where
    Q: Paging + 'static,
    T: 'static,
    Id: Send + Sync + 'static,
    Fut: Future<Output = Result<Page<T>, Error>> + 'static,
{
    let shown = RwSignal::new(Vec::new());
    let cursor = RwSignal::new(None::<String>);
    let read = move |query: Q, after: Option<String>| fetch(query.page(200, after));
    let loaded = load(move || {
        let request = read(query(), None);
        async move {
            let page = request.await?;
            cursor.set(page.next_cursor);
            shown.set(keep(page.items));
            Ok(())
        }
    });
    let next = submit(
        move |after: String| read(untrack(query), Some(after)),
        move |reply: Result<Page<T>, Error>| {
            if let Ok(page) = reply {
                cursor.set(page.next_cursor);
                let ids = keep(page.items);
                shown.update(|shown| shown.extend(ids));
            }
        },
    );
    Paged {
        shown,
        loaded,
        cursor,
        next,
    }
}

/// "Show more" under a list that has more to read.
#[component]
pub fn ShowMore<Id: Send + Sync + 'static>(
    list: Paged<Id>,
    /// What the button says.
    label: &'static str,
    test_id: &'static str,
) -> impl IntoView {
    view! {
        <Show when=move || list.has_more()>
            <button type="button" class="secondary small" data-test-id=test_id
                disabled=move || list.pending() on:click=move |_| list.more()>{label}</button>
        </Show>
    }
}
