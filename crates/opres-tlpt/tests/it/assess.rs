//! The practice assessment: every check of the source's table, each with a passing and a failing case.

use crate::common::{demo, mini_catalogue, today};
use opres_domain::Lang;
use opres_tlpt::TlptProgramme;
use opres_tlpt::assess::{AssessOptions, Assessment, CheckId, Verdict, assess};
use opres_tlpt::attack::AttackCatalogue;
use opres_tlpt::codes::*;
use opres_tlpt::demo::{FIRST_ENGAGEMENT, GOOD_ENGAGEMENT, POOR_ENGAGEMENT};
use opres_tlpt::ids::FindingId;
use opres_tlpt::model::Engagement;

fn run(p: &TlptProgramme, engagement: &str, catalogue: Option<&AttackCatalogue>) -> Assessment {
    let mut opts = AssessOptions::new(today());
    opts.catalogue = catalogue;
    assess(p, engagement, &opts).unwrap_or_else(|e| panic!("{e}"))
}

fn verdict(p: &TlptProgramme, engagement: &str, check: CheckId) -> Verdict {
    let a = run(p, engagement, None);
    let c = a.check(check).unwrap_or_else(|| panic!("{check} missing"));
    // Every result explains itself in both languages.
    for lang in Lang::ALL {
        assert!(!c.evidence.get(lang).is_empty() && !c.action.get(lang).is_empty(), "{check} {lang}");
    }
    assert_ne!(c.evidence.get(Lang::Ja), c.evidence.get(Lang::En), "{check} evidence must be translated");
    c.verdict
}

/// The demo with the good engagement changed by `f`.
fn good_with(f: impl FnOnce(&mut Engagement)) -> TlptProgramme {
    let mut p = demo();
    if let Some(e) = p.engagements.iter_mut().find(|e| e.id.as_str() == GOOD_ENGAGEMENT) {
        f(e);
    }
    p
}

fn fid(s: &str) -> FindingId {
    FindingId::parse(s).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_check_is_evaluated_in_table_order() {
    let a = run(&demo(), GOOD_ENGAGEMENT, None);
    assert_eq!(a.checks.iter().map(|c| c.check).collect::<Vec<_>>(), CheckId::ALL.to_vec());
    // The demo's good engagement is good on every check that has its data.
    let bad: Vec<_> = a.checks.iter().filter(|c| c.verdict == Verdict::Insufficient).map(|c| c.check).collect();
    assert!(bad.is_empty(), "{bad:?}");
    // The engagement that falls short is found short in many ways.
    let poor = run(&demo(), POOR_ENGAGEMENT, None);
    assert!(poor.count(Verdict::Insufficient) >= 12, "{}", poor.count(Verdict::Insufficient));
}

#[test]
fn intel_org_specific_scenarios() {
    let c = CheckId::IntelOrgSpecificScenarios;
    assert_eq!(verdict(&demo(), GOOD_ENGAGEMENT, c), Verdict::Good);
    let generic = good_with(|e| e.intel.iter_mut().for_each(|i| i.specificity = IntelSpecificity::Generic));
    assert_eq!(verdict(&generic, GOOD_ENGAGEMENT, c), Verdict::Insufficient);
    // Org-specific intelligence that no scenario uses does not count either.
    let unused = good_with(|e| e.scenarios.iter_mut().for_each(|s| s.intel.clear()));
    assert_eq!(verdict(&unused, GOOD_ENGAGEMENT, c), Verdict::Insufficient);
    let empty = good_with(|e| {
        e.intel.clear();
        e.scenarios.clear();
    });
    assert_eq!(verdict(&empty, GOOD_ENGAGEMENT, c), Verdict::NotEnoughData);
}

#[test]
fn intel_beyond_generic() {
    let c = CheckId::IntelBeyondGeneric;
    assert_eq!(verdict(&demo(), GOOD_ENGAGEMENT, c), Verdict::Good);
    assert_eq!(verdict(&demo(), POOR_ENGAGEMENT, c), Verdict::Insufficient);
    let unsourced = good_with(|e| e.intel.iter_mut().for_each(|i| i.sources.clear()));
    assert_eq!(verdict(&unsourced, GOOD_ENGAGEMENT, c), Verdict::Insufficient);
    assert_eq!(verdict(&good_with(|e| e.intel.clear()), GOOD_ENGAGEMENT, c), Verdict::NotEnoughData);
}

#[test]
fn evaluation_unannounced_detection_response() {
    let c = CheckId::EvalUnannouncedDetectionResponse;
    assert_eq!(verdict(&demo(), GOOD_ENGAGEMENT, c), Verdict::Good);
    assert_eq!(verdict(&demo(), POOR_ENGAGEMENT, c), Verdict::Insufficient);
    let told = good_with(|e| {
        if let Some(d) = e.blue_team_told.as_mut() {
            d.at -= chrono::Duration::days(10);
        }
    });
    assert_eq!(verdict(&told, GOOD_ENGAGEMENT, c), Verdict::Insufficient);
    let unevaluated = good_with(|e| {
        e.detections.clear();
        e.responses.clear();
        e.budget.retain(|b| b.line != BudgetLine::BlueTeamEvaluation);
    });
    assert_eq!(verdict(&unevaluated, GOOD_ENGAGEMENT, c), Verdict::Insufficient);
}

#[test]
fn evaluation_soc_and_phishing_escalation() {
    let c = CheckId::EvalSocAndPhishingEscalation;
    assert_eq!(verdict(&demo(), GOOD_ENGAGEMENT, c), Verdict::Good);
    assert_eq!(verdict(&good_with(|e| e.phishing.clear()), GOOD_ENGAGEMENT, c), Verdict::Insufficient);
    let not_traced = good_with(|e| {
        for r in e.phishing.iter_mut().flat_map(|p| p.reports.iter_mut()) {
            r.escalated_at = None;
            r.csirt_response_at = None;
        }
    });
    assert_eq!(verdict(&not_traced, GOOD_ENGAGEMENT, c), Verdict::Insufficient);
    let no_soc = good_with(|e| {
        e.detections.retain(|d| d.source != DetectionSource::Soc);
        e.responses.retain(|r| r.by != Responder::Soc);
    });
    assert_eq!(verdict(&no_soc, GOOD_ENGAGEMENT, c), Verdict::Insufficient);
}

#[test]
fn evaluation_blue_team_not_told() {
    let c = CheckId::EvalBlueTeamNotTold;
    // Told only after the attack began, for deconfliction: still unannounced.
    assert_eq!(verdict(&demo(), GOOD_ENGAGEMENT, c), Verdict::Good);
    assert_eq!(verdict(&good_with(|e| e.blue_team_told = None), GOOD_ENGAGEMENT, c), Verdict::Good);
    assert_eq!(verdict(&demo(), POOR_ENGAGEMENT, c), Verdict::Insufficient);
    let no_dates = good_with(|e| {
        e.steps.clear();
        e.phases.clear();
    });
    assert_eq!(verdict(&no_dates, GOOD_ENGAGEMENT, c), Verdict::NotEnoughData);
}

#[test]
fn evaluation_multiple_paths_detours() {
    let c = CheckId::EvalMultiplePathsDetours;
    assert_eq!(verdict(&demo(), GOOD_ENGAGEMENT, c), Verdict::Good);
    assert_eq!(verdict(&demo(), POOR_ENGAGEMENT, c), Verdict::Insufficient);
    // Alternative paths planned but never tried: a vulnerability assessment in disguise.
    let primary_only = good_with(|e| {
        for s in &mut e.steps {
            s.path = opres_tlpt::ids::LocalId::parse("P1").unwrap_or_else(|e| panic!("{e}"));
        }
    });
    assert_eq!(verdict(&primary_only, GOOD_ENGAGEMENT, c), Verdict::Insufficient);
    assert_eq!(verdict(&good_with(|e| e.steps.clear()), GOOD_ENGAGEMENT, c), Verdict::NotEnoughData);
}

#[test]
fn reporting_enterprise_risks() {
    let c = CheckId::ReportEnterpriseRisks;
    assert_eq!(verdict(&demo(), GOOD_ENGAGEMENT, c), Verdict::Good);
    assert_eq!(verdict(&demo(), POOR_ENGAGEMENT, c), Verdict::Insufficient);
    let omitted = good_with(|e| {
        if let Some(r) = e.management_report.as_mut() {
            r.findings_reported.retain(|f| f.as_str() != "F-BK3-03");
        }
    });
    assert_eq!(verdict(&omitted, GOOD_ENGAGEMENT, c), Verdict::Insufficient);
    assert_eq!(verdict(&good_with(|e| e.management_report = None), GOOD_ENGAGEMENT, c), Verdict::NotEnoughData);
}

#[test]
fn reporting_management_advances_tlpt() {
    let c = CheckId::ReportManagementAdvancesTlpt;
    assert_eq!(verdict(&demo(), GOOD_ENGAGEMENT, c), Verdict::Good);
    assert_eq!(verdict(&demo(), POOR_ENGAGEMENT, c), Verdict::Insufficient);
    let fixes_only = good_with(|e| e.directives.retain(|d| d.kind == DirectiveKind::FixFindings));
    assert_eq!(verdict(&fixes_only, GOOD_ENGAGEMENT, c), Verdict::Insufficient);
    let nothing = good_with(|e| {
        e.directives.clear();
        e.management_report = None;
    });
    assert_eq!(verdict(&nothing, GOOD_ENGAGEMENT, c), Verdict::NotEnoughData);
}

#[test]
fn reporting_recurring_not_omitted() {
    let c = CheckId::ReportRecurringNotOmitted;
    assert_eq!(verdict(&demo(), GOOD_ENGAGEMENT, c), Verdict::Good);
    assert_eq!(verdict(&demo(), POOR_ENGAGEMENT, c), Verdict::Insufficient);
    let omitted = good_with(|e| {
        if let Some(r) = e.management_report.as_mut() {
            r.findings_reported.retain(|f| f.as_str() != "F-BK3-02");
        }
    });
    assert_eq!(verdict(&omitted, GOOD_ENGAGEMENT, c), Verdict::Insufficient);
    // Even if nobody linked the recurrence, the similarity search finds it.
    let mut unlinked = omitted.clone();
    for f in &mut unlinked.findings {
        f.recurrence_of.clear();
    }
    let a = run(&unlinked, GOOD_ENGAGEMENT, None);
    let r = a.check(c).unwrap_or_else(|| panic!("check"));
    assert_eq!(r.verdict, Verdict::Insufficient);
    assert!(r.evidence.get(Lang::En).contains("F-BK3-02") && r.evidence.get(Lang::En).contains("not yet linked"));
}

#[test]
fn reporting_not_just_good_result() {
    let c = CheckId::ReportNotJustGoodResult;
    assert_eq!(verdict(&demo(), GOOD_ENGAGEMENT, c), Verdict::Good);
    assert_eq!(verdict(&demo(), POOR_ENGAGEMENT, c), Verdict::Insufficient);
    // "Good result" over material findings is insufficient even if they are listed.
    let labelled_good = good_with(|e| {
        if let Some(r) = e.management_report.as_mut() {
            r.overall = OverallRating::Good;
        }
    });
    assert_eq!(verdict(&labelled_good, GOOD_ENGAGEMENT, c), Verdict::Insufficient);
    assert_eq!(verdict(&good_with(|e| e.management_report = None), GOOD_ENGAGEMENT, c), Verdict::NotEnoughData);
}

#[test]
fn use_rollout_instructed() {
    let c = CheckId::UseRolloutInstructed;
    assert_eq!(verdict(&demo(), GOOD_ENGAGEMENT, c), Verdict::Good);
    assert_eq!(verdict(&demo(), POOR_ENGAGEMENT, c), Verdict::Insufficient);
    let mut gap = demo();
    gap.rollout.retain(|r| !(r.finding.as_str() == "F-BK3-04" && r.entity.as_str() == "MINATO-CARD"));
    let a = run(&gap, GOOD_ENGAGEMENT, None);
    let r = a.check(c).unwrap_or_else(|| panic!("check"));
    assert_eq!(r.verdict, Verdict::Insufficient);
    assert!(r.evidence.get(Lang::En).contains("MINATO-CARD"));
    let mut none = demo();
    none.findings.retain(|f| f.engagement.as_str() != GOOD_ENGAGEMENT);
    none.rollout.clear();
    for e in &mut none.engagements {
        e.management_report = None;
    }
    assert_eq!(verdict(&none, GOOD_ENGAGEMENT, c), Verdict::NotEnoughData);
}

#[test]
fn use_rollout_checked() {
    let c = CheckId::UseRolloutChecked;
    assert_eq!(verdict(&demo(), GOOD_ENGAGEMENT, c), Verdict::Good);
    // Nothing checked at all.
    assert_eq!(verdict(&demo(), POOR_ENGAGEMENT, c), Verdict::Insufficient);
    // Checks left open past their due date.
    let mut opts = AssessOptions::new(today() + chrono::Duration::days(60));
    opts.catalogue = None;
    let late = assess(&demo(), GOOD_ENGAGEMENT, &opts).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(late.check(c).map(|r| r.verdict), Some(Verdict::Insufficient));
    // The consequence: the securities company's rollout never reached the bank, whose later TLPTs found
    // the same VPN and local-admin weaknesses.
    let a = run(&demo(), FIRST_ENGAGEMENT, None);
    let r = a.check(c).unwrap_or_else(|| panic!("check"));
    assert_eq!(r.verdict, Verdict::Insufficient);
    assert!(r.evidence.get(Lang::En).contains("F-SEC1-01 → F-BK2-01 (MINATO-BK/VPN)"), "{}", r.evidence.get(Lang::En));
}

#[test]
fn other_multiple_actor_scenarios() {
    let c = CheckId::OtherMultipleActorScenarios;
    assert_eq!(verdict(&demo(), GOOD_ENGAGEMENT, c), Verdict::Good);
    assert_eq!(verdict(&demo(), POOR_ENGAGEMENT, c), Verdict::Insufficient);
    let one_kind = good_with(|e| e.actors.iter_mut().for_each(|a| a.actor_type = ActorType::CriminalGroup));
    assert_eq!(verdict(&one_kind, GOOD_ENGAGEMENT, c), Verdict::Insufficient);
    assert_eq!(verdict(&good_with(|e| e.scenarios.clear()), GOOD_ENGAGEMENT, c), Verdict::NotEnoughData);
}

#[test]
fn other_budget_intel_blue_team() {
    let c = CheckId::OtherBudgetIntelBlueTeam;
    assert_eq!(verdict(&demo(), GOOD_ENGAGEMENT, c), Verdict::Good);
    assert_eq!(verdict(&demo(), POOR_ENGAGEMENT, c), Verdict::Insufficient);
    let no_ti = good_with(|e| e.budget.retain(|b| b.line != BudgetLine::ThreatIntelligence));
    assert_eq!(verdict(&no_ti, GOOD_ENGAGEMENT, c), Verdict::Insufficient);
    assert_eq!(verdict(&good_with(|e| e.budget.clear()), GOOD_ENGAGEMENT, c), Verdict::NotEnoughData);
}

#[test]
fn element_real_attacker_techniques() {
    let c = CheckId::ElementRealAttackerTechniques;
    let cat = mini_catalogue();
    let check = |p: &TlptProgramme, cat: Option<&AttackCatalogue>| {
        run(p, GOOD_ENGAGEMENT, cat).check(c).map(|r| r.verdict).unwrap_or_else(|| panic!("check"))
    };
    // The test group uses phishing, external remote services and LSASS dumping.
    let mapped = |keep_only_actor_techniques: bool| {
        good_with(|e| {
            e.actors.iter_mut().for_each(|a| a.intrusion_sets = vec!["G9001".into()]);
            if keep_only_actor_techniques {
                e.steps.retain(|s| ["T1566", "T1133", "T1003"].contains(&s.technique.parent_str()));
            }
        })
    };
    assert_eq!(check(&mapped(true), Some(&cat)), Verdict::Good);
    // Four of fourteen steps use the actor's techniques: the plan does not follow the actor.
    assert_eq!(check(&mapped(false), Some(&cat)), Verdict::Insufficient);
    assert_eq!(check(&good_with(|e| e.actors.clear()), Some(&cat)), Verdict::Insufficient);
    assert_eq!(check(&mapped(true), None), Verdict::NotEnoughData);
    // Actors not mapped to any intrusion set in the data.
    assert_eq!(check(&demo(), Some(&cat)), Verdict::NotEnoughData);
}

#[test]
fn element_people_and_process() {
    let c = CheckId::ElementPeopleAndProcess;
    assert_eq!(verdict(&demo(), GOOD_ENGAGEMENT, c), Verdict::Good);
    assert_eq!(verdict(&demo(), POOR_ENGAGEMENT, c), Verdict::Insufficient);
    let products_only = good_with(|e| {
        e.detections.iter_mut().for_each(|d| d.source = DetectionSource::Edr);
        e.responses.clear();
        e.phishing.clear();
    });
    assert_eq!(verdict(&products_only, GOOD_ENGAGEMENT, c), Verdict::Insufficient);
    let nothing = good_with(|e| {
        e.steps.clear();
        e.phishing.clear();
    });
    assert_eq!(verdict(&nothing, GOOD_ENGAGEMENT, c), Verdict::NotEnoughData);
}

#[test]
fn expectation_whole_picture() {
    let c = CheckId::ExpectWholePicture;
    assert_eq!(verdict(&demo(), GOOD_ENGAGEMENT, c), Verdict::Good);
    assert_eq!(verdict(&demo(), POOR_ENGAGEMENT, c), Verdict::Insufficient);
    let mut no_resources = demo();
    if let Some(f) = no_resources.findings.iter_mut().find(|f| f.id == fid("F-BK3-01")) {
        f.resources = None;
    }
    let a = run(&no_resources, GOOD_ENGAGEMENT, None);
    let r = a.check(c).unwrap_or_else(|| panic!("check"));
    assert_eq!(r.verdict, Verdict::Insufficient);
    assert!(r.evidence.get(Lang::En).contains("F-BK3-01 (resources)"));
    let mut none = demo();
    none.findings.retain(|f| f.engagement.as_str() != GOOD_ENGAGEMENT);
    none.rollout.clear();
    assert_eq!(verdict(&none, GOOD_ENGAGEMENT, c), Verdict::NotEnoughData);
}
