use crate::support::spawn_app;
use opres_store::engine_tests;
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
