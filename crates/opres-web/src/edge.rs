//! The web edge of the application layer: the caller's language, resolved once per request by
//! middleware and kept as a request extension, and the one mapping of [`AppError`] to HTTP — an
//! error page for the UI, `application/problem+json` for the API.
//!
//! Handlers return `Result<_, Failed>`; `?` turns any application error into [`Failed`], whose
//! response carries the error until [`language`] renders it in the request's language.

use crate::AppState;
use crate::auth::{Caller, LANG, MaybeCaller};
use crate::error::error_id;
use crate::lang::{accept_language, query_lang};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use opres_app::{Actor, AppError, Channel};
use opres_domain::Lang;
use serde::Serialize;
use std::sync::Arc;
use tower_sessions::Session;

/// The language of this request: `?lang=`, then the signed-in user's preference, then the
/// session's choice, then `Accept-Language`, then Japanese.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RequestLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for RequestLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        // Set by [`language`] on every routed request; the fallback serves unit tests of handlers.
        Ok(parts.extensions.get::<RequestLang>().copied().unwrap_or_else(|| RequestLang(fallback_lang(parts))))
    }
}

fn fallback_lang(parts: &Parts) -> Lang {
    query_lang(&parts.uri).or_else(|| accept_language(&parts.headers)).unwrap_or_default()
}

impl FromRequestParts<AppState> for Actor {
    type Rejection = crate::auth::Unauthenticated;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        let RequestLang(lang) = RequestLang::from_request_parts(parts, state).await.unwrap_or(RequestLang(Lang::Ja));
        Ok(actor_of(&caller, lang))
    }
}

/// The application's view of a signed-in caller.
pub(crate) fn actor_of(caller: &Caller, lang: Lang) -> Actor {
    let channel = match &caller.via {
        crate::auth::Via::Session => Channel::Web,
        crate::auth::Via::Token { id, name } => Channel::Api { token_id: *id, token_name: name.clone() },
    };
    let actor = Actor::user(&caller.user, channel, lang);
    match &caller.session_id {
        Some(id) => actor.in_session(id.clone()),
        None => actor,
    }
}

/// Middleware (inside the session layer): resolves the language once and renders any
/// [`Failed`] response in it.
pub(crate) async fn language(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let lang = if parts.uri.path().starts_with("/assets/") {
        fallback_lang(&parts)
    } else {
        // Looks the caller up once; extractors later reuse it from the extensions.
        let MaybeCaller(caller) = match MaybeCaller::from_request_parts(&mut parts, &state).await {
            Ok(c) => c,
            Err(never) => match never {},
        };
        let session_lang = match parts.extensions.get::<Session>() {
            Some(s) => s.get::<Lang>(LANG).await.ok().flatten(),
            None => None,
        };
        query_lang(&parts.uri)
            .or_else(|| caller.as_ref().and_then(|c| c.user.value.lang))
            .or(session_lang)
            .or_else(|| accept_language(&parts.headers))
            .unwrap_or_default()
    };
    parts.extensions.insert(RequestLang(lang));
    let api = parts.uri.path().starts_with("/api/");
    let res = next.run(Request::from_parts(parts, body)).await;
    match res.extensions().get::<Deferred>() {
        Some(Deferred(e)) => render(e, api, lang),
        None => res,
    }
}

/// A use case's refusal or failure, as a handler returns it.
#[derive(Debug)]
pub(crate) struct Failed(pub AppError);

impl<E: Into<AppError>> From<E> for Failed {
    fn from(e: E) -> Failed {
        Failed(e.into())
    }
}

/// The error riding on its response until [`language`] renders it.
#[derive(Clone)]
struct Deferred(Arc<AppError>);

impl IntoResponse for Failed {
    fn into_response(self) -> Response {
        let mut r = status_of(&self.0).into_response();
        r.extensions_mut().insert(Deferred(Arc::new(self.0)));
        r
    }
}

/// The HTTP status of an application error.
pub(crate) fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::NotFound { .. } => StatusCode::NOT_FOUND,
        AppError::Forbidden => StatusCode::FORBIDDEN,
        // A stale version named by If-Match (or a form's hidden version) fails its precondition.
        AppError::Conflict { .. } => StatusCode::PRECONDITION_FAILED,
        AppError::VersionRequired => StatusCode::PRECONDITION_REQUIRED,
        AppError::Refused { .. } => StatusCode::CONFLICT,
        AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Malformed { .. } => StatusCode::BAD_REQUEST,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

#[derive(Serialize)]
struct FieldProblem<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
    kind: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct ProblemDetails<'a> {
    #[serde(rename = "type")]
    kind: String,
    title: &'a str,
    status: u16,
    detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<FieldProblem<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    current_version: Option<i64>,
}

fn title(e: &AppError, lang: Lang) -> &'static str {
    match e {
        AppError::NotFound { .. } => lang.pick("見つかりません", "Not found"),
        AppError::Forbidden => lang.pick("権限がありません", "Not allowed"),
        AppError::Conflict { .. } => lang.pick("他の利用者が先に更新しました", "Someone else saved first"),
        AppError::VersionRequired => lang.pick("版の指定が必要です", "Version required"),
        AppError::Refused { kind: "in_use", .. } => lang.pick("参照されているため削除できません", "In use"),
        AppError::Refused { kind: "already_exists", .. } => lang.pick("既に登録されています", "Already exists"),
        AppError::Refused { .. } => lang.pick("受け付けられません", "Refused"),
        AppError::Invalid { .. } => lang.pick("入力内容に誤りがあります", "The input is invalid"),
        AppError::Malformed { .. } => lang.pick("リクエストが正しくありません", "Bad request"),
        AppError::Internal(_) => lang.pick("内部エラー", "Internal error"),
    }
}

/// The error as problem details (API) or an error page (UI), in `lang`. Internal errors are
/// logged with an id and shown only as that id.
pub(crate) fn render(e: &AppError, api: bool, lang: Lang) -> Response {
    let status = status_of(e);
    let id = matches!(e, AppError::Internal(_)).then(|| {
        let id = error_id();
        tracing::error!(error_id = %id, error = %e, "internal error");
        id
    });
    if !api {
        let key = match e {
            AppError::NotFound { .. } => "error.not_found",
            AppError::Forbidden => "error.forbidden",
            AppError::Internal(_) => "error.internal",
            _ => "error.bad_request",
        };
        let detail = match e {
            AppError::NotFound { .. } | AppError::Forbidden | AppError::Internal(_) => vec![],
            other => std::iter::once(other.message(lang))
                .chain(other.problems().iter().map(|p| p.message.get(lang).to_string()))
                .collect(),
        };
        return crate::views::error_page_with(lang, status, key, id, detail);
    }
    let detail = match (&id, lang) {
        (Some(id), Lang::Ja) => format!("内部エラーが発生しました。管理者にお問い合わせください（エラーID: {id}）"),
        (Some(id), Lang::En) => {
            format!("An internal error occurred. Please contact your administrator (error id: {id})")
        }
        (None, _) => e.message(lang),
    };
    let body = ProblemDetails {
        kind: format!("about:blank#{}", e.kind()),
        title: title(e, lang),
        status: status.as_u16(),
        detail,
        errors: e
            .problems()
            .iter()
            .map(|p| FieldProblem { field: p.field.as_deref(), kind: &p.kind, message: p.message.get(lang) })
            .collect(),
        current_version: e.current_version(),
    };
    let json = serde_json::to_vec(&body).unwrap_or_default();
    let mut r = (status, json).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    r
}
