//! Reporting regimes: an incident's obligations under every regime that applies to its
//! institution (FSA, DORA, US, UK), and the incident's regime inputs (classification and
//! determination times, DORA impact figures, reports sent under other regimes).

use super::{etag, if_match, json_body};
use crate::AppState;
use crate::edge::{Failed, RequestLang};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use chrono::Utc;
use opres_app::{Actor, IncidentKey};
use opres_regimes::RegimeInputs;

pub(crate) fn routes(r: crate::routes::Routes) -> crate::routes::Routes {
    r.get("/api/v1/incidents/{id}/obligations", obligations)
        .get("/api/v1/incidents/{id}/regime-inputs", inputs)
        .put("/api/v1/incidents/{id}/regime-inputs", save_inputs)
}

#[utoipa::path(get, path = "/api/v1/incidents/{id}/obligations", tag = "incidents", summary = "Every obligation of the incident under every regime that applies (FSA, DORA, US, UK): due time (RFC 3339, JST), status and the submission that met it; the DORA classification with each criterion", params(("id" = String, Path, description = "Incident row id (all digits) or business reference, e.g. RB-AOIURA-2026-9001")), responses((status = 200, description = "OK"), (status = 400, description = "Neither an incident id nor a reference", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn obligations(
    State(s): State<AppState>,
    actor: Actor,
    RequestLang(lang): RequestLang,
    Path(key): Path<String>,
) -> Result<impl IntoResponse, Failed> {
    let o = s.register.incident_obligations(&actor, &IncidentKey::parse(&key)?, Utc::now()).await?;
    Ok(Json(o.to_json(lang)))
}

#[utoipa::path(get, path = "/api/v1/incidents/{id}/regime-inputs", tag = "incidents", summary = "The incident's regime inputs (empty until recorded; no ETag then)", params(("id" = String, Path, description = "Incident row id or business reference")), responses((status = 200, description = "OK"), (status = 400, description = "Neither an incident id nor a reference", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn inputs(
    State(s): State<AppState>,
    actor: Actor,
    Path(key): Path<String>,
) -> Result<impl IntoResponse, Failed> {
    let inputs = s.register.regime_inputs(&actor, &IncidentKey::parse(&key)?).await?;
    let body = Json(serde_json::to_value(&inputs.value).unwrap_or_default());
    Ok(match inputs.version {
        Some(v) => (etag(v), body).into_response(),
        None => body.into_response(),
    })
}

#[utoipa::path(put, path = "/api/v1/incidents/{id}/regime-inputs", tag = "incidents", summary = "Record the incident's regime inputs whole (If-Match with the version read once they exist); every clock that depends on them moves, and the DORA classification is evaluated again", params(("id" = String, Path, description = "Incident row id or business reference"), ("If-Match" = Option<String>, Header, description = "The version read (its ETag); omit only to record the first inputs")), request_body(content = serde_json::Value, description = "dora_classified_at, dora_reclassified_non_major_at, dora_impact, us_determined_at, us_provider_disruption, uk_determined_at, uk_resolved_at, submissions, delay_notices (docs/reporting-regimes.md)"), responses((status = 200, description = "Saved, with the new ETag"), (status = 400, description = "Malformed If-Match or body", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 409, description = "Inputs already recorded: send If-Match", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 412, description = "Someone else saved first", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "Invalid input: every field problem", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn save_inputs(
    State(s): State<AppState>,
    actor: Actor,
    RequestLang(lang): RequestLang,
    Path(key): Path<String>,
    headers: HeaderMap,
    body: Result<Json<RegimeInputs>, JsonRejection>,
) -> Result<impl IntoResponse, Failed> {
    let key = IncidentKey::parse(&key)?;
    let version = if_match(&headers)?;
    let saved = s.register.save_regime_inputs_from(&actor, &key, || json_body(body), version).await?;
    let o = s.register.incident_obligations(&actor, &key, Utc::now()).await?;
    Ok((etag(saved.version), Json(o.to_json(lang))))
}
