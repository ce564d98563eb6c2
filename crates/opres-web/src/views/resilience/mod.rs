//! The operational-resilience pages: important business, tolerances, maps, scenarios, results.
//!
//! Every page is scoped by institution (`/resilience/{code}/…`): a caller outside the institution's
//! scope gets "not found", a caller without `EditResilience` cannot change anything. The maps,
//! scenarios and runs are the register's versioned documents (opres-app's resilience use cases);
//! charts are SVG drawn by the engine on the server.

mod forms;
mod pages;

use super::{Ctx, PageError};
use crate::AppState;
use crate::auth::Caller;
use crate::routes::Routes;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use opres_app::Actor;
use opres_app::resilience::ResilienceError;
use opres_domain::{InstitutionCode, Lang};

pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/resilience", pages::index)
        .get("/resilience/formats", pages::formats)
        .get("/resilience/{code}", pages::overview)
        .get("/resilience/{code}/import", pages::import_form)
        .post("/resilience/{code}/import", pages::import.layer(DefaultBodyLimit::max(super::UPLOAD_LIMIT)))
        .get("/resilience/{code}/export/{format}", pages::export)
        .get("/resilience/{code}/services/new", pages::new_service)
        .post("/resilience/{code}/services", pages::create_service)
        .get("/resilience/{code}/services/{service}", pages::service)
        .post("/resilience/{code}/services/{service}", pages::update_service)
        .post("/resilience/{code}/services/{service}/tolerances", pages::save_tolerance)
        .post("/resilience/{code}/services/{service}/tolerances/delete", pages::delete_tolerance)
        .get("/resilience/{code}/services/{service}/flowchart/{format}", pages::flowchart)
        .get("/resilience/{code}/spof", pages::spof)
        .get("/resilience/{code}/concentration", pages::concentration)
        .get("/resilience/{code}/scenarios", pages::scenarios)
        .get("/resilience/{code}/scenarios/new", pages::new_scenario)
        .post("/resilience/{code}/scenarios", pages::create_scenario)
        .get("/resilience/{code}/scenarios/{scenario}", pages::edit_scenario)
        .post("/resilience/{code}/scenarios/{scenario}", pages::update_scenario)
        .post("/resilience/{code}/scenarios/{scenario}/run", pages::run)
        .get("/resilience/{code}/scenarios/{scenario}/results", pages::results)
        .get("/resilience/{code}/report", pages::report)
        .get("/resilience/{code}/report.md", pages::report_md)
}

/// The institution in the path, if the caller may see it and it is registered; otherwise "not found"
/// (an institution outside the caller's scope is not told apart from one that does not exist).
async fn scoped(s: &AppState, ctx: &Ctx, caller: &Caller, code: &str) -> Result<(InstitutionCode, String), PageError> {
    let lang = ctx.lang;
    let code = InstitutionCode::parse(code).map_err(|_| PageError::NotFound(lang))?;
    let actor = crate::edge::actor_of(caller, lang);
    let inst = s.register.institution(&actor, &code).await.map_err(|e| PageError::app(lang, e))?;
    let name = inst.value.name(lang).to_string();
    Ok((code, name))
}

/// The actor of a page request (every resilience page has a signed-in caller).
fn actor(ctx: &Ctx) -> Result<Actor, PageError> {
    ctx.caller.as_ref().map(|c| crate::edge::actor_of(c, ctx.lang)).ok_or(PageError::Forbidden(ctx.lang))
}

/// What a refused change shows on the form: the summary and every problem; failures of the system
/// become an error page with an id instead.
fn messages(e: ResilienceError, lang: Lang) -> Result<(u16, Vec<String>), PageError> {
    match e {
        ResilienceError::Store(se) => Err(PageError::store(lang, se)),
        ResilienceError::Forbidden => Err(PageError::Forbidden(lang)),
        e @ (ResilienceError::Worker(_) | ResilienceError::Corrupt(_) | ResilienceError::Export(_)) => {
            Err(PageError::internal(lang, e))
        }
        ResilienceError::NotFound { .. } | ResilienceError::UnknownInstitution(_) => Err(PageError::NotFound(lang)),
        e => {
            let status = match e {
                ResilienceError::Conflict { .. } => 409,
                _ => 422,
            };
            let mut out = vec![e.message(lang)];
            out.extend(e.issues().iter().map(|i| i.message(lang)));
            Ok((status, out))
        }
    }
}

/// Maps a use case's failure to an error page (for reads).
fn read_error(e: ResilienceError, lang: Lang) -> PageError {
    match e {
        ResilienceError::Store(se) => PageError::store(lang, se),
        ResilienceError::Forbidden => PageError::Forbidden(lang),
        ResilienceError::NotFound { .. } | ResilienceError::UnknownInstitution(_) | ResilienceError::NoMap(_) => {
            PageError::NotFound(lang)
        }
        other => PageError::internal(lang, other),
    }
}
