//! The dashboard's figures for the incidents the actor sees.

use crate::{Actor, AppError, DueReport, Permission, Register};
use opres_domain::{FiscalPeriod, FiscalYear, IncidentStatus, Timestamp, Trend, Trigger, jst_date};
use opres_store::{AuditEntry, IncidentFilter, IncidentQuery};

/// What the dashboard shows.
#[derive(Debug, Clone)]
pub struct DashboardSummary {
    /// The fiscal year `now` falls in.
    pub fiscal_year: FiscalYear,
    /// The days of it counted so far (1 April to today, JST); last year is counted over the same days.
    pub period: FiscalPeriod,
    /// Incidents not yet recovered.
    pub open: u64,
    /// This fiscal year's incidents to date per trigger and trend.
    pub this_year: Vec<(Trigger, Trend, u64)>,
    /// Last fiscal year's over the same days, the same way (a partial year is never compared with
    /// a whole one).
    pub last_year: Vec<(Trigger, Trend, u64)>,
    /// Report stages still due (overdue first), of every incident the actor sees, whatever its
    /// period: the same list as [`Register::due`] gives the reports-due page, the API and the CLI.
    pub due: Vec<DueReport>,
    /// The latest changes to incidents.
    pub recent: Vec<AuditEntry>,
}

impl Register {
    /// The dashboard as of `now`.
    #[tracing::instrument(skip_all)]
    pub async fn dashboard(&self, actor: &Actor, now: Timestamp) -> Result<DashboardSummary, AppError> {
        actor.require(Permission::ReadRegister)?;
        let fiscal_year = FiscalYear::of(&now);
        let period = fiscal_year.as_of(jst_date(&now));
        let base = IncidentFilter { institutions: actor.scope_filter().map(<[_]>::to_vec), ..Default::default() };
        let open = self
            .store
            .list_incidents(&IncidentQuery {
                filter: IncidentFilter { status: Some(IncidentStatus::Open), ..base.clone() },
                limit: 1,
                ..Default::default()
            })
            .await?
            .total;
        let days = |p: FiscalPeriod| IncidentFilter {
            occurred_from: Some(p.start()),
            occurred_before: Some(p.end()),
            ..base.clone()
        };
        let this_year = self.store.incident_counts(&days(period)).await?;
        let last_year = self.store.incident_counts(&days(period.previous())).await?;
        let due = self.due(actor, &crate::FilterParams::default(), false, None, now).await?;
        let recent = self.recent_incident_changes(actor, 8).await?;
        Ok(DashboardSummary { fiscal_year, period, open, this_year, last_year, due, recent })
    }
}
