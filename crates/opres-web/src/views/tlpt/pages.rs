//! Handlers and page models of the TLPT section.

use super::{charts, is_user_error, load, messages, page};
use crate::AppState;
use crate::auth::Caller;
use crate::edge::actor_of;
use crate::middleware::form_pairs;
use crate::views::{Ctx, Page, PageError, render, require};
use askama::Template;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use opres_app::tlpt::{
    BlueTeamForm, EngagementRead, FindingForm, LayerKind, RolloutCheckForm, StoredProgramme, TlptAppError, actor_sets,
    assess_options,
};
use opres_app::{Permission, today};
use opres_domain::{InstitutionCode, Lang, Problem, ValidationErrors};
use opres_tlpt::assess::{self, Verdict};
use opres_tlpt::attack::AttackCatalogue;
use opres_tlpt::codes::{FindingStatus, RolloutStatus, RootCause, Severity};
use opres_tlpt::metrics::{self, format_duration};
use opres_tlpt::report::{self, Block, Tone};
use opres_tlpt::{Engagement, recurrence, rollout};
use std::collections::HashMap;

// ---------------------------------------------------------------- shared pieces

/// A code and its label, for pick lists.
pub(crate) struct Opt {
    pub code: String,
    pub label: String,
}

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

// ---------------------------------------------------------------- programme list and imports

pub(crate) struct ProgRow {
    pub key: String,
    pub title: String,
    pub institution: String,
    pub engagements: usize,
    pub findings: usize,
    pub version: i64,
    pub updated: String,
}

pub(crate) struct CatRow {
    pub domain: String,
    pub title: String,
    pub updated: String,
}

#[derive(Template)]
#[template(path = "tlpt/list.html")]
struct ListPage {
    p: Page,
    rows: Vec<ProgRow>,
    catalogues: Vec<CatRow>,
    institutions: Vec<Opt>,
    errors: Vec<String>,
    attack_errors: Vec<String>,
}

async fn list_page(
    s: &AppState,
    ctx: &Ctx,
    caller: &Caller,
    errors: Vec<String>,
    attack_errors: Vec<String>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let p = page(ctx).await;
    let actor = actor_of(caller, lang);
    let docs = s.register.tlpt_programmes(&actor).await.map_err(|e| PageError::internal(lang, e))?;
    let mut rows = Vec::new();
    for d in docs {
        // The list reads each programme once: a stored programme that no longer reads shows as such.
        let (engagements, findings, title) = match s.register.tlpt_programme(&actor, &d.key).await {
            Ok(Some(sp)) => (
                sp.programme.engagements.len(),
                sp.programme.findings.len(),
                sp.programme.group.name.get(lang).to_string(),
            ),
            _ => (0, 0, d.title.clone()),
        };
        rows.push(ProgRow {
            key: d.key.clone(),
            title,
            institution: d.institution.clone().unwrap_or_else(|| "—".into()),
            engagements,
            findings,
            version: d.version,
            updated: p.dt(d.updated_at),
        });
    }
    let catalogues = s
        .register
        .attack_catalogues()
        .await
        .map_err(|e| PageError::internal(lang, e))?
        .into_iter()
        .map(|d| CatRow { domain: d.key, title: d.title, updated: p.dt(d.updated_at) })
        .collect();
    let institutions = s
        .register
        .institutions(&actor)
        .await
        .map_err(|e| PageError::app(lang, e))?
        .into_iter()
        .map(|i| Opt { code: i.value.code.to_string(), label: format!("{} {}", i.value.code, i.value.name(lang)) })
        .collect();
    let status =
        if errors.is_empty() && attack_errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, render(lang, &ListPage { p, rows, catalogues, institutions, errors, attack_errors })).into_response())
}

pub(crate) async fn list(State(s): State<AppState>, ctx: Ctx, caller: Caller) -> Result<Response, PageError> {
    list_page(&s, &ctx, &caller, vec![], vec![]).await
}

/// The fields and the file of an upload form.
struct Upload {
    fields: HashMap<String, String>,
    file: Option<(String, Vec<u8>)>,
}

async fn read_upload(mp: Result<Multipart, MultipartRejection>) -> Result<Upload, Problem> {
    let mut mp = mp.map_err(|_| Problem::Required)?;
    let mut up = Upload { fields: HashMap::new(), file: None };
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_string();
                let file_name = field.file_name().map(str::to_string);
                let bytes = field.bytes().await.map_err(|e| {
                    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                        Problem::FileTooLarge { max_bytes: crate::limits::UPLOAD_MAX as u64 }
                    } else {
                        Problem::BadFormat { value: e.body_text(), hint: "multipart/form-data" }
                    }
                })?;
                match file_name {
                    Some(f) if name == "file" => {
                        if !bytes.is_empty() {
                            up.file = Some((f, bytes.to_vec()));
                        }
                    }
                    _ => {
                        up.fields.insert(name, String::from_utf8_lossy(&bytes).into_owned());
                    }
                }
            }
            Ok(None) => return Ok(up),
            Err(e) => return Err(Problem::BadFormat { value: e.body_text(), hint: "multipart/form-data" }),
        }
    }
}

fn field_problem(field: &str, problem: Problem) -> TlptAppError {
    let mut e = ValidationErrors::default();
    e.push(field, problem);
    TlptAppError::Form(e)
}

fn file_text(up: &Upload) -> Result<String, TlptAppError> {
    let Some((name, bytes)) = &up.file else { return Err(field_problem("file", Problem::Required)) };
    String::from_utf8(bytes.clone())
        .map_err(|_| field_problem("file", Problem::BadFormat { value: name.clone(), hint: "UTF-8 JSON" }))
}

pub(crate) async fn import_programme(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    require(&caller, Permission::EditTlpt, lang)?;
    let p = page(&ctx).await;
    let result = async {
        let up = read_upload(mp).await.map_err(|pr| field_problem("file", pr))?;
        let inst_raw = up.fields.get("institution").cloned().unwrap_or_default();
        let institution = match InstitutionCode::parse(inst_raw.trim()) {
            Ok(c) => c,
            Err(_) if inst_raw.trim().is_empty() => return Err(field_problem("institution", Problem::Required)),
            Err(_) => return Err(field_problem("institution", Problem::UnknownReference { value: inst_raw.clone() })),
        };
        let text = file_text(&up)?;
        let replace = up.fields.get("replace").is_some_and(|v| v == "on");
        let version = up.fields.get("version").and_then(|v| v.trim().parse().ok());
        s.register.import_tlpt_programme(&actor_of(&caller, lang), &text, &institution, replace, version).await
    }
    .await;
    match result {
        Ok(done) => {
            ctx.flash("tlpt.flash.imported").await;
            Ok(Redirect::to(&format!("/tlpt/{}", done.key)).into_response())
        }
        Err(e) if is_user_error(&e) => list_page(&s, &ctx, &caller, messages(&e, &p), vec![]).await,
        Err(e) => Err(PageError::internal(lang, e)),
    }
}

pub(crate) async fn import_attack(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    require(&caller, Permission::EditTlpt, lang)?;
    let p = page(&ctx).await;
    let result = async {
        let up = read_upload(mp).await.map_err(|pr| field_problem("file", pr))?;
        let text = file_text(&up)?;
        s.register.import_attack_catalogue(&actor_of(&caller, lang), &text).await
    }
    .await;
    match result {
        Ok(_) => {
            ctx.flash("tlpt.flash.attack_imported").await;
            Ok(Redirect::to("/tlpt").into_response())
        }
        Err(e) if is_user_error(&e) => list_page(&s, &ctx, &caller, vec![], messages(&e, &p)).await,
        Err(e) => Err(PageError::internal(lang, e)),
    }
}

pub(crate) async fn export(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path(prog): Path<String>,
) -> Result<Response, PageError> {
    let sp = load(&s, &caller, &prog, ctx.lang).await?;
    Ok(download(sp.programme.to_json(), "application/json", &format!("opres-tlpt-{}.json", sp.key)))
}

fn download(body: String, mime: &'static str, file: &str) -> Response {
    let file: String =
        file.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect();
    (
        [
            (header::CONTENT_TYPE, format!("{mime}; charset=utf-8")),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")),
        ],
        body,
    )
        .into_response()
}

// ---------------------------------------------------------------- programme page

pub(crate) struct SysRow {
    pub id: String,
    pub name: String,
    pub criticality: &'static str,
    pub owner: String,
    pub in_scope_of: String,
    pub out_of_scope: bool,
}

pub(crate) struct EntityRow {
    pub code: String,
    pub name: String,
    pub kind: &'static str,
    pub systems: Vec<SysRow>,
}

pub(crate) struct EngRow {
    pub id: String,
    pub entity: String,
    pub title: String,
    pub framework: &'static str,
    pub fy: String,
    pub findings: usize,
    pub good: usize,
    pub insufficient: usize,
    pub not_enough: usize,
}

#[derive(Template)]
#[template(path = "tlpt/programme.html")]
struct ProgrammePage {
    p: Page,
    key: String,
    title: String,
    group_code: String,
    institution: String,
    version: i64,
    entities: Vec<EntityRow>,
    engagements: Vec<EngRow>,
}

pub(crate) async fn programme(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path(prog): Path<String>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let sp = load(&s, &caller, &prog, lang).await?;
    let cat = catalogue(&s, lang).await?;
    let pr = &sp.programme;
    let entities = pr
        .entities
        .iter()
        .map(|en| EntityRow {
            code: en.code.to_string(),
            name: en.name.get(lang).to_string(),
            kind: en.institution_type.label(lang),
            systems: pr
                .systems
                .iter()
                .filter(|x| x.id.entity == en.code)
                .map(|x| {
                    let tested: Vec<String> =
                        pr.engagements.iter().filter(|e| e.is_in_scope(&x.id)).map(|e| e.id.to_string()).collect();
                    SysRow {
                        id: x.id.to_string(),
                        name: x.name.get(lang).to_string(),
                        criticality: x.criticality.label(lang),
                        owner: or_dash(x.owner.clone().unwrap_or_default()),
                        out_of_scope: tested.is_empty(),
                        in_scope_of: tested.join(", "),
                    }
                })
                .collect(),
        })
        .collect();
    let opts = assess_options(cat.as_ref());
    let engagements = pr
        .engagements
        .iter()
        .map(|e| {
            let a = assess::assess(pr, e.id.as_str(), &opts).ok();
            let n = |v| a.as_ref().map(|a| a.count(v)).unwrap_or(0);
            EngRow {
                id: e.id.to_string(),
                entity: pr.entity_name(&e.entity, lang),
                title: e.title.get(lang).to_string(),
                framework: e.framework.label(lang),
                fy: e.fiscal_year().map(|f| f.to_string()).unwrap_or_else(|| "—".into()),
                findings: pr.findings_of(&e.id).count(),
                good: n(Verdict::Good),
                insufficient: n(Verdict::Insufficient),
                not_enough: n(Verdict::NotEnoughData),
            }
        })
        .collect();
    let p = page(&ctx).await;
    let page = ProgrammePage {
        p,
        key: sp.key.clone(),
        title: pr.group.name.get(lang).to_string(),
        group_code: pr.group.code.to_string(),
        institution: sp.institution.clone().unwrap_or_else(|| "—".into()),
        version: sp.version,
        entities,
        engagements,
    };
    Ok(render(lang, &page))
}

// ---------------------------------------------------------------- engagement page

pub(crate) struct KV {
    pub k: String,
    pub v: String,
}

pub(crate) struct ScopeRow {
    pub system: String,
    pub name: String,
    pub in_scope: bool,
    pub note: String,
}

pub(crate) struct IntelRow {
    pub id: String,
    pub title: String,
    pub specific: bool,
    pub specificity: &'static str,
    pub sources: String,
    pub actors: String,
}

pub(crate) struct ActorRow {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub intent: &'static str,
    pub capability: &'static str,
    pub sets: String,
}

pub(crate) struct PathRow {
    pub id: String,
    pub kind: &'static str,
    pub description: String,
    pub steps: usize,
}

pub(crate) struct ScenarioRow {
    pub id: String,
    pub title: String,
    pub actors: String,
    pub intel: String,
    pub flags: String,
    pub outcome: &'static str,
    pub note: String,
    pub paths: Vec<PathRow>,
    pub leg_ups: Vec<String>,
}

#[derive(Template)]
#[template(path = "tlpt/engagement.html")]
struct EngagementPage {
    p: Page,
    nav: Nav,
    facts: Vec<KV>,
    phases: Vec<KV>,
    functions: Vec<KV>,
    scope: Vec<ScopeRow>,
    flags: Vec<KV>,
    budget: Vec<KV>,
    budget_total: String,
    directives: Vec<KV>,
    blue_team: Option<String>,
    blue_team_in_advance: Option<bool>,
    intel: Vec<IntelRow>,
    actors: Vec<ActorRow>,
    scenarios: Vec<ScenarioRow>,
    errors: Vec<String>,
    form: HashMap<String, String>,
}

impl EngagementPage {
    fn v(&self, k: &str) -> &str {
        self.form.get(k).map(String::as_str).unwrap_or("")
    }
}

fn ids<T: std::fmt::Display>(v: &[T]) -> String {
    v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", ")
}

#[allow(clippy::too_many_arguments)] // the request, the page's ids, and a refused form shown again
async fn engagement_page(
    s: &AppState,
    ctx: &Ctx,
    caller: &Caller,
    prog: &str,
    eng: &str,
    errors: Vec<String>,
    form: HashMap<String, String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let sp = load(s, caller, prog, lang).await?;
    let e = find_engagement(&sp, eng, lang)?;
    let pr = &sp.programme;
    let p = page(ctx).await;
    let facts = vec![
        KV { k: p.t("tlpt.entity").into(), v: pr.entity_name(&e.entity, lang) },
        KV { k: p.t("tlpt.framework").into(), v: e.framework.label(lang).into() },
        KV { k: p.t("tlpt.fy").into(), v: e.fiscal_year().map(|f| f.to_string()).unwrap_or_else(|| "—".into()) },
        KV { k: p.t("tlpt.sponsor").into(), v: format!("{} ({})", e.sponsor.name, e.sponsor.role.get(lang)) },
    ];
    let phases = e
        .phases
        .iter()
        .map(|ph| KV {
            k: ph.phase.label(lang).into(),
            v: format!("{} – {}", ph.start, ph.end.map(|d| d.to_string()).unwrap_or_else(|| "…".into())),
        })
        .collect();
    let functions =
        e.scope.functions.iter().map(|f| KV { k: f.name.get(lang).to_string(), v: ids(&f.systems) }).collect();
    let scope = pr
        .systems
        .iter()
        .map(|x| {
            let listed = e.scope.systems.iter().find(|ss| ss.system == x.id);
            ScopeRow {
                system: x.id.to_string(),
                name: x.name.get(lang).to_string(),
                in_scope: e.is_in_scope(&x.id),
                note: listed.and_then(|l| l.note.as_ref()).map(|n| n.get(lang).to_string()).unwrap_or_default(),
            }
        })
        .collect();
    let flags = e
        .scope
        .flags
        .iter()
        .map(|f| KV {
            k: f.id.to_string(),
            v: format!(
                "{}{}",
                f.description.get(lang),
                f.system.as_ref().map(|x| format!(" ({x})")).unwrap_or_default()
            ),
        })
        .collect();
    let budget = e
        .budget
        .iter()
        .map(|b| KV {
            k: b.line.label(lang).into(),
            v: format!("{}{}", b.amount, b.note.as_ref().map(|n| format!(" — {}", n.get(lang))).unwrap_or_default()),
        })
        .collect();
    let directives = e
        .directives
        .iter()
        .map(|d| KV {
            k: format!("{} · {} · {}", d.issued_on, d.kind.label(lang), d.by),
            v: d.text.get(lang).to_string(),
        })
        .collect();
    let blue_team = e.blue_team_told.as_ref().map(|b| {
        format!(
            "{} — {}{}",
            p.dt(b.at),
            b.whom,
            b.reason.as_ref().map(|r| format!(" ({})", r.get(lang))).unwrap_or_default()
        )
    });
    let intel = e
        .intel
        .iter()
        .map(|i| IntelRow {
            id: i.id.to_string(),
            title: i.title.get(lang).to_string(),
            specific: i.specificity == opres_tlpt::codes::IntelSpecificity::OrganisationSpecific,
            specificity: i.specificity.label(lang),
            sources: or_dash(i.sources.join(", ")),
            actors: or_dash(ids(&i.actors)),
        })
        .collect();
    let actors = e
        .actors
        .iter()
        .map(|a| ActorRow {
            id: a.id.to_string(),
            name: a.name.get(lang).to_string(),
            kind: a.actor_type.label(lang),
            intent: a.intent.label(lang),
            capability: a.capability.label(lang),
            sets: or_dash(a.intrusion_sets.join(", ")),
        })
        .collect();
    let scenarios = e
        .scenarios
        .iter()
        .map(|sc| ScenarioRow {
            id: sc.id.to_string(),
            title: sc.title.get(lang).to_string(),
            actors: or_dash(ids(&sc.actors)),
            intel: or_dash(ids(&sc.intel)),
            flags: or_dash(ids(&sc.flags)),
            outcome: sc.outcome.label(lang),
            note: sc.outcome_note.as_ref().map(|n| n.get(lang).to_string()).unwrap_or_default(),
            paths: sc
                .paths
                .iter()
                .map(|pa| PathRow {
                    id: pa.id.to_string(),
                    kind: pa.kind.label(lang),
                    description: pa.description.get(lang).to_string(),
                    steps: e.steps.iter().filter(|st| st.scenario == sc.id && st.path == pa.id).count(),
                })
                .collect(),
            leg_ups: sc
                .leg_ups
                .iter()
                .map(|l| format!("{} {}: {}", l.id, p.dt(l.granted_at), l.description.get(lang)))
                .collect(),
        })
        .collect();
    let mut form = form;
    if form.is_empty()
        && let Some(b) = &e.blue_team_told
    {
        form.insert("at".into(), b.at.with_timezone(&opres_domain::JST).format("%Y-%m-%dT%H:%M").to_string());
        form.insert("whom".into(), b.whom.clone());
    }
    let page = EngagementPage {
        nav: Nav::new(&sp, e, "engagement", lang),
        facts,
        phases,
        functions,
        scope,
        flags,
        budget,
        budget_total: e.budget_total().to_string(),
        directives,
        blue_team,
        blue_team_in_advance: e.blue_team_told.as_ref().and(e.blue_team_told_in_advance()),
        intel,
        actors,
        scenarios,
        errors,
        form,
        p,
    };
    Ok((status, render(lang, &page)).into_response())
}

pub(crate) async fn engagement(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((prog, eng)): Path<(String, String)>,
) -> Result<Response, PageError> {
    engagement_page(&s, &ctx, &caller, &prog, &eng, vec![], HashMap::new(), StatusCode::OK).await
}

pub(crate) async fn record_blue_team(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((prog, eng)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    load_for_edit(&s, &caller, &prog, &eng, lang).await?;
    let form = form_map(&body);
    let f =
        BlueTeamForm { at: get(&form, "at"), whom: get(&form, "whom"), reason: get(&form, "reason"), lang: Some(lang) };
    match s.register.record_tlpt_blue_team_notice(&actor_of(&caller, lang), &prog, version_of(&form), &eng, &f).await {
        Ok(_) => {
            ctx.flash("flash.saved").await;
            Ok(Redirect::to(&format!("/tlpt/{prog}/{eng}")).into_response())
        }
        Err(e) if is_user_error(&e) => {
            let p = page(&ctx).await;
            let status = refusal_status(&e);
            engagement_page(&s, &ctx, &caller, &prog, &eng, messages(&e, &p), form, status).await
        }
        Err(e) => Err(PageError::internal(lang, e)),
    }
}

// ---------------------------------------------------------------- metrics

pub(crate) struct StepRow {
    pub id: String,
    pub scenario: String,
    pub technique: String,
    pub tactics: String,
    pub at: String,
    pub result: &'static str,
    pub detected: bool,
    pub sources: String,
    pub ttd: String,
    pub ttr: String,
}

pub(crate) struct ScenarioMetricRow {
    pub id: String,
    pub steps: usize,
    pub detected: usize,
    pub rate: String,
    pub ttd: String,
    pub ttr: String,
    pub median_ttd: String,
    pub flags: String,
    pub leg_ups: String,
    pub paths: String,
}

pub(crate) struct RateLine {
    pub key: String,
    pub name: String,
    pub executed: usize,
    pub detected: usize,
    pub rate: String,
}

pub(crate) struct PhishRow {
    pub campaign: String,
    pub recipients: u32,
    pub clicks: u32,
    pub click_rate: String,
    pub reports: usize,
    pub report_rate: String,
    pub first_report: String,
    pub escalated: usize,
    pub escalation: String,
    pub csirt: usize,
    pub csirt_response: String,
    pub first_csirt: String,
}

#[derive(Template)]
#[template(path = "tlpt/metrics.html")]
struct MetricsPage {
    p: Page,
    nav: Nav,
    tiles: Vec<KV>,
    steps: Vec<StepRow>,
    scenarios: Vec<ScenarioMetricRow>,
    tactic_chart: String,
    tactics: Vec<RateLine>,
    techniques: Vec<RateLine>,
    sources: Vec<KV>,
    phishing: Vec<PhishRow>,
    has_catalogue: bool,
}

fn phish_row(m: &metrics::PhishingMetrics, lang: Lang, all: &str) -> PhishRow {
    PhishRow {
        campaign: if m.campaign == "*" { all.to_string() } else { m.campaign.clone() },
        recipients: m.recipients,
        clicks: m.clicks,
        click_rate: pct(m.click_rate),
        reports: m.reports,
        report_rate: pct(m.report_rate),
        first_report: dur(m.time_to_first_report_secs, lang),
        escalated: m.reports_escalated,
        escalation: dur(m.median_escalation_secs, lang),
        csirt: m.csirt_responses,
        csirt_response: dur(m.median_csirt_response_secs, lang),
        first_csirt: dur(m.time_to_first_csirt_response_secs, lang),
    }
}

pub(crate) async fn metrics(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((prog, eng)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let read = engagement_read(&s, &caller, &prog, &eng, lang).await?;
    let (sp, e, cat) = (&read.stored, read.engagement(), &read.catalogue);
    let m = read.metrics();
    let p = page(&ctx).await;
    let tiles = vec![
        KV { k: p.t("tlpt.m.steps").into(), v: format!("{} / {}", m.steps_detected, m.steps_executed) },
        KV { k: p.t("tlpt.m.detection_rate").into(), v: pct(m.detection_rate) },
        KV { k: p.t("tlpt.m.median_ttd").into(), v: dur(m.median_time_to_detect_secs, lang) },
        KV { k: p.t("tlpt.m.median_ttr").into(), v: dur(m.median_time_to_respond_secs, lang) },
        KV { k: p.t("tlpt.m.flags").into(), v: format!("{} / {}", m.flags_captured.len(), m.flags_total) },
        KV { k: p.t("tlpt.m.leg_ups").into(), v: format!("{} / {}", m.leg_ups_used, m.leg_ups_granted) },
    ];
    let steps = m
        .steps
        .iter()
        .map(|st| StepRow {
            id: st.step.to_string(),
            scenario: st.scenario.to_string(),
            technique: st.technique.to_string(),
            tactics: or_dash(st.tactics.join(", ")),
            at: p.dt(st.at),
            result: st.result.label(lang),
            detected: st.detected,
            sources: or_dash(st.detection_sources.iter().map(|d| d.label(lang)).collect::<Vec<_>>().join(", ")),
            ttd: dur(st.time_to_detect_secs, lang),
            ttr: dur(st.time_to_respond_secs, lang),
        })
        .collect();
    let scenarios = m
        .scenarios
        .iter()
        .map(|sc| ScenarioMetricRow {
            id: sc.scenario.to_string(),
            steps: sc.steps,
            detected: sc.steps_detected,
            rate: pct(sc.detection_rate),
            ttd: dur(sc.time_to_detect_secs, lang),
            ttr: dur(sc.time_to_respond_secs, lang),
            median_ttd: dur(sc.median_step_time_to_detect_secs, lang),
            flags: format!("{} / {}", sc.flags_captured.len(), sc.flags_targeted),
            leg_ups: format!("{} / {}", sc.leg_ups_used, sc.leg_ups_granted),
            paths: format!("{} ({})", sc.paths_attempted, sc.alternative_paths_attempted),
        })
        .collect();
    let tactic_name = |k: &str| -> String {
        if k == "unattributed" {
            return p.t("tlpt.m.unattributed").to_string();
        }
        cat.as_ref()
            .and_then(|c| c.tactics.iter().find(|t| t.shortname.as_str() == k))
            .map(|t| t.name.clone())
            .unwrap_or_else(|| k.to_string())
    };
    let technique_name = |k: &str| -> String {
        cat.as_ref()
            .and_then(|c| c.techniques.iter().find(|(id, _)| id.as_str() == k).map(|(_, t)| t.name.clone()))
            .unwrap_or_default()
    };
    let tactic_chart = charts::detection_rate_chart(&m.tactics, tactic_name, p.t("tlpt.m.by_tactic"));
    let line = |r: &metrics::RateRow, name: String| RateLine {
        key: r.key.clone(),
        name,
        executed: r.executed,
        detected: r.detected,
        rate: pct(Some(r.rate)),
    };
    let tactics = m.tactics.iter().map(|r| line(r, tactic_name(&r.key))).collect();
    let techniques = m.techniques.iter().map(|r| line(r, technique_name(&r.key))).collect();
    let sources =
        m.detections_by_source.iter().map(|(k, n)| KV { k: k.label(lang).into(), v: n.to_string() }).collect();
    let all = p.t("tlpt.m.all_campaigns");
    let mut phishing: Vec<PhishRow> = m.phishing.iter().map(|x| phish_row(x, lang, all)).collect();
    if m.phishing.len() > 1
        && let Some(o) = &m.phishing_overall
    {
        phishing.push(phish_row(o, lang, all));
    }
    let page = MetricsPage {
        nav: Nav::new(sp, e, "metrics", lang),
        tiles,
        steps,
        scenarios,
        tactic_chart,
        tactics,
        techniques,
        sources,
        phishing,
        has_catalogue: cat.is_some(),
        p,
    };
    Ok(render(lang, &page))
}

// ---------------------------------------------------------------- findings and recurrences

pub(crate) struct FindingRow {
    pub id: String,
    pub title: String,
    pub severity: &'static str,
    pub severity_class: &'static str,
    pub root_cause: &'static str,
    pub root_cause_note: String,
    pub technique: String,
    pub systems: String,
    pub owner: String,
    pub due: String,
    pub overdue: bool,
    pub status: &'static str,
    pub origin: &'static str,
    pub enterprise_wide: bool,
    pub recurrence_count: usize,
    pub predecessors: Vec<PredRow>,
    pub first_seen: String,
    pub entities: String,
    pub remediation_did_not_hold: bool,
    pub escalated: bool,
}

pub(crate) struct PredRow {
    pub id: String,
    pub engagement: String,
    pub identified_on: String,
    pub title: String,
    pub status: &'static str,
}

pub(crate) struct SuggestRow {
    pub finding: String,
    pub matches: String,
}

#[derive(Template)]
#[template(path = "tlpt/findings.html")]
struct FindingsPage {
    p: Page,
    nav: Nav,
    rows: Vec<FindingRow>,
    suggestions: Vec<SuggestRow>,
    severities: Vec<Opt>,
    root_causes: Vec<Opt>,
    statuses: Vec<Opt>,
    errors: Vec<String>,
    form: HashMap<String, String>,
}

impl FindingsPage {
    fn v(&self, k: &str) -> &str {
        self.form.get(k).map(String::as_str).unwrap_or("")
    }
}

#[allow(clippy::too_many_arguments)] // the request, the page's ids, and a refused form shown again
async fn findings_page(
    s: &AppState,
    ctx: &Ctx,
    caller: &Caller,
    prog: &str,
    eng: &str,
    errors: Vec<String>,
    form: HashMap<String, String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let sp = load(s, caller, prog, lang).await?;
    let e = find_engagement(&sp, eng, lang)?;
    let pr = &sp.programme;
    let today = today();
    let rows = pr
        .findings_of(&e.id)
        .map(|f| {
            let rec = recurrence::recurrence_of(pr, &f.id);
            FindingRow {
                id: f.id.to_string(),
                title: f.title.get(lang).to_string(),
                severity: f.severity.label(lang),
                severity_class: severity_class(f.severity),
                root_cause: f.root_cause.label(lang),
                root_cause_note: f.root_cause_note.as_ref().map(|n| n.get(lang).to_string()).unwrap_or_default(),
                technique: or_dash(f.technique.as_ref().map(|t| t.to_string()).unwrap_or_default()),
                systems: or_dash(ids(&f.systems)),
                owner: or_dash(f.owner.clone()),
                due: f.due.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
                overdue: f.due.is_some_and(|d| d < today) && f.status.is_active(),
                status: f.status.label(lang),
                origin: f.origin.label(lang),
                enterprise_wide: f.enterprise_wide,
                recurrence_count: rec.as_ref().map(|r| r.count).unwrap_or(0),
                predecessors: recurrence::predecessors(pr, &f.id)
                    .into_iter()
                    .map(|x| PredRow {
                        id: x.id.to_string(),
                        engagement: x.engagement.to_string(),
                        identified_on: x.identified_on.to_string(),
                        title: x.title.get(lang).to_string(),
                        status: x.status.label(lang),
                    })
                    .collect(),
                first_seen: rec.as_ref().map(|r| r.first_seen.to_string()).unwrap_or_default(),
                entities: rec.as_ref().map(|r| ids(&r.entities)).unwrap_or_default(),
                remediation_did_not_hold: rec.as_ref().is_some_and(|r| r.remediation_did_not_hold),
                escalated: rec.as_ref().is_some_and(|r| r.escalated),
            }
        })
        .collect();
    // What the similarity search finds and nobody has linked yet: shown, never acted on silently.
    let cands = recurrence::find_recurrences(pr, e.id.as_str(), &Default::default()).unwrap_or_default();
    let suggestions = recurrence::unlinked(pr, &cands)
        .into_iter()
        .map(|c| SuggestRow {
            finding: c.finding.to_string(),
            matches: c
                .matches
                .iter()
                .map(|m| format!("{} ({}, {:.2})", m.finding, m.engagement, m.score.score))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let opts = |v: Vec<(&'static str, &'static str)>| -> Vec<Opt> {
        v.into_iter().map(|(c, l)| Opt { code: c.into(), label: l.into() }).collect()
    };
    let p = page(ctx).await;
    let mut form = form;
    form.entry("identified_on".into()).or_insert_with(|| today.to_string());
    let page = FindingsPage {
        nav: Nav::new(&sp, e, "findings", lang),
        rows,
        suggestions,
        severities: opts(Severity::ALL.iter().map(|x| (x.code(), x.label(lang))).collect()),
        root_causes: opts(RootCause::ALL.iter().map(|x| (x.code(), x.label(lang))).collect()),
        statuses: opts(FindingStatus::ALL.iter().map(|x| (x.code(), x.label(lang))).collect()),
        errors,
        form,
        p,
    };
    Ok((status, render(lang, &page)).into_response())
}

pub(crate) async fn findings(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((prog, eng)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    // `?edit=F-1` fills the form with an existing finding.
    let mut form = HashMap::new();
    if let Some(id) = q.get("edit") {
        let sp = load(&s, &caller, &prog, ctx.lang).await?;
        if let Some(f) = sp.programme.findings.iter().find(|f| f.id.as_str() == id) {
            let ff = FindingForm::of(f, ctx.lang);
            for (k, v) in [
                ("id", ff.id),
                ("identified_on", ff.identified_on),
                ("title_ja", ff.title_ja),
                ("title_en", ff.title_en),
                ("description", ff.description),
                ("severity", ff.severity),
                ("root_cause", ff.root_cause),
                ("root_cause_note", ff.root_cause_note),
                ("technique", ff.technique),
                ("systems", ff.systems),
                ("enterprise_wide", ff.enterprise_wide),
                ("recommendation", ff.recommendation),
                ("owner", ff.owner),
                ("due", ff.due),
                ("status", ff.status),
                ("person_days", ff.person_days),
                ("cost", ff.cost),
            ] {
                form.insert(k.to_string(), v);
            }
        }
    }
    findings_page(&s, &ctx, &caller, &prog, &eng, vec![], form, StatusCode::OK).await
}

pub(crate) async fn record_finding(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((prog, eng)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    load_for_edit(&s, &caller, &prog, &eng, lang).await?;
    let form = form_map(&body);
    let g = |k: &str| get(&form, k);
    let f = FindingForm {
        id: g("id"),
        engagement: eng.clone(),
        identified_on: g("identified_on"),
        title_ja: g("title_ja"),
        title_en: g("title_en"),
        description: g("description"),
        severity: g("severity"),
        root_cause: g("root_cause"),
        root_cause_note: g("root_cause_note"),
        technique: g("technique"),
        systems: g("systems"),
        enterprise_wide: g("enterprise_wide"),
        recommendation: g("recommendation"),
        owner: g("owner"),
        due: g("due"),
        status: g("status"),
        person_days: g("person_days"),
        cost: g("cost"),
        lang: Some(lang),
    };
    match s.register.record_tlpt_finding(&actor_of(&caller, lang), &prog, version_of(&form), &f).await {
        Ok((links, _)) => {
            ctx.flash(if links > 0 { "tlpt.flash.finding_recurs" } else { "flash.saved" }).await;
            Ok(Redirect::to(&format!("/tlpt/{prog}/{eng}/findings#f-{}", f.id.trim())).into_response())
        }
        Err(e) if is_user_error(&e) => {
            let p = page(&ctx).await;
            let status = refusal_status(&e);
            findings_page(&s, &ctx, &caller, &prog, &eng, messages(&e, &p), form, status).await
        }
        Err(e) => Err(PageError::internal(lang, e)),
    }
}

pub(crate) async fn link_recurrences(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((prog, eng)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    load_for_edit(&s, &caller, &prog, &eng, lang).await?;
    let form = form_map(&body);
    match s.register.link_tlpt_recurrences(&actor_of(&caller, lang), &prog, version_of(&form), &eng).await {
        Ok(_) => {
            ctx.flash("tlpt.flash.linked").await;
            Ok(Redirect::to(&format!("/tlpt/{prog}/{eng}/findings")).into_response())
        }
        Err(e) if is_user_error(&e) => {
            let p = page(&ctx).await;
            let status = refusal_status(&e);
            findings_page(&s, &ctx, &caller, &prog, &eng, messages(&e, &p), HashMap::new(), status).await
        }
        Err(e) => Err(PageError::internal(lang, e)),
    }
}

// ---------------------------------------------------------------- rollout

pub(crate) struct RolloutFindingRow {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub complete: bool,
    pub missing: String,
    pub records: Vec<RecordRow>,
}

pub(crate) struct RecordRow {
    pub index: usize,
    pub entity: String,
    pub system: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub open: bool,
    pub owner: String,
    pub instructed_on: String,
    pub due: String,
    pub overdue: bool,
    pub checked_on: String,
    pub new_finding: String,
}

#[derive(Template)]
#[template(path = "tlpt/rollout.html")]
struct RolloutPage {
    p: Page,
    nav: Nav,
    rows: Vec<RolloutFindingRow>,
    errors: Vec<String>,
    today: String,
}

async fn rollout_page(
    s: &AppState,
    ctx: &Ctx,
    caller: &Caller,
    prog: &str,
    eng: &str,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let sp = load(s, caller, prog, lang).await?;
    let e = find_engagement(&sp, eng, lang)?;
    let pr = &sp.programme;
    let today = today();
    let rows = pr
        .findings_of(&e.id)
        .filter(|f| rollout::needs_rollout(f))
        .map(|f| {
            let sum = rollout::summary(pr, f, today);
            let mut missing: Vec<String> = sum.systems_without_record.iter().map(|x| x.to_string()).collect();
            missing.extend(sum.entities_without_record.iter().map(|x| x.to_string()));
            RolloutFindingRow {
                id: f.id.to_string(),
                title: f.title.get(lang).to_string(),
                summary: sum.line(lang),
                complete: sum.is_complete(),
                missing: missing.join(", "),
                records: pr
                    .rollout
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.finding == f.id)
                    .map(|(index, r)| RecordRow {
                        index,
                        entity: pr.entity_name(&r.entity, lang),
                        system: r
                            .system
                            .as_ref()
                            .map(|x| format!("{} {}", x, pr.system_name(x, lang)))
                            .unwrap_or_else(|| "—".into()),
                        status: r.status.label(lang),
                        status_class: match r.status {
                            RolloutStatus::NotChecked => "badge",
                            RolloutStatus::CheckedNotPresent => "badge st-submitted",
                            RolloutStatus::CheckedPresent => "badge s-open",
                        },
                        open: r.status == RolloutStatus::NotChecked,
                        owner: r.owner.clone(),
                        instructed_on: r.instructed_on.to_string(),
                        due: r.due.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
                        overdue: r.status == RolloutStatus::NotChecked && r.due.is_some_and(|d| d < today),
                        checked_on: r.checked_on.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
                        new_finding: r.new_finding.as_ref().map(|x| x.to_string()).unwrap_or_default(),
                    })
                    .collect(),
            }
        })
        .collect();
    let p = page(ctx).await;
    let page = RolloutPage { nav: Nav::new(&sp, e, "rollout", lang), rows, errors, today: today.to_string(), p };
    Ok((status, render(lang, &page)).into_response())
}

pub(crate) async fn rollout(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((prog, eng)): Path<(String, String)>,
) -> Result<Response, PageError> {
    rollout_page(&s, &ctx, &caller, &prog, &eng, vec![], StatusCode::OK).await
}

pub(crate) async fn record_rollout(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((prog, eng)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    load_for_edit(&s, &caller, &prog, &eng, lang).await?;
    let form = form_map(&body);
    let f = RolloutCheckForm {
        index: get(&form, "index"),
        status: get(&form, "status"),
        checked_on: get(&form, "checked_on"),
        new_finding: get(&form, "new_finding"),
    };
    match s.register.record_tlpt_rollout_check(&actor_of(&caller, lang), &prog, version_of(&form), &f).await {
        Ok((new, _)) => {
            ctx.flash(if new.is_some() { "tlpt.flash.rollout_present" } else { "flash.saved" }).await;
            Ok(Redirect::to(&format!("/tlpt/{prog}/{eng}/rollout")).into_response())
        }
        Err(e) if is_user_error(&e) => {
            let p = page(&ctx).await;
            let status = refusal_status(&e);
            rollout_page(&s, &ctx, &caller, &prog, &eng, messages(&e, &p), status).await
        }
        Err(e) => Err(PageError::internal(lang, e)),
    }
}

pub(crate) async fn plan_rollout(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((prog, eng)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    load_for_edit(&s, &caller, &prog, &eng, lang).await?;
    let form = form_map(&body);
    let mut errs = ValidationErrors::default();
    let due = match get(&form, "due").trim() {
        "" => None,
        d => match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                errs.push("due", Problem::BadFormat { value: d.to_string(), hint: "YYYY-MM-DD" });
                None
            }
        },
    };
    let result = if errs.is_empty() {
        s.register
            .plan_tlpt_rollout(&actor_of(&caller, lang), &prog, version_of(&form), &get(&form, "finding"), due)
            .await
    } else {
        Err(TlptAppError::Form(errs))
    };
    match result {
        Ok(_) => {
            ctx.flash("tlpt.flash.rollout_instructed").await;
            Ok(Redirect::to(&format!("/tlpt/{prog}/{eng}/rollout")).into_response())
        }
        Err(e) if is_user_error(&e) => {
            let p = page(&ctx).await;
            let status = refusal_status(&e);
            rollout_page(&s, &ctx, &caller, &prog, &eng, messages(&e, &p), status).await
        }
        Err(e) => Err(PageError::internal(lang, e)),
    }
}

// ---------------------------------------------------------------- assessment

pub(crate) struct CheckRow {
    pub code: &'static str,
    pub label: &'static str,
    pub area: &'static str,
    pub side: &'static str,
    pub verdict: &'static str,
    pub verdict_code: &'static str,
    pub class: &'static str,
    pub evidence: String,
    pub action: String,
    pub source: &'static str,
}

#[derive(Template)]
#[template(path = "tlpt/assessment.html")]
struct AssessmentPage {
    p: Page,
    nav: Nav,
    good: usize,
    insufficient: usize,
    not_enough: usize,
    checks: Vec<CheckRow>,
    assessed_on: String,
    has_catalogue: bool,
}

pub(crate) async fn assessment(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((prog, eng)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let read = engagement_read(&s, &caller, &prog, &eng, lang).await?;
    let (sp, e, cat) = (&read.stored, read.engagement(), &read.catalogue);
    let a = read.assessment().map_err(|x| PageError::internal(lang, x))?;
    let checks = a
        .checks
        .iter()
        .map(|c| CheckRow {
            code: c.check.code(),
            label: c.check.label(lang),
            area: c.area.label(lang),
            side: c.side.label(lang),
            verdict: c.verdict.label(lang),
            verdict_code: c.verdict.code(),
            class: verdict_class(c.verdict),
            evidence: c.evidence.get(lang).to_string(),
            action: c.action.get(lang).to_string(),
            source: c.check.source_text(lang),
        })
        .collect();
    let p = page(&ctx).await;
    let page = AssessmentPage {
        nav: Nav::new(sp, e, "assessment", lang),
        good: a.count(Verdict::Good),
        insufficient: a.count(Verdict::Insufficient),
        not_enough: a.count(Verdict::NotEnoughData),
        checks,
        assessed_on: a.assessed_on.to_string(),
        has_catalogue: cat.is_some(),
        p,
    };
    Ok(render(lang, &page))
}

// ---------------------------------------------------------------- management report and layers

pub(crate) struct CellView {
    pub text: String,
    pub class: &'static str,
}

pub(crate) struct BlockView {
    pub kind: &'static str,
    pub text: String,
    pub class: &'static str,
    pub items: Vec<String>,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<CellView>>,
}

pub(crate) struct SectionView {
    pub heading: String,
    pub blocks: Vec<BlockView>,
}

#[derive(Template)]
#[template(path = "tlpt/report.html")]
struct ReportPage {
    p: Page,
    nav: Nav,
    title: String,
    subtitle: String,
    as_of: String,
    sections: Vec<SectionView>,
    actor_sets: String,
    has_catalogue: bool,
}

fn block_view(b: &Block) -> BlockView {
    let empty = BlockView { kind: "", text: String::new(), class: "", items: vec![], headers: vec![], rows: vec![] };
    match b {
        Block::Paragraph { text } => BlockView { kind: "p", text: text.clone(), ..empty },
        Block::Callout { tone, text } => BlockView {
            kind: "callout",
            text: text.clone(),
            class: match tone {
                Tone::Bad => "error-summary",
                _ => "flash",
            },
            ..empty
        },
        Block::List { items } => BlockView { kind: "list", items: items.clone(), ..empty },
        Block::Table { headers, rows } => BlockView {
            kind: "table",
            headers: headers.clone(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| CellView { text: c.text.clone(), class: tone_class(c.tone) }).collect())
                .collect(),
            ..empty
        },
    }
}

pub(crate) async fn report(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((prog, eng)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let read = engagement_read(&s, &caller, &prog, &eng, lang).await?;
    let (sp, e, cat) = (&read.stored, read.engagement(), &read.catalogue);
    let r = read.report(lang).map_err(|x| PageError::internal(lang, x))?;
    let p = page(&ctx).await;
    let page = ReportPage {
        nav: Nav::new(sp, e, "report", lang),
        title: r.title.clone(),
        subtitle: r.subtitle.clone(),
        as_of: r.as_of.to_string(),
        sections: r
            .sections
            .iter()
            .map(|sec| SectionView {
                heading: sec.heading.clone(),
                blocks: sec.blocks.iter().map(block_view).collect(),
            })
            .collect(),
        actor_sets: actor_sets(e).join(", "),
        has_catalogue: cat.is_some(),
        p,
    };
    Ok(render(lang, &page))
}

pub(crate) async fn report_download(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((prog, eng, format)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let read = engagement_read(&s, &caller, &prog, &eng, lang).await?;
    let e = read.engagement();
    let (fmt, mime, ext) = match format.as_str() {
        "md" => (report::Format::Markdown, "text/markdown", "md"),
        "html" => (report::Format::Html, "text/html", "html"),
        _ => return Err(PageError::NotFound(lang)),
    };
    let text = read.render_report(lang, fmt).map_err(|x| PageError::internal(lang, x))?;
    Ok(download(text, mime, &format!("tlpt-report-{}-{}.{ext}", e.id, lang.code())))
}

pub(crate) async fn layer(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((prog, eng, kind)): Path<(String, String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let read = engagement_read(&s, &caller, &prog, &eng, lang).await?;
    let e = read.engagement();
    let which = match kind.as_str() {
        "coverage.json" => LayerKind::Coverage,
        "actors.json" => LayerKind::Actors(match q.get("sets").map(|v| v.trim()).filter(|v| !v.is_empty()) {
            Some(v) => v.split([',', ' ']).filter(|x| !x.is_empty()).map(str::to_string).collect(),
            None => vec![],
        }),
        _ => return Err(PageError::NotFound(lang)),
    };
    // Without imported ATT&CK data (or with unknown intrusion sets) there is nothing to overlay:
    // the page says so, no download.
    let Ok(layer) = read.layer(&which, lang) else { return Err(PageError::NotFound(lang)) };
    let stem = kind.trim_end_matches(".json");
    Ok(download(layer.to_json(), "application/json", &format!("tlpt-{}-{stem}-layer.json", e.id)))
}
