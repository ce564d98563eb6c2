//! What is due to the authority, across the register.

use crate::{Actor, AppError, FilterParams, Permission, Register};
use opres_domain::{IncidentRef, InstitutionCode, ReportStage, ReportStageKind, Timestamp};
use opres_store::{IncidentFilter, StoreError};

/// A report stage that is not yet submitted, with the incident it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DueReport {
    /// Incident row id.
    pub incident_id: i64,
    /// Incident reference.
    pub reference: IncidentRef,
    /// Reporting institution.
    pub institution: InstitutionCode,
    /// The stage, its due date and whether it is overdue.
    pub stage: ReportStage,
}

impl Register {
    /// The unsubmitted report stages of the incidents the actor sees that match `filter` (only
    /// the overdue ones if asked, only one kind of report if `stage` names its code), overdue
    /// first, then by due date. An unknown stage code is refused, never ignored.
    pub async fn due(
        &self,
        actor: &Actor,
        filter: &FilterParams,
        overdue_only: bool,
        stage: Option<&str>,
        now: Timestamp,
    ) -> Result<Vec<DueReport>, AppError> {
        actor.require(Permission::ReadRegister)?;
        let filter = filter.parse(actor.scope_filter())?;
        let stage = match stage.map(str::trim).filter(|s| !s.is_empty()) {
            Some(code) => Some(ReportStageKind::parse(code).map_err(|e| AppError::invalid_field("stage", e.into()))?),
            None => None,
        };
        let mut due = self.due_reports(&filter, now).await?;
        due.retain(|d| (!overdue_only || d.stage.is_overdue()) && stage.is_none_or(|k| d.stage.kind == k));
        Ok(due)
    }

    /// Every unsubmitted report stage of the incidents matching `filter` as of `now`, overdue
    /// first, then by due date.
    #[tracing::instrument(skip_all)]
    pub async fn due_reports(&self, filter: &IncidentFilter, now: Timestamp) -> Result<Vec<DueReport>, StoreError> {
        let incidents = self.store.all_incidents(filter).await?;
        let mut due: Vec<DueReport> = incidents
            .iter()
            .flat_map(|i| {
                self.policy.stages(&i.value, now).into_iter().filter(|s| !s.status.is_submitted()).map(|stage| {
                    DueReport {
                        incident_id: i.id,
                        reference: i.value.reference.clone(),
                        institution: i.value.institution.clone(),
                        stage,
                    }
                })
            })
            .collect();
        due.sort_by_key(|d| (!d.stage.is_overdue(), d.stage.due_at));
        Ok(due)
    }
}
