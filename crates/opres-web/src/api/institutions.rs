//! `/institutions` and their `/systems`.

use super::{Actor, InLang, bad_json, etag, if_match};
use crate::AppState;
use crate::error::{ApiError, Localized};
use crate::lang::UserLang;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use opres_app::Permission;
use opres_domain::record::{InstitutionRecord, SystemRecord};
use opres_domain::{InstitutionCode, Problem, SystemCode, ValidationErrors};
use opres_store::{StoreError, Stored};
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

fn code_in_path(code: &str) -> Result<InstitutionCode, ApiError> {
    InstitutionCode::parse(code).map_err(|e| {
        let mut errs = ValidationErrors::default();
        errs.push("code", Problem::from(e));
        ApiError::Validation(errs)
    })
}

fn system_in_path(code: &str) -> Result<SystemCode, ApiError> {
    SystemCode::parse(code).map_err(|e| {
        let mut errs = ValidationErrors::default();
        errs.push("code", Problem::from(e));
        ApiError::Validation(errs)
    })
}

/// Out-of-scope institutions look exactly like missing ones.
fn visible(actor: &Actor, code: &InstitutionCode) -> Result<(), ApiError> {
    if actor.sees(code) {
        Ok(())
    } else {
        Err(StoreError::NotFound { what: "institution", key: code.to_string() }.into())
    }
}

#[utoipa::path(get, path = "/api/v1/institutions", tag = "institutions", summary = "Institutions the caller sees", responses((status = 200, description = "OK"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc)))]
pub(crate) async fn list(
    State(s): State<AppState>,
    actor: Actor,
    UserLang(lang): UserLang,
) -> Result<impl IntoResponse, Localized> {
    let all = s.register.store().list_institutions().await.in_lang(lang)?;
    let items: Vec<_> = all.into_iter().filter(|i| actor.sees(&i.value.code)).map(view).collect();
    Ok(Json(serde_json::json!({ "items": items })))
}

#[utoipa::path(get, path = "/api/v1/institutions/{code}", tag = "institutions", summary = "One institution", params(("code" = String, Path, description = "Institution code")), responses((status = 200, description = "OK"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc)))]
pub(crate) async fn show(
    State(s): State<AppState>,
    actor: Actor,
    UserLang(lang): UserLang,
    Path(code): Path<String>,
) -> Result<impl IntoResponse, Localized> {
    let code = code_in_path(&code).in_lang(lang)?;
    visible(&actor, &code).in_lang(lang)?;
    let found = s.register.store().institution(&code).await.in_lang(lang)?;
    let found = found.ok_or(StoreError::NotFound { what: "institution", key: code.to_string() }).in_lang(lang)?;
    Ok((etag(found.version), Json(view(found))))
}

#[utoipa::path(post, path = "/api/v1/institutions", tag = "institutions", summary = "Register an institution (administrators)", request_body = crate::openapi::InstitutionRecordDoc, responses((status = 201, description = "Created"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc), (status = 422, description = "Invalid input: every field problem", body = crate::openapi::ProblemDoc)))]
pub(crate) async fn create(
    State(s): State<AppState>,
    actor: Actor,
    UserLang(lang): UserLang,
    body: Result<Json<InstitutionRecord>, JsonRejection>,
) -> Result<impl IntoResponse, Localized> {
    actor.require(Permission::ManageInstitutions).in_lang(lang)?;
    let Json(record) = body.map_err(bad_json).in_lang(lang)?;
    let value = record.validate().in_lang(lang)?;
    visible(&actor, &value.code).in_lang(lang)?;
    let created = s.register.store().create_institution(&value, &actor.audit()).await.in_lang(lang)?;
    Ok((StatusCode::CREATED, etag(created.version), Json(view(created))))
}

#[utoipa::path(put, path = "/api/v1/institutions/{code}", tag = "institutions", summary = "Replace an institution (If-Match required)", params(("code" = String, Path, description = "Institution code"), ("If-Match" = String, Header, description = "The version read (its ETag), e.g. \"3\"")), request_body = crate::openapi::InstitutionRecordDoc, responses((status = 200, description = "OK"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc), (status = 422, description = "Invalid input: every field problem", body = crate::openapi::ProblemDoc), (status = 412, description = "Someone else saved first", body = crate::openapi::ProblemDoc), (status = 428, description = "If-Match missing", body = crate::openapi::ProblemDoc)))]
pub(crate) async fn update(
    State(s): State<AppState>,
    actor: Actor,
    UserLang(lang): UserLang,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Result<Json<InstitutionRecord>, JsonRejection>,
) -> Result<impl IntoResponse, Localized> {
    actor.require(Permission::EditInstitution).in_lang(lang)?;
    let code = code_in_path(&code).in_lang(lang)?;
    visible(&actor, &code).in_lang(lang)?;
    let version = if_match(&headers).in_lang(lang)?;
    let Json(record) = body.map_err(bad_json).in_lang(lang)?;
    let value = record.validate().in_lang(lang)?;
    visible(&actor, &value.code).in_lang(lang)?;
    let saved = s.register.store().update_institution(&code, version, &value, &actor.audit()).await.in_lang(lang)?;
    Ok((etag(saved.version), Json(view(saved))))
}

#[utoipa::path(delete, path = "/api/v1/institutions/{code}", tag = "institutions", summary = "Delete an institution without systems or incidents", params(("code" = String, Path, description = "Institution code"), ("If-Match" = String, Header, description = "The version read (its ETag), e.g. \"3\"")), responses((status = 204, description = "Deleted"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc), (status = 412, description = "Someone else saved first", body = crate::openapi::ProblemDoc), (status = 428, description = "If-Match missing", body = crate::openapi::ProblemDoc)))]
pub(crate) async fn remove(
    State(s): State<AppState>,
    actor: Actor,
    UserLang(lang): UserLang,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, Localized> {
    actor.require(Permission::ManageInstitutions).in_lang(lang)?;
    let code = code_in_path(&code).in_lang(lang)?;
    visible(&actor, &code).in_lang(lang)?;
    let version = if_match(&headers).in_lang(lang)?;
    s.register.store().delete_institution(&code, version, &actor.audit()).await.in_lang(lang)?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/institutions/{code}/systems", tag = "institutions", summary = "An institution's systems", params(("code" = String, Path, description = "Institution code")), responses((status = 200, description = "OK"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc)))]
pub(crate) async fn list_systems(
    State(s): State<AppState>,
    actor: Actor,
    UserLang(lang): UserLang,
    Path(code): Path<String>,
) -> Result<impl IntoResponse, Localized> {
    let code = code_in_path(&code).in_lang(lang)?;
    visible(&actor, &code).in_lang(lang)?;
    if s.register.store().institution(&code).await.in_lang(lang)?.is_none() {
        return Err(Localized(StoreError::NotFound { what: "institution", key: code.to_string() }.into(), lang));
    }
    let items: Vec<_> =
        s.register.store().list_systems(Some(&code)).await.in_lang(lang)?.into_iter().map(system_view).collect();
    Ok(Json(serde_json::json!({ "items": items })))
}

#[utoipa::path(get, path = "/api/v1/institutions/{code}/systems/{system}", tag = "institutions", summary = "One system", params(("code" = String, Path, description = "Institution code"), ("system" = String, Path, description = "System code")), responses((status = 200, description = "OK"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc)))]
pub(crate) async fn show_system(
    State(s): State<AppState>,
    actor: Actor,
    UserLang(lang): UserLang,
    Path((code, system)): Path<(String, String)>,
) -> Result<impl IntoResponse, Localized> {
    let code = code_in_path(&code).in_lang(lang)?;
    let system = system_in_path(&system).in_lang(lang)?;
    visible(&actor, &code).in_lang(lang)?;
    let found = s.register.store().system(&code, &system).await.in_lang(lang)?;
    let found = found.ok_or(StoreError::NotFound { what: "system", key: format!("{code}/{system}") }).in_lang(lang)?;
    Ok((etag(found.version), Json(system_view(found))))
}

/// Reads a system body, taking institution and code from the path when the body leaves them out.
fn system_body(
    code: &InstitutionCode,
    system: Option<&SystemCode>,
    mut record: SystemRecord,
) -> Result<opres_domain::System, ApiError> {
    if record.institution.trim().is_empty() {
        record.institution = code.to_string();
    }
    if let Some(sys) = system
        && record.code.trim().is_empty()
    {
        record.code = sys.to_string();
    }
    let value = record.validate()?;
    let mut errs = ValidationErrors::default();
    if value.institution != *code {
        errs.push(
            "institution",
            Problem::BadFormat { value: value.institution.to_string(), hint: "must match the institution in the URL" },
        );
    }
    if system.is_some_and(|s| *s != value.code) {
        errs.push(
            "code",
            Problem::BadFormat { value: value.code.to_string(), hint: "must match the system in the URL" },
        );
    }
    errs.into_result(|| value).map_err(ApiError::from)
}

#[utoipa::path(post, path = "/api/v1/institutions/{code}/systems", tag = "institutions", summary = "Register a system", params(("code" = String, Path, description = "Institution code")), request_body = crate::openapi::SystemRecordDoc, responses((status = 201, description = "Created"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc), (status = 422, description = "Invalid input: every field problem", body = crate::openapi::ProblemDoc)))]
pub(crate) async fn create_system(
    State(s): State<AppState>,
    actor: Actor,
    UserLang(lang): UserLang,
    Path(code): Path<String>,
    body: Result<Json<SystemRecord>, JsonRejection>,
) -> Result<impl IntoResponse, Localized> {
    actor.require(Permission::EditInstitution).in_lang(lang)?;
    let code = code_in_path(&code).in_lang(lang)?;
    visible(&actor, &code).in_lang(lang)?;
    let Json(record) = body.map_err(bad_json).in_lang(lang)?;
    let value = system_body(&code, None, record).in_lang(lang)?;
    let created = s.register.store().create_system(&value, &actor.audit()).await.in_lang(lang)?;
    Ok((StatusCode::CREATED, etag(created.version), Json(system_view(created))))
}

#[utoipa::path(put, path = "/api/v1/institutions/{code}/systems/{system}", tag = "institutions", summary = "Replace a system (If-Match required)", params(("code" = String, Path, description = "Institution code"), ("system" = String, Path, description = "System code"), ("If-Match" = String, Header, description = "The version read (its ETag), e.g. \"3\"")), request_body = crate::openapi::SystemRecordDoc, responses((status = 200, description = "OK"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc), (status = 422, description = "Invalid input: every field problem", body = crate::openapi::ProblemDoc), (status = 412, description = "Someone else saved first", body = crate::openapi::ProblemDoc), (status = 428, description = "If-Match missing", body = crate::openapi::ProblemDoc)))]
pub(crate) async fn update_system(
    State(s): State<AppState>,
    actor: Actor,
    UserLang(lang): UserLang,
    Path((code, system)): Path<(String, String)>,
    headers: HeaderMap,
    body: Result<Json<SystemRecord>, JsonRejection>,
) -> Result<impl IntoResponse, Localized> {
    actor.require(Permission::EditInstitution).in_lang(lang)?;
    let code = code_in_path(&code).in_lang(lang)?;
    let system = system_in_path(&system).in_lang(lang)?;
    visible(&actor, &code).in_lang(lang)?;
    let version = if_match(&headers).in_lang(lang)?;
    let Json(record) = body.map_err(bad_json).in_lang(lang)?;
    let value = system_body(&code, Some(&system), record).in_lang(lang)?;
    let saved = s.register.store().update_system(version, &value, &actor.audit()).await.in_lang(lang)?;
    Ok((etag(saved.version), Json(system_view(saved))))
}

#[utoipa::path(delete, path = "/api/v1/institutions/{code}/systems/{system}", tag = "institutions", summary = "Delete a system no incident refers to", params(("code" = String, Path, description = "Institution code"), ("system" = String, Path, description = "System code"), ("If-Match" = String, Header, description = "The version read (its ETag), e.g. \"3\"")), responses((status = 204, description = "Deleted"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc), (status = 403, description = "Role does not allow this", body = crate::openapi::ProblemDoc), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc), (status = 412, description = "Someone else saved first", body = crate::openapi::ProblemDoc), (status = 428, description = "If-Match missing", body = crate::openapi::ProblemDoc)))]
pub(crate) async fn remove_system(
    State(s): State<AppState>,
    actor: Actor,
    UserLang(lang): UserLang,
    Path((code, system)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, Localized> {
    actor.require(Permission::EditInstitution).in_lang(lang)?;
    let code = code_in_path(&code).in_lang(lang)?;
    let system = system_in_path(&system).in_lang(lang)?;
    visible(&actor, &code).in_lang(lang)?;
    let version = if_match(&headers).in_lang(lang)?;
    s.register.store().delete_system(&code, &system, version, &actor.audit()).await.in_lang(lang)?;
    Ok(StatusCode::NO_CONTENT)
}
