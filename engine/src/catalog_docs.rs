//! The check tables of docs/checks.md, generated from catalog.toml so that the page and the
//! engine cannot disagree. The page keeps its hand-written parts; the tables sit between two
//! markers, and a test fails when they are stale (`make checks-docs` rewrites them).

use crate::catalog::Catalog;
use crate::model::Category;

pub const BEGIN: &str = "<!-- BEGIN GENERATED from engine/src/catalog.toml by `make checks-docs`: do not edit by hand -->";
pub const END: &str = "<!-- END GENERATED -->";

/// One section per category, in catalog order: id, severity, pass criterion and fix.
pub fn tables(catalog: &Catalog) -> String {
    let mut categories: Vec<Category> = Vec::new();
    for check in &catalog.checks {
        if !categories.contains(&check.category) {
            categories.push(check.category);
        }
    }
    let mut out = String::new();
    for category in categories {
        out.push_str(&format!("\n## {} (`{}`)\n\n", category.label(), category.as_str()));
        out.push_str("| id | severity | passes when | how to fix |\n|---|---|---|---|\n");
        for check in catalog.checks.iter().filter(|c| c.category == category) {
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                check.id,
                check.severity.as_str(),
                cell(&check.passes_when),
                cell(&check.fix)
            ));
        }
    }
    out
}

/// `page` with the text between the markers replaced by fresh tables; `None` when a marker is
/// missing.
pub fn refresh(page: &str, catalog: &Catalog) -> Option<String> {
    let start = page.find(BEGIN)? + BEGIN.len();
    let end = page[start..].find(END)? + start;
    Some(format!("{}\n{}\n{}", &page[..start], tables(catalog), &page[end..]))
}

/// A table cell: one line, with `|` escaped.
fn cell(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_stay_in_their_column() {
        assert_eq!(cell("a | b\n  c"), "a \\| b c");
    }

    #[test]
    fn refresh_replaces_only_between_the_markers() {
        let page = format!("# Head\n{BEGIN}\nSTALE-TABLE\n{END}\n## Tail\n");
        let fresh = refresh(&page, crate::catalog::catalog()).unwrap();
        assert!(fresh.starts_with(&format!("# Head\n{BEGIN}\n")));
        assert!(fresh.ends_with(&format!("{END}\n## Tail\n")));
        assert!(!fresh.contains("STALE-TABLE"));
        assert!(fresh.contains("| dns.apex.resolves | critical |"));
        assert_eq!(refresh("no markers", crate::catalog::catalog()), None);
    }
}
