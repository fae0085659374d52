//! How many SQL statements a piece of work runs: the read path's cost is its round trips, so
//! each request's count is kept and tests hold endpoints to a budget.
//!
//! The pool reports every statement (transactions included) to [`record`]; work wrapped in
//! [`counted`] sees only its own, whatever else runs at the same time.

use std::cell::Cell;
use std::future::Future;

tokio::task_local! {
    static COUNT: Cell<u32>;
}

/// Runs `work` and returns what it returned with the statements it ran.
pub async fn counted<F: Future>(work: F) -> (F::Output, u32) {
    COUNT
        .scope(Cell::new(0), async move {
            let output = work.await;
            (output, COUNT.with(Cell::get))
        })
        .await
}

/// Counts one statement for the work being counted, if any.
pub(crate) fn record() {
    // Outside `counted` (start-up, background jobs) there is nothing to count against.
    let _ = COUNT.try_with(|count| count.set(count.get().saturating_add(1)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn counts_only_the_work_it_wraps() {
        record();
        let ((), inner) = counted(async {
            record();
            record();
        })
        .await;
        assert_eq!(inner, 2);
        let ((), none) = counted(async {}).await;
        assert_eq!(none, 0);
    }
}
