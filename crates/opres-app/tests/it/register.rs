//! The register's use cases through the door: every rule of role, scope and version is checked
//! by the use case itself, whichever front end calls it.

use crate::support::{code, person};
use opres_app::{Actor, AppError, FilterParams, IncidentKey, IncidentListRequest, NewUser, Register, UserChange};
use opres_domain::Lang;
use opres_domain::record::{IncidentRecord, InstitutionRecord, SystemRecord, TimelineRecord};
use opres_store::{Role, UserScope, engine_tests};
use serde_json::json;

fn institution(c: &str) -> InstitutionRecord {
    serde_json::from_value(json!({"code": c, "name_ja": "銀行", "institution_type": "regional_bank"})).unwrap()
}

fn incident(reference: &str, inst: &str, trend: &str) -> IncidentRecord {
    serde_json::from_value(json!({
        "reference": reference, "institution": inst, "title_ja": "勘定系の遅延",
        "occurred_at": "2024-06-03T10:00:00+09:00", "detected_at": "2024-06-03T10:05:00+09:00",
        "affected_systems": ["CORE"], "trend": trend
    }))
    .unwrap()
}

/// Two institutions with a system each and one incident each; the actors of the test.
async fn register_with_two_banks(register: &Register) -> (Actor, Actor, Actor) {
    let admin = Actor::cli(Lang::En);
    for c in ["BANK-A", "BANK-B"] {
        register.create_institution(&admin, institution(c)).await.unwrap();
        let system: SystemRecord =
            serde_json::from_value(json!({"code": "CORE", "name": "Core", "criticality": "critical"})).unwrap();
        register.create_system(&admin, &code(c), system).await.unwrap();
        register.create_incident(&admin, incident(&format!("INC-{c}"), c, "operations.capacity")).await.unwrap();
    }
    let reporter = person(register, "hanako", Role::Reporter, UserScope::Institutions(vec![code("BANK-A")])).await;
    let analyst = person(register, "taro", Role::Analyst, UserScope::Institutions(vec![code("BANK-A")])).await;
    (admin, reporter, analyst)
}

fn reference(r: &str) -> IncidentKey {
    IncidentKey::parse(r).unwrap()
}

engine_tests!(scope_and_role_are_checked_by_the_use_cases, |db| {
    let register = Register::new(db.store.clone());
    let (admin, reporter, analyst) = register_with_two_banks(&register).await;

    // Another institution's incident reads as missing, by reference and by id alike.
    let theirs = register.find_incident(&admin, &reference("INC-BANK-B")).await.unwrap();
    for key in [reference("INC-BANK-B"), IncidentKey::Id(theirs.id)] {
        assert!(matches!(register.find_incident(&reporter, &key).await, Err(AppError::NotFound { .. })), "{key}");
    }
    let list = register.list_incidents(&reporter, &IncidentListRequest::default()).await.unwrap();
    let refs: Vec<_> = list.page.items.iter().map(|i| i.value.reference.to_string()).collect();
    assert_eq!(refs, ["INC-BANK-A"]);
    let asked = IncidentListRequest {
        filter: FilterParams { institutions: vec!["BANK-B".into()], ..Default::default() },
        ..Default::default()
    };
    assert_eq!(register.list_incidents(&reporter, &asked).await.unwrap().page.total, 0, "asking is not seeing");
    let due = register.due(&reporter, &FilterParams::default(), false, None, chrono::Utc::now()).await.unwrap();
    assert!(due.iter().all(|d| d.institution == code("BANK-A")) && !due.is_empty());

    // A reporter corrects an incident but does not re-classify it; an analyst does.
    let ours = register.find_incident(&reporter, &reference("INC-BANK-A")).await.unwrap();
    let mut corrected = incident("INC-BANK-A", "BANK-A", "operations.capacity");
    corrected.root_cause = Some("a batch ran late".into());
    let saved = register.update_incident(&reporter, &reference("INC-BANK-A"), Some(ours.version), corrected).await;
    let saved = saved.unwrap();
    let reclassified = incident("INC-BANK-A", "BANK-A", "operations.storage");
    let e = register.update_incident(&reporter, &reference("INC-BANK-A"), Some(saved.version), reclassified).await;
    assert_eq!(e.unwrap_err().problems().iter().map(|p| p.field.as_deref()).collect::<Vec<_>>(), [Some("trend")]);
    let trend = "operations.storage".parse().unwrap();
    let e = register.reclassify_incident(&reporter, &reference("INC-BANK-A"), Some(saved.version), trend).await;
    assert!(matches!(e, Err(AppError::Forbidden)));
    let done = register.reclassify_incident(&analyst, &reference("INC-BANK-A"), Some(saved.version), trend).await;
    assert_eq!(done.unwrap().value.classification.trend(), trend);

    // Every change names the version it was based on, and a stale one is a conflict.
    let key = reference("INC-BANK-A");
    assert!(matches!(register.delete_incident(&analyst, &key, None).await, Err(AppError::VersionRequired)));
    let e = register.delete_incident(&analyst, &key, Some(1)).await.unwrap_err();
    assert_eq!(e.current_version(), Some(3));
    assert!(matches!(register.delete_incident(&reporter, &key, Some(3)).await, Err(AppError::Forbidden)));

    // Nothing is registered for an institution outside the scope, and the refusal is located.
    let e = register.create_incident(&reporter, incident("INC-NEW", "BANK-B", "operations.capacity")).await;
    assert_eq!(e.unwrap_err().problems()[0].field.as_deref(), Some("institution"));
    let e = register
        .add_timeline_entry(&reporter, &reference("INC-BANK-B"), TimelineRecord { at: String::new(), text: "x".into() })
        .await;
    assert!(matches!(e, Err(AppError::NotFound { .. })), "scope before the body");
    let e =
        register.add_timeline_entry(&reporter, &key, TimelineRecord { at: String::new(), text: String::new() }).await;
    let fields: Vec<_> = e.unwrap_err().problems().iter().filter_map(|p| p.field.clone()).collect();
    assert_eq!(fields, ["at", "text"]);
    assert!(matches!(register.institution(&reporter, &code("BANK-B")).await, Err(AppError::NotFound { .. })));
    assert_eq!(register.institutions(&reporter).await.unwrap().len(), 1);
    assert!(matches!(register.create_institution(&analyst, institution("BANK-C")).await, Err(AppError::Forbidden)));
});

engine_tests!(accounts_and_the_audit_trail_stay_within_the_scope, |db| {
    let register = Register::new(db.store.clone());
    let (_, reporter, _) = register_with_two_banks(&register).await;
    let scoped = UserScope::Institutions(vec![code("BANK-A")]);
    let admin_a = person(&register, "kanri", Role::Admin, scoped.clone()).await;
    let auditor_a = person(&register, "kansa", Role::Auditor, scoped.clone()).await;
    person(&register, "bob", Role::Reporter, UserScope::Institutions(vec![code("BANK-B")])).await;

    // A scoped administrator manages users inside the scope only, and never locks themselves out.
    let names: Vec<_> = register.users(&admin_a).await.unwrap().into_iter().map(|u| u.value.username).collect();
    assert!(names.contains(&"hanako".to_string()) && !names.contains(&"bob".to_string()));
    let wider = NewUser {
        username: "wide".into(),
        display_name: String::new(),
        password: "a long enough pass".into(),
        role: Role::Executive,
        scope: UserScope::All,
    };
    let e = register.create_user(&admin_a, wider).await.unwrap_err();
    assert_eq!(e.problems()[0].field.as_deref(), Some("institutions"));
    let me = admin_a.user_id().unwrap();
    let current = register.user(&admin_a, me).await.unwrap();
    let off = UserChange { active: Some(false), ..Default::default() };
    let e = register.change_user(&admin_a, me, Some(current.version), off).await;
    assert!(matches!(e, Err(AppError::Refused { kind: "not_self", .. })));
    assert!(matches!(register.users(&reporter).await, Err(AppError::Forbidden)));

    // The audit trail: a scoped auditor reads their institution's part but cannot verify the chain.
    let page = register.audit_trail(&auditor_a, &Default::default()).await.unwrap();
    assert!(page.items.iter().all(|e| e.institution.as_deref().is_none_or(|i| i == "BANK-A")));
    assert!(page.items.iter().any(|e| e.object_key == "INC-BANK-A"));
    assert!(matches!(register.verify_audit_trail(&auditor_a).await, Err(AppError::Forbidden)));
    assert!(register.verify_audit_trail(&Actor::cli(Lang::En)).await.unwrap().first_bad.is_none());
    assert!(matches!(register.audit_trail(&reporter, &Default::default()).await, Err(AppError::Forbidden)));

    // One's own tokens and password.
    let (token, _) = register.create_own_token(&reporter, "mine").await.unwrap();
    assert_eq!(register.own_tokens(&reporter).await.unwrap()[0].id, token.id);
    let e = register.change_own_password(&reporter, "not it at all", "another long one", "another long one").await;
    assert!(matches!(e, Err(AppError::Refused { kind: "wrong_password", .. })));
    let e = register.change_own_password(&reporter, "a long enough pass", "another long one", "typo").await;
    assert_eq!(e.unwrap_err().problems()[0].kind, "mismatch");
    register
        .change_own_password(&reporter, "a long enough pass", "another long one", "another long one")
        .await
        .unwrap();
    assert!(register.sign_in("hanako", "another long one", "test").await.is_ok());
});

engine_tests!(the_dashboard_compares_the_year_to_date_with_the_same_days_of_last_year, |db| {
    let register = Register::new(db.store.clone());
    let admin = Actor::cli(Lang::En);
    register.create_institution(&admin, institution("BANK-A")).await.unwrap();
    // FY2024: two before 3 December, one after. FY2025: one so far.
    for (r, at) in [
        ("P-1", "2024-05-01T09:00:00+09:00"),
        ("P-2", "2024-12-03T23:30:00+09:00"),
        ("P-3", "2025-01-10T09:00:00+09:00"),
        ("C-1", "2025-06-01T09:00:00+09:00"),
    ] {
        let mut i = incident(r, "BANK-A", "operations.capacity");
        i.occurred_at = at.into();
        i.detected_at = at.into();
        i.affected_systems.clear();
        register.create_incident(&admin, i).await.unwrap();
    }
    let now = opres_domain::time::parse_timestamp("2025-12-03T15:00:00+09:00").unwrap();
    let d = register.dashboard(&admin, now).await.unwrap();
    assert_eq!(d.fiscal_year, opres_domain::FiscalYear(2025));
    let total = |c: &[(opres_domain::Trigger, opres_domain::Trend, u64)]| c.iter().map(|x| x.2).sum::<u64>();
    assert_eq!(total(&d.this_year), 1);
    // Not 3: P-3 falls after 3 December of last year.
    assert_eq!(total(&d.last_year), 2);
    assert_eq!(d.period.previous().label(Lang::Ja), "2024年度（4月1日〜12月3日）");
    assert_eq!(d.period.comparison_label(Lang::En), "vs the same period last year (1 Apr – 3 Dec)");
});
