//! Signing in: how long tokens and sign-in sessions live, login limits, single sign-on.

use std::net::IpAddr;
use std::time::Duration;

use secrecy::SecretString;

use super::env::Env;

/// Tokens, sessions, limits and the identity provider.
#[derive(Clone, Debug)]
pub struct SignInConfig {
    /// How long an access token lives.
    pub access_ttl: Duration,
    /// How long a sign-in session (refresh family) lives.
    pub session_ttl: Duration,
    /// How long a just-rotated refresh token still answers its successor (tabs refreshing at once).
    pub refresh_grace: Duration,
    /// `LOGIN_LIMIT_PER_ACCOUNT`, `LOGIN_LIMIT_PER_IP`: sign-in attempts allowed per minute.
    pub login_limits: LoginLimits,
    /// `OIDC_ISSUER_URL`, `OIDC_CLIENT_ID`, `OIDC_CLIENT_SECRET`: single sign-on with an
    /// OpenID Connect provider; off when unset.
    pub oidc: Option<OidcConfig>,
}

/// Sign-in limits per minute.
#[derive(Clone, Copy, Debug)]
pub struct LoginLimits {
    /// Failed sign-ins per account and client address (ten times as many per account from
    /// anywhere); also password-change attempts per user.
    pub per_account: u32,
    /// Sign-in attempts per client address.
    pub per_ip: u32,
}

/// An OpenID Connect provider people may sign in with.
#[derive(Clone, Debug)]
pub struct OidcConfig {
    /// `OIDC_ISSUER_URL`: the provider's issuer, where its discovery document lives.
    pub issuer_url: String,
    /// `OIDC_CLIENT_ID`: this server's client id at the provider.
    pub client_id: String,
    /// `OIDC_CLIENT_SECRET`: this server's client secret at the provider.
    pub client_secret: SecretString,
}

impl SignInConfig {
    pub(super) fn read(env: &mut Env) -> SignInConfig {
        SignInConfig {
            access_ttl: Duration::from_secs(15 * 60),
            session_ttl: Duration::from_secs(30 * 24 * 3600),
            refresh_grace: Duration::from_secs(10),
            login_limits: LoginLimits {
                per_account: env.limit("LOGIN_LIMIT_PER_ACCOUNT", 10),
                per_ip: env.limit("LOGIN_LIMIT_PER_IP", 30),
            },
            oidc: oidc(env),
        }
    }
}

/// The provider the three `OIDC_` variables name: all three or none. The issuer is `https`, but
/// for a provider on this machine.
fn oidc(env: &mut Env) -> Option<OidcConfig> {
    let names = ["OIDC_ISSUER_URL", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"];
    let [issuer_url, client_id, client_secret] = names.map(|name| env.get(name));
    match (issuer_url, client_id, client_secret) {
        (None, None, None) => None,
        (Some(issuer_url), Some(client_id), Some(client_secret)) => {
            let issuer_url = issuer_url.trim().to_owned();
            if !https_or_loopback(&issuer_url) {
                env.problem(format!(
                    "OIDC_ISSUER_URL: `{issuer_url}` is not an https:// URL such as \
                     https://login.example.com/realms/staff"
                ));
            }
            Some(OidcConfig {
                issuer_url,
                client_id,
                client_secret: client_secret.into(),
            })
        }
        _ => {
            env.problem(
                "OIDC_ISSUER_URL, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET: set all three for \
                 single sign-on, or none",
            );
            None
        }
    }
}

/// Whether `url` is `https://`, or plain `http://` to this machine only: a token exchange goes
/// encrypted. Decided on the parsed host, so `http://localhost.example.com` is not this machine.
fn https_or_loopback(url: &str) -> bool {
    let Ok(parsed) = openidconnect::url::Url::parse(url) else {
        return false;
    };
    let host = parsed.host_str().unwrap_or_default();
    let loopback = host == "localhost"
        || host
            .trim_matches(['[', ']'])
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    parsed.scheme() == "https" || (parsed.scheme() == "http" && loopback)
}
