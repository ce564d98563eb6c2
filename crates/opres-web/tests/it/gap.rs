//! Gap assessment over HTTP: the pages (start, record an entry, refusals with every problem, a
//! stale form, the workflow up to an executive's approval) and the REST API, on both engines.

use crate::analysis::signed_in;
use crate::matrix::{Body, Case, case};
use crate::support::{add_user, api_client, spawn_app};
use opres_app::{Actor, Permission, Register};
use opres_domain::Lang;
use opres_store::{AuditContext, Role, UserScope, engine_tests};
use reqwest::StatusCode;
use serde_json::json;

/// The framework every test assesses against (built in).
const FRAMEWORK: &str = "fsa_report_challenges";
/// An assessable requirement of it.
const REQ: &str = "cyber.malware.patch";

fn key_of(inst: &str) -> String {
    format!("{inst}-GA-1")
}

/// The authorisation matrix's expectations for the gap routes.
pub(crate) fn matrix(method: &str, path: &str, inst: &str) -> Option<Case> {
    use Permission as P;
    let key = key_of(inst);
    let page = |suffix: &str| Some(format!("/gap/assessments/{key}{suffix}"));
    let api = |suffix: &str| Some(format!("/api/v1/gap/assessments/{key}{suffix}"));
    // Changes carry a version nobody has: an allowed, in-scope caller gets 412 and nothing changes.
    let stale = |extra: Vec<(&'static str, String)>| {
        let mut pairs = vec![("version", "999".to_string())];
        pairs.extend(extra);
        Some(Body::Form(pairs))
    };
    Some(match (method, path) {
        ("GET", "/gap") => case(None, false, 200),
        ("GET", "/gap/frameworks/{id}") => {
            Case { path: Some(format!("/gap/frameworks/{FRAMEWORK}")), ..case(None, false, 200) }
        }
        // Not a multipart upload: refused as "choose a file" before anything is read.
        ("POST", "/gap/frameworks") => Case { body: Some(Body::Form(vec![])), ..case(Some(P::EditGap), false, 422) },
        ("POST", "/gap/assessments") => Case {
            body: Some(Body::Form(vec![("institution", inst.to_string()), ("framework", String::new())])),
            ..case(Some(P::EditGap), false, 422)
        },
        ("GET", "/gap/assessments/{key}") => Case { path: page(""), ..case(None, true, 200) },
        ("GET", "/gap/assessments/{key}/requirements/{req}") => {
            Case { path: page(&format!("/requirements/{REQ}")), ..case(None, true, 200) }
        }
        ("POST", "/gap/assessments/{key}/requirements/{req}") => Case {
            path: page(&format!("/requirements/{REQ}")),
            body: stale(vec![("result", "met".into()), ("current", "3".into()), ("target", "3".into())]),
            ..case(Some(P::EditGap), true, 412)
        },
        ("GET", "/gap/assessments/{key}/report/{kind}/{format}") => {
            Case { path: page("/report/management/md"), ..case(None, true, 200) }
        }
        ("GET", "/gap/assessments/{key}/oscal") => Case { path: page("/oscal"), ..case(None, true, 200) },
        // Anonymised over the caller's institutions: readable by every role.
        ("GET", "/gap/frameworks/{id}/distribution/{format}") => {
            Case { path: Some(format!("/gap/frameworks/{FRAMEWORK}/distribution/xlsx")), ..case(None, false, 200) }
        }
        ("GET", "/api/v1/gap/assessments/{key}/reports/{kind}") => {
            Case { path: api("/reports/applicability"), ..case(None, true, 200) }
        }
        ("GET", "/api/v1/gap/assessments/{key}/oscal") => Case { path: api("/oscal"), ..case(None, true, 200) },
        ("GET", "/api/v1/gap/frameworks/{id}/distribution") => {
            Case { path: Some(format!("/api/v1/gap/frameworks/{FRAMEWORK}/distribution")), ..case(None, false, 200) }
        }
        ("POST", "/gap/assessments/{key}/transition") => Case {
            path: page("/transition"),
            body: stale(vec![("transition", "submit".into())]),
            ..case(Some(P::EditGap), true, 412)
        },
        ("GET", "/api/v1/gap/frameworks") | ("GET", "/api/v1/gap/assessments") | ("GET", "/api/v1/gap/mappings") => {
            case(None, false, 200)
        }
        ("GET", "/api/v1/gap/mappings/{source}/{target}") => Case {
            path: Some("/api/v1/gap/mappings/fsa_report_challenges/fsa_cyber_guideline_2024".into()),
            ..case(None, false, 200)
        },
        ("POST", "/api/v1/gap/mappings") => {
            Case { body: Some(Body::Json(json!({}))), ..case(Some(P::EditGap), false, 422) }
        }
        ("POST", "/api/v1/gap/imports") => {
            Case { body: Some(Body::Json(json!({}))), ..case(Some(P::EditGap), false, 422) }
        }
        ("POST", "/gap/imports") => Case { body: Some(Body::Form(vec![])), ..case(Some(P::EditGap), false, 422) },
        ("POST", "/gap/mappings") => Case { body: Some(Body::Form(vec![])), ..case(Some(P::EditGap), false, 422) },
        ("GET", "/api/v1/gap/assessments/{key}/mapped") => Case { path: api("/mapped"), ..case(None, true, 200) },
        ("POST", "/api/v1/gap/assessments/{key}/prefill") => {
            Case { path: api("/prefill"), if_match: true, ..case(Some(P::EditGap), true, 412) }
        }
        ("POST", "/gap/assessments/{key}/prefill") => {
            Case { path: page("/prefill"), body: stale(vec![]), ..case(Some(P::EditGap), true, 412) }
        }
        ("GET", "/api/v1/gap/frameworks/{id}") => {
            Case { path: Some(format!("/api/v1/gap/frameworks/{FRAMEWORK}")), ..case(None, false, 200) }
        }
        ("POST", "/api/v1/gap/frameworks") => {
            Case { body: Some(Body::Json(json!({}))), ..case(Some(P::EditGap), false, 422) }
        }
        ("POST", "/api/v1/gap/assessments") => Case {
            body: Some(Body::Json(json!({"institution": inst, "framework": ""}))),
            ..case(Some(P::EditGap), false, 422)
        },
        ("GET", "/api/v1/gap/assessments/{key}") => Case { path: api(""), ..case(None, true, 200) },
        ("PUT", "/api/v1/gap/assessments/{key}/entries/{requirement}") => Case {
            path: api(&format!("/entries/{REQ}")),
            body: Some(Body::Json(json!({"result": "met", "current": 3, "target": 3}))),
            if_match: true,
            ..case(Some(P::EditGap), true, 412)
        },
        ("POST", "/api/v1/gap/assessments/{key}/transitions") => Case {
            path: api("/transitions"),
            body: Some(Body::Json(json!({"transition": "submit"}))),
            if_match: true,
            ..case(Some(P::EditGap), true, 412)
        },
        // The roadmap is the institution's own: an empty draft reads before the first action.
        ("GET", "/gap/roadmaps/{institution}") => {
            Case { path: Some(format!("/gap/roadmaps/{inst}")), ..case(None, true, 200) }
        }
        ("POST", "/gap/roadmaps/{institution}/actions") => Case {
            path: Some(format!("/gap/roadmaps/{inst}/actions")),
            body: stale(vec![("id", "A-1".into())]),
            ..case(Some(P::EditGap), true, 412)
        },
        ("POST", "/gap/roadmaps/{institution}/milestones") => Case {
            path: Some(format!("/gap/roadmaps/{inst}/milestones")),
            body: stale(vec![("milestones", "2027-03-31 取締役会".into())]),
            ..case(Some(P::EditGap), true, 412)
        },
        ("POST", "/gap/roadmaps/{institution}/transition") => Case {
            path: Some(format!("/gap/roadmaps/{inst}/transition")),
            body: stale(vec![("transition", "submit".into())]),
            ..case(Some(P::EditGap), true, 412)
        },
        ("GET", "/api/v1/gap/roadmaps") => case(None, false, 200),
        ("GET", "/api/v1/gap/roadmaps/{institution}") => {
            Case { path: Some(format!("/api/v1/gap/roadmaps/{inst}")), ..case(None, true, 200) }
        }
        ("PUT", "/api/v1/gap/roadmaps/{institution}/actions/{id}") => Case {
            path: Some(format!("/api/v1/gap/roadmaps/{inst}/actions/A-1")),
            body: Some(Body::Json(json!({"owner": "x"}))),
            if_match: true,
            ..case(Some(P::EditGap), true, 412)
        },
        ("DELETE", "/api/v1/gap/roadmaps/{institution}/actions/{id}") => Case {
            path: Some(format!("/api/v1/gap/roadmaps/{inst}/actions/A-1")),
            if_match: true,
            ..case(Some(P::EditGap), true, 412)
        },
        ("PUT", "/api/v1/gap/roadmaps/{institution}/milestones") => Case {
            path: Some(format!("/api/v1/gap/roadmaps/{inst}/milestones")),
            body: Some(Body::Json(json!({"milestones": []}))),
            if_match: true,
            ..case(Some(P::EditGap), true, 412)
        },
        ("POST", "/api/v1/gap/roadmaps/{institution}/transitions") => Case {
            path: Some(format!("/api/v1/gap/roadmaps/{inst}/transitions")),
            body: Some(Body::Json(json!({"transition": "submit"}))),
            if_match: true,
            ..case(Some(P::EditGap), true, 412)
        },
        _ => return None,
    })
}

/// One assessment per matrix institution (`<inst>-GA-1`).
pub(crate) async fn matrix_fixture(register: &Register) {
    let admin = Actor::cli(Lang::En);
    for inst in ["BANK-IN", "BANK-OUT"] {
        let code = opres_domain::InstitutionCode::parse(inst).unwrap();
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let started = register.start_gap_assessment(&admin, &code, FRAMEWORK, day).await.unwrap();
        assert_eq!(started.key, key_of(inst));
    }
    let (name, text) = opres_gap::mapping::EXAMPLE_CHALLENGES_TO_GUIDELINE;
    register.import_gap_mapping(&admin, opres_app::gap::FrameworkFile { name, bytes: text.as_bytes() }).await.unwrap();
}

async fn bank(register: &Register, code: &str) {
    let record: opres_domain::InstitutionRecord = serde_json::from_value(
        json!({"code": code, "name_ja": "みなと銀行", "name_en": "Minato Bank", "institution_type": "regional_bank"}),
    )
    .unwrap();
    register.store().create_institution(&record.validate().unwrap(), &AuditContext::new("test")).await.unwrap();
}

/// A malware incident of last month at `code`, on a critical system.
async fn malware_incident(register: &Register, code: &str) {
    let ctx = AuditContext::new("test");
    let system: opres_domain::SystemRecord = serde_json::from_value(
        json!({"institution": code, "code": "NET", "name": "Internet banking", "criticality": "critical"}),
    )
    .unwrap();
    register.store().create_system(&system.validate().unwrap(), &ctx).await.unwrap();
    let at = (chrono::Utc::now() - chrono::Duration::days(30)).to_rfc3339();
    let incident: opres_domain::IncidentRecord = serde_json::from_value(json!({
        "reference": format!("RB-{code}-MAL-1"), "institution": code, "title_ja": "マルウェア感染",
        "occurred_at": at, "detected_at": at, "affected_systems": ["NET"],
        "trend": "cyber.malware", "cyber_attack": true
    }))
    .unwrap();
    register.store().create_incident(&incident.validate().unwrap(), &ctx).await.unwrap();
}

fn version_in(html: &str) -> String {
    let at = html.find("name=\"version\" value=\"").expect("a version field") + 22;
    html[at..].split('"').next().unwrap().to_string()
}

engine_tests!(an_assessment_is_started_recorded_and_approved_in_the_browser, |db| {
    let app = spawn_app(db).await;
    bank(&app.register, "MINATO").await;
    let scope = UserScope::Institutions(vec![opres_domain::InstitutionCode::parse("MINATO").unwrap()]);
    add_user(&app.register, "ana", Role::Analyst, scope.clone()).await;
    add_user(&app.register, "exe", Role::Executive, scope).await;
    malware_incident(&app.register, "MINATO").await;
    let (web, csrf) = signed_in(&app, "ana").await;

    // The start form preselects nothing: submitted untouched, both choices are named.
    let page = web.get(app.url("/gap")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("id=\"start-institution\" required><option value=\"\">"), "placeholder first");
    assert!(!page.contains("selected"), "nothing preselected");
    let r = web.post(app.url("/gap/assessments")).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("金融機関:") && html.contains("フレームワーク:"), "both fields named: {html}");

    let r = web
        .post(app.url("/gap/assessments"))
        .form(&[("_csrf", csrf.as_str()), ("institution", "MINATO"), ("framework", FRAMEWORK)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/gap/assessments/MINATO-GA-1");

    // An entry with every problem at once: no result, maturity off the scale, target not a number.
    let form_path = format!("/gap/assessments/MINATO-GA-1/requirements/{REQ}");
    let form = web.get(app.url(&form_path)).send().await.unwrap().text().await.unwrap();
    let version = version_in(&form);
    assert!(form.contains("<option value=\"\">— 選択してください —</option><option value=\"met\">"), "{form}");
    let bad = [
        ("_csrf", csrf.as_str()),
        ("version", version.as_str()),
        ("result", ""),
        ("current", "9"),
        ("target", "three"),
    ];
    let r = web.post(app.url(&form_path)).form(&bad).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    for label in ["結果:", "現状の成熟度:", "目標の成熟度:"] {
        assert!(html.contains(label), "{label} is named: {html}");
    }
    assert!(html.contains("value=\"three\""), "what the user typed is kept");

    // The register's malware incident of last month is in front of the assessor as a proposal,
    // not preselected; choosing another result without a reason is refused.
    assert!(form.contains("id=\"proposal\" data-proposed=\"partly_met\""), "{form}");
    assert!(form.contains("RB-MINATO-MAL-1"), "the record used is named");
    assert!(!form.contains(" selected>"), "nothing preselected");
    let derived_on = opres_app::today().to_string();
    let overriding = [
        ("_csrf", csrf.as_str()),
        ("version", version.as_str()),
        ("proposed", "partly_met"),
        ("derived_on", derived_on.as_str()),
        ("result", "met"),
        ("current", "3"),
        ("target", "3"),
    ];
    let r = web.post(app.url(&form_path)).form(&overriding).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("提案と異なる結果にする理由:"), "the override needs its reason");

    let good = [
        ("_csrf", csrf.as_str()),
        ("version", version.as_str()),
        ("proposed", "partly_met"),
        ("derived_on", derived_on.as_str()),
        ("result", "partly_met"),
        ("current", "2"),
        ("target", "4"),
        ("rationale", "パッチ適用の確認が四半期ごとに留まる"),
        ("evidence", "patch-report-2026Q3.xlsx\nRB-MINATO-2026-0012"),
        ("owner", "システムリスク管理部"),
    ];
    let r = web.post(app.url(&form_path)).form(&good).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    // The same page sent again is stale now: refused, the input kept, nothing overwritten.
    let r = web.post(app.url(&form_path)).form(&good).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
    assert!(r.text().await.unwrap().contains("id=\"conflict\""));

    let page = web.get(app.url("/gap/assessments/MINATO-GA-1")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("data-result=\"partly_met\""), "the entry shows");
    assert!(page.contains("id=\"gap-total\">2 "), "gap = 4 − 2");
    assert!(page.contains("<svg"), "the gaps-by-area chart");
    assert!(page.contains("id=\"move-submit\""));
    assert!(!page.contains("id=\"move-approve\""), "an analyst cannot approve");
    let r = web
        .post(app.url("/gap/assessments/MINATO-GA-1/transition"))
        .form(&[("_csrf", csrf.as_str()), ("version", &version_in(&page)), ("transition", "submit")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // The executive approves; the entry form is read-only from then on.
    let (exe, exe_csrf) = signed_in(&app, "exe").await;
    let page = exe.get(app.url("/gap/assessments/MINATO-GA-1")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("id=\"move-approve\""));
    let r = exe
        .post(app.url("/gap/assessments/MINATO-GA-1/transition"))
        .form(&[
            ("_csrf", exe_csrf.as_str()),
            ("version", &version_in(&page)),
            ("transition", "approve"),
            ("comment", "ロードマップとあわせて承認"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = web.get(app.url(&form_path)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("id=\"entry-values\"") && !page.contains("id=\"entry-form\""), "values, not a form");

    // The API reads the same assessment.
    let v: serde_json::Value =
        app.http.get(app.url("/api/v1/gap/assessments/MINATO-GA-1")).send().await.unwrap().json().await.unwrap();
    assert_eq!(v["status"], "approved");
    assert_eq!(v["gaps"][0]["requirement"], REQ);
    assert_eq!(v["history"].as_array().unwrap().len(), 3, "draft, in review, approved");
    let entry = &v["entries"].as_array().unwrap()[0]["entry"];
    assert_eq!(entry["basis"]["basis"], "accepted_proposal", "the same result as proposed is an acceptance");
});

engine_tests!(the_api_records_an_entry_under_if_match_and_scopes_by_institution, |db| {
    let app = spawn_app(db).await;
    bank(&app.register, "MINATO").await;
    bank(&app.register, "KITA").await;
    let scope = |c: &str| UserScope::Institutions(vec![opres_domain::InstitutionCode::parse(c).unwrap()]);
    let minato = api_client(&app, "m-ana", Role::Analyst, scope("MINATO")).await;
    let kita = api_client(&app, "k-ana", Role::Analyst, scope("KITA")).await;

    let list: serde_json::Value =
        minato.get(app.url("/api/v1/gap/frameworks")).send().await.unwrap().json().await.unwrap();
    assert!(list["items"].as_array().unwrap().iter().any(|f| f["id"] == FRAMEWORK && f["built_in"] == true));

    let r = minato
        .post(app.url("/api/v1/gap/assessments"))
        .json(&json!({"institution": "MINATO", "framework": FRAMEWORK}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    let path = format!("/api/v1/gap/assessments/MINATO-GA-1/entries/{REQ}");
    let entry = json!({"result": "not_applicable", "current": 0, "target": 0});
    let r = minato.put(app.url(&path)).json(&entry).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_REQUIRED, "If-Match is required");
    let r = minato.put(app.url(&path)).header("if-match", &etag).json(&entry).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: serde_json::Value = r.json().await.unwrap();
    assert!(problem.to_string().contains("not_applicable_reason"), "{problem}");
    let entry = json!({"result": "met", "current": 3, "target": 3, "evidence": ["patch-report.xlsx"]});
    let r = minato.put(app.url(&path)).header("if-match", &etag).json(&entry).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_ne!(r.headers()["etag"].to_str().unwrap(), etag, "a new version");
    let r = minato.put(app.url(&path)).header("if-match", &etag).json(&entry).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED, "the old version is stale");

    // Its reports: the document as JSON in the request's language, or a file to download.
    let base = "/api/v1/gap/assessments/MINATO-GA-1";
    let doc: serde_json::Value = minato
        .get(app.url(&format!("{base}/reports/applicability")))
        .header("accept-language", "ja")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["title"].as_str().unwrap().starts_with("適用宣言書"), "{doc}");
    let r = minato.get(app.url(&format!("{base}/reports/management?format=xlsx"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains("MINATO-GA-1-management-"));
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    let r = minato.get(app.url(&format!("{base}/reports/management?lang=en&format=md"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "?lang= sits beside ?format=");
    assert!(r.text().await.unwrap().starts_with("# Gap assessment report for management"));
    let r = minato.get(app.url(&format!("{base}/reports/management?format=pdf"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "unknown formats are named");
    assert!(r.text().await.unwrap().contains("pdf"));
    let r = minato.get(app.url(&format!("{base}/reports/summary"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let oscal: serde_json::Value =
        minato.get(app.url(&format!("{base}/oscal"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(oscal["assessment-results"]["results"][0]["findings"][0]["target"]["status"]["state"], "satisfied");
    let dist: serde_json::Value = minato
        .get(app.url(&format!("/api/v1/gap/frameworks/{FRAMEWORK}/distribution")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // One institution the caller sees: too few to show any count.
    let blocks = &dist["sections"][0]["blocks"];
    assert_eq!(blocks[1]["kind"], "callout", "{dist}");
    let first_row = &blocks[2]["rows"][0];
    assert_eq!((first_row[1]["text"].as_str(), first_row[3]["text"].as_str()), (Some("1"), Some("-")), "{dist}");

    // Another institution's analyst neither lists nor reads it.
    let theirs: serde_json::Value =
        kita.get(app.url("/api/v1/gap/assessments")).send().await.unwrap().json().await.unwrap();
    assert_eq!(theirs["total"], 0);
    let r = kita.get(app.url("/api/v1/gap/assessments/MINATO-GA-1")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    for suffix in ["/reports/management", "/oscal"] {
        let r = kita.get(app.url(&format!("/api/v1/gap/assessments/MINATO-GA-1{suffix}"))).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{suffix}");
    }

    // A broken OSCAL catalog: every problem located, nothing saved.
    let broken = br#"{"catalog": {"uuid": "x", "metadata": {"title": "T"}, "groups": [{"id": "g", "controls": [{"id": "", "title": ""}, {"id": "g-2"}]}]}}"#;
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(broken.to_vec()).file_name("broken-catalog.json"));
    let r = minato.post(app.url("/api/v1/gap/frameworks")).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem = r.text().await.unwrap();
    assert!(problem.contains("broken-catalog.json") && problem.contains("/catalog/groups/0/controls/1"), "{problem}");
    let list: serde_json::Value =
        minato.get(app.url("/api/v1/gap/frameworks")).send().await.unwrap().json().await.unwrap();
    assert!(list["items"].as_array().unwrap().iter().all(|f| f["built_in"] == true), "nothing saved");
});

engine_tests!(the_api_imports_a_mapping_pre_fills_from_it_and_sets_milestones, |db| {
    let app = spawn_app(db).await;
    bank(&app.register, "MINATO").await;
    let scope = UserScope::Institutions(vec![opres_domain::InstitutionCode::parse("MINATO").unwrap()]);
    let minato = api_client(&app, "m-ana", Role::Analyst, scope).await;
    let start = |framework: &'static str| {
        minato.post(app.url("/api/v1/gap/assessments")).json(&json!({"institution": "MINATO", "framework": framework}))
    };

    // The challenges assessed: patches met.
    let r = start(FRAMEWORK).send().await.unwrap();
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    let entry = json!({"result": "met", "current": 4, "target": 4});
    let path = format!("/api/v1/gap/assessments/MINATO-GA-1/entries/{REQ}");
    let r = minato.put(app.url(&path)).header("if-match", &etag).json(&entry).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // A broken mapping is refused with its location; the example imports.
    let upload = |name: &str, bytes: Vec<u8>| {
        reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()))
    };
    let broken = br#"{"source_framework": "fsa_report_challenges", "target_framework": "fsa_cyber_guideline_2024", "links": [{"source": "cyber.malware.patch", "target": "detection.logs", "relation": "same", "strength": 3}]}"#;
    let r =
        minato.post(app.url("/api/v1/gap/mappings")).multipart(upload("m.json", broken.to_vec())).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem = r.text().await.unwrap();
    assert!(problem.contains("/links/0 relation") && problem.contains("same"), "{problem}");
    let (name, text) = opres_gap::mapping::EXAMPLE_CHALLENGES_TO_GUIDELINE;
    let r = minato.post(app.url("/api/v1/gap/mappings")).multipart(upload(name, text.into())).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let list: serde_json::Value =
        minato.get(app.url("/api/v1/gap/mappings")).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["items"][0]["related_links"], 13, "{list}");

    // The guideline: two requirements proposed from the patch entry, then pre-filled.
    let r = start("fsa_cyber_guideline_2024").send().await.unwrap();
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    let base = "/api/v1/gap/assessments/MINATO-GA-2";
    let mapped: serde_json::Value =
        minato.get(app.url(&format!("{base}/mapped"))).send().await.unwrap().json().await.unwrap();
    let targets: Vec<&str> =
        mapped["items"].as_array().unwrap().iter().filter_map(|m| m["prefill"]["target"].as_str()).collect();
    assert_eq!(targets, ["identification.vulnerabilities.collect", "identification.vulnerabilities.patch"], "{mapped}");
    assert_eq!(mapped["items"][1]["prefill"]["sources"][0]["relation"], "equal");
    // The pages show the mapping and, on the draft, what pre-filling would fill.
    let (web, _) = signed_in(&app, "m-ana").await;
    let index = web.get(app.url("/gap")).send().await.unwrap().text().await.unwrap();
    assert!(index.contains("id=\"mapping-table\"") && index.contains("13 / 14"), "the mapping is listed");
    let page = web.get(app.url("/gap/assessments/MINATO-GA-2")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("id=\"m-identification.vulnerabilities.patch\"") && page.contains("MINATO-GA-1"), "{page}");
    assert!(page.contains("id=\"prefill\"") && page.contains("(2)"), "two requirements to pre-fill");
    let r = minato.post(app.url(&format!("{base}/prefill"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_REQUIRED);
    let r = minato.post(app.url(&format!("{base}/prefill"))).header("if-match", &etag).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let done: serde_json::Value = r.json().await.unwrap();
    assert_eq!(done["filled"], 2, "{done}");
    let page = web.get(app.url("/gap/assessments/MINATO-GA-2")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("← MINATO-GA-1") && !page.contains("id=\"prefill\""), "pre-filled rows name their source");

    // Milestones: every bad one at once, then saved by date.
    let roadmap = "/api/v1/gap/roadmaps/MINATO/milestones";
    let bad = json!({"milestones": [{"on": "2027-13-01", "title_ja": "取締役会"}, {"on": "2027-03-31"}]});
    let r = minato.put(app.url(roadmap)).json(&bad).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem = r.text().await.unwrap();
    assert!(problem.contains("milestones[0].on") && problem.contains("milestones[1].title"), "{problem}");
    let good =
        json!({"milestones": [{"on": "2027-06-30", "title_en": "FSA"}, {"on": "2027-03-31", "title_ja": "取締役会"}]});
    let r = minato.put(app.url(roadmap)).json(&good).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let shown: serde_json::Value = r.json().await.unwrap();
    assert_eq!(shown["milestones"][0]["on"], "2027-03-31", "{shown}");
    let r = minato.put(app.url(roadmap)).json(&good).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_REQUIRED, "once stored, If-Match is required");
});

mod chromium {
    //! The newcomer's walk in a real headless Chromium, in Japanese: pick the FSA guideline for a
    //! bank, read a result proposed from its incidents, override it with a reason, submit, and an
    //! executive approves. Screenshots go to `target/screenshots/gap-*.png`.

    use super::*;
    use crate::chromium::{client, shot, sign_in, start_driver, text, text_containing, text_once};
    use fantoccini::Locator;
    use opres_store::testkit::TestDb;

    #[tokio::test]
    #[cfg_attr(
        not(browser_tests),
        ignore = "browser test skipped: set OPRES_TEST_CHROMEDRIVER to a chromedriver binary"
    )]
    async fn a_newcomer_assesses_a_bank_against_the_fsa_guideline() {
        let db = TestDb::sqlite().await;
        let app = spawn_app(&db).await;
        bank(&app.register, "MINATO").await;
        malware_incident(&app.register, "MINATO").await;
        let code = opres_domain::InstitutionCode::parse("MINATO").unwrap();
        let demo = Actor::demo(Lang::Ja);
        assert!(app.register.load_resilience_demo(&demo, &code).await.unwrap());
        assert!(opres_app::tlpt::load_demo(&app.register, &demo, &code).await.unwrap());
        add_user(&app.register, "sato", Role::Analyst, UserScope::All).await;
        add_user(&app.register, "exe", Role::Executive, UserScope::All).await;
        let driver = start_driver().await;
        let c = client(&driver).await;
        sign_in(&c, &app, "sato").await;

        c.goto(&app.url("/gap")).await.unwrap();
        assert_eq!(text(&c, "h1").await, "ギャップ評価");
        shot(&c, "gap-index-ja").await;
        c.find(Locator::Id("start-institution")).await.unwrap().select_by_value("MINATO").await.unwrap();
        c.find(Locator::Id("start-framework"))
            .await
            .unwrap()
            .select_by_value("fsa_cyber_guideline_2024")
            .await
            .unwrap();
        c.find(Locator::Css("#start-form button[type=submit]")).await.unwrap().click().await.unwrap();
        let h1 = text(&c, "h1").await;
        assert!(h1.contains("サイバーセキュリティ"), "{h1}");
        let hint = text(&c, "#proposal-count").await;
        let proposed: usize = hint.split(' ').next().unwrap().parse().unwrap();
        assert!(proposed >= 10, "proposals from incidents, map and TLPT: {hint}");
        shot(&c, "gap-assessment-draft-ja").await;

        // The patch requirement: last month's malware incident makes it "partly met"; the assessor
        // judges it not met and says why.
        let req = "identification.vulnerabilities.patch";
        c.find(Locator::Css(&format!("a[href='/gap/assessments/MINATO-GA-1/requirements/{req}']")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let proposal = text(&c, "#proposal").await;
        assert!(proposal.contains("一部充足") && proposal.contains("RB-MINATO-MAL-1"), "{proposal}");
        c.find(Locator::Id("f-result")).await.unwrap().select_by_value("not_met").await.unwrap();
        c.find(Locator::Id("f-current")).await.unwrap().send_keys("1").await.unwrap();
        c.find(Locator::Id("f-target")).await.unwrap().send_keys("4").await.unwrap();
        c.find(Locator::Id("f-owner")).await.unwrap().send_keys("システムリスク管理部").await.unwrap();
        c.find(Locator::Id("save-entry")).await.unwrap().click().await.unwrap();
        // Refused: the override needs its reason; the choices are kept.
        let summary = text(&c, "#error-summary").await;
        assert!(summary.contains("提案と異なる結果にする理由"), "{summary}");
        shot(&c, "gap-entry-override-refused-ja").await;
        c.find(Locator::Id("f-override_reason"))
            .await
            .unwrap()
            .send_keys("インターネット公開サーバのパッチ適用が月次に留まり、感染経路となった")
            .await
            .unwrap();
        c.find(Locator::Id("save-entry")).await.unwrap().click().await.unwrap();
        let row = text_containing(&c, &format!("#r-{}", req.replace('.', "\\.")), "1 → 4").await;
        assert!(row.contains("未充足") && row.contains("1 → 4"), "{row}");
        let top = text(&c, "#top-gaps").await;
        assert!(top.contains("3"), "the gap of 3 is among the top gaps: {top}");
        shot(&c, "gap-assessment-with-gap-ja").await;

        // An action for the top gap, from the gap itself: the requirement it closes is filled in.
        c.find(Locator::Css("#top-gaps a.create-action")).await.unwrap().click().await.unwrap();
        let closes = c.find(Locator::Id("a-closes")).await.unwrap().prop("value").await.unwrap().unwrap_or_default();
        assert!(closes.starts_with("fsa_cyber_guideline_2024:"), "{closes}");
        assert_eq!(c.find(Locator::Id("a-id")).await.unwrap().prop("value").await.unwrap().as_deref(), Some("A-1"));
        c.find(Locator::Id("a-owner")).await.unwrap().send_keys("システム企画部").await.unwrap();
        let start = opres_app::today();
        let due = start + chrono::Duration::days(90);
        c.execute(
            &format!(
                "document.getElementById('a-start').value='{start}';document.getElementById('a-due').value='{due}';"
            ),
            vec![],
        )
        .await
        .unwrap();
        c.find(Locator::Id("a-effort_days")).await.unwrap().send_keys("20").await.unwrap();
        c.find(Locator::Id("a-cost_yen")).await.unwrap().send_keys("3000000").await.unwrap();
        c.find(Locator::Id("save-action")).await.unwrap().click().await.unwrap();
        let table = text_containing(&c, "#rm-table", "A-1").await;
        assert!(table.contains("A-1") && table.contains("システム企画部") && table.contains("¥3,000,000"), "{table}");
        c.find(Locator::Css("#gantt svg")).await.unwrap();
        // A milestone for the board, one per line.
        let board = format!("{} 取締役会への報告 | Board report", start + chrono::Duration::days(45));
        c.find(Locator::Id("ms-lines")).await.unwrap().send_keys(&board).await.unwrap();
        c.find(Locator::Id("save-milestones")).await.unwrap().click().await.unwrap();
        let milestones = text_containing(&c, "#ms-table", "取締役会への報告").await;
        assert!(milestones.contains("取締役会への報告"), "{milestones}");
        c.find(Locator::Id("rm-submit")).await.unwrap().click().await.unwrap();
        assert_eq!(text_once(&c, "#rm-status", "承認申請中").await, "承認申請中");
        shot(&c, "gap-roadmap-submitted-ja").await;

        c.goto(&app.url("/gap/assessments/MINATO-GA-1")).await.unwrap();
        c.find(Locator::Id("move-submit")).await.unwrap().click().await.unwrap();
        assert_eq!(text_once(&c, "#status", "レビュー中").await, "レビュー中");
        shot(&c, "gap-assessment-in-review-ja").await;

        // The executive approves with a comment.
        c.delete_all_cookies().await.unwrap();
        sign_in(&c, &app, "exe").await;
        c.goto(&app.url("/gap/assessments/MINATO-GA-1")).await.unwrap();
        c.find(Locator::Id("workflow-comment"))
            .await
            .unwrap()
            .send_keys("上位のギャップから対応すること")
            .await
            .unwrap();
        c.find(Locator::Id("move-approve")).await.unwrap().click().await.unwrap();
        assert_eq!(text_once(&c, "#status", "承認済み").await, "承認済み");
        let history = text_containing(&c, "#history", "上位のギャップから対応すること").await;
        assert!(history.contains("上位のギャップから対応すること"), "{history}");
        shot(&c, "gap-assessment-approved-ja").await;
        c.find(Locator::Id("roadmap-link")).await.unwrap().click().await.unwrap();
        c.find(Locator::Id("rm-comment"))
            .await
            .unwrap()
            .send_keys("予算を承認。四半期ごとに進捗を報告すること")
            .await
            .unwrap();
        c.find(Locator::Id("rm-approve")).await.unwrap().click().await.unwrap();
        assert_eq!(text_once(&c, "#rm-status", "承認済み").await, "承認済み");
        assert!(text(&c, "#rm-approval").await.contains("exe"));
        shot(&c, "gap-roadmap-approved-ja").await;

        let stored = app.register.gap_assessment(&Actor::cli(Lang::En), "MINATO-GA-1").await.unwrap();
        let entry = &stored.record.assessment.entries[req];
        assert!(matches!(
            entry.basis,
            opres_gap::Basis::OverriddenProposal { proposed: opres_gap::ResultCode::PartlyMet, .. }
        ));
        c.close().await.unwrap();
        db.finish().await;
    }
}
