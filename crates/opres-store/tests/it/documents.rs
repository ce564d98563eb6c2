use crate::fixtures::*;
use opres_domain::Lang;
use opres_store::{AuditQuery, Document, DocumentKind, StoreError, engine_tests};

fn map(body: &str) -> Document {
    Document {
        kind: DocumentKind::ResilienceMap,
        key: "BANK-A".into(),
        institution: Some("BANK-A".into()),
        title: "さくら銀行 resilience map".into(),
        body: body.into(),
    }
}

engine_tests!(documents_are_saved_whole_with_versions, |db| {
    let store = &db.store;
    // Floats and Japanese must come back byte for byte: the engines rely on it.
    let body = r#"{"p":0.30000000000000004,"名前":"勘定系","big":1e300}"#;
    let saved = store.save_document(&map(body), None, &ctx()).await.unwrap();
    assert_eq!((saved.version, saved.bytes), (1, body.len() as i64));
    assert!(matches!(store.save_document(&map(body), None, &ctx()).await, Err(StoreError::AlreadyExists { .. })));

    let loaded = store.document(DocumentKind::ResilienceMap, "BANK-A").await.unwrap().unwrap();
    assert_eq!(loaded.value, map(body));
    // Same key, other kind: a different document.
    assert!(store.document(DocumentKind::TlptProgramme, "BANK-A").await.unwrap().is_none());

    let saved = store.save_document(&map("{}"), Some(1), &ctx()).await.unwrap();
    assert_eq!(saved.version, 2);
    // A second editor still holding version 1 is refused, and the document is unchanged.
    match store.save_document(&map("[]"), Some(1), &ctx()).await {
        Err(e @ StoreError::Conflict { current_version, .. }) => {
            assert_eq!(current_version, 2);
            // Worded for the people who read it, in both languages.
            assert!(e.message(Lang::Ja).starts_with("依存関係マップ「BANK-A」は他の利用者が先に更新しました"), "{e:?}");
            assert!(e.message(Lang::En).starts_with("dependency map 'BANK-A' was changed by someone else"), "{e:?}");
        }
        r => panic!("expected a conflict, got {r:?}"),
    }
    assert_eq!(store.document(DocumentKind::ResilienceMap, "BANK-A").await.unwrap().unwrap().value.body, "{}");
    let mut other = map("{}");
    other.key = "BANK-B".into();
    assert!(matches!(store.save_document(&other, Some(1), &ctx()).await, Err(StoreError::NotFound { .. })));

    let list = store.list_documents(DocumentKind::ResilienceMap).await.unwrap();
    assert_eq!(list.iter().map(|d| (d.key.as_str(), d.version)).collect::<Vec<_>>(), [("BANK-A", 2)]);

    assert!(matches!(
        store.delete_document(DocumentKind::ResilienceMap, "BANK-A", 1, &ctx()).await,
        Err(StoreError::Conflict { .. })
    ));
    store.delete_document(DocumentKind::ResilienceMap, "BANK-A", 2, &ctx()).await.unwrap();
    assert!(store.list_documents(DocumentKind::ResilienceMap).await.unwrap().is_empty());

    // Create, update, delete are in the audit trail with a digest, not the body, and the chain holds.
    let query = AuditQuery { object_kind: Some("resilience_map".into()), limit: 100, ..AuditQuery::default() };
    let trail = store.list_audit(&query).await.unwrap();
    let mut actions: Vec<_> = trail.items.iter().map(|e| e.action.as_str()).collect();
    actions.sort_unstable();
    assert_eq!(actions, ["create", "delete", "update"]);
    assert!(trail.items.iter().all(|e| !e.after.as_deref().unwrap_or("").contains("勘定系")));
    assert!(trail.items.iter().all(|e| e.institution.as_deref() == Some("BANK-A")));
    assert_eq!(store.verify_audit().await.unwrap().first_bad, None);
    // Followers of the trail read what changed after a position, oldest first, without the values.
    let head = store.latest_audit_seq().await.unwrap();
    let marks = store.audit_marks_after(head - 3, 10).await.unwrap();
    let marks: Vec<_> = marks.iter().map(|m| (m.seq, m.action.as_str(), m.object_kind.as_str())).collect();
    assert_eq!(
        marks,
        [
            (head - 2, "create", "resilience_map"),
            (head - 1, "update", "resilience_map"),
            (head, "delete", "resilience_map")
        ]
    );
    assert!(store.audit_marks_after(head, 10).await.unwrap().is_empty());
});
