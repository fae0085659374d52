//! CORS: the origins `CORS_ORIGINS` lists get their headers, any other none; a listed origin
//! reads with a bearer token or the cookies, and never writes with the cookies.

use reqwest::Method;
use serde_json::json;
use test_support::org::PASSWORD;
use test_support::{Call, TestApp};

use crate::auth::cookie_header;

const LISTED: &str = "https://reports.example.org";
const UNLISTED: &str = "https://evil.example.net";

async fn with_listed_origin() -> TestApp {
    TestApp::spawn_with(|config| config.http.cors_origins = vec![LISTED.to_owned()]).await
}

fn preflight(app: &TestApp, origin: &str) -> reqwest::RequestBuilder {
    app.request(Method::OPTIONS, "/api/v1/me")
        .header("origin", origin)
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "authorization")
}

#[tokio::test]
async fn a_listed_origin_gets_its_headers_and_another_none() {
    let app = with_listed_origin().await;
    let org = app.seed_org().await;

    let allowed = preflight(&app, LISTED).call().await;
    assert_eq!(allowed.status(), 200);
    assert_eq!(allowed.header("access-control-allow-origin"), Some(LISTED));
    assert_eq!(
        allowed.header("access-control-allow-credentials"),
        Some("true")
    );
    assert_eq!(allowed.header("access-control-max-age"), Some("3600"));
    let methods = allowed
        .header("access-control-allow-methods")
        .unwrap_or_default()
        .to_owned();
    assert!(
        methods.contains("PATCH") && methods.contains("DELETE"),
        "{methods}"
    );

    let read = app
        .as_(&org.leader_a)
        .get("/api/v1/me")
        .header("origin", LISTED)
        .call()
        .await;
    assert_eq!(read.header("access-control-allow-origin"), Some(LISTED));
    let exposed = read
        .header("access-control-expose-headers")
        .unwrap_or_default()
        .to_lowercase();
    assert!(
        exposed.contains("etag") && exposed.contains("x-request-id"),
        "{exposed}"
    );
    read.ok(200);

    // Another origin: no CORS header on the preflight or the request (the browser then keeps
    // the answer from its page); a client that is no browser is answered as ever.
    let refused = preflight(&app, UNLISTED).call().await;
    assert_eq!(refused.header("access-control-allow-origin"), None);
    assert_ne!(refused.status(), 200);
    let other = app
        .as_(&org.leader_a)
        .get("/api/v1/me")
        .header("origin", UNLISTED)
        .call()
        .await;
    assert_eq!(other.header("access-control-allow-origin"), None);
    assert_eq!(other.header("access-control-allow-credentials"), None);
    other.ok(200);

    // Errors carry the headers too, so the listed page can read the problem.
    let unauthenticated = app
        .request(Method::GET, "/api/v1/me")
        .header("origin", LISTED)
        .call()
        .await;
    assert_eq!(
        unauthenticated.header("access-control-allow-origin"),
        Some(LISTED)
    );
    unauthenticated.problem(401);
}

#[tokio::test]
async fn nothing_is_allowed_by_default() {
    let app = TestApp::spawn().await;
    let org = app.seed_org().await;
    let answer = preflight(&app, LISTED).call().await;
    assert_eq!(answer.header("access-control-allow-origin"), None);
    let read = app
        .as_(&org.leader_a)
        .get("/api/v1/me")
        .header("origin", LISTED)
        .call()
        .await;
    assert_eq!(read.header("access-control-allow-origin"), None);
    read.ok(200);
}

#[tokio::test]
async fn a_listed_origin_reads_with_the_cookies_but_never_writes_with_them() {
    let app = with_listed_origin().await;
    let org = app.seed_org().await;
    let login = app.login(&org.agent_a1.email, PASSWORD).await;
    let (cookies, csrf) = cookie_header(&login);
    let rename = |origin: Option<&str>| {
        let mut request = app
            .request(Method::PATCH, &format!("/api/v1/users/{}", org.agent_a1.id))
            .header("cookie", &cookies)
            .header("x-csrf-token", &csrf)
            .json(&json!({ "name": "Renamed From Afar", "version": 1 }));
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        request.call()
    };
    let problem = rename(Some(LISTED)).await.problem(403);
    assert_eq!(problem["code"], "forbidden");
    let read = app
        .request(Method::GET, "/api/v1/me")
        .header("cookie", &cookies)
        .header("origin", LISTED)
        .call()
        .await
        .ok(200);
    assert_eq!(read["user"]["name"], "Agent A1");
    // The site's own page writes as before.
    let renamed = rename(Some(&app.state.config.http.public_url))
        .await
        .ok(200);
    assert_eq!(renamed["name"], "Renamed From Afar");
    // A bearer token from the listed origin writes: it is no ambient credential.
    app.as_(&org.agent_a1)
        .patch(
            &format!("/api/v1/users/{}", org.agent_a1.id),
            &json!({ "name": "Renamed By Token", "version": 2 }),
        )
        .header("origin", LISTED)
        .call()
        .await
        .ok(200);
}
