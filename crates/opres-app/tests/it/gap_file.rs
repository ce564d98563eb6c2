//! A gap file through the door: every problem of every record located and nothing saved, then the
//! sample's assessments (drafts, numbered after the existing ones) and roadmap in one go.

use crate::support::{code, person};
use opres_app::gap::FrameworkFile;
use opres_app::{Actor, Register};
use opres_domain::Lang;
use opres_domain::record::InstitutionRecord;
use opres_gap::Status;
use opres_store::{Role, UserScope, engine_tests};
use serde_json::json;

engine_tests!(a_gap_file_imports_whole_or_not_at_all, |db| {
    let register = Register::new(db.store.clone());
    let admin = Actor::cli(Lang::En);
    for c in ["BANK-A", "BANK-B"] {
        let i: InstitutionRecord =
            serde_json::from_value(json!({"code": c, "name_ja": "銀行", "institution_type": "regional_bank"})).unwrap();
        register.create_institution(&admin, i).await.unwrap();
    }
    let a_only = person(&register, "a-only", Role::Analyst, UserScope::Institutions(vec![code("BANK-A")])).await;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    register.start_gap_assessment(&a_only, &code("BANK-A"), "fsa_report_challenges", today).await.unwrap();

    let broken = json!({
        "assessments": [
            {"institution": "BANK-A", "framework": "fsa_report_challenges", "entries": {
                "cyber.malware.patch": {"result": "met", "current": 9, "target": 4},
                "cyber": {"result": "met", "current": 1, "target": 1}}},
            {"institution": "BANK-B", "framework": "nist_csf"}
        ],
        "roadmaps": [{"institution": "BANK-A", "actions": [
            {"id": "RM-1", "title_ja": "x", "owner": "IT", "start": "2026-04-01", "due": "2026-03-01", "effort_days": 5}
        ], "milestones": [{"on": "soon", "title_ja": "取締役会"}]}]
    })
    .to_string();
    let err = register
        .import_gap_file(&a_only, FrameworkFile { name: "bad.gap.json", bytes: broken.as_bytes() }, today)
        .await
        .unwrap_err();
    let fields: Vec<String> = err.problems().iter().filter_map(|p| p.field.clone()).collect();
    assert_eq!(
        fields,
        [
            "/assessments/0/entries/cyber",
            "/assessments/0/entries/cyber.malware.patch current",
            "/assessments/1 institution",
            "/assessments/1 framework",
            "/roadmaps/0/actions/0 due",
            "/roadmaps/0/milestones/0 on",
        ],
        "BANK-B is outside the caller's scope and reads as unknown: {:?}",
        err.problems()
    );
    assert_eq!(register.gap_assessments(&admin).await.unwrap().len(), 1, "nothing saved");

    let sample = opres_gap::exchange::sample(&["BANK-A".into(), "BANK-B".into()], today, 1);
    let bytes = serde_json::to_vec(&sample).unwrap();
    let done =
        register.import_gap_file(&admin, FrameworkFile { name: "gen.gap.json", bytes: &bytes }, today).await.unwrap();
    assert_eq!(done.assessments, ["BANK-A-GA-2", "BANK-A-GA-3", "BANK-B-GA-1"]);
    assert_eq!(done.roadmaps, ["BANK-A"]);
    let v = register.gap_assessment(&admin, "BANK-A-GA-2").await.unwrap();
    assert_eq!(v.record.assessment.status, Status::Draft);
    assert_eq!(v.record.previous.as_deref(), Some("BANK-A-GA-1"), "the next round of the same pair");
    assert_eq!(v.record.assessment.entries.len(), sample.assessments[0].entries.len());
    let roadmap = register.gap_roadmap(&admin, &code("BANK-A")).await.unwrap();
    assert_eq!((roadmap.roadmap.actions().len(), roadmap.roadmap.milestones().len()), (4, 2));
});
