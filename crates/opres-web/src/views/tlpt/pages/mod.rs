//! Handlers and page models of the TLPT section, one file per screen; this file holds what they share.

use super::{charts, is_user_error, load, messages, page};
use crate::AppState;
use crate::auth::Caller;
use crate::edge::actor_of;
use crate::middleware::form_pairs;
use crate::views::upload::{Upload, read_upload};
use crate::views::{Ctx, Opt, Page, PageError, render, require};
use askama::Template;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use opres_app::tlpt::{
    BlueTeamForm, EngagementRead, FindingForm, LayerKind, RolloutCheckForm, StoredProgramme, TlptAppError, actor_sets,
    assess_options,
};
use opres_app::{Permission, today};
use opres_domain::report::ReportFormat;
use opres_domain::{InstitutionCode, Lang, Problem, ValidationErrors};
use opres_tlpt::assess::{self, Verdict};
use opres_tlpt::attack::AttackCatalogue;
use opres_tlpt::codes::{FindingStatus, RolloutStatus, RootCause, Severity};
use opres_tlpt::metrics::{self, format_duration};
use opres_tlpt::report::{Block, Tone};
use opres_tlpt::{Engagement, recurrence, rollout};
use std::collections::HashMap;

mod assessment;
mod engagement;
mod engagement_metrics;
mod findings;
mod management_report;
mod programme;
mod programmes;
mod rollout_checks;

pub(crate) use assessment::*;
pub(crate) use engagement::*;
pub(crate) use engagement_metrics::*;
pub(crate) use findings::*;
pub(crate) use management_report::*;
pub(crate) use programme::*;
pub(crate) use programmes::*;
pub(crate) use rollout_checks::*;
// ---------------------------------------------------------------- shared pieces

/// Which programme and engagement a page is about, for the breadcrumbs and tabs.
pub(crate) struct Nav {
    pub prog: String,
    pub prog_title: String,
    pub eng: String,
    pub eng_title: String,
    pub tab: &'static str,
    pub version: i64,
}

impl Nav {
    fn new(sp: &StoredProgramme, e: &Engagement, tab: &'static str, lang: Lang) -> Nav {
        Nav {
            prog: sp.key.clone(),
            prog_title: sp.programme.group.name.get(lang).to_string(),
            eng: e.id.to_string(),
            eng_title: e.title.get(lang).to_string(),
            tab,
            version: sp.version,
        }
    }

    /// `aria-current` for a tab.
    pub fn cur(&self, tab: &str) -> &'static str {
        if self.tab == tab { "page" } else { "false" }
    }
}

fn find_engagement<'a>(sp: &'a StoredProgramme, id: &str, lang: Lang) -> Result<&'a Engagement, PageError> {
    sp.programme.engagements.iter().find(|e| e.id.as_str() == id).ok_or(PageError::NotFound(lang))
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Good => "badge st-submitted",
        Verdict::Insufficient => "badge s-open",
        Verdict::NotEnoughData => "badge st-submitted_late",
    }
}

fn tone_class(t: Tone) -> &'static str {
    match t {
        Tone::Plain => "",
        Tone::Good => "badge st-submitted",
        Tone::Warn => "badge st-submitted_late",
        Tone::Bad => "badge s-open",
    }
}

fn severity_class(s: Severity) -> &'static str {
    if s.is_material() { "badge s-open" } else { "badge" }
}

fn dur(s: Option<i64>, lang: Lang) -> String {
    s.map(|s| format_duration(s, lang)).unwrap_or_else(|| "—".into())
}

fn pct(r: Option<f64>) -> String {
    r.map(|r| format!("{:.0}%", r * 100.0)).unwrap_or_else(|| "—".into())
}

fn or_dash(s: impl Into<String>) -> String {
    let s = s.into();
    if s.trim().is_empty() { "—".into() } else { s }
}

/// The status a refused edit is shown with: 409 when someone else saved first, else 422.
fn refusal_status(e: &TlptAppError) -> StatusCode {
    if matches!(e, TlptAppError::Conflict { .. }) { StatusCode::CONFLICT } else { StatusCode::UNPROCESSABLE_ENTITY }
}

async fn catalogue(s: &AppState, lang: Lang) -> Result<Option<AttackCatalogue>, PageError> {
    s.register.default_attack_catalogue().await.map_err(|e| PageError::internal(lang, e))
}

fn form_map(body: &Bytes) -> HashMap<String, String> {
    form_pairs(body).into_iter().collect()
}

fn get(form: &HashMap<String, String>, k: &str) -> String {
    form.get(k).cloned().unwrap_or_default()
}

fn version_of(form: &HashMap<String, String>) -> i64 {
    form.get("version").and_then(|v| v.trim().parse().ok()).unwrap_or(0)
}

/// One engagement of a programme the caller may see, read through the application (404 otherwise).
async fn engagement_read(
    s: &AppState,
    caller: &Caller,
    prog: &str,
    eng: &str,
    lang: Lang,
) -> Result<EngagementRead, PageError> {
    s.register.tlpt_engagement(&actor_of(caller, lang), prog, eng).await.map_err(|e| PageError::app(lang, e.into()))
}

/// Checks the permission first (a 403 whatever the object), then that the programme is visible.
async fn load_for_edit(
    s: &AppState,
    caller: &Caller,
    prog: &str,
    eng: &str,
    lang: Lang,
) -> Result<StoredProgramme, PageError> {
    require(caller, Permission::EditTlpt, lang)?;
    let sp = load(s, caller, prog, lang).await?;
    find_engagement(&sp, eng, lang)?;
    Ok(sp)
}

fn ids<T: std::fmt::Display>(v: &[T]) -> String {
    v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", ")
}

fn download(body: String, mime: &'static str, file: &str) -> Response {
    crate::download::attachment(file, &format!("{mime}; charset=utf-8"), body.into_bytes())
}
