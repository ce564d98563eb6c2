//! Blue-team metrics, checked by hand against the demo's good engagement, and invariants on random ones.

use crate::common::{demo, mini_catalogue};
use chrono::{Duration, TimeZone, Utc};
use opres_domain::Bilingual;
use opres_domain::Timestamp;
use opres_tlpt::codes::*;
use opres_tlpt::demo::GOOD_ENGAGEMENT;
use opres_tlpt::ids::{LocalId, TechniqueId};
use opres_tlpt::metrics::{self, EngagementMetrics};
use opres_tlpt::model::*;
use proptest::prelude::*;

fn good() -> EngagementMetrics {
    let p = demo();
    metrics::compute(p.require_engagement(GOOD_ENGAGEMENT).unwrap_or_else(|e| panic!("{e}")), None)
}

#[test]
fn detection_rates_and_times() {
    let m = good();
    assert_eq!((m.steps_executed, m.steps_detected), (14, 7));
    assert_eq!(m.detection_rate, Some(0.5));
    let st01 = m.steps.iter().find(|s| s.step.as_str() == "ST01").unwrap_or_else(|| panic!("ST01"));
    // Phishing mail at d0, reported by staff 25 min later, CSIRT escalation response 70 min after d0.
    assert_eq!(st01.time_to_detect_secs, Some(25 * 60));
    assert_eq!(st01.time_to_respond_secs, Some(70 * 60));
    assert_eq!(st01.detection_to_response_secs, Some(45 * 60));
    assert_eq!(st01.detection_sources, vec![DetectionSource::StaffReport]);
    let st02 = m.steps.iter().find(|s| s.step.as_str() == "ST02").unwrap_or_else(|| panic!("ST02"));
    assert!(!st02.detected && st02.time_to_detect_secs.is_none());
}

#[test]
fn per_technique_and_tactic() {
    let m = good();
    let t1133 = m.techniques.iter().find(|r| r.key == "T1133").unwrap_or_else(|| panic!("T1133"));
    assert_eq!((t1133.executed, t1133.detected, t1133.rate), (2, 0, 0.0));
    // Initial access: ST01 (detected), ST06, ST07 (detected), ST09, ST12.
    let ia = m.tactics.iter().find(|r| r.key == "initial-access").unwrap_or_else(|| panic!("initial-access"));
    assert_eq!((ia.executed, ia.detected), (5, 2));
    assert_eq!(m.detections_by_source.get(&DetectionSource::Soc), Some(&3));
}

#[test]
fn tactics_come_from_attack_data_when_steps_have_none() {
    let mut p = demo();
    let e = p.engagements.iter_mut().find(|e| e.id.as_str() == GOOD_ENGAGEMENT).unwrap_or_else(|| panic!("demo"));
    for s in &mut e.steps {
        s.tactic = None;
    }
    let without = metrics::compute(e, None);
    assert!(without.tactics.iter().all(|r| r.key == "unattributed"));
    let with = metrics::compute(e, Some(&mini_catalogue()));
    // T1003.001 is credential access in the mini bundle; T1133 initial access.
    assert!(with.tactics.iter().any(|r| r.key == "credential-access"));
    assert!(with.tactics.iter().any(|r| r.key == "initial-access" && r.executed == 3));
}

#[test]
fn per_scenario_flags_and_leg_ups() {
    let m = good();
    let s1 = m.scenarios.iter().find(|s| s.scenario.as_str() == "S1").unwrap_or_else(|| panic!("S1"));
    assert_eq!((s1.steps, s1.paths_attempted, s1.alternative_paths_attempted), (7, 3, 2));
    assert_eq!(s1.time_to_detect_secs, Some(25 * 60));
    assert_eq!(s1.flags_captured.len(), 2);
    let s2 = m.scenarios.iter().find(|s| s.scenario.as_str() == "S2").unwrap_or_else(|| panic!("S2"));
    assert_eq!((s2.leg_ups_granted, s2.leg_ups_used), (1, 1));
    assert_eq!((m.flags_total, m.flags_captured.len()), (3, 3));
    assert_eq!((m.leg_ups_granted, m.leg_ups_used), (1, 1));
}

#[test]
fn phishing_escalation_chain() {
    let m = good();
    let ph = m.phishing_overall.clone().unwrap_or_else(|| panic!("phishing"));
    assert_eq!((ph.recipients, ph.clicks, ph.reports), (120, 14, 9));
    assert_eq!(ph.report_rate, Some(9.0 / 120.0));
    // Sent 10 min before d0; first report at d0 + 15 min.
    assert_eq!(ph.time_to_first_report_secs, Some(25 * 60));
    // Seven reports escalated after 20, 25, … 50 min: median 35 min.
    assert_eq!((ph.reports_escalated, ph.median_escalation_secs), (7, Some(35 * 60)));
    // Five CSIRT responses 35, 40, … 55 min after escalation: median 45 min.
    assert_eq!((ph.csirt_responses, ph.median_csirt_response_secs), (5, Some(45 * 60)));
}

fn lid(s: &str) -> LocalId {
    LocalId::parse(s).unwrap_or_else(|e| panic!("{e}"))
}

fn t0() -> Timestamp {
    Utc.with_ymd_and_hms(2026, 1, 10, 0, 0, 0).single().unwrap_or_default()
}

/// A minimal engagement with the given steps (offsets in minutes) and detections (step, delay).
fn engagement(steps: &[i64], detections: &[(usize, i64)]) -> Engagement {
    let mut p = demo();
    let mut e = p.engagements.remove(2);
    e.steps = steps
        .iter()
        .enumerate()
        .map(|(i, m)| AttackStep {
            id: lid(&format!("X{i}")),
            scenario: lid("S1"),
            path: lid("P1"),
            at: t0() + Duration::minutes(*m),
            technique: TechniqueId::parse(["T1566.001", "T1078", "T1021.002"][i % 3]).unwrap_or_else(|e| panic!("{e}")),
            tactic: None,
            target: None,
            result: StepResult::Succeeded,
            leg_up: None,
            flag: None,
            note: None,
        })
        .collect();
    e.detections = detections
        .iter()
        .enumerate()
        .map(|(k, (s, delay))| Detection {
            id: lid(&format!("D{k}")),
            at: t0() + Duration::minutes(steps[*s] + delay),
            source: DetectionSource::Soc,
            steps: vec![lid(&format!("X{s}"))],
            note: Some(Bilingual::en("x")),
        })
        .collect();
    e.responses.clear();
    e
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn metrics_invariants(
        steps in proptest::collection::vec(0i64..10_000, 1..20),
        raw in proptest::collection::vec((0usize..100, 0i64..600), 0..20),
    ) {
        let detections: Vec<(usize, i64)> = raw.into_iter().map(|(s, d)| (s % steps.len(), d)).collect();
        let e = engagement(&steps, &detections);
        let m = metrics::compute(&e, None);
        prop_assert_eq!(m.steps_executed, steps.len());
        prop_assert!(m.steps_detected <= m.steps_executed);
        let detected: std::collections::BTreeSet<usize> = detections.iter().map(|(s, _)| *s).collect();
        prop_assert_eq!(m.steps_detected, detected.len());
        for s in &m.steps {
            // A time to detect is never negative and never longer than the slowest detection.
            if let Some(t) = s.time_to_detect_secs {
                prop_assert!((0..=600 * 60).contains(&t));
            }
        }
        let sum: usize = m.techniques.iter().map(|r| r.executed).sum();
        prop_assert_eq!(sum, steps.len());
        for r in m.techniques.iter().chain(&m.tactics) {
            prop_assert!((0.0..=1.0).contains(&r.rate));
        }
    }
}
