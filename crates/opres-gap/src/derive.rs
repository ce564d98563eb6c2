//! Results proposed from the register's own facts: for each assessable requirement, what the
//! incidents, the resilience map, its scenario runs and the TLPT programme say about it.
//!
//! The app layer collects [`Facts`] from the register; this module only judges them. Every link of a
//! requirement (each trend, each topic, each practice check, its basic action) is judged on its own,
//! then the weakest decides and every reason is kept. A source the app did not fill is `None` and gives
//! no judgement: absence of data is never read as "met".

use crate::assessment::{ProposalSeen, ResultCode};
use crate::framework::{BasicAction, Framework, Requirement, Topic};
use chrono::{Months, NaiveDate};
use opres_domain::{Bilingual, Criticality, IncidentRef, Lang, Trend};
use opres_tlpt::assess::{CheckId, CheckResult, Side, Verdict};
use opres_tlpt::{EngagementId, FindingId};
use serde::Serialize;
use std::collections::BTreeSet;

/// Incident facts older than this many months are stale: the register has moved on since.
pub const INCIDENTS_STALE_AFTER_MONTHS: u32 = 3;
/// A scenario run (failover, exhaustion, stress) older than this many months is stale.
pub const SCENARIO_RUN_STALE_AFTER_MONTHS: u32 = 12;
/// Capacity readings older than this many months are stale: growth changes headroom quickly.
pub const CAPACITY_STALE_AFTER_MONTHS: u32 = 3;
/// A resilience map or concentration analysis older than this many months is stale (reviews are yearly).
pub const MAP_STALE_AFTER_MONTHS: u32 = 12;
/// A TLPT engagement older than this many years is stale (the usual TLPT cycle).
pub const TLPT_STALE_AFTER_YEARS: u32 = 3;
/// HHI above this is "highly concentrated" (the 2010 US horizontal merger guidelines' level).
pub const HIGH_CONCENTRATION_HHI: f64 = 2500.0;
/// Headroom used up within this many days cannot be extended in time (typical procurement lead time).
pub const EXHAUSTION_URGENT_DAYS: f64 = 90.0;
/// Headroom used up within this many days needs a plan now.
pub const EXHAUSTION_WITHIN_DAYS: f64 = 365.0;

/// Facts given to [`derive`] that break their own rules.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FactsError {
    /// A period ending before it starts.
    #[error("period ends {to} before it starts {from}")]
    PeriodReversed {
        /// Start.
        from: NaiveDate,
        /// End.
        to: NaiveDate,
    },
    /// An HHI outside 0–10,000 (or not a number).
    #[error("HHI {0} is outside 0–10,000")]
    HhiOutOfRange(f64),
    /// A capacity reading that is not a finite number.
    #[error("capacity of '{0}' is not a finite number")]
    CapacityNotFinite(String),
}

/// The period the incident facts count, both days included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    from: NaiveDate,
    to: NaiveDate,
}

impl Period {
    /// A period from `from` to `to`; refused when it ends before it starts.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Period, FactsError> {
        if to < from {
            return Err(FactsError::PeriodReversed { from, to });
        }
        Ok(Period { from, to })
    }

    /// First day.
    pub fn from(&self) -> NaiveDate {
        self.from
    }

    /// Last day.
    pub fn to(&self) -> NaiveDate {
        self.to
    }
}

/// Everything the register knows that requirements ask about, for one institution. A source left
/// `None` was not collected and gives no proposal.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Facts {
    /// Incidents of the period and their recurrence chains.
    pub incidents: Option<IncidentFacts>,
    /// Failover runs, soft single points of failure, redundancy incidents.
    pub redundancy: Option<RedundancyFacts>,
    /// Storage and transaction headroom, exhaustion scenarios, storage and capacity incidents.
    pub capacity: Option<CapacityFacts>,
    /// Third-party concentration, providers without substitute, incidents with a vendor involved.
    pub third_party: Option<ThirdPartyFacts>,
    /// The practice assessment of the latest TLPT engagement.
    pub tlpt: Option<TlptFacts>,
    /// Whether important TLPT findings reach management, across engagements.
    pub culture: Option<CultureFacts>,
    /// Important business services, their tolerances, and the scenarios that test them.
    pub resilience: Option<ResilienceFacts>,
}

/// One incident of the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodIncident {
    /// Its reference.
    pub reference: IncidentRef,
    /// When it occurred (JST day); one outside the period is not counted.
    pub occurred_on: NaiveDate,
    /// Its trend (from its classification).
    pub trend: Trend,
    /// The highest criticality of the systems it affected; `None` when none is recorded.
    pub impact: Option<Criticality>,
}

/// Incidents of one institution in a period, with their recurrence chains.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncidentFacts {
    /// When the register was read.
    pub as_of: NaiveDate,
    /// The period counted.
    pub period: Period,
    /// Every incident of the period (an institution with none gives an empty list, not `None`).
    pub incidents: Vec<PeriodIncident>,
    /// Recurrence chains (`opres_analysis::recurrence::RecurrenceChain::incidents`), oldest first.
    pub chains: Vec<Vec<IncidentRef>>,
}

/// One run of a failover scenario (a paper test, a drill or a live switchover).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailoverRun {
    /// The scenario's id.
    pub scenario: String,
    /// When it was run.
    pub ran_on: NaiveDate,
    /// Whether the switchover worked.
    pub switchover_worked: bool,
}

/// What the register knows about redundancy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RedundancyFacts {
    /// When the map was read.
    pub as_of: NaiveDate,
    /// Every failover run recorded; the latest of each scenario counts.
    pub failover_runs: Vec<FailoverRun>,
    /// Failover nodes whose switchover may not work (`opres_resilience::spof::SoftSpof::node`).
    pub soft_spofs: Vec<String>,
    /// Incidents of the period classified `operations.redundancy`.
    pub incidents: Vec<IncidentRef>,
}

/// Headroom of one resource, as the map records it (`opres_resilience::model::Capacity`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CapacityReading {
    resource: String,
    headroom: f64,
    growth_per_day: f64,
}

impl CapacityReading {
    /// A reading of `headroom` left and `growth_per_day` of use, in the same unit; both finite.
    pub fn new(resource: impl Into<String>, headroom: f64, growth_per_day: f64) -> Result<Self, FactsError> {
        let resource = resource.into();
        if !headroom.is_finite() || !growth_per_day.is_finite() {
            return Err(FactsError::CapacityNotFinite(resource));
        }
        Ok(CapacityReading { resource, headroom, growth_per_day })
    }

    /// The resource's id.
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// Days until the headroom is used up; `None` when use is not growing.
    pub fn days_left(&self) -> Option<f64> {
        (self.growth_per_day > 0.0).then(|| self.headroom.max(0.0) / self.growth_per_day)
    }
}

/// One run of a scenario, and whether a tolerance was breached in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScenarioRun {
    /// The scenario's id.
    pub scenario: String,
    /// When it was run.
    pub ran_on: NaiveDate,
    /// Whether any service breached a tolerance.
    pub breach: bool,
}

/// What the register knows about storage and capacity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CapacityFacts {
    /// When the readings were taken.
    pub as_of: NaiveDate,
    /// Resources with capacity recorded.
    pub readings: Vec<CapacityReading>,
    /// Runs of capacity-exhaustion scenarios; the latest of each counts.
    pub exhaustion_runs: Vec<ScenarioRun>,
    /// Incidents of the period classified `operations.storage` or `operations.capacity`.
    pub incidents: Vec<IncidentRef>,
}

/// A Herfindahl–Hirschman index, 0–10,000.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
pub struct Hhi(f64);

impl Hhi {
    /// An index in 0–10,000.
    pub fn new(v: f64) -> Result<Hhi, FactsError> {
        if (0.0..=10_000.0).contains(&v) { Ok(Hhi(v)) } else { Err(FactsError::HhiOutOfRange(v)) }
    }

    /// The value.
    pub fn value(self) -> f64 {
        self.0
    }
}

/// A provider some services cannot do without.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoSubstitute {
    /// The provider's name.
    pub provider: String,
    /// Services that go down without it.
    pub services: Vec<String>,
}

/// An incident of the period in which a vendor was involved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VendorIncident {
    /// The incident.
    pub incident: IncidentRef,
    /// The provider involved.
    pub provider: String,
}

/// What the register knows about third parties.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThirdPartyFacts {
    /// When the concentration analysis was made.
    pub as_of: NaiveDate,
    /// Concentration over ultimate parents (`ConcentrationReport::by_parent.hhi`).
    pub hhi: Hhi,
    /// Providers without substitute (`ProviderExposure::no_substitute_services` not empty).
    pub no_substitute: Vec<NoSubstitute>,
    /// Incidents of the period with a vendor involved.
    pub vendor_incidents: Vec<VendorIncident>,
}

/// The latest TLPT engagement's practice assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TlptFacts {
    /// The engagement.
    pub engagement: EngagementId,
    /// When its testing ended (the last phase's end).
    pub tested_on: NaiveDate,
    /// Its checks (`opres_tlpt::assess::Assessment::checks`).
    pub checks: Vec<CheckResult>,
}

/// A recurring finding left out of the management report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OmittedFinding {
    /// The finding.
    pub finding: FindingId,
    /// The engagement whose report left it out.
    pub engagement: EngagementId,
}

/// Whether important TLPT findings reach management, across the programme's engagements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CultureFacts {
    /// The engagements looked at (none: no data).
    pub engagements: Vec<EngagementId>,
    /// When the latest of them ended.
    pub latest_tested_on: NaiveDate,
    /// Recurring findings omitted from management reports.
    pub recurring_omitted: Vec<OmittedFinding>,
    /// Engagements whose management report said only "the result was good".
    pub good_result_only: Vec<EngagementId>,
}

/// One impact tolerance of a service.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ToleranceFacts {
    /// Maximum tolerable duration, minutes.
    pub max_duration_minutes: f64,
    /// Recovery level objective, percent, if set.
    pub rlo_percent: Option<f64>,
}

/// A resource a service cannot do without, and its BCP recovery time objective.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResourceRto {
    /// The resource's id.
    pub resource: String,
    /// RTO in minutes, if recorded.
    pub rto_minutes: Option<f64>,
}

/// One important business service as the map records it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceFacts {
    /// The service's id.
    pub service: String,
    /// Its impact tolerances.
    pub tolerances: Vec<ToleranceFacts>,
    /// Date of its next review.
    pub next_review: NaiveDate,
    /// Resources it depends on, directly or not.
    pub mapped_resources: usize,
    /// Its single points of failure with their RTO (`ServiceSpofs::resources` with `Resource::rto_minutes`).
    pub critical_resources: Vec<ResourceRto>,
}

/// A stress scenario and its latest run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScenarioFacts {
    /// The scenario's id.
    pub scenario: String,
    /// When it was last run, if ever.
    pub last_run: Option<NaiveDate>,
}

/// What the register knows about operational resilience.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResilienceFacts {
    /// When the map was read.
    pub as_of: NaiveDate,
    /// Important business services.
    pub services: Vec<ServiceFacts>,
    /// Stress scenarios defined for them.
    pub scenarios: Vec<ScenarioFacts>,
}

/// A result proposed for one requirement, with why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposal {
    /// The requirement's id.
    pub requirement: String,
    /// The proposed result (met, partly met or not met; never not applicable).
    pub proposed: ResultCode,
    /// Why, one reason per fact used, in Japanese and English.
    pub reasons: Vec<Bilingual>,
    /// Ids of the records used (incidents, scenarios, resources, engagements, findings, services).
    pub records: Vec<String>,
    /// When it was derived.
    pub derived_on: NaiveDate,
    /// Whether some fact used is older than its threshold (a reason says which).
    pub stale: bool,
}

impl Proposal {
    /// What the assessor sees, for [`crate::EntryRecord::validate`].
    pub fn seen(&self) -> ProposalSeen {
        ProposalSeen { proposed: self.proposed, derived_on: self.derived_on }
    }
}

/// Proposes a result for every assessable requirement the facts answer, in framework order.
pub fn derive(framework: &Framework, facts: &Facts, today: NaiveDate) -> Vec<Proposal> {
    framework.assessable().filter_map(|r| propose(r, facts, today)).collect()
}

/// One requirement: every link judged, the weakest decides. A "met" is proposed only when every link
/// had data; a gap found by one link stands whatever the others lack.
fn propose(r: &Requirement, facts: &Facts, today: NaiveDate) -> Option<Proposal> {
    let mut links: Vec<(Bilingual, Option<Judgement>)> = Vec::new();
    for &t in &r.trends {
        links.push((
            t2(
                format!("障害傾向 {}（{}）", t.code(), t.label(Lang::Ja)),
                format!("Trend {} ({})", t.code(), t.label(Lang::En)),
            ),
            facts.incidents.as_ref().map(|f| trend(t, f, today)),
        ));
    }
    for &topic in &r.topics {
        let j = match topic {
            Topic::Redundancy => facts.redundancy.as_ref().map(|f| redundancy(f, today)),
            Topic::StorageCapacity => facts.capacity.as_ref().map(|f| capacity(f, today)),
            Topic::ThirdParty => facts.third_party.as_ref().map(|f| third_party(f, today)),
            Topic::TlptCulture => facts.culture.as_ref().and_then(|f| culture(f, today)),
        };
        links.push((label(topic.label(Lang::Ja), topic.label(Lang::En)), j));
    }
    for &c in &r.practice_checks {
        links.push((
            label(c.label(Lang::Ja), c.label(Lang::En)),
            facts.tlpt.as_ref().and_then(|f| practice_check(c, f, today)),
        ));
    }
    if let Some(a) = r.basic_action {
        links.push((
            label(a.label(Lang::Ja), a.label(Lang::En)),
            facts.resilience.as_ref().map(|f| basic_action(a, f, today)),
        ));
    }
    let mut out = Judgement::met();
    let mut judged = 0;
    let mut missing = false;
    for (name, j) in links {
        match j {
            Some(j) => {
                judged += 1;
                out.merge(j);
            }
            None => {
                missing = true;
                out.reasons.push(t2(
                    format!("{}：登録簿にデータがありません（判定に使っていません）。", name.ja.unwrap_or_default()),
                    format!("{}: no data in the register (not used).", name.en.unwrap_or_default()),
                ));
            }
        }
    }
    if judged == 0 || (missing && out.result == ResultCode::Met) {
        return None;
    }
    Some(Proposal {
        requirement: r.id.clone(),
        proposed: out.result,
        reasons: out.reasons,
        records: out.records.into_iter().collect(),
        derived_on: today,
        stale: out.stale,
    })
}

/// The judgement of one link: a result that only ever gets weaker, its reasons and records.
#[derive(Debug, Clone, PartialEq)]
struct Judgement {
    result: ResultCode,
    reasons: Vec<Bilingual>,
    records: BTreeSet<String>,
    stale: bool,
}

/// Weakness order: not met < partly met < met (not applicable is never proposed).
fn strength(c: ResultCode) -> u8 {
    match c {
        ResultCode::NotMet => 0,
        ResultCode::PartlyMet => 1,
        ResultCode::Met | ResultCode::NotApplicable => 2,
    }
}

impl Judgement {
    fn met() -> Judgement {
        Judgement { result: ResultCode::Met, reasons: Vec::new(), records: BTreeSet::new(), stale: false }
    }

    /// A finding that caps the result at `at_most`.
    fn gap(&mut self, at_most: ResultCode, reason: Bilingual) {
        if strength(at_most) < strength(self.result) {
            self.result = at_most;
        }
        self.reasons.push(reason);
    }

    /// A reason that does not change the result.
    fn note(&mut self, reason: Bilingual) {
        self.reasons.push(reason);
    }

    fn cite<S: AsRef<str>>(&mut self, ids: impl IntoIterator<Item = S>) {
        self.records.extend(ids.into_iter().map(|s| s.as_ref().to_string()));
    }

    /// Marks the judgement stale when `date` is older than `months` before `today`.
    fn age(&mut self, date: NaiveDate, months: u32, today: NaiveDate, what: (&str, &str)) {
        if older_than(date, months, today) {
            self.stale = true;
            self.note(t2(
                format!("{}は{}（{}か月超前）のもので、古くなっています。", what.0, date, months),
                format!("{} dates from {} (more than {} months ago): stale.", what.1, date, months),
            ));
        }
    }

    fn merge(&mut self, other: Judgement) {
        if strength(other.result) < strength(self.result) {
            self.result = other.result;
        }
        self.reasons.extend(other.reasons);
        self.records.extend(other.records);
        self.stale |= other.stale;
    }
}

fn older_than(date: NaiveDate, months: u32, today: NaiveDate) -> bool {
    today.checked_sub_months(Months::new(months)).is_some_and(|cut| date < cut)
}

fn t2(ja: String, en: String) -> Bilingual {
    Bilingual::both(ja, en)
}

fn label(ja: &str, en: &str) -> Bilingual {
    Bilingual::both(ja, en)
}

/// How many ids a reason names before it says "… and N more": a reason is read by a person, and
/// every id used is still in the proposal's `records`.
const LISTED: usize = 10;

fn list<S: AsRef<str>>(ids: impl IntoIterator<Item = S>) -> String {
    let all: Vec<String> = ids.into_iter().map(|s| s.as_ref().to_string()).collect();
    match all.len().checked_sub(LISTED) {
        Some(more) if more > 0 => format!("{}, … (+{more})", all[..LISTED].join(", ")),
        _ => all.join(", "),
    }
}

/// Trend challenge: met when the trend did not occur in the period; partly met when it occurred
/// without recurring (or recurred with limited or unknown impact); not met when it recurred with an
/// incident on a critical or high-criticality system.
fn trend(t: Trend, f: &IncidentFacts, today: NaiveDate) -> Judgement {
    let mut j = Judgement::met();
    let (from, to) = (f.period.from, f.period.to);
    let of_trend: Vec<&PeriodIncident> =
        f.incidents.iter().filter(|i| i.trend == t && (f.period.from..=f.period.to).contains(&i.occurred_on)).collect();
    let code = t.code();
    if of_trend.is_empty() {
        j.note(t2(
            format!("{from}〜{to}に障害傾向 {code} のインシデントはありません。"),
            format!("No incident of trend {code} from {from} to {to}."),
        ));
    } else {
        j.cite(of_trend.iter().map(|i| i.reference.as_str()));
        let n = of_trend.len();
        let dated = list(of_trend.iter().map(|i| format!("{} {}", i.reference.as_str(), i.occurred_on)));
        j.gap(
            ResultCode::PartlyMet,
            t2(
                format!("{from}〜{to}に障害傾向 {code} のインシデントが{n}件あります（{dated}）。"),
                format!("{n} incident(s) of trend {code} from {from} to {to} ({dated})."),
            ),
        );
        let by_reference: std::collections::HashMap<&IncidentRef, &PeriodIncident> =
            of_trend.iter().map(|i| (&i.reference, *i)).collect();
        for chain in &f.chains {
            // Only members that are incidents of this trend in the period count: a chain reaching
            // outside the period, or through other trends, is not this trend recurring now.
            let members: Vec<&PeriodIncident> = chain.iter().filter_map(|r| by_reference.get(r).copied()).collect();
            if members.len() < 2 {
                continue;
            }
            let ids: Vec<&str> = members.iter().map(|i| i.reference.as_str()).collect();
            let worst = members.iter().filter_map(|i| i.impact).min();
            let unknown = members.iter().any(|i| i.impact.is_none());
            let (at_most, ja, en) = match worst {
                Some(c @ (Criticality::Critical | Criticality::High)) => (
                    ResultCode::NotMet,
                    format!("重要度「{}」のシステムに影響", c.label(Lang::Ja)),
                    format!("affecting a system of criticality {}", c.label(Lang::En)),
                ),
                _ if unknown => (
                    ResultCode::PartlyMet,
                    "影響したシステムの重要度が一部未記録".to_string(),
                    "criticality of affected systems partly not recorded".to_string(),
                ),
                _ => (
                    ResultCode::PartlyMet,
                    "影響は限定的なシステムのみ".to_string(),
                    "affecting only systems of limited criticality".to_string(),
                ),
            };
            j.gap(
                at_most,
                t2(
                    format!("障害傾向 {code} が再発しています：{}件の連鎖（{}）、{ja}。", ids.len(), list(&ids)),
                    format!("Trend {code} recurred: a chain of {} ({}), {en}.", ids.len(), list(&ids)),
                ),
            );
        }
    }
    j.age(f.as_of, INCIDENTS_STALE_AFTER_MONTHS, today, ("インシデントの集計", "The incident count"));
    j
}

/// Redundancy: not met when the latest run of a failover scenario failed to switch over or a
/// redundancy incident occurred; partly met with soft single points of failure or no failover run.
fn redundancy(f: &RedundancyFacts, today: NaiveDate) -> Judgement {
    let mut j = Judgement::met();
    let latest = latest_by_scenario(f.failover_runs.iter().map(|r| (r.scenario.as_str(), r.ran_on, r)));
    if latest.is_empty() {
        j.gap(
            ResultCode::PartlyMet,
            t2(
                "切替えを確かめたフェイルオーバーのシナリオ実施記録がありません。".into(),
                "No failover scenario run shows a switchover was tried.".into(),
            ),
        );
    }
    for run in &latest {
        j.cite([&run.scenario]);
        if run.switchover_worked {
            j.note(t2(
                format!("シナリオ {} （{}実施）で切替えが機能しました。", run.scenario, run.ran_on),
                format!("Scenario {} (run {}): the switchover worked.", run.scenario, run.ran_on),
            ));
        } else {
            j.gap(
                ResultCode::NotMet,
                t2(
                    format!("シナリオ {} （{}実施）で切替えが機能しませんでした。", run.scenario, run.ran_on),
                    format!("Scenario {} (run {}): the switchover did not work.", run.scenario, run.ran_on),
                ),
            );
        }
        j.age(
            run.ran_on,
            SCENARIO_RUN_STALE_AFTER_MONTHS,
            today,
            (&format!("シナリオ {} の実施", run.scenario), &format!("The run of scenario {}", run.scenario)),
        );
    }
    if !f.soft_spofs.is_empty() {
        j.cite(&f.soft_spofs);
        j.gap(
            ResultCode::PartlyMet,
            t2(
                format!(
                    "切替えが機能しないおそれのある冗長構成が{}件あります（{}）。",
                    f.soft_spofs.len(),
                    list(&f.soft_spofs)
                ),
                format!(
                    "{} redundant group(s) whose switchover may not work ({}).",
                    f.soft_spofs.len(),
                    list(&f.soft_spofs)
                ),
            ),
        );
    }
    if !f.incidents.is_empty() {
        let refs: Vec<&str> = f.incidents.iter().map(|r| r.as_str()).collect();
        j.cite(&refs);
        j.gap(
            ResultCode::NotMet,
            t2(
                format!("冗長構成が機能しなかったインシデントが{}件あります（{}）。", refs.len(), list(&refs)),
                format!("{} incident(s) where redundancy did not work ({}).", refs.len(), list(&refs)),
            ),
        );
    }
    j.age(f.as_of, MAP_STALE_AFTER_MONTHS, today, ("依存関係マップ", "The dependency map"));
    j
}

/// The latest run of each scenario, in scenario order.
fn latest_by_scenario<'a, T>(runs: impl Iterator<Item = (&'a str, NaiveDate, &'a T)>) -> Vec<&'a T> {
    let mut best: std::collections::BTreeMap<&str, (NaiveDate, &T)> = std::collections::BTreeMap::new();
    for (id, on, run) in runs {
        if best.get(id).is_none_or(|(d, _)| on > *d) {
            best.insert(id, (on, run));
        }
    }
    best.into_values().map(|(_, r)| r).collect()
}

/// Storage and capacity: not met when headroom runs out within [`EXHAUSTION_URGENT_DAYS`] or a
/// storage/capacity incident occurred; partly met when it runs out within [`EXHAUSTION_WITHIN_DAYS`],
/// an exhaustion scenario breached a tolerance, none was run, or no resource has capacity recorded.
fn capacity(f: &CapacityFacts, today: NaiveDate) -> Judgement {
    let mut j = Judgement::met();
    if f.readings.is_empty() {
        j.gap(
            ResultCode::PartlyMet,
            t2(
                "容量（残量・増加量）を記録した経営資源がありません。".into(),
                "No resource has its capacity (headroom and growth) recorded.".into(),
            ),
        );
    }
    let mut urgent = Vec::new();
    let mut within = Vec::new();
    for r in &f.readings {
        match r.days_left() {
            Some(d) if d < EXHAUSTION_URGENT_DAYS => urgent.push((r.resource.as_str(), d)),
            Some(d) if d < EXHAUSTION_WITHIN_DAYS => within.push((r.resource.as_str(), d)),
            _ => {}
        }
    }
    let days = |v: &[(&str, f64)], ja: bool| {
        v.iter()
            .map(|(id, d)| if ja { format!("{id}：約{d:.0}日") } else { format!("{id}: about {d:.0} days") })
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !urgent.is_empty() {
        j.cite(urgent.iter().map(|(id, _)| *id));
        j.gap(
            ResultCode::NotMet,
            t2(
                format!(
                    "{}日以内に容量を使い切る経営資源があります（{}）。",
                    EXHAUSTION_URGENT_DAYS,
                    days(&urgent, true)
                ),
                format!("Headroom runs out within {} days ({}).", EXHAUSTION_URGENT_DAYS, days(&urgent, false)),
            ),
        );
    }
    if !within.is_empty() {
        j.cite(within.iter().map(|(id, _)| *id));
        j.gap(
            ResultCode::PartlyMet,
            t2(
                format!(
                    "{}日以内に容量を使い切る経営資源があります（{}）。",
                    EXHAUSTION_WITHIN_DAYS,
                    days(&within, true)
                ),
                format!("Headroom runs out within {} days ({}).", EXHAUSTION_WITHIN_DAYS, days(&within, false)),
            ),
        );
    }
    if !f.readings.is_empty() && urgent.is_empty() && within.is_empty() {
        j.cite(f.readings.iter().map(|r| r.resource.as_str()));
        j.note(t2(
            format!("{}件の経営資源で{}日以内の容量枯渇は見込まれません。", f.readings.len(), EXHAUSTION_WITHIN_DAYS),
            format!("None of {} resource(s) runs out within {} days.", f.readings.len(), EXHAUSTION_WITHIN_DAYS),
        ));
    }
    let latest = latest_by_scenario(f.exhaustion_runs.iter().map(|r| (r.scenario.as_str(), r.ran_on, r)));
    if latest.is_empty() {
        j.gap(
            ResultCode::PartlyMet,
            t2(
                "容量枯渇シナリオの実施記録がありません。".into(),
                "No capacity-exhaustion scenario has been run.".into(),
            ),
        );
    }
    for run in &latest {
        j.cite([&run.scenario]);
        if run.breach {
            j.gap(
                ResultCode::PartlyMet,
                t2(
                    format!("容量枯渇シナリオ {} （{}実施）で耐性度を超えました。", run.scenario, run.ran_on),
                    format!("Exhaustion scenario {} (run {}) breached a tolerance.", run.scenario, run.ran_on),
                ),
            );
        } else {
            j.note(t2(
                format!("容量枯渇シナリオ {} （{}実施）は耐性度内でした。", run.scenario, run.ran_on),
                format!("Exhaustion scenario {} (run {}) stayed within tolerance.", run.scenario, run.ran_on),
            ));
        }
        j.age(
            run.ran_on,
            SCENARIO_RUN_STALE_AFTER_MONTHS,
            today,
            (&format!("シナリオ {} の実施", run.scenario), &format!("The run of scenario {}", run.scenario)),
        );
    }
    if !f.incidents.is_empty() {
        let refs: Vec<&str> = f.incidents.iter().map(|r| r.as_str()).collect();
        j.cite(&refs);
        j.gap(
            ResultCode::NotMet,
            t2(
                format!("記憶領域・取引量に起因するインシデントが{}件あります（{}）。", refs.len(), list(&refs)),
                format!("{} storage or capacity incident(s) ({}).", refs.len(), list(&refs)),
            ),
        );
    }
    j.age(f.as_of, CAPACITY_STALE_AFTER_MONTHS, today, ("容量の計測", "The capacity reading"));
    j
}

/// Third parties: not met when a provider without substitute was involved in an incident; partly met
/// for a high concentration, a provider without substitute, or a vendor incident.
fn third_party(f: &ThirdPartyFacts, today: NaiveDate) -> Judgement {
    let mut j = Judgement::met();
    let hhi = f.hhi.value();
    if hhi > HIGH_CONCENTRATION_HHI {
        j.gap(
            ResultCode::PartlyMet,
            t2(
                format!("委託先の集中度（HHI）が{hhi:.0}で、{HIGH_CONCENTRATION_HHI:.0}を超えています。"),
                format!("Third-party concentration (HHI) is {hhi:.0}, above {HIGH_CONCENTRATION_HHI:.0}."),
            ),
        );
    } else {
        j.note(t2(
            format!("委託先の集中度（HHI）は{hhi:.0}です。"),
            format!("Third-party concentration (HHI) is {hhi:.0}."),
        ));
    }
    for n in &f.no_substitute {
        j.cite([&n.provider]);
        j.cite(&n.services);
        j.gap(
            ResultCode::PartlyMet,
            t2(
                format!("代替のない委託先 {} に依存するサービスがあります（{}）。", n.provider, list(&n.services)),
                format!("Services depend on {} with no substitute ({}).", n.provider, list(&n.services)),
            ),
        );
    }
    for v in &f.vendor_incidents {
        j.cite([v.incident.as_str(), v.provider.as_str()]);
        let irreplaceable = f.no_substitute.iter().any(|n| n.provider == v.provider);
        let (at_most, ja, en) = if irreplaceable {
            (ResultCode::NotMet, "（代替のない委託先）", " (a provider with no substitute)")
        } else {
            (ResultCode::PartlyMet, "", "")
        };
        j.gap(
            at_most,
            t2(
                format!("委託先 {}{ja} が関与したインシデント {} があります。", v.provider, v.incident.as_str()),
                format!("Incident {} involved {}{en}.", v.incident.as_str(), v.provider),
            ),
        );
    }
    j.age(f.as_of, MAP_STALE_AFTER_MONTHS, today, ("集中度の分析", "The concentration analysis"));
    j
}

/// A practice check of the latest engagement: good is met; insufficient is not met for a shortcoming or
/// an important element, partly met for a good practice not followed; not enough data gives nothing.
fn practice_check(c: CheckId, f: &TlptFacts, today: NaiveDate) -> Option<Judgement> {
    let r = f.checks.iter().find(|x| x.check == c)?;
    let mut j = Judgement::met();
    let e = f.engagement.to_string();
    let evidence = |x: &Bilingual, lang: Lang| x.get(lang).to_string();
    match r.verdict {
        Verdict::NotEnoughData => return None,
        Verdict::Good => j.note(t2(
            format!("{} の「{}」は良好：{}", e, c.label(Lang::Ja), evidence(&r.evidence, Lang::Ja)),
            format!("{} \"{}\" good: {}", e, c.label(Lang::En), evidence(&r.evidence, Lang::En)),
        )),
        Verdict::Insufficient => {
            let at_most = match r.side {
                Side::Shortcoming | Side::ImportantElement => ResultCode::NotMet,
                Side::GoodPractice | Side::Expectation => ResultCode::PartlyMet,
            };
            j.gap(
                at_most,
                t2(
                    format!("{} の「{}」は不十分：{}", e, c.label(Lang::Ja), evidence(&r.evidence, Lang::Ja)),
                    format!("{} \"{}\" insufficient: {}", e, c.label(Lang::En), evidence(&r.evidence, Lang::En)),
                ),
            );
        }
    }
    j.cite([&e]);
    j.age(f.tested_on, TLPT_STALE_AFTER_YEARS * 12, today, (&format!("TLPT {e}"), &format!("TLPT engagement {e}")));
    Some(j)
}

/// TLPT culture: not met when a recurring finding was left out of a management report or a report said
/// only "the result was good"; met otherwise. No engagement looked at gives nothing.
fn culture(f: &CultureFacts, today: NaiveDate) -> Option<Judgement> {
    if f.engagements.is_empty() {
        return None;
    }
    let mut j = Judgement::met();
    let engagements: Vec<String> = f.engagements.iter().map(|e| e.to_string()).collect();
    j.cite(&engagements);
    for o in &f.recurring_omitted {
        let (fi, en) = (o.finding.to_string(), o.engagement.to_string());
        j.cite([&fi, &en]);
        j.gap(
            ResultCode::NotMet,
            t2(
                format!("繰り返し検出された課題 {fi} が {en} の経営陣への報告から省略されています。"),
                format!("Recurring finding {fi} was left out of the management report of {en}."),
            ),
        );
    }
    for e in &f.good_result_only {
        let e = e.to_string();
        j.cite([&e]);
        j.gap(
            ResultCode::NotMet,
            t2(
                format!("{e} の経営陣への報告は「良好な結果であった」のみでした。"),
                format!("The management report of {e} said only \"the result was good\"."),
            ),
        );
    }
    if f.recurring_omitted.is_empty() && f.good_result_only.is_empty() {
        j.note(t2(
            format!(
                "{}件のTLPT（{}）で、繰り返しの課題の省略も「良好な結果」のみの報告もありません。",
                engagements.len(),
                list(&engagements)
            ),
            format!(
                "In {} TLPT engagement(s) ({}), no recurring finding was omitted and no report said only \"good\".",
                engagements.len(),
                list(&engagements)
            ),
        ));
    }
    j.age(f.latest_tested_on, TLPT_STALE_AFTER_YEARS * 12, today, ("最新のTLPT", "The latest TLPT engagement"));
    Some(j)
}

/// The four basic actions of operational resilience, each from the map's services and scenarios.
fn basic_action(a: BasicAction, f: &ResilienceFacts, today: NaiveDate) -> Judgement {
    let mut j = Judgement::met();
    let ids = |v: &[&ServiceFacts]| v.iter().map(|s| s.service.clone()).collect::<Vec<_>>();
    if f.services.is_empty() {
        j.gap(
            ResultCode::NotMet,
            t2("重要な業務が一つも特定されていません。".into(), "No important business service is identified.".into()),
        );
    }
    match a {
        BasicAction::IdentifyImportantBusiness => {
            let overdue: Vec<&ServiceFacts> = f.services.iter().filter(|s| s.next_review < today).collect();
            j.cite(f.services.iter().map(|s| s.service.as_str()));
            if !f.services.is_empty() {
                j.note(t2(
                    format!("重要な業務が{}件特定されています。", f.services.len()),
                    format!("{} important business service(s) identified.", f.services.len()),
                ));
            }
            if !overdue.is_empty() {
                j.gap(
                    ResultCode::PartlyMet,
                    t2(
                        format!("見直し期限を過ぎた重要な業務があります（{}）。", list(ids(&overdue))),
                        format!("Services past their review date ({}).", list(ids(&overdue))),
                    ),
                );
            }
        }
        BasicAction::SetImpactTolerance => {
            let none: Vec<&ServiceFacts> = f.services.iter().filter(|s| s.tolerances.is_empty()).collect();
            let no_rlo: Vec<&ServiceFacts> = f
                .services
                .iter()
                .filter(|s| !s.tolerances.is_empty() && s.tolerances.iter().any(|t| t.rlo_percent.is_none()))
                .collect();
            j.cite(f.services.iter().map(|s| s.service.as_str()));
            if !none.is_empty() {
                j.gap(
                    ResultCode::NotMet,
                    t2(
                        format!("耐性度が設定されていない重要な業務があります（{}）。", list(ids(&none))),
                        format!("Services without an impact tolerance ({}).", list(ids(&none))),
                    ),
                );
            }
            if !no_rlo.is_empty() {
                j.gap(
                    ResultCode::PartlyMet,
                    t2(
                        format!("RLO（目標復旧水準）のない耐性度があります（{}）。", list(ids(&no_rlo))),
                        format!("Tolerances without a recovery level objective ({}).", list(ids(&no_rlo))),
                    ),
                );
            }
            for s in &f.services {
                // A tolerance shorter than the BCP RTO of a resource the service cannot do without is not
                // tied to the BCP: the plan itself would breach it.
                let Some(shortest) = s.tolerances.iter().map(|t| t.max_duration_minutes).reduce(f64::min) else {
                    continue;
                };
                let beyond: Vec<(&str, f64)> = s
                    .critical_resources
                    .iter()
                    .filter_map(|r| r.rto_minutes.filter(|m| *m > shortest).map(|m| (r.resource.as_str(), m)))
                    .collect();
                if !beyond.is_empty() {
                    let names: Vec<String> = beyond.iter().map(|(r, m)| format!("{r} {m:.0} min")).collect();
                    j.cite(beyond.iter().map(|(r, _)| *r));
                    j.gap(
                        ResultCode::PartlyMet,
                        t2(
                            format!(
                                "{} の耐性度（{shortest:.0}分）がBCPのRTOより短い経営資源があります（{}）。",
                                s.service,
                                list(&names)
                            ),
                            format!(
                                "{}'s tolerance ({shortest:.0} min) is shorter than the BCP RTO of {}.",
                                s.service,
                                list(&names)
                            ),
                        ),
                    );
                }
                // Without an RTO the tolerance cannot be checked against the BCP at all.
                let no_rto: Vec<&str> = s
                    .critical_resources
                    .iter()
                    .filter(|r| r.rto_minutes.is_none())
                    .map(|r| r.resource.as_str())
                    .collect();
                if !no_rto.is_empty() {
                    j.cite(&no_rto);
                    j.gap(
                        ResultCode::PartlyMet,
                        t2(
                            format!("{} が依存する経営資源にRTOの記録がありません（{}）。", s.service, list(&no_rto)),
                            format!(
                                "Resources {} cannot do without have no RTO recorded ({}).",
                                s.service,
                                list(&no_rto)
                            ),
                        ),
                    );
                }
            }
        }
        BasicAction::MapInterconnections => {
            let unmapped: Vec<&ServiceFacts> = f.services.iter().filter(|s| s.mapped_resources == 0).collect();
            j.cite(f.services.iter().map(|s| s.service.as_str()));
            if unmapped.is_empty() && !f.services.is_empty() {
                j.note(t2(
                    format!("{}件の重要な業務すべてに経営資源がマッピングされています。", f.services.len()),
                    format!("All {} important business service(s) are mapped to resources.", f.services.len()),
                ));
            }
            if !unmapped.is_empty() {
                j.gap(
                    ResultCode::NotMet,
                    t2(
                        format!("経営資源がマッピングされていない重要な業務があります（{}）。", list(ids(&unmapped))),
                        format!("Services not mapped to any resource ({}).", list(ids(&unmapped))),
                    ),
                );
            }
        }
        BasicAction::VerifyAndAct => {
            if f.scenarios.is_empty() {
                j.gap(
                    ResultCode::NotMet,
                    t2("ストレスシナリオが定義されていません。".into(), "No stress scenario is defined.".into()),
                );
            }
            j.cite(f.scenarios.iter().map(|s| s.scenario.as_str()));
            let not_recent: Vec<&str> = f
                .scenarios
                .iter()
                .filter(|s| s.last_run.is_none_or(|d| older_than(d, SCENARIO_RUN_STALE_AFTER_MONTHS, today)))
                .map(|s| s.scenario.as_str())
                .collect();
            if !not_recent.is_empty() {
                j.gap(
                    ResultCode::PartlyMet,
                    t2(
                        format!(
                            "{}か月以内に実施されていないシナリオがあります（{}）。",
                            SCENARIO_RUN_STALE_AFTER_MONTHS,
                            list(&not_recent)
                        ),
                        format!(
                            "Scenarios not run in the last {} months ({}).",
                            SCENARIO_RUN_STALE_AFTER_MONTHS,
                            list(&not_recent)
                        ),
                    ),
                );
            } else if !f.scenarios.is_empty() {
                j.note(t2(
                    format!(
                        "{}件のシナリオすべてが{}か月以内に実施されています。",
                        f.scenarios.len(),
                        SCENARIO_RUN_STALE_AFTER_MONTHS
                    ),
                    format!(
                        "All {} scenario(s) were run in the last {} months.",
                        f.scenarios.len(),
                        SCENARIO_RUN_STALE_AFTER_MONTHS
                    ),
                ));
            }
        }
    }
    j.age(f.as_of, MAP_STALE_AFTER_MONTHS, today, ("依存関係マップ", "The dependency map"));
    j
}

impl Facts {
    /// Every record id the facts hold, so a caller can check a proposal cites only these.
    pub fn record_ids(&self) -> BTreeSet<String> {
        let mut ids = BTreeSet::new();
        let mut add = |s: &str| {
            ids.insert(s.to_string());
        };
        if let Some(f) = &self.incidents {
            f.incidents.iter().for_each(|i| add(i.reference.as_str()));
            f.chains.iter().flatten().for_each(|r| add(r.as_str()));
        }
        if let Some(f) = &self.redundancy {
            f.failover_runs.iter().for_each(|r| add(&r.scenario));
            f.soft_spofs.iter().for_each(|s| add(s));
            f.incidents.iter().for_each(|r| add(r.as_str()));
        }
        if let Some(f) = &self.capacity {
            f.readings.iter().for_each(|r| add(&r.resource));
            f.exhaustion_runs.iter().for_each(|r| add(&r.scenario));
            f.incidents.iter().for_each(|r| add(r.as_str()));
        }
        if let Some(f) = &self.third_party {
            for n in &f.no_substitute {
                add(&n.provider);
                n.services.iter().for_each(|s| add(s));
            }
            for v in &f.vendor_incidents {
                add(v.incident.as_str());
                add(&v.provider);
            }
        }
        if let Some(f) = &self.tlpt {
            add(&f.engagement.to_string());
        }
        if let Some(f) = &self.culture {
            f.engagements.iter().chain(&f.good_result_only).for_each(|e| add(&e.to_string()));
            for o in &f.recurring_omitted {
                add(&o.finding.to_string());
                add(&o.engagement.to_string());
            }
        }
        if let Some(f) = &self.resilience {
            for s in &f.services {
                add(&s.service);
                s.critical_resources.iter().for_each(|r| add(&r.resource));
            }
            f.scenarios.iter().for_each(|s| add(&s.scenario));
        }
        ids
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn inc(r: &str) -> IncidentRef {
        IncidentRef::parse(r).unwrap()
    }

    const TODAY: (i32, u32, u32) = (2026, 12, 1);

    #[test]
    fn a_reason_names_ten_ids_and_counts_the_rest() {
        let ids: Vec<String> = (1..=12).map(|i| format!("R-{i}")).collect();
        let text = list(&ids);
        assert!(text.starts_with("R-1, R-2,") && text.contains("R-10, … (+2)") && !text.contains("R-11"), "{text}");
        assert_eq!(list(&ids[..10]), ids[..10].join(", "), "ten are listed whole");
    }

    fn today() -> NaiveDate {
        day(TODAY.0, TODAY.1, TODAY.2)
    }

    fn incidents(list: &[(&str, Trend, Option<Criticality>)], chains: &[&[&str]]) -> IncidentFacts {
        IncidentFacts {
            as_of: day(2026, 11, 30),
            period: Period::new(day(2026, 4, 1), day(2026, 11, 30)).unwrap(),
            incidents: list
                .iter()
                .map(|(r, t, c)| PeriodIncident {
                    reference: inc(r),
                    occurred_on: day(2026, 5, 1),
                    trend: *t,
                    impact: *c,
                })
                .collect(),
            chains: chains.iter().map(|c| c.iter().map(|r| inc(r)).collect()).collect(),
        }
    }

    fn all_text(j: &Judgement) -> String {
        j.reasons.iter().map(|r| r.all()).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn a_period_cannot_end_before_it_starts() {
        assert_eq!(
            Period::new(day(2026, 2, 1), day(2026, 1, 1)),
            Err(FactsError::PeriodReversed { from: day(2026, 2, 1), to: day(2026, 1, 1) })
        );
        assert!(Hhi::new(10_000.5).is_err() && Hhi::new(f64::NAN).is_err() && Hhi::new(0.0).is_ok());
        assert!(CapacityReading::new("db", f64::INFINITY, 1.0).is_err());
    }

    #[test]
    fn a_trend_without_incidents_is_met_and_a_serious_recurrence_is_not() {
        let f = incidents(&[("INC-1", Trend::WorkMisoperation, Some(Criticality::Low))], &[]);
        let j = trend(Trend::OperationsStorage, &f, today());
        assert_eq!(j.result, ResultCode::Met);
        assert!(j.records.is_empty() && !j.stale);
        assert!(all_text(&j).contains("No incident of trend operations.storage from 2026-04-01 to 2026-11-30"));

        let f = incidents(
            &[
                ("INC-1", Trend::OperationsStorage, Some(Criticality::Low)),
                ("INC-2", Trend::OperationsStorage, Some(Criticality::Critical)),
                ("INC-3", Trend::WorkMisoperation, Some(Criticality::Critical)),
            ],
            &[&["INC-1", "INC-2"]],
        );
        let j = trend(Trend::OperationsStorage, &f, today());
        assert_eq!(j.result, ResultCode::NotMet);
        assert_eq!(j.records.iter().collect::<Vec<_>>(), ["INC-1", "INC-2"]);
        assert!(all_text(&j).contains("recurred: a chain of 2 (INC-1, INC-2)"), "{}", all_text(&j));
    }

    #[test]
    fn a_single_incident_or_a_minor_recurrence_is_partly_met() {
        let f = incidents(&[("INC-1", Trend::OperationsStorage, Some(Criticality::High))], &[]);
        assert_eq!(trend(Trend::OperationsStorage, &f, today()).result, ResultCode::PartlyMet);
        let f = incidents(
            &[
                ("INC-1", Trend::OperationsStorage, Some(Criticality::Low)),
                ("INC-2", Trend::OperationsStorage, Some(Criticality::Medium)),
            ],
            &[&["INC-1", "INC-2"]],
        );
        assert_eq!(trend(Trend::OperationsStorage, &f, today()).result, ResultCode::PartlyMet);
        // A chain through another trend is not this trend recurring.
        let f = incidents(
            &[
                ("INC-1", Trend::OperationsStorage, Some(Criticality::Critical)),
                ("INC-2", Trend::WorkMisoperation, Some(Criticality::Critical)),
            ],
            &[&["INC-1", "INC-2"]],
        );
        let j = trend(Trend::OperationsStorage, &f, today());
        assert_eq!(j.result, ResultCode::PartlyMet);
        assert!(!all_text(&j).contains("recurred"));
    }

    #[test]
    fn an_incident_outside_the_period_is_not_counted() {
        let mut f = incidents(&[("INC-1", Trend::CyberDdos, Some(Criticality::High))], &[]);
        f.incidents[0].occurred_on = day(2026, 3, 31);
        let j = trend(Trend::CyberDdos, &f, today());
        assert_eq!(j.result, ResultCode::Met);
        f.incidents[0].occurred_on = day(2026, 4, 1);
        let j = trend(Trend::CyberDdos, &f, today());
        assert_eq!(j.result, ResultCode::PartlyMet);
        assert!(all_text(&j).contains("(INC-1 2026-04-01)"), "{}", all_text(&j));
    }

    #[test]
    fn an_old_incident_count_is_stale() {
        let mut f = incidents(&[], &[]);
        f.as_of = day(2026, 6, 1);
        let j = trend(Trend::CyberDdos, &f, today());
        assert!(j.stale);
        assert!(all_text(&j).contains("2026-06-01"));
    }

    fn redundancy_facts(worked: bool, ran_on: NaiveDate) -> RedundancyFacts {
        RedundancyFacts {
            as_of: day(2026, 11, 1),
            failover_runs: vec![
                FailoverRun { scenario: "SC-DR".into(), ran_on: day(2020, 1, 1), switchover_worked: !worked },
                FailoverRun { scenario: "SC-DR".into(), ran_on, switchover_worked: worked },
            ],
            soft_spofs: vec![],
            incidents: vec![],
        }
    }

    #[test]
    fn redundancy_is_judged_on_the_latest_run_of_each_scenario() {
        let j = redundancy(&redundancy_facts(true, day(2026, 10, 1)), today());
        assert_eq!(j.result, ResultCode::Met, "{}", all_text(&j));
        assert!(!j.stale);
        let j = redundancy(&redundancy_facts(false, day(2026, 10, 1)), today());
        assert_eq!(j.result, ResultCode::NotMet);
        assert!(all_text(&j).contains("Scenario SC-DR (run 2026-10-01): the switchover did not work"));
    }

    #[test]
    fn soft_spofs_missing_runs_and_incidents_weaken_redundancy() {
        let mut f = redundancy_facts(true, day(2026, 10, 1));
        f.soft_spofs = vec!["fo-core".into()];
        assert_eq!(redundancy(&f, today()).result, ResultCode::PartlyMet);
        f.incidents = vec![inc("INC-9")];
        let j = redundancy(&f, today());
        assert_eq!(j.result, ResultCode::NotMet);
        assert!(j.records.contains("INC-9") && j.records.contains("fo-core"));
        let f = RedundancyFacts { failover_runs: vec![], ..redundancy_facts(true, today()) };
        assert_eq!(redundancy(&f, today()).result, ResultCode::PartlyMet);
    }

    #[test]
    fn a_failover_run_over_a_year_old_is_stale() {
        let j = redundancy(&redundancy_facts(true, day(2025, 11, 30)), today());
        assert!(j.stale);
        assert_eq!(j.result, ResultCode::Met);
        assert!(all_text(&j).contains("The run of scenario SC-DR dates from 2025-11-30"));
        // Exactly twelve months is not yet stale.
        assert!(!redundancy(&redundancy_facts(true, day(2025, 12, 1)), today()).stale);
    }

    fn capacity_facts(days_left: f64) -> CapacityFacts {
        CapacityFacts {
            as_of: day(2026, 11, 20),
            readings: vec![CapacityReading::new("db-main", days_left * 2.0, 2.0).unwrap()],
            exhaustion_runs: vec![ScenarioRun { scenario: "SC-FULL".into(), ran_on: day(2026, 9, 1), breach: false }],
            incidents: vec![],
        }
    }

    #[test]
    fn capacity_follows_days_to_exhaustion() {
        let j = capacity(&capacity_facts(400.0), today());
        assert_eq!(j.result, ResultCode::Met, "{}", all_text(&j));
        assert_eq!(capacity(&capacity_facts(200.0), today()).result, ResultCode::PartlyMet);
        let j = capacity(&capacity_facts(30.0), today());
        assert_eq!(j.result, ResultCode::NotMet);
        assert!(all_text(&j).contains("db-main: about 30 days"), "{}", all_text(&j));
        let still =
            CapacityFacts { readings: vec![CapacityReading::new("db", 1.0, 0.0).unwrap()], ..capacity_facts(400.0) };
        assert_eq!(capacity(&still, today()).result, ResultCode::Met);
    }

    #[test]
    fn exhaustion_runs_and_incidents_weaken_capacity_and_old_readings_are_stale() {
        let mut f = capacity_facts(400.0);
        f.exhaustion_runs[0].breach = true;
        assert_eq!(capacity(&f, today()).result, ResultCode::PartlyMet);
        f.exhaustion_runs.clear();
        assert_eq!(capacity(&f, today()).result, ResultCode::PartlyMet);
        f.incidents.push(inc("INC-7"));
        assert_eq!(capacity(&f, today()).result, ResultCode::NotMet);
        let mut f = capacity_facts(400.0);
        f.as_of = day(2026, 8, 1);
        let j = capacity(&f, today());
        assert!(j.stale && all_text(&j).contains("The capacity reading dates from 2026-08-01"));
    }

    fn third_party_facts(hhi: f64) -> ThirdPartyFacts {
        ThirdPartyFacts {
            as_of: day(2026, 10, 1),
            hhi: Hhi::new(hhi).unwrap(),
            no_substitute: vec![],
            vendor_incidents: vec![],
        }
    }

    #[test]
    fn third_party_weighs_concentration_substitutes_and_vendor_incidents() {
        let j = third_party(&third_party_facts(1200.0), today());
        assert_eq!(j.result, ResultCode::Met);
        assert!(all_text(&j).contains("HHI) is 1200"));
        assert_eq!(third_party(&third_party_facts(4000.0), today()).result, ResultCode::PartlyMet);
        let mut f = third_party_facts(1200.0);
        f.vendor_incidents = vec![VendorIncident { incident: inc("INC-5"), provider: "CloudCo".into() }];
        assert_eq!(third_party(&f, today()).result, ResultCode::PartlyMet);
        f.no_substitute = vec![NoSubstitute { provider: "CloudCo".into(), services: vec!["svc-pay".into()] }];
        let j = third_party(&f, today());
        assert_eq!(j.result, ResultCode::NotMet);
        assert!(j.records.contains("svc-pay") && j.records.contains("INC-5"));
        let mut f = third_party_facts(1200.0);
        f.as_of = day(2025, 1, 1);
        assert!(third_party(&f, today()).stale);
    }

    fn check(c: CheckId, verdict: Verdict) -> CheckResult {
        CheckResult {
            check: c,
            area: c.area(),
            side: c.side(),
            verdict,
            evidence: Bilingual::both("証跡", "evidence"),
            action: Bilingual::both("対応", "action"),
        }
    }

    fn tlpt_facts(verdict: Verdict, tested_on: NaiveDate) -> TlptFacts {
        TlptFacts {
            engagement: EngagementId::parse("TLPT-2025").unwrap(),
            tested_on,
            checks: vec![check(CheckId::EvalBlueTeamNotTold, verdict), check(CheckId::ReportEnterpriseRisks, verdict)],
        }
    }

    #[test]
    fn a_practice_check_follows_its_verdict_and_side() {
        let f = tlpt_facts(Verdict::Good, day(2025, 6, 1));
        let j = practice_check(CheckId::EvalBlueTeamNotTold, &f, today()).unwrap();
        assert_eq!(j.result, ResultCode::Met);
        assert_eq!(j.records.iter().collect::<Vec<_>>(), ["TLPT-2025"]);
        let f = tlpt_facts(Verdict::Insufficient, day(2025, 6, 1));
        assert_eq!(practice_check(CheckId::EvalBlueTeamNotTold, &f, today()).unwrap().result, ResultCode::NotMet);
        assert_eq!(practice_check(CheckId::ReportEnterpriseRisks, &f, today()).unwrap().result, ResultCode::PartlyMet);
        // Not enough data, or a check the assessment lacks, gives nothing.
        let f = tlpt_facts(Verdict::NotEnoughData, day(2025, 6, 1));
        assert!(practice_check(CheckId::EvalBlueTeamNotTold, &f, today()).is_none());
        assert!(practice_check(CheckId::UseRolloutChecked, &f, today()).is_none());
    }

    #[test]
    fn an_engagement_over_three_years_old_is_stale() {
        let f = tlpt_facts(Verdict::Good, day(2023, 11, 1));
        let j = practice_check(CheckId::EvalBlueTeamNotTold, &f, today()).unwrap();
        assert!(j.stale && all_text(&j).contains("TLPT engagement TLPT-2025 dates from 2023-11-01"));
    }

    fn culture_facts() -> CultureFacts {
        CultureFacts {
            engagements: vec![EngagementId::parse("TLPT-2024").unwrap(), EngagementId::parse("TLPT-2025").unwrap()],
            latest_tested_on: day(2025, 6, 1),
            recurring_omitted: vec![],
            good_result_only: vec![],
        }
    }

    #[test]
    fn culture_is_not_met_when_a_recurring_finding_is_omitted_or_only_good_is_reported() {
        let j = culture(&culture_facts(), today()).unwrap();
        assert_eq!(j.result, ResultCode::Met);
        let mut f = culture_facts();
        f.recurring_omitted = vec![OmittedFinding {
            finding: FindingId::parse("F-12").unwrap(),
            engagement: EngagementId::parse("TLPT-2025").unwrap(),
        }];
        let j = culture(&f, today()).unwrap();
        assert_eq!(j.result, ResultCode::NotMet);
        assert!(all_text(&j).contains("Recurring finding F-12 was left out of the management report of TLPT-2025"));
        let f = CultureFacts { good_result_only: vec![EngagementId::parse("TLPT-2024").unwrap()], ..culture_facts() };
        assert_eq!(culture(&f, today()).unwrap().result, ResultCode::NotMet);
        assert!(culture(&CultureFacts { engagements: vec![], ..culture_facts() }, today()).is_none());
        let f = CultureFacts { latest_tested_on: day(2022, 1, 1), ..culture_facts() };
        assert!(culture(&f, today()).unwrap().stale);
    }

    fn service(id: &str) -> ServiceFacts {
        ServiceFacts {
            service: id.into(),
            tolerances: vec![ToleranceFacts { max_duration_minutes: 240.0, rlo_percent: Some(50.0) }],
            next_review: day(2027, 3, 31),
            mapped_resources: 4,
            critical_resources: vec![ResourceRto { resource: "core".into(), rto_minutes: Some(120.0) }],
        }
    }

    fn resilience_facts() -> ResilienceFacts {
        ResilienceFacts {
            as_of: day(2026, 11, 1),
            services: vec![service("svc-pay"), service("svc-atm")],
            scenarios: vec![ScenarioFacts { scenario: "SC-DC".into(), last_run: Some(day(2026, 5, 1)) }],
        }
    }

    #[test]
    fn every_basic_action_is_met_on_a_complete_map() {
        for a in BasicAction::ALL {
            let j = basic_action(*a, &resilience_facts(), today());
            assert_eq!(j.result, ResultCode::Met, "{a}: {}", all_text(&j));
            assert!(!j.stale);
        }
    }

    #[test]
    fn each_basic_action_finds_its_own_gap() {
        let gap = |a: BasicAction, change: &dyn Fn(&mut ResilienceFacts)| {
            let mut f = resilience_facts();
            change(&mut f);
            basic_action(a, &f, today()).result
        };
        use BasicAction::*;
        assert_eq!(gap(IdentifyImportantBusiness, &|f| f.services.clear()), ResultCode::NotMet);
        assert_eq!(
            gap(IdentifyImportantBusiness, &|f| f.services[0].next_review = day(2026, 1, 1)),
            ResultCode::PartlyMet
        );
        assert_eq!(gap(SetImpactTolerance, &|f| f.services[1].tolerances.clear()), ResultCode::NotMet);
        assert_eq!(gap(SetImpactTolerance, &|f| f.services[1].tolerances[0].rlo_percent = None), ResultCode::PartlyMet);
        assert_eq!(
            gap(SetImpactTolerance, &|f| f.services[0].critical_resources[0].rto_minutes = Some(480.0)),
            ResultCode::PartlyMet
        );
        let no_rto = gap(SetImpactTolerance, &|f| f.services[0].critical_resources[0].rto_minutes = None);
        assert_eq!(no_rto, ResultCode::PartlyMet);
        assert_eq!(gap(MapInterconnections, &|f| f.services[0].mapped_resources = 0), ResultCode::NotMet);
        assert_eq!(gap(VerifyAndAct, &|f| f.scenarios.clear()), ResultCode::NotMet);
        assert_eq!(gap(VerifyAndAct, &|f| f.scenarios[0].last_run = None), ResultCode::PartlyMet);
        assert_eq!(gap(VerifyAndAct, &|f| f.scenarios[0].last_run = Some(day(2025, 6, 1))), ResultCode::PartlyMet);
        let mut f = resilience_facts();
        f.services[0].critical_resources[0].rto_minutes = Some(480.0);
        let j = basic_action(SetImpactTolerance, &f, today());
        assert!(all_text(&j).contains("svc-pay's tolerance (240 min) is shorter than the BCP RTO of core 480 min"));
        f.as_of = day(2025, 10, 1);
        assert!(basic_action(SetImpactTolerance, &f, today()).stale);
    }
}
