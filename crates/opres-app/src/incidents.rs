//! The register's incident use cases: every read and write of an incident by a front end goes
//! through here, with the actor's role and institution scope checked once.

use crate::filter::{IncidentListRequest, ListQuery, code_param, time_param};
use crate::{Actor, AppError, Noun, Permission, Register};
use opres_domain::record::{IncidentRecord, ReportSubmissionRecord, TimelineRecord};
use opres_domain::{
    Classification, Incident, IncidentRef, Problem, ReportStage, ReportStageKind, ReportSubmission, TimelineEntry,
    Timestamp, Trend, ValidationErrors, limits,
};
use opres_store::{AuditEntry, AuditQuery, IncidentPage, Stored};
use std::fmt;

/// Counting stops at this many matches unless an exact count is asked for (the list then says
/// "10,000+" and `total_capped` is set).
pub const COUNT_CAP: u64 = 10_000;

/// How a front end names one incident: by row id, or by the institution's reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncidentKey {
    /// The row id.
    Id(i64),
    /// The business reference (`RB-AOIURA-2026-9001`).
    Reference(IncidentRef),
}

impl IncidentKey {
    /// A key as written in a URL or on the command line: all digits is a row id, anything else
    /// a reference (so a reference made only of digits is reached by its id instead).
    pub fn parse(raw: &str) -> Result<IncidentKey, AppError> {
        let raw = raw.trim();
        let unreadable = || {
            AppError::malformed(
                format!("「{raw}」は障害の ID でも管理番号でもありません"),
                format!("'{raw}' is neither an incident id nor a reference"),
            )
        };
        if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) {
            return raw.parse::<i64>().map(IncidentKey::Id).map_err(|_| unreadable());
        }
        IncidentRef::parse(raw).map(IncidentKey::Reference).map_err(|_| unreadable())
    }
}

impl From<i64> for IncidentKey {
    fn from(id: i64) -> IncidentKey {
        IncidentKey::Id(id)
    }
}

impl fmt::Display for IncidentKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IncidentKey::Id(id) => write!(f, "#{id}"),
            IncidentKey::Reference(r) => f.write_str(r.as_str()),
        }
    }
}

/// A page of incidents and the query it answers (sort, paging), for links to other pages.
#[derive(Debug, Clone)]
pub struct IncidentList {
    /// The request, parsed.
    pub query: ListQuery,
    /// The matches on this page and how many there are.
    pub page: IncidentPage,
}

/// Reporters may correct an incident but not re-classify it: that is an analyst's call.
fn classification_problem(actor: &Actor, before: &Incident, after: &Incident) -> Option<AppError> {
    let changed = before.classification != after.classification || before.secondary_trends != after.secondary_trends;
    (changed && !actor.can(Permission::Classify)).then(|| {
        AppError::invalid_field(
            "trend",
            Problem::BadFormat {
                value: after.classification.trend().code().into(),
                hint: "only analysts change the classification",
            },
        )
    })
}

/// A record validated, and its institution inside the actor's scope (reported on the field, as
/// the actor cannot name institutions they do not see).
fn validated(actor: &Actor, record: IncidentRecord) -> Result<Incident, AppError> {
    let value = record.validate()?;
    if !actor.sees(&value.institution) {
        return Err(AppError::invalid_field(
            "institution",
            Problem::UnknownReference { value: value.institution.to_string() },
        ));
    }
    Ok(value)
}

impl Register {
    /// One incident by row id, if the actor's scope includes its institution (otherwise it reads
    /// as not found).
    pub async fn incident(&self, actor: &Actor, id: i64) -> Result<Stored<Incident>, AppError> {
        self.find_incident(actor, &IncidentKey::Id(id)).await
    }

    /// One incident by id or reference, within the actor's scope.
    pub async fn find_incident(&self, actor: &Actor, key: &IncidentKey) -> Result<Stored<Incident>, AppError> {
        actor.require(Permission::ReadRegister)?;
        let found = match key {
            IncidentKey::Id(id) => self.store.incident(*id).await?,
            IncidentKey::Reference(r) => self.store.incident_by_reference(r).await?,
        };
        let found = found.ok_or_else(|| AppError::not_found(Noun::Incident, key.to_string()))?;
        actor.require_sees(&found.value.institution, Noun::Incident, &key.to_string())?;
        Ok(found)
    }

    /// One incident to be edited: the actor may edit incidents and sees this one.
    pub async fn incident_to_edit(&self, actor: &Actor, key: &IncidentKey) -> Result<Stored<Incident>, AppError> {
        actor.require(Permission::EditIncident)?;
        self.find_incident(actor, key).await
    }

    /// A filtered, sorted page of the incidents the actor sees.
    #[tracing::instrument(skip_all)]
    pub async fn list_incidents(&self, actor: &Actor, request: &IncidentListRequest) -> Result<IncidentList, AppError> {
        actor.require(Permission::ReadRegister)?;
        let query = request.parse(actor.scope_filter())?;
        let page = if query.exact_count {
            self.store.list_incidents(&query.query).await?
        } else {
            self.store.list_incidents_capped(&query.query, COUNT_CAP).await?
        };
        Ok(IncidentList { query, page })
    }

    /// Every incident matching the request's filter (all pages: an export of the current view).
    pub async fn matching_incidents(
        &self,
        actor: &Actor,
        request: &IncidentListRequest,
    ) -> Result<Vec<Stored<Incident>>, AppError> {
        actor.require(Permission::ReadRegister)?;
        let query = request.parse(actor.scope_filter())?;
        Ok(self.store.all_incidents(&query.query.filter).await?)
    }

    /// Registers an incident of an institution in the actor's scope.
    #[tracing::instrument(skip_all)]
    pub async fn create_incident(&self, actor: &Actor, record: IncidentRecord) -> Result<Stored<Incident>, AppError> {
        actor.require(Permission::CreateIncident)?;
        let value = validated(actor, record)?;
        let created = self.store.create_incident(&value, &actor.audit()).await?;
        tracing::info!(actor = %actor.username(), id = created.id, reference = %created.value.reference, "incident created");
        Ok(created)
    }

    /// Replaces an incident, timeline and report submissions included, if it is still at
    /// `version`; only roles that classify may change its trigger and trends.
    pub async fn update_incident(
        &self,
        actor: &Actor,
        key: &IncidentKey,
        version: Option<i64>,
        record: IncidentRecord,
    ) -> Result<Stored<Incident>, AppError> {
        self.replace_incident(actor, key, version, record, false).await
    }

    /// Changes an incident's own fields and keeps its timeline and report submissions (which
    /// have their own use cases), if it is still at `version`: the edit form.
    pub async fn edit_incident(
        &self,
        actor: &Actor,
        key: &IncidentKey,
        version: Option<i64>,
        record: IncidentRecord,
    ) -> Result<Stored<Incident>, AppError> {
        self.replace_incident(actor, key, version, record, true).await
    }

    #[tracing::instrument(skip_all)]
    async fn replace_incident(
        &self,
        actor: &Actor,
        key: &IncidentKey,
        version: Option<i64>,
        mut record: IncidentRecord,
        keep_history: bool,
    ) -> Result<Stored<Incident>, AppError> {
        let current = self.incident_to_edit(actor, key).await?;
        let version = version.ok_or(AppError::VersionRequired)?;
        if keep_history {
            let kept = IncidentRecord::from(&current.value);
            record.timeline = kept.timeline;
            record.report_submissions = kept.report_submissions;
        }
        let value = validated(actor, record)?;
        if let Some(e) = classification_problem(actor, &current.value, &value) {
            return Err(e);
        }
        let saved = self.store.update_incident(current.id, version, &value, &actor.audit()).await?;
        tracing::info!(actor = %actor.username(), id = saved.id, version = saved.version, "incident updated");
        Ok(saved)
    }

    /// Re-classifies an incident (only roles with [`Permission::Classify`]): the trend and the
    /// trigger it belongs to (a secondary trend equal to it is dropped), if it is still at `version`.
    pub async fn reclassify_incident(
        &self,
        actor: &Actor,
        key: &IncidentKey,
        version: Option<i64>,
        trend: Trend,
    ) -> Result<Stored<Incident>, AppError> {
        actor.require(Permission::Classify)?;
        let current = self.find_incident(actor, key).await?;
        let version = version.ok_or(AppError::VersionRequired)?;
        let mut value = current.value;
        value.classification = Classification::from_trend(trend);
        value.secondary_trends.retain(|t| *t != trend);
        Ok(self.store.update_incident(current.id, version, &value, &actor.audit()).await?)
    }

    /// Deletes an incident, if it is still at `version`.
    pub async fn delete_incident(
        &self,
        actor: &Actor,
        key: &IncidentKey,
        version: Option<i64>,
    ) -> Result<(), AppError> {
        actor.require(Permission::DeleteIncident)?;
        let current = self.find_incident(actor, key).await?;
        let version = version.ok_or(AppError::VersionRequired)?;
        self.store.delete_incident(current.id, version, &actor.audit()).await?;
        tracing::info!(actor = %actor.username(), id = current.id, "incident deleted");
        Ok(())
    }

    /// Appends an entry to an incident's timeline (time with offset, text required).
    pub async fn add_timeline_entry(
        &self,
        actor: &Actor,
        key: &IncidentKey,
        record: TimelineRecord,
    ) -> Result<Stored<Incident>, AppError> {
        let current = self.incident_to_edit(actor, key).await?;
        let mut e = ValidationErrors::default();
        let at = required_time(&mut e, "at", &record.at);
        let text = record.text.trim().to_string();
        if text.is_empty() {
            e.push("text", Problem::Required);
        }
        // The same limits as a whole incident's validation, so that entries added one by one
        // cannot grow a timeline past what an import would accept.
        limits::check_text(&mut e, "text", &text, limits::NOTE_MAX);
        limits::check_count(&mut e, "timeline", current.value.timeline.len() + 1, limits::TIMELINE_MAX);
        let at = e.into_result(|| at)?.ok_or_else(|| AppError::invalid_field("at", Problem::Required))?;
        Ok(self.store.add_timeline_entry(current.id, &TimelineEntry { at, text }, &actor.audit()).await?)
    }

    /// Records a report submitted to the authority (not before the incident was detected).
    pub async fn add_report_submission(
        &self,
        actor: &Actor,
        key: &IncidentKey,
        record: ReportSubmissionRecord,
    ) -> Result<Stored<Incident>, AppError> {
        let current = self.incident_to_edit(actor, key).await?;
        let mut e = ValidationErrors::default();
        let stage =
            code_param(&mut e, "stage", &Some(record.stage.clone()), &ReportStageKind::ALL, ReportStageKind::code);
        if record.stage.trim().is_empty() {
            e.push("stage", Problem::Required);
        }
        let at = required_time(&mut e, "submitted_at", &record.submitted_at);
        limits::check_count(
            &mut e,
            "report_submissions",
            current.value.report_submissions.len() + 1,
            limits::REPORT_SUBMISSIONS_MAX,
        );
        if let Some(at) = at
            && at < current.value.times.detected_at()
        {
            e.push("submitted_at", Problem::Before { other_field: "detected_at" });
        }
        let (stage, submitted_at) = e.into_result(|| (stage, at))?;
        let (Some(stage), Some(submitted_at)) = (stage, submitted_at) else {
            return Err(AppError::invalid_field("submitted_at", Problem::Required));
        };
        let submission = ReportSubmission { stage, submitted_at };
        Ok(self.store.add_report_submission(current.id, &submission, &actor.audit()).await?)
    }

    /// The incident's report stages as of `now`, with due dates and status.
    pub fn report_stages(&self, incident: &Incident, now: Timestamp) -> Vec<ReportStage> {
        self.policy.stages(incident, now)
    }

    /// The incident's changes on the audit trail, newest first (empty unless the actor reads
    /// the audit trail).
    pub async fn incident_history(&self, actor: &Actor, incident: &Incident) -> Result<Vec<AuditEntry>, AppError> {
        if !actor.can(Permission::ReadAudit) {
            return Ok(vec![]);
        }
        let query = AuditQuery {
            object_kind: Some("incident".into()),
            object_key: Some(incident.reference.to_string()),
            limit: 50,
            ..Default::default()
        };
        Ok(self.store.list_audit(&query).await?.items)
    }
}

/// A required RFC 3339 time with offset.
fn required_time(e: &mut ValidationErrors, field: &str, raw: &str) -> Option<Timestamp> {
    if raw.trim().is_empty() {
        e.push(field, Problem::Required);
        return None;
    }
    time_param(e, field, &Some(raw.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_ids_and_anything_else_a_reference() {
        assert_eq!(IncidentKey::parse("42").unwrap(), IncidentKey::Id(42));
        let r = IncidentKey::parse("RB-AOIURA-2026-9001").unwrap();
        assert_eq!(r, IncidentKey::Reference(IncidentRef::parse("RB-AOIURA-2026-9001").unwrap()));
        assert_eq!(r.to_string(), "RB-AOIURA-2026-9001");
        assert_eq!(IncidentKey::Id(7).to_string(), "#7");
        for bad in ["", "a b", "99999999999999999999999", "日本"] {
            assert!(matches!(IncidentKey::parse(bad), Err(AppError::Malformed { .. })), "{bad}");
        }
    }
}
