//! Raw records as they arrive from files, forms and the API, and their validation.
//!
//! Every field is kept as given (text or a JSON scalar) so that validation can name the field and
//! quote the value it refuses. `validate` reports every problem in a record, not only the first.

use crate::incident::{
    Bilingual, Channel, GoodPractice, Incident, IncidentRef, IncidentTimes, SettlementImpact, TimelineEntry, Yen,
};
use crate::institution::{Criticality, Institution, InstitutionCode, InstitutionType, Lei, System, SystemCode};
use crate::limits::{
    AFFECTED_SYSTEMS_MAX, CODE_LIST_MAX, NAME_MAX, NOTE_MAX, REPORT_SUBMISSIONS_MAX, TEXT_MAX, TIMELINE_MAX, TITLE_MAX,
    check_count, check_opt_text, check_text,
};
use crate::reporting::{ReportStageKind, ReportSubmission};
use crate::taxonomy::{Classification, Trend, Trigger};
use crate::time::{Timestamp, format_jst, parse_timestamp};
use crate::validation::{Problem, ValidationErrors};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// A scalar as written in the source: JSON numbers and booleans stay typed, CSV cells are text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RawScalar {
    /// A JSON boolean.
    Bool(bool),
    /// A JSON integer.
    Int(i64),
    /// A JSON number with a fraction (or an Excel numeric cell).
    Float(f64),
    /// Text.
    Text(String),
}

impl RawScalar {
    fn shown(&self) -> String {
        match self {
            RawScalar::Bool(b) => b.to_string(),
            RawScalar::Int(i) => i.to_string(),
            RawScalar::Float(f) => f.to_string(),
            RawScalar::Text(s) => s.clone(),
        }
    }

    fn is_blank(&self) -> bool {
        matches!(self, RawScalar::Text(s) if s.trim().is_empty())
    }

    /// A non-negative whole number as a form, CSV cell or JSON gives it; `None` when absent or blank.
    pub fn whole_number(raw: Option<&RawScalar>) -> Result<Option<u64>, Problem> {
        let Some(raw) = raw.filter(|r| !r.is_blank()) else { return Ok(None) };
        let as_int = match raw {
            RawScalar::Int(i) => Some(*i),
            RawScalar::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(*f as i64),
            RawScalar::Text(s) => s.trim().parse::<i64>().ok(),
            _ => None,
        };
        match as_int {
            Some(i) if i < 0 => Err(Problem::Negative { value: raw.shown() }),
            Some(i) => Ok(u64::try_from(i).ok()),
            None => Err(Problem::NotANumber { value: raw.shown() }),
        }
    }
}

impl From<u64> for RawScalar {
    fn from(v: u64) -> Self {
        i64::try_from(v).map(RawScalar::Int).unwrap_or_else(|_| RawScalar::Text(v.to_string()))
    }
}

impl From<bool> for RawScalar {
    fn from(v: bool) -> Self {
        RawScalar::Bool(v)
    }
}

/// An institution as written in a file or form.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstitutionRecord {
    /// Short stable code.
    pub code: String,
    /// Name in Japanese.
    #[serde(default)]
    pub name_ja: String,
    /// Name in English.
    #[serde(default)]
    pub name_en: String,
    /// `major_bank`, `regional_bank`, …
    pub institution_type: String,
    /// Legal Entity Identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lei: Option<String>,
}

/// A system as written in a file or form.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SystemRecord {
    /// Code of the institution running it (taken from the URL when posted under an institution).
    #[serde(default)]
    pub institution: String,
    /// Code unique within the institution.
    pub code: String,
    /// Display name.
    pub name: String,
    /// Owning department or person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// `critical`, `high`, `medium`, `low`.
    pub criticality: String,
}

/// A timeline entry as written.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimelineRecord {
    /// RFC 3339 with offset.
    pub at: String,
    /// What happened.
    pub text: String,
}

/// A report submission as written.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportSubmissionRecord {
    /// `written_report`, `recovery_report`, `cause_report`, `status_report`.
    pub stage: String,
    /// RFC 3339 with offset.
    pub submitted_at: String,
}

/// An incident as written in a file, a form or an API request.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentRecord {
    /// The institution's reference, unique in the register.
    pub reference: String,
    /// Code of the reporting institution.
    pub institution: String,
    /// Title in Japanese.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_ja: Option<String>,
    /// Title in English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
    /// Description in Japanese.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description_ja: Option<String>,
    /// Description in English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description_en: Option<String>,
    /// When the failure occurred.
    #[serde(default)]
    pub occurred_at: String,
    /// When the institution became aware of it.
    #[serde(default)]
    pub detected_at: String,
    /// When the first report went to the authority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_reported_at: Option<String>,
    /// When service recovered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovered_at: Option<String>,
    /// When the cause was identified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause_identified_at: Option<String>,
    /// When the incident was closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<String>,
    /// Channel codes.
    #[serde(default)]
    pub channels: Vec<String>,
    /// System codes of the institution.
    #[serde(default)]
    pub affected_systems: Vec<String>,
    /// Customers affected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customers_affected: Option<RawScalar>,
    /// Transactions affected (count).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transactions_affected: Option<RawScalar>,
    /// Transactions affected (value, whole yen).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_value_jpy: Option<RawScalar>,
    /// `none`, `delayed`, `stopped`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settlement_impact: Option<String>,
    /// Whether it was a cyber attack; defaults to whether the trigger is `cyber`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cyber_attack: Option<RawScalar>,
    /// Trigger code; defaults to the trend's trigger, or `unknown`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<String>,
    /// Primary trend code; defaults to `unknown`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trend: Option<String>,
    /// Further trend codes.
    #[serde(default)]
    pub secondary_trends: Vec<String>,
    /// Outsourcing vendor involved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// Root cause.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_cause: Option<String>,
    /// Interim measures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interim_measures: Option<String>,
    /// Recurrence-prevention measures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence_prevention: Option<String>,
    /// Customer handling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_handling: Option<String>,
    /// Whether announced publicly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publicly_announced: Option<RawScalar>,
    /// Good-practice flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub good_practice: Option<RawScalar>,
    /// Why it is good practice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub good_practice_note: Option<String>,
    /// Dated entries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timeline: Vec<TimelineRecord>,
    /// Reports submitted after the first report.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub report_submissions: Vec<ReportSubmissionRecord>,
}

fn non_blank(s: &Option<String>) -> Option<String> {
    s.as_ref().map(|s| s.trim()).filter(|s| !s.is_empty()).map(str::to_string)
}

fn codes<T: FromStr + Copy>(
    errs: &mut ValidationErrors,
    field: &str,
    raw: &[String],
    all: &[T],
    code: fn(T) -> &'static str,
) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    if !check_count(errs, field, raw.len(), CODE_LIST_MAX) {
        return out;
    }
    for r in raw.iter().map(|r| r.trim()).filter(|r| !r.is_empty()) {
        match all.iter().copied().find(|v| code(*v) == r) {
            Some(v) if out.iter().any(|o| code(*o) == code(v)) => {
                errs.push(field, Problem::Duplicate { value: r.to_string() })
            }
            Some(v) => out.push(v),
            None => errs.push(
                field,
                Problem::UnknownCode { value: r.to_string(), expected: all.iter().map(|v| code(*v)).collect() },
            ),
        }
    }
    out
}

fn one_code<T: Copy>(
    errs: &mut ValidationErrors,
    field: &str,
    raw: &str,
    all: &[T],
    code: fn(T) -> &'static str,
) -> Option<T> {
    let r = raw.trim();
    let found = all.iter().copied().find(|v| code(*v) == r);
    if found.is_none() {
        let problem = if r.is_empty() {
            Problem::Required
        } else {
            Problem::UnknownCode { value: r.to_string(), expected: all.iter().map(|v| code(*v)).collect() }
        };
        errs.push(field, problem);
    }
    found
}

fn timestamp(errs: &mut ValidationErrors, field: &str, raw: &str) -> Option<Timestamp> {
    if raw.trim().is_empty() {
        errs.push(field, Problem::Required);
        return None;
    }
    parse_timestamp(raw).map_err(|e| errs.push(field, Problem::from_timestamp(e, raw.trim()))).ok()
}

fn opt_timestamp(errs: &mut ValidationErrors, field: &str, raw: &Option<String>) -> Option<Timestamp> {
    non_blank(raw).and_then(|r| timestamp(errs, field, &r))
}

fn count(errs: &mut ValidationErrors, field: &str, raw: &Option<RawScalar>) -> Option<u64> {
    RawScalar::whole_number(raw.as_ref()).unwrap_or_else(|p| {
        errs.push(field, p);
        None
    })
}

fn boolean(errs: &mut ValidationErrors, field: &str, raw: &Option<RawScalar>) -> Option<bool> {
    let raw = raw.as_ref().filter(|r| !r.is_blank())?;
    let b = match raw {
        RawScalar::Bool(b) => Some(*b),
        RawScalar::Int(0) => Some(false),
        RawScalar::Int(1) => Some(true),
        RawScalar::Text(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "1" | "はい" | "有" | "あり" => Some(true),
            "false" | "no" | "n" | "0" | "いいえ" | "無" | "なし" => Some(false),
            _ => None,
        },
        _ => None,
    };
    if b.is_none() {
        errs.push(field, Problem::NotABoolean { value: raw.shown() });
    }
    b
}

fn code_field<T>(
    errs: &mut ValidationErrors,
    field: &str,
    r: Result<T, crate::institution::IdentifierError>,
) -> Option<T> {
    r.map_err(|e| errs.push(field, e.into())).ok()
}

impl InstitutionRecord {
    /// Validates into an [`Institution`], reporting every problem.
    pub fn validate(&self) -> Result<Institution, ValidationErrors> {
        let mut errs = ValidationErrors::default();
        let code = code_field(&mut errs, "code", InstitutionCode::parse(&self.code));
        if self.name_ja.trim().is_empty() && self.name_en.trim().is_empty() {
            errs.push("name_ja", Problem::Required);
        }
        check_text(&mut errs, "name_ja", self.name_ja.trim(), NAME_MAX);
        check_text(&mut errs, "name_en", self.name_en.trim(), NAME_MAX);
        let ty = one_code(
            &mut errs,
            "institution_type",
            &self.institution_type,
            &InstitutionType::ALL,
            InstitutionType::code,
        );
        let lei = match non_blank(&self.lei) {
            Some(l) => Lei::parse(&l)
                .map_err(|_| {
                    errs.push(
                        "lei",
                        Problem::BadFormat { value: l.clone(), hint: "ISO 17442: 20 characters, valid check digits" },
                    )
                })
                .ok(),
            None => None,
        };
        match (code, ty, errs.is_empty()) {
            (Some(code), Some(institution_type), true) => Ok(Institution {
                code,
                name_ja: self.name_ja.trim().to_string(),
                name_en: self.name_en.trim().to_string(),
                institution_type,
                lei,
            }),
            _ => Err(errs),
        }
    }
}

impl From<&Institution> for InstitutionRecord {
    fn from(i: &Institution) -> Self {
        InstitutionRecord {
            code: i.code.to_string(),
            name_ja: i.name_ja.clone(),
            name_en: i.name_en.clone(),
            institution_type: i.institution_type.code().to_string(),
            lei: i.lei.as_ref().map(|l| l.as_str().to_string()),
        }
    }
}

impl SystemRecord {
    /// Validates into a [`System`], reporting every problem.
    pub fn validate(&self) -> Result<System, ValidationErrors> {
        let mut errs = ValidationErrors::default();
        let institution = code_field(&mut errs, "institution", InstitutionCode::parse(&self.institution));
        let code = code_field(&mut errs, "code", SystemCode::parse(&self.code));
        if self.name.trim().is_empty() {
            errs.push("name", Problem::Required);
        }
        check_text(&mut errs, "name", self.name.trim(), NAME_MAX);
        check_opt_text(&mut errs, "owner", &non_blank(&self.owner), NAME_MAX);
        let criticality = one_code(&mut errs, "criticality", &self.criticality, &Criticality::ALL, Criticality::code);
        match (institution, code, criticality, errs.is_empty()) {
            (Some(institution), Some(code), Some(criticality), true) => Ok(System {
                institution,
                code,
                name: self.name.trim().to_string(),
                owner: non_blank(&self.owner),
                criticality,
            }),
            _ => Err(errs),
        }
    }
}

impl From<&System> for SystemRecord {
    fn from(s: &System) -> Self {
        SystemRecord {
            institution: s.institution.to_string(),
            code: s.code.to_string(),
            name: s.name.clone(),
            owner: s.owner.clone(),
            criticality: s.criticality.code().to_string(),
        }
    }
}

impl IncidentRecord {
    /// Validates into an [`Incident`], reporting every problem. References to the institution and
    /// its systems are checked for form here; whether they exist is the register's check.
    pub fn validate(&self) -> Result<Incident, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let reference = code_field(&mut e, "reference", IncidentRef::parse(&self.reference));
        let institution = code_field(&mut e, "institution", InstitutionCode::parse(&self.institution));
        let title = Bilingual::new(non_blank(&self.title_ja), non_blank(&self.title_en));
        if title.is_empty() {
            e.push("title_ja", Problem::Required);
        }
        let description = Bilingual::new(non_blank(&self.description_ja), non_blank(&self.description_en));
        for (field, value, max) in [
            ("title_ja", &title.ja, TITLE_MAX),
            ("title_en", &title.en, TITLE_MAX),
            ("description_ja", &description.ja, TEXT_MAX),
            ("description_en", &description.en, TEXT_MAX),
        ] {
            check_opt_text(&mut e, field, value, max);
        }

        let occurred = timestamp(&mut e, "occurred_at", &self.occurred_at);
        let detected = timestamp(&mut e, "detected_at", &self.detected_at);
        let first = opt_timestamp(&mut e, "first_reported_at", &self.first_reported_at);
        let recovered = opt_timestamp(&mut e, "recovered_at", &self.recovered_at);
        let cause = opt_timestamp(&mut e, "cause_identified_at", &self.cause_identified_at);
        let closed = opt_timestamp(&mut e, "closed_at", &self.closed_at);
        let times = match (occurred, detected) {
            (Some(o), Some(d)) => IncidentTimes::new(o, d, first, recovered, cause, closed)
                .map_err(|errs| {
                    for err in errs {
                        let problem = if err.missing {
                            Problem::Requires { other_field: err.other_field }
                        } else {
                            Problem::Before { other_field: err.other_field }
                        };
                        e.push(err.field, problem);
                    }
                })
                .ok(),
            _ => None,
        };

        let channels = codes(&mut e, "channels", &self.channels, &Channel::ALL, Channel::code);
        let mut affected_systems = Vec::new();
        let systems_ok = check_count(&mut e, "affected_systems", self.affected_systems.len(), AFFECTED_SYSTEMS_MAX);
        for s in self.affected_systems.iter().filter(|s| systems_ok && !s.trim().is_empty()) {
            match SystemCode::parse(s) {
                Ok(c) if affected_systems.contains(&c) => {
                    e.push("affected_systems", Problem::Duplicate { value: c.to_string() })
                }
                Ok(c) => affected_systems.push(c),
                Err(err) => e.push("affected_systems", err.into()),
            }
        }
        let customers_affected = count(&mut e, "customers_affected", &self.customers_affected);
        let transactions_affected = count(&mut e, "transactions_affected", &self.transactions_affected);
        let transaction_value = count(&mut e, "transaction_value_jpy", &self.transaction_value_jpy).map(Yen::new);
        let settlement_impact = match non_blank(&self.settlement_impact) {
            Some(s) => one_code(&mut e, "settlement_impact", &s, &SettlementImpact::ALL, SettlementImpact::code),
            None => Some(SettlementImpact::None),
        };

        let trigger =
            non_blank(&self.trigger).and_then(|t| one_code(&mut e, "trigger", &t, &Trigger::ALL, Trigger::code));
        let trend = non_blank(&self.trend).and_then(|t| one_code(&mut e, "trend", &t, &Trend::ALL, Trend::code));
        let classification =
            match (trigger, trend, non_blank(&self.trigger).is_some(), non_blank(&self.trend).is_some()) {
                (Some(tg), Some(td), _, _) => Classification::new(tg, td)
                    .map_err(|_| {
                        e.push(
                            "trend",
                            Problem::TrendNotOfTrigger { trend: td.code().into(), trigger: tg.code().into() },
                        )
                    })
                    .ok(),
                (Some(tg), None, _, false) => Classification::new(tg, Trend::Unknown).ok(),
                (None, Some(td), false, _) => Some(Classification::from_trend(td)),
                (None, None, false, false) => Some(Classification::UNKNOWN),
                _ => None, // a code was refused above
            };
        let secondary_trends = codes(&mut e, "secondary_trends", &self.secondary_trends, &Trend::ALL, Trend::code);
        let cyber_attack = match boolean(&mut e, "cyber_attack", &self.cyber_attack) {
            Some(b) => b,
            None => classification.is_some_and(|c| c.trigger() == Trigger::Cyber),
        };
        if classification.is_some_and(|c| c.trigger() == Trigger::Cyber) && !cyber_attack {
            e.push("cyber_attack", Problem::CyberTriggerNotMarkedCyber);
        }
        let publicly_announced = boolean(&mut e, "publicly_announced", &self.publicly_announced).unwrap_or(false);
        let good_flag = boolean(&mut e, "good_practice", &self.good_practice).unwrap_or(false);
        let good_note = non_blank(&self.good_practice_note);
        check_opt_text(&mut e, "good_practice_note", &good_note, NOTE_MAX);
        for (field, value, max) in [
            ("vendor", &self.vendor, NAME_MAX),
            ("root_cause", &self.root_cause, TEXT_MAX),
            ("interim_measures", &self.interim_measures, TEXT_MAX),
            ("recurrence_prevention", &self.recurrence_prevention, TEXT_MAX),
            ("customer_handling", &self.customer_handling, TEXT_MAX),
        ] {
            check_opt_text(&mut e, field, &non_blank(value), max);
        }
        let good_practice = match (good_flag, good_note) {
            (true, Some(note)) => Some(GoodPractice { note }),
            (true, None) => {
                e.push("good_practice_note", Problem::Required);
                None
            }
            (false, Some(_)) => {
                e.push("good_practice_note", Problem::Requires { other_field: "good_practice" });
                None
            }
            (false, None) => None,
        };

        let mut timeline = Vec::new();
        // Past the maximum the entries are not looked at: one problem, not one per entry.
        let timeline_ok = check_count(&mut e, "timeline", self.timeline.len(), TIMELINE_MAX);
        for (i, t) in self.timeline.iter().enumerate().filter(|_| timeline_ok) {
            let at = timestamp(&mut e, &format!("timeline[{i}].at"), &t.at);
            if t.text.trim().is_empty() {
                e.push(format!("timeline[{i}].text"), Problem::Required);
            }
            check_text(&mut e, format!("timeline[{i}].text"), t.text.trim(), NOTE_MAX);
            if let Some(at) = at {
                timeline.push(TimelineEntry { at, text: t.text.trim().to_string() });
            }
        }
        timeline.sort_by_key(|t| t.at);
        let mut report_submissions = Vec::new();
        let later_stages = &ReportStageKind::ALL[1..];
        let submissions_ok =
            check_count(&mut e, "report_submissions", self.report_submissions.len(), REPORT_SUBMISSIONS_MAX);
        for (i, s) in self.report_submissions.iter().enumerate().filter(|_| submissions_ok) {
            let stage = one_code(
                &mut e,
                &format!("report_submissions[{i}].stage"),
                &s.stage,
                later_stages,
                ReportStageKind::code,
            );
            let at = timestamp(&mut e, &format!("report_submissions[{i}].submitted_at"), &s.submitted_at);
            if let (Some(stage), Some(submitted_at)) = (stage, at) {
                report_submissions.push(ReportSubmission { stage, submitted_at });
            }
        }
        // Same order as the store reads them back: time, then stage code.
        report_submissions.sort_by_key(|s| (s.submitted_at, s.stage.code()));

        match (reference, institution, times, classification, settlement_impact, e.is_empty()) {
            (Some(reference), Some(institution), Some(times), Some(classification), Some(settlement_impact), true) => {
                Ok(Incident {
                    reference,
                    institution,
                    title,
                    description,
                    times,
                    channels,
                    affected_systems,
                    customers_affected,
                    transactions_affected,
                    transaction_value,
                    settlement_impact,
                    cyber_attack,
                    classification,
                    secondary_trends,
                    vendor: non_blank(&self.vendor),
                    root_cause: non_blank(&self.root_cause),
                    interim_measures: non_blank(&self.interim_measures),
                    recurrence_prevention: non_blank(&self.recurrence_prevention),
                    customer_handling: non_blank(&self.customer_handling),
                    publicly_announced,
                    good_practice,
                    timeline,
                    report_submissions,
                })
            }
            _ => Err(e),
        }
    }
}

impl From<&Incident> for IncidentRecord {
    fn from(i: &Incident) -> Self {
        let ts = |t: Option<Timestamp>| t.as_ref().map(format_jst);
        IncidentRecord {
            reference: i.reference.to_string(),
            institution: i.institution.to_string(),
            title_ja: i.title.ja.clone(),
            title_en: i.title.en.clone(),
            description_ja: i.description.ja.clone(),
            description_en: i.description.en.clone(),
            occurred_at: format_jst(&i.times.occurred_at()),
            detected_at: format_jst(&i.times.detected_at()),
            first_reported_at: ts(i.times.first_reported_at()),
            recovered_at: ts(i.times.recovered_at()),
            cause_identified_at: ts(i.times.cause_identified_at()),
            closed_at: ts(i.times.closed_at()),
            channels: i.channels.iter().map(|c| c.code().to_string()).collect(),
            affected_systems: i.affected_systems.iter().map(|s| s.to_string()).collect(),
            customers_affected: i.customers_affected.map(RawScalar::from),
            transactions_affected: i.transactions_affected.map(RawScalar::from),
            transaction_value_jpy: i.transaction_value.map(|y| RawScalar::from(y.get())),
            settlement_impact: Some(i.settlement_impact.code().to_string()),
            cyber_attack: Some(RawScalar::Bool(i.cyber_attack)),
            trigger: Some(i.classification.trigger().code().to_string()),
            trend: Some(i.classification.trend().code().to_string()),
            secondary_trends: i.secondary_trends.iter().map(|t| t.code().to_string()).collect(),
            vendor: i.vendor.clone(),
            root_cause: i.root_cause.clone(),
            interim_measures: i.interim_measures.clone(),
            recurrence_prevention: i.recurrence_prevention.clone(),
            customer_handling: i.customer_handling.clone(),
            publicly_announced: Some(RawScalar::Bool(i.publicly_announced)),
            good_practice: Some(RawScalar::Bool(i.good_practice.is_some())),
            good_practice_note: i.good_practice.as_ref().map(|g| g.note.clone()),
            timeline: i
                .timeline
                .iter()
                .map(|t| TimelineRecord { at: format_jst(&t.at), text: t.text.clone() })
                .collect(),
            report_submissions: i
                .report_submissions
                .iter()
                .map(|s| ReportSubmissionRecord {
                    stage: s.stage.code().to_string(),
                    submitted_at: format_jst(&s.submitted_at),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal() -> IncidentRecord {
        IncidentRecord {
            reference: "INC-1".into(),
            institution: "BANK-A".into(),
            title_ja: Some("ATM停止".into()),
            occurred_at: "2024-05-01T09:00:00+09:00".into(),
            detected_at: "2024-05-01T09:05:00+09:00".into(),
            ..Default::default()
        }
    }

    #[test]
    fn minimal_record_is_unknown_until_analysed() {
        let i = minimal().validate().unwrap();
        assert_eq!(i.classification, Classification::UNKNOWN);
        assert_eq!(i.time_to_detect(), Some(chrono::Duration::minutes(5)));
        assert_eq!(i.status(), crate::IncidentStatus::Open);
    }

    #[test]
    fn every_problem_is_reported() {
        let r = IncidentRecord {
            occurred_at: "2024-05-01 09:00".into(),
            recovered_at: Some("2024-04-01T00:00:00+09:00".into()),
            customers_affected: Some(RawScalar::Int(-3)),
            trend: Some("operations.disk".into()),
            channels: vec!["atm".into(), "fax".into()],
            good_practice: Some(RawScalar::Bool(true)),
            ..minimal()
        };
        let errs = r.validate().unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["occurred_at", "channels", "customers_affected", "trend", "good_practice_note"]);
        assert!(errs.message(crate::Lang::En).contains("'2024-05-01 09:00' has no time zone"));
        assert!(errs.message(crate::Lang::Ja).contains("タイムゾーンがありません"));
    }

    #[test]
    fn recovered_before_occurred_is_refused() {
        let r = IncidentRecord { recovered_at: Some("2024-05-01T08:00:00+09:00".into()), ..minimal() };
        let errs = r.validate().unwrap_err();
        assert_eq!(errs.0[0].field, "recovered_at");
        assert_eq!(errs.0[0].problem, Problem::Before { other_field: "occurred_at" });
    }

    #[test]
    fn cyber_trigger_implies_cyber_attack_unless_contradicted() {
        let r = IncidentRecord { trend: Some("cyber.ddos".into()), ..minimal() };
        assert!(r.validate().unwrap().cyber_attack);
        let r = IncidentRecord {
            trend: Some("cyber.ddos".into()),
            cyber_attack: Some(RawScalar::Text("false".into())),
            ..minimal()
        };
        assert_eq!(r.validate().unwrap_err().0[0].field, "cyber_attack");
        let r = IncidentRecord { trigger: Some("work".into()), trend: Some("cyber.ddos".into()), ..minimal() };
        assert_eq!(r.validate().unwrap_err().0[0].problem.kind(), "trend_not_of_trigger");
    }

    #[test]
    fn every_text_field_has_a_maximum() {
        let long = |n: usize| Some("あ".repeat(n + 1));
        let r = IncidentRecord {
            title_en: long(TITLE_MAX),
            description_ja: long(TEXT_MAX),
            root_cause: long(TEXT_MAX),
            customer_handling: long(TEXT_MAX),
            vendor: long(NAME_MAX),
            good_practice: Some(RawScalar::Bool(true)),
            good_practice_note: long(NOTE_MAX),
            timeline: vec![TimelineRecord { at: "2024-05-01T09:10:00+09:00".into(), text: "x".repeat(NOTE_MAX + 1) }],
            ..minimal()
        };
        let errs = r.validate().unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "title_en",
                "description_ja",
                "good_practice_note",
                "vendor",
                "root_cause",
                "customer_handling",
                "timeline[0].text"
            ]
        );
        assert!(errs.iter().all(|e| e.problem.kind() == "too_long"));
        assert!(errs.message(crate::Lang::Ja).contains(&format!("description_ja: {TEXT_MAX} 文字以内にしてください")));
        assert!(
            errs.message(crate::Lang::En).contains(&format!("description_ja: must be at most {TEXT_MAX} characters"))
        );
        // Exactly at the maximum is fine.
        let r = IncidentRecord { description_en: Some("a".repeat(TEXT_MAX)), ..minimal() };
        assert!(r.validate().is_ok());
        // Institutions and systems too.
        let i = InstitutionRecord {
            code: "BANK-A".into(),
            name_ja: "銀".repeat(NAME_MAX + 1),
            institution_type: "major_bank".into(),
            ..Default::default()
        };
        assert_eq!(i.validate().unwrap_err().0[0].problem, Problem::TooLong { max: NAME_MAX });
        let s = SystemRecord {
            institution: "BANK-A".into(),
            code: "CORE".into(),
            name: "勘定系".into(),
            owner: Some("o".repeat(NAME_MAX + 1)),
            criticality: "high".into(),
        };
        assert_eq!(s.validate().unwrap_err().0[0].field, "owner");
    }

    #[test]
    fn long_lists_are_refused_with_one_problem() {
        let entry = TimelineRecord { at: "bad".into(), text: String::new() };
        let r = IncidentRecord {
            timeline: vec![entry; 2_000_000],
            affected_systems: vec!["CORE".into(); AFFECTED_SYSTEMS_MAX + 1],
            channels: vec!["atm".into(); CODE_LIST_MAX + 1],
            report_submissions: vec![ReportSubmissionRecord::default(); REPORT_SUBMISSIONS_MAX + 1],
            ..minimal()
        };
        let errs = r.validate().unwrap_err();
        let found: Vec<_> = errs.iter().map(|e| (e.field.as_str(), e.problem.clone())).collect();
        assert_eq!(
            found,
            [
                ("channels", Problem::TooMany { max: CODE_LIST_MAX }),
                ("affected_systems", Problem::TooMany { max: AFFECTED_SYSTEMS_MAX }),
                ("timeline", Problem::TooMany { max: TIMELINE_MAX }),
                ("report_submissions", Problem::TooMany { max: REPORT_SUBMISSIONS_MAX }),
            ]
        );
        assert!(errs.message(crate::Lang::Ja).contains(&format!("timeline: {TIMELINE_MAX} 件以内にしてください")));
        assert!(errs.message(crate::Lang::En).contains(&format!("timeline: must have at most {TIMELINE_MAX} entries")));
        let r = IncidentRecord {
            timeline: vec![TimelineRecord { at: "2024-05-01T09:10:00+09:00".into(), text: "x".into() }; TIMELINE_MAX],
            ..minimal()
        };
        assert_eq!(r.validate().unwrap().timeline.len(), TIMELINE_MAX);
    }

    #[test]
    fn control_characters_are_refused_but_line_breaks_kept() {
        let r = IncidentRecord {
            description_ja: Some("一行目\r\n二行目\t続き".into()),
            root_cause: Some("原因\0".into()),
            timeline: vec![TimelineRecord { at: "2024-05-01T09:10:00+09:00".into(), text: "a\u{7}".into() }],
            ..minimal()
        };
        let errs = r.validate().unwrap_err();
        let found: Vec<_> = errs.iter().map(|e| (e.field.as_str(), e.problem.clone())).collect();
        assert_eq!(
            found,
            [
                ("root_cause", Problem::ControlCharacter { code_point: 0, position: 3 }),
                ("timeline[0].text", Problem::ControlCharacter { code_point: 7, position: 2 }),
            ]
        );
        assert!(errs.message(crate::Lang::En).contains("U+0000 at character 3"));
        assert!(errs.message(crate::Lang::Ja).contains("制御文字（U+0000）"));
        let i = InstitutionRecord {
            code: "BANK-A".into(),
            name_en: "Bank\0".into(),
            institution_type: "major_bank".into(),
            ..Default::default()
        };
        assert_eq!(i.validate().unwrap_err().0[0].problem.kind(), "control_character");
        let ok = IncidentRecord { description_ja: Some("一行目\r\n二行目\t続き".into()), ..minimal() };
        assert!(ok.validate().is_ok());
    }

    #[test]
    fn excel_numbers_and_text_counts() {
        let r = IncidentRecord {
            customers_affected: Some(RawScalar::Float(1200.0)),
            transactions_affected: Some(RawScalar::Text("35".into())),
            transaction_value_jpy: Some(RawScalar::Float(1.5)),
            ..minimal()
        };
        let errs = r.validate().unwrap_err();
        assert_eq!(errs.0.len(), 1);
        assert_eq!(errs.0[0].field, "transaction_value_jpy");
    }
}
