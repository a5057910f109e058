//! Workspaces: the founder's one default workspace, or an agency's client workspaces. What the
//! switcher, the workspaces page and every private URL (`/app/w/{slug}/…`) need.

use crate::role::Role;
use crate::DomainError;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const MAX_NAME_CHARS: usize = 80;

/// The header that names the workspace explicitly (scripts; tests).
pub const WORKSPACE_HEADER: &str = "x-launchready-workspace";

/// The workspace key of an `/app/w/{key}/…` path.
pub fn key_of_path(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/app/w/")?;
    let key = rest.split(['/', '?', '#']).next()?;
    (!key.is_empty()).then_some(key)
}

/// A workspace name as a person typed it: trimmed, 1 to 80 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String")]
pub struct WorkspaceName(String);

impl TryFrom<String> for WorkspaceName {
    type Error = DomainError;
    fn try_from(raw: String) -> Result<Self, DomainError> {
        Self::parse("name", &raw)
    }
}

impl WorkspaceName {
    pub fn parse(field: &str, raw: &str) -> Result<Self, DomainError> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(DomainError::invalid(field, "is required"));
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(DomainError::invalid(field, format!("is longer than {MAX_NAME_CHARS} characters")));
        }
        if name.chars().any(char::is_control) {
            return Err(DomainError::invalid(field, "must not contain control characters"));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The readable start of a URL key: lower-case ASCII letters and digits joined by single
    /// dashes, at most 40 characters ("Acme Café GmbH" → "acme-caf-gmbh"); "workspace" when
    /// nothing of the name survives.
    pub fn slug_stem(&self) -> String {
        let mut stem = String::new();
        for c in self.0.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                stem.push(c);
            } else if !stem.is_empty() && !stem.ends_with('-') {
                stem.push('-');
            }
            if stem.len() >= 40 {
                break;
            }
        }
        let stem = stem.trim_matches('-').to_owned();
        if stem.is_empty() {
            "workspace".into()
        } else {
            stem
        }
    }
}

/// A workspace as the switcher and the workspaces page show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceView {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub is_default: bool,
    pub archived: bool,
    pub products: u64,
    /// The workspace `/app` opens for this viewer (their first organisation's default one, or
    /// a client's first workspace).
    pub is_home: bool,
    /// The monthly report is mailed (`domain::report`).
    pub monthly_report: bool,
}

impl WorkspaceView {
    /// Where the workspace's pages live: the viewer's home workspace at `/app`, the others
    /// under their key, so a founder with one workspace never sees the concept in a URL.
    pub fn base_path(&self) -> String {
        base_path(self.is_home, &self.slug)
    }
}

pub fn base_path(is_home: bool, slug: &str) -> String {
    if is_home {
        "/app".into()
    } else {
        format!("/app/w/{slug}")
    }
}

/// The workspace a page acts in and what the viewer may do there: the header's switcher and
/// every page's write controls read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentWorkspace {
    pub workspace: WorkspaceView,
    pub role: Role,
    pub organization: String,
    /// Every workspace the viewer can switch to (archived ones left out).
    pub switchable: Vec<WorkspaceView>,
}

impl CurrentWorkspace {
    /// The path of a page of this workspace: `path("/products/new")`.
    pub fn path(&self, rest: &str) -> String {
        format!("{}{rest}", self.workspace.base_path())
    }
    /// Controls that change something are shown only to roles that may use them.
    pub fn can(&self, capability: crate::role::Capability) -> bool {
        self.role.can(capability) && !self.workspace.archived
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded_and_stems_are_url_safe() {
        assert_eq!(WorkspaceName::parse("name", "  Acme  ").unwrap().as_str(), "Acme");
        assert!(WorkspaceName::parse("name", "   ").is_err());
        assert!(WorkspaceName::parse("name", &"x".repeat(81)).is_err());
        assert!(WorkspaceName::parse("name", "a\u{7}b").is_err());
        let stem = |s: &str| WorkspaceName::parse("name", s).unwrap().slug_stem();
        assert_eq!(stem("Acme Café GmbH"), "acme-caf-gmbh");
        assert_eq!(stem("--Hello,  World!--"), "hello-world");
        assert_eq!(stem("日本"), "workspace");
        assert!(stem(&"ab ".repeat(26)).len() <= 40);
    }
}
