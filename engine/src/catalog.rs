//! The catalog: metadata of every check (catalog.toml), loaded once. The code of a check
//! lives in its family's file under checks/; this file holds what people read about it.

use super::model::{Category, Severity};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::LazyLock;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckSpec {
    pub id: String,
    pub category: Category,
    pub severity: Severity,
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
