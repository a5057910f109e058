//! The agency's portfolio: every client workspace's products on one page, with the numbers an
//! account manager scans first. Sorting and filtering happen in the browser on these rows.

use crate::scorecard::{Decision, Grade};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One product (or a workspace without products) in the portfolio.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortfolioRow {
    pub workspace: String,
    /// Where the workspace's pages are (`/app/w/{slug}`).
    pub workspace_path: String,
    /// `None` for a workspace without products.
    pub product: Option<String>,
    pub product_path: Option<String>,
    pub decision: Option<Decision>,
    pub grade: Option<Grade>,
    pub score: Option<u32>,
    /// Scores of the latest finished audits, oldest first (at most 6).
    pub score_trend: Vec<u32>,
    pub audited_at: Option<DateTime<Utc>>,
    /// `None` when nothing was measured in the 7 days.
    pub uptime_7d: Option<f64>,
    pub open_incidents: u32,
    /// Alerts of the workspace that could not be delivered in the last 7 days.
    pub failed_alerts_7d: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Portfolio {
    pub rows: Vec<PortfolioRow>,
    pub workspaces: u32,
    pub products: u32,
    pub generated_at: DateTime<Utc>,
}

/// How the portfolio is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PortfolioSort {
    /// Hold first, then Go after fixes, then Go, then not scored; by workspace within.
    Decision,
    Workspace,
    /// Lowest score first.
    Score,
    /// Lowest uptime first.
    Uptime,
    Incidents,
}

impl PortfolioSort {
    pub const ALL: [PortfolioSort; 5] = [Self::Decision, Self::Workspace, Self::Score, Self::Uptime, Self::Incidents];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Decision => "decision",
            Self::Workspace => "workspace",
            Self::Score => "score",
            Self::Uptime => "uptime",
            Self::Incidents => "incidents",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Decision => "Decision (Hold first)",
            Self::Workspace => "Client",
            Self::Score => "Score (lowest first)",
            Self::Uptime => "Uptime (lowest first)",
            Self::Incidents => "Open incidents (most first)",
        }
    }
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

fn decision_rank(d: Option<Decision>) -> u8 {
    match d {
        Some(Decision::Hold) => 0,
        Some(Decision::GoAfterFixes) => 1,
        Some(Decision::Go) => 2,
        None => 3,
    }
}

/// Sorts rows in place; ties keep workspace then product order.
pub fn sort_rows(rows: &mut [PortfolioRow], sort: PortfolioSort) {
    let name = |r: &PortfolioRow| (r.workspace.to_lowercase(), r.product.clone().unwrap_or_default().to_lowercase());
    match sort {
        PortfolioSort::Decision => rows.sort_by_key(|r| (decision_rank(r.decision), name(r))),
        PortfolioSort::Workspace => rows.sort_by_key(name),
        PortfolioSort::Score => rows.sort_by_key(|r| (r.score.unwrap_or(u32::MAX), name(r))),
        PortfolioSort::Uptime => rows.sort_by(|a, b| {
            let key = |r: &PortfolioRow| r.uptime_7d.unwrap_or(f64::INFINITY);
            key(a).total_cmp(&key(b)).then_with(|| name(a).cmp(&name(b)))
        }),
        PortfolioSort::Incidents => rows.sort_by_key(|r| (std::cmp::Reverse(r.open_incidents), name(r))),
    }
}

/// Rows with `decision` ("hold", "go_after_fixes", "go", "none"); every row for "".
pub fn filter_rows(rows: Vec<PortfolioRow>, decision: &str) -> Vec<PortfolioRow> {
    rows.into_iter()
        .filter(|r| match decision {
            "" | "all" => true,
            "none" => r.decision.is_none() && r.product.is_some(),
            wanted => r.decision.is_some_and(|d| d.as_str() == wanted),
        })
        .collect()
}
