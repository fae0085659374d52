//! The root component: the store, and a page for every route (deep links and reloads land on
//! the same page).

use domain::Action;
use leptos::prelude::*;

use crate::components::shell::Shell;
use crate::pages;
use crate::router::{self, Route};
use crate::state::store::Store;

/// The application.
#[component]
pub fn App() -> impl IntoView {
    provide_context(Store::new());
    let location = router::start();
    let route = Memo::new(move |_| location.path.with(|path| Route::of(path)));
    let signing_in = Memo::new(move |_| route.get() == Route::Login);
    move || {
        if signing_in.get() {
            view! { <pages::login::Login /> }.into_any()
        } else {
            view! { <Shell>{move || page(route.get())}</Shell> }.into_any()
        }
    }
}

/// What a page is for, when it is not for everyone: the person's role must be allowed one of these
/// actions (`dto::Me::permissions`, from the one policy), or the page says it is not for them
/// instead of offering forms the server would refuse.
fn needs(route: Route) -> &'static [Action] {
    match route {
        Route::Admin => &[
            Action::CreateAgent,
            Action::ViewAudit,
            Action::Announce,
            Action::ConfigureScorecard,
            Action::ManageWebhooks,
        ],
        Route::People => &[Action::CreateAgent],
        Route::Teams => &[Action::UpdateTeam],
        Route::Audit => &[Action::ViewAudit],
        Route::Announcements => &[Action::Announce],
        Route::MetricsFiles => &[Action::ImportMetrics],
        Route::Scorecard => &[Action::ConfigureScorecard],
        Route::Webhooks => &[Action::ManageWebhooks],
        Route::PlanSession => &[Action::ManageSession],
        Route::NewPlan => &[Action::DraftActionPlan],
        _ => &[],
    }
}

/// The page of a signed-in route.
fn page(route: Route) -> AnyView {
    let needed = needs(route);
    let allowed = needed.is_empty()
        || crate::state::session()
            .me()
            .is_some_and(|me| needed.iter().any(|action| me.permissions.contains(action)));
    if !allowed {
        return view! { <pages::not_found::NotForYou /> }.into_any();
    }
    match route {
        Route::Home => view! { <pages::home::Home /> }.into_any(),
        Route::Agents => view! { <pages::agents::Agents /> }.into_any(),
        Route::Agent(id) => view! { <pages::agent::AgentPage id=id /> }.into_any(),
        Route::Sessions => view! { <pages::sessions::Sessions /> }.into_any(),
        Route::PlanSession => view! { <pages::plan_session::PlanSession /> }.into_any(),
        Route::Templates => view! { <pages::templates::Templates /> }.into_any(),
        Route::Session(id) => view! { <pages::session::SessionPage id=id /> }.into_any(),
        Route::Items => view! { <pages::items::Board /> }.into_any(),
        Route::Notes => view! { <pages::notes::Notes /> }.into_any(),
        Route::Plans => view! { <pages::plans::Plans /> }.into_any(),
        Route::NewPlan => view! { <pages::plans::NewPlan /> }.into_any(),
        Route::Plan(id) => view! { <pages::action_plan::PlanPage id=id /> }.into_any(),
        Route::Evaluation(id) => view! { <pages::evaluation::EvaluationPage id=id /> }.into_any(),
        Route::Admin => view! { <pages::admin::Admin /> }.into_any(),
        Route::People => view! { <pages::people::People /> }.into_any(),
        Route::Audit => view! { <pages::audit::AuditLog /> }.into_any(),
        Route::Announcements => view! { <pages::announcements::Announcements /> }.into_any(),
        Route::MetricsFiles => view! { <pages::import::MetricsFiles /> }.into_any(),
        Route::Teams => view! { <pages::teams::Teams /> }.into_any(),
        Route::Scorecard => view! { <pages::scorecard::Scorecard /> }.into_any(),
        Route::Webhooks => view! { <pages::webhooks::Webhooks /> }.into_any(),
        Route::Account => view! { <pages::account::Account /> }.into_any(),
        Route::Login | Route::NotFound => view! { <pages::not_found::NotFound /> }.into_any(),
    }
}
