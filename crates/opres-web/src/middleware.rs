//! Security headers on every response, and the CSRF check on every state-changing request.

use crate::AppState;
use crate::auth::CSRF;
use crate::error::ApiError;
use crate::lang::lang_from;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use tower_sessions::Session;

/// No inline script anywhere; Swagger UI's page needs inline styles only.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";
const CSP_DOCS: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

pub(crate) async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let docs = req.uri().path().starts_with("/api/docs");
    let api = req.uri().path().starts_with("/api/");
    let lang = lang_from(req.uri(), req.headers());
    let res = next.run(req).await;
    let mut res = if docs { res } else { no_raw_errors(res, api, lang).await };
    let h = res.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(if docs { CSP_DOCS } else { CSP }));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    if state.config.tls {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Errors produced below the handlers (unknown route, wrong method, a path or query that does not
/// parse) come as plain text or empty bodies: turn them into an error page or problem details,
/// so no raw text reaches a page.
async fn no_raw_errors(res: Response, api: bool, lang: opres_domain::Lang) -> Response {
    let status = res.status();
    let plain = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    if !(status.is_client_error() || status.is_server_error()) || !plain {
        return res;
    }
    let (parts, body) = res.into_parts();
    let text = to_bytes(body, 64 * 1024).await.map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
    if api {
        let detail = if text.is_empty() { status.canonical_reason().unwrap_or("error").to_string() } else { text };
        let mut r = ApiError::BadRequest(detail.clone(), detail).into_response_in(lang);
        *r.status_mut() = status;
        for (k, v) in parts.headers.iter().filter(|(k, _)| *k == header::ALLOW) {
            r.headers_mut().insert(k.clone(), v.clone());
        }
        return r;
    }
    tracing::debug!(%status, detail = %text, "request refused below the handlers");
    let key = match status.as_u16() {
        404 | 405 => "error.not_found",
        400 | 422 => "error.bad_request",
        _ => "error.internal",
    };
    crate::views::error_page(lang, status, key, None)
}

/// Largest form body read for the CSRF field (imports go through the CLI).
const MAX_FORM: usize = crate::limits::FORM_MAX;

/// State-changing requests from a browser must carry the session's CSRF token, in the
/// `X-CSRF-Token` header or a `_csrf` form field. Requests with a bearer token carry no cookie
/// credential, so they cannot be forged cross-site and are left to the token check.
pub(crate) async fn csrf(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || req.headers().get(header::AUTHORIZATION).is_some_and(|v| v.as_bytes().starts_with(b"Bearer "))
    {
        return next.run(req).await;
    }
    let lang = lang_from(req.uri(), req.headers());
    let expected = match req.extensions().get::<Session>() {
        Some(s) => s.get::<String>(CSRF).await.ok().flatten(),
        None => None,
    };
    let Some(expected) = expected else {
        // No browser session at all: an API request without a token carries no cookie credential to
        // forge, so it goes on to the sign-in check and is answered 401 as the API documents.
        let signed_in = match req.extensions().get::<Session>() {
            Some(s) => s.get::<i64>(crate::auth::USER_ID).await.ok().flatten().is_some(),
            None => false,
        };
        if req.uri().path().starts_with("/api/") && !signed_in {
            return next.run(req).await;
        }
        return refuse(&req, lang);
    };
    let header_token = req.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()).map(str::to_string);
    if let Some(t) = header_token {
        return if constant_eq(&t, &expected) { next.run(req).await } else { refuse(&req, lang) };
    }
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if content_type.starts_with("multipart/form-data") {
        // File uploads: the token travels in the form's action URL (`?_csrf=…`), so the upload is
        // not buffered here to find a field; the page that holds the token is same-origin anyway.
        let field = req.uri().query().and_then(|q| form_urlencoded_get(q.as_bytes(), "_csrf"));
        return match field {
            Some(t) if constant_eq(&t, &expected) => next.run(req).await,
            _ => refuse(&req, lang),
        };
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return refuse(&req, lang);
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM).await else {
        return ApiError::BadRequest(
            crate::limits::too_large_message(MAX_FORM, opres_domain::Lang::Ja),
            crate::limits::too_large_message(MAX_FORM, opres_domain::Lang::En),
        )
        .into_response_in(lang);
    };
    let field = form_urlencoded_get(&bytes, "_csrf");
    let req = Request::from_parts(parts, Body::from(bytes));
    match field {
        Some(t) if constant_eq(&t, &expected) => next.run(req).await,
        _ => refuse(&req, lang),
    }
}

fn refuse(req: &Request, lang: opres_domain::Lang) -> Response {
    tracing::warn!(path = %req.uri().path(), "CSRF check failed");
    if req.uri().path().starts_with("/api/") {
        ApiError::Csrf.into_response_in(lang)
    } else {
        crate::views::error_page(lang, axum::http::StatusCode::FORBIDDEN, "error.csrf", None)
    }
}

fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The first value of `key` in an URL-encoded form.
pub(crate) fn form_urlencoded_get(body: &[u8], key: &str) -> Option<String> {
    form_urlencoded::parse(body).find(|(k, _)| k == key).map(|(_, v)| v.into_owned())
}

/// Every `key=value` of an URL-encoded form, in order (repeated keys kept, for multi-selects).
pub(crate) fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_fields_are_decoded() {
        assert_eq!(form_urlencoded_get(b"a=1&_csrf=ab%2Bc+d&b=2", "_csrf").as_deref(), Some("ab+c d"));
        assert_eq!(form_urlencoded_get(b"a=1", "_csrf"), None);
        assert_eq!(form_urlencoded_get(b"_csrf=%E6%97%A5", "_csrf").as_deref(), Some("日"));
        // A stray '%' before a multi-byte character once panicked the hand-written decoder.
        assert_eq!(form_urlencoded_get("q=%日&_csrf=x".as_bytes(), "q").as_deref(), Some("%日"));
        assert_eq!(
            form_pairs(b"a=1&a=2&b"),
            [("a".into(), "1".into()), ("a".into(), "2".into()), ("b".into(), String::new())]
        );
        assert!(constant_eq("abc", "abc") && !constant_eq("abc", "abd") && !constant_eq("ab", "abc"));
    }
}
