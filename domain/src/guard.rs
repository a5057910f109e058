//! The SSRF guard: which addresses and URLs the scanner may reach. Checked after DNS
//! resolution and on every redirect hop; the connection then goes to the checked address.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use url::{Host, Url};

/// The messages reach tenants (a finding, a monitor's last error, a form error), so a refusal
/// names the kind of address and never the address: a name that resolves inside the network
/// the scanner runs in must not map that network for whoever typed it. `addr` is for logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuardError {
    #[error("refused: the host is a {kind} address or resolves to one (scanning it is not allowed)")]
    Forbidden { addr: IpAddr, kind: &'static str },
    #[error("refused: only http and https URLs can be scanned, not {0}:")]
    Scheme(String),
    #[error("refused: the URL has no host")]
    NoHost,
    #[error("refused: URLs with credentials are not scanned")]
    Credentials,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Guard {
    /// Lifts the address checks (not the scheme check, and never for cloud-metadata
    /// addresses, which no legitimate product is served from); only an operator's explicit
    /// setting.
    pub allow_private_targets: bool,
}

impl Guard {
    pub fn new(allow_private_targets: bool) -> Self {
        Self { allow_private_targets }
    }

    pub fn check_ip(&self, addr: IpAddr) -> Result<(), GuardError> {
        match forbidden_kind(addr) {
            Some(METADATA) => Err(GuardError::Forbidden { addr, kind: METADATA }),
            _ if self.allow_private_targets => Ok(()),
            Some(kind) => Err(GuardError::Forbidden { addr, kind }),
            None => Ok(()),
        }
    }

    /// Scheme, credentials and, for IP-literal hosts, the address. Host names are checked
    /// when they are resolved.
    pub fn check_url(&self, url: &Url) -> Result<(), GuardError> {
        match url.scheme() {
            "http" | "https" => {}
            other => return Err(GuardError::Scheme(other.to_owned())),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(GuardError::Credentials);
        }
        // The url crate already reads decimal, octal and hex IPv4 spellings (WHATWG rules),
        // so `http://2130706433/` arrives here as Host::Ipv4(127.0.0.1).
        match url.host() {
            None => Err(GuardError::NoHost),
            Some(Host::Ipv4(v4)) => self.check_ip(IpAddr::V4(v4)),
            Some(Host::Ipv6(v6)) => self.check_ip(IpAddr::V6(v6)),
            Some(Host::Domain(_)) => Ok(()),
        }
    }
}

const METADATA: &str = "cloud-metadata";

/// Why an address must not be scanned, or None for a public unicast address.
pub fn forbidden_kind(addr: IpAddr) -> Option<&'static str> {
    match addr {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

fn in_v4(addr: Ipv4Addr, net: [u8; 4], prefix: u8) -> bool {
    let mask = if prefix == 0 { 0 } else { u32::MAX << (32 - prefix) };
    (u32::from(addr) & mask) == (u32::from(Ipv4Addr::from(net)) & mask)
}

fn forbidden_v4(a: Ipv4Addr) -> Option<&'static str> {
    const RANGES: &[([u8; 4], u8, &str)] = &[
        ([0, 0, 0, 0], 8, "\"this network\""),
        ([10, 0, 0, 0], 8, "private"),
        // Metadata services first: they sit inside the link-local and CGNAT ranges.
        ([169, 254, 169, 254], 32, METADATA),
        ([169, 254, 170, 2], 32, METADATA),
        ([100, 100, 100, 200], 32, METADATA),
        // Azure's wireserver (instance metadata, health and extension traffic): a public
        // address every Azure VM reaches without leaving the host.
        ([168, 63, 129, 16], 32, METADATA),
        ([100, 64, 0, 0], 10, "carrier-grade NAT"),
        ([127, 0, 0, 0], 8, "loopback"),
        ([169, 254, 0, 0], 16, "link-local"),
        ([172, 16, 0, 0], 12, "private"),
        ([192, 0, 0, 0], 24, "IETF protocol-assignment"),
        ([192, 0, 2, 0], 24, "documentation"),
        ([192, 88, 99, 0], 24, "6to4 relay"),
        ([192, 168, 0, 0], 16, "private"),
        ([198, 18, 0, 0], 15, "benchmarking"),
        ([198, 51, 100, 0], 24, "documentation"),
        ([203, 0, 113, 0], 24, "documentation"),
        ([224, 0, 0, 0], 4, "multicast"),
        ([240, 0, 0, 0], 4, "reserved"),
    ];
    if a.is_broadcast() {
        return Some("broadcast");
    }
    RANGES.iter().find(|(net, prefix, _)| in_v4(a, *net, *prefix)).map(|(_, _, kind)| *kind)
}

fn forbidden_v6(a: Ipv6Addr) -> Option<&'static str> {
    let s = a.segments();
    if a.is_unspecified() {
        return Some("unspecified");
    }
    if a.is_loopback() {
        return Some("loopback");
    }
    // AWS's IPv6 metadata endpoint.
    if s == [0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254] {
        return Some(METADATA);
    }
    // Addresses that carry an IPv4 address: judge the embedded one.
    if let Some(v4) = a.to_ipv4_mapped() {
        return forbidden_v4(v4).or(None);
    }
    if s[..6] == [0, 0, 0, 0, 0, 0] {
        // IPv4-compatible (deprecated) ::a.b.c.d
        return forbidden_v4(Ipv4Addr::from(((s[6] as u32) << 16) | s[7] as u32)).or(Some("IPv4-compatible"));
    }
    if s[0] == 0x64 && s[1] == 0xff9b {
        // NAT64 64:ff9b::/96 and the local-use 64:ff9b:1::/48
        return Some(forbidden_v4(Ipv4Addr::from(((s[6] as u32) << 16) | s[7] as u32)).unwrap_or("NAT64"));
    }
    if s[0] == 0x2002 {
        // 6to4 embeds the IPv4 address in bits 16..48.
        let v4 = Ipv4Addr::from(((s[1] as u32) << 16) | s[2] as u32);
        return forbidden_v4(v4).or(None);
    }
    const RANGES: &[(u16, u16, u8, &str)] = &[
        // (first segment, second segment, prefix length, kind)
        (0x0100, 0x0000, 64, "discard-only"),
        (0x2001, 0x0000, 32, "Teredo"),
        (0x2001, 0x0db8, 32, "documentation"),
        (0x2001, 0x0010, 28, "ORCHID"),
        (0x2001, 0x0020, 28, "ORCHID"),
        (0x3fff, 0x0000, 20, "documentation"),
        (0xfc00, 0x0000, 7, "unique-local (private)"),
        (0xfe80, 0x0000, 10, "link-local"),
        (0xfec0, 0x0000, 10, "site-local"),
        (0xff00, 0x0000, 8, "multicast"),
    ];
    let head = ((s[0] as u32) << 16) | s[1] as u32;
    RANGES
        .iter()
        .find(|(a0, a1, prefix, _)| {
            let net = ((*a0 as u32) << 16) | *a1 as u32;
            let bits = (*prefix).min(32);
            let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
            (head & mask) == (net & mask) && (*prefix <= 32 || s[2] == 0 && s[3] == 0)
        })
        .map(|(_, _, _, kind)| *kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_addresses_pass() {
        for a in ["93.184.215.14", "1.1.1.1", "2606:4700::1111", "::ffff:8.8.8.8", "2002:0808:0808::1"] {
            assert_eq!(forbidden_kind(a.parse().unwrap()), None, "{a}");
        }
    }

    #[test]
    fn refusals_name_the_kind_never_the_address() {
        let refusal = Guard::new(false).check_ip("10.20.30.40".parse().unwrap()).unwrap_err();
        let message = refusal.to_string();
        assert!(message.contains("private") && !message.contains("10.20.30.40"), "{message}");
        let metadata = Guard::new(true).check_ip("fd00:ec2::254".parse().unwrap()).unwrap_err().to_string();
        assert!(metadata.contains("cloud-metadata") && !metadata.contains("fd00"), "{metadata}");
    }

    #[test]
    fn metadata_is_named() {
        assert_eq!(forbidden_kind("169.254.169.254".parse().unwrap()), Some("cloud-metadata"));
        assert_eq!(forbidden_kind("fd00:ec2::254".parse().unwrap()), Some("cloud-metadata"));
        assert_eq!(forbidden_kind("::ffff:169.254.169.254".parse().unwrap()), Some("cloud-metadata"));
        assert_eq!(forbidden_kind("168.63.129.16".parse().unwrap()), Some("cloud-metadata"), "Azure's wireserver");
        assert_eq!(forbidden_kind("168.63.129.17".parse().unwrap()), None, "its neighbours are ordinary public addresses");
    }

    #[test]
    fn allow_private_lifts_address_checks_only() {
        let guard = Guard::new(true);
        assert!(guard.check_ip("127.0.0.1".parse().unwrap()).is_ok());
        assert!(guard.check_ip("169.254.169.254".parse().unwrap()).is_err(), "metadata is never allowed");
        assert!(guard.check_ip("168.63.129.16".parse().unwrap()).is_err(), "nor Azure's wireserver");
        assert!(guard.check_url(&Url::parse("file:///etc/passwd").unwrap()).is_err());
    }
}
