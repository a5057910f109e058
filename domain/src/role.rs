//! Who may do what. Owners, admins and members belong to the organisation and see every
//! workspace; a client is granted chosen workspaces and only reads them. The browser shows it
//! (which controls appear), the server enforces it (`platform::tenancy`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Admin,
    Member,
    /// An agency's customer: reads the workspaces they were granted, changes nothing.
    Client,
}

/// Something a role may or may not do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    /// Products, monitors, audits, alert channels, status pages, share links, sprint bookings.
    Edit,
    /// Create, rename, archive and restore workspaces; branding and client reports.
    ManageWorkspaces,
    /// Invite, remove and change the role of people (never the owner).
    ManageTeam,
    /// The organisation's activity log.
    ReadActivity,
    /// Plans, Stripe Checkout and the Customer Portal.
    ManageBilling,
    /// Hand the organisation to another member.
    TransferOwnership,
    /// Every workspace at once (the portfolio), and the team list.
    SeeAllWorkspaces,
    /// A workspace's internals: alert channels and their destinations, the delivery log,
    /// sprint bookings. Clients see results, not how the agency runs them.
    SeeInternals,
}

impl Role {
    pub const ALL: [Role; 4] = [Self::Owner, Self::Admin, Self::Member, Self::Client];
    /// The roles an invitation may offer (ownership is transferred, never invited).
    pub const INVITABLE: [Role; 3] = [Self::Admin, Self::Member, Self::Client];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Member => "member",
            Self::Client => "client",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Owner => "Owner",
            Self::Admin => "Admin",
            Self::Member => "Member",
            Self::Client => "Client (read-only)",
        }
    }

    /// One line on what the role allows, for the invitation form and the team page.
    pub fn summary(self) -> &'static str {
        match self {
            Self::Owner => "Everything, including billing and handing the organisation over.",
            Self::Admin => "Everything but billing and ownership: workspaces, people, products.",
            Self::Member => "Works on products, monitors and audits in every workspace.",
            Self::Client => "Sees the workspaces you choose, read-only. Not counted as a member.",
        }
    }

    /// Belongs to the organisation (counted against `members`), as opposed to a client.
    pub fn is_staff(self) -> bool {
        !matches!(self, Self::Client)
    }

    pub fn can(self, capability: Capability) -> bool {
        use Capability::*;
        match self {
            Self::Owner => true,
            Self::Admin => !matches!(capability, ManageBilling | TransferOwnership),
            Self::Member => matches!(capability, Edit | SeeAllWorkspaces | SeeInternals),
            Self::Client => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_read_back_and_clients_change_nothing() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("superuser"), None);
        assert!(Role::Owner.can(Capability::ManageBilling));
        assert!(!Role::Admin.can(Capability::ManageBilling) && Role::Admin.can(Capability::ManageTeam));
        assert!(Role::Member.can(Capability::Edit) && !Role::Member.can(Capability::ManageTeam));
        assert!(!Role::Client.can(Capability::Edit) && !Role::Client.is_staff());
    }
}
