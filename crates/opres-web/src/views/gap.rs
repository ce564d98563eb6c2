//! The gap-assessment pages: frameworks and their import, an institution's assessment against a
//! framework (results, maturity, gaps by area, the workflow) and the form of one requirement.
//!
//! Every page calls one use case of `opres_app::gap`; forms carry the assessment's version, so an
//! entry saved from a stale page is refused (412) instead of overwriting someone else's.

use super::upload::{Upload, read_upload};
use super::{Ctx, Opt, Page, form_problems, render};
use crate::AppState;
use crate::edge::Failed;
use crate::i18n::Catalogue;
use crate::middleware::form_pairs;
use crate::routes::Routes;
use askama::Template;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::handler::Handler;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use opres_app::gap::{FrameworkFile, GapAssessmentView, GapTransition};
use opres_app::gap_report::GapReportKind;
use opres_app::{Actor, AppError, Permission, report_format, today};
use opres_domain::Lang;
use opres_domain::report::svg::hbar_chart;
use opres_gap::{EntryRecord, Level, Outcome, ProposalSeen, ResultCode, Status};
use std::collections::HashMap;

pub(super) fn routes(r: Routes) -> Routes {
    r.get("/gap", index)
        .post("/gap/frameworks", import.layer(DefaultBodyLimit::max(super::UPLOAD_LIMIT)))
        .post("/gap/mappings", import_mapping.layer(DefaultBodyLimit::max(super::UPLOAD_LIMIT)))
        .post("/gap/imports", import_file.layer(DefaultBodyLimit::max(super::UPLOAD_LIMIT)))
        .get("/gap/frameworks/{id}", framework)
        .get("/gap/frameworks/{id}/distribution/{format}", distribution_download)
        .post("/gap/assessments", start)
        .get("/gap/assessments/{key}", assessment)
        .post("/gap/assessments/{key}/transition", transition)
        .post("/gap/assessments/{key}/prefill", prefill)
        .get("/gap/assessments/{key}/report/{kind}/{format}", report_download)
        .get("/gap/assessments/{key}/oscal", oscal_download)
        .get("/gap/assessments/{key}/requirements/{req}", entry_form)
        .post("/gap/assessments/{key}/requirements/{req}", save_entry)
}

/// The formats a report downloads in, as (URL code, label).
const DOWNLOADS: [(&str, &str); 3] = [("html", "HTML"), ("md", "Markdown"), ("xlsx", "Excel")];

/// The reports of one assessment, as (URL code, label key).
const REPORT_KINDS: [(&str, &str); 2] =
    [("management", "gap.report.management"), ("applicability", "gap.report.applicability")];

pub(crate) struct FrameworkRow {
    pub id: String,
    pub name: String,
    pub version: String,
    pub assessable: usize,
    pub built_in: bool,
}

pub(crate) struct AssessmentRow {
    pub key: String,
    pub institution: String,
    pub framework: String,
    pub started: String,
    pub updated: String,
}

#[derive(Template)]
#[template(path = "gap/index.html")]
struct IndexPage {
    p: Page,
    frameworks: Vec<FrameworkRow>,
    assessments: Vec<AssessmentRow>,
    institutions: Vec<Opt>,
    mappings: Vec<opres_app::gap_mapping::MappingSummary>,
    /// The start form's values as the user chose them (nothing preselected).
    chosen_institution: String,
    chosen_framework: String,
    errors: IndexErrors,
}

/// The refusal of one of the index page's forms, shown beside that form.
#[derive(Default)]
struct IndexErrors {
    start: Vec<String>,
    import: Vec<String>,
    mapping: Vec<String>,
    file: Vec<String>,
}

impl IndexErrors {
    fn is_empty(&self) -> bool {
        self.start.is_empty() && self.import.is_empty() && self.mapping.is_empty() && self.file.is_empty()
    }
}

async fn index_page(
    s: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    chosen: (String, String),
    errors: IndexErrors,
) -> Result<Response, Failed> {
    let lang = ctx.lang;
    let p = ctx.page("gap").await;
    let frameworks = s.register.gap_frameworks(actor).await?;
    let names: HashMap<String, String> =
        frameworks.iter().map(|f| (f.id.clone(), f.name.get(lang).to_string())).collect();
    let assessments = s
        .register
        .gap_assessments(actor)
        .await?
        .into_iter()
        .map(|a| AssessmentRow {
            framework: names.get(&a.framework).cloned().unwrap_or_else(|| a.framework.clone()),
            started: a.started_on,
            updated: p.dt(a.updated_at),
            institution: a.institution,
            key: a.key,
        })
        .collect();
    let institutions = s
        .register
        .institutions(actor)
        .await?
        .into_iter()
        .map(|i| Opt { code: i.value.code.to_string(), label: format!("{} {}", i.value.code, i.value.name(lang)) })
        .collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = IndexPage {
        frameworks: frameworks
            .into_iter()
            .map(|f| FrameworkRow {
                name: f.name.get(lang).to_string(),
                id: f.id,
                version: f.version,
                assessable: f.assessable,
                built_in: f.built_in,
            })
            .collect(),
        assessments,
        institutions,
        mappings: s.register.gap_mappings(actor).await?,
        chosen_institution: chosen.0,
        chosen_framework: chosen.1,
        errors,
        p,
    };
    Ok((status, render(lang, &page)).into_response())
}

async fn index(State(s): State<AppState>, ctx: Ctx, actor: Actor) -> Result<Response, Failed> {
    index_page(&s, &ctx, &actor, Default::default(), IndexErrors::default()).await
}

/// The messages of a refusal for the gap pages: a stale version as the page's `conflict`
/// sentence, otherwise one per problem, prefixed with its field's label (`<labels><field>` in the
/// catalogue; `closes[0].requirement` is labelled as `closes`).
pub(super) fn messages(e: &AppError, cat: Catalogue, labels: &str, conflict: &str) -> Vec<String> {
    if matches!(e, AppError::Conflict { .. }) {
        return vec![cat.t(conflict).to_string()];
    }
    form_problems(e, cat)
        .into_iter()
        .map(|(field, text)| {
            let base = field.as_deref().map(|f| f.split(['[', '.']).next().unwrap_or(f));
            match base.and_then(|f| cat.get(&format!("{labels}{f}"))) {
                Some(label) => format!("{label}: {text}"),
                None => text,
            }
        })
        .collect()
}

/// Whether a refusal is the user's to fix on the page it came from (the rest is an error page).
pub(super) fn on_form(e: &AppError) -> bool {
    matches!(
        e,
        AppError::Invalid { .. } | AppError::Refused { .. } | AppError::Malformed { .. } | AppError::Conflict { .. }
    )
}

async fn start(State(s): State<AppState>, ctx: Ctx, actor: Actor, body: Bytes) -> Result<Response, Failed> {
    let form: HashMap<String, String> = form_pairs(&body).into_iter().collect();
    let get = |k: &str| form.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let (institution, framework) = (get("institution"), get("framework"));
    let result = s.register.start_gap_assessment_from(&actor, &institution, &framework, today()).await;
    match result {
        Ok(started) => {
            ctx.flash("gap.flash.started").await;
            Ok(Redirect::to(&format!("/gap/assessments/{}", started.key)).into_response())
        }
        Err(e) if on_form(&e) => {
            let msgs = messages(&e, Catalogue(ctx.lang), "gap.f.", "gap.conflict_moved");
            index_page(&s, &ctx, &actor, (institution, framework), IndexErrors { start: msgs, ..Default::default() })
                .await
        }
        Err(e) => Err(Failed(e)),
    }
}

async fn import(
    State(s): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<Response, Failed> {
    actor.require(Permission::EditGap)?;
    let result = async {
        let up: Upload = read_upload(mp).await.map_err(|pr| AppError::invalid_field("file", pr))?;
        let (name, bytes) = up.required("file")?;
        let catalog = up.file("catalog").map(|(n, b)| FrameworkFile { name: n, bytes: b });
        s.register.import_gap_framework(&actor, FrameworkFile { name, bytes }, catalog).await
    }
    .await;
    match result {
        Ok(done) => {
            ctx.flash("gap.flash.imported").await;
            Ok(Redirect::to(&format!("/gap/frameworks/{}", crate::auth::urlencode(&done.id))).into_response())
        }
        Err(e) if on_form(&e) => {
            let msgs = messages(&e, Catalogue(ctx.lang), "gap.f.", "gap.conflict_moved");
            index_page(&s, &ctx, &actor, Default::default(), IndexErrors { import: msgs, ..Default::default() }).await
        }
        Err(e) => Err(Failed(e)),
    }
}

/// Imports a gap file: assessments (as drafts) and roadmaps, all or nothing.
async fn import_file(
    State(s): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<Response, Failed> {
    actor.require(Permission::EditGap)?;
    let result = async {
        let up: Upload = read_upload(mp).await.map_err(|pr| AppError::invalid_field("file", pr))?;
        let (name, bytes) = up.required("file")?;
        s.register.import_gap_file(&actor, FrameworkFile { name, bytes }, today()).await
    }
    .await;
    match result {
        Ok(_) => {
            ctx.flash("gap.flash.file_imported").await;
            Ok(Redirect::to("/gap#assessments").into_response())
        }
        Err(e) if on_form(&e) => {
            let msgs = messages(&e, Catalogue(ctx.lang), "gap.f.", "gap.conflict_moved");
            index_page(&s, &ctx, &actor, Default::default(), IndexErrors { file: msgs, ..Default::default() }).await
        }
        Err(e) => Err(Failed(e)),
    }
}

async fn import_mapping(
    State(s): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<Response, Failed> {
    actor.require(Permission::EditGap)?;
    let result = async {
        let up: Upload = read_upload(mp).await.map_err(|pr| AppError::invalid_field("file", pr))?;
        let (name, bytes) = up.required("file")?;
        s.register.import_gap_mapping(&actor, FrameworkFile { name, bytes }).await
    }
    .await;
    match result {
        Ok(_) => {
            ctx.flash("gap.flash.mapping_imported").await;
            Ok(Redirect::to("/gap#mappings").into_response())
        }
        Err(e) if on_form(&e) => {
            let msgs = messages(&e, Catalogue(ctx.lang), "gap.f.", "gap.conflict_moved");
            index_page(&s, &ctx, &actor, Default::default(), IndexErrors { mapping: msgs, ..Default::default() }).await
        }
        Err(e) => Err(Failed(e)),
    }
}

pub(crate) struct NodeRow {
    pub id: String,
    pub reference: String,
    pub title: String,
    pub description: String,
    pub depth: usize,
    pub assessable: bool,
    pub level: String,
    pub links: String,
}

#[derive(Template)]
#[template(path = "gap/framework.html")]
struct FrameworkPage {
    p: Page,
    id: String,
    name: String,
    version: String,
    source: String,
    scale_max: u8,
    assessable: usize,
    nodes: Vec<NodeRow>,
}

/// How deep a node sits (0 for a root), following parents in the framework.
fn depth(f: &opres_gap::Framework, id: &str) -> usize {
    let mut d = 0;
    let mut at = f.get(id).and_then(|r| r.parent.clone());
    // A framework is validated acyclic; the bound only guards a stored one read back.
    while let Some(parent) = at.filter(|_| d < 64) {
        d += 1;
        at = f.get(&parent).and_then(|r| r.parent.clone());
    }
    d
}

fn links(r: &opres_gap::Requirement, lang: Lang) -> String {
    let mut out: Vec<String> = r.trends.iter().map(|t| t.label(lang).to_string()).collect();
    out.extend(r.practice_checks.iter().map(|c| format!("TLPT: {}", c.source_text(lang))));
    out.extend(r.basic_action.iter().map(|a| a.label(lang).to_string()));
    out.extend(r.topics.iter().map(|t| t.label(lang).to_string()));
    out.join(" · ")
}

async fn framework(
    State(s): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, Failed> {
    let lang = ctx.lang;
    let f = s.register.gap_framework(&actor, &id).await?;
    let nodes = f
        .requirements
        .iter()
        .map(|r| NodeRow {
            id: r.id.clone(),
            reference: r.reference.clone(),
            title: r.title.get(lang).to_string(),
            description: r.description.get(lang).to_string(),
            depth: depth(&f, &r.id),
            assessable: r.assessable,
            level: r.level.map(|l| l.label(lang).to_string()).unwrap_or_default(),
            links: links(r, lang),
        })
        .collect();
    let page = FrameworkPage {
        p: ctx.page("gap").await,
        id: f.id.clone(),
        name: f.name.get(lang).to_string(),
        assessable: f.assessable().count(),
        version: f.version.clone(),
        source: f.source.clone(),
        scale_max: f.scale_max,
        nodes,
    };
    Ok(render(lang, &page))
}

pub(crate) struct EntryRow {
    pub id: String,
    pub reference: String,
    pub title: String,
    pub depth: usize,
    pub assessable: bool,
    pub level: String,
    /// Result label, empty when not assessed yet.
    pub result: String,
    pub result_code: &'static str,
    pub maturity: String,
    pub gap: String,
    pub changed: bool,
    /// The result proposed from the register, empty when none.
    pub proposed: String,
    pub proposed_code: &'static str,
    /// The assessment the result was pre-filled from through a mapping, empty when none.
    pub mapped_from: String,
}

/// What a mapping proposes for one requirement, as the assessment page lists it.
pub(crate) struct MappedRow {
    pub id: String,
    pub reference: String,
    pub title: String,
    pub proposed: String,
    pub proposed_code: &'static str,
    pub from: String,
    pub from_status: String,
    pub sources: String,
    pub answered: bool,
}

pub(crate) struct GapRow {
    pub id: String,
    pub reference: String,
    pub title: String,
    pub area: String,
    pub gap: u8,
    pub priority: String,
}

pub(crate) struct StepRow {
    pub status: String,
    pub by: String,
    pub at: String,
    pub comment: String,
}

#[derive(Template)]
#[template(path = "gap/assessment.html")]
struct AssessmentPage {
    p: Page,
    key: String,
    version: i64,
    institution: String,
    framework_id: String,
    framework: String,
    framework_version: String,
    started: String,
    previous: Option<String>,
    status: String,
    status_code: &'static str,
    assessable: usize,
    answered: usize,
    counts: Vec<(String, usize)>,
    gap_total: u32,
    chart: String,
    top: Vec<GapRow>,
    rows: Vec<EntryRow>,
    /// Requirements with a result proposed from the register.
    proposals: usize,
    /// What mappings from the institution's other assessments propose.
    mapped: Vec<MappedRow>,
    /// Of those, the requirements still without an entry (what pre-filling would fill).
    mapped_unanswered: usize,
    changed: Option<usize>,
    history: Vec<StepRow>,
    errors: Vec<String>,
}

/// The assessment page with everything proposed for it: from the register and through mappings.
async fn assessment_response(
    s: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    key: &str,
    refused: Option<&AppError>,
) -> Result<Response, Failed> {
    let v = s.register.gap_assessment(actor, key).await?;
    let proposals = s.register.gap_proposals(actor, &v, today()).await?;
    let mapped = s.register.gap_mapped_proposals(actor, &v).await?;
    let p = ctx.page("gap").await;
    let (status, msgs) = match refused {
        Some(e) => (crate::edge::status_of(e), messages(e, p.cat, "gap.f.", "gap.conflict_moved")),
        None => (StatusCode::OK, vec![]),
    };
    Ok((status, render(ctx.lang, &assessment_page(&v, &proposals, &mapped, p, msgs))).into_response())
}

fn assessment_page(
    v: &GapAssessmentView,
    proposals: &[opres_gap::Proposal],
    mapped: &[opres_app::gap_mapping::MappedProposal],
    p: Page,
    errors: Vec<String>,
) -> AssessmentPage {
    let lang = p.lang;
    let proposed: HashMap<&str, ResultCode> = proposals.iter().map(|x| (x.requirement.as_str(), x.proposed)).collect();
    let f = &v.framework;
    let a = &v.record.assessment;
    let changed: Vec<String> = v.changed_since_previous.clone().unwrap_or_default();
    let gap_of: HashMap<&str, u8> = v.gaps.iter().map(|g| (g.requirement.as_str(), g.gap)).collect();
    let rows = f
        .requirements
        .iter()
        .map(|r| {
            let e = a.entries.get(&r.id);
            EntryRow {
                id: r.id.clone(),
                reference: r.reference.clone(),
                title: r.title.get(lang).to_string(),
                depth: depth(f, &r.id),
                assessable: r.assessable,
                level: r.level.map(|l| l.label(lang).to_string()).unwrap_or_default(),
                result: e.map(|e| e.outcome.code().label(lang).to_string()).unwrap_or_default(),
                result_code: e.map(|e| e.outcome.code().code()).unwrap_or(""),
                maturity: e.map(|e| format!("{} → {}", e.current, e.target)).unwrap_or_default(),
                gap: gap_of.get(r.id.as_str()).map(|g| g.to_string()).unwrap_or_default(),
                changed: changed.contains(&r.id),
                proposed: proposed.get(r.id.as_str()).map(|c| c.label(lang).to_string()).unwrap_or_default(),
                proposed_code: proposed.get(r.id.as_str()).map(|c| c.code()).unwrap_or(""),
                mapped_from: match e.map(|e| &e.basis) {
                    Some(opres_gap::Basis::Mapped { source_assessment, .. }) => source_assessment.clone(),
                    _ => String::new(),
                },
            }
        })
        .collect();
    let mapped_rows = mapped
        .iter()
        .map(|m| {
            let r = f.get(&m.prefill.target);
            MappedRow {
                id: m.prefill.target.clone(),
                reference: r.map(|r| r.reference.clone()).unwrap_or_default(),
                title: r.map(|r| r.title.get(lang).to_string()).unwrap_or_else(|| m.prefill.target.clone()),
                proposed: m.prefill.proposed.label(lang).to_string(),
                proposed_code: m.prefill.proposed.code(),
                from: m.source_assessment.clone(),
                from_status: m.source_status.label(lang).to_string(),
                sources: m
                    .prefill
                    .sources
                    .iter()
                    .map(|x| {
                        format!(
                            "{} {} ({}, {} {})",
                            x.requirement,
                            x.result.label(lang),
                            x.relation.label(lang),
                            p.t("gap.strength"),
                            x.strength.get()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" · "),
                answered: m.answered,
            }
        })
        .collect();
    let title_of = |id: &str| f.get(id).map(|r| r.title.get(lang).to_string()).unwrap_or_else(|| id.to_string());
    let top = v
        .gaps
        .iter()
        .filter(|g| g.gap > 0)
        .take(10)
        .map(|g| GapRow {
            reference: f.get(&g.requirement).map(|r| r.reference.clone()).unwrap_or_default(),
            title: title_of(&g.requirement),
            area: title_of(&g.area),
            id: g.requirement.clone(),
            gap: g.gap,
            priority: format!("{:.1}", g.priority),
        })
        .collect();
    let by_area: Vec<(String, f64)> =
        v.gaps_by_area.iter().filter(|(_, n)| **n > 0).map(|(area, n)| (title_of(area), f64::from(*n))).collect();
    let chart = if by_area.is_empty() { String::new() } else { hbar_chart(p.t("gap.chart_by_area"), &by_area, "") };
    let counts = ResultCode::ALL
        .iter()
        .map(|c| (c.label(lang).to_string(), a.entries.values().filter(|e| e.outcome.code() == *c).count()))
        .collect();
    AssessmentPage {
        key: v.key.clone(),
        version: v.version,
        institution: v.record.institution.to_string(),
        framework_id: f.id.clone(),
        framework: f.name.get(lang).to_string(),
        framework_version: v.record.framework_version.clone(),
        started: v.record.started_on.to_string(),
        previous: v.record.previous.clone(),
        status: a.status.label(lang).to_string(),
        status_code: a.status.code(),
        assessable: f.assessable().count(),
        answered: f.assessable().count() - v.unanswered(),
        counts,
        gap_total: v.gaps_by_area.values().sum(),
        chart,
        top,
        rows,
        proposals: proposals.len(),
        mapped_unanswered: mapped
            .iter()
            .filter(|m| !m.answered)
            .map(|m| &m.prefill.target)
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        mapped: mapped_rows,
        changed: v.changed_since_previous.as_ref().map(Vec::len),
        history: v
            .record
            .history
            .iter()
            .map(|h| StepRow {
                status: h.status.label(lang).to_string(),
                by: h.by.clone(),
                at: p.dt(h.at),
                comment: h.comment.clone(),
            })
            .collect(),
        errors,
        p,
    }
}

impl AssessmentPage {
    /// The workflow moves the current state allows and the user may make, as (code, label key).
    fn moves(&self) -> Vec<(&'static str, &'static str)> {
        let edit = self.p.can("edit_gap");
        let approve = self.p.can("approve_gap");
        match self.status_code {
            "draft" if edit => vec![("submit", "gap.move.submit")],
            "in_review" => {
                let mut m = Vec::new();
                if approve {
                    m.push(("approve", "gap.move.approve"));
                }
                if edit {
                    m.push(("return", "gap.move.return"));
                }
                m
            }
            "approved" if edit => vec![("lock", "gap.move.lock")],
            _ => vec![],
        }
    }
}

async fn assessment(
    State(s): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(key): Path<String>,
) -> Result<Response, Failed> {
    assessment_response(&s, &ctx, &actor, &key, None).await
}

/// Pre-fills the draft's unanswered requirements from every mapping's proposal (the button on the
/// assessment page: the assessor's explicit choice).
async fn prefill(
    State(s): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(key): Path<String>,
    body: Bytes,
) -> Result<Response, Failed> {
    let form: HashMap<String, String> = form_pairs(&body).into_iter().collect();
    let version = form.get("version").and_then(|v| v.trim().parse::<i64>().ok());
    match s.register.apply_gap_mapped_proposals(&actor, &key, version).await {
        Ok(_) => {
            ctx.flash("gap.flash.prefilled").await;
            Ok(Redirect::to(&format!("/gap/assessments/{key}")).into_response())
        }
        Err(e) if on_form(&e) => assessment_response(&s, &ctx, &actor, &key, Some(&e)).await,
        Err(e) => Err(Failed(e)),
    }
}

async fn report_download(
    State(s): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path((key, kind, format)): Path<(String, String, String)>,
) -> Result<Response, Failed> {
    let kind = GapReportKind::parse(&kind)?;
    let file = s.register.gap_report_file(&actor, &key, kind, report_format(&format)?, ctx.lang, today()).await?;
    Ok(crate::download::report_file(file))
}

async fn oscal_download(State(s): State<AppState>, actor: Actor, Path(key): Path<String>) -> Result<Response, Failed> {
    let doc = s.register.gap_oscal_results(&actor, &key).await?;
    let bytes = serde_json::to_vec_pretty(&doc).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::download::attachment(&format!("{key}-oscal-assessment-results.json"), "application/json", bytes))
}

async fn distribution_download(
    State(s): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path((id, format)): Path<(String, String)>,
) -> Result<Response, Failed> {
    let file = s.register.gap_distribution_file(&actor, &id, report_format(&format)?, ctx.lang, today()).await?;
    Ok(crate::download::report_file(file))
}

async fn transition(
    State(s): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(key): Path<String>,
    body: Bytes,
) -> Result<Response, Failed> {
    let form: HashMap<String, String> = form_pairs(&body).into_iter().collect();
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    let version = get("version").trim().parse::<i64>().ok();
    let result = match GapTransition::parse(get("transition")) {
        Ok(t) => s.register.move_gap_assessment(&actor, &key, t, get("comment"), version).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => {
            ctx.flash("gap.flash.moved").await;
            Ok(Redirect::to(&format!("/gap/assessments/{key}")).into_response())
        }
        Err(e) if on_form(&e) => assessment_response(&s, &ctx, &actor, &key, Some(&e)).await,
        Err(e) => Err(Failed(e)),
    }
}

#[derive(Template)]
#[template(path = "gap/entry.html")]
struct EntryPage {
    p: Page,
    key: String,
    version: i64,
    req_id: String,
    reference: String,
    title: String,
    description: String,
    level: String,
    evidence_hint: String,
    links: String,
    scale_max: u8,
    editable: bool,
    results: Vec<Opt>,
    f: HashMap<String, String>,
    errors: Vec<String>,
    conflict: bool,
    proposal: Option<ProposalBox>,
}

/// A result proposed from the register, as the entry form shows it.
pub(crate) struct ProposalBox {
    pub code: &'static str,
    pub label: String,
    pub derived_on: String,
    pub reasons: Vec<String>,
    pub records: String,
    pub stale: bool,
}

impl ProposalBox {
    fn of(p: &opres_gap::Proposal, lang: Lang) -> ProposalBox {
        ProposalBox {
            code: p.proposed.code(),
            label: p.proposed.label(lang).to_string(),
            derived_on: p.derived_on.to_string(),
            reasons: p.reasons.iter().map(|r| r.get(lang).to_string()).collect(),
            records: p.records.join(", "),
            stale: p.stale,
        }
    }
}

/// The proposal in front of the assessor, from the form's hidden fields (none when absent).
fn proposal_seen(f: &HashMap<String, String>) -> Option<ProposalSeen> {
    let proposed = ResultCode::parse(f.get("proposed")?.trim()).ok()?;
    let derived_on = chrono::NaiveDate::parse_from_str(f.get("derived_on")?.trim(), "%Y-%m-%d").ok()?;
    Some(ProposalSeen { proposed, derived_on })
}

impl EntryPage {
    fn v(&self, k: &str) -> &str {
        self.f.get(k).map(String::as_str).unwrap_or("")
    }
}

/// The form's values for a stored entry (empty for a requirement not assessed yet).
fn entry_values(v: &GapAssessmentView, req: &str) -> HashMap<String, String> {
    let mut f = HashMap::new();
    if let Some(e) = v.record.assessment.entries.get(req) {
        let r = e.to_record();
        f.insert("result".into(), r.result);
        if let Outcome::NotApplicable { reason } = &e.outcome {
            f.insert("not_applicable_reason".into(), reason.clone());
        }
        f.insert("current".into(), e.current.to_string());
        f.insert("target".into(), e.target.to_string());
        f.insert("rationale".into(), e.rationale.clone());
        f.insert("evidence".into(), e.evidence.join("\n"));
        f.insert("owner".into(), e.owner.clone().unwrap_or_default());
        f.insert("reviewer".into(), e.reviewer.clone().unwrap_or_default());
        f.insert("linked_records".into(), e.linked_records.to_string());
    }
    f
}

fn entry_page(
    v: &GapAssessmentView,
    req: &str,
    p: Page,
    f: HashMap<String, String>,
    errors: Vec<String>,
    conflict: bool,
    proposal: Option<&opres_gap::Proposal>,
) -> Result<EntryPage, AppError> {
    let lang = p.lang;
    let r = v
        .framework
        .get(req)
        .filter(|r| r.assessable)
        .ok_or_else(|| AppError::not_found(opres_app::Noun::Requirement, req))?;
    Ok(EntryPage {
        key: v.key.clone(),
        version: v.version,
        req_id: r.id.clone(),
        reference: r.reference.clone(),
        title: r.title.get(lang).to_string(),
        description: r.description.get(lang).to_string(),
        level: r.level.map(|l: Level| l.label(lang).to_string()).unwrap_or_default(),
        evidence_hint: r.evidence.join(", "),
        links: links(r, lang),
        scale_max: v.record.assessment.scale_max,
        editable: v.record.assessment.status == Status::Draft && p.can("edit_gap"),
        results: ResultCode::ALL.iter().map(|c| Opt { code: c.code().into(), label: c.label(lang).into() }).collect(),
        f,
        errors,
        conflict,
        proposal: proposal.map(|x| ProposalBox::of(x, lang)),
        p,
    })
}

async fn entry_form(
    State(s): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path((key, req)): Path<(String, String)>,
) -> Result<Response, Failed> {
    let v = s.register.gap_assessment(&actor, &key).await?;
    let proposals = s.register.gap_proposals(&actor, &v, today()).await?;
    let proposal = proposals.iter().find(|x| x.requirement == req);
    let page = entry_page(&v, &req, ctx.page("gap").await, entry_values(&v, &req), vec![], false, proposal)?;
    Ok(render(ctx.lang, &page))
}

/// The entry as the form gives it; numbers stay text until the domain reads them.
fn entry_record(f: &HashMap<String, String>) -> EntryRecord {
    let get = |k: &str| f.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let scalar = |k: &str| Some(get(k)).filter(|v| !v.is_empty()).map(opres_domain::RawScalar::Text);
    EntryRecord {
        result: get("result"),
        not_applicable_reason: get("not_applicable_reason"),
        current: scalar("current"),
        target: scalar("target"),
        rationale: get("rationale"),
        evidence: get("evidence").lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect(),
        owner: get("owner"),
        reviewer: get("reviewer"),
        linked_records: scalar("linked_records"),
        override_reason: get("override_reason"),
    }
}

async fn save_entry(
    State(s): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path((key, req)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, Failed> {
    let f: HashMap<String, String> = form_pairs(&body).into_iter().collect();
    let version = f.get("version").and_then(|v| v.trim().parse::<i64>().ok());
    let result = s.register.record_gap_entry(&actor, &key, &req, &entry_record(&f), proposal_seen(&f), version).await;
    match result {
        Ok(_) => {
            ctx.flash("gap.flash.saved").await;
            Ok(Redirect::to(&format!("/gap/assessments/{key}#r-{}", crate::auth::urlencode(&req))).into_response())
        }
        Err(e) if on_form(&e) => {
            let v = s.register.gap_assessment(&actor, &key).await?;
            let p = ctx.page("gap").await;
            // A stale version has its own box above the form, with the user's input kept below.
            let conflict = matches!(e, AppError::Conflict { .. });
            let errors = if conflict { vec![] } else { messages(&e, p.cat, "gap.f.", "gap.conflict") };
            let proposals = s.register.gap_proposals(&actor, &v, today()).await?;
            let proposal = proposals.iter().find(|x| x.requirement == req);
            let page = entry_page(&v, &req, p, f, errors, conflict, proposal)?;
            Ok((crate::edge::status_of(&e), render(ctx.lang, &page)).into_response())
        }
        Err(e) => Err(Failed(e)),
    }
}
