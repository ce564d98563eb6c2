//! The REST API, versioned under `/api/v1`. JSON bodies use the interchange field names of
//! `docs/formats.md`; every read of a versioned record carries an `ETag`, and every change must
//! send it back in `If-Match`, so two editors cannot silently overwrite each other.

pub(crate) mod incidents;
pub(crate) mod institutions;

pub(crate) use crate::auth::Caller as Actor;

use crate::error::{ApiError, Localized};
use axum::Json;
use axum::http::{HeaderMap, HeaderValue, header};
use opres_domain::Lang;

pub(crate) fn routes(r: crate::routes::Routes) -> crate::routes::Routes {
    let r = r.get("/api/v1/health", health);
    let r = institutions::routes(r);
    incidents::routes(r)
}

/// Whether the server is up (no sign-in needed).
#[utoipa::path(get, path = "/api/v1/health", tag = "meta", security(()), responses((status = 200, description = "The server is up")))]
pub(crate) async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

/// Maps any error into a localized API error.
pub(crate) trait InLang<T> {
    fn in_lang(self, lang: Lang) -> Result<T, Localized>;
}

impl<T, E: Into<ApiError>> InLang<T> for Result<T, E> {
    fn in_lang(self, lang: Lang) -> Result<T, Localized> {
        self.map_err(|e| Localized(e.into(), lang))
    }
}

/// `ETag: "<version>"`.
pub(crate) fn etag(version: i64) -> [(header::HeaderName, HeaderValue); 1] {
    let v = HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"0\""));
    [(header::ETAG, v)]
}

/// The version named by `If-Match` (`"3"`, `W/"3"` or `3`).
pub(crate) fn if_match(headers: &HeaderMap) -> Result<i64, ApiError> {
    let raw = headers.get(header::IF_MATCH).ok_or(ApiError::PreconditionRequired)?;
    let text = raw.to_str().unwrap_or("").trim();
    let text = text.strip_prefix("W/").unwrap_or(text).trim_matches('"');
    text.parse::<i64>().map_err(|_| {
        ApiError::BadRequest(
            format!("If-Match「{text}」は版として読めません（例: \"3\"）"),
            format!("If-Match '{text}' is not a version (expected e.g. \"3\")"),
        )
    })
}

/// A JSON body that failed to parse, as a 400 in the caller's language.
pub(crate) fn bad_json(e: axum::extract::rejection::JsonRejection) -> ApiError {
    let detail = e.body_text();
    ApiError::BadRequest(format!("JSON 本文を読めません: {detail}"), format!("cannot read the JSON body: {detail}"))
}
