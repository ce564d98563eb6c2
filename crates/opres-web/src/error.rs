//! API errors as RFC 9457 problem details, in the caller's language. Internal errors are logged
//! with an id and shown only as that id.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use opres_domain::{Lang, ValidationErrors};
use opres_store::StoreError;
use serde::Serialize;

/// Why a request failed.
#[derive(Debug)]
pub enum ApiError {
    /// The body or query is invalid: every field problem.
    Validation(ValidationErrors),
    /// A malformed request (bad query parameter, unparsable body).
    BadRequest(String, String),
    /// `If-Match` is missing on a write that needs it.
    PreconditionRequired,
    /// The store refused or failed.
    Store(StoreError),
    /// No valid credentials (no session, or a wrong or revoked token).
    Unauthorized {
        /// A token was sent but is not valid.
        bad_token: bool,
    },
    /// Signed in, but the role does not allow this.
    Forbidden,
    /// A state-changing request without the session's CSRF token.
    Csrf,
    /// An account change was refused (weak password, bad user name, …).
    Access(opres_app::AccessError),
}

impl From<opres_app::AccessError> for ApiError {
    fn from(e: opres_app::AccessError) -> Self {
        match e {
            opres_app::AccessError::Store(s) => ApiError::Store(s),
            other => ApiError::Access(other),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::Store(e)
    }
}

impl From<ValidationErrors> for ApiError {
    fn from(e: ValidationErrors) -> Self {
        ApiError::Validation(e)
    }
}

#[derive(Serialize)]
struct FieldProblem {
    field: String,
    kind: &'static str,
    message: String,
}

#[derive(Serialize)]
struct ProblemDetails {
    #[serde(rename = "type")]
    kind: String,
    title: String,
    status: u16,
    detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<FieldProblem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    current_version: Option<i64>,
}

impl ApiError {
    /// The response in the given language.
    pub fn into_response_in(self, lang: Lang) -> Response {
        let (status, kind, title, detail, errors, current_version) = match self {
            ApiError::Validation(errs) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                lang.pick("入力内容に誤りがあります", "The input is invalid"),
                errs.message(lang),
                errs.iter()
                    .map(|e| FieldProblem {
                        field: e.field.clone(),
                        kind: e.problem.kind(),
                        message: e.problem.message(lang),
                    })
                    .collect(),
                None,
            ),
            ApiError::BadRequest(ja, en) => (
                StatusCode::BAD_REQUEST,
                "bad_request",
                lang.pick("リクエストが正しくありません", "Bad request"),
                lang.pick(&ja, &en).to_string(),
                vec![],
                None,
            ),
            ApiError::PreconditionRequired => (
                StatusCode::PRECONDITION_REQUIRED,
                "precondition_required",
                lang.pick("版の指定が必要です", "Version required"),
                lang.pick(
                    "更新・削除には If-Match ヘッダーで取得時の版（ETag）を指定してください",
                    "Send the version you read (its ETag) in an If-Match header to change or delete it",
                )
                .to_string(),
                vec![],
                None,
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
                vec![],
                None,
            ),
            ApiError::Forbidden => (
                StatusCode::FORBIDDEN,
                "forbidden",
                lang.pick("権限がありません", "Not allowed"),
                lang.pick("この操作を行う権限がありません", "Your role does not allow this").to_string(),
                vec![],
                None,
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
                vec![],
                None,
            ),
            ApiError::Access(e) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_account",
                lang.pick("入力内容に誤りがあります", "The input is invalid"),
                e.message(lang),
                vec![],
                None,
            ),
            ApiError::Store(e) => {
                let (status, kind, title_ja, title_en, current) = match &e {
                    StoreError::NotFound { .. } => {
                        (StatusCode::NOT_FOUND, "not_found", "見つかりません", "Not found", None)
                    }
                    StoreError::Conflict { current_version, .. } => (
                        StatusCode::PRECONDITION_FAILED,
                        "conflict",
                        "他の利用者が先に更新しました",
                        "Someone else saved first",
                        Some(*current_version),
                    ),
                    StoreError::AlreadyExists { .. } => {
                        (StatusCode::CONFLICT, "already_exists", "既に登録されています", "Already exists", None)
                    }
                    StoreError::InUse { .. } => {
                        (StatusCode::CONFLICT, "in_use", "参照されているため削除できません", "In use", None)
                    }
                    StoreError::UnknownReference { .. } => (
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "unknown_reference",
                        "参照先が登録されていません",
                        "Unknown reference",
                        None,
                    ),
                    StoreError::Corrupt(_)
                    | StoreError::BadUrl(_)
                    | StoreError::Database(_)
                    | StoreError::Migrate(_) => {
                        let id = error_id();
                        tracing::error!(error_id = %id, error = %e, "internal error");
                        let detail = match lang {
                            Lang::Ja => {
                                format!("内部エラーが発生しました。管理者にお問い合わせください（エラーID: {id}）")
                            }
                            Lang::En => format!(
                                "An internal error occurred. Please contact your administrator (error id: {id})"
                            ),
                        };
                        return problem(
                            StatusCode::INTERNAL_SERVER_ERROR,
                            ProblemDetails {
                                kind: "about:blank#internal".into(),
                                title: lang.pick("内部エラー", "Internal error").into(),
                                status: 500,
                                detail,
                                errors: vec![],
                                current_version: None,
                            },
                        );
                    }
                };
                (status, kind, lang.pick(title_ja, title_en), e.message(lang), vec![], current)
            }
        };
        problem(
            status,
            ProblemDetails {
                kind: format!("about:blank#{kind}"),
                title: title.to_string(),
                status: status.as_u16(),
                detail,
                errors,
                current_version,
            },
        )
    }
}

fn problem(status: StatusCode, body: ProblemDetails) -> Response {
    let json = serde_json::to_vec(&body).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, "application/problem+json")], json).into_response()
}

/// A short id to correlate a user's report with the log line.
pub(crate) fn error_id() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{:x}", nanos & 0xffff_ffff_ffff)
}

/// An error together with the language to report it in; what handlers return.
pub(crate) struct Localized(pub ApiError, pub Lang);

impl IntoResponse for Localized {
    fn into_response(self) -> Response {
        self.0.into_response_in(self.1)
    }
}
