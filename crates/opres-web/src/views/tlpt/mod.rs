//! The TLPT programme pages: engagements, metrics, findings and recurrences, rollout, assessment.
//!
//! A programme is stored whole (opres-app `tlpt`); each page loads it, asks the engine for what it shows
//! and turns the result into rows of text for the templates. Forms carry the programme's version, so an
//! edit based on a stale page is refused with a message instead of overwriting someone else's change.
//! Programmes are scoped by the register institution they belong to; the ATT&CK catalogue is shared.

mod charts;
mod pages;

use super::{Ctx, Page, PageError};
use crate::auth::Caller;
use crate::routes::Routes;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use opres_app::tlpt::{StoredProgramme, TlptAppError};
use opres_domain::Lang;

pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/tlpt", pages::list)
        .post("/tlpt/programmes", pages::import_programme.layer(DefaultBodyLimit::max(super::UPLOAD_LIMIT)))
        .post("/tlpt/attack", pages::import_attack.layer(DefaultBodyLimit::max(super::UPLOAD_LIMIT)))
        .get("/tlpt/{prog}", pages::programme)
        .get("/tlpt/{prog}/export", pages::export)
        .get("/tlpt/{prog}/{eng}", pages::engagement)
        .post("/tlpt/{prog}/{eng}/blue-team", pages::record_blue_team)
        .get("/tlpt/{prog}/{eng}/metrics", pages::metrics)
        .get("/tlpt/{prog}/{eng}/findings", pages::findings)
        .post("/tlpt/{prog}/{eng}/findings", pages::record_finding)
        .post("/tlpt/{prog}/{eng}/recurrences", pages::link_recurrences)
        .get("/tlpt/{prog}/{eng}/rollout", pages::rollout)
        .post("/tlpt/{prog}/{eng}/rollout", pages::record_rollout)
        .post("/tlpt/{prog}/{eng}/rollout/plan", pages::plan_rollout)
        .get("/tlpt/{prog}/{eng}/assessment", pages::assessment)
        .get("/tlpt/{prog}/{eng}/report", pages::report)
        .get("/tlpt/{prog}/{eng}/report/{format}", pages::report_download)
        .get("/tlpt/{prog}/{eng}/layer/{kind}", pages::layer)
}

/// Loads a programme the caller may see; any other is "not found", so its existence does not leak.
pub(crate) async fn load(
    s: &crate::AppState,
    caller: &Caller,
    key: &str,
    lang: Lang,
) -> Result<StoredProgramme, PageError> {
    match s.register.tlpt_programme(&crate::edge::actor_of(caller, lang), key).await {
        Ok(Some(p)) => Ok(p),
        Ok(None) => Err(PageError::NotFound(lang)),
        Err(TlptAppError::Store(e)) => Err(PageError::store(lang, e)),
        Err(e) => Err(PageError::internal(lang, e)),
    }
}

/// Form fields the catalogue has labels for (`tlpt.f.<field>`); other names (engine paths) are shown as is.
const FIELDS: &[&str] = &[
    "id",
    "engagement",
    "identified_on",
    "title",
    "severity",
    "root_cause",
    "technique",
    "systems",
    "due",
    "status",
    "person_days",
    "cost",
    "index",
    "checked_on",
    "new_finding",
    "at",
    "whom",
    "file",
    "institution",
];

/// Messages for the user: one per problem, naming the field by its label, in the page's language.
pub(crate) fn messages(e: &TlptAppError, p: &Page) -> Vec<String> {
    match e.fields() {
        Some(errs) => errs
            .iter()
            .map(|f| {
                let name = if FIELDS.contains(&f.field.as_str()) {
                    p.t(&format!("tlpt.f.{}", f.field)).to_string()
                } else {
                    f.field.clone()
                };
                format!("{name}: {}", f.problem.message(p.lang))
            })
            .collect(),
        None => vec![e.message(p.lang)],
    }
}

/// Whether an error is the user's to fix (shown on the form) rather than the server's.
pub(crate) fn is_user_error(e: &TlptAppError) -> bool {
    !matches!(e, TlptAppError::Store(_) | TlptAppError::Corrupt { .. })
}

/// The page context of the TLPT section.
pub(crate) async fn page(ctx: &Ctx) -> Page {
    ctx.page("tlpt").await
}
