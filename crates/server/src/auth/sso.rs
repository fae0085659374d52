//! Single sign-on with an OpenID Connect provider (`OIDC_ISSUER_URL`, `OIDC_CLIENT_ID`,
//! `OIDC_CLIENT_SECRET`): the authorization code flow with PKCE, a nonce and a state, the three
//! bound to the browser that began the sign-in by a signed, short-lived cookie. What the provider
//! answers is an [`Identity`]; who that is here is `sign_in::sso_account`'s decision.
//!
//! The provider is discovered at start-up; its signing keys are read again when it signs with one
//! this server has not seen (providers rotate them).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreProviderMetadata, CoreTokenResponse, CoreUserInfoClaims,
};
use openidconnect::{
    AccessToken, AccessTokenHash, AsyncHttpClient, AuthorizationCode, ClaimsVerificationError,
    ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl,
    Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
    RequestTokenError, Scope, SignatureVerificationError, SubjectIdentifier, TokenResponse,
    UserInfoError,
};
use secrecy::ExposeSecret;

use super::tokens::constant_time_eq;
use crate::config::OidcConfig;

pub const FLOW_COOKIE: &str = "ch_sso";
/// Where the flow cookie is sent: the start and the callback.
pub const FLOW_PATH: &str = "/api/v1/auth/sso";
/// How long a sign-in at the provider may take.
pub const FLOW_SECS: i64 = 600;
/// The browser page the provider sends people back to, under `PUBLIC_URL`.
pub const REDIRECT_PATH: &str = "/login/sso";
/// The least time between two readings of the provider's keys after start-up.
const KEYS_REREAD_SECS: u64 = 60;
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
    /// The ID token is signed with a key the provider does not publish (even when read again).
    #[error("the ID token is signed with a key the provider does not publish")]
    UnknownKey,
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
    /// The client built from the provider's discovery document (its keys included); replaced
    /// when the provider signs with a key it did not publish before.
    client: RwLock<Client>,
    config: OidcConfig,
    redirect: RedirectUrl,
    http: Http,
    flows: ring::hmac::Key,
    /// When the keys were last read again.
    keys_reread_at: Mutex<Option<Instant>>,
}

impl std::fmt::Debug for Sso {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sso")
            .field("issuer", &self.config.issuer_url)
            .finish_non_exhaustive()
    }
}

/// Reads the provider's discovery document (and its keys): the client.
async fn discover_client(
    config: &OidcConfig,
    redirect: &RedirectUrl,
    http: &Http,
) -> Result<Client, SsoError> {
    let discovery = |reason: String| SsoError::Discovery {
        url: config.issuer_url.clone(),
        reason,
    };
    let issuer = IssuerUrl::new(config.issuer_url.clone()).map_err(|e| discovery(e.to_string()))?;
    let metadata = CoreProviderMetadata::discover_async(issuer, http)
        .await
        .map_err(|e| discovery(error_chain(&e)))?;
    Ok(CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(config.client_id.clone()),
        Some(ClientSecret::new(
            config.client_secret.expose_secret().to_owned(),
        )),
    )
    .set_redirect_uri(redirect.clone()))
}

impl Sso {
    /// Discovers the provider of `config`; people come back to `public_url` + [`REDIRECT_PATH`].
    pub async fn discover(
        config: &OidcConfig,
        public_url: &str,
        secret: &[u8],
    ) -> Result<Self, SsoError> {
        let redirect = RedirectUrl::new(format!("{public_url}{REDIRECT_PATH}")).map_err(|e| {
            SsoError::Discovery {
                url: config.issuer_url.clone(),
                reason: e.to_string(),
            }
        })?;
        let http = Http::new();
        let client = discover_client(config, &redirect, &http).await?;
        Ok(Self {
            client: RwLock::new(client),
            config: config.clone(),
            redirect,
            http,
            flows: super::tokens::derived_key(secret, b"coaching-hub sso flow v1"),
            keys_reread_at: Mutex::new(None),
        })
    }

    fn client(&self) -> Client {
        self.client
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Reads the provider's keys again, after it signed with one it had not published (keys
    /// rotate); at most once every [`KEYS_REREAD_SECS`], so a stream of forged tokens cannot
    /// make this server hammer the provider. Whether there are new keys to try.
    async fn reread_keys(&self) -> bool {
        {
            let mut at = self
                .keys_reread_at
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if at.is_some_and(|at| at.elapsed() < Duration::from_secs(KEYS_REREAD_SECS)) {
                return false;
            }
            *at = Some(Instant::now());
        }
        match discover_client(&self.config, &self.redirect, &self.http).await {
            Ok(client) => {
                *self.client.write().unwrap_or_else(PoisonError::into_inner) = client;
                tracing::info!("read the sign-in provider's keys again");
                true
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot read the sign-in provider's keys again");
                false
            }
        }
    }

    /// The issuer, as configured.
    pub fn issuer(&self) -> &str {
        &self.config.issuer_url
    }

    /// Begins a sign-in at `now` (Unix seconds).
    pub fn begin(&self, now: i64) -> Begun {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = self
            .client()
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
            .client()
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
        let nonce = Nonce::new(nonce);
        let mut identity = match identity(&self.client(), &response, &nonce) {
            Err(SsoError::UnknownKey) if self.reread_keys().await => {
                identity(&self.client(), &response, &nonce)
            }
            checked => checked,
        }?;
        if identity.email.is_none() {
            self.ask_user_info(response.access_token(), &mut identity)
                .await?;
        }
        Ok(identity)
    }

    /// Fills in the email from the provider's user info endpoint, for providers that keep the ID
    /// token minimal (Okta, for one, when an access token comes with it). The answer must be
    /// about the ID token's subject.
    async fn ask_user_info(
        &self,
        access_token: &AccessToken,
        identity: &mut Identity,
    ) -> Result<(), SsoError> {
        let client = self.client();
        let subject = SubjectIdentifier::new(identity.subject.clone());
        let Ok(request) = client.user_info(access_token.clone(), Some(subject)) else {
            return Ok(()); // The provider has no user info endpoint: no email, then.
        };
        let claims: CoreUserInfoClaims =
            request
                .request_async(&self.http)
                .await
                .map_err(|e| match e {
                    UserInfoError::Request(e) => SsoError::Unreachable(e.to_string()),
                    other => SsoError::IdToken(error_chain(&other)),
                })?;
        identity.email = claims.email().map(|email| email.to_string());
        identity.email_verified = claims.email_verified().unwrap_or(false);
        Ok(())
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

/// Who the token response's ID token names, once it passes every check: signed by one of the
/// provider's keys, issued by it, for this client, unexpired, with the flow's nonce, and bound to
/// the access token it came with.
fn identity(
    client: &Client,
    response: &CoreTokenResponse,
    nonce: &Nonce,
) -> Result<Identity, SsoError> {
    let invalid = |e: &dyn std::error::Error| SsoError::IdToken(error_chain(e));
    let id_token = response
        .id_token()
        .ok_or_else(|| SsoError::IdToken("the provider sent none".into()))?;
    let verifier = client.id_token_verifier();
    let claims = id_token.claims(&verifier, nonce).map_err(|e| match e {
        ClaimsVerificationError::SignatureVerification(
            SignatureVerificationError::NoMatchingKey,
        ) => SsoError::UnknownKey,
        other => invalid(&other),
    })?;
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
