//! Handlers and view models of the resilience pages.

use super::forms::{self, Form};
use super::{actor, messages, read_error, scoped};
use crate::AppState;
use crate::auth::Caller;
use crate::middleware::form_pairs;
use crate::views::{Ctx, Opt, Page, PageError, group, render, require};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use opres_app::Actor;
use opres_app::Permission;
use opres_app::resilience::{
    FlowchartFormat, MapExport, MapFile, MapRead, ReportFormat, ResilienceError, RunDoc, ScenarioDoc, StoredMap,
    invalid_input,
};
use opres_app::today;
use opres_domain::{InstitutionCode, JST, Lang};
use opres_resilience::engine::{Metric, MetricCheck};
use opres_resilience::scenario::fmt_minutes;
use opres_resilience::{
    DependencyMap, ImpactTolerance, LossTarget, Regulator, ResourceKind, Restoration, ScenarioKind, report,
};
use std::collections::HashMap;

type Params = Query<HashMap<String, String>>;

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY)
}

fn yen(v: u64) -> String {
    format!("¥{}", group(v))
}

fn pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

use crate::download::attachment as download;

// ---------------------------------------------------------------- index

pub(crate) struct InstRow {
    pub code: String,
    pub name: String,
    pub map: Option<String>,
    pub version: i64,
    pub updated: Option<chrono::DateTime<chrono::Utc>>,
    pub scenarios: usize,
}

#[derive(Template)]
#[template(path = "resilience/index.html")]
struct IndexPage {
    p: Page,
    rows: Vec<InstRow>,
    any_map: bool,
}

pub(super) async fn index(State(s): State<AppState>, ctx: Ctx, caller: Caller) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let reg = &s.register;
    let maps = reg.resilience_maps(&actor(&ctx)?).await.map_err(|e| read_error(e, lang))?;
    let scenarios = reg.resilience_scenario_summaries(&actor(&ctx)?).await.map_err(|e| read_error(e, lang))?;
    let rows: Vec<InstRow> = reg
        .institutions(&crate::edge::actor_of(&caller, lang))
        .await
        .map_err(|e| PageError::app(lang, e))?
        .into_iter()
        .map(|i| {
            let code = i.value.code.to_string();
            let m = maps.iter().find(|m| m.key == code);
            let prefix = format!("{code}/");
            InstRow {
                name: i.value.name(lang).to_string(),
                map: m.map(|m| m.title.clone()),
                version: m.map(|m| m.version).unwrap_or(0),
                updated: m.map(|m| m.updated_at),
                scenarios: scenarios.iter().filter(|d| d.key.starts_with(&prefix)).count(),
                code,
            }
        })
        .collect();
    let any_map = rows.iter().any(|r| r.map.is_some());
    let p = ctx.page("resilience").await;
    Ok(render(lang, &IndexPage { p, rows, any_map }))
}

#[derive(Template)]
#[template(path = "resilience/formats.html")]
struct FormatsPage {
    p: Page,
    text: &'static str,
}

/// The file formats, from the repository's documentation, compiled in (no link out of the closed network).
pub(super) async fn formats(ctx: Ctx, _caller: Caller) -> Response {
    let p = ctx.page("resilience").await;
    render(ctx.lang, &FormatsPage { p, text: include_str!("../../../../../docs/resilience-formats.md") })
}

// ---------------------------------------------------------------- overview

pub(crate) struct TolRow {
    pub index: usize,
    pub regulator: &'static str,
    pub duration: String,
    pub rlo: String,
    pub limits: String,
    pub cutoff: String,
    pub rationale: String,
}

pub(crate) struct SvcRow {
    pub id: String,
    pub name: String,
    pub score: u8,
    pub rationale: String,
    pub owner: String,
    pub last_reviewed: String,
    pub next_review: String,
    pub overdue: bool,
    pub tolerances: Vec<TolRow>,
    pub spofs: usize,
}

fn tol_rows(tols: &[ImpactTolerance], p: &Page) -> Vec<TolRow> {
    let lang = p.lang;
    tols.iter()
        .enumerate()
        .map(|(index, t)| {
            let mut limits = Vec::new();
            if let Some(v) = t.max_transactions {
                limits.push(format!("{} {}", p.t("res.limit.transactions"), group(v)));
            }
            if let Some(v) = t.max_value_yen {
                limits.push(format!("{} {}", p.t("res.limit.value"), yen(v)));
            }
            if let Some(v) = t.max_users {
                limits.push(format!("{} {}", p.t("res.limit.users"), group(v)));
            }
            if let Some(v) = t.max_complaints {
                limits.push(format!("{} {}", p.t("res.limit.complaints"), group(v)));
            }
            TolRow {
                index,
                regulator: t.regulator.label(lang),
                duration: fmt_minutes(t.max_duration_minutes, lang),
                rlo: t.rlo_percent.map(|v| format!("{v}%")).unwrap_or_else(|| "—".into()),
                limits: if limits.is_empty() { "—".into() } else { limits.join(" / ") },
                cutoff: t.cutoff.map(|c| c.to_string()).unwrap_or_else(|| "—".into()),
                rationale: lang.pick(&t.rationale_ja, &t.rationale_en).to_string(),
            }
        })
        .collect()
}

fn svc_rows(map: &DependencyMap, p: &Page) -> Vec<SvcRow> {
    let lang = p.lang;
    let spofs = MapRead::of(map).spof();
    let today = today();
    map.services()
        .iter()
        .map(|s| SvcRow {
            id: s.id.to_string(),
            name: s.name(lang).to_string(),
            score: s.score(),
            rationale: s.rationale(lang).to_string(),
            owner: s.owner.clone(),
            last_reviewed: s.last_reviewed.to_string(),
            next_review: s.next_review.to_string(),
            overdue: s.review_overdue(today),
            tolerances: tol_rows(&s.tolerances, p),
            spofs: spofs.services.iter().find(|x| x.service == s.id.as_str()).map(|x| x.resources.len()).unwrap_or(0),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "resilience/overview.html")]
struct OverviewPage {
    p: Page,
    code: String,
    name: String,
    map: Option<StoredMap>,
    services: Vec<SvcRow>,
    overdue: usize,
    scenarios: usize,
}

pub(super) async fn overview(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let (code, name) = scoped(&s, &ctx, &caller, &code).await?;
    let map = s.register.resilience_map(&actor(&ctx)?, &code).await.map_err(|e| read_error(e, lang))?;
    let scenarios = s.register.resilience_scenarios(&actor(&ctx)?, &code).await.map_err(|e| read_error(e, lang))?.len();
    let p = ctx.page("resilience").await;
    let services = map.as_ref().map(|m| svc_rows(&m.map, &p)).unwrap_or_default();
    let overdue = services.iter().filter(|s| s.overdue).count();
    Ok(render(lang, &OverviewPage { p, code: code.to_string(), name, map, services, overdue, scenarios }))
}

// ---------------------------------------------------------------- import / export

#[derive(Template)]
#[template(path = "resilience/import.html")]
struct ImportPage {
    p: Page,
    code: String,
    name: String,
    version: Option<i64>,
    has_services: bool,
    errors: Vec<String>,
}

async fn import_page(
    s: &AppState,
    ctx: &Ctx,
    code: &InstitutionCode,
    name: String,
    errors: Vec<String>,
    code_status: u16,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let current = s.register.resilience_map(&actor(ctx)?, code).await.map_err(|e| read_error(e, lang))?;
    let p = ctx.page("resilience").await;
    let page = ImportPage {
        p,
        code: code.to_string(),
        name,
        version: current.as_ref().map(|c| c.version),
        has_services: current.as_ref().is_some_and(|c| !c.map.services().is_empty()),
        errors,
    };
    Ok((status(code_status), render(lang, &page)).into_response())
}

pub(super) async fn import_form(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    require(&caller, Permission::EditResilience, ctx.lang)?;
    let (code, name) = scoped(&s, &ctx, &caller, &code).await?;
    import_page(&s, &ctx, &code, name, vec![], 200).await
}

/// Why an upload was not read.
enum UploadRefused {
    /// Past [`crate::limits::UPLOAD_MAX`].
    TooLarge,
    /// Not a multipart form of files.
    Unreadable,
}

/// Reads the upload: the files and the version the user saw. The multipart body is read only after the
/// permission and scope checks, so a refused caller never makes the server read an upload.
async fn read_upload(s: &AppState, req: Request) -> Result<(Vec<MapFile>, Option<i64>), UploadRefused> {
    let mut mp = Multipart::from_request(req, s).await.map_err(|_| UploadRefused::Unreadable)?;
    let mut files = Vec::new();
    let mut version = None;
    while let Ok(Some(field)) = mp.next_field().await {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = field.bytes().await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                UploadRefused::TooLarge
            } else {
                UploadRefused::Unreadable
            }
        })?;
        match (name.as_str(), file_name) {
            ("version", _) => version = std::str::from_utf8(&bytes).ok().and_then(|v| v.trim().parse().ok()),
            ("files", Some(f)) if !f.is_empty() && !bytes.is_empty() => {
                files.push(MapFile { name: f, bytes: bytes.to_vec() })
            }
            _ => {}
        }
    }
    Ok((files, version))
}

pub(super) async fn import(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path(code): Path<String>,
    req: Request,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    require(&caller, Permission::EditResilience, lang)?;
    let (code, name) = scoped(&s, &ctx, &caller, &code).await?;
    let (files, version) = match read_upload(&s, req).await {
        Ok(read) => read,
        Err(refused) => {
            let msg = match refused {
                UploadRefused::TooLarge => crate::limits::too_large_message(crate::limits::UPLOAD_MAX, lang),
                UploadRefused::Unreadable => ResilienceError::BadFiles.message(lang),
            };
            return import_page(&s, &ctx, &code, name, vec![msg], 422).await;
        }
    };
    match s.register.import_resilience_map(&actor(&ctx)?, &code, &files, version).await {
        Ok(_) => {
            ctx.flash("res.flash.imported").await;
            Ok(Redirect::to(&format!("/resilience/{code}")).into_response())
        }
        Err(e) => {
            let (st, msgs) = messages(e, lang)?;
            import_page(&s, &ctx, &code, name, msgs, st).await
        }
    }
}

pub(super) async fn export(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((code, format)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let (code, _) = scoped(&s, &ctx, &caller, &code).await?;
    let f = MapExport::parse(&format).ok_or(PageError::NotFound(lang))?;
    let file = s.register.export_resilience_map(&actor(&ctx)?, &code, f).await.map_err(|e| read_error(e, lang))?;
    Ok(download(&file.name, file.content_type, file.bytes))
}

// ---------------------------------------------------------------- services and tolerances

#[derive(Template)]
#[template(path = "resilience/service_new.html")]
struct NewServicePage {
    p: Page,
    code: String,
    name: String,
    version: Option<i64>,
    regulators: Vec<Opt>,
    errors: Vec<String>,
    form: HashMap<String, String>,
}

impl NewServicePage {
    fn v(&self, k: &str) -> &str {
        self.form.get(k).map(String::as_str).unwrap_or("")
    }
}

fn regulators(lang: Lang) -> Vec<Opt> {
    Regulator::ALL.iter().map(|r| Opt { code: r.code().into(), label: r.label(lang).into() }).collect()
}

pub(super) async fn new_service(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    require(&caller, Permission::EditResilience, lang)?;
    let (code, name) = scoped(&s, &ctx, &caller, &code).await?;
    let version =
        s.register.resilience_map(&actor(&ctx)?, &code).await.map_err(|e| read_error(e, lang))?.map(|m| m.version);
    let t = today();
    let form: HashMap<String, String> = [
        ("customer_impact", "3".to_string()),
        ("last_reviewed", t.to_string()),
        ("next_review", t.checked_add_months(chrono::Months::new(12)).unwrap_or(t).to_string()),
        ("t_regulator", "fsa".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let p = ctx.page("resilience").await;
    let page =
        NewServicePage { p, code: code.to_string(), name, version, regulators: regulators(lang), errors: vec![], form };
    Ok(render(lang, &page))
}

pub(super) async fn create_service(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    require(&caller, Permission::EditResilience, lang)?;
    let (code, name) = scoped(&s, &ctx, &caller, &code).await?;
    let mut f = Form::new(form_pairs(&body), lang);
    let svc = forms::service(&mut f, None);
    let tol = forms::tolerance(&mut f, "t_");
    let version = f.version();
    let form = f.values.clone();
    let result = match (svc, f.done()) {
        (Some(mut svc), Ok(())) => {
            svc.tolerances.push(tol);
            let id = svc.id.to_string();
            s.register.save_resilience_service(&actor(&ctx)?, &code, version, None, svc).await.map(|_| id)
        }
        (_, Err(issues)) => Err(invalid_input(issues)),
        (None, Ok(())) => Err(invalid_input(vec![])),
    };
    match result {
        Ok(id) => {
            ctx.flash("flash.created").await;
            Ok(Redirect::to(&format!("/resilience/{code}/services/{id}")).into_response())
        }
        Err(e) => {
            let (st, errors) = messages(e, lang)?;
            let p = ctx.page("resilience").await;
            let page =
                NewServicePage { p, code: code.to_string(), name, version, regulators: regulators(lang), errors, form };
            Ok((status(st), render(lang, &page)).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "resilience/service.html")]
struct ServicePage {
    p: Page,
    code: String,
    name: String,
    version: i64,
    svc: SvcRow,
    svg: String,
    spofs: Vec<Opt>,
    regulators: Vec<Opt>,
    /// The service form's values.
    form: HashMap<String, String>,
    /// The tolerance form's values, and which tolerance it edits (`None`: a new one).
    tform: HashMap<String, String>,
    tindex: Option<usize>,
    errors: Vec<String>,
}

impl ServicePage {
    fn v(&self, k: &str) -> &str {
        self.form.get(k).map(String::as_str).unwrap_or("")
    }
    fn tv(&self, k: &str) -> &str {
        self.tform.get(k).map(String::as_str).unwrap_or("")
    }
}

fn service_form(s: &opres_resilience::ImportantBusinessService) -> HashMap<String, String> {
    let c = &s.criteria;
    let r = &s.rates;
    let mut m = HashMap::new();
    for (k, v) in [
        ("name_ja", s.name_ja.clone()),
        ("name_en", s.name_en.clone()),
        ("owner", s.owner.clone()),
        ("rationale_ja", s.rationale_ja.clone()),
        ("rationale_en", s.rationale_en.clone()),
        ("customer_impact", c.customer_impact.to_string()),
        ("customers", c.customers.to_string()),
        ("transactions_per_day", c.transactions_per_day.to_string()),
        ("value_per_day_yen", c.value_per_day_yen.to_string()),
        ("has_cutoff", if c.has_cutoff { "on".into() } else { String::new() }),
        ("last_reviewed", s.last_reviewed.to_string()),
        ("next_review", s.next_review.to_string()),
        ("transactions_per_hour", r.transactions_per_hour.to_string()),
        ("value_per_hour_yen", r.value_per_hour_yen.to_string()),
        ("users_per_hour", r.users_per_hour.to_string()),
        ("complaints_per_hour", r.complaints_per_hour.to_string()),
    ] {
        m.insert(k.to_string(), v);
    }
    m
}

fn tolerance_form(t: Option<&ImpactTolerance>) -> HashMap<String, String> {
    let mut m = HashMap::new();
    let Some(t) = t else {
        m.insert("regulator".into(), "fsa".into());
        return m;
    };
    let o = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
    for (k, v) in [
        ("regulator", t.regulator.code().to_string()),
        ("max_duration_minutes", t.max_duration_minutes.to_string()),
        ("rlo_percent", t.rlo_percent.map(|v| v.to_string()).unwrap_or_default()),
        ("max_transactions", o(t.max_transactions)),
        ("max_value_yen", o(t.max_value_yen)),
        ("max_users", o(t.max_users)),
        ("max_complaints", o(t.max_complaints)),
        ("cutoff", t.cutoff.map(|c| c.to_string()).unwrap_or_default()),
        ("rationale_ja", t.rationale_ja.clone()),
        ("rationale_en", t.rationale_en.clone()),
    ] {
        m.insert(k.to_string(), v);
    }
    m
}

/// What the service page shows besides its forms.
struct ServiceView {
    version: i64,
    svc: SvcRow,
    svg: String,
    spofs: Vec<Opt>,
    stored: opres_resilience::ImportantBusinessService,
}

async fn service_view(
    s: &AppState,
    actor: &Actor,
    code: &InstitutionCode,
    id: &str,
    p: &Page,
) -> Result<ServiceView, PageError> {
    let lang = p.lang;
    let m = s.register.require_resilience_map(actor, code).await.map_err(|e| read_error(e, lang))?;
    let stored = m.map.services().iter().find(|x| x.id.as_str() == id).cloned().ok_or(PageError::NotFound(lang))?;
    let svc = svc_rows(&m.map, p).into_iter().find(|x| x.id == id).ok_or(PageError::NotFound(lang))?;
    let hard = m.read().service_spofs(id);
    let spofs = hard
        .iter()
        .map(|r| Opt {
            code: r.clone(),
            label: m.map.index_of(r).map(|i| m.map.node_name(i, lang).to_string()).unwrap_or_default(),
        })
        .collect();
    let svg = m.read().flowchart(Some(id), FlowchartFormat::Svg, lang).unwrap_or_default();
    Ok(ServiceView { version: m.version, svc, svg, spofs, stored })
}

#[allow(clippy::too_many_arguments)]
async fn service_page(
    s: &AppState,
    ctx: &Ctx,
    code: &InstitutionCode,
    name: String,
    id: &str,
    form: Option<HashMap<String, String>>,
    tform: Option<(HashMap<String, String>, Option<usize>)>,
    errors: Vec<String>,
    st: u16,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let p = ctx.page("resilience").await;
    let v = service_view(s, &actor(ctx)?, code, id, &p).await?;
    let form = form.unwrap_or_else(|| service_form(&v.stored));
    let (tform, tindex) = tform.unwrap_or_else(|| (tolerance_form(None), None));
    let page = ServicePage {
        p,
        code: code.to_string(),
        name,
        version: v.version,
        svc: v.svc,
        svg: v.svg,
        spofs: v.spofs,
        regulators: regulators(lang),
        form,
        tform,
        tindex,
        errors,
    };
    Ok((status(st), render(lang, &page)).into_response())
}

pub(super) async fn service(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((code, id)): Path<(String, String)>,
    Query(q): Params,
) -> Result<Response, PageError> {
    let (code, name) = scoped(&s, &ctx, &caller, &code).await?;
    // `?tolerance=N` puts tolerance N into the tolerance form for editing.
    let tform = match q.get("tolerance").and_then(|v| v.parse::<usize>().ok()) {
        Some(i) => {
            let m =
                s.register.require_resilience_map(&actor(&ctx)?, &code).await.map_err(|e| read_error(e, ctx.lang))?;
            let t = m.map.services().iter().find(|x| x.id.as_str() == id).and_then(|x| x.tolerances.get(i));
            t.map(|t| (tolerance_form(Some(t)), Some(i)))
        }
        None => None,
    };
    service_page(&s, &ctx, &code, name, &id, None, tform, vec![], 200).await
}

pub(super) async fn update_service(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((code, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    require(&caller, Permission::EditResilience, lang)?;
    let (code, name) = scoped(&s, &ctx, &caller, &code).await?;
    let mut f = Form::new(form_pairs(&body), lang);
    let node = opres_resilience::NodeId::parse(&id).map_err(|_| PageError::NotFound(lang))?;
    let svc = forms::service(&mut f, Some(node));
    let version = f.version();
    let form = f.values.clone();
    let result = match (svc, f.done()) {
        (Some(svc), Ok(())) => {
            s.register.save_resilience_service(&actor(&ctx)?, &code, version, Some(&id), svc).await.map(|_| ())
        }
        (_, Err(issues)) => Err(invalid_input(issues)),
        (None, Ok(())) => Err(invalid_input(vec![])),
    };
    match result {
        Ok(()) => {
            ctx.flash("flash.saved").await;
            Ok(Redirect::to(&format!("/resilience/{code}/services/{id}")).into_response())
        }
        Err(e) => {
            let (st, errors) = messages(e, lang)?;
            service_page(&s, &ctx, &code, name, &id, Some(form), None, errors, st).await
        }
    }
}

pub(super) async fn save_tolerance(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((code, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    require(&caller, Permission::EditResilience, lang)?;
    let (code, name) = scoped(&s, &ctx, &caller, &code).await?;
    let mut f = Form::new(form_pairs(&body), lang);
    let tol = forms::tolerance(&mut f, "");
    let index = f.text("index").parse::<usize>().ok();
    let version = f.version().unwrap_or(0);
    let form = f.values.clone();
    let result = match f.done() {
        Ok(()) => {
            s.register.save_resilience_tolerance(&actor(&ctx)?, &code, version, &id, index, tol).await.map(|_| ())
        }
        Err(issues) => Err(invalid_input(issues)),
    };
    match result {
        Ok(()) => {
            ctx.flash("flash.saved").await;
            Ok(Redirect::to(&format!("/resilience/{code}/services/{id}")).into_response())
        }
        Err(e) => {
            let (st, errors) = messages(e, lang)?;
            service_page(&s, &ctx, &code, name, &id, None, Some((form, index)), errors, st).await
        }
    }
}

pub(super) async fn delete_tolerance(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((code, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    require(&caller, Permission::EditResilience, lang)?;
    let (code, name) = scoped(&s, &ctx, &caller, &code).await?;
    let f = Form::new(form_pairs(&body), lang);
    let version = f.version().unwrap_or(0);
    let Ok(index) = f.text("index").parse::<usize>() else { return Err(PageError::NotFound(lang)) };
    match s.register.delete_resilience_tolerance(&actor(&ctx)?, &code, version, &id, index).await {
        Ok(_) => {
            ctx.flash("res.flash.tolerance_deleted").await;
            Ok(Redirect::to(&format!("/resilience/{code}/services/{id}")).into_response())
        }
        Err(e) => {
            let (st, errors) = messages(e, lang)?;
            service_page(&s, &ctx, &code, name, &id, None, None, errors, st).await
        }
    }
}

pub(super) async fn flowchart(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((code, id, format)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let (code, _) = scoped(&s, &ctx, &caller, &code).await?;
    let format = FlowchartFormat::parse(&format).ok_or(PageError::NotFound(lang))?;
    let file = s
        .register
        .resilience_flowchart(&actor(&ctx)?, &code, &id, format, lang)
        .await
        .map_err(|e| read_error(e, lang))?;
    Ok(download(&file.name, file.content_type, file.bytes))
}

// ---------------------------------------------------------------- SPOF and concentration

pub(crate) struct SpofSvc {
    pub id: String,
    pub name: String,
    pub resources: Vec<Opt>,
}

pub(crate) struct SpofRes {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub services: String,
    pub count: usize,
}

pub(crate) struct SoftRow {
    pub node: String,
    pub primary: String,
    pub standby: String,
    pub p: String,
    pub minutes: String,
    pub services: String,
    pub score: String,
}

#[derive(Template)]
#[template(path = "resilience/spof.html")]
struct SpofPage {
    p: Page,
    code: String,
    name: String,
    services: Vec<SpofSvc>,
    resources: Vec<SpofRes>,
    soft: Vec<SoftRow>,
}

fn names(map: &DependencyMap, ids: &[String], lang: Lang) -> String {
    ids.iter()
        .map(|id| map.index_of(id).map(|i| map.node_name(i, lang).to_string()).unwrap_or_else(|| id.clone()))
        .collect::<Vec<_>>()
        .join("、")
}

fn label(map: &DependencyMap, id: &str, lang: Lang) -> String {
    map.index_of(id).map(|i| map.node_name(i, lang).to_string()).unwrap_or_default()
}

pub(super) async fn spof(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let (code, name) = scoped(&s, &ctx, &caller, &code).await?;
    let (m, r) = s.register.resilience_spof(&actor(&ctx)?, &code).await.map_err(|e| read_error(e, lang))?;
    let map = &m.map;
    let services = r
        .services
        .iter()
        .map(|x| SpofSvc {
            id: x.service.clone(),
            name: label(map, &x.service, lang),
            resources: x.resources.iter().map(|id| Opt { code: id.clone(), label: label(map, id, lang) }).collect(),
        })
        .collect();
    let resources = r
        .by_resource
        .iter()
        .map(|(id, svcs)| SpofRes {
            id: id.clone(),
            name: label(map, id, lang),
            kind: map.index_of(id).map(|i| map.node_kind(i).label(lang)).unwrap_or(""),
            services: names(map, svcs, lang),
            count: svcs.len(),
        })
        .collect();
    let soft = r
        .soft
        .iter()
        .map(|x| SoftRow {
            node: format!("{} ({})", label(map, &x.node, lang), x.node),
            primary: format!("{} ({})", label(map, &x.primary, lang), x.primary),
            standby: format!("{} ({})", label(map, &x.standby, lang), x.standby),
            p: format!("{:.2}", x.switchover_probability),
            minutes: fmt_minutes(x.switchover_minutes, lang),
            services: names(map, &x.services, lang),
            score: format!("{:.2}", x.score),
        })
        .collect();
    let p = ctx.page("resilience").await;
    Ok(render(lang, &SpofPage { p, code: code.to_string(), name, services, resources, soft }))
}

pub(crate) struct Index {
    pub hhi: String,
    pub top1: String,
    pub top3: String,
    pub high: bool,
}

pub(crate) struct ProvRow {
    pub name: String,
    pub parent: String,
    pub services: usize,
    pub direct: usize,
    pub via: String,
    pub no_substitute: String,
    pub share: String,
}

#[derive(Template)]
#[template(path = "resilience/concentration.html")]
struct ConcentrationPage {
    p: Page,
    code: String,
    name: String,
    by_provider: Index,
    by_parent: Index,
    providers: Vec<ProvRow>,
    parents: Vec<ProvRow>,
    no_substitute: usize,
}

pub(super) async fn concentration(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let (code, name) = scoped(&s, &ctx, &caller, &code).await?;
    let (m, r) = s.register.resilience_concentration(&actor(&ctx)?, &code).await.map_err(|e| read_error(e, lang))?;
    let index = |i: &opres_resilience::concentration::ConcentrationIndex| Index {
        hhi: group(i.hhi.round() as u64),
        top1: pct(i.top1_share),
        top3: pct(i.top3_share),
        high: i.hhi > report::HHI_HIGH,
    };
    let rows = |list: &[opres_resilience::concentration::ProviderExposure]| -> Vec<ProvRow> {
        list.iter()
            .map(|x| ProvRow {
                name: x.name.clone(),
                parent: x.ultimate_parent.clone(),
                services: x.services.len(),
                direct: x.direct_services.len(),
                via: names(&m.map, &x.via_subcontractor_services, lang),
                no_substitute: names(&m.map, &x.no_substitute_services, lang),
                share: pct(x.share),
            })
            .collect()
    };
    let page = ConcentrationPage {
        by_provider: index(&r.by_provider),
        by_parent: index(&r.by_parent),
        providers: rows(&r.providers),
        parents: rows(&r.parents),
        no_substitute: r.without_substitute().count(),
        p: ctx.page("resilience").await,
        code: code.to_string(),
        name,
    };
    Ok(render(lang, &page))
}

// ---------------------------------------------------------------- scenarios

pub(crate) struct ScenarioRow {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub start: String,
    pub samples: String,
    pub run: Option<String>,
    pub breaches: usize,
}

#[derive(Template)]
#[template(path = "resilience/scenarios.html")]
struct ScenariosPage {
    p: Page,
    code: String,
    name: String,
    has_map: bool,
    rows: Vec<ScenarioRow>,
}

fn jst(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&JST).format("%Y-%m-%d %H:%M").to_string()
}

pub(super) async fn scenarios(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let (code, name) = scoped(&s, &ctx, &caller, &code).await?;
    let reg = &s.register;
    let actor = actor(&ctx)?;
    let has_map = reg.resilience_map(&actor, &code).await.map_err(|e| read_error(e, lang))?.is_some();
    let mut rows = Vec::new();
    for (id, sc, run) in reg.resilience_scenario_list(&actor, &code).await.map_err(|e| read_error(e, lang))? {
        rows.push(ScenarioRow {
            name: sc.doc.scenario.name(lang).to_string(),
            kind: sc.doc.scenario.kind.label(lang),
            start: jst(sc.doc.scenario.start),
            samples: group(sc.doc.samples as u64),
            run: run.as_ref().map(|r| jst(r.doc.ran_at)),
            breaches: run.as_ref().map(|r| r.doc.paper.services.iter().filter(|x| x.breach).count()).unwrap_or(0),
            id,
        });
    }
    let p = ctx.page("resilience").await;
    Ok(render(lang, &ScenariosPage { p, code: code.to_string(), name, has_map, rows }))
}

#[derive(Template)]
#[template(path = "resilience/scenario_form.html")]
struct ScenarioFormPage {
    p: Page,
    code: String,
    name: String,
    /// The scenario's id when editing.
    editing: Option<String>,
    version: Option<i64>,
    resources: Vec<Opt>,
    providers: Vec<String>,
    form: HashMap<String, String>,
    lost: Vec<String>,
    errors: Vec<String>,
}

impl ScenarioFormPage {
    fn v(&self, k: &str) -> &str {
        self.form.get(k).map(String::as_str).unwrap_or("")
    }
    fn is(&self, k: &str, value: &str) -> bool {
        self.v(k) == value
    }
    fn is_lost(&self, id: &str) -> bool {
        self.lost.iter().any(|l| l == id)
    }
}

fn scenario_form(doc: &ScenarioDoc) -> (HashMap<String, String>, Vec<String>) {
    let sc = &doc.scenario;
    let mut m: HashMap<String, String> = HashMap::new();
    let mut put = |k: &str, v: String| {
        m.insert(k.to_string(), v);
    };
    put("id", sc.id.clone());
    put("name_ja", sc.name_ja.clone());
    put("name_en", sc.name_en.clone());
    put("start", sc.start.with_timezone(&JST).format("%Y-%m-%dT%H:%M").to_string());
    put("samples", doc.samples.to_string());
    put("seed", doc.seed.to_string());
    put("kind", sc.kind.code().to_string());
    let mut lost = Vec::new();
    let restoration = match &sc.kind {
        ScenarioKind::Outage { losses } => {
            lost = losses.iter().map(|l| l.resource.to_string()).collect();
            losses.first().map(|l| l.restoration)
        }
        ScenarioKind::OutcomeLoss { target, restoration } => {
            match target {
                LossTarget::Facility { id } => {
                    put("target_type", "facility".into());
                    put("target", id.to_string());
                }
                LossTarget::System { id } => {
                    put("target_type", "system".into());
                    put("target", id.to_string());
                }
                LossTarget::Team { id, percent } => {
                    put("target_type", "team".into());
                    put("target", id.to_string());
                    put("percent", percent.to_string());
                }
                LossTarget::ThirdParty { provider } => {
                    put("target_type", "third_party".into());
                    put("provider", provider.clone());
                }
            }
            Some(*restoration)
        }
        ScenarioKind::CapacityExhaustion { resource, restoration } => {
            put("target", resource.to_string());
            Some(*restoration)
        }
    };
    match restoration.unwrap_or(Restoration::Fixed { minutes: 240.0 }) {
        Restoration::Fixed { minutes } => {
            put("restoration", "fixed".into());
            put("minutes", minutes.to_string());
        }
        Restoration::LogNormal { median_minutes, p95_minutes } => {
            put("restoration", "log_normal".into());
            put("median_minutes", median_minutes.to_string());
            put("p95_minutes", p95_minutes.to_string());
        }
        Restoration::Pert { min_minutes, mode_minutes, max_minutes } => {
            put("restoration", "pert".into());
            put("min_minutes", min_minutes.to_string());
            put("mode_minutes", mode_minutes.to_string());
            put("max_minutes", max_minutes.to_string());
        }
        Restoration::Triangular { min_minutes, mode_minutes, max_minutes } => {
            put("restoration", "triangular".into());
            put("min_minutes", min_minutes.to_string());
            put("mode_minutes", mode_minutes.to_string());
            put("max_minutes", max_minutes.to_string());
        }
    }
    (m, lost)
}

#[allow(clippy::too_many_arguments)]
async fn scenario_page(
    s: &AppState,
    ctx: &Ctx,
    code: &InstitutionCode,
    name: String,
    editing: Option<String>,
    version: Option<i64>,
    form: HashMap<String, String>,
    lost: Vec<String>,
    errors: Vec<String>,
    st: u16,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let m = s.register.require_resilience_map(&actor(ctx)?, code).await.map_err(|e| read_error(e, lang))?.map;
    let resources = m
        .resources()
        .iter()
        .map(|r| Opt { code: r.id.to_string(), label: format!("{} ({}, {})", r.name(lang), r.id, r.kind.label(lang)) })
        .collect();
    let mut providers: Vec<String> = m
        .resources()
        .iter()
        .filter(|r| r.kind == ResourceKind::ThirdParty)
        .filter_map(|r| r.provider.clone())
        .collect();
    providers.sort();
    providers.dedup();
    let p = ctx.page("resilience").await;
    let page = ScenarioFormPage {
        p,
        code: code.to_string(),
        name,
        editing,
        version,
        resources,
        providers,
        form,
        lost,
        errors,
    };
    Ok((status(st), render(lang, &page)).into_response())
}

pub(super) async fn new_scenario(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    require(&caller, Permission::EditResilience, ctx.lang)?;
    let (code, name) = scoped(&s, &ctx, &caller, &code).await?;
    let start = format!("{}T10:00", today());
    let form = [
        ("kind", "outage".to_string()),
        ("restoration", "fixed".into()),
        ("minutes", "240".into()),
        ("start", start),
        ("samples", opres_app::resilience::DEFAULT_SAMPLES.to_string()),
        ("seed", "1".into()),
        ("target_type", "facility".into()),
        ("percent", "50".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    scenario_page(&s, &ctx, &code, name, None, None, form, vec![], vec![], 200).await
}

pub(super) async fn edit_scenario(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((code, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let (code, name) = scoped(&s, &ctx, &caller, &code).await?;
    let sc = s.register.resilience_scenario(&actor(&ctx)?, &code, &id).await.map_err(|e| read_error(e, lang))?;
    let sc = sc.ok_or(PageError::NotFound(lang))?;
    let (form, lost) = scenario_form(&sc.doc);
    scenario_page(&s, &ctx, &code, name, Some(id), Some(sc.version), form, lost, vec![], 200).await
}

async fn save_scenario(
    s: AppState,
    ctx: Ctx,
    caller: Caller,
    code: String,
    editing: Option<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    require(&caller, Permission::EditResilience, lang)?;
    let (code, name) = scoped(&s, &ctx, &caller, &code).await?;
    let mut f = Form::new(form_pairs(&body), lang);
    let doc = forms::scenario(&mut f, editing.as_deref());
    let version = f.version();
    let form = f.values.clone();
    let lost = f.all("lost");
    let result = match (doc, f.done()) {
        (Some(doc), Ok(())) => {
            let id = doc.scenario.id.clone();
            s.register.save_resilience_scenario(&actor(&ctx)?, &code, &doc, version).await.map(|_| id)
        }
        (_, Err(issues)) => Err(invalid_input(issues)),
        (None, Ok(())) => Err(invalid_input(vec![])),
    };
    match result {
        Ok(id) => {
            ctx.flash("flash.saved").await;
            Ok(Redirect::to(&format!("/resilience/{code}/scenarios/{id}")).into_response())
        }
        Err(e) => {
            let (st, errors) = messages(e, lang)?;
            scenario_page(&s, &ctx, &code, name, editing, version, form, lost, errors, st).await
        }
    }
}

pub(super) async fn create_scenario(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    save_scenario(s, ctx, caller, code, None, body).await
}

pub(super) async fn update_scenario(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((code, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    save_scenario(s, ctx, caller, code, Some(id), body).await
}

/// Runs the scenario as the user saw it: the form carries the scenario's version, so a scenario changed
/// meanwhile is not run unseen.
pub(super) async fn run(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((code, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    require(&caller, Permission::EditResilience, lang)?;
    let (code, name) = scoped(&s, &ctx, &caller, &code).await?;
    let f = Form::new(form_pairs(&body), lang);
    let actor = actor(&ctx)?;
    // The version check is the use case's: it runs the scenario only at the version the form carries.
    let version = f.version().unwrap_or(0);
    match s.register.run_resilience_scenario(&actor, &code, &id, version).await {
        Ok(_) => {
            ctx.flash("res.flash.ran").await;
            Ok(Redirect::to(&format!("/resilience/{code}/scenarios/{id}/results")).into_response())
        }
        Err(e) => {
            let (st, errors) = messages(e, lang)?;
            let sc = s.register.resilience_scenario(&actor, &code, &id).await.map_err(|e| read_error(e, lang))?;
            let sc = sc.ok_or(PageError::NotFound(lang))?;
            let (form, lost) = scenario_form(&sc.doc);
            scenario_page(&s, &ctx, &code, name, Some(id), Some(sc.version), form, lost, errors, st).await
        }
    }
}

// ---------------------------------------------------------------- results

pub(crate) struct CheckRow {
    pub metric: &'static str,
    pub limit: String,
    pub actual: String,
    pub breach: bool,
}

pub(crate) struct TolResult {
    pub regulator: &'static str,
    pub rlo: String,
    pub restored: String,
    pub checks: Vec<CheckRow>,
    pub breach: bool,
}

pub(crate) struct McTol {
    pub regulator: &'static str,
    pub threshold: String,
    pub p: String,
    pub low: String,
    pub high: String,
}

pub(crate) struct DriverRow {
    pub id: String,
    pub name: String,
    pub share: String,
    pub count: u64,
}

pub(crate) struct McRow {
    pub affected: bool,
    pub p: String,
    pub low: String,
    pub high: String,
    pub count: u64,
    pub mean: String,
    pub p50: String,
    pub p90: String,
    pub p95: String,
    pub p99: String,
    pub max: String,
    pub tolerances: Vec<McTol>,
    pub drivers: Vec<DriverRow>,
}

pub(crate) struct SvcResult {
    pub id: String,
    pub name: String,
    pub disrupted: bool,
    pub disruption: String,
    pub restored_at: String,
    pub breach: bool,
    pub breach_if_failover_fails: bool,
    pub tolerances: Vec<TolResult>,
    pub path: String,
    pub mc: Option<McRow>,
}

#[derive(Template)]
#[template(path = "resilience/results.html")]
struct ResultsPage {
    p: Page,
    code: String,
    name: String,
    id: String,
    scenario: String,
    kind: &'static str,
    start: String,
    ran_at: String,
    stale: bool,
    samples: usize,
    seed: u64,
    losses: Vec<Opt>,
    notes: Vec<String>,
    services: Vec<SvcResult>,
    breaches: usize,
    gantt: String,
}

fn check_value(metric: Metric, v: f64, lang: Lang) -> String {
    match metric {
        Metric::Duration | Metric::Cutoff => fmt_minutes(v, lang),
        Metric::Value => yen(v.max(0.0).round() as u64),
        _ => group(v.max(0.0).round() as u64),
    }
}

fn check_row(c: &MetricCheck, lang: Lang) -> CheckRow {
    CheckRow {
        metric: c.metric.label(lang),
        limit: check_value(c.metric, c.limit, lang),
        actual: check_value(c.metric, c.actual, lang),
        breach: c.breach,
    }
}

fn results_view(map: &DependencyMap, run: &RunDoc, lang: Lang) -> Vec<SvcResult> {
    run.paper
        .services
        .iter()
        .map(|s| {
            let mc =
                run.monte_carlo.as_ref().and_then(|m| m.services.iter().find(|x| x.service == s.service)).map(|x| {
                    McRow {
                        affected: x.affected,
                        p: pct(x.breach.p),
                        low: pct(x.breach.low),
                        high: pct(x.breach.high),
                        count: x.breach.count,
                        mean: fmt_minutes(x.disruption.mean, lang),
                        p50: fmt_minutes(x.disruption.p50, lang),
                        p90: fmt_minutes(x.disruption.p90, lang),
                        p95: fmt_minutes(x.disruption.p95, lang),
                        p99: fmt_minutes(x.disruption.p99, lang),
                        max: fmt_minutes(x.disruption.max, lang),
                        tolerances: x
                            .tolerances
                            .iter()
                            .map(|t| McTol {
                                regulator: t.regulator.label(lang),
                                threshold: fmt_minutes(t.threshold_minutes, lang),
                                p: pct(t.breach.p),
                                low: pct(t.breach.low),
                                high: pct(t.breach.high),
                            })
                            .collect(),
                        drivers: x
                            .drivers
                            .iter()
                            .take(5)
                            .map(|d| DriverRow {
                                id: d.node.clone(),
                                name: label(map, &d.node, lang),
                                share: pct(d.share),
                                count: d.count,
                            })
                            .collect(),
                    }
                });
            let fails =
                run.paper_failover_fails.services.iter().find(|x| x.service == s.service).is_some_and(|x| x.breach);
            SvcResult {
                id: s.service.clone(),
                name: label(map, &s.service, lang),
                disrupted: s.disrupted,
                disruption: fmt_minutes(s.disruption_minutes, lang),
                restored_at: jst(s.restored_at),
                breach: s.breach,
                breach_if_failover_fails: fails,
                tolerances: s
                    .tolerances
                    .iter()
                    .map(|t| TolResult {
                        regulator: t.regulator.label(lang),
                        rlo: t.rlo_percent.map(|v| format!("{v}%")).unwrap_or_default(),
                        restored: fmt_minutes(t.restored_minutes, lang),
                        checks: t.checks.iter().map(|c| check_row(c, lang)).collect(),
                        breach: t.breach,
                    })
                    .collect(),
                path: s
                    .critical_path
                    .iter()
                    .map(|id| format!("{} ({id})", label(map, id, lang)))
                    .collect::<Vec<_>>()
                    .join(" → "),
                mc,
            }
        })
        .collect()
}

pub(super) async fn results(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((code, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let (code, name) = scoped(&s, &ctx, &caller, &code).await?;
    let (m, run) = s.register.resilience_result(&actor(&ctx)?, &code, &id).await.map_err(|e| read_error(e, lang))?;
    let Some(run) = run else {
        // Not run yet: the scenario's page has the run button.
        return Ok(Redirect::to(&format!("/resilience/{code}/scenarios/{id}")).into_response());
    };
    let r = &run.doc;
    let services = results_view(&m.map, r, lang);
    let page = ResultsPage {
        code: code.to_string(),
        name,
        scenario: r.scenario.name(lang).to_string(),
        kind: r.scenario.kind.label(lang),
        start: jst(r.scenario.start),
        ran_at: jst(r.ran_at),
        stale: r.map_version != m.version,
        samples: r.monte_carlo.as_ref().map(|m| m.samples).unwrap_or(0),
        seed: r.monte_carlo.as_ref().map(|m| m.seed).unwrap_or(0),
        losses: r
            .paper
            .losses
            .iter()
            .map(|l| Opt {
                code: format!("{} ({})", label(&m.map, &l.resource, lang), l.resource),
                label: fmt_minutes(l.restoration_minutes, lang),
            })
            .collect(),
        notes: r.paper.notes.iter().map(|(ja, en)| lang.pick(ja, en).to_string()).collect(),
        breaches: services.iter().filter(|x| x.breach).count(),
        services,
        gantt: m.read().gantt(&r.paper, lang),
        id,
        p: ctx.page("resilience").await,
    };
    Ok(render(lang, &page))
}

// ---------------------------------------------------------------- report

#[derive(Template)]
#[template(path = "resilience/report.html")]
struct ReportPage {
    p: Page,
    code: String,
    name: String,
    body: String,
}

pub(super) async fn report(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let (code, name) = scoped(&s, &ctx, &caller, &code).await?;
    let body = s
        .register
        .resilience_report(&actor(&ctx)?, &code, today(), ReportFormat::HtmlFragment, lang)
        .await
        .map_err(|e| read_error(e, lang))?;
    // The engine's HTML has no classes of its own: give its tables and charts the site's styles (tables
    // styled, wide SVGs scrolling inside their box instead of widening the page).
    let body = body
        .replace("<table>", "<table class=\"data compact\">")
        .replace("<div class=\"svg\">", "<div class=\"svg tablewrap\">");
    let p = ctx.page("resilience").await;
    Ok(render(lang, &ReportPage { p, code: code.to_string(), name, body }))
}

pub(super) async fn report_md(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let (code, _) = scoped(&s, &ctx, &caller, &code).await?;
    let text = s
        .register
        .resilience_report(&actor(&ctx)?, &code, today(), ReportFormat::Markdown, lang)
        .await
        .map_err(|e| read_error(e, lang))?;
    let name = format!("{}-self-assessment-{}.md", code.as_str().to_ascii_lowercase(), lang.code());
    Ok(download(&name, "text/markdown; charset=utf-8", text.into_bytes()))
}
