//! The resilience pages over HTTP, against both engines: import (good and bad files), edits with
//! versions, SPOF and concentration, scenario editor, run and results, report; the authorisation
//! matrix's expectations for every resilience route; and a headless-Chromium walk through a
//! flowchart and a results page with screenshots (`target/screenshots/resilience-*.png`).

fn cli() -> opres_app::Actor {
    opres_app::Actor::cli(opres_domain::Lang::En)
}

use crate::matrix::{Body, Case, case};
use crate::support::{PASSWORD, add_user, browser, spawn_app};
use opres_app::{Permission, Register};
use opres_domain::InstitutionCode;
use opres_store::{AuditContext, Role, UserScope, engine_tests};
use reqwest::StatusCode;

/// The authorisation matrix's expectation for this module's routes (`None`: not one of ours).
pub(crate) fn matrix(method: &str, path: &str, inst: &str) -> Option<Case> {
    use Permission as P;
    let read = None;
    let edit = Some(P::EditResilience);
    let form = |pairs: Vec<(&'static str, String)>| Some(Body::Form(pairs));
    let at = |p: &str| Some(p.replace("{code}", inst).replace("{service}", "SVC-FT").replace("{scenario}", "SCN-CORE"));
    let c = match (method, path) {
        ("GET", "/resilience") | ("GET", "/resilience/formats") => case(read, false, 200),
        ("GET", "/resilience/{code}")
        | ("GET", "/resilience/{code}/spof")
        | ("GET", "/resilience/{code}/concentration")
        | ("GET", "/resilience/{code}/scenarios")
        | ("GET", "/resilience/{code}/report")
        | ("GET", "/resilience/{code}/report.md") => case(read, true, 200),
        ("GET", "/resilience/{code}/export/{format}") => {
            Case { path: Some(format!("/resilience/{inst}/export/json")), ..case(read, true, 200) }
        }
        ("GET", "/resilience/{code}/services/{service}")
        | ("GET", "/resilience/{code}/scenarios/{scenario}")
        | ("GET", "/resilience/{code}/scenarios/{scenario}/results") => {
            Case { path: at(path), ..case(read, true, 200) }
        }
        ("GET", "/resilience/{code}/services/{service}/flowchart/{format}") => Case {
            path: Some(format!("/resilience/{inst}/services/SVC-FT/flowchart/mermaid")),
            ..case(read, true, 200)
        },
        ("GET", "/resilience/{code}/import")
        | ("GET", "/resilience/{code}/services/new")
        | ("GET", "/resilience/{code}/scenarios/new") => case(edit, true, 200),
        // Changes stop short: no file, an invalid id, a stale version.
        ("POST", "/resilience/{code}/import") => Case { body: form(vec![]), ..case(edit, true, 422) },
        ("POST", "/resilience/{code}/services") => {
            Case { body: form(vec![("id", "bad id!".into()), ("version", "1".into())]), ..case(edit, true, 422) }
        }
        ("POST", "/resilience/{code}/services/{service}") => Case {
            path: at(path),
            body: form(vec![
                ("version", "999".into()),
                ("name_ja", "為替".into()),
                ("owner", "事務部".into()),
                ("customer_impact", "5".into()),
                ("last_reviewed", "2026-04-10".into()),
                ("next_review", "2027-04-09".into()),
            ]),
            ..case(edit, true, 409)
        },
        ("POST", "/resilience/{code}/services/{service}/tolerances") => Case {
            path: at(path),
            body: form(vec![
                ("version", "999".into()),
                ("regulator", "other".into()),
                ("max_duration_minutes", "60".into()),
            ]),
            ..case(edit, true, 409)
        },
        ("POST", "/resilience/{code}/services/{service}/tolerances/delete") => Case {
            path: at(path),
            body: form(vec![("version", "999".into()), ("index", "0".into())]),
            ..case(edit, true, 409)
        },
        ("POST", "/resilience/{code}/scenarios") => {
            Case { body: form(vec![("id", "bad id!".into())]), ..case(edit, true, 422) }
        }
        ("POST", "/resilience/{code}/scenarios/{scenario}") => {
            Case { path: at(path), body: form(vec![("version", "999".into())]), ..case(edit, true, 422) }
        }
        ("POST", "/resilience/{code}/scenarios/{scenario}/run") => {
            Case { path: at(path), body: form(vec![("version", "999".into())]), ..case(edit, true, 409) }
        }
        _ => return None,
    };
    Some(c)
}

/// Module data the matrix's requests refer to, for institutions BANK-IN and BANK-OUT: the demo map,
/// its scenarios and their runs.
pub(crate) async fn matrix_fixture(register: &Register) {
    for code in ["BANK-IN", "BANK-OUT"] {
        let code = InstitutionCode::parse(code).unwrap();
        register.load_resilience_demo(&cli(), &code).await.unwrap();
    }
}

async fn bank(register: &Register, c: &str) {
    let rec: opres_domain::InstitutionRecord = serde_json::from_value(serde_json::json!({
        "code": c, "name_ja": "さくら銀行", "name_en": "Sakura Bank", "institution_type": "regional_bank"
    }))
    .unwrap();
    register.store().create_institution(&rec.validate().unwrap(), &AuditContext::new("test")).await.unwrap();
}

/// A signed-in browser-like client and its CSRF token.
async fn sign_in(base: &str, username: &str) -> (reqwest::Client, String) {
    let client = browser();
    let page = client.get(format!("{base}/login")).send().await.unwrap().text().await.unwrap();
    let csrf = crate::security::csrf_of(&page);
    let r = client
        .post(format!("{base}/login"))
        .form(&[("_csrf", csrf.as_str()), ("username", username), ("password", PASSWORD), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = client.get(format!("{base}/account")).send().await.unwrap().text().await.unwrap();
    (client, crate::security::csrf_of(&page))
}

/// A multipart body as a browser sends it (the token rides in the action URL, as the form has it).
fn multipart(files: &[(&str, &[u8])], version: Option<i64>) -> (String, Vec<u8>) {
    let boundary = "----opresTestBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    if let Some(v) = version {
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"version\"\r\n\r\n{v}\r\n").bytes());
    }
    for (name, bytes) in files {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(
    client: &reqwest::Client,
    base: &str,
    code: &str,
    csrf: &str,
    files: &[(&str, &[u8])],
    version: Option<i64>,
) -> reqwest::Response {
    let (ct, body) = multipart(files, version);
    client
        .post(format!("{base}/resilience/{code}/import?_csrf={csrf}"))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn text(client: &reqwest::Client, url: String) -> (StatusCode, String) {
    let r = client.get(url).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

engine_tests!(an_analyst_imports_edits_runs_and_reads_the_report, |db| {
    let app = spawn_app(db).await;
    bank(&app.register, "BANK-A").await;
    bank(&app.register, "BANK-B").await;
    let scope = UserScope::Institutions(vec![InstitutionCode::parse("BANK-A").unwrap()]);
    add_user(&app.register, "ana", Role::Analyst, scope.clone()).await;
    add_user(&app.register, "exec", Role::Executive, scope).await;
    let (c, csrf) = sign_in(&app.base, "ana").await;
    let a = InstitutionCode::parse("BANK-A").unwrap();

    // No map yet: the empty state says how to import and links to the formats.
    let (st, page) = text(&c, app.url("/resilience/BANK-A")).await;
    assert_eq!(st, 200);
    assert!(page.contains("依存関係マップがまだありません") && page.contains("/resilience/formats"), "{page}");
    let (st, page) = text(&c, app.url("/resilience/formats?lang=en")).await;
    assert_eq!(st, 200);
    assert!(page.contains("dependencies.csv"));

    // A bad CMDB export: every problem with file, row and field; nothing saved.
    let resources = "id,kind,name_ja\nCORE,system,勘定系\nBOT,robot,ロボット\n".as_bytes();
    let deps = "from,to\nCORE,GHOST\n".as_bytes();
    let r =
        upload(&c, &app.base, "BANK-A", &csrf, &[("resources.csv", resources), ("dependencies.csv", deps)], None).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("resources.csv 3行目 kind: 「robot」は使用できないコードです"), "{page}");
    assert!(page.contains("何も保存していません"), "{page}");
    assert!(app.register.resilience_map(&cli(), &a).await.unwrap().is_none(), "nothing saved");

    // The demo map as JSON: saved, listed, its services shown with scores and overdue reviews.
    let json = opres_resilience::interchange::to_json(&opres_resilience::generate::demo_map().unwrap());
    let r = upload(&c, &app.base, "BANK-A", &csrf, &[("map.json", json.as_bytes())], None).await;
    assert_eq!(r.status(), 303);
    let (_, page) = text(&c, app.url("/resilience/BANK-A")).await;
    assert!(page.contains("SVC-FT") && page.contains("/resilience/BANK-A/services/SVC-FT"), "{page}");
    let (_, page) = text(&c, app.url("/resilience?lang=en")).await;
    assert!(page.contains("BANK-A") && page.contains("services"), "{page}");
    // Importing over it with the version the page showed replaces it; a stale one is refused.
    let r = upload(&c, &app.base, "BANK-A", &csrf, &[("map.json", json.as_bytes())], None).await;
    assert_eq!(r.status(), 409, "a second create is a conflict");

    // The service page: register fields, tolerances, the server-drawn flowchart and its downloads.
    let (st, page) = text(&c, app.url("/resilience/BANK-A/services/SVC-FT")).await;
    assert_eq!(st, 200);
    assert!(page.contains("<svg") && page.contains("flowchart/mermaid"), "{page}");
    let (st, mmd) = text(&c, app.url("/resilience/BANK-A/services/SVC-FT/flowchart/mermaid")).await;
    assert_eq!(st, 200);
    assert!(mmd.starts_with("flowchart LR"), "{mmd}");
    let (st, dot) = text(&c, app.url("/resilience/BANK-A/services/SVC-FT/flowchart/dot")).await;
    assert!(st == 200 && dot.starts_with("digraph"));
    let (st, _) = text(&c, app.url("/resilience/BANK-A/services/NOPE")).await;
    assert_eq!(st, 404);

    // Edit with the version the form carried; the same stale form again is a conflict.
    let edit = |v: &str, owner: &str| {
        vec![
            ("_csrf", csrf.clone()),
            ("version", v.to_string()),
            ("name_ja", "為替（振込）".into()),
            ("name_en", "Funds transfer".into()),
            ("owner", owner.to_string()),
            ("customer_impact", "5".into()),
            ("transactions_per_day", "350000".into()),
            ("has_cutoff", "on".into()),
            ("last_reviewed", "2026-04-10".into()),
            ("next_review", "2027-04-09".into()),
        ]
    };
    let r = c.post(app.url("/resilience/BANK-A/services/SVC-FT")).form(&edit("1", "為替事務部")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let r = c.post(app.url("/resilience/BANK-A/services/SVC-FT")).form(&edit("1", "別の部")).send().await.unwrap();
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("他の利用者が先に更新しました"));
    let m = app.register.require_resilience_map(&cli(), &a).await.unwrap();
    assert_eq!(m.version, 2);
    assert_eq!(m.map.services().iter().find(|s| s.id.as_str() == "SVC-FT").unwrap().owner, "為替事務部");
    // Bad input is named by field, in the user's language.
    let mut bad = edit("2", "x");
    bad.push(("customers", "many".into()));
    let r = c.post(app.url("/resilience/BANK-A/services/SVC-FT?lang=en")).form(&bad).send().await.unwrap();
    assert_eq!(r.status(), 422);
    // A tolerance with a cut-off.
    let tol = vec![
        ("_csrf", csrf.clone()),
        ("version", "2".to_string()),
        ("regulator", "other".into()),
        ("max_duration_minutes", "90".into()),
        ("cutoff", "15:00".into()),
    ];
    let r = c.post(app.url("/resilience/BANK-A/services/SVC-FT/tolerances")).form(&tol).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let m = app.register.require_resilience_map(&cli(), &a).await.unwrap();
    assert!(m.map.services()[0].tolerances.iter().any(|t| t.cutoff.map(|c| c.to_string()).as_deref() == Some("15:00")));

    // SPOF and concentration.
    let spof = opres_resilience::spof::analyse(&m.map);
    let (st, page) = text(&c, app.url("/resilience/BANK-A/spof")).await;
    assert_eq!(st, 200);
    for (res, _) in &spof.by_resource {
        assert!(page.contains(res.as_str()), "{res} listed");
    }
    let (st, page) = text(&c, app.url("/resilience/BANK-A/concentration?lang=en")).await;
    assert_eq!(st, 200);
    assert!(page.contains("HHI") && page.contains("Ultimate parent"), "{page}");

    // A scenario from the editor, run, and its results.
    let sc = vec![
        ("_csrf", csrf.clone()),
        ("id", "SCN-WEB".to_string()),
        ("name_ja", "東京DCの喪失".into()),
        ("start", "2026-06-15T13:00".into()),
        ("kind", "outcome_loss".into()),
        ("target_type", "facility".into()),
        ("target", "DC-TOKYO".into()),
        ("restoration", "log_normal".into()),
        ("median_minutes", "480".into()),
        ("p95_minutes", "2880".into()),
        ("samples", "2000".into()),
        ("seed", "7".into()),
    ];
    let r = c.post(app.url("/resilience/BANK-A/scenarios")).form(&sc).send().await.unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let mut bad = sc.clone();
    bad[1].1 = "SCN-BAD".into();
    bad[6].1 = "GHOST".into();
    let r = c.post(app.url("/resilience/BANK-A/scenarios")).form(&bad).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("GHOST"));
    let (st, _) = text(&c, app.url("/resilience/BANK-A/scenarios/SCN-WEB/results")).await;
    assert_eq!(st, 303, "not run yet: back to the scenario");
    let run = vec![("_csrf", csrf.clone()), ("version", "1".to_string())];
    let r = c.post(app.url("/resilience/BANK-A/scenarios/SCN-WEB/run")).form(&run).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let (st, page) = text(&c, app.url("/resilience/BANK-A/scenarios/SCN-WEB/results?lang=en")).await;
    assert_eq!(st, 200);
    let stored = app.register.resilience_run(&cli(), &a, "SCN-WEB").await.unwrap().unwrap();
    let breaches = stored.doc.paper.services.iter().filter(|s| s.breach).count();
    assert!(breaches > 0);
    assert!(page.contains("P(Breach)") && page.contains("[95%") && page.contains("<svg"), "{page}");
    assert!(page.contains("Breach drivers") && page.contains("p95"), "{page}");
    let (_, page) = text(&c, app.url("/resilience/BANK-A/scenarios")).await;
    assert!(page.contains("SCN-WEB"));

    // The report page and its Markdown.
    let (st, page) = text(&c, app.url("/resilience/BANK-A/report")).await;
    assert_eq!(st, 200);
    assert!(page.contains("必要な対応") && page.contains("東京DCの喪失"), "{page}");
    let r = c.get(app.url("/resilience/BANK-A/report.md?lang=en")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/markdown"));
    assert!(r.text().await.unwrap().contains("Remediation"));

    // Scope and role: another institution is not found; a read-only role cannot change anything.
    let (st, _) = text(&c, app.url("/resilience/BANK-B")).await;
    assert_eq!(st, 404);
    let (e, ecsrf) = sign_in(&app.base, "exec").await;
    let (st, _) = text(&e, app.url("/resilience/BANK-A/scenarios/SCN-WEB/results")).await;
    assert_eq!(st, 200);
    let r = e
        .post(app.url("/resilience/BANK-A/scenarios/SCN-WEB/run"))
        .form(&[("_csrf", ecsrf.as_str()), ("version", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(app.register.resilience_run(&cli(), &a, "SCN-WEB").await.unwrap().unwrap().version, 1);
});

mod chromium {
    //! The flowchart and a results page in a real headless Chromium, with screenshots.

    use super::*;
    use crate::chromium::{client, shot, sign_in, start_driver, text};
    use fantoccini::Locator;
    use opres_store::testkit::TestDb;

    #[tokio::test]
    #[cfg_attr(
        not(browser_tests),
        ignore = "browser test skipped: set OPRES_TEST_CHROMEDRIVER to a chromedriver binary"
    )]
    async fn a_flowchart_and_a_results_page_render_in_chromium() {
        let db = TestDb::sqlite().await;
        let app = spawn_app(&db).await;
        bank(&app.register, "BANK-A").await;
        let a = InstitutionCode::parse("BANK-A").unwrap();
        app.register.load_resilience_demo(&cli(), &a).await.unwrap();
        add_user(&app.register, "sato", Role::Analyst, UserScope::All).await;
        let driver = start_driver().await;
        let c = client(&driver).await;
        sign_in(&c, &app, "sato").await;

        // From the list to the institution, then to a service's flowchart.
        c.goto(&app.url("/resilience")).await.unwrap();
        c.find(Locator::Css("a[href='/resilience/BANK-A']")).await.unwrap().click().await.unwrap();
        let services = text(&c, "#services").await;
        assert!(services.contains("SVC-FT"), "{services}");
        shot(&c, "resilience-overview").await;
        c.find(Locator::Css("a[href='/resilience/BANK-A/services/SVC-FT']")).await.unwrap().click().await.unwrap();
        let chart = text(&c, "#flowchart").await;
        assert!(!chart.trim().is_empty(), "the flowchart has labels");
        let svg = c.find(Locator::Css("#flowchart svg")).await.unwrap();
        let (_, _, w, h) = svg.rectangle().await.unwrap();
        assert!(w > 300.0 && h > 100.0, "the flowchart is drawn ({w}×{h})");
        shot(&c, "resilience-flowchart").await;

        // Run a scenario from its page and read the results.
        c.goto(&app.url("/resilience/BANK-A/scenarios/SCN-DC-TOKYO")).await.unwrap();
        c.find(Locator::Css("#run")).await.unwrap().click().await.unwrap();
        let results = text(&c, "#results").await;
        assert!(results.contains("P(超過)") && results.contains("95%"), "{results}");
        c.find(Locator::Css("#gantt svg")).await.unwrap();
        shot(&c, "resilience-results").await;
        c.goto(&app.url("/resilience/BANK-A/spof")).await.unwrap();
        text(&c, "#spof-services").await;
        shot(&c, "resilience-spof").await;
        c.goto(&app.url("/resilience/BANK-A/report")).await.unwrap();
        text(&c, "#report").await;
        shot(&c, "resilience-report").await;
        c.close().await.unwrap();
        let run = app.register.resilience_run(&cli(), &a, "SCN-DC-TOKYO").await.unwrap().unwrap();
        assert_eq!(run.version, 2, "the browser's run was saved");
    }
}
