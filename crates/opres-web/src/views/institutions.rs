//! Institutions and their systems.

use super::{Ctx, OrPage, Page, PageError, render, require};
use crate::AppState;
use crate::auth::Caller;
use crate::middleware::form_pairs;
use crate::routes::Routes;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use opres_app::Permission;
use opres_domain::record::{InstitutionRecord, SystemRecord};
use opres_domain::{Criticality, Institution, InstitutionCode, InstitutionType, Problem, System, ValidationErrors};
use opres_store::{StoreError, Stored};
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
    caller: &Caller,
    errors: Vec<String>,
    form: HashMap<String, String>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let store = s.register.store();
    let systems = store.list_systems(None).await.or_page(lang)?;
    let rows = store
        .list_institutions()
        .await
        .or_page(lang)?
        .into_iter()
        .filter(|i| caller.sees(&i.value.code))
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

async fn list(State(s): State<AppState>, ctx: Ctx, caller: Caller) -> Result<Response, PageError> {
    list_page(&s, &ctx, &caller, vec![], HashMap::new()).await
}

fn messages(errs: &ValidationErrors, page: &Page) -> Vec<String> {
    errs.iter().map(|e| format!("{}: {}", page.t(&format!("f.{}", e.field)), e.problem.message(page.lang))).collect()
}

fn store_messages(e: StoreError, page: &Page) -> Result<Vec<String>, PageError> {
    match e {
        StoreError::AlreadyExists { .. } | StoreError::UnknownReference { .. } | StoreError::Conflict { .. } => {
            Ok(vec![e.message(page.lang)])
        }
        other => Err(PageError::store(page.lang, other)),
    }
}

async fn create(State(s): State<AppState>, ctx: Ctx, caller: Caller, body: Bytes) -> Result<Response, PageError> {
    let lang = ctx.lang;
    require(&caller, Permission::ManageInstitutions, lang)?;
    let form: HashMap<String, String> = form_pairs(&body).into_iter().collect();
    let get = |k: &str| form.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let record = InstitutionRecord {
        code: get("code"),
        name_ja: get("name_ja"),
        name_en: get("name_en"),
        institution_type: get("institution_type"),
        lei: Some(get("lei")).filter(|v| !v.is_empty()),
    };
    let page = ctx.page("institutions").await;
    let value = match record.validate() {
        Ok(v) if caller.sees(&v.code) => v,
        Ok(v) => {
            let mut e = ValidationErrors::default();
            e.push("code", Problem::UnknownReference { value: v.code.to_string() });
            return list_page(&s, &ctx, &caller, messages(&e, &page), form).await;
        }
        Err(e) => return list_page(&s, &ctx, &caller, messages(&e, &page), form).await,
    };
    match s.register.store().create_institution(&value, &caller.audit()).await {
        Ok(_) => {
            ctx.flash("flash.created").await;
            Ok(Redirect::to(&format!("/institutions/{}", value.code)).into_response())
        }
        Err(e) => {
            let msgs = store_messages(e, &page)?;
            list_page(&s, &ctx, &caller, msgs, form).await
        }
    }
}

async fn detail_page(
    s: &AppState,
    ctx: &Ctx,
    caller: &Caller,
    code: &str,
    errors: Vec<String>,
    form: HashMap<String, String>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let code = InstitutionCode::parse(code).map_err(|_| PageError::NotFound(lang))?;
    if !caller.sees(&code) {
        return Err(PageError::NotFound(lang));
    }
    let store = s.register.store();
    let i = store.institution(&code).await.or_page(lang)?.ok_or(PageError::NotFound(lang))?;
    let systems = store.list_systems(Some(&code)).await.or_page(lang)?;
    let p = ctx.page("institutions").await;
    let criticalities = Criticality::ALL.iter().map(|c| Opt { code: c.code(), label: c.label(lang) }).collect();
    let status =
        if errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, render(lang, &DetailPage { p, i, systems, criticalities, errors, form })).into_response())
}

async fn detail(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    detail_page(&s, &ctx, &caller, &code, vec![], HashMap::new()).await
}

async fn create_system(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    require(&caller, Permission::EditInstitution, lang)?;
    let inst = InstitutionCode::parse(&code).map_err(|_| PageError::NotFound(lang))?;
    if !caller.sees(&inst) {
        return Err(PageError::NotFound(lang));
    }
    let form: HashMap<String, String> = form_pairs(&body).into_iter().collect();
    let get = |k: &str| form.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let record = SystemRecord {
        institution: code.clone(),
        code: get("code"),
        name: get("name"),
        owner: Some(get("owner")).filter(|v| !v.is_empty()),
        criticality: get("criticality"),
    };
    let page = ctx.page("institutions").await;
    let value = match record.validate() {
        Ok(v) => v,
        Err(e) => return detail_page(&s, &ctx, &caller, &code, messages(&e, &page), form).await,
    };
    match s.register.store().create_system(&value, &caller.audit()).await {
        Ok(_) => {
            ctx.flash("flash.created").await;
            Ok(Redirect::to(&format!("/institutions/{code}")).into_response())
        }
        Err(e) => {
            let msgs = store_messages(e, &page)?;
            detail_page(&s, &ctx, &caller, &code, msgs, form).await
        }
    }
}
