use crate::fixtures::*;
use opres_domain::{Criticality, InstitutionCode, SystemCode};
use opres_store::{StoreError, engine_tests};

engine_tests!(institution_crud_with_versions, |db| {
    let store = &db.store;
    let created = store.create_institution(&bank(), &ctx()).await.unwrap();
    assert_eq!(created.version, 1);
    assert_eq!(created.value, bank());
    assert!(matches!(store.create_institution(&bank(), &ctx()).await, Err(StoreError::AlreadyExists { .. })));

    let mut renamed = bank();
    renamed.name_en = "Sakura Bank".into();
    let updated = store.update_institution(&bank().code, 1, &renamed, &ctx()).await.unwrap();
    assert_eq!(updated.version, 2);
    // A second editor still holding version 1 is refused, not silently applied.
    let mut other = bank();
    other.name_ja = "別名".into();
    match store.update_institution(&bank().code, 1, &other, &ctx()).await {
        Err(StoreError::Conflict { current_version, .. }) => assert_eq!(current_version, 2),
        r => panic!("expected a conflict, got {r:?}"),
    }
    assert_eq!(store.institution(&bank().code).await.unwrap().unwrap().value.name_en, "Sakura Bank");
});

engine_tests!(systems_belong_to_institutions_and_cannot_be_orphaned, |db| {
    let store = &db.store;
    assert!(matches!(store.create_system(&system("CORE"), &ctx()).await, Err(StoreError::UnknownReference { .. })));
    seed(store).await;
    let systems = store.list_systems(Some(&bank().code)).await.unwrap();
    assert_eq!(systems.iter().map(|s| s.value.code.as_str()).collect::<Vec<_>>(), ["ATM", "CORE", "IB"]);

    let mut core = system("CORE");
    core.criticality = Criticality::High;
    let s = store.update_system(1, &core, &ctx()).await.unwrap();
    assert_eq!((s.version, s.value.criticality), (2, Criticality::High));

    store.create_incident(&incident("INC-1"), &ctx()).await.unwrap();
    let core_code = SystemCode::parse("CORE").unwrap();
    let r = store.delete_system(&bank().code, &core_code, 2, &ctx()).await;
    assert!(matches!(r, Err(StoreError::InUse { .. })), "{r:?}");
    let inst = store.institution(&bank().code).await.unwrap().unwrap();
    assert!(matches!(
        store.delete_institution(&bank().code, inst.version, &ctx()).await,
        Err(StoreError::InUse { .. })
    ));
    let ib = SystemCode::parse("IB").unwrap();
    store.delete_system(&bank().code, &ib, 1, &ctx()).await.unwrap();
    assert!(store.system(&bank().code, &ib).await.unwrap().is_none());
    let missing = InstitutionCode::parse("NOPE").unwrap();
    assert!(matches!(store.delete_institution(&missing, 1, &ctx()).await, Err(StoreError::NotFound { .. })));
});
