//! `/institutions` and their `/systems`.

use super::{etag, if_match, json_body};
use crate::AppState;
use crate::edge::Failed;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use opres_app::{Actor, institution_code, system_code};
use opres_domain::record::{InstitutionRecord, SystemRecord};
use opres_store::Stored;
use serde::Serialize;

pub(crate) fn routes(r: crate::routes::Routes) -> crate::routes::Routes {
    r.get("/api/v1/institutions", list)
        .post("/api/v1/institutions", create)
        .get("/api/v1/institutions/{code}", show)
        .put("/api/v1/institutions/{code}", update)
        .delete("/api/v1/institutions/{code}", remove)
        .get("/api/v1/institutions/{code}/systems", list_systems)
        .post("/api/v1/institutions/{code}/systems", create_system)
        .get("/api/v1/institutions/{code}/systems/{system}", show_system)
        .put("/api/v1/institutions/{code}/systems/{system}", update_system)
        .delete("/api/v1/institutions/{code}/systems/{system}", remove_system)
}

#[derive(Serialize)]
struct InstitutionView {
    id: i64,
    version: i64,
    #[serde(flatten)]
    record: InstitutionRecord,
}

fn view(s: Stored<opres_domain::Institution>) -> InstitutionView {
    InstitutionView { id: s.id, version: s.version, record: InstitutionRecord::from(&s.value) }
}

#[derive(Serialize)]
struct SystemView {
    id: i64,
    version: i64,
    #[serde(flatten)]
    record: SystemRecord,
}

fn system_view(s: Stored<opres_domain::System>) -> SystemView {
    SystemView { id: s.id, version: s.version, record: SystemRecord::from(&s.value) }
}

#[utoipa::path(get, path = "/api/v1/institutions", tag = "institutions", summary = "Institutions the caller sees", responses((status = 200, description = "OK"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn list(State(s): State<AppState>, actor: Actor) -> Result<impl IntoResponse, Failed> {
    let items: Vec<_> = s.register.institutions(&actor).await?.into_iter().map(view).collect();
    Ok(Json(serde_json::json!({ "items": items })))
}

#[utoipa::path(get, path = "/api/v1/institutions/{code}", tag = "institutions", summary = "One institution", params(("code" = String, Path, description = "Institution code")), responses((status = 200, description = "OK"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn show(
    State(s): State<AppState>,
    actor: Actor,
    Path(code): Path<String>,
) -> Result<impl IntoResponse, Failed> {
    let found = s.register.institution(&actor, &institution_code(&code)?).await?;
    Ok((etag(found.version), Json(view(found))))
}

#[utoipa::path(post, path = "/api/v1/institutions", tag = "institutions", summary = "Register an institution (administrators)", request_body = crate::openapi::InstitutionRecordDoc, responses((status = 201, description = "Created"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "Invalid input: every field problem", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn create(
    State(s): State<AppState>,
    actor: Actor,
    body: Result<Json<InstitutionRecord>, JsonRejection>,
) -> Result<impl IntoResponse, Failed> {
    let created = s.register.create_institution(&actor, json_body(body)?).await?;
    Ok((StatusCode::CREATED, etag(created.version), Json(view(created))))
}

#[utoipa::path(put, path = "/api/v1/institutions/{code}", tag = "institutions", summary = "Replace an institution (If-Match required)", params(("code" = String, Path, description = "Institution code"), ("If-Match" = String, Header, description = "The version read (its ETag), e.g. \"3\"")), request_body = crate::openapi::InstitutionRecordDoc, responses((status = 200, description = "OK"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "Invalid input: every field problem", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 412, description = "Someone else saved first", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 428, description = "If-Match missing", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn update(
    State(s): State<AppState>,
    actor: Actor,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Result<Json<InstitutionRecord>, JsonRejection>,
) -> Result<impl IntoResponse, Failed> {
    let code = institution_code(&code)?;
    let version = if_match(&headers)?;
    let saved = s.register.update_institution(&actor, &code, version, json_body(body)?).await?;
    Ok((etag(saved.version), Json(view(saved))))
}

#[utoipa::path(delete, path = "/api/v1/institutions/{code}", tag = "institutions", summary = "Delete an institution without systems or incidents", params(("code" = String, Path, description = "Institution code"), ("If-Match" = String, Header, description = "The version read (its ETag), e.g. \"3\"")), responses((status = 204, description = "Deleted"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 412, description = "Someone else saved first", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 428, description = "If-Match missing", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn remove(
    State(s): State<AppState>,
    actor: Actor,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, Failed> {
    s.register.delete_institution(&actor, &institution_code(&code)?, if_match(&headers)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/institutions/{code}/systems", tag = "institutions", summary = "An institution's systems", params(("code" = String, Path, description = "Institution code")), responses((status = 200, description = "OK"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn list_systems(
    State(s): State<AppState>,
    actor: Actor,
    Path(code): Path<String>,
) -> Result<impl IntoResponse, Failed> {
    let items: Vec<_> =
        s.register.systems(&actor, &institution_code(&code)?).await?.into_iter().map(system_view).collect();
    Ok(Json(serde_json::json!({ "items": items })))
}

#[utoipa::path(get, path = "/api/v1/institutions/{code}/systems/{system}", tag = "institutions", summary = "One system", params(("code" = String, Path, description = "Institution code"), ("system" = String, Path, description = "System code")), responses((status = 200, description = "OK"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn show_system(
    State(s): State<AppState>,
    actor: Actor,
    Path((code, system)): Path<(String, String)>,
) -> Result<impl IntoResponse, Failed> {
    let found = s.register.system(&actor, &institution_code(&code)?, &system_code(&system)?).await?;
    Ok((etag(found.version), Json(system_view(found))))
}

#[utoipa::path(post, path = "/api/v1/institutions/{code}/systems", tag = "institutions", summary = "Register a system", params(("code" = String, Path, description = "Institution code")), request_body = crate::openapi::SystemRecordDoc, responses((status = 201, description = "Created"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "Invalid input: every field problem", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn create_system(
    State(s): State<AppState>,
    actor: Actor,
    Path(code): Path<String>,
    body: Result<Json<SystemRecord>, JsonRejection>,
) -> Result<impl IntoResponse, Failed> {
    let created = s.register.create_system(&actor, &institution_code(&code)?, json_body(body)?).await?;
    Ok((StatusCode::CREATED, etag(created.version), Json(system_view(created))))
}

#[utoipa::path(put, path = "/api/v1/institutions/{code}/systems/{system}", tag = "institutions", summary = "Replace a system (If-Match required)", params(("code" = String, Path, description = "Institution code"), ("system" = String, Path, description = "System code"), ("If-Match" = String, Header, description = "The version read (its ETag), e.g. \"3\"")), request_body = crate::openapi::SystemRecordDoc, responses((status = 200, description = "OK"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "Invalid input: every field problem", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 412, description = "Someone else saved first", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 428, description = "If-Match missing", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn update_system(
    State(s): State<AppState>,
    actor: Actor,
    Path((code, system)): Path<(String, String)>,
    headers: HeaderMap,
    body: Result<Json<SystemRecord>, JsonRejection>,
) -> Result<impl IntoResponse, Failed> {
    let (code, system) = (institution_code(&code)?, system_code(&system)?);
    let version = if_match(&headers)?;
    let saved = s.register.update_system(&actor, &code, &system, version, json_body(body)?).await?;
    Ok((etag(saved.version), Json(system_view(saved))))
}

#[utoipa::path(delete, path = "/api/v1/institutions/{code}/systems/{system}", tag = "institutions", summary = "Delete a system no incident refers to", params(("code" = String, Path, description = "Institution code"), ("system" = String, Path, description = "System code"), ("If-Match" = String, Header, description = "The version read (its ETag), e.g. \"3\"")), responses((status = 204, description = "Deleted"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 412, description = "Someone else saved first", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 428, description = "If-Match missing", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn remove_system(
    State(s): State<AppState>,
    actor: Actor,
    Path((code, system)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, Failed> {
    let (code, system) = (institution_code(&code)?, system_code(&system)?);
    s.register.delete_system(&actor, &code, &system, if_match(&headers)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
