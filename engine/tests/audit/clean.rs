//! The clean fixture site must come out Go with zero failures: no false positives.

use crate::fixture::{audit, site::Site};
use engine::{Decision, Status};

#[tokio::test]
async fn clean_site_is_go_with_zero_failures() {
    let card = audit(Site::clean("clean"), true).await;
    let problems: Vec<String> = card
        .checks
        .iter()
        .filter(|f| matches!(f.status, Status::Fail | Status::Warn | Status::Error))
        .map(|f| format!("{} {:?}: {} | {}", f.id, f.status, f.summary, f.evidence.join(" | ")))
        .collect();
    assert!(problems.is_empty(), "the clean site has findings:\n{}", problems.join("\n"));
    assert_eq!(card.decision, Decision::Go);
    assert_eq!(card.counts.fail, 0);
    assert!(card.checks.iter().all(|f| f.status != Status::Skipped), "every check applies to the clean site");
    assert_eq!(card.checks.len(), engine::catalog::catalog().checks.len());
}
