//! The remediation roadmap (ロードマップ) of each institution: its actions, submitted to and
//! approved by management, with every change after approval kept.
//!
//! One versioned document per institution (keyed by its code), saved whole so two editors cannot
//! silently overwrite each other. The rules of the roadmap are the engine's (`opres_gap::roadmap`);
//! the roles, the scope and the links to frameworks' requirements are checked here.

use crate::error::Noun;
use crate::regimes::Versioned;
use crate::{Actor, AppError, Message, Permission, Register};
use chrono::NaiveDate;
use opres_domain::{InstitutionCode, Lang, Problem, Timestamp, ValidationErrors};
use opres_gap::{
    ActionId, ActionRecord, Approve, Change, Framework, Gantt, MilestoneRecord, Progress, RequirementRef, Roadmap,
    RoadmapError, RoadmapStatus, Subject, Totals,
};
use opres_store::{Document, DocumentKind, DocumentSummary};
use serde::Serialize;
use std::collections::BTreeMap;

/// An institution's roadmap with what the page, the API and the CLI show of it.
#[derive(Debug, Clone)]
pub struct RoadmapView {
    /// Its key (the institution's code).
    pub key: String,
    /// The institution.
    pub institution: InstitutionCode,
    /// Stored version (send it back to change the roadmap); `None` while nothing is stored.
    pub version: Option<i64>,
    /// The roadmap.
    pub roadmap: Roadmap,
    /// The JST day the figures below are for.
    pub today: NaiveDate,
    /// Open actions due before today, by due date.
    pub overdue: Vec<ActionId>,
    /// Progress of the whole roadmap, weighted by effort.
    pub progress: Progress,
    /// Effort and cost by status.
    pub totals: Totals,
    /// The Gantt chart's view model.
    pub gantt: Gantt,
    /// Requirements whose linked actions are all done: the ones to assess again.
    pub ready_for_reassessment: Vec<RequirementRef>,
}

impl RoadmapView {
    fn of(institution: &InstitutionCode, stored: Versioned<Roadmap>, today: NaiveDate) -> RoadmapView {
        let roadmap = stored.value;
        RoadmapView {
            key: institution.to_string(),
            institution: institution.clone(),
            version: stored.version,
            overdue: roadmap.overdue(today).into_iter().map(|a| a.id().clone()).collect(),
            progress: roadmap.progress(),
            totals: roadmap.totals(),
            gantt: roadmap.gantt(today),
            ready_for_reassessment: roadmap.requirements_ready_for_reassessment(),
            today,
            roadmap,
        }
    }

    /// The one JSON shape of a roadmap, for the API and `opres gap roadmap show --json`; labels
    /// are in `lang`.
    pub fn to_json(&self, lang: Lang) -> serde_json::Value {
        use serde_json::json;
        let r = &self.roadmap;
        let change = |c: &Change| {
            json!({
                "subject": match &c.subject { Subject::Action(_) => "action", Subject::Milestones => "milestones" },
                "action": match &c.subject { Subject::Action(id) => Some(id.to_string()), Subject::Milestones => None },
                "kind": c.kind.code(),
                "kind_label": c.kind.label(lang),
                "field": c.field.map(|f| f.code()),
                "field_label": c.field.map(|f| f.label(lang)),
                "on": c.on,
                "by": c.by,
            })
        };
        let sum = |s: &opres_gap::Sum| json!({"actions": s.actions, "effort_days": s.effort_days, "cost_yen": s.cost});
        json!({
            "key": self.key,
            "institution": self.institution.to_string(),
            "version": self.version,
            "today": self.today,
            "status": r.status().code(),
            "status_label": r.status().label(lang),
            "progress": self.progress.get(),
            "actions": r.actions().iter().map(|a| json!({
                "id": a.id().to_string(),
                "title": a.title().get(lang),
                "status": a.status().code(),
                "status_label": a.status().label(lang),
                "progress": a.progress().get(),
                "overdue": a.is_overdue(self.today),
                "record": a.to_record(),
            })).collect::<Vec<_>>(),
            "milestones": r.milestones().iter().map(|m| json!({
                "title": m.title().get(lang),
                "on": m.on(),
            })).collect::<Vec<_>>(),
            "overdue": self.overdue.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "totals": {
                "by_status": self.totals.by_status.iter().map(|(s, sum_of)| json!({
                    "status": s.code(),
                    "status_label": s.label(lang),
                    "sum": sum(sum_of),
                })).collect::<Vec<_>>(),
                "committed": sum(&self.totals.committed),
                "all": sum(&self.totals.all),
            },
            "gantt": {
                "start": self.gantt.start,
                "end": self.gantt.end,
                "today": self.gantt.today,
                "days": self.gantt.days(),
                "rows": self.gantt.rows.iter().map(|g| json!({
                    "action": g.action.to_string(),
                    "title": g.title.get(lang),
                    "status": g.status.code(),
                    "start": g.start,
                    "due": g.due,
                    "offset": self.gantt.offset(g.start),
                    "length": (g.due - g.start).num_days() + 1,
                    "progress": g.progress.get(),
                    "overdue": g.overdue,
                })).collect::<Vec<_>>(),
                "milestones": self.gantt.milestones.iter().map(|m| json!({
                    "title": m.title().get(lang),
                    "on": m.on(),
                    "offset": self.gantt.offset(m.on()),
                })).collect::<Vec<_>>(),
            },
            "ready_for_reassessment": self.ready_for_reassessment,
            "approval": r.approval(),
            "changes_after_approval": r.changes_after_approval().iter().map(change).collect::<Vec<_>>(),
            "earlier_approvals": r.earlier_approvals().iter().map(|e| json!({
                "approval": e.approval,
                "changes": e.changes.iter().map(change).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })
    }
}

/// A roadmap in the list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoadmapSummary {
    /// Its key (the institution's code).
    pub key: String,
    /// The institution.
    pub institution: String,
    /// Where it is in management's approval.
    pub status: RoadmapStatus,
    /// Number of actions.
    pub actions: usize,
    /// Open actions due before today.
    pub overdue: usize,
    /// Progress in percent, weighted by effort.
    pub progress: u8,
    /// Stored version.
    pub version: i64,
    /// Last saved.
    pub updated_at: Timestamp,
}

impl Register {
    /// The roadmaps the actor may see, by institution.
    pub async fn gap_roadmaps(&self, actor: &Actor) -> Result<Vec<RoadmapSummary>, AppError> {
        actor.require(Permission::ReadRegister)?;
        let today = crate::today();
        let mut out = Vec::new();
        for d in self.store.list_documents(DocumentKind::GapRoadmap).await? {
            let Some(institution) = d.institution.clone().filter(|_| crate::gap::in_scope(actor, &d)) else {
                continue;
            };
            let roadmap = self.stored_roadmap(&d.key).await?.value;
            out.push(RoadmapSummary {
                institution,
                status: roadmap.status(),
                actions: roadmap.actions().len(),
                overdue: roadmap.overdue(today).len(),
                progress: roadmap.progress().get(),
                key: d.key,
                version: d.version,
                updated_at: d.updated_at,
            });
        }
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    /// An institution's roadmap as of today (JST); an empty draft while it has none.
    pub async fn gap_roadmap(&self, actor: &Actor, institution: &InstitutionCode) -> Result<RoadmapView, AppError> {
        actor.require(Permission::ReadRegister)?;
        actor.require_sees(institution, Noun::Roadmap, institution.as_str())?;
        self.institution(actor, institution).await?;
        let stored = self.stored_roadmap(institution.as_str()).await?;
        Ok(RoadmapView::of(institution, stored, crate::today()))
    }

    /// Adds an action when its id is new on the roadmap, else updates the one with that id (after
    /// approval, each change is recorded with who made it). Every problem of the record, its links
    /// to requirements included, is reported at once by field.
    pub async fn save_gap_action(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
        record: &ActionRecord,
        expected_version: Option<i64>,
    ) -> Result<DocumentSummary, AppError> {
        actor.require(Permission::EditGap)?;
        let view = self.gap_roadmap(actor, institution).await?;
        check_version(&view, expected_version)?;
        let (action, mut problems) = match record.validate() {
            Ok(action) => (Some(action), ValidationErrors::default()),
            Err(e) => (None, e),
        };
        self.check_links(record, &mut problems).await?;
        let action = match action {
            Some(action) if problems.is_empty() => action,
            _ => return Err(problems.into()),
        };
        let mut roadmap = view.roadmap;
        let (by, on) = (actor.username(), crate::today());
        if roadmap.action(action.id()).is_some() {
            roadmap.update(action, by, on).map_err(roadmap_refused)?;
        } else {
            roadmap.add(action, by, on).map_err(roadmap_refused)?;
        }
        self.save_roadmap(actor, institution, &roadmap, expected_version).await
    }

    /// Removes an action from the roadmap (after approval, the removal is recorded).
    pub async fn remove_gap_action(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
        id: &str,
        expected_version: Option<i64>,
    ) -> Result<DocumentSummary, AppError> {
        actor.require(Permission::EditGap)?;
        let view = self.gap_roadmap(actor, institution).await?;
        let id = ActionId::parse(id.trim()).map_err(|_| AppError::not_found(Noun::Action, id))?;
        check_version(&view, expected_version)?;
        let mut roadmap = view.roadmap;
        roadmap.remove(&id, actor.username(), crate::today()).map_err(roadmap_refused)?;
        self.save_roadmap(actor, institution, &roadmap, expected_version).await
    }

    /// Replaces the roadmap's milestones (a board meeting, a regulator's deadline, a go-live), kept
    /// by date. Every problem of every milestone is reported at once as `milestones[i].field`;
    /// after approval the change is recorded.
    pub async fn set_gap_milestones(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
        records: &[MilestoneRecord],
        expected_version: Option<i64>,
    ) -> Result<DocumentSummary, AppError> {
        actor.require(Permission::EditGap)?;
        let view = self.gap_roadmap(actor, institution).await?;
        check_version(&view, expected_version)?;
        let mut problems = ValidationErrors::default();
        let mut milestones = Vec::with_capacity(records.len());
        for (i, record) in records.iter().enumerate() {
            match record.validate() {
                Ok(m) => milestones.push(m),
                Err(e) => {
                    for f in e.0 {
                        problems.push(format!("milestones[{i}].{}", f.field), f.problem);
                    }
                }
            }
        }
        if !problems.is_empty() {
            return Err(problems.into());
        }
        let mut roadmap = view.roadmap;
        roadmap.set_milestones(milestones, actor.username(), crate::today()).map_err(roadmap_refused)?;
        self.save_roadmap(actor, institution, &roadmap, expected_version).await
    }

    /// Submits the roadmap for management's approval (edits wait until it is approved or withdrawn).
    pub async fn submit_gap_roadmap(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
        expected_version: Option<i64>,
    ) -> Result<DocumentSummary, AppError> {
        self.move_gap_roadmap(actor, institution, RoadmapMove::Submit, "", expected_version).await
    }

    /// Takes a submitted roadmap back for further edits.
    pub async fn withdraw_gap_roadmap(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
        expected_version: Option<i64>,
    ) -> Result<DocumentSummary, AppError> {
        self.move_gap_roadmap(actor, institution, RoadmapMove::Withdraw, "", expected_version).await
    }

    /// Approves a submitted roadmap: executives only, with management's comment (required).
    pub async fn approve_gap_roadmap(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
        comment: &str,
        expected_version: Option<i64>,
    ) -> Result<DocumentSummary, AppError> {
        self.move_gap_roadmap(actor, institution, RoadmapMove::Approve, comment, expected_version).await
    }

    /// Moves a roadmap (submit, withdraw, approve): the one implementation the pages, the API and
    /// the CLI reach. Approval needs `ApproveGap` and a comment; the others `EditGap`.
    pub async fn move_gap_roadmap(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
        mv: RoadmapMove,
        comment: &str,
        expected_version: Option<i64>,
    ) -> Result<DocumentSummary, AppError> {
        actor.require(if mv == RoadmapMove::Approve { Permission::ApproveGap } else { Permission::EditGap })?;
        let view = self.gap_roadmap(actor, institution).await?;
        check_version(&view, expected_version)?;
        let mut roadmap = view.roadmap;
        match mv {
            RoadmapMove::Submit => roadmap.submit().map(drop),
            RoadmapMove::Withdraw => roadmap.withdraw().map(drop),
            RoadmapMove::Approve => {
                if comment.trim().is_empty() {
                    return Err(AppError::invalid_field("comment", Problem::Required));
                }
                roadmap
                    .approve(Approve {
                        executive: actor.can(Permission::ApproveGap),
                        by: actor.username().to_string(),
                        on: crate::today(),
                        comment: comment.trim().to_string(),
                    })
                    .map(drop)
            }
        }
        .map_err(roadmap_refused)?;
        self.save_roadmap(actor, institution, &roadmap, expected_version).await
    }

    /// Pushes a problem for every link that does not name an assessable requirement of a known
    /// framework: `closes[i].framework` for an unknown framework, `closes[i].requirement` else.
    pub(crate) async fn check_links(
        &self,
        record: &ActionRecord,
        problems: &mut ValidationErrors,
    ) -> Result<(), AppError> {
        let mut frameworks: BTreeMap<String, Option<Framework>> = BTreeMap::new();
        for (i, link) in record.closes.iter().enumerate() {
            let (framework_id, requirement) = (link.framework.trim(), link.requirement.trim());
            if framework_id.is_empty() || requirement.is_empty() {
                continue; // reported as required by the record's own checks
            }
            if !frameworks.contains_key(framework_id) {
                let found = match self.framework_by_id(framework_id).await {
                    Ok(f) => Some(f),
                    Err(AppError::NotFound { .. }) => None,
                    Err(e) => return Err(e),
                };
                frameworks.insert(framework_id.to_string(), found);
            }
            match frameworks.get(framework_id).and_then(Option::as_ref) {
                None => problems
                    .push(format!("closes[{i}].framework"), Problem::UnknownReference { value: framework_id.into() }),
                Some(f) if !f.get(requirement).is_some_and(|r| r.assessable) => problems.push(
                    format!("closes[{i}].requirement"),
                    Problem::UnknownReference { value: format!("{framework_id} {requirement}") },
                ),
                Some(_) => {}
            }
        }
        Ok(())
    }

    async fn save_roadmap(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
        roadmap: &Roadmap,
        expected_version: Option<i64>,
    ) -> Result<DocumentSummary, AppError> {
        let doc = roadmap_document(institution, roadmap)?;
        Ok(self.store.save_document(&doc, expected_version, &actor.audit()).await?)
    }

    async fn stored_roadmap(&self, key: &str) -> Result<Versioned<Roadmap>, AppError> {
        self.load(DocumentKind::GapRoadmap, key).await
    }
}

/// The stored document of an institution's roadmap (keyed by its code).
pub(crate) fn roadmap_document(institution: &InstitutionCode, roadmap: &Roadmap) -> Result<Document, AppError> {
    Ok(Document {
        kind: DocumentKind::GapRoadmap,
        key: institution.to_string(),
        institution: Some(institution.to_string()),
        title: format!("{} · {}", institution, roadmap.status().code()),
        body: crate::regimes::to_json(roadmap)?,
    })
}

/// An edit of a stored roadmap must say which version it is based on; a stale one is a conflict.
fn check_version(view: &RoadmapView, expected_version: Option<i64>) -> Result<(), AppError> {
    match (view.version, expected_version) {
        (Some(_), None) => Err(AppError::VersionRequired),
        (current, Some(v)) if current != Some(v) => Err(AppError::Conflict {
            message: Message::new(
                "ロードマップは他の利用者により更新されています。最新の内容を確認してからやり直してください",
                "The roadmap was changed by someone else; reload it and try again",
            ),
            current_version: current,
        }),
        _ => Ok(()),
    }
}

/// The engine's refusals in both languages (an unknown action is simply not found).
pub(crate) fn roadmap_refused(e: RoadmapError) -> AppError {
    use RoadmapError as R;
    let ja = match &e {
        R::UnknownAction(id) => return AppError::not_found(Noun::Action, id.to_string()),
        R::NotFrom { operation, from } => {
            let op = match *operation {
                "submit" => "承認申請",
                "withdraw" => "取り下げ",
                "approve" => "承認",
                other => other,
            };
            format!("{}のロードマップは{op}できません", from.label(Lang::Ja))
        }
        R::NotExecutive => "ロードマップを承認できるのは経営層の役割を持つ利用者だけです".to_string(),
        R::CommentRequired => "承認には経営陣のコメントが必要です".to_string(),
        R::ActorRequired => "変更・承認した人の名前が必要です".to_string(),
        R::NotEditable(s) => format!("{}のロードマップは編集できません（先に取り下げてください）", s.label(Lang::Ja)),
        R::NothingToSubmit => "アクションのないロードマップは承認申請できません".to_string(),
        R::DuplicateAction(id) => format!("アクション「{id}」はすでにロードマップにあります"),
        R::ApprovalBeforeCurrent { on, current } => {
            format!("{on} の承認は現在の承認（{current}）より前の日付にはできません")
        }
        R::ChangesWithoutApproval => "承認がないのに承認後の変更が記録されています".to_string(),
    };
    AppError::Refused { kind: "workflow", message: Message::new(ja, e.to_string()) }
}

/// The roadmap moves a front end can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoadmapMove {
    /// Draft (or approved with changes) → submitted.
    Submit,
    /// Submitted → back to where it was.
    Withdraw,
    /// Submitted → approved, by an executive, with a comment.
    Approve,
}

impl RoadmapMove {
    /// The move for its code (`submit`, `withdraw`, `approve`).
    pub fn parse(code: &str) -> Result<RoadmapMove, AppError> {
        match code.trim().to_ascii_lowercase().as_str() {
            "submit" => Ok(RoadmapMove::Submit),
            "withdraw" => Ok(RoadmapMove::Withdraw),
            "approve" => Ok(RoadmapMove::Approve),
            other => Err(AppError::invalid_field(
                "transition",
                opres_domain::Problem::UnknownCode {
                    value: other.to_string(),
                    expected: vec!["submit", "withdraw", "approve"],
                },
            )),
        }
    }
}
