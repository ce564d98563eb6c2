//! CSRF, session fixation, sign-in throttling, API tokens, security headers, and no raw errors.

use crate::support::{PASSWORD, add_user, browser, spawn_app, token_client};
use opres_store::{AuditQuery, Role, UserScope, engine_tests};
use reqwest::StatusCode;

/// The CSRF token in a page's first form.
pub fn csrf_of(page: &str) -> String {
    let start =
        page.find("name=\"_csrf\" value=\"").map(|i| i + 20).unwrap_or_else(|| panic!("no CSRF field in {page}"));
    page[start..].split('"').next().unwrap().to_string()
}

fn session_cookie(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("opres_session="))
        .map(str::to_string)
}

async fn sign_in(
    app: &crate::support::TestApp,
    client: &reqwest::Client,
    user: &str,
    password: &str,
) -> reqwest::Response {
    let page = client.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&page);
    client
        .post(app.url("/login"))
        .form(&[("_csrf", csrf.as_str()), ("username", user), ("password", password), ("next", "/incidents")])
        .send()
        .await
        .unwrap()
}

engine_tests!(state_changes_need_the_csrf_token, |db| {
    let app = spawn_app(db).await;
    add_user(&app.register, "hanako", Role::Admin, UserScope::All).await;
    let client = browser();
    let r = sign_in(&app, &client, "hanako", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = client.get(app.url("/account")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&page);
    // Missing or wrong token: refused with a page, nothing created.
    for token in [None, Some("0".repeat(64))] {
        let mut form = vec![("name", "stolen".to_string())];
        if let Some(t) = &token {
            form.push(("_csrf", t.clone()));
        }
        let r = client.post(app.url("/account/tokens")).form(&form).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert!(r.text().await.unwrap().contains("画面の有効期限"), "a page in the user's language");
    }
    // The API with a session cookie needs the header; JSON bodies cannot carry a form field.
    let r = client
        .post(app.url("/api/v1/institutions"))
        .json(&serde_json::json!({"code":"X","name_ja":"x","institution_type":"regional_bank"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let r = client
        .post(app.url("/account/tokens"))
        .form(&[("_csrf", csrf.as_str()), ("name", "mine")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let tokens = app
        .register
        .store()
        .list_api_tokens(app.register.store().user_by_username("hanako").await.unwrap().unwrap().0.id)
        .await
        .unwrap();
    assert_eq!(tokens.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["mine"]);
    // File uploads (multipart) carry the token in the form's action URL, not in the body.
    let upload = |query: &str| {
        client
            .post(app.url(&format!("/account/tokens{query}")))
            .header("content-type", "multipart/form-data; boundary=opres")
            .body("--opres\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nup\r\n--opres--\r\n")
            .send()
    };
    assert_eq!(upload("").await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(upload(&format!("?_csrf={}", "0".repeat(64))).await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_ne!(upload(&format!("?_csrf={csrf}")).await.unwrap().status(), StatusCode::FORBIDDEN);
    // Sign-in itself is protected too (login CSRF).
    let fresh = browser();
    let r = fresh.post(app.url("/login")).form(&[("username", "hanako"), ("password", PASSWORD)]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
});

engine_tests!(sign_in_gives_a_new_session_id, |db| {
    let app = spawn_app(db).await;
    add_user(&app.register, "taro", Role::Analyst, UserScope::All).await;
    let client = browser();
    let r = client.get(app.url("/login")).send().await.unwrap();
    let before = session_cookie(&r).expect("a session for the login form");
    assert!(before.contains("HttpOnly") && before.contains("SameSite=Lax"), "{before}");
    assert!(!before.contains("Secure"), "plain HTTP here; Secure is set when serving TLS");
    let page = r.text().await.unwrap();
    let csrf = csrf_of(&page);
    let r = client
        .post(app.url("/login"))
        .form(&[("_csrf", csrf.as_str()), ("username", "taro"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let after = session_cookie(&r).expect("sign-in sets a new cookie");
    let id = |c: &str| c.split(';').next().unwrap().to_string();
    assert_ne!(id(&before), id(&after), "session id must change at sign-in");
    // The id planted before sign-in does not carry the sign-in.
    let planted = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = planted.get(app.url("/incidents")).header("cookie", id(&before)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(r.headers()["location"].to_str().unwrap().starts_with("/login"));
    let r = planted.get(app.url("/incidents")).header("cookie", id(&after)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // Sign-out ends it for good.
    let page = client.get(app.url("/account")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&page);
    let r = client.post(app.url("/logout")).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = planted.get(app.url("/incidents")).header("cookie", id(&after)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
});

engine_tests!(failed_sign_ins_are_throttled_and_recorded, |db| {
    let app = spawn_app(db).await;
    add_user(&app.register, "jiro", Role::Reporter, UserScope::All).await;
    let client = browser();
    for _ in 0..5 {
        let r = sign_in(&app, &client, "jiro", "not the password").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert!(r.text().await.unwrap().contains("ユーザー名またはパスワードが正しくありません"));
    }
    // Sixth attempt: refused before the password is even checked, the right one included.
    let r = sign_in(&app, &client, "jiro", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text().await.unwrap().contains("しばらく受け付けを停止"));
    let failed = app
        .register
        .store()
        .list_audit(&AuditQuery {
            object_kind: Some("user".into()),
            object_key: Some("jiro".into()),
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(failed.items.iter().filter(|e| e.action == "sign_in_failed").count(), 5);
    // Another user from another client is not locked out by jiro's failures.
    add_user(&app.register, "saburo", Role::Reporter, UserScope::All).await;
    assert_eq!(sign_in(&app, &browser(), "saburo", PASSWORD).await.status(), StatusCode::SEE_OTHER);
});

engine_tests!(api_tokens_carry_role_and_scope_and_can_be_revoked, |db| {
    let app = spawn_app(db).await;
    let scope = UserScope::Institutions(vec![opres_domain::InstitutionCode::parse("BANK-A").unwrap()]);
    let exec = add_user(&app.register, "keiko", Role::Executive, scope).await;
    let (token, secret) =
        app.register.create_token(&exec, "dashboards", &opres_store::AuditContext::new("test")).await.unwrap();
    let api = token_client(&secret);
    assert_eq!(api.get(app.url("/api/v1/incidents")).send().await.unwrap().status(), StatusCode::OK);
    let r = api
        .post(app.url("/api/v1/institutions"))
        .json(&serde_json::json!({"code":"BANK-A","name_ja":"x","institution_type":"regional_bank"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "executives change nothing, tokens included");
    app.register.store().revoke_api_token(exec.id, token.id, &opres_store::AuditContext::new("test")).await.unwrap();
    let r = api.get(app.url("/api/v1/incidents")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.headers()["www-authenticate"].to_str().unwrap().starts_with("Bearer"));
    let r = reqwest::get(app.url("/api/v1/incidents")).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "no credentials at all");
    // A change without any credential is "sign in" (401), as the API documents, not a CSRF refusal:
    // there is no cookie session to forge. Nothing is created.
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/institutions"))
        .json(&serde_json::json!({"code":"NOAUTH","name_ja":"x","institution_type":"regional_bank"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    assert!(app.register.store().institution(&"NOAUTH".parse().unwrap()).await.unwrap().is_none());
    // The OpenAPI document is readable without signing in.
    let r = reqwest::get(app.url("/api/v1/openapi.json")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
});

engine_tests!(pages_carry_security_headers_and_never_raw_errors, |db| {
    let app = spawn_app(db).await;
    let r = reqwest::get(app.url("/login")).await.unwrap();
    let csp = r.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline") && csp.contains("frame-ancestors 'none'")
    );
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(r.headers()["x-frame-options"], "DENY");
    let page = r.text().await.unwrap();
    assert!(!page.contains("<script>") && !page.contains("<script type"), "no inline script");
    // Unknown routes, unparsable ids and queries: a page in the user's language, never the parser's text.
    for path in ["/no/such/page", "/incidents/not-a-number", "/incidents?page=abc"] {
        let r = app.http.get(app.url(path)).header("accept-language", "en").send().await.unwrap();
        assert!(r.status().is_client_error(), "{path}: {}", r.status());
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"), "{path}");
        let body = r.text().await.unwrap();
        assert!(body.contains("This page cannot be shown"), "{path}: {body}");
        assert!(!body.contains("Cannot parse") && !body.contains("Failed to deserialize"), "{path}: {body}");
    }
    // An incident key that is neither an id nor a reference is a bad request; one shaped like a
    // reference is looked up as one (and not found).
    let r = app.http.get(app.url("/api/v1/incidents/not%20a%20key")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let body = r.text().await.unwrap();
    assert!(!body.contains("Cannot parse") && body.contains("not a key"), "{body}");
    let r = app.http.get(app.url("/api/v1/incidents/not-a-number")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
});
