//! The OpenAPI 3.1 document of the REST API, generated from the handlers' annotations, served at
//! `/api/v1/openapi.json` (no sign-in needed) and rendered by the vendored Swagger UI at
//! `/api/docs`. The request-body schemas mirror the interchange records of `opres-domain` (which
//! stays free of HTTP concerns); a test checks that the mirrors list exactly the records' fields.

use crate::api;
use crate::routes::Routes;
use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_swagger_ui::SwaggerUi;

/// Where the document is served.
pub const OPENAPI_PATH: &str = "/api/v1/openapi.json";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "opres REST API",
        description = "The failure register of financial institutions' system failures (after the FSA's yearly analysis report). \
JSON bodies use the interchange field names; every versioned record carries an ETag that a change must send back in If-Match. \
Authenticate with a personal API token (created in the web UI under Account) in an `Authorization: Bearer` header. \
Errors are RFC 9457 problem details in the language of `Accept-Language` (ja or en).",
        license(name = "Apache-2.0")
    ),
    paths(
        api::health,
        api::institutions::list, api::institutions::show, api::institutions::create, api::institutions::update,
        api::institutions::remove, api::institutions::list_systems, api::institutions::show_system,
        api::institutions::create_system, api::institutions::update_system, api::institutions::remove_system,
        api::incidents::list, api::incidents::show, api::incidents::create, api::incidents::update,
        api::incidents::remove, api::incidents::timeline, api::incidents::add_timeline, api::incidents::stages,
        api::incidents::add_submission, api::incidents::due,
        api::tlpt::list, api::tlpt::import, api::tlpt::show, api::tlpt::replace, api::tlpt::assessment,
        api::tlpt::metrics, api::tlpt::report, api::tlpt::layer, api::tlpt::record_finding,
        api::tlpt::link_recurrences, api::tlpt::catalogues, api::tlpt::import_catalogue,
        api::analysis::search, api::analysis::similar, api::analysis::suggestion, api::analysis::classify,
        api::analysis::classify_text, api::analysis::trends, api::analysis::report,
        api::regimes::obligations, api::regimes::inputs, api::regimes::save_inputs,
        api::gap::frameworks, api::gap::framework, api::gap::import, api::gap::assessments, api::gap::start,
        api::gap::assessment, api::gap::record_entry, api::gap::transition, api::gap::roadmaps, api::gap::roadmap,
        api::gap::import_file, api::gap::mappings, api::gap::import_mapping, api::gap::mapping, api::gap::mapped, api::gap::prefill,
        api::gap::save_action, api::gap::remove_action, api::gap::save_milestones, api::gap::roadmap_transition, api::gap::report, api::gap::oscal,
        api::gap::distribution,
    ),
    components(schemas(IncidentRecordDoc, InstitutionRecordDoc, SystemRecordDoc, TimelineRecordDoc, ReportSubmissionRecordDoc, ProblemDoc, FieldProblemDoc)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "incidents", description = "Incidents, their timeline and report stages"),
        (name = "institutions", description = "Institutions and their systems"),
        (name = "analysis", description = "Failure analysis: search, similar past incidents, classification suggestions with accept/correct, trends and the yearly report"),
        (name = "tlpt", description = "TLPT programmes: engagements' assessment, metrics, management report, Navigator layers, findings; the ATT&CK catalogue"),
        (name = "gap", description = "Gap assessment: frameworks (built in, OSCAL, imported), assessments of an institution against a framework with their gaps and workflow"),
        (name = "meta", description = "Server status"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// The document as pretty JSON (what the snapshot test compares).
pub fn openapi_json() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_default()
}

pub(crate) fn routes(r: Routes) -> Routes {
    let ui = SwaggerUi::new("/api/docs").url(OPENAPI_PATH, ApiDoc::openapi());
    r.merge_service("/api/docs", axum::Router::from(ui)).record("GET", OPENAPI_PATH)
}

/// An incident as written (`IncidentRecord`): times are RFC 3339 with an offset.
#[allow(dead_code)] // schema only
#[derive(Serialize, ToSchema)]
pub(crate) struct IncidentRecordDoc {
    /// The institution's reference, unique in the register.
    reference: String,
    /// Code of the reporting institution.
    institution: String,
    title_ja: Option<String>,
    title_en: Option<String>,
    description_ja: Option<String>,
    description_en: Option<String>,
    /// When the failure occurred, e.g. 2024-05-01T09:30:00+09:00.
    occurred_at: String,
    /// When the institution became aware of it.
    detected_at: String,
    first_reported_at: Option<String>,
    recovered_at: Option<String>,
    cause_identified_at: Option<String>,
    closed_at: Option<String>,
    /// Channel codes: atm, branch, internet_banking, …
    channels: Vec<String>,
    /// System codes of the institution.
    affected_systems: Vec<String>,
    customers_affected: Option<i64>,
    transactions_affected: Option<i64>,
    /// Whole yen.
    transaction_value_jpy: Option<i64>,
    /// none, delayed, stopped.
    settlement_impact: Option<String>,
    cyber_attack: Option<bool>,
    /// cyber, change, operations, work, unknown.
    trigger: Option<String>,
    /// e.g. operations.storage.
    trend: Option<String>,
    secondary_trends: Vec<String>,
    vendor: Option<String>,
    root_cause: Option<String>,
    interim_measures: Option<String>,
    recurrence_prevention: Option<String>,
    customer_handling: Option<String>,
    publicly_announced: Option<bool>,
    good_practice: Option<bool>,
    good_practice_note: Option<String>,
    timeline: Vec<TimelineRecordDoc>,
    report_submissions: Vec<ReportSubmissionRecordDoc>,
}

/// An institution as written (`InstitutionRecord`).
#[allow(dead_code)]
#[derive(Serialize, ToSchema)]
pub(crate) struct InstitutionRecordDoc {
    code: String,
    name_ja: String,
    name_en: String,
    /// major_bank, regional_bank, …
    institution_type: String,
    lei: Option<String>,
}

/// A system as written (`SystemRecord`).
#[allow(dead_code)]
#[derive(Serialize, ToSchema)]
pub(crate) struct SystemRecordDoc {
    /// Taken from the URL when left out.
    institution: String,
    code: String,
    name: String,
    owner: Option<String>,
    /// critical, high, medium, low.
    criticality: String,
}

/// A timeline entry (`TimelineRecord`).
#[allow(dead_code)]
#[derive(Serialize, ToSchema)]
pub(crate) struct TimelineRecordDoc {
    at: String,
    text: String,
}

/// A report submission (`ReportSubmissionRecord`).
#[allow(dead_code)]
#[derive(Serialize, ToSchema)]
pub(crate) struct ReportSubmissionRecordDoc {
    /// written_report, recovery_report, cause_report, status_report.
    stage: String,
    submitted_at: String,
}

/// RFC 9457 problem details.
#[allow(dead_code)]
#[derive(Serialize, ToSchema)]
pub(crate) struct ProblemDoc {
    #[serde(rename = "type")]
    kind: String,
    title: String,
    status: u16,
    detail: String,
    /// Every field problem of a refused input (absent when the problem is not about fields).
    errors: Option<Vec<FieldProblemDoc>>,
    /// The version now stored, on a conflict.
    current_version: Option<i64>,
}

/// One field's problem.
#[allow(dead_code)]
#[derive(Serialize, ToSchema)]
pub(crate) struct FieldProblemDoc {
    /// The field (absent for a problem of the input as a whole).
    field: Option<String>,
    kind: String,
    message: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use opres_domain::record::{IncidentRecord, InstitutionRecord, RawScalar, SystemRecord};

    fn keys<T: Serialize>(v: &T) -> Vec<String> {
        let mut k: Vec<String> = serde_json::to_value(v).unwrap().as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    }

    fn schema_keys(name: &str) -> Vec<String> {
        let doc: serde_json::Value = serde_json::from_str(&openapi_json()).unwrap();
        let mut k: Vec<String> =
            doc["components"]["schemas"][name]["properties"].as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    }

    #[test]
    fn schemas_mirror_the_interchange_records() {
        // Every optional field set, so serialisation lists them all.
        let s = || Some("x".to_string());
        let full = IncidentRecord {
            title_ja: s(),
            title_en: s(),
            description_ja: s(),
            description_en: s(),
            first_reported_at: s(),
            recovered_at: s(),
            cause_identified_at: s(),
            closed_at: s(),
            customers_affected: Some(RawScalar::Int(1)),
            transactions_affected: Some(RawScalar::Int(1)),
            transaction_value_jpy: Some(RawScalar::Int(1)),
            settlement_impact: s(),
            cyber_attack: Some(RawScalar::Bool(true)),
            trigger: s(),
            trend: s(),
            vendor: s(),
            root_cause: s(),
            interim_measures: s(),
            recurrence_prevention: s(),
            customer_handling: s(),
            publicly_announced: Some(RawScalar::Bool(true)),
            good_practice: Some(RawScalar::Bool(true)),
            good_practice_note: s(),
            timeline: vec![Default::default()],
            report_submissions: vec![Default::default()],
            ..Default::default()
        };
        assert_eq!(schema_keys("IncidentRecordDoc"), keys(&full));
        assert_eq!(schema_keys("InstitutionRecordDoc"), keys(&InstitutionRecord { lei: s(), ..Default::default() }));
        assert_eq!(schema_keys("SystemRecordDoc"), keys(&SystemRecord { owner: s(), ..Default::default() }));
    }

    /// The committed document is what the code generates: an API change shows up in review as a
    /// diff of `openapi.snapshot.json`. Regenerate with `OPRES_UPDATE_SNAPSHOTS=1 cargo test -p opres-web openapi`.
    #[test]
    fn the_document_matches_its_snapshot() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/openapi.snapshot.json");
        let now = openapi_json() + "\n";
        if std::env::var("OPRES_UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
            std::fs::write(path, &now).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(committed == now, "the OpenAPI document changed: review it and rerun with OPRES_UPDATE_SNAPSHOTS=1");
    }

    #[test]
    fn the_document_is_openapi_3_1_and_lists_every_api_route() {
        let doc: serde_json::Value = serde_json::from_str(&openapi_json()).unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
        let mut documented = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                documented.push((method.to_uppercase(), path.clone()));
            }
        }
        documented.sort();
        let mut served: Vec<(String, String)> = crate::route_table()
            .into_iter()
            .filter(|r| r.path.starts_with("/api/v1/") && r.path != OPENAPI_PATH)
            .map(|r| (r.method.to_string(), r.path.to_string()))
            .collect();
        served.sort();
        assert_eq!(documented, served, "every API route is documented, and only those");
    }
}
