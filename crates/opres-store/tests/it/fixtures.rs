//! Small hand-written register data.

use opres_domain::record::{IncidentRecord, InstitutionRecord, RawScalar, SystemRecord};
use opres_domain::{Incident, Institution, System};

pub fn bank() -> Institution {
    InstitutionRecord {
        code: "BANK-A".into(),
        name_ja: "さくら地方銀行".into(),
        name_en: "Sakura Regional Bank".into(),
        institution_type: "regional_bank".into(),
        lei: None,
    }
    .validate()
    .unwrap()
}

pub fn system(code: &str) -> System {
    SystemRecord {
        institution: "BANK-A".into(),
        code: code.into(),
        name: format!("{code} system"),
        owner: Some("システム部".into()),
        criticality: "critical".into(),
    }
    .validate()
    .unwrap()
}

pub fn incident(reference: &str) -> Incident {
    record(reference).validate().unwrap()
}

pub fn record(reference: &str) -> IncidentRecord {
    IncidentRecord {
        reference: reference.into(),
        institution: "BANK-A".into(),
        title_ja: Some("ATMが全店で停止".into()),
        title_en: Some("ATMs stopped at all branches".into()),
        description_ja: Some("夜間バッチで記憶領域が枯渇し、朝のATM開局が遅れた。".into()),
        occurred_at: "2024-05-01T06:00:00+09:00".into(),
        detected_at: "2024-05-01T06:20:00+09:00".into(),
        first_reported_at: Some("2024-05-01T07:00:00+09:00".into()),
        recovered_at: Some("2024-05-01T09:30:00+09:00".into()),
        channels: vec!["atm".into(), "branch".into()],
        affected_systems: vec!["CORE".into(), "ATM".into()],
        customers_affected: Some(RawScalar::Int(12_000)),
        transaction_value_jpy: Some(RawScalar::Int(350_000_000)),
        settlement_impact: Some("delayed".into()),
        trend: Some("operations.storage".into()),
        root_cause: Some("ログ領域の監視閾値が未設定".into()),
        ..Default::default()
    }
}

/// Registers the bank and its CORE, ATM and IB systems.
pub async fn seed(store: &opres_store::Store) {
    store.create_institution(&bank(), &ctx()).await.unwrap();
    for s in ["CORE", "ATM", "IB"] {
        store.create_system(&system(s), &ctx()).await.unwrap();
    }
}

/// The audit context of test writes.
pub fn ctx() -> opres_store::AuditContext {
    opres_store::AuditContext::new("test")
}
