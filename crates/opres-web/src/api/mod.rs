//! The REST API, versioned under `/api/v1`. JSON bodies use the interchange field names of
//! `docs/formats.md`; every read of a versioned record carries an `ETag`, and every change must
//! send it back in `If-Match`, so two editors cannot silently overwrite each other.
//!
//! Handlers take the [`opres_app::Actor`] and call one use case each; the request's language and
//! the rendering of errors as problem details are the edge's (`crate::edge`).

pub(crate) mod analysis;
pub(crate) mod gap;
pub(crate) mod incidents;
pub(crate) mod institutions;
pub(crate) mod regimes;
pub(crate) mod tlpt;

use axum::Json;
use axum::extract::Query;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::{HeaderMap, HeaderValue, header};
use opres_app::AppError;

pub(crate) fn routes(r: crate::routes::Routes) -> crate::routes::Routes {
    let r = r.get("/api/v1/health", health);
    let r = institutions::routes(r);
    let r = tlpt::routes(r);
    let r = analysis::routes(r);
    let r = regimes::routes(r);
    let r = gap::routes(r);
    incidents::routes(r)
}

/// Whether the server is up (no sign-in needed).
#[utoipa::path(get, path = "/api/v1/health", tag = "meta", security(()), responses((status = 200, description = "The server is up")))]
pub(crate) async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

/// `ETag: "<version>"`.
pub(crate) fn etag(version: i64) -> [(header::HeaderName, HeaderValue); 1] {
    let v = HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"0\""));
    [(header::ETAG, v)]
}

/// The version named by `If-Match` (`"3"`, `W/"3"` or `3`); `None` when the header is missing
/// (the use case then asks for it, after checking who may act on what).
pub(crate) fn if_match(headers: &HeaderMap) -> Result<Option<i64>, AppError> {
    let Some(raw) = headers.get(header::IF_MATCH) else { return Ok(None) };
    let text = raw.to_str().unwrap_or("").trim();
    let text = text.strip_prefix("W/").unwrap_or(text).trim_matches('"');
    text.parse::<i64>().map(Some).map_err(|_| {
        AppError::malformed(
            format!("If-Match「{text}」は版として読めません（例: \"3\"）"),
            format!("If-Match '{text}' is not a version (expected e.g. \"3\")"),
        )
    })
}

/// A JSON body, or why it could not be read.
pub(crate) fn json_body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, AppError> {
    body.map(|Json(v)| v).map_err(|e| {
        // Past the body limit: name the limit, not axum's words.
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            return crate::limits::too_large(crate::limits::JSON_BODY_MAX);
        }
        let detail = e.body_text();
        AppError::malformed(format!("JSON 本文を読めません: {detail}"), format!("cannot read the JSON body: {detail}"))
    })
}

/// `?format=` of a report route: `json` (the report document, the default) or a file format.
/// Other parameters (`?lang=`) are left to their own extractors.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct ReportParams {
    /// The format asked for.
    pub(crate) format: Option<String>,
}

/// The query parameters, or why they could not be read (every value is read as text and parsed
/// by the use case, so this is only a query that is not `name=value&…` at all).
pub(crate) fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, AppError> {
    q.map(|Query(v)| v)
        .map_err(|e| AppError::malformed(format!("クエリを読めません: {e}"), format!("cannot read the query: {e}")))
}
