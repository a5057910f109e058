//! The registry, the catalog and docs/checks.md agree: every catalog id has code, every
//! registered check is in the catalog, and the docs list the same ids with the same severities.

use engine::catalog::catalog;
use engine::registry;
use std::collections::BTreeMap;

#[test]
fn every_catalog_check_is_registered_once() {
    let registered: Vec<&str> = registry().checks().iter().map(|c| c.spec.id.as_str()).collect();
    let listed: Vec<&str> = catalog().checks.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(registered, listed, "registry and catalog.toml differ");
    for spec in &catalog().checks {
        assert!(catalog().sprint_items.iter().any(|s| s.id == spec.sprint), "{}: unknown sprint item {}", spec.id, spec.sprint);
        assert!(!spec.references.is_empty(), "{} has no reference", spec.id);
        assert!(spec.id.starts_with(spec.category.as_str()), "{} is filed under {:?}", spec.id, spec.category);
    }
}

#[test]
fn docs_list_the_catalog_with_the_same_severities() {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/checks.md")).unwrap();
    let mut documented = BTreeMap::new();
    for line in docs.lines() {
        let cells: Vec<&str> = line.split('|').map(|c| c.trim().trim_matches('`')).collect();
        if cells.len() > 3 && cells[1].contains('.') && !cells[1].contains(' ') {
            documented.insert(cells[1].to_owned(), cells[2].to_owned());
        }
    }
    let catalogued: BTreeMap<String, String> = catalog().checks.iter().map(|c| (c.id.clone(), c.severity.as_str().to_owned())).collect();
    assert_eq!(documented, catalogued, "docs/checks.md and catalog.toml differ");
}

#[test]
fn only_the_five_probes_are_active() {
    let active: Vec<&str> = catalog().checks.iter().filter(|c| c.active).map(|c| c.id.as_str()).collect();
    assert_eq!(active, ["api.rate_limit", "api.payload_limit", "api.malformed_input", "api.cross_tenant", "ai.prompt_injection"]);
}
