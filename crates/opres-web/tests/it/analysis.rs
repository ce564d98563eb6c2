//! The failure-analysis pages over HTTP, against both engines: search (both languages, scope,
//! escaping), the incident page's suggestion with accept/correct (versions respected), the
//! overview, the yearly report in both languages with its downloads; and the report in a real
//! headless Chromium with a screenshot.

use crate::matrix::{Body, Case, case};
use crate::security::csrf_of;
use crate::support::{PASSWORD, TestApp, add_user, api_client, browser, spawn_app};
use opres_analysis::classify::ClassifyInput;
use opres_analysis::report::ReportOptions;
use opres_app::analysis::{AnalysisService, SearchParams};
use opres_app::{Actor, Permission, Register};
use opres_domain::{FiscalYear, IncidentRef, InstitutionCode, Lang, Trend};
use opres_store::{AuditContext, Role, UserScope, engine_tests};
use reqwest::StatusCode;
use serde_json::json;

/// The authorisation matrix's expectation for this module's routes (`None`: not one of ours).
pub(crate) fn matrix(method: &str, path: &str, _inst: &str) -> Option<Case> {
    let read = None;
    Some(match (method, path) {
        ("GET", "/analysis") => case(read, false, 200),
        ("GET", "/analysis/search") => {
            Case { path: Some("/analysis/search?q=勘定系".into()), ..case(read, false, 200) }
        }
        ("GET", "/analysis/report") => {
            Case { path: Some("/analysis/report?fy=2024&lang=ja".into()), ..case(read, false, 200) }
        }
        ("GET", "/analysis/style.css") => Case { public: Some(200), ..case(read, false, 200) },
        // A stale version: an allowed caller gets the page with the conflict message, nothing changes.
        ("POST", "/incidents/{id}/classification") => Case {
            body: Some(Body::Form(vec![("version", "999".into()), ("trend", "operations.storage".into())])),
            ..case(Some(Permission::Classify), true, 200)
        },
        // The REST API: the same use cases, so the same rights. The classification is sent with a
        // stale If-Match: an allowed, in-scope caller gets 412 and nothing changes.
        ("GET", "/api/v1/analysis/search") => {
            Case { path: Some("/api/v1/analysis/search?q=勘定系&limit=5".into()), ..case(read, false, 200) }
        }
        ("POST", "/api/v1/analysis/classify") => Case {
            body: Some(Body::Json(
                json!({"title": "ATM停止", "description": "ディスク容量不足で夜間バッチが異常終了"}),
            )),
            ..case(read, false, 200)
        },
        ("GET", "/api/v1/analysis/trends") => {
            Case { path: Some("/api/v1/analysis/trends?fy=2024".into()), ..case(read, false, 200) }
        }
        ("GET", "/api/v1/analysis/report") => {
            Case { path: Some("/api/v1/analysis/report?fy=2024&format=md".into()), ..case(read, false, 200) }
        }
        ("GET", "/api/v1/incidents/{id}/similar") | ("GET", "/api/v1/incidents/{id}/classification") => {
            case(read, true, 200)
        }
        ("PUT", "/api/v1/incidents/{id}/classification") => Case {
            body: Some(Body::Json(json!({"trend": "operations.storage"}))),
            if_match: true,
            ..case(Some(Permission::Classify), true, 412)
        },
        _ => return None,
    })
}

/// Module data the matrix's requests refer to, for institutions BANK-IN and BANK-OUT: the
/// matrix's own incidents are enough (the classification route uses `{id}`).
pub(crate) async fn matrix_fixture(_register: &Register) {}

fn ctx() -> AuditContext {
    AuditContext::new("test")
}

async fn institution(register: &Register, code: &str) {
    let r: opres_domain::InstitutionRecord = serde_json::from_value(json!({
        "code": code, "name_ja": format!("{code}銀行"), "name_en": format!("{code} Bank"),
        "institution_type": "regional_bank"
    }))
    .unwrap();
    register.store().create_institution(&r.validate().unwrap(), &ctx()).await.unwrap();
}

async fn incident(register: &Register, v: serde_json::Value) -> i64 {
    let r: opres_domain::IncidentRecord = serde_json::from_value(v).unwrap();
    register.store().create_incident(&r.validate().unwrap(), &ctx()).await.unwrap().id
}

/// BANK-A: a Japanese incident (not yet classified) and one whose title is markup; BANK-B: an
/// English one. All in fiscal year 2024.
async fn seed(register: &Register) -> (i64, i64, i64) {
    institution(register, "BANK-A").await;
    institution(register, "BANK-B").await;
    let a = incident(
        register,
        json!({
            "reference": "A-1", "institution": "BANK-A",
            "title_ja": "勘定系システムの冗長構成が機能せずATMが停止",
            "description_ja": "本番機の障害時に待機系への切替に失敗し、ATMと窓口の取引が3時間停止した。",
            "root_cause": "待機系への切替設定の不備",
            "occurred_at": "2024-06-03T10:00:00+09:00", "detected_at": "2024-06-03T10:05:00+09:00",
            "recovered_at": "2024-06-03T13:00:00+09:00"
        }),
    )
    .await;
    let b = incident(
        register,
        json!({
            "reference": "B-1", "institution": "BANK-B",
            "title_en": "Internet banking outage after the log volume filled up",
            "description_en": "The log storage volume filled up and the internet banking servers stopped for two hours.",
            "occurred_at": "2024-09-10T08:00:00+09:00", "detected_at": "2024-09-10T08:20:00+09:00",
            "recovered_at": "2024-09-10T10:00:00+09:00", "trend": "operations.storage"
        }),
    )
    .await;
    let x = incident(
        register,
        json!({
            "reference": "A-2", "institution": "BANK-A",
            "title_ja": "<script>alert('x')</script> 帳票出力の遅延",
            "description_ja": "帳票サーバの<b>設定</b>誤りで帳票出力が遅延した。",
            "occurred_at": "2024-10-01T09:00:00+09:00", "detected_at": "2024-10-01T09:30:00+09:00",
            "trend": "work.misoperation"
        }),
    )
    .await;
    (a, b, x)
}

/// A browser session signed in as `username`, with its CSRF token.
pub(crate) async fn signed_in(app: &TestApp, username: &str) -> (reqwest::Client, String) {
    let client = browser();
    let page = client.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&page);
    let r = client
        .post(app.url("/login"))
        .form(&[("_csrf", csrf.as_str()), ("username", username), ("password", PASSWORD), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{username} signs in");
    let page = client.get(app.url("/account")).send().await.unwrap().text().await.unwrap();
    (client, csrf_of(&page))
}

async fn get(c: &reqwest::Client, app: &TestApp, path: &str) -> (StatusCode, String) {
    let r = c.get(app.url(path)).send().await.unwrap();
    let status = r.status();
    (status, r.text().await.unwrap())
}

fn bank(code: &str) -> UserScope {
    UserScope::Institutions(vec![InstitutionCode::parse(code).unwrap()])
}

engine_tests!(search_finds_both_languages_within_scope_and_escapes, |db| {
    let app = spawn_app(db).await;
    seed(&app.register).await;
    add_user(&app.register, "ana", Role::Analyst, UserScope::All).await;
    add_user(&app.register, "aki", Role::Analyst, bank("BANK-A")).await;
    let (all, _) = signed_in(&app, "ana").await;
    let (a_only, _) = signed_in(&app, "aki").await;

    let (status, page) = get(&all, &app, "/analysis/search?q=冗長構成&lang=ja").await;
    assert_eq!(status, 200);
    assert!(page.contains(">A-1</a>"), "{page}");
    assert!(page.contains("<mark>冗長構成</mark>"), "highlighted: {page}");
    let (_, page) = get(&all, &app, "/analysis/search?q=storage%20volume&lang=en").await;
    assert!(page.contains(">B-1</a>"), "{page}");
    assert!(page.contains("<mark>storage</mark>"), "{page}");

    // BANK-A's analyst does not see BANK-B's incident, even when it is the only match.
    let (_, page) = get(&a_only, &app, "/analysis/search?q=storage&lang=en").await;
    assert!(!page.contains("B-1"), "{page}");
    assert!(page.contains("id=\"no-hits\""), "{page}");
    let (_, page) = get(&a_only, &app, "/analysis/search?q=冗長構成").await;
    assert!(page.contains(">A-1</a>"));

    // Text of incidents is text: markup in a title or description comes out escaped.
    let (_, page) = get(&all, &app, "/analysis/search?q=帳票&lang=ja").await;
    assert!(page.contains(">A-2</a>"), "{page}");
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(page.contains("&lt;script&gt;"), "{page}");
    assert!(page.contains("&lt;b&gt;設定&lt;/b&gt;") || page.contains("&lt;b&gt;"), "{page}");

    // An incident registered after the index was built is found (the index follows the database).
    incident(
        &app.register,
        json!({
            "reference": "A-3", "institution": "BANK-A", "title_ja": "ランサムウェア感染による業務停止",
            "occurred_at": "2024-11-01T09:00:00+09:00", "detected_at": "2024-11-01T09:30:00+09:00"
        }),
    )
    .await;
    let (_, page) = get(&all, &app, "/analysis/search?q=ランサムウェア").await;
    assert!(page.contains(">A-3</a>"), "{page}");

    // Empty query: the hint, no results.
    let (status, page) = get(&all, &app, "/analysis/search?lang=en").await;
    assert_eq!(status, 200);
    assert!(page.contains("Searches titles, descriptions and causes"), "{page}");
});

engine_tests!(accept_and_correct_change_the_classification_and_respect_versions, |db| {
    let app = spawn_app(db).await;
    let (a, _, _) = seed(&app.register).await;
    add_user(&app.register, "ana", Role::Analyst, UserScope::All).await;
    add_user(&app.register, "rei", Role::Reporter, UserScope::All).await;
    let (analyst, csrf) = signed_in(&app, "ana").await;

    let (status, page) = get(&analyst, &app, &format!("/incidents/{a}?lang=ja")).await;
    assert_eq!(status, 200);
    assert!(page.contains("分類の提案"), "{page}");
    assert!(page.contains("id=\"accept-suggestion\""), "{page}");
    assert!(page.contains("類似する過去の障害"));
    assert!(page.contains("再発の系列"));
    let suggested = page.split("id=\"suggested-trend\"").nth(1).unwrap();
    let code = suggested.split("<code>").nth(1).unwrap().split("</code>").next().unwrap().to_string();
    let trend: Trend = code.parse().unwrap();
    assert_ne!(trend, Trend::Unknown);
    assert_eq!(trend, Trend::OperationsRedundancy, "the rules read 冗長構成 / 待機系への切替");

    // Accept at version 1.
    let post = |version: &str, trend: &str| {
        analyst
            .post(app.url(&format!("/incidents/{a}/classification")))
            .form(&[("_csrf", csrf.as_str()), ("version", version), ("trend", trend)])
            .send()
    };
    let r = post("1", &code).await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let stored = app.register.store().incident(a).await.unwrap().unwrap();
    assert_eq!((stored.version, stored.value.classification.trend()), (2, trend));

    // A second submission from the stale page is refused and changes nothing.
    let r = post("1", "work.misoperation").await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(page.contains("error-summary"), "{page}");
    let stored = app.register.store().incident(a).await.unwrap().unwrap();
    assert_eq!((stored.version, stored.value.classification.trend()), (2, trend));

    // Correct at the current version.
    let r = post("2", "work.misoperation").await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let stored = app.register.store().incident(a).await.unwrap().unwrap();
    assert_eq!(stored.value.classification.trend(), Trend::WorkMisoperation);
    assert_eq!(stored.value.classification.trigger(), opres_domain::Trigger::Work);
    // The one-time message, in the language of the request that saved (Japanese by default).
    let (_, page) = get(&analyst, &app, &format!("/incidents/{a}")).await;
    assert!(page.contains("分類を確定しました。"), "flash: {page}");

    // A trend that does not exist is refused with a message.
    let r = post("3", "no.such.trend").await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("error-summary"));

    // Reporters see the suggestion but may not classify.
    let (reporter, rcsrf) = signed_in(&app, "rei").await;
    let (_, page) = get(&reporter, &app, &format!("/incidents/{a}")).await;
    assert!(!page.contains("id=\"accept-suggestion\""));
    assert!(!page.contains("id=\"correct-classification\""));
    let r = reporter
        .post(app.url(&format!("/incidents/{a}/classification")))
        .form(&[("_csrf", rcsrf.as_str()), ("version", "3"), ("trend", "cyber.ddos")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let stored = app.register.store().incident(a).await.unwrap().unwrap();
    assert_eq!((stored.version, stored.value.classification.trend()), (3, Trend::WorkMisoperation));
});

engine_tests!(overview_and_yearly_report_in_both_languages, |db| {
    let app = spawn_app(db).await;
    add_user(&app.register, "ana", Role::Analyst, UserScope::All).await;
    add_user(&app.register, "aki", Role::Executive, bank("BANK-A")).await;
    let (all, _) = signed_in(&app, "ana").await;

    // Empty register: empty states, not errors.
    let (status, page) = get(&all, &app, "/analysis?lang=ja").await;
    assert_eq!(status, 200);
    assert!(page.contains("まだ障害が登録されていません"), "{page}");
    let (status, page) = get(&all, &app, "/analysis/report?fy=2024&lang=en").await;
    assert_eq!(status, 200);
    assert!(page.contains("id=\"report-empty\""), "{page}");

    seed(&app.register).await;
    let (status, page) = get(&all, &app, "/analysis?fy=2024&lang=ja").await;
    assert_eq!(status, 200);
    assert!(page.contains("<svg"), "charts: {page}");
    assert!(page.contains("年度別・発生の端緒別の件数"));
    assert!(page.contains("id=\"fy-total\">3<"), "{page}");
    let (_, page) = get(&all, &app, "/analysis?fy=2024&lang=en").await;
    assert!(page.contains("Median time to recover by trend"), "{page}");
    let (status, page) = get(&all, &app, "/analysis?fy=abc&lang=en").await;
    assert_eq!(status, 200);
    assert!(page.contains("Give the fiscal year as four digits"), "{page}");

    let (status, page) = get(&all, &app, "/analysis/report?fy=2024&lang=ja").await;
    assert_eq!(status, 200);
    assert!(page.contains("金融機関のシステム障害に関する分析レポート（2024年度）"), "{page}");
    assert!(page.contains("<svg") && page.contains("障害傾向"));
    assert!(page.contains("BANK-B"), "not anonymised: {page}");
    let (_, page) = get(&all, &app, "/analysis/report?fy=2024&lang=en").await;
    assert!(page.contains("Analysis report on system failures at financial institutions, FY2024"), "{page}");
    let (_, page) = get(&all, &app, "/analysis/report?fy=2024&lang=en&anonymise=1").await;
    let report = page.split("id=\"report\"").nth(1).unwrap();
    assert!(!report.contains("BANK-A銀行") && !report.contains("BANK-B Bank"), "{report}");
    let (_, page) = get(&all, &app, "/analysis/report?fy=2024&format=pdf").await;
    assert!(page.contains("error-summary"), "{page}");

    // Downloads.
    let r = all.get(app.url("/analysis/report?fy=2024&lang=ja&format=md")).send().await.unwrap();
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/markdown"));
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains("opres-analysis-fy2024-ja.md"));
    assert!(r.text().await.unwrap().contains("# 金融機関のシステム障害に関する分析レポート"));
    let r = all.get(app.url("/analysis/report?fy=2024&lang=en&format=xlsx")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"), "an xlsx is a zip");
    let r = all.get(app.url("/analysis/report?fy=2024&lang=en&format=document")).send().await.unwrap();
    assert!(r.text().await.unwrap().starts_with("<!DOCTYPE html>"));

    // A scoped user's report covers only their institutions.
    let (scoped, _) = signed_in(&app, "aki").await;
    let (_, page) = get(&scoped, &app, "/analysis/report?fy=2024&lang=en").await;
    assert!(!page.contains("BANK-B"), "{page}");
    let (_, page) = get(&scoped, &app, "/analysis?fy=2024&lang=en").await;
    assert!(page.contains("id=\"fy-total\">2<"), "{page}");
    let a1 = app.register.store().incident_by_reference(&IncidentRef::parse("A-1").unwrap()).await.unwrap();
    assert!(a1.is_some());

    // Every time figure carries its definition; a record detected after its recovery is left out
    // and counted beside the figure, not shown as a zero.
    incident(
        &app.register,
        json!({
            "reference": "B-2", "institution": "BANK-B", "title_en": "Malware found after the restore",
            "occurred_at": "2024-11-01T08:00:00+09:00", "detected_at": "2024-11-05T08:00:00+09:00",
            "recovered_at": "2024-11-01T10:00:00+09:00", "trend": "cyber.malware"
        }),
    )
    .await;
    let (_, page) = get(&all, &app, "/analysis?fy=2024&lang=en").await;
    assert!(page.contains("Time to recover = recovered − occurred (median)"), "{page}");
    assert!(page.contains("Time to detect = detected − occurred (median)"), "{page}");
    assert!(page.contains("id=\"mttr-excluded\">1 record with inconsistent times excluded<"), "{page}");
    // FY2024 has ended: compared with the whole previous year, and said so.
    assert!(page.contains("vs the previous fiscal year"), "{page}");
    let (_, page) = get(&all, &app, "/analysis?fy=2024&lang=ja").await;
    assert!(page.contains("復旧時間 = 復旧日時 − 発生日時（中央値）"), "{page}");
    assert!(page.contains("時刻が矛盾する1件を除外"), "{page}");
    let (_, page) = get(&all, &app, "/analysis/report?fy=2024&lang=ja").await;
    assert!(page.contains("時刻が矛盾する1件を除外"), "{page}");
    // The report opens on the last complete fiscal year, the overview on the running one.
    let today = opres_app::today();
    let (_, page) = get(&all, &app, "/analysis/report?lang=en").await;
    let last = opres_domain::FiscalYear::last_complete(today).0;
    assert!(
        page.contains(&format!("Analysis report on system failures at financial institutions, FY{last}<")),
        "{page}"
    );
    let (_, page) = get(&all, &app, "/analysis?lang=en").await;
    let running = opres_domain::FiscalYear::of_date(today).as_of(today);
    assert!(page.contains(&running.comparison_label(opres_domain::Lang::En)), "{page}");
});

/// A value as a client reads it: written as JSON text and read back (an `f32` score then reads
/// as the client sees it, not widened to `f64` digits).
fn as_sent(v: &impl serde::Serialize) -> serde_json::Value {
    serde_json::from_str(&serde_json::to_string(v).unwrap()).unwrap()
}

/// The fields a problem-details answer names.
fn fields(problem: &serde_json::Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map_or_else(Vec::new, |e| e.iter().filter_map(|p| p["field"].as_str().map(str::to_string)).collect())
}

engine_tests!(the_rest_api_serves_the_analysis_use_cases_within_scope, |db| {
    let app = spawn_app(db).await;
    let (a, b, _) = seed(&app.register).await;
    let admin = &app.http;
    let url = |p: &str| app.url(&format!("/api/v1{p}"));
    let get = |c: &reqwest::Client, p: &str| c.get(url(p)).header("accept-language", "en").send();
    // What the use cases answer an administrator of every institution (as the pages and the CLI
    // call them), from an index of its own over the same register.
    let service = AnalysisService::new();
    let cli = Actor::cli(Lang::En);
    let today = opres_app::today();

    // Search: ranked hits with highlights, exactly the use case's page.
    let r = get(admin, "/analysis/search?q=%E5%86%97%E9%95%B7%E6%A7%8B%E6%88%90&limit=5").await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let got: serde_json::Value = r.json().await.unwrap();
    let params = SearchParams { q: Some("冗長構成".into()), offset: None, limit: Some("5".into()) };
    let want = service.search(&app.register, &cli, params.parse().unwrap()).await.unwrap();
    assert_eq!(got, as_sent(&want));
    assert_eq!(got["hits"][0]["reference"], "A-1", "{got}");
    assert!(got["hits"][0]["title_html"].as_str().unwrap().contains("<mark>"), "{got}");
    // Bad values are located problems naming the parameter, not a deserializer's words.
    for (q, field) in [
        ("/analysis/search", "q"),
        ("/analysis/search?q=x&limit=abc", "limit"),
        ("/analysis/search?q=x&offset=-1", "offset"),
        ("/analysis/search?q=x&limit=0", "limit"),
    ] {
        let r = get(admin, q).await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{q}");
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/problem+json"));
        assert_eq!(fields(&r.json().await.unwrap()), [field], "{q}");
    }

    // Similar past incidents, by reference or row id.
    let b1 = app.register.find_incident(&cli, &opres_app::IncidentKey::Id(b)).await.unwrap();
    let got: serde_json::Value = get(admin, "/incidents/B-1/similar").await.unwrap().json().await.unwrap();
    let want = service.similar(&app.register, &cli, &b1.value, 5).await.unwrap();
    assert_eq!(got["items"], as_sent(&want));
    let by_id: serde_json::Value = get(admin, &format!("/incidents/{b}/similar")).await.unwrap().json().await.unwrap();
    assert_eq!(by_id, got);
    let r = get(admin, "/incidents/B-1/similar?limit=500").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.json().await.unwrap()), ["limit"]);
    assert_eq!(get(admin, "/incidents/NO-SUCH/similar").await.unwrap().status(), StatusCode::NOT_FOUND);

    // The suggestion of a registered incident, with its version as ETag.
    let a1 = app.register.find_incident(&cli, &opres_app::IncidentKey::Id(a)).await.unwrap();
    let r = get(admin, &format!("/incidents/{a}/classification")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["etag"], "\"1\"");
    let got: serde_json::Value = r.json().await.unwrap();
    let want = service.suggest(&app.register, &cli, &a1.value).await.unwrap();
    assert_eq!(got["suggestion"], as_sent(&want));
    assert_eq!(got["suggestion"]["trend"], "operations.redundancy", "{got}");
    assert!(got["suggestion"]["reasons"].as_array().is_some_and(|r| !r.is_empty()), "{got}");
    assert_eq!(got["accepted"]["trend"], "unknown");

    // A text not registered.
    let body = json!({"title": "DDoS攻撃によりインターネットバンキングが停止", "description": "大量の通信によりサービスがつながりにくくなった"});
    let r = admin.post(url("/analysis/classify")).header("accept-language", "en").json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let got: serde_json::Value = r.json().await.unwrap();
    let input = ClassifyInput {
        title: Some(body["title"].as_str().unwrap().into()),
        text: body["description"].as_str().unwrap().into(),
        ..Default::default()
    };
    assert_eq!(got, as_sent(&service.suggest_text(&app.register, &cli, input).await.unwrap()));
    let r = admin.post(url("/analysis/classify")).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.json().await.unwrap()), ["description"]);
    let r = admin.post(url("/analysis/classify")).json(&json!({"title": "x", "channels": ["fax"]})).send().await;
    let r = r.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.json().await.unwrap()), ["channels"]);

    // Trends (the overview) and the yearly report.
    let fy = FiscalYear(2024);
    let got: serde_json::Value = get(admin, "/analysis/trends?fy=2024").await.unwrap().json().await.unwrap();
    let want = app.register.analysis_overview(&cli, fy, today, 10).await.unwrap();
    assert_eq!(got, as_sent(&want));
    assert_eq!(got["year"]["totals"], json!([3]), "{got}");
    let r = get(admin, "/analysis/trends?fy=abc").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.json().await.unwrap()), ["fy"]);
    let report = app.register.analysis_report(&cli, ReportOptions::new(fy, Lang::En, today)).await.unwrap();
    let got: serde_json::Value = get(admin, "/analysis/report?fy=2024").await.unwrap().json().await.unwrap();
    assert_eq!(got, as_sent(&report));
    let r = get(admin, "/analysis/report?fy=2024&format=md").await.unwrap();
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/markdown"));
    assert_eq!(r.text().await.unwrap(), report.to_markdown());
    let html = get(admin, "/analysis/report?fy=2024&format=html").await.unwrap().text().await.unwrap();
    assert_eq!(html, report.to_html());
    for (q, field) in [
        ("/analysis/report?format=pdf", "format"),
        ("/analysis/report?anonymise=maybe", "anonymise"),
        ("/analysis/report?fy=FY", "fy"),
    ] {
        let r = get(admin, q).await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{q}");
        assert_eq!(fields(&r.json().await.unwrap()), [field], "{q}");
    }

    // Accept or correct: If-Match required and current; the trend must exist; Classify needed.
    let put = |c: &reqwest::Client, v: Option<&str>, body: serde_json::Value| {
        let mut req = c.put(url(&format!("/incidents/{a}/classification"))).json(&body);
        if let Some(v) = v {
            req = req.header("if-match", v);
        }
        req.send()
    };
    let ddos = json!({"trend": "cyber.ddos"});
    assert_eq!(put(admin, None, ddos.clone()).await.unwrap().status(), StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(put(admin, Some("\"7\""), ddos.clone()).await.unwrap().status(), StatusCode::PRECONDITION_FAILED);
    let r = put(admin, Some("\"1\""), json!({"trend": "cyber"})).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.json().await.unwrap()), ["trend"]);
    let stored = app.register.store().incident(a).await.unwrap().unwrap();
    assert_eq!((stored.version, stored.value.classification.trend()), (1, Trend::Unknown), "nothing changed");
    let r = put(admin, Some("\"1\""), ddos.clone()).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["etag"], "\"2\"");
    let saved: serde_json::Value = r.json().await.unwrap();
    assert_eq!((saved["trend"].clone(), saved["trigger"].clone()), (json!("cyber.ddos"), json!("cyber")), "{saved}");
    let stored = app.register.store().incident(a).await.unwrap().unwrap();
    assert_eq!((stored.version, stored.value.classification.trend()), (2, Trend::CyberDdos));
    assert_eq!(put(admin, Some("\"1\""), ddos.clone()).await.unwrap().status(), StatusCode::PRECONDITION_FAILED);
    let reporter = api_client(&app, "api-reporter", Role::Reporter, UserScope::All).await;
    let r = put(&reporter, Some("\"2\""), json!({"trend": "work.misoperation"})).await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(get(&reporter, &format!("/incidents/{a}/classification")).await.unwrap().status(), StatusCode::OK);
    let stored = app.register.store().incident(a).await.unwrap().unwrap();
    assert_eq!((stored.version, stored.value.classification.trend()), (2, Trend::CyberDdos));

    // A user scoped to BANK-A: no hits and no similar incidents of BANK-B, whose incidents do not
    // exist for them; their trends and report count BANK-A only.
    // BANK-B had the same failure before A-1: a similar past incident, for those who see BANK-B.
    incident(
        &app.register,
        json!({
            "reference": "B-0", "institution": "BANK-B",
            "title_ja": "勘定系システムの冗長構成が機能せずATMが停止",
            "description_ja": "本番機の障害時に待機系への切替に失敗し、ATMの取引が停止した。",
            "occurred_at": "2024-04-15T10:00:00+09:00", "detected_at": "2024-04-15T10:10:00+09:00",
            "trend": "operations.redundancy"
        }),
    )
    .await;
    let scoped = api_client(&app, "api-analyst-a", Role::Analyst, bank("BANK-A")).await;
    let got: serde_json::Value =
        get(&scoped, "/analysis/search?q=storage%20volume").await.unwrap().json().await.unwrap();
    assert_eq!(got["total"], 0, "{got}");
    assert!(got["hits"].as_array().is_some_and(Vec::is_empty));
    let all: serde_json::Value = get(admin, "/analysis/search?q=storage%20volume").await.unwrap().json().await.unwrap();
    assert_eq!(all["hits"][0]["reference"], "B-1", "the admin finds it: {all}");
    let got: serde_json::Value = get(&scoped, "/incidents/A-1/similar").await.unwrap().json().await.unwrap();
    let items = got["items"].as_array().unwrap();
    assert!(items.iter().all(|i| i["institution"] == "BANK-A"), "{got}");
    let everywhere: serde_json::Value = get(admin, "/incidents/A-1/similar").await.unwrap().json().await.unwrap();
    assert!(everywhere["items"].as_array().unwrap().iter().any(|i| i["institution"] == "BANK-B"), "{everywhere}");
    for path in [
        "/incidents/B-1/similar".to_string(),
        format!("/incidents/{b}/similar"),
        "/incidents/B-1/classification".into(),
    ] {
        assert_eq!(get(&scoped, &path).await.unwrap().status(), StatusCode::NOT_FOUND, "{path}");
    }
    let r =
        scoped.put(url("/incidents/B-1/classification")).header("if-match", "\"1\"").json(&ddos).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let got: serde_json::Value = get(&scoped, "/analysis/trends?fy=2024").await.unwrap().json().await.unwrap();
    assert_eq!(got["year"]["totals"], json!([2]), "{got}");
    let md = get(&scoped, "/analysis/report?fy=2024&format=md").await.unwrap().text().await.unwrap();
    assert!(!md.contains("BANK-B"), "{md}");
});

// ---------------------------------------------------------------------------------- browser test

mod chromium {
    use super::*;
    use crate::chromium::{client, shot, sign_in, start_driver};
    use fantoccini::Locator;
    use opres_store::testkit::TestDb;
    use std::time::Duration;

    #[tokio::test]
    #[cfg_attr(
        not(browser_tests),
        ignore = "browser test skipped: set OPRES_TEST_CHROMEDRIVER to a chromedriver binary"
    )]
    async fn the_yearly_report_opens_in_chromium_with_japanese_charts() {
        let db = TestDb::sqlite().await;
        let now = chrono::Utc::now();
        let data = opres_synthetic::generate(&opres_synthetic::GenParams {
            institutions: 6,
            incidents: 600,
            seed: 21,
            now,
            fiscal_years: 2,
        });
        db.store.import(&data, &ctx()).await.unwrap();
        let app = spawn_app(&db).await;
        add_user(&app.register, "sato", Role::Analyst, UserScope::All).await;
        let fy = opres_domain::FiscalYear::of(&now);
        let driver = start_driver().await;
        let c = client(&driver).await;
        sign_in(&c, &app, "sato").await;

        c.goto(&app.url(&format!("/analysis/report?fy={}&lang=ja", fy.0))).await.unwrap();
        let h1 = c
            .wait()
            .at_most(Duration::from_secs(60))
            .for_element(Locator::Css("#report h1"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        // The running year is reported to date, and its title says which days.
        let period = fy.as_of(opres_app::today());
        let expected = if period.is_whole() {
            format!("金融機関のシステム障害に関する分析レポート（{}年度）", fy.0)
        } else {
            format!(
                "金融機関のシステム障害に関する分析レポート（{}年度・{}）",
                fy.0,
                period.days_label(opres_domain::Lang::Ja)
            )
        };
        assert_eq!(h1, expected);
        // The charts are there and their Japanese labels are laid out as text with real width
        // (a missing font would still give boxes; the screenshot is looked at for that).
        let n_svg = c.execute("return document.querySelectorAll('#report svg').length", vec![]).await.unwrap();
        assert!(n_svg.as_u64().unwrap() >= 3, "{n_svg:?}");
        let label = c
            .execute(
                "const t = [...document.querySelectorAll('#report svg text')].find(e => /[\\u3040-\\u30ff\\u4e00-\\u9fff]/.test(e.textContent)); \
                 return t ? [t.textContent, t.getComputedTextLength()] : null;",
                vec![],
            )
            .await
            .unwrap();
        let arr = label.as_array().expect("a Japanese label in a chart");
        assert!(arr[1].as_f64().unwrap() > 10.0, "{label:?}");

        shot(&c, "analysis-report-ja").await;

        // The overview's charts, too.
        c.goto(&app.url("/analysis?lang=ja")).await.unwrap();
        c.wait().at_most(Duration::from_secs(60)).for_element(Locator::Css("#chart-years svg")).await.unwrap();
        shot(&c, "analysis-overview-ja").await;
        c.close().await.unwrap();
    }
}
