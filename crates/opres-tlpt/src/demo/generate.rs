//! A generator of realistic, bilingual TLPT findings for benchmarks and load tests: forty issue
//! families as banks' red teams report them, each worded several ways in Japanese and English, placed on
//! varied systems, with the languages mixed as in real registers (Japanese only, English only, both).
//!
//! Deterministic for a seed, with its own small PRNG (SplitMix64) so the data set never changes with a
//! dependency's version.

use crate::codes::{FindingOrigin, FindingStatus, RootCause, Severity};
use crate::ids::{EngagementId, FindingId, TechniqueId};
use crate::model::Finding;
use chrono::{Duration, NaiveDate};
use opres_domain::Bilingual;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

struct Family {
    root_cause: RootCause,
    techniques: &'static [&'static str],
    severity: Severity,
    title_ja: &'static [&'static str],
    title_en: &'static [&'static str],
    desc_ja: &'static [&'static str],
    desc_en: &'static [&'static str],
    rec_ja: &'static str,
    rec_en: &'static str,
}

const SYSTEMS: &[(&str, &str)] = &[
    ("勘定系システム", "core banking system"),
    ("インターネットバンキング", "internet banking"),
    ("SWIFT接続系", "SWIFT gateway"),
    ("行員用端末", "staff workstations"),
    ("社内Active Directory", "Active Directory"),
    ("リモートアクセスVPN", "remote-access VPN"),
    ("メールシステム", "email system"),
    ("オンライントレード", "online trading platform"),
    ("カードオーソリシステム", "card authorisation system"),
    ("会員向けWebサイト", "customer website"),
    ("ファイルサーバ", "file server"),
    ("ATM系システム", "ATM network"),
    ("営業店端末", "branch terminals"),
    ("コールセンターシステム", "call centre system"),
    ("データ連携基盤", "data integration platform"),
    ("クラウド基盤", "cloud platform"),
    ("融資稟議システム", "loan approval system"),
    ("市場系システム", "treasury system"),
];

const NOTES_JA: &[&str] = &[
    "レッドチームテストの初期段階で確認された。",
    "前回のテストでも類似の指摘があった。",
    "ブルーチームは攻撃を認識していなかった。",
    "グループ会社の環境でも同様の構成が使われている可能性がある。",
    "",
    "",
];
const NOTES_EN: &[&str] = &[
    "Observed early in the red-teaming phase.",
    "A similar point was raised in the previous test.",
    "The blue team did not notice the activity.",
    "Group companies may run the same configuration.",
    "",
    "",
];

macro_rules! fam {
    ($rc:ident, [$($t:literal),*], $sev:ident, [$($tj:literal),*], [$($te:literal),*], [$($dj:literal),*], [$($de:literal),*], $rj:literal, $re:literal) => {
        Family {
            root_cause: RootCause::$rc,
            techniques: &[$($t),*],
            severity: Severity::$sev,
            title_ja: &[$($tj),*],
            title_en: &[$($te),*],
            desc_ja: &[$($dj),*],
            desc_en: &[$($de),*],
            rec_ja: $rj,
            rec_en: $re,
        }
    };
}

static FAMILIES: &[Family] = &[
    fam!(
        CredentialManagement,
        ["T1133", "T1078"],
        High,
        ["{sys}に多要素認証が導入されていない", "リモート接続で多要素認証が適用されていない"],
        ["{sys} does not enforce multi-factor authentication", "Remote access is possible without a second factor"],
        [
            "{sys}はIDとパスワードのみで接続でき、漏えいした認証情報があれば外部から内部ネットワークに到達できる。",
            "パスワードスプレーで得た{n}件のアカウントでVPNに接続できた。二要素認証は設定されていない。"
        ],
        [
            "{sys} accepts a password alone, so leaked credentials reach the internal network from outside.",
            "{n} accounts obtained by password spraying logged on to the VPN; no second factor is required."
        ],
        "外部からの接続すべてに多要素認証を適用する",
        "Enforce multi-factor authentication on every external connection"
    ),
    fam!(
        CredentialManagement,
        ["T1078.003", "T1550.002"],
        High,
        ["ローカル管理者パスワードが共通", "端末のローカル管理者アカウントのパスワードが同一"],
        ["Local administrator password shared across hosts", "Same local admin password on every machine"],
        [
            "{sys}の{n}台でローカル管理者のパスワードが同一であり、取得したハッシュで他の端末にログオンできた。",
            "キッティング時に同じローカルAdministratorパスワードが設定され、Pass-the-Hashで横展開された。"
        ],
        [
            "{n} hosts of the {sys} share one local administrator password; a captured hash logged on to the others.",
            "The build process sets the same local Administrator password, so pass-the-hash allowed lateral movement."
        ],
        "LAPSで端末ごとに異なるパスワードを設定する",
        "Use LAPS to give each host a unique password"
    ),
    fam!(
        PrivilegedAccess,
        ["T1558.003"],
        High,
        ["サービスアカウントのパスワードがKerberoastingで解読された", "SPN付きアカウントの弱いパスワード"],
        ["Service account password cracked via Kerberoasting", "Weak password on an account with an SPN"],
        [
            "SPNが設定されたサービスアカウントのチケットを取得し、{n}時間で解読してドメイン管理者権限を得た。",
            "サービスアカウントが特権グループに所属し、パスワードが短いためオフラインで解読できた。"
        ],
        [
            "A ticket for a service account with an SPN was cracked offline in {n} hours, giving domain admin rights.",
            "The service account sits in a privileged group and its short password was cracked offline."
        ],
        "サービスアカウントをgMSAへ移行し権限を最小化する",
        "Move service accounts to gMSA and minimise their rights"
    ),
    fam!(
        PrivilegedAccess,
        ["T1078.002"],
        Medium,
        ["特権IDの棚卸が行われていない", "退職者の特権アカウントが残存"],
        ["Privileged accounts are not reviewed", "Leavers' privileged accounts still active"],
        [
            "{sys}で退職者・異動者の特権IDが{n}件有効なまま残っていた。",
            "特権アカウントの定期的な見直し手続きがなく、不要な管理者権限が付与されていた。"
        ],
        [
            "{n} privileged accounts of leavers or movers were still enabled on the {sys}.",
            "There is no periodic review of privileged accounts, and unneeded admin rights remain."
        ],
        "特権IDを四半期ごとに棚卸する",
        "Review privileged accounts every quarter"
    ),
    fam!(
        NetworkSegmentation,
        ["T1021.001", "T1021"],
        High,
        ["{sys}が行内ネットワークから到達可能", "送金系セグメントの分離が不十分"],
        ["{sys} reachable from the user network", "Payment segment insufficiently segregated"],
        [
            "行員端末のセグメントから{sys}のRDPポートへ通信でき、ファイアウォールで制限されていない。",
            "ネットワークがフラットで、一般端末から送金系サーバへ直接接続できた。"
        ],
        [
            "RDP on the {sys} is reachable from the staff segment; the firewall does not restrict it.",
            "The network is flat: ordinary workstations connect directly to payment servers."
        ],
        "送金系への通信を踏み台経由に限定する",
        "Restrict access to payment systems to the jump servers"
    ),
    fam!(
        MonitoringGap,
        ["T1021.002"],
        Medium,
        ["SMBによる横展開が検知されない", "管理共有を使った横展開を監視できていない"],
        ["Lateral movement over SMB not detected", "Admin-share lateral movement unmonitored"],
        [
            "管理共有とPsExecを使った横展開はSOCで検知されず、{n}時間後に別のアラートで発覚した。",
            "{sys}への横展開でSMBの管理共有が使われたが、検知ルールがなかった。"
        ],
        [
            "Lateral movement with admin shares and PsExec was not detected by the SOC; it surfaced {n} hours later.",
            "Lateral movement to the {sys} used SMB admin shares and no detection rule fired."
        ],
        "管理共有アクセスの検知ルールを整備する",
        "Add detection rules for admin-share access"
    ),
    fam!(
        Configuration,
        ["T1003.001"],
        High,
        ["LSASSから認証情報を窃取できる", "メモリ上の認証情報の保護が無効"],
        ["Credentials dumped from LSASS", "Credential protection in memory disabled"],
        [
            "{sys}でCredential Guardが無効で、Mimikatzにより認証情報をダンプできた。",
            "LSASSのメモリから管理者のパスワードハッシュを取得できた。EDRはブロックしなかった。"
        ],
        [
            "Credential Guard is off on the {sys}; Mimikatz dumped credentials.",
            "An administrator's password hash was read from LSASS memory; the EDR did not block it."
        ],
        "Credential GuardとLSA保護を有効化する",
        "Enable Credential Guard and LSA protection"
    ),
    fam!(
        Awareness,
        ["T1566.001", "T1566.002"],
        Medium,
        ["標的型メール訓練でクリック率が高く報告が少ない", "フィッシングメールの報告率が低い"],
        ["High click rate and few reports in the phishing test", "Low phishing report rate"],
        [
            "訓練メールの受信者{n}%がリンクをクリックし、不審メールとして報告した職員はわずかだった。",
            "フィッシングメールを開封した職員の多くが報告せず、報告ボタンの存在も知られていなかった。"
        ],
        [
            "{n}% of recipients clicked the lure and very few reported the suspicious email.",
            "Most staff who opened the phishing mail did not report it; many did not know the report button."
        ],
        "報告手順の周知と継続的な訓練を行う",
        "Make the reporting route known and train continuously"
    ),
    fam!(
        ResponseProcess,
        ["T1566.001"],
        Medium,
        ["職員の報告からCSIRTへのエスカレーションが遅い", "不審メールの報告がCSIRTに届かない"],
        ["Slow escalation of staff reports to the CSIRT", "Phishing reports do not reach the CSIRT"],
        [
            "職員からの報告がCSIRTに連絡されるまで平均{n}分を要し、一部は連絡されなかった。",
            "報告は総務部の共有メールボックスに滞留し、CSIRTの初動が遅れた。"
        ],
        [
            "Staff reports took {n} minutes on average to reach the CSIRT, and some never did.",
            "Reports sat in a shared mailbox of General Affairs, delaying the CSIRT's initial response."
        ],
        "報告からCSIRTのチケットを自動起票する",
        "Open CSIRT tickets automatically from staff reports"
    ),
    fam!(
        AssetManagement,
        ["T1562.001"],
        Medium,
        ["EDRが導入されていないサーバがある", "EDRの導入範囲が不完全"],
        ["EDR missing on some servers", "Incomplete EDR coverage"],
        [
            "{sys}を含む{n}台のサーバにEDRが導入されておらず、攻撃が検知されなかった。",
            "資産台帳とEDRの管理コンソールが突合されておらず、未導入のサーバが把握されていなかった。"
        ],
        [
            "{n} servers including the {sys} have no EDR agent, so the attack went unseen.",
            "The asset inventory is not reconciled with the EDR console, so unprotected servers were unknown."
        ],
        "資産台帳とEDR導入状況を定期的に突合する",
        "Reconcile the asset inventory with EDR coverage regularly"
    ),
    fam!(
        PatchManagement,
        ["T1190"],
        Critical,
        ["インターネット公開サーバに既知の脆弱性が残存", "公開機器へのパッチ適用が遅れている"],
        ["Known vulnerability on an internet-facing server", "Patching of exposed devices lags"],
        [
            "{sys}の公開サーバに{n}か月前に公表された脆弱性のパッチが適用されておらず、侵入の起点となった。",
            "外部公開されたVPN装置のファームウェアが古く、既知のCVEを悪用できた。"
        ],
        [
            "An internet-facing server of the {sys} lacked a patch released {n} months ago and became the entry point.",
            "Firmware on the exposed VPN appliance is out of date and a known CVE was exploitable."
        ],
        "公開機器の脆弱性情報を監視し期限内にパッチを適用する",
        "Track vulnerabilities of exposed devices and patch within set deadlines"
    ),
    fam!(
        PatchManagement,
        ["T1210"],
        High,
        ["サポート終了OSのサーバが稼働", "保守期限切れのソフトウェアを使用"],
        ["Servers running an end-of-support OS", "End-of-life software in use"],
        [
            "{sys}でサポートが終了したOSのサーバが{n}台稼働しており、修正プログラムが提供されない。",
            "保守期限切れのミドルウェアに既知の脆弱性があり、権限昇格に利用された。"
        ],
        [
            "{n} servers of the {sys} run an operating system that is out of support and receives no patches.",
            "End-of-life middleware with a known vulnerability was used to escalate privileges."
        ],
        "更改計画を策定し、それまでの代替統制を講じる",
        "Plan replacement and apply compensating controls meanwhile"
    ),
    fam!(
        ApplicationSecurity,
        ["T1190"],
        High,
        ["{sys}にSQLインジェクションの脆弱性", "Webアプリの入力値検証が不十分"],
        ["SQL injection in the {sys}", "Insufficient input validation in a web application"],
        [
            "{sys}の検索機能にSQLインジェクションがあり、データベースの顧客情報を取得できた。",
            "入力値がエスケープされずSQL文に連結されており、認証を回避できた。"
        ],
        [
            "The search function of the {sys} is open to SQL injection and customer data was read from the database.",
            "Input is concatenated into SQL without escaping, allowing authentication bypass."
        ],
        "プレースホルダを使用し、リリース前に診断する",
        "Use parameterised queries and test before release"
    ),
    fam!(
        ApplicationSecurity,
        ["T1190"],
        High,
        ["APIで認可チェックが行われていない", "他の顧客の情報を参照できる"],
        ["Missing authorisation checks in the API", "Other customers' data accessible"],
        [
            "{sys}のAPIで口座番号を書き換えると他の顧客の取引履歴を参照できた。",
            "API呼出し時にオブジェクト単位のアクセス制御がなく、IDORの脆弱性がある。"
        ],
        [
            "Changing the account number in an API call of the {sys} returned another customer's transactions.",
            "API calls lack object-level access control (IDOR)."
        ],
        "APIでオブジェクト単位の認可を実装する",
        "Enforce object-level authorisation in the API"
    ),
    fam!(
        ThirdParty,
        ["T1133", "T1199"],
        High,
        ["保守委託先のリモート接続の管理が不十分", "保守回線経由で内部に侵入できる"],
        ["Vendor remote maintenance access poorly controlled", "Intrusion possible through the maintenance line"],
        [
            "委託先の保守回線は常時接続で、{sys}へ制限なくアクセスできた。",
            "保守業者のリモート接続に多要素認証も接続申請もなく、ベンダーの端末から侵入できた。"
        ],
        [
            "The vendor's maintenance line is always on and gives unrestricted access to the {sys}.",
            "Vendor remote access has no MFA and no request process; the red team came in through a vendor PC."
        ],
        "保守接続を都度申請・承認制にし、多要素認証を適用する",
        "Open maintenance connections on approval only, with MFA"
    ),
    fam!(
        ThirdParty,
        ["T1078"],
        Medium,
        ["委託先要員が共有アカウントを使用", "保守用の共用IDで操作者を特定できない"],
        ["Vendor staff use a shared account", "Shared maintenance ID hides who did what"],
        [
            "{sys}の保守作業で委託先の{n}名が同じアカウントを共用しており、操作ログから個人を特定できない。",
            "保守用の共通アカウントのパスワードが変更されておらず、退職した要員も利用できた。"
        ],
        [
            "{n} vendor engineers share one account on the {sys}; logs cannot tell who did what.",
            "The shared maintenance account's password was never changed, so former vendor staff could still use it."
        ],
        "委託先要員に個人別アカウントを付与する",
        "Issue personal accounts to vendor staff"
    ),
    fam!(
        Configuration,
        ["T1552.001"],
        High,
        ["スクリプトに認証情報が平文で記載", "設定ファイルにパスワードがハードコード"],
        ["Plaintext credentials in scripts", "Passwords hard-coded in configuration files"],
        [
            "ファイルサーバ上のバッチスクリプトに{sys}の管理者パスワードが平文で記載されていた。",
            "設定ファイルにデータベースの接続パスワードがハードコードされ、一般ユーザーが閲覧できた。"
        ],
        [
            "A batch script on the file server holds the {sys} administrator password in clear text.",
            "A configuration file hard-codes the database password and ordinary users can read it."
        ],
        "認証情報を秘密情報管理基盤に移す",
        "Move secrets into a secrets vault"
    ),
    fam!(
        Configuration,
        ["T1078.001"],
        High,
        ["機器が初期パスワードのまま運用されている", "デフォルトの管理者アカウントが有効"],
        ["Devices still use default passwords", "Default admin account enabled"],
        [
            "{sys}のネットワーク機器{n}台が出荷時の初期パスワードのままだった。",
            "管理画面にベンダーの既定のパスワードでログインできた。"
        ],
        [
            "{n} network devices of the {sys} still have factory default passwords.",
            "The management console accepted the vendor's default password."
        ],
        "導入時に初期パスワードを変更する手順を徹底する",
        "Change default passwords at installation, by procedure"
    ),
    fam!(
        Configuration,
        ["T1530"],
        High,
        ["クラウドストレージが公開設定になっている", "クラウド上のデータに匿名アクセス可能"],
        ["Cloud storage bucket publicly accessible", "Anonymous access to data in the cloud"],
        [
            "{sys}のストレージバケットが誰でも閲覧できる設定で、顧客データを含むファイルが{n}件あった。",
            "クラウドの公開設定の誤りにより、バックアップファイルにインターネットから匿名アクセスできた。"
        ],
        [
            "A storage bucket of the {sys} is publicly readable and holds {n} files with customer data.",
            "A misconfigured cloud setting let anyone on the internet read backup files anonymously."
        ],
        "公開設定を禁止するポリシーを適用し監視する",
        "Apply and monitor a policy forbidding public buckets"
    ),
    fam!(
        MonitoringGap,
        ["T1070", "T1562.002"],
        Medium,
        ["ログが取得・保存されていない", "調査に必要なログが不足"],
        ["Logs not collected or retained", "Logs needed for investigation missing"],
        [
            "{sys}のアクセスログが{n}日分しか保存されず、侵入経路を追跡できなかった。",
            "重要サーバのイベントログがSIEMに連携されておらず、攻撃の痕跡を確認できない。"
        ],
        [
            "Access logs of the {sys} are kept for only {n} days, so the intrusion path could not be traced.",
            "Event logs of key servers are not sent to the SIEM, so attack traces cannot be checked."
        ],
        "ログの取得対象と保存期間を定め、SIEMへ集約する",
        "Define what to log and for how long, and send it to the SIEM"
    ),
    fam!(
        NetworkSegmentation,
        ["T1071.001"],
        Medium,
        ["外部への通信が制限されておらずC2通信を検知できない", "プロキシを経由しない外部通信が可能"],
        ["Unrestricted outbound traffic lets C2 go unnoticed", "Direct outbound connections bypass the proxy"],
        [
            "{sys}からインターネットへの通信が制限されておらず、C2サーバとのビーコン通信が検知されなかった。",
            "サーバから直接外部へ接続でき、不審な通信を遮断する出口対策がない。"
        ],
        [
            "Outbound traffic from the {sys} is unrestricted and beaconing to the C2 server went undetected.",
            "Servers connect straight to the internet; there is no egress filtering of suspicious traffic."
        ],
        "外部通信をプロキシ経由に限定し、通信先を監視する",
        "Force outbound traffic through the proxy and monitor destinations"
    ),
    fam!(
        MonitoringGap,
        ["T1048.003", "T1048"],
        Medium,
        ["DNSを使った情報の持ち出しを検知できない", "大容量の外部送信が検知されない"],
        ["Exfiltration over DNS undetected", "Large outbound transfers not detected"],
        [
            "{sys}から{n}MBのデータをDNSトンネリングで外部送信したが、アラートは発報されなかった。",
            "データの持ち出しを想定した通信量の監視がなく、窃取は検知されなかった。"
        ],
        [
            "{n} MB were exfiltrated from the {sys} over DNS tunnelling without any alert.",
            "No traffic-volume monitoring for exfiltration exists, so the theft went unnoticed."
        ],
        "DNS通信と外部送信量を監視する",
        "Monitor DNS traffic and outbound volumes"
    ),
    fam!(
        Configuration,
        ["T1490"],
        High,
        ["バックアップがドメインから到達可能で削除できる", "ランサムウェアに対するバックアップの保護が不十分"],
        ["Backups reachable and deletable from the domain", "Backups not protected against ransomware"],
        [
            "{sys}のバックアップサーバがドメインに参加しており、ドメイン管理者権限で削除できた。",
            "オフラインやイミュータブルなバックアップがなく、ランサムウェアによる暗号化から復旧できないおそれがある。"
        ],
        [
            "The {sys} backup server is domain-joined and domain admin rights could delete the backups.",
            "There is no offline or immutable backup, so recovery from ransomware encryption is at risk."
        ],
        "バックアップを分離し、改ざん不可能な保管を行う",
        "Isolate backups and keep immutable copies"
    ),
    fam!(
        ResponseProcess,
        ["T1656", "T1598"],
        Medium,
        ["ヘルプデスクの本人確認が不十分", "電話でのなりすましでパスワードがリセットされた"],
        ["Weak identity checks at the help desk", "Password reset granted to a phone impersonator"],
        [
            "レッドチームが職員になりすまして電話し、ヘルプデスクが本人確認なしにパスワードをリセットした。",
            "パスワード再設定の手順で本人確認が氏名と内線番号のみで行われている。"
        ],
        [
            "Posing as an employee on the phone, the red team had the help desk reset a password without verification.",
            "The password reset procedure verifies identity only by name and extension number."
        ],
        "本人確認手順を強化し、リセット時に上長承認を要する",
        "Strengthen identity verification and require manager approval for resets"
    ),
    fam!(
        DataProtection,
        ["T1052.001"],
        Medium,
        ["USBメモリへの書き出しが制限されていない", "外部記憶媒体でデータを持ち出せる"],
        ["USB writes not restricted", "Data can leave on removable media"],
        [
            "{sys}の端末でUSBメモリへの書き出しが可能で、顧客情報を持ち出せた。",
            "外部媒体の利用制御が一部の端末で無効になっていた。"
        ],
        [
            "Staff PCs of the {sys} can write to USB sticks, and customer data was copied out.",
            "Removable media control is disabled on some machines."
        ],
        "外部媒体の書き込みを原則禁止する",
        "Block writes to removable media by default"
    ),
    fam!(
        NetworkSegmentation,
        ["T1557", "T1200"],
        Medium,
        ["来客用Wi-Fiが内部ネットワークと分離されていない", "無線LANから内部セグメントに到達可能"],
        ["Guest Wi-Fi not separated from the internal network", "Internal segment reachable from wireless"],
        [
            "店舗の来客用無線LANから{sys}のセグメントへ通信できた。",
            "無線LANのアクセスポイントが業務ネットワークに直結していた。"
        ],
        [
            "The guest wireless network in branches reaches the {sys} segment.",
            "Wireless access points are wired straight into the business network."
        ],
        "来客用無線LANを業務ネットワークから分離する",
        "Separate guest wireless from the business network"
    ),
    fam!(
        Governance,
        ["T1200"],
        Low,
        ["共連れで執務室に入室できた", "入館管理の物理的な統制が不十分"],
        ["Tailgating into the office succeeded", "Weak physical access control"],
        [
            "レッドチームは職員の後に続いてセキュリティゲートを通過し、{sys}の端末に接触できた。",
            "入館証の確認が行われず、執務エリアに不正に侵入できた。"
        ],
        [
            "The red team tailgated staff through the security gate and reached a {sys} machine.",
            "Badges were not checked and the office area was entered without authorisation."
        ],
        "共連れ防止の周知とゲートの運用を見直す",
        "Remind staff about tailgating and review gate operation"
    ),
    fam!(
        ResponseProcess,
        ["T1059.001"],
        Medium,
        ["アラートが誤検知として処理された", "SOCのトリアージが不十分"],
        ["Alert closed as a false positive", "Weak SOC triage"],
        [
            "PowerShellの不審な実行でアラートが発報されたが、SOCは誤検知として{n}分で処理を終えた。",
            "SOCはアラートの調査手順がなく、重要なアラートを見逃した。"
        ],
        [
            "An alert on suspicious PowerShell fired, but the SOC closed it as a false positive within {n} minutes.",
            "The SOC has no procedure for investigating alerts and missed an important one."
        ],
        "トリアージ手順を整備し、エスカレーション基準を定める",
        "Write triage procedures and escalation criteria"
    ),
    fam!(
        AssetManagement,
        ["T1133", "T1190"],
        High,
        ["資産台帳にない公開サーバが存在", "管理外のインターネット公開システム"],
        ["Internet-facing server missing from the asset inventory", "Unmanaged exposed system"],
        [
            "資産台帳に登録されていない{sys}の検証用サーバがインターネットに公開されていた。",
            "部門が独自に構築した公開システムが把握されておらず、パッチも適用されていなかった。"
        ],
        [
            "A test server of the {sys} that is not in the asset inventory was exposed to the internet.",
            "A system a department built on its own was unknown to IT and unpatched."
        ],
        "外部公開資産を定期的に棚卸する",
        "Inventory exposed assets regularly"
    ),
    fam!(
        Configuration,
        ["T1566.002"],
        Medium,
        ["DMARCが適用されておらずなりすましメールが届く", "送信ドメイン認証が不十分"],
        ["DMARC not enforced; spoofed mail delivered", "Weak sender authentication"],
        [
            "当社ドメインを詐称したメールが{sys}の受信者に配送された。DMARCはnoneで運用されている。",
            "SPFとDKIMの設定が不完全で、なりすましメールを防げない。"
        ],
        [
            "Mail spoofing the company's domain reached recipients of the {sys}; DMARC is set to none.",
            "SPF and DKIM are incomplete, so spoofed mail is not stopped."
        ],
        "DMARCをrejectで運用する",
        "Enforce DMARC with a reject policy"
    ),
    fam!(
        Configuration,
        ["T1204.002"],
        Medium,
        ["インターネット由来のファイルのマクロが実行可能", "添付ファイルのマクロが制限されていない"],
        ["Macros from internet files can run", "Macros in attachments not restricted"],
        [
            "添付ファイルのマクロが実行され、{sys}の端末でマルウェアが起動した。",
            "インターネットから取得した文書のマクロを無効にするポリシーが適用されていない。"
        ],
        [
            "A macro in an attachment ran and launched malware on a {sys} PC.",
            "The policy blocking macros in documents from the internet is not applied."
        ],
        "インターネット由来ファイルのマクロを無効化する",
        "Block macros in files from the internet"
    ),
    fam!(
        Configuration,
        ["T1059.001"],
        Medium,
        ["PowerShellの実行が制限されていない", "アプリケーション制御が導入されていない"],
        ["PowerShell execution unrestricted", "No application control"],
        [
            "一般ユーザーが{sys}の端末で任意のPowerShellスクリプトを実行でき、攻撃ツールを起動できた。",
            "許可リストによる実行制御がなく、持ち込んだツールが実行された。"
        ],
        [
            "Ordinary users can run any PowerShell script on {sys} machines, and attack tools were launched.",
            "No allowlisting is in place, so tools brought in were executed."
        ],
        "アプリケーション制御とPowerShellの制約モードを導入する",
        "Introduce application control and constrained PowerShell"
    ),
    fam!(
        DataProtection,
        ["T1213"],
        Medium,
        ["テスト環境に本番の顧客データが存在", "開発環境の個人情報がマスキングされていない"],
        ["Production customer data in the test environment", "Unmasked personal data in development"],
        [
            "{sys}の検証環境に本番の顧客情報{n}万件がマスキングされずに保存されていた。",
            "開発環境のアクセス制御は本番より緩く、個人情報を容易に取得できた。"
        ],
        [
            "The {sys} test environment holds {n}0,000 unmasked production customer records.",
            "Development has weaker access control than production, and personal data was easy to take."
        ],
        "テスト環境のデータをマスキングする",
        "Mask data used in test environments"
    ),
    fam!(
        ApplicationSecurity,
        ["T1539"],
        Medium,
        ["ログアウト後もセッションが無効化されない", "セッション管理の不備"],
        ["Sessions not invalidated after logout", "Weak session management"],
        [
            "{sys}でログアウト後もセッションIDが有効で、窃取したクッキーで再利用できた。",
            "セッションの有効期限が長く、固定化攻撃への対策もない。"
        ],
        [
            "Session IDs of the {sys} remain valid after logout; a stolen cookie was reused.",
            "Sessions last too long and there is no protection against fixation."
        ],
        "ログアウト時にセッションを破棄し有効期限を短縮する",
        "Destroy sessions at logout and shorten their lifetime"
    ),
    fam!(
        Configuration,
        ["T1484.001"],
        High,
        ["グループポリシーを一般ユーザーが変更できる", "GPOのアクセス権設定の誤り"],
        ["Group Policy editable by ordinary users", "Wrong permissions on a GPO"],
        [
            "{sys}のGPOに一般ユーザーの書込み権限があり、全端末にスクリプトを配布できた。",
            "グループポリシーオブジェクトの権限が過大で、ドメイン全体の設定を改ざんできる。"
        ],
        [
            "Ordinary users can write to a GPO of the {sys}, and a script was pushed to every PC.",
            "Group Policy objects carry excessive rights; domain-wide settings can be tampered with."
        ],
        "GPOの権限を見直す",
        "Review GPO permissions"
    ),
    fam!(
        Configuration,
        ["T1649"],
        High,
        ["証明書テンプレートの設定不備で権限昇格が可能", "AD CSの脆弱なテンプレート"],
        ["Certificate template allows privilege escalation", "Vulnerable AD CS template"],
        [
            "AD CSの証明書テンプレートで申請者が任意のSANを指定でき、ドメイン管理者として認証できた。",
            "{sys}の証明書サービスの設定不備（ESC1）を悪用して権限を昇格した。"
        ],
        [
            "An AD CS template lets the requester set any SAN, so the red team authenticated as a domain admin.",
            "A misconfigured certificate service of the {sys} (ESC1) was abused to escalate privileges."
        ],
        "証明書テンプレートを見直す",
        "Review certificate templates"
    ),
    fam!(
        PrivilegedAccess,
        ["T1021.001"],
        High,
        ["踏み台サーバを経由せず管理者アクセスが可能", "特権アクセスの経路が統制されていない"],
        ["Admin access possible without the jump server", "Privileged access paths uncontrolled"],
        [
            "管理者は{sys}へ踏み台サーバを経由せず直接ログオンでき、操作記録も残らない。",
            "特権ID管理製品を迂回してサーバに直接RDP接続できた。"
        ],
        [
            "Administrators log on to the {sys} directly, bypassing the jump server, and nothing is recorded.",
            "The red team bypassed the privileged access management product with direct RDP to servers."
        ],
        "特権アクセスを踏み台経由に限定する",
        "Allow privileged access only through the jump servers"
    ),
    fam!(
        ResponseProcess,
        ["T1486"],
        High,
        ["ランサムウェア対応手順がなく封じ込めが遅れた", "インシデント対応のプレイブックが未整備"],
        ["No ransomware playbook; containment was late", "Incident response playbooks missing"],
        [
            "暗号化の兆候を検知してから端末の隔離まで{n}時間を要した。対応手順書がない。",
            "CSIRTにランサムウェアを想定したプレイブックがなく、判断に時間を要した。"
        ],
        [
            "It took {n} hours from the first sign of encryption to isolating the PC; there is no procedure.",
            "The CSIRT has no ransomware playbook and decisions took long."
        ],
        "ランサムウェア対応のプレイブックを整備し訓練する",
        "Write and drill a ransomware playbook"
    ),
    fam!(
        MonitoringGap,
        ["T1213"],
        Medium,
        ["データベースへのアクセスが監視されていない", "顧客情報の大量参照を検知できない"],
        ["Database access not monitored", "Bulk reads of customer data undetected"],
        [
            "{sys}のデータベースから顧客情報{n}万件を参照したが、監視対象外で検知されなかった。",
            "データベースの監査ログが取得されておらず、不正な参照を追跡できない。"
        ],
        [
            "{n}0,000 customer records were read from the {sys} database unnoticed; it is not monitored.",
            "Database audit logging is off, so improper reads cannot be traced."
        ],
        "データベースの監査ログを取得し監視する",
        "Turn on and monitor database audit logs"
    ),
    fam!(
        ApplicationSecurity,
        ["T1552", "T1409"],
        Medium,
        ["モバイルアプリが認証トークンを平文で保存", "スマホアプリの秘密情報の保護が不十分"],
        ["Mobile app stores tokens in plain text", "Weak protection of secrets in the smartphone app"],
        [
            "{sys}のスマートフォンアプリが端末内に認証トークンを平文で保存していた。",
            "アプリにAPIキーが埋め込まれており、解析により取得できた。"
        ],
        [
            "The {sys} smartphone app stores its authentication token in plain text on the device.",
            "An API key is embedded in the app and was recovered by reverse engineering."
        ],
        "OSの安全な保管領域を使用する",
        "Use the platform's secure storage"
    ),
];

/// The number of issue families the generator draws from.
pub fn family_count() -> usize {
    FAMILIES.len()
}

fn fill(template: &str, sys: &str, n: usize) -> String {
    template.replace("{sys}", sys).replace("{n}", &n.to_string())
}

/// Generates `n` findings with the issue family each was drawn from (`0..family_count()`). Findings of the
/// same family describe the same issue in different words, systems, languages and years.
pub fn generate_labelled_findings(n: usize, seed: u64) -> Vec<(Finding, usize)> {
    let mut rng = Rng(seed ^ 0x005E_ED0F_7A9E);
    let base = NaiveDate::from_ymd_opt(2016, 4, 1).unwrap_or_default();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let fam_ix = rng.below(FAMILIES.len());
        let fam = &FAMILIES[fam_ix];
        let (sys_ja, sys_en) = *rng.pick(SYSTEMS);
        let k = 2 + rng.below(58);
        // Registers mix languages: Japanese only, English only, or both.
        let mode = rng.below(10);
        let (with_ja, with_en) = match mode {
            0..=3 => (true, false),
            4..=6 => (false, true),
            _ => (true, true),
        };
        let title_ja = fill(rng.pick::<&str>(fam.title_ja), sys_ja, k);
        let title_en = fill(rng.pick::<&str>(fam.title_en), sys_en, k);
        let mut desc_ja = fill(rng.pick::<&str>(fam.desc_ja), sys_ja, k);
        let mut desc_en = fill(rng.pick::<&str>(fam.desc_en), sys_en, k);
        let note = rng.below(NOTES_JA.len());
        if !NOTES_JA[note].is_empty() {
            desc_ja.push_str(NOTES_JA[note]);
            desc_en.push(' ');
            desc_en.push_str(NOTES_EN[note]);
        }
        let pick = |b: bool, s: String| if b { Some(s) } else { None };
        let technique = if rng.chance(90) { TechniqueId::parse(rng.pick::<&str>(fam.techniques)).ok() } else { None };
        let root_cause = if rng.chance(92) { fam.root_cause } else { *rng.pick(RootCause::ALL) };
        let severity = if rng.chance(75) { fam.severity } else { *rng.pick(Severity::ALL) };
        let identified_on = base + Duration::days(rng.below(3650) as i64);
        let finding = Finding {
            id: FindingId::lit(&format!("GEN-{i:07}")),
            engagement: EngagementId::lit(&format!("GEN-E{:05}", i / 8)),
            origin: FindingOrigin::Tlpt,
            rollout_of: None,
            identified_on,
            title: Bilingual::new(pick(with_ja, title_ja), pick(with_en, title_en)),
            description: Bilingual::new(pick(with_ja, desc_ja), pick(with_en, desc_en)),
            severity,
            root_cause,
            root_cause_note: None,
            technique,
            systems: Vec::new(),
            enterprise_wide: false,
            recommendation: Bilingual::new(
                pick(with_ja, fam.rec_ja.to_string()),
                pick(with_en, fam.rec_en.to_string()),
            ),
            owner: String::new(),
            due: None,
            status: if rng.chance(60) { FindingStatus::Remediated } else { FindingStatus::Open },
            resources: None,
            recurrence_of: Vec::new(),
        };
        out.push((finding, fam_ix));
    }
    out
}

/// Generates `n` bilingual findings for benchmarks, deterministically from `seed`.
pub fn generate_findings(n: usize, seed: u64) -> Vec<Finding> {
    generate_labelled_findings(n, seed).into_iter().map(|(f, _)| f).collect()
}
