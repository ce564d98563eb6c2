//! The programme model: validation of the demo, JSON round trip, and problems named by path.

use crate::common::{demo, now};
use opres_domain::Lang;
use opres_tlpt::codes::*;
use opres_tlpt::ids::{LocalId, SystemRef};
use opres_tlpt::{TlptError, TlptProgramme};
use proptest::prelude::*;

fn problems(p: &TlptProgramme) -> Vec<(String, String)> {
    match p.validate() {
        Ok(()) => Vec::new(),
        Err(e) => e.iter().map(|f| (f.field.clone(), f.problem.kind().to_string())).collect(),
    }
}

#[test]
fn the_demo_programme_validates() {
    let p = demo();
    assert_eq!(p.validate().map_err(|e| e.message(Lang::En)), Ok(()));
    assert_eq!(p.entities.len(), 3);
    assert!(p.engagements.len() >= 2);
    // Engagements over different fiscal years.
    let mut years: Vec<_> = p.engagements.iter().filter_map(|e| e.fiscal_year()).collect();
    years.dedup();
    assert!(years.len() >= 2, "{years:?}");
}

#[test]
fn the_demo_renamed_for_other_institutions_keeps_its_engagements_and_shortfalls() {
    use opres_domain::{InstitutionCode, InstitutionType};
    use opres_tlpt::demo::{Member, POOR_ENGAGEMENT, demo_programme_for};
    use opres_tlpt::model::Group;
    let code = |s: &str| InstitutionCode::parse(s).unwrap();
    let member =
        |c: &str, ty| Member { code: code(c), name: opres_domain::Bilingual::both(c, c), institution_type: ty };
    let group =
        Group { code: code("RB-AOMINE-FG"), name: opres_domain::Bilingual::both("青嶺グループ", "Aomine Group") };
    let p = demo_programme_for(
        now(),
        group,
        [
            member("RB-AOMINE", InstitutionType::RegionalBank),
            member("SC-CHIDORI", InstitutionType::Securities),
            member("PY-INAHO", InstitutionType::Payment),
        ],
    )
    .unwrap();
    let json = p.to_json();
    assert!(!json.contains("MINATO-"), "every old code is renamed");
    assert_eq!(p.group.code.as_str(), "RB-AOMINE-FG");
    assert_eq!(p.entities.iter().map(|e| e.code.as_str()).collect::<Vec<_>>(), ["RB-AOMINE", "SC-CHIDORI", "PY-INAHO"]);
    assert!(p.systems.iter().any(|s| s.id.to_string() == "RB-AOMINE/CORE"));
    let d = demo();
    assert_eq!(
        (p.engagements.len(), p.findings.len(), p.rollout.len()),
        (d.engagements.len(), d.findings.len(), d.rollout.len())
    );
    let poor = p.require_engagement(POOR_ENGAGEMENT).unwrap();
    assert_eq!(poor.entity.as_str(), "RB-AOMINE");
    let a =
        opres_tlpt::assess::assess(&p, POOR_ENGAGEMENT, &opres_tlpt::assess::AssessOptions::new(now().date_naive()))
            .unwrap();
    assert!(a.count(opres_tlpt::assess::Verdict::Insufficient) >= 6);
}

#[test]
fn json_round_trips_and_validates_on_read() {
    let p = demo();
    let json = p.to_json();
    let back = TlptProgramme::from_json(&json).unwrap_or_else(|e| panic!("{}", e.message(Lang::En)));
    assert_eq!(back, p);
    // Instants are written with an offset and read back as the same instant.
    assert!(json.contains("\"format\": \"opres-tlpt/1\""));
}

#[test]
fn unknown_codes_and_fields_are_refused_by_name() {
    let json = demo().to_json().replacen("\"framework\": \"fsa_guidance\"", "\"framework\": \"tiber\"", 1);
    match TlptProgramme::from_json(&json) {
        Err(TlptError::Json { reason, .. }) => assert!(reason.contains("tiber"), "{reason}"),
        other => panic!("expected a JSON error, got {other:?}"),
    }
    let json = demo().to_json().replacen("\"framework\":", "\"framwork\": \"x\", \"framework\":", 1);
    match TlptProgramme::from_json(&json) {
        Err(TlptError::Json { reason, .. }) => assert!(reason.contains("framwork"), "{reason}"),
        other => panic!("expected a JSON error, got {other:?}"),
    }
}

#[test]
fn timestamps_without_offset_are_refused() {
    let p = demo();
    let json = p.to_json();
    let first = p.engagements[0].steps[0].at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
    assert!(json.contains(&first), "{first}");
    let naive = first.trim_end_matches('Z');
    assert!(TlptProgramme::from_json(&json.replacen(&first, naive, 1)).is_err());
}

#[test]
fn dangling_references_are_listed_with_their_path() {
    let mut p = demo();
    let e = &mut p.engagements[2];
    e.steps[0].path = LocalId::parse("P9").unwrap_or_else(|e| panic!("{e}"));
    e.detections[0].steps.push(LocalId::parse("ST99").unwrap_or_else(|e| panic!("{e}")));
    e.scenarios[0].intel.push(LocalId::parse("TI9").unwrap_or_else(|e| panic!("{e}")));
    p.findings[0].systems.push(SystemRef::parse("MINATO-BK/NOPE").unwrap_or_else(|e| panic!("{e}")));
    let found = problems(&p);
    for (path, kind) in [
        ("engagements[TLPT-BK-3].steps[ST01].path", "unknown_reference"),
        ("engagements[TLPT-BK-3].detections[D01].steps", "unknown_reference"),
        ("engagements[TLPT-BK-3].scenarios[S1].intel", "unknown_reference"),
        ("findings[F-SEC1-01].systems", "unknown_reference"),
    ] {
        assert!(found.contains(&(path.to_string(), kind.to_string())), "{path} missing from {found:?}");
    }
    // Every problem is listed, not only the first.
    assert!(found.len() >= 4);
}

#[test]
fn times_must_run_forward() {
    let mut p = demo();
    let e = &mut p.engagements[2];
    e.detections[0].at = e.steps[0].at - chrono::Duration::minutes(5);
    e.phishing[0].reports[0].escalated_at = Some(e.phishing[0].reports[0].at - chrono::Duration::minutes(1));
    let found = problems(&p);
    assert!(found.contains(&("engagements[TLPT-BK-3].detections[D01].at".into(), "before".into())), "{found:?}");
    assert!(found.contains(&("engagements[TLPT-BK-3].phishing[PH1].reports[0].escalated_at".into(), "before".into())));
}

#[test]
fn duplicates_and_counts_are_refused() {
    let mut p = demo();
    let dup = p.findings[0].clone();
    p.findings.push(dup);
    p.engagements[2].phishing[0].clicks = 500;
    let found = problems(&p);
    assert!(found.contains(&("findings[F-SEC1-01]".into(), "duplicate".into())), "{found:?}");
    assert!(found.contains(&("engagements[TLPT-BK-3].phishing[PH1].clicks".into(), "bad_format".into())));
}

#[test]
fn rollout_answers_need_dates_and_present_needs_a_finding() {
    let mut p = demo();
    let i = p
        .rollout
        .iter()
        .position(|r| r.status == RolloutStatus::NotChecked)
        .unwrap_or_else(|| panic!("no open record"));
    p.rollout[i].status = RolloutStatus::CheckedPresent;
    let found = problems(&p);
    assert!(found.contains(&(format!("rollout[{i}].checked_on"), "required".into())), "{found:?}");
    assert!(found.contains(&(format!("rollout[{i}].new_finding"), "required".into())));
}

#[test]
fn a_finding_cannot_recur_a_later_one() {
    let mut p = demo();
    let later = p.findings.iter().find(|f| f.id.as_str() == "F-BK3-01").map(|f| f.id.clone());
    let earliest = p.findings.iter_mut().find(|f| f.id.as_str() == "F-SEC1-01").unwrap_or_else(|| panic!("demo"));
    earliest.recurrence_of.push(opres_tlpt::model::RecurrenceLink {
        finding: later.unwrap_or_else(|| panic!("demo")),
        similarity: 0.9,
        linked_on: now().date_naive(),
    });
    assert!(problems(&p).contains(&("findings[F-SEC1-01].recurrence_of".into(), "before".into())));
}

#[test]
fn errors_read_in_both_languages() {
    let mut p = demo();
    p.engagements[0].sponsor.name.clear();
    let e = TlptError::Invalid(p.validate().err().unwrap_or_default());
    assert!(e.message(Lang::Ja).contains("問題があります"), "{}", e.message(Lang::Ja));
    assert!(e.message(Lang::En).contains("sponsor.name"));
    let p = demo();
    assert!(matches!(p.require_engagement("NOPE"), Err(TlptError::UnknownEngagement(_))));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Any demo (whatever "now" it is anchored at) validates and survives a JSON round trip.
    #[test]
    fn demo_at_any_time_round_trips(days in -2000i64..2000) {
        let p = opres_tlpt::demo::demo_programme(now() + chrono::Duration::days(days));
        prop_assert!(p.validate().is_ok());
        let back = TlptProgramme::from_json(&p.to_json()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, p);
    }

    /// Codes written by the engine are always read back.
    #[test]
    fn severity_and_status_codes_round_trip(s in 0usize..5, st in 0usize..4) {
        let sev = Severity::ALL[s];
        let status = FindingStatus::ALL[st];
        prop_assert_eq!(sev.code().parse::<Severity>().ok(), Some(sev));
        prop_assert_eq!(status.code().parse::<FindingStatus>().ok(), Some(status));
    }
}

#[test]
fn the_format_document_lists_every_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/tlpt-format.md");
    let doc = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut codes: Vec<&str> = Vec::new();
    codes.extend(Framework::ALL.iter().map(|c| c.code()));
    codes.extend(PhaseKind::ALL.iter().map(|c| c.code()));
    codes.extend(BudgetLine::ALL.iter().map(|c| c.code()));
    codes.extend(DirectiveKind::ALL.iter().map(|c| c.code()));
    codes.extend(IntelSpecificity::ALL.iter().map(|c| c.code()));
    codes.extend(ActorType::ALL.iter().map(|c| c.code()));
    codes.extend(PathKind::ALL.iter().map(|c| c.code()));
    codes.extend(ScenarioOutcome::ALL.iter().map(|c| c.code()));
    codes.extend(StepResult::ALL.iter().map(|c| c.code()));
    codes.extend(DetectionSource::ALL.iter().map(|c| c.code()));
    codes.extend(ResponseKind::ALL.iter().map(|c| c.code()));
    codes.extend(Responder::ALL.iter().map(|c| c.code()));
    codes.extend(Severity::ALL.iter().map(|c| c.code()));
    codes.extend(RootCause::ALL.iter().map(|c| c.code()));
    codes.extend(FindingStatus::ALL.iter().map(|c| c.code()));
    codes.extend(RolloutStatus::ALL.iter().map(|c| c.code()));
    codes.extend(opres_tlpt::assess::CheckId::ALL.iter().map(|c| c.code()));
    for c in codes {
        assert!(doc.contains(&format!("`{c}`")), "docs/tlpt-format.md does not list `{c}`");
    }
}
