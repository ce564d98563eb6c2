use opres_app::{AccessError, NewUser, Register};
use opres_store::{AuditContext, AuditQuery, Role, UserScope, engine_tests};

fn new_user(name: &str, role: Role) -> NewUser {
    NewUser {
        username: name.into(),
        display_name: String::new(),
        password: "a long enough pass".into(),
        role,
        scope: UserScope::All,
    }
}

engine_tests!(sign_in_is_checked_and_recorded, |db| {
    let register = Register::new(db.store.clone());
    let ctx = AuditContext::new("cli:test");
    let user = register.add_user(new_user("taro", Role::Analyst), &ctx).await.unwrap();
    assert_eq!(user.value.display_name, "taro");
    assert!(matches!(
        register.add_user(NewUser { password: "short".into(), ..new_user("jiro", Role::Admin) }, &ctx).await,
        Err(AccessError::WeakPassword)
    ));
    assert!(register.sign_in("taro", "a long enough pass", "127.0.0.1").await.is_ok());
    assert!(matches!(
        register.sign_in("taro", "wrong password", "127.0.0.1").await,
        Err(AccessError::InvalidCredentials)
    ));
    assert!(matches!(
        register.sign_in("nobody", "a long enough pass", "127.0.0.1").await,
        Err(AccessError::InvalidCredentials)
    ));
    let mut off = user.value.clone();
    off.active = false;
    register.update_user(user.id, user.version, &off, &ctx).await.unwrap();
    assert!(matches!(register.sign_in("taro", "a long enough pass", "127.0.0.1").await, Err(AccessError::Disabled)));

    let (token, secret) = register.create_token(&user, "ci", &ctx).await.unwrap();
    assert!(secret.starts_with("opres_") && secret.starts_with(&token.prefix));
    // Disabled users' tokens stop working too.
    assert!(register.user_for_token(&secret).await.unwrap().is_none());
    let (u, _) = db.store.user_by_id(user.id).await.unwrap().unwrap();
    let mut on = u.value.clone();
    on.active = true;
    register.update_user(u.id, u.version, &on, &ctx).await.unwrap();
    assert_eq!(register.user_for_token(&secret).await.unwrap().unwrap().0.id, user.id);
    assert!(register.user_for_token("opres_0000").await.unwrap().is_none());

    let actions: Vec<String> = db
        .store
        .list_audit(&AuditQuery { limit: 20, ..Default::default() })
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        ["update", "create", "sign_in_failed", "update", "sign_in_failed", "sign_in_failed", "sign_in", "create"]
    );
    assert_eq!(register.verify_audit().await.unwrap().first_bad, None);
});
