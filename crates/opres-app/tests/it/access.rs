use opres_app::{AccessError, Actor, AppError, Channel, NewUser, Register, UserChange};
use opres_domain::{InstitutionCode, Lang};
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
        Err(AccessError::WeakPassword(_))
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
    // Issue 16, defect 5: re-enabling the account does not bring its old tokens back.
    assert!(register.user_for_token(&secret).await.unwrap().is_none());
    let (fresh, fresh_secret) = register.create_token(&u, "ci-2", &ctx).await.unwrap();
    assert_eq!(register.user_for_token(&fresh_secret).await.unwrap().unwrap().1.id, fresh.id);
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
        [
            "create",
            "revoke",
            "update",
            "create",
            "sign_in_failed",
            "update",
            "sign_in_failed",
            "sign_in_failed",
            "sign_in",
            "create"
        ]
    );
    assert_eq!(register.verify_audit().await.unwrap().first_bad, None);
});

/// Opens `n` browser sessions for `user_id`, named `{prefix}{i}`.
async fn open_sessions(register: &Register, user_id: i64, prefix: &str, n: usize) -> Vec<String> {
    let later = chrono::Utc::now() + chrono::Duration::hours(8);
    let mut ids = Vec::new();
    for i in 0..n {
        let id = format!("{prefix}{i}");
        assert!(register.sessions().create(&id, Some(user_id), "{}", later).await.unwrap());
        ids.push(id);
    }
    ids
}

async fn live(register: &Register, ids: &[String]) -> Vec<bool> {
    let mut out = Vec::new();
    for id in ids {
        out.push(register.sessions().load(id).await.unwrap().is_some());
    }
    out
}

// Issue 16, defect 5: before the fix every one of these sessions stayed valid for up to 8 hours.
engine_tests!(changing_a_password_ends_the_other_sessions, |db| {
    let register = Register::new(db.store.clone());
    let admin = Actor::cli(Lang::En);
    let user = register.add_user(new_user("hanako", Role::Reporter), &AuditContext::new("test")).await.unwrap();
    let bystander = register.add_user(new_user("taro", Role::Reporter), &AuditContext::new("test")).await.unwrap();
    let theirs = open_sessions(&register, bystander.id, "t", 1).await;

    // Her own change from session h0 ends h1 and h2 and keeps h0.
    let mine = open_sessions(&register, user.id, "h", 3).await;
    let hanako = Actor::user(&user, Channel::Web, Lang::En).in_session("h0");
    let new = "a much better passphrase";
    register.change_own_password(&hanako, "a long enough pass", new, new).await.unwrap();
    assert_eq!(live(&register, &mine).await, [true, false, false]);

    // A change through a token or without a session (no session to spare) ends all of them.
    let token_actor = Actor::user(&user, Channel::Api { token_id: 1, token_name: "ci".into() }, Lang::En);
    let newer = "another passphrase again";
    register.change_own_password(&token_actor, new, newer, newer).await.unwrap();
    assert_eq!(live(&register, &mine).await, [false, false, false]);

    // An administrator's reset ends every session of the account.
    let mine = open_sessions(&register, user.id, "r", 2).await;
    register.reset_password(&admin, user.id, "reset by the administrator").await.unwrap();
    assert_eq!(live(&register, &mine).await, [false, false]);

    // Nobody else's sessions are touched.
    assert_eq!(live(&register, &theirs).await, [true]);
    let trail = db.store.list_audit(&AuditQuery { limit: 50, ..Default::default() }).await.unwrap();
    assert_eq!(trail.items.iter().filter(|e| e.action == "end_sessions").count(), 3);
});

engine_tests!(taking_rights_away_ends_sessions_and_disabling_revokes_tokens, |db| {
    let register = Register::new(db.store.clone());
    let admin = Actor::cli(Lang::En);
    for c in ["BANK-A", "BANK-B"] {
        let record = serde_json::from_value(
            serde_json::json!({"code": c, "name_ja": "銀行", "institution_type": "regional_bank"}),
        )
        .unwrap();
        register.create_institution(&admin, record).await.unwrap();
    }
    let code = |c: &str| InstitutionCode::parse(c).unwrap();
    let both = UserScope::Institutions(vec![code("BANK-A"), code("BANK-B")]);
    let new = NewUser { scope: both, ..new_user("aki", Role::Reporter) };
    let user = register.add_user(new, &AuditContext::new("test")).await.unwrap();
    let current = |register: &Register| {
        let register = register.clone();
        async move { register.user(&Actor::cli(Lang::En), user.id).await.unwrap() }
    };

    // A wider role keeps the sessions (nothing was taken away); a display name change too.
    let s = open_sessions(&register, user.id, "a", 1).await;
    let u = current(&register).await;
    let wider = UserChange { role: Some(Role::Analyst), ..Default::default() };
    register.change_user(&admin, user.id, Some(u.version), wider).await.unwrap();
    let u = current(&register).await;
    let renamed = UserChange { display_name: Some("Aki".into()), ..Default::default() };
    register.change_user(&admin, user.id, Some(u.version), renamed).await.unwrap();
    assert_eq!(live(&register, &s).await, [true]);

    // A lower role ends them.
    let u = current(&register).await;
    let lower = UserChange { role: Some(Role::Executive), ..Default::default() };
    register.change_user(&admin, user.id, Some(u.version), lower).await.unwrap();
    assert_eq!(live(&register, &s).await, [false]);

    // A narrower scope ends them.
    let s = open_sessions(&register, user.id, "b", 2).await;
    let u = current(&register).await;
    let narrower = UserChange { scope: Some(UserScope::Institutions(vec![code("BANK-A")])), ..Default::default() };
    register.change_user(&admin, user.id, Some(u.version), narrower).await.unwrap();
    assert_eq!(live(&register, &s).await, [false, false]);

    // Disabling ends them and revokes the tokens; enabling again does not bring the tokens back.
    let s = open_sessions(&register, user.id, "c", 1).await;
    let u = current(&register).await;
    let (_, secret) = register.create_token_for(&admin, "aki", "ci").await.unwrap();
    assert!(register.user_for_token(&secret).await.unwrap().is_some());
    let off = UserChange { active: Some(false), ..Default::default() };
    register.change_user(&admin, user.id, Some(u.version), off).await.unwrap();
    assert_eq!(live(&register, &s).await, [false]);
    let u = current(&register).await;
    let on = UserChange { active: Some(true), ..Default::default() };
    register.change_user(&admin, user.id, Some(u.version), on).await.unwrap();
    assert!(register.user_for_token(&secret).await.unwrap().is_none());

    // A change refused for its stale version takes nothing away.
    let s = open_sessions(&register, user.id, "d", 1).await;
    let stale = UserChange { active: Some(false), ..Default::default() };
    let e = register.change_user(&admin, user.id, Some(u.version), stale).await;
    assert!(matches!(e, Err(AppError::Conflict { .. })));
    assert_eq!(live(&register, &s).await, [true]);
});

// Issue 16, defect 7: "password", "12345678" and "aaaaaaaaaa" used to pass (length ≥ 10 only).
engine_tests!(the_password_rule_applies_wherever_a_password_is_set, |db| {
    let register = Register::new(db.store.clone());
    let admin = Actor::cli(Lang::En);
    let kinds = |e: &AppError| e.problems().iter().map(|p| p.kind.clone()).collect::<Vec<_>>();
    let named = |password: &str| NewUser {
        password: password.into(),
        display_name: "Yamada Hanako".into(),
        ..new_user("hanako", Role::Reporter)
    };
    // Creating an account: every broken rule at once, each located at the password field.
    for (weak, rule) in [
        ("password", "password_common"),
        ("12345678", "password_repetitive"),
        ("aaaaaaaaaa", "password_repetitive"),
        ("password1234", "password_common"),
        ("hanako-no-himitsu", "password_contains_name"),
        ("my yamada secret", "password_contains_name"),
        ("opres is the best", "password_contains_name"),
    ] {
        let e = register.create_user(&admin, named(weak)).await.unwrap_err();
        assert!(e.problems().iter().all(|p| p.field.as_deref() == Some("password")));
        assert!(kinds(&e).contains(&rule.to_string()), "{weak} breaks {rule}");
    }
    let e = register.create_user(&admin, named("12345678")).await.unwrap_err();
    assert_eq!(kinds(&e), ["password_too_short", "password_common", "password_repetitive"]);
    assert!(e.message(Lang::Ja).contains("12 文字以上") && e.message(Lang::En).contains("common"));

    // Any characters, Japanese and spaces included, counted as characters.
    let user = register.create_user(&admin, named("梅雨の晴れ間に 紫陽花を見る")).await.unwrap();
    let me = Actor::user(&user, Channel::Web, Lang::Ja);

    // Changing one's own password and an administrator's reset follow the same rule.
    let e = register.change_own_password(&me, "梅雨の晴れ間に 紫陽花を見る", "Hanako2024!!", "Hanako2024!!").await;
    assert!(kinds(&e.unwrap_err()).contains(&"password_contains_name".to_string()));
    let e = register.reset_password(&admin, user.id, "qwertyuiop").await.unwrap_err();
    assert_eq!(kinds(&e), ["password_too_short", "password_common"]);
    register.reset_password(&admin, user.id, "an unremarkable sentence").await.unwrap();
    assert!(register.sign_in("hanako", "an unremarkable sentence", "test").await.is_ok());
});
