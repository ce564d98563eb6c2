//! The register and the map: important business services, impact tolerances, processes, resources and
//! their dependencies with redundancy gates.
//!
//! Raw data ([`MapData`]) becomes a [`DependencyMap`] only through [`DependencyMap::new`], which checks
//! every record and reports every problem at once, so a map in hand is always acyclic, fully referenced
//! and has well-formed gates.

use crate::graph::Graph;
use crate::problem::{Issues, Problem};
use chrono::{Months, NaiveDate};
use opres_domain::{InstitutionCode, Lang, SystemCode};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::fmt;

/// The id of a service, process or resource: 1–64 letters, digits, `-`, `_` or `.`, unique in a map.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NodeId(String);

impl NodeId {
    /// Accepts 1–64 characters of letters, digits, `-`, `_` and `.`.
    pub fn parse(s: &str) -> Result<NodeId, Problem> {
        let s = s.trim();
        if s.is_empty() {
            return Err(Problem::Required);
        }
        if s.len() > 64 || !s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
            return Err(Problem::BadIdentifier { value: s.to_string() });
        }
        Ok(NodeId(s.to_string()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// An id the crate built itself from safe characters (generated maps); checked in debug builds.
    pub(crate) fn trusted(s: String) -> NodeId {
        debug_assert!(NodeId::parse(&s).is_ok(), "generated id {s}");
        NodeId(s)
    }
}

impl TryFrom<String> for NodeId {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        NodeId::parse(&s).map_err(|p| p.message(Lang::En))
    }
}

impl From<NodeId> for String {
    fn from(v: NodeId) -> String {
        v.0
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

opres_domain::code_enum!(
    /// The kinds of resource the source names, plus information assets.
    pub ResourceKind, "resource kind", {
        /// 人員: teams and key staff.
        People => "people", "人員", "People";
        /// システム: applications, infrastructure, networks.
        System => "system", "システム", "Systems";
        /// 施設: buildings, data centres, power feeds.
        Facility => "facility", "施設", "Facilities";
        /// サードパーティ: outsourced providers and their services.
        ThirdParty => "third_party", "サードパーティ", "Third parties";
        /// 情報: data sets and records the service needs.
        Information => "information", "情報", "Information";
    }
);

opres_domain::code_enum!(
    /// The regulator a tolerance is set for (one tolerance per regulator where dual-regulated).
    #[derive(Default)]
    pub Regulator, "regulator", {
        /// 金融庁
        #[default]
        Fsa => "fsa", "金融庁", "FSA";
        /// 日本銀行
        Boj => "boj", "日本銀行", "Bank of Japan";
        /// Another regulator (overseas, self-regulatory body).
        Other => "other", "その他の当局", "Other regulator";
    }
);

/// How a node's dependencies combine: which of them it needs to run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Gate {
    /// All dependencies are needed (series).
    #[default]
    And,
    /// Any one dependency suffices (redundant, parallel).
    Or,
    /// At least `k` of the n dependencies are needed.
    KOfN {
        /// How many must run.
        k: usize,
    },
    /// Primary (first dependency) and standby (second); switching over works with a probability and takes time.
    Failover {
        /// Probability that the switchover to the standby works when the primary is lost.
        switchover_probability: f64,
        /// Minutes from the loss of the primary until the standby carries the load.
        switchover_minutes: f64,
    },
}

impl Gate {
    /// The stable code (`and`, `or`, `k_of_n`, `failover`).
    pub fn code(&self) -> &'static str {
        match self {
            Gate::And => "and",
            Gate::Or => "or",
            Gate::KOfN { .. } => "k_of_n",
            Gate::Failover { .. } => "failover",
        }
    }

    /// A short label such as `2-of-3` or `failover p=0.90, 15 min`.
    pub fn label(&self, lang: Lang, n: usize) -> String {
        match (self, lang) {
            (Gate::And, Lang::Ja) => "すべて必要 (AND)".into(),
            (Gate::And, Lang::En) => "all needed (AND)".into(),
            (Gate::Or, Lang::Ja) => "いずれか1つ (OR)".into(),
            (Gate::Or, Lang::En) => "any one (OR)".into(),
            (Gate::KOfN { k }, _) => format!("{k}-of-{n}"),
            (Gate::Failover { switchover_probability: p, switchover_minutes: m }, Lang::Ja) => {
                format!("切替 p={p:.2}・{m}分")
            }
            (Gate::Failover { switchover_probability: p, switchover_minutes: m }, Lang::En) => {
                format!("failover p={p:.2}, {m} min")
            }
        }
    }

    /// Whether the gate gives redundancy (anything but AND).
    pub fn is_redundant(&self) -> bool {
        !matches!(self, Gate::And)
    }
}

/// A clock time of day in JST (`15:30`), used for business cut-offs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ClockTime {
    minutes: u16,
}

impl ClockTime {
    /// A time from hours and minutes; `None` if out of range.
    pub fn new(hour: u16, minute: u16) -> Option<ClockTime> {
        (hour < 24 && minute < 60).then_some(ClockTime { minutes: hour * 60 + minute })
    }

    /// Parses `HH:MM` (also `H:MM` and `HH:MM:SS` with seconds 00).
    pub fn parse(s: &str) -> Result<ClockTime, Problem> {
        let bad = || Problem::BadTime { value: s.trim().to_string() };
        let parts: Vec<&str> = s.trim().split(':').collect();
        if !(2..=3).contains(&parts.len()) || (parts.len() == 3 && parts[2] != "00") {
            return Err(bad());
        }
        let h: u16 = parts[0].parse().map_err(|_| bad())?;
        let m: u16 = parts[1].parse().map_err(|_| bad())?;
        if parts[1].len() != 2 {
            return Err(bad());
        }
        ClockTime::new(h, m).ok_or_else(bad)
    }

    /// Minutes after midnight.
    pub fn minutes_of_day(self) -> u16 {
        self.minutes
    }
}

impl TryFrom<String> for ClockTime {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        ClockTime::parse(&s).map_err(|p| p.message(Lang::En))
    }
}

impl From<ClockTime> for String {
    fn from(v: ClockTime) -> String {
        v.to_string()
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.minutes / 60, self.minutes % 60)
    }
}

/// The source's criteria for identifying important business (重要な業務の特定).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ImportanceCriteria {
    /// Impact on customers if the business stops, 1 (slight) to 5 (severe, e.g. wages and bills unpaid).
    pub customer_impact: u8,
    /// Customers who use the business.
    #[serde(default)]
    pub customers: u64,
    /// Impact on the institution: transactions per business day.
    #[serde(default)]
    pub transactions_per_day: u64,
    /// Impact on the institution: value per business day, in yen.
    #[serde(default)]
    pub value_per_day_yen: u64,
    /// Nature of the business: whether it has cut-off times (決済の締め時刻など).
    #[serde(default)]
    pub has_cutoff: bool,
}

impl ImportanceCriteria {
    /// A 0–100 score: customer impact up to 40, institution impact (the larger of the transaction and value
    /// bands) up to 30, a cut-off 30. The bands are fixed so scores compare across services and years.
    pub fn score(&self) -> u8 {
        let customer = (self.customer_impact.clamp(1, 5) - 1) * 10;
        let tx_band = match self.transactions_per_day {
            0..1_000 => 0,
            1_000..10_000 => 10,
            10_000..100_000 => 20,
            _ => 30,
        };
        let value_band = match self.value_per_day_yen {
            0..100_000_000 => 0,
            100_000_000..10_000_000_000 => 10,
            10_000_000_000..1_000_000_000_000 => 20,
            _ => 30,
        };
        let nature = if self.has_cutoff { 30 } else { 0 };
        customer + tx_band.max(value_band) + nature
    }
}

/// How fast an outage of the service accumulates harm: used to judge the tolerance's limits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct ImpactRates {
    /// Transactions that cannot be processed per hour of outage.
    #[serde(default)]
    pub transactions_per_hour: f64,
    /// Value of those transactions per hour, in yen.
    #[serde(default)]
    pub value_per_hour_yen: f64,
    /// Distinct customers newly affected per hour.
    #[serde(default)]
    pub users_per_hour: f64,
    /// Complaints received per hour of outage.
    #[serde(default)]
    pub complaints_per_hour: f64,
}

/// An impact tolerance (耐性度): the most disruption the service may suffer, for one regulator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImpactTolerance {
    /// The regulator it is set for.
    #[serde(default)]
    pub regulator: Regulator,
    /// Maximum tolerable duration of disruption, in minutes (mandatory).
    pub max_duration_minutes: f64,
    /// Recovery level objective: the service level (percent of capacity) that counts as recovered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rlo_percent: Option<f64>,
    /// Most transactions that may be affected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_transactions: Option<u64>,
    /// Most value that may be affected, in yen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_value_yen: Option<u64>,
    /// Most customers that may be affected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_users: Option<u64>,
    /// Most complaints that may arise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_complaints: Option<u64>,
    /// The service must be back before this clock time (JST) on the day of disruption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cutoff: Option<ClockTime>,
    /// Why this tolerance, in Japanese.
    #[serde(default)]
    pub rationale_ja: String,
    /// Why this tolerance, in English.
    #[serde(default)]
    pub rationale_en: String,
}

impl ImpactTolerance {
    /// A tolerance with only the mandatory maximum duration.
    pub fn max_duration(minutes: f64) -> ImpactTolerance {
        ImpactTolerance {
            regulator: Regulator::Fsa,
            max_duration_minutes: minutes,
            rlo_percent: None,
            max_transactions: None,
            max_value_yen: None,
            max_users: None,
            max_complaints: None,
            cutoff: None,
            rationale_ja: String::new(),
            rationale_en: String::new(),
        }
    }

    /// The recovery level as a fraction in (0, 1]; `None` means "any service at all" counts as recovered.
    pub fn rlo_fraction(&self) -> Option<f64> {
        self.rlo_percent.map(|p| p / 100.0)
    }
}

/// An important business service (重要な業務) in the register, with its place in the map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportantBusinessService {
    /// Id, unique in the map.
    pub id: NodeId,
    /// Name in Japanese.
    pub name_ja: String,
    /// Name in English.
    pub name_en: String,
    /// The source's criteria.
    pub criteria: ImportanceCriteria,
    /// Why the service is important, in Japanese.
    #[serde(default)]
    pub rationale_ja: String,
    /// Why the service is important, in English.
    #[serde(default)]
    pub rationale_en: String,
    /// Owner (department or executive).
    pub owner: String,
    /// Date of the last review.
    pub last_reviewed: NaiveDate,
    /// Date of the next review: at most a year after the last.
    pub next_review: NaiveDate,
    /// Harm per hour of outage.
    #[serde(default)]
    pub rates: ImpactRates,
    /// Impact tolerances, one per regulator.
    pub tolerances: Vec<ImpactTolerance>,
    /// How its dependencies combine.
    #[serde(default)]
    pub gate: Gate,
    /// What it depends on (processes or resources). For a failover gate: primary first, standby second.
    #[serde(default)]
    pub depends_on: Vec<NodeId>,
}

impl ImportantBusinessService {
    /// The name in the given language, falling back to the other.
    pub fn name(&self, lang: Lang) -> &str {
        pick_name(&self.name_ja, &self.name_en, lang)
    }

    /// The rationale in the given language, falling back to the other.
    pub fn rationale(&self, lang: Lang) -> &str {
        pick_name(&self.rationale_ja, &self.rationale_en, lang)
    }

    /// The importance score (see [`ImportanceCriteria::score`]).
    pub fn score(&self) -> u8 {
        self.criteria.score()
    }

    /// Whether the review is overdue on the given day.
    pub fn review_overdue(&self, today: NaiveDate) -> bool {
        today > self.next_review
    }
}

/// A business process between a service and its resources (optional: services may depend on resources directly).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Process {
    /// Id, unique in the map.
    pub id: NodeId,
    /// Name in Japanese.
    pub name_ja: String,
    /// Name in English.
    pub name_en: String,
    /// How its dependencies combine.
    #[serde(default)]
    pub gate: Gate,
    /// What it depends on (processes or resources).
    #[serde(default)]
    pub depends_on: Vec<NodeId>,
}

/// Storage or transaction headroom of a resource, for capacity-exhaustion scenarios.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Capacity {
    /// Headroom left (in `unit`).
    pub headroom: f64,
    /// Growth of use per day (in `unit`).
    pub growth_per_day: f64,
    /// Unit, e.g. `GB` or `tx/s`.
    #[serde(default)]
    pub unit: String,
}

impl Capacity {
    /// Minutes until the headroom is used up, or `None` if use is not growing.
    pub fn minutes_to_exhaustion(&self) -> Option<f64> {
        (self.growth_per_day > 0.0).then(|| self.headroom.max(0.0) / self.growth_per_day * 1440.0)
    }
}

/// A resource the services need: people, a system, a facility, a third party or information.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    /// Id, unique in the map.
    pub id: NodeId,
    /// Kind.
    pub kind: ResourceKind,
    /// Name in Japanese.
    pub name_ja: String,
    /// Name in English.
    #[serde(default)]
    pub name_en: String,
    /// Recovery time objective, minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rto_minutes: Option<f64>,
    /// Recovery point objective, minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rpo_minutes: Option<f64>,
    /// Location (site, region, data centre).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// For a third party: the provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// For a third party: the provider's ultimate parent (defaults to the provider).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ultimate_parent: Option<String>,
    /// For a system: its code in the failure register.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<SystemCode>,
    /// For people: staff in the team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headcount: Option<u32>,
    /// For people: the fewest staff with whom the team still works.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_staff: Option<u32>,
    /// Headroom and growth, for capacity exhaustion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<Capacity>,
    /// How its own dependencies (facility, power feed, provider…) combine.
    #[serde(default)]
    pub gate: Gate,
    /// What it depends on (shared facilities, power feeds, providers, other resources).
    #[serde(default)]
    pub depends_on: Vec<NodeId>,
}

impl Resource {
    /// A plain resource with no dependencies.
    pub fn new(id: NodeId, kind: ResourceKind, name_ja: &str, name_en: &str) -> Resource {
        Resource {
            id,
            kind,
            name_ja: name_ja.to_string(),
            name_en: name_en.to_string(),
            rto_minutes: None,
            rpo_minutes: None,
            location: None,
            provider: None,
            ultimate_parent: None,
            system: None,
            headcount: None,
            min_staff: None,
            capacity: None,
            gate: Gate::And,
            depends_on: Vec::new(),
        }
    }

    /// The name in the given language, falling back to the other.
    pub fn name(&self, lang: Lang) -> &str {
        pick_name(&self.name_ja, &self.name_en, lang)
    }

    /// The provider's ultimate parent: the named parent, else the provider itself.
    pub fn parent_or_provider(&self) -> Option<&str> {
        self.ultimate_parent.as_deref().filter(|s| !s.is_empty()).or(self.provider.as_deref())
    }
}

fn pick_name<'a>(ja: &'a str, en: &'a str, lang: Lang) -> &'a str {
    let (first, second) = match lang {
        Lang::Ja => (ja, en),
        Lang::En => (en, ja),
    };
    if first.is_empty() { second } else { first }
}

/// Raw map data as files carry it; becomes a [`DependencyMap`] through [`DependencyMap::new`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct MapData {
    /// The institution whose map this is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub institution: Option<InstitutionCode>,
    /// Important business services.
    #[serde(default)]
    pub services: Vec<ImportantBusinessService>,
    /// Business processes.
    #[serde(default)]
    pub processes: Vec<Process>,
    /// Resources.
    #[serde(default)]
    pub resources: Vec<Resource>,
}

/// What a node of the map is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeKind {
    /// An important business service.
    Service,
    /// A business process.
    Process,
    /// A resource of a kind.
    Resource(ResourceKind),
}

impl NodeKind {
    /// The stable code (`service`, `process`, or the resource kind's code).
    pub fn code(self) -> &'static str {
        match self {
            NodeKind::Service => "service",
            NodeKind::Process => "process",
            NodeKind::Resource(k) => k.code(),
        }
    }

    /// The label in the given language.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            NodeKind::Service => lang.pick("重要な業務", "Important business services"),
            NodeKind::Process => lang.pick("業務プロセス", "Processes"),
            NodeKind::Resource(k) => k.label(lang),
        }
    }
}

/// A validated dependency map: the register's services and what they depend on, acyclic and fully referenced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "MapData", into = "MapData")]
pub struct DependencyMap {
    data: MapData,
    graph: Graph,
}

impl TryFrom<MapData> for DependencyMap {
    type Error = Issues;
    fn try_from(d: MapData) -> Result<Self, Self::Error> {
        DependencyMap::new(d)
    }
}

impl From<DependencyMap> for MapData {
    fn from(m: DependencyMap) -> MapData {
        m.data
    }
}

fn check_minutes(issues: &mut Issues, field: String, v: f64) {
    if !v.is_finite() || v < 0.0 {
        issues.field(field, Problem::OutOfRange { value: format!("{v}"), min: "0".into(), max: "∞".into() });
    }
}

fn check_gate(issues: &mut Issues, at: &str, gate: &Gate, n: usize) {
    match *gate {
        Gate::And | Gate::Or => {}
        Gate::KOfN { k } => {
            if k == 0 || k > n {
                issues.field(format!("{at}.gate"), Problem::KOutOfRange { k, n });
            }
        }
        Gate::Failover { switchover_probability: p, switchover_minutes: m } => {
            if n != 2 {
                issues.field(
                    format!("{at}.depends_on"),
                    Problem::FailoverShape { primaries: n.min(1), standbys: n.saturating_sub(1) },
                );
            }
            if !(0.0..=1.0).contains(&p) {
                issues.field(
                    format!("{at}.gate.switchover_probability"),
                    Problem::OutOfRange { value: format!("{p}"), min: "0".into(), max: "1".into() },
                );
            }
            check_minutes(issues, format!("{at}.gate.switchover_minutes"), m);
        }
    }
}

impl DependencyMap {
    /// Validates the data: unique ids, known references, no service as a dependency, gates that fit their
    /// dependencies, tolerances present and sane, reviews at least yearly, providers named, and no cycles.
    /// Every problem is reported, each named by record and field.
    pub fn new(data: MapData) -> Result<DependencyMap, Issues> {
        let mut issues = Issues::default();
        let mut kinds: HashMap<&NodeId, NodeKind> = HashMap::new();
        let all_ids = data
            .services
            .iter()
            .map(|s| (&s.id, NodeKind::Service, "services"))
            .chain(data.processes.iter().map(|p| (&p.id, NodeKind::Process, "processes")))
            .chain(data.resources.iter().map(|r| (&r.id, NodeKind::Resource(r.kind), "resources")));
        for (id, kind, list) in all_ids {
            if kinds.insert(id, kind).is_some() {
                issues.field(format!("{list}[{id}].id"), Problem::Duplicate { value: id.to_string() });
            }
        }
        let check_deps = |issues: &mut Issues, at: &str, gate: &Gate, deps: &[NodeId]| {
            let mut seen = HashSet::new();
            for d in deps {
                match kinds.get(d) {
                    None => {
                        issues.field(format!("{at}.depends_on"), Problem::UnknownReference { value: d.to_string() })
                    }
                    Some(NodeKind::Service) => {
                        issues.field(format!("{at}.depends_on"), Problem::ServiceAsDependency { value: d.to_string() })
                    }
                    Some(_) => {}
                }
                if !seen.insert(d) {
                    issues.field(format!("{at}.depends_on"), Problem::Duplicate { value: d.to_string() });
                }
            }
            check_gate(issues, at, gate, deps.len());
        };
        for s in &data.services {
            let at = format!("services[{}]", s.id);
            check_deps(&mut issues, &at, &s.gate, &s.depends_on);
            if s.name_ja.trim().is_empty() && s.name_en.trim().is_empty() {
                issues.field(format!("{at}.name_ja"), Problem::Required);
            }
            if s.owner.trim().is_empty() {
                issues.field(format!("{at}.owner"), Problem::Required);
            }
            if !(1..=5).contains(&s.criteria.customer_impact) {
                issues.field(
                    format!("{at}.criteria.customer_impact"),
                    Problem::OutOfRange {
                        value: s.criteria.customer_impact.to_string(),
                        min: "1".into(),
                        max: "5".into(),
                    },
                );
            }
            let latest = s.last_reviewed.checked_add_months(Months::new(12)).unwrap_or(NaiveDate::MAX);
            if s.next_review > latest || s.next_review < s.last_reviewed {
                issues.field(
                    format!("{at}.next_review"),
                    Problem::ReviewTooLate { last: s.last_reviewed.to_string(), next: s.next_review.to_string() },
                );
            }
            let r = &s.rates;
            for (name, v) in [
                ("transactions_per_hour", r.transactions_per_hour),
                ("value_per_hour_yen", r.value_per_hour_yen),
                ("users_per_hour", r.users_per_hour),
                ("complaints_per_hour", r.complaints_per_hour),
            ] {
                check_minutes(&mut issues, format!("{at}.rates.{name}"), v);
            }
            if s.tolerances.is_empty() {
                issues.field(format!("{at}.tolerances"), Problem::NoTolerance);
            }
            let mut regs = HashSet::new();
            for (i, t) in s.tolerances.iter().enumerate() {
                let tat = format!("{at}.tolerances[{i}]");
                if !regs.insert(t.regulator) {
                    issues
                        .field(format!("{tat}.regulator"), Problem::RegulatorTwice { value: t.regulator.to_string() });
                }
                if !t.max_duration_minutes.is_finite() || t.max_duration_minutes <= 0.0 {
                    issues.field(
                        format!("{tat}.max_duration_minutes"),
                        Problem::OutOfRange {
                            value: format!("{}", t.max_duration_minutes),
                            min: "1".into(),
                            max: "∞".into(),
                        },
                    );
                }
                if let Some(p) = t.rlo_percent
                    && !(p > 0.0 && p <= 100.0)
                {
                    issues.field(
                        format!("{tat}.rlo_percent"),
                        Problem::OutOfRange { value: format!("{p}"), min: "0 (exclusive)".into(), max: "100".into() },
                    );
                }
            }
        }
        for p in &data.processes {
            let at = format!("processes[{}]", p.id);
            check_deps(&mut issues, &at, &p.gate, &p.depends_on);
            if p.name_ja.trim().is_empty() && p.name_en.trim().is_empty() {
                issues.field(format!("{at}.name_ja"), Problem::Required);
            }
        }
        for r in &data.resources {
            let at = format!("resources[{}]", r.id);
            check_deps(&mut issues, &at, &r.gate, &r.depends_on);
            if r.name_ja.trim().is_empty() && r.name_en.trim().is_empty() {
                issues.field(format!("{at}.name_ja"), Problem::Required);
            }
            if r.kind == ResourceKind::ThirdParty && r.provider.as_deref().is_none_or(|p| p.trim().is_empty()) {
                issues.field(format!("{at}.provider"), Problem::ProviderRequired);
            }
            for (name, v) in [("rto_minutes", r.rto_minutes), ("rpo_minutes", r.rpo_minutes)] {
                if let Some(v) = v {
                    check_minutes(&mut issues, format!("{at}.{name}"), v);
                }
            }
            if let (Some(h), Some(m)) = (r.headcount, r.min_staff)
                && m > h
            {
                issues.field(
                    format!("{at}.min_staff"),
                    Problem::OutOfRange { value: m.to_string(), min: "0".into(), max: h.to_string() },
                );
            }
        }
        // Cycles are looked for even when other problems were found (unknown references are left out of the
        // graph), so one pass reports them all.
        match Graph::build(&data) {
            Ok(graph) if issues.is_empty() => Ok(DependencyMap { data, graph }),
            Ok(_) => Err(issues),
            Err(cycle) => {
                issues.field("depends_on", Problem::Cycle { path: cycle });
                Err(issues)
            }
        }
    }

    /// The raw data (for export and editing; rebuild with [`DependencyMap::new`] after changes).
    pub fn data(&self) -> &MapData {
        &self.data
    }

    /// The compiled graph (flat arrays, topological order).
    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    /// The services.
    pub fn services(&self) -> &[ImportantBusinessService] {
        &self.data.services
    }

    /// The processes.
    pub fn processes(&self) -> &[Process] {
        &self.data.processes
    }

    /// The resources.
    pub fn resources(&self) -> &[Resource] {
        &self.data.resources
    }

    /// The node index of an id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.graph.index_of(id)
    }

    /// The display name of a node in the given language.
    pub fn node_name(&self, node: usize, lang: Lang) -> &str {
        let s = self.data.services.len();
        let p = self.data.processes.len();
        if node < s {
            self.data.services[node].name(lang)
        } else if node < s + p {
            pick_name(&self.data.processes[node - s].name_ja, &self.data.processes[node - s].name_en, lang)
        } else {
            self.data.resources.get(node - s - p).map(|r| r.name(lang)).unwrap_or("")
        }
    }

    /// The id of a node.
    pub fn node_id(&self, node: usize) -> &str {
        self.graph.id(node)
    }

    /// The kind of a node.
    pub fn node_kind(&self, node: usize) -> NodeKind {
        let s = self.data.services.len();
        let p = self.data.processes.len();
        if node < s {
            NodeKind::Service
        } else if node < s + p {
            NodeKind::Process
        } else {
            self.data.resources.get(node - s - p).map(|r| NodeKind::Resource(r.kind)).unwrap_or(NodeKind::Process)
        }
    }

    /// The resource at a node index, if the node is a resource.
    pub fn resource(&self, node: usize) -> Option<&Resource> {
        node.checked_sub(self.data.services.len() + self.data.processes.len()).and_then(|i| self.data.resources.get(i))
    }

    /// The gate of a node.
    pub fn node_gate(&self, node: usize) -> Gate {
        self.graph.gate(node)
    }

    /// Services whose review is overdue on the given day.
    pub fn overdue_reviews(&self, today: NaiveDate) -> Vec<&ImportantBusinessService> {
        self.data.services.iter().filter(|s| s.review_overdue(today)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_ids_are_short_and_plain() {
        assert!(NodeId::parse("CORE-TKY.1_a").is_ok());
        assert_eq!(NodeId::parse(" "), Err(Problem::Required));
        assert!(matches!(NodeId::parse("勘定系"), Err(Problem::BadIdentifier { .. })));
        assert!(NodeId::parse(&"x".repeat(65)).is_err());
    }

    #[test]
    fn codes_parse_and_label() {
        assert_eq!(ResourceKind::parse("Third_Party"), Ok(ResourceKind::ThirdParty));
        assert_eq!(ResourceKind::ThirdParty.label(Lang::Ja), "サードパーティ");
        assert_eq!(Problem::from(Regulator::parse("sec").unwrap_err()).kind(), "unknown_code");
        assert_eq!(Gate::KOfN { k: 2 }.label(Lang::En, 3), "2-of-3");
        let fo = Gate::Failover { switchover_probability: 0.9, switchover_minutes: 15.0 };
        assert_eq!(fo.label(Lang::Ja, 2), "切替 p=0.90・15分");
        assert_eq!(
            serde_json::to_string(&fo).ok().as_deref(),
            Some(r#"{"type":"failover","switchover_probability":0.9,"switchover_minutes":15.0}"#)
        );
    }

    #[test]
    fn capacity_exhaustion_time() {
        let c = Capacity { headroom: 100.0, growth_per_day: 4.0, unit: "GB".into() };
        assert_eq!(c.minutes_to_exhaustion(), Some(25.0 * 1440.0));
        assert_eq!(Capacity { growth_per_day: 0.0, ..c }.minutes_to_exhaustion(), None);
    }
}
