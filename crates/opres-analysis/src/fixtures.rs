//! Test fixtures: incidents and institutions built through the domain's own validation.

use opres_domain::record::RawScalar;
use opres_domain::{Incident, IncidentRecord, Institution, InstitutionRecord};

#[allow(clippy::too_many_arguments)] // a flat fixture reads best in the tests' tables
/// An incident: reference, institution, occurred (RFC 3339), trend code, Japanese title,
/// description, root cause, affected systems.
pub(crate) fn incident(
    reference: &str,
    institution: &str,
    occurred: &str,
    trend: &str,
    title: &str,
    description: &str,
    root_cause: Option<&str>,
    systems: &[&str],
) -> Incident {
    IncidentRecord {
        reference: reference.into(),
        institution: institution.into(),
        title_ja: Some(title.into()),
        description_ja: Some(description.into()),
        root_cause: root_cause.map(Into::into),
        occurred_at: occurred.into(),
        detected_at: occurred.into(),
        trend: Some(trend.into()),
        cyber_attack: Some(RawScalar::Bool(trend.starts_with("cyber"))),
        affected_systems: systems.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
    .validate()
    .unwrap()
}

/// An institution of a type.
pub(crate) fn institution(code: &str, name_ja: &str, ty: &str) -> Institution {
    InstitutionRecord {
        code: code.into(),
        name_ja: name_ja.into(),
        name_en: format!("{code} Bank"),
        institution_type: ty.into(),
        lei: None,
    }
    .validate()
    .unwrap()
}
