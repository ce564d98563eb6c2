//! Integration tests of the resilience engine: one binary, modules by area.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

mod concentration;
mod engine;
mod interchange;
mod maps_report;
mod model;
mod spof;

use chrono::{NaiveDate, TimeZone};
use opres_domain::{JST, Timestamp};
use opres_resilience::scenario::Loss;
use opres_resilience::*;

/// An id.
pub fn id(s: &str) -> NodeId {
    NodeId::parse(s).unwrap()
}

/// A service with one FSA tolerance of `max_minutes` depending on `deps` through `gate`.
pub fn svc(sid: &str, gate: Gate, deps: &[&str], max_minutes: f64) -> ImportantBusinessService {
    ImportantBusinessService {
        id: id(sid),
        name_ja: format!("業務{sid}"),
        name_en: format!("Service {sid}"),
        criteria: ImportanceCriteria { customer_impact: 3, ..Default::default() },
        rationale_ja: String::new(),
        rationale_en: String::new(),
        owner: "owner".into(),
        last_reviewed: NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
        next_review: NaiveDate::from_ymd_opt(2027, 3, 31).unwrap(),
        rates: ImpactRates::default(),
        tolerances: vec![ImpactTolerance::max_duration(max_minutes)],
        gate,
        depends_on: deps.iter().map(|d| id(d)).collect(),
    }
}

/// A system resource with a gate over `deps`.
pub fn sys(rid: &str, gate: Gate, deps: &[&str]) -> Resource {
    let mut r = Resource::new(id(rid), ResourceKind::System, &format!("システム{rid}"), &format!("System {rid}"));
    r.gate = gate;
    r.depends_on = deps.iter().map(|d| id(d)).collect();
    r
}

/// A validated map of services and resources.
pub fn build(services: Vec<ImportantBusinessService>, resources: Vec<Resource>) -> DependencyMap {
    DependencyMap::new(MapData { institution: None, services, processes: vec![], resources }).unwrap()
}

/// 2026-06-15 10:00 JST: a Monday morning, far from any cut-off used in tests.
pub fn start() -> Timestamp {
    JST.with_ymd_and_hms(2026, 6, 15, 10, 0, 0).unwrap().to_utc()
}

/// An outage scenario at [`start`].
pub fn outage(losses: &[(&str, Restoration)]) -> Scenario {
    Scenario {
        id: "T".into(),
        name_ja: "試験".into(),
        name_en: "test".into(),
        start: start(),
        kind: ScenarioKind::Outage {
            losses: losses.iter().map(|(r, rest)| Loss { resource: id(r), restoration: *rest }).collect(),
        },
    }
}

/// A fixed restoration.
pub fn fixed(minutes: f64) -> Restoration {
    Restoration::Fixed { minutes }
}
