//! The audit trail: written with every change in the same transaction, and tamper-evident.

use crate::fixtures::*;
use opres_domain::InstitutionCode;
use opres_store::testkit::TestDb;
use opres_store::{
    AuditBreak, AuditContext, AuditEvent, AuditQuery, DisplayZone, Revoke, Role, StoreError, User, UserScope,
    engine_tests,
};

fn user(name: &str, role: Role) -> User {
    User {
        username: name.into(),
        display_name: format!("{name} san"),
        role,
        scope: UserScope::Institutions(vec![InstitutionCode::parse("BANK-A").unwrap()]),
        lang: None,
        time_zone: DisplayZone::Jst,
        active: true,
    }
}

/// Six entries: create institution, three systems, an incident and its update.
async fn history(db: &TestDb) {
    seed(&db.store).await;
    let created = db.store.create_incident(&incident("INC-1"), &AuditContext::new("user:alice")).await.unwrap();
    let mut edited = created.value.clone();
    edited.root_cause = Some("changed".into());
    db.store.update_incident(created.id, 1, &edited, &ctx()).await.unwrap();
}

async fn exec(db: &TestDb, sql: &str) {
    match db.store.engine() {
        opres_store::Engine::Sqlite => {
            let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.url)).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).execute(&pool).await.unwrap();
            pool.close().await;
        }
        opres_store::Engine::Postgres => {
            let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).execute(&pool).await.unwrap();
            pool.close().await;
        }
    }
}

engine_tests!(every_change_is_on_the_trail_with_before_and_after, |db| {
    history(db).await;
    let page = db.store.list_audit(&AuditQuery { limit: 100, ..Default::default() }).await.unwrap();
    assert_eq!(page.total, 6);
    let newest = &page.items[0];
    assert_eq!((newest.seq, newest.action.as_str(), newest.object_key.as_str()), (6, "update", "INC-1"));
    assert!(newest.before.as_deref().unwrap().contains("ログ領域"));
    assert!(newest.after.as_deref().unwrap().contains("\"root_cause\":\"changed\""));
    assert_eq!(page.items[1].actor, "user:alice");
    assert_eq!(page.items[1].institution.as_deref(), Some("BANK-A"));
    // Scoped reading: another institution's auditor sees none of it.
    let other = AuditQuery {
        institutions: Some(vec![InstitutionCode::parse("BANK-Z").unwrap()]),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(db.store.list_audit(&other).await.unwrap().total, 0);
    let v = db.store.verify_audit().await.unwrap();
    assert_eq!((v.entries, v.first_bad), (6, None));
});

engine_tests!(a_refused_change_leaves_no_entry, |db| {
    seed(&db.store).await;
    db.store.create_incident(&incident("INC-1"), &ctx()).await.unwrap();
    let before = db.store.list_audit(&AuditQuery { limit: 1, ..Default::default() }).await.unwrap().total;
    assert!(db.store.create_incident(&incident("INC-1"), &ctx()).await.is_err());
    assert!(matches!(
        db.store.update_incident(1, 99, &incident("INC-1"), &ctx()).await,
        Err(StoreError::Conflict { .. })
    ));
    let after = db.store.list_audit(&AuditQuery { limit: 1, ..Default::default() }).await.unwrap().total;
    assert_eq!(before, after);
});

engine_tests!(an_edited_entry_is_named, |db| {
    history(db).await;
    exec(db, "UPDATE audit_log SET actor = 'user:mallory' WHERE seq = 3").await;
    let v = db.store.verify_audit().await.unwrap();
    assert_eq!(v.first_bad, Some((3, AuditBreak::Altered)));
});

engine_tests!(an_edit_with_a_recomputed_hash_still_breaks_the_chain, |db| {
    history(db).await;
    // Whoever edits entry 3 and gives it a fresh hash breaks entry 4's link to it.
    exec(db, "UPDATE audit_log SET after_json = NULL WHERE seq = 3").await;
    let page = db.store.list_audit(&AuditQuery { limit: 100, ..Default::default() }).await.unwrap();
    let mut e3 = page.items.iter().find(|e| e.seq == 3).unwrap().clone();
    e3.hash = e3.compute_hash();
    exec(db, &format!("UPDATE audit_log SET hash = '{}' WHERE seq = 3", e3.hash)).await;
    let v = db.store.verify_audit().await.unwrap();
    assert_eq!(v.first_bad, Some((4, AuditBreak::ChainBroken)));
});

engine_tests!(a_deleted_entry_is_named, |db| {
    history(db).await;
    exec(db, "DELETE FROM audit_log WHERE seq = 2").await;
    let v = db.store.verify_audit().await.unwrap();
    assert_eq!(v.first_bad, Some((3, AuditBreak::Missing { expected: 2 })));
});

engine_tests!(deleting_the_newest_entry_is_noticed, |db| {
    history(db).await;
    exec(db, "DELETE FROM audit_log WHERE seq = 6").await;
    let v = db.store.verify_audit().await.unwrap();
    assert_eq!(v.first_bad, Some((6, AuditBreak::HeadMismatch { head_seq: 6 })));
});

engine_tests!(reordered_entries_are_named, |db| {
    history(db).await;
    // Swap entries 2 and 3 by their sequence numbers.
    exec(db, "UPDATE audit_log SET seq = 1000 WHERE seq = 2").await;
    exec(db, "UPDATE audit_log SET seq = 2 WHERE seq = 3").await;
    exec(db, "UPDATE audit_log SET seq = 3 WHERE seq = 1000").await;
    let v = db.store.verify_audit().await.unwrap();
    assert_eq!(v.first_bad, Some((2, AuditBreak::ChainBroken)));
});

engine_tests!(users_roles_tokens_and_sessions, |db| {
    let store = &db.store;
    let admin = AuditContext::new("cli:root");
    let created = store.create_user(&user("hanako", Role::Reporter), "$argon2id$fake", &admin).await.unwrap();
    assert!(matches!(
        store.create_user(&user("hanako", Role::Analyst), "x", &admin).await,
        Err(StoreError::AlreadyExists { .. })
    ));
    let (found, hash) = store.user_by_username("hanako").await.unwrap().unwrap();
    assert_eq!((found.value.role, hash.as_str()), (Role::Reporter, "$argon2id$fake"));
    let mut promoted = found.value.clone();
    promoted.role = Role::Analyst;
    let saved = store.update_user(created.id, 1, &promoted, Revoke::NOTHING, &admin).await.unwrap();
    assert_eq!(saved.version, 2);
    assert!(matches!(
        store.update_user(created.id, 1, &promoted, Revoke::NOTHING, &admin).await,
        Err(StoreError::Conflict { .. })
    ));
    store.set_preferences(created.id, Some(opres_domain::Lang::En), DisplayZone::Utc).await.unwrap();
    let (prefs, _) = store.user_by_id(created.id).await.unwrap().unwrap();
    assert_eq!((prefs.value.lang, prefs.value.time_zone), (Some(opres_domain::Lang::En), DisplayZone::Utc));

    let token = store.create_api_token(created.id, "ci", "opres_ab", "hash-1", &admin).await.unwrap();
    assert_eq!(store.user_by_token_hash("hash-1").await.unwrap().unwrap().0.id, created.id);
    store.revoke_api_token(created.id, token.id, &admin).await.unwrap();
    assert!(store.user_by_token_hash("hash-1").await.unwrap().is_none());
    assert!(store.revoke_api_token(created.id, token.id, &admin).await.is_err());

    let later = chrono::Utc::now() + chrono::Duration::hours(1);
    assert!(store.session_create("s1", None, "{}", later).await.unwrap());
    assert!(!store.session_create("s1", None, "{}", later).await.unwrap());
    store.session_save("s1", None, "{\"a\":1}", later).await.unwrap();
    assert_eq!(store.session_load("s1").await.unwrap().unwrap().0, "{\"a\":1}");
    // Saving never inserts: a session ended while a request of it ran stays ended.
    store.session_save("gone", Some(created.id), "{}", later).await.unwrap();
    assert!(store.session_load("gone").await.unwrap().is_none());
    assert!(store.session_create("old", None, "{}", chrono::Utc::now() - chrono::Duration::hours(1)).await.unwrap());
    assert!(store.session_load("old").await.unwrap().is_none());
    assert_eq!(store.delete_expired_sessions().await.unwrap(), 1);
    store.session_delete("s1").await.unwrap();
    assert!(store.session_load("s1").await.unwrap().is_none());

    // A password change ends the account's sessions but the one kept, and nobody else's.
    let other = store.create_user(&user("taro", Role::Reporter), "$argon2id$fake", &admin).await.unwrap();
    for (id, owner) in [("h1", created.id), ("h2", created.id), ("h3", created.id), ("t1", other.id)] {
        assert!(store.session_create(id, Some(owner), "{}", later).await.unwrap());
    }
    store.set_password(created.id, "$argon2id$new", Some("h1"), &admin).await.unwrap();
    let live = |id: &'static str| async move { store.session_load(id).await.unwrap().is_some() };
    assert!(live("h1").await && !live("h2").await && !live("h3").await && live("t1").await);
    store.set_password(created.id, "$argon2id$newer", None, &admin).await.unwrap();
    assert!(!live("h1").await && live("t1").await);

    // Disabling through the store with both revocations: sessions end, tokens are revoked for good.
    store.create_api_token(other.id, "ci", "opres_cd", "hash-2", &admin).await.unwrap();
    let (t, _) = store.user_by_id(other.id).await.unwrap().unwrap();
    let mut off = t.value.clone();
    off.active = false;
    let t =
        store.update_user(other.id, t.version, &off, Revoke { sessions: true, tokens: true }, &admin).await.unwrap();
    assert!(!live("t1").await);
    let mut on = t.value.clone();
    on.active = true;
    store.update_user(other.id, t.version, &on, Revoke::NOTHING, &admin).await.unwrap();
    assert!(store.user_by_token_hash("hash-2").await.unwrap().is_none());

    store.record_event(&admin, AuditEvent::new("sign_in", "user", "hanako")).await.unwrap();
    let actions: Vec<String> = store
        .list_audit(&AuditQuery {
            object_kind: Some("user".into()),
            object_key: Some("hanako".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        ["sign_in", "end_sessions", "password_change", "end_sessions", "password_change", "role_change", "create"]
    );
    assert_eq!(store.verify_audit().await.unwrap().first_bad, None);
});
