//! Integration tests of the gap engine: built-in catalogues, the real NIST OSCAL files, the workflow,
//! and proposals derived from the register's facts (`derive`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod checklist;
mod ciso;
mod derive;
mod mapping;
mod report;
mod roadmap;

use opres_domain::Lang;
use opres_gap::framework::{BUILT_IN, FrameworkRecord, RequirementRecord};
use opres_gap::{Assessment, Entry, Outcome, Status, Transition, WorkflowError, built_in, oscal};

mod builtin;

fn oscal_file(name: &str) -> Vec<u8> {
    let path = format!("{}/../../../shared/data/oscal/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn every_built_in_catalogue_loads_and_validates() {
    for (file, _) in BUILT_IN {
        let f = built_in(file).unwrap().unwrap_or_else(|e| panic!("{}", e.message(Lang::En)));
        assert!(f.requirements.iter().all(|r| !r.title.get(Lang::Ja).is_empty() && !r.title.get(Lang::En).is_empty()));
    }
    let f = built_in("report_challenges.json").unwrap().unwrap();
    // One requirement per bullet of the source table: 3 + 5 + 2 + 1 + 2 + 2 + 1.
    assert_eq!(f.assessable().count(), 16);
    assert!(f.get("change.bcp.crisis_organisation").is_some() && f.get("change.bcp.drills").is_some());
}

#[test]
fn validation_reports_every_problem_at_once() {
    let node = |id: &str, parent: Option<&str>, title: &str| RequirementRecord {
        id: id.into(),
        parent: parent.map(Into::into),
        title_en: title.into(),
        ..Default::default()
    };
    let rec = FrameworkRecord {
        id: "f".into(),
        name_en: "F".into(),
        requirements: vec![
            node("a", None, "A"),
            node("a", None, "dup"),
            node("b", Some("missing"), "B"),
            node("c", Some("d"), "C"),
            node("d", Some("c"), ""),
        ],
        ..Default::default()
    };
    let e = rec.validate("f.json").unwrap_err();
    let kinds: Vec<String> = e.0.iter().map(|p| format!("{} {}", p.at, p.field)).collect();
    assert!(kinds.contains(&"/requirements/1 id".to_string()), "{kinds:?}");
    assert!(kinds.contains(&"/requirements/2 parent".to_string()), "{kinds:?}");
    assert!(kinds.contains(&"/requirements/3 parent".to_string()), "{kinds:?}");
    assert!(kinds.contains(&"/requirements/4 title".to_string()), "{kinds:?}");
    assert!(e.message(Lang::Ja).contains("循環"));
}

#[test]
fn the_nist_low_baseline_catalog_has_131_controls() {
    let f = oscal::import_catalog(
        "low.json",
        &oscal_file("NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog-min.json"),
    )
    .unwrap();
    // 131 base controls (children of the 18 families) and 18 enhancements (children of controls).
    let is_group = |id: &str| f.get(id).is_some_and(|r| !r.assessable);
    let base = f.assessable().filter(|r| r.parent.as_deref().is_some_and(is_group)).count();
    assert_eq!(base, 131);
    assert_eq!(f.assessable().count(), 149);
    assert_eq!(f.requirements.iter().filter(|r| r.parent.is_none()).count(), 18);
    assert!(f.get("ac-2").unwrap().description.get(Lang::En).contains("account"));
}

#[test]
fn the_low_profile_resolves_against_the_catalog() {
    let cat = oscal::import_catalog(
        "low.json",
        &oscal_file("NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog-min.json"),
    )
    .unwrap();
    let p = oscal::resolve_profile("profile.json", &oscal_file("NIST_SP-800-53_rev5_LOW-baseline_profile.json"), &cat)
        .unwrap();
    assert_eq!(p.assessable().count(), 149);
    let basic = oscal::import_catalog("basic.json", &oscal_file("basic-catalog.json")).unwrap();
    assert!(basic.assessable().count() > 0);
    // The profile names controls the basic catalog lacks: every one is located.
    let e =
        oscal::resolve_profile("profile.json", &oscal_file("NIST_SP-800-53_rev5_LOW-baseline_profile.json"), &basic)
            .unwrap_err();
    assert_eq!(e.0.len(), 149);
    assert!(e.0[0].at.starts_with("/profile/imports/0/include-controls/0/with-ids/"));
}

#[test]
fn a_broken_oscal_file_is_refused_with_every_problem_located() {
    let bad = br#"{"catalog":{"uuid":"u","metadata":{"title":"t","version":"1"},
        "groups":[{"id":"g","title":"G","controls":[{"id":"c1"},{"id":"c1","title":"again"},{"title":7}]}]}}"#;
    let e = oscal::import_catalog("bad.json", bad).unwrap_err();
    let at: Vec<String> = e.0.iter().map(|p| format!("{} {}", p.at, p.field)).collect();
    assert_eq!(
        at,
        vec![
            "/catalog/groups/0/controls/0 title",
            "/catalog/groups/0/controls/1 id",
            "/catalog/groups/0/controls/2 id",
            "/catalog/groups/0/controls/2 title",
        ]
    );
    let e = oscal::import_catalog("bad.json", b"{\"catalog\": [").unwrap_err();
    assert!(e.message(Lang::En).contains("not valid JSON at line 1"), "{}", e.message(Lang::En));
}

#[test]
fn workflow_gaps_and_diff() {
    let f = built_in("report_challenges.json").unwrap().unwrap();
    let mut a = Assessment::new(&f);
    let entry = |current, target, linked| Entry {
        outcome: Outcome::PartlyMet,
        current,
        target,
        rationale: "r".into(),
        evidence: vec![],
        owner: None,
        reviewer: None,
        linked_records: linked,
        basis: Default::default(),
    };
    a.set(&f, "operations.storage.monitoring", entry(1, 4, 2)).unwrap();
    a.set(&f, "work.misoperation.procedures", entry(2, 3, 0)).unwrap();
    assert!(matches!(a.set(&f, "operations", entry(1, 2, 0)), Err(WorkflowError::UnknownRequirement(_))));
    assert!(matches!(a.set(&f, "work.misoperation.procedures", entry(1, 6, 0)), Err(WorkflowError::OffScale { .. })));
    assert!(Outcome::not_applicable("  ").is_none());
    let gaps = a.gaps(&f);
    assert_eq!(gaps[0].requirement, "operations.storage.monitoring");
    assert_eq!(gaps[0].gap, 3);
    assert_eq!(gaps[0].priority, 3.0 * 2.0 * 1.0 * 3.0);
    assert_eq!(a.gaps_by_area(&f).get("operations"), Some(&3));
    assert_eq!(
        a.apply(Transition::Lock),
        Err(WorkflowError::NotFrom { transition: Transition::Lock, from: Status::Draft })
    );
    a.apply(Transition::Submit).unwrap();
    assert!(a.set(&f, "work.misoperation.procedures", entry(2, 3, 0)).is_err());
    assert_eq!(a.apply(Transition::Approve { executive: false }), Err(WorkflowError::NotExecutive));
    a.apply(Transition::Approve { executive: true }).unwrap();
    assert_eq!(a.apply(Transition::Lock), Ok(Status::Locked));
    let mut next = Assessment::from_previous(&a);
    assert_eq!(next.status, Status::Draft);
    assert!(next.changed_since(&a).is_empty());
    next.set(&f, "work.misoperation.procedures", entry(3, 3, 0)).unwrap();
    assert_eq!(next.changed_since(&a), vec!["work.misoperation.procedures".to_string()]);
}

#[test]
fn a_framework_written_back_as_a_record_validates_to_itself() {
    for (file, _) in BUILT_IN {
        let f = built_in(file).unwrap().unwrap();
        assert_eq!(f.to_record().validate(file).unwrap(), f, "{file}");
    }
    let catalog = oscal::import_catalog(
        "low.json",
        &oscal_file("NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog-min.json"),
    )
    .unwrap();
    assert_eq!(catalog.to_record().validate("low.json").unwrap(), catalog);
}

#[test]
fn an_entry_form_reports_every_problem_and_keeps_an_override_with_its_reason() {
    use opres_domain::RawScalar;
    use opres_gap::{Basis, EntryRecord, ProposalSeen, ResultCode};
    let bad = EntryRecord {
        result: "not_applicable".into(),
        current: Some(RawScalar::Text("three".into())),
        target: Some(RawScalar::Int(9)),
        linked_records: Some(RawScalar::Int(-1)),
        ..Default::default()
    };
    let errs = bad.validate(5, None).unwrap_err();
    let fields: Vec<&str> = errs.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["not_applicable_reason", "current", "target", "linked_records"]);
    assert!(errs.message(Lang::Ja).contains("0〜5"), "{}", errs.message(Lang::Ja));

    let derived_on = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let seen = Some(ProposalSeen { proposed: ResultCode::NotMet, derived_on });
    let good = EntryRecord {
        result: "partly_met".into(),
        current: Some(RawScalar::Text("2".into())),
        target: Some(RawScalar::Int(4)),
        ..Default::default()
    };
    let errs = good.validate(5, seen).unwrap_err();
    assert_eq!(errs.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(), ["override_reason"]);
    let entry = EntryRecord { override_reason: "the new DR site went live in October".into(), ..good.clone() }
        .validate(5, seen)
        .unwrap();
    assert_eq!(
        entry.basis,
        Basis::OverriddenProposal {
            proposed: ResultCode::NotMet,
            derived_on,
            reason: "the new DR site went live in October".into()
        }
    );
    assert_eq!((entry.current, entry.target), (2, 4));
    let accepted = EntryRecord { result: "not_met".into(), ..good }.validate(5, seen).unwrap();
    assert_eq!(accepted.basis, Basis::AcceptedProposal { derived_on });
    assert_eq!(accepted.to_record().validate(5, seen).unwrap(), accepted);
}
