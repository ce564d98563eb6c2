//! Gap assessment through the door: frameworks (built in and imported), an assessment's entries
//! and workflow, with the scope, role and version rules of every other use case.

use crate::support::{code, person};
use opres_app::gap::{FrameworkFile, GapTransition};
use opres_app::{Actor, AppError, Register};
use opres_domain::record::InstitutionRecord;
use opres_domain::{Lang, RawScalar};
use opres_gap::{EntryRecord, Outcome, ProposalSeen, ResultCode, Status};
use opres_store::{Role, UserScope, engine_tests};
use serde_json::json;

async fn two_banks(register: &Register) -> Actor {
    let admin = Actor::cli(Lang::En);
    for c in ["BANK-A", "BANK-B"] {
        let i: InstitutionRecord =
            serde_json::from_value(json!({"code": c, "name_ja": "銀行", "institution_type": "regional_bank"})).unwrap();
        register.create_institution(&admin, i).await.unwrap();
    }
    admin
}

fn entry(result: &str, current: i64, target: i64) -> EntryRecord {
    EntryRecord {
        result: result.into(),
        current: Some(RawScalar::Int(current)),
        target: Some(RawScalar::Int(target)),
        ..Default::default()
    }
}

fn oscal(name: &str) -> Vec<u8> {
    let path = format!("{}/../../../shared/data/oscal/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

engine_tests!(an_assessment_goes_from_draft_to_approval_and_the_next_round_shows_what_changed, |db| {
    let register = Register::new(db.store.clone());
    two_banks(&register).await;
    let analyst = person(&register, "ana", Role::Analyst, UserScope::All).await;
    let exec = person(&register, "exe", Role::Executive, UserScope::All).await;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();

    let frameworks = register.gap_frameworks(&analyst).await.unwrap();
    assert!(frameworks.iter().any(|f| f.id == "fsa_report_challenges" && f.built_in && f.assessable == 16));

    let started =
        register.start_gap_assessment(&analyst, &code("BANK-A"), "fsa_report_challenges", today).await.unwrap();
    assert_eq!(started.key, "BANK-A-GA-1");
    let v = register.gap_assessment(&analyst, &started.key).await.unwrap();
    assert_eq!((v.unanswered(), v.record.assessment.status), (16, Status::Draft));
    assert!(v.changed_since_previous.is_none());

    // Every problem of one entry at once, nothing saved; a grouping node is not assessable.
    let bad = EntryRecord { result: "nearly".into(), target: Some(RawScalar::Int(7)), ..Default::default() };
    let err = register
        .record_gap_entry(&analyst, &started.key, "operations.storage.monitoring", &bad, None, Some(v.version))
        .await
        .unwrap_err();
    let fields: Vec<_> = err.problems().iter().filter_map(|p| p.field.clone()).collect();
    assert_eq!(fields, ["result", "current", "target"], "{err:?}");
    let err = register
        .record_gap_entry(&analyst, &started.key, "operations", &entry("met", 3, 3), None, Some(v.version))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");

    // An override of a derived proposal needs its reason, and keeps it.
    let seen = Some(ProposalSeen { proposed: ResultCode::NotMet, derived_on: today });
    let s = register
        .record_gap_entry(
            &analyst,
            &started.key,
            "operations.storage.monitoring",
            &entry("partly_met", 1, 4),
            None,
            Some(v.version),
        )
        .await
        .unwrap();
    let err = register
        .record_gap_entry(
            &analyst,
            &started.key,
            "operations.capacity.design",
            &entry("met", 4, 4),
            seen,
            Some(s.version),
        )
        .await
        .unwrap_err();
    assert_eq!(err.problems()[0].field.as_deref(), Some("override_reason"));
    // A stale version is refused: two assessors cannot overwrite each other.
    let err = register
        .record_gap_entry(
            &analyst,
            &started.key,
            "operations.capacity.design",
            &entry("met", 4, 4),
            None,
            Some(v.version),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Conflict { .. }), "{err:?}");
    let s = register
        .record_gap_entry(
            &analyst,
            &started.key,
            "operations.capacity.design",
            &EntryRecord { override_reason: "capacity was redesigned in October".into(), ..entry("met", 4, 4) },
            seen,
            Some(s.version),
        )
        .await
        .unwrap();
    let v = register.gap_assessment(&analyst, &started.key).await.unwrap();
    assert_eq!(v.gaps[0].requirement, "operations.storage.monitoring");
    assert_eq!(v.gaps[0].gap, 3);
    assert_eq!(v.gaps_by_area.get("operations"), Some(&3));

    // Workflow: an analyst cannot approve; an executive can, with the comment kept.
    let s =
        register.move_gap_assessment(&analyst, &started.key, GapTransition::Submit, "", Some(s.version)).await.unwrap();
    let err = register
        .move_gap_assessment(&analyst, &started.key, GapTransition::Approve, "ok", Some(s.version))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden));
    let err = register
        .record_gap_entry(
            &analyst,
            &started.key,
            "operations.capacity.design",
            &entry("met", 4, 4),
            None,
            Some(s.version),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Refused { kind: "workflow", .. }), "{err:?}");
    register
        .move_gap_assessment(&exec, &started.key, GapTransition::Approve, "approved for FY2026", Some(s.version))
        .await
        .unwrap();
    let v = register.gap_assessment(&exec, &started.key).await.unwrap();
    assert_eq!(v.record.assessment.status, Status::Approved);
    assert_eq!(v.record.history.last().unwrap().comment, "approved for FY2026");
    assert_eq!(v.record.history.last().unwrap().by, "exe");

    // The next round starts from this one and shows the requirement changed since.
    let next = register.start_gap_assessment(&analyst, &code("BANK-A"), "fsa_report_challenges", today).await.unwrap();
    assert_eq!(next.key, "BANK-A-GA-2");
    let n = register.gap_assessment(&analyst, &next.key).await.unwrap();
    assert_eq!(n.record.previous.as_deref(), Some("BANK-A-GA-1"));
    assert_eq!(n.record.assessment.status, Status::Draft);
    assert_eq!(n.changed_since_previous.as_deref(), Some(&[][..]));
    register
        .record_gap_entry(
            &analyst,
            &next.key,
            "operations.storage.monitoring",
            &entry("met", 4, 4),
            None,
            Some(n.version),
        )
        .await
        .unwrap();
    let n = register.gap_assessment(&analyst, &next.key).await.unwrap();
    assert_eq!(n.changed_since_previous.unwrap(), ["operations.storage.monitoring"]);
    assert_eq!(n.record.assessment.entries["operations.storage.monitoring"].outcome, Outcome::Met);
});

engine_tests!(scoped_users_see_only_their_institutions_assessments, |db| {
    let register = Register::new(db.store.clone());
    two_banks(&register).await;
    let analyst = person(&register, "ana", Role::Analyst, UserScope::All).await;
    let a_only = person(&register, "a-only", Role::Analyst, UserScope::Institutions(vec![code("BANK-A")])).await;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let b = register.start_gap_assessment(&analyst, &code("BANK-B"), "fsa_report_challenges", today).await.unwrap();
    let a = register.start_gap_assessment(&a_only, &code("BANK-A"), "fsa_report_challenges", today).await.unwrap();
    let seen: Vec<_> = register.gap_assessments(&a_only).await.unwrap().into_iter().map(|s| s.key).collect();
    assert_eq!(seen, std::slice::from_ref(&a.key));
    let err = register.gap_assessment(&a_only, &b.key).await.unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");
    let err =
        register.start_gap_assessment(&a_only, &code("BANK-B"), "fsa_report_challenges", today).await.unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");
    let reporter = person(&register, "rep", Role::Reporter, UserScope::All).await;
    let err =
        register.start_gap_assessment(&reporter, &code("BANK-B"), "fsa_report_challenges", today).await.unwrap_err();
    assert!(matches!(err, AppError::Forbidden));
    assert_eq!(register.gap_assessments(&analyst).await.unwrap().len(), 2);
});

engine_tests!(the_sp800_53_low_profile_imports_and_a_broken_file_saves_nothing, |db| {
    let register = Register::new(db.store.clone());
    two_banks(&register).await;
    let analyst = person(&register, "ana", Role::Analyst, UserScope::All).await;
    let catalog_bytes = oscal("NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog-min.json");
    let profile_bytes = oscal("NIST_SP-800-53_rev5_LOW-baseline_profile.json");
    let profile = FrameworkFile { name: "low-profile.json", bytes: &profile_bytes };
    // A profile alone is refused: it needs the catalog it selects from.
    let err = register.import_gap_framework(&analyst, profile, None).await.unwrap_err();
    assert_eq!(err.problems()[0].field.as_deref(), Some("catalog"));
    let catalog = FrameworkFile { name: "low-catalog.json", bytes: &catalog_bytes };
    let f = register.import_gap_framework(&analyst, profile, Some(catalog)).await.unwrap();
    assert_eq!(f.assessable, 149, "131 base controls and 18 enhancements");
    let framework = register.gap_framework(&analyst, &f.id).await.unwrap();
    assert_eq!(
        framework
            .requirements
            .iter()
            .filter(|r| r.assessable
                && r.parent.as_deref().is_some_and(|p| framework.get(p).is_some_and(|g| !g.assessable)))
            .count(),
        131
    );
    // The same id again is refused, by name.
    let err = register.import_gap_framework(&analyst, profile, Some(catalog)).await.unwrap_err();
    assert_eq!(err.problems()[0].kind, "already_registered");
    // It can be assessed.
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let s = register.start_gap_assessment(&analyst, &code("BANK-A"), &f.id, today).await.unwrap();
    let v = register.gap_assessment(&analyst, &s.key).await.unwrap();
    assert_eq!(v.unanswered(), 149);
    register
        .record_gap_entry(&analyst, &s.key, "ac-2", &entry("partly_met", 2, 4), None, Some(v.version))
        .await
        .unwrap();

    // A broken catalog: every problem located, and nothing saved.
    let before = register.gap_frameworks(&analyst).await.unwrap().len();
    let broken = br#"{"catalog": {"uuid": "x", "metadata": {"title": "Broken"}, "groups": [{"id": "g", "title": "G", "controls": [{"id": "c1"}, {"id": "c1", "title": "dup"}]}]}}"#;
    let err = register
        .import_gap_framework(&analyst, FrameworkFile { name: "broken.json", bytes: broken }, None)
        .await
        .unwrap_err();
    assert!(err.problems().len() >= 2, "{:?}", err.problems());
    assert!(err.problems().iter().all(|p| p.message.en.starts_with("broken.json")), "{:?}", err.problems());
    let err = register
        .import_gap_framework(&analyst, FrameworkFile { name: "syntax.json", bytes: b"{\"catalog\": [" }, None)
        .await
        .unwrap_err();
    assert!(err.problems()[0].message.ja.contains("JSON として読めません"), "{:?}", err.problems());
    assert_eq!(register.gap_frameworks(&analyst).await.unwrap().len(), before);
});

engine_tests!(proposals_come_from_the_institutions_map_scenario_runs_and_tlpt_engagements, |db| {
    let register = Register::new(db.store.clone());
    let admin = two_banks(&register).await;
    let bank = code("BANK-A");
    let today = opres_app::today();
    // Without any record, nothing is proposed for the resilience framework: no guessed "met".
    let started = register.start_gap_assessment(&admin, &bank, "fsa_operational_resilience", today).await.unwrap();
    let view = register.gap_assessment(&admin, &started.key).await.unwrap();
    let before = register.gap_proposals(&admin, &view, today).await.unwrap();
    assert!(before.is_empty(), "no map, no proposal: {before:?}");

    // With the demo map and programme, the basic actions and the practice checks are judged.
    assert!(register.load_resilience_demo(&admin, &bank).await.unwrap());
    assert!(opres_app::tlpt::load_demo(&register, &admin, &bank).await.unwrap());
    let after = register.gap_proposals(&admin, &view, today).await.unwrap();
    assert!(!after.is_empty(), "the map's services and tolerances give proposals");
    assert!(after.iter().all(|p| !p.reasons.is_empty() && p.derived_on == today));
    assert!(after.iter().any(|p| !p.records.is_empty()), "records used are named: {after:?}");

    let tlpt = register.start_gap_assessment(&admin, &bank, "fsa_tlpt_practices", today).await.unwrap();
    let view = register.gap_assessment(&admin, &tlpt.key).await.unwrap();
    let proposals = register.gap_proposals(&admin, &view, today).await.unwrap();
    assert!(proposals.len() >= 10, "most practice checks have a verdict: {}", proposals.len());
    // The practice checks are the latest engagement's (TLPT-BK-3, which followed up TLPT-BK-2's
    // shortcomings); the reporting culture looks at every management report, and TLPT-BK-2's
    // left out recurring findings and said only that the result was good.
    let (culture, checks): (Vec<_>, Vec<_>) =
        proposals.iter().partition(|p| p.requirement == "management.reporting_culture");
    assert!(checks.iter().all(|p| p.records == ["TLPT-BK-3"]), "{checks:#?}");
    let culture = culture.first().expect("the reporting culture is proposed from the TLPT reports");
    assert_eq!(culture.proposed, ResultCode::NotMet);
    assert!(culture.records.iter().any(|r| r == "TLPT-BK-2") && culture.records.iter().any(|r| r == "F-BK2-01"));
    let why: Vec<&str> = culture.reasons.iter().map(|r| r.get(Lang::En)).collect();
    assert!(why.iter().any(|r| r.contains("said only \"the result was good\"")), "{why:?}");
});

engine_tests!(a_ciso_assistant_library_and_a_banks_checklist_import_and_a_broken_yaml_saves_nothing, |db| {
    let register = Register::new(db.store.clone());
    let admin = two_banks(&register).await;
    let data = |f: &str| std::fs::read(format!("{}/../opres-gap/tests/data/{f}", env!("CARGO_MANIFEST_DIR"))).unwrap();

    let broken = data("ciso-broken.yaml");
    let err =
        register.import_gap_framework(&admin, FrameworkFile { name: "ciso-broken.yaml", bytes: &broken }, None).await;
    let err = err.unwrap_err();
    let problems = err.problems();
    assert!(problems.len() >= 3, "every problem at once: {problems:?}");
    assert!(problems.iter().all(|p| p.message.get(Lang::En).contains("ciso-broken.yaml")), "{problems:?}");
    assert!(problems.iter().any(|p| p.message.get(Lang::En).contains("line")), "located by line: {problems:?}");
    let before = register.gap_frameworks(&admin).await.unwrap().len();

    let good = data("ciso-good.yaml");
    let f = register.import_gap_framework(&admin, FrameworkFile { name: "ciso-good.yaml", bytes: &good }, None).await;
    let f = f.unwrap();
    assert!(f.assessable > 0 && !f.built_in);
    assert_eq!(register.gap_frameworks(&admin).await.unwrap().len(), before + 1, "the broken one saved nothing");

    let csv =
        "ref,parent_ref,title_ja,title_en,level\r\nA,,統制,Governance,\r\nA.1,A,方針を定める,Set the policy,basic\r\n";
    let f = register
        .import_gap_framework(&admin, FrameworkFile { name: "bank-checklist.csv", bytes: csv.as_bytes() }, None)
        .await
        .unwrap();
    assert_eq!((f.id.as_str(), f.assessable), ("bank-checklist", 1));
    let started = register.start_gap_assessment(&admin, &code("BANK-A"), "bank-checklist", opres_app::today()).await;
    assert!(started.is_ok(), "the checklist can be assessed: {started:?}");
});
