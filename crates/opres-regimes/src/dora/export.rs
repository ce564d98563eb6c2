//! A DORA notification's data as one serialisable record, field names per `docs/reporting-regimes.md`
//! ([`super::GENERAL_FIELDS`], [`super::report_fields`]). A stage carries its own fields and the earlier
//! stages'. What the register does not hold is `null`, never invented.

use super::{Decision, DoraCriterion, DoraEntityType, DoraImpact, classify};
use crate::Report;
use crate::obligations::{RegimeInputs, Timestamp};
use opres_domain::{Incident, Lang};
use serde::Serialize;

/// Who reports: what the register does not hold about the EU entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportingEntity {
    /// Legal name.
    pub name: String,
    /// LEI, where known.
    pub lei: Option<String>,
    /// DORA entity type.
    pub entity_type: DoraEntityType,
    /// Contact details of the persons responsible for communicating with the authority.
    pub contact_details: Option<String>,
    /// Parent undertaking of the group.
    pub parent_undertaking: Option<String>,
}

/// Every submission's data (2025/301 Art. 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct General {
    pub submission_type: Report,
    pub entity_name: String,
    pub entity_lei: Option<String>,
    pub entity_type: DoraEntityType,
    pub submitting_entity_name: String,
    pub submitting_entity_code: Option<String>,
    pub aggregated_entities: Vec<String>,
    pub contact_details: Option<String>,
    pub parent_undertaking: Option<String>,
    pub currency: &'static str,
}

/// The initial notification's data (Art. 2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Initial {
    pub incident_reference_code: String,
    pub detected_at: Timestamp,
    pub classified_at: Option<Timestamp>,
    pub incident_description: Option<String>,
    pub classification_criteria: Vec<DoraCriterion>,
    pub member_states_affected: Option<u32>,
    pub discovery_method: Option<String>,
    pub originates_from_third_party: Option<bool>,
    pub business_continuity_plan_activated: Option<bool>,
    pub other_information: Option<String>,
}

/// The intermediate report's data (Art. 3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Intermediate {
    pub authority_reference_code: Option<String>,
    pub occurred_at: Timestamp,
    pub recovered_at: Option<Timestamp>,
    pub clients_affected: Option<u64>,
    /// Per mille of the service's clients (integer, rounded down).
    pub clients_affected_share: Option<u64>,
    /// Per mille of the service's financial counterparts (integer, rounded down).
    pub counterparts_affected_share: Option<u64>,
    pub transactions_affected: Option<u64>,
    /// Whole euros.
    pub transaction_value_affected: Option<u64>,
    pub reputational_impact: Option<bool>,
    /// Minutes.
    pub duration: Option<u64>,
    /// Minutes.
    pub service_downtime: Option<u64>,
    pub data_losses: Option<bool>,
    pub incident_type: Option<String>,
    pub threats_and_techniques: Option<String>,
    pub affected_functional_areas: Vec<String>,
    pub affected_infrastructure: Vec<String>,
    pub impact_on_clients_financial_interest: Option<String>,
    pub reported_to_other_authorities: Option<String>,
    pub temporary_actions: Option<String>,
    pub indicators_of_compromise: Option<String>,
}

/// The final report's data (Art. 4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Final {
    pub root_cause_type: Option<String>,
    pub root_cause_description: Option<String>,
    pub resolved_at: Option<Timestamp>,
    pub root_cause_addressed_at: Option<Timestamp>,
    /// Whole euros.
    pub economic_impact: Option<u64>,
    /// Whole euros.
    pub direct_and_indirect_costs: Option<u64>,
    /// Whole euros.
    pub financial_recoveries: Option<u64>,
    pub recurring_incident: Option<bool>,
}

/// One DORA notification: the general data and every stage up to `submission_type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DoraNotification {
    #[serde(flatten)]
    pub general: General,
    #[serde(flatten)]
    pub initial: Initial,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub intermediate: Option<Intermediate>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub final_report: Option<Final>,
}

fn per_mille(part: Option<u64>, whole: Option<u64>) -> Option<u64> {
    match (part, whole) {
        (Some(p), Some(w)) if w > 0 => u64::try_from(u128::from(p) * 1000 / u128::from(w)).ok(),
        _ => None,
    }
}

impl DoraNotification {
    /// The data of `stage` from the register's incident and the DORA inputs; `None` for a report
    /// that is not DORA's.
    pub fn from_incident(
        stage: Report,
        incident: &Incident,
        entity: &ReportingEntity,
        inputs: &RegimeInputs,
    ) -> Option<DoraNotification> {
        if stage.regime() != crate::Regime::Dora {
            return None;
        }
        let impact: DoraImpact = inputs.dora_impact.unwrap_or_default();
        let classification = classify(&impact);
        let met = classification.criteria.iter().filter(|c| c.decision == Decision::Met).map(|c| c.criterion).collect();
        let text = |b: &opres_domain::Bilingual| Some(b.get(Lang::En).to_string()).filter(|s| !s.is_empty());
        let general = General {
            submission_type: stage,
            entity_name: entity.name.clone(),
            entity_lei: entity.lei.clone(),
            entity_type: entity.entity_type,
            submitting_entity_name: entity.name.clone(),
            submitting_entity_code: entity.lei.clone(),
            aggregated_entities: Vec::new(),
            contact_details: entity.contact_details.clone(),
            parent_undertaking: entity.parent_undertaking.clone(),
            currency: "EUR",
        };
        let initial = Initial {
            incident_reference_code: incident.reference.to_string(),
            detected_at: incident.times.detected_at(),
            classified_at: inputs.dora_classified_at,
            incident_description: text(&incident.description).or_else(|| text(&incident.title)),
            classification_criteria: met,
            member_states_affected: impact.member_states_affected,
            discovery_method: None,
            originates_from_third_party: incident.vendor.as_ref().map(|_| true),
            business_continuity_plan_activated: None,
            other_information: None,
        };
        let intermediate = (stage != Report::DoraInitialNotification).then(|| Intermediate {
            authority_reference_code: None,
            occurred_at: incident.times.occurred_at(),
            recovered_at: incident.times.recovered_at(),
            clients_affected: impact.clients_affected.or(incident.customers_affected),
            clients_affected_share: per_mille(impact.clients_affected, impact.clients_total),
            counterparts_affected_share: per_mille(impact.counterparts_affected, impact.counterparts_total),
            transactions_affected: impact.transactions_affected.or(incident.transactions_affected),
            transaction_value_affected: impact.transaction_value_affected_eur,
            reputational_impact: impact.reputational_impact,
            duration: impact.duration_minutes,
            service_downtime: impact.critical_service_downtime_minutes,
            data_losses: impact.data_losses,
            incident_type: None,
            threats_and_techniques: None,
            affected_functional_areas: Vec::new(),
            affected_infrastructure: incident.affected_systems.iter().map(|s| s.to_string()).collect(),
            impact_on_clients_financial_interest: None,
            reported_to_other_authorities: None,
            temporary_actions: incident.interim_measures.clone(),
            indicators_of_compromise: None,
        });
        let final_report = (stage == Report::DoraFinalReport).then(|| Final {
            root_cause_type: Some(incident.classification.trend().code().to_string()),
            root_cause_description: incident.root_cause.clone(),
            resolved_at: incident.times.recovered_at(),
            root_cause_addressed_at: incident.times.cause_identified_at(),
            economic_impact: impact.economic_impact_eur,
            direct_and_indirect_costs: None,
            financial_recoveries: None,
            recurring_incident: None,
        });
        Some(DoraNotification { general, initial, intermediate, final_report })
    }
}
