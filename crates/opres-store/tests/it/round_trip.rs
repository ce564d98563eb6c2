use crate::fixtures::ctx;
use opres_store::IncidentFilter;
use opres_store::testkit::TestDb;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// import → export gives back exactly what was imported.
async fn round_trip(db: &TestDb, cases: u32) {
    let mut runner = TestRunner::new(Config { cases, ..Config::default() });
    let handle = tokio::runtime::Handle::current();
    let store = db.store.clone();
    let result = tokio::task::spawn_blocking(move || {
        runner.run(&opres_domain::arbitrary::dataset(12), |data| {
            let exported = handle.block_on(async {
                // A fresh register per case: clear what the previous case wrote.
                for i in store.all_incidents(&IncidentFilter::default()).await.unwrap() {
                    store.delete_incident(i.id, i.version, &ctx()).await.unwrap();
                }
                for s in store.list_systems(None).await.unwrap() {
                    store.delete_system(&s.value.institution, &s.value.code, s.version, &ctx()).await.unwrap();
                }
                for i in store.list_institutions().await.unwrap() {
                    store.delete_institution(&i.value.code, i.version, &ctx()).await.unwrap();
                }
                store.import(&data, &ctx()).await.unwrap();
                store.export(&IncidentFilter::default()).await.unwrap()
            });
            let mut want = data.clone();
            want.incidents.sort_by(|a, b| {
                (a.times.occurred_at(), a.reference.as_str()).cmp(&(b.times.occurred_at(), b.reference.as_str()))
            });
            let mut got = exported;
            got.incidents.sort_by(|a, b| {
                (a.times.occurred_at(), a.reference.as_str()).cmp(&(b.times.occurred_at(), b.reference.as_str()))
            });
            want.institutions.sort_by(|a, b| a.code.cmp(&b.code));
            want.systems.sort_by(|a, b| (&a.institution, &a.code).cmp(&(&b.institution, &b.code)));
            prop_assert_eq!(got, want);
            Ok(())
        })
    })
    .await
    .unwrap();
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_export_round_trip_sqlite() {
    let db = TestDb::sqlite().await;
    round_trip(&db, 24).await;
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(postgres_tests), ignore = "PostgreSQL skipped: set OPRES_TEST_POSTGRES_URL to run it")]
async fn import_export_round_trip_postgres() {
    let db = TestDb::postgres().await;
    round_trip(&db, 24).await;
    db.finish().await;
}
