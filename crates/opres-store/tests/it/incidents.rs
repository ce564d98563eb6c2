use crate::fixtures::*;
use opres_domain::record::IncidentRecord;
use opres_domain::time::parse_timestamp;
use opres_domain::{Channel, DataSet, IncidentStatus, ReportStageKind, ReportSubmission, TimelineEntry, Trend};
use opres_store::{IncidentFilter, IncidentQuery, IncidentSort, StoreError, engine_tests};

engine_tests!(incident_is_read_back_exactly, |db| {
    let store = &db.store;
    seed(store).await;
    let created = store.create_incident(&incident("INC-1"), &ctx()).await.unwrap();
    assert_eq!(created.value, incident("INC-1"));
    assert_eq!(created.version, 1);
    let by_ref = store.incident_by_reference(&incident("INC-1").reference).await.unwrap().unwrap();
    assert_eq!(by_ref, created);
    assert_eq!(store.incident(created.id).await.unwrap().unwrap(), created);
    assert!(store.incident(created.id + 1000).await.unwrap().is_none());
});

engine_tests!(two_editors_cannot_overwrite_each_other, |db| {
    let store = &db.store;
    seed(store).await;
    let created = store.create_incident(&incident("INC-1"), &ctx()).await.unwrap();
    let mut first = created.value.clone();
    first.root_cause = Some("first editor".into());
    let mut second = created.value.clone();
    second.root_cause = Some("second editor".into());
    let saved = store.update_incident(created.id, created.version, &first, &ctx()).await.unwrap();
    assert_eq!(saved.version, 2);
    match store.update_incident(created.id, created.version, &second, &ctx()).await {
        Err(StoreError::Conflict { current_version: 2, .. }) => {}
        r => panic!("expected a conflict, got {r:?}"),
    }
    assert_eq!(store.incident(created.id).await.unwrap().unwrap().value.root_cause.as_deref(), Some("first editor"));
    assert!(matches!(store.delete_incident(created.id, 1, &ctx()).await, Err(StoreError::Conflict { .. })));
    store.delete_incident(created.id, 2, &ctx()).await.unwrap();
    assert!(matches!(store.update_incident(created.id, 2, &first, &ctx()).await, Err(StoreError::NotFound { .. })));
});

engine_tests!(update_replaces_lists_in_order, |db| {
    let store = &db.store;
    seed(store).await;
    let created = store.create_incident(&incident("INC-1"), &ctx()).await.unwrap();
    let mut edited = created.value.clone();
    edited.channels = vec![Channel::InternetBanking, Channel::Atm];
    edited.affected_systems.reverse();
    edited.secondary_trends = vec![Trend::WorkMisoperation];
    let saved = store.update_incident(created.id, 1, &edited, &ctx()).await.unwrap();
    assert_eq!(saved.value, edited);
});

engine_tests!(timeline_and_report_submissions_are_changes, |db| {
    let store = &db.store;
    seed(store).await;
    let created = store.create_incident(&incident("INC-1"), &ctx()).await.unwrap();
    let at = parse_timestamp("2024-05-01T08:00:00+09:00").unwrap();
    let s =
        store.add_timeline_entry(created.id, &TimelineEntry { at, text: "代替機へ切替".into() }, &ctx()).await.unwrap();
    assert_eq!(s.version, 2);
    assert_eq!(s.value.timeline.len(), 1);
    let sub = ReportSubmission { stage: ReportStageKind::WrittenReport, submitted_at: at };
    let s = store.add_report_submission(created.id, &sub, &ctx()).await.unwrap();
    assert_eq!(s.version, 3);
    assert_eq!(s.value.report_submissions, vec![sub]);
    assert!(matches!(
        store.add_timeline_entry(999_999, &TimelineEntry { at, text: "x".into() }, &ctx()).await,
        Err(StoreError::NotFound { .. })
    ));
});

engine_tests!(unknown_references_are_refused, |db| {
    let store = &db.store;
    seed(store).await;
    let mut r = record("INC-1");
    r.affected_systems = vec!["MAINFRAME".into()];
    match store.create_incident(&r.validate().unwrap(), &ctx()).await {
        Err(StoreError::UnknownReference { what: "system", key }) => assert_eq!(key, "BANK-A/MAINFRAME"),
        other => panic!("expected unknown system, got {other:?}"),
    }
    let r = IncidentRecord { institution: "NOBANK".into(), affected_systems: vec![], ..record("INC-2") };
    assert!(matches!(
        store.create_incident(&r.validate().unwrap(), &ctx()).await,
        Err(StoreError::UnknownReference { what: "institution", .. })
    ));
    store.create_incident(&incident("INC-3"), &ctx()).await.unwrap();
    assert!(matches!(store.create_incident(&incident("INC-3"), &ctx()).await, Err(StoreError::AlreadyExists { .. })));
});

engine_tests!(list_filters_sorts_and_pages, |db| {
    let store = &db.store;
    seed(store).await;
    let mut data = DataSet::default();
    for n in 0..30 {
        let mut r = record(&format!("INC-{n:03}"));
        r.occurred_at = format!("2024-06-{:02}T10:00:00+09:00", n % 28 + 1);
        r.detected_at = r.occurred_at.clone();
        r.first_reported_at = None;
        r.recovered_at = (n % 3 != 0).then(|| format!("2024-06-{:02}T12:00:00+09:00", n % 28 + 1));
        r.trend = Some(if n % 5 == 0 { "cyber.ddos" } else { "operations.storage" }.into());
        r.channels = if n % 2 == 0 { vec!["internet_banking".into()] } else { vec!["atm".into()] };
        r.title_en = Some(if n == 7 { "100% outage of 50_50 gateway".into() } else { format!("Outage {n}") });
        data.incidents.push(r.validate().unwrap());
    }
    store.import(&data, &ctx()).await.unwrap();

    let all = store.list_incidents(&IncidentQuery { limit: 1000, ..Default::default() }).await.unwrap();
    assert_eq!(all.total, 30);
    let q = |filter: IncidentFilter| IncidentQuery { filter, limit: 1000, ..Default::default() };
    let ddos =
        store.list_incidents(&q(IncidentFilter { trend: Some(Trend::CyberDdos), ..Default::default() })).await.unwrap();
    assert_eq!(ddos.total, 6);
    assert!(ddos.items.iter().all(|i| i.value.cyber_attack));
    let cyber =
        store.list_incidents(&q(IncidentFilter { cyber_attack: Some(true), ..Default::default() })).await.unwrap();
    assert_eq!(cyber.total, 6);
    let open = store
        .list_incidents(&q(IncidentFilter { status: Some(IncidentStatus::Open), ..Default::default() }))
        .await
        .unwrap();
    assert_eq!(open.total, 10);
    let atm =
        store.list_incidents(&q(IncidentFilter { channel: Some(Channel::Atm), ..Default::default() })).await.unwrap();
    assert_eq!(atm.total, 15);
    // LIKE wildcards in user text are literal: '%' and '_' match only themselves.
    let text = store
        .list_incidents(&q(IncidentFilter { text: Some("100% OUTAGE of 50_50".into()), ..Default::default() }))
        .await
        .unwrap();
    assert_eq!(text.items.iter().map(|i| i.value.reference.as_str()).collect::<Vec<_>>(), ["INC-007"]);
    let injection = store
        .list_incidents(&q(IncidentFilter { text: Some("' OR 1=1 --".into()), ..Default::default() }))
        .await
        .unwrap();
    assert_eq!(injection.total, 0);
    let nobody =
        store.list_incidents(&q(IncidentFilter { institutions: Some(vec![]), ..Default::default() })).await.unwrap();
    assert_eq!(nobody.total, 0);
    let june_10_on =
        IncidentFilter { occurred_from: parse_timestamp("2024-06-10T00:00:00+09:00").ok(), ..Default::default() };
    assert_eq!(store.list_incidents(&q(june_10_on)).await.unwrap().total, 30 - 9 - 2);

    // Pages cover everything exactly once, in order.
    let mut seen = Vec::new();
    for page in 0..4 {
        let p = store
            .list_incidents(&IncidentQuery {
                sort: IncidentSort::Reference,
                descending: false,
                limit: 8,
                offset: page * 8,
                ..Default::default()
            })
            .await
            .unwrap();
        seen.extend(p.items.into_iter().map(|i| i.value.reference.to_string()));
    }
    let expected: Vec<String> = (0..30).map(|n| format!("INC-{n:03}")).collect();
    assert_eq!(seen, expected);
});

engine_tests!(import_is_all_or_nothing, |db| {
    let store = &db.store;
    let mut data =
        DataSet { institutions: vec![bank()], systems: vec![system("CORE"), system("ATM")], incidents: vec![] };
    for n in 0..50 {
        data.incidents.push(incident(&format!("INC-{n}")));
    }
    // The last incident names a system that does not exist: nothing at all may be written.
    let mut bad = record("INC-BAD");
    bad.affected_systems = vec!["NOPE".into()];
    data.incidents.push(bad.validate().unwrap());
    assert!(store.import(&data, &ctx()).await.is_err());
    assert!(store.list_institutions().await.unwrap().is_empty());
    assert!(store.list_systems(None).await.unwrap().is_empty());
    assert_eq!(store.list_incidents(&IncidentQuery::default()).await.unwrap().total, 0);

    data.incidents.pop();
    let summary = store.import(&data, &ctx()).await.unwrap();
    assert_eq!((summary.institutions_created, summary.systems_created, summary.incidents_created), (1, 2, 50));
    // Importing the same institutions again leaves them; the same incidents again is refused whole.
    let again = store.import(&DataSet { incidents: vec![], ..data.clone() }, &ctx()).await.unwrap();
    assert_eq!((again.institutions_unchanged, again.systems_unchanged), (1, 2));
    assert!(matches!(store.import(&data, &ctx()).await, Err(StoreError::AlreadyExists { .. })));
    assert_eq!(store.list_incidents(&IncidentQuery::default()).await.unwrap().total, 50);
    let refs: Vec<_> = ["INC-1", "INC-X"].iter().map(|r| opres_domain::IncidentRef::parse(r).unwrap()).collect();
    assert_eq!(store.existing_references(&refs).await.unwrap().len(), 1);
});

engine_tests!(counting_can_stop_at_a_cap, |db| {
    let store = &db.store;
    seed(store).await;
    let mut data = DataSet::default();
    for n in 0..12 {
        data.incidents.push(incident(&format!("INC-{n:02}")));
    }
    store.import(&data, &ctx()).await.unwrap();
    let q = IncidentQuery { limit: 5, ..Default::default() };
    let capped = store.list_incidents_capped(&q, 10).await.unwrap();
    assert_eq!((capped.total, capped.total_capped, capped.items.len()), (10, true, 5));
    let exact = store.list_incidents_capped(&q, 12).await.unwrap();
    assert_eq!((exact.total, exact.total_capped), (12, false));
    let filtered = IncidentQuery { filter: IncidentFilter { text: Some("INC-0".into()), ..Default::default() }, ..q };
    assert_eq!(store.list_incidents_capped(&filtered, 10).await.unwrap().total, 10);
    assert_eq!(store.list_incidents(&IncidentQuery::default()).await.unwrap().total, 12);
});
