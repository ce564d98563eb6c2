//! Institutions and their systems.

use super::{Ctx, Page, form_problems, render};
use crate::AppState;
use crate::edge::Failed;
use crate::middleware::form_pairs;
use crate::routes::Routes;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use opres_app::{Actor, AppError, Noun};
use opres_domain::record::{InstitutionRecord, SystemRecord};
use opres_domain::{Criticality, Institution, InstitutionCode, InstitutionType, System};
use opres_store::Stored;
use std::collections::HashMap;

pub(super) fn routes(r: Routes) -> Routes {
    r.get("/institutions", list)
        .post("/institutions", create)
        .get("/institutions/{code}", detail)
        .post("/institutions/{code}/systems", create_system)
}

pub(crate) struct InstRow {
    pub code: String,
    pub name: String,
    pub kind: &'static str,
    pub systems: usize,
}

pub(crate) struct Opt {
    pub code: &'static str,
    pub label: &'static str,
}

#[derive(Template)]
#[template(path = "institutions/list.html")]
struct ListPage {
    p: Page,
    rows: Vec<InstRow>,
    types: Vec<Opt>,
    errors: Vec<String>,
    form: HashMap<String, String>,
}

impl ListPage {
    fn v(&self, k: &str) -> &str {
        self.form.get(k).map(String::as_str).unwrap_or("")
    }
}

#[derive(Template)]
#[template(path = "institutions/detail.html")]
struct DetailPage {
    p: Page,
    i: Stored<Institution>,
    systems: Vec<Stored<System>>,
    criticalities: Vec<Opt>,
    errors: Vec<String>,
    form: HashMap<String, String>,
}

impl DetailPage {
    fn v(&self, k: &str) -> &str {
        self.form.get(k).map(String::as_str).unwrap_or("")
    }
}

async fn list_page(
    s: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    errors: Vec<String>,
    form: HashMap<String, String>,
) -> Result<Response, Failed> {
    let lang = ctx.lang;
    let systems = s.register.all_systems(actor).await?;
    let rows = s
        .register
        .institutions(actor)
        .await?
        .into_iter()
        .map(|i| InstRow {
            systems: systems.iter().filter(|x| x.value.institution == i.value.code).count(),
            code: i.value.code.to_string(),
            name: i.value.name(lang).to_string(),
            kind: i.value.institution_type.label(lang),
        })
        .collect();
    let p = ctx.page("institutions").await;
    let types = InstitutionType::ALL.iter().map(|t| Opt { code: t.code(), label: t.label(lang) }).collect();
    let status =
        if errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, render(lang, &ListPage { p, rows, types, errors, form })).into_response())
}

async fn list(State(s): State<AppState>, ctx: Ctx, actor: Actor) -> Result<Response, Failed> {
    list_page(&s, &ctx, &actor, vec![], HashMap::new()).await
}

/// What the user can correct, one line each (under the field's label); anything else is the
/// error page.
fn refusal(e: AppError, page: &Page) -> Result<Vec<String>, Failed> {
    match &e {
        AppError::Invalid { .. } => Ok(form_problems(&e, page.cat)
            .into_iter()
            .map(|(field, message)| match field {
                Some(f) => format!("{}: {message}", page.t(&format!("f.{f}"))),
                None => message,
            })
            .collect()),
        AppError::Refused { .. } | AppError::Conflict { .. } => Ok(vec![e.message(page.lang)]),
        _ => Err(e.into()),
    }
}

async fn create(State(s): State<AppState>, ctx: Ctx, actor: Actor, body: Bytes) -> Result<Response, Failed> {
    let form: HashMap<String, String> = form_pairs(&body).into_iter().collect();
    let get = |k: &str| form.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let record = InstitutionRecord {
        code: get("code"),
        name_ja: get("name_ja"),
        name_en: get("name_en"),
        institution_type: get("institution_type"),
        lei: Some(get("lei")).filter(|v| !v.is_empty()),
    };
    match s.register.create_institution(&actor, record).await {
        Ok(created) => {
            ctx.flash("flash.created").await;
            Ok(Redirect::to(&format!("/institutions/{}", created.value.code)).into_response())
        }
        Err(e) => {
            let msgs = refusal(e, &ctx.page("institutions").await)?;
            list_page(&s, &ctx, &actor, msgs, form).await
        }
    }
}

/// An institution code in a page's URL: one that cannot be a code names no institution.
fn code_in_path(code: &str) -> Result<InstitutionCode, AppError> {
    InstitutionCode::parse(code).map_err(|_| AppError::not_found(Noun::Institution, code))
}

async fn detail_page(
    s: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    code: &str,
    errors: Vec<String>,
    form: HashMap<String, String>,
) -> Result<Response, Failed> {
    let lang = ctx.lang;
    let code = code_in_path(code)?;
    let i = s.register.institution(actor, &code).await?;
    let systems = s.register.systems(actor, &code).await?;
    let p = ctx.page("institutions").await;
    let criticalities = Criticality::ALL.iter().map(|c| Opt { code: c.code(), label: c.label(lang) }).collect();
    let status =
        if errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, render(lang, &DetailPage { p, i, systems, criticalities, errors, form })).into_response())
}

async fn detail(
    State(s): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(code): Path<String>,
) -> Result<Response, Failed> {
    detail_page(&s, &ctx, &actor, &code, vec![], HashMap::new()).await
}

async fn create_system(
    State(s): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response, Failed> {
    let institution = code_in_path(&code)?;
    let form: HashMap<String, String> = form_pairs(&body).into_iter().collect();
    let get = |k: &str| form.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let record = SystemRecord {
        institution: code.clone(),
        code: get("code"),
        name: get("name"),
        owner: Some(get("owner")).filter(|v| !v.is_empty()),
        criticality: get("criticality"),
    };
    match s.register.create_system(&actor, &institution, record).await {
        Ok(_) => {
            ctx.flash("flash.created").await;
            Ok(Redirect::to(&format!("/institutions/{code}")).into_response())
        }
        Err(e) => {
            let msgs = refusal(e, &ctx.page("institutions").await)?;
            detail_page(&s, &ctx, &actor, &code, msgs, form).await
        }
    }
}
