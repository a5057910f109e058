//! The catalog: metadata of every check (catalog.toml), loaded once. The code of a check
//! lives in its family's file under checks/; this file holds what people read about it.

use super::model::{Category, Severity};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::LazyLock;

/// What a check cannot run without. When the audit finds it missing before the checks start,
/// the check does not run and is reported under that one cause.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Needs {
    /// The scanner's DNS resolver answers (every check).
    #[default]
    Resolver,
    /// The main host takes a connection on its HTTPS port.
    Https,
    /// The main page was read, and it is the site's page, not an edge's challenge.
    MainPage,
}

impl Needs {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Resolver => "resolver",
            Self::Https => "https",
            Self::MainPage => "main_page",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckSpec {
    pub id: String,
    pub category: Category,
    pub severity: Severity,
    #[serde(default)]
    pub needs: Needs,
    pub active: bool,
    pub title: String,
    pub passes_when: String,
    pub why: String,
    pub fix: String,
    pub references: Vec<String>,
    pub sprint: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SprintItem {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    #[serde(rename = "sprint_item")]
    pub sprint_items: Vec<SprintItem>,
    #[serde(rename = "check")]
    pub checks: Vec<CheckSpec>,
    #[serde(skip)]
    by_id: HashMap<String, usize>,
}

impl Catalog {
    pub fn spec(&self, id: &str) -> Option<&CheckSpec> {
        self.by_id.get(id).map(|&i| &self.checks[i])
    }

    pub fn sprint_title<'a>(&'a self, id: &'a str) -> &'a str {
        self.sprint_items.iter().find(|s| s.id == id).map_or(id, |s| s.title.as_str())
    }
}

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| {
    // The file is compiled in and covered by tests, so a parse failure is a build defect.
    let mut catalog: Catalog = toml::from_str(include_str!("catalog.toml")).expect("catalog.toml is valid");
    catalog.by_id = catalog.checks.iter().enumerate().map(|(i, c)| (c.id.clone(), i)).collect();
    catalog
});

pub fn catalog() -> &'static Catalog {
    &CATALOG
}

#[cfg(test)]
mod tests {
    use super::*;

    /// FNV-1a over what judges a finding: ids, categories, severities, needs, active flags and
    /// pass criteria. Stable across Rust versions, unlike `DefaultHasher`.
    fn fingerprint(catalog: &Catalog) -> u64 {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for check in &catalog.checks {
            let line = format!(
                "{}|{}|{}|{}|{}|{}\n",
                check.id,
                check.category.as_str(),
                check.severity.as_str(),
                check.needs.as_str(),
                check.active,
                check.passes_when
            );
            for byte in line.bytes() {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        }
        hash
    }

    /// The rubric version and the catalog change together: edit a severity or a pass
    /// criterion and this fails until the version is bumped (with a `HISTORY` entry saying
    /// what changed) and the pin below is updated.
    #[test]
    fn the_rubric_fingerprint_is_pinned() {
        let catalog = catalog();
        let pinned: (u32, u64) = (2, 9_910_506_313_654_023_140);
        assert_eq!(
            (domain::rubric::CURRENT, fingerprint(catalog)),
            pinned,
            "the catalog's judging fields changed: bump domain::rubric::CURRENT, say what changed in its HISTORY, and pin the new fingerprint here"
        );
    }
}
