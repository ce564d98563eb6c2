//! Stable codes of the TLPT model: snake_case strings in files and APIs, labels in Japanese and English.
//!
//! Every enum here serialises as its code and parses only known codes, so a misspelt code in an
//! imported programme is reported by name instead of being guessed.

opres_domain::code_enum!(
    /// The TLPT framework an engagement follows.
    pub Framework, "TLPT framework", {
        FsaGuidance => "fsa_guidance", "金融庁TLPTガイダンス", "FSA TLPT guidance";
        TiberEu => "tiber_eu", "TIBER-EU", "TIBER-EU";
        DoraTlpt => "dora_tlpt", "DORA TLPT", "DORA TLPT";
        Cbest => "cbest", "CBEST", "CBEST";
        Icast => "icast", "iCAST（香港）", "iCAST (Hong Kong)";
        Other => "other", "その他", "Other";
    }
);

opres_domain::code_enum!(
    /// A phase of an engagement, in the order they run.
    pub PhaseKind, "engagement phase", {
        Preparation => "preparation", "準備", "Preparation";
        ThreatIntelligence => "threat_intelligence", "脅威インテリジェンス", "Threat intelligence";
        RedTeaming => "red_teaming", "レッドチームテスト", "Red teaming";
        Closure => "closure", "終了（結果報告・リプレイ・パープルチーム）", "Closure (reporting, replay, purple teaming)";
    }
);

opres_domain::code_enum!(
    /// A budget line of an engagement.
    pub BudgetLine, "budget line", {
        ThreatIntelligence => "threat_intelligence", "脅威インテリジェンス", "Threat intelligence";
        RedTeam => "red_team", "レッドチーム", "Red team";
        BlueTeamEvaluation => "blue_team_evaluation", "ブルーチーム評価", "Blue-team evaluation";
        PurpleTeaming => "purple_teaming", "パープルチーム演習", "Purple teaming";
        ProjectManagement => "project_management", "プロジェクト管理（ホワイトチーム）", "Project management (white team)";
        Other => "other", "その他", "Other";
    }
);

opres_domain::code_enum!(
    /// What management directed after (or for) a TLPT.
    pub DirectiveKind, "management directive", {
        FixFindings => "fix_findings", "課題への対応", "Fix the findings";
        WidenScope => "widen_scope", "テスト範囲の拡大", "Widen the scope";
        UnannouncedTest => "unannounced_test", "事前予告なしのテスト実施", "Run the test unannounced";
        HorizontalRollout => "horizontal_rollout", "他システム・グループ会社への横展開", "Roll out to other systems and group companies";
        IncreaseBudget => "increase_budget", "予算の確保・増額", "Secure or increase the budget";
        Other => "other", "その他", "Other";
    }
);

opres_domain::code_enum!(
    /// Whether a piece of threat intelligence is about threats in general or about this organisation.
    pub IntelSpecificity, "threat intelligence specificity", {
        Generic => "generic", "一般的な脅威情報", "Generic threat information";
        OrganisationSpecific => "organisation_specific", "自組織に特有の脅威", "Specific to the organisation";
    }
);

opres_domain::code_enum!(
    /// The kind of threat actor a profile describes.
    pub ActorType, "threat actor type", {
        CriminalGroup => "criminal_group", "犯罪集団", "Criminal group";
        StateLinked => "state_linked", "国家が関与する主体", "State-linked actor";
        Insider => "insider", "内部犯行者", "Insider";
        Hacktivist => "hacktivist", "ハクティビスト", "Hacktivist";
    }
);

opres_domain::code_enum!(
    /// A three-step rating of a threat actor's intent or capability.
    pub Level, "level", {
        Low => "low", "低", "Low";
        Medium => "medium", "中", "Medium";
        High => "high", "高", "High";
    }
);

opres_domain::code_enum!(
    /// The role of an attack path within a scenario.
    pub PathKind, "attack path kind", {
        Primary => "primary", "主経路", "Primary path";
        Alternative => "alternative", "代替経路", "Alternative path";
        Detour => "detour", "迂回攻撃", "Detour";
    }
);

opres_domain::code_enum!(
    /// How a scenario ended.
    pub ScenarioOutcome, "scenario outcome", {
        ObjectivesAchieved => "objectives_achieved", "目的達成", "Objectives achieved";
        PartiallyAchieved => "partially_achieved", "一部達成", "Partially achieved";
        NotAchieved => "not_achieved", "未達成", "Not achieved";
        NotRun => "not_run", "未実施", "Not run";
    }
);

opres_domain::code_enum!(
    /// What happened when the red team executed an attack step.
    pub StepResult, "attack step result", {
        Succeeded => "succeeded", "成功", "Succeeded";
        PartiallySucceeded => "partially_succeeded", "一部成功", "Partially succeeded";
        Blocked => "blocked", "防御により阻止", "Blocked by a control";
        Failed => "failed", "失敗", "Failed";
    }
);

opres_domain::code_enum!(
    /// Who or what detected an attack step.
    pub DetectionSource, "detection source", {
        Soc => "soc", "SOC", "SOC";
        Edr => "edr", "EDR", "EDR";
        Siem => "siem", "SIEM", "SIEM";
        StaffReport => "staff_report", "職員からの報告", "Staff report";
        Csirt => "csirt", "CSIRT", "CSIRT";
    }
);

impl DetectionSource {
    /// Whether people (analysts, staff, responders) did the detecting, rather than a product's alert alone:
    /// the source asks that people and processes are evaluated, not only security products.
    pub fn is_human(self) -> bool {
        matches!(self, DetectionSource::Soc | DetectionSource::StaffReport | DetectionSource::Csirt)
    }
}

opres_domain::code_enum!(
    /// What a response action did.
    pub ResponseKind, "response action", {
        Triage => "triage", "一次切り分け", "Triage";
        Escalation => "escalation", "エスカレーション", "Escalation";
        Containment => "containment", "封じ込め", "Containment";
        Eradication => "eradication", "根絶", "Eradication";
        Recovery => "recovery", "復旧", "Recovery";
        Other => "other", "その他", "Other";
    }
);

opres_domain::code_enum!(
    /// The team that took a response action.
    pub Responder, "responder", {
        Soc => "soc", "SOC", "SOC";
        Csirt => "csirt", "CSIRT", "CSIRT";
        ItOperations => "it_operations", "システム運用部門", "IT operations";
        Vendor => "vendor", "外部委託先", "Vendor";
        Management => "management", "経営陣", "Management";
    }
);

opres_domain::code_enum!(
    /// How serious a finding is.
    pub Severity, "severity", {
        Critical => "critical", "緊急", "Critical";
        High => "high", "高", "High";
        Medium => "medium", "中", "Medium";
        Low => "low", "低", "Low";
        Informational => "informational", "参考", "Informational";
    }
);

impl Severity {
    /// Critical or high: the findings management must hear about.
    pub fn is_material(self) -> bool {
        matches!(self, Severity::Critical | Severity::High)
    }

    /// Ordering weight, most severe first (0 = critical).
    pub fn rank(self) -> u8 {
        match self {
            Severity::Critical => 0,
            Severity::High => 1,
            Severity::Medium => 2,
            Severity::Low => 3,
            Severity::Informational => 4,
        }
    }
}

opres_domain::code_enum!(
    /// The category of a finding's root cause, used to group findings and to compare them.
    pub RootCause, "root cause category", {
        PatchManagement => "patch_management", "脆弱性・パッチ管理", "Vulnerability and patch management";
        Configuration => "configuration", "設定不備", "Insecure configuration";
        CredentialManagement => "credential_management", "認証・ID管理", "Authentication and identity management";
        PrivilegedAccess => "privileged_access", "特権アクセス管理", "Privileged access management";
        NetworkSegmentation => "network_segmentation", "ネットワーク分離", "Network segmentation";
        MonitoringGap => "monitoring_gap", "監視・検知の不足", "Gaps in monitoring and detection";
        ResponseProcess => "response_process", "インシデント対応プロセス", "Incident response process";
        Awareness => "awareness", "職員の意識・訓練", "Staff awareness and training";
        ThirdParty => "third_party", "外部委託先・サードパーティ管理", "Outsourcing and third-party management";
        AssetManagement => "asset_management", "IT資産管理", "IT asset management";
        ApplicationSecurity => "application_security", "アプリケーションの脆弱性", "Application security";
        DataProtection => "data_protection", "データ保護", "Data protection";
        Governance => "governance", "ガバナンス・体制", "Governance and organisation";
    }
);

opres_domain::code_enum!(
    /// Where a finding stands. There is deliberately no "duplicate" or "merged": a finding that resembles
    /// an earlier one is linked to it and stays on the register.
    pub FindingStatus, "finding status", {
        Open => "open", "未対応", "Open";
        InProgress => "in_progress", "対応中", "In progress";
        Remediated => "remediated", "対応済", "Remediated";
        RiskAccepted => "risk_accepted", "リスク受容", "Risk accepted";
    }
);

impl FindingStatus {
    /// Whether the finding still needs work.
    pub fn is_active(self) -> bool {
        matches!(self, FindingStatus::Open | FindingStatus::InProgress)
    }
}

opres_domain::code_enum!(
    /// How a finding came to be recorded.
    pub FindingOrigin, "finding origin", {
        Tlpt => "tlpt", "TLPTで検出", "Found by the TLPT";
        Rollout => "rollout", "横展開の確認で検出", "Found when rolling out another finding";
    }
);

opres_domain::code_enum!(
    /// The state of one horizontal-rollout check.
    pub RolloutStatus, "rollout status", {
        NotChecked => "not_checked", "未確認", "Not checked";
        CheckedNotPresent => "checked_not_present", "確認済（該当なし）", "Checked: not present";
        CheckedPresent => "checked_present", "確認済（該当あり）", "Checked: present";
    }
);

opres_domain::code_enum!(
    /// What the cybersecurity function told management overall.
    pub OverallRating, "overall rating", {
        Good => "good", "良好な結果", "Good result";
        IssuesReported => "issues_reported", "課題ありとして報告", "Issues reported";
    }
);

#[cfg(test)]
mod tests {
    use super::*;
    use opres_domain::Lang;
    use serde::{Deserialize, Serialize};
    use std::fmt;
    use std::str::FromStr;

    fn round_trip<T>(all: &[T])
    where
        T: Copy + FromStr + PartialEq + fmt::Debug + Into<String> + Serialize + for<'a> Deserialize<'a>,
        <T as FromStr>::Err: fmt::Debug,
    {
        for v in all {
            let code: String = (*v).into();
            assert_eq!(code.parse::<T>().ok(), Some(*v));
            let json = serde_json::to_string(v).unwrap_or_default();
            assert_eq!(json, format!("\"{code}\""));
            let back: T = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{code}: {e}"));
            assert_eq!(back, *v);
            assert!(code.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{code} is not snake_case");
        }
    }

    #[test]
    fn codes_round_trip_and_are_snake_case() {
        round_trip(Framework::ALL);
        round_trip(PhaseKind::ALL);
        round_trip(BudgetLine::ALL);
        round_trip(DirectiveKind::ALL);
        round_trip(IntelSpecificity::ALL);
        round_trip(ActorType::ALL);
        round_trip(Level::ALL);
        round_trip(PathKind::ALL);
        round_trip(ScenarioOutcome::ALL);
        round_trip(StepResult::ALL);
        round_trip(DetectionSource::ALL);
        round_trip(ResponseKind::ALL);
        round_trip(Responder::ALL);
        round_trip(Severity::ALL);
        round_trip(RootCause::ALL);
        round_trip(FindingStatus::ALL);
        round_trip(FindingOrigin::ALL);
        round_trip(RolloutStatus::ALL);
        round_trip(OverallRating::ALL);
    }

    #[test]
    fn labels_exist_in_both_languages() {
        for v in RootCause::ALL {
            assert!(!v.label(Lang::Ja).is_empty() && !v.label(Lang::En).is_empty());
            assert_ne!(v.label(Lang::Ja), v.label(Lang::En), "{v} needs a Japanese label");
        }
    }

    #[test]
    fn unknown_code_is_named() {
        let err = "apt".parse::<ActorType>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown threat actor type code 'apt'; use one of: criminal_group, state_linked, insider, hacktivist"
        );
        assert!(serde_json::from_str::<Severity>("\"severe\"").is_err());
    }
}
