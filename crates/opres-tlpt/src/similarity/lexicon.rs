//! A bilingual lexicon of security concepts that TLPT findings are written in. A finding written in
//! Japanese and one written in English share few characters, but both name the same concepts
//! (多要素認証 / multi-factor authentication); matching them onto one concept token lets the
//! similarity search compare findings across languages.
//!
//! Written from the vocabulary of TLPT reports and the FSA source, before the labelled pairs in
//! `data/finding_pairs.jsonl`, and not tuned on them. English terms match at a word start (so plurals
//! and inflections match); ASCII terms of four characters or fewer match whole words only.

/// A concept: stable id, labels, and the terms that name it in each language.
pub struct Concept {
    /// Stable id (`mfa`, `phishing`…).
    pub id: &'static str,
    /// Japanese label.
    pub ja: &'static str,
    /// English label.
    pub en: &'static str,
    /// Japanese terms (and ASCII terms common in Japanese text).
    pub ja_terms: &'static [&'static str],
    /// English terms.
    pub en_terms: &'static [&'static str],
}

macro_rules! concepts {
    ($( $id:literal, $ja:literal, $en:literal, [$($jt:literal),* $(,)?], [$($et:literal),* $(,)?]; )+) => {
        /// Every concept.
        pub static CONCEPTS: &[Concept] = &[
            $( Concept { id: $id, ja: $ja, en: $en, ja_terms: &[$($jt),*], en_terms: &[$($et),*] }, )+
        ];
    };
}

concepts! {
    "mfa", "多要素認証", "multi-factor authentication",
        ["多要素認証", "二要素認証", "2要素認証", "多段階認証", "ワンタイムパスワード", "二段階認証"],
        ["multi factor", "multifactor", "two factor", "mfa", "2fa", "one time password", "otp", "second factor"];
    "weak_password", "脆弱なパスワード", "weak passwords",
        ["脆弱なパスワード", "弱いパスワード", "推測容易", "推測可能なパスワード", "パスワードポリシー", "パスワードの複雑性", "単純なパスワード"],
        ["weak password", "password policy", "guessable", "password complexity", "simple password", "easily guessed"];
    "brute_force", "パスワード総当たり", "password guessing",
        ["パスワードスプレー", "総当たり", "ブルートフォース", "パスワード推測", "辞書攻撃"],
        ["password spray", "brute force", "credential stuffing", "dictionary attack", "password guessing"];
    "default_credentials", "初期パスワード", "default credentials",
        ["初期パスワード", "デフォルトパスワード", "初期設定のまま", "出荷時の", "既定のパスワード"],
        ["default password", "default credential", "factory default", "vendor default"];
    "shared_account", "共有アカウント", "shared accounts",
        ["共有アカウント", "共用アカウント", "共通アカウント", "共用ID", "共有ID"],
        ["shared account", "shared credential", "generic account", "shared login", "shared id"];
    "password_reuse", "パスワードの使い回し", "password reuse",
        ["使い回し", "同一パスワード", "同じパスワード", "共通のパスワード", "LAPS"],
        ["password reuse", "reused password", "same password", "identical password", "laps"];
    "local_admin", "ローカル管理者", "local administrator",
        ["ローカル管理者", "ローカルAdministrator", "端末の管理者権限"],
        ["local administrator", "local admin"];
    "privileged_account", "特権アカウント", "privileged accounts",
        ["特権アカウント", "特権ID", "管理者権限", "管理者アカウント", "ドメイン管理者", "Domain Admins"],
        ["privileged account", "admin rights", "administrative privilege", "administrator account", "domain admin", "privileged id"];
    "service_account", "サービスアカウント", "service accounts",
        ["サービスアカウント", "サービス用アカウント"],
        ["service account"];
    "kerberoast", "Kerberoasting", "Kerberoasting",
        ["ケルベロースティング", "Kerberoast", "SPN"],
        ["kerberoast", "spn", "service principal name"];
    "credential_dumping", "認証情報の窃取", "credential dumping",
        ["認証情報の窃取", "認証情報を窃取", "資格情報の窃取", "認証情報のダンプ", "LSASS", "Mimikatz", "パスワードハッシュ", "ハッシュ値"],
        ["credential dump", "credential theft", "dumped credential", "lsass", "mimikatz", "password hash", "ntlm hash", "pass the hash"];
    "plaintext_secret", "平文の認証情報", "plaintext credentials",
        ["平文", "ハードコード", "埋め込まれた", "スクリプト内に", "設定ファイルに記載"],
        ["plaintext", "plain text", "clear text", "cleartext", "hard coded", "hardcoded", "embedded credential"];
    "active_directory", "Active Directory", "Active Directory",
        ["Active Directory", "ドメインコントローラ", "AD"],
        ["active directory", "domain controller", "ad"];
    "vpn", "VPN", "VPN",
        ["VPN"],
        ["vpn"];
    "remote_access", "リモートアクセス", "remote access",
        ["リモートアクセス", "リモート接続", "テレワーク", "リモートデスクトップ", "RDP"],
        ["remote access", "remote desktop", "rdp", "teleworking", "remote working"];
    "patching", "パッチ管理", "patching",
        ["パッチ", "修正プログラム", "アップデート", "更新プログラム", "既知の脆弱性", "CVE"],
        ["patch", "unpatched", "security update", "known vulnerab", "cve", "firmware update"];
    "end_of_life", "サポート切れ", "end of life software",
        ["サポート切れ", "サポート終了", "EOL", "保守期限切れ"],
        ["end of life", "end of support", "unsupported version", "eol", "out of support"];
    "internet_facing", "インターネット公開", "internet-facing",
        ["インターネットに公開", "インターネット公開", "外部公開", "公開サーバ", "インターネットから"],
        ["internet facing", "internet exposed", "externally exposed", "public facing", "exposed to the internet", "from the internet"];
    "web_app", "Webアプリケーション", "web application",
        ["Webアプリ", "ウェブアプリ", "Webサイト", "ウェブサイト"],
        ["web application", "web app", "website"];
    "sql_injection", "SQLインジェクション", "SQL injection",
        ["SQLインジェクション"],
        ["sql injection", "sqli"];
    "xss", "クロスサイトスクリプティング", "cross-site scripting",
        ["クロスサイトスクリプティング", "XSS"],
        ["cross site scripting", "xss"];
    "authorization", "認可・アクセス制御", "authorisation checks",
        ["認可", "アクセス制御の不備", "権限チェック", "他の顧客", "他人の口座", "IDOR"],
        ["authorization", "authorisation", "access control", "idor", "insecure direct object", "another customer", "other customer"];
    "session", "セッション管理", "session management",
        ["セッション"],
        ["session"];
    "api", "API", "API",
        ["API"],
        ["api"];
    "segmentation", "ネットワーク分離", "network segmentation",
        ["ネットワーク分離", "ネットワークが分離", "分離されていない", "セグメント", "フラットな", "ファイアウォール", "通信制御", "FW"],
        ["segmentation", "segmented", "segment", "flat network", "firewall", "not isolated", "network isolation", "separated"];
    "lateral_movement", "ラテラルムーブメント", "lateral movement",
        ["ラテラルムーブメント", "水平展開", "侵害範囲の拡大", "他の端末へ", "横断的に侵害"],
        ["lateral movement", "move laterally", "moved laterally", "pivot"];
    "smb", "SMB・管理共有", "SMB / admin shares",
        ["SMB", "管理共有", "PsExec", "WMI"],
        ["smb", "admin share", "psexec", "wmi"];
    "phishing", "フィッシング", "phishing",
        ["フィッシング", "標的型メール", "標的型攻撃メール", "不審メール", "訓練メール", "なりすましメール"],
        ["phishing", "spearphishing", "spear phishing", "malicious email", "suspicious email", "lure email"];
    "email_attachment", "メール添付・マクロ", "attachments and macros",
        ["添付ファイル", "マクロ", "メールゲートウェイ", "サンドボックス", "メールフィルタ"],
        ["attachment", "macro", "email gateway", "mail gateway", "sandbox", "mail filter"];
    "staff_reporting", "職員からの報告", "staff reporting",
        ["職員からの報告", "職員の報告", "報告率", "報告ボタン", "不審メールの報告", "報告した職員", "報告がな"],
        ["staff report", "report rate", "report button", "reported the email", "reported the mail", "employees reported", "reporting rate"];
    "escalation", "エスカレーション", "escalation",
        ["エスカレーション", "連絡体制", "報告経路"],
        ["escalat", "handover", "hand over", "notification path"];
    "csirt", "CSIRT", "CSIRT",
        ["CSIRT", "インシデント対応チーム"],
        ["csirt", "incident response team"];
    "soc", "SOC", "SOC",
        ["SOC", "監視センター", "セキュリティ監視"],
        ["soc", "security operations", "security monitoring"];
    "edr", "EDR", "EDR",
        ["EDR", "エンドポイント"],
        ["edr", "endpoint"];
    "siem", "SIEM", "SIEM",
        ["SIEM", "相関分析", "ログ相関"],
        ["siem", "correlation"];
    "logging", "ログ取得", "logging",
        ["ログ", "監査証跡"],
        ["logging", "logs", "log", "audit trail", "event log"];
    "detection_gap", "検知の不足", "detection gaps",
        ["検知できなかった", "検知されなかった", "未検知", "検知ルール", "見逃", "検知されず", "アラートが発報されなかった", "検知なし"],
        ["not detected", "undetected", "went unnoticed", "detection rule", "missed", "no alert", "without detection", "did not detect", "failed to detect"];
    "alert_handling", "アラート対応", "alert handling",
        ["アラート", "誤検知", "トリアージ"],
        ["alert", "false positive", "triage"];
    "detection_delay", "検知・対応の遅れ", "slow detection and response",
        ["検知までに", "検知が遅", "対応が遅", "時間を要", "初動", "遅延"],
        ["time to detect", "delayed detection", "slow to detect", "took hours", "slow response", "delayed response", "initial response"];
    "c2", "C2通信", "command and control",
        ["C2", "コマンド&コントロール", "外部通信", "不審な通信", "ビーコン"],
        ["c2", "command and control", "beacon", "outbound connection", "callback"];
    "egress", "出口対策・プロキシ", "egress filtering",
        ["プロキシ", "出口対策", "外部への通信"],
        ["proxy", "egress", "outbound traffic"];
    "dns", "DNS", "DNS",
        ["DNS"],
        ["dns"];
    "exfiltration", "情報の持ち出し", "data exfiltration",
        ["持ち出し", "外部送信", "流出", "持出し", "窃取したデータ"],
        ["exfiltrat", "data theft", "leak", "data loss"];
    "backup", "バックアップ", "backups",
        ["バックアップ"],
        ["backup"];
    "ransomware", "ランサムウェア", "ransomware",
        ["ランサムウェア", "暗号化され"],
        ["ransomware", "encrypted by"];
    "removable_media", "外部記憶媒体", "removable media",
        ["USB", "外部記憶媒体", "可搬媒体", "外部媒体"],
        ["usb", "removable media", "removable storage"];
    "insider", "内部不正", "insider threat",
        ["内部犯行", "内部不正", "内部者", "退職者"],
        ["insider", "leaver", "former employee"];
    "jump_server", "踏み台サーバ", "jump servers",
        ["踏み台", "ジャンプサーバ", "中継サーバ", "特権ID管理"],
        ["jump server", "jump host", "bastion", "pam", "privileged access management"];
    "third_party", "外部委託先", "third parties",
        ["委託先", "外部委託", "ベンダー", "ベンダ", "保守業者", "サードパーティ", "協力会社"],
        ["vendor", "third party", "contractor", "supplier", "outsourc", "service provider"];
    "remote_maintenance", "リモート保守", "remote maintenance",
        ["保守回線", "リモート保守", "保守用端末", "保守用の接続"],
        ["remote maintenance", "maintenance line", "maintenance connection", "support connection"];
    "cloud", "クラウド", "cloud",
        ["クラウド", "AWS", "Azure", "Microsoft 365", "M365", "SaaS"],
        ["cloud", "aws", "azure", "microsoft 365", "m365", "saas", "tenant"];
    "public_exposure", "公開設定の誤り", "public exposure",
        ["公開設定", "誰でも閲覧", "匿名アクセス", "アクセス権設定の誤り"],
        ["publicly accessible", "public bucket", "anonymous access", "publicly readable", "world readable"];
    "file_share", "ファイルサーバ・共有フォルダ", "file shares",
        ["ファイルサーバ", "共有フォルダ", "ファイル共有"],
        ["file server", "file share", "shared folder", "network share"];
    "payments", "送金・決済", "payments",
        ["SWIFT", "送金", "決済", "全銀", "振込"],
        ["swift", "payment", "wire transfer", "funds transfer", "remittance"];
    "core_banking", "勘定系", "core banking",
        ["勘定系", "基幹系"],
        ["core banking", "core system"];
    "internet_banking", "インターネットバンキング", "internet banking",
        ["インターネットバンキング", "ネットバンキング", "IB"],
        ["internet banking", "online banking", "ib"];
    "atm", "ATM", "ATM",
        ["ATM"],
        ["atm"];
    "mobile_app", "モバイルアプリ", "mobile app",
        ["スマホアプリ", "モバイルアプリ", "スマートフォンアプリ"],
        ["mobile app", "mobile banking", "smartphone app", "android", "ios"];
    "wireless", "無線LAN", "wireless networks",
        ["無線LAN", "Wi-Fi", "WiFi", "無線"],
        ["wireless", "wi fi", "wifi", "wlan"];
    "physical", "物理セキュリティ", "physical security",
        ["入館", "物理的", "共連れ", "入退室", "セキュリティゲート", "入館証"],
        ["physical", "tailgat", "badge", "building access", "door access"];
    "helpdesk", "ヘルプデスク・なりすまし", "help desk impersonation",
        ["ヘルプデスク", "なりすまし", "電話で", "本人確認"],
        ["help desk", "helpdesk", "service desk", "vishing", "impersonat", "pretext", "identity verification"];
    "password_reset", "パスワードリセット", "password resets",
        ["パスワードリセット", "パスワード再設定", "パスワードの初期化"],
        ["password reset", "reset the password", "reset password"];
    "asset_inventory", "IT資産管理", "asset inventory",
        ["資産管理", "台帳", "把握されていない", "未管理", "管理外", "棚卸"],
        ["asset inventory", "unmanaged", "inventory", "shadow it", "not tracked", "unknown asset"];
    "test_environment", "検証・開発環境", "test environments",
        ["テスト環境", "開発環境", "検証環境", "ステージング"],
        ["test environment", "development environment", "staging", "dev environment", "test server"];
    "encryption", "暗号化", "encryption",
        ["暗号化されていない", "平文通信", "TLS", "SSL", "暗号化なし"],
        ["unencrypted", "tls", "ssl", "not encrypted", "without encryption"];
    "awareness", "職員教育・訓練", "awareness training",
        ["訓練", "教育", "研修", "意識"],
        ["training", "awareness", "drill"];
    "playbook", "対応手順", "playbooks",
        ["手順書", "プレイブック", "対応手順", "マニュアル"],
        ["playbook", "runbook", "procedure"];
    "containment", "封じ込め", "containment",
        ["封じ込め", "隔離", "遮断", "切り離"],
        ["containment", "contained the", "isolat", "quarantin", "disconnect"];
    "lockout", "アカウントロック", "account lockout",
        ["アカウントロック", "ロックアウト", "試行回数"],
        ["lockout", "account lock", "login attempts", "failed attempts"];
    "group_policy", "グループポリシー", "group policy",
        ["グループポリシー", "GPO"],
        ["group policy", "gpo"];
    "script_execution", "スクリプト実行", "script execution",
        ["PowerShell", "スクリプト", "コマンド実行", "マクロ実行"],
        ["powershell", "script", "command execution", "command line"];
    "app_control", "アプリケーション制御", "application control",
        ["アプリケーション制御", "許可リスト", "ホワイトリスト", "実行制御"],
        ["allowlist", "allow list", "whitelist", "application control", "execution control"];
    "persistence", "永続化", "persistence",
        ["永続化", "常駐", "スケジュールタスク", "タスクスケジューラ", "自動起動"],
        ["persistence", "scheduled task", "autorun", "startup item"];
    "privilege_escalation", "権限昇格", "privilege escalation",
        ["権限昇格", "権限を昇格"],
        ["privilege escalation", "escalate privilege", "escalated privilege", "elevat"];
    "certificate", "証明書", "certificates",
        ["証明書", "AD CS", "ADCS"],
        ["certificate", "adcs", "ad cs"];
    "email_auth", "送信ドメイン認証", "email authentication",
        ["SPF", "DKIM", "DMARC", "送信ドメイン認証", "ドメイン偽装"],
        ["spf", "dkim", "dmarc", "spoof", "sender authentication"];
    "sso", "シングルサインオン", "single sign-on",
        ["シングルサインオン", "SSO", "ID連携"],
        ["single sign on", "sso", "identity provider", "idp"];
    "legacy_protocol", "レガシープロトコル", "legacy protocols",
        ["NTLM", "SMBv1", "LLMNR", "NetBIOS", "レガシープロトコル", "旧式のプロトコル"],
        ["ntlm", "smbv1", "llmnr", "netbios", "legacy protocol"];
    "database", "データベース", "databases",
        ["データベース", "DB"],
        ["database", "db"];
    "customer_data", "顧客情報", "customer data",
        ["顧客情報", "個人情報", "顧客データ"],
        ["customer data", "customer information", "personal data", "pii", "customer record"];
    "monitoring_coverage", "監視範囲", "monitoring coverage",
        ["監視対象外", "監視されていない", "監視範囲", "監視の対象", "ログ監視"],
        ["not monitored", "monitoring coverage", "blind spot", "unmonitored", "outside monitoring"];
    "dlp", "情報漏えい対策", "data loss prevention",
        ["DLP", "情報漏えい対策", "情報漏洩対策"],
        ["dlp", "data loss prevention"];
    "browser", "ブラウザ", "browser",
        ["ブラウザ"],
        ["browser"];
    "mainframe_batch", "バッチ・ファイル連携", "batch file transfers",
        ["バッチ", "ファイル連携", "ファイル転送"],
        ["batch", "file transfer", "sftp", "ftp"];
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn ids_are_unique_and_every_concept_has_both_languages() {
        let mut seen = BTreeSet::new();
        for c in CONCEPTS {
            assert!(seen.insert(c.id), "duplicate concept {}", c.id);
            assert!(!c.ja_terms.is_empty() && !c.en_terms.is_empty(), "{} needs terms in both languages", c.id);
        }
        assert!(CONCEPTS.len() >= 60);
    }
}
