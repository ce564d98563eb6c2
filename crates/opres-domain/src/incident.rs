//! A reported system failure (cyber attacks included) and what is derived from it.

use crate::institution::{IdentifierError, InstitutionCode, SystemCode};
use crate::lang::Lang;
use crate::measures::TimeMeasure;
use crate::taxonomy::{Classification, Trend};
use crate::time::Timestamp;
use chrono::Duration;
use serde::{Deserialize, Serialize};
use std::fmt;

crate::short_code!(
    /// The institution's own reference for an incident (e.g. `INC-2024-0012`), unique in the register.
    IncidentRef
);

/// A customer-facing channel the failure affected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Channel {
    /// ATM
    Atm,
    /// インターネットバンキング
    InternetBanking,
    /// 営業店
    Branch,
    /// 為替・資金移動
    FundTransfer,
    /// カード
    Card,
    /// 証券取引
    SecuritiesTrading,
    /// コールセンター
    CallCentre,
    /// その他
    Other,
}

impl Channel {
    /// Every channel.
    pub const ALL: [Channel; 8] = [
        Channel::Atm,
        Channel::InternetBanking,
        Channel::Branch,
        Channel::FundTransfer,
        Channel::Card,
        Channel::SecuritiesTrading,
        Channel::CallCentre,
        Channel::Other,
    ];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Channel::Atm => "atm",
            Channel::InternetBanking => "internet_banking",
            Channel::Branch => "branch",
            Channel::FundTransfer => "fund_transfer",
            Channel::Card => "card",
            Channel::SecuritiesTrading => "securities_trading",
            Channel::CallCentre => "call_centre",
            Channel::Other => "other",
        }
    }

    /// The label in the given language.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Channel::Atm, Lang::Ja) => "ATM",
            (Channel::Atm, Lang::En) => "ATM",
            (Channel::InternetBanking, Lang::Ja) => "インターネットバンキング",
            (Channel::InternetBanking, Lang::En) => "Internet banking",
            (Channel::Branch, Lang::Ja) => "営業店",
            (Channel::Branch, Lang::En) => "Branch",
            (Channel::FundTransfer, Lang::Ja) => "為替・資金移動",
            (Channel::FundTransfer, Lang::En) => "Fund transfer",
            (Channel::Card, Lang::Ja) => "カード",
            (Channel::Card, Lang::En) => "Card",
            (Channel::SecuritiesTrading, Lang::Ja) => "証券取引",
            (Channel::SecuritiesTrading, Lang::En) => "Securities trading",
            (Channel::CallCentre, Lang::Ja) => "コールセンター",
            (Channel::CallCentre, Lang::En) => "Call centre",
            (Channel::Other, Lang::Ja) => "その他",
            (Channel::Other, Lang::En) => "Other",
        }
    }
}

crate::code_enum!(impl Channel, "channel");

/// Whether settlement (決済) was affected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(try_from = "String", into = "String")]
pub enum SettlementImpact {
    /// Settlement ran as usual.
    #[default]
    None,
    /// Settlement was delayed.
    Delayed,
    /// Settlement was stopped.
    Stopped,
}

impl SettlementImpact {
    /// Every value.
    pub const ALL: [SettlementImpact; 3] =
        [SettlementImpact::None, SettlementImpact::Delayed, SettlementImpact::Stopped];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            SettlementImpact::None => "none",
            SettlementImpact::Delayed => "delayed",
            SettlementImpact::Stopped => "stopped",
        }
    }

    /// The label in the given language.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (SettlementImpact::None, Lang::Ja) => "影響なし",
            (SettlementImpact::None, Lang::En) => "None",
            (SettlementImpact::Delayed, Lang::Ja) => "遅延",
            (SettlementImpact::Delayed, Lang::En) => "Delayed",
            (SettlementImpact::Stopped, Lang::Ja) => "停止",
            (SettlementImpact::Stopped, Lang::En) => "Stopped",
        }
    }
}

crate::code_enum!(impl SettlementImpact, "settlement impact");

/// An amount of money in whole Japanese yen. Never negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct Yen(u64);

impl Yen {
    /// An amount of yen.
    pub fn new(amount: u64) -> Yen {
        Yen(amount)
    }

    /// The amount.
    pub fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Display for Yen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "¥{}", thousands(self.0))
    }
}

/// A whole number with thousands separators (`1,234,567`), as Japanese and English reports write it.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Text in Japanese and/or English, the one bilingual type of every module. Blank parts count as
/// absent, also when read from a file; at least one is present where the field is required.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(from = "BilingualParts")]
pub struct Bilingual {
    /// Japanese text, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ja: Option<String>,
    /// English text, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

/// The parts as a file gives them, before blanks are dropped.
#[derive(Deserialize)]
struct BilingualParts {
    #[serde(default)]
    ja: Option<String>,
    #[serde(default)]
    en: Option<String>,
}

impl From<BilingualParts> for Bilingual {
    fn from(p: BilingualParts) -> Bilingual {
        Bilingual::new(p.ja, p.en)
    }
}

impl Bilingual {
    /// Builds from optional parts; blank strings count as absent.
    pub fn new(ja: Option<String>, en: Option<String>) -> Bilingual {
        let clean = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
        Bilingual { ja: clean(ja), en: clean(en) }
    }

    /// Both languages.
    pub fn both(ja: impl Into<String>, en: impl Into<String>) -> Bilingual {
        Bilingual::new(Some(ja.into()), Some(en.into()))
    }

    /// Japanese only.
    pub fn ja(ja: impl Into<String>) -> Bilingual {
        Bilingual::new(Some(ja.into()), None)
    }

    /// English only.
    pub fn en(en: impl Into<String>) -> Bilingual {
        Bilingual::new(None, Some(en.into()))
    }

    /// Whether neither language is present (a blank part set directly counts as absent).
    pub fn is_empty(&self) -> bool {
        let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
        blank(&self.ja) && blank(&self.en)
    }

    /// Both languages joined, for matching (a text written in either language matches either).
    pub fn all(&self) -> String {
        match (&self.ja, &self.en) {
            (Some(j), Some(e)) => format!("{j}\n{e}"),
            (Some(j), None) => j.clone(),
            (None, Some(e)) => e.clone(),
            (None, None) => String::new(),
        }
    }

    /// The text in the given language, falling back to the other.
    pub fn get(&self, lang: Lang) -> &str {
        let (a, b) = match lang {
            Lang::Ja => (&self.ja, &self.en),
            Lang::En => (&self.en, &self.ja),
        };
        a.as_deref().or(b.as_deref()).unwrap_or("")
    }
}

/// The incident's lifecycle instants, with their order checked on construction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct IncidentTimes {
    occurred_at: Timestamp,
    detected_at: Timestamp,
    first_reported_at: Option<Timestamp>,
    recovered_at: Option<Timestamp>,
    cause_identified_at: Option<Timestamp>,
    closed_at: Option<Timestamp>,
}

/// A lifecycle instant out of order, named by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeOrderError {
    /// The field that is out of order.
    pub field: &'static str,
    /// The field it must not come before (or needs).
    pub other_field: &'static str,
    /// `true` if `field` needs `other_field` set; `false` if it is earlier than it.
    pub missing: bool,
}

impl IncidentTimes {
    /// Checks: detected, recovered and cause-identified not before occurred; first report not
    /// before detected; closed only after recovery and not before it.
    pub fn new(
        occurred_at: Timestamp,
        detected_at: Timestamp,
        first_reported_at: Option<Timestamp>,
        recovered_at: Option<Timestamp>,
        cause_identified_at: Option<Timestamp>,
        closed_at: Option<Timestamp>,
    ) -> Result<IncidentTimes, Vec<TimeOrderError>> {
        let mut errs = Vec::new();
        let mut not_before = |field, t: Option<Timestamp>, other_field, other: Timestamp| {
            if t.is_some_and(|t| t < other) {
                errs.push(TimeOrderError { field, other_field, missing: false });
            }
        };
        not_before("detected_at", Some(detected_at), "occurred_at", occurred_at);
        not_before("first_reported_at", first_reported_at, "detected_at", detected_at);
        not_before("recovered_at", recovered_at, "occurred_at", occurred_at);
        not_before("cause_identified_at", cause_identified_at, "occurred_at", occurred_at);
        if let Some(r) = recovered_at {
            not_before("closed_at", closed_at, "recovered_at", r);
        } else if closed_at.is_some() {
            errs.push(TimeOrderError { field: "closed_at", other_field: "recovered_at", missing: true });
        }
        if errs.is_empty() {
            Ok(IncidentTimes {
                occurred_at,
                detected_at,
                first_reported_at,
                recovered_at,
                cause_identified_at,
                closed_at,
            })
        } else {
            Err(errs)
        }
    }

    /// When the failure occurred (発生日時).
    pub fn occurred_at(&self) -> Timestamp {
        self.occurred_at
    }
    /// When the institution became aware of it (認識日時).
    pub fn detected_at(&self) -> Timestamp {
        self.detected_at
    }
    /// When it was first reported to the authority (第一報).
    pub fn first_reported_at(&self) -> Option<Timestamp> {
        self.first_reported_at
    }
    /// When service was recovered (復旧日時).
    pub fn recovered_at(&self) -> Option<Timestamp> {
        self.recovered_at
    }
    /// When the cause was identified (原因判明日時).
    pub fn cause_identified_at(&self) -> Option<Timestamp> {
        self.cause_identified_at
    }
    /// When the incident was closed.
    pub fn closed_at(&self) -> Option<Timestamp> {
        self.closed_at
    }
}

/// Where an incident stands, derived from its times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum IncidentStatus {
    /// Not yet recovered.
    Open,
    /// Recovered, not closed.
    Recovered,
    /// Closed.
    Closed,
}

impl IncidentStatus {
    /// Every status.
    pub const ALL: [IncidentStatus; 3] = [IncidentStatus::Open, IncidentStatus::Recovered, IncidentStatus::Closed];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            IncidentStatus::Open => "open",
            IncidentStatus::Recovered => "recovered",
            IncidentStatus::Closed => "closed",
        }
    }

    /// The label in the given language.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (IncidentStatus::Open, Lang::Ja) => "対応中",
            (IncidentStatus::Open, Lang::En) => "Open",
            (IncidentStatus::Recovered, Lang::Ja) => "復旧済",
            (IncidentStatus::Recovered, Lang::En) => "Recovered",
            (IncidentStatus::Closed, Lang::Ja) => "完了",
            (IncidentStatus::Closed, Lang::En) => "Closed",
        }
    }
}

crate::code_enum!(impl IncidentStatus, "status");

/// A good-practice case the report can cite (e.g. smooth customer handling during an ATM stop).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GoodPractice {
    /// Why it is good practice.
    pub note: String,
}

/// One dated entry of an incident's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEntry {
    /// When it happened.
    pub at: Timestamp,
    /// What happened.
    pub text: String,
}

/// A validated incident, as held in the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Incident {
    /// The institution's reference.
    pub reference: IncidentRef,
    /// The reporting institution.
    pub institution: InstitutionCode,
    /// Title (required in at least one language).
    pub title: Bilingual,
    /// Description.
    pub description: Bilingual,
    /// Lifecycle instants.
    pub times: IncidentTimes,
    /// Channels affected.
    pub channels: Vec<Channel>,
    /// Systems affected (codes of the institution's systems).
    pub affected_systems: Vec<SystemCode>,
    /// Number of customers affected, where known.
    pub customers_affected: Option<u64>,
    /// Number of transactions affected, where known.
    pub transactions_affected: Option<u64>,
    /// Value of transactions affected, where known.
    pub transaction_value: Option<Yen>,
    /// Effect on settlement.
    pub settlement_impact: SettlementImpact,
    /// Whether this was a cyber attack.
    pub cyber_attack: bool,
    /// Trigger and primary trend.
    pub classification: Classification,
    /// Further trends that contributed.
    pub secondary_trends: Vec<Trend>,
    /// The outsourcing vendor involved, if any.
    pub vendor: Option<String>,
    /// Root cause.
    pub root_cause: Option<String>,
    /// Interim measures (暫定対応).
    pub interim_measures: Option<String>,
    /// Recurrence-prevention measures (再発防止策).
    pub recurrence_prevention: Option<String>,
    /// How customers were handled.
    pub customer_handling: Option<String>,
    /// Whether the failure was announced publicly (公表).
    pub publicly_announced: bool,
    /// Good-practice flag and why.
    pub good_practice: Option<GoodPractice>,
    /// Dated entries, oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// Reports submitted to the authority after the first report.
    pub report_submissions: Vec<crate::reporting::ReportSubmission>,
}

impl Incident {
    /// Time to detect (detected − occurred, [`TimeMeasure::TimeToDetect`]); `None` when the
    /// incident's times contradict each other.
    pub fn time_to_detect(&self) -> Option<Duration> {
        TimeMeasure::TimeToDetect.of(&self.times).value()
    }

    /// Time to recover (recovered − occurred, [`TimeMeasure::TimeToRecover`]); `None` before
    /// recovery or when the incident's times contradict each other.
    pub fn time_to_recover(&self) -> Option<Duration> {
        TimeMeasure::TimeToRecover.of(&self.times).value()
    }

    /// Open, recovered or closed.
    pub fn status(&self) -> IncidentStatus {
        if self.times.closed_at.is_some() {
            IncidentStatus::Closed
        } else if self.times.recovered_at.is_some() {
            IncidentStatus::Recovered
        } else {
            IncidentStatus::Open
        }
    }
}

impl From<IdentifierError> for crate::validation::Problem {
    fn from(e: IdentifierError) -> Self {
        match e {
            IdentifierError::Empty => crate::validation::Problem::Required,
            IdentifierError::Malformed(value) => {
                crate::validation::Problem::BadFormat { value, hint: "1–64 letters, digits, '-', '_' or '.'" }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bilingual_falls_back_drops_blanks_and_reads_back() {
        let t = Bilingual::ja("本文");
        assert_eq!(t.get(Lang::En), "本文");
        assert!(Bilingual::new(Some("  ".into()), None).is_empty());
        assert_eq!(serde_json::to_string(&t).ok(), Some(r#"{"ja":"本文"}"#.into()));
        let read: Bilingual = serde_json::from_str(r#"{"ja": "  ", "en": "Text"}"#).unwrap();
        assert_eq!(read, Bilingual::en("Text"));
        assert!(serde_json::from_str::<Bilingual>("{}").unwrap().is_empty());
    }
    use crate::time::parse_timestamp;

    fn t(s: &str) -> Timestamp {
        parse_timestamp(s).unwrap()
    }

    #[test]
    fn yen_groups_thousands() {
        assert_eq!(Yen::new(0).to_string(), "¥0");
        assert_eq!(Yen::new(1234567).to_string(), "¥1,234,567");
        assert_eq!(Yen::new(100).to_string(), "¥100");
    }

    #[test]
    fn times_must_be_in_order() {
        let occ = t("2024-05-01T09:00:00+09:00");
        let before = t("2024-05-01T08:00:00+09:00");
        let errs = IncidentTimes::new(occ, before, None, Some(before), None, None).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["detected_at", "recovered_at"]);
        let errs = IncidentTimes::new(occ, occ, None, None, None, Some(occ)).unwrap_err();
        assert!(errs[0].missing);
        assert!(IncidentTimes::new(occ, occ, Some(occ), Some(occ), Some(occ), Some(occ)).is_ok());
    }
}
