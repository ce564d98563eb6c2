//! Demo data: a fictional Japanese financial group with three TLPT engagements over three fiscal years,
//! one run the good-practice way and one that falls short in several ways, so a new user sees the
//! assessment, the recurrences and the rollout do their job; and a generator of bilingual findings for
//! the recurrence benchmark.
//!
//! Dates are relative to `now` so the demo always looks current.

mod generate;

pub use generate::{family_count, generate_findings, generate_labelled_findings};

use crate::codes::*;
use crate::ids::{EngagementId, FindingId, LocalId, SystemRef, TacticName, TechniqueId, Text};
use crate::model::*;
use crate::recurrence;
use crate::similarity::MatchConfig;
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use opres_domain::{Criticality, InstitutionCode, InstitutionType, JST, SystemCode, Timestamp, Yen};

/// The good-practice engagement of the demo.
pub const GOOD_ENGAGEMENT: &str = "TLPT-BK-3";
/// The engagement that falls short in several ways.
pub const POOR_ENGAGEMENT: &str = "TLPT-BK-2";
/// The first engagement, at the securities company.
pub const FIRST_ENGAGEMENT: &str = "TLPT-SEC-1";

// Identifiers below are literals of this file. The crate's own identifier types build from literals
// without failing; the register's codes (`InstitutionCode`, `SystemCode`) only parse, so a literal that
// did not parse would fall back to `INVALID`, which the demo's validation test would report.
fn lid(s: &str) -> LocalId {
    LocalId::lit(s)
}

fn fid(s: &str) -> FindingId {
    FindingId::lit(s)
}

fn eid(s: &str) -> EngagementId {
    EngagementId::lit(s)
}

fn tech(s: &str) -> TechniqueId {
    TechniqueId::lit(s)
}

fn code(s: &str) -> InstitutionCode {
    match InstitutionCode::parse(s) {
        Ok(c) => c,
        // "INVALID" parses, so this recursion ends at once.
        Err(_) => code("INVALID"),
    }
}

fn system_code(s: &str) -> SystemCode {
    match SystemCode::parse(s) {
        Ok(c) => c,
        Err(_) => system_code("INVALID"),
    }
}

fn sys(s: &str) -> SystemRef {
    let (e, x) = s.split_once('/').unwrap_or((s, "INVALID"));
    SystemRef::new(code(e), system_code(x))
}

fn tactic(s: &str) -> Option<TacticName> {
    TacticName::parse(s).ok()
}

/// Day arithmetic relative to the demo's "today" (JST).
struct Clock {
    today: NaiveDate,
}

impl Clock {
    fn day(&self, days_ago: i64) -> NaiveDate {
        self.today - Duration::days(days_ago)
    }

    /// An instant `days_ago` days before today at hh:mm JST.
    fn at(&self, days_ago: i64, hh: u32, mm: u32) -> Timestamp {
        let d = self.day(days_ago);
        let naive = d.and_hms_opt(hh, mm, 0).unwrap_or_default();
        JST.from_local_datetime(&naive).single().map(|t| t.with_timezone(&Utc)).unwrap_or_default()
    }
}

fn mins(t: Timestamp, m: i64) -> Timestamp {
    t + Duration::minutes(m)
}

#[allow(clippy::too_many_arguments)] // a table row of the demo: each argument is one column.
fn step(
    id: &str,
    scenario: &str,
    path: &str,
    at: Timestamp,
    technique: &str,
    tac: &str,
    target: &str,
    result: StepResult,
) -> AttackStep {
    AttackStep {
        id: lid(id),
        scenario: lid(scenario),
        path: lid(path),
        at,
        technique: tech(technique),
        tactic: tactic(tac),
        target: Some(sys(target)),
        result,
        leg_up: None,
        flag: None,
        note: None,
    }
}

fn detection(id: &str, at: Timestamp, source: DetectionSource, steps: &[&str], note: Text) -> Detection {
    Detection { id: lid(id), at, source, steps: steps.iter().map(|s| lid(s)).collect(), note: Some(note) }
}

fn response(
    id: &str,
    at: Timestamp,
    kind: ResponseKind,
    by: Responder,
    detections: &[&str],
    note: Text,
) -> ResponseAction {
    ResponseAction {
        id: lid(id),
        at,
        kind,
        by,
        detections: detections.iter().map(|s| lid(s)).collect(),
        steps: Vec::new(),
        note: Some(note),
    }
}

fn path(id: &str, kind: PathKind, ja: &str, en: &str) -> AttackPath {
    AttackPath { id: lid(id), kind, description: Text::new(ja, en) }
}

fn budget(line: BudgetLine, yen: u64) -> BudgetItem {
    BudgetItem { line, amount: Yen::new(yen), note: None }
}

fn phase(kind: PhaseKind, start: NaiveDate, end: NaiveDate) -> Phase {
    Phase { phase: kind, start, end: Some(end) }
}

fn scoped(systems: &[&str], in_scope: bool) -> Vec<ScopedSystem> {
    systems.iter().map(|s| ScopedSystem { system: sys(s), in_scope, note: None }).collect()
}

#[allow(clippy::too_many_arguments)]
fn finding(
    id: &str,
    engagement: &str,
    identified_on: NaiveDate,
    title: Text,
    description: Text,
    severity: Severity,
    root_cause: RootCause,
    root_cause_note: Option<Text>,
    technique: Option<&str>,
    systems: &[&str],
    recommendation: Text,
) -> Finding {
    Finding {
        id: fid(id),
        engagement: eid(engagement),
        origin: FindingOrigin::Tlpt,
        rollout_of: None,
        identified_on,
        title,
        description,
        severity,
        root_cause,
        root_cause_note,
        technique: technique.map(tech),
        systems: systems.iter().map(|s| sys(s)).collect(),
        enterprise_wide: false,
        recommendation,
        owner: String::new(),
        due: None,
        status: FindingStatus::Open,
        resources: None,
        recurrence_of: Vec::new(),
    }
}

fn group_structure() -> TlptProgramme {
    let mut p = TlptProgramme::new(Group {
        code: code("MINATO-FG"),
        name: Text::new("みなとフィナンシャルグループ", "Minato Financial Group"),
    });
    p.entities = vec![
        Entity {
            code: code("MINATO-BK"),
            name: Text::new("みなと銀行", "Minato Bank"),
            institution_type: InstitutionType::RegionalBank,
        },
        Entity {
            code: code("MINATO-SEC"),
            name: Text::new("みなと証券", "Minato Securities"),
            institution_type: InstitutionType::Securities,
        },
        Entity {
            code: code("MINATO-CARD"),
            name: Text::new("みなとカード", "Minato Card"),
            institution_type: InstitutionType::Payment,
        },
    ];
    let s = |id: &str, ja: &str, en: &str, c: Criticality, owner: &str| SystemEntry {
        id: sys(id),
        name: Text::new(ja, en),
        criticality: c,
        owner: Some(owner.to_string()),
    };
    p.systems = vec![
        s(
            "MINATO-BK/CORE",
            "勘定系システム",
            "Core banking system",
            Criticality::Critical,
            "システム部 勘定系グループ",
        ),
        s("MINATO-BK/IB", "インターネットバンキング", "Internet banking", Criticality::Critical, "デジタル営業部"),
        s("MINATO-BK/SWIFT", "SWIFT接続系", "SWIFT gateway", Criticality::Critical, "市場事務部"),
        s("MINATO-BK/ATM", "ATM系システム", "ATM network", Criticality::Critical, "事務統括部"),
        s(
            "MINATO-BK/AD",
            "行内Active Directory",
            "Bank Active Directory",
            Criticality::High,
            "システム部 基盤グループ",
        ),
        s("MINATO-BK/MAIL", "メールシステム", "Email", Criticality::High, "システム部 基盤グループ"),
        s(
            "MINATO-BK/VPN",
            "リモートアクセスVPN",
            "Remote-access VPN",
            Criticality::High,
            "システム部 ネットワークグループ",
        ),
        s(
            "MINATO-BK/JUMP",
            "特権用踏み台サーバ",
            "Privileged jump servers",
            Criticality::High,
            "システム部 基盤グループ",
        ),
        s("MINATO-BK/EUC", "行員用端末", "Staff workstations", Criticality::Medium, "システム部 端末グループ"),
        s("MINATO-SEC/TRADE", "オンライントレード", "Online trading", Criticality::Critical, "みなと証券 システム部"),
        s("MINATO-SEC/AD", "社内Active Directory", "Active Directory", Criticality::High, "みなと証券 システム部"),
        s("MINATO-SEC/VPN", "リモートアクセスVPN", "Remote-access VPN", Criticality::High, "みなと証券 システム部"),
        s(
            "MINATO-CARD/AUTH",
            "カードオーソリシステム",
            "Card authorisation",
            Criticality::Critical,
            "みなとカード IT部",
        ),
        s("MINATO-CARD/WEB", "会員向けWebサイト", "Cardholder website", Criticality::High, "みなとカード IT部"),
        s("MINATO-CARD/AD", "社内Active Directory", "Active Directory", Criticality::High, "みなとカード IT部"),
    ];
    p
}

/// FY "−3": the securities company's first TLPT. Reasonable, but its rollout stopped at the company's
/// own systems, so the bank later finds the same VPN weakness.
fn first_engagement(c: &Clock) -> (Engagement, Vec<Finding>, Vec<RolloutRecord>) {
    let start = c.at(1060, 9, 30);
    let e = Engagement {
        id: eid(FIRST_ENGAGEMENT),
        entity: code("MINATO-SEC"),
        title: Text::new("みなと証券 第1回TLPT", "Minato Securities TLPT no. 1"),
        framework: Framework::FsaGuidance,
        sponsor: Sponsor { name: "佐藤 健一".into(), role: Text::new("取締役 CIO", "Director, CIO") },
        phases: vec![
            phase(PhaseKind::Preparation, c.day(1150), c.day(1110)),
            phase(PhaseKind::ThreatIntelligence, c.day(1105), c.day(1070)),
            phase(PhaseKind::RedTeaming, c.day(1060), c.day(1040)),
            phase(PhaseKind::Closure, c.day(1035), c.day(1010)),
        ],
        scope: Scope {
            functions: vec![CriticalFunction {
                id: lid("F1"),
                name: Text::new("株式の委託売買", "Equity brokerage"),
                systems: vec![sys("MINATO-SEC/TRADE")],
            }],
            systems: scoped(&["MINATO-SEC/TRADE", "MINATO-SEC/AD", "MINATO-SEC/VPN"], true),
            flags: vec![Flag {
                id: lid("FLAG-TRADE"),
                description: Text::new("発注系サーバへの管理者アクセス", "Admin access to order servers"),
                system: Some(sys("MINATO-SEC/TRADE")),
            }],
        },
        budget: vec![
            budget(BudgetLine::ThreatIntelligence, 4_000_000),
            budget(BudgetLine::RedTeam, 18_000_000),
            budget(BudgetLine::BlueTeamEvaluation, 2_000_000),
        ],
        directives: vec![Directive {
            kind: DirectiveKind::FixFindings,
            issued_on: c.day(990),
            by: "経営会議".into(),
            text: Text::new("検出された課題を年度内に是正すること。", "Fix the findings within the fiscal year."),
        }],
        blue_team_told: None,
        intel: vec![
            IntelItem {
                id: lid("TI1"),
                title: Text::new(
                    "オンライン証券口座の不正取引の増加",
                    "Rise in fraudulent trading through hijacked online accounts",
                ),
                specificity: IntelSpecificity::Generic,
                sources: vec!["金融ISAC".into()],
                actors: vec![lid("A1")],
            },
            IntelItem {
                id: lid("TI2"),
                title: Text::new(
                    "当社VPN装置の型番を狙ったスキャンの観測",
                    "Scans aimed at the company's VPN appliance model",
                ),
                specificity: IntelSpecificity::OrganisationSpecific,
                sources: vec!["委託先SOCの観測ログ".into()],
                actors: vec![lid("A1")],
            },
        ],
        actors: vec![ActorProfile {
            id: lid("A1"),
            name: Text::new("金銭目的の犯罪集団", "Financially motivated criminal group"),
            actor_type: ActorType::CriminalGroup,
            intent: Level::High,
            capability: Level::Medium,
            intrusion_sets: vec!["G0046".into()],
        }],
        scenarios: vec![Scenario {
            id: lid("S1"),
            title: Text::new("VPN経由での発注系への侵入", "Intrusion into order servers through the VPN"),
            actors: vec![lid("A1")],
            intel: vec![lid("TI2")],
            flags: vec![lid("FLAG-TRADE")],
            paths: vec![
                path(
                    "P1",
                    PathKind::Primary,
                    "VPN（単要素認証）→AD→発注系",
                    "VPN (single factor) → AD → order servers",
                ),
                path("P2", PathKind::Alternative, "フィッシング→社員端末→AD", "Phishing → staff PC → AD"),
            ],
            leg_ups: Vec::new(),
            outcome: ScenarioOutcome::ObjectivesAchieved,
            outcome_note: None,
        }],
        steps: vec![
            step("ST1", "S1", "P1", start, "T1133", "initial-access", "MINATO-SEC/VPN", StepResult::Succeeded),
            step(
                "ST2",
                "S1",
                "P1",
                mins(start, 240),
                "T1078.003",
                "lateral-movement",
                "MINATO-SEC/AD",
                StepResult::Succeeded,
            ),
            step(
                "ST3",
                "S1",
                "P1",
                mins(start, 1500),
                "T1021.002",
                "lateral-movement",
                "MINATO-SEC/TRADE",
                StepResult::Succeeded,
            ),
            step(
                "ST4",
                "S1",
                "P2",
                mins(start, 2900),
                "T1566.001",
                "initial-access",
                "MINATO-SEC/AD",
                StepResult::Succeeded,
            ),
        ],
        detections: vec![detection(
            "D1",
            mins(start, 2000),
            DetectionSource::Siem,
            &["ST3"],
            Text::new("SIEMの相関ルールで検知", "SIEM correlation rule"),
        )],
        responses: vec![response(
            "R1",
            mins(start, 2100),
            ResponseKind::Triage,
            Responder::Soc,
            &["D1"],
            Text::new("SOCが一次切り分け", "SOC triage"),
        )],
        phishing: vec![PhishingCampaign {
            id: lid("PH1"),
            scenario: Some(lid("S1")),
            sent_at: mins(start, 2880),
            recipients: 80,
            clicks: 17,
            first_click_at: Some(mins(start, 2884)),
            reports: vec![StaffReport {
                at: mins(start, 3000),
                reporter: Some("営業部".into()),
                escalated_at: None,
                csirt_response_at: None,
                csirt_action: None,
            }],
        }],
        management_report: Some(ManagementReportRecord {
            reported_on: c.day(1000),
            to: "経営会議".into(),
            overall: OverallRating::IssuesReported,
            summary: Text::new(
                "VPNの単要素認証等、4件の課題を報告。",
                "Four issues reported, including single-factor VPN.",
            ),
            findings_reported: vec![fid("F-SEC1-01"), fid("F-SEC1-02"), fid("F-SEC1-03"), fid("F-SEC1-04")],
            enterprise_risks: vec![Text::new("リモートアクセスの認証強度不足", "Weak authentication of remote access")],
        }),
    };
    let found = c.day(1030);
    let mut f1 = finding(
        "F-SEC1-01",
        FIRST_ENGAGEMENT,
        found,
        Text::new(
            "リモートアクセスVPNに多要素認証が導入されていない",
            "Remote-access VPN does not require multi-factor authentication",
        ),
        Text::new(
            "VPN装置はID・パスワードのみで接続でき、推測したパスワードで社内ネットワークへ侵入できた。",
            "The VPN accepts a user ID and password only; a guessed password gave access to the internal network.",
        ),
        Severity::High,
        RootCause::CredentialManagement,
        Some(Text::new(
            "VPN導入時に多要素認証が要件化されていなかった",
            "MFA was not a requirement when the VPN was introduced",
        )),
        Some("T1133"),
        &["MINATO-SEC/VPN"],
        Text::new("VPNに多要素認証を導入する", "Enforce multi-factor authentication on the VPN"),
    );
    f1.status = FindingStatus::Remediated;
    f1.enterprise_wide = true;
    f1.owner = "みなと証券 システム部".into();
    f1.due = Some(c.day(900));
    let mut f2 = finding(
        "F-SEC1-02",
        FIRST_ENGAGEMENT,
        found,
        Text::new(
            "ローカル管理者のパスワードが全端末で共通",
            "The local administrator password is the same on every PC",
        ),
        Text::new(
            "1台の端末から取得したローカル管理者のハッシュ値で他の端末へ横展開できた。",
            "The local administrator hash taken from one PC let the red team move laterally to the others.",
        ),
        Severity::High,
        RootCause::CredentialManagement,
        Some(Text::new(
            "端末のキッティング手順で同一パスワードを設定",
            "The PC build procedure sets the same password",
        )),
        Some("T1078.003"),
        &["MINATO-SEC/AD"],
        Text::new(
            "LAPS等で端末ごとに異なるパスワードを設定する",
            "Use LAPS or similar to give each PC its own password",
        ),
    );
    f2.status = FindingStatus::Remediated;
    f2.owner = "みなと証券 システム部".into();
    let mut f3 = finding(
        "F-SEC1-03",
        FIRST_ENGAGEMENT,
        found,
        Text::new("SMBによる横展開をSOCが検知できない", "The SOC cannot detect lateral movement over SMB"),
        Text::new(
            "管理共有を使った横展開は約8時間後にSIEMの相関ルールでようやく検知された。",
            "Lateral movement through admin shares was only detected about 8 hours later by a SIEM correlation rule.",
        ),
        Severity::Medium,
        RootCause::MonitoringGap,
        None,
        Some("T1021.002"),
        &["MINATO-SEC/AD", "MINATO-SEC/TRADE"],
        Text::new("管理共有へのアクセスを検知するルールを追加する", "Add detection rules for admin-share access"),
    );
    f3.status = FindingStatus::InProgress;
    let mut f4 = finding(
        "F-SEC1-04",
        FIRST_ENGAGEMENT,
        found,
        Text::new("標的型メール訓練での報告率が低い", "Few staff reported the phishing mail"),
        Text::new(
            "80名中17名がリンクをクリックし、報告は1名のみで、CSIRTへのエスカレーションは行われなかった。",
            "17 of 80 clicked the link; only one reported it and it never reached the CSIRT.",
        ),
        Severity::Medium,
        RootCause::Awareness,
        None,
        Some("T1566.001"),
        &["MINATO-SEC/AD"],
        Text::new(
            "不審メールの報告手順を周知し、報告をCSIRTへ自動連携する",
            "Make the reporting route known and forward reports to the CSIRT automatically",
        ),
    );
    f4.status = FindingStatus::Remediated;
    // The rollout stopped at the company's own systems: nobody asked the bank or the card company.
    let r = |finding: &str, system: &str, status: RolloutStatus| RolloutRecord {
        finding: fid(finding),
        entity: code("MINATO-SEC"),
        system: Some(sys(system)),
        status,
        owner: "みなと証券 システム部".into(),
        instructed_on: c.day(1000),
        due: Some(c.day(940)),
        checked_on: (status != RolloutStatus::NotChecked).then(|| c.day(960)),
        new_finding: None,
        note: None,
    };
    let rollout = vec![
        r("F-SEC1-01", "MINATO-SEC/TRADE", RolloutStatus::CheckedNotPresent),
        r("F-SEC1-02", "MINATO-SEC/TRADE", RolloutStatus::CheckedNotPresent),
    ];
    (e, vec![f1, f2, f3, f4], rollout)
}

/// FY "−2": the bank's TLPT that falls short in several ways: generic intelligence only, the blue team
/// told in advance, one path only, no blue-team budget, no phishing, and a "good result" report that
/// leaves out the recurring findings.
fn poor_engagement(c: &Clock) -> (Engagement, Vec<Finding>) {
    let start = c.at(700, 10, 0);
    let e = Engagement {
        id: eid(POOR_ENGAGEMENT),
        entity: code("MINATO-BK"),
        title: Text::new("みなと銀行 第2回TLPT", "Minato Bank TLPT no. 2"),
        framework: Framework::FsaGuidance,
        sponsor: Sponsor {
            name: "高橋 誠".into(),
            role: Text::new("常務執行役員 CISO", "Managing Executive Officer, CISO"),
        },
        phases: vec![
            phase(PhaseKind::Preparation, c.day(760), c.day(730)),
            phase(PhaseKind::ThreatIntelligence, c.day(728), c.day(720)),
            phase(PhaseKind::RedTeaming, c.day(700), c.day(690)),
            phase(PhaseKind::Closure, c.day(688), c.day(670)),
        ],
        scope: Scope {
            functions: vec![CriticalFunction {
                id: lid("F1"),
                name: Text::new("預金・為替", "Deposits and transfers"),
                systems: vec![sys("MINATO-BK/CORE")],
            }],
            systems: {
                let mut v = scoped(&["MINATO-BK/AD", "MINATO-BK/EUC", "MINATO-BK/CORE"], true);
                v.extend(scoped(&["MINATO-BK/SWIFT", "MINATO-BK/IB"], false));
                v
            },
            flags: vec![Flag {
                id: lid("FLAG-AD"),
                description: Text::new("ドメイン管理者権限の取得", "Domain admin rights"),
                system: Some(sys("MINATO-BK/AD")),
            }],
        },
        budget: vec![budget(BudgetLine::RedTeam, 9_000_000), budget(BudgetLine::ProjectManagement, 1_000_000)],
        directives: vec![Directive {
            kind: DirectiveKind::FixFindings,
            issued_on: c.day(660),
            by: "取締役会".into(),
            text: Text::new("指摘事項に対応すること。", "Address the points raised."),
        }],
        blue_team_told: Some(BlueTeamDisclosure {
            at: c.at(707, 15, 0),
            whom: "SOCマネージャー及びCSIRT全員".into(),
            reason: Some(Text::new(
                "業務影響を避けるため事前に日程を共有",
                "Dates shared in advance to avoid disruption",
            )),
        }),
        intel: vec![
            IntelItem {
                id: lid("TI1"),
                title: Text::new(
                    "金融機関を狙うランサムウェアの動向（一般）",
                    "Ransomware trends against financial institutions (generic)",
                ),
                specificity: IntelSpecificity::Generic,
                sources: vec!["セキュリティベンダーの年次レポート".into()],
                actors: vec![lid("A1")],
            },
            IntelItem {
                id: lid("TI2"),
                title: Text::new("フィッシングの一般的な手口", "Common phishing techniques"),
                specificity: IntelSpecificity::Generic,
                sources: vec!["公開情報".into()],
                actors: vec![lid("A1")],
            },
        ],
        actors: vec![ActorProfile {
            id: lid("A1"),
            name: Text::new("ランサムウェア攻撃グループ", "Ransomware group"),
            actor_type: ActorType::CriminalGroup,
            intent: Level::Medium,
            capability: Level::Medium,
            intrusion_sets: Vec::new(),
        }],
        scenarios: vec![Scenario {
            id: lid("S1"),
            title: Text::new("内部端末の侵害を前提としたAD掌握", "Assumed breach of a PC, then domain takeover"),
            actors: vec![lid("A1")],
            intel: vec![lid("TI1")],
            flags: vec![lid("FLAG-AD")],
            paths: vec![path("P1", PathKind::Primary, "提供された端末→AD", "Provided PC → AD")],
            leg_ups: vec![LegUp {
                id: lid("L1"),
                granted_at: start,
                description: Text::new("行員端末と一般ユーザーIDを提供", "A staff PC and a user account were provided"),
            }],
            outcome: ScenarioOutcome::ObjectivesAchieved,
            outcome_note: None,
        }],
        steps: {
            let mut v = vec![
                step("ST1", "S1", "P1", start, "T1078", "initial-access", "MINATO-BK/EUC", StepResult::Succeeded),
                step(
                    "ST2",
                    "S1",
                    "P1",
                    mins(start, 60),
                    "T1087.002",
                    "discovery",
                    "MINATO-BK/AD",
                    StepResult::Succeeded,
                ),
                step(
                    "ST3",
                    "S1",
                    "P1",
                    mins(start, 180),
                    "T1003.001",
                    "credential-access",
                    "MINATO-BK/EUC",
                    StepResult::Succeeded,
                ),
                step(
                    "ST4",
                    "S1",
                    "P1",
                    mins(start, 300),
                    "T1078.003",
                    "lateral-movement",
                    "MINATO-BK/EUC",
                    StepResult::Succeeded,
                ),
                step(
                    "ST5",
                    "S1",
                    "P1",
                    mins(start, 1500),
                    "T1021.001",
                    "lateral-movement",
                    "MINATO-BK/AD",
                    StepResult::Succeeded,
                ),
            ];
            v[0].leg_up = Some(lid("L1"));
            v[4].flag = Some(lid("FLAG-AD"));
            v
        },
        detections: vec![
            detection("D1", mins(start, 190), DetectionSource::Edr, &["ST3"], Text::new("EDRのアラート", "EDR alert")),
            detection(
                "D2",
                mins(start, 1510),
                DetectionSource::Siem,
                &["ST5"],
                Text::new("SIEMのアラート", "SIEM alert"),
            ),
        ],
        responses: Vec::new(),
        phishing: Vec::new(),
        management_report: Some(ManagementReportRecord {
            reported_on: c.day(665),
            to: "取締役会".into(),
            overall: OverallRating::Good,
            summary: Text::new(
                "TLPTは良好な結果であった。主要な攻撃はEDR・SIEMで検知された。",
                "The TLPT result was good; the main attacks were detected by EDR and SIEM.",
            ),
            findings_reported: vec![fid("F-BK2-03")],
            enterprise_risks: Vec::new(),
        }),
    };
    let found = c.day(685);
    let mut f1 = finding(
        "F-BK2-01",
        POOR_ENGAGEMENT,
        found,
        Text::new(
            "行員用リモートアクセスVPNが多要素認証に対応していない",
            "Staff remote-access VPN lacks multi-factor authentication",
        ),
        Text::new(
            "テレワーク用VPNはパスワードのみで接続可能で、漏えいしたパスワードがあれば外部から行内ネットワークに到達できる。",
            "The teleworking VPN accepts a password alone; a leaked password reaches the bank's network from outside.",
        ),
        Severity::High,
        RootCause::CredentialManagement,
        None,
        Some("T1133"),
        &["MINATO-BK/VPN"],
        Text::new("VPNに多要素認証を導入する", "Introduce multi-factor authentication on the VPN"),
    );
    f1.enterprise_wide = true;
    f1.owner = "システム部 ネットワークグループ".into();
    f1.status = FindingStatus::Remediated;
    let mut f2 = finding(
        "F-BK2-02",
        POOR_ENGAGEMENT,
        found,
        Text::new(
            "端末のローカル管理者パスワードが共通で横展開が容易",
            "Shared local admin password makes lateral movement easy",
        ),
        Text::new(
            "全行員端末でローカルAdministratorのパスワードが同一であり、取得したハッシュで他端末にログオンできた。",
            "Every staff PC has the same local Administrator password; the captured hash logged on to other PCs.",
        ),
        Severity::High,
        RootCause::CredentialManagement,
        None,
        Some("T1078.003"),
        &["MINATO-BK/EUC"],
        Text::new("端末ごとに固有のパスワードを設定する", "Give every PC a unique password"),
    );
    f2.owner = "システム部 端末グループ".into();
    f2.status = FindingStatus::Remediated;
    let mut f3 = finding(
        "F-BK2-03",
        POOR_ENGAGEMENT,
        found,
        Text::new("特権IDの棚卸が行われていない", "Privileged accounts are not reviewed"),
        Text::new("退職者の特権IDが3件残存していた。", "Three privileged accounts of leavers were still active."),
        Severity::Medium,
        RootCause::PrivilegedAccess,
        None,
        Some("T1078.002"),
        &["MINATO-BK/AD"],
        Text::new("特権IDを四半期ごとに棚卸する", "Review privileged accounts quarterly"),
    );
    f3.status = FindingStatus::Remediated;
    let mut f4 = finding(
        "F-BK2-04",
        POOR_ENGAGEMENT,
        found,
        Text::new("SWIFT接続系が行内ネットワークから到達可能", "SWIFT gateway reachable from the internal network"),
        Text::new(
            "行員用端末のセグメントからSWIFT接続系サーバのRDPポートへ通信でき、ネットワーク分離が不十分である。",
            "RDP on the SWIFT gateway servers is reachable from the staff PC segment; segmentation is insufficient.",
        ),
        Severity::High,
        RootCause::NetworkSegmentation,
        None,
        Some("T1021.001"),
        &["MINATO-BK/SWIFT"],
        Text::new(
            "SWIFT接続系への通信を踏み台サーバ経由に限定する",
            "Allow access to the SWIFT gateway only through the jump servers",
        ),
    );
    f4.enterprise_wide = true;
    f4.status = FindingStatus::InProgress;
    (e, vec![f1, f2, f3, f4])
}

/// FY "0": the bank's third TLPT, run the good-practice way.
fn good_engagement(c: &Clock) -> (Engagement, Vec<Finding>) {
    let d0 = c.at(140, 9, 10);
    let d1 = c.at(138, 13, 0);
    let d2 = c.at(132, 10, 0);
    let d3 = c.at(126, 9, 0);
    let e = Engagement {
        id: eid(GOOD_ENGAGEMENT),
        entity: code("MINATO-BK"),
        title: Text::new(
            "みなと銀行 第3回TLPT（グループ横断の脅威シナリオ）",
            "Minato Bank TLPT no. 3 (group-wide threat scenarios)",
        ),
        framework: Framework::FsaGuidance,
        sponsor: Sponsor {
            name: "高橋 誠".into(),
            role: Text::new("常務執行役員 CISO", "Managing Executive Officer, CISO"),
        },
        phases: vec![
            phase(PhaseKind::Preparation, c.day(240), c.day(200)),
            phase(PhaseKind::ThreatIntelligence, c.day(198), c.day(150)),
            phase(PhaseKind::RedTeaming, c.day(140), c.day(115)),
            phase(PhaseKind::Closure, c.day(110), c.day(75)),
        ],
        scope: Scope {
            functions: vec![
                CriticalFunction {
                    id: lid("F1"),
                    name: Text::new("外国送金", "Cross-border payments"),
                    systems: vec![sys("MINATO-BK/SWIFT"), sys("MINATO-BK/JUMP")],
                },
                CriticalFunction {
                    id: lid("F2"),
                    name: Text::new("預金・為替", "Deposits and transfers"),
                    systems: vec![sys("MINATO-BK/CORE"), sys("MINATO-BK/IB")],
                },
            ],
            systems: {
                let mut v = scoped(
                    &[
                        "MINATO-BK/AD",
                        "MINATO-BK/EUC",
                        "MINATO-BK/MAIL",
                        "MINATO-BK/VPN",
                        "MINATO-BK/SWIFT",
                        "MINATO-BK/JUMP",
                        "MINATO-BK/CORE",
                        "MINATO-BK/IB",
                    ],
                    true,
                );
                v.push(ScopedSystem {
                    system: sys("MINATO-BK/ATM"),
                    in_scope: false,
                    note: Some(Text::new("次回の対象として経営陣が指示", "Management directed it into the next scope")),
                });
                v
            },
            flags: vec![
                Flag {
                    id: lid("FLAG-SWIFT"),
                    description: Text::new("SWIFT送金端末の操作権限", "Operator access to the SWIFT terminal"),
                    system: Some(sys("MINATO-BK/SWIFT")),
                },
                Flag {
                    id: lid("FLAG-CORE"),
                    description: Text::new("勘定系データベースの参照", "Read access to the core banking database"),
                    system: Some(sys("MINATO-BK/CORE")),
                },
                Flag {
                    id: lid("FLAG-AD"),
                    description: Text::new("ドメイン管理者権限", "Domain admin rights"),
                    system: Some(sys("MINATO-BK/AD")),
                },
            ],
        },
        budget: vec![
            budget(BudgetLine::ThreatIntelligence, 8_000_000),
            budget(BudgetLine::RedTeam, 30_000_000),
            budget(BudgetLine::BlueTeamEvaluation, 6_000_000),
            budget(BudgetLine::PurpleTeaming, 4_000_000),
            budget(BudgetLine::ProjectManagement, 2_000_000),
        ],
        directives: vec![
            Directive {
                kind: DirectiveKind::UnannouncedTest,
                issued_on: c.day(250),
                by: "取締役会".into(),
                text: Text::new(
                    "前回の反省を踏まえ、ブルーチームに予告せず実施すること。",
                    "Learning from the last test, run it without telling the blue team.",
                ),
            },
            Directive {
                kind: DirectiveKind::FixFindings,
                issued_on: c.day(60),
                by: "取締役会".into(),
                text: Text::new(
                    "再発している課題は根本原因から是正し、四半期ごとに進捗を報告すること。",
                    "Fix recurring issues at their root cause and report progress quarterly.",
                ),
            },
            Directive {
                kind: DirectiveKind::WidenScope,
                issued_on: c.day(60),
                by: "取締役会".into(),
                text: Text::new(
                    "次回はATM系及びグループ会社のシステムを対象に加えること。",
                    "Add the ATM network and group companies' systems to the next scope.",
                ),
            },
            Directive {
                kind: DirectiveKind::HorizontalRollout,
                issued_on: c.day(60),
                by: "取締役会".into(),
                text: Text::new(
                    "全発見事項をグループ各社へ横展開すること。",
                    "Roll every finding out to all group companies.",
                ),
            },
        ],
        blue_team_told: Some(BlueTeamDisclosure {
            at: c.at(138, 17, 0),
            whom: "CSIRTリーダー（1名）".into(),
            reason: Some(Text::new(
                "検知後、外部通報を避けるためのデコンフリクション",
                "Deconfliction after detection, to avoid an external report",
            )),
        }),
        intel: vec![
            IntelItem {
                id: lid("TI1"),
                title: Text::new(
                    "当行職員の認証情報がダークウェブで売買されている",
                    "Staff credentials of the bank offered for sale on the dark web",
                ),
                specificity: IntelSpecificity::OrganisationSpecific,
                sources: vec!["脅威インテリジェンス事業者のダークウェブ監視".into(), "金融ISAC".into()],
                actors: vec![lid("A1")],
            },
            IntelItem {
                id: lid("TI2"),
                title: Text::new(
                    "当行の保守委託先を装ったフィッシングの観測",
                    "Phishing impersonating the bank's maintenance vendor observed",
                ),
                specificity: IntelSpecificity::OrganisationSpecific,
                sources: vec!["当行メールゲートウェイのログ".into()],
                actors: vec![lid("A2")],
            },
            IntelItem {
                id: lid("TI3"),
                title: Text::new(
                    "国家が関与する主体によるアジアの銀行のSWIFT環境への攻撃",
                    "State-linked attacks on SWIFT environments of Asian banks",
                ),
                specificity: IntelSpecificity::Generic,
                sources: vec!["公的機関の注意喚起".into()],
                actors: vec![lid("A2")],
            },
            IntelItem {
                id: lid("TI4"),
                title: Text::new("保守委託先の要員による不正持出しの事例", "Data theft by vendor staff in the sector"),
                specificity: IntelSpecificity::OrganisationSpecific,
                sources: vec!["当行の委託先管理部門".into()],
                actors: vec![lid("A3")],
            },
        ],
        actors: vec![
            ActorProfile {
                id: lid("A1"),
                name: Text::new("ランサムウェアを用いる犯罪集団", "Ransomware criminal group"),
                actor_type: ActorType::CriminalGroup,
                intent: Level::High,
                capability: Level::Medium,
                intrusion_sets: vec!["G0102".into()],
            },
            ActorProfile {
                id: lid("A2"),
                name: Text::new("送金を狙う国家関与の攻撃グループ", "State-linked group after payments"),
                actor_type: ActorType::StateLinked,
                intent: Level::High,
                capability: Level::High,
                intrusion_sets: vec!["G0082".into(), "G0032".into()],
            },
            ActorProfile {
                id: lid("A3"),
                name: Text::new("保守委託先の内部者", "Insider at the maintenance vendor"),
                actor_type: ActorType::Insider,
                intent: Level::Medium,
                capability: Level::Medium,
                intrusion_sets: Vec::new(),
            },
        ],
        scenarios: vec![
            Scenario {
                id: lid("S1"),
                title: Text::new(
                    "委託先を装うフィッシングからSWIFT送金端末へ",
                    "From vendor-themed phishing to the SWIFT terminal",
                ),
                actors: vec![lid("A2")],
                intel: vec![lid("TI2"), lid("TI3")],
                flags: vec![lid("FLAG-SWIFT"), lid("FLAG-AD")],
                paths: vec![
                    path(
                        "P1",
                        PathKind::Primary,
                        "フィッシング→行員端末→AD→踏み台→SWIFT",
                        "Phishing → staff PC → AD → jump server → SWIFT",
                    ),
                    path("P2", PathKind::Alternative, "漏えい認証情報でVPN→AD", "Leaked credentials on the VPN → AD"),
                    path(
                        "P3",
                        PathKind::Detour,
                        "踏み台が遮断されたため保守回線経由でSWIFTへ",
                        "Jump server blocked, so via the maintenance line to SWIFT",
                    ),
                ],
                leg_ups: Vec::new(),
                outcome: ScenarioOutcome::PartiallyAchieved,
                outcome_note: Some(Text::new(
                    "SWIFT端末の操作権限は保守回線経由で取得",
                    "SWIFT operator access gained through the maintenance line",
                )),
            },
            Scenario {
                id: lid("S2"),
                title: Text::new("VPN経由のランサムウェア攻撃", "Ransomware through the VPN"),
                actors: vec![lid("A1")],
                intel: vec![lid("TI1")],
                flags: vec![],
                paths: vec![
                    path(
                        "P1",
                        PathKind::Primary,
                        "パスワードスプレー→VPN→SMB横展開",
                        "Password spraying → VPN → SMB lateral movement",
                    ),
                    path(
                        "P2",
                        PathKind::Detour,
                        "インターネットバンキングの脆弱性を突く",
                        "Exploit the internet banking application",
                    ),
                ],
                leg_ups: vec![LegUp {
                    id: lid("L1"),
                    granted_at: mins(d2, 120),
                    description: Text::new(
                        "スプレーが遮断されたためVPNアカウントを提供",
                        "VPN account provided after spraying was blocked",
                    ),
                }],
                outcome: ScenarioOutcome::PartiallyAchieved,
                outcome_note: None,
            },
            Scenario {
                id: lid("S3"),
                title: Text::new(
                    "保守委託先要員による勘定系データの持出し",
                    "Vendor staff exfiltrating core banking data",
                ),
                actors: vec![lid("A3")],
                intel: vec![lid("TI4")],
                flags: vec![lid("FLAG-CORE")],
                paths: vec![path(
                    "P1",
                    PathKind::Primary,
                    "保守用端末の共通アカウント→勘定系DB",
                    "Shared account on the maintenance PC → core DB",
                )],
                leg_ups: Vec::new(),
                outcome: ScenarioOutcome::ObjectivesAchieved,
                outcome_note: None,
            },
        ],
        steps: {
            let mut v = vec![
                step("ST01", "S1", "P1", d0, "T1566.001", "initial-access", "MINATO-BK/MAIL", StepResult::Succeeded),
                step(
                    "ST02",
                    "S1",
                    "P1",
                    mins(d0, 35),
                    "T1059.001",
                    "execution",
                    "MINATO-BK/EUC",
                    StepResult::Succeeded,
                ),
                step(
                    "ST03",
                    "S1",
                    "P1",
                    mins(d0, 120),
                    "T1003.001",
                    "credential-access",
                    "MINATO-BK/EUC",
                    StepResult::Succeeded,
                ),
                step(
                    "ST04",
                    "S1",
                    "P1",
                    mins(d0, 400),
                    "T1558.003",
                    "credential-access",
                    "MINATO-BK/AD",
                    StepResult::Succeeded,
                ),
                step("ST05", "S1", "P1", d1, "T1021.001", "lateral-movement", "MINATO-BK/JUMP", StepResult::Blocked),
                step(
                    "ST06",
                    "S1",
                    "P3",
                    mins(d1, 1440),
                    "T1133",
                    "initial-access",
                    "MINATO-BK/SWIFT",
                    StepResult::PartiallySucceeded,
                ),
                step(
                    "ST07",
                    "S1",
                    "P2",
                    mins(d1, 2900),
                    "T1078",
                    "initial-access",
                    "MINATO-BK/VPN",
                    StepResult::Succeeded,
                ),
                step("ST08", "S2", "P1", d2, "T1110.003", "credential-access", "MINATO-BK/VPN", StepResult::Blocked),
                step(
                    "ST09",
                    "S2",
                    "P1",
                    mins(d2, 150),
                    "T1133",
                    "initial-access",
                    "MINATO-BK/VPN",
                    StepResult::Succeeded,
                ),
                step(
                    "ST10",
                    "S2",
                    "P1",
                    mins(d2, 300),
                    "T1021.002",
                    "lateral-movement",
                    "MINATO-BK/EUC",
                    StepResult::Succeeded,
                ),
                step(
                    "ST11",
                    "S2",
                    "P1",
                    mins(d2, 1500),
                    "T1486",
                    "impact",
                    "MINATO-BK/EUC",
                    StepResult::PartiallySucceeded,
                ),
                step(
                    "ST12",
                    "S2",
                    "P2",
                    mins(d2, 2000),
                    "T1190",
                    "initial-access",
                    "MINATO-BK/IB",
                    StepResult::Blocked,
                ),
                step(
                    "ST13",
                    "S3",
                    "P1",
                    d3,
                    "T1078.003",
                    "privilege-escalation",
                    "MINATO-BK/CORE",
                    StepResult::Succeeded,
                ),
                step(
                    "ST14",
                    "S3",
                    "P1",
                    mins(d3, 180),
                    "T1048",
                    "exfiltration",
                    "MINATO-BK/CORE",
                    StepResult::Succeeded,
                ),
            ];
            v[3].flag = Some(lid("FLAG-AD"));
            v[5].flag = Some(lid("FLAG-SWIFT"));
            v[8].leg_up = Some(lid("L1"));
            v[12].flag = Some(lid("FLAG-CORE"));
            v
        },
        detections: vec![
            detection(
                "D01",
                mins(d0, 25),
                DetectionSource::StaffReport,
                &["ST01"],
                Text::new("職員が報告ボタンで通報", "A member of staff used the report button"),
            ),
            detection(
                "D02",
                mins(d0, 130),
                DetectionSource::Edr,
                &["ST03"],
                Text::new("LSASSへのアクセスをEDRが検知", "EDR flagged LSASS access"),
            ),
            detection(
                "D03",
                mins(d0, 580),
                DetectionSource::Soc,
                &["ST04"],
                Text::new("SOCがチケット要求の急増を分析", "SOC analysed a burst of ticket requests"),
            ),
            detection(
                "D04",
                mins(d1, 2940),
                DetectionSource::Soc,
                &["ST07"],
                Text::new("通常と異なる地域からのVPNログオン", "VPN logon from an unusual location"),
            ),
            detection(
                "D05",
                mins(d2, 15),
                DetectionSource::Soc,
                &["ST08"],
                Text::new("パスワードスプレーを検知", "Password spraying detected"),
            ),
            detection(
                "D06",
                mins(d2, 420),
                DetectionSource::Siem,
                &["ST10"],
                Text::new("管理共有アクセスの相関ルール", "Admin-share correlation rule"),
            ),
            detection(
                "D07",
                mins(d3, 480),
                DetectionSource::Csirt,
                &["ST14"],
                Text::new("CSIRTが通信量の異常から持出しを特定", "CSIRT traced the exfiltration from traffic volumes"),
            ),
        ],
        responses: vec![
            response(
                "R01",
                mins(d0, 70),
                ResponseKind::Escalation,
                Responder::Csirt,
                &["D01"],
                Text::new("CSIRTが受付・分析開始", "CSIRT took the report and started analysis"),
            ),
            response(
                "R02",
                mins(d0, 170),
                ResponseKind::Containment,
                Responder::Soc,
                &["D02"],
                Text::new("端末をネットワークから隔離", "PC isolated from the network"),
            ),
            response(
                "R03",
                mins(d1, 3060),
                ResponseKind::Containment,
                Responder::Csirt,
                &["D04"],
                Text::new("VPNアカウントを停止", "VPN account disabled"),
            ),
            response(
                "R04",
                mins(d2, 30),
                ResponseKind::Triage,
                Responder::Soc,
                &["D05"],
                Text::new("送信元IPを遮断", "Source IPs blocked"),
            ),
            response(
                "R05",
                mins(d3, 1440),
                ResponseKind::Eradication,
                Responder::Csirt,
                &["D07"],
                Text::new(
                    "保守用アカウントを停止し持出し経路を遮断",
                    "Maintenance account disabled, exfiltration route closed",
                ),
            ),
        ],
        phishing: vec![PhishingCampaign {
            id: lid("PH1"),
            scenario: Some(lid("S1")),
            sent_at: mins(d0, -10),
            recipients: 120,
            clicks: 14,
            first_click_at: Some(mins(d0, -4)),
            reports: (0..9)
                .map(|i: i64| StaffReport {
                    at: mins(d0, 15 + i * 12),
                    reporter: Some(["営業統括部", "融資部", "市場事務部"][(i % 3) as usize].into()),
                    escalated_at: (i < 7).then(|| mins(d0, 15 + i * 12 + 20 + i * 5)),
                    csirt_response_at: (i < 5).then(|| mins(d0, 15 + i * 12 + 55 + i * 10)),
                    csirt_action: (i < 5).then(|| {
                        Text::new("メールの一斉削除と送信元ドメインの遮断", "Mails purged and sender domain blocked")
                    }),
                })
                .collect(),
        }],
        management_report: Some(ManagementReportRecord {
            reported_on: c.day(70),
            to: "取締役会".into(),
            overall: OverallRating::IssuesReported,
            summary: Text::new(
                "SWIFT送金端末の操作権限が保守回線経由で取得された。VPNの多要素認証未対応など3件は過去のTLPTからの再発であり、対策が有効に機能していない。",
                "SWIFT operator access was gained through the maintenance line. Three findings, including the VPN without MFA, recur earlier TLPTs: the measures taken did not work.",
            ),
            findings_reported: vec![
                fid("F-BK3-01"),
                fid("F-BK3-02"),
                fid("F-BK3-03"),
                fid("F-BK3-04"),
                fid("F-BK3-05"),
                fid("F-BK3-06"),
            ],
            enterprise_risks: vec![
                Text::new(
                    "委託先の保守回線を経由した送金系への不正アクセス",
                    "Unauthorised access to payment systems through vendors' maintenance lines",
                ),
                Text::new(
                    "グループ共通のリモートアクセス認証の弱さ",
                    "Weak remote-access authentication across the group",
                ),
            ],
        }),
    };
    let found = c.day(105);
    let f = |mut x: Finding, owner: &str, due: i64, days: u32, cost: u64, rc_ja: &str, rc_en: &str| {
        x.owner = owner.into();
        x.due = Some(c.day(due));
        x.resources = Some(ResourceEstimate { person_days: Some(days), cost: Some(Yen::new(cost)) });
        x.root_cause_note = Some(Text::new(rc_ja, rc_en));
        x
    };
    let mut f1 = f(
        finding(
            "F-BK3-01",
            GOOD_ENGAGEMENT,
            found,
            Text::new(
                "保守委託先用のVPNで多要素認証が適用されていない",
                "Vendor maintenance VPN does not enforce multi-factor authentication",
            ),
            Text::new(
                "行員用VPNは多要素認証に移行済みだが、保守委託先向けの旧VPN装置はパスワードのみで接続でき、SWIFT接続系まで到達できた。",
                "Staff VPN moved to MFA, but the old VPN appliance kept for vendors accepts a password only, and led to the SWIFT gateway.",
            ),
            Severity::Critical,
            RootCause::CredentialManagement,
            None,
            Some("T1133"),
            &["MINATO-BK/VPN", "MINATO-BK/SWIFT"],
            Text::new(
                "委託先用VPNを廃止し、多要素認証付きの接続に一本化する",
                "Retire the vendor VPN and move vendors to the MFA-protected service",
            ),
        ),
        "システム部 ネットワークグループ",
        -90,
        40,
        25_000_000,
        "前回の是正が行員用VPNのみを対象とし、委託先用の接続経路が資産台帳に載っていなかった",
        "The last fix covered the staff VPN only; the vendor connection was missing from the asset inventory",
    );
    f1.enterprise_wide = true;
    let f2 = f(
        finding(
            "F-BK3-02",
            GOOD_ENGAGEMENT,
            found,
            Text::new("サーバのローカル管理者パスワードが共通", "Servers share one local administrator password"),
            Text::new(
                "行員端末にはLAPSが導入されたが、業務サーバではローカル管理者のパスワードが同一で、取得したハッシュで横展開できた。",
                "LAPS now covers staff PCs, but business servers still share one local administrator password; a captured hash allowed lateral movement.",
            ),
            Severity::High,
            RootCause::CredentialManagement,
            None,
            Some("T1078.003"),
            &["MINATO-BK/EUC", "MINATO-BK/CORE"],
            Text::new("サーバにもLAPSを適用する", "Extend LAPS to servers"),
        ),
        "システム部 基盤グループ",
        -60,
        20,
        3_000_000,
        "是正の対象範囲を端末に限定した",
        "The fix was limited to PCs",
    );
    let mut f3 = f(
        finding(
            "F-BK3-03",
            GOOD_ENGAGEMENT,
            found,
            Text::new("保守回線経由でSWIFT接続系へ到達できる", "SWIFT gateway reachable through the maintenance line"),
            Text::new(
                "踏み台サーバ経由の通信は遮断されたが、保守回線のセグメントからSWIFT接続系へRDPで接続でき、ネットワーク分離が不十分である。",
                "The jump-server route was blocked, but RDP to the SWIFT gateway is open from the maintenance-line segment; segmentation is insufficient.",
            ),
            Severity::Critical,
            RootCause::NetworkSegmentation,
            None,
            Some("T1021.001"),
            &["MINATO-BK/SWIFT"],
            Text::new("保守回線からSWIFT接続系への通信を遮断する", "Block the maintenance line from the SWIFT gateway"),
        ),
        "市場事務部",
        -45,
        30,
        12_000_000,
        "前回のファイアウォール変更が行員端末セグメントのみを対象とした",
        "The last firewall change covered the staff segment only",
    );
    f3.enterprise_wide = true;
    let f4 = f(
        finding(
            "F-BK3-04",
            GOOD_ENGAGEMENT,
            found,
            Text::new(
                "サービスアカウントがKerberoastingで解読可能",
                "Service account password cracked through Kerberoasting",
            ),
            Text::new(
                "SPNが設定されたサービスアカウントのパスワードが短く、チケットから数時間で解読でき、ドメイン管理者権限を取得された。",
                "A service account with an SPN had a short password; it was cracked from its ticket in hours and gave domain admin rights.",
            ),
            Severity::High,
            RootCause::PrivilegedAccess,
            None,
            Some("T1558.003"),
            &["MINATO-BK/AD"],
            Text::new(
                "サービスアカウントを gMSA に移行し、権限を最小化する",
                "Move service accounts to gMSA and reduce their rights",
            ),
        ),
        "システム部 基盤グループ",
        -30,
        15,
        2_000_000,
        "サービスアカウントの管理ルールがない",
        "There is no rule for managing service accounts",
    );
    let f5 = f(
        finding(
            "F-BK3-05",
            GOOD_ENGAGEMENT,
            found,
            Text::new(
                "職員報告からCSIRTへのエスカレーションに時間を要する",
                "Staff reports take long to reach the CSIRT",
            ),
            Text::new(
                "不審メールの報告9件のうち2件はCSIRTへ連絡されず、連絡されたものも平均30分以上を要した。",
                "Two of nine phishing reports never reached the CSIRT, and the rest took over 30 minutes on average.",
            ),
            Severity::Medium,
            RootCause::ResponseProcess,
            None,
            Some("T1566.001"),
            &["MINATO-BK/MAIL"],
            Text::new(
                "報告ボタンからCSIRTのチケットを自動起票する",
                "Open a CSIRT ticket automatically from the report button",
            ),
        ),
        "リスク統括部 CSIRT",
        -20,
        10,
        1_500_000,
        "報告の受付が総務部の共有メールボックス経由になっている",
        "Reports go through a shared mailbox of General Affairs",
    );
    let f6 = f(
        finding(
            "F-BK3-06",
            GOOD_ENGAGEMENT,
            found,
            Text::new(
                "保守用端末の共有アカウントによる勘定系データの持出しを検知できない",
                "Exfiltration with the shared maintenance account goes unnoticed",
            ),
            Text::new(
                "保守用端末の共用アカウントで勘定系データベースを参照でき、持出しは8時間後にCSIRTが通信量から特定するまで検知されなかった。",
                "The shared account on the maintenance PC reads the core database; exfiltration went undetected for 8 hours until the CSIRT traced it.",
            ),
            Severity::High,
            RootCause::ThirdParty,
            None,
            Some("T1048"),
            &["MINATO-BK/CORE"],
            Text::new(
                "保守用アカウントを個人別にし、勘定系DBへのアクセスを監視する",
                "Give vendor staff personal accounts and monitor access to the core DB",
            ),
        ),
        "システム部 勘定系グループ",
        -120,
        25,
        8_000_000,
        "委託先要員のアカウントが共用で、操作ログの監視対象外",
        "Vendor accounts are shared and their activity is not monitored",
    );
    (e, vec![f1, f2, f3, f4, f5, f6])
}

/// Rollout of the good engagement: every finding to every other system and group company. The checks
/// for the four oldest findings are answered (one present: a new finding at the card company); those for
/// the two newest are still open and not yet due.
fn good_rollout(p: &mut TlptProgramme, c: &Clock) {
    let ids: Vec<FindingId> = p
        .findings_of(&eid(GOOD_ENGAGEMENT))
        .filter(|f| crate::rollout::needs_rollout(f))
        .map(|f| f.id.clone())
        .collect();
    for id in &ids {
        if let Ok(records) = crate::rollout::plan(p, id, c.day(65), Some(c.day(-20))) {
            p.rollout.extend(records);
        }
    }
    let answered = ["F-BK3-01", "F-BK3-02", "F-BK3-03", "F-BK3-04"];
    for i in 0..p.rollout.len() {
        let r = &p.rollout[i];
        if !answered.contains(&r.finding.as_str()) {
            continue;
        }
        let present = r.finding.as_str() == "F-BK3-01" && r.entity.as_str() == "MINATO-CARD" && r.system.is_none();
        let answer = if present {
            crate::rollout::CheckAnswer::Present { new_finding: fid("F-BK3-01-R1") }
        } else {
            crate::rollout::CheckAnswer::NotPresent
        };
        let _ = crate::rollout::record_check(p, i, answer, c.day(40));
    }
    if let Some(f) = p.findings.iter_mut().find(|f| f.id.as_str() == "F-BK3-01-R1") {
        f.title = Text::new(
            "みなとカードの保守委託先用リモート接続に多要素認証がない",
            "Minato Card's vendor remote access lacks multi-factor authentication",
        );
        f.owner = "みなとカード IT部".into();
        f.resources = Some(ResourceEstimate { person_days: Some(15), cost: Some(Yen::new(4_000_000)) });
        f.root_cause_note = Some(Text::new(
            "グループ会社の委託先接続が本体の是正計画の対象外だった",
            "Group companies' vendor connections were outside the bank's remediation plan",
        ));
    }
}

/// The demo programme: Minato Financial Group, three engagements over three fiscal years, recurrences
/// linked by the similarity engine, and rollout records. `now` anchors every date.
pub fn demo_programme(now: Timestamp) -> TlptProgramme {
    let c = Clock { today: now.with_timezone(&JST).date_naive() };
    let mut p = group_structure();
    let (e1, f1, r1) = first_engagement(&c);
    let (e2, f2) = poor_engagement(&c);
    let (e3, f3) = good_engagement(&c);
    p.engagements = vec![e1, e2, e3];
    p.findings.extend(f1);
    p.findings.extend(f2);
    p.findings.extend(f3);
    p.rollout.extend(r1);
    // Link recurrences as the product would on import, oldest engagement first.
    let cfg = MatchConfig::default();
    for (engagement, linked_on) in [(POOR_ENGAGEMENT, c.day(680)), (GOOD_ENGAGEMENT, c.day(100))] {
        if let Ok(cands) = recurrence::find_recurrences(&p, engagement, &cfg) {
            recurrence::link(&mut p, &cands, linked_on);
        }
    }
    good_rollout(&mut p, &c);
    p
}
