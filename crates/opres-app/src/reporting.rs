//! What is due to the authority, across the register.

use crate::{Actor, AppError, FilterParams, Permission, Register};
use opres_domain::{IncidentRef, InstitutionCode, ReportStage, Timestamp};
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
    /// the overdue ones if asked), overdue first, then by due date.
    pub async fn due(
        &self,
        actor: &Actor,
        filter: &FilterParams,
        overdue_only: bool,
        now: Timestamp,
    ) -> Result<Vec<DueReport>, AppError> {
        actor.require(Permission::ReadRegister)?;
        let filter = filter.parse(actor.scope_filter())?;
        let mut due = self.due_reports(&filter, now).await?;
        due.retain(|d| !overdue_only || d.stage.is_overdue());
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
