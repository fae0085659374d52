//! Where a webhook may send: a public address, on a web port, with no credentials in its URL.
//!
//! A webhook's URL is checked when it is registered or changed ([`check`]), and every address its
//! host resolves to is checked again when a delivery connects ([`PublicOnly`], the resolver of the
//! sender's HTTP agent): the connection goes to the address that was checked, so a name that
//! resolves elsewhere later reaches nothing private. Loopback and private receivers (development,
//! the tests) need `WEBHOOK_ALLOW_PRIVATE=true`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use openidconnect::url::{Host, Url};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// Why a webhook's URL is refused, for the `url` field's error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("is not a web address")]
    NotAUrl,
    /// Neither `https`, nor `http` to this machine where private receivers are allowed.
    #[error("must start with https://")]
    Scheme,
    /// `user:password@` in the URL: it would be stored and shown.
    #[error("must not hold a user name or password")]
    Credentials,
    /// A port below 1024 other than 80 and 443.
    #[error("must use port 80, 443, or 1024 to 65535")]
    Port,
    /// A host that is this machine, a private network, or not a single receiver.
    #[error("must be a public address (not this machine or a private network)")]
    NotPublic,
}

/// Whether `ip` is a public unicast address: not loopback, private (RFC 1918), link-local,
/// shared (CGNAT, RFC 6598), unique local (fc00::/7), multicast, broadcast, unspecified,
/// documentation, benchmarking or reserved; an IPv4 address inside IPv6 (mapped, compatible,
/// NAT64) is judged as the IPv4 address it carries.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => match embedded_v4(v6) {
            Some(v4) => public_v4(v4),
            None => public_v6(v6),
        },
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (18..20).contains(&b))
        || a >= 240)
}

fn public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || (first & 0xffc0) == 0xfec0
        || first == 0x2001 && ip.segments()[1] == 0x0db8)
}

/// The IPv4 address an IPv6 one carries: mapped (`::ffff:a.b.c.d`), compatible (`::a.b.c.d`) or
/// NAT64 (`64:ff9b::a.b.c.d`).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return Some(v4);
    }
    let s = ip.segments();
    let tail = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    let compatible =
        s[..6].iter().all(|&seg| seg == 0) && !ip.is_loopback() && !ip.is_unspecified();
    let nat64 = s[0] == 0x64 && s[1] == 0xff9b && s[2..6].iter().all(|&seg| seg == 0);
    (compatible || nat64).then_some(tail)
}

/// Checks a webhook's URL (`allow_private`: `WEBHOOK_ALLOW_PRIVATE`); returns it normalised.
pub fn check(raw: &str, allow_private: bool) -> Result<String, Refused> {
    let url = Url::parse(raw).map_err(|_| Refused::NotAUrl)?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(Refused::Scheme);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Refused::Credentials);
    }
    let port = url.port_or_known_default().ok_or(Refused::Scheme)?;
    if port < 1024 && port != 80 && port != 443 {
        return Err(Refused::Port);
    }
    let host = url.host().ok_or(Refused::NotAUrl)?;
    let private = match host {
        Host::Ipv4(ip) => !is_public(IpAddr::V4(ip)),
        Host::Ipv6(ip) => !is_public(IpAddr::V6(ip)),
        Host::Domain(name) => {
            let name = name.trim_end_matches('.');
            name == "localhost" || name.ends_with(".localhost")
        }
    };
    if private && !allow_private {
        return Err(Refused::NotPublic);
    }
    let loopback = match host {
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback(),
        Host::Domain(name) => name == "localhost",
    };
    match url.scheme() {
        "https" => Ok(url.to_string()),
        // A signed payload crossing a network in clear text could be read.
        "http" if loopback && allow_private => Ok(url.to_string()),
        _ => Err(Refused::Scheme),
    }
}

/// The sender's resolver: the system's, refusing a host any of whose addresses is not public
/// (unless private receivers are allowed). The agent connects to the addresses it returns, so
/// the address checked is the address used.
#[derive(Debug, Default)]
pub struct PublicOnly {
    system: DefaultResolver,
    allow_private: bool,
}

impl PublicOnly {
    /// A resolver for `WEBHOOK_ALLOW_PRIVATE` = `allow_private`.
    pub fn new(allow_private: bool) -> Self {
        Self {
            system: DefaultResolver::default(),
            allow_private,
        }
    }
}

impl Resolver for PublicOnly {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let addresses = self.system.resolve(uri, config, timeout)?;
        if !self.allow_private && addresses.iter().any(|address| !is_public(address.ip())) {
            return Err(ureq::Error::Io(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                NOT_PUBLIC,
            )));
        }
        Ok(addresses)
    }
}

/// What a delivery to a host that resolved to a private address failed with.
pub const NOT_PUBLIC: &str = "the receiver's address is not public";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_unicast_addresses_are_public() {
        for (address, public) in [
            ("93.184.215.14", true),
            ("8.8.8.8", true),
            ("2606:4700::1111", true),
            ("127.0.0.1", false),
            ("127.255.0.9", false),
            ("10.0.0.1", false),
            ("172.16.5.4", false),
            ("172.31.255.255", false),
            ("172.32.0.1", true),
            ("192.168.1.1", false),
            ("169.254.169.254", false),
            ("100.64.0.1", false),
            ("100.127.255.254", false),
            ("100.128.0.1", true),
            ("0.0.0.0", false),
            ("0.1.2.3", false),
            ("224.0.0.1", false),
            ("255.255.255.255", false),
            ("240.0.0.1", false),
            ("192.0.2.1", false),
            ("::1", false),
            ("::", false),
            ("fc00::1", false),
            ("fd12:3456::1", false),
            ("fe80::1", false),
            ("ff02::1", false),
            ("2001:db8::1", false),
            ("::ffff:127.0.0.1", false),
            ("::ffff:10.1.2.3", false),
            ("::ffff:169.254.169.254", false),
            ("::ffff:8.8.8.8", true),
            ("::127.0.0.1", false),
            ("64:ff9b::10.0.0.1", false),
            ("64:ff9b::8.8.8.8", true),
        ] {
            let ip: IpAddr = address.parse().expect(address);
            assert_eq!(is_public(ip), public, "{address}");
        }
    }

    #[test]
    fn urls_are_refused_for_their_host_port_scheme_or_credentials() {
        for (url, refused) in [
            ("http://127.0.0.1:1/", Refused::Port),
            ("http://localhost:1/", Refused::Port),
            ("http://localhost:8080/", Refused::NotPublic),
            ("https://localhost/", Refused::NotPublic),
            ("http://2130706433/", Refused::NotPublic),
            ("https://2130706433/", Refused::NotPublic),
            ("https://0x7f.1/", Refused::NotPublic),
            ("https://017700000001/", Refused::NotPublic),
            ("https://10.0.0.1/", Refused::NotPublic),
            (
                "https://169.254.169.254/latest/meta-data",
                Refused::NotPublic,
            ),
            ("https://[::1]/", Refused::NotPublic),
            ("https://[::ffff:127.0.0.1]/", Refused::NotPublic),
            ("https://[fd00::1]/", Refused::NotPublic),
            ("https://user:pw@hooks.example.com/", Refused::Credentials),
            ("https://user@hooks.example.com/", Refused::Credentials),
            ("https://hooks.example.com:22/", Refused::Port),
            ("https://hooks.example.com:0/", Refused::Port),
            ("http://hooks.example.com/", Refused::Scheme),
            ("ftp://hooks.example.com/", Refused::Scheme),
            ("not a url", Refused::NotAUrl),
        ] {
            assert_eq!(check(url, false), Err(refused), "{url}");
        }
        for url in [
            "https://hooks.example.com/in",
            "https://hooks.example.com:8443/in",
            "https://93.184.215.14/",
            "https://hooks.example.com:80/",
        ] {
            assert!(check(url, false).is_ok(), "{url}");
        }
    }

    #[test]
    fn private_receivers_need_the_setting_and_plain_http_stays_on_this_machine() {
        assert!(check("http://127.0.0.1:9000/hook", true).is_ok());
        assert!(check("http://localhost:9000/hook", true).is_ok());
        assert!(check("https://10.0.0.1/hook", true).is_ok());
        assert_eq!(
            check("http://10.0.0.1:9000/hook", true),
            Err(Refused::Scheme)
        );
        assert_eq!(
            check("http://user:pw@127.0.0.1:9000/", true),
            Err(Refused::Credentials)
        );
    }
}
