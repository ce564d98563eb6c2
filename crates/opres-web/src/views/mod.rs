//! The web UI: server-rendered pages (askama), in Japanese or English, with dates in the user's
//! time zone (JST unless they chose UTC). Errors are shown as a page with an id, never raw.

mod account;
mod analysis;
mod audit;
mod dashboard;
mod gap;
mod gap_roadmap;
mod incidents;
mod institutions;
mod login;
mod reports;
mod resilience;
mod tlpt;
pub(crate) mod upload;
mod users;

use crate::AppState;
use crate::auth::{Caller, MaybeCaller, csrf_token};
use crate::edge::RequestLang;
use crate::error::error_id;
use crate::i18n::Catalogue;
use crate::routes::Routes;
use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};
use opres_app::Permission;
use opres_domain::{JST, Lang};
use opres_store::{DisplayZone, StoreError};
use tower_sessions::Session;

/// A code and its label, for pick lists (the label in the page's language).
pub(crate) struct Opt {
    pub code: String,
    pub label: String,
}

/// Largest file upload: see [`crate::limits::UPLOAD_MAX`].
pub(crate) const UPLOAD_LIMIT: usize = crate::limits::UPLOAD_MAX;

pub(crate) fn routes(r: Routes) -> Routes {
    let r = login::routes(r);
    let r = dashboard::routes(r);
    let r = incidents::routes(r);
    let r = institutions::routes(r);
    let r = users::routes(r);
    let r = account::routes(r);
    let r = analysis::routes(r);
    let r = resilience::routes(r);
    let r = tlpt::routes(r);
    let r = reports::routes(r);
    let r = gap::routes(r);
    let r = gap_roadmap::routes(r);
    audit::routes(r)
}

/// Who is signed in, as the layout shows it.
#[derive(Debug, Clone)]
pub(crate) struct Badge {
    pub name: String,
    pub role: &'static str,
}

/// What every page's layout needs.
#[derive(Debug, Clone)]
pub(crate) struct Page {
    pub lang: Lang,
    pub cat: Catalogue,
    pub user: Option<Badge>,
    pub caller: Option<Caller>,
    pub csrf: String,
    pub section: &'static str,
    pub zone: DisplayZone,
    pub path: String,
    pub flash: Option<String>,
}

impl Page {
    /// A UI string.
    pub fn t(&self, key: &str) -> &'static str {
        self.cat.t(key)
    }

    /// The language, by value (templates pass fields by reference).
    pub fn l(&self) -> Lang {
        self.lang
    }

    /// A date-time in the user's zone, `2024-05-01 09:30`.
    pub fn dt<T: Val<DateTime<Utc>>>(&self, t: T) -> String {
        let t = &t.val();
        match self.zone {
            DisplayZone::Jst => t.with_timezone(&JST).format("%Y-%m-%d %H:%M").to_string(),
            DisplayZone::Utc => t.format("%Y-%m-%d %H:%M").to_string(),
        }
    }

    /// An optional date-time, or a dash.
    pub fn odt<T: Val<Option<DateTime<Utc>>>>(&self, t: T) -> String {
        t.val().as_ref().map(|t| self.dt(t)).unwrap_or_else(|| "—".into())
    }

    /// `JST` or `UTC`.
    pub fn zone_label(&self) -> &'static str {
        match self.zone {
            DisplayZone::Jst => "JST",
            DisplayZone::Utc => "UTC",
        }
    }

    /// The language to switch to.
    pub fn other_lang(&self) -> &'static str {
        match self.lang {
            Lang::Ja => "en",
            Lang::En => "ja",
        }
    }

    /// The switch's label, in the language it switches to.
    pub fn other_lang_label(&self) -> &'static str {
        match self.lang {
            Lang::Ja => "English",
            Lang::En => "日本語",
        }
    }

    /// Whether the signed-in user may do this (`create_incident`, `read_audit`, …).
    pub fn can(&self, what: &str) -> bool {
        let p = match what {
            "create_incident" => Permission::CreateIncident,
            "edit_incident" => Permission::EditIncident,
            "delete_incident" => Permission::DeleteIncident,
            "edit_institution" => Permission::EditInstitution,
            "manage_institutions" => Permission::ManageInstitutions,
            "read_audit" => Permission::ReadAudit,
            "manage_users" => Permission::ManageUsers,
            "classify" => Permission::Classify,
            "edit_resilience" => Permission::EditResilience,
            "edit_tlpt" => Permission::EditTlpt,
            "edit_gap" => Permission::EditGap,
            "approve_gap" => Permission::ApproveGap,
            _ => Permission::ReadRegister,
        };
        self.caller.as_ref().is_some_and(|c| c.can(p))
    }

    /// An audit action's label (`create` → 登録 / Created).
    pub fn action(&self, a: &str) -> &'static str {
        match a {
            "create"
            | "update"
            | "delete"
            | "sign_in"
            | "sign_in_failed"
            | "sign_out"
            | "role_change"
            | "import"
            | "revoke"
            | "password_change"
            | "add_timeline"
            | "add_report_submission" => self.t(&format!("action.{a}")),
            _ => self.t("action.other"),
        }
    }

    /// `aria-current` for the navigation link of this section.
    pub fn current(&self, section: &str) -> &'static str {
        if self.section == section { "page" } else { "false" }
    }

    /// A number with thousands separators.
    pub fn num<T: Val<u64>>(&self, n: T) -> String {
        group(n.val())
    }
}

/// A copyable value however many references deep a template passes it.
pub(crate) trait Val<T> {
    fn val(&self) -> T;
}

macro_rules! val {
    ($($t:ty),*) => {$(
        impl Val<$t> for $t {
            fn val(&self) -> $t {
                *self
            }
        }
    )*};
}
val!(u64, bool, DateTime<Utc>, Option<DateTime<Utc>>, Option<u64>);

impl<T, U: Val<T> + ?Sized> Val<T> for &U {
    fn val(&self) -> T {
        (**self).val()
    }
}

/// `1234567` → `1,234,567`.
pub(crate) fn group(n: u64) -> String {
    opres_domain::incident::thousands(n)
}

/// The request's page context: session, caller, language, CSRF token.
pub(crate) struct Ctx {
    pub caller: Option<Caller>,
    pub session: Option<Session>,
    pub lang: Lang,
    pub path: String,
    pub htmx: bool,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let MaybeCaller(caller) = MaybeCaller::from_request_parts(parts, state).await?;
        let session = parts.extensions.get::<Session>().cloned();
        // Resolved once per request by the edge's middleware.
        let RequestLang(lang) = RequestLang::from_request_parts(parts, state).await?;
        let path = parts.uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into());
        let htmx = parts.headers.contains_key("hx-request");
        Ok(Ctx { caller, session, lang, path, htmx })
    }
}

impl Ctx {
    /// The layout context for a page of `section`.
    pub async fn page(&self, section: &'static str) -> Page {
        let (csrf, flash) = match &self.session {
            // Removing marks the session changed (a write): only when there is a message.
            Some(s) => {
                let flash = match s.get::<String>("flash").await.ok().flatten() {
                    Some(f) => {
                        let _ = s.remove::<String>("flash").await;
                        Some(f)
                    }
                    None => None,
                };
                (csrf_token(s).await, flash)
            }
            None => (String::new(), None),
        };
        let cat = Catalogue(self.lang);
        Page {
            lang: self.lang,
            cat,
            user: self
                .caller
                .as_ref()
                .map(|c| Badge { name: c.user.value.display_name.clone(), role: c.user.value.role.label(self.lang) }),
            caller: self.caller.clone(),
            csrf,
            section,
            zone: self.caller.as_ref().map(|c| c.user.value.time_zone).unwrap_or_default(),
            path: self.path.clone(),
            flash,
        }
    }

    /// The signed-in user's time zone for dates (JST when signed out).
    pub fn zone(&self) -> DisplayZone {
        self.caller.as_ref().map(|c| c.user.value.time_zone).unwrap_or_default()
    }

    /// The signed-in user as the application sees them (pages that also serve signed-out visitors).
    pub fn actor(&self) -> Option<opres_app::Actor> {
        self.caller.as_ref().map(|c| crate::edge::actor_of(c, self.lang))
    }

    /// Leaves a one-time message for the next page.
    pub async fn flash(&self, key: &str) {
        if let Some(s) = &self.session {
            let _ = s.insert("flash", Catalogue(self.lang).t(key)).await;
        }
    }
}

/// A page that could not be shown.
pub(crate) enum PageError {
    NotFound(Lang),
    Forbidden(Lang),
    Internal(Lang, String),
}

impl PageError {
    pub fn store(lang: Lang, e: StoreError) -> PageError {
        match e {
            StoreError::NotFound { .. } => PageError::NotFound(lang),
            other => PageError::internal(lang, other),
        }
    }

    pub fn internal(lang: Lang, e: impl std::fmt::Display) -> PageError {
        let id = error_id();
        tracing::error!(error_id = %id, error = %e, "page failed");
        PageError::Internal(lang, id)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::NotFound(l) => error_page(l, StatusCode::NOT_FOUND, "error.not_found", None),
            PageError::Forbidden(l) => error_page(l, StatusCode::FORBIDDEN, "error.forbidden", None),
            PageError::Internal(l, id) => error_page(l, StatusCode::INTERNAL_SERVER_ERROR, "error.internal", Some(id)),
        }
    }
}

impl PageError {
    /// An application error on a page of a module that still answers with [`PageError`]:
    /// refusals keep their status, the rest is internal (logged with an id).
    pub fn app(lang: Lang, e: opres_app::AppError) -> PageError {
        match e {
            opres_app::AppError::NotFound { .. } => PageError::NotFound(lang),
            opres_app::AppError::Forbidden => PageError::Forbidden(lang),
            other => PageError::internal(lang, other),
        }
    }
}

/// The problems of a refused form, each with its field (`None`: the form as a whole) and its
/// message without the field's name (the form shows it next to the field, under its label).
/// Where a time is compared with another field, that field is named by its label too.
pub(crate) fn form_problems(e: &opres_app::AppError, cat: Catalogue) -> Vec<(Option<String>, String)> {
    let lang = cat.lang();
    let mut out: Vec<(Option<String>, String)> = e
        .problems()
        .iter()
        .map(|p| {
            let text = p.message.get(lang);
            let reason = match &p.field {
                Some(f) => text.strip_prefix(&format!("{f}: ")).unwrap_or(text),
                None => text,
            };
            let reason = if matches!(p.kind.as_str(), "before" | "requires") {
                reason.split(' ').map(|w| cat.get(&format!("f.{w}")).unwrap_or(w)).collect::<Vec<_>>().join(" ")
            } else {
                reason.to_string()
            };
            (p.field.clone(), reason)
        })
        .collect();
    if out.is_empty() {
        out.push((None, e.message(lang)));
    }
    out
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    lang: Lang,
    cat: Catalogue,
    status: u16,
    message_key: &'static str,
    error_id: Option<String>,
    details: Vec<String>,
}

impl ErrorPage {
    fn t(&self, key: &str) -> &'static str {
        self.cat.t(key)
    }
}

/// A minimal error page in the user's language; internal errors show only their id.
pub(crate) fn error_page(
    lang: Lang,
    status: StatusCode,
    message_key: &'static str,
    error_id: Option<String>,
) -> Response {
    error_page_with(lang, status, message_key, error_id, vec![])
}

/// An error page with the application's own words under the headline (what was refused and why).
pub(crate) fn error_page_with(
    lang: Lang,
    status: StatusCode,
    message_key: &'static str,
    error_id: Option<String>,
    details: Vec<String>,
) -> Response {
    let page = ErrorPage { lang, cat: Catalogue(lang), status: status.as_u16(), message_key, error_id, details };
    let html = page.render().unwrap_or_else(|_| "<!doctype html><title>opres</title><p>Error</p>".into());
    (status, Html(html)).into_response()
}

/// Renders a template, or an internal-error page.
pub(crate) fn render<T: Template>(lang: Lang, t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => PageError::internal(lang, e).into_response(),
    }
}

/// Checks a permission for a page.
pub(crate) fn require(caller: &Caller, p: Permission, lang: Lang) -> Result<(), PageError> {
    if caller.can(p) { Ok(()) } else { Err(PageError::Forbidden(lang)) }
}
