//! The remediation roadmap (ロードマップ): one register of actions, whatever motivates them (an
//! incident's recurrence-prevention measure, a TLPT finding's fix, a single point of failure, a
//! scenario that breaches an impact tolerance, an assessment gap), planned and approved by management.
//!
//! The FSA asks institutions to follow such a roadmap "under management's commitment", so an
//! approval is only worth something if nothing changes behind it: once approved, every addition,
//! update and removal is recorded with who made it and when, and the roadmap shows as approved with
//! changes until management approves it again. The fields are private so that no caller can edit an
//! approved roadmap without leaving that trace.

use chrono::NaiveDate;
use opres_domain::institution::IdentifierError;
use opres_domain::limits::{NAME_MAX, TEXT_MAX, TITLE_MAX, check_count, check_text};
use opres_domain::{Bilingual, Problem, RawScalar, ValidationErrors, Yen};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashSet};

opres_domain::short_code!(
    /// An action's identifier, unique on its roadmap (e.g. `RM-2026-014`).
    ActionId
);

/// Links of one action to requirements or to what motivates it, at most (a measure closing more
/// than this many requirements is a programme, not an action).
pub const LINKS_MAX: usize = 200;

/// The largest effort one action may carry, in person-days (about 400 person-years).
pub const EFFORT_MAX: u32 = 100_000;

opres_domain::code_enum!(
    /// Where an action stands.
    pub ActionStatus, "action status", {
        Planned => "planned", "計画", "Planned";
        InProgress => "in_progress", "実施中", "In progress";
        Done => "done", "完了", "Done";
        Cancelled => "cancelled", "中止", "Cancelled";
    }
);

opres_domain::code_enum!(
    /// The kind of record that motivates an action.
    pub MotivationKind, "motivation", {
        /// A failure in the register: the action is its recurrence-prevention measure (再発防止策).
        Incident => "incident", "システム障害", "Incident";
        /// A finding of a TLPT engagement.
        TlptFinding => "tlpt_finding", "TLPT 指摘事項", "TLPT finding";
        /// A single point of failure found in the dependency map.
        Spof => "spof", "単一障害点", "Single point of failure";
        /// A severe but plausible scenario whose outage exceeds an impact tolerance.
        ScenarioBreach => "scenario_breach", "耐性度を超えるシナリオ", "Scenario beyond impact tolerance";
        /// A gap found in an assessment.
        Gap => "gap", "ギャップ評価", "Assessment gap";
    }
);

opres_domain::code_enum!(
    /// Where the roadmap is in management's approval.
    pub RoadmapStatus, "roadmap status", {
        Draft => "draft", "下書き", "Draft";
        Submitted => "submitted", "承認申請中", "Submitted for approval";
        Approved => "approved", "承認済み", "Approved";
        ApprovedWithChanges => "approved_with_changes", "承認後に変更あり", "Approved, changed since";
    }
);

opres_domain::code_enum!(
    /// A field of an action, as a change after approval names it (the record's interchange names).
    pub ActionField, "action field", {
        Title => "title", "タイトル", "Title";
        Description => "description", "内容", "Description";
        Owner => "owner", "担当", "Owner";
        Start => "start", "開始日", "Start";
        Due => "due", "期限", "Due";
        EffortDays => "effort_days", "工数（人日）", "Effort (person-days)";
        CostYen => "cost_yen", "費用（円）", "Cost (yen)";
        Status => "status", "状況", "Status";
        Progress => "progress", "進捗率", "Progress";
        Closes => "closes", "対応する要件", "Requirements closed";
        MotivatedBy => "motivated_by", "契機", "Motivated by";
    }
);

opres_domain::code_enum!(
    /// What a change after approval did.
    pub ChangeKind, "change kind", {
        Added => "added", "追加", "Added";
        Updated => "updated", "変更", "Updated";
        Removed => "removed", "削除", "Removed";
    }
);

/// A percentage of completion, 0 to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Progress(u8);

impl Progress {
    /// Nothing done yet.
    pub const NONE: Progress = Progress(0);
    /// Complete.
    pub const COMPLETE: Progress = Progress(100);

    /// The percentage; `None` above 100.
    pub fn new(percent: u8) -> Option<Progress> {
        (percent <= 100).then_some(Progress(percent))
    }

    /// The percentage.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Progress {
    type Error = String;
    fn try_from(p: u8) -> Result<Self, Self::Error> {
        Progress::new(p).ok_or_else(|| format!("progress {p} is above 100"))
    }
}

impl From<Progress> for u8 {
    fn from(p: Progress) -> u8 {
        p.0
    }
}

/// An action's status with its progress, so that a done action cannot be less than complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionState {
    /// Planned; preparatory work may already show some progress.
    Planned(Progress),
    /// Under way.
    InProgress(Progress),
    /// Done: 100 % by definition.
    Done,
    /// Cancelled, with the progress reached when it was stopped.
    Cancelled(Progress),
}

impl ActionState {
    /// The status code.
    pub fn status(self) -> ActionStatus {
        match self {
            ActionState::Planned(_) => ActionStatus::Planned,
            ActionState::InProgress(_) => ActionStatus::InProgress,
            ActionState::Done => ActionStatus::Done,
            ActionState::Cancelled(_) => ActionStatus::Cancelled,
        }
    }

    /// The progress (complete when done).
    pub fn progress(self) -> Progress {
        match self {
            ActionState::Planned(p) | ActionState::InProgress(p) | ActionState::Cancelled(p) => p,
            ActionState::Done => Progress::COMPLETE,
        }
    }

    /// Whether the action is finished one way or the other (done or cancelled).
    pub fn is_closed(self) -> bool {
        matches!(self, ActionState::Done | ActionState::Cancelled(_))
    }
}

/// A requirement an action closes: a framework's id and the requirement's id in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RequirementRef {
    /// The framework's id.
    pub framework: String,
    /// The requirement's id in that framework.
    pub requirement: String,
}

/// What motivates an action: the kind of record and its id in the register.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Motivation {
    /// The kind of record.
    pub kind: MotivationKind,
    /// Its id (an incident's reference, a finding's id, a resource's node id, …).
    pub record: String,
}

/// A remediation action, validated: it exists only through [`ActionRecord::validate`], so its
/// dates are in order, its owner is named and its progress fits its status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ActionRecord", into = "ActionRecord")]
pub struct Action {
    id: ActionId,
    title: Bilingual,
    description: Bilingual,
    owner: String,
    start: NaiveDate,
    due: NaiveDate,
    effort_days: u32,
    cost: Yen,
    state: ActionState,
    closes: Vec<RequirementRef>,
    motivated_by: Vec<Motivation>,
}

impl Action {
    /// The id.
    pub fn id(&self) -> &ActionId {
        &self.id
    }
    /// The title (at least one language).
    pub fn title(&self) -> &Bilingual {
        &self.title
    }
    /// The description (may be empty).
    pub fn description(&self) -> &Bilingual {
        &self.description
    }
    /// Who is responsible (a department or a person).
    pub fn owner(&self) -> &str {
        &self.owner
    }
    /// The planned start.
    pub fn start(&self) -> NaiveDate {
        self.start
    }
    /// The due date (never before the start).
    pub fn due(&self) -> NaiveDate {
        self.due
    }
    /// The effort in person-days (at least 1).
    pub fn effort_days(&self) -> u32 {
        self.effort_days
    }
    /// The cost.
    pub fn cost(&self) -> Yen {
        self.cost
    }
    /// Status and progress together.
    pub fn state(&self) -> ActionState {
        self.state
    }
    /// The status.
    pub fn status(&self) -> ActionStatus {
        self.state.status()
    }
    /// The progress.
    pub fn progress(&self) -> Progress {
        self.state.progress()
    }
    /// The requirements it closes.
    pub fn closes(&self) -> &[RequirementRef] {
        &self.closes
    }
    /// What motivates it.
    pub fn motivated_by(&self) -> &[Motivation] {
        &self.motivated_by
    }

    /// Whether it is still open on `today` although due before it.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        !self.state.is_closed() && self.due < today
    }

    /// The fields in which `other` differs, in the record's order.
    pub fn differences(&self, other: &Action) -> Vec<ActionField> {
        let checks = [
            (ActionField::Title, self.title != other.title),
            (ActionField::Description, self.description != other.description),
            (ActionField::Owner, self.owner != other.owner),
            (ActionField::Start, self.start != other.start),
            (ActionField::Due, self.due != other.due),
            (ActionField::EffortDays, self.effort_days != other.effort_days),
            (ActionField::CostYen, self.cost != other.cost),
            (ActionField::Status, self.status() != other.status()),
            (ActionField::Progress, self.progress() != other.progress()),
            (ActionField::Closes, self.closes != other.closes),
            (ActionField::MotivatedBy, self.motivated_by != other.motivated_by),
        ];
        checks.into_iter().filter(|(_, differs)| *differs).map(|(f, _)| f).collect()
    }

    /// The action as a form shows it again (and as it is stored).
    pub fn to_record(&self) -> ActionRecord {
        let part = |s: &Option<String>| s.clone().unwrap_or_default();
        ActionRecord {
            id: self.id.to_string(),
            title_ja: part(&self.title.ja),
            title_en: part(&self.title.en),
            description_ja: part(&self.description.ja),
            description_en: part(&self.description.en),
            owner: self.owner.clone(),
            start: self.start.format(DATE_FORMAT).to_string(),
            due: self.due.format(DATE_FORMAT).to_string(),
            effort_days: Some(RawScalar::Int(i64::from(self.effort_days))),
            cost_yen: Some(RawScalar::from(self.cost.get())),
            status: self.status().code().to_string(),
            progress: Some(RawScalar::Int(i64::from(self.progress().get()))),
            closes: self
                .closes
                .iter()
                .map(|r| RequirementRefRecord { framework: r.framework.clone(), requirement: r.requirement.clone() })
                .collect(),
            motivated_by: self
                .motivated_by
                .iter()
                .map(|m| MotivationRecord { kind: m.kind.code().to_string(), record: m.record.clone() })
                .collect(),
        }
    }
}

/// A requirement link as a form or the API gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RequirementRefRecord {
    /// The framework's id.
    pub framework: String,
    /// The requirement's id.
    pub requirement: String,
}

/// A motivation as a form or the API gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MotivationRecord {
    /// The kind code (`incident`, `tlpt_finding`, `spof`, `scenario_breach`, `gap`).
    pub kind: String,
    /// The record's id.
    pub record: String,
}

/// An action as a form, a file or the API gives it (nothing checked yet).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ActionRecord {
    /// Id, unique on the roadmap: 1–64 letters, digits, `-`, `_` or `.`.
    pub id: String,
    /// Title in Japanese (this or the English one is required).
    pub title_ja: String,
    /// Title in English.
    pub title_en: String,
    /// Description in Japanese.
    pub description_ja: String,
    /// Description in English.
    pub description_en: String,
    /// Who is responsible (required).
    pub owner: String,
    /// Planned start, `YYYY-MM-DD` (required).
    pub start: String,
    /// Due date, `YYYY-MM-DD`, not before the start (required).
    pub due: String,
    /// Effort in whole person-days, 1 or more (required).
    pub effort_days: Option<RawScalar>,
    /// Cost in whole yen (none: ¥0).
    pub cost_yen: Option<RawScalar>,
    /// Status code (`planned`, `in_progress`, `done`, `cancelled`; blank: planned).
    pub status: String,
    /// Progress in percent, 0–100 (blank: 0, or 100 when done; done accepts only 100).
    pub progress: Option<RawScalar>,
    /// Requirements it closes.
    pub closes: Vec<RequirementRefRecord>,
    /// What motivates it.
    pub motivated_by: Vec<MotivationRecord>,
}

const DATE_FORMAT: &str = "%Y-%m-%d";

/// A required date written `YYYY-MM-DD`; the problem is pushed on `field`.
fn date(e: &mut ValidationErrors, field: &str, raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    if raw.is_empty() {
        e.push(field, Problem::Required);
        return None;
    }
    NaiveDate::parse_from_str(raw, DATE_FORMAT)
        .map_err(|_| e.push(field, Problem::BadFormat { value: raw.to_string(), hint: "YYYY-MM-DD" }))
        .ok()
}

/// A required short text, trimmed and checked against `max`.
fn required_text(e: &mut ValidationErrors, field: &str, raw: &str, max: usize) -> String {
    let v = raw.trim();
    if v.is_empty() {
        e.push(field, Problem::Required);
    } else {
        check_text(e, field, v, max);
    }
    v.to_string()
}

/// Bilingual text from its two parts, each checked against `max`.
fn bilingual(e: &mut ValidationErrors, field: &str, ja: &str, en: &str, max: usize) -> Bilingual {
    check_text(e, format!("{field}_ja"), ja.trim(), max);
    check_text(e, format!("{field}_en"), en.trim(), max);
    Bilingual::new(Some(ja.trim().to_string()), Some(en.trim().to_string()))
}

fn identifier_problem(err: IdentifierError) -> Problem {
    match err {
        IdentifierError::Empty => Problem::Required,
        IdentifierError::Malformed(value) => {
            Problem::BadFormat { value, hint: "1–64 letters, digits, '-', '_' or '.'" }
        }
    }
}

impl ActionRecord {
    /// Validates, reporting every problem by field.
    pub fn validate(&self) -> Result<Action, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let id = ActionId::parse(&self.id).map_err(|x| e.push("id", identifier_problem(x))).ok();
        let title = bilingual(&mut e, "title", &self.title_ja, &self.title_en, TITLE_MAX);
        if title.is_empty() {
            e.push("title", Problem::Required);
        }
        let description = bilingual(&mut e, "description", &self.description_ja, &self.description_en, TEXT_MAX);
        let owner = required_text(&mut e, "owner", &self.owner, NAME_MAX);
        let start = date(&mut e, "start", &self.start);
        let due = date(&mut e, "due", &self.due);
        if let (Some(s), Some(d)) = (start, due)
            && d < s
        {
            e.push("due", Problem::Before { other_field: "start" });
        }
        let effort_days = match RawScalar::whole_number(self.effort_days.as_ref()) {
            Ok(None) => {
                e.push("effort_days", Problem::Required);
                None
            }
            Ok(Some(v)) if !(1..=u64::from(EFFORT_MAX)).contains(&v) => {
                e.push("effort_days", Problem::OutOfRange { value: v.to_string(), min: 1, max: i64::from(EFFORT_MAX) });
                None
            }
            Ok(Some(v)) => u32::try_from(v).ok(),
            Err(p) => {
                e.push("effort_days", p);
                None
            }
        };
        let cost = match RawScalar::whole_number(self.cost_yen.as_ref()) {
            Ok(v) => Yen::new(v.unwrap_or(0)),
            Err(p) => {
                e.push("cost_yen", p);
                Yen::new(0)
            }
        };
        // A new action is planned: a form need not ask for the obvious.
        let status = if self.status.trim().is_empty() {
            Some(ActionStatus::Planned)
        } else {
            ActionStatus::parse(&self.status).map_err(|x| e.push("status", x.into())).ok()
        };
        let progress = match RawScalar::whole_number(self.progress.as_ref()) {
            Ok(None) => None,
            Ok(Some(v)) => {
                let p = u8::try_from(v).ok().and_then(Progress::new);
                if p.is_none() {
                    e.push("progress", Problem::OutOfRange { value: v.to_string(), min: 0, max: 100 });
                }
                p
            }
            Err(p) => {
                e.push("progress", p);
                None
            }
        };
        let state = status.and_then(|s| match s {
            ActionStatus::Planned => Some(ActionState::Planned(progress.unwrap_or(Progress::NONE))),
            ActionStatus::InProgress => Some(ActionState::InProgress(progress.unwrap_or(Progress::NONE))),
            ActionStatus::Cancelled => Some(ActionState::Cancelled(progress.unwrap_or(Progress::NONE))),
            ActionStatus::Done => match progress {
                Some(p) if p != Progress::COMPLETE => {
                    e.push("progress", Problem::OutOfRange { value: p.get().to_string(), min: 100, max: 100 });
                    None
                }
                _ => Some(ActionState::Done),
            },
        });
        let closes = self.links(&mut e);
        let motivated_by = self.motivations(&mut e);
        match (id, start, due, effort_days, state) {
            (Some(id), Some(start), Some(due), Some(effort_days), Some(state)) if e.is_empty() => {
                Ok(Action { id, title, description, owner, start, due, effort_days, cost, state, closes, motivated_by })
            }
            _ => Err(e),
        }
    }

    fn links(&self, e: &mut ValidationErrors) -> Vec<RequirementRef> {
        let mut out = Vec::new();
        if !check_count(e, "closes", self.closes.len(), LINKS_MAX) {
            return out;
        }
        let mut seen = HashSet::new();
        for (i, r) in self.closes.iter().enumerate() {
            let framework = required_text(e, &format!("closes[{i}].framework"), &r.framework, NAME_MAX);
            let requirement = required_text(e, &format!("closes[{i}].requirement"), &r.requirement, NAME_MAX);
            let link = RequirementRef { framework, requirement };
            if !seen.insert(link.clone()) {
                e.push(
                    format!("closes[{i}]"),
                    Problem::Duplicate { value: format!("{} {}", link.framework, link.requirement) },
                );
            }
            out.push(link);
        }
        out
    }

    fn motivations(&self, e: &mut ValidationErrors) -> Vec<Motivation> {
        let mut out = Vec::new();
        if !check_count(e, "motivated_by", self.motivated_by.len(), LINKS_MAX) {
            return out;
        }
        let mut seen = HashSet::new();
        for (i, m) in self.motivated_by.iter().enumerate() {
            let kind = if m.kind.trim().is_empty() {
                e.push(format!("motivated_by[{i}].kind"), Problem::Required);
                None
            } else {
                MotivationKind::parse(&m.kind).map_err(|x| e.push(format!("motivated_by[{i}].kind"), x.into())).ok()
            };
            let record = required_text(e, &format!("motivated_by[{i}].record"), &m.record, NAME_MAX);
            if let Some(kind) = kind {
                let m = Motivation { kind, record };
                if !seen.insert(m.clone()) {
                    e.push(
                        format!("motivated_by[{i}]"),
                        Problem::Duplicate { value: format!("{} {}", kind, m.record) },
                    );
                }
                out.push(m);
            }
        }
        out
    }
}

impl TryFrom<ActionRecord> for Action {
    type Error = ValidationErrors;
    fn try_from(r: ActionRecord) -> Result<Self, Self::Error> {
        r.validate()
    }
}

impl From<Action> for ActionRecord {
    fn from(a: Action) -> ActionRecord {
        a.to_record()
    }
}

/// A dated milestone on the roadmap (a board meeting, a regulator's deadline, a go-live).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "MilestoneRecord", into = "MilestoneRecord")]
pub struct Milestone {
    title: Bilingual,
    on: NaiveDate,
}

impl Milestone {
    /// The title (at least one language).
    pub fn title(&self) -> &Bilingual {
        &self.title
    }
    /// The date.
    pub fn on(&self) -> NaiveDate {
        self.on
    }
    /// The milestone as a form shows it again.
    pub fn to_record(&self) -> MilestoneRecord {
        MilestoneRecord {
            title_ja: self.title.ja.clone().unwrap_or_default(),
            title_en: self.title.en.clone().unwrap_or_default(),
            on: self.on.format(DATE_FORMAT).to_string(),
        }
    }
}

/// A milestone as a form or the API gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MilestoneRecord {
    /// Title in Japanese (this or the English one is required).
    pub title_ja: String,
    /// Title in English.
    pub title_en: String,
    /// Date, `YYYY-MM-DD` (required).
    pub on: String,
}

impl MilestoneRecord {
    /// Reads one line as a form or the command line writes it: the date, a space, the Japanese
    /// title, and after `|` the English one (`2027-03-31 取締役会報告 | Board report`). Nothing is
    /// checked here: a line without a title or date is kept for [`MilestoneRecord::validate`]
    /// to refuse with the others.
    pub fn from_line(line: &str) -> MilestoneRecord {
        let line = line.trim();
        let (on, titles) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let (ja, en) = titles.split_once('|').unwrap_or((titles, ""));
        MilestoneRecord { on: on.trim().into(), title_ja: ja.trim().into(), title_en: en.trim().into() }
    }

    /// The record as the line [`MilestoneRecord::from_line`] reads.
    pub fn to_line(&self) -> String {
        match (self.title_ja.is_empty(), self.title_en.is_empty()) {
            (_, true) => format!("{} {}", self.on, self.title_ja),
            (true, false) => format!("{} | {}", self.on, self.title_en),
            (false, false) => format!("{} {} | {}", self.on, self.title_ja, self.title_en),
        }
    }

    /// Validates, reporting every problem by field.
    pub fn validate(&self) -> Result<Milestone, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let title = bilingual(&mut e, "title", &self.title_ja, &self.title_en, TITLE_MAX);
        if title.is_empty() {
            e.push("title", Problem::Required);
        }
        let on = date(&mut e, "on", &self.on);
        match on {
            Some(on) if e.is_empty() => Ok(Milestone { title, on }),
            _ => Err(e),
        }
    }
}

impl TryFrom<MilestoneRecord> for Milestone {
    type Error = ValidationErrors;
    fn try_from(r: MilestoneRecord) -> Result<Self, Self::Error> {
        r.validate()
    }
}

impl From<Milestone> for MilestoneRecord {
    fn from(m: Milestone) -> MilestoneRecord {
        m.to_record()
    }
}

/// Management's approval of the roadmap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    /// The approving executive.
    pub by: String,
    /// The day of approval.
    pub on: NaiveDate,
    /// Management's comment (never empty: it is the record of the commitment).
    pub comment: String,
}

/// What a change after approval touched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "subject", content = "id", rename_all = "snake_case")]
pub enum Subject {
    /// One action.
    Action(ActionId),
    /// The milestones.
    Milestones,
}

/// One change made after approval: who changed what, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The action (or the milestones) changed.
    pub subject: Subject,
    /// Added, updated or removed.
    pub kind: ChangeKind,
    /// The field, for an update of an action.
    pub field: Option<ActionField>,
    /// The day.
    pub on: NaiveDate,
    /// Who.
    pub by: String,
}

/// An earlier approval and the changes made after it, kept when management approves again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovedRevision {
    /// The approval.
    pub approval: Approval,
    /// The changes made after it, before the next approval.
    pub changes: Vec<Change>,
}

/// A request to approve the roadmap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approve {
    /// Whether the actor holds the executive role.
    pub executive: bool,
    /// Who approves.
    pub by: String,
    /// The day.
    pub on: NaiveDate,
    /// Management's comment (required).
    pub comment: String,
}

/// An operation the roadmap does not allow, or stored data that breaks its rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoadmapError {
    /// Not from this state.
    #[error("cannot {operation} a roadmap that is {from}")]
    NotFrom {
        /// Attempted (`submit`, `withdraw`, `approve`).
        operation: &'static str,
        /// Current state.
        from: RoadmapStatus,
    },
    /// Approval needs the executive role.
    #[error("only an executive can approve the roadmap")]
    NotExecutive,
    /// Approval without management's comment.
    #[error("an approval needs management's comment")]
    CommentRequired,
    /// An approval, edit or submission without the name of who made it.
    #[error("who made the change or approval is required")]
    ActorRequired,
    /// Editing while management is looking at it.
    #[error("a roadmap that is {0} cannot be edited; withdraw it first")]
    NotEditable(RoadmapStatus),
    /// Submitting a roadmap without actions.
    #[error("a roadmap without actions cannot be submitted")]
    NothingToSubmit,
    /// An id already on the roadmap.
    #[error("action '{0}' is already on the roadmap")]
    DuplicateAction(ActionId),
    /// An id not on the roadmap.
    #[error("action '{0}' is not on the roadmap")]
    UnknownAction(ActionId),
    /// A new approval dated before the one it replaces.
    #[error("an approval on {on} cannot come before the current one on {current}")]
    ApprovalBeforeCurrent {
        /// The new approval's day.
        on: NaiveDate,
        /// The current approval's day.
        current: NaiveDate,
    },
    /// Stored data with changes after approval but no approval.
    #[error("changes after approval are recorded but the roadmap has no approval")]
    ChangesWithoutApproval,
}

/// The remediation roadmap: actions and milestones with management's approval and every change
/// made after it. Institution-agnostic: the store keeps one per institution.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RoadmapData", into = "RoadmapData")]
pub struct Roadmap {
    actions: Vec<Action>,
    milestones: Vec<Milestone>,
    awaiting_approval: bool,
    approval: Option<Approval>,
    changes_after_approval: Vec<Change>,
    earlier_approvals: Vec<ApprovedRevision>,
}

/// A roadmap as it is stored; it becomes a [`Roadmap`] only through its checks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RoadmapData {
    /// Actions, in the roadmap's order.
    pub actions: Vec<Action>,
    /// Milestones.
    pub milestones: Vec<Milestone>,
    /// Whether it is submitted and awaits approval.
    pub awaiting_approval: bool,
    /// The current approval.
    pub approval: Option<Approval>,
    /// Changes since the current approval.
    pub changes_after_approval: Vec<Change>,
    /// Earlier approvals with the changes made after each.
    pub earlier_approvals: Vec<ApprovedRevision>,
}

impl TryFrom<RoadmapData> for Roadmap {
    type Error = RoadmapError;
    fn try_from(d: RoadmapData) -> Result<Self, Self::Error> {
        let mut ids = HashSet::new();
        if let Some(a) = d.actions.iter().find(|a| !ids.insert(a.id.clone())) {
            return Err(RoadmapError::DuplicateAction(a.id.clone()));
        }
        if d.approval.is_none() && !d.changes_after_approval.is_empty() {
            return Err(RoadmapError::ChangesWithoutApproval);
        }
        let mut milestones = d.milestones;
        sort_milestones(&mut milestones);
        Ok(Roadmap {
            actions: d.actions,
            milestones,
            awaiting_approval: d.awaiting_approval,
            approval: d.approval,
            changes_after_approval: d.changes_after_approval,
            earlier_approvals: d.earlier_approvals,
        })
    }
}

impl From<Roadmap> for RoadmapData {
    fn from(r: Roadmap) -> RoadmapData {
        RoadmapData {
            actions: r.actions,
            milestones: r.milestones,
            awaiting_approval: r.awaiting_approval,
            approval: r.approval,
            changes_after_approval: r.changes_after_approval,
            earlier_approvals: r.earlier_approvals,
        }
    }
}

/// Effort, cost and count of a set of actions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Sum {
    /// Number of actions.
    pub actions: usize,
    /// Effort in person-days.
    pub effort_days: u64,
    /// Cost.
    pub cost: Yen,
}

impl Sum {
    fn add(&mut self, a: &Action) {
        self.actions += 1;
        self.effort_days += u64::from(a.effort_days);
        self.cost = Yen::new(self.cost.get().saturating_add(a.cost.get()));
    }
}

/// Totals of the roadmap: by status (every status, zero when none), committed (all but cancelled)
/// and all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// By status, every status present.
    pub by_status: BTreeMap<ActionStatus, Sum>,
    /// Every action but the cancelled ones.
    pub committed: Sum,
    /// Every action.
    pub all: Sum,
}

/// One bar of the Gantt chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GanttRow {
    /// The action.
    pub action: ActionId,
    /// Its title.
    pub title: Bilingual,
    /// Its status (a renderer greys out cancelled bars).
    pub status: ActionStatus,
    /// Start of the bar.
    pub start: NaiveDate,
    /// End of the bar (the due date, included).
    pub due: NaiveDate,
    /// How much of the bar is filled.
    pub progress: Progress,
    /// Whether it is overdue on the chart's day.
    pub overdue: bool,
}

/// The roadmap as a Gantt chart's view model: the span, the bars and the milestones. Dates are
/// inclusive; a renderer places them with [`Gantt::offset`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gantt {
    /// First day shown.
    pub start: NaiveDate,
    /// Last day shown.
    pub end: NaiveDate,
    /// The day the chart was drawn for (a renderer marks it when within the span).
    pub today: NaiveDate,
    /// Bars, by start, then due date, then id.
    pub rows: Vec<GanttRow>,
    /// Milestones, by date.
    pub milestones: Vec<Milestone>,
}

impl Gantt {
    /// Days shown (end − start + 1).
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }

    /// Days from the chart's start to `day` (negative before it).
    pub fn offset(&self, day: NaiveDate) -> i64 {
        (day - self.start).num_days()
    }
}

/// Milestones by date, then title, so that the same set always compares equal.
fn sort_milestones(milestones: &mut [Milestone]) {
    milestones.sort_by(|a, b| a.on.cmp(&b.on).then_with(|| a.title.all().cmp(&b.title.all())));
}

fn actor(by: &str) -> Result<String, RoadmapError> {
    let by = by.trim();
    if by.is_empty() { Err(RoadmapError::ActorRequired) } else { Ok(by.to_string()) }
}

impl Roadmap {
    /// An empty draft.
    pub fn new() -> Roadmap {
        Roadmap::default()
    }

    /// Where it is in approval.
    pub fn status(&self) -> RoadmapStatus {
        match (&self.approval, self.awaiting_approval) {
            (_, true) => RoadmapStatus::Submitted,
            (None, false) => RoadmapStatus::Draft,
            (Some(_), false) if self.changes_after_approval.is_empty() => RoadmapStatus::Approved,
            (Some(_), false) => RoadmapStatus::ApprovedWithChanges,
        }
    }

    /// The actions, in the roadmap's order.
    pub fn actions(&self) -> &[Action] {
        &self.actions
    }

    /// One action.
    pub fn action(&self, id: &ActionId) -> Option<&Action> {
        self.actions.iter().find(|a| &a.id == id)
    }

    /// The milestones, by date.
    pub fn milestones(&self) -> &[Milestone] {
        &self.milestones
    }

    /// The current approval.
    pub fn approval(&self) -> Option<&Approval> {
        self.approval.as_ref()
    }

    /// Every change since the current approval, oldest first.
    pub fn changes_after_approval(&self) -> &[Change] {
        &self.changes_after_approval
    }

    /// Earlier approvals with the changes made after each, oldest first.
    pub fn earlier_approvals(&self) -> &[ApprovedRevision] {
        &self.earlier_approvals
    }

    /// Checks that it may be edited and who edits; the name when it may.
    fn editor(&self, by: &str) -> Result<String, RoadmapError> {
        if self.awaiting_approval {
            return Err(RoadmapError::NotEditable(RoadmapStatus::Submitted));
        }
        actor(by)
    }

    /// Records a change when the roadmap has an approval to be measured against.
    fn record(&mut self, subject: Subject, kind: ChangeKind, field: Option<ActionField>, by: &str, on: NaiveDate) {
        if self.approval.is_some() {
            self.changes_after_approval.push(Change { subject, kind, field, on, by: by.to_string() });
        }
    }

    /// Adds an action (recorded as a change when approved).
    pub fn add(&mut self, action: Action, by: &str, on: NaiveDate) -> Result<(), RoadmapError> {
        let by = self.editor(by)?;
        if self.action(&action.id).is_some() {
            return Err(RoadmapError::DuplicateAction(action.id));
        }
        self.record(Subject::Action(action.id.clone()), ChangeKind::Added, None, &by, on);
        self.actions.push(action);
        Ok(())
    }

    /// Replaces the action with the same id; returns the fields that changed, each recorded as a
    /// change when approved (nothing is recorded when nothing changed).
    pub fn update(&mut self, action: Action, by: &str, on: NaiveDate) -> Result<Vec<ActionField>, RoadmapError> {
        let by = self.editor(by)?;
        let Some(i) = self.actions.iter().position(|a| a.id == action.id) else {
            return Err(RoadmapError::UnknownAction(action.id));
        };
        let fields = self.actions[i].differences(&action);
        for f in &fields {
            self.record(Subject::Action(action.id.clone()), ChangeKind::Updated, Some(*f), &by, on);
        }
        self.actions[i] = action;
        Ok(fields)
    }

    /// Removes an action (recorded as a change when approved) and hands it back.
    pub fn remove(&mut self, id: &ActionId, by: &str, on: NaiveDate) -> Result<Action, RoadmapError> {
        let by = self.editor(by)?;
        let Some(i) = self.actions.iter().position(|a| &a.id == id) else {
            return Err(RoadmapError::UnknownAction(id.clone()));
        };
        self.record(Subject::Action(id.clone()), ChangeKind::Removed, None, &by, on);
        Ok(self.actions.remove(i))
    }

    /// Replaces the milestones (kept by date; recorded as one change when approved and different).
    pub fn set_milestones(
        &mut self,
        mut milestones: Vec<Milestone>,
        by: &str,
        on: NaiveDate,
    ) -> Result<(), RoadmapError> {
        let by = self.editor(by)?;
        sort_milestones(&mut milestones);
        if milestones != self.milestones {
            self.record(Subject::Milestones, ChangeKind::Updated, None, &by, on);
            self.milestones = milestones;
        }
        Ok(())
    }

    /// Submits for management's approval: a draft, or an approved roadmap whose changes need
    /// approving. Edits wait until it is approved or withdrawn.
    pub fn submit(&mut self) -> Result<RoadmapStatus, RoadmapError> {
        match self.status() {
            RoadmapStatus::Draft | RoadmapStatus::ApprovedWithChanges if self.actions.is_empty() => {
                Err(RoadmapError::NothingToSubmit)
            }
            RoadmapStatus::Draft | RoadmapStatus::ApprovedWithChanges => {
                self.awaiting_approval = true;
                Ok(self.status())
            }
            from => Err(RoadmapError::NotFrom { operation: "submit", from }),
        }
    }

    /// Takes a submitted roadmap back to where it was before, for further edits.
    pub fn withdraw(&mut self) -> Result<RoadmapStatus, RoadmapError> {
        match self.status() {
            RoadmapStatus::Submitted => {
                self.awaiting_approval = false;
                Ok(self.status())
            }
            from => Err(RoadmapError::NotFrom { operation: "withdraw", from }),
        }
    }

    /// Approves a submitted roadmap: by an executive, named, with a comment. An earlier approval
    /// and the changes made after it are kept in [`Roadmap::earlier_approvals`].
    pub fn approve(&mut self, request: Approve) -> Result<RoadmapStatus, RoadmapError> {
        let from = self.status();
        if from != RoadmapStatus::Submitted {
            return Err(RoadmapError::NotFrom { operation: "approve", from });
        }
        if !request.executive {
            return Err(RoadmapError::NotExecutive);
        }
        let by = actor(&request.by)?;
        let comment = request.comment.trim();
        if comment.is_empty() {
            return Err(RoadmapError::CommentRequired);
        }
        // The history of approvals reads in order, so a later approval cannot be dated earlier.
        if let Some(current) = self.approval.as_ref().map(|a| a.on)
            && request.on < current
        {
            return Err(RoadmapError::ApprovalBeforeCurrent { on: request.on, current });
        }
        let approval = Approval { by, on: request.on, comment: comment.to_string() };
        if let Some(earlier) = self.approval.replace(approval) {
            let changes = std::mem::take(&mut self.changes_after_approval);
            self.earlier_approvals.push(ApprovedRevision { approval: earlier, changes });
        }
        self.awaiting_approval = false;
        Ok(self.status())
    }

    /// Open actions due before `today`, by due date.
    pub fn overdue(&self, today: NaiveDate) -> Vec<&Action> {
        let mut out: Vec<&Action> = self.actions.iter().filter(|a| a.is_overdue(today)).collect();
        out.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.id.cmp(&b.id)));
        out
    }

    /// Progress of the whole roadmap, weighted by effort, rounded down so that 100 means every
    /// action is complete; cancelled actions do not count. None without actions.
    pub fn progress(&self) -> Progress {
        let (done, total) = self.actions.iter().filter(|a| !matches!(a.state, ActionState::Cancelled(_))).fold(
            (0u64, 0u64),
            |(d, t), a| {
                let w = u64::from(a.effort_days);
                (d + w * u64::from(a.progress().get()), t + w)
            },
        );
        // done ≤ 100 × total, so the quotient fits 0..=100.
        done.checked_div(total).and_then(|p| u8::try_from(p).ok()).and_then(Progress::new).unwrap_or(Progress::NONE)
    }

    /// Effort and cost by status.
    pub fn totals(&self) -> Totals {
        let mut by_status: BTreeMap<ActionStatus, Sum> =
            ActionStatus::ALL.iter().map(|s| (*s, Sum::default())).collect();
        let (mut committed, mut all) = (Sum::default(), Sum::default());
        for a in &self.actions {
            by_status.entry(a.status()).or_default().add(a);
            all.add(a);
            if a.status() != ActionStatus::Cancelled {
                committed.add(a);
            }
        }
        Totals { by_status, committed, all }
    }

    /// Requirements whose every (not cancelled) linked action is done, with at least one done: the
    /// ones to assess again. Sorted by framework, then requirement.
    pub fn requirements_ready_for_reassessment(&self) -> Vec<RequirementRef> {
        let mut ready: BTreeMap<&RequirementRef, bool> = BTreeMap::new();
        for a in self.actions.iter().filter(|a| !matches!(a.state, ActionState::Cancelled(_))) {
            for r in &a.closes {
                let done = a.state == ActionState::Done;
                ready.entry(r).and_modify(|all_done| *all_done &= done).or_insert(done);
            }
        }
        ready.into_iter().filter(|(_, all_done)| *all_done).map(|(r, _)| r.clone()).collect()
    }

    /// The actions a record motivates (an incident's recurrence-prevention measures, a finding's
    /// fixes), in the roadmap's order.
    pub fn motivated_by(&self, kind: MotivationKind, record: &str) -> Vec<&Action> {
        let record = record.trim();
        self.actions.iter().filter(|a| a.motivated_by.iter().any(|m| m.kind == kind && m.record == record)).collect()
    }

    /// The requirements any action links to (cancelled ones included), sorted.
    pub fn requirements_linked(&self) -> BTreeSet<&RequirementRef> {
        self.actions.iter().flat_map(|a| a.closes.iter()).collect()
    }

    /// The Gantt chart's view model on `today`. The span covers every action and milestone; an
    /// empty roadmap spans `today` alone.
    pub fn gantt(&self, today: NaiveDate) -> Gantt {
        let starts = self.actions.iter().map(|a| a.start).chain(self.milestones.iter().map(|m| m.on));
        let ends = self.actions.iter().map(|a| a.due).chain(self.milestones.iter().map(|m| m.on));
        let start = starts.min().unwrap_or(today);
        let end = ends.max().unwrap_or(today);
        let mut rows: Vec<GanttRow> = self
            .actions
            .iter()
            .map(|a| GanttRow {
                action: a.id.clone(),
                title: a.title.clone(),
                status: a.status(),
                start: a.start,
                due: a.due,
                progress: a.progress(),
                overdue: a.is_overdue(today),
            })
            .collect();
        rows.sort_by(|a, b| a.start.cmp(&b.start).then(a.due.cmp(&b.due)).then_with(|| a.action.cmp(&b.action)));
        Gantt { start, end, today, rows, milestones: self.milestones.clone() }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, DATE_FORMAT).unwrap()
    }

    fn record(id: &str) -> ActionRecord {
        ActionRecord {
            id: id.into(),
            title_ja: "バックアップ回線の二重化".into(),
            owner: "システム部".into(),
            start: "2026-04-01".into(),
            due: "2026-09-30".into(),
            effort_days: Some(RawScalar::Int(20)),
            ..Default::default()
        }
    }

    #[test]
    fn a_milestone_line_round_trips_and_an_unreadable_one_is_left_for_validation() {
        for line in ["2027-03-31 取締役会報告 | Board report", "2027-06-30 当局報告", "2027-09-30 | Go-live"]
        {
            let record = MilestoneRecord::from_line(line);
            assert_eq!(record.validate().unwrap().to_record().to_line(), line);
        }
        let record = MilestoneRecord::from_line("  soon ");
        assert_eq!(record, MilestoneRecord { on: "soon".into(), ..MilestoneRecord::default() });
        let fields: Vec<_> = record.validate().unwrap_err().0.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["title", "on"]);
    }

    #[test]
    fn a_blank_form_names_every_required_field() {
        let e = ActionRecord::default().validate().unwrap_err();
        let fields: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["id", "title", "owner", "start", "due", "effort_days"]);
    }

    #[test]
    fn progress_follows_the_status() {
        let a = record("A").validate().unwrap();
        assert_eq!(a.state(), ActionState::Planned(Progress::NONE));
        let done = ActionRecord { status: "done".into(), ..record("A") }.validate().unwrap();
        assert_eq!(done.progress(), Progress::COMPLETE);
        let half_done = ActionRecord { status: "done".into(), progress: Some(RawScalar::Int(50)), ..record("A") };
        let e = half_done.validate().unwrap_err();
        assert_eq!(e.0[0].field, "progress");
        assert_eq!(e.0[0].problem, Problem::OutOfRange { value: "50".into(), min: 100, max: 100 });
        let over = ActionRecord { progress: Some(RawScalar::Text("101".into())), ..record("A") };
        assert_eq!(over.validate().unwrap_err().0[0].problem.kind(), "out_of_range");
        let prepared = ActionRecord { progress: Some(RawScalar::Int(10)), ..record("A") }.validate().unwrap();
        assert_eq!(prepared.state(), ActionState::Planned(Progress::new(10).unwrap()));
    }

    #[test]
    fn a_due_date_before_the_start_is_refused_on_due() {
        let e = ActionRecord { due: "2026-03-31".into(), ..record("A") }.validate().unwrap_err();
        assert_eq!(e.0.len(), 1);
        assert_eq!(e.0[0].field, "due");
        assert_eq!(e.0[0].problem, Problem::Before { other_field: "start" });
        let same_day = ActionRecord { due: "2026-04-01".into(), ..record("A") };
        assert!(same_day.validate().is_ok());
    }

    #[test]
    fn differences_name_each_changed_field() {
        let a = record("A").validate().unwrap();
        let b = ActionRecord {
            owner: "事務部".into(),
            status: "in_progress".into(),
            progress: Some(RawScalar::Int(30)),
            ..record("A")
        }
        .validate()
        .unwrap();
        assert_eq!(a.differences(&b), [ActionField::Owner, ActionField::Status, ActionField::Progress]);
        assert!(a.differences(&a).is_empty());
    }

    #[test]
    fn progress_is_weighted_by_effort_and_ignores_cancelled_actions() {
        let mut r = Roadmap::new();
        let on = day("2026-04-01");
        let big = ActionRecord { effort_days: Some(RawScalar::Int(30)), status: "done".into(), ..record("A") };
        let small = ActionRecord { effort_days: Some(RawScalar::Int(10)), ..record("B") };
        let dropped =
            ActionRecord { status: "cancelled".into(), effort_days: Some(RawScalar::Int(1000)), ..record("C") };
        for rec in [big, small, dropped] {
            r.add(rec.validate().unwrap(), "planner", on).unwrap();
        }
        assert_eq!(r.progress().get(), 75);
        assert_eq!(Roadmap::new().progress(), Progress::NONE);
    }

    #[test]
    fn stored_data_with_changes_but_no_approval_is_refused() {
        let change = Change {
            subject: Subject::Milestones,
            kind: ChangeKind::Updated,
            field: None,
            on: day("2026-01-01"),
            by: "x".into(),
        };
        let data = RoadmapData { changes_after_approval: vec![change], ..Default::default() };
        assert_eq!(Roadmap::try_from(data), Err(RoadmapError::ChangesWithoutApproval));
    }
}
