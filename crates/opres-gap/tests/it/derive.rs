//! Proposals derived from the register's facts, through the public `derive`: the built-in report
//! challenges, small frameworks for practice checks and basic actions, and the invariants.

use chrono::NaiveDate;
use opres_domain::{Criticality, IncidentRef, Lang, Trend};
use opres_gap::derive::{
    CapacityFacts, CapacityReading, CultureFacts, FailoverRun, Hhi, IncidentFacts, NoSubstitute, Period,
    PeriodIncident, Proposal, RedundancyFacts, ResilienceFacts, ScenarioFacts, ScenarioRun, ServiceFacts,
    ThirdPartyFacts, TlptFacts, ToleranceFacts, VendorIncident,
};
use opres_gap::framework::{FrameworkRecord, RequirementRecord};
use opres_gap::{Basis, EntryRecord, Facts, Framework, ResultCode, built_in, derive};
use opres_tlpt::EngagementId;
use opres_tlpt::assess::{CheckId, CheckResult, Verdict};
use proptest::prelude::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn today() -> NaiveDate {
    day(2026, 12, 1)
}

fn inc(r: &str) -> IncidentRef {
    IncidentRef::parse(r).unwrap()
}

fn challenges() -> Framework {
    built_in("report_challenges.json").unwrap().unwrap()
}

fn incident_facts(list: &[(&str, Trend, Criticality)], chains: &[&[&str]]) -> IncidentFacts {
    IncidentFacts {
        as_of: day(2026, 11, 30),
        period: Period::new(day(2025, 12, 1), day(2026, 11, 30)).unwrap(),
        incidents: list
            .iter()
            .map(|(r, t, c)| PeriodIncident {
                reference: inc(r),
                occurred_on: day(2026, 5, 1),
                trend: *t,
                impact: Some(*c),
            })
            .collect(),
        chains: chains.iter().map(|c| c.iter().map(|r| inc(r)).collect()).collect(),
    }
}

fn proposal<'a>(ps: &'a [Proposal], id: &str) -> Option<&'a Proposal> {
    ps.iter().find(|p| p.requirement == id)
}

fn text(p: &Proposal, lang: Lang) -> String {
    p.reasons.iter().map(|r| r.get(lang).to_string()).collect::<Vec<_>>().join("\n")
}

#[test]
fn no_facts_give_no_proposal() {
    assert!(derive(&challenges(), &Facts::default(), today()).is_empty());
}

#[test]
fn the_report_challenges_are_proposed_from_incidents_alone_where_nothing_else_is_asked() {
    let facts = Facts {
        incidents: Some(incident_facts(
            &[
                ("INC-1", Trend::WorkMisoperation, Criticality::High),
                ("INC-2", Trend::WorkMisoperation, Criticality::Critical),
            ],
            &[&["INC-1", "INC-2"]],
        )),
        ..Default::default()
    };
    let ps = derive(&challenges(), &facts, today());
    let p = proposal(&ps, "work.misoperation.procedures").unwrap();
    assert_eq!(p.proposed, ResultCode::NotMet);
    assert_eq!(p.records, ["INC-1", "INC-2"]);
    assert_eq!((p.derived_on, p.stale), (today(), false));
    assert!(text(p, Lang::Ja).contains("障害傾向 work.misoperation が再発"), "{}", text(p, Lang::Ja));
    let p = proposal(&ps, "cyber.ddos.mitigation").unwrap();
    assert_eq!(p.proposed, ResultCode::Met);
    assert!(p.records.is_empty());
    // Linked to a topic the facts lack: its trend is met, so nothing is proposed (no "met" by absence).
    assert!(proposal(&ps, "operations.redundancy.effective").is_none());
    assert!(proposal(&ps, "change.outsourcing.management").is_none());
    // Grouping nodes are not assessed.
    assert!(proposal(&ps, "work.misoperation").is_none());
    // Both trends of the shared bullet are judged.
    assert_eq!(proposal(&ps, "change.staff_and_third_party").unwrap().proposed, ResultCode::Met);
}

#[test]
fn a_gap_stands_when_another_link_has_no_data_and_says_so() {
    let facts = Facts {
        incidents: Some(incident_facts(&[("INC-3", Trend::OperationsRedundancy, Criticality::Critical)], &[])),
        ..Default::default()
    };
    let ps = derive(&challenges(), &facts, today());
    let p = proposal(&ps, "operations.redundancy.effective").unwrap();
    assert_eq!(p.proposed, ResultCode::PartlyMet);
    assert!(
        text(p, Lang::En).contains("Redundancy works as intended: no data in the register"),
        "{}",
        text(p, Lang::En)
    );
}

fn redundancy(worked: bool, ran_on: NaiveDate) -> RedundancyFacts {
    RedundancyFacts {
        as_of: day(2026, 11, 1),
        failover_runs: vec![FailoverRun { scenario: "SC-DR".into(), ran_on, switchover_worked: worked }],
        soft_spofs: vec![],
        incidents: vec![],
    }
}

#[test]
fn several_links_combine_with_the_weakest_deciding_and_every_reason_kept() {
    let mut facts = Facts {
        incidents: Some(incident_facts(&[], &[])),
        redundancy: Some(redundancy(true, day(2026, 9, 1))),
        ..Default::default()
    };
    let ps = derive(&challenges(), &facts, today());
    let p = proposal(&ps, "operations.redundancy.effective").unwrap();
    assert_eq!(p.proposed, ResultCode::Met);
    assert_eq!(p.records, ["SC-DR"]);
    assert!(text(p, Lang::En).contains("No incident of trend operations.redundancy"));
    assert!(text(p, Lang::En).contains("the switchover worked"));

    facts.redundancy = Some(redundancy(false, day(2026, 9, 1)));
    let ps = derive(&challenges(), &facts, today());
    let p = proposal(&ps, "operations.redundancy.effective").unwrap();
    assert_eq!(p.proposed, ResultCode::NotMet);
    assert_eq!(p.reasons.len(), 2, "{}", text(p, Lang::En));
    // The other redundancy bullet asks only about its trend.
    assert_eq!(proposal(&ps, "operations.redundancy.patches").unwrap().proposed, ResultCode::Met);
}

#[test]
fn staleness_of_any_fact_used_marks_the_proposal() {
    let facts = Facts {
        incidents: Some(incident_facts(&[], &[])),
        redundancy: Some(redundancy(true, day(2024, 5, 1))),
        ..Default::default()
    };
    let ps = derive(&challenges(), &facts, today());
    let p = proposal(&ps, "operations.redundancy.effective").unwrap();
    assert!(p.stale);
    assert!(text(p, Lang::Ja).contains("2024-05-01"));
    assert!(!proposal(&ps, "operations.redundancy.patches").unwrap().stale);
}

fn small_framework() -> Framework {
    let req = |id: &str, checks: &[&str], action: Option<&str>, topics: &[&str]| RequirementRecord {
        id: id.into(),
        title_en: id.into(),
        assessable: true,
        practice_checks: checks.iter().map(|s| s.to_string()).collect(),
        basic_action: action.map(Into::into),
        topics: topics.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    };
    FrameworkRecord {
        id: "small".into(),
        name_en: "Small".into(),
        requirements: vec![
            req("tlpt.blue_team", &["evaluation.blue_team_not_told", "evaluation.multiple_paths_detours"], None, &[]),
            req("tlpt.culture", &[], None, &["tlpt_culture"]),
            req("or.tolerance", &[], Some("set_impact_tolerance"), &[]),
            req("or.verify", &[], Some("verify_and_act"), &[]),
        ],
        ..Default::default()
    }
    .validate("small.json")
    .unwrap()
}

fn check(c: CheckId, verdict: Verdict) -> CheckResult {
    CheckResult {
        check: c,
        area: c.area(),
        side: c.side(),
        verdict,
        evidence: opres_domain::Bilingual::both("証跡", "evidence"),
        action: opres_domain::Bilingual::both("対応", "action"),
    }
}

fn tlpt(verdicts: &[(CheckId, Verdict)], tested_on: NaiveDate) -> TlptFacts {
    TlptFacts {
        engagement: EngagementId::parse("TLPT-2025").unwrap(),
        tested_on,
        checks: verdicts.iter().map(|(c, v)| check(*c, *v)).collect(),
    }
}

#[test]
fn practice_checks_propose_from_the_latest_engagement() {
    let f = small_framework();
    let good = [(CheckId::EvalBlueTeamNotTold, Verdict::Good), (CheckId::EvalMultiplePathsDetours, Verdict::Good)];
    let ps = derive(&f, &Facts { tlpt: Some(tlpt(&good, day(2025, 6, 30))), ..Default::default() }, today());
    let p = proposal(&ps, "tlpt.blue_team").unwrap();
    assert_eq!((p.proposed, p.stale), (ResultCode::Met, false));
    assert_eq!(p.records, ["TLPT-2025"]);

    let mixed =
        [(CheckId::EvalBlueTeamNotTold, Verdict::Good), (CheckId::EvalMultiplePathsDetours, Verdict::Insufficient)];
    let ps = derive(&f, &Facts { tlpt: Some(tlpt(&mixed, day(2022, 6, 30))), ..Default::default() }, today());
    let p = proposal(&ps, "tlpt.blue_team").unwrap();
    assert_eq!(p.proposed, ResultCode::NotMet);
    assert!(p.stale, "an engagement over three years old");
    assert!(text(p, Lang::En).contains("insufficient: evidence"));

    // One check without enough data: a met cannot be proposed from the other alone.
    let partial =
        [(CheckId::EvalBlueTeamNotTold, Verdict::Good), (CheckId::EvalMultiplePathsDetours, Verdict::NotEnoughData)];
    let ps = derive(&f, &Facts { tlpt: Some(tlpt(&partial, day(2025, 6, 30))), ..Default::default() }, today());
    assert!(proposal(&ps, "tlpt.blue_team").is_none());
}

#[test]
fn culture_proposes_from_every_engagement_looked_at() {
    let f = small_framework();
    let e = |s: &str| EngagementId::parse(s).unwrap();
    let clean = CultureFacts {
        engagements: vec![e("TLPT-2023"), e("TLPT-2025")],
        latest_tested_on: day(2025, 6, 30),
        recurring_omitted: vec![],
        good_result_only: vec![],
    };
    let ps = derive(&f, &Facts { culture: Some(clean.clone()), ..Default::default() }, today());
    assert_eq!(proposal(&ps, "tlpt.culture").unwrap().proposed, ResultCode::Met);
    let bad = CultureFacts { good_result_only: vec![e("TLPT-2023")], ..clean.clone() };
    let ps = derive(&f, &Facts { culture: Some(bad), ..Default::default() }, today());
    let p = proposal(&ps, "tlpt.culture").unwrap();
    assert_eq!(p.proposed, ResultCode::NotMet);
    assert!(text(p, Lang::Ja).contains("「良好な結果であった」のみ"));
    let none = CultureFacts { engagements: vec![], ..clean };
    assert!(derive(&f, &Facts { culture: Some(none), ..Default::default() }, today()).is_empty());
}

fn resilience() -> ResilienceFacts {
    ResilienceFacts {
        as_of: day(2026, 11, 1),
        services: vec![ServiceFacts {
            service: "svc-pay".into(),
            tolerances: vec![ToleranceFacts { max_duration_minutes: 120.0, rlo_percent: Some(60.0) }],
            next_review: day(2027, 3, 31),
            mapped_resources: 3,
            critical_resources: vec![],
        }],
        scenarios: vec![ScenarioFacts { scenario: "SC-DC".into(), last_run: Some(day(2026, 2, 1)) }],
    }
}

#[test]
fn basic_actions_propose_from_the_resilience_map() {
    let f = small_framework();
    let ps = derive(&f, &Facts { resilience: Some(resilience()), ..Default::default() }, today());
    assert_eq!(proposal(&ps, "or.tolerance").unwrap().proposed, ResultCode::Met);
    assert_eq!(proposal(&ps, "or.verify").unwrap().proposed, ResultCode::Met);
    assert_eq!(proposal(&ps, "or.verify").unwrap().records, ["SC-DC"]);

    let mut r = resilience();
    r.services[0].tolerances[0].rlo_percent = None;
    r.scenarios.push(ScenarioFacts { scenario: "SC-STAFF".into(), last_run: None });
    let ps = derive(&f, &Facts { resilience: Some(r.clone()), ..Default::default() }, today());
    let p = proposal(&ps, "or.tolerance").unwrap();
    assert_eq!(p.proposed, ResultCode::PartlyMet);
    assert!(text(p, Lang::En).contains("without a recovery level objective (svc-pay)"));
    let p = proposal(&ps, "or.verify").unwrap();
    assert_eq!(p.proposed, ResultCode::PartlyMet);
    assert!(text(p, Lang::En).contains("not run in the last 12 months (SC-STAFF)"));

    r.as_of = day(2025, 1, 1);
    let ps = derive(&f, &Facts { resilience: Some(r), ..Default::default() }, today());
    assert!(ps.iter().all(|p| p.stale));
}

#[test]
fn an_assessor_accepting_or_overriding_a_proposal_is_recorded_against_it() {
    let facts = Facts {
        incidents: Some(incident_facts(&[("INC-1", Trend::CyberDdos, Criticality::High)], &[])),
        ..Default::default()
    };
    let ps = derive(&challenges(), &facts, today());
    let p = proposal(&ps, "cyber.ddos.mitigation").unwrap();
    assert_eq!(p.proposed, ResultCode::PartlyMet);
    let entry = |result: &str, reason: &str| EntryRecord {
        result: result.into(),
        current: Some(opres_domain::RawScalar::Int(2)),
        target: Some(opres_domain::RawScalar::Int(4)),
        override_reason: reason.into(),
        ..Default::default()
    };
    let accepted = entry("partly_met", "").validate(5, Some(p.seen())).unwrap();
    assert_eq!(accepted.basis, Basis::AcceptedProposal { derived_on: today() });
    assert!(entry("met", "").validate(5, Some(p.seen())).is_err());
    let overridden = entry("met", "mitigation contract signed in November").validate(5, Some(p.seen())).unwrap();
    assert!(matches!(overridden.basis, Basis::OverriddenProposal { proposed: ResultCode::PartlyMet, .. }));
}

const TRENDS: [Trend; 4] =
    [Trend::CyberDdos, Trend::OperationsRedundancy, Trend::OperationsStorage, Trend::WorkMisoperation];

/// Up to 8 incidents of four trends, with chains over them and over references outside the period.
fn incidents_strategy() -> impl Strategy<Value = IncidentFacts> {
    // Some occur after the period (up to 2026-11-30) and must not count.
    let incident = (0..4usize, prop::option::of(0..4usize), 0..250i64);
    (prop::collection::vec(incident, 0..8), prop::collection::vec(prop::collection::vec(0..10usize, 2..4), 0..3))
        .prop_map(|(list, chains)| {
            let crit = [Criticality::Critical, Criticality::High, Criticality::Medium, Criticality::Low];
            IncidentFacts {
                as_of: day(2026, 11, 30),
                period: Period::new(day(2025, 12, 1), day(2026, 11, 30)).unwrap(),
                incidents: list
                    .iter()
                    .enumerate()
                    .map(|(i, (t, c, d))| PeriodIncident {
                        reference: inc(&format!("INC-{i}")),
                        occurred_on: day(2026, 5, 1) + chrono::Duration::days(*d),
                        trend: TRENDS[*t],
                        impact: c.map(|c| crit[c]),
                    })
                    .collect(),
                chains: chains.iter().map(|c| c.iter().map(|i| inc(&format!("INC-{i}"))).collect()).collect(),
            }
        })
}

fn redundancy_strategy() -> impl Strategy<Value = RedundancyFacts> {
    let runs = prop::collection::vec((0..3usize, 0..800i64, any::<bool>()), 0..4);
    (runs, prop::collection::vec("fo-[a-c]", 0..2), 0..2usize).prop_map(|(runs, soft_spofs, n)| RedundancyFacts {
        as_of: day(2026, 11, 1),
        failover_runs: runs
            .into_iter()
            .map(|(s, ago, ok)| FailoverRun {
                scenario: format!("SC-{s}"),
                ran_on: today() - chrono::Duration::days(ago),
                switchover_worked: ok,
            })
            .collect(),
        soft_spofs,
        incidents: (0..n).map(|i| inc(&format!("RED-{i}"))).collect(),
    })
}

fn capacity_strategy() -> impl Strategy<Value = CapacityFacts> {
    let readings = prop::collection::vec(("db-[a-c]", -10.0..1000.0f64, -1.0..5.0f64), 0..3);
    let runs = prop::collection::vec((0..2usize, 0..800i64, any::<bool>()), 0..3);
    (readings, runs, 0..2usize).prop_map(|(readings, runs, n)| CapacityFacts {
        as_of: day(2026, 11, 1),
        readings: readings.into_iter().map(|(r, h, g)| CapacityReading::new(r, h, g).unwrap()).collect(),
        exhaustion_runs: runs
            .into_iter()
            .map(|(s, ago, breach)| ScenarioRun {
                scenario: format!("SC-FULL-{s}"),
                ran_on: today() - chrono::Duration::days(ago),
                breach,
            })
            .collect(),
        incidents: (0..n).map(|i| inc(&format!("CAP-{i}"))).collect(),
    })
}

fn third_party_strategy() -> impl Strategy<Value = ThirdPartyFacts> {
    let no_sub = prop::collection::vec(("P[a-c]", prop::collection::vec("svc-[a-c]", 1..3)), 0..2);
    let vendor = prop::collection::vec("P[a-c]", 0..3);
    (0.0..=10_000.0f64, no_sub, vendor).prop_map(|(hhi, no_sub, vendor)| ThirdPartyFacts {
        as_of: day(2026, 11, 1),
        hhi: Hhi::new(hhi).unwrap(),
        no_substitute: no_sub.into_iter().map(|(provider, services)| NoSubstitute { provider, services }).collect(),
        vendor_incidents: vendor
            .into_iter()
            .enumerate()
            .map(|(i, provider)| VendorIncident { incident: inc(&format!("VEN-{i}")), provider })
            .collect(),
    })
}

fn facts_strategy() -> impl Strategy<Value = Facts> {
    (
        prop::option::of(incidents_strategy()),
        prop::option::of(redundancy_strategy()),
        prop::option::of(capacity_strategy()),
        prop::option::of(third_party_strategy()),
    )
        .prop_map(|(incidents, redundancy, capacity, third_party)| Facts {
            incidents,
            redundancy,
            capacity,
            third_party,
            ..Default::default()
        })
}

fn strength(c: ResultCode) -> u8 {
    match c {
        ResultCode::NotMet => 0,
        ResultCode::PartlyMet => 1,
        _ => 2,
    }
}

proptest! {
    #[test]
    fn a_proposal_never_cites_a_record_absent_from_the_facts(facts in facts_strategy()) {
        let known = facts.record_ids();
        for p in derive(&challenges(), &facts, today()) {
            for r in &p.records {
                prop_assert!(known.contains(r), "{} cites {r}", p.requirement);
            }
            prop_assert!(p.proposed != ResultCode::NotApplicable);
            prop_assert!(!p.reasons.is_empty());
            prop_assert!(p.reasons.iter().all(|r| !r.get(Lang::Ja).is_empty() && !r.get(Lang::En).is_empty()));
            prop_assert_eq!(p.derived_on, today());
        }
    }

    #[test]
    fn adding_a_recurrence_never_improves_a_result(facts in facts_strategy(), t in 0..4usize, c in 0..4usize) {
        let f = challenges();
        let before = derive(&f, &facts, today());
        let mut more = facts.clone();
        let crit = [Criticality::Critical, Criticality::High, Criticality::Medium, Criticality::Low][c];
        let inc_facts = more.incidents.get_or_insert_with(|| incident_facts(&[], &[]));
        let n = inc_facts.incidents.len();
        let (a, b) = (inc(&format!("NEW-{n}")), inc(&format!("NEW-{}", n + 1)));
        for r in [&a, &b] {
            inc_facts.incidents.push(PeriodIncident {
                reference: r.clone(),
                occurred_on: day(2026, 6, 1),
                trend: TRENDS[t],
                impact: Some(crit),
            });
        }
        inc_facts.chains.push(vec![a, b]);
        let after = derive(&f, &more, today());
        for p in &before {
            if let Some(q) = after.iter().find(|q| q.requirement == p.requirement) {
                prop_assert!(strength(q.proposed) <= strength(p.proposed), "{}: {:?} -> {:?}", p.requirement, p.proposed, q.proposed);
            }
        }
        // A requirement of the recurring trend is now a gap, whatever it was.
        for r in f.assessable().filter(|r| r.trends.contains(&TRENDS[t])) {
            let q = after.iter().find(|q| q.requirement == r.id);
            prop_assert!(q.is_some_and(|q| q.proposed != ResultCode::Met), "{}", r.id);
        }
    }
}

#[test]
fn storage_and_third_party_topics_answer_their_report_challenges() {
    let capacity = CapacityFacts {
        as_of: day(2026, 11, 20),
        readings: vec![CapacityReading::new("db-main", 800.0, 2.0).unwrap()],
        exhaustion_runs: vec![ScenarioRun { scenario: "SC-FULL".into(), ran_on: day(2026, 8, 1), breach: false }],
        incidents: vec![],
    };
    let third_party = ThirdPartyFacts {
        as_of: day(2026, 10, 1),
        hhi: Hhi::new(3100.0).unwrap(),
        no_substitute: vec![NoSubstitute { provider: "CloudCo".into(), services: vec!["svc-pay".into()] }],
        vendor_incidents: vec![VendorIncident { incident: inc("INC-4"), provider: "CloudCo".into() }],
    };
    let facts = Facts {
        incidents: Some(incident_facts(&[("INC-4", Trend::ChangeOutsourcing, Criticality::Medium)], &[])),
        capacity: Some(capacity),
        third_party: Some(third_party),
        ..Default::default()
    };
    let ps = derive(&challenges(), &facts, today());
    let p = proposal(&ps, "operations.storage.monitoring").unwrap();
    assert_eq!(p.proposed, ResultCode::Met, "{}", text(p, Lang::En));
    assert_eq!(p.records, ["SC-FULL", "db-main"]);
    assert_eq!(proposal(&ps, "operations.capacity.verification").unwrap().proposed, ResultCode::Met);
    let p = proposal(&ps, "change.outsourcing.management").unwrap();
    assert_eq!(p.proposed, ResultCode::NotMet);
    assert_eq!(p.records, ["CloudCo", "INC-4", "svc-pay"]);
    let en = text(p, Lang::En);
    assert!(
        en.contains("HHI) is 3100, above 2500")
            && en.contains("Incident INC-4 involved CloudCo (a provider with no substitute)"),
        "{en}"
    );
    // The malware bullet also asks about third parties; its trend did not occur, the vendor facts decide.
    assert_eq!(proposal(&ps, "cyber.malware.controls").unwrap().proposed, ResultCode::NotMet);
}
