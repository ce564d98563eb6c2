//! Issue 16, defect 5: a password change, an admin reset, a lower role, a narrower scope and a
//! disabled account end the account's other browser sessions at once, and a re-enabled account's
//! old API tokens stay dead.

use crate::security::csrf_of;
use crate::support::{PASSWORD, TestApp, add_user, browser, spawn_app, token_client};
use opres_store::{Role, UserScope, engine_tests};
use reqwest::StatusCode;

/// A browser signed in as `user`.
async fn signed_in(app: &TestApp, user: &str, password: &str) -> reqwest::Client {
    let client = browser();
    let page = client.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&page);
    let r = client
        .post(app.url("/login"))
        .form(&[("_csrf", csrf.as_str()), ("username", user), ("password", password), ("next", "/account")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{user} signs in");
    client
}

/// Whether the browser's session still works (a signed-out browser is sent to sign-in).
async fn still_signed_in(app: &TestApp, client: &reqwest::Client) -> bool {
    let r = client.get(app.url("/account")).send().await.unwrap();
    match r.status() {
        StatusCode::OK => true,
        StatusCode::SEE_OTHER => {
            let to = r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default();
            assert!(to.starts_with("/login"), "bounced to sign-in, not {to}");
            false
        }
        other => panic!("unexpected {other}"),
    }
}

/// The administrator's form for an account, as the detail page posts it.
async fn admin_posts(
    app: &TestApp,
    admin: &reqwest::Client,
    id: i64,
    role: &str,
    active: bool,
    password: &str,
) -> reqwest::Response {
    let page = admin.get(app.url(&format!("/users/{id}"))).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&page);
    let (u, _) = app.register.store().user_by_id(id).await.unwrap().unwrap();
    let version = u.version.to_string();
    let mut form = vec![
        ("_csrf", csrf.as_str()),
        ("version", version.as_str()),
        ("display_name", u.value.display_name.as_str()),
        ("role", role),
        ("all_institutions", "true"),
        ("password", password),
    ];
    if active {
        form.push(("active", "true"));
    }
    admin.post(app.url(&format!("/users/{id}"))).form(&form).send().await.unwrap()
}

engine_tests!(a_password_change_signs_out_the_other_sessions, |db| {
    let app = spawn_app(db).await;
    add_user(&app.register, "hanako", Role::Analyst, UserScope::All).await;
    let here = signed_in(&app, "hanako", PASSWORD).await;
    let there = signed_in(&app, "hanako", PASSWORD).await;
    assert!(still_signed_in(&app, &there).await);

    let page = here.get(app.url("/account")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&page);
    let new = "a brand new passphrase";
    let r = here
        .post(app.url("/account/password"))
        .form(&[("_csrf", csrf.as_str()), ("current", PASSWORD), ("new", new), ("confirm", new)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "the change is accepted");
    assert!(!still_signed_in(&app, &there).await, "the other session ends at once");
    assert!(still_signed_in(&app, &here).await, "the session that made the change goes on");

    // An administrator's reset ends the session that was spared.
    let admin = signed_in(&app, "root", PASSWORD).await;
    let (u, _) = app.register.store().user_by_username("hanako").await.unwrap().unwrap();
    let r = admin_posts(&app, &admin, u.id, "analyst", true, "set by the administrator").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(!still_signed_in(&app, &here).await);
    signed_in(&app, "hanako", "set by the administrator").await;
});

engine_tests!(a_lower_role_ends_the_sessions, |db| {
    let app = spawn_app(db).await;
    let taro = add_user(&app.register, "taro", Role::Analyst, UserScope::All).await;
    let browser = signed_in(&app, "taro", PASSWORD).await;
    let admin = signed_in(&app, "root", PASSWORD).await;
    // Same role, nothing taken away: the session goes on.
    let r = admin_posts(&app, &admin, taro.id, "analyst", true, "").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(still_signed_in(&app, &browser).await);
    let r = admin_posts(&app, &admin, taro.id, "reporter", true, "").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(!still_signed_in(&app, &browser).await, "taro signs in again under the lower role");
    assert!(still_signed_in(&app, &admin).await, "the administrator's own session is not touched");
});

engine_tests!(a_re_enabled_account_old_token_is_refused, |db| {
    let app = spawn_app(db).await;
    let jiro = add_user(&app.register, "jiro", Role::Reporter, UserScope::All).await;
    let ctx = opres_store::AuditContext::new("test");
    let (_, secret) = app.register.create_token(&jiro, "ci", &ctx).await.unwrap();
    let api = token_client(&secret);
    assert_eq!(api.get(app.url("/api/v1/institutions")).send().await.unwrap().status(), StatusCode::OK);
    let browser = signed_in(&app, "jiro", PASSWORD).await;

    let admin = signed_in(&app, "root", PASSWORD).await;
    assert_eq!(admin_posts(&app, &admin, jiro.id, "reporter", false, "").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(api.get(app.url("/api/v1/institutions")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(admin_posts(&app, &admin, jiro.id, "reporter", true, "").await.status(), StatusCode::SEE_OTHER);
    assert!(app.register.store().user_by_id(jiro.id).await.unwrap().unwrap().0.value.active);
    assert_eq!(
        api.get(app.url("/api/v1/institutions")).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED,
        "the old token stays revoked"
    );
    assert!(!still_signed_in(&app, &browser).await, "the old session too");
    signed_in(&app, "jiro", PASSWORD).await;
});

// Issue 16, defect 7: the web forms refuse weak passwords and say which rules failed.
engine_tests!(web_forms_refuse_weak_passwords_naming_every_rule, |db| {
    let app = spawn_app(db).await;
    let admin = signed_in(&app, "root", PASSWORD).await;
    let page = admin.get(app.url("/users")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&page);
    let form = |password: &'static str| {
        vec![
            ("_csrf", csrf.clone()),
            ("username", "keiko".to_string()),
            ("display_name", "Keiko".to_string()),
            ("password", password.to_string()),
            ("role", "reporter".to_string()),
            ("all_institutions", "true".to_string()),
        ]
    };
    let r = admin.post(app.url("/users")).form(&form("12345678")).send().await.unwrap();
    assert_ne!(r.status(), StatusCode::SEE_OTHER, "not created");
    let body = r.text().await.unwrap();
    assert!(body.contains("12 文字以上") && body.contains("よく使われる") && body.contains("繰り返し"), "{body}");
    assert!(app.register.store().user_by_username("keiko").await.unwrap().is_none());
    let r = admin.post(app.url("/users")).form(&form("keiko's long secret")).send().await.unwrap();
    assert!(r.text().await.unwrap().contains("ユーザー名・表示名・製品名"));
    let r = admin.post(app.url("/users")).form(&form("白い猫と黒い犬が庭で遊んでいる")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "a Japanese passphrase is fine");

    // One's own password: the account page names the rule.
    let page = admin.get(app.url("/account")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&page);
    let r = admin
        .post(app.url("/account/password"))
        .form(&[("_csrf", csrf.as_str()), ("current", PASSWORD), ("new", "aaaaaaaaaa"), ("confirm", "aaaaaaaaaa")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("12 文字以上"));
});
