//! `/gap`: frameworks (list, one with its requirements, import) and gap assessments (list, start,
//! one with its gaps, record a requirement's entry, move through the workflow).
//!
//! Every handler calls one `opres-app` gap use case with the [`Actor`]: role and institution scope
//! are checked there (an assessment of another institution is "not found"), as for the pages and
//! the command line. An assessment is versioned as a whole: reads carry its `ETag`, every change
//! sends it back in `If-Match`.

use super::{ReportParams, etag, if_match, json_body, query};
use crate::edge::{Failed, RequestLang};
use crate::views::upload::read_upload;
use crate::{AppState, download};
use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::handler::Handler;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use opres_app::gap::{FrameworkFile, GapTransition};
use opres_app::gap_report::GapReportKind;
use opres_app::gap_roadmap::RoadmapMove;
use opres_app::{Actor, AppError, institution_code, report_format, today};
use opres_domain::Lang;
use opres_gap::{ActionRecord, EntryRecord, MilestoneRecord};
use serde::Deserialize;
use serde_json::json;

pub(crate) fn routes(r: crate::routes::Routes) -> crate::routes::Routes {
    r.get("/api/v1/gap/frameworks", frameworks)
        .post("/api/v1/gap/frameworks", import.layer(DefaultBodyLimit::max(crate::limits::UPLOAD_MAX)))
        .get("/api/v1/gap/frameworks/{id}", framework)
        .get("/api/v1/gap/frameworks/{id}/distribution", distribution)
        .get("/api/v1/gap/mappings", mappings)
        .post("/api/v1/gap/mappings", import_mapping.layer(DefaultBodyLimit::max(crate::limits::UPLOAD_MAX)))
        .get("/api/v1/gap/mappings/{source}/{target}", mapping)
        .post("/api/v1/gap/imports", import_file.layer(DefaultBodyLimit::max(crate::limits::UPLOAD_MAX)))
        .get("/api/v1/gap/assessments", assessments)
        .post("/api/v1/gap/assessments", start)
        .get("/api/v1/gap/assessments/{key}", assessment)
        .put("/api/v1/gap/assessments/{key}/entries/{requirement}", record_entry)
        .post("/api/v1/gap/assessments/{key}/transitions", transition)
        .get("/api/v1/gap/assessments/{key}/mapped", mapped)
        .post("/api/v1/gap/assessments/{key}/prefill", prefill)
        .get("/api/v1/gap/assessments/{key}/reports/{kind}", report)
        .get("/api/v1/gap/assessments/{key}/oscal", oscal)
        .get("/api/v1/gap/roadmaps", roadmaps)
        .get("/api/v1/gap/roadmaps/{institution}", roadmap)
        .put("/api/v1/gap/roadmaps/{institution}/actions/{id}", save_action)
        .delete("/api/v1/gap/roadmaps/{institution}/actions/{id}", remove_action)
        .put("/api/v1/gap/roadmaps/{institution}/milestones", save_milestones)
        .post("/api/v1/gap/roadmaps/{institution}/transitions", roadmap_transition)
}

#[utoipa::path(get, path = "/api/v1/gap/frameworks", tag = "gap", summary = "Every framework: the built-in catalogues, then the imported ones (id, version, name, source, built_in, assessable)", responses((status = 200, description = "OK: `items`"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn frameworks(State(s): State<AppState>, actor: Actor) -> Result<impl IntoResponse, Failed> {
    let items = s.register.gap_frameworks(&actor).await?;
    Ok(Json(json!({ "total": items.len(), "items": items })))
}

#[utoipa::path(get, path = "/api/v1/gap/frameworks/{id}", tag = "gap", summary = "One framework with its requirement tree (opres framework format, docs/gap-assessment.md)", params(("id" = String, Path, description = "Framework id, e.g. fsa_report_challenges")), responses((status = 200, description = "OK"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "No such framework", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn framework(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, Failed> {
    let f = s.register.gap_framework(&actor, &id).await?;
    Ok(Json(serde_json::to_value(f.to_record()).map_err(|e| AppError::Internal(e.to_string()))?))
}

#[utoipa::path(post, path = "/api/v1/gap/frameworks", tag = "gap", summary = "Import a framework, all or nothing (multipart/form-data: `file` = opres framework JSON, OSCAL catalog or OSCAL profile; `catalog` = the catalog a profile selects from). Every problem is located (file, JSON pointer, field)", responses((status = 201, description = "Imported: the framework's summary"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 413, description = "Past the upload limit", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "Every problem of the file(s); nothing saved", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn import(
    State(s): State<AppState>,
    actor: Actor,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<impl IntoResponse, Failed> {
    actor.require(opres_app::Permission::EditGap)?;
    let up = read_upload(mp).await.map_err(|p| AppError::invalid_field("file", p))?;
    let (name, bytes) = up.required("file")?;
    let catalog = up.file("catalog").map(|(n, b)| FrameworkFile { name: n, bytes: b });
    let done = s.register.import_gap_framework(&actor, FrameworkFile { name, bytes }, catalog).await?;
    Ok((StatusCode::CREATED, Json(done)))
}

#[utoipa::path(post, path = "/api/v1/gap/imports", tag = "gap", summary = "Import institutions' assessments (as drafts) and roadmaps from a gap file (multipart/form-data: `file` = JSON with assessments[institution, framework, entries] and roadmaps[institution, actions, milestones]; `opres gen` writes one), all or nothing in one transaction, every problem located", responses((status = 201, description = "Imported: the new assessments' keys and the roadmaps' institutions"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 413, description = "Past the upload limit", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "Every problem of the file; nothing saved", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn import_file(
    State(s): State<AppState>,
    actor: Actor,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<impl IntoResponse, Failed> {
    actor.require(opres_app::Permission::EditGap)?;
    let up = read_upload(mp).await.map_err(|p| AppError::invalid_field("file", p))?;
    let (name, bytes) = up.required("file")?;
    let done = s.register.import_gap_file(&actor, FrameworkFile { name, bytes }, today()).await?;
    Ok((StatusCode::CREATED, Json(done)))
}

#[utoipa::path(get, path = "/api/v1/gap/mappings", tag = "gap", summary = "Every mapping between frameworks: source and target framework, related links and all links, version", responses((status = 200, description = "OK: `items`"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn mappings(State(s): State<AppState>, actor: Actor) -> Result<impl IntoResponse, Failed> {
    let items = s.register.gap_mappings(&actor).await?;
    Ok(Json(json!({ "total": items.len(), "items": items })))
}

#[utoipa::path(post, path = "/api/v1/gap/mappings", tag = "gap", summary = "Import a mapping between two frameworks (multipart/form-data: `file` = mapping JSON with source_framework, target_framework, links[source, target, relation, strength]), all or nothing, every problem located; the same pair again replaces it", responses((status = 201, description = "Imported: the mapping's summary"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 413, description = "Past the upload limit", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "Every problem of the file; nothing saved", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn import_mapping(
    State(s): State<AppState>,
    actor: Actor,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<impl IntoResponse, Failed> {
    actor.require(opres_app::Permission::EditGap)?;
    let up = read_upload(mp).await.map_err(|p| AppError::invalid_field("file", p))?;
    let (name, bytes) = up.required("file")?;
    let done = s.register.import_gap_mapping(&actor, FrameworkFile { name, bytes }).await?;
    Ok((StatusCode::CREATED, Json(done)))
}

#[utoipa::path(get, path = "/api/v1/gap/mappings/{source}/{target}", tag = "gap", summary = "One mapping with its links (relation, strength)", params(("source" = String, Path, description = "Source framework id"), ("target" = String, Path, description = "Target framework id")), responses((status = 200, description = "OK"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "No such mapping", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn mapping(
    State(s): State<AppState>,
    actor: Actor,
    Path((source, target)): Path<(String, String)>,
) -> Result<impl IntoResponse, Failed> {
    Ok(Json(s.register.gap_mapping(&actor, &source, &target).await?))
}

#[utoipa::path(get, path = "/api/v1/gap/assessments/{key}/mapped", tag = "gap", summary = "What every mapping into the assessment's framework proposes, from the institution's latest assessment against each source framework: per requirement the proposed result, every contributing source requirement (relation, strength, result), the source assessment and its status, and whether it is already answered", params(("key" = String, Path, description = "Assessment key")), responses((status = 200, description = "OK: `items`"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn mapped(
    State(s): State<AppState>,
    actor: Actor,
    Path(key): Path<String>,
) -> Result<impl IntoResponse, Failed> {
    let v = s.register.gap_assessment(&actor, &key).await?;
    let items = s.register.gap_mapped_proposals(&actor, &v).await?;
    Ok(Json(json!({ "total": items.len(), "items": items })))
}

#[utoipa::path(post, path = "/api/v1/gap/assessments/{key}/prefill", tag = "gap", summary = "Pre-fill a draft's unanswered requirements from every mapping's proposal (If-Match required); an entry already made is never replaced, and each pre-filled one keeps its sources (basis `mapped`)", params(("key" = String, Path, description = "Assessment key"), ("If-Match" = String, Header, description = "The version read (its ETag)")), responses((status = 200, description = "Pre-filled: `filled` and the assessment with its new ETag"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 409, description = "Not a draft, or nothing to pre-fill", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 412, description = "Someone else saved first", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 428, description = "If-Match missing", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn prefill(
    State(s): State<AppState>,
    actor: Actor,
    RequestLang(lang): RequestLang,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, Failed> {
    let version = if_match(&headers)?;
    let (_, filled) = s.register.apply_gap_mapped_proposals(&actor, &key, version).await?;
    let v = s.register.gap_assessment(&actor, &key).await?;
    Ok((etag(v.version), Json(json!({ "filled": filled, "assessment": v.to_json(lang) }))))
}

#[utoipa::path(get, path = "/api/v1/gap/assessments", tag = "gap", summary = "The gap assessments the caller may see (their institutions only), newest first", responses((status = 200, description = "OK: `items` with key, institution, framework, started_on, version, updated_at"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn assessments(State(s): State<AppState>, actor: Actor) -> Result<impl IntoResponse, Failed> {
    let items = s.register.gap_assessments(&actor).await?;
    Ok(Json(json!({ "total": items.len(), "items": items })))
}

/// What starts an assessment.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct StartBody {
    institution: String,
    framework: String,
}

#[utoipa::path(post, path = "/api/v1/gap/assessments", tag = "gap", summary = "Start an assessment of an institution against a framework (it starts from the latest assessment of the same pair, if any)", request_body(content = serde_json::Value, description = "{\"institution\": \"BANK-A\", \"framework\": \"fsa_report_challenges\"}"), responses((status = 201, description = "Started: its key and version"), (status = 400, description = "Malformed body", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Institution or framework not found (or outside the caller's institutions)", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "Every field problem", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn start(
    State(s): State<AppState>,
    actor: Actor,
    body: Result<Json<StartBody>, JsonRejection>,
) -> Result<impl IntoResponse, Failed> {
    let b = json_body(body)?;
    let started = s.register.start_gap_assessment_from(&actor, &b.institution, &b.framework, today()).await?;
    Ok((StatusCode::CREATED, etag(started.version), Json(started)))
}

#[utoipa::path(get, path = "/api/v1/gap/assessments/{key}", tag = "gap", summary = "One assessment: entries, gaps (highest priority first), gaps by area, changes since the previous round, workflow history; its ETag is the version to send back", params(("key" = String, Path, description = "Assessment key, e.g. BANK-A-GA-1")), responses((status = 200, description = "OK"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn assessment(
    State(s): State<AppState>,
    actor: Actor,
    RequestLang(lang): RequestLang,
    Path(key): Path<String>,
) -> Result<impl IntoResponse, Failed> {
    let v = s.register.gap_assessment(&actor, &key).await?;
    Ok((etag(v.version), Json(v.to_json(lang))))
}

async fn reread(s: &AppState, actor: &Actor, key: &str, lang: Lang) -> Result<impl IntoResponse + use<>, Failed> {
    let v = s.register.gap_assessment(actor, key).await?;
    Ok((etag(v.version), Json(v.to_json(lang))))
}

#[utoipa::path(put, path = "/api/v1/gap/assessments/{key}/entries/{requirement}", tag = "gap", summary = "Record one requirement's entry of a draft (If-Match required). Not applicable needs its reason; maturities are on the framework's scale", params(("key" = String, Path, description = "Assessment key"), ("requirement" = String, Path, description = "An assessable requirement id of the framework"), ("If-Match" = String, Header, description = "The version read (its ETag)")), request_body(content = serde_json::Value, description = "result, not_applicable_reason, current, target, rationale, evidence[], owner, reviewer, linked_records, override_reason"), responses((status = 200, description = "Saved: the assessment with its new ETag"), (status = 400, description = "Malformed If-Match or body", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 409, description = "Not a draft", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 412, description = "Someone else saved first", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 428, description = "If-Match missing", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "Every field problem", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn record_entry(
    State(s): State<AppState>,
    actor: Actor,
    RequestLang(lang): RequestLang,
    Path((key, requirement)): Path<(String, String)>,
    headers: HeaderMap,
    body: Result<Json<EntryRecord>, JsonRejection>,
) -> Result<impl IntoResponse, Failed> {
    let version = if_match(&headers)?;
    let entry = json_body(body)?;
    s.register.record_gap_entry(&actor, &key, &requirement, &entry, None, version).await?;
    reread(&s, &actor, &key, lang).await
}

/// A workflow move.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct TransitionBody {
    transition: String,
    comment: String,
}

#[utoipa::path(post, path = "/api/v1/gap/assessments/{key}/transitions", tag = "gap", summary = "Move an assessment: submit, return (comment required), approve (executives only), lock (If-Match required)", params(("key" = String, Path, description = "Assessment key"), ("If-Match" = String, Header, description = "The version read (its ETag)")), request_body(content = serde_json::Value, description = "{\"transition\": \"submit\", \"comment\": \"\"}"), responses((status = 200, description = "Moved: the assessment with its new ETag"), (status = 400, description = "Malformed If-Match or body", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 409, description = "Not allowed from the current state", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 412, description = "Someone else saved first", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "Unknown transition or missing comment", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn transition(
    State(s): State<AppState>,
    actor: Actor,
    RequestLang(lang): RequestLang,
    Path(key): Path<String>,
    headers: HeaderMap,
    body: Result<Json<TransitionBody>, JsonRejection>,
) -> Result<impl IntoResponse, Failed> {
    let version = if_match(&headers)?;
    let b = json_body(body)?;
    let t = GapTransition::parse(&b.transition)?;
    s.register.move_gap_assessment(&actor, &key, t, &b.comment, version).await?;
    reread(&s, &actor, &key, lang).await
}

#[utoipa::path(get, path = "/api/v1/gap/roadmaps", tag = "gap", summary = "The remediation roadmaps the caller may see (status, actions, overdue, progress, version)", responses((status = 200, description = "OK: `items`"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn roadmaps(State(s): State<AppState>, actor: Actor) -> Result<impl IntoResponse, Failed> {
    let items = s.register.gap_roadmaps(&actor).await?;
    Ok(Json(json!({ "total": items.len(), "items": items })))
}

async fn roadmap_json(
    s: &AppState,
    actor: &Actor,
    institution: &str,
    lang: Lang,
) -> Result<axum::response::Response, Failed> {
    let v = s.register.gap_roadmap(actor, &institution_code(institution)?).await?;
    let body = Json(v.to_json(lang));
    Ok(match v.version {
        Some(version) => (etag(version), body).into_response(),
        None => body.into_response(),
    })
}

#[utoipa::path(get, path = "/api/v1/gap/roadmaps/{institution}", tag = "gap", summary = "An institution's remediation roadmap: actions, milestones, approval and changes since, overdue, progress, totals, Gantt rows, requirements ready for re-assessment (an empty draft, without ETag, until the first action)", params(("institution" = String, Path, description = "Institution code")), responses((status = 200, description = "OK"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn roadmap(
    State(s): State<AppState>,
    actor: Actor,
    RequestLang(lang): RequestLang,
    Path(institution): Path<String>,
) -> Result<impl IntoResponse, Failed> {
    roadmap_json(&s, &actor, &institution, lang).await
}

#[utoipa::path(put, path = "/api/v1/gap/roadmaps/{institution}/actions/{id}", tag = "gap", summary = "Add or change one action (If-Match once the roadmap exists). After approval, the change is recorded and shown", params(("institution" = String, Path, description = "Institution code"), ("id" = String, Path, description = "Action id, e.g. A-1"), ("If-Match" = Option<String>, Header, description = "The roadmap's version (omit only for the first action)")), request_body(content = serde_json::Value, description = "title_ja, title_en, description_ja, description_en, owner, start, due (YYYY-MM-DD), effort_days, cost_yen, status, progress, closes[{framework, requirement}], motivated_by[{kind, record}]"), responses((status = 200, description = "Saved: the roadmap with its new ETag"), (status = 400, description = "Malformed If-Match or body", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 409, description = "Not editable while submitted", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 412, description = "Someone else saved first", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 428, description = "If-Match missing", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "Every field problem", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn save_action(
    State(s): State<AppState>,
    actor: Actor,
    RequestLang(lang): RequestLang,
    Path((institution, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Result<Json<ActionRecord>, JsonRejection>,
) -> Result<impl IntoResponse, Failed> {
    let version = if_match(&headers)?;
    let record = ActionRecord { id, ..json_body(body)? };
    s.register.save_gap_action(&actor, &institution_code(&institution)?, &record, version).await?;
    roadmap_json(&s, &actor, &institution, lang).await
}

#[utoipa::path(delete, path = "/api/v1/gap/roadmaps/{institution}/actions/{id}", tag = "gap", summary = "Remove one action (If-Match required); after approval the removal is recorded", params(("institution" = String, Path, description = "Institution code"), ("id" = String, Path, description = "Action id"), ("If-Match" = String, Header, description = "The roadmap's version")), responses((status = 200, description = "Removed: the roadmap with its new ETag"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 412, description = "Someone else saved first", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 428, description = "If-Match missing", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn remove_action(
    State(s): State<AppState>,
    actor: Actor,
    RequestLang(lang): RequestLang,
    Path((institution, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, Failed> {
    let version = if_match(&headers)?;
    s.register.remove_gap_action(&actor, &institution_code(&institution)?, &id, version).await?;
    roadmap_json(&s, &actor, &institution, lang).await
}

/// The roadmap's milestones, replaced as a whole.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct MilestonesBody {
    milestones: Vec<MilestoneRecord>,
}

#[utoipa::path(put, path = "/api/v1/gap/roadmaps/{institution}/milestones", tag = "gap", summary = "Replace the roadmap's milestones (If-Match once the roadmap exists); every problem is reported as milestones[i].field; after approval the change is recorded", params(("institution" = String, Path, description = "Institution code"), ("If-Match" = Option<String>, Header, description = "The roadmap's version (omit only while nothing is stored)")), request_body(content = serde_json::Value, description = "{\"milestones\": [{\"on\": \"2027-03-31\", \"title_ja\": \"取締役会報告\", \"title_en\": \"Board report\"}]}"), responses((status = 200, description = "Saved: the roadmap with its new ETag"), (status = 400, description = "Malformed If-Match or body", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 409, description = "Not editable while submitted", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 412, description = "Someone else saved first", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 428, description = "If-Match missing", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "Every field problem", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn save_milestones(
    State(s): State<AppState>,
    actor: Actor,
    RequestLang(lang): RequestLang,
    Path(institution): Path<String>,
    headers: HeaderMap,
    body: Result<Json<MilestonesBody>, JsonRejection>,
) -> Result<impl IntoResponse, Failed> {
    let version = if_match(&headers)?;
    let b = json_body(body)?;
    s.register.set_gap_milestones(&actor, &institution_code(&institution)?, &b.milestones, version).await?;
    roadmap_json(&s, &actor, &institution, lang).await
}

#[utoipa::path(post, path = "/api/v1/gap/roadmaps/{institution}/transitions", tag = "gap", summary = "Submit, withdraw, or approve (executives, comment required) the roadmap (If-Match required)", params(("institution" = String, Path, description = "Institution code"), ("If-Match" = String, Header, description = "The roadmap's version")), request_body(content = serde_json::Value, description = "{\"transition\": \"approve\", \"comment\": \"…\"}"), responses((status = 200, description = "Moved: the roadmap with its new ETag"), (status = 400, description = "Malformed If-Match or body", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 409, description = "Not allowed from the current state", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 412, description = "Someone else saved first", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "Unknown transition or missing comment", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn roadmap_transition(
    State(s): State<AppState>,
    actor: Actor,
    RequestLang(lang): RequestLang,
    Path(institution): Path<String>,
    headers: HeaderMap,
    body: Result<Json<TransitionBody>, JsonRejection>,
) -> Result<impl IntoResponse, Failed> {
    let version = if_match(&headers)?;
    let b = json_body(body)?;
    let code = institution_code(&institution)?;
    s.register.move_gap_roadmap(&actor, &code, RoadmapMove::parse(&b.transition)?, &b.comment, version).await?;
    roadmap_json(&s, &actor, &institution, lang).await
}

#[utoipa::path(get, path = "/api/v1/gap/assessments/{key}/reports/{kind}", tag = "gap", summary = "A report of an assessment as of today (JST), in the request's language: `management` (scope, method, results by area, top gaps, roadmap, resources and time, changes since the last assessment) or `applicability` (the statement of applicability); as the report document (JSON) or a file", params(("key" = String, Path, description = "Assessment key"), ("kind" = String, Path, description = "management or applicability"), ("format" = Option<String>, Query, description = "json (default), html, md or xlsx")), responses((status = 200, description = "The report"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "Unknown kind or format", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn report(
    State(s): State<AppState>,
    actor: Actor,
    RequestLang(lang): RequestLang,
    Path((key, kind)): Path<(String, String)>,
    params: Result<Query<ReportParams>, QueryRejection>,
) -> Result<Response, Failed> {
    let kind = GapReportKind::parse(&kind)?;
    let r = &s.register;
    Ok(match query(params)?.format.as_deref().unwrap_or("json") {
        "json" => Json(r.gap_report(&actor, &key, kind, lang, today()).await?).into_response(),
        f => download::report_file(r.gap_report_file(&actor, &key, kind, report_format(f)?, lang, today()).await?),
    })
}

#[utoipa::path(get, path = "/api/v1/gap/assessments/{key}/oscal", tag = "gap", summary = "The assessment as an OSCAL 1.1.2 assessment-results document (the same assessment always gives the same UUIDs)", params(("key" = String, Path, description = "Assessment key")), responses((status = 200, description = "OSCAL assessment-results JSON"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn oscal(
    State(s): State<AppState>,
    actor: Actor,
    Path(key): Path<String>,
) -> Result<impl IntoResponse, Failed> {
    Ok(Json(s.register.gap_oscal_results(&actor, &key).await?))
}

#[utoipa::path(get, path = "/api/v1/gap/frameworks/{id}/distribution", tag = "gap", summary = "The supervisor's distribution of results per requirement across the institutions the caller may see (latest assessment of each against the framework; no institution named, no row under three institutions), in the request's language", params(("id" = String, Path, description = "Framework id"), ("format" = Option<String>, Query, description = "json (default), html, md or xlsx")), responses((status = 200, description = "The report"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "No such framework", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "Unknown format", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn distribution(
    State(s): State<AppState>,
    actor: Actor,
    RequestLang(lang): RequestLang,
    Path(id): Path<String>,
    params: Result<Query<ReportParams>, QueryRejection>,
) -> Result<Response, Failed> {
    let r = &s.register;
    Ok(match query(params)?.format.as_deref().unwrap_or("json") {
        "json" => Json(r.gap_distribution(&actor, &id, lang, today()).await?).into_response(),
        f => download::report_file(r.gap_distribution_file(&actor, &id, report_format(f)?, lang, today()).await?),
    })
}
