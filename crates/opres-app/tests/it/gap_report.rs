//! The gap assessment's reports through the door: the report for management and the statement
//! of applicability of one assessment, its OSCAL export, and the supervisor's distribution over
//! the latest round of each institution the actor sees.

use crate::support::{code, person};
use opres_app::gap_report::GapReportKind;
use opres_app::{Actor, AppError, Register};
use opres_domain::Lang;
use opres_domain::RawScalar::Int;
use opres_domain::record::InstitutionRecord;
use opres_domain::report::{Block, ReportDocument, ReportFormat};
use opres_gap::EntryRecord;
use opres_store::{Role, UserScope, engine_tests};
use serde_json::json;

const FRAMEWORK: &str = "fsa_report_challenges";
const REQUIREMENT: &str = "operations.storage.monitoring";

fn day() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
}

/// Starts an assessment of `bank` and records `result` for the one requirement; returns its key.
async fn assessed(register: &Register, actor: &Actor, bank: &str, result: &str) -> String {
    let s = register.start_gap_assessment(actor, &code(bank), FRAMEWORK, day()).await.unwrap();
    let v = register.gap_assessment(actor, &s.key).await.unwrap();
    let entry = EntryRecord {
        result: result.into(),
        current: Some(Int(1)),
        target: Some(Int(4)),
        rationale: format!("{bank}: monitoring reviewed"),
        ..Default::default()
    };
    register.record_gap_entry(actor, &s.key, REQUIREMENT, &entry, None, Some(v.version)).await.unwrap();
    s.key
}

/// The cells of the distribution's row for the requirement whose label starts with `reference`.
fn row(doc: &ReportDocument, title: &str) -> Vec<String> {
    doc.sections
        .iter()
        .flat_map(|s| &s.blocks)
        .filter_map(|b| match b {
            Block::Table { rows, .. } => Some(rows),
            _ => None,
        })
        .flatten()
        .find(|r| r[0].text.contains(title))
        .map(|r| r.iter().map(|c| c.text.clone()).collect())
        .unwrap_or_else(|| panic!("no row for {title}"))
}

engine_tests!(reports_follow_the_assessment_and_the_distribution_counts_each_institutions_latest_round, |db| {
    let register = Register::new(db.store.clone());
    let admin = Actor::cli(Lang::En);
    for (c, name) in
        [("BANK-A", "Aoba Bank"), ("BANK-B", "Beech Bank"), ("BANK-C", "Cedar Bank"), ("BANK-D", "Dune Bank")]
    {
        let i: InstitutionRecord = serde_json::from_value(
            json!({"code": c, "name_ja": "銀行", "name_en": name, "institution_type": "regional_bank"}),
        )
        .unwrap();
        register.create_institution(&admin, i).await.unwrap();
    }
    let analyst = person(&register, "ana", Role::Analyst, UserScope::All).await;
    let a1 = assessed(&register, &analyst, "BANK-A", "met").await;
    assessed(&register, &analyst, "BANK-B", "not_met").await;
    assessed(&register, &analyst, "BANK-C", "partly_met").await;
    // BANK-A's second round, from the first: the distribution counts this one, not both.
    let a2 = register.start_gap_assessment(&analyst, &code("BANK-A"), FRAMEWORK, day()).await.unwrap().key;
    let v = register.gap_assessment(&analyst, &a2).await.unwrap();
    let worse = EntryRecord {
        result: "not_met".into(),
        current: Some(Int(0)),
        target: Some(Int(4)),
        rationale: "monitoring stopped after the migration".into(),
        ..Default::default()
    };
    register.record_gap_entry(&analyst, &a2, REQUIREMENT, &worse, None, Some(v.version)).await.unwrap();

    // The report for management names the institution, lists the gap with its rationale, and
    // shows what changed since the first round.
    let doc = register.gap_report(&analyst, &a2, GapReportKind::Management, Lang::En, day()).await.unwrap();
    assert!(doc.subtitle.contains("Aoba Bank") && doc.subtitle.contains(&a2), "{}", doc.subtitle);
    let md = doc.to_markdown();
    assert!(md.contains("monitoring stopped after the migration"), "{md}");
    assert!(md.contains(&a1), "the changes name the previous round: {md}");
    let ja = register.gap_report(&analyst, &a2, GapReportKind::Management, Lang::Ja, day()).await.unwrap();
    assert!(ja.subtitle.contains("銀行") && ja.title.contains("経営陣"), "{}", ja.title);

    // The statement of applicability counts what is included and what is not decided.
    let soa = register.gap_report(&analyst, &a1, GapReportKind::Applicability, Lang::En, day()).await.unwrap();
    assert!(
        soa.to_markdown().contains("Of 16 assessable requirements, 1 are included, 0 excluded and 15 not yet decided")
    );

    // The same files for every front end: name, media type, bytes.
    let file = register
        .gap_report_file(&analyst, &a2, GapReportKind::Management, ReportFormat::Xlsx, Lang::En, day())
        .await
        .unwrap();
    assert_eq!(file.file_name, format!("{a2}-management-en.xlsx"));
    assert!(file.bytes.starts_with(b"PK"), "an Excel workbook is a zip file");

    // OSCAL: one finding for the one answer, and the same UUIDs on every export.
    let oscal = register.gap_oscal_results(&analyst, &a2).await.unwrap();
    assert_eq!(oscal, register.gap_oscal_results(&analyst, &a2).await.unwrap());
    let findings = oscal["assessment-results"]["results"][0]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{oscal:#}");

    // The distribution: three institutions answered (A's latest round says not met), none named.
    let dist = register.gap_distribution(&analyst, FRAMEWORK, Lang::En, day()).await.unwrap();
    assert!(dist.subtitle.starts_with("3 institutions"), "{}", dist.subtitle);
    let storage = register.gap_framework(&analyst, FRAMEWORK).await.unwrap();
    let title = storage.get(REQUIREMENT).unwrap().title.get(Lang::En).to_string();
    // requirement, answering, met, partly met, not met, not applicable
    assert_eq!(row(&dist, &title)[1..], ["3", "0", "1", "2", "0"]);
    let text = dist.to_markdown();
    for name in ["Aoba", "Beech", "Cedar", "BANK-"] {
        assert!(!text.contains(name), "the distribution names no institution ({name})");
    }
    // A requirement nobody answered is shown without counts.
    let other = storage.assessable().find(|r| r.id != REQUIREMENT).unwrap().title.get(Lang::En).to_string();
    assert!(row(&dist, &other)[2].contains("fewer than 3"), "{:?}", row(&dist, &other));

    // A user who sees one bank gets its reports, is told another's does not exist, and its
    // distribution has too few institutions to show anything.
    let scoped = person(&register, "rep", Role::Reporter, UserScope::Institutions(vec![code("BANK-A")])).await;
    register.gap_report(&scoped, &a1, GapReportKind::Applicability, Lang::En, day()).await.unwrap();
    let err =
        register.gap_report(&scoped, "BANK-B-GA-1", GapReportKind::Management, Lang::En, day()).await.unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");
    let err = register.gap_oscal_results(&scoped, "BANK-B-GA-1").await.unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");
    let dist = register.gap_distribution(&scoped, FRAMEWORK, Lang::En, day()).await.unwrap();
    assert!(dist.subtitle.starts_with("1 institution ·"), "{}", dist.subtitle);
    assert!(row(&dist, &title)[2].contains("fewer than 3"));

    // Unknown kinds and frameworks are refused by name.
    assert!(GapReportKind::parse("summary").is_err());
    let err = register.gap_distribution(&analyst, "no_such_framework", Lang::En, day()).await.unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");
});
