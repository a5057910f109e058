//! What the dns checks share.

pub(super) fn addresses(ips: &[std::net::IpAddr]) -> String {
    ips.iter().map(|ip| ip.to_string()).collect::<Vec<_>>().join(", ")
}
