//! Reporting regimes through the door: an institution's settings, an incident's inputs and the
//! obligations they give, with the scope, role and version rules of every other use case.

use crate::support::{code, person};
use opres_app::{Actor, AppError, IncidentKey, Register};
use opres_domain::record::{IncidentRecord, InstitutionRecord};
use opres_domain::{Lang, Timestamp};
use opres_regimes::{
    Decision, DoraEntityType, DoraImpact, DoraSettings, HolidayCalendar, ObligationStatus, Regime, RegimeInputs,
    RegimeSettings, Report, UsSettings,
};
use opres_store::{Role, UserScope, engine_tests};
use serde_json::json;

fn t(s: &str) -> Timestamp {
    chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

async fn two_banks(register: &Register) -> Actor {
    let admin = Actor::cli(Lang::En);
    for c in ["BANK-A", "BANK-B"] {
        let i: InstitutionRecord =
            serde_json::from_value(json!({"code": c, "name_ja": "銀行", "institution_type": "regional_bank"})).unwrap();
        register.create_institution(&admin, i).await.unwrap();
        // Monday 3 June 2024, detected 10:05 JST (01:05 UTC), recovered after 5 hours.
        let r: IncidentRecord = serde_json::from_value(json!({
            "reference": format!("INC-{c}"), "institution": c, "title_ja": "勘定系の停止",
            "occurred_at": "2024-06-03T10:00:00+09:00", "detected_at": "2024-06-03T10:05:00+09:00",
            "recovered_at": "2024-06-03T15:05:00+09:00", "trend": "operations.capacity"
        }))
        .unwrap();
        register.create_incident(&admin, r).await.unwrap();
    }
    admin
}

fn key(r: &str) -> IncidentKey {
    IncidentKey::parse(r).unwrap()
}

fn major_impact() -> DoraImpact {
    DoraImpact {
        critical_functions_affected: Some(true),
        clients_total: Some(400_000),
        clients_affected: Some(120_000),
        critical_service_downtime_minutes: Some(300),
        member_states_affected: Some(2),
        ..DoraImpact::default()
    }
}

engine_tests!(obligations_follow_the_settings_and_inputs_within_scope, |db| {
    let register = Register::new(db.store.clone());
    let admin = two_banks(&register).await;
    let now = t("2026-12-01T00:00:00Z");

    // Until settings are saved, the FSA alone applies, with the register's policy.
    let a = register.incident_obligations(&admin, &key("INC-BANK-A"), now).await.unwrap();
    assert_eq!(a.regimes, vec![Regime::Fsa]);
    assert!(a.settings.version.is_none() && a.dora.is_none());
    assert!(a.obligations.iter().all(|o| o.regime == Regime::Fsa));

    // An EU credit-institution subsidiary: DORA joins the FSA.
    let dora = DoraSettings {
        entity_type: DoraEntityType::CreditInstitution,
        nis2_essential_or_important: false,
        weekend_relief_disapplied: false,
        calendar: HolidayCalendar::new("CET", 3600, []).unwrap(),
    };
    let settings = RegimeSettings { dora: Some(dora), ..RegimeSettings::default() };
    let saved = register.save_regime_settings(&admin, &code("BANK-B"), &settings, None).await.unwrap();
    let b = register.incident_obligations(&admin, &key("INC-BANK-B"), now).await.unwrap();
    assert_eq!(b.regimes, vec![Regime::Fsa, Regime::Dora]);
    assert_eq!(b.settings.version, Some(saved.version));
    let initial = |o: &opres_app::IncidentObligations| {
        o.obligations.iter().find(|x| x.report == Report::DoraInitialNotification).cloned().unwrap()
    };
    assert_eq!(initial(&b).status, ObligationStatus::Waiting, "no classification recorded yet");

    // Classified two hours after detection: the initial notification is due four hours later.
    let inputs = RegimeInputs {
        dora_classified_at: Some(t("2024-06-03T03:05:00Z")),
        dora_impact: Some(major_impact()),
        ..RegimeInputs::default()
    };
    let first = register.save_regime_inputs(&admin, &key("INC-BANK-B"), &inputs, None).await.unwrap();
    let b = register.incident_obligations(&admin, &key("INC-BANK-B"), now).await.unwrap();
    assert_eq!(b.dora.as_ref().map(|c| c.major), Some(Decision::Met));
    let o = initial(&b);
    assert_eq!(o.due.and_then(|d| d.at()), Some(t("2024-06-03T07:05:00Z")));
    assert_eq!(o.status, ObligationStatus::Overdue);
    let json = b.to_json(Lang::Ja);
    assert_eq!(json["regimes"], json!(["fsa", "dora"]));
    assert_eq!(json["dora_classification"]["major"], "met");
    let row =
        json["obligations"].as_array().unwrap().iter().find(|r| r["report"] == "dora.initial_notification").unwrap();
    assert_eq!(row["due_at"], "2024-06-03T16:05:00+09:00");
    assert_eq!(row["status"], "overdue");

    // Two editors: a second "first" save and a stale one are refused; nothing changes.
    let other = RegimeInputs { dora_classified_at: Some(t("2024-06-04T00:00:00Z")), ..inputs.clone() };
    assert!(register.save_regime_inputs(&admin, &key("INC-BANK-B"), &other, None).await.is_err());
    assert!(matches!(
        register.save_regime_inputs(&admin, &key("INC-BANK-B"), &other, Some(first.version + 1)).await,
        Err(AppError::Conflict { .. })
    ));
    let b = register.incident_obligations(&admin, &key("INC-BANK-B"), now).await.unwrap();
    assert_eq!(b.inputs.value, inputs);

    // Scope: a BANK-A user does not see BANK-B's settings or obligations; an auditor cannot edit.
    let reporter = person(&register, "hanako", Role::Reporter, UserScope::Institutions(vec![code("BANK-A")])).await;
    assert!(matches!(
        register.incident_obligations(&reporter, &key("INC-BANK-B"), now).await,
        Err(AppError::NotFound { .. })
    ));
    assert!(matches!(register.regime_settings(&reporter, &code("BANK-B")).await, Err(AppError::NotFound { .. })));
    let auditor = person(&register, "kansa", Role::Auditor, UserScope::All).await;
    assert!(matches!(
        register.save_regime_inputs(&auditor, &key("INC-BANK-A"), &inputs, None).await,
        Err(AppError::Forbidden)
    ));

    // Settings are validated whole before anything is saved.
    let bad = RegimeSettings {
        us: Some(UsSettings { banking_organization: false, bank_service_provider: false }),
        ..RegimeSettings::default()
    };
    assert!(matches!(
        register.save_regime_settings(&admin, &code("BANK-A"), &bad, None).await,
        Err(AppError::Invalid { .. })
    ));
    assert!(register.regime_settings(&admin, &code("BANK-A")).await.unwrap().version.is_none());
});

engine_tests!(the_demo_shows_a_major_dora_incident_and_a_36_hour_notification, |db| {
    let register = Register::new(db.store.clone());
    let now = chrono::Utc::now();
    let data = opres_synthetic::generate(&opres_synthetic::GenParams::new(3, 60, 7, now));
    let actor = Actor::demo(Lang::En);
    register.import_demo_data(&actor, &data).await.unwrap();
    let codes: Vec<_> = data.institutions.iter().map(|i| i.code.clone()).collect();
    register.load_regimes_demo(&actor, &codes).await.unwrap();
    let mut seen = (false, false);
    for i in &data.incidents {
        let o = register.incident_obligations(&actor, &IncidentKey::Reference(i.reference.clone()), now).await.unwrap();
        if o.dora.as_ref().is_some_and(|c| c.major == Decision::Met) {
            seen.0 = true;
        }
        if o.obligations.iter().any(|x| x.report == Report::UsRegulatorNotification && x.due.is_some()) {
            seen.1 = true;
        }
    }
    assert_eq!(seen, (true, true));
});
