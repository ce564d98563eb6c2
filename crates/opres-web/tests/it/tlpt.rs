//! The TLPT pages over HTTP, against both engines: the demo programme's assessment shows TLPT-BK-2
//! falling short, recurrences are shown with their counts, a rollout check answered "present" becomes a
//! new finding, a stale edit is refused, uploads are checked, scoping holds. Plus a headless-Chromium
//! look at the assessment page in Japanese.

use crate::matrix::{Body, Case, case};
use crate::support::{PASSWORD, TestApp, add_user, api_client, browser, spawn_app};
use opres_app::{Actor, Permission, Register};
use opres_domain::Lang;
use opres_store::testkit::TestDb;
use opres_store::{AuditContext, Role, UserScope, engine_tests};
use opres_tlpt::TlptProgramme;
use reqwest::StatusCode;
use serde_json::json;

const POOR: &str = opres_tlpt::demo::POOR_ENGAGEMENT;
const GOOD: &str = opres_tlpt::demo::GOOD_ENGAGEMENT;
const FIRST: &str = opres_tlpt::demo::FIRST_ENGAGEMENT;

/// The programme key the matrix stores for an institution.
fn key_of(inst: &str) -> String {
    format!("G-{inst}")
}

fn attack_file(name: &str) -> String {
    format!("{}/../../../shared/data/attack/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The authorisation matrix's expectation for this module's routes (`None`: not one of ours).
pub(crate) fn matrix(method: &str, path: &str, inst: &str) -> Option<Case> {
    use Permission as P;
    let key = key_of(inst);
    let at = |suffix: &str| Some(format!("/tlpt/{key}{suffix}"));
    // Edits are sent with a version nobody has: an allowed, in-scope caller gets 409 and nothing changes.
    let stale = |extra: Vec<(&'static str, String)>| {
        let mut pairs = vec![("version", "999".to_string())];
        pairs.extend(extra);
        Some(Body::Form(pairs))
    };
    let read = |suffix: &str| Case { path: at(suffix), ..case(None, true, 200) };
    let api = |suffix: &str| Some(format!("/api/v1/tlpt/programmes/{key}{suffix}"));
    let api_read = |suffix: &str| Case { path: api(suffix), ..case(None, true, 200) };
    let edit =
        |suffix: &str, extra| Case { path: at(suffix), body: stale(extra), ..case(Some(P::EditTlpt), true, 409) };
    Some(match (method, path) {
        ("GET", "/tlpt") => case(None, false, 200),
        // Not a multipart upload: refused as "choose a file" before anything is read.
        ("POST", "/tlpt/programmes") => Case {
            body: Some(Body::Form(vec![("institution", inst.to_string())])),
            ..case(Some(P::EditTlpt), false, 422)
        },
        ("POST", "/tlpt/attack") => Case { body: Some(Body::Form(vec![])), ..case(Some(P::EditTlpt), false, 422) },
        ("GET", "/tlpt/{prog}") => read(""),
        ("GET", "/tlpt/{prog}/export") => read("/export"),
        ("GET", "/tlpt/{prog}/{eng}") => read(&format!("/{POOR}")),
        ("GET", "/tlpt/{prog}/{eng}/metrics") => read(&format!("/{POOR}/metrics")),
        ("GET", "/tlpt/{prog}/{eng}/findings") => read(&format!("/{GOOD}/findings")),
        ("GET", "/tlpt/{prog}/{eng}/rollout") => read(&format!("/{FIRST}/rollout")),
        ("GET", "/tlpt/{prog}/{eng}/assessment") => read(&format!("/{POOR}/assessment")),
        ("GET", "/tlpt/{prog}/{eng}/report") => read(&format!("/{POOR}/report")),
        ("GET", "/tlpt/{prog}/{eng}/report/{format}") => read(&format!("/{POOR}/report/md")),
        ("GET", "/tlpt/{prog}/{eng}/layer/{kind}") => read(&format!("/{GOOD}/layer/actors.json")),
        ("POST", "/tlpt/{prog}/{eng}/blue-team") => edit(&format!("/{POOR}/blue-team"), vec![]),
        ("POST", "/tlpt/{prog}/{eng}/findings") => {
            edit(&format!("/{POOR}/findings"), vec![("id", "F-MATRIX".into()), ("severity", "high".into())])
        }
        ("POST", "/tlpt/{prog}/{eng}/recurrences") => edit(&format!("/{POOR}/recurrences"), vec![]),
        ("POST", "/tlpt/{prog}/{eng}/rollout") => {
            edit(&format!("/{FIRST}/rollout"), vec![("index", "0".into()), ("status", "checked_present".into())])
        }
        ("POST", "/tlpt/{prog}/{eng}/rollout/plan") => {
            edit(&format!("/{POOR}/rollout/plan"), vec![("finding", "F-NONE".into())])
        }
        // The REST API: the same use cases, so the same rights; changes carry a stale If-Match
        // (412 for an allowed, in-scope caller) or a body the engine refuses (422).
        ("GET", "/api/v1/tlpt/programmes") | ("GET", "/api/v1/attack-catalogues") => case(None, false, 200),
        ("POST", "/api/v1/tlpt/programmes") => Case {
            path: Some(format!("/api/v1/tlpt/programmes?institution={inst}")),
            body: Some(Body::Json(json!({}))),
            ..case(Some(P::EditTlpt), false, 422)
        },
        ("POST", "/api/v1/attack-catalogues") => {
            Case { body: Some(Body::Json(json!({}))), ..case(Some(P::EditTlpt), false, 422) }
        }
        ("GET", "/api/v1/tlpt/programmes/{key}") => api_read(""),
        ("PUT", "/api/v1/tlpt/programmes/{key}") => Case {
            path: api(""),
            body: Some(Body::Json(json!({}))),
            if_match: true,
            ..case(Some(P::EditTlpt), true, 422)
        },
        ("GET", "/api/v1/tlpt/programmes/{key}/engagements/{eng}/assessment") => {
            api_read(&format!("/engagements/{POOR}/assessment"))
        }
        ("GET", "/api/v1/tlpt/programmes/{key}/engagements/{eng}/metrics") => {
            api_read(&format!("/engagements/{POOR}/metrics"))
        }
        ("GET", "/api/v1/tlpt/programmes/{key}/engagements/{eng}/report") => {
            api_read(&format!("/engagements/{POOR}/report?format=md"))
        }
        ("GET", "/api/v1/tlpt/programmes/{key}/engagements/{eng}/layers/{kind}") => {
            api_read(&format!("/engagements/{GOOD}/layers/actors"))
        }
        ("POST", "/api/v1/tlpt/programmes/{key}/engagements/{eng}/findings") => Case {
            path: api(&format!("/engagements/{POOR}/findings")),
            body: Some(Body::Json(json!({"id": "F-MATRIX", "severity": "high"}))),
            if_match: true,
            ..case(Some(P::EditTlpt), true, 412)
        },
        ("POST", "/api/v1/tlpt/programmes/{key}/engagements/{eng}/recurrences") => Case {
            path: api(&format!("/engagements/{POOR}/recurrences")),
            if_match: true,
            ..case(Some(P::EditTlpt), true, 412)
        },
        _ => return None,
    })
}

/// The demo programme under another group code.
fn demo_as(key: &str) -> String {
    let mut p = opres_tlpt::demo::demo_programme(chrono::Utc::now());
    p.group.code = opres_domain::InstitutionCode::parse(key).unwrap();
    p.to_json()
}

/// Module data the matrix's requests refer to, for institutions BANK-IN and BANK-OUT.
pub(crate) async fn matrix_fixture(register: &Register) {
    let admin = Actor::cli(Lang::En);
    for inst in ["BANK-IN", "BANK-OUT"] {
        let code = opres_domain::InstitutionCode::parse(inst).unwrap();
        register.import_tlpt_programme(&admin, &demo_as(&key_of(inst)), &code, false, None).await.unwrap();
    }
    let bundle = std::fs::read_to_string(attack_file("enterprise-attack-subset.json")).unwrap();
    register.import_attack_catalogue(&admin, &bundle).await.unwrap();
}

/// A registered institution with the demo programme stored for it; returns the programme key.
async fn seed(app: &TestApp, inst: &str) -> String {
    let ctx = AuditContext::new("test");
    let record: opres_domain::InstitutionRecord = serde_json::from_value(
        json!({"code": inst, "name_ja": "みなと銀行", "name_en": "Minato Bank", "institution_type": "regional_bank"}),
    )
    .unwrap();
    app.register.store().create_institution(&record.validate().unwrap(), &ctx).await.unwrap();
    let code = opres_domain::InstitutionCode::parse(inst).unwrap();
    let demo = Actor::demo(Lang::En);
    assert!(opres_app::tlpt::load_demo(&app.register, &demo, &code).await.unwrap());
    assert!(!opres_app::tlpt::load_demo(&app.register, &demo, &code).await.unwrap(), "loaded once only");
    "MINATO-FG".into()
}

/// A signed-in browser-like client and its CSRF token.
async fn sign_in(app: &TestApp, user: &str) -> (reqwest::Client, String) {
    let client = browser();
    let page = client.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    let csrf = crate::security::csrf_of(&page);
    let r = client
        .post(app.url("/login"))
        .form(&[("_csrf", csrf.as_str()), ("username", user), ("password", PASSWORD), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = client.get(app.url("/account")).send().await.unwrap().text().await.unwrap();
    (client, crate::security::csrf_of(&page))
}

async fn get(c: &reqwest::Client, app: &TestApp, path: &str) -> (StatusCode, String) {
    let r = c.get(app.url(path)).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

async fn stored(app: &TestApp, key: &str) -> (TlptProgramme, i64) {
    let sp = app.register.require_tlpt_programme(&Actor::cli(Lang::En), key).await.unwrap();
    (sp.programme, sp.version)
}

engine_tests!(demo_programme_pages_in_both_languages, |db| {
    let app = spawn_app(db).await;
    let key = seed(&app, "BANK-A").await;
    add_user(&app.register, "ana", Role::Analyst, UserScope::All).await;
    let (c, _) = sign_in(&app, "ana").await;

    let (s, list) = get(&c, &app, "/tlpt").await;
    assert_eq!(s, StatusCode::OK);
    assert!(list.contains("/tlpt/MINATO-FG") && list.contains("BANK-A"), "{list}");
    assert!(list.contains("ATT&#38;CK データはまだ取り込まれていません"), "empty state for ATT&CK");

    let (s, prog) = get(&c, &app, &format!("/tlpt/{key}")).await;
    assert_eq!(s, StatusCode::OK);
    for id in [FIRST, POOR, GOOD, "MINATO-CARD/AUTH"] {
        assert!(prog.contains(id), "programme page names {id}");
    }

    // The engagement that falls short: its insufficient checks, in Japanese and English.
    let (s, ja) = get(&c, &app, &format!("/tlpt/{key}/{POOR}/assessment")).await;
    assert_eq!(s, StatusCode::OK);
    for check in [
        "intel.beyond_generic",
        "evaluation.blue_team_not_told",
        "evaluation.multiple_paths_detours",
        "reporting.recurring_not_omitted",
        "reporting.not_just_good_result",
        "other.budget_intel_blue_team",
    ] {
        let at = ja.find(&format!("id=\"{check}\"")).unwrap_or_else(|| panic!("{check} shown"));
        assert!(ja[at..].starts_with(&format!("id=\"{check}\" data-verdict=\"insufficient\"")), "{check} insufficient");
    }
    assert!(ja.contains("不十分") && ja.contains("根拠") && ja.contains("対応すべきこと"));
    let (_, en) = get(&c, &app, &format!("/tlpt/{key}/{POOR}/assessment?lang=en")).await;
    assert!(en.contains("Insufficient") && en.contains("Evidence") && en.contains("What to do"));
    // The good engagement has no blue-team shortfall.
    let (_, good) = get(&c, &app, &format!("/tlpt/{key}/{GOOD}/assessment")).await;
    assert!(good.contains("id=\"evaluation.blue_team_not_told\" data-verdict=\"good\""));

    // Every page of an engagement renders in both languages.
    for tab in ["", "/metrics", "/findings", "/rollout", "/report"] {
        for lang in ["ja", "en"] {
            let (s, body) = get(&c, &app, &format!("/tlpt/{key}/{GOOD}{tab}?lang={lang}")).await;
            assert_eq!(s, StatusCode::OK, "{tab} {lang}");
            assert!(!body.contains(">?<"), "a missing UI string on {tab} {lang}");
        }
    }
    let (_, metrics) = get(&c, &app, &format!("/tlpt/{key}/{GOOD}/metrics")).await;
    assert!(metrics.contains("<svg class=\"chart\"") && metrics.contains("戦術別の検知率"));
    let (_, engagement) = get(&c, &app, &format!("/tlpt/{key}/{POOR}")).await;
    assert!(engagement.contains("攻撃開始前に伝えられています"), "blue team told in advance is called out");

    // Recurrences are shown with their count and escalation, never hidden.
    let (_, findings) = get(&c, &app, &format!("/tlpt/{key}/{GOOD}/findings")).await;
    assert!(findings.contains("class=\"badge s-open recurrence\">再発 ×"), "recurrence count shown");
    assert!(findings.contains("経営陣へエスカレーション"));
    let (p, _) = stored(&app, &key).await;
    let recurring = p
        .findings_of(&p.engagement(&opres_tlpt::EngagementId::parse(GOOD).unwrap()).unwrap().id)
        .filter(|f| !f.recurrence_of.is_empty())
        .count();
    assert!(recurring > 0);
    assert_eq!(findings.matches("recurrence\">").count(), recurring, "every recurring finding has its badge");

    // Downloads: Markdown report, programme JSON that reads back, coverage layer.
    let r = c.get(app.url(&format!("/tlpt/{key}/{POOR}/report/md"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains("attachment"));
    let md = r.text().await.unwrap();
    assert!(md.starts_with("# ") && md.contains(POOR));
    let (_, json_text) = get(&c, &app, &format!("/tlpt/{key}/export")).await;
    assert_eq!(TlptProgramme::from_json(&json_text).unwrap(), p);
    let (s, layer) = get(&c, &app, &format!("/tlpt/{key}/{GOOD}/layer/coverage.json")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(serde_json::from_str::<serde_json::Value>(&layer).unwrap()["techniques"].is_array());
    // No ATT&CK data: no actor overlay to download.
    assert_eq!(get(&c, &app, &format!("/tlpt/{key}/{GOOD}/layer/actors.json")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&c, &app, &format!("/tlpt/{key}/NO-SUCH/assessment")).await.0, StatusCode::NOT_FOUND);
});

engine_tests!(rollout_present_becomes_a_finding_and_stale_edits_are_refused, |db| {
    let app = spawn_app(db).await;
    let key = seed(&app, "BANK-A").await;
    add_user(&app.register, "ana", Role::Analyst, UserScope::All).await;
    let (c, csrf) = sign_in(&app, "ana").await;
    let (p, version) = stored(&app, &key).await;
    let index = p
        .rollout
        .iter()
        .position(|r| r.status == opres_tlpt::codes::RolloutStatus::NotChecked)
        .expect("the demo has an unanswered rollout check");
    let original = p.rollout[index].finding.clone();
    let engagement = p.finding(&original).unwrap().engagement.to_string();
    let findings_before = p.findings.len();

    // A check answered "present" becomes a new finding of its own.
    let r = c
        .post(app.url(&format!("/tlpt/{key}/{engagement}/rollout")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("version", &version.to_string()),
            ("index", &index.to_string()),
            ("status", "checked_present"),
            ("checked_on", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (p2, v2) = stored(&app, &key).await;
    assert_eq!(v2, version + 1);
    assert_eq!(p2.findings.len(), findings_before + 1);
    let new_id = p2.rollout[index].new_finding.clone().expect("linked to the new finding");
    assert_eq!(new_id.as_str(), format!("{original}-R1"));
    let new = p2.finding(&new_id).unwrap();
    assert_eq!(new.origin, opres_tlpt::codes::FindingOrigin::Rollout);
    assert_eq!(new.rollout_of.as_ref(), Some(&original));
    let (_, page) = get(&c, &app, &format!("/tlpt/{key}/{engagement}/findings")).await;
    assert!(page.contains(&format!("id=\"f-{new_id}\"")), "the new finding is listed");
    assert!(page.contains("横展開の確認で検出"));

    // The same form again, based on the old version: refused, nothing changes.
    let r = c
        .post(app.url(&format!("/tlpt/{key}/{engagement}/findings")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("version", &version.to_string()),
            ("id", "F-STALE-1"),
            ("title_ja", "古い画面からの登録"),
            ("severity", "high"),
            ("root_cause", "configuration"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let body = r.text().await.unwrap();
    assert!(body.contains("他の利用者が先に更新しました") && body.contains("F-STALE-1"), "message, and the input kept");
    assert_eq!(stored(&app, &key).await, (p2.clone(), v2));

    // Bad input is named field by field, in the user's language.
    let r = c
        .post(app.url(&format!("/tlpt/{key}/{engagement}/findings?lang=en")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("version", &v2.to_string()),
            ("id", ""),
            ("severity", "severe"),
            ("root_cause", "configuration"),
            ("technique", "X1"),
            ("systems", "NOPE/SYS"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    for label in
        ["ID: is required", "Severity: &#39;severe&#39;", "ATT&#38;CK technique:", "Affected systems:", "Title:"]
    {
        assert!(body.contains(label), "{label} in {body}");
    }
    assert_eq!(stored(&app, &key).await.1, v2);

    // A new finding recurring an earlier one is linked on saving (and counted on the page).
    let earlier = p2.findings.iter().find(|f| f.engagement.as_str() == FIRST && f.technique.is_some()).unwrap().clone();
    let r = c
        .post(app.url(&format!("/tlpt/{key}/{GOOD}/findings")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("version", &v2.to_string()),
            ("id", "F-NEW-1"),
            ("title_ja", earlier.title.ja.as_deref().unwrap_or_default()),
            ("title_en", earlier.title.en.as_deref().unwrap_or_default()),
            ("description", earlier.description.get(opres_domain::Lang::Ja)),
            ("severity", earlier.severity.code()),
            ("root_cause", earlier.root_cause.code()),
            ("technique", earlier.technique.as_ref().unwrap().as_str()),
            ("owner", "システム部"),
            ("due", "2030-03-31"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (p3, _) = stored(&app, &key).await;
    let f = p3.finding(&opres_tlpt::FindingId::parse("F-NEW-1").unwrap()).unwrap();
    assert!(f.recurrence_of.iter().any(|l| l.finding == earlier.id), "linked to {}", earlier.id);
    assert_eq!(p3.findings.len(), p2.findings.len() + 1, "nothing merged away");
    let (_, page) = get(&c, &app, &format!("/tlpt/{key}/{GOOD}/findings")).await;
    let row = &page[page.find("id=\"f-F-NEW-1\"").unwrap()..];
    assert!(row[..row.find("</tr>").unwrap()].contains("再発 ×"));

    // Blue-team notice: recorded in JST from the form.
    let (_, v3) = stored(&app, &key).await;
    let r = c
        .post(app.url(&format!("/tlpt/{key}/{GOOD}/blue-team")))
        .form(&[("_csrf", csrf.as_str()), ("version", &v3.to_string()), ("at", "2020-01-01T09:00"), ("whom", "SOC長")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (p4, _) = stored(&app, &key).await;
    let told = p4.engagement(&opres_tlpt::EngagementId::parse(GOOD).unwrap()).unwrap().blue_team_told.clone().unwrap();
    assert_eq!(told.at.to_rfc3339(), "2020-01-01T00:00:00+00:00");
    let (_, a) = get(&c, &app, &format!("/tlpt/{key}/{GOOD}/assessment")).await;
    assert!(
        a.contains("id=\"evaluation.blue_team_not_told\" data-verdict=\"insufficient\""),
        "the check follows the data"
    );
});

fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "opres-test-boundary-7f3a";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/json\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

engine_tests!(uploads_are_checked_whole_and_scoping_holds, |db| {
    let app = spawn_app(db).await;
    let key = seed(&app, "BANK-A").await;
    seed_institution(&app, "BANK-B").await;
    add_user(&app.register, "ana", Role::Analyst, UserScope::All).await;
    let (c, csrf) = sign_in(&app, "ana").await;
    let post = |path: &str, ct: String, body: Vec<u8>| {
        c.post(app.url(&format!("{path}?_csrf={csrf}"))).header("content-type", ct).body(body).send()
    };

    // A programme with problems is refused whole, every problem by path; nothing is stored.
    let mut bad: serde_json::Value = serde_json::from_str(&demo_as("GRP-B")).unwrap();
    bad["engagements"][0]["steps"][0]["path"] = json!("P9");
    bad["findings"][0]["severity"] = json!("severe");
    let (ct, body) = multipart(&[("institution", "BANK-B")], Some(("bad.json", bad.to_string().as_bytes())));
    let r = post("/tlpt/programmes", ct, body).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("severe"), "{page}");
    assert!(app.register.tlpt_programme(&Actor::cli(Lang::En), "GRP-B").await.unwrap().is_none());
    bad["findings"][0]["severity"] = json!("high");
    let (ct, body) = multipart(&[("institution", "BANK-B")], Some(("bad.json", bad.to_string().as_bytes())));
    let page = post("/tlpt/programmes", ct, body).await.unwrap().text().await.unwrap();
    assert!(page.contains("P9"), "the problem's path is named: {page}");

    // A good one is stored for BANK-B; importing the same group again needs "replace".
    let (ct, body) = multipart(&[("institution", "BANK-B")], Some(("ok.json", demo_as("GRP-B").as_bytes())));
    let r = post("/tlpt/programmes", ct, body).await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/tlpt/GRP-B");
    let (ct, body) = multipart(&[("institution", "BANK-B")], Some(("ok.json", demo_as("GRP-B").as_bytes())));
    let page = post("/tlpt/programmes", ct, body).await.unwrap().text().await.unwrap();
    assert!(page.contains("既に登録されています"));
    let (ct, body) =
        multipart(&[("institution", "BANK-B"), ("replace", "on")], Some(("ok.json", demo_as("GRP-B").as_bytes())));
    assert_eq!(post("/tlpt/programmes", ct, body).await.unwrap().status(), StatusCode::SEE_OTHER);
    assert_eq!(app.register.require_tlpt_programme(&Actor::cli(Lang::En), "GRP-B").await.unwrap().version, 2);

    // ATT&CK: a broken bundle is refused with a message; the STIX 2.1 ICS bundle is stored.
    let (ct, body) = multipart(&[], Some(("x.json", b"{\"type\": \"bundle\", \"objects\": 3}")));
    assert_eq!(post("/tlpt/attack", ct, body).await.unwrap().status(), StatusCode::UNPROCESSABLE_ENTITY);
    let ics = std::fs::read(attack_file("ics-attack.json")).unwrap();
    let (ct, body) = multipart(&[], Some(("ics-attack.json", &ics)));
    assert_eq!(post("/tlpt/attack", ct, body).await.unwrap().status(), StatusCode::SEE_OTHER);
    let (_, list) = get(&c, &app, "/tlpt").await;
    assert!(list.contains("ics-attack"));

    // A user of BANK-B sees BANK-B's programme only; BANK-A's does not exist for them.
    add_user(
        &app.register,
        "bee",
        Role::Analyst,
        UserScope::Institutions(vec![opres_domain::InstitutionCode::parse("BANK-B").unwrap()]),
    )
    .await;
    let (b, _) = sign_in(&app, "bee").await;
    let (_, list) = get(&b, &app, "/tlpt").await;
    assert!(list.contains("/tlpt/GRP-B") && !list.contains(&format!("/tlpt/{key}")));
    assert_eq!(get(&b, &app, &format!("/tlpt/{key}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&b, &app, &format!("/tlpt/{key}/{POOR}/assessment")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&b, &app, "/tlpt/GRP-B").await.0, StatusCode::OK);
    // An executive reads but cannot record.
    add_user(&app.register, "exec", Role::Executive, UserScope::All).await;
    let (e, ecsrf) = sign_in(&app, "exec").await;
    let (_, page) = get(&e, &app, &format!("/tlpt/{key}/{POOR}/findings")).await;
    assert!(!page.contains("id=\"record\""), "no form for a reader");
    let r = e
        .post(app.url(&format!("/tlpt/{key}/{POOR}/findings")))
        .form(&[("_csrf", ecsrf.as_str()), ("version", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
});

async fn seed_institution(app: &TestApp, inst: &str) {
    let record: opres_domain::InstitutionRecord = serde_json::from_value(
        json!({"code": inst, "name_ja": "別の銀行", "name_en": "Other Bank", "institution_type": "regional_bank"}),
    )
    .unwrap();
    app.register.store().create_institution(&record.validate().unwrap(), &AuditContext::new("test")).await.unwrap();
}

mod chromium {
    //! The assessment page in a real headless Chromium, in Japanese (setup as in browser.rs).

    use super::*;
    use crate::chromium::{client, shot, sign_in, start_driver, text, text_containing};
    use fantoccini::Locator;

    #[tokio::test]
    #[cfg_attr(
        not(browser_tests),
        ignore = "browser test skipped: set OPRES_TEST_CHROMEDRIVER to a chromedriver binary"
    )]
    async fn the_assessment_page_in_japanese() {
        let db = TestDb::sqlite().await;
        let app = spawn_app(&db).await;
        let key = seed(&app, "BANK-A").await;
        add_user(&app.register, "sato", Role::Analyst, UserScope::All).await;
        let driver = start_driver().await;
        let c = client(&driver).await;
        sign_in(&c, &app, "sato").await;

        c.goto(&app.url("/tlpt")).await.unwrap();
        assert!(text(&c, "h1").await.starts_with("TLPT"));
        c.find(Locator::Css(&format!("a[href='/tlpt/{key}']"))).await.unwrap().click().await.unwrap();
        c.find(Locator::Css(&format!("a[href='/tlpt/{key}/{POOR}/assessment']"))).await.unwrap().click().await.unwrap();
        let h1 = text_containing(&c, "h1", POOR).await;
        assert!(h1.contains(POOR), "{h1}");
        let insufficient: usize = text(&c, "#insufficient-count").await.parse().unwrap();
        assert!(insufficient >= 6, "{insufficient} insufficient checks");
        let check = text(&c, "#evaluation\\.blue_team_not_told").await;
        assert!(check.contains("不十分") && check.contains("根拠"), "{check}");
        shot(&c, "tlpt-assessment-ja").await;
        // The other pages of the good engagement, for the reviewer.
        for (tab, name) in
            [("", "engagement"), ("/metrics", "metrics"), ("/findings", "findings"), ("/rollout", "rollout")]
        {
            c.goto(&app.url(&format!("/tlpt/{key}/{GOOD}{tab}"))).await.unwrap();
            assert!(text(&c, "h1").await.contains(GOOD));
            shot(&c, &format!("tlpt-{name}-ja")).await;
        }
        c.close().await.unwrap();
        db.finish().await;
    }
}

engine_tests!(the_rest_api_serves_the_tlpt_use_cases_within_scope, |db| {
    let app = spawn_app(db).await;
    let minato = seed(&app, "BANK-A").await;
    let record: opres_domain::InstitutionRecord = serde_json::from_value(
        json!({"code": "BANK-B", "name_ja": "あおば銀行", "name_en": "Aoba Bank", "institution_type": "regional_bank"}),
    )
    .unwrap();
    app.register.store().create_institution(&record.validate().unwrap(), &AuditContext::new("test")).await.unwrap();
    let admin = &app.http;
    let url = |p: &str| app.url(&format!("/api/v1{p}"));

    // Import for BANK-B; a second import of the same group is refused, not replaced.
    let r = admin.post(url("/tlpt/programmes?institution=BANK-B")).body(demo_as("GRP-B")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.headers()["etag"], "\"1\"");
    assert_eq!(r.headers()["location"], "/api/v1/tlpt/programmes/GRP-B");
    let r = admin.post(url("/tlpt/programmes?institution=BANK-B")).body(demo_as("GRP-B")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/problem+json"));
    // A file that breaks a rule: 422, every problem named, nothing stored.
    let mut bad: serde_json::Value = serde_json::from_str(&demo_as("GRP-C")).unwrap();
    bad["findings"][0]["severity"] = json!("severe");
    let r = admin.post(url("/tlpt/programmes?institution=BANK-B")).json(&bad).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("severe"));
    assert!(app.register.tlpt_programme(&Actor::cli(Lang::En), "GRP-C").await.unwrap().is_none());

    let list: serde_json::Value = admin.get(url("/tlpt/programmes")).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["total"], 2);
    let r = admin.get(url("/tlpt/programmes/GRP-B")).send().await.unwrap();
    assert_eq!(r.headers()["etag"], "\"1\"");
    let file = TlptProgramme::from_json(&r.text().await.unwrap()).unwrap();
    assert_eq!(file.group.code.as_str(), "GRP-B");

    // Reads answer exactly what the use case computes for the pages and the CLI.
    let read = app.register.tlpt_engagement(&Actor::cli(Lang::En), "GRP-B", POOR).await.unwrap();
    let eng = format!("/tlpt/programmes/GRP-B/engagements/{POOR}");
    let got: serde_json::Value =
        admin.get(url(&format!("{eng}/assessment"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(got, serde_json::to_value(read.assessment().unwrap()).unwrap());
    assert!(got["checks"].as_array().is_some_and(|c| !c.is_empty()));
    let got: serde_json::Value = admin.get(url(&format!("{eng}/metrics"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(got, serde_json::to_value(read.metrics()).unwrap());
    let md = admin
        .get(url(&format!("{eng}/report?format=md")))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(md.as_bytes(), read.report_file(Lang::En, opres_domain::report::ReportFormat::Markdown).unwrap().bytes);
    // The same report as an Excel workbook (a zip), named for the engagement and language.
    let r = admin.get(url(&format!("{eng}/report?format=xlsx"))).header("accept-language", "en").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let disposition = r.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(disposition.contains(&format!("tlpt-report-{POOR}-en.xlsx")), "{disposition}");
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    let r = admin.get(url(&format!("{eng}/report?format=pdf"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = admin.get(url(&format!("{eng}/layers/coverage"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.json::<serde_json::Value>().await.unwrap()["techniques"].is_array());
    assert_eq!(admin.get(url(&format!("{eng}/layers/heatmap"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let r = admin.get(url("/tlpt/programmes/GRP-B/engagements/NOPE/metrics")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // Findings: If-Match is required and must be current; a bad field is named; links are counted.
    let finding = json!({"id": "F-API-1", "identified_on": "2026-04-01", "title_en": "Weak admin password",
        "severity": "high", "root_cause": "configuration", "status": "open"});
    let post = |v: Option<&str>, body: &serde_json::Value| {
        let mut req = admin.post(url(&format!("{eng}/findings"))).json(body);
        if let Some(v) = v {
            req = req.header("if-match", v);
        }
        req.send()
    };
    assert_eq!(post(None, &finding).await.unwrap().status(), StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(post(Some("\"7\""), &finding).await.unwrap().status(), StatusCode::PRECONDITION_FAILED);
    let mut wrong = finding.clone();
    wrong["severity"] = json!("severe");
    let r = post(Some("\"1\""), &wrong).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("severity"));
    let r = post(Some("\"1\""), &finding).await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    let sp = app.register.require_tlpt_programme(&Actor::cli(Lang::En), "GRP-B").await.unwrap();
    assert_eq!(sp.version, 2);
    assert!(sp.programme.findings.iter().any(|f| f.id.as_str() == "F-API-1"));

    // Replace: the file's group code must be the key; the version is checked.
    let r = admin.put(url("/tlpt/programmes/GRP-B")).header("if-match", "\"2\"").body(demo_as("GRP-X")).send().await;
    let r = r.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: serde_json::Value = r.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "group.code", "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("GRP-X"), "{problem}");
    let r = admin.put(url("/tlpt/programmes/GRP-B")).header("if-match", "\"1\"").body(demo_as("GRP-B")).send().await;
    assert_eq!(r.unwrap().status(), StatusCode::PRECONDITION_FAILED);
    let r = admin.put(url("/tlpt/programmes/GRP-B")).header("if-match", "\"2\"").body(demo_as("GRP-B")).send().await;
    let r = r.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["etag"], "\"3\"");

    // A user scoped to BANK-B sees only GRP-B; BANK-A's programme does not exist for them.
    let scoped = UserScope::Institutions(vec![opres_domain::InstitutionCode::parse("BANK-B").unwrap()]);
    let analyst = api_client(&app, "api-analyst-b", Role::Analyst, scoped.clone()).await;
    let list: serde_json::Value = analyst.get(url("/tlpt/programmes")).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["key"], "GRP-B");
    for path in [
        format!("/tlpt/programmes/{minato}"),
        format!("/tlpt/programmes/{minato}/engagements/{POOR}/assessment"),
        format!("/tlpt/programmes/{minato}/engagements/{POOR}/report?format=md"),
    ] {
        assert_eq!(analyst.get(url(&path)).send().await.unwrap().status(), StatusCode::NOT_FOUND, "{path}");
    }
    let r = analyst.post(url("/tlpt/programmes?institution=BANK-A")).body(demo_as("GRP-D")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "another institution is not theirs to import for");
    let r = analyst
        .post(url(&format!("/tlpt/programmes/{minato}/engagements/{POOR}/findings")))
        .header("if-match", "\"1\"")
        .json(&finding)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // A reporter may read but not change.
    let reporter = api_client(&app, "api-reporter-b", Role::Reporter, scoped).await;
    let r = reporter.post(url(&format!("{eng}/recurrences"))).header("if-match", "\"3\"").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(reporter.get(url(&format!("{eng}/metrics"))).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(
        reporter.post(url("/attack-catalogues")).body("{}").send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    // ATT&CK bundles are uploads: a body past the API's 4 MB JSON limit is read (and judged as a
    // bundle), not refused as too large.
    let big = format!("{{\"type\": \"bundle\", \"objects\": [], \"note\": \"{}\"}}", "x".repeat(5 << 20));
    let r = admin.post(url("/attack-catalogues")).body(big).send().await.unwrap();
    let status = r.status();
    assert!(![StatusCode::BAD_REQUEST, StatusCode::PAYLOAD_TOO_LARGE].contains(&status), "{status}");
    assert!(!r.text().await.unwrap().contains("limit of"), "the upload limit applies, not the JSON one");
});
