//! Failure analysis: `/analysis/search`, `/analysis/classify`, `/analysis/trends`,
//! `/analysis/report`, and one incident's `/similar` past incidents and `/classification`
//! (the suggestion; accept or correct it).
//!
//! Every handler calls one `opres-app` analysis use case with the [`Actor`]: reading needs
//! `read_register` and sees only the caller's institutions (an incident of another institution is
//! "not found", and never appears among hits or similar incidents); changing a classification needs
//! `classify` and the incident's version in `If-Match`. Query values are read as text and parsed
//! by the use cases: a bad one is a 422 problem naming the parameter.

use super::{etag, if_match, json_body, query};
use crate::AppState;
use crate::edge::{Failed, RequestLang};
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use opres_analysis::classify::ClassifyInput;
use opres_analysis::report::ReportOptions;
use opres_app::analysis::{SearchParams, fiscal_year_param};
use opres_app::{Actor, AppError, IncidentKey};
use opres_domain::{Channel, FiscalYear, Problem, Trend, ValidationErrors};
use serde::Deserialize;

/// Entries in the overview's top-systems and top-vendors lists (as on the overview page).
const TOP_N: usize = 10;

/// Similar past incidents returned when the request does not say, and at most.
const SIMILAR_LIMIT: (u64, u64) = (5, 50);

pub(crate) fn routes(r: crate::routes::Routes) -> crate::routes::Routes {
    r.get("/api/v1/analysis/search", search)
        .post("/api/v1/analysis/classify", classify_text)
        .get("/api/v1/analysis/trends", trends)
        .get("/api/v1/analysis/report", report)
        .get("/api/v1/incidents/{id}/similar", similar)
        .get("/api/v1/incidents/{id}/classification", suggestion)
        .put("/api/v1/incidents/{id}/classification", classify)
}

/// Query of a search, as written.
#[derive(Deserialize)]
pub(crate) struct SearchQuery {
    q: Option<String>,
    offset: Option<String>,
    limit: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/analysis/search", operation_id = "analysis_search", tag = "analysis", summary = "Ranked incidents for a query (Japanese or English, with synonyms), highlighted, within the caller's institutions", params(("q" = String, Query, description = "What to search for: words, \"quoted phrases\", -excluded words, or a reference"), ("offset" = Option<u64>, Query, description = "Results to skip (default 0, at most 10000)"), ("limit" = Option<u64>, Query, description = "Results to return, 1–100 (default 20)")), responses((status = 200, description = "OK: `total`, `hits` (reference, institution, trend, fiscal year, score, title and snippet with <mark> highlights, HTML-escaped), `facets`, `expansions`"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "A bad parameter (q, offset, limit), named", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn search(
    State(s): State<AppState>,
    actor: Actor,
    params: Result<Query<SearchQuery>, QueryRejection>,
) -> Result<impl IntoResponse, Failed> {
    let p = query(params)?;
    let request = SearchParams { q: p.q, offset: p.offset, limit: p.limit }.parse()?;
    Ok(Json(s.analysis.search(&s.register, &actor, request).await?))
}

/// Query of the similar incidents.
#[derive(Deserialize)]
pub(crate) struct SimilarQuery {
    limit: Option<String>,
}

/// `limit` of the similar incidents: 1 to the most, or a problem naming it.
fn similar_limit(raw: Option<&str>) -> Result<usize, AppError> {
    let (default, max) = SIMILAR_LIMIT;
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else { return Ok(default as usize) };
    let bad = |problem| AppError::invalid_field("limit", problem);
    let n: u64 = raw.parse().map_err(|_| bad(Problem::NotANumber { value: raw.into() }))?;
    if !(1..=max).contains(&n) {
        return Err(bad(Problem::BadFormat { value: raw.into(), hint: "1–50" }));
    }
    Ok(usize::try_from(n).unwrap_or(default as usize))
}

#[utoipa::path(get, path = "/api/v1/incidents/{id}/similar", operation_id = "similar_incidents", tag = "analysis", summary = "Past incidents most similar to this one, within the caller's institutions", params(("id" = String, Path, description = "Row id or business reference"), ("limit" = Option<u64>, Query, description = "1–50 (default 5)")), responses((status = 200, description = "OK: `total` and `items` (reference, institution, title, trend, score)"), (status = 400, description = "Malformed id", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "A bad limit", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn similar(
    State(s): State<AppState>,
    actor: Actor,
    Path(key): Path<String>,
    params: Result<Query<SimilarQuery>, QueryRejection>,
) -> Result<impl IntoResponse, Failed> {
    let limit = similar_limit(query(params)?.limit.as_deref())?;
    let found = s.register.find_incident(&actor, &IncidentKey::parse(&key)?).await?;
    let items = s.analysis.similar(&s.register, &actor, &found.value, limit).await?;
    Ok(Json(serde_json::json!({ "reference": found.value.reference, "total": items.len(), "items": items })))
}

#[utoipa::path(get, path = "/api/v1/incidents/{id}/classification", operation_id = "classification_suggestion", tag = "analysis", summary = "The accepted classification and the suggested one (trend, confidence, runner-up, reasons), with the incident's version as ETag", params(("id" = String, Path, description = "Row id or business reference")), responses((status = 200, description = "OK: `accepted` (trigger, trend) and `suggestion` (trigger, trend, confidence, alternative, reasons, model, explanation in the request's language)"), (status = 400, description = "Malformed id", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn suggestion(
    State(s): State<AppState>,
    actor: Actor,
    Path(key): Path<String>,
) -> Result<impl IntoResponse, Failed> {
    let found = s.register.find_incident(&actor, &IncidentKey::parse(&key)?).await?;
    let suggested = s.analysis.suggest(&s.register, &actor, &found.value).await?;
    let c = &found.value.classification;
    Ok((
        etag(found.version),
        Json(serde_json::json!({
            "id": found.id,
            "reference": found.value.reference,
            "version": found.version,
            "accepted": { "trigger": c.trigger(), "trend": c.trend() },
            "suggestion": suggested,
        })),
    ))
}

/// Body of an accept or correct: the trend (its trigger follows from it).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ClassificationBody {
    trend: String,
}

#[utoipa::path(put, path = "/api/v1/incidents/{id}/classification", operation_id = "set_classification", tag = "analysis", summary = "Accept or correct the classification: the trend, and the trigger it belongs to (If-Match required)", params(("id" = String, Path, description = "Row id or business reference"), ("If-Match" = String, Header, description = "The incident version read (its ETag), e.g. \"3\"")), request_body(content = serde_json::Value, description = "`{\"trend\": \"cyber.ddos\"}`"), responses((status = 200, description = "Saved: the incident, with its new version as ETag"), (status = 400, description = "Malformed id, body or If-Match", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 403, description = "Role does not allow this (classify)", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 404, description = "Not found or outside the caller's institutions", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 412, description = "Someone else saved first", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "Unknown trend", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 428, description = "If-Match missing", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn classify(
    State(s): State<AppState>,
    actor: Actor,
    Path(key): Path<String>,
    headers: HeaderMap,
    body: Result<Json<ClassificationBody>, JsonRejection>,
) -> Result<impl IntoResponse, Failed> {
    let key = IncidentKey::parse(&key)?;
    let version = if_match(&headers)?;
    let raw = json_body(body)?.trend;
    let trend = raw.trim().parse::<Trend>().map_err(|_| {
        let expected = Trend::ALL.iter().map(|t| t.code()).collect();
        AppError::invalid_field("trend", Problem::UnknownCode { value: raw.clone(), expected })
    })?;
    let saved = s.register.reclassify_incident(&actor, &key, version, trend).await?;
    Ok((etag(saved.version), Json(super::incidents::view(&saved, None))))
}

/// Body of a classification of a text not registered: what an incident would say.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ClassifyBody {
    title: Option<String>,
    description: Option<String>,
    cyber_attack: Option<bool>,
    vendor: Option<String>,
    #[serde(default)]
    channels: Vec<String>,
}

impl ClassifyBody {
    /// What the classifier reads, or the channel codes it does not know, named.
    fn input(self) -> Result<ClassifyInput, AppError> {
        let mut e = ValidationErrors::default();
        let mut channels = Vec::new();
        for raw in &self.channels {
            match raw.trim().parse::<Channel>() {
                Ok(c) => channels.push(c),
                Err(_) => e.push(
                    "channels",
                    Problem::UnknownCode {
                        value: raw.clone(),
                        expected: Channel::ALL.iter().map(|c| c.code()).collect(),
                    },
                ),
            }
        }
        e.into_result(|| ())?;
        Ok(ClassifyInput {
            text: self.description.unwrap_or_default(),
            title: self.title.filter(|t| !t.trim().is_empty()),
            cyber_attack: self.cyber_attack,
            vendor: self.vendor.filter(|v| !v.trim().is_empty()),
            channels,
        })
    }
}

#[utoipa::path(post, path = "/api/v1/analysis/classify", operation_id = "classify_text", tag = "analysis", summary = "Suggest a classification for a text not (yet) registered", request_body(content = serde_json::Value, description = "`title`, `description` (one of them required), optional `cyber_attack`, `vendor`, `channels` (codes)"), responses((status = 200, description = "The suggestion: trigger, trend, confidence, alternative (runner-up), reasons, model, explanation"), (status = 400, description = "Malformed body", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "No text, too long, or an unknown channel: every problem named", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn classify_text(
    State(s): State<AppState>,
    actor: Actor,
    body: Result<Json<ClassifyBody>, JsonRejection>,
) -> Result<impl IntoResponse, Failed> {
    let input = json_body(body)?.input()?;
    Ok(Json(s.analysis.suggest_text(&s.register, &actor, input).await?))
}

/// Query of the trends.
#[derive(Deserialize)]
pub(crate) struct TrendsQuery {
    fy: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/analysis/trends", operation_id = "analysis_trends", tag = "analysis", summary = "The analysis overview of a fiscal year within the caller's institutions: every year's counts, the year (to date while it runs) compared like with like with the previous one, times, top systems and vendors, recurrences", params(("fy" = Option<String>, Query, description = "Fiscal year, e.g. 2024 (default: the running one)")), responses((status = 200, description = "OK: `period`, `all_years`, `compared`, `year`, `recurring`, `chains`"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "A bad fy", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn trends(
    State(s): State<AppState>,
    actor: Actor,
    params: Result<Query<TrendsQuery>, QueryRejection>,
) -> Result<impl IntoResponse, Failed> {
    let today = opres_app::today();
    let fy = fiscal_year_param("fy", query(params)?.fy.as_deref())?.unwrap_or(FiscalYear::of_date(today));
    Ok(Json(s.register.analysis_overview(&actor, fy, today, TOP_N).await?))
}

/// Query of the yearly report.
#[derive(Deserialize)]
pub(crate) struct ReportQuery {
    fy: Option<String>,
    format: Option<String>,
    anonymise: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/analysis/report", operation_id = "analysis_report", tag = "analysis", summary = "The yearly analysis report over the caller's institutions, in the request's language (JSON document, Markdown or HTML)", params(("fy" = Option<String>, Query, description = "Fiscal year, e.g. 2024 (default: the last complete one)"), ("format" = Option<String>, Query, description = "json (default), md or html"), ("anonymise" = Option<bool>, Query, description = "Leave institution names out (default false)")), responses((status = 200, description = "The report"), (status = 401, description = "Not signed in", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"), (status = 422, description = "A bad fy, format or anonymise, named", body = crate::openapi::ProblemDoc, content_type = "application/problem+json")))]
pub(crate) async fn report(
    State(s): State<AppState>,
    actor: Actor,
    RequestLang(lang): RequestLang,
    params: Result<Query<ReportQuery>, QueryRejection>,
) -> Result<Response, Failed> {
    let p = query(params)?;
    let today = opres_app::today();
    let fy = fiscal_year_param("fy", p.fy.as_deref())?.unwrap_or(FiscalYear::last_complete(today));
    let format = p.format.as_deref().map(str::trim).filter(|f| !f.is_empty()).unwrap_or("json");
    if !matches!(format, "json" | "md" | "html") {
        let expected = vec!["json", "md", "html"];
        return Err(AppError::invalid_field("format", Problem::UnknownCode { value: format.into(), expected }).into());
    }
    let anonymise = match p.anonymise.as_deref().map(str::trim) {
        None | Some("" | "false" | "0" | "no") => false,
        Some("true" | "1" | "yes") => true,
        Some(other) => {
            return Err(AppError::invalid_field("anonymise", Problem::NotABoolean { value: other.into() }).into());
        }
    };
    let mut opts = ReportOptions::new(fy, lang, today);
    opts.anonymise = anonymise;
    let built = s.register.analysis_report(&actor, opts).await?;
    Ok(match format {
        "md" => ([(header::CONTENT_TYPE, "text/markdown; charset=utf-8")], built.to_markdown()).into_response(),
        "html" => ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], built.to_html()).into_response(),
        _ => Json(built).into_response(),
    })
}
