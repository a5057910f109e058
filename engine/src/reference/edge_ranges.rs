//! Which CDN's published address ranges an address falls in. `dns.edge.proxy` passes on such
//! an address: traffic to it goes through that edge, whoever hosts the DNS.

use ipnet::IpNet;
use std::net::IpAddr;
use std::sync::{Arc, LazyLock};

/// The shipped range files, by name.
pub(crate) const SHIPPED: [(&str, &str); 4] = [
    ("edge_cloudflare.txt", include_str!("../../data/edge_cloudflare.txt")),
    ("edge_fastly.txt", include_str!("../../data/edge_fastly.txt")),
    ("edge_cloudfront.txt", include_str!("../../data/edge_cloudfront.txt")),
    ("edge_akamai.txt", include_str!("../../data/edge_akamai.txt")),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeRange {
    pub provider: String,
    pub net: IpNet,
}

/// The ranges of every provider, and the oldest date among them.
#[derive(Debug, Clone, Default)]
pub struct EdgeRanges {
    ranges: Vec<EdgeRange>,
    as_of: Option<chrono::NaiveDate>,
}

impl EdgeRanges {
    /// The data shipped in `engine/data/`, parsed once.
    pub fn shipped() -> Arc<Self> {
        static SHIPPED_RANGES: LazyLock<Arc<EdgeRanges>> = LazyLock::new(|| {
            let mut all = EdgeRanges::default();
            for (name, text) in SHIPPED {
                let parsed = EdgeRanges::parse(text).unwrap_or_else(|e| panic!("engine/data/{name}: {e}"));
                all.ranges.extend(parsed.ranges);
                all.as_of = match (all.as_of, parsed.as_of) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
            }
            Arc::new(all)
        });
        SHIPPED_RANGES.clone()
    }

    /// One file: `# provider: Name`, `# as-of: date`, then one CIDR per line.
    pub fn parse(text: &str) -> Result<Self, String> {
        let provider = text
            .lines()
            .find_map(|line| line.strip_prefix("# provider:"))
            .map(|name| name.trim().to_owned())
            .ok_or("no `# provider:` line")?;
        let ranges = super::data_lines(text)
            .map(|line| line.parse::<IpNet>().map(|net| EdgeRange { provider: provider.clone(), net }).map_err(|e| format!("{line}: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { ranges, as_of: super::as_of(text) })
    }

    /// The same ranges plus `net` for `provider`: how tests put a loopback fixture "behind" a CDN.
    pub fn with(mut self, provider: &str, net: IpNet) -> Self {
        self.ranges.push(EdgeRange { provider: provider.to_owned(), net });
        self
    }

    /// The provider whose published range holds `ip`, with that range.
    pub fn provider_of(&self, ip: IpAddr) -> Option<&EdgeRange> {
        self.ranges.iter().find(|range| range.net.contains(&ip))
    }

    pub fn as_of(&self) -> Option<chrono::NaiveDate> {
        self.as_of
    }

    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_ranges_know_the_big_edges() {
        let ranges = EdgeRanges::shipped();
        assert!(ranges.len() > 250, "{} ranges", ranges.len());
        let provider = |ip: &str| ranges.provider_of(ip.parse().unwrap()).map(|r| r.provider.as_str());
        // Addresses inside each provider's published ranges.
        assert_eq!(provider("104.16.132.229"), Some("Cloudflare"));
        assert_eq!(provider("2606:4700::6810:84e5"), Some("Cloudflare"));
        assert_eq!(provider("151.101.1.69"), Some("Fastly"));
        assert_eq!(provider("23.32.1.1"), Some("Akamai"));
        let cloudfront = ranges.ranges.iter().find(|r| r.provider == "Amazon CloudFront").expect("CloudFront ranges");
        assert_eq!(provider(&cloudfront.net.hosts().next().unwrap().to_string()), Some("Amazon CloudFront"));
        // Documentation and private addresses are nobody's edge.
        assert_eq!(provider("203.0.113.7"), None);
        assert_eq!(provider("10.0.0.1"), None);
        assert!(ranges.as_of().is_some());
    }

    #[test]
    fn a_file_without_a_provider_or_with_a_bad_line_is_refused() {
        assert!(EdgeRanges::parse("10.0.0.0/8\n").unwrap_err().contains("provider"));
        assert!(EdgeRanges::parse("# provider: X\n10.0.0.0/33\n").unwrap_err().contains("10.0.0.0/33"));
        let one = EdgeRanges::parse("# provider: X\n# as-of: 2026-01-02\n10.0.0.0/8\n").unwrap();
        assert_eq!(one.as_of(), chrono::NaiveDate::from_ymd_opt(2026, 1, 2));
    }
}
