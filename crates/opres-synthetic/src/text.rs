//! Incident text composed from independently chosen parts: when, circumstance, system and
//! symptom, cause (many wordings per trend, vocabulary shared across trends), impact and response,
//! in a varied order. Japanese and English are composed from the same choices, so an incident
//! written in both languages says the same thing in each.

use crate::institutions::SystemKind;
use crate::rng::{Gen, chance, pick, weighted};
use chrono::{DateTime, Datelike, FixedOffset, Timelike};
use opres_domain::{Channel, SettlementImpact, Trend};

/// A phrase in Japanese and English. `{sys}` stands for a system's name, `{n}` for a number.
type P = (&'static str, &'static str);

/// Which languages an incident is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Langs {
    Ja,
    En,
    Both,
}

/// The circumstance an incident happened in. Trends favour some, but every one is shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Situation {
    Normal,
    NightWork,
    AfterRelease,
    PeakDay,
    MarketTurmoil,
    Campaign,
    Weekend,
    AfterHoliday,
}

const SITUATIONS: &[(Situation, P)] = &[
    (Situation::Normal, ("日中の通常運用の中で", "during normal daytime operation")),
    (Situation::Normal, ("平常どおりの取引量の中で", "with transaction volumes at their usual level")),
    (Situation::Normal, ("特段の作業や変更がない中で", "with no work or change in progress")),
    (Situation::NightWork, ("夜間の定例保守作業の最中に", "during routine overnight maintenance")),
    (Situation::NightWork, ("深夜の変更作業の後に", "after late-night change work")),
    (Situation::NightWork, ("夜間バッチ処理の実行中に", "while the overnight batch was running")),
    (Situation::AfterRelease, ("システム更改後の初営業日に", "on the first business day after a system renewal")),
    (Situation::AfterRelease, ("新機能のリリース直後に", "right after a new function was released")),
    (Situation::AfterRelease, ("週末の移行作業を終えた後に", "after a weekend migration")),
    (Situation::PeakDay, ("取引が集中する繁忙日に", "on a busy day when transactions peak")),
    (Situation::PeakDay, ("振込の多い日に", "on a day heavy with transfers")),
    (Situation::MarketTurmoil, ("株式相場が急変動する中で", "as the stock market swung sharply")),
    (Situation::MarketTurmoil, ("為替相場の急変時に", "during a sudden move in exchange rates")),
    (Situation::Campaign, ("ポイント還元キャンペーンの期間中に", "during a points campaign")),
    (Situation::Campaign, ("新サービスの開始に合わせた告知の後に", "after the launch of a new service was announced")),
    (Situation::Weekend, ("週末に", "at the weekend")),
    (Situation::Weekend, ("休日の", "on a non-business day,")),
    (Situation::AfterHoliday, ("週明けの営業開始直後に", "just after business opened at the start of the week")),
    (Situation::AfterHoliday, ("休日明けの朝に", "on the morning after a holiday")),
];

/// Wordings that name the day itself, for peak days that fall on one.
fn peak_day_phrase(day: u32, last_day: bool) -> Option<P> {
    if day == 25 {
        Some(("給与振込が集中する25日に", "on the 25th, when salary payments peak"))
    } else if last_day {
        Some(("月末の繁忙日に", "on a busy month-end day"))
    } else if day.is_multiple_of(5) {
        Some(("五十日（ごとおび）に", "on a gotobi settlement day"))
    } else {
        None
    }
}

/// How each trend's incidents are spread over circumstances.
pub(crate) fn situation_weights(trend: Trend) -> &'static [(Situation, u32)] {
    use Situation::*;
    match trend {
        Trend::WorkMisoperation | Trend::WorkOther => {
            &[(NightWork, 6), (AfterRelease, 2), (Weekend, 2), (Normal, 2), (PeakDay, 1)]
        }
        Trend::OperationsStorage => &[(NightWork, 5), (PeakDay, 2), (Normal, 3), (AfterHoliday, 1)],
        Trend::OperationsCapacity => &[(PeakDay, 5), (MarketTurmoil, 3), (Campaign, 3), (AfterHoliday, 2), (Normal, 1)],
        Trend::ChangeOutsourcing | Trend::ChangeBcp | Trend::ChangeOther => {
            &[(AfterRelease, 6), (NightWork, 2), (Weekend, 2), (Normal, 1), (PeakDay, 1)]
        }
        Trend::CyberDdos => &[(Normal, 4), (Campaign, 1), (MarketTurmoil, 1), (Weekend, 1), (PeakDay, 1)],
        Trend::CyberMalware | Trend::CyberOther => &[(Normal, 5), (Weekend, 2), (AfterHoliday, 1), (NightWork, 1)],
        Trend::OperationsRedundancy | Trend::OperationsRecovery | Trend::OperationsOther => {
            &[(Normal, 5), (NightWork, 2), (PeakDay, 2), (Weekend, 1), (AfterRelease, 1)]
        }
        Trend::Unknown => &[(Normal, 4), (NightWork, 1), (PeakDay, 1), (AfterRelease, 1), (Weekend, 1)],
    }
}

/// Hours (JST) at which a circumstance happens.
pub(crate) fn hours(s: Situation) -> (u32, u32) {
    match s {
        Situation::NightWork => (22, 29), // 22:00–05:59, wrapping past midnight
        Situation::Weekend => (5, 23),
        Situation::AfterHoliday => (8, 11),
        Situation::PeakDay | Situation::MarketTurmoil | Situation::AfterRelease => (8, 15),
        Situation::Campaign => (9, 21),
        Situation::Normal => (8, 19),
    }
}

/// Cause clauses per trend (plain form in Japanese, a clause in English). Several wordings per
/// trend, with vocabulary that other trends use too (ネットワーク, 設定, 委託先, 手順, 処理能力…).
fn causes(trend: Trend) -> &'static [P] {
    match trend {
        Trend::CyberDdos => &[
            ("外部から大量の通信が集中し、回線が逼迫した", "a flood of traffic from outside congested the line"),
            (
                "DDoS攻撃を受け、ウェブサーバーが応答できなくなった",
                "a DDoS attack left the web servers unable to respond",
            ),
            (
                "海外の多数のIPアドレスから異常なトラフィックが送り付けられた",
                "abnormal traffic arrived from many overseas IP addresses",
            ),
            (
                "サービス妨害を狙った大量のリクエストでネットワーク帯域が飽和した",
                "a burst of requests aimed at denying service saturated the network bandwidth",
            ),
            (
                "犯行予告の後、不特定多数の端末から集中的なアクセスが行われた",
                "after a threatening message, many devices sent concentrated requests",
            ),
            (
                "不正な通信の急増によりロードバランサーの処理能力を超えた",
                "a sudden surge of illegitimate traffic exceeded the load balancer's capacity",
            ),
            (
                "ボットネットからの大量アクセスでファイアウォールのセッション数が上限に達した",
                "botnet traffic pushed the firewall to its session limit",
            ),
            (
                "通信事業者の防御サービスで吸収しきれない規模の攻撃通信が到達した",
                "attack traffic larger than the carrier's mitigation could absorb reached the site",
            ),
            (
                "ログイン画面を標的とした分散型の攻撃により認証基盤の応答が遅延した",
                "a distributed attack on the log-in page slowed the authentication platform",
            ),
        ],
        Trend::CyberMalware => &[
            ("職員の端末がマルウェアに感染した", "a staff PC was infected with malware"),
            (
                "不審メールの添付ファイルが開かれ、ランサムウェアが実行された",
                "an attachment in a suspicious e-mail was opened and ransomware ran",
            ),
            (
                "委託先の保守用端末を経由してウイルスが持ち込まれた",
                "a virus came in through a contractor's maintenance PC",
            ),
            ("ファイルサーバー上のデータが暗号化された", "data on a file server was encrypted"),
            (
                "未適用の脆弱性を突かれ、サーバーに不正なプログラムが設置された",
                "an unpatched vulnerability was exploited to plant a malicious program on a server",
            ),
            (
                "VPN機器の既知の脆弱性から侵入され、内部の端末に感染が広がった",
                "attackers entered through a known VPN vulnerability and the infection spread inside",
            ),
            (
                "USBメモリを介して不正なプログラムが業務端末に入り込んだ",
                "a malicious program reached an office PC on a USB stick",
            ),
            (
                "標的型攻撃メールにより情報窃取型のマルウェアが動作した",
                "a targeted e-mail attack started information-stealing malware",
            ),
        ],
        Trend::CyberOther => &[
            ("第三者による不正ログインが行われた", "a third party logged in without authorisation"),
            (
                "リスト型攻撃により顧客のIDとパスワードが悪用された",
                "customers' IDs and passwords were misused in a credential-stuffing attack",
            ),
            (
                "フィッシングサイトで詐取された認証情報が使われた",
                "credentials stolen through a phishing site were used",
            ),
            (
                "公開サーバーの設定不備を突かれ、不正アクセスを受けた",
                "a misconfigured public server was accessed without authorisation",
            ),
            (
                "内部関係者が権限を越えて顧客情報を閲覧していたことが判明した",
                "an insider was found to have viewed customer data beyond their authority",
            ),
            (
                "不正に取得されたアカウントで他口座への送金が試みられた",
                "hijacked accounts were used to attempt transfers to other accounts",
            ),
            (
                "APIの認証が不十分な箇所を狙われ、不正な照会が繰り返された",
                "a weakly authenticated API was targeted with repeated illegitimate queries",
            ),
        ],
        Trend::ChangeOutsourcing => &[
            ("委託先が開発したプログラムに不具合があった", "a program developed by the contractor had a defect"),
            (
                "ベンダーのテストが不十分なまま本番環境に適用された",
                "the vendor's changes reached production without enough testing",
            ),
            (
                "委託先の作業管理が行き届いておらず、確認されない変更が含まれていた",
                "the contractor's work was not managed closely and included unchecked changes",
            ),
            (
                "再委託先での仕様変更が元請けと当社の間で共有されていなかった",
                "a specification change made by a subcontractor was not shared with the prime contractor or us",
            ),
            (
                "更改時のデータ移行で委託先が変換規則を誤った",
                "during the renewal the contractor converted migrated data with the wrong rules",
            ),
            (
                "外部委託先の品質管理に不備があり、設定漏れを見逃した",
                "quality control at the outsourcing contractor missed an omitted setting",
            ),
            (
                "委託先任せで受入テストを行わないまま切り替えた",
                "the switch-over relied on the vendor and skipped our own acceptance test",
            ),
            (
                "共同センターの運営会社が行った変更の影響範囲が事前に示されていなかった",
                "the shared-centre operator did not explain the reach of its change beforehand",
            ),
        ],
        Trend::ChangeBcp => &[
            (
                "システム統合の切替時に大規模な障害が発生し、危機管理体制が十分に機能しなかった",
                "a large-scale failure at the integration cut-over found the crisis organisation unprepared",
            ),
            (
                "更改後の障害でコンティンジェンシープランが想定していない事態となった",
                "a failure after the renewal went beyond what the contingency plan assumed",
            ),
            (
                "バックアップセンターへの切替手順が整備されておらず、復旧が長引いた",
                "there was no procedure to switch to the backup centre, so recovery dragged on",
            ),
            (
                "障害対策本部の立ち上げが遅れ、判断が後手に回った",
                "the crisis headquarters was set up late and decisions lagged",
            ),
            (
                "大規模障害を想定した訓練が行われておらず、役割分担が不明確だった",
                "no drill had assumed a large-scale failure, so roles were unclear",
            ),
            (
                "移行リスクを反映したBCPがなく、切り戻しの判断基準もなかった",
                "the BCP did not reflect the migration's risks and there was no fall-back criterion",
            ),
        ],
        Trend::ChangeOther => &[
            (
                "新機能のリリース後に、既存機能との組合せで想定外の動作が生じた",
                "after a new function was released, it behaved unexpectedly together with an existing one",
            ),
            ("機能追加の影響範囲の確認が不十分だった", "the reach of an added function had not been checked enough"),
            (
                "システム更改後の初回稼働で、旧システムと異なる処理順序が問題となった",
                "on the first run after the renewal, a processing order different from the old system caused trouble",
            ),
            (
                "改修したプログラムの一部で境界値の扱いに誤りがあった",
                "part of a modified program handled a boundary value wrongly",
            ),
            (
                "接続先の仕様変更への対応が一部漏れていた",
                "part of the change needed for a partner's new specification was missing",
            ),
        ],
        Trend::OperationsRedundancy => &[
            (
                "ネットワーク機器の故障時に待機系への切替が行われなかった",
                "when a network device failed, the standby did not take over",
            ),
            ("冗長化された記憶装置の両系で障害が発生した", "both sides of a duplicated storage unit failed"),
            ("クラスタの自動フェイルオーバーが機能しなかった", "the cluster's automatic failover did not work"),
            (
                "既知の不具合の修正パッチが未適用で、切替処理が失敗した",
                "a fix for a known defect had not been applied, so the switch-over failed",
            ),
            (
                "二重化していた回線の片方の障害で、もう片方も停止した",
                "a fault on one of two duplicated lines also stopped the other",
            ),
            (
                "ハードウェア障害の後、予備機が正常に起動しなかった",
                "after a hardware fault, the spare machine did not start properly",
            ),
            (
                "待機系サーバーの設定が本番系と一致しておらず、切り替え後に処理できなかった",
                "the standby server's settings did not match production, so it could not process after the switch",
            ),
            (
                "ネットワークスイッチのファームウェアの不具合で冗長経路が同時に断となった",
                "a switch firmware defect cut both redundant paths at once",
            ),
        ],
        Trend::OperationsRecovery => &[
            (
                "復旧手順に誤りがあり、復旧まで長時間を要した",
                "the recovery procedure was wrong, so recovery took a long time",
            ),
            (
                "原因特定に必要なログが取得されておらず、復旧が遅れた",
                "the logs needed to find the cause had not been kept, which delayed recovery",
            ),
            ("再起動の判断が遅れ、影響が拡大した", "the decision to restart came late and the impact spread"),
            ("復旧作業中の操作で別の障害を誘発した", "an action taken during recovery caused a second failure"),
            ("手順書に記載のない事象で対応が混乱した", "an event not covered by the procedures confused the response"),
            (
                "関係部署や委託先との連絡が滞り、状況把握に時間がかかった",
                "communication with departments and the contractor stalled, so the situation took long to grasp",
            ),
            ("バックアップからの復元に想定以上の時間がかかった", "restoring from backup took far longer than planned"),
        ],
        Trend::OperationsStorage => &[
            ("ログ領域が満杯となり、処理が停止した", "the log area filled up and processing stopped"),
            ("データベースの表領域が不足した", "a database tablespace ran short"),
            (
                "ディスクの使用状況が監視されておらず、ファイルシステムが逼迫した",
                "disk usage was not monitored and the file system ran out of room",
            ),
            ("記憶領域の割当て設定が誤っていた", "the storage allocation setting was wrong"),
            (
                "一時ファイルが蓄積し、ディスクの空きがなくなった",
                "temporary files piled up until the disk had no free space",
            ),
            (
                "アーカイブ領域の上限に達し、書き込みができなくなった",
                "the archive area reached its limit and writes failed",
            ),
            (
                "データ量の増加に対して割り当てたボリュームの拡張が間に合わなかった",
                "the allocated volume was not extended in time for the growing data",
            ),
            (
                "バッチの中間ファイルが想定外に大きくなり、作業領域を使い切った",
                "an intermediate batch file grew far beyond plan and used up the work area",
            ),
        ],
        Trend::OperationsCapacity => &[
            ("アクセスが想定を大きく上回った", "access far exceeded what had been planned"),
            ("取引が集中し、サーバーの処理能力を超えた", "transactions bunched up and exceeded the servers' capacity"),
            (
                "キャンペーンによる利用増加に処理能力が追いつかなかった",
                "capacity could not keep up with the use a campaign brought",
            ),
            ("注文が殺到し、受付処理の待ち行列があふれた", "a rush of orders overflowed the order-intake queue"),
            (
                "新規公開株の申込みが集中し、応答が著しく遅くなった",
                "applications for a new share issue bunched up and responses slowed badly",
            ),
            (
                "取引量の増加を見込んだ設計になっておらず、接続数の上限に達した",
                "the design had not allowed for growing volume and hit its connection limit",
            ),
            (
                "利用者の増加に伴い、データベースへの同時接続が不足した",
                "with more users, there were not enough concurrent database connections",
            ),
            (
                "他社の障害で利用者が流入し、想定外の負荷がかかった",
                "users moving over from another firm's outage caused unexpected load",
            ),
        ],
        Trend::OperationsOther => &[
            ("データセンターの電源設備に不具合が生じた", "a power unit at the data centre failed"),
            (
                "空調設備の故障でサーバー室の温度が上昇した",
                "an air-conditioning fault raised the server-room temperature",
            ),
            ("老朽化したハードウェアが故障した", "ageing hardware broke down"),
            ("外部接続先のシステム障害の影響を受けた", "a failure at an external partner's system spilled over"),
            (
                "証明書の有効期限切れに気づかず、通信が確立できなくなった",
                "an expired certificate went unnoticed and connections could not be set up",
            ),
            ("通信事業者のネットワーク障害で回線が不通となった", "a carrier's network failure cut the line"),
            (
                "時刻同期の不具合でジョブの起動順序が乱れた",
                "a time-synchronisation fault upset the order in which jobs started",
            ),
        ],
        Trend::WorkMisoperation => &[
            ("作業者が設定値を誤って入力した", "an operator entered a wrong setting"),
            (
                "手順書の記載誤りにより誤ったコマンドが実行された",
                "an error in the procedure document led to a wrong command",
            ),
            ("本番環境とテスト環境を取り違えて作業した", "work meant for the test environment was done in production"),
            ("ファイアウォールの設定変更に誤りがあった", "a firewall rule change was wrong"),
            ("パラメータの変更漏れがあった", "a parameter change was missed"),
            ("稼働中のジョブを誤って停止した", "a running job was stopped by mistake"),
            (
                "作業時のダブルチェックが行われず、誤りに気づかなかった",
                "the work was not double-checked, so the error went unnoticed",
            ),
            (
                "委託先の作業員が承認されていない手順で作業した",
                "the contractor's engineer worked to an unapproved procedure",
            ),
            (
                "ネットワーク機器のルーティング設定を誤って削除した",
                "a routing entry on a network device was deleted by mistake",
            ),
            ("マスタデータの更新で対象範囲を誤った", "a master-data update was applied to the wrong range"),
        ],
        Trend::WorkOther => &[
            ("プログラム更新後に想定外の動作が発生した", "a program update behaved in an unexpected way"),
            (
                "年度末の特殊な処理で、普段使われない機能に不具合があった",
                "special year-end processing hit a defect in a rarely used function",
            ),
            (
                "制度変更に伴う臨時のデータ補正作業で不整合が生じた",
                "one-off data correction for a regulatory change left inconsistencies",
            ),
            (
                "証明書の更新作業の後に、一部の接続で認証が失敗した",
                "after a certificate renewal, authentication failed on some connections",
            ),
            (
                "OSのセキュリティ更新の適用後に、一部のミドルウェアが起動しなかった",
                "after an OS security update, some middleware would not start",
            ),
            ("普段と異なる手順での臨時リリースで確認が不足した", "an unusual emergency release was not checked enough"),
        ],
        Trend::Unknown => &[
            ("原因は調査中である", "the cause is under investigation"),
            ("現時点で原因は特定できていない", "the cause has not been identified yet"),
            ("詳細な原因を委託先と確認している", "the detailed cause is being checked with the contractor"),
            (
                "ハードウェア・ソフトウェアの両面から原因を調べている",
                "both hardware and software are being examined for the cause",
            ),
        ],
    }
}

/// Causes the investigation ruled out, as failure reports list them. Each uses another trend's
/// vocabulary, so words like 待機系, 領域 or 不正アクセス also appear where they are not the cause.
const RULED_OUT: &[(Trend, P)] = &[
    (
        Trend::CyberDdos,
        (
            "外部からの大量アクセスやDDoS攻撃の痕跡は確認されなかった。",
            "No sign of a traffic flood or DDoS attack was found.",
        ),
    ),
    (
        Trend::CyberDdos,
        (
            "通信量の監視では、攻撃とみられる異常なトラフィックはなかった。",
            "Traffic monitoring showed no abnormal traffic suggesting an attack.",
        ),
    ),
    (
        Trend::CyberMalware,
        (
            "マルウェアやウイルスの感染の有無を調べたが、感染は認められなかった。",
            "Checks for malware or virus infection found none.",
        ),
    ),
    (
        Trend::CyberMalware,
        (
            "念のため全サーバーのウイルススキャンを行い、脆弱性を突かれた形跡がないことを確認した。",
            "As a precaution every server was scanned for viruses, with no trace of an exploited vulnerability.",
        ),
    ),
    (
        Trend::CyberOther,
        ("不正アクセスや情報漏えいは確認されていない。", "No unauthorised access or data leakage has been found."),
    ),
    (
        Trend::CyberOther,
        (
            "第三者によるログインやパスワード、アカウントの悪用の形跡はない。",
            "There is no trace of third-party log-ins or misused passwords or accounts.",
        ),
    ),
    (
        Trend::ChangeOutsourcing,
        ("委託先の作業や変更との関連はなかった。", "It was unrelated to the contractor's work or changes."),
    ),
    (
        Trend::ChangeBcp,
        (
            "大規模障害には至らず、危機管理体制の発動は不要と判断した。",
            "It did not become a large-scale failure, so the crisis organisation was not activated.",
        ),
    ),
    (
        Trend::ChangeOther,
        ("直近のリリースや新機能の追加との関連はない。", "It is unrelated to recent releases or new functions."),
    ),
    (
        Trend::OperationsRedundancy,
        (
            "当該システムは冗長構成だが、ソフトウェア起因のため待機系への切替では回避できなかった。",
            "The system is redundant, but a software cause meant switching to the standby could not avoid it.",
        ),
    ),
    (
        Trend::OperationsRedundancy,
        ("待機系は正常で、冗長構成の問題ではなかった。", "The standby was healthy; redundancy was not the problem."),
    ),
    (
        Trend::OperationsRecovery,
        (
            "復旧手順どおりに対応し、復旧に長時間を要することはなかった。",
            "Recovery followed the procedure and did not take long.",
        ),
    ),
    (
        Trend::OperationsStorage,
        ("ディスクの空き領域やログ領域に問題はなかった。", "Free disk space and the log area were fine."),
    ),
    (
        Trend::OperationsStorage,
        ("記憶領域の使用率は監視の閾値を下回っていた。", "Storage usage was below the monitoring threshold."),
    ),
    (
        Trend::OperationsCapacity,
        (
            "当日の取引量やアクセス数は平常の範囲内で、処理能力の問題ではない。",
            "Volumes and access that day were normal, so capacity was not the issue.",
        ),
    ),
    (
        Trend::OperationsCapacity,
        ("利用者の集中や負荷の急増は見られなかった。", "There was no rush of users or sudden load."),
    ),
    (
        Trend::OperationsOther,
        ("電源や空調など設備面の異常はなかった。", "Power, air-conditioning and other facilities were normal."),
    ),
    (
        Trend::WorkMisoperation,
        ("当日の作業や設定変更に誤りはなかった。", "There was no mistake in that day's work or setting changes."),
    ),
    (
        Trend::WorkMisoperation,
        (
            "作業者の操作ログを確認したが、誤った操作は見つからなかった。",
            "Operators' logs were checked and showed no wrong action.",
        ),
    ),
    (
        Trend::WorkOther,
        (
            "直近のプログラム更新や臨時の特殊作業との関連は認められない。",
            "No link to recent program updates or unusual one-off work was found.",
        ),
    ),
];

/// Frames that turn a cause clause into a sentence; shared by every trend.
const CAUSE_FRAMES: &[P] = &[
    ("調査の結果、{c}ことが判明した。", "Investigation found that {c}."),
    ("原因は、{c}ことによるものであった。", "The cause was that {c}."),
    ("{c}ことが原因とみられる。", "It appears that {c}."),
    ("{c}ため、障害に至った。", "The failure happened because {c}."),
    ("当社の確認では、{c}。", "Our review found that {c}."),
];

/// Frames for a cause still under investigation.
const OPEN_FRAMES: &[P] = &[("{c}。", "At present {c}."), ("{c}（調査継続中）。", "{c} (investigation continues).")];

/// Frames for a likely cause not yet confirmed.
const LIKELY_FRAMES: &[P] = &[
    ("{c}可能性が高く、現時点で詳細を調査している。", "It is likely that {c}; details are still being investigated."),
    (
        "{c}とみられるが、詳細な原因は調査継続中である。",
        "It seems that {c}, but the detailed cause is still under investigation.",
    ),
];

/// A closing remark some recovered incidents carry.
const CLOSING: &[P] = &[
    ("現時点で再発は確認されていない。", "No recurrence has been seen so far."),
    ("詳細な経緯は報告書にまとめる。", "The details will be set out in the report."),
    ("同種事象の有無を点検中である。", "Similar systems are being checked for the same issue."),
];

/// Symptoms by the channel the primary system serves; `{sys}` is that system.
fn symptoms(channel: Option<Channel>) -> &'static [P] {
    match channel {
        Some(Channel::Atm) => &[
            (
                "{sys}が停止し、ATMでの入出金ができなくなった",
                "the {sys} stopped and ATMs could not pay out or take deposits",
            ),
            ("一部のATMが取引を受け付けなくなった", "some ATMs stopped accepting transactions"),
            ("ATMで取引が途中で中断される事象が発生した", "ATM transactions were cut off part-way"),
            (
                "コンビニATMを含む提携ATMの利用ができなくなった",
                "partner ATMs, including those in convenience stores, became unavailable",
            ),
        ],
        Some(Channel::InternetBanking) => &[
            ("{sys}にログインできない状態となった", "customers could not log in to the {sys}"),
            ("{sys}の画面表示が著しく遅くなった", "the {sys} became very slow to display"),
            (
                "{sys}でエラー画面が表示され、振込や照会ができなくなった",
                "the {sys} showed error screens and transfers and enquiries failed",
            ),
            ("{sys}に接続しにくい状況が続いた", "the {sys} stayed hard to reach"),
        ],
        Some(Channel::FundTransfer) => &[
            ("{sys}で他行宛て振込の処理が遅延した", "transfers to other banks were delayed in the {sys}"),
            (
                "{sys}の処理が滞り、送金が予定時刻までに完了しなかった",
                "processing in the {sys} stalled and remittances missed their cut-off",
            ),
            ("{sys}で一部の為替取引が異常終了した", "some transfers ended abnormally in the {sys}"),
            ("{sys}で振込の二重処理が発生した", "some transfers were processed twice in the {sys}"),
        ],
        Some(Channel::Branch) => &[
            ("{sys}が利用できず、営業店の窓口業務が停止した", "the {sys} was unavailable and branch counters stopped"),
            (
                "営業店で口座開設や入出金の処理ができなくなった",
                "branches could not open accounts or handle deposits and withdrawals",
            ),
            ("{sys}の応答が遅れ、窓口での待ち時間が長くなった", "the {sys} responded slowly and counter queues grew"),
        ],
        Some(Channel::Card) => &[
            ("{sys}でカードの承認処理がエラーとなった", "card authorisations failed in the {sys}"),
            ("加盟店でのカード決済ができない状態となった", "card payments at merchants failed"),
            (
                "{sys}の応答遅延でカード利用が断続的に失敗した",
                "slow responses from the {sys} made card use fail intermittently",
            ),
        ],
        Some(Channel::SecuritiesTrading) => &[
            ("{sys}で注文の受付が遅延した", "order intake was delayed in the {sys}"),
            ("{sys}にログインできず、取引ができなくなった", "customers could not log in to the {sys} to trade"),
            ("{sys}で約定通知が遅れて表示された", "execution notices appeared late in the {sys}"),
        ],
        Some(Channel::CallCentre) => &[
            (
                "{sys}が停止し、問合せ電話がつながりにくくなった",
                "the {sys} stopped and enquiry calls were hard to get through",
            ),
            (
                "{sys}で顧客情報が表示できず、応対が遅れた",
                "the {sys} could not show customer records, slowing responses",
            ),
        ],
        Some(Channel::Other) => &[
            ("{sys}でサービスが利用できなくなった", "the service on the {sys} became unavailable"),
            ("{sys}でエラーが多発した", "errors multiplied on the {sys}"),
            ("{sys}の処理が遅延した", "processing on the {sys} was delayed"),
        ],
        None => &[
            ("{sys}で障害が発生した", "the {sys} failed"),
            ("{sys}が停止した", "the {sys} stopped"),
            ("{sys}の処理が異常終了した", "processing on the {sys} ended abnormally"),
            ("{sys}の一部機能が使用できなくなった", "part of the {sys} became unusable"),
        ],
    }
}

/// Responses by the kind of recovery, plus generic ones.
fn responses(trend: Trend) -> &'static [P] {
    match trend {
        Trend::CyberDdos => &[
            ("通信事業者と連携して攻撃通信を遮断し、", "working with the carrier, we blocked the attack traffic and"),
            ("海外からの接続を一時的に制限し、", "we temporarily restricted access from abroad and"),
            ("防御サービスの設定を強化し、", "we tightened the mitigation service and"),
        ],
        Trend::CyberMalware => &[
            ("感染した端末をネットワークから隔離し、", "we isolated the infected machines from the network and"),
            ("外部の専門家に調査を依頼し、", "we brought in outside specialists to investigate and"),
            ("バックアップからデータを復元し、", "we restored the data from backup and"),
        ],
        Trend::CyberOther => &[
            ("該当アカウントを停止し、", "we suspended the accounts concerned and"),
            ("パスワードの再設定を顧客に依頼し、", "we asked customers to reset their passwords and"),
            ("不審な送金を組戻し、", "we recalled the suspicious transfers and"),
        ],
        Trend::OperationsRedundancy => &[
            ("手動で待機系に切り替え、", "we switched to the standby by hand and"),
            ("故障した機器を交換し、", "we replaced the failed device and"),
        ],
        Trend::OperationsStorage => &[
            ("領域を拡張して処理を再実行し、", "we extended the area, re-ran the processing and"),
            ("不要なファイルを削除して空きを確保し、", "we deleted unneeded files to free space and"),
        ],
        Trend::OperationsCapacity => &[
            ("アクセスを制限しつつサーバーを拡張し、", "we throttled access, extended the server pool and"),
            ("処理の多重度を引き上げ、", "we raised the processing parallelism and"),
        ],
        Trend::WorkMisoperation | Trend::WorkOther | Trend::ChangeOther | Trend::ChangeOutsourcing => &[
            ("変更を切り戻し、", "we rolled the change back and"),
            ("設定を元に戻し、", "we restored the previous settings and"),
            ("修正プログラムを適用し、", "we applied a fix and"),
        ],
        _ => &[("関係部署と連携して対応し、", "working with the departments concerned, we")],
    }
}

const GENERIC_RESPONSES: &[P] = &[
    ("システムを再起動し、", "we restarted the system and"),
    ("委託先と協力して原因箇所を特定し、", "together with the contractor we located the fault and"),
    ("障害対策本部を設置して対応にあたり、", "we set up a response headquarters and"),
    ("影響範囲を確認したうえで", "after confirming the scope of the impact, we"),
];

const RECOVERED: &[P] = &[
    ("{t}に復旧した。", "recovered at {t}."),
    ("{t}にサービスを再開した。", "resumed service at {t}."),
    ("{t}に正常稼働を確認した。", "confirmed normal operation at {t}."),
];

const NOT_RECOVERED: &[P] = &[
    ("現在も復旧作業を続けている。", "are still working to recover."),
    ("復旧に向けた作業を継続している。", "continue the recovery work."),
];

/// Interim measures (暫定対応) per trend, with generic ones.
fn interim(trend: Trend) -> &'static [P] {
    match trend {
        Trend::CyberDdos => &[
            ("攻撃元のアドレス帯からの通信を遮断した", "Blocked traffic from the attacking address ranges"),
            ("DDoS対策サービスの閾値を引き下げた", "Lowered the thresholds of the DDoS mitigation service"),
        ],
        Trend::CyberMalware => &[
            ("感染端末を隔離し、全端末のウイルススキャンを実施した", "Isolated the infected PCs and scanned every PC"),
            ("外部との通信を一時遮断した", "Cut external connections for a time"),
        ],
        Trend::CyberOther => &[
            ("不正利用が疑われる口座の取引を停止した", "Stopped transactions on the accounts suspected of misuse"),
            ("ワンタイムパスワードの利用を必須とした", "Made one-time passwords mandatory"),
        ],
        Trend::OperationsStorage => &[
            ("領域を拡張し、使用率の監視間隔を短縮した", "Extended the area and monitored usage more often"),
            ("不要ファイルを削除し、バッチを再実行した", "Deleted unneeded files and re-ran the batch"),
        ],
        Trend::OperationsCapacity => &[
            ("同時接続数を制限する設定を入れた", "Capped concurrent connections"),
            ("サーバーを臨時に増設した", "Added servers as a stop-gap"),
        ],
        Trend::OperationsRedundancy => &[
            (
                "手動切替手順を整備し、運用者に周知した",
                "Wrote a manual switch-over procedure and briefed the operators",
            ),
            ("故障機器を交換し、両系の状態を確認した", "Replaced the failed device and checked both sides"),
        ],
        Trend::WorkMisoperation | Trend::WorkOther | Trend::ChangeOutsourcing | Trend::ChangeOther => &[
            ("変更を切り戻し、監視を強化した", "Rolled back the change and increased monitoring"),
            ("同種作業を一時凍結した", "Froze similar work for the time being"),
            ("手作業で未処理分を処理した", "Processed the backlog by hand"),
        ],
        Trend::ChangeBcp => &[
            (
                "旧システムへの切り戻しを判断し、手作業での処理体制を敷いた",
                "Decided to fall back to the old system and organised manual processing",
            ),
            (
                "対策本部で顧客影響の解消を最優先とする方針を決めた",
                "The response headquarters put clearing customer impact first",
            ),
        ],
        Trend::OperationsRecovery => &[
            (
                "復旧手順を暫定的に改訂し、関係者に周知した",
                "Revised the recovery procedure for now and briefed everyone concerned",
            ),
            ("ログの取得範囲を一時的に拡大した", "Widened logging for the time being"),
        ],
        Trend::OperationsOther | Trend::Unknown => &[
            ("監視を強化し、同種機器を点検した", "Increased monitoring and inspected similar equipment"),
            ("手作業で未処理分を処理した", "Processed the backlog by hand"),
            ("代替経路に切り替えて運用を継続した", "Kept running over an alternative route"),
        ],
    }
}

/// Recurrence prevention per trend, echoing the source's challenges in several wordings.
fn prevention(trend: Trend) -> &'static [P] {
    match trend {
        Trend::CyberDdos => &[
            (
                "DDoS対策サービスの契約を見直し、早期検知と復旧の態勢を整備する",
                "Review the DDoS mitigation contract and organise for early detection and recovery",
            ),
            ("攻撃を想定した訓練を通信事業者と合同で実施する", "Hold attack drills together with the carrier"),
        ],
        Trend::CyberMalware | Trend::CyberOther => &[
            ("脆弱性情報の把握とパッチ適用を徹底する", "Track vulnerability information and apply patches thoroughly"),
            (
                "重要な委託先のサイバーセキュリティ管理態勢を評価する",
                "Assess the cybersecurity management of important contractors",
            ),
            (
                "多要素認証を導入し、不審なログインの検知を強化する",
                "Introduce multi-factor authentication and improve detection of suspicious log-ins",
            ),
        ],
        Trend::ChangeOutsourcing | Trend::ChangeBcp | Trend::ChangeOther => &[
            (
                "外部委託先管理を強化し、受入テストを必須とする",
                "Strengthen contractor management and make acceptance tests mandatory",
            ),
            (
                "プロジェクト固有のリスクを反映したBCPを策定し、訓練で実効性を確認する",
                "Write a BCP reflecting the project's risks and prove it in drills",
            ),
            ("第三者の目線で移行計画を検証する", "Have a third party check the migration plan"),
        ],
        Trend::OperationsRedundancy => &[
            (
                "定期的に切替試験を行い、冗長構成が機能することを確認する",
                "Test switch-over regularly to make sure the redundancy works",
            ),
            ("冗長化に関わる修正パッチの適用状況を管理する", "Manage the patches that affect redundancy"),
        ],
        Trend::OperationsRecovery => &[
            ("原因の早期特定に必要なログの取得範囲を見直す", "Widen the logs kept so the cause can be found early"),
            ("復旧手順書を見直し、訓練で確認する", "Revise the recovery procedures and rehearse them"),
        ],
        Trend::OperationsStorage => &[
            (
                "記憶領域の使用状況を監視し、閾値で警告する仕組みを導入する",
                "Monitor storage usage with threshold alerts",
            ),
            ("領域の割当て設定を定期的に点検する", "Check storage allocation settings periodically"),
        ],
        Trend::OperationsCapacity => &[
            ("利用拡大を見据えて処理能力を設計し直す", "Redesign capacity with growing usage in mind"),
            ("キャンペーン前に処理能力を事前検証する", "Verify capacity before campaigns"),
        ],
        Trend::WorkMisoperation | Trend::WorkOther => &[
            (
                "作業手順書のレビュー体制を強化し、本番作業のリスク評価を徹底する",
                "Strengthen review of procedure documents and assess the risk of production work",
            ),
            ("本番環境での作業に複数名の確認を必須とする", "Require more than one person to check production work"),
        ],
        Trend::OperationsOther | Trend::Unknown => &[
            ("設備の点検周期を見直す", "Review equipment inspection intervals"),
            ("外部接続先との連絡体制を見直す", "Review contact arrangements with external partners"),
        ],
    }
}

const BACKGROUND: &[P] = &[
    (
        "背景には、要員の交代による知識の引継ぎ不足があった。",
        "Behind this, knowledge had not been handed over when staff changed.",
    ),
    ("過去の類似事象の教訓が共有されていなかった。", "Lessons from a similar earlier event had not been shared."),
    ("作業の承認手続きが形骸化していた。", "Approval of the work had become a formality."),
    ("監視の閾値が実態に合っていなかった。", "Monitoring thresholds did not fit actual use."),
    (
        "委託先との責任分担が文書化されていなかった。",
        "The split of responsibilities with the contractor was not written down.",
    ),
    ("テスト環境が本番と異なる構成だった。", "The test environment differed from production."),
];

/// Customer handling; some only fit incidents on a given channel.
const HANDLING: &[(Option<Channel>, P)] = &[
    (
        None,
        (
            "ホームページとSNSで障害を告知し、問合せ窓口を増員した",
            "Announced the failure on the website and social media and added staff to the enquiry line",
        ),
    ),
    (
        None,
        (
            "影響を受けた顧客に個別に連絡し、手数料を返金した",
            "Contacted affected customers one by one and refunded fees",
        ),
    ),
    (None, ("コールセンターの受付時間を延長した", "Extended call-centre hours")),
    (Some(Channel::Branch), ("営業店で代替の手続きを案内した", "Offered alternative procedures at branches")),
    (
        Some(Channel::FundTransfer),
        ("遅延した振込の受取人に遅延の旨を通知した", "Told the payees of delayed transfers about the delay"),
    ),
    (
        Some(Channel::Atm),
        (
            "ATMコーナーに案内係を配置し、近隣店舗の窓口へ誘導した",
            "Posted staff at ATM corners to direct customers to nearby branch counters",
        ),
    ),
    (
        Some(Channel::InternetBanking),
        ("ログイン画面に障害のお知らせを掲載した", "Put a notice about the failure on the log-in page"),
    ),
    (Some(Channel::Card), ("加盟店に代替の決済手段を案内した", "Advised merchants of other ways to take payment")),
    (
        Some(Channel::SecuritiesTrading),
        (
            "電話での注文受付に切り替え、約定できなかった注文の扱いを個別に説明した",
            "Took orders by phone and explained case by case how unexecuted orders would be treated",
        ),
    ),
];

/// Good-practice notes, as the source describes them.
const GOOD_PRACTICE: &[P] = &[
    (
        "ATM停止中、近隣店舗への誘導と窓口での代替払出しを速やかに行い、顧客対応が円滑だった",
        "While ATMs were down, customers were quickly directed to nearby branches and paid at the counter; customer handling was smooth",
    ),
    (
        "コンティンジェンシープランに沿って手動処理へ切り替え、決済を期限内に完了させた",
        "Switched to manual processing as the contingency plan laid down and completed settlement on time",
    ),
    (
        "障害発生から30分以内にホームページで告知し、その後も定時に状況を更新した",
        "Announced on the website within 30 minutes and updated the status at set intervals",
    ),
    (
        "訓練どおりに対策本部を立ち上げ、委託先を含めた役割分担が機能した",
        "Set up the response headquarters as drilled; roles, contractors' included, worked",
    ),
    (
        "バックアップセンターへの切替を計画どおり実施し、目標復旧時間内に再開した",
        "Switched to the backup centre as planned and resumed within the recovery time objective",
    ),
];

/// Titles by channel: short, mostly trend-neutral.
fn titles(channel: Option<Channel>) -> &'static [P] {
    match channel {
        Some(Channel::Atm) => &[("ATMの一時停止", "ATMs out of service"), ("ATM取引の障害", "ATM transaction failure")],
        Some(Channel::InternetBanking) => &[
            ("インターネットバンキングの接続障害", "Internet banking outage"),
            ("インターネットバンキングの遅延", "Internet banking slowdown"),
            ("ログイン障害", "Log-in failures"),
        ],
        Some(Channel::FundTransfer) => &[
            ("振込処理の遅延", "Delayed transfers"),
            ("為替取引の障害", "Fund-transfer failure"),
            ("送金の遅延", "Remittance delay"),
        ],
        Some(Channel::Branch) => {
            &[("営業店端末の障害", "Branch system failure"), ("窓口業務の停止", "Counter services stopped")]
        }
        Some(Channel::Card) => {
            &[("カード決済の障害", "Card payment failure"), ("カード承認エラー", "Card authorisation errors")]
        }
        Some(Channel::SecuritiesTrading) => {
            &[("注文受付の遅延", "Order intake delayed"), ("オンライン取引の障害", "Online trading outage")]
        }
        Some(Channel::CallCentre) => &[("コールセンターの障害", "Call-centre outage")],
        Some(Channel::Other) => &[
            ("サービスの障害", "Service failure"),
            ("サービス停止", "Service stopped"),
            ("オンラインサービスの不具合", "Online service malfunction"),
        ],
        None => &[
            ("システム障害", "System failure"),
            ("社内システムの障害", "Internal system failure"),
            ("処理の異常終了", "Processing abended"),
        ],
    }
}

/// Trend words a title sometimes carries (as real titles sometimes name the cause).
fn title_hint(trend: Trend) -> Option<P> {
    match trend {
        Trend::CyberDdos => Some(("大量アクセスによる", "Traffic flood: ")),
        Trend::CyberMalware => Some(("マルウェア被害による", "Malware: ")),
        Trend::CyberOther => Some(("不正アクセスによる", "Unauthorised access: ")),
        Trend::OperationsCapacity => Some(("アクセス集中による", "Peak load: ")),
        _ => None,
    }
}

/// What the text needs to know about an incident.
pub(crate) struct Facts<'a> {
    pub trend: Trend,
    pub langs: Langs,
    pub system: &'a SystemKind,
    pub institution_ja: &'a str,
    pub channel: Option<Channel>,
    /// Every channel affected.
    pub channels: &'a [Channel],
    pub situation: Situation,
    pub occurred: DateTime<FixedOffset>,
    pub recovered: Option<DateTime<FixedOffset>>,
    pub customers: Option<u64>,
    pub transactions: Option<u64>,
    pub settlement: SettlementImpact,
    pub analysed: bool,
    /// Whether the cause has been identified (else the description says it is being investigated).
    pub cause_known: bool,
    /// A contributing trend, whose cause is told too.
    pub secondary: Option<Trend>,
    pub good_practice: bool,
}

/// Text fields of one incident.
pub(crate) struct Texts {
    pub title: (Option<String>, Option<String>),
    pub description: (Option<String>, Option<String>),
    pub root_cause: Option<String>,
    pub interim: Option<String>,
    pub prevention: Option<String>,
    pub handling: Option<String>,
    pub good_note: Option<String>,
    /// Whether single-language fields are in Japanese.
    pub ja: bool,
}

fn grouped(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Replaces `{sys}`, `{c}` and `{t}` in one pass (generation is dominated by string building).
fn fill(t: &str, sys: &str, c: &str, time: &str) -> String {
    let mut out = String::with_capacity(t.len() + sys.len() + c.len() + time.len());
    let mut rest = t;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let (value, skip) = if tail.starts_with("{sys}") {
            (sys, 5)
        } else if tail.starts_with("{c}") {
            (c, 3)
        } else if tail.starts_with("{t}") {
            (time, 3)
        } else {
            ("{", 1)
        };
        out.push_str(value);
        rest = &tail[skip..];
    }
    out.push_str(rest);
    out
}

/// The text with its first letter upper-cased.
fn capitalise(s: &str) -> String {
    let mut out = s.to_string();
    match out.chars().next() {
        Some(f) if f.is_ascii() => out[..1].make_ascii_uppercase(),
        Some(f) => out = f.to_uppercase().chain(s.chars().skip(1)).collect(),
        None => {}
    }
    out
}

/// Composes the incident's text. Each part is chosen independently; the order of the sentences varies.
pub(crate) fn compose(rng: &mut Gen, f: &Facts<'_>) -> Texts {
    let sys = (f.system.ja, f.system.en);
    // When.
    let o = f.occurred;
    let when_ja = format!("{}年{}月{}日{}時{:02}分頃", o.year(), o.month(), o.day(), o.hour(), o.minute());
    let when_en =
        format!("At around {:02}:{:02} on {} {} {}", o.hour(), o.minute(), o.day(), month_en(o.month()), o.year());
    // Circumstance: one of the situation's wordings, or none.
    let circumstance = if chance(rng, 0.7) {
        let mut options: Vec<P> = SITUATIONS.iter().filter(|(s, _)| *s == f.situation).map(|(_, p)| *p).collect();
        if f.situation == Situation::PeakDay {
            let last = o.date_naive().succ_opt().is_some_and(|d| d.month() != o.month());
            options.extend(peak_day_phrase(o.day(), last));
        }
        (!options.is_empty()).then(|| *pick(rng, &options))
    } else {
        None
    };
    let symptom = *pick(rng, symptoms(f.channel));
    // One cause, told in the description and again, in other words, as the root cause.
    let cause = *pick(rng, causes(f.trend));
    let frame = match (f.analysed, f.cause_known) {
        (true, true) => *pick(rng, CAUSE_FRAMES),
        (true, false) => *pick(rng, LIKELY_FRAMES),
        (false, _) => *pick(rng, OPEN_FRAMES),
    };
    let also = f.secondary.map(|t| *pick(rng, causes(t)));
    // Ruled-out causes: none, one or two, never the incident's own trend.
    let others: Vec<P> = RULED_OUT.iter().filter(|(t, _)| *t != f.trend).map(|(_, p)| *p).collect();
    let n_ruled_out = *weighted(rng, &[(0usize, 40), (1, 45), (2, 15)]);
    let ruled_out: Vec<P> = (0..n_ruled_out).map(|_| *pick(rng, &others)).collect();
    let closing = (f.recovered.is_some() && chance(rng, 0.3)).then(|| *pick(rng, CLOSING));
    let mut response_bank: Vec<P> = responses(f.trend).to_vec();
    response_bank.extend_from_slice(GENERIC_RESPONSES);
    let response = *pick(rng, &response_bank);
    let rec_time_ja = f.recovered.map(|r| format!("{}時{:02}分", r.hour(), r.minute()));
    let rec_time_en = f.recovered.map(|r| format!("{:02}:{:02}", r.hour(), r.minute()));
    let recovered = if f.recovered.is_some() { *pick(rng, RECOVERED) } else { *pick(rng, NOT_RECOVERED) };

    let impact = impact(rng, f);
    let names_institution = chance(rng, 0.3);

    // Japanese.
    let s1_ja = match circumstance {
        Some(c) => format!("{when_ja}、{}{}。", c.0, fill(symptom.0, sys.0, "", "")),
        None => format!("{when_ja}、{}。", fill(symptom.0, sys.0, "", "")),
    };
    let s1_ja = if names_institution { format!("{}{s1_ja}", institution_prefix(f.institution_ja)) } else { s1_ja };
    let mut s2_ja = fill(frame.0, "", cause.0, "");
    if let Some(c) = also {
        s2_ja.push_str(&format!("また、{}。", c.0));
    }
    for r in &ruled_out {
        s2_ja.push_str(r.0);
    }
    let s3_ja = impact.0.clone();
    let s4_ja = format!(
        "{}{}{}",
        response.0,
        fill(recovered.0, "", "", rec_time_ja.as_deref().unwrap_or("")),
        closing.map_or("", |c| c.0)
    );
    // English.
    let s1_en = match circumstance {
        Some(c) => format!("{when_en}, {}, {}.", c.1, fill(symptom.1, sys.1, "", "")),
        None => format!("{when_en}, {}.", fill(symptom.1, sys.1, "", "")),
    };
    let mut s2_en = capitalise(&fill(frame.1, "", cause.1, ""));
    if let Some(c) = also {
        s2_en.push_str(&format!(" In addition, {}.", c.1));
    }
    for r in &ruled_out {
        s2_en.push(' ');
        s2_en.push_str(r.1);
    }
    let s3_en = impact.1.clone();
    let s4_en = capitalise(&format!(
        "{} {}{}",
        response.1,
        fill(recovered.1, "", "", rec_time_en.as_deref().unwrap_or("")),
        closing.map_or(String::new(), |c| format!(" {}", c.1))
    ));

    // Sentence order: a report may open with the impact or give the cause last.
    const ORDERS: [[usize; 4]; 6] =
        [[0, 1, 2, 3], [0, 2, 1, 3], [0, 2, 3, 1], [0, 3, 2, 1], [2, 0, 1, 3], [0, 1, 3, 2]];
    let order = pick(rng, &ORDERS);
    let ja_parts = [s1_ja, s2_ja, s3_ja, s4_ja];
    let en_parts = [s1_en, s2_en, s3_en, s4_en];
    let description_ja: String = order.iter().map(|i| ja_parts[*i].as_str()).filter(|s| !s.is_empty()).collect();
    let description_en: String =
        order.iter().map(|i| en_parts[*i].as_str()).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ");

    let base = *pick(rng, titles(f.channel));
    let (title_ja, title_en) = match title_hint(f.trend) {
        Some(h) if chance(rng, 0.3) => (format!("{}{}", h.0, base.0), format!("{}{}", h.1, base.1)),
        _ => (base.0.to_string(), base.1.to_string()),
    };

    let ja = match f.langs {
        Langs::Ja => true,
        Langs::En => false,
        Langs::Both => chance(rng, 0.8),
    };
    let one = |p: P| if ja { p.0.to_string() } else { p.1.to_string() };
    let root_cause = f.analysed.then(|| {
        let c = cause;
        let frame = *pick(rng, CAUSE_FRAMES);
        let bg = chance(rng, 0.5).then(|| *pick(rng, BACKGROUND));
        if ja {
            format!("{}{}", fill(frame.0, "", c.0, ""), bg.map_or("", |b| b.0))
        } else {
            let first = capitalise(&fill(frame.1, "", c.1, ""));
            match bg {
                Some(b) => format!("{first} {}", b.1),
                None => first,
            }
        }
    });
    let interim_text = chance(rng, 0.85).then(|| one(*pick(rng, interim(f.trend))));
    let prevention_text = (f.analysed && chance(rng, 0.9)).then(|| one(*pick(rng, prevention(f.trend))));
    let fitting: Vec<P> =
        HANDLING.iter().filter(|(c, _)| c.is_none_or(|c| f.channels.contains(&c))).map(|(_, p)| *p).collect();
    let handling = (f.customers.is_some_and(|c| c > 0) && chance(rng, 0.8)).then(|| one(*pick(rng, &fitting)));
    let good_note = f.good_practice.then(|| one(*pick(rng, GOOD_PRACTICE)));

    let (title, description) = match f.langs {
        Langs::Ja => ((Some(title_ja), None), (Some(description_ja), None)),
        Langs::En => ((None, Some(title_en)), (None, Some(description_en))),
        Langs::Both => ((Some(title_ja), Some(title_en)), (Some(description_ja), Some(description_en))),
    };
    Texts {
        title,
        description,
        root_cause,
        interim: interim_text,
        prevention: prevention_text,
        handling,
        good_note,
        ja,
    }
}

fn institution_prefix(name: &str) -> String {
    format!("{name}において、")
}

fn month_en(m: u32) -> &'static str {
    const M: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    M.get(m.saturating_sub(1) as usize).copied().unwrap_or("")
}

/// The impact sentence, from the numbers.
fn impact(rng: &mut Gen, f: &Facts<'_>) -> (String, String) {
    let mut ja = String::new();
    let mut en = Vec::new();
    match (f.customers, f.transactions) {
        (Some(0), _) | (None, None) => {
            if chance(rng, 0.5) {
                ja.push_str("顧客への影響は確認されていない。");
                en.push("No impact on customers has been found.".to_string());
            }
        }
        (Some(c), Some(t)) => {
            ja.push_str(&format!("顧客約{}人、取引{}件に影響が生じた。", grouped(c), grouped(t)));
            en.push(format!("About {} customers and {} transactions were affected.", grouped(c), grouped(t)));
        }
        (Some(c), None) => {
            ja.push_str(&format!("約{}人の顧客に影響した。", grouped(c)));
            en.push(format!("Some {} customers were affected.", grouped(c)));
        }
        (None, Some(t)) => {
            ja.push_str(&format!("{}件の取引が影響を受けた。", grouped(t)));
            en.push(format!("{} transactions were affected.", grouped(t)));
        }
    }
    match f.settlement {
        SettlementImpact::Delayed => {
            let w = *weighted(
                rng,
                &[
                    (("決済の一部が遅延した。", "Part of the settlement was delayed."), 1),
                    (("資金決済に遅れが生じた。", "Settlement ran late."), 1),
                ],
            );
            ja.push_str(w.0);
            en.push(w.1.to_string());
        }
        SettlementImpact::Stopped => {
            ja.push_str("決済が一時停止した。");
            en.push("Settlement stopped for a time.".to_string());
        }
        SettlementImpact::None => {}
    }
    (ja, en.join(" "))
}

/// A timeline entry's text for an event, in the incident's language.
pub(crate) fn timeline_text(rng: &mut Gen, event: Event, ja: bool, sys: &SystemKind) -> String {
    let options: &[P] = match event {
        Event::Occurred => {
            &[("{sys}で事象発生", "Failure began on the {sys}"), ("{sys}の異常が発生", "{sys} started to malfunction")]
        }
        Event::Detected => &[
            ("監視システムのアラートで事象を検知", "Monitoring alert raised"),
            ("顧客からの問合せで事象を認識", "Customer enquiries revealed the problem"),
            ("営業店からの連絡で事象を認識", "A branch reported the problem"),
        ],
        Event::FirstReport => &[
            ("金融庁へ第一報", "First report to the FSA"),
            ("当局へ第一報を連絡", "First report made to the authority"),
        ],
        Event::Interim => &[
            ("暫定対応を開始", "Interim measures started"),
            ("影響拡大防止の措置を実施", "Containment measures taken"),
        ],
        Event::Recovered => &[("サービス復旧を確認", "Service recovery confirmed"), ("全面復旧", "Fully recovered")],
        Event::CauseIdentified => &[("原因を特定", "Cause identified"), ("原因が判明", "Cause found")],
    };
    let p = *pick(rng, options);
    if ja { fill(p.0, sys.ja, "", "") } else { capitalise(&fill(p.1, sys.en, "", "")) }
}

/// Events a timeline records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Event {
    Occurred,
    Detected,
    FirstReport,
    Interim,
    Recovered,
    CauseIdentified,
}

/// Vendors (fictional) for outsourcing cases.
pub(crate) const VENDORS: &[&str] = &[
    "テクノアーク株式会社",
    "北斗データサービス株式会社",
    "ミライ情報システム株式会社",
    "Kestrel Systems K.K.",
    "オーロラ・ソリューションズ株式会社",
    "共同事務センター株式会社",
    "Bluefin Cloud Japan G.K.",
    "三つ葉ネットワークサービス株式会社",
    "セントラル計算センター株式会社",
    "Lattice Software Japan K.K.",
];

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn every_trend_has_several_wordings_in_both_languages() {
        for t in Trend::ALL {
            let c = causes(t);
            assert!(c.len() >= 4, "{t}");
            for (ja, en) in c.iter().chain(interim(t)).chain(prevention(t)).chain(responses(t)) {
                assert!(!ja.is_empty() && !en.is_empty());
                assert!(!ja.is_ascii(), "{ja}");
            }
        }
    }

    #[test]
    fn placeholders_are_filled_once_each() {
        assert_eq!(fill("{sys}で{c}。{t}に{x}", "ATM", "停止", "9時"), "ATMで停止。9時に{x}");
        assert_eq!(capitalise("we restarted"), "We restarted");
        assert_eq!(capitalise(""), "");
    }

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(grouped(1234567), "1,234,567");
        assert_eq!(grouped(12), "12");
    }
}
