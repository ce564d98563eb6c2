//! Every reporting regime's clock from one incident record: the institution's regime settings, the
//! incident's regime inputs (classification and determination times, DORA impact figures, reports
//! sent under other regimes) and the obligations the engine derives from them.
//!
//! Settings are one versioned document per institution, inputs one per incident; both are saved
//! whole, validated first, and every save is on the audit trail, so each re-evaluation of a DORA
//! classification after an impact figure changed leaves an entry.

use crate::error::Noun;
use crate::{Actor, AppError, IncidentKey, Permission, Register};
use opres_domain::{Incident, InstitutionCode, Timestamp};
use opres_regimes::{DoraClassification, Obligation, Regime, RegimeInputs, RegimeSettings};
use opres_store::{Document, DocumentKind, DocumentSummary, Stored};

/// A stored document's value and version, or the default when none was saved yet.
#[derive(Debug, Clone, PartialEq)]
pub struct Versioned<T> {
    /// The value (the default while nothing is stored).
    pub value: T,
    /// The stored version; `None`: nothing stored yet (save with no version to create it).
    pub version: Option<i64>,
    /// When it was last saved; `None`: nothing stored yet.
    pub updated_at: Option<opres_domain::Timestamp>,
}

/// What one incident owes under every regime that applies to its institution, as of a moment.
#[derive(Debug, Clone)]
pub struct IncidentObligations {
    /// The incident.
    pub incident: Stored<Incident>,
    /// The regimes that apply to its institution, in display order.
    pub regimes: Vec<Regime>,
    /// Every obligation, regime by regime, in lifecycle order.
    pub obligations: Vec<Obligation>,
    /// The DORA classification with every criterion's result, when DORA applies and impact
    /// figures were recorded.
    pub dora: Option<DoraClassification>,
    /// The institution's settings (version `None`: the default, FSA only).
    pub settings: Versioned<RegimeSettings>,
    /// The incident's regime inputs.
    pub inputs: Versioned<RegimeInputs>,
}

impl IncidentObligations {
    /// The one JSON shape of an incident's obligations, for the API and `opres incident obligations
    /// --json`: codes as in files, labels in `lang`, due times RFC 3339 in JST.
    pub fn to_json(&self, lang: opres_domain::Lang) -> serde_json::Value {
        use serde_json::json;
        let jst = |t: &Timestamp| t.with_timezone(&opres_domain::JST).to_rfc3339();
        let obligations: Vec<_> = self
            .obligations
            .iter()
            .map(|o| {
                json!({
                    "regime": o.regime.code(),
                    "regime_label": o.regime.label(lang),
                    "report": o.report.code(),
                    "report_label": o.report.label(lang),
                    "sequence": o.sequence,
                    "starts_on": o.starts_on.code(),
                    "started_at": o.started_at.as_ref().map(jst),
                    "due_at": o.due.and_then(|d| d.at()).as_ref().map(jst),
                    "due_as_soon_as_possible": matches!(o.due, Some(opres_regimes::Due::AsSoonAsPossible)),
                    "status": o.status.code(),
                    "status_label": o.status.label(lang),
                    "outstanding": o.is_outstanding(),
                    "met_by": o.met_by.map(|m| json!({
                        "report": m.report.code(), "sequence": m.sequence, "submitted_at": jst(&m.submitted_at)
                    })),
                    "rule": o.rule,
                })
            })
            .collect();
        json!({
            "reference": self.incident.value.reference.to_string(),
            "institution": self.incident.value.institution.to_string(),
            "regimes": self.regimes.iter().map(|r| r.code()).collect::<Vec<_>>(),
            "dora_classification": self.dora.as_ref().map(|c| json!({
                "major": c.major.code(),
                "criteria": c.criteria.iter().map(|r| json!({
                    "criterion": r.criterion.code(), "label": r.criterion.label(lang), "decision": r.decision.code()
                })).collect::<Vec<_>>(),
            })),
            "obligations": obligations,
        })
    }
}

impl Register {
    /// The regimes that apply to an institution and their parameters (the FSA alone until set).
    pub async fn regime_settings(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
    ) -> Result<Versioned<RegimeSettings>, AppError> {
        actor.require(Permission::ReadRegister)?;
        actor.require_sees(institution, Noun::Institution, institution.as_str())?;
        self.settings_of(institution).await
    }

    /// The incident's regime inputs (empty, version `None`, until recorded).
    pub async fn regime_inputs(&self, actor: &Actor, key: &IncidentKey) -> Result<Versioned<RegimeInputs>, AppError> {
        let incident = self.find_incident(actor, key).await?;
        self.load(DocumentKind::RegimeInputs, incident.value.reference.as_str()).await
    }

    /// Saves an institution's regime settings whole, based on `expected_version` (`None` to create).
    pub async fn save_regime_settings(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
        settings: &RegimeSettings,
        expected_version: Option<i64>,
    ) -> Result<DocumentSummary, AppError> {
        actor.require(Permission::EditInstitution)?;
        // The institution must exist and be in scope before settings hang off it.
        self.institution(actor, institution).await?;
        settings.validate()?;
        let doc = Document {
            kind: DocumentKind::RegimeSettings,
            key: institution.to_string(),
            institution: Some(institution.to_string()),
            title: regimes_title(&settings.regimes()),
            body: to_json(settings)?,
        };
        Ok(self.store.save_document(&doc, expected_version, &actor.audit()).await?)
    }

    /// Records an incident's regime inputs whole (classification, determination, impact figures,
    /// submissions under other regimes), based on `expected_version` (`None` to create).
    pub async fn save_regime_inputs(
        &self,
        actor: &Actor,
        key: &IncidentKey,
        inputs: &RegimeInputs,
        expected_version: Option<i64>,
    ) -> Result<DocumentSummary, AppError> {
        self.save_regime_inputs_from(actor, key, || Ok(inputs.clone()), expected_version).await
    }

    /// As [`Register::save_regime_inputs`], reading the inputs (e.g. a request body) only once role
    /// and scope allow the edit, so a stranger learns nothing from the body's errors.
    pub async fn save_regime_inputs_from(
        &self,
        actor: &Actor,
        key: &IncidentKey,
        read: impl FnOnce() -> Result<RegimeInputs, AppError>,
        expected_version: Option<i64>,
    ) -> Result<DocumentSummary, AppError> {
        actor.require(Permission::EditIncident)?;
        let incident = self.find_incident(actor, key).await?;
        let inputs = &read()?;
        let settings = self.settings_of(&incident.value.institution).await?;
        let doc = Document {
            kind: DocumentKind::RegimeInputs,
            key: incident.value.reference.to_string(),
            institution: Some(incident.value.institution.to_string()),
            title: match dora_classification(&settings.value, inputs) {
                Some(c) => format!("{} · DORA {}", incident.value.reference, c.major.code()),
                None => incident.value.reference.to_string(),
            },
            body: to_json(inputs)?,
        };
        Ok(self.store.save_document(&doc, expected_version, &actor.audit()).await?)
    }

    /// Every obligation of one incident under every regime that applies, as of `now`.
    pub async fn incident_obligations(
        &self,
        actor: &Actor,
        key: &IncidentKey,
        now: Timestamp,
    ) -> Result<IncidentObligations, AppError> {
        let incident = self.find_incident(actor, key).await?;
        self.obligations_of(actor, incident, now).await
    }

    /// As [`Register::incident_obligations`] for an incident the caller has already read (the
    /// incident page), without reading it again.
    pub async fn obligations_of(
        &self,
        actor: &Actor,
        incident: Stored<Incident>,
        now: Timestamp,
    ) -> Result<IncidentObligations, AppError> {
        let reference = incident.value.reference.to_string();
        actor.require(Permission::ReadRegister)?;
        actor.require_sees(&incident.value.institution, Noun::Incident, &reference)?;
        let settings = self.settings_of(&incident.value.institution).await?;
        let inputs: Versioned<RegimeInputs> = self.load(DocumentKind::RegimeInputs, &reference).await?;
        let obligations = opres_regimes::obligations(
            &incident.value.times,
            &incident.value.report_submissions,
            &inputs.value,
            &settings.value,
            now,
        );
        let regimes = settings.value.regimes();
        let dora = dora_classification(&settings.value, &inputs.value);
        Ok(IncidentObligations { incident, regimes, obligations, dora, settings, inputs })
    }

    /// An institution's settings; until some are saved, the FSA alone with the register's policy.
    async fn settings_of(&self, institution: &InstitutionCode) -> Result<Versioned<RegimeSettings>, AppError> {
        let mut settings: Versioned<RegimeSettings> =
            self.load(DocumentKind::RegimeSettings, institution.as_str()).await?;
        if settings.version.is_none() {
            settings.value.fsa = Some(self.policy);
        }
        Ok(settings)
    }

    /// The demo's foreign entities: the second demo institution has an EU credit-institution
    /// subsidiary (DORA), the third a US banking organisation; each one's latest recovered incident
    /// gets regime inputs, so the demo shows a major DORA incident and a 36-hour notification.
    pub async fn load_regimes_demo(&self, actor: &Actor, institutions: &[InstitutionCode]) -> Result<(), AppError> {
        use opres_regimes::{
            DoraEntityType, DoraImpact, DoraSettings, HolidayCalendar, Report, Submission, UsSettings,
        };
        let (Some(eu), Some(us)) = (institutions.get(1), institutions.get(2)) else { return Ok(()) };
        let dora = DoraSettings {
            entity_type: DoraEntityType::CreditInstitution,
            nis2_essential_or_important: false,
            weekend_relief_disapplied: false,
            calendar: HolidayCalendar::new("EU subsidiary (CET, weekends only)", 3600, [])
                .map_err(|e| AppError::Internal(e.to_string()))?,
        };
        let eu_settings = RegimeSettings { dora: Some(dora), ..RegimeSettings::default() };
        self.save_regime_settings(actor, eu, &eu_settings, None).await?;
        let us_settings = RegimeSettings {
            us: Some(UsSettings { banking_organization: true, bank_service_provider: false }),
            ..RegimeSettings::default()
        };
        self.save_regime_settings(actor, us, &us_settings, None).await?;
        for (code, is_eu) in [(eu, true), (us, false)] {
            let filter = opres_store::IncidentFilter { institutions: Some(vec![code.clone()]), ..Default::default() };
            let incidents = self.store.all_incidents(&filter).await?;
            let Some(latest) = incidents
                .iter()
                .filter(|i| i.value.times.recovered_at().is_some())
                .max_by_key(|i| i.value.times.detected_at())
            else {
                continue;
            };
            let detected = latest.value.times.detected_at();
            let recovered = latest.value.times.recovered_at().unwrap_or(detected);
            let minutes = u64::try_from((recovered - detected).num_minutes().max(0)).unwrap_or(0);
            let inputs = if is_eu {
                let classified = detected + chrono::Duration::hours(2);
                RegimeInputs {
                    dora_classified_at: Some(classified),
                    dora_impact: Some(DoraImpact {
                        critical_functions_affected: Some(true),
                        clients_total: Some(400_000),
                        clients_affected: latest.value.customers_affected.or(Some(120_000)),
                        duration_minutes: Some(minutes),
                        critical_service_downtime_minutes: Some(minutes),
                        member_states_affected: Some(2),
                        reputational_impact: Some(true),
                        ..DoraImpact::default()
                    }),
                    submissions: vec![Submission {
                        report: Report::DoraInitialNotification,
                        sequence: 1,
                        submitted_at: classified + chrono::Duration::hours(3),
                    }],
                    ..RegimeInputs::default()
                }
            } else {
                RegimeInputs {
                    us_determined_at: Some(detected + chrono::Duration::hours(3)),
                    ..RegimeInputs::default()
                }
            };
            self.save_regime_inputs(actor, &IncidentKey::Id(latest.id), &inputs, None).await?;
        }
        Ok(())
    }

    pub(crate) async fn load<T: Default + serde::de::DeserializeOwned>(
        &self,
        kind: DocumentKind,
        key: &str,
    ) -> Result<Versioned<T>, AppError> {
        match self.store.document(kind, key).await? {
            None => Ok(Versioned { value: T::default(), version: None, updated_at: None }),
            Some(doc) => {
                let value = serde_json::from_str(&doc.value.body).map_err(|e| {
                    AppError::Internal(format!("stored {} '{key}' does not read back: {e}", kind.code()))
                })?;
                Ok(Versioned { value, version: Some(doc.version), updated_at: Some(doc.updated_at) })
            }
        }
    }
}

/// The DORA classification of the recorded impact figures, where DORA applies to the institution.
fn dora_classification(settings: &RegimeSettings, inputs: &RegimeInputs) -> Option<DoraClassification> {
    settings.dora.as_ref()?;
    inputs.dora_impact.as_ref().map(opres_regimes::classify)
}

pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> Result<String, AppError> {
    serde_json::to_string(v).map_err(|e| AppError::Internal(e.to_string()))
}

fn regimes_title(regimes: &[Regime]) -> String {
    regimes.iter().map(|r| r.code()).collect::<Vec<_>>().join(", ")
}
