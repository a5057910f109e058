//! The people of an organisation: members (owner, admins, members), client users with their
//! workspaces, invitations, and the activity log owners and admins read.

use crate::email::EmailAddress;
use crate::role::Role;
use crate::DomainError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How long an invitation link works after it was (last) sent.
pub const INVITATION_DAYS: i64 = 7;

/// An invitation as the form sends it: an address, a role, and for a client the workspaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteForm {
    pub email: String,
    pub role: String,
    /// Workspace ids (for a client; ignored for staff, who see every workspace).
    #[serde(default)]
    pub workspaces: Vec<Uuid>,
}

/// A checked invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteSpec {
    pub email: EmailAddress,
    pub role: Role,
    pub workspaces: Vec<Uuid>,
}

impl InviteForm {
    pub fn parse(&self) -> Result<InviteSpec, DomainError> {
        let mut errors = Vec::new();
        let email = EmailAddress::parse("email", &self.email).map_err(|e| collect(&mut errors, e)).ok();
        let role = match Role::parse(self.role.trim()) {
            Some(role) if Role::INVITABLE.contains(&role) => Some(role),
            Some(Role::Owner) => {
                errors.push(crate::FieldError::new("role", "ownership is handed over from the team page, not invited"));
                None
            }
            _ => {
                errors.push(crate::FieldError::new("role", "must be admin, member or client"));
                None
            }
        };
        let mut workspaces = self.workspaces.clone();
        workspaces.sort();
        workspaces.dedup();
        if role == Some(Role::Client) && workspaces.is_empty() {
            errors.push(crate::FieldError::new("workspaces", "choose at least one workspace the client may see"));
        }
        match (email, role) {
            (Some(email), Some(role)) if errors.is_empty() => {
                let workspaces = if role == Role::Client { workspaces } else { Vec::new() };
                Ok(InviteSpec { email, role, workspaces })
            }
            _ => Err(DomainError::Invalid(errors)),
        }
    }
}

fn collect(errors: &mut Vec<crate::FieldError>, err: DomainError) {
    if let DomainError::Invalid(list) = err {
        errors.extend(list);
    }
}

/// A workspace named in a list (a client's grants, an invitation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceRef {
    pub id: Uuid,
    pub name: String,
}

/// Someone who belongs to the organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub user_id: Uuid,
    pub email: String,
    pub role: Role,
    pub joined_at: DateTime<Utc>,
    pub is_you: bool,
}

/// A client user and the workspaces they may read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientView {
    pub user_id: Uuid,
    pub email: String,
    pub workspaces: Vec<WorkspaceRef>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationState {
    Pending,
    Expired,
}

/// An invitation not yet accepted or revoked, for the team page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub workspaces: Vec<WorkspaceRef>,
    pub invited_by: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub expires_at: DateTime<Utc>,
    pub state: InvitationState,
}

/// The team page in one read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamView {
    pub organization: String,
    pub members: Vec<MemberView>,
    pub clients: Vec<ClientView>,
    pub invitations: Vec<InvitationView>,
    /// "3 of 5 members (1 invited)", from the plan.
    pub seats: String,
    pub your_role: Role,
    pub workspaces: Vec<WorkspaceRef>,
}

/// What the invitation page shows before it is accepted: only what the invitee needs, and
/// nothing of the organisation beyond its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPreview {
    pub organization: String,
    pub email: String,
    pub role: Role,
    pub workspaces: Vec<String>,
    pub invited_by: Option<String>,
    pub expires_at: DateTime<Utc>,
    /// Whether an account with the invited address exists (the invitee then signs in).
    pub account_exists: bool,
}

/// How many lines a page of the activity log shows.
pub const ACTIVITY_PAGE: u64 = 100;

/// What the activity log records. The words are stored, so they never change meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Activity {
    #[serde(rename = "invitation.sent")]
    InvitationSent,
    #[serde(rename = "invitation.resent")]
    InvitationResent,
    #[serde(rename = "invitation.revoked")]
    InvitationRevoked,
    #[serde(rename = "invitation.accepted")]
    InvitationAccepted,
    #[serde(rename = "member.role_changed")]
    RoleChanged,
    #[serde(rename = "member.removed")]
    MemberRemoved,
    #[serde(rename = "client.workspaces_changed")]
    ClientWorkspacesChanged,
    #[serde(rename = "ownership.transferred")]
    OwnershipTransferred,
    #[serde(rename = "workspace.created")]
    WorkspaceCreated,
    #[serde(rename = "workspace.renamed")]
    WorkspaceRenamed,
    #[serde(rename = "workspace.archived")]
    WorkspaceArchived,
    #[serde(rename = "workspace.restored")]
    WorkspaceRestored,
    #[serde(rename = "share_link.created")]
    ShareLinkCreated,
    #[serde(rename = "share_link.revoked")]
    ShareLinkRevoked,
    #[serde(rename = "plan.changed")]
    PlanChanged,
    #[serde(rename = "product.deleted")]
    ProductDeleted,
    #[serde(rename = "branding.changed")]
    BrandingChanged,
    #[serde(rename = "workspace.monthly_report")]
    MonthlyReportChanged,
}

impl Activity {
    pub const ALL: [Activity; 18] = [
        Self::InvitationSent,
        Self::InvitationResent,
        Self::InvitationRevoked,
        Self::InvitationAccepted,
        Self::RoleChanged,
        Self::MemberRemoved,
        Self::ClientWorkspacesChanged,
        Self::OwnershipTransferred,
        Self::WorkspaceCreated,
        Self::WorkspaceRenamed,
        Self::WorkspaceArchived,
        Self::WorkspaceRestored,
        Self::ShareLinkCreated,
        Self::ShareLinkRevoked,
        Self::PlanChanged,
        Self::ProductDeleted,
        Self::BrandingChanged,
        Self::MonthlyReportChanged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvitationSent => "invitation.sent",
            Self::InvitationResent => "invitation.resent",
            Self::InvitationRevoked => "invitation.revoked",
            Self::InvitationAccepted => "invitation.accepted",
            Self::RoleChanged => "member.role_changed",
            Self::MemberRemoved => "member.removed",
            Self::ClientWorkspacesChanged => "client.workspaces_changed",
            Self::OwnershipTransferred => "ownership.transferred",
            Self::WorkspaceCreated => "workspace.created",
            Self::WorkspaceRenamed => "workspace.renamed",
            Self::WorkspaceArchived => "workspace.archived",
            Self::WorkspaceRestored => "workspace.restored",
            Self::ShareLinkCreated => "share_link.created",
            Self::ShareLinkRevoked => "share_link.revoked",
            Self::PlanChanged => "plan.changed",
            Self::ProductDeleted => "product.deleted",
            Self::BrandingChanged => "branding.changed",
            Self::MonthlyReportChanged => "workspace.monthly_report",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::InvitationSent => "Invited",
            Self::InvitationResent => "Re-sent an invitation",
            Self::InvitationRevoked => "Revoked an invitation",
            Self::InvitationAccepted => "Joined",
            Self::RoleChanged => "Changed a role",
            Self::MemberRemoved => "Removed",
            Self::ClientWorkspacesChanged => "Changed a client's workspaces",
            Self::OwnershipTransferred => "Handed over ownership",
            Self::WorkspaceCreated => "Created a workspace",
            Self::WorkspaceRenamed => "Renamed a workspace",
            Self::WorkspaceArchived => "Archived a workspace",
            Self::WorkspaceRestored => "Restored a workspace",
            Self::ShareLinkCreated => "Created a share link",
            Self::ShareLinkRevoked => "Revoked a share link",
            Self::PlanChanged => "Plan changed",
            Self::ProductDeleted => "Deleted a product",
            Self::BrandingChanged => "Changed the branding",
            Self::MonthlyReportChanged => "Changed the monthly report",
        }
    }
}

/// One line of the activity log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityView {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: Activity,
    pub subject: String,
    pub workspace: Option<String>,
    pub client_addr: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(email: &str, role: &str, workspaces: Vec<Uuid>) -> InviteForm {
        InviteForm { email: email.into(), role: role.into(), workspaces }
    }

    #[test]
    fn invitations_name_a_real_role_and_clients_name_workspaces() {
        let ws = Uuid::new_v4();
        let spec = form(" Bob@Example.com ", "member", vec![ws]).parse().unwrap();
        assert_eq!((spec.email.as_str(), spec.role, spec.workspaces.len()), ("bob@example.com", Role::Member, 0));
        assert_eq!(form("c@example.com", "client", vec![ws, ws]).parse().unwrap().workspaces, vec![ws]);
        let fields = |f: InviteForm| match f.parse() {
            Err(DomainError::Invalid(list)) => list.into_iter().map(|e| e.field).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        assert_eq!(fields(form("c@example.com", "client", vec![])), ["workspaces"]);
        assert_eq!(fields(form("nope", "owner", vec![])), ["email", "role"]);
        assert_eq!(fields(form("a@example.com", "root", vec![])), ["role"]);
    }
}
