//! The practice assessment: an engagement evaluated against every item of the source's table of TLPT
//! good practices and shortcomings (`shared/domain.md` §3), its two important elements, and what it asks
//! of management. Each check gives good / insufficient / not enough data, the evidence from the data,
//! and what to do, in Japanese and English.
//!
//! A check never guesses: when the data needed is not recorded it says "not enough data" and names
//! what to record.

use crate::attack::AttackCatalogue;
use crate::codes::*;
use crate::error::TlptError;
use crate::ids::{FindingId, LocalId};
use crate::metrics::{self, EngagementMetrics};
use crate::model::{Engagement, Finding, ManagementReportRecord, TlptProgramme};
use crate::recurrence::{self, RecurrenceCandidate};
use crate::rollout::{self, RolloutSummary};
use crate::similarity::MatchConfig;
use chrono::NaiveDate;
use opres_domain::Bilingual;
use opres_domain::Lang;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

opres_domain::code_enum!(
    /// The outcome of one check.
    pub Verdict, "verdict", {
        Good => "good", "良好", "Good";
        Insufficient => "insufficient", "不十分", "Insufficient";
        NotEnoughData => "not_enough_data", "データ不足", "Not enough data";
    }
);

opres_domain::code_enum!(
    /// The row of the source's table (or the part of the column) a check comes from.
    pub Area, "assessment area", {
        ThreatIntelligence => "threat_intelligence", "脅威インテリジェンス", "Threat intelligence";
        Evaluation => "evaluation", "評価", "Evaluation";
        ManagementReporting => "management_reporting", "経営陣への報告・経営陣の対応", "Reporting to management and management's response";
        UseOfFindings => "use_of_findings", "発見事項の活用", "Use of findings";
        Other => "other", "その他", "Other";
        ImportantElements => "important_elements", "TLPTの重要な要素", "Important elements of a TLPT";
        ManagementExpectations => "management_expectations", "金融機関に求められる対応", "What is asked of institutions";
    }
);

opres_domain::code_enum!(
    /// Which side of the table a check comes from.
    pub Side, "assessment side", {
        GoodPractice => "good_practice", "望ましい事例", "Good practice";
        Shortcoming => "shortcoming", "不十分な事例", "Shortcoming";
        ImportantElement => "important_element", "重要な要素", "Important element";
        Expectation => "expectation", "求められる対応", "Expectation";
    }
);

opres_domain::code_enum!(
    /// One check: one item of the source's table, element or expectation.
    pub CheckId, "practice check", {
        IntelOrgSpecificScenarios => "intel.org_specific_scenarios", "組織特有の脅威インテリジェンスによるシナリオ選定", "Organisation-specific intelligence drives scenario choice";
        IntelBeyondGeneric => "intel.beyond_generic", "一般的な脅威情報の分析にとどまっていないか", "Intelligence goes beyond generic threat information";
        EvalUnannouncedDetectionResponse => "evaluation.unannounced_detection_response", "事前予告なしでの検知・対応能力の評価", "Detection and response evaluated without advance notice";
        EvalSocAndPhishingEscalation => "evaluation.soc_and_phishing_escalation", "SOCに加え、フィッシング起点の職員→CSIRTエスカレーションとCSIRT対応の評価", "SOC, and the phishing → staff → CSIRT escalation and CSIRT response, evaluated";
        EvalBlueTeamNotTold => "evaluation.blue_team_not_told", "ブルーチームへの事前の計画伝達がないか", "Blue team not told of the plan in advance";
        EvalMultiplePathsDetours => "evaluation.multiple_paths_detours", "複数経路・迂回攻撃の試行", "Several intrusion paths and detours tried";
        ReportEnterpriseRisks => "reporting.enterprise_risks", "全社的な影響を生じさせ得るリスクの経営陣への報告", "Enterprise-wide risks reported to management";
        ReportManagementAdvancesTlpt => "reporting.management_advances_tlpt", "経営陣によるTLPT高度化の指示（範囲拡大・事前予告なし）", "Management directs the TLPT to be raised (wider scope, unannounced)";
        ReportRecurringNotOmitted => "reporting.recurring_not_omitted", "繰り返し検出される課題を報告から省略していないか", "Recurring findings not omitted from the management report";
        ReportNotJustGoodResult => "reporting.not_just_good_result", "「良好な結果」だけの報告になっていないか", "Not just \"the result was good\"";
        UseRolloutInstructed => "use.rollout_instructed", "対象外システム・グループ会社への同様の課題の確認指示", "Out-of-scope systems and group companies told to check for the same issues";
        UseRolloutChecked => "use.rollout_checked", "他システムでの同様の課題の確認状況", "Other systems actually checked for the same issues";
        OtherMultipleActorScenarios => "other.multiple_actor_scenarios", "様々な主体の脅威に応じた複数シナリオ", "Several scenarios for different kinds of actor";
        OtherBudgetIntelBlueTeam => "other.budget_intel_blue_team", "脅威インテリジェンスとブルーチーム評価の予算", "Budget for threat intelligence and blue-team evaluation";
        ElementRealAttackerTechniques => "element.real_attacker_techniques", "想定攻撃者が現実に用いる攻撃手法の反映", "Techniques the assumed attackers really use are in the test";
        ElementPeopleAndProcess => "element.people_and_process", "人・対応プロセスの評価", "People and response processes evaluated, not only products";
        ExpectWholePicture => "expectation.whole_picture", "課題の全体像（重要性・根本原因・必要なリソースと時間）の把握", "Management sees each issue whole: importance, root cause, resources and time";
    }
);

impl CheckId {
    /// The area of the source's table.
    pub fn area(self) -> Area {
        use CheckId::*;
        match self {
            IntelOrgSpecificScenarios | IntelBeyondGeneric => Area::ThreatIntelligence,
            EvalUnannouncedDetectionResponse
            | EvalSocAndPhishingEscalation
            | EvalBlueTeamNotTold
            | EvalMultiplePathsDetours => Area::Evaluation,
            ReportEnterpriseRisks
            | ReportManagementAdvancesTlpt
            | ReportRecurringNotOmitted
            | ReportNotJustGoodResult => Area::ManagementReporting,
            UseRolloutInstructed | UseRolloutChecked => Area::UseOfFindings,
            OtherMultipleActorScenarios | OtherBudgetIntelBlueTeam => Area::Other,
            ElementRealAttackerTechniques | ElementPeopleAndProcess => Area::ImportantElements,
            ExpectWholePicture => Area::ManagementExpectations,
        }
    }

    /// Good-practice or shortcoming side.
    pub fn side(self) -> Side {
        use CheckId::*;
        match self {
            IntelOrgSpecificScenarios
            | EvalUnannouncedDetectionResponse
            | EvalSocAndPhishingEscalation
            | ReportEnterpriseRisks
            | ReportManagementAdvancesTlpt
            | UseRolloutInstructed
            | OtherMultipleActorScenarios => Side::GoodPractice,
            IntelBeyondGeneric
            | EvalBlueTeamNotTold
            | EvalMultiplePathsDetours
            | ReportRecurringNotOmitted
            | ReportNotJustGoodResult
            | UseRolloutChecked
            | OtherBudgetIntelBlueTeam => Side::Shortcoming,
            ElementRealAttackerTechniques | ElementPeopleAndProcess => Side::ImportantElement,
            ExpectWholePicture => Side::Expectation,
        }
    }

    /// The source's own words for the item (Japanese as published; English rendering).
    pub fn source_text(self, lang: Lang) -> &'static str {
        use CheckId::*;
        match (self, lang) {
            (IntelOrgSpecificScenarios, Lang::Ja) => {
                "自組織に特有の脅威インテリジェンスを導出し、シナリオ選定している。"
            }
            (IntelOrgSpecificScenarios, Lang::En) => {
                "Org-specific threat intelligence is derived and used to select scenarios."
            }
            (IntelBeyondGeneric, Lang::Ja) => "脅威インテリジェンスが一般的な脅威情報の分析にとどまっている。",
            (IntelBeyondGeneric, Lang::En) => "Threat intelligence stops at analysing generic threat information.",
            (EvalUnannouncedDetectionResponse, Lang::Ja) => {
                "ブルーチームに対して事前予告せずにTLPTを実施し、その検知・対応能力を評価している。"
            }
            (EvalUnannouncedDetectionResponse, Lang::En) => {
                "The test is run without advance notice to the blue team, and its detection and response are evaluated."
            }
            (EvalSocAndPhishingEscalation, Lang::Ja) => {
                "SOCにおける検知・対応能力だけでなく、フィッシングメールを起点とした職員からCSIRTへのエスカレーションと、CSIRTの対応状況も評価している。"
            }
            (EvalSocAndPhishingEscalation, Lang::En) => {
                "Beyond SOC detection and response, the escalation from staff to the CSIRT starting from a phishing mail, and the CSIRT's response, are evaluated."
            }
            (EvalBlueTeamNotTold, Lang::Ja) => {
                "TLPTの計画を事前にブルーチームに伝え、ブルーチームが、疑似攻撃が発生することを把握しているため、その検知・対応能力が適正に評価されていないおそれがある。"
            }
            (EvalBlueTeamNotTold, Lang::En) => {
                "The plan was told to the blue team beforehand, so its detection and response capability may not be evaluated properly."
            }
            (EvalMultiplePathsDetours, Lang::Ja) => {
                "攻撃者が考え得る複数の経路からの侵入や迂回攻撃を試みていないため、事前に想定した攻撃手法・経路で検証対象の脆弱性を検証する脆弱性診断と実質的に異ならないものにとどまっている。"
            }
            (EvalMultiplePathsDetours, Lang::En) => {
                "Multiple intrusion paths and detours an attacker could take were not tried, so the test is no different from a vulnerability assessment of pre-set techniques and paths."
            }
            (ReportEnterpriseRisks, Lang::Ja) => {
                "サイバーセキュリティ担当部署は、TLPTの結果から判明した全社的な影響を生じさせ得るリスクを経営陣に報告している。"
            }
            (ReportEnterpriseRisks, Lang::En) => {
                "The cybersecurity function reports to management the risks found by the TLPT that could have enterprise-wide impact."
            }
            (ReportManagementAdvancesTlpt, Lang::Ja) => {
                "経営陣は、TLPTの結果報告を受け、課題への対応を指示するだけではなく、テスト範囲の拡大や事前に予告せずにテストを実施することを通じて、TLPTの高度化を図るように指示している。"
            }
            (ReportManagementAdvancesTlpt, Lang::En) => {
                "Management, on the results, not only orders the issues fixed but orders the TLPT to be raised: wider scope, unannounced tests."
            }
            (ReportRecurringNotOmitted, Lang::Ja) => {
                "業務や顧客に重大な影響を及ぼし得る類似の課題が繰り返し検出されており、…過去の発見事項と類似していることをもってサイバーセキュリティ担当部署が経営陣への報告を省略している。"
            }
            (ReportRecurringNotOmitted, Lang::En) => {
                "Similar issues that could seriously affect business or customers are found again and again, yet the function omits them from the management report because they resemble past findings."
            }
            (ReportNotJustGoodResult, Lang::Ja) => {
                "TLPTによって検出された課題のうち、金融機関の経営に重要な影響を及ぼし得るものについて経営陣に報告したり、具体的なリスクについて報告したりせず、単に「良好な結果であった」と報告している。"
            }
            (ReportNotJustGoodResult, Lang::En) => {
                "Issues material to management and concrete risks are not reported; management is only told \"the result was good\"."
            }
            (UseRolloutInstructed, Lang::Ja) => {
                "サイバーセキュリティ担当部署は、TLPTで検出された課題と同様の課題がTLPTの対象でなかったシステムにおいても認められないかどうかを確認し、報告するよう、社内の他のシステム担当者及びグループ会社のシステム担当者に対して指示している。"
            }
            (UseRolloutInstructed, Lang::En) => {
                "The cybersecurity function instructs the owners of other systems, and of group companies' systems, to check whether the same issues exist outside the TLPT's scope, and to report."
            }
            (UseRolloutChecked, Lang::Ja) => {
                "TLPTで検出された課題が他のシステムでも認められないかどうかを確認していない。その結果、それ以降、他のシステムに対して実施したTLPTでも類似した課題が検出されている。"
            }
            (UseRolloutChecked, Lang::En) => {
                "Nobody checks whether the findings exist in other systems; later TLPTs of other systems find similar issues."
            }
            (OtherMultipleActorScenarios, Lang::Ja) => {
                "犯罪集団、国家が関与する主体、内部犯行者などの様々な主体の攻撃が生じさせる脅威に応じ、複数のシナリオを設定し、TLPTを実施している。"
            }
            (OtherMultipleActorScenarios, Lang::En) => {
                "Several scenarios are set for the threats of different actors: criminal groups, state-linked actors, insiders."
            }
            (OtherBudgetIntelBlueTeam, Lang::Ja) => {
                "TLPTの趣旨・目的に沿った十分な予算が確保されておらず、脅威インテリジェンスやブルーチームの評価が省かれ、結果として、TLPTとしては不十分なテストとなっている。"
            }
            (OtherBudgetIntelBlueTeam, Lang::En) => {
                "No budget is secured for the purpose of the TLPT; threat intelligence and blue-team evaluation are dropped, so the test falls short of a TLPT."
            }
            (ElementRealAttackerTechniques, Lang::Ja) => {
                "脅威インテリジェンスの導出結果を踏まえ、自組織を標的とし得る攻撃者、及び、それらの攻撃者が現実に用いている攻撃手法を想定し、テスト計画へ反映する。"
            }
            (ElementRealAttackerTechniques, Lang::En) => {
                "From the threat intelligence, assume the attackers who could target the organisation and the techniques they really use, and put them into the test plan."
            }
            (ElementPeopleAndProcess, Lang::Ja) => {
                "システム、IT資産、技術的な対策のほか、人、対応プロセスも評価する（セキュリティ製品の有効性にとどまらず、ブルーチームの能力も評価する）。"
            }
            (ElementPeopleAndProcess, Lang::En) => {
                "Evaluate people and response processes as well as systems and technical measures: the blue team's capability, not only the security products."
            }
            (ExpectWholePicture, Lang::Ja) => {
                "経営陣は、課題の経営上の重要性及び緊急性、課題の根本原因、課題の解決に必要なリソース及び時間などを含め、課題の全体像を把握したうえでその解決に臨むべきである。"
            }
            (ExpectWholePicture, Lang::En) => {
                "Management should grasp the whole picture of each issue: its business importance and urgency, root cause, and the resources and time needed to solve it."
            }
        }
    }
}

/// The result of one check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResult {
    /// Which check.
    pub check: CheckId,
    /// Area of the table.
    pub area: Area,
    /// Side of the table.
    pub side: Side,
    /// Verdict.
    pub verdict: Verdict,
    /// What in the data led to the verdict.
    pub evidence: Bilingual,
    /// What to do.
    pub action: Bilingual,
}

/// An engagement's practice assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    /// Engagement.
    pub engagement: crate::ids::EngagementId,
    /// As of.
    pub assessed_on: NaiveDate,
    /// Every check, in the order of the source's table.
    pub checks: Vec<CheckResult>,
    /// What the management report shows of the reporting culture; `None`: no report recorded.
    #[serde(default)]
    pub reporting: Option<ReportingCulture>,
}

/// What one engagement's management report shows of the culture the source asks of management
/// (important issues reported without hesitation): the two reporting checks' findings, by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportingCulture {
    /// Recurring findings the report could have named and left out.
    pub recurring_omitted: Vec<FindingId>,
    /// The report left out a critical or high finding, or rated the result "good" over one.
    pub good_result_only: bool,
}

impl Assessment {
    /// The result of one check.
    pub fn check(&self, id: CheckId) -> Option<&CheckResult> {
        self.checks.iter().find(|c| c.check == id)
    }

    /// How many checks have this verdict.
    pub fn count(&self, v: Verdict) -> usize {
        self.checks.iter().filter(|c| c.verdict == v).count()
    }
}

/// What the assessment may use besides the programme.
#[derive(Debug, Clone, Copy)]
pub struct AssessOptions<'a> {
    /// The date of the assessment (for due dates).
    pub today: NaiveDate,
    /// Imported ATT&CK data, for the real-attacker-techniques check.
    pub catalogue: Option<&'a AttackCatalogue>,
    /// How recurrences are searched for findings nobody linked.
    pub matching: MatchConfig,
}

impl<'a> AssessOptions<'a> {
    /// Options for a date, with no ATT&CK data and default matching.
    pub fn new(today: NaiveDate) -> AssessOptions<'a> {
        AssessOptions { today, catalogue: None, matching: MatchConfig::default() }
    }
}

/// Everything the checks read, computed once.
struct Ctx<'a> {
    p: &'a TlptProgramme,
    e: &'a Engagement,
    opts: &'a AssessOptions<'a>,
    metrics: EngagementMetrics,
    findings: Vec<&'a Finding>,
    /// Findings the management report could have named: identified on or before its date (a rollout
    /// finding found afterwards belongs in the next report, not this one).
    reportable: Vec<&'a Finding>,
    /// Recurring findings of the engagement: linked, or suggested by the similarity search.
    recurring: BTreeMap<FindingId, (usize, bool)>,
    rollout: Vec<RolloutSummary>,
}

fn t(ja: impl Into<String>, en: impl Into<String>) -> Bilingual {
    Bilingual::both(ja, en)
}

fn result(check: CheckId, verdict: Verdict, evidence: Bilingual, action: Bilingual) -> CheckResult {
    CheckResult { check, area: check.area(), side: check.side(), verdict, evidence, action }
}

fn ids<T: fmt::Display>(v: impl IntoIterator<Item = T>) -> String {
    v.into_iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", ")
}

/// `（a, b）` in Japanese text, or nothing when the list is empty.
fn pj<T: fmt::Display>(v: impl IntoIterator<Item = T>) -> String {
    let s = ids(v);
    if s.is_empty() { s } else { format!("（{s}）") }
}

/// ` (a, b)` in English text, or nothing when the list is empty.
fn pe<T: fmt::Display>(v: impl IntoIterator<Item = T>) -> String {
    let s = ids(v);
    if s.is_empty() { s } else { format!(" ({s})") }
}

fn pct(r: Option<f64>) -> String {
    r.map(|r| format!("{:.0}%", r * 100.0)).unwrap_or_else(|| "-".into())
}

/// Assesses an engagement against every check.
pub fn assess(p: &TlptProgramme, engagement: &str, opts: &AssessOptions<'_>) -> Result<Assessment, TlptError> {
    let e = p.require_engagement(engagement)?;
    let findings: Vec<&Finding> = p.findings_of(&e.id).collect();
    let mut recurring: BTreeMap<FindingId, (usize, bool)> = BTreeMap::new();
    for f in &findings {
        let n = recurrence::recurrence_count(p, &f.id);
        if n > 0 {
            recurring.insert(f.id.clone(), (n, true));
        }
    }
    let suggested: Vec<RecurrenceCandidate> = recurrence::find_recurrences(p, engagement, &opts.matching)?;
    for c in recurrence::unlinked(p, &suggested) {
        recurring.entry(c.finding.clone()).or_insert((c.matches.len(), false));
    }
    let reportable: Vec<&Finding> = match &e.management_report {
        Some(r) => findings.iter().copied().filter(|f| f.identified_on <= r.reported_on).collect(),
        None => findings.clone(),
    };
    let ctx = Ctx {
        p,
        e,
        opts,
        metrics: metrics::compute(e, opts.catalogue),
        findings,
        reportable,
        recurring,
        rollout: rollout::engagement_summary(p, &e.id, opts.today),
    };
    let checks = CheckId::ALL.iter().map(|c| run(&ctx, *c)).collect();
    let reporting = e.management_report.as_ref().map(|r| ReportingCulture {
        recurring_omitted: recurring_in_report(&ctx, r).1.into_iter().map(|(f, _, _)| f.clone()).collect(),
        good_result_only: material_in_report(&ctx, r).hides_material(),
    });
    Ok(Assessment { engagement: e.id.clone(), assessed_on: opts.today, checks, reporting })
}

/// The recurring findings a management report could have named (how many), and those it left
/// out: (finding, times seen before, linked rather than only suggested).
fn recurring_in_report<'a>(c: &'a Ctx<'_>, r: &ManagementReportRecord) -> (usize, Vec<(&'a FindingId, usize, bool)>) {
    let reportable: BTreeSet<&FindingId> = c.reportable.iter().map(|f| &f.id).collect();
    let recurring: Vec<(&FindingId, &(usize, bool))> =
        c.recurring.iter().filter(|(f, _)| reportable.contains(f)).collect();
    let omitted = recurring
        .iter()
        .copied()
        .filter(|(f, _)| !r.findings_reported.contains(f))
        .map(|(f, (n, linked))| (f, *n, *linked))
        .collect();
    (recurring.len(), omitted)
}

/// The critical and high findings a management report could have named, and those it left out.
struct MaterialInReport<'a> {
    material: Vec<&'a FindingId>,
    omitted: Vec<&'a FindingId>,
    rated_good: bool,
}

impl MaterialInReport<'_> {
    /// Left out a material finding, or rated the result "good" over one.
    fn hides_material(&self) -> bool {
        !self.omitted.is_empty() || (self.rated_good && !self.material.is_empty())
    }
}

fn material_in_report<'a>(c: &'a Ctx<'_>, r: &ManagementReportRecord) -> MaterialInReport<'a> {
    let material: Vec<&FindingId> = c.reportable.iter().filter(|f| f.severity.is_material()).map(|f| &f.id).collect();
    let omitted = material.iter().copied().filter(|f| !r.findings_reported.contains(f)).collect();
    MaterialInReport { material, omitted, rated_good: r.overall == OverallRating::Good }
}

fn run(c: &Ctx<'_>, id: CheckId) -> CheckResult {
    use CheckId::*;
    match id {
        IntelOrgSpecificScenarios => intel_org_specific_scenarios(c),
        IntelBeyondGeneric => intel_beyond_generic(c),
        EvalUnannouncedDetectionResponse => eval_unannounced(c),
        EvalSocAndPhishingEscalation => eval_soc_and_phishing(c),
        EvalBlueTeamNotTold => eval_blue_team_not_told(c),
        EvalMultiplePathsDetours => eval_paths(c),
        ReportEnterpriseRisks => report_enterprise_risks(c),
        ReportManagementAdvancesTlpt => report_management_advances(c),
        ReportRecurringNotOmitted => report_recurring(c),
        ReportNotJustGoodResult => report_not_just_good(c),
        UseRolloutInstructed => use_rollout_instructed(c),
        UseRolloutChecked => use_rollout_checked(c),
        OtherMultipleActorScenarios => other_actor_scenarios(c),
        OtherBudgetIntelBlueTeam => other_budget(c),
        ElementRealAttackerTechniques => element_real_techniques(c),
        ElementPeopleAndProcess => element_people(c),
        ExpectWholePicture => expect_whole_picture(c),
    }
}

fn intel_org_specific_scenarios(c: &Ctx<'_>) -> CheckResult {
    let id = CheckId::IntelOrgSpecificScenarios;
    let e = c.e;
    if e.intel.is_empty() && e.scenarios.is_empty() {
        return result(
            id,
            Verdict::NotEnoughData,
            t(
                "脅威インテリジェンスもシナリオも記録されていません。",
                "Neither threat intelligence nor scenarios are recorded.",
            ),
            t(
                "脅威インテリジェンスの項目（一般／組織特有、情報源）と、それに基づくシナリオを記録してください。",
                "Record the intelligence items (generic or organisation-specific, with sources) and the scenarios derived from them.",
            ),
        );
    }
    let specific: BTreeSet<&LocalId> =
        e.intel.iter().filter(|i| i.specificity == IntelSpecificity::OrganisationSpecific).map(|i| &i.id).collect();
    let driven: Vec<&LocalId> =
        e.scenarios.iter().filter(|s| s.intel.iter().any(|i| specific.contains(i))).map(|s| &s.id).collect();
    let evidence = t(
        format!(
            "脅威インテリジェンス{}件のうち組織特有{}件。シナリオ{}件のうち組織特有のインテリジェンスに基づくもの{}件{}。",
            e.intel.len(),
            specific.len(),
            e.scenarios.len(),
            driven.len(),
            pj(&driven)
        ),
        format!(
            "{} of {} intelligence items are organisation-specific; {} of {} scenarios derive from them{}.",
            specific.len(),
            e.intel.len(),
            driven.len(),
            e.scenarios.len(),
            pe(&driven)
        ),
    );
    if !specific.is_empty() && !driven.is_empty() {
        result(id, Verdict::Good, evidence, t("この進め方を維持してください。", "Keep doing this."))
    } else {
        result(
            id,
            Verdict::Insufficient,
            evidence,
            t(
                "自組織を標的とし得る攻撃者・手口に関する組織特有の脅威インテリジェンスを導出し、それに基づいてシナリオを選定してください。",
                "Derive intelligence specific to the organisation (who could target it, and how) and select the scenarios from it.",
            ),
        )
    }
}

fn intel_beyond_generic(c: &Ctx<'_>) -> CheckResult {
    let id = CheckId::IntelBeyondGeneric;
    let e = c.e;
    if e.intel.is_empty() {
        return result(
            id,
            Verdict::NotEnoughData,
            t("脅威インテリジェンスが記録されていません。", "No threat intelligence is recorded."),
            t(
                "脅威インテリジェンスの項目と情報源を記録してください。",
                "Record the intelligence items and their sources.",
            ),
        );
    }
    let specific: Vec<_> = e.intel.iter().filter(|i| i.specificity == IntelSpecificity::OrganisationSpecific).collect();
    let sourced = specific.iter().filter(|i| !i.sources.is_empty()).count();
    let evidence = t(
        format!(
            "{}件中、一般的な脅威情報{}件、組織特有{}件（うち情報源の記録あり{}件）。",
            e.intel.len(),
            e.intel.len() - specific.len(),
            specific.len(),
            sourced
        ),
        format!(
            "Of {} items, {} are generic threat information and {} organisation-specific ({} with sources recorded).",
            e.intel.len(),
            e.intel.len() - specific.len(),
            specific.len(),
            sourced
        ),
    );
    if sourced > 0 {
        result(id, Verdict::Good, evidence, t("この水準を維持してください。", "Keep this level."))
    } else {
        result(
            id,
            Verdict::Insufficient,
            evidence,
            t(
                "一般的な脅威情報の分析にとどめず、自組織に向けられた脅威（標的化の兆候、漏えいした認証情報、自組織を狙う攻撃者等）を情報源とともに分析してください。",
                "Go beyond generic threat information: analyse threats aimed at the organisation (signs of targeting, leaked credentials, actors interested in it), with sources.",
            ),
        )
    }
}

fn told_text(e: &Engagement) -> (String, String) {
    match &e.blue_team_told {
        None => ("ブルーチームへの伝達記録なし".into(), "no record of the blue team being told".into()),
        Some(d) => {
            let when = d.at.with_timezone(&opres_domain::JST).format("%Y-%m-%d %H:%M JST");
            (format!("{when} に {} へ伝達", d.whom), format!("{} told at {when}", d.whom))
        }
    }
}

fn eval_unannounced(c: &Ctx<'_>) -> CheckResult {
    let id = CheckId::EvalUnannouncedDetectionResponse;
    let e = c.e;
    if e.steps.is_empty() && e.phase(PhaseKind::RedTeaming).is_none() {
        return result(
            id,
            Verdict::NotEnoughData,
            t(
                "レッドチームテストの期間も攻撃ステップも記録されていません。",
                "Neither the red-teaming phase nor any attack step is recorded.",
            ),
            t("攻撃ステップ、検知、対応を記録してください。", "Record the attack steps, detections and responses."),
        );
    }
    let (told_ja, told_en) = told_text(e);
    let m = &c.metrics;
    let evaluated =
        !e.detections.is_empty() || !e.responses.is_empty() || e.budget_of(BudgetLine::BlueTeamEvaluation).get() > 0;
    let evidence = t(
        format!(
            "{told_ja}。攻撃ステップ{}件、検知記録{}件、対応記録{}件、検知率{}。",
            m.steps_executed,
            e.detections.len(),
            e.responses.len(),
            pct(m.detection_rate)
        ),
        format!(
            "{told_en}; {} attack steps, {} detections and {} response actions recorded; detection rate {}.",
            m.steps_executed,
            e.detections.len(),
            e.responses.len(),
            pct(m.detection_rate)
        ),
    );
    match e.blue_team_told_in_advance() {
        Some(true) => result(
            id,
            Verdict::Insufficient,
            evidence,
            t(
                "次回はブルーチームに事前予告せずに実施し、実際の検知・対応能力を評価してください（伝達はホワイトチーム内に限定）。",
                "Next time run the test without telling the blue team, and evaluate its real detection and response (keep knowledge within the white team).",
            ),
        ),
        None => result(
            id,
            Verdict::NotEnoughData,
            evidence,
            t("レッドチームテストの開始日を記録してください。", "Record when red teaming started."),
        ),
        Some(false) if !evaluated || e.steps.is_empty() => result(
            id,
            Verdict::Insufficient,
            evidence,
            t(
                "攻撃ステップごとの検知と対応（時刻・検知元・対応者）を記録し、ブルーチームの能力を評価してください。",
                "Record detection and response for each attack step (time, source, responder) so the blue team's capability is evaluated.",
            ),
        ),
        Some(false) => result(id, Verdict::Good, evidence, t("この進め方を維持してください。", "Keep doing this.")),
    }
}

fn eval_soc_and_phishing(c: &Ctx<'_>) -> CheckResult {
    let id = CheckId::EvalSocAndPhishingEscalation;
    let e = c.e;
    if e.steps.is_empty() && e.phishing.is_empty() {
        return result(
            id,
            Verdict::NotEnoughData,
            t(
                "攻撃ステップもフィッシング演習も記録されていません。",
                "Neither attack steps nor phishing campaigns are recorded.",
            ),
            t(
                "SOCの検知・対応と、フィッシングメールの職員報告→CSIRT→CSIRT対応の時刻を記録してください。",
                "Record SOC detections and responses, and for phishing the staff reports, escalations to the CSIRT and the CSIRT's responses, with times.",
            ),
        );
    }
    let soc = e.detections.iter().any(|d| d.source == DetectionSource::Soc)
        || e.responses.iter().any(|r| r.by == Responder::Soc);
    let reports: usize = e.phishing.iter().map(|p| p.reports.len()).sum();
    let escalated: usize = e.phishing.iter().flat_map(|p| &p.reports).filter(|r| r.escalated_at.is_some()).count();
    let responded: usize = e.phishing.iter().flat_map(|p| &p.reports).filter(|r| r.csirt_response_at.is_some()).count();
    let ph = c.metrics.phishing_overall.as_ref();
    let evidence = t(
        format!(
            "SOCによる検知・対応の記録: {}。フィッシング演習{}件、職員報告{}件（報告率{}）、CSIRTへのエスカレーション{}件、CSIRTの対応{}件。",
            if soc { "あり" } else { "なし" },
            e.phishing.len(),
            reports,
            pct(ph.and_then(|p| p.report_rate)),
            escalated,
            responded
        ),
        format!(
            "SOC detection/response recorded: {}. {} phishing campaign(s), {} staff report(s) (report rate {}), {} escalated to the CSIRT, {} CSIRT response(s).",
            if soc { "yes" } else { "no" },
            e.phishing.len(),
            reports,
            pct(ph.and_then(|p| p.report_rate)),
            escalated,
            responded
        ),
    );
    if soc && escalated > 0 && responded > 0 {
        result(id, Verdict::Good, evidence, t("この評価範囲を維持してください。", "Keep evaluating this whole chain."))
    } else {
        let mut ja = Vec::new();
        let mut en = Vec::new();
        if !soc {
            ja.push("SOCの検知・対応を評価対象に含めてください");
            en.push("include the SOC's detection and response in the evaluation");
        }
        if e.phishing.is_empty() {
            ja.push("フィッシングメールを起点とするシナリオを設け、職員からの報告、CSIRTへのエスカレーション、CSIRTの対応を時刻とともに評価してください");
            en.push("add a phishing-led scenario and evaluate staff reporting, escalation to the CSIRT and the CSIRT's response, with times");
        } else if reports == 0 {
            ja.push("職員からの報告がなく、CSIRTへのエスカレーションを評価できていません。報告手順の周知と再演習を検討してください");
            en.push("no member of staff reported, so the escalation to the CSIRT could not be evaluated; make the reporting route known and run another campaign");
        } else {
            ja.push("職員報告ごとにCSIRTへのエスカレーション時刻とCSIRTの対応時刻を記録してください");
            en.push("record for each staff report when it reached the CSIRT and when the CSIRT responded");
        }
        result(id, Verdict::Insufficient, evidence, t(ja.join("。") + "。", en.join("; ") + "."))
    }
}

fn eval_blue_team_not_told(c: &Ctx<'_>) -> CheckResult {
    let id = CheckId::EvalBlueTeamNotTold;
    let e = c.e;
    let (told_ja, told_en) = told_text(e);
    let start = e.attack_start().map(|s| s.with_timezone(&opres_domain::JST).format("%Y-%m-%d %H:%M JST").to_string());
    let evidence = t(
        format!("{told_ja}。攻撃開始: {}。", start.clone().unwrap_or_else(|| "未記録".into())),
        format!("{told_en}; attack start: {}.", start.unwrap_or_else(|| "not recorded".into())),
    );
    match e.blue_team_told_in_advance() {
        Some(false) => result(
            id,
            Verdict::Good,
            evidence,
            t(
                "事前予告なしの実施を維持してください。テスト中の伝達は誤対応防止など必要最小限にとどめ、記録してください。",
                "Keep the test unannounced; if anyone must be told during it (e.g. to avoid escalation outside), keep it minimal and record it.",
            ),
        ),
        Some(true) => result(
            id,
            Verdict::Insufficient,
            evidence,
            t(
                "ブルーチームが疑似攻撃を把握していたため、検知・対応能力が適正に評価されていないおそれがあります。結果を割り引いて扱い、次回は事前予告なしで実施してください。",
                "The blue team knew an attack was coming, so its detection and response may not have been evaluated properly. Discount the results and run the next test unannounced.",
            ),
        ),
        None => result(
            id,
            Verdict::NotEnoughData,
            evidence,
            t(
                "レッドチームテストの開始日または攻撃ステップの時刻を記録してください。",
                "Record when red teaming started or the time of the attack steps.",
            ),
        ),
    }
}

fn eval_paths(c: &Ctx<'_>) -> CheckResult {
    let id = CheckId::EvalMultiplePathsDetours;
    let e = c.e;
    if e.steps.is_empty() {
        return result(
            id,
            Verdict::NotEnoughData,
            t(
                "攻撃ステップが記録されていないため、試行した経路が分かりません。",
                "No attack step is recorded, so the paths tried are unknown.",
            ),
            t(
                "攻撃ステップを経路（主経路・代替経路・迂回）とともに記録してください。",
                "Record the attack steps with the path (primary, alternative, detour) they took.",
            ),
        );
    }
    let attempted: usize = c.metrics.scenarios.iter().map(|s| s.paths_attempted).sum();
    let alternative: usize = c.metrics.scenarios.iter().map(|s| s.alternative_paths_attempted).sum();
    let defined: usize = e.scenarios.iter().map(|s| s.paths.len()).sum();
    let evidence = t(
        format!("定義された経路{defined}件、試行された経路{attempted}件（うち代替経路・迂回攻撃{alternative}件）。"),
        format!("{defined} paths defined, {attempted} tried ({alternative} of them alternative paths or detours)."),
    );
    if attempted >= 2 && alternative >= 1 {
        result(
            id,
            Verdict::Good,
            evidence,
            t("複数経路・迂回攻撃の試行を維持してください。", "Keep trying several paths and detours."),
        )
    } else {
        result(
            id,
            Verdict::Insufficient,
            evidence,
            t(
                "攻撃者が取り得る複数の侵入経路と、防御に阻まれた場合の迂回攻撃を計画し、実際に試行してください。単一経路では脆弱性診断と実質的に変わりません。",
                "Plan and actually try several intrusion paths an attacker could take, and detours when blocked; a single path makes the test no different from a vulnerability assessment.",
            ),
        )
    }
}

fn no_report(id: CheckId) -> CheckResult {
    result(
        id,
        Verdict::NotEnoughData,
        t("経営陣への報告がまだ記録されていません。", "No report to management is recorded yet."),
        t(
            "経営陣への報告（日付・報告先・総括・報告した発見事項・全社的リスク）を記録してください。",
            "Record the report to management: date, to whom, overall message, findings and enterprise-wide risks named.",
        ),
    )
}

fn report_enterprise_risks(c: &Ctx<'_>) -> CheckResult {
    let id = CheckId::ReportEnterpriseRisks;
    let Some(r) = &c.e.management_report else { return no_report(id) };
    let wide: Vec<&FindingId> = c.reportable.iter().filter(|f| f.enterprise_wide).map(|f| &f.id).collect();
    let omitted: Vec<&&FindingId> = wide.iter().filter(|f| !r.findings_reported.contains(f)).collect();
    let evidence = t(
        format!(
            "全社的な影響を生じさせ得る発見事項{}件、うち報告で言及されていないもの{}件{}。報告に記載された全社的リスク{}件。",
            wide.len(),
            omitted.len(),
            pj(&omitted),
            r.enterprise_risks.len()
        ),
        format!(
            "{} finding(s) could have enterprise-wide impact; {} not named in the report{}. The report names {} enterprise-wide risk(s).",
            wide.len(),
            omitted.len(),
            pe(&omitted),
            r.enterprise_risks.len()
        ),
    );
    if !omitted.is_empty() || (!wide.is_empty() && r.enterprise_risks.is_empty()) {
        result(
            id,
            Verdict::Insufficient,
            evidence,
            t(
                "全社的な影響を生じさせ得るリスクを、該当する発見事項とともに経営陣へ報告してください。",
                "Report to management every risk that could have enterprise-wide impact, with the findings behind it.",
            ),
        )
    } else {
        result(id, Verdict::Good, evidence, t("この報告の仕方を維持してください。", "Keep reporting this way."))
    }
}

fn report_management_advances(c: &Ctx<'_>) -> CheckResult {
    let id = CheckId::ReportManagementAdvancesTlpt;
    let e = c.e;
    if e.management_report.is_none() && e.directives.is_empty() {
        return result(
            id,
            Verdict::NotEnoughData,
            t(
                "経営陣への報告も経営陣の指示も記録されていません。",
                "Neither a report to management nor any management directive is recorded.",
            ),
            t(
                "経営陣の指示（種類・日付・指示者）を記録してください。",
                "Record management's directives: kind, date and who issued them.",
            ),
        );
    }
    let kinds: BTreeSet<DirectiveKind> = e.directives.iter().map(|d| d.kind).collect();
    let advancing: Vec<DirectiveKind> = kinds
        .iter()
        .copied()
        .filter(|k| matches!(k, DirectiveKind::WidenScope | DirectiveKind::UnannouncedTest))
        .collect();
    let evidence = t(
        format!(
            "記録された経営陣の指示{}件（{}）。",
            e.directives.len(),
            kinds.iter().map(|k| k.label(Lang::Ja)).collect::<Vec<_>>().join("、")
        ),
        format!(
            "{} management directive(s) recorded ({}).",
            e.directives.len(),
            kinds.iter().map(|k| k.label(Lang::En)).collect::<Vec<_>>().join(", ")
        ),
    );
    if advancing.is_empty() {
        result(
            id,
            Verdict::Insufficient,
            evidence,
            t(
                "課題への対応指示にとどめず、テスト範囲の拡大や事前予告なしの実施など、TLPTの高度化を経営陣が指示し、その指示を記録してください。",
                "Beyond ordering fixes, management should direct the TLPT to be raised (wider scope, unannounced tests); record those directives.",
            ),
        )
    } else {
        result(
            id,
            Verdict::Good,
            evidence,
            t(
                "指示の実施状況を次回TLPTの計画で確認してください。",
                "Check in the next TLPT's plan that the directives were carried out.",
            ),
        )
    }
}

fn report_recurring(c: &Ctx<'_>) -> CheckResult {
    let id = CheckId::ReportRecurringNotOmitted;
    let Some(r) = &c.e.management_report else { return no_report(id) };
    let (recurring, omitted) = recurring_in_report(c, r);
    let suggested = omitted.iter().filter(|(_, _, linked)| !linked).count();
    let evidence = t(
        format!(
            "繰り返し検出された発見事項{}件のうち、経営陣への報告で省略されたもの{}件{}{}。",
            recurring,
            omitted.len(),
            pj(omitted.iter().map(|(f, n, _)| format!("{f}: 過去{n}回"))),
            if suggested > 0 {
                format!("。うち{suggested}件は類似検索が検出したが未リンク")
            } else {
                String::new()
            }
        ),
        format!(
            "{} recurring finding(s); {} omitted from the management report{}{}.",
            recurring,
            omitted.len(),
            pe(omitted.iter().map(|(f, n, _)| format!("{f}: seen {n} time(s) before"))),
            if suggested > 0 {
                format!("; {suggested} found by the similarity search but not yet linked")
            } else {
                String::new()
            }
        ),
    );
    if omitted.is_empty() {
        result(
            id,
            Verdict::Good,
            evidence,
            t("繰り返し検出された課題は今後も必ず報告してください。", "Keep reporting every recurring issue."),
        )
    } else {
        result(
            id,
            Verdict::Insufficient,
            evidence,
            t(
                "過去の発見事項と類似していても省略せず、繰り返し検出されていること自体を重要なリスクの残存の兆候として経営陣に報告してください。",
                "Do not omit a finding because it resembles past ones: report it, and that it keeps recurring, as a sign that a material risk remains.",
            ),
        )
    }
}

fn report_not_just_good(c: &Ctx<'_>) -> CheckResult {
    let id = CheckId::ReportNotJustGoodResult;
    let Some(r) = &c.e.management_report else { return no_report(id) };
    let m = material_in_report(c, r);
    let (material, omitted) = (&m.material, &m.omitted);
    let evidence = t(
        format!(
            "総括: 「{}」。重要度が緊急・高の発見事項{}件、うち報告されていないもの{}件{}。",
            r.overall.label(Lang::Ja),
            material.len(),
            omitted.len(),
            pj(omitted)
        ),
        format!(
            "Overall message: \"{}\". {} critical or high finding(s), {} not reported{}.",
            r.overall.label(Lang::En),
            material.len(),
            omitted.len(),
            pe(omitted)
        ),
    );
    if !m.hides_material() {
        result(
            id,
            Verdict::Good,
            evidence,
            t("具体的なリスクを示す報告を維持してください。", "Keep reporting concrete risks."),
        )
    } else {
        result(
            id,
            Verdict::Insufficient,
            evidence,
            t(
                "「良好な結果」との総括だけでなく、経営に重要な影響を及ぼし得る課題と具体的なリスクを経営陣に報告してください。",
                "Do not report only that the result was good: report the issues material to management and the concrete risks.",
            ),
        )
    }
}

fn use_rollout_instructed(c: &Ctx<'_>) -> CheckResult {
    let id = CheckId::UseRolloutInstructed;
    if c.rollout.is_empty() {
        return result(
            id,
            Verdict::NotEnoughData,
            t("横展開の対象となる発見事項がありません。", "No finding calls for rollout."),
            t("発見事項を記録してください。", "Record the findings."),
        );
    }
    let missing: Vec<&RolloutSummary> = c.rollout.iter().filter(|s| !s.is_instructed()).collect();
    let systems: BTreeSet<String> =
        missing.iter().flat_map(|s| s.systems_without_record.iter().map(|x| x.to_string())).collect();
    let entities: BTreeSet<String> =
        missing.iter().flat_map(|s| s.entities_without_record.iter().map(|x| x.to_string())).collect();
    let evidence = t(
        format!(
            "発見事項{}件のうち、対象外システム・グループ会社への確認指示が揃っていないもの{}件。記録のないシステム: {}。記録のないグループ会社: {}。",
            c.rollout.len(),
            missing.len(),
            if systems.is_empty() { "なし".into() } else { ids(&systems) },
            if entities.is_empty() { "なし".into() } else { ids(&entities) }
        ),
        format!(
            "{} of {} finding(s) lack rollout instructions for every out-of-scope system and group company. Systems with no record: {}. Group companies with no record: {}.",
            missing.len(),
            c.rollout.len(),
            if systems.is_empty() { "none".into() } else { ids(&systems) },
            if entities.is_empty() { "none".into() } else { ids(&entities) }
        ),
    );
    if missing.is_empty() {
        result(id, Verdict::Good, evidence, t("回答の回収状況を管理してください。", "Follow the answers up."))
    } else {
        result(
            id,
            Verdict::Insufficient,
            evidence,
            t(
                "TLPTの対象外であった社内の他システム及びグループ会社のシステム担当者に、同様の課題の有無を確認・報告するよう指示し、記録してください。",
                "Instruct the owners of the other systems and of group companies' systems outside the TLPT's scope to check for the same issues and report; record it.",
            ),
        )
    }
}

fn use_rollout_checked(c: &Ctx<'_>) -> CheckResult {
    let id = CheckId::UseRolloutChecked;
    let p = c.p;
    if c.rollout.is_empty() && c.findings.is_empty() {
        return result(
            id,
            Verdict::NotEnoughData,
            t("発見事項がありません。", "There are no findings."),
            t("発見事項を記録してください。", "Record the findings."),
        );
    }
    let total: usize = c.rollout.iter().map(|s| s.total).sum();
    let overdue: usize = c.rollout.iter().map(|s| s.overdue).sum();
    let pending: usize = c.rollout.iter().map(|s| s.not_checked).sum();
    // The consequence the source describes: a later finding on another system recurs a finding of this
    // engagement, and this engagement's rollout never answered for that system (or its company).
    let answered = |pred: &Finding, sys: &crate::ids::SystemRef| {
        p.rollout_of(&pred.id).any(|r| {
            r.status != RolloutStatus::NotChecked
                && (r.system.as_ref() == Some(sys) || (r.system.is_none() && r.entity == sys.entity))
        })
    };
    let mine: BTreeSet<&FindingId> = c.findings.iter().map(|f| &f.id).collect();
    let mut missed = Vec::new();
    for later in p.findings.iter().filter(|f| f.engagement != c.e.id) {
        for pred in recurrence::predecessors(p, &later.id) {
            if !mine.contains(&pred.id) {
                continue;
            }
            for sys in later.systems.iter().filter(|s| !pred.systems.contains(s)) {
                if !answered(pred, sys) {
                    missed.push(format!("{} → {} ({sys})", pred.id, later.id));
                }
            }
        }
    }
    missed.sort();
    missed.dedup();
    let evidence = t(
        format!(
            "横展開の確認{total}件のうち未確認{pending}件（期限超過{overdue}件）。本TLPTの発見事項と類似の課題が、確認されなかった他のシステムで後に再び検出されたもの{}件{}。",
            missed.len(),
            if missed.is_empty() { String::new() } else { format!("（{}）", missed.join("、")) }
        ),
        format!(
            "{pending} of {total} rollout check(s) not done ({overdue} overdue). {} later finding(s) on systems this rollout never checked recur this TLPT's findings{}.",
            missed.len(),
            if missed.is_empty() { String::new() } else { format!(" ({})", missed.join(", ")) }
        ),
    );
    if total == 0 || overdue > 0 || !missed.is_empty() {
        result(
            id,
            Verdict::Insufficient,
            evidence,
            t(
                "発見事項ごとに他システム・グループ会社での確認結果を期限内に回収し、該当があれば新たな発見事項として管理してください。",
                "Collect, by the due date, each system's and group company's answer for every finding, and record a new finding wherever the issue is present.",
            ),
        )
    } else {
        result(
            id,
            Verdict::Good,
            evidence,
            t("未確認の記録を期限までに回収してください。", "Collect the open checks by their due dates."),
        )
    }
}

fn other_actor_scenarios(c: &Ctx<'_>) -> CheckResult {
    let id = CheckId::OtherMultipleActorScenarios;
    let e = c.e;
    if e.scenarios.is_empty() {
        return result(
            id,
            Verdict::NotEnoughData,
            t("シナリオが記録されていません。", "No scenario is recorded."),
            t(
                "シナリオと、それが想定する攻撃者を記録してください。",
                "Record the scenarios and the actors they emulate.",
            ),
        );
    }
    let types: BTreeSet<ActorType> =
        e.scenarios.iter().flat_map(|s| s.actors.iter().filter_map(|a| e.actor(a)).map(|a| a.actor_type)).collect();
    let evidence = t(
        format!(
            "シナリオ{}件、想定する主体の種類{}種（{}）。",
            e.scenarios.len(),
            types.len(),
            types.iter().map(|t| t.label(Lang::Ja)).collect::<Vec<_>>().join("、")
        ),
        format!(
            "{} scenario(s) covering {} kind(s) of actor ({}).",
            e.scenarios.len(),
            types.len(),
            types.iter().map(|t| t.label(Lang::En)).collect::<Vec<_>>().join(", ")
        ),
    );
    if e.scenarios.len() >= 2 && types.len() >= 2 {
        result(
            id,
            Verdict::Good,
            evidence,
            t("脅威の変化に応じて主体を見直してください。", "Revisit the actors as the threats change."),
        )
    } else {
        result(
            id,
            Verdict::Insufficient,
            evidence,
            t(
                "犯罪集団、国家が関与する主体、内部犯行者など、様々な主体の脅威に応じた複数のシナリオを設定してください。",
                "Set several scenarios for the threats of different actors: criminal groups, state-linked actors, insiders.",
            ),
        )
    }
}

fn other_budget(c: &Ctx<'_>) -> CheckResult {
    let id = CheckId::OtherBudgetIntelBlueTeam;
    let e = c.e;
    if e.budget.is_empty() {
        return result(
            id,
            Verdict::NotEnoughData,
            t("予算が記録されていません。", "No budget is recorded."),
            t(
                "予算を費目（脅威インテリジェンス、レッドチーム、ブルーチーム評価、パープルチーム）ごとに記録してください。",
                "Record the budget by line: threat intelligence, red team, blue-team evaluation, purple teaming.",
            ),
        );
    }
    let ti = e.budget_of(BudgetLine::ThreatIntelligence);
    let bt = e.budget_of(BudgetLine::BlueTeamEvaluation);
    let evidence = t(
        format!("予算総額{}、うち脅威インテリジェンス{}、ブルーチーム評価{}。", e.budget_total(), ti, bt),
        format!("Total budget {}; threat intelligence {}, blue-team evaluation {}.", e.budget_total(), ti, bt),
    );
    if ti.get() > 0 && bt.get() > 0 {
        result(
            id,
            Verdict::Good,
            evidence,
            t("TLPTの目的に沿った予算配分を維持してください。", "Keep budgeting for the TLPT's purpose."),
        )
    } else {
        result(
            id,
            Verdict::Insufficient,
            evidence,
            t(
                "脅威インテリジェンスとブルーチーム評価の予算を確保してください。これらを省くとTLPTとしては不十分なテストになります。",
                "Secure budget for threat intelligence and blue-team evaluation; without them the test falls short of a TLPT.",
            ),
        )
    }
}

fn element_real_techniques(c: &Ctx<'_>) -> CheckResult {
    let id = CheckId::ElementRealAttackerTechniques;
    let e = c.e;
    if e.steps.is_empty() {
        return result(
            id,
            Verdict::NotEnoughData,
            t("攻撃ステップが記録されていません。", "No attack step is recorded."),
            t(
                "攻撃ステップをATT&CKテクニックとともに記録してください。",
                "Record the attack steps with their ATT&CK techniques.",
            ),
        );
    }
    if e.actors.is_empty() {
        return result(
            id,
            Verdict::Insufficient,
            t("想定する攻撃者のプロファイルが記録されていません。", "No threat-actor profile is recorded."),
            t(
                "脅威インテリジェンスに基づき、自組織を標的とし得る攻撃者（種類・意図・能力）を想定し、テスト計画へ反映してください。",
                "From the intelligence, set out the actors who could target the organisation (kind, intent, capability) and build the test plan on them.",
            ),
        );
    }
    let groups: BTreeSet<&str> = e.actors.iter().flat_map(|a| a.intrusion_sets.iter().map(String::as_str)).collect();
    let Some(cat) = c.opts.catalogue else {
        return result(
            id,
            Verdict::NotEnoughData,
            t(
                "ATT&CKデータが取り込まれていないため、攻撃者の実際の手口と照合できません。",
                "No ATT&CK data is imported, so the steps cannot be compared with what the actors really use.",
            ),
            t(
                "`opres attack import` でATT&CKのSTIXデータを取り込んでください。",
                "Import ATT&CK STIX data with `opres attack import`.",
            ),
        );
    };
    let used: BTreeSet<crate::ids::TechniqueId> =
        groups.iter().filter_map(|g| cat.techniques_of(g)).flat_map(|m| m.keys().map(|t| t.parent())).collect();
    if used.is_empty() {
        return result(
            id,
            Verdict::NotEnoughData,
            t(
                format!(
                    "攻撃者プロファイルに対応するATT&CKの侵入セットが記録されていないか、取り込んだデータにありません（{}）。",
                    ids(&groups)
                ),
                format!(
                    "No actor profile names an ATT&CK intrusion set found in the imported data ({}).",
                    ids(&groups)
                ),
            ),
            t(
                "攻撃者プロファイルに対応する侵入セット（G0082等）を記録してください。",
                "Record the intrusion sets (e.g. G0082) that model each actor.",
            ),
        );
    }
    let matched = e.steps.iter().filter(|s| used.contains(&s.technique.parent())).count();
    let share = matched as f64 / e.steps.len() as f64;
    let evidence = t(
        format!(
            "攻撃ステップ{}件のうち、想定攻撃者（{}）が使用するテクニックに該当するもの{}件（{}）。",
            e.steps.len(),
            ids(&groups),
            matched,
            pct(Some(share))
        ),
        format!(
            "{} of {} attack steps ({}) use techniques the assumed actors ({}) are known to use.",
            matched,
            e.steps.len(),
            pct(Some(share)),
            ids(&groups)
        ),
    );
    if share >= 0.5 {
        result(
            id,
            Verdict::Good,
            evidence,
            t(
                "アクターオーバーレイで未実施のテクニックを確認してください。",
                "Use the actor overlay to see which of their techniques were not tried.",
            ),
        )
    } else {
        result(
            id,
            Verdict::Insufficient,
            evidence,
            t(
                "想定攻撃者が現実に用いている攻撃手法（ATT&CK）を攻撃ステップに反映してください。アクターオーバーレイで差分を確認できます。",
                "Build the attack steps on the techniques the assumed actors really use (ATT&CK); the actor overlay shows the gap.",
            ),
        )
    }
}

fn element_people(c: &Ctx<'_>) -> CheckResult {
    let id = CheckId::ElementPeopleAndProcess;
    let e = c.e;
    if e.steps.is_empty() && e.phishing.is_empty() {
        return result(
            id,
            Verdict::NotEnoughData,
            t(
                "攻撃ステップもフィッシング演習も記録されていません。",
                "Neither attack steps nor phishing campaigns are recorded.",
            ),
            t(
                "検知（検知元）と対応（対応者）を記録してください。",
                "Record detections (with their source) and responses (with who responded).",
            ),
        );
    }
    let human = e.detections.iter().filter(|d| d.source.is_human()).count();
    let tool = e.detections.len() - human;
    let responses = e.responses.len();
    let reports: usize = e.phishing.iter().map(|p| p.reports.len()).sum();
    let evidence = t(
        format!(
            "人による検知{human}件（SOC・CSIRT・職員報告）、製品のアラートのみの検知{tool}件、対応記録{responses}件、フィッシングの職員報告{reports}件。"
        ),
        format!(
            "{human} detection(s) by people (SOC, CSIRT, staff), {tool} by product alerts alone, {responses} response action(s), {reports} staff report(s) of phishing."
        ),
    );
    if (human > 0 || reports > 0) && responses > 0 {
        result(
            id,
            Verdict::Good,
            evidence,
            t("人とプロセスの評価を維持してください。", "Keep evaluating people and processes."),
        )
    } else {
        result(
            id,
            Verdict::Insufficient,
            evidence,
            t(
                "セキュリティ製品の検知にとどまらず、SOC・CSIRT・職員の検知と対応（誰が、いつ、何をしたか）を評価してください。",
                "Go beyond the products' alerts: evaluate how the SOC, the CSIRT and staff detected and responded (who, when, what).",
            ),
        )
    }
}

fn expect_whole_picture(c: &Ctx<'_>) -> CheckResult {
    let id = CheckId::ExpectWholePicture;
    if c.findings.is_empty() {
        return result(
            id,
            Verdict::NotEnoughData,
            t("発見事項がありません。", "There are no findings."),
            t("発見事項を記録してください。", "Record the findings."),
        );
    }
    let material: Vec<&&Finding> = c.findings.iter().filter(|f| f.severity.is_material()).collect();
    let scope: Vec<&&Finding> = if material.is_empty() { c.findings.iter().collect() } else { material };
    let incomplete: Vec<String> = scope
        .iter()
        .filter_map(|f| {
            let mut gaps = Vec::new();
            if f.root_cause_note.as_ref().is_none_or(|n| n.is_empty()) {
                gaps.push("root_cause_note");
            }
            if f.owner.trim().is_empty() {
                gaps.push("owner");
            }
            if f.due.is_none() {
                gaps.push("due");
            }
            if f.resources.is_none_or(|r| r.person_days.is_none() && r.cost.is_none()) {
                gaps.push("resources");
            }
            (!gaps.is_empty()).then(|| format!("{} ({})", f.id, gaps.join(", ")))
        })
        .collect();
    let evidence = t(
        format!(
            "対象の発見事項{}件のうち、根本原因・担当・期限・必要なリソースのいずれかが未記録のもの{}件{}。",
            scope.len(),
            incomplete.len(),
            if incomplete.is_empty() { String::new() } else { format!("（{}）", incomplete.join("、")) }
        ),
        format!(
            "{} of {} finding(s) lack a root cause, owner, due date or resource estimate{}.",
            incomplete.len(),
            scope.len(),
            if incomplete.is_empty() { String::new() } else { format!(" ({})", incomplete.join("; ")) }
        ),
    );
    if incomplete.is_empty() {
        result(
            id,
            Verdict::Good,
            evidence,
            t("進捗を経営陣へ定期的に報告してください。", "Report progress to management regularly."),
        )
    } else {
        result(
            id,
            Verdict::Insufficient,
            evidence,
            t(
                "重要な発見事項ごとに、根本原因、担当、期限、解決に必要なリソース（工数・費用）を記録し、経営陣が課題の全体像を把握できるようにしてください。",
                "For each material finding record the root cause, owner, due date and resources (effort, cost) needed, so management sees the whole picture.",
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_check_has_source_text_and_a_place_in_the_table() {
        for c in CheckId::ALL {
            assert!(!c.source_text(Lang::Ja).is_empty() && !c.source_text(Lang::En).is_empty());
            assert_eq!(c.code().parse::<CheckId>().ok(), Some(*c));
        }
        // The table has one good practice and one shortcoming side per row.
        let sides = |a: Area, s: Side| CheckId::ALL.iter().filter(|c| c.area() == a && c.side() == s).count();
        for a in
            [Area::ThreatIntelligence, Area::Evaluation, Area::ManagementReporting, Area::UseOfFindings, Area::Other]
        {
            assert!(sides(a, Side::GoodPractice) >= 1, "{a} has no good-practice check");
            assert!(sides(a, Side::Shortcoming) >= 1, "{a} has no shortcoming check");
        }
    }
}
