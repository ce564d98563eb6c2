//! Limits on what comes in (issue 16): long fields, long lists and control characters are refused
//! by validation on both engines, bodies past the limit are refused naming it, and exports never
//! fail on long stored text.

use crate::support::spawn_app;
use opres_domain::IncidentRecord;
use opres_store::{AuditContext, engine_tests};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn incident(reference: &str) -> Value {
    json!({
        "reference": reference,
        "institution": "BANK-A",
        "title_ja": "ATM停止",
        "occurred_at": "2024-06-03T10:00:00+09:00",
        "detected_at": "2024-06-03T10:12:00+09:00",
    })
}

async fn seed(app: &crate::support::TestApp) {
    let r = app
        .http
        .post(app.url("/api/v1/institutions"))
        .json(&json!({"code":"BANK-A","name_ja":"さくら銀行","institution_type":"regional_bank"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
}

async fn problem_fields(r: reqwest::Response) -> (StatusCode, Vec<(String, String)>) {
    let status = r.status();
    let body: Value = r.json().await.unwrap();
    let fields = body["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    (e["field"].as_str().unwrap_or("").to_string(), e["message"].as_str().unwrap_or("").to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    (status, fields)
}

engine_tests!(a_two_million_character_description_is_refused_with_the_field_named, |db| {
    let app = spawn_app(db).await;
    seed(&app).await;
    let mut body = incident("INC-LONG");
    body["description_en"] = json!("a".repeat(2_000_000));
    body["timeline"] = json!(vec![json!({"at": "2024-06-03T10:20:00+09:00", "text": "x"}); 201]);
    let r =
        app.http.post(app.url("/api/v1/incidents")).header("Accept-Language", "en").json(&body).send().await.unwrap();
    let (status, fields) = problem_fields(r).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let names: Vec<&str> = fields.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(names, ["description_en", "timeline"]);
    assert!(fields[0].1.contains("at most 20000 characters"), "{fields:?}");
    assert!(fields[1].1.contains("at most 200 entries"), "{fields:?}");
    let r =
        app.http.post(app.url("/api/v1/incidents")).header("Accept-Language", "ja").json(&body).send().await.unwrap();
    let (_, fields) = problem_fields(r).await;
    assert!(fields[0].1.contains("20000 文字以内"), "{fields:?}");
});

engine_tests!(control_characters_are_refused_on_create_and_harmless_in_search, |db| {
    let app = spawn_app(db).await;
    seed(&app).await;
    let mut body = incident("INC-NUL");
    body["title_ja"] = json!("ATM\u{0}停止");
    let r = app.http.post(app.url("/api/v1/incidents")).json(&body).send().await.unwrap();
    let (status, fields) = problem_fields(r).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
    assert_eq!(fields[0].0, "title_ja");
    assert!(fields[0].1.contains("U+0000"), "{fields:?}");
    let r = app
        .http
        .post(app.url("/api/v1/institutions"))
        .json(&json!({"code":"BANK-B","name_ja":"銀行\u{0}","institution_type":"regional_bank"}))
        .send()
        .await
        .unwrap();
    let (status, fields) = problem_fields(r).await;
    assert_eq!((status, fields[0].0.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "name_ja"));
    // Line breaks and tabs are text.
    let mut body = incident("INC-OK");
    body["description_ja"] = json!("一行目\r\n二行目\t続き");
    let r = app.http.post(app.url("/api/v1/incidents")).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    // A search for a NUL finds nothing to match on instead of failing on PostgreSQL.
    for q in ["%00", "ATM%00", "%01%1B"] {
        let r = app.http.get(app.url(&format!("/api/v1/incidents?q={q}"))).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "q={q}: {}", r.text().await.unwrap());
        let r = app.http.get(app.url(&format!("/incidents?q={q}"))).send().await.unwrap();
        assert!(r.status().is_success() || r.status().is_redirection(), "page q={q}: {}", r.status());
    }
    // A timeline entry added on its own obeys the same rule.
    let r = app
        .http
        .post(app.url("/api/v1/incidents/INC-OK/timeline"))
        .json(&json!({"at": "2024-06-03T10:30:00+09:00", "text": "復旧\u{0}"}))
        .send()
        .await
        .unwrap();
    let (status, fields) = problem_fields(r).await;
    assert_eq!((status, fields[0].0.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "text"), "{fields:?}");
});

engine_tests!(a_body_past_the_limit_is_refused_naming_it, |db| {
    let app = spawn_app(db).await;
    let mut body = incident("INC-BIG");
    body["description_en"] = json!("a".repeat(5 * 1024 * 1024));
    for (lang, needle) in [("en", "limit of 4 MB"), ("ja", "上限の 4 MB")] {
        let r = app
            .http
            .post(app.url("/api/v1/incidents"))
            .header("Accept-Language", lang)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let text = r.text().await.unwrap();
        assert!(text.contains(needle), "{text}");
    }
});

engine_tests!(an_xlsx_export_of_a_stored_40000_character_field_succeeds_with_the_marker, |db| {
    let app = spawn_app(db).await;
    seed(&app).await;
    // Stored before the limits existed: written to the store past validation.
    let mut i = IncidentRecord {
        reference: "INC-OLD".into(),
        institution: "BANK-A".into(),
        title_ja: Some("古い障害".into()),
        occurred_at: "2024-05-01T09:00:00+09:00".into(),
        detected_at: "2024-05-01T09:05:00+09:00".into(),
        ..Default::default()
    }
    .validate()
    .unwrap();
    i.description.ja = Some("障".repeat(40_000));
    db.store.create_incident(&i, &AuditContext::new("test")).await.unwrap();
    let r = app.http.get(app.url("/incidents/export?format=xlsx")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(), &mut xml).unwrap();
    assert!(xml.contains("…[truncated: 40000 chars]"));
    assert!(zip.by_name("xl/worksheets/sheet4.xml").is_ok(), "a note sheet says what was cut");
});
