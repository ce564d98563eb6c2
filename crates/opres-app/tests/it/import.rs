use chrono::{TimeZone, Utc};
use opres_app::{ImportError, Register};
use opres_domain::Lang;
use opres_store::{IncidentFilter, IncidentQuery, engine_tests};
use std::path::PathBuf;

fn ctx() -> opres_store::AuditContext {
    opres_store::AuditContext::new("test")
}

fn write(dir: &tempfile::TempDir, name: &str, body: &str) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, body).unwrap();
    p
}

const INSTITUTIONS: &str = r#"{"record":"institution","code":"BANK-A","name_ja":"さくら銀行","name_en":"Sakura Bank","institution_type":"regional_bank"}
{"record":"system","institution":"BANK-A","code":"CORE","name":"勘定系","criticality":"critical"}
"#;

fn incident_line(reference: &str, extra: &str) -> String {
    format!(
        r#"{{"reference":"{reference}","institution":"BANK-A","title_ja":"ATM停止","occurred_at":"2024-05-01T09:00:00+09:00","detected_at":"2024-05-01T09:05:00+09:00"{extra}}}"#
    )
}

engine_tests!(bad_rows_are_all_listed_and_nothing_is_written, |db| {
    let register = Register::new(db.store.clone());
    let dir = tempfile::tempdir().unwrap();
    let base = write(&dir, "base.jsonl", INSTITUTIONS);
    let incidents = [
        incident_line("INC-1", ""),
        incident_line("INC-2", r#","affected_systems":["MAINFRAME"]"#),
        incident_line("INC-3", r#","occurred_at":"2024-05-01 09:00""#)
            .replace(r#""occurred_at":"2024-05-01T09:00:00+09:00","#, ""),
        incident_line("INC-1", ""),
    ]
    .join("\n");
    let inc = write(&dir, "incidents.jsonl", &incidents);
    // Problems within the file (INC-3's time, INC-1 twice) are found on reading, before references are checked.
    let err = register.import_files(&[base.clone(), inc.clone()], &ctx()).await.unwrap_err();
    let msgs: Vec<String> = err.problems().iter().map(|p| p.message(Lang::En)).collect();
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    assert!(msgs[0].starts_with("incidents.jsonl line 3, occurred_at:"), "{msgs:?}");
    assert!(msgs[1].starts_with("incidents.jsonl line 4, reference: 'INC-1' appears more than once"), "{msgs:?}");

    let incidents = [
        incident_line("INC-1", ""),
        incident_line("INC-2", r#","affected_systems":["MAINFRAME"]"#),
        incident_line("INC-3", r#","institution":"NOBANK""#).replace(r#""institution":"BANK-A","#, ""),
    ]
    .join("\n");
    let inc = write(&dir, "incidents.jsonl", &incidents);
    let err = register.import_files(&[base.clone(), inc.clone()], &ctx()).await.unwrap_err();
    let msgs: Vec<String> = err.problems().iter().map(|p| p.message(Lang::En)).collect();
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    assert_eq!(msgs[0], "incidents.jsonl line 2, affected_systems: 'BANK-A/MAINFRAME' does not exist");
    assert_eq!(msgs[1], "incidents.jsonl line 3, institution: 'NOBANK' does not exist");
    let ja = err.problems()[0].message(Lang::Ja);
    assert!(ja.contains("2行目") && ja.contains("登録されていません"), "{ja}");
    assert!(matches!(err, ImportError::Invalid { .. }));
    assert!(db.store.list_institutions().await.unwrap().is_empty(), "nothing may be written");

    // Fixed: everything goes in; importing the incidents again is refused row by row.
    let inc = write(&dir, "incidents.jsonl", &[incident_line("INC-1", ""), incident_line("INC-2", "")].join("\n"));
    let report = register.import_files(&[base.clone(), inc.clone()], &ctx()).await.unwrap();
    assert_eq!(report.summary.incidents_created, 2);
    let err = register.import_files(&[inc], &ctx()).await.unwrap_err();
    assert_eq!(err.problems().len(), 2);
    assert!(err.problems()[0].message(Lang::En).contains("'INC-1' is already registered"));
    assert_eq!(db.store.list_incidents(&IncidentQuery::default()).await.unwrap().total, 2);
});

engine_tests!(generated_data_imports_and_reports_are_due, |db| {
    let register = Register::new(db.store.clone());
    let now = Utc.with_ymd_and_hms(2026, 11, 29, 0, 0, 0).unwrap();
    let data = opres_synthetic::generate(&opres_synthetic::GenParams {
        institutions: 3,
        incidents: 200,
        seed: 7,
        now,
        fiscal_years: 5,
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.jsonl");
    opres_interchange::write_file(&path, &data).unwrap();
    let report = register.import_files(&[path], &ctx()).await.unwrap();
    assert_eq!(report.summary.incidents_created, 200);
    let due = register.due_reports(&IncidentFilter::default(), now).await.unwrap();
    assert!(!due.is_empty(), "a realistic register has reports outstanding");
    // Overdue first, then by due date.
    let keys: Vec<_> = due.iter().map(|d| (!d.stage.is_overdue(), d.stage.due_at)).collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]));
});
