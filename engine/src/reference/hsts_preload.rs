//! Chromium's HSTS preload list (which Firefox, Safari and Edge also build on): a host on it,
//! or under an entry with include_subdomains, is reached over HTTPS by browsers before any
//! header is seen. `http.hsts` and `http.https.redirect` count such an entry.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

pub(crate) const SHIPPED: &str = include_str!("../../data/hsts_preload.txt");

#[derive(Debug, Clone, Default)]
pub struct HstsPreload {
    /// name → include_subdomains
    entries: HashMap<String, bool>,
    as_of: Option<chrono::NaiveDate>,
}

/// Why a host is preloaded: its own entry, or a parent's with include_subdomains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreloadEntry {
    pub name: String,
    pub include_subdomains: bool,
}

impl HstsPreload {
    /// The list shipped in `engine/data/hsts_preload.txt`, parsed on first use.
    pub fn shipped() -> Arc<Self> {
        static LIST: LazyLock<Arc<HstsPreload>> =
            LazyLock::new(|| Arc::new(HstsPreload::parse(SHIPPED).expect("engine/data/hsts_preload.txt is valid")));
        LIST.clone()
    }

    /// Lines of `name 0|1`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut entries = HashMap::new();
        for line in super::data_lines(text) {
            let (name, flag) = line.split_once(' ').ok_or_else(|| format!("\"{line}\" is not `name 0|1`"))?;
            let include = match flag.trim() {
                "1" => true,
                "0" => false,
                other => return Err(format!("\"{line}\": include_subdomains is {other}, not 0 or 1")),
            };
            entries.insert(name.to_ascii_lowercase(), include);
        }
        Ok(Self { entries, as_of: super::as_of(text) })
    }

    /// The same list plus `name`: how tests preload a fixture domain.
    pub fn with(mut self, name: &str, include_subdomains: bool) -> Self {
        self.entries.insert(name.to_ascii_lowercase(), include_subdomains);
        self
    }

    /// The entry that makes browsers use HTTPS for `host`, if any.
    pub fn covering(&self, host: &str) -> Option<PreloadEntry> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        if let Some(&include_subdomains) = self.entries.get(&host) {
            return Some(PreloadEntry { name: host, include_subdomains });
        }
        let mut rest = host.as_str();
        while let Some((_, parent)) = rest.split_once('.') {
            if let Some(true) = self.entries.get(parent) {
                return Some(PreloadEntry { name: parent.to_owned(), include_subdomains: true });
            }
            rest = parent;
        }
        None
    }

    pub fn as_of(&self) -> Option<chrono::NaiveDate> {
        self.as_of
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_list_covers_hosts_and_subdomains() {
        let list = HstsPreload::shipped();
        assert!(list.len() > 50_000, "{} entries", list.len());
        assert_eq!(list.covering("github.com").map(|e| e.name), Some("github.com".to_owned()));
        // A subdomain is covered through its parent's include_subdomains.
        assert_eq!(list.covering("docs.github.com").map(|e| e.name), Some("github.com".to_owned()));
        // Whole TLDs are preloaded (Google's .dev).
        assert_eq!(list.covering("my-startup.dev").map(|e| e.name), Some("dev".to_owned()));
        assert_eq!(list.covering("example.test"), None);
    }

    #[test]
    fn an_entry_without_include_subdomains_covers_only_itself() {
        let list = HstsPreload::parse("# as-of: 2026-06-01\nshop.example 0\nsecure.example 1\n").unwrap();
        assert!(list.covering("shop.example").is_some());
        assert_eq!(list.covering("www.shop.example"), None);
        assert_eq!(list.covering("a.b.secure.example").map(|e| e.name), Some("secure.example".to_owned()));
        assert!(HstsPreload::parse("broken\n").is_err());
        assert!(HstsPreload::parse("x.example 2\n").is_err());
    }
}
