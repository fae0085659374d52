//! Single sign-on with an OpenID Connect provider (`OIDC_ISSUER_URL`, `OIDC_CLIENT_ID`,
//! `OIDC_CLIENT_SECRET`): the authorization code flow with PKCE, a nonce and a state, the three
//! bound to the browser that began the sign-in by a signed, short-lived cookie. What the provider
//! answers is an [`Identity`]; who that is here is `sign_in::sso_account`'s decision.
//!
//! The provider is discovered once, at start-up, and its signing keys kept from then on.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AccessTokenHash, AsyncHttpClient, AuthorizationCode, ClientId, ClientSecret, CsrfToken,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope, TokenResponse,
};
use secrecy::ExposeSecret;

use super::tokens::constant_time_eq;
use crate::config::OidcConfig;

/// The flow cookie.
pub const FLOW_COOKIE: &str = "ch_sso";
/// Where the flow cookie is sent: the start and the callback.
pub const FLOW_PATH: &str = "/api/v1/auth/sso";
/// How long a sign-in at the provider may take.
pub const FLOW_SECS: i64 = 600;
/// The browser page the provider sends people back to, under `PUBLIC_URL`.
pub const REDIRECT_PATH: &str = "/login/sso";
/// The longest the provider may take to answer one request.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

/// What can go wrong talking to the provider.
#[derive(Debug, thiserror::Error)]
pub enum SsoError {
    /// Start-up: the discovery document could not be read or is not valid.
    #[error("OIDC_ISSUER_URL: cannot discover the provider at {url}: {reason}")]
    Discovery {
        /// The issuer.
        url: String,
        /// Why.
        reason: String,
    },
    /// The callback does not belong to a sign-in this browser began (or it took too long).
    #[error("the sign-in did not begin in this browser, or took too long")]
    Flow,
    /// The provider refused to exchange the code (used, expired, or not ours).
    #[error("the provider refused the code: {0}")]
    Refused(String),
    /// The ID token failed a check: signature, issuer, audience, expiry, nonce or token hash.
    #[error("the ID token is not valid: {0}")]
    IdToken(String),
    /// The provider did not answer.
    #[error("the provider did not answer: {0}")]
    Unreachable(String),
}

/// Who the provider says signed in.
#[derive(Debug)]
pub struct Identity {
    /// The provider's stable identifier of the person.
    pub subject: String,
    /// Their email, when the provider shared it.
    pub email: Option<String>,
    /// Whether the provider verified that email.
    pub email_verified: bool,
}

/// A sign-in begun: where to send the browser, and the flow cookie's value.
#[derive(Debug)]
pub struct Begun {
    /// The provider's authorization URL.
    pub authorization_url: String,
    /// The signed state, nonce and PKCE verifier.
    pub flow: String,
}

type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// The configured provider.
pub struct Sso {
    client: Client,
    issuer: String,
    http: Http,
    flows: ring::hmac::Key,
}

impl std::fmt::Debug for Sso {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sso")
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

impl Sso {
    /// Discovers the provider of `config`; people come back to `public_url` + [`REDIRECT_PATH`].
    pub async fn discover(
        config: &OidcConfig,
        public_url: &str,
        secret: &[u8],
    ) -> Result<Self, SsoError> {
        let discovery = |reason: String| SsoError::Discovery {
            url: config.issuer_url.clone(),
            reason,
        };
        let issuer =
            IssuerUrl::new(config.issuer_url.clone()).map_err(|e| discovery(e.to_string()))?;
        let http = Http::new();
        let metadata = CoreProviderMetadata::discover_async(issuer, &http)
            .await
            .map_err(|e| discovery(error_chain(&e)))?;
        let redirect = RedirectUrl::new(format!("{public_url}{REDIRECT_PATH}"))
            .map_err(|e| discovery(e.to_string()))?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(config.client_id.clone()),
            Some(ClientSecret::new(
                config.client_secret.expose_secret().to_owned(),
            )),
        )
        .set_redirect_uri(redirect);
        Ok(Self {
            client,
            issuer: config.issuer_url.clone(),
            http,
            flows: super::tokens::derived_key(secret, b"coaching-hub sso flow v1"),
        })
    }

    /// The issuer, as configured.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Begins a sign-in at `now` (Unix seconds).
    pub fn begin(&self, now: i64) -> Begun {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = self
            .client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        // Each part is URL-safe base64: none holds a dot.
        let body = format!(
            "{}.{}.{}.{}",
            state.secret(),
            nonce.secret(),
            verifier.secret(),
            now + FLOW_SECS
        );
        let mac = ring::hmac::sign(&self.flows, body.as_bytes());
        Begun {
            authorization_url: url.to_string(),
            flow: format!("{body}.{}", URL_SAFE_NO_PAD.encode(mac.as_ref())),
        }
    }

    /// Finishes the sign-in `flow` began: `state` must be its own, the code is exchanged with its
    /// PKCE verifier, and the ID token must be signed by the provider, for this client, unexpired
    /// and carry the flow's nonce.
    pub async fn finish(
        &self,
        flow: &str,
        code: &str,
        state: &str,
        now: i64,
    ) -> Result<Identity, SsoError> {
        let (expected_state, nonce, verifier) = self.open(flow, now).ok_or(SsoError::Flow)?;
        if !constant_time_eq(&expected_state, state) {
            return Err(SsoError::Flow);
        }
        let response = self
            .client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| SsoError::Refused(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(verifier))
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                RequestTokenError::Request(e) => SsoError::Unreachable(e.to_string()),
                RequestTokenError::ServerResponse(e) => SsoError::Refused(e.error().to_string()),
                other => SsoError::Refused(error_chain(&other)),
            })?;
        let invalid = |e: &dyn std::error::Error| SsoError::IdToken(error_chain(e));
        let id_token = response
            .id_token()
            .ok_or_else(|| SsoError::IdToken("the provider sent none".into()))?;
        let verifier = self.client.id_token_verifier();
        let claims = id_token
            .claims(&verifier, &Nonce::new(nonce))
            .map_err(|e| invalid(&e))?;
        if let Some(expected) = claims.access_token_hash() {
            let actual = AccessTokenHash::from_token(
                response.access_token(),
                id_token.signing_alg().map_err(|e| invalid(&e))?,
                id_token.signing_key(&verifier).map_err(|e| invalid(&e))?,
            )
            .map_err(|e| invalid(&e))?;
            if actual != *expected {
                return Err(SsoError::IdToken("the access token hash differs".into()));
            }
        }
        Ok(Identity {
            subject: claims.subject().to_string(),
            email: claims.email().map(|email| email.to_string()),
            email_verified: claims.email_verified().unwrap_or(false),
        })
    }

    /// The state, nonce and verifier of a genuine, unexpired flow.
    fn open(&self, flow: &str, now: i64) -> Option<(String, String, String)> {
        let (body, mac) = flow.rsplit_once('.')?;
        let mac = URL_SAFE_NO_PAD.decode(mac).ok()?;
        ring::hmac::verify(&self.flows, body.as_bytes(), &mac).ok()?;
        let mut parts = body.split('.');
        let (state, nonce, verifier, expiry) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let expiry: i64 = expiry.parse().ok()?;
        (now < expiry).then(|| (state.to_owned(), nonce.to_owned(), verifier.to_owned()))
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The provider's HTTP client: `ureq` (already built for Sentry), on the blocking pool, never
/// following a redirect (a redirected token request could leak the code elsewhere).
#[derive(Clone)]
struct Http(ureq::Agent);

/// A failed request to the provider.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HttpError(String);

impl Http {
    fn new() -> Self {
        let config = ureq::Agent::config_builder()
            .max_redirects(0)
            .http_status_as_error(false)
            .timeout_global(Some(PROVIDER_TIMEOUT))
            .build();
        Self(ureq::Agent::new_with_config(config))
    }
}

impl<'c> AsyncHttpClient<'c> for Http {
    type Error = HttpError;
    type Future =
        Pin<Box<dyn Future<Output = Result<openidconnect::HttpResponse, HttpError>> + Send + 'c>>;

    fn call(&'c self, request: openidconnect::HttpRequest) -> Self::Future {
        let agent = self.0.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let failed = |e: ureq::Error| HttpError(e.to_string());
                let (parts, mut body) = agent.run(request).map_err(failed)?.into_parts();
                let body = body.read_to_vec().map_err(failed)?;
                Ok(openidconnect::http::Response::from_parts(parts, body))
            })
            .await
            .map_err(|e| HttpError(e.to_string()))?
        })
    }
}
