//! How incidents are asked for: filters, sorting and paging.

use crate::Stored;
use opres_domain::{Channel, Incident, IncidentStatus, InstitutionCode, Timestamp, Trend, Trigger};
use serde::{Deserialize, Serialize};

/// Which incidents to include. Every field narrows; empty means everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentFilter {
    /// Only these institutions (the caller's scope). `None`: all.
    pub institutions: Option<Vec<InstitutionCode>>,
    /// Occurred at or after.
    pub occurred_from: Option<Timestamp>,
    /// Occurred before.
    pub occurred_before: Option<Timestamp>,
    /// Trigger of the accepted classification.
    pub trigger: Option<Trigger>,
    /// Primary trend of the accepted classification.
    pub trend: Option<Trend>,
    /// Affected this channel.
    pub channel: Option<Channel>,
    /// Derived status.
    pub status: Option<IncidentStatus>,
    /// Cyber attack or not.
    pub cyber_attack: Option<bool>,
    /// Substring of reference, title or description (case-insensitive where the engine allows).
    pub text: Option<String>,
}

/// Sort keys for incident lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentSort {
    /// When it occurred (default, newest first).
    #[default]
    OccurredAt,
    /// When it was detected.
    DetectedAt,
    /// Reference.
    Reference,
    /// Institution code.
    Institution,
    /// Trend code.
    Trend,
    /// Customers affected.
    CustomersAffected,
}

impl IncidentSort {
    /// Every sort key.
    pub const ALL: [IncidentSort; 6] = [
        IncidentSort::OccurredAt,
        IncidentSort::DetectedAt,
        IncidentSort::Reference,
        IncidentSort::Institution,
        IncidentSort::Trend,
        IncidentSort::CustomersAffected,
    ];

    /// The stable code used in URLs.
    pub fn code(self) -> &'static str {
        match self {
            IncidentSort::OccurredAt => "occurred_at",
            IncidentSort::DetectedAt => "detected_at",
            IncidentSort::Reference => "reference",
            IncidentSort::Institution => "institution",
            IncidentSort::Trend => "trend",
            IncidentSort::CustomersAffected => "customers_affected",
        }
    }

    /// Parses a code.
    pub fn parse(code: &str) -> Option<IncidentSort> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether the column can be NULL (only the counts can).
    pub(crate) fn nullable(self) -> bool {
        matches!(self, IncidentSort::CustomersAffected)
    }

    pub(crate) fn column(self) -> &'static str {
        match self {
            IncidentSort::OccurredAt => "i.occurred_at",
            IncidentSort::DetectedAt => "i.detected_at",
            IncidentSort::Reference => "i.reference",
            IncidentSort::Institution => "inst.code",
            IncidentSort::Trend => "i.trend_code",
            IncidentSort::CustomersAffected => "i.customers_affected",
        }
    }
}

/// A filtered, sorted page of incidents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentQuery {
    /// Which incidents.
    pub filter: IncidentFilter,
    /// Sort key.
    pub sort: IncidentSort,
    /// Largest first.
    pub descending: bool,
    /// Page size (1–1000).
    pub limit: u32,
    /// Rows to skip.
    pub offset: u64,
}

impl Default for IncidentQuery {
    fn default() -> Self {
        IncidentQuery {
            filter: IncidentFilter::default(),
            sort: IncidentSort::OccurredAt,
            descending: true,
            limit: 50,
            offset: 0,
        }
    }
}

/// One page of results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncidentPage {
    /// Matching incidents in all pages (at most the cap of [`crate::Store::list_incidents_capped`]).
    pub total: u64,
    /// Whether counting stopped at the cap: there are at least `total` matches.
    pub total_capped: bool,
    /// This page.
    pub items: Vec<Stored<Incident>>,
}
