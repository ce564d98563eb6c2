//! The web UI in a real headless Chromium, driven over WebDriver: sign in, register an incident
//! (first with a validation error), find it with a filter, switch language and back, and see it
//! on the audit trail. Screenshots of the main pages go to `target/screenshots/`.
//!
//! Runs when `OPRES_TEST_CHROMEDRIVER` names a chromedriver binary (see `chromium.rs`).

use crate::chromium::{client, shot, start_driver, text, text_once};
use crate::support::{PASSWORD, add_user, spawn_app};
use fantoccini::{Client, Locator};
use opres_store::testkit::TestDb;
use opres_store::{AuditContext, Role, UserScope};
use serde_json::json;
use std::time::Duration;

async fn set(c: &Client, id: &str, value: &str) {
    // datetime-local inputs take typing in the browser's locale; set them like a date picker would.
    c.execute(
        "const e = document.getElementById(arguments[0]); e.value = arguments[1]; e.dispatchEvent(new Event('change'));",
        vec![json!(id), json!(value)],
    )
    .await
    .unwrap();
}

async fn seed(db: &TestDb) {
    let now = chrono::Utc::now();
    let data = opres_synthetic::generate(&opres_synthetic::GenParams {
        institutions: 4,
        incidents: 400,
        seed: 11,
        now,
        fiscal_years: 3,
    });
    db.store.import(&data, &AuditContext::new("test")).await.unwrap();
}

#[tokio::test]
#[cfg_attr(not(browser_tests), ignore = "browser test skipped: set OPRES_TEST_CHROMEDRIVER to a chromedriver binary")]
async fn an_analyst_registers_and_finds_an_incident_in_both_languages() {
    let db = TestDb::sqlite().await;
    seed(&db).await;
    let app = spawn_app(&db).await;
    add_user(&app.register, "sato", Role::Admin, UserScope::All).await;
    let institution = db.store.list_institutions().await.unwrap()[0].value.code.to_string();
    let driver = start_driver().await;
    let c = client(&driver).await;

    // Sign in (Japanese from the browser's Accept-Language).
    c.goto(&app.url("/incidents")).await.unwrap();
    assert!(c.current_url().await.unwrap().path().starts_with("/login"));
    assert_eq!(text(&c, "h1").await, "サインイン");
    shot(&c, "01-login-ja").await;
    c.find(Locator::Id("username")).await.unwrap().send_keys("sato").await.unwrap();
    c.find(Locator::Id("password")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    c.find(Locator::Id("sign-in")).await.unwrap().click().await.unwrap();
    assert_eq!(text(&c, "h1").await, "障害一覧");
    c.goto(&app.url("/")).await.unwrap();
    assert_eq!(text_once(&c, "h1", "ダッシュボード").await, "ダッシュボード");
    shot(&c, "02-dashboard-ja").await;

    // Register an incident: detected before it occurred is refused, field by field.
    c.goto(&app.url("/incidents/new")).await.unwrap();
    c.find(Locator::Id("f-reference")).await.unwrap().send_keys("INC-BROWSER-1").await.unwrap();
    c.find(Locator::Id("f-institution")).await.unwrap().select_by_value(&institution).await.unwrap();
    c.find(Locator::Id("f-title_ja"))
        .await
        .unwrap()
        .send_keys("ブラウザ試験: 勘定系オンラインの応答遅延")
        .await
        .unwrap();
    set(&c, "f-occurred_at", "2025-06-02T09:30").await;
    set(&c, "f-detected_at", "2025-06-02T09:00").await;
    c.find(Locator::Id("f-trend")).await.unwrap().select_by_value("operations.capacity").await.unwrap();
    c.find(Locator::Id("save")).await.unwrap().click().await.unwrap();
    let summary = text(&c, "#error-summary").await;
    assert!(summary.contains("検知日時"), "{summary}");
    let field = text(&c, "#e-detected_at").await;
    assert!(field.contains("より前の日時"), "{field}");
    // What was typed is still there.
    let kept = c.find(Locator::Id("f-reference")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(kept.as_deref(), Some("INC-BROWSER-1"));
    shot(&c, "03-form-validation-ja").await;
    set(&c, "f-detected_at", "2025-06-02T09:45").await;
    c.find(Locator::Id("save")).await.unwrap().click().await.unwrap();
    assert!(text(&c, ".flash").await.contains("登録しました"));
    assert!(text(&c, "h1").await.contains("INC-BROWSER-1"));
    shot(&c, "04-incident-detail-ja").await;

    // Find it in the list with a filter (htmx swaps the results in place).
    c.goto(&app.url("/incidents")).await.unwrap();
    c.find(Locator::Id("f-trend")).await.unwrap().select_by_value("operations.capacity").await.unwrap();
    c.find(Locator::Id("f-q")).await.unwrap().send_keys("ブラウザ試験").await.unwrap();
    c.find(Locator::Id("apply-filters")).await.unwrap().click().await.unwrap();
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath("//table[@id='incident-table']//a[text()='INC-BROWSER-1']"))
        .await
        .expect("the filtered list shows the new incident");
    let table = text(&c, "#incident-table").await;
    assert!(table.contains("INC-BROWSER-1"), "{table}");
    assert!(text(&c, "#result-count").await.contains("1"));
    shot(&c, "05-incident-list-filtered-ja").await;

    // Switch to English (remembered for the user), then back.
    c.goto(&app.url("/incidents")).await.unwrap();
    c.find(Locator::Id("lang-switch")).await.unwrap().click().await.unwrap();
    assert_eq!(text_once(&c, "h1", "Incidents").await, "Incidents");
    shot(&c, "06-incident-list-en").await;
    c.goto(&app.url("/")).await.unwrap();
    assert_eq!(text(&c, "h1").await, "Dashboard", "the choice is remembered");
    shot(&c, "07-dashboard-en").await;
    let user = db.store.user_by_username("sato").await.unwrap().unwrap().0;
    assert_eq!(user.value.lang, Some(opres_domain::Lang::En), "remembered per user");
    c.find(Locator::Id("lang-switch")).await.unwrap().click().await.unwrap();
    assert_eq!(text_once(&c, "h1", "ダッシュボード").await, "ダッシュボード");

    // The creation is on the audit trail.
    c.goto(&app.url("/audit?kind=incident&key=INC-BROWSER-1")).await.unwrap();
    let audit = text(&c, "#audit-table").await;
    assert!(audit.contains("INC-BROWSER-1") && audit.contains("登録") && audit.contains("user:sato"), "{audit}");
    c.find(Locator::Id("verify")).await.unwrap().click().await.unwrap();
    assert!(text(&c, "#verify-result").await.contains("改ざんされていません"));
    shot(&c, "08-audit-trail-ja").await;

    // The reporting officer's page lists the new incident's written report, still to be sent.
    c.goto(&app.url("/reports/due")).await.unwrap();
    let due = text(&c, "#due-table").await;
    assert!(due.contains("INC-BROWSER-1") && due.contains("障害発生等報告書"), "{due}");
    shot(&c, "14-reports-due-ja").await;

    // The rest of the main pages, for the reviewer.
    for (path, name) in [
        ("/institutions", "09-institutions-ja"),
        (&format!("/institutions/{institution}") as &str, "10-institution-systems-ja"),
        ("/users", "11-users-ja"),
        ("/account", "12-account-ja"),
    ] {
        c.goto(&app.url(path)).await.unwrap();
        text(&c, "h1").await;
        shot(&c, name).await;
    }
    c.goto(&app.url("/api/docs/")).await.unwrap();
    c.wait().at_most(Duration::from_secs(15)).for_element(Locator::Css(".swagger-ui .info")).await.unwrap();
    shot(&c, "13-api-docs").await;
    c.close().await.unwrap();
    db.finish().await;
}

/// Issue 12: an incident of the demo's EU subsidiary shows its FSA stages and its DORA obligations
/// and criteria side by side, in Japanese and in English.
#[tokio::test]
#[cfg_attr(not(browser_tests), ignore = "browser test skipped: set OPRES_TEST_CHROMEDRIVER to a chromedriver binary")]
async fn an_incident_shows_fsa_and_dora_obligations_in_both_languages() {
    use opres_app::{Actor, IncidentKey};
    use opres_domain::Lang;
    let db = TestDb::sqlite().await;
    let app = spawn_app(&db).await;
    let now = chrono::Utc::now();
    let data = opres_synthetic::generate(&opres_synthetic::GenParams::new(3, 90, 5, now));
    let actor = Actor::demo(Lang::En);
    app.register.import_demo_data(&actor, &data).await.unwrap();
    let codes: Vec<_> = data.institutions.iter().map(|i| i.code.clone()).collect();
    app.register.load_regimes_demo(&actor, &codes).await.unwrap();
    let mut id = None;
    for i in &data.incidents {
        let o =
            app.register.incident_obligations(&actor, &IncidentKey::Reference(i.reference.clone()), now).await.unwrap();
        if o.dora.is_some() {
            id = Some(o.incident.id);
        }
    }
    let id = id.expect("the demo has a DORA incident");
    add_user(&app.register, "tanaka", Role::Reporter, UserScope::All).await;
    let driver = start_driver().await;
    let c = client(&driver).await;
    crate::chromium::sign_in(&c, &app, "tanaka").await;
    c.goto(&app.url(&format!("/incidents/{id}"))).await.unwrap();
    let stages = text(&c, "#stages").await;
    assert!(stages.contains("障害発生等報告書"), "{stages}");
    let other = text(&c, "#obligations").await;
    assert!(other.contains("初期通知") && other.contains("EU DORA") && other.contains("該当"), "{other}");
    shot(&c, "15-incident-dora-ja").await;
    c.find(Locator::Id("lang-switch")).await.unwrap().click().await.unwrap();
    let other = text(&c, "#obligations").await;
    assert!(other.contains("Initial notification") && other.contains("Final report"), "{other}");
    shot(&c, "16-incident-dora-en").await;
    c.close().await.unwrap();
    db.finish().await;
}
