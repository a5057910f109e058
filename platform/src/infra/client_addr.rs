//! Who is on the other end of a request. In production the server sits behind a
//! TLS-terminating proxy, so the socket peer is the proxy; the client's address is what the
//! proxy wrote into `Forwarded` (RFC 7239) or `X-Forwarded-For`. Those headers are believed
//! only when the peer is a configured trusted proxy, and only up to the first hop that is not
//! one (the rightmost untrusted address): anything further left was written by the client and
//! can be anything.
//!
//! Throttles key on [`ClientAddr::bucket`]: an IPv6 client controls a whole /64 (one
//! subscriber's prefix), so every address in it counts as one.

use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};

/// The proxies whose forwarding headers are believed (configuration; default none).
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses CIDRs (`10.0.0.0/8`, `2001:db8::/32`) or single addresses (`127.0.0.1`), separated
    /// by commas or white space; the error names the entry that is neither.
    pub fn parse<'a>(entries: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        let mut nets = Vec::new();
        for entry in entries.into_iter().flat_map(|e| e.split(|c: char| c == ',' || c.is_whitespace())) {
            let entry = entry.trim();
            if entry.is_empty() {
                continue;
            }
            let net = entry
                .parse::<IpNet>()
                .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("\"{entry}\" is neither an address nor a CIDR (10.0.0.0/8, 2001:db8::/32)"))?;
            nets.push(net.trunc());
        }
        Ok(Self(nets))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }
}

/// The client's address, as far as it can be known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(IpAddr);

impl ClientAddr {
    /// The client of a request that arrived from `peer` with these headers.
    pub fn resolve(peer: IpAddr, headers: &http::HeaderMap, trusted: &TrustedProxies) -> Self {
        let peer = peer.to_canonical();
        if !trusted.contains(peer) {
            return Self(peer);
        }
        let hops = forwarded_chain(headers);
        Self(rightmost_untrusted(peer, &hops, trusted))
    }

    pub fn ip(self) -> IpAddr {
        self.0
    }

    pub fn is_loopback(self) -> bool {
        self.0.is_loopback()
    }

    /// The throttles' key: the IPv4 address, or the /64 an IPv6 address belongs to.
    pub fn bucket(self) -> String {
        match self.0 {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => {
                let prefix = ipnet::Ipv6Net::new(v6, 64).expect("64 is a valid IPv6 prefix length").trunc();
                prefix.to_string()
            }
        }
    }
}

impl From<IpAddr> for ClientAddr {
    fn from(ip: IpAddr) -> Self {
        Self(ip.to_canonical())
    }
}

impl std::fmt::Display for ClientAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// One `for=` hop: an address, or something a proxy wrote that is not one (`unknown`, an
/// obfuscated name, garbage).
type Hop = Option<IpAddr>;

/// The hops the proxies recorded, client first. `Forwarded` wins when present (it is the
/// standard; a proxy that writes it means it); several header lines read as one list.
fn forwarded_chain(headers: &http::HeaderMap) -> Vec<Hop> {
    let forwarded: Vec<&str> = headers.get_all(http::header::FORWARDED).iter().filter_map(|v| v.to_str().ok()).collect();
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .flat_map(|line| rfc7239::parse(line))
            .map(|element| match element {
                Ok(element) => element.forwarded_for.and_then(|node| node.ip().copied()),
                Err(_) => None,
            })
            .collect();
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|line| line.split(','))
        .map(|hop| parse_hop(hop.trim()))
        .collect()
}

/// An `X-Forwarded-For` entry: an address, sometimes with a port (`192.0.2.1:4711`,
/// `[2001:db8::1]:4711`).
fn parse_hop(text: &str) -> Hop {
    text.parse::<IpAddr>().ok().or_else(|| text.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// Walks from the proxy nearest to us towards the client while each hop is a trusted proxy;
/// the first untrusted address is the client. A hop that is not an address stops the walk at
/// the proxy that wrote it (it could not say who its client was).
fn rightmost_untrusted(peer: IpAddr, hops: &[Hop], trusted: &TrustedProxies) -> IpAddr {
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop {
            Some(ip) => {
                client = ip.to_canonical();
                if !trusted.contains(client) {
                    break;
                }
            }
            None => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> http::HeaderMap {
        let mut map = http::HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn proxies(list: &str) -> TrustedProxies {
        TrustedProxies::parse([list]).unwrap()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let forged = headers(&[("x-forwarded-for", "203.0.113.7"), ("forwarded", "for=198.51.100.1")]);
        assert_eq!(ClientAddr::resolve(ip("192.0.2.10"), &forged, &TrustedProxies::default()).ip(), ip("192.0.2.10"));
        assert_eq!(ClientAddr::resolve(ip("192.0.2.10"), &forged, &proxies("10.0.0.0/8")).ip(), ip("192.0.2.10"));
    }

    #[test]
    fn a_trusted_proxy_names_the_rightmost_untrusted_hop() {
        let trusted = proxies("10.0.0.0/8, 127.0.0.1");
        // The client typed the first entry itself; the edge proxy appended the real address.
        let chain = headers(&[("x-forwarded-for", "1.1.1.1, 203.0.113.7, 10.1.2.3")]);
        assert_eq!(ClientAddr::resolve(ip("127.0.0.1"), &chain, &trusted).ip(), ip("203.0.113.7"));
        // Two header lines are one list.
        let split = headers(&[("x-forwarded-for", "1.1.1.1"), ("x-forwarded-for", "203.0.113.8:4711")]);
        assert_eq!(ClientAddr::resolve(ip("10.0.0.1"), &split, &trusted).ip(), ip("203.0.113.8"));
        // No header: the proxy itself.
        assert_eq!(ClientAddr::resolve(ip("10.0.0.1"), &headers(&[]), &trusted).ip(), ip("10.0.0.1"));
    }

    #[test]
    fn forwarded_wins_over_x_forwarded_for_and_reads_ipv6() {
        let trusted = proxies("::1/128 10.0.0.0/8");
        let both =
            headers(&[("x-forwarded-for", "198.51.100.99"), ("forwarded", "for=192.0.2.60;proto=https, for=\"[2001:db8:cafe::17]:4711\"")]);
        assert_eq!(ClientAddr::resolve(ip("::1"), &both, &trusted).ip(), ip("2001:db8:cafe::17"));
    }

    #[test]
    fn an_unknown_hop_stops_at_the_proxy_that_wrote_it() {
        let trusted = proxies("10.0.0.0/8");
        let chain = headers(&[("forwarded", "for=192.0.2.60, for=unknown, for=10.0.0.5")]);
        assert_eq!(ClientAddr::resolve(ip("10.0.0.1"), &chain, &trusted).ip(), ip("10.0.0.5"));
        let garbage = headers(&[("x-forwarded-for", "192.0.2.60, not-an-address")]);
        assert_eq!(ClientAddr::resolve(ip("10.0.0.1"), &garbage, &trusted).ip(), ip("10.0.0.1"));
    }

    #[test]
    fn ipv6_clients_share_their_64_and_mapped_ipv4_is_ipv4() {
        let a = ClientAddr::from(ip("2001:db8:1:2:aaaa::1"));
        let b = ClientAddr::from(ip("2001:db8:1:2:bbbb::9"));
        let other = ClientAddr::from(ip("2001:db8:1:3::1"));
        assert_eq!(a.bucket(), "2001:db8:1:2::/64");
        assert_eq!(a.bucket(), b.bucket());
        assert_ne!(a.bucket(), other.bucket());
        assert_eq!(ClientAddr::from(ip("::ffff:192.0.2.1")).bucket(), "192.0.2.1");
        assert!(proxies("127.0.0.0/8").contains(ip("::ffff:127.0.0.1")));
    }

    #[test]
    fn a_bad_proxy_entry_is_named() {
        let err = TrustedProxies::parse(["10.0.0.0/8, proxy.internal"]).unwrap_err();
        assert!(err.contains("proxy.internal"), "{err}");
        assert!(TrustedProxies::parse(["", " "]).unwrap().is_empty());
    }
}
