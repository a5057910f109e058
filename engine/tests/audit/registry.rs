//! The registry, the catalog and docs/checks.md agree: every catalog id has code, every
//! registered check is in the catalog, the docs tables are generated from the catalog, and
//! every check has a fixture test that catches its defect.

use engine::catalog::catalog;
use engine::registry;

#[test]
fn every_catalog_check_is_registered_once() {
    let registered: Vec<&str> = registry().checks().iter().map(|c| c.spec.id.as_str()).collect();
    let listed: Vec<&str> = catalog().checks.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(registered, listed, "registry and catalog.toml differ");
    for spec in &catalog().checks {
        assert!(catalog().sprint_items.iter().any(|s| s.id == spec.sprint), "{}: unknown sprint item {}", spec.id, spec.sprint);
        assert!(!spec.references.is_empty(), "{} has no reference", spec.id);
        // scripts/new-check.py writes TODO placeholders; a check lands only once they are written.
        let text = [spec.title.as_str(), &spec.passes_when, &spec.why, &spec.fix].join(" ") + &spec.references.join(" ");
        assert!(!text.contains("TODO"), "{}: the catalog entry still has a TODO", spec.id);
        assert!(spec.id.starts_with(spec.category.as_str()), "{} is filed under {:?}", spec.id, spec.category);
    }
}

/// docs/checks.md carries the tables `catalog_docs` renders from catalog.toml. With
/// `LAUNCHREADY_BLESS=1` (`make checks-docs`) the test rewrites them instead of failing.
#[test]
fn docs_tables_are_generated_from_the_catalog() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/checks.md");
    let page = std::fs::read_to_string(path).unwrap();
    let fresh = engine::catalog_docs::refresh(&page, catalog()).expect("docs/checks.md has the generated-section markers");
    if std::env::var_os("LAUNCHREADY_BLESS").is_some() {
        std::fs::write(path, &fresh).unwrap();
        return;
    }
    assert!(fresh == page, "docs/checks.md is stale: run `make checks-docs` and commit the result");
}

/// Every check is shown to catch its defect: some fixture test on loopback expects it to fail.
/// The one exception is a check whose worst verdict is a warning, which must then have a test
/// expecting that warning.
#[test]
fn every_check_has_a_fixture_test_that_expects_it_to_fail() {
    const WORST_IS_WARN: &[&str] = &[
        // p=none is the weakest policy DMARC has, and the catalog rates it a warning.
        "email.dmarc.policy",
    ];
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/audit");
    let mut sources = String::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            sources.push_str(&std::fs::read_to_string(path).unwrap());
        }
    }
    let sources: String = sources.split_whitespace().collect::<Vec<_>>().join(" ");
    let expects = |id: &str, status: &str| sources.contains(&format!("expect(&card, \"{id}\", Status::{status})"));
    let missing: Vec<&str> = catalog()
        .checks
        .iter()
        .map(|c| c.id.as_str())
        .filter(|id| if WORST_IS_WARN.contains(id) { !expects(id, "Warn") } else { !expects(id, "Fail") })
        .collect();
    assert!(missing.is_empty(), "no fixture test expects these checks to fail: {missing:?}");
}

#[test]
fn only_the_five_probes_are_active() {
    let active: Vec<&str> = catalog().checks.iter().filter(|c| c.active).map(|c| c.id.as_str()).collect();
    assert_eq!(active, ["api.rate_limit", "api.payload_limit", "api.malformed_input", "api.cross_tenant", "ai.prompt_injection"]);
}
