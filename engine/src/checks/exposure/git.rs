//! `exposure.git` (critical): Git metadata is not served. Passes when `/.git/HEAD` and `/.git/config` are not served.

use super::common::{app_url, status_line};
use crate::context::AuditContext;
use crate::model::Outcome;
use regex::Regex;
use std::sync::LazyLock;

pub(super) fn is_git_head(text: &str) -> bool {
    static HEAD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(?:ref: refs/\S+|[0-9a-f]{40}|[0-9a-f]{64})$").expect("valid regex"));
    HEAD.is_match(text.trim())
}

pub(super) fn is_git_config(text: &str) -> bool {
    text.lines().any(|l| l.trim().eq_ignore_ascii_case("[core]"))
}

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    let head_url = app_url(cx, "/.git/HEAD").await;
    let config_url = app_url(cx, "/.git/config").await;
    let (head, config) = futures::join!(cx.get(&head_url), cx.get(&config_url));
    let mut evidence = Vec::new();
    let mut served = Vec::new();
    let mut answered = 0;
    match &head {
        Ok(r) => {
            answered += 1;
            if r.status == 200 && is_git_head(&r.text()) {
                // A branch name or commit id is not secret; it shows the owner what was read.
                let first: String = r.text().trim().chars().take(80).collect();
                evidence.push(format!("{}: \"{first}\"", status_line(&head_url, r)));
                served.push("/.git/HEAD");
            } else {
                evidence.push(status_line(&head_url, r));
            }
        }
        Err(e) => evidence.push(format!("GET {head_url}: {e}")),
    }
    match &config {
        Ok(r) => {
            answered += 1;
            if r.status == 200 && is_git_config(&r.text()) {
                // Remote URLs can carry credentials, so the file itself is not quoted.
                evidence.push(format!("{}: a git config with a [core] section", status_line(&config_url, r)));
                served.push("/.git/config");
            } else {
                evidence.push(status_line(&config_url, r));
            }
        }
        Err(e) => evidence.push(format!("GET {config_url}: {e}")),
    }
    if !served.is_empty() {
        Outcome::fail(format!("{} is served: the repository and its history can be downloaded", served.join(" and ")))
            .evidence_lines(evidence)
    } else if answered == 0 {
        Outcome::error("neither /.git/HEAD nor /.git/config got an answer").evidence_lines(evidence)
    } else {
        Outcome::pass("no git metadata is served").evidence_lines(evidence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn git_files() {
        assert!(is_git_head("ref: refs/heads/main\n"));
        assert!(is_git_head("0123456789abcdef0123456789abcdef01234567"));
        assert!(!is_git_head("<html>ref: refs/heads/main</html>"));
        assert!(is_git_config("[core]\n\trepositoryformatversion = 0\n"));
        assert!(!is_git_config("<p>[core]</p>"));
    }
}
