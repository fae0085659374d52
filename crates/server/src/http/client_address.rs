//! Who is calling, as far as the network tells: the client's address (for audit) and network
//! (for rate limits).

use actix_web::HttpRequest;

/// The client's address for rate limits and audit: the socket peer, or, when `TRUST_PROXY` says
/// a proxy in front sets it, the last `X-Forwarded-For` hop (the one the proxy saw; earlier hops
/// are the client's own claims). Always a parsed IP address.
pub fn client_ip(req: &HttpRequest, trust_proxy: bool) -> String {
    let forwarded = trust_proxy
        .then(|| {
            req.headers()
                .get("x-forwarded-for")?
                .to_str()
                .ok()?
                .rsplit(',')
                .next()?
                .trim()
                .parse::<std::net::IpAddr>()
                .ok()
        })
        .flatten();
    forwarded
        .or_else(|| req.peer_addr().map(|addr| addr.ip()))
        .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
}

/// The client's network, as rate limits count it: its IPv4 address, or the /64 its IPv6 address
/// is in (one subscriber is handed a whole /64, so each of its addresses is no new client).
pub fn client_network(req: &HttpRequest, trust_proxy: bool) -> String {
    let ip = client_ip(req, trust_proxy);
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            let prefix = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
            format!("{prefix}/64")
        }
        Ok(std::net::IpAddr::V6(v6)) => v6.to_ipv4_mapped().map_or(ip, |v4| v4.to_string()),
        _ => ip,
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn the_client_address_is_the_peer_unless_a_trusted_proxy_names_it() {
        let peer = "192.0.2.7:5000".parse().expect("an address");
        let req = TestRequest::default()
            .peer_addr(peer)
            .insert_header(("x-forwarded-for", "6.6.6.6, 203.0.113.9"))
            .to_http_request();
        assert_eq!(
            client_ip(&req, false),
            "192.0.2.7",
            "clients cannot claim an address"
        );
        assert_eq!(
            client_ip(&req, true),
            "203.0.113.9",
            "the hop the proxy saw"
        );
        let forged = TestRequest::default()
            .peer_addr(peer)
            .insert_header(("x-forwarded-for", "x".repeat(500)))
            .to_http_request();
        assert_eq!(
            client_ip(&forged, true),
            "192.0.2.7",
            "garbage falls back to the peer"
        );
    }
}
