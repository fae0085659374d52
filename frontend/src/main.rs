//! Coaching Hub's browser client.
//!
//! `api` is the only module that knows URLs and headers; `state` holds the signed-in session and
//! one store of records per kind; pages compose components. The session lives in httpOnly
//! cookies the page cannot read, never in local storage.

mod api;
mod app;
mod clock;
mod components;
mod labels;
mod pages;
mod router;
mod state;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
