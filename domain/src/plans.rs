//! Plans and their limits. The numbers live in configuration; these are the defaults the
//! configuration starts from (product.md), so no code path hard-codes a limit.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    Free,
    Pro,
    Agency,
}

impl Plan {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Free => "free",
            Self::Pro => "pro",
            Self::Agency => "agency",
        }
    }
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "free" => Some(Self::Free),
            "pro" => Some(Self::Pro),
            "agency" => Some(Self::Agency),
            _ => None,
        }
    }
}

/// `None` means unlimited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanLimits {
    pub products: Option<u32>,
    pub workspaces: Option<u32>,
    pub members: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanTable {
    pub free: PlanLimits,
    pub pro: PlanLimits,
    pub agency: PlanLimits,
}

impl Default for PlanTable {
    fn default() -> Self {
        Self {
            free: PlanLimits { products: Some(1), workspaces: Some(1), members: Some(1) },
            pro: PlanLimits { products: Some(10), workspaces: Some(1), members: Some(5) },
            agency: PlanLimits { products: Some(100), workspaces: None, members: Some(25) },
        }
    }
}

impl PlanTable {
    pub fn limits(&self, plan: Plan) -> &PlanLimits {
        match plan {
            Plan::Free => &self.free,
            Plan::Pro => &self.pro,
            Plan::Agency => &self.agency,
        }
    }
}
