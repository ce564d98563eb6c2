//! Mappings through the door: import (all or nothing, every problem located, the same pair
//! replaced), what they propose from the institution's latest assessment of the source
//! framework, and pre-filling a draft without touching what the assessor entered.

use crate::support::{code, person};
use opres_app::gap::FrameworkFile;
use opres_app::{Actor, AppError, Register};
use opres_domain::record::InstitutionRecord;
use opres_domain::{Lang, RawScalar};
use opres_gap::{Basis, EntryRecord, Relation, ResultCode};
use opres_store::{Role, UserScope, engine_tests};
use serde_json::json;

const SOURCE: &str = "fsa_report_challenges";
const TARGET: &str = "fsa_cyber_guideline_2024";

fn example() -> FrameworkFile<'static> {
    let (name, text) = opres_gap::mapping::EXAMPLE_CHALLENGES_TO_GUIDELINE;
    FrameworkFile { name, bytes: text.as_bytes() }
}

fn entry(result: &str, current: i64, target: i64, evidence: &[&str]) -> EntryRecord {
    EntryRecord {
        result: result.into(),
        current: Some(RawScalar::Int(current)),
        target: Some(RawScalar::Int(target)),
        evidence: evidence.iter().map(ToString::to_string).collect(),
        ..Default::default()
    }
}

engine_tests!(a_mapping_pre_fills_a_draft_from_the_latest_source_assessment_and_keeps_its_sources, |db| {
    let register = Register::new(db.store.clone());
    let admin = Actor::cli(Lang::En);
    for c in ["BANK-A", "BANK-B"] {
        let i: InstitutionRecord =
            serde_json::from_value(json!({"code": c, "name_ja": "銀行", "institution_type": "regional_bank"})).unwrap();
        register.create_institution(&admin, i).await.unwrap();
    }
    let analyst = person(&register, "ana", Role::Analyst, UserScope::All).await;
    let b_only = person(&register, "b-only", Role::Analyst, UserScope::Institutions(vec![code("BANK-B")])).await;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();

    // A broken mapping: every problem located, nothing saved.
    let broken = json!({"source_framework": SOURCE, "target_framework": TARGET, "links": [
        {"source": "cyber.malware.patch", "target": "no.such", "relation": "equal", "strength": 8},
        {"source": "cyber", "target": "detection.logs", "relation": "about", "strength": 11},
    ]})
    .to_string();
    let err = register
        .import_gap_mapping(&analyst, FrameworkFile { name: "broken.json", bytes: broken.as_bytes() })
        .await
        .unwrap_err();
    let fields: Vec<_> = err.problems().iter().filter_map(|p| p.field.clone()).collect();
    assert_eq!(
        fields,
        ["/links/0 target", "/links/1 source", "/links/1 relation", "/links/1 strength"],
        "{:?}",
        err.problems()
    );
    assert!(err.problems().iter().all(|p| p.message.en.starts_with("broken.json")), "{:?}", err.problems());
    let unknown = json!({"source_framework": "nist_csf", "target_framework": "", "links": []}).to_string();
    let err = register
        .import_gap_mapping(&analyst, FrameworkFile { name: "unknown.json", bytes: unknown.as_bytes() })
        .await
        .unwrap_err();
    let kinds: Vec<_> = err.problems().iter().map(|p| (p.field.clone().unwrap_or_default(), p.kind.clone())).collect();
    assert_eq!(
        kinds,
        [
            ("/ source_framework".to_string(), "unknown_reference".to_string()),
            ("/ target_framework".into(), "required".into())
        ]
    );
    assert!(register.gap_mappings(&analyst).await.unwrap().is_empty());

    // The example imports; the same pair again replaces it.
    let m = register.import_gap_mapping(&analyst, example()).await.unwrap();
    assert_eq!((m.links, m.related_links, m.version), (14, 13, 1));
    assert_eq!(register.import_gap_mapping(&analyst, example()).await.unwrap().version, 2);
    assert_eq!(register.gap_mappings(&analyst).await.unwrap().len(), 1);
    let mapping = register.gap_mapping(&analyst, SOURCE, TARGET).await.unwrap();
    assert_eq!(mapping.links[0].relation, Relation::Equal);

    // BANK-A's challenges: the two sources of the guideline's patch requirement disagree.
    let src = register.start_gap_assessment(&analyst, &code("BANK-A"), SOURCE, today).await.unwrap();
    let mut version = src.version;
    for (req, e) in [
        ("cyber.malware.patch", entry("met", 4, 4, &["patch-report-2026.pdf"])),
        ("operations.redundancy.patches", entry("not_met", 1, 4, &["INC-2026-0042"])),
        ("cyber.ddos.mitigation", entry("met", 3, 5, &[])),
        ("operations.capacity.design", entry("not_met", 0, 3, &[])),
    ] {
        version = register.record_gap_entry(&analyst, &src.key, req, &e, None, Some(version)).await.unwrap().version;
    }
    let target = register.start_gap_assessment(&analyst, &code("BANK-A"), TARGET, today).await.unwrap();
    let v = register.gap_assessment(&analyst, &target.key).await.unwrap();
    // The assessor has already judged DDoS themselves.
    let own = entry("partly_met", 2, 4, &[]);
    register
        .record_gap_entry(&analyst, &target.key, "protection.systems.ddos", &own, None, Some(v.version))
        .await
        .unwrap();
    let v = register.gap_assessment(&analyst, &target.key).await.unwrap();

    let proposals = register.gap_mapped_proposals(&analyst, &v).await.unwrap();
    let of = |req: &str| proposals.iter().find(|p| p.prefill.target == req);
    let patch = of("identification.vulnerabilities.patch").unwrap();
    assert_eq!(patch.source_assessment, src.key);
    // Both sources are taken into account: the equal one met, the partial one not met.
    assert_eq!(patch.prefill.proposed, ResultCode::PartlyMet);
    assert_eq!(patch.prefill.sources.len(), 2);
    assert_eq!(of("identification.vulnerabilities.collect").unwrap().prefill.proposed, ResultCode::PartlyMet);
    assert!(of("protection.systems.ddos").unwrap().answered);
    assert!(of("governance.by_design").is_none(), "a not_related link proposes nothing");
    assert!(of("detection.logs").is_none(), "a source without an entry proposes nothing");

    // Another bank's user sees neither the assessment nor what it would be pre-filled with.
    let err = register.apply_gap_mapped_proposals(&b_only, &target.key, Some(v.version)).await.unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");
    // A stale page is refused before anything is written.
    let err = register.apply_gap_mapped_proposals(&analyst, &target.key, Some(v.version - 1)).await.unwrap_err();
    assert!(matches!(err, AppError::Conflict { .. }), "{err:?}");

    let (saved, filled) = register.apply_gap_mapped_proposals(&analyst, &target.key, Some(v.version)).await.unwrap();
    assert_eq!(filled, 2, "patch and collect; DDoS was already entered");
    let v = register.gap_assessment(&analyst, &target.key).await.unwrap();
    assert_eq!(v.version, saved.version);
    let e = &v.record.assessment.entries["identification.vulnerabilities.patch"];
    assert_eq!(e.outcome.code(), ResultCode::PartlyMet);
    assert_eq!((e.current, e.target), (1, 4), "the lowest current and the highest target of the sources");
    assert_eq!(e.evidence, ["patch-report-2026.pdf", "INC-2026-0042"]);
    assert!(e.rationale.contains(&src.key) && e.rationale.contains("operations.redundancy.patches"), "{}", e.rationale);
    assert!(
        matches!(&e.basis, Basis::Mapped { source_assessment, sources, .. } if *source_assessment == src.key && sources.len() == 2)
    );
    assert_eq!(v.record.assessment.entries["protection.systems.ddos"].basis, Basis::Assessor, "never replaced");
    // The gap counts from the pre-filled maturity like any other entry.
    assert!(v.gaps.iter().any(|g| g.requirement == "identification.vulnerabilities.patch" && g.gap == 3));

    // Nothing left to pre-fill: said so, nothing saved.
    let err = register.apply_gap_mapped_proposals(&analyst, &target.key, Some(v.version)).await.unwrap_err();
    assert!(matches!(err, AppError::Refused { kind: "nothing_to_prefill", .. }), "{err:?}");
    assert_eq!(register.gap_assessment(&analyst, &target.key).await.unwrap().version, v.version);

    // The management report's method counts the pre-filled entries.
    let report = register
        .gap_report(&analyst, &target.key, opres_app::gap_report::GapReportKind::Management, Lang::En, today)
        .await
        .unwrap();
    let text = serde_json::to_string(&report).unwrap();
    assert!(text.contains("2 pre-filled through a mapping"), "{text}");
});
