//! A real OpenID Connect provider for the single sign-on tests: `e2e/oidc-provider.mjs` (the npm
//! package `oidc-provider`, installed by `npm ci --prefix e2e`) on a loopback port, stopped with
//! its [`OidcProvider`].

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use reqwest::Url;
use serde_json::{Value, json};
use server::config::OidcConfig;

/// The client the provider registers.
pub const CLIENT_ID: &str = "coaching-hub";
const CLIENT_SECRET: &str = "test-client-secret";

/// A running provider.
pub struct OidcProvider {
    /// `http://127.0.0.1:PORT`.
    pub issuer: String,
    redirect_uri: String,
    child: Child,
}

impl std::fmt::Debug for OidcProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcProvider")
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the provider sends the browser back with.
#[derive(Clone, Debug)]
pub struct Callback {
    /// `code`.
    pub code: String,
    /// `state`.
    pub state: String,
    /// `iss`.
    pub iss: Option<String>,
}

impl Callback {
    /// The body of `POST /api/v1/auth/sso/callback`.
    pub fn body(&self) -> Value {
        json!({ "code": self.code, "state": self.state, "iss": self.iss })
    }
}

impl OidcProvider {
    /// Starts a provider that sends people back to `public_url` + `/login/sso`.
    pub fn start(public_url: &str) -> OidcProvider {
        Self::start_with(public_url, &[])
    }

    /// [`OidcProvider::start`] with more of the script's flags (`--minimal-id-token`).
    pub fn start_with(public_url: &str, flags: &[&str]) -> OidcProvider {
        let e2e = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../e2e");
        assert!(
            e2e.join("node_modules/oidc-provider").exists(),
            "the test provider needs its npm packages: npm ci --prefix e2e"
        );
        let redirect_uri = format!("{public_url}/login/sso");
        let mut child = Command::new("node")
            .arg("oidc-provider.mjs")
            .args([
                "--port",
                "0",
                "--redirect-uri",
                &redirect_uri,
                "--exit-with-stdin",
            ])
            .args(flags)
            .current_dir(&e2e)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node runs the test provider");
        let stdout = child.stdout.take().expect("a piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let issuer = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|line| line.strip_prefix("ready ").map(str::to_owned))
            .expect("the test provider starts");
        // Whatever it prints later is read, so that it never writes into a closed pipe.
        std::thread::spawn(move || lines.for_each(drop));
        OidcProvider {
            issuer,
            redirect_uri,
            child,
        }
    }

    /// The server's configuration for this provider.
    pub fn config(&self) -> OidcConfig {
        OidcConfig {
            issuer_url: self.issuer.clone(),
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.to_owned().into(),
        }
    }

    /// Registers (or replaces) a person at the provider.
    pub async fn account(&self, sub: &str, email: &str, email_verified: bool) {
        self.control(
            "/__test/accounts",
            json!({ "sub": sub, "email": email, "email_verified": email_verified, "name": sub }),
        )
        .await;
    }

    /// The next ID token the provider issues has `claims` changed, still signed with its key.
    pub async fn tamper_next_id_token(&self, claims: Value) {
        self.control("/__test/next-id-token", claims).await;
    }

    /// The provider signs with a new key from now on, and publishes it beside the old one.
    pub async fn rotate_key(&self) {
        self.control("/__test/rotate-key", json!({})).await;
    }

    async fn control(&self, path: &str, body: Value) {
        let status = reqwest::Client::new()
            .post(format!("{}{path}", self.issuer))
            .json(&body)
            .send()
            .await
            .expect("the test provider answers")
            .status();
        assert_eq!(status.as_u16(), 204, "{path}");
    }

    /// Signs `sub` in at the provider, from the server's `authorization_url`, in a fresh browser:
    /// the redirects are followed until the provider sends the browser back.
    pub async fn authorize(&self, authorization_url: &str, sub: &str) -> Callback {
        let browser = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a client builds");
        let mut url = Url::parse(authorization_url).expect("an absolute URL");
        url.query_pairs_mut().append_pair("login_hint", sub);
        for _ in 0..10 {
            if url.as_str().starts_with(&self.redirect_uri) {
                let query = |name: &str| {
                    url.query_pairs()
                        .find(|(key, _)| key == name)
                        .map(|(_, value)| value.into_owned())
                };
                return Callback {
                    code: query("code").expect("the provider sent a code"),
                    state: query("state").expect("the provider sent the state"),
                    iss: query("iss"),
                };
            }
            let response = browser
                .get(url.clone())
                .send()
                .await
                .expect("the provider answers");
            let location = response
                .headers()
                .get("location")
                .and_then(|value| value.to_str().ok())
                .unwrap_or_else(|| {
                    panic!("{url} answered {} without a redirect", response.status())
                });
            url = url.join(location).expect("a valid redirect");
        }
        panic!("the provider never sent the browser back");
    }
}
