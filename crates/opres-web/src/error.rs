//! The responses the edge gives before any use case runs — no credentials, a forged or expired
//! form, a request refused below the handlers — as RFC 9457 problem details in the caller's
//! language. Application errors are rendered by `crate::edge`.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use opres_domain::Lang;
use serde::Serialize;

/// Why a request was refused at the edge.
#[derive(Debug)]
pub(crate) enum ApiError {
    /// A malformed request (unknown route, wrong method, a body too large), in both languages.
    BadRequest(String, String),
    /// No valid credentials (no session, or a wrong or revoked token).
    Unauthorized {
        /// A token was sent but is not valid.
        bad_token: bool,
    },
    /// A state-changing request without the session's CSRF token.
    Csrf,
}

#[derive(Serialize)]
struct ProblemDetails {
    #[serde(rename = "type")]
    kind: String,
    title: String,
    status: u16,
    detail: String,
}

impl ApiError {
    /// The response in the given language.
    pub(crate) fn into_response_in(self, lang: Lang) -> Response {
        let (status, kind, title, detail) = match self {
            ApiError::BadRequest(ja, en) => (
                StatusCode::BAD_REQUEST,
                "bad_request",
                lang.pick("リクエストが正しくありません", "Bad request"),
                lang.pick(&ja, &en).to_string(),
            ),
            ApiError::Unauthorized { bad_token } => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                lang.pick("サインインが必要です", "Sign-in required"),
                if bad_token {
                    lang.pick("API トークンが無効か、失効しています", "The API token is not valid or was revoked")
                } else {
                    lang.pick(
                        "サインインするか、Authorization: Bearer ヘッダーで API トークンを送ってください",
                        "Sign in, or send a personal API token in an Authorization: Bearer header",
                    )
                }
                .to_string(),
            ),
            ApiError::Csrf => (
                StatusCode::FORBIDDEN,
                "csrf",
                lang.pick("要求を確認できません", "Request not verified"),
                lang.pick(
                    "画面の有効期限が切れたか、別のサイトからの要求です。画面を再読み込みしてやり直してください",
                    "The page expired or the request came from another site. Reload the page and try again",
                )
                .to_string(),
            ),
        };
        let body = ProblemDetails {
            kind: format!("about:blank#{kind}"),
            title: title.to_string(),
            status: status.as_u16(),
            detail,
        };
        let json = serde_json::to_vec(&body).unwrap_or_default();
        (status, [(header::CONTENT_TYPE, "application/problem+json")], json).into_response()
    }
}

/// A short id to correlate a user's report with the log line.
pub(crate) fn error_id() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{:x}", nanos & 0xffff_ffff_ffff)
}
