//! Full-text search within the actor's scope.

use actix_web::web;
use dto::query::SearchQuery;
use dto::{SearchHit, SearchResults};

use crate::auth::Actor;
use crate::http::error::ApiResult;
use crate::http::extract::ValidQuery;
use crate::state::AppState;

crate::routes::api_routes! {
    "/search" => get search;
}

/// Search sessions, quick notes, action items and people I may see; best matches first, with
/// highlighted snippets.
#[utoipa::path(get, path = "/api/v1/search", tag = "coaching",
    params(SearchQuery),
    responses((status = 200, body = dto::SearchResults)))]
#[tracing::instrument(skip_all)]
pub async fn search(
    actor: Actor,
    query: ValidQuery<SearchQuery>,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<SearchResults>> {
    let limit = query.limit.unwrap_or(20);
    let hits = persistence::search::search(&app.db, &actor, &query.q, limit).await?;
    Ok(web::Json(SearchResults {
        items: hits
            .into_iter()
            .map(|hit| SearchHit {
                kind: hit.kind,
                id: hit.id,
                title: hit.title,
                snippet: hit.snippet,
                rank: hit.rank,
            })
            .collect(),
    }))
}
