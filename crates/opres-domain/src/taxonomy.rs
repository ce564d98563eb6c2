//! The source's failure taxonomy: trigger (発生の端緒) → trend (障害傾向) → challenges (課題・対応).
//!
//! Codes are the stable strings of `shared/domain.md` §2. Besides the nine trends the source names,
//! `<trigger>.other` records an analysed case that fits none of them, and `unknown` a case not yet
//! analysed, so nothing is forced into a trend the source does not name.

use crate::lang::Lang;
use serde::{Deserialize, Serialize};

/// How a failure started (発生の端緒).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Trigger {
    /// Intentional: cyber attack, unauthorised access and the like.
    Cyber,
    /// Arising from system integration, renewal or added functions.
    Change,
    /// Arising in daily operation and maintenance.
    Operations,
    /// Arising from program updates or unusual special work.
    Work,
    /// Not yet analysed.
    Unknown,
}

impl Trigger {
    /// Every trigger, in the source's order, `unknown` last.
    pub const ALL: [Trigger; 5] =
        [Trigger::Cyber, Trigger::Change, Trigger::Operations, Trigger::Work, Trigger::Unknown];

    /// The stable code (`cyber`, `change`, …).
    pub fn code(self) -> &'static str {
        match self {
            Trigger::Cyber => "cyber",
            Trigger::Change => "change",
            Trigger::Operations => "operations",
            Trigger::Work => "work",
            Trigger::Unknown => "unknown",
        }
    }

    /// The label in the given language, as the source words it.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Trigger::Cyber, Lang::Ja) => "サイバー攻撃、不正アクセス等の意図的なもの",
            (Trigger::Cyber, Lang::En) => "Intentional: cyber attack, unauthorised access and the like",
            (Trigger::Change, Lang::Ja) => "システム統合・更改や機能追加に伴い発生",
            (Trigger::Change, Lang::En) => "Arising from system integration, renewal or added functions",
            (Trigger::Operations, Lang::Ja) => "日常の運用・保守等の過程の中で発生",
            (Trigger::Operations, Lang::En) => "Arising in daily operation and maintenance",
            (Trigger::Work, Lang::Ja) => "プログラム更新、普段と異なる特殊作業等から発生",
            (Trigger::Work, Lang::En) => "Arising from program updates or unusual special work",
            (Trigger::Unknown, Lang::Ja) => "未分析",
            (Trigger::Unknown, Lang::En) => "Not yet analysed",
        }
    }

    /// A short label for charts and table headers.
    pub fn short_label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Trigger::Cyber, Lang::Ja) => "サイバー攻撃等",
            (Trigger::Cyber, Lang::En) => "Cyber / intentional",
            (Trigger::Change, Lang::Ja) => "システム統合・更改等",
            (Trigger::Change, Lang::En) => "Integration / renewal",
            (Trigger::Operations, Lang::Ja) => "日常の運用・保守",
            (Trigger::Operations, Lang::En) => "Daily operations",
            (Trigger::Work, Lang::Ja) => "プログラム更新・特殊作業",
            (Trigger::Work, Lang::En) => "Updates / special work",
            (Trigger::Unknown, Lang::Ja) => "未分析",
            (Trigger::Unknown, Lang::En) => "Not yet analysed",
        }
    }

    /// The trends under this trigger, named ones first, then `<trigger>.other`.
    pub fn trends(self) -> impl Iterator<Item = Trend> {
        Trend::ALL.into_iter().filter(move |t| t.trigger() == self)
    }
}

/// The failure trend (障害傾向): the nine the source names, plus honest `other` and `unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Trend {
    /// `cyber.malware` マルウェア感染
    CyberMalware,
    /// `cyber.ddos` DDoS攻撃
    CyberDdos,
    /// `cyber.other` intentional, but neither malware nor DDoS (e.g. stolen credentials)
    CyberOther,
    /// `change.outsourcing` 外部委託管理不十分
    ChangeOutsourcing,
    /// `change.bcp` BCP・大規模障害時の危機管理体制の整備が不十分
    ChangeBcp,
    /// `change.other`
    ChangeOther,
    /// `operations.redundancy` 冗長構成が機能しない
    OperationsRedundancy,
    /// `operations.recovery` 障害時の復旧に関する不芳事案
    OperationsRecovery,
    /// `operations.storage` 記憶領域の確保不足による障害
    OperationsStorage,
    /// `operations.capacity` 取引量増加に起因する障害
    OperationsCapacity,
    /// `operations.other`
    OperationsOther,
    /// `work.misoperation` 設定ミス・作業の誤り
    WorkMisoperation,
    /// `work.other`
    WorkOther,
    /// `unknown`: not yet analysed
    Unknown,
}

impl Trend {
    /// Every trend, grouped by trigger in the source's order.
    pub const ALL: [Trend; 14] = [
        Trend::CyberMalware,
        Trend::CyberDdos,
        Trend::CyberOther,
        Trend::ChangeOutsourcing,
        Trend::ChangeBcp,
        Trend::ChangeOther,
        Trend::OperationsRedundancy,
        Trend::OperationsRecovery,
        Trend::OperationsStorage,
        Trend::OperationsCapacity,
        Trend::OperationsOther,
        Trend::WorkMisoperation,
        Trend::WorkOther,
        Trend::Unknown,
    ];

    /// The nine trends the source document names.
    pub const NAMED: [Trend; 9] = [
        Trend::CyberMalware,
        Trend::CyberDdos,
        Trend::ChangeOutsourcing,
        Trend::ChangeBcp,
        Trend::OperationsRedundancy,
        Trend::OperationsRecovery,
        Trend::OperationsStorage,
        Trend::OperationsCapacity,
        Trend::WorkMisoperation,
    ];

    /// The stable code (`operations.storage`, …).
    pub fn code(self) -> &'static str {
        match self {
            Trend::CyberMalware => "cyber.malware",
            Trend::CyberDdos => "cyber.ddos",
            Trend::CyberOther => "cyber.other",
            Trend::ChangeOutsourcing => "change.outsourcing",
            Trend::ChangeBcp => "change.bcp",
            Trend::ChangeOther => "change.other",
            Trend::OperationsRedundancy => "operations.redundancy",
            Trend::OperationsRecovery => "operations.recovery",
            Trend::OperationsStorage => "operations.storage",
            Trend::OperationsCapacity => "operations.capacity",
            Trend::OperationsOther => "operations.other",
            Trend::WorkMisoperation => "work.misoperation",
            Trend::WorkOther => "work.other",
            Trend::Unknown => "unknown",
        }
    }

    /// The trigger this trend belongs to.
    pub fn trigger(self) -> Trigger {
        match self {
            Trend::CyberMalware | Trend::CyberDdos | Trend::CyberOther => Trigger::Cyber,
            Trend::ChangeOutsourcing | Trend::ChangeBcp | Trend::ChangeOther => Trigger::Change,
            Trend::OperationsRedundancy
            | Trend::OperationsRecovery
            | Trend::OperationsStorage
            | Trend::OperationsCapacity
            | Trend::OperationsOther => Trigger::Operations,
            Trend::WorkMisoperation | Trend::WorkOther => Trigger::Work,
            Trend::Unknown => Trigger::Unknown,
        }
    }

    /// Whether the source document names this trend (as opposed to `other` / `unknown`).
    pub fn is_named(self) -> bool {
        Trend::NAMED.contains(&self)
    }

    /// The label in the given language.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Trend::CyberMalware, Lang::Ja) => "マルウェア感染",
            (Trend::CyberMalware, Lang::En) => "Malware infection",
            (Trend::CyberDdos, Lang::Ja) => "DDoS攻撃",
            (Trend::CyberDdos, Lang::En) => "DDoS attack",
            (Trend::CyberOther, Lang::Ja) => "その他の意図的な事案（不正アクセス等）",
            (Trend::CyberOther, Lang::En) => "Other intentional (e.g. unauthorised access)",
            (Trend::ChangeOutsourcing, Lang::Ja) => "外部委託管理不十分",
            (Trend::ChangeOutsourcing, Lang::En) => "Insufficient management of outsourcing",
            (Trend::ChangeBcp, Lang::Ja) => "BCP・大規模障害時の危機管理体制の整備が不十分",
            (Trend::ChangeBcp, Lang::En) => "BCP and crisis management for large-scale failures not in place",
            (Trend::ChangeOther, Lang::Ja) => "その他（システム統合・更改等）",
            (Trend::ChangeOther, Lang::En) => "Other (integration / renewal)",
            (Trend::OperationsRedundancy, Lang::Ja) => "冗長構成が機能しない",
            (Trend::OperationsRedundancy, Lang::En) => "Redundant configuration did not work",
            (Trend::OperationsRecovery, Lang::Ja) => "障害時の復旧に関する不芳事案",
            (Trend::OperationsRecovery, Lang::En) => "Poor handling of recovery during a failure",
            (Trend::OperationsStorage, Lang::Ja) => "記憶領域の確保不足による障害",
            (Trend::OperationsStorage, Lang::En) => "Insufficient storage allocation",
            (Trend::OperationsCapacity, Lang::Ja) => "取引量増加に起因する障害",
            (Trend::OperationsCapacity, Lang::En) => "Growth in transaction volume",
            (Trend::OperationsOther, Lang::Ja) => "その他（日常の運用・保守）",
            (Trend::OperationsOther, Lang::En) => "Other (daily operations)",
            (Trend::WorkMisoperation, Lang::Ja) => "設定ミス・作業の誤り",
            (Trend::WorkMisoperation, Lang::En) => "Misconfiguration, mistakes in work",
            (Trend::WorkOther, Lang::Ja) => "その他（プログラム更新・特殊作業）",
            (Trend::WorkOther, Lang::En) => "Other (updates / special work)",
            (Trend::Unknown, Lang::Ja) => "未分析",
            (Trend::Unknown, Lang::En) => "Not yet analysed",
        }
    }

    /// The source's challenges and responses (課題・対応) for this trend, falling back to its
    /// trigger's where the source gives them per trigger. Empty for `other` / `unknown` outside
    /// `cyber` and `change`.
    pub fn challenges(self, lang: Lang) -> &'static [&'static str] {
        use Lang::{En, Ja};
        match (self, lang) {
            (Trend::CyberMalware | Trend::CyberDdos | Trend::CyberOther, Ja) => &[
                "最新の脆弱性情報の把握とパッチ適用の徹底",
                "マルウェア対策の実施",
                "重要な外部委託先のサイバーセキュリティ管理態勢の評価・強化",
                "DDoS攻撃への対策強化",
                "DDoS攻撃の早期検知・復旧に向けた態勢整備",
            ],
            (Trend::CyberMalware | Trend::CyberDdos | Trend::CyberOther, En) => &[
                "Know the latest vulnerability information and apply patches thoroughly",
                "Put malware countermeasures in place",
                "Assess and strengthen the cybersecurity management of important outsourcing contractors",
                "Strengthen DDoS mitigation",
                "Be organised for early detection of and recovery from DDoS attacks",
            ],
            (Trend::ChangeOutsourcing | Trend::ChangeBcp | Trend::ChangeOther, Ja) => &[
                "外部委託先管理の強化",
                "プロジェクト固有のリスクを反映したBCPの策定",
                "大規模障害を想定した危機管理体制の整備と訓練による実効性確保",
                "課題解決に必要なIT人材の確保",
                "第三者目線でのチェックの強化",
            ],
            (Trend::ChangeOutsourcing | Trend::ChangeBcp | Trend::ChangeOther, En) => &[
                "Strengthen the management of outsourcing contractors",
                "A BCP that reflects the project's own risks",
                "A crisis-management organisation that assumes a large-scale failure, made effective through drills",
                "Secure the IT staff needed to solve the issues",
                "Strengthen checks from a third party's point of view",
            ],
            (Trend::OperationsRedundancy, Ja) => &[
                "冗長構成が意図したとおりに機能することの確認",
                "冗長構成の不具合につながる不具合修正パッチの適切な管理",
            ],
            (Trend::OperationsRedundancy, En) => &[
                "Make sure redundancy works as intended",
                "Properly manage the patches for defects that make redundancy malfunction",
            ],
            (Trend::OperationsRecovery, Ja) => &["原因の早期特定に必要な情報とその取得手段の確保"],
            (Trend::OperationsRecovery, En) => {
                &["Secure the information needed to find the cause early, and the means to obtain it"]
            }
            (Trend::OperationsStorage, Ja) => {
                &["記憶領域の割当て設定の確認・検証の徹底", "記憶領域の使用状況を監視し、適時に対策を講じる"]
            }
            (Trend::OperationsStorage, En) => &[
                "Check and verify storage allocation settings thoroughly",
                "Monitor storage usage so that measures are taken in time",
            ],
            (Trend::OperationsCapacity, Ja) => &["顧客の利用拡大を見据えた処理能力の設計", "処理能力の事前検証"],
            (Trend::OperationsCapacity, En) => &[
                "Design processing capacity with customers' growing usage in mind",
                "Verify processing capacity in advance",
            ],
            (Trend::WorkMisoperation, Ja) => {
                &["本番環境に影響する作業のリスクを軽視しない", "作業手順書のレビューと作業実施体制の強化"]
            }
            (Trend::WorkMisoperation, En) => &[
                "Do not underestimate the risk of work that touches production",
                "Strengthen the review of work procedure documents and the organisation that carries out the work",
            ],
            (Trend::OperationsOther | Trend::WorkOther | Trend::Unknown, _) => &[],
        }
    }
}

crate::code_enum!(impl Trigger, "trigger");
crate::code_enum!(impl Trend, "trend");

pub use crate::codes::UnknownCode;

/// An incident's accepted classification: a trigger and a primary trend that agree with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Classification {
    trigger: Trigger,
    trend: Trend,
}

/// Why a trigger / trend pair is not a valid classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("trend '{trend}' does not belong to trigger '{trigger}'")]
pub struct TrendTriggerMismatch {
    /// The trigger given.
    pub trigger: Trigger,
    /// The trend given.
    pub trend: Trend,
}

impl Classification {
    /// Not yet analysed.
    pub const UNKNOWN: Classification = Classification { trigger: Trigger::Unknown, trend: Trend::Unknown };

    /// A trigger with a trend of that trigger; or a known trigger whose trend is still `unknown`.
    pub fn new(trigger: Trigger, trend: Trend) -> Result<Self, TrendTriggerMismatch> {
        if trend == Trend::Unknown || trend.trigger() == trigger {
            Ok(Classification { trigger, trend })
        } else {
            Err(TrendTriggerMismatch { trigger, trend })
        }
    }

    /// The classification implied by a trend alone.
    pub fn from_trend(trend: Trend) -> Self {
        Classification { trigger: trend.trigger(), trend }
    }

    /// 発生の端緒
    pub fn trigger(self) -> Trigger {
        self.trigger
    }

    /// The primary trend (障害傾向).
    pub fn trend(self) -> Trend {
        self.trend
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for t in Trend::ALL {
            assert_eq!(t.code().parse::<Trend>(), Ok(t));
            assert!(t.code() == "unknown" || t.code().starts_with(t.trigger().code()));
        }
        for t in Trigger::ALL {
            assert_eq!(t.code().parse::<Trigger>(), Ok(t));
        }
    }

    #[test]
    fn the_source_names_nine_trends() {
        assert_eq!(Trend::ALL.iter().filter(|t| t.is_named()).count(), 9);
        assert!(Trend::NAMED.iter().all(|t| !t.challenges(Lang::Ja).is_empty()));
        for t in Trend::ALL {
            assert_eq!(t.challenges(Lang::Ja).len(), t.challenges(Lang::En).len(), "{t}");
        }
    }

    #[test]
    fn classification_rejects_trend_of_another_trigger() {
        assert!(Classification::new(Trigger::Cyber, Trend::OperationsStorage).is_err());
        assert!(Classification::new(Trigger::Cyber, Trend::Unknown).is_ok());
        assert!(Classification::new(Trigger::Unknown, Trend::CyberDdos).is_err());
        assert_eq!(Classification::from_trend(Trend::WorkMisoperation).trigger(), Trigger::Work);
    }

    #[test]
    fn unknown_codes_are_named_in_the_error() {
        let err = "operations.disk".parse::<Trend>().unwrap_err();
        assert!(err.to_string().starts_with("unknown trend code 'operations.disk'; use one of: cyber.malware, "));
        assert!(err.expected.contains(&"operations.storage"));
    }
}
