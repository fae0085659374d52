//! Full-text search within the actor's scope.

use actix_web::web;
use dto::{SearchHit, SearchResults};
use serde::Deserialize;

use crate::auth::Actor;
use crate::http::error::ApiResult;
use crate::http::extract::ValidQuery;
use crate::state::AppState;

crate::routes::api_routes! {
    "/search" => get search;
}

/// The query.
#[derive(Debug, Deserialize, garde::Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct SearchQuery {
    /// Words to find (each matched as a prefix; all must appear), 1-200 characters.
    #[garde(length(chars, min = 1, max = 200), custom(dto::users::not_blank))]
    pub q: String,
    /// Most hits, 1-50 (default 20).
    #[garde(inner(range(min = 1, max = 50)))]
    pub limit: Option<u64>,
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
