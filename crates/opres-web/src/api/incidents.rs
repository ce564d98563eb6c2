//! `/incidents`, their timeline and report stages, and `/report-stages/due`.

use super::{Actor, InLang, bad_json, etag, if_match};
use crate::AppState;
use crate::error::{ApiError, Localized};
use crate::lang::UserLang;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use chrono::Utc;
use opres_app::FilterParams;
use opres_app::Permission;
use opres_app::filter::{code_param, time_param};
use opres_domain::record::{IncidentRecord, ReportSubmissionRecord, TimelineRecord};
use opres_domain::{
    FiscalYear, Incident, IncidentStatus, Lang, Problem, ReportStage, ReportStageKind, ReportSubmission, TimelineEntry,
    Timestamp, ValidationErrors,
};
use opres_store::{IncidentQuery, IncidentSort, StoreError, Stored};
use serde::{Deserialize, Serialize};

pub(crate) fn routes(r: crate::routes::Routes) -> crate::routes::Routes {
    r.get("/api/v1/incidents", list)
        .post("/api/v1/incidents", create)
        .get("/api/v1/incidents/{id}", show)
        .put("/api/v1/incidents/{id}", update)
        .delete("/api/v1/incidents/{id}", remove)
        .get("/api/v1/incidents/{id}/timeline", timeline)
        .post("/api/v1/incidents/{id}/timeline", add_timeline)
        .get("/api/v1/incidents/{id}/report-stages", stages)
        .post("/api/v1/incidents/{id}/report-submissions", add_submission)
        .get("/api/v1/report-stages/due", due)
}

/// An incident as the API shows it: the interchange record plus identity and derived values.
#[derive(Serialize)]
struct IncidentView {
    id: i64,
    version: i64,
    created_at: Timestamp,
    updated_at: Timestamp,
    #[serde(flatten)]
    record: IncidentRecord,
    status: IncidentStatus,
    fiscal_year: FiscalYear,
    /// MTTD: detected − occurred, derived.
    time_to_detect_minutes: i64,
    /// MTTR: recovered − occurred, derived once recovered.
    time_to_recover_minutes: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    report_stages: Option<Vec<ReportStage>>,
}

fn view(s: &Stored<Incident>, stages: Option<Vec<ReportStage>>) -> IncidentView {
    IncidentView {
        id: s.id,
        version: s.version,
        created_at: s.created_at,
        updated_at: s.updated_at,
        record: IncidentRecord::from(&s.value),
        status: s.value.status(),
        fiscal_year: FiscalYear::of(&s.value.times.occurred_at()),
        time_to_detect_minutes: s.value.time_to_detect().num_minutes(),
        time_to_recover_minutes: s.value.time_to_recover().map(|d| d.num_minutes()),
        report_stages: stages,
    }
}

/// Counting stops at this many matches unless `count=exact` is asked for (`total_capped` says so).
const COUNT_CAP: u64 = 10_000;

/// Query parameters of `GET /incidents`, as written; parsed with every problem reported.
#[derive(Deserialize, Default)]
pub(crate) struct ListParams {
    institution: Option<String>,
    fy: Option<String>,
    from: Option<String>,
    to: Option<String>,
    trigger: Option<String>,
    trend: Option<String>,
    channel: Option<String>,
    status: Option<String>,
    cyber: Option<String>,
    q: Option<String>,
    sort: Option<String>,
    order: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
    count: Option<String>,
    #[allow(dead_code)] // read by the language extractor
    lang: Option<String>,
}

fn number_param(errs: &mut ValidationErrors, field: &str, raw: &Option<String>) -> Option<u64> {
    let raw = raw.as_deref()?.trim();
    match raw.parse::<u64>() {
        Ok(n) => Some(n),
        Err(_) => {
            errs.push(field, Problem::NotANumber { value: raw.into() });
            None
        }
    }
}

impl ListParams {
    fn parse(&self, actor: &Actor) -> Result<IncidentQuery, ValidationErrors> {
        let params = FilterParams {
            institutions: self.institution.iter().flat_map(|s| s.split(',')).map(str::to_string).collect(),
            fy: self.fy.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            trigger: self.trigger.clone(),
            trend: self.trend.clone(),
            channel: self.channel.clone(),
            status: self.status.clone(),
            cyber: self.cyber.clone(),
            text: self.q.clone(),
        };
        let filter = params.parse(actor.scope());
        let mut e = filter.as_ref().err().cloned().unwrap_or_default();
        let sort = match self.sort.as_deref().filter(|s| !s.is_empty()) {
            None => IncidentSort::OccurredAt,
            Some(s) => IncidentSort::parse(s).unwrap_or_else(|| {
                e.push(
                    "sort",
                    Problem::UnknownCode {
                        value: s.into(),
                        expected: IncidentSort::ALL.iter().map(|s| s.code()).collect(),
                    },
                );
                IncidentSort::OccurredAt
            }),
        };
        let descending = match self.order.as_deref() {
            None | Some("") | Some("desc") => true,
            Some("asc") => false,
            Some(o) => {
                e.push("order", Problem::UnknownCode { value: o.into(), expected: vec!["asc", "desc"] });
                true
            }
        };
        let limit = number_param(&mut e, "limit", &self.limit).unwrap_or(50);
        if !(1..=1000).contains(&limit) {
            e.push("limit", Problem::BadFormat { value: limit.to_string(), hint: "1–1000" });
        }
        let offset = number_param(&mut e, "offset", &self.offset).unwrap_or(0);
        match filter {
            Ok(filter) if e.is_empty() => {
                Ok(IncidentQuery { filter, sort, descending, limit: u32::try_from(limit).unwrap_or(50), offset })
            }
            _ => Err(e),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/incidents", tag = "incidents", summary = "A filtered, sorted page of incidents", params(("institution" = Option<String>, Query, description = "Institution codes, comma-separated"), ("fy" = Option<String>, Query, description = "Fiscal year, e.g. 2024"), ("from" = Option<String>, Query, description = "Occurred at or after (RFC 3339)"), ("to" = Option<String>, Query, description = "Occurred before (RFC 3339)"), ("trigger" = Option<String>, Query), ("trend" = Option<String>, Query), ("channel" = Option<String>, Query), ("status" = Option<String>, Query, description = "open, recovered, closed"), ("cyber" = Option<bool>, Query), ("q" = Option<String>, Query, description = "Text in reference, title or description"), ("sort" = Option<String>, Query), ("order" = Option<String>, Query, description = "asc or desc"), ("limit" = Option<u32>, Query, description = "1-1000, default 50"), ("offset" = Option<u64>, Query), ("count" = Option<String>, Query, description = "exact: count every match; default: stop at 10000 and set total_capped")), responses((status = 200, description = "OK"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc), (status = 422, description = "Invalid input: every field problem", body = crate::openapi::ProblemDoc)))]
pub(crate) async fn list(
    State(s): State<AppState>,
    actor: Actor,
    UserLang(lang): UserLang,
    params: Result<Query<ListParams>, axum::extract::rejection::QueryRejection>,
) -> Result<impl IntoResponse, Localized> {
    let Query(params) = params
        .map_err(|e| ApiError::BadRequest(format!("クエリを読めません: {e}"), format!("cannot read the query: {e}")))
        .in_lang(lang)?;
    let query = params.parse(&actor).in_lang(lang)?;
    let exact = params.count.as_deref() == Some("exact");
    let store = s.register.store();
    let page =
        if exact { store.list_incidents(&query).await } else { store.list_incidents_capped(&query, COUNT_CAP).await }
            .in_lang(lang)?;
    let items: Vec<_> = page.items.iter().map(|i| view(i, None)).collect();
    Ok(Json(serde_json::json!({
        "total": page.total,
        "total_capped": page.total_capped,
        "limit": query.limit,
        "offset": query.offset,
        "items": items
    })))
}

pub(crate) async fn load(s: &AppState, actor: &Actor, id: i64) -> Result<Stored<Incident>, ApiError> {
    match s.register.store().incident(id).await? {
        Some(i) if actor.sees(&i.value.institution) => Ok(i),
        _ => Err(StoreError::NotFound { what: "incident", key: format!("#{id}") }.into()),
    }
}

fn stages_now(s: &AppState, i: &Stored<Incident>) -> Vec<ReportStage> {
    s.register.policy().stages(&i.value, Utc::now())
}

#[utoipa::path(get, path = "/api/v1/incidents/{id}", tag = "incidents", summary = "One incident with derived values and report stages", params(("id" = i64, Path, description = "Incident row id")), responses((status = 200, description = "OK"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc)))]
pub(crate) async fn show(
    State(s): State<AppState>,
    actor: Actor,
    UserLang(lang): UserLang,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, Localized> {
    let found = load(&s, &actor, id).await.in_lang(lang)?;
    Ok((etag(found.version), Json(view(&found, Some(stages_now(&s, &found))))))
}

fn validated(record: IncidentRecord, actor: &Actor) -> Result<Incident, ApiError> {
    let value = record.validate()?;
    if !actor.sees(&value.institution) {
        let mut errs = ValidationErrors::default();
        errs.push("institution", Problem::UnknownReference { value: value.institution.to_string() });
        return Err(errs.into());
    }
    Ok(value)
}

/// Reporters may correct an incident but not re-classify it: that is an analyst's call.
fn classification_unchanged(actor: &Actor, before: &Incident, after: &Incident) -> Result<(), ApiError> {
    if actor.can(Permission::Classify)
        || (before.classification == after.classification && before.secondary_trends == after.secondary_trends)
    {
        return Ok(());
    }
    let mut errs = ValidationErrors::default();
    errs.push(
        "trend",
        Problem::BadFormat {
            value: after.classification.trend().code().into(),
            hint: "only analysts change the classification",
        },
    );
    Err(errs.into())
}

#[utoipa::path(post, path = "/api/v1/incidents", tag = "incidents", summary = "Register an incident", request_body = crate::openapi::IncidentRecordDoc, responses((status = 201, description = "Created"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc), (status = 422, description = "Invalid input: every field problem", body = crate::openapi::ProblemDoc)))]
pub(crate) async fn create(
    State(s): State<AppState>,
    actor: Actor,
    UserLang(lang): UserLang,
    body: Result<Json<IncidentRecord>, JsonRejection>,
) -> Result<impl IntoResponse, Localized> {
    actor.require(Permission::CreateIncident).in_lang(lang)?;
    let Json(record) = body.map_err(bad_json).in_lang(lang)?;
    let value = validated(record, &actor).in_lang(lang)?;
    let created = s.register.store().create_incident(&value, &actor.audit()).await.in_lang(lang)?;
    tracing::info!(actor = %actor.user.value.username, id = created.id, reference = %created.value.reference, "incident created");
    let location = [(axum::http::header::LOCATION, format!("/api/v1/incidents/{}", created.id))];
    Ok((StatusCode::CREATED, etag(created.version), location, Json(view(&created, Some(stages_now(&s, &created))))))
}

#[utoipa::path(put, path = "/api/v1/incidents/{id}", tag = "incidents", summary = "Replace an incident (If-Match required)", params(("id" = i64, Path, description = "Incident row id"), ("If-Match" = String, Header, description = "The version read (its ETag), e.g. \"3\"")), request_body = crate::openapi::IncidentRecordDoc, responses((status = 200, description = "OK"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc), (status = 422, description = "Invalid input: every field problem", body = crate::openapi::ProblemDoc), (status = 412, description = "Someone else saved first", body = crate::openapi::ProblemDoc), (status = 428, description = "If-Match missing", body = crate::openapi::ProblemDoc)))]
pub(crate) async fn update(
    State(s): State<AppState>,
    actor: Actor,
    UserLang(lang): UserLang,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: Result<Json<IncidentRecord>, JsonRejection>,
) -> Result<impl IntoResponse, Localized> {
    actor.require(Permission::EditIncident).in_lang(lang)?;
    let current = load(&s, &actor, id).await.in_lang(lang)?;
    let version = if_match(&headers).in_lang(lang)?;
    let Json(record) = body.map_err(bad_json).in_lang(lang)?;
    let value = validated(record, &actor).in_lang(lang)?;
    classification_unchanged(&actor, &current.value, &value).in_lang(lang)?;
    let saved = s.register.store().update_incident(id, version, &value, &actor.audit()).await.in_lang(lang)?;
    tracing::info!(actor = %actor.user.value.username, id, version = saved.version, "incident updated");
    Ok((etag(saved.version), Json(view(&saved, Some(stages_now(&s, &saved))))))
}

#[utoipa::path(delete, path = "/api/v1/incidents/{id}", tag = "incidents", summary = "Delete an incident (If-Match required)", params(("id" = i64, Path, description = "Incident row id"), ("If-Match" = String, Header, description = "The version read (its ETag), e.g. \"3\"")), responses((status = 204, description = "Deleted"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc), (status = 412, description = "Someone else saved first", body = crate::openapi::ProblemDoc), (status = 428, description = "If-Match missing", body = crate::openapi::ProblemDoc)))]
pub(crate) async fn remove(
    State(s): State<AppState>,
    actor: Actor,
    UserLang(lang): UserLang,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, Localized> {
    actor.require(Permission::DeleteIncident).in_lang(lang)?;
    load(&s, &actor, id).await.in_lang(lang)?;
    let version = if_match(&headers).in_lang(lang)?;
    s.register.store().delete_incident(id, version, &actor.audit()).await.in_lang(lang)?;
    tracing::info!(actor = %actor.user.value.username, id, "incident deleted");
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/incidents/{id}/timeline", tag = "incidents", summary = "The incident's timeline", params(("id" = i64, Path, description = "Incident row id")), responses((status = 200, description = "OK"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc)))]
pub(crate) async fn timeline(
    State(s): State<AppState>,
    actor: Actor,
    UserLang(lang): UserLang,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, Localized> {
    let found = load(&s, &actor, id).await.in_lang(lang)?;
    let items: Vec<TimelineRecord> = IncidentRecord::from(&found.value).timeline;
    Ok((etag(found.version), Json(serde_json::json!({ "items": items }))))
}

fn field_time(field: &str, raw: &str) -> Result<Timestamp, ApiError> {
    let mut e = ValidationErrors::default();
    let t = time_param(&mut e, field, &Some(raw.to_string()));
    if raw.trim().is_empty() {
        e.push(field, Problem::Required);
    }
    match t {
        Some(t) if e.is_empty() => Ok(t),
        _ => Err(e.into()),
    }
}

#[utoipa::path(post, path = "/api/v1/incidents/{id}/timeline", tag = "incidents", summary = "Append a timeline entry", params(("id" = i64, Path, description = "Incident row id")), request_body = crate::openapi::TimelineRecordDoc, responses((status = 201, description = "Created"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc), (status = 422, description = "Invalid input: every field problem", body = crate::openapi::ProblemDoc)))]
pub(crate) async fn add_timeline(
    State(s): State<AppState>,
    actor: Actor,
    UserLang(lang): UserLang,
    Path(id): Path<i64>,
    body: Result<Json<TimelineRecord>, JsonRejection>,
) -> Result<impl IntoResponse, Localized> {
    actor.require(Permission::EditIncident).in_lang(lang)?;
    load(&s, &actor, id).await.in_lang(lang)?;
    let Json(record) = body.map_err(bad_json).in_lang(lang)?;
    let at = field_time("at", &record.at).in_lang(lang)?;
    if record.text.trim().is_empty() {
        let mut e = ValidationErrors::default();
        e.push("text", Problem::Required);
        return Err(Localized(e.into(), lang));
    }
    let entry = TimelineEntry { at, text: record.text.trim().to_string() };
    let saved = s.register.store().add_timeline_entry(id, &entry, &actor.audit()).await.in_lang(lang)?;
    Ok((StatusCode::CREATED, etag(saved.version), Json(view(&saved, None))))
}

#[utoipa::path(get, path = "/api/v1/incidents/{id}/report-stages", tag = "incidents", summary = "Report stages with due dates and status", params(("id" = i64, Path, description = "Incident row id")), responses((status = 200, description = "OK"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc)))]
pub(crate) async fn stages(
    State(s): State<AppState>,
    actor: Actor,
    UserLang(lang): UserLang,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, Localized> {
    let found = load(&s, &actor, id).await.in_lang(lang)?;
    let items: Vec<_> = stages_now(&s, &found).into_iter().map(|st| stage_view(&st, lang)).collect();
    Ok(Json(serde_json::json!({ "items": items })))
}

#[derive(Serialize)]
struct StageView {
    stage: ReportStageKind,
    label: &'static str,
    sequence: u32,
    due_at: String,
    status: &'static str,
    status_label: &'static str,
    submitted_at: Option<String>,
}

fn stage_view(st: &ReportStage, lang: Lang) -> StageView {
    use opres_domain::ReportStageStatus as S;
    let submitted_at = match st.status {
        S::Submitted { submitted_at } | S::SubmittedLate { submitted_at } => {
            Some(opres_domain::time::format_jst(&submitted_at))
        }
        _ => None,
    };
    StageView {
        stage: st.kind,
        label: st.kind.label(lang),
        sequence: st.sequence,
        due_at: opres_domain::time::format_jst(&st.due_at),
        status: st.status.code(),
        status_label: st.status.label(lang),
        submitted_at,
    }
}

#[utoipa::path(post, path = "/api/v1/incidents/{id}/report-submissions", tag = "incidents", summary = "Record a report submitted to the authority", params(("id" = i64, Path, description = "Incident row id")), request_body = crate::openapi::ReportSubmissionRecordDoc, responses((status = 201, description = "Created"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc), (status = 422, description = "Invalid input: every field problem", body = crate::openapi::ProblemDoc)))]
pub(crate) async fn add_submission(
    State(s): State<AppState>,
    actor: Actor,
    UserLang(lang): UserLang,
    Path(id): Path<i64>,
    body: Result<Json<ReportSubmissionRecord>, JsonRejection>,
) -> Result<impl IntoResponse, Localized> {
    actor.require(Permission::EditIncident).in_lang(lang)?;
    let found = load(&s, &actor, id).await.in_lang(lang)?;
    let Json(record) = body.map_err(bad_json).in_lang(lang)?;
    let mut e = ValidationErrors::default();
    let stage = code_param(&mut e, "stage", &Some(record.stage.clone()), &ReportStageKind::ALL, ReportStageKind::code);
    if record.stage.trim().is_empty() {
        e.push("stage", Problem::Required);
    }
    let at = time_param(&mut e, "submitted_at", &Some(record.submitted_at.clone()));
    if let Some(at) = at
        && at < found.value.times.detected_at()
    {
        e.push("submitted_at", Problem::Before { other_field: "detected_at" });
    }
    let (Some(stage), Some(submitted_at), true) = (stage, at, e.is_empty()) else {
        if e.is_empty() {
            e.push("submitted_at", Problem::Required);
        }
        return Err(Localized(e.into(), lang));
    };
    let saved = s
        .register
        .store()
        .add_report_submission(id, &ReportSubmission { stage, submitted_at }, &actor.audit())
        .await
        .in_lang(lang)?;
    let items: Vec<_> = stages_now(&s, &saved).into_iter().map(|st| stage_view(&st, lang)).collect();
    Ok((StatusCode::CREATED, etag(saved.version), Json(serde_json::json!({ "items": items }))))
}

#[derive(Deserialize)]
pub(crate) struct DueParams {
    overdue: Option<bool>,
    institution: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/report-stages/due", tag = "incidents", summary = "Report stages due or overdue", params(("overdue" = Option<bool>, Query), ("institution" = Option<String>, Query)), responses((status = 200, description = "OK"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc)))]
pub(crate) async fn due(
    State(s): State<AppState>,
    actor: Actor,
    UserLang(lang): UserLang,
    Query(p): Query<DueParams>,
) -> Result<impl IntoResponse, Localized> {
    let params = ListParams { institution: p.institution, ..ListParams::default() };
    let query = params.parse(&actor).in_lang(lang)?;
    let due = s.register.due_reports(&query.filter, Utc::now()).await.in_lang(lang)?;
    let items: Vec<_> = due
        .iter()
        .filter(|d| !p.overdue.unwrap_or(false) || d.stage.is_overdue())
        .map(|d| {
            serde_json::json!({
                "incident_id": d.incident_id,
                "reference": d.reference,
                "institution": d.institution,
                "overdue": d.stage.is_overdue(),
                "stage": stage_view(&d.stage, lang),
            })
        })
        .collect();
    Ok(Json(serde_json::json!({ "total": items.len(), "items": items })))
}
