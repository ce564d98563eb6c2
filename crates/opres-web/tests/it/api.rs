use crate::support::{add_user, spawn_app, token_client};
use opres_store::{AuditContext, Role, UserScope, engine_tests};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn incident(reference: &str) -> Value {
    json!({
        "reference": reference,
        "institution": "BANK-A",
        "title_ja": "インターネットバンキングにログインできない",
        "title_en": "Internet banking logins failed",
        "occurred_at": "2024-06-03T10:00:00+09:00",
        "detected_at": "2024-06-03T10:12:00+09:00",
        "recovered_at": "2024-06-03T13:00:00+09:00",
        "channels": ["internet_banking"],
        "affected_systems": ["IB"],
        "trend": "cyber.ddos",
        "customers_affected": 48000
    })
}

async fn seed(app: &crate::support::TestApp) {
    let r = app
        .http
        .post(app.url("/api/v1/institutions"))
        .json(
            &json!({"code":"BANK-A","name_ja":"さくら銀行","name_en":"Sakura Bank","institution_type":"regional_bank"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = app
        .http
        .post(app.url("/api/v1/institutions/BANK-A/systems"))
        .json(&json!({"code":"IB","name":"Internet banking","criticality":"critical"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
}

engine_tests!(incident_lifecycle_over_http, |db| {
    let app = spawn_app(db).await;
    seed(&app).await;
    let r = app.http.post(app.url("/api/v1/incidents")).json(&incident("INC-1")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.headers()["etag"], "\"1\"");
    let created: Value = r.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["trigger"], "cyber");
    assert_eq!(created["cyber_attack"], true);
    assert_eq!(created["time_to_detect_minutes"], 12);
    assert_eq!(created["time_to_recover_minutes"], 180);
    assert_eq!(created["fiscal_year"], 2024);
    assert_eq!(created["occurred_at"], "2024-06-03T10:00:00+09:00");
    assert!(created["report_stages"].as_array().unwrap().iter().any(|s| s["kind"] == "recovery_report"));

    // Update needs the version; a stale one is refused with the current version.
    let mut edit = incident("INC-1");
    edit["root_cause"] = json!("DDoS mitigation contract did not cover the new IP range");
    let r = app.http.put(app.url(&format!("/api/v1/incidents/{id}"))).json(&edit).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_REQUIRED);
    let r = app
        .http
        .put(app.url(&format!("/api/v1/incidents/{id}")))
        .header("If-Match", "\"1\"")
        .json(&edit)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["etag"], "\"2\"");
    let r = app
        .http
        .put(app.url(&format!("/api/v1/incidents/{id}")))
        .header("If-Match", "\"1\"")
        .header("Accept-Language", "ja")
        .json(&incident("INC-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["current_version"], 2);
    assert!(body["detail"].as_str().unwrap().contains("他の利用者が先に更新しました"), "{body}");

    // Timeline and report submission raise the version.
    let r = app
        .http
        .post(app.url(&format!("/api/v1/incidents/{id}/timeline")))
        .json(&json!({"at":"2024-06-03T10:30:00+09:00","text":"DDoS対策サービスを発動"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = app
        .http
        .post(app.url(&format!("/api/v1/incidents/{id}/report-submissions")))
        .json(&json!({"stage":"recovery_report","submitted_at":"2024-06-03T15:00:00+09:00"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.headers()["etag"], "\"4\"");
    let stages: Value = r.json().await.unwrap();
    let recovery =
        stages["items"].as_array().unwrap().iter().find(|s| s["stage"] == "recovery_report").unwrap().clone();
    assert_eq!(recovery["status"], "submitted");

    let r = app.http.delete(app.url(&format!("/api/v1/incidents/{id}"))).header("If-Match", "4").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = app.http.get(app.url(&format!("/api/v1/incidents/{id}"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
});

engine_tests!(validation_errors_name_every_field_in_the_users_language, |db| {
    let app = spawn_app(db).await;
    seed(&app).await;
    let mut bad = incident("INC-2");
    bad["occurred_at"] = json!("2024-06-03 10:00");
    bad["customers_affected"] = json!(-5);
    bad["trend"] = json!("operations.disk");
    for (lang, needle) in [("ja", "タイムゾーンがありません"), ("en", "has no time zone")] {
        let r = app
            .http
            .post(app.url("/api/v1/incidents"))
            .header("Accept-Language", lang)
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let body: Value = r.json().await.unwrap();
        let fields: Vec<&str> =
            body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["occurred_at", "customers_affected", "trend"]);
        assert!(body["errors"][0]["message"].as_str().unwrap().contains(needle), "{body}");
    }
    let r = app
        .http
        .post(app.url("/api/v1/incidents"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let mut unknown_system = incident("INC-3");
    unknown_system["affected_systems"] = json!(["NOPE"]);
    let r = app.http.post(app.url("/api/v1/incidents")).json(&unknown_system).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("BANK-A/NOPE"));
});

engine_tests!(list_filters_and_bad_parameters, |db| {
    let app = spawn_app(db).await;
    seed(&app).await;
    for n in 0..5 {
        let mut i = incident(&format!("INC-{n}"));
        if n % 2 == 0 {
            i["trend"] = json!("work.misoperation");
            i["occurred_at"] = json!("2025-05-03T10:00:00+09:00");
            i["detected_at"] = json!("2025-05-03T10:00:00+09:00");
            i["recovered_at"] = Value::Null;
        }
        let r = app.http.post(app.url("/api/v1/incidents")).json(&i).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let get = |q: &str| app.http.get(app.url(&format!("/api/v1/incidents?{q}"))).send();
    let body: Value = get("trend=work.misoperation").await.unwrap().json().await.unwrap();
    assert_eq!(body["total"], 3);
    let body: Value = get("fy=2024&cyber=true").await.unwrap().json().await.unwrap();
    assert_eq!(body["total"], 2);
    let body: Value = get("status=open&sort=reference&order=asc&limit=2").await.unwrap().json().await.unwrap();
    assert_eq!(body["total"], 3);
    assert_eq!(body["items"].as_array().unwrap().len(), 2);
    assert_eq!(body["items"][0]["reference"], "INC-0");
    let r = get("trend=disk&cyber=maybe&from=2024-01-01&lang=en").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["from", "cyber", "trend"]);
    let due: Value =
        app.http.get(app.url("/api/v1/report-stages/due?overdue=true")).send().await.unwrap().json().await.unwrap();
    assert!(due["total"].as_u64().unwrap() > 0);
    let page = app
        .http
        .get(app.url("/incidents?lang=en&sort=reference&order=asc"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("INC-4") && page.contains("Incidents"), "{page}");
});

engine_tests!(an_incident_is_reached_by_its_reference_as_by_its_id, |db| {
    let app = spawn_app(db).await;
    seed(&app).await;
    let reference = "RB-AOIURA-2026-9001";
    let r = app.http.post(app.url("/api/v1/incidents")).json(&incident(reference)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let created: Value = r.json().await.unwrap();
    let by_ref = |path: &str| app.url(&format!("/api/v1/incidents/{reference}{path}"));

    let r = app.http.get(by_ref("")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["etag"], "\"1\"");
    let found: Value = r.json().await.unwrap();
    assert_eq!(found["id"], created["id"]);
    assert_eq!(found["reference"], reference);
    let by_id: Value = app
        .http
        .get(app.url(&format!("/api/v1/incidents/{}", created["id"])))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(found, by_id, "the same incident either way");

    // The timeline, stages and edits take the reference too, with the same version rules.
    let r = app
        .http
        .post(by_ref("/timeline"))
        .json(&json!({"at": "2024-06-03T10:30:00+09:00", "text": "DDoS対策サービスを発動"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let timeline: Value = app.http.get(by_ref("/timeline")).send().await.unwrap().json().await.unwrap();
    assert_eq!(timeline["items"].as_array().unwrap().len(), 1);
    let stages = app.http.get(by_ref("/report-stages")).send().await.unwrap();
    assert_eq!(stages.status(), StatusCode::OK);
    let mut edit = incident(reference);
    edit["root_cause"] = json!("the mitigation contract did not cover the new range");
    let r = app.http.put(by_ref("")).json(&edit).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_REQUIRED);
    let r = app.http.put(by_ref("")).header("If-Match", "\"1\"").json(&edit).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED, "the timeline entry made it version 2");
    let r = app.http.put(by_ref("")).header("If-Match", "\"2\"").json(&edit).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let saved: Value = r.json().await.unwrap();
    assert_eq!(saved["root_cause"], edit["root_cause"]);
    assert_eq!(saved["version"], 3);

    // Another institution's user cannot learn that the reference exists.
    let other = opres_domain::InstitutionCode::parse("BANK-Z").unwrap();
    let user = add_user(&app.register, "zed", Role::Analyst, UserScope::Institutions(vec![other])).await;
    let (_, secret) = app.register.create_token(&user, "t", &AuditContext::new("test")).await.unwrap();
    let outsider = token_client(&secret);
    for r in [
        outsider.get(by_ref("")).send().await.unwrap(),
        outsider.delete(by_ref("")).header("If-Match", "\"3\"").send().await.unwrap(),
    ] {
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    }
    let missing = app.http.get(app.url("/api/v1/incidents/RB-AOIURA-2026-0000")).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let body: Value = missing.json().await.unwrap();
    assert!(body["detail"].as_str().unwrap().contains("RB-AOIURA-2026-0000"), "{body}");

    let r = app.http.delete(by_ref("")).header("If-Match", "\"3\"").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.http.get(by_ref("")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
});

engine_tests!(a_bad_sort_is_refused_by_the_page_and_the_api_alike, |db| {
    let app = spawn_app(db).await;
    seed(&app).await;
    let r = app.http.post(app.url("/api/v1/incidents")).json(&incident("INC-SORT")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    // What the shared request says about the sort, in English.
    let request = opres_app::IncidentListRequest { sort: Some("colour".into()), ..Default::default() };
    let problems = request.parse(None).unwrap_err();
    let expected: Vec<String> = problems.iter().map(|p| p.message(opres_domain::Lang::En)).collect();
    assert_eq!(problems.iter().map(|p| p.field.as_str()).collect::<Vec<_>>(), ["sort"]);

    let r = app.http.get(app.url("/api/v1/incidents?sort=colour&lang=en")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    let api: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap()).collect();
    assert_eq!(api, expected);
    assert_eq!(body["errors"][0]["field"], "sort");

    // The page lists the same problem above an empty result instead of sorting some other way.
    let page = app.http.get(app.url("/incidents?sort=colour&lang=en")).send().await.unwrap().text().await.unwrap();
    let shown = page.replace("&#39;", "'").replace("&#34;", "\"").replace("&quot;", "\"").replace("&amp;", "&");
    assert!(shown.contains(&expected[0]), "{page}");
    assert!(!page.contains("INC-SORT"), "no rows under a refused sort");
    let sorted = app.http.get(app.url("/incidents?sort=reference&lang=en")).send().await.unwrap().text().await.unwrap();
    assert!(sorted.contains("INC-SORT") && !sorted.contains(&expected[0]));
    // So is a bad order, which the page used to read as "descending".
    let r = app.http.get(app.url("/api/v1/incidents?order=sideways")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
});
