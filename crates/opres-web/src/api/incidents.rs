//! `/incidents` (each by row id or by business reference), their timeline and report stages,
//! and `/report-stages/due`.

use super::{etag, if_match, json_body};
use crate::AppState;
use crate::edge::{Failed, RequestLang};
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use chrono::Utc;
use opres_app::{Actor, AppError, FilterParams, IncidentKey, IncidentListRequest};
use opres_domain::record::{IncidentRecord, ReportSubmissionRecord, TimelineRecord};
use opres_domain::{
    FiscalYear, Incident, IncidentStatus, Lang, ReportStage, ReportStageKind, TimeInconsistency, Timestamp,
};
use opres_store::Stored;
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
pub(crate) struct IncidentView {
    id: i64,
    version: i64,
    created_at: Timestamp,
    updated_at: Timestamp,
    #[serde(flatten)]
    record: IncidentRecord,
    status: IncidentStatus,
    fiscal_year: FiscalYear,
    /// Time to detect: detected − occurred (the domain's `TimeMeasure`); null when the times
    /// contradict each other.
    time_to_detect_minutes: Option<i64>,
    /// Time to recover: recovered − occurred, once recovered; null when the times contradict
    /// each other.
    time_to_recover_minutes: Option<i64>,
    /// Why the times are not computed (e.g. `detected_after_recovered`), when they contradict
    /// each other.
    #[serde(skip_serializing_if = "Option::is_none")]
    times_inconsistency: Option<TimeInconsistency>,
    #[serde(skip_serializing_if = "Option::is_none")]
    report_stages: Option<Vec<ReportStage>>,
}

pub(crate) fn view(s: &Stored<Incident>, stages: Option<Vec<ReportStage>>) -> IncidentView {
    IncidentView {
        id: s.id,
        version: s.version,
        created_at: s.created_at,
        updated_at: s.updated_at,
        record: IncidentRecord::from(&s.value),
        status: s.value.status(),
        fiscal_year: FiscalYear::of(&s.value.times.occurred_at()),
        time_to_detect_minutes: s.value.time_to_detect().map(|d| d.num_minutes()),
        time_to_recover_minutes: s.value.time_to_recover().map(|d| d.num_minutes()),
        times_inconsistency: s.value.times.inconsistency(),
        report_stages: stages,
    }
}

/// Query parameters of `GET /incidents`, as written; parsed (with every problem located) by the
/// use case, the same way as the list page's and the command line's.
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
}

impl ListParams {
    fn filter(&self) -> FilterParams {
        FilterParams {
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
            days_in: None,
        }
    }

    fn request(&self) -> IncidentListRequest {
        IncidentListRequest {
            filter: self.filter(),
            sort: self.sort.clone(),
            order: self.order.clone(),
            limit: self.limit.clone(),
            offset: self.offset.clone(),
            page: None,
            count: self.count.clone(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/incidents", tag = "incidents", summary = "A filtered, sorted page of incidents", params(("institution" = Option<String>, Query, description = "Institution codes, comma-separated"), ("fy" = Option<String>, Query, description = "Fiscal year, e.g. 2024"), ("from" = Option<String>, Query, description = "Occurred at or after (RFC 3339)"), ("to" = Option<String>, Query, description = "Occurred before (RFC 3339)"), ("trigger" = Option<String>, Query), ("trend" = Option<String>, Query), ("channel" = Option<String>, Query), ("status" = Option<String>, Query, description = "open, recovered, closed"), ("cyber" = Option<bool>, Query), ("q" = Option<String>, Query, description = "Text in reference, title or description"), ("sort" = Option<String>, Query), ("order" = Option<String>, Query, description = "asc or desc"), ("limit" = Option<u32>, Query, description = "1-1000, default 50"), ("offset" = Option<u64>, Query), ("count" = Option<String>, Query, description = "exact: count every match; default: stop at 10000 and set total_capped")), responses((status = 200, description = "OK"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "Invalid input: every field problem", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn list(
    State(s): State<AppState>,
    actor: Actor,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<impl IntoResponse, Failed> {
    let Query(params) = params
        .map_err(|e| AppError::malformed(format!("クエリを読めません: {e}"), format!("cannot read the query: {e}")))?;
    let list = s.register.list_incidents(&actor, &params.request()).await?;
    let items: Vec<_> = list.page.items.iter().map(|i| view(i, None)).collect();
    Ok(Json(serde_json::json!({
        "total": list.page.total,
        "total_capped": list.page.total_capped,
        "limit": list.query.query.limit,
        "offset": list.query.query.offset,
        "items": items
    })))
}

fn stages_now(s: &AppState, i: &Stored<Incident>) -> Vec<ReportStage> {
    s.register.report_stages(&i.value, Utc::now())
}

#[utoipa::path(get, path = "/api/v1/incidents/{id}", tag = "incidents", summary = "One incident with derived values and report stages", params(("id" = String, Path, description = "Incident row id (all digits) or business reference, e.g. RB-AOIURA-2026-9001")), responses((status = 200, description = "OK"), (status = 400, description = "Neither an incident id nor a reference, or a malformed If-Match or body", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn show(
    State(s): State<AppState>,
    actor: Actor,
    Path(key): Path<String>,
) -> Result<impl IntoResponse, Failed> {
    let found = s.register.find_incident(&actor, &IncidentKey::parse(&key)?).await?;
    Ok((etag(found.version), Json(view(&found, Some(stages_now(&s, &found))))))
}

#[utoipa::path(post, path = "/api/v1/incidents", tag = "incidents", summary = "Register an incident", request_body = crate::openapi::IncidentRecordDoc, responses((status = 201, description = "Created"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "Invalid input: every field problem", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn create(
    State(s): State<AppState>,
    actor: Actor,
    body: Result<Json<IncidentRecord>, JsonRejection>,
) -> Result<impl IntoResponse, Failed> {
    let created = s.register.create_incident(&actor, json_body(body)?).await?;
    let location = [(axum::http::header::LOCATION, format!("/api/v1/incidents/{}", created.id))];
    Ok((StatusCode::CREATED, etag(created.version), location, Json(view(&created, Some(stages_now(&s, &created))))))
}

#[utoipa::path(put, path = "/api/v1/incidents/{id}", tag = "incidents", summary = "Replace an incident (If-Match required)", params(("id" = String, Path, description = "Incident row id (all digits) or business reference, e.g. RB-AOIURA-2026-9001"), ("If-Match" = String, Header, description = "The version read (its ETag), e.g. \"3\"")), request_body = crate::openapi::IncidentRecordDoc, responses((status = 200, description = "OK"), (status = 400, description = "Neither an incident id nor a reference, or a malformed If-Match or body", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "Invalid input: every field problem", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 412, description = "Someone else saved first", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 428, description = "If-Match missing", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn update(
    State(s): State<AppState>,
    actor: Actor,
    Path(key): Path<String>,
    headers: HeaderMap,
    body: Result<Json<IncidentRecord>, JsonRejection>,
) -> Result<impl IntoResponse, Failed> {
    let key = IncidentKey::parse(&key)?;
    let version = if_match(&headers)?;
    let saved = s.register.update_incident(&actor, &key, version, json_body(body)?).await?;
    Ok((etag(saved.version), Json(view(&saved, Some(stages_now(&s, &saved))))))
}

#[utoipa::path(delete, path = "/api/v1/incidents/{id}", tag = "incidents", summary = "Delete an incident (If-Match required)", params(("id" = String, Path, description = "Incident row id (all digits) or business reference, e.g. RB-AOIURA-2026-9001"), ("If-Match" = String, Header, description = "The version read (its ETag), e.g. \"3\"")), responses((status = 204, description = "Deleted"), (status = 400, description = "Neither an incident id nor a reference, or a malformed If-Match or body", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 412, description = "Someone else saved first", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 428, description = "If-Match missing", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn remove(
    State(s): State<AppState>,
    actor: Actor,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, Failed> {
    let key = IncidentKey::parse(&key)?;
    s.register.delete_incident(&actor, &key, if_match(&headers)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/incidents/{id}/timeline", tag = "incidents", summary = "The incident's timeline", params(("id" = String, Path, description = "Incident row id (all digits) or business reference, e.g. RB-AOIURA-2026-9001")), responses((status = 200, description = "OK"), (status = 400, description = "Neither an incident id nor a reference, or a malformed If-Match or body", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn timeline(
    State(s): State<AppState>,
    actor: Actor,
    Path(key): Path<String>,
) -> Result<impl IntoResponse, Failed> {
    let found = s.register.find_incident(&actor, &IncidentKey::parse(&key)?).await?;
    let items: Vec<TimelineRecord> = IncidentRecord::from(&found.value).timeline;
    Ok((etag(found.version), Json(serde_json::json!({ "items": items }))))
}

#[utoipa::path(post, path = "/api/v1/incidents/{id}/timeline", tag = "incidents", summary = "Append a timeline entry", params(("id" = String, Path, description = "Incident row id (all digits) or business reference, e.g. RB-AOIURA-2026-9001")), request_body = crate::openapi::TimelineRecordDoc, responses((status = 201, description = "Created"), (status = 400, description = "Neither an incident id nor a reference, or a malformed If-Match or body", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "Invalid input: every field problem", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn add_timeline(
    State(s): State<AppState>,
    actor: Actor,
    Path(key): Path<String>,
    body: Result<Json<TimelineRecord>, JsonRejection>,
) -> Result<impl IntoResponse, Failed> {
    let key = IncidentKey::parse(&key)?;
    let saved = s.register.add_timeline_entry(&actor, &key, json_body(body)?).await?;
    Ok((StatusCode::CREATED, etag(saved.version), Json(view(&saved, None))))
}

#[utoipa::path(get, path = "/api/v1/incidents/{id}/report-stages", tag = "incidents", summary = "Report stages with due dates and status", params(("id" = String, Path, description = "Incident row id (all digits) or business reference, e.g. RB-AOIURA-2026-9001")), responses((status = 200, description = "OK"), (status = 400, description = "Neither an incident id nor a reference, or a malformed If-Match or body", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn stages(
    State(s): State<AppState>,
    actor: Actor,
    RequestLang(lang): RequestLang,
    Path(key): Path<String>,
) -> Result<impl IntoResponse, Failed> {
    let found = s.register.find_incident(&actor, &IncidentKey::parse(&key)?).await?;
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

#[utoipa::path(post, path = "/api/v1/incidents/{id}/report-submissions", tag = "incidents", summary = "Record a report submitted to the authority", params(("id" = String, Path, description = "Incident row id (all digits) or business reference, e.g. RB-AOIURA-2026-9001")), request_body = crate::openapi::ReportSubmissionRecordDoc, responses((status = 201, description = "Created"), (status = 400, description = "Neither an incident id nor a reference, or a malformed If-Match or body", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "Invalid input: every field problem", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn add_submission(
    State(s): State<AppState>,
    actor: Actor,
    RequestLang(lang): RequestLang,
    Path(key): Path<String>,
    body: Result<Json<ReportSubmissionRecord>, JsonRejection>,
) -> Result<impl IntoResponse, Failed> {
    let key = IncidentKey::parse(&key)?;
    let saved = s.register.add_report_submission(&actor, &key, json_body(body)?).await?;
    let items: Vec<_> = stages_now(&s, &saved).into_iter().map(|st| stage_view(&st, lang)).collect();
    Ok((StatusCode::CREATED, etag(saved.version), Json(serde_json::json!({ "items": items }))))
}

#[derive(Deserialize)]
pub(crate) struct DueParams {
    overdue: Option<bool>,
    institution: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/report-stages/due", tag = "incidents", summary = "Report stages due or overdue", params(("overdue" = Option<bool>, Query), ("institution" = Option<String>, Query)), responses((status = 200, description = "OK"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn due(
    State(s): State<AppState>,
    actor: Actor,
    RequestLang(lang): RequestLang,
    Query(p): Query<DueParams>,
) -> Result<impl IntoResponse, Failed> {
    let filter = ListParams { institution: p.institution, ..ListParams::default() }.filter();
    let due = s.register.due(&actor, &filter, p.overdue.unwrap_or(false), None, Utc::now()).await?;
    let items: Vec<_> = due
        .iter()
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
