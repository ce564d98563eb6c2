//! `/tlpt/programmes` (a programme file, its engagements' assessment, metrics, management report
//! and ATT&CK Navigator layers, findings and recurrence links) and `/attack-catalogues`.
//!
//! Every handler calls one `opres-app` TLPT use case with the [`Actor`]: the role and the
//! institution scope are checked there (a programme of another institution is "not found"), the
//! same as for the pages and the command line. A programme is versioned as a whole: reads carry
//! its `ETag`, every change sends it back in `If-Match`.

use super::{ReportParams, etag, if_match, json_body, query};
use crate::AppState;
use crate::edge::{Failed, RequestLang};
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection, StringRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::handler::Handler;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use opres_app::tlpt::{FindingForm, LayerKind};
use opres_app::{Actor, AppError};
use opres_domain::InstitutionCode;
use opres_domain::report::ReportFormat;
use serde::Deserialize;

pub(crate) fn routes(r: crate::routes::Routes) -> crate::routes::Routes {
    // Programme files and ATT&CK bundles are uploads (the enterprise bundle is ~45 MB), not records.
    let upload = || DefaultBodyLimit::max(crate::limits::UPLOAD_MAX);
    r.get("/api/v1/tlpt/programmes", list)
        .post("/api/v1/tlpt/programmes", import.layer(upload()))
        .get("/api/v1/tlpt/programmes/{key}", show)
        .put("/api/v1/tlpt/programmes/{key}", replace.layer(upload()))
        .get("/api/v1/tlpt/programmes/{key}/engagements/{eng}/assessment", assessment)
        .get("/api/v1/tlpt/programmes/{key}/engagements/{eng}/metrics", metrics)
        .get("/api/v1/tlpt/programmes/{key}/engagements/{eng}/report", report)
        .get("/api/v1/tlpt/programmes/{key}/engagements/{eng}/layers/{kind}", layer)
        .post("/api/v1/tlpt/programmes/{key}/engagements/{eng}/findings", record_finding)
        .post("/api/v1/tlpt/programmes/{key}/engagements/{eng}/recurrences", link_recurrences)
        .get("/api/v1/attack-catalogues", catalogues)
        .post("/api/v1/attack-catalogues", import_catalogue.layer(upload()))
}

/// An uploaded file's text, or why it could not be read (past the upload limit, or not UTF-8),
/// in the caller's language rather than the extractor's words.
fn file_text(body: Result<String, StringRejection>) -> Result<String, AppError> {
    body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            crate::limits::too_large(crate::limits::UPLOAD_MAX)
        } else {
            AppError::malformed("本文を UTF-8 のテキストとして読めません", "the body cannot be read as UTF-8 text")
        }
    })
}

/// A stored version from `If-Match`, required for every change of a programme.
fn required_version(headers: &HeaderMap) -> Result<i64, AppError> {
    if_match(headers)?.ok_or(AppError::VersionRequired)
}

#[utoipa::path(get, path = "/api/v1/tlpt/programmes", tag = "tlpt", summary = "The TLPT programmes the caller may see", responses((status = 200, description = "OK: `items` with key, institution, title, version, updated_at"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn list(State(s): State<AppState>, actor: Actor) -> Result<impl IntoResponse, Failed> {
    let docs = s.register.tlpt_programmes(&actor).await.map_err(AppError::from)?;
    let items: Vec<_> = docs
        .iter()
        .map(|d| {
            serde_json::json!({
                "key": d.key,
                "institution": d.institution,
                "title": d.title,
                "version": d.version,
                "updated_at": d.updated_at,
            })
        })
        .collect();
    Ok(Json(serde_json::json!({ "total": items.len(), "items": items })))
}

/// Query of an import: the register institution the programme belongs to.
#[derive(Deserialize)]
pub(crate) struct ImportParams {
    institution: String,
}

#[utoipa::path(post, path = "/api/v1/tlpt/programmes", tag = "tlpt", summary = "Import a programme file (opres-tlpt/1 JSON) for a register institution", params(("institution" = String, Query, description = "Register institution the programme belongs to")), request_body(content = serde_json::Value, description = "The programme file, as `opres tlpt export` writes it (docs/tlpt-format.md)"), responses((status = 201, description = "Stored"), (status = 400, description = "Malformed query", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Institution not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 409, description = "A programme of this group is already stored (replace it with PUT)", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "The programme breaks a rule: every problem by path", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn import(
    State(s): State<AppState>,
    actor: Actor,
    params: Result<Query<ImportParams>, QueryRejection>,
    body: Result<String, StringRejection>,
) -> Result<impl IntoResponse, Failed> {
    let raw = query(params)?.institution;
    let code = InstitutionCode::parse(raw.trim())
        .map_err(|e| AppError::invalid_field("institution", opres_domain::Problem::from(e)))?;
    let body = file_text(body)?;
    let done = s.register.import_tlpt_programme(&actor, &body, &code, false, None).await.map_err(AppError::from)?;
    let location = [(header::LOCATION, format!("/api/v1/tlpt/programmes/{}", done.key))];
    Ok((StatusCode::CREATED, etag(done.version), location, Json(imported(&done))))
}

fn imported(done: &opres_app::tlpt::ProgrammeImported) -> serde_json::Value {
    serde_json::json!({
        "key": done.key,
        "version": done.version,
        "replaced": done.replaced,
        "engagements": done.engagements,
        "findings": done.findings,
    })
}

#[utoipa::path(get, path = "/api/v1/tlpt/programmes/{key}", tag = "tlpt", summary = "A programme file (opres-tlpt/1 JSON) with its version as ETag", params(("key" = String, Path, description = "Programme key (the group code)")), responses((status = 200, description = "The programme file"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn show(State(s): State<AppState>, actor: Actor, Path(key): Path<String>) -> Result<Response, Failed> {
    let sp = s.register.require_tlpt_programme(&actor, &key).await.map_err(AppError::from)?;
    Ok((etag(sp.version), [(header::CONTENT_TYPE, "application/json")], sp.programme.to_json()).into_response())
}

#[utoipa::path(put, path = "/api/v1/tlpt/programmes/{key}", tag = "tlpt", summary = "Replace a programme with a new file (If-Match required)", params(("key" = String, Path, description = "Programme key (the group code)"), ("If-Match" = String, Header, description = "The version read (its ETag), e.g. \"3\"")), request_body(content = serde_json::Value, description = "The programme file; its group code must be the key"), responses((status = 200, description = "Replaced"), (status = 400, description = "Malformed If-Match", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 412, description = "Someone else saved first", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "The programme breaks a rule: every problem by path", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 428, description = "If-Match missing", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn replace(
    State(s): State<AppState>,
    actor: Actor,
    Path(key): Path<String>,
    headers: HeaderMap,
    body: Result<String, StringRejection>,
) -> Result<impl IntoResponse, Failed> {
    let version = required_version(&headers)?;
    let body = file_text(body)?;
    let done = s.register.replace_tlpt_programme(&actor, &key, &body, version).await.map_err(AppError::from)?;
    Ok((etag(done.version), Json(imported(&done))))
}

#[utoipa::path(get, path = "/api/v1/tlpt/programmes/{key}/engagements/{eng}/assessment", tag = "tlpt", summary = "The engagement checked against the source's good practices", params(("key" = String, Path, description = "Programme key"), ("eng" = String, Path, description = "Engagement id")), responses((status = 200, description = "Every check with its verdict, evidence and action"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Programme or engagement not found, or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn assessment(
    State(s): State<AppState>,
    actor: Actor,
    Path((key, eng)): Path<(String, String)>,
) -> Result<impl IntoResponse, Failed> {
    let read = s.register.tlpt_engagement(&actor, &key, &eng).await.map_err(AppError::from)?;
    let a = read.assessment().map_err(AppError::from)?;
    Ok((etag(read.stored.version), Json(a)))
}

#[utoipa::path(get, path = "/api/v1/tlpt/programmes/{key}/engagements/{eng}/metrics", tag = "tlpt", summary = "Detection, response and phishing metrics of an engagement", params(("key" = String, Path, description = "Programme key"), ("eng" = String, Path, description = "Engagement id")), responses((status = 200, description = "OK"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Programme or engagement not found, or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn metrics(
    State(s): State<AppState>,
    actor: Actor,
    Path((key, eng)): Path<(String, String)>,
) -> Result<impl IntoResponse, Failed> {
    let read = s.register.tlpt_engagement(&actor, &key, &eng).await.map_err(AppError::from)?;
    Ok((etag(read.stored.version), Json(read.metrics())))
}

/// Query of the management report.

#[utoipa::path(get, path = "/api/v1/tlpt/programmes/{key}/engagements/{eng}/report", tag = "tlpt", summary = "The management report in the request's language (JSON document, Markdown, HTML or Excel)", params(("key" = String, Path, description = "Programme key"), ("eng" = String, Path, description = "Engagement id"), ("format" = Option<String>, Query, description = "json (default), md, html or xlsx")), responses((status = 200, description = "The report"), (status = 400, description = "Unknown format", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Programme or engagement not found, or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn report(
    State(s): State<AppState>,
    actor: Actor,
    RequestLang(lang): RequestLang,
    Path((key, eng)): Path<(String, String)>,
    params: Result<Query<ReportParams>, QueryRejection>,
) -> Result<Response, Failed> {
    let format = query(params)?.format.unwrap_or_else(|| "json".into());
    let read = s.register.tlpt_engagement(&actor, &key, &eng).await.map_err(AppError::from)?;
    if format == "json" {
        return Ok(Json(read.report(lang).map_err(AppError::from)?).into_response());
    }
    let format = ReportFormat::parse(&format).ok_or_else(|| {
        AppError::malformed(
            format!("形式「{format}」は使えません（json、md、html、xlsx）"),
            format!("format '{format}' is not one of json, md, html, xlsx"),
        )
    })?;
    Ok(crate::download::report_file(read.report_file(lang, format)?))
}

/// Query of an actor overlay: intrusion sets (IDs, names or aliases), comma-separated.
#[derive(Deserialize)]
pub(crate) struct LayerParams {
    sets: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/tlpt/programmes/{key}/engagements/{eng}/layers/{kind}", tag = "tlpt", summary = "An ATT&CK Navigator layer: detection coverage, or the techniques of intrusion sets over it", params(("key" = String, Path, description = "Programme key"), ("eng" = String, Path, description = "Engagement id"), ("kind" = String, Path, description = "coverage or actors"), ("sets" = Option<String>, Query, description = "actors: intrusion sets, comma-separated (default: the engagement's threat-intelligence actors)")), responses((status = 200, description = "The Navigator layer"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Programme, engagement or layer kind not found, or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 409, description = "No ATT&CK catalogue imported", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "An intrusion set the catalogue does not hold", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn layer(
    State(s): State<AppState>,
    actor: Actor,
    RequestLang(lang): RequestLang,
    Path((key, eng, kind)): Path<(String, String, String)>,
    params: Result<Query<LayerParams>, QueryRejection>,
) -> Result<impl IntoResponse, Failed> {
    let sets = query(params)?.sets;
    let read = s.register.tlpt_engagement(&actor, &key, &eng).await.map_err(AppError::from)?;
    let which = match kind.as_str() {
        "coverage" => LayerKind::Coverage,
        "actors" => LayerKind::Actors(
            sets.unwrap_or_default().split(',').map(str::trim).filter(|x| !x.is_empty()).map(str::to_string).collect(),
        ),
        other => return Err(AppError::not_found(opres_app::Noun::Record, other).into()),
    };
    let layer = read.layer(&which, lang).map_err(AppError::from)?;
    Ok(([(header::CONTENT_TYPE, "application/json")], layer.to_json()))
}

#[utoipa::path(post, path = "/api/v1/tlpt/programmes/{key}/engagements/{eng}/findings", tag = "tlpt", summary = "Record a finding, or change the one with the same id (If-Match required); links it to the earlier findings it recurs", params(("key" = String, Path, description = "Programme key"), ("eng" = String, Path, description = "Engagement id"), ("If-Match" = String, Header, description = "The programme version read (its ETag)")), request_body(content = serde_json::Value, description = "Finding fields as text: id, identified_on, title_ja, title_en, description, severity, root_cause, root_cause_note, technique, systems, enterprise_wide, recommendation, owner, due, status, person_days, cost"), responses((status = 201, description = "Saved: the new version and the recurrence links added"), (status = 400, description = "Malformed If-Match or body", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Programme or engagement not found, or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 412, description = "Someone else saved first", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "Invalid input: every field problem", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 428, description = "If-Match missing", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn record_finding(
    State(s): State<AppState>,
    actor: Actor,
    RequestLang(lang): RequestLang,
    Path((key, eng)): Path<(String, String)>,
    headers: HeaderMap,
    body: Result<Json<FindingForm>, JsonRejection>,
) -> Result<impl IntoResponse, Failed> {
    let version = required_version(&headers)?;
    let mut form = json_body(body)?;
    form.engagement = eng;
    form.lang = Some(lang);
    let (links, version) =
        s.register.record_tlpt_finding(&actor, &key, version, &form).await.map_err(AppError::from)?;
    Ok((StatusCode::CREATED, etag(version), Json(serde_json::json!({ "version": version, "recurrence_links": links }))))
}

#[utoipa::path(post, path = "/api/v1/tlpt/programmes/{key}/engagements/{eng}/recurrences", tag = "tlpt", summary = "Link every recurrence the similarity search finds for the engagement's findings (If-Match required)", params(("key" = String, Path, description = "Programme key"), ("eng" = String, Path, description = "Engagement id"), ("If-Match" = String, Header, description = "The programme version read (its ETag)")), responses((status = 200, description = "The new version and the links added (nothing is merged or hidden)"), (status = 400, description = "Malformed If-Match", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Programme or engagement not found, or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 412, description = "Someone else saved first", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 428, description = "If-Match missing", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn link_recurrences(
    State(s): State<AppState>,
    actor: Actor,
    Path((key, eng)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, Failed> {
    let version = required_version(&headers)?;
    let (links, version) =
        s.register.link_tlpt_recurrences(&actor, &key, version, &eng).await.map_err(AppError::from)?;
    Ok((etag(version), Json(serde_json::json!({ "version": version, "recurrence_links": links }))))
}

#[utoipa::path(get, path = "/api/v1/attack-catalogues", tag = "tlpt", summary = "The imported ATT&CK catalogues (shared by every institution)", responses((status = 200, description = "OK"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn catalogues(State(s): State<AppState>, _actor: Actor) -> Result<impl IntoResponse, Failed> {
    let docs = s.register.attack_catalogues().await.map_err(AppError::from)?;
    let items: Vec<_> = docs
        .iter()
        .map(|d| serde_json::json!({ "domain": d.key, "title": d.title, "version": d.version, "updated_at": d.updated_at }))
        .collect();
    Ok(Json(serde_json::json!({ "total": items.len(), "items": items })))
}

#[utoipa::path(post, path = "/api/v1/attack-catalogues", tag = "tlpt", summary = "Import an ATT&CK STIX 2.0/2.1 bundle (replaces an earlier import of the same domain)", request_body(content = serde_json::Value, description = "A STIX bundle such as enterprise-attack.json"), responses((status = 201, description = "Stored"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "Not an ATT&CK bundle", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn import_catalogue(
    State(s): State<AppState>,
    actor: Actor,
    body: Result<String, StringRejection>,
) -> Result<impl IntoResponse, Failed> {
    let body = file_text(body)?;
    let (cat, saved) = s.register.import_attack_catalogue(&actor, &body).await.map_err(AppError::from)?;
    Ok((
        StatusCode::CREATED,
        etag(saved.version),
        Json(serde_json::json!({
            "domain": cat.domain,
            "version": saved.version,
            "tactics": cat.tactics.len(),
            "techniques": cat.techniques.len(),
            "intrusion_sets": cat.intrusion_sets.len(),
            "warnings": cat.warnings.len(),
        })),
    ))
}
