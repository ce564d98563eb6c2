//! The reporting officer's page counts what the dashboard, the API and its own export count, on
//! the demo data set (issue 12), and a scoped user sees only their institution's reports.

use crate::analysis::signed_in;
use crate::support::{add_user, api_client, spawn_app};
use opres_app::{Actor, IncidentKey};
use opres_domain::Lang;
use opres_store::{IncidentFilter, Role, UserScope, engine_tests};
use serde_json::Value;

/// The number in the first `<strong>` after `marker`.
fn strong_after(page: &str, marker: &str) -> usize {
    let rest = page.split(marker).nth(1).unwrap_or_else(|| panic!("{marker} not on the page: {page}"));
    let start = rest.find("<strong>").unwrap() + "<strong>".len();
    rest[start..].split('<').next().unwrap().replace(',', "").trim().parse().unwrap()
}

/// The number of the dashboard tile with this id.
fn tile(page: &str, id: &str) -> usize {
    let rest = page.split(&format!("id=\"{id}\"")).nth(1).unwrap_or_else(|| panic!("no tile {id}: {page}"));
    let start = rest.find("<span class=\"n\">").unwrap() + "<span class=\"n\">".len();
    rest[start..].split('<').next().unwrap().replace(',', "").trim().parse().unwrap()
}

async fn api_count(c: &reqwest::Client, url: String) -> usize {
    let v: Value = c.get(url).send().await.unwrap().json().await.unwrap();
    v["items"].as_array().unwrap().len()
}

engine_tests!(reports_due_counts_agree_everywhere_on_the_demo_data, |db| {
    let app = spawn_app(db).await;
    let now = chrono::Utc::now();
    let data = opres_synthetic::generate(&opres_synthetic::GenParams::demo(now));
    app.register.import_demo_data(&Actor::demo(Lang::En), &data).await.unwrap();
    add_user(&app.register, "officer", Role::Analyst, UserScope::All).await;
    let (web, _) = signed_in(&app, "officer").await;

    let dashboard = web.get(app.url("/?lang=en")).send().await.unwrap().text().await.unwrap();
    let (dash_overdue, dash_outstanding) = (tile(&dashboard, "tile-overdue"), tile(&dashboard, "tile-due"));
    let page = web.get(app.url("/reports/due")).send().await.unwrap().text().await.unwrap();
    let (page_outstanding, page_overdue) = (strong_after(&page, "id=\"due-count\""), {
        let after = page.split("id=\"due-count\"").nth(1).unwrap();
        strong_after(after, "</strong>")
    });
    let overdue_page = web.get(app.url("/reports/due?overdue=1")).send().await.unwrap().text().await.unwrap();
    let api = api_client(&app, "integrator", Role::Analyst, UserScope::All).await;
    let api_outstanding = api_count(&api, app.url("/api/v1/report-stages/due")).await;
    let api_overdue = api_count(&api, app.url("/api/v1/report-stages/due?overdue=true")).await;

    assert!(dash_outstanding > 0, "the demo has reports due");
    assert_eq!((dash_outstanding, dash_overdue), (page_outstanding, page_overdue));
    assert_eq!((api_outstanding, api_overdue), (page_outstanding, page_overdue));
    assert_eq!(strong_after(&overdue_page, "id=\"due-count\""), page_overdue);
    assert!(page_overdue * 5 < page_outstanding, "fewer than one in five pending demo reports is overdue");

    // The export holds the same rows, headed in the reader's language.
    let r = web.get(app.url("/reports/due/export/csv?lang=ja")).send().await.unwrap();
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = r.text().await.unwrap();
    assert!(csv.starts_with("\u{feff}事案,金融機関,報告,期限,状況"), "{csv}");
    assert_eq!(csv.lines().count(), page_outstanding + 1);
    let r = web.get(app.url("/reports/due/export/xlsx")).send().await.unwrap();
    assert!(r.bytes().await.unwrap().starts_with(b"PK"), "an xlsx is a zip");
    let r = web.get(app.url("/reports/due/export/pdf")).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let r = web.get(app.url("/reports/due?stage=monthly")).send().await.unwrap();
    assert_eq!(r.status(), 422, "an unknown report code is refused, not ignored");
    let only_written =
        web.get(app.url("/reports/due?stage=written_report")).send().await.unwrap().text().await.unwrap();
    if only_written.contains("id=\"due-table\"") {
        assert!(!only_written.split("id=\"due-table\"").nth(1).unwrap().contains("現状報告"));
    }

    // The demo's EU subsidiary has a major DORA incident: its page shows the DORA obligations beside
    // the FSA stages in both languages, and the API gives the same classification.
    let codes: Vec<_> = data.institutions.iter().map(|i| i.code.clone()).collect();
    app.register.load_regimes_demo(&Actor::demo(Lang::En), &codes).await.unwrap();
    let eu = IncidentFilter { institutions: Some(vec![codes[1].clone()]), ..Default::default() };
    let mut dora_incident = None;
    for i in app.register.store().all_incidents(&eu).await.unwrap() {
        let o = app.register.incident_obligations(&Actor::demo(Lang::En), &IncidentKey::Id(i.id), now).await.unwrap();
        if o.dora.is_some() {
            dora_incident = Some(i.id);
        }
    }
    let id = dora_incident.expect("the demo has a DORA incident");
    let ja = web.get(app.url(&format!("/incidents/{id}?lang=ja"))).send().await.unwrap().text().await.unwrap();
    assert!(ja.contains("id=\"obligations\"") && ja.contains("初期通知") && ja.contains("障害発生等報告書"), "{ja}");
    let en = web.get(app.url(&format!("/incidents/{id}?lang=en"))).send().await.unwrap().text().await.unwrap();
    assert!(en.contains("Initial notification") && en.contains("EU DORA"), "{en}");
    let v: Value =
        api.get(app.url(&format!("/api/v1/incidents/{id}/obligations"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(v["dora_classification"]["major"], "met", "{v}");
    assert!(v["obligations"].as_array().unwrap().iter().any(|o| o["regime"] == "fsa"));

    // A user scoped to one institution sees only its reports, and the filter agrees.
    let first = data.institutions[0].code.to_string();
    let scoped = opres_store::UserScope::Institutions(vec![data.institutions[0].code.clone()]);
    add_user(&app.register, "branch", Role::Reporter, scoped).await;
    let (branch, _) = signed_in(&app, "branch").await;
    let own = branch.get(app.url("/reports/due")).send().await.unwrap().text().await.unwrap();
    let filtered =
        web.get(app.url(&format!("/reports/due?institution={first}"))).send().await.unwrap().text().await.unwrap();
    let own_count = if own.contains("id=\"due-count\"") { strong_after(&own, "id=\"due-count\"") } else { 0 };
    let filtered_count =
        if filtered.contains("id=\"due-count\"") { strong_after(&filtered, "id=\"due-count\"") } else { 0 };
    assert_eq!(own_count, filtered_count);
    assert!(own_count < page_outstanding);
    let table = own.split("id=\"due-table\"").nth(1).unwrap_or("");
    for other in data.institutions.iter().skip(1) {
        assert!(!table.contains(&format!("<td>{}</td>", other.code)), "{} leaked to a scoped user", other.code);
    }
});
