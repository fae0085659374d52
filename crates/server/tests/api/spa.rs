//! The browser app is served with index.html for client routes, and never shadows the API.

use reqwest::Method;
use test_support::Call;
use test_support::TestApp;

#[tokio::test]
async fn client_routes_get_index_html_and_assets_are_cached_forever() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let index = "<!doctype html><html><head><script type=\"module\">start()</script></head><body></body></html>";
    std::fs::write(dir.path().join("index.html"), index).expect("writes");
    std::fs::write(dir.path().join("frontend-0123456789abcdef.js"), "export {}").expect("writes");
    let static_dir = dir.path().to_path_buf();
    let app = TestApp::spawn_with(move |config| config.http.static_dir = Some(static_dir)).await;

    for route in ["/", "/login", "/users/0193ab4c-7d2e-7a10-9b1c-5e6f7a8b9c0d"] {
        let response = app
            .request(Method::GET, route)
            .send()
            .await
            .expect("answers");
        assert_eq!(response.status(), 200, "{route}");
        assert_eq!(
            response
                .headers()
                .get("cache-control")
                .and_then(|v| v.to_str().ok()),
            Some("no-cache")
        );
        let csp = response
            .headers()
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(
            csp.contains("'sha256-"),
            "the inline bootstrap is allowed by hash: {csp}"
        );
        assert_eq!(response.text().await.expect("html"), index);
    }
    let asset = app
        .request(Method::GET, "/frontend-0123456789abcdef.js")
        .send()
        .await
        .expect("answers");
    assert_eq!(
        asset
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("public, max-age=31536000, immutable")
    );
    app.request(Method::GET, "/api/v1/nothing-here")
        .call()
        .await
        .problem(404);
}
