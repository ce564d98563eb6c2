//! Generated maps of any size for tests and benchmarks, and a small bilingual demo bank.
//!
//! Generated maps look like a bank's CMDB: power feeds under data centres and offices (common cause), systems
//! in layers that depend on lower layers and on their data centre, failover pairs across data centres, k-of-n
//! clusters, teams in offices, third parties from providers grouped under ultimate parents (some
//! subcontracting to others), information assets, and services built from processes.

use crate::model::{
    Capacity, ClockTime, DependencyMap, Gate, ImpactRates, ImpactTolerance, ImportanceCriteria,
    ImportantBusinessService, MapData, NodeId, Process, Regulator, Resource, ResourceKind,
};
use crate::problem::Issues;
use crate::scenario::{Loss, LossTarget, Restoration, Scenario, ScenarioKind};
use chrono::{NaiveDate, TimeZone};
use opres_domain::{InstitutionCode, JST, Timestamp};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

fn id(s: String) -> NodeId {
    // Generated ids are ASCII letters, digits and '-' by construction.
    NodeId::trusted(s)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

fn jst(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> Timestamp {
    JST.with_ymd_and_hms(y, mo, d, h, mi, 0).single().map(|t| t.to_utc()).unwrap_or_default()
}

fn pick<T: Copy>(rng: &mut Xoshiro256PlusPlus, xs: &[T]) -> T {
    xs[rng.random_range(0..xs.len())]
}

/// Generates a realistic map of exactly `resources` resources (at least 20) and `services` services.
pub fn generate_map(resources: usize, services: usize, seed: u64) -> Result<DependencyMap, Issues> {
    DependencyMap::new(generate_data(resources, services, seed))
}

/// The raw data of [`generate_map`].
pub fn generate_data(resources: usize, services: usize, seed: u64) -> MapData {
    let n = resources.max(20);
    let services = services.max(1);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut res: Vec<Resource> = Vec::with_capacity(n);
    let mk = |kind: ResourceKind, code: &str, i: usize, ja: String, en: String| -> Resource {
        Resource::new(id(format!("{code}-{i:06}")), kind, &ja, &en)
    };
    // Power feeds and facilities: the common causes at the bottom.
    let n_power = (n / 500).max(2);
    let n_dc = (n / 400).max(2);
    let n_office = (n / 200).max(2);
    for i in 0..n_power {
        let mut r = mk(ResourceKind::Facility, "PWR", i, format!("受電系統{i}"), format!("Power feed {i}"));
        r.location = Some(format!("region-{}", i % 3));
        res.push(r);
    }
    let power: Vec<usize> = (0..n_power).collect();
    let mut dcs = Vec::new();
    for i in 0..n_dc {
        let mut r = mk(ResourceKind::Facility, "DC", i, format!("データセンター{i}"), format!("Data centre {i}"));
        r.location = Some(format!("region-{}", i % 3));
        let a = pick(&mut rng, &power);
        let b = pick(&mut rng, &power);
        if a != b && rng.random_bool(0.6) {
            r.gate = Gate::Or;
            r.depends_on = vec![res[a].id.clone(), res[b].id.clone()];
        } else {
            r.depends_on = vec![res[a].id.clone()];
        }
        r.rto_minutes = Some(240.0);
        dcs.push(res.len());
        res.push(r);
    }
    let mut offices = Vec::new();
    for i in 0..n_office {
        let mut r = mk(ResourceKind::Facility, "OFC", i, format!("事務所{i}"), format!("Office {i}"));
        r.depends_on = vec![res[pick(&mut rng, &power)].id.clone()];
        offices.push(res.len());
        res.push(r);
    }
    // Third parties: providers under ultimate parents; some subcontract to an earlier provider's service.
    let n_tp = n / 12;
    let n_providers = (n_tp / 8).max(3);
    let n_parents = (n_providers / 3).max(2);
    let mut tps: Vec<usize> = Vec::new();
    for i in 0..n_tp {
        let p = if rng.random_bool(0.3) {
            rng.random_range(0..3.min(n_providers))
        } else {
            rng.random_range(0..n_providers)
        };
        let mut r =
            mk(ResourceKind::ThirdParty, "TP", i, format!("委託先サービス{i}"), format!("Outsourced service {i}"));
        r.provider = Some(format!("Provider-{p:04}"));
        r.ultimate_parent = Some(format!("Group-{:03}", p % n_parents));
        r.rto_minutes = Some(f64::from(rng.random_range(1..12u32)) * 60.0);
        if !tps.is_empty() && rng.random_bool(0.15) {
            r.depends_on = vec![res[pick(&mut rng, &tps)].id.clone()];
        }
        tps.push(res.len());
        res.push(r);
    }
    let n_people = n / 6;
    let n_info = n / 25;
    let reserve = n_people + n_info;
    // Systems in layers: each layer depends on the usable systems of the layers below it.
    let layers = 4;
    let mut usable_by_layer: Vec<Vec<usize>> = vec![Vec::new(); layers];
    let system_budget = n.saturating_sub(res.len() + reserve);
    let mut sys_i = 0usize;
    let mut layer_of_new = 0usize;
    let system_end = res.len() + system_budget;
    while res.len() < system_end {
        let left = system_end - res.len();
        let layer = layer_of_new % layers;
        layer_of_new += 1;
        let roll: f64 = rng.random();
        let below: Vec<usize> = usable_by_layer[..layer].iter().flatten().copied().collect();
        let mut instance = |rng: &mut Xoshiro256PlusPlus, res: &mut Vec<Resource>, dc: usize| -> usize {
            let mut r = mk(ResourceKind::System, "SYS", sys_i, format!("サーバ{sys_i}"), format!("Server {sys_i}"));
            sys_i += 1;
            r.location = res[dc].location.clone();
            r.rto_minutes = Some(f64::from(rng.random_range(1..8u32)) * 30.0);
            r.rpo_minutes = Some(f64::from(rng.random_range(0..4u32)) * 15.0);
            let mut deps = vec![res[dc].id.clone()];
            if !below.is_empty() {
                for _ in 0..rng.random_range(0..3usize) {
                    let d = res[pick(rng, &below)].id.clone();
                    if !deps.contains(&d) {
                        deps.push(d);
                    }
                }
            }
            if !tps.is_empty() && rng.random_bool(0.1) {
                let d = res[pick(rng, &tps)].id.clone();
                if !deps.contains(&d) {
                    deps.push(d);
                }
            }
            r.depends_on = deps;
            res.push(r);
            res.len() - 1
        };
        if roll < 0.25 && left >= 3 {
            let a = pick(&mut rng, &dcs);
            let mut b = pick(&mut rng, &dcs);
            if a == b {
                b = dcs[(dcs.iter().position(|&x| x == a).unwrap_or(0) + 1) % dcs.len()];
            }
            let p = instance(&mut rng, &mut res, a);
            let s = instance(&mut rng, &mut res, b);
            let mut g = mk(
                ResourceKind::System,
                "SYS",
                sys_i,
                format!("冗長系システム{sys_i}"),
                format!("Failover system {sys_i}"),
            );
            sys_i += 1;
            g.gate = Gate::Failover {
                switchover_probability: pick(&mut rng, &[0.8, 0.9, 0.95, 0.99]),
                switchover_minutes: f64::from(pick(&mut rng, &[5u32, 15, 30, 60])),
            };
            g.depends_on = vec![res[p].id.clone(), res[s].id.clone()];
            res.push(g);
            usable_by_layer[layer].push(res.len() - 1);
        } else if roll < 0.40 && left >= 5 {
            let members = rng.random_range(3..=6usize).min(left - 1);
            let mut ids = Vec::new();
            for _ in 0..members {
                let dc = pick(&mut rng, &dcs);
                let m = instance(&mut rng, &mut res, dc);
                ids.push(res[m].id.clone());
            }
            let mut g = mk(ResourceKind::System, "SYS", sys_i, format!("クラスタ{sys_i}"), format!("Cluster {sys_i}"));
            sys_i += 1;
            let k = if rng.random_bool(0.5) { members - 1 } else { members / 2 + 1 };
            g.gate = Gate::KOfN { k };
            g.depends_on = ids;
            res.push(g);
            usable_by_layer[layer].push(res.len() - 1);
        } else {
            let dc = pick(&mut rng, &dcs);
            let s = instance(&mut rng, &mut res, dc);
            usable_by_layer[layer].push(s);
        }
    }
    let top: Vec<usize> = usable_by_layer[layers / 2..].iter().flatten().copied().collect();
    let all_sys: Vec<usize> = usable_by_layer.iter().flatten().copied().collect();
    let top = if top.is_empty() { all_sys.clone() } else { top };
    let mut teams = Vec::new();
    for i in 0..n_people {
        let mut r = mk(ResourceKind::People, "PPL", i, format!("チーム{i}"), format!("Team {i}"));
        let head = rng.random_range(4..40u32);
        r.headcount = Some(head);
        r.min_staff = Some((head * 6 / 10).max(1));
        let a = pick(&mut rng, &offices);
        let b = pick(&mut rng, &offices);
        if a != b && rng.random_bool(0.3) {
            r.gate = Gate::Or;
            r.depends_on = vec![res[a].id.clone(), res[b].id.clone()];
        } else {
            r.depends_on = vec![res[a].id.clone()];
        }
        teams.push(res.len());
        res.push(r);
    }
    let mut infos = Vec::new();
    for i in 0..n_info {
        if res.len() >= n {
            break;
        }
        let mut r = mk(ResourceKind::Information, "INF", i, format!("データ{i}"), format!("Data set {i}"));
        if !all_sys.is_empty() {
            r.depends_on = vec![res[pick(&mut rng, &all_sys)].id.clone()];
        }
        r.rpo_minutes = Some(15.0);
        if rng.random_bool(0.2) {
            r.capacity = Some(Capacity { headroom: 500.0, growth_per_day: 5.0, unit: "GB".into() });
        }
        infos.push(res.len());
        res.push(r);
    }
    // Processes and services.
    let mut processes = Vec::new();
    let mut svcs = Vec::new();
    let mut p_i = 0usize;
    for s in 0..services {
        let n_proc = rng.random_range(2..=4usize);
        let mut proc_ids = Vec::new();
        for _ in 0..n_proc {
            let mut deps: Vec<NodeId> = Vec::new();
            let mut add = |d: NodeId| {
                if !deps.contains(&d) {
                    deps.push(d);
                }
            };
            for _ in 0..rng.random_range(1..=3usize) {
                add(res[pick(&mut rng, &top)].id.clone());
            }
            if !teams.is_empty() {
                add(res[pick(&mut rng, &teams)].id.clone());
            }
            if !tps.is_empty() && rng.random_bool(0.5) {
                add(res[pick(&mut rng, &tps)].id.clone());
            }
            if !infos.is_empty() && rng.random_bool(0.3) {
                add(res[pick(&mut rng, &infos)].id.clone());
            }
            let pid = id(format!("PRC-{p_i:05}"));
            p_i += 1;
            processes.push(Process {
                id: pid.clone(),
                name_ja: format!("業務プロセス{p_i}"),
                name_en: format!("Process {p_i}"),
                gate: Gate::And,
                depends_on: deps,
            });
            proc_ids.push(pid);
        }
        let has_cutoff = rng.random_bool(0.3);
        let tx_day = rng.random_range(1_000..2_000_000u64);
        let tol = ImpactTolerance {
            max_duration_minutes: f64::from(pick(&mut rng, &[120u32, 240, 480, 720, 1440])),
            max_transactions: rng.random_bool(0.3).then_some(tx_day / 4),
            cutoff: has_cutoff.then(|| ClockTime::new(15, 0)).flatten(),
            rationale_ja: "生成データ".into(),
            rationale_en: "generated".into(),
            ..ImpactTolerance::max_duration(240.0)
        };
        svcs.push(ImportantBusinessService {
            id: id(format!("SVC-{s:04}")),
            name_ja: format!("重要業務{s}"),
            name_en: format!("Service {s}"),
            criteria: ImportanceCriteria {
                customer_impact: rng.random_range(1..=5u8),
                customers: rng.random_range(1_000..5_000_000u64),
                transactions_per_day: tx_day,
                value_per_day_yen: tx_day * rng.random_range(1_000..1_000_000u64),
                has_cutoff,
            },
            rationale_ja: "生成データ".into(),
            rationale_en: "generated".into(),
            owner: format!("部門{}", s % 7),
            last_reviewed: date(2026, 4, 1),
            next_review: date(2027, 3, 31),
            rates: ImpactRates {
                transactions_per_hour: tx_day as f64 / 10.0,
                value_per_hour_yen: 0.0,
                users_per_hour: 0.0,
                complaints_per_hour: 0.0,
            },
            tolerances: vec![tol],
            gate: Gate::And,
            depends_on: proc_ids,
        });
    }
    MapData { institution: InstitutionCode::parse("GEN-BANK").ok(), services: svcs, processes, resources: res }
}

/// A stress scenario for a generated map: a data centre is lost (lognormal restoration), one provider is out
/// (PERT) and a few systems fail (triangular), all at 13:00 JST, so cut-offs, failovers and k-of-n matter.
pub fn generate_scenario(map: &DependencyMap, seed: u64) -> Scenario {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ 0x5CE7_A410);
    let rs = map.resources();
    let mut losses = Vec::new();
    let dcs: Vec<&Resource> = rs.iter().filter(|r| r.id.as_str().starts_with("DC-")).collect();
    if let Some(dc) = dcs.first() {
        losses.push(Loss {
            resource: dc.id.clone(),
            restoration: Restoration::LogNormal { median_minutes: 240.0, p95_minutes: 1440.0 },
        });
    }
    let provider = rs.iter().find(|r| r.kind == ResourceKind::ThirdParty).and_then(|r| r.provider.clone());
    for r in rs.iter().filter(|r| r.kind == ResourceKind::ThirdParty && r.provider == provider) {
        losses.push(Loss {
            resource: r.id.clone(),
            restoration: Restoration::Pert { min_minutes: 60.0, mode_minutes: 180.0, max_minutes: 900.0 },
        });
    }
    let systems: Vec<&Resource> =
        rs.iter().filter(|r| r.kind == ResourceKind::System && r.depends_on.len() <= 3).collect();
    let extra = (rs.len() / 1000).clamp(2, 50);
    for _ in 0..extra {
        if systems.is_empty() {
            break;
        }
        let s = systems[rng.random_range(0..systems.len())];
        if losses.iter().any(|l: &Loss| l.resource == s.id) {
            continue;
        }
        losses.push(Loss {
            resource: s.id.clone(),
            restoration: Restoration::Triangular { min_minutes: 30.0, mode_minutes: 120.0, max_minutes: 600.0 },
        });
    }
    Scenario {
        id: "GEN-STRESS".into(),
        name_ja: "データセンター・委託先・複数システムの同時喪失".into(),
        name_en: "Data centre, provider and several systems lost together".into(),
        start: jst(2026, 6, 15, 13, 0),
        kind: ScenarioKind::Outage { losses },
    }
}

fn res(id_: &str, kind: ResourceKind, ja: &str, en: &str) -> Resource {
    Resource::new(id(id_.to_string()), kind, ja, en)
}

fn ids(xs: &[&str]) -> Vec<NodeId> {
    xs.iter().map(|s| id((*s).to_string())).collect()
}

/// The demo map of a fictional Japanese bank, オプレス銀行 (Opres Bank): funds transfer (為替), ATM, internet
/// banking and account opening, with tolerances such as "funds transfer back before 15:30".
pub fn demo_data() -> MapData {
    use ResourceKind::*;
    let mut r = Vec::new();
    let mut feed_a = res("PWR-TKY-A", Facility, "東京DC 受電系統A", "Tokyo DC power feed A");
    feed_a.location = Some("東京".into());
    let mut feed_b = res("PWR-TKY-B", Facility, "東京DC 受電系統B", "Tokyo DC power feed B");
    feed_b.location = Some("東京".into());
    let mut feed_o = res("PWR-OSK", Facility, "大阪DC 受電系統", "Osaka DC power feed");
    feed_o.location = Some("大阪".into());
    let mut dc_t = res("DC-TOKYO", Facility, "東京データセンター", "Tokyo data centre");
    dc_t.location = Some("東京都江東区".into());
    dc_t.gate = Gate::Or;
    dc_t.depends_on = ids(&["PWR-TKY-A", "PWR-TKY-B"]);
    dc_t.rto_minutes = Some(240.0);
    let mut dc_o = res("DC-OSAKA", Facility, "大阪バックアップセンター", "Osaka backup centre");
    dc_o.location = Some("大阪府大阪市".into());
    dc_o.depends_on = ids(&["PWR-OSK"]);
    let mut hq = res("OFC-HQ", Facility, "本店ビル", "Head office building");
    hq.location = Some("東京都千代田区".into());
    let mut ops = res("OFC-OPS", Facility, "事務センター（千葉）", "Operations centre (Chiba)");
    ops.location = Some("千葉県".into());
    r.extend([feed_a, feed_b, feed_o, dc_t, dc_o, hq, ops]);
    let mut core_p = res("CORE-TKY", System, "勘定系システム（本番・東京）", "Core banking (primary, Tokyo)");
    core_p.depends_on = ids(&["DC-TOKYO"]);
    core_p.rto_minutes = Some(120.0);
    core_p.rpo_minutes = Some(0.0);
    core_p.system = opres_domain::SystemCode::parse("CORE").ok();
    let mut core_s = res("CORE-OSK", System, "勘定系システム（待機・大阪）", "Core banking (standby, Osaka)");
    core_s.depends_on = ids(&["DC-OSAKA"]);
    let mut core = res("CORE", System, "勘定系システム", "Core banking system");
    core.gate = Gate::Failover { switchover_probability: 0.9, switchover_minutes: 60.0 };
    core.depends_on = ids(&["CORE-TKY", "CORE-OSK"]);
    core.rto_minutes = Some(120.0);
    let mut zgw = res("ZENGIN-GW", System, "全銀接続系システム", "Zengin gateway");
    zgw.depends_on = ids(&["DC-TOKYO"]);
    zgw.rto_minutes = Some(60.0);
    let mut zen = res(
        "TP-ZENGIN",
        ThirdParty,
        "全銀ネット（全国銀行データ通信システム）",
        "Zengin-Net (Zengin data telecommunication system)",
    );
    zen.provider = Some("全国銀行資金決済ネットワーク".into());
    zen.ultimate_parent = Some("全国銀行資金決済ネットワーク".into());
    let mut atms = Vec::new();
    for i in 1..=4 {
        let mut a =
            res(&format!("ATM-SRV-{i}"), System, &format!("ATM中継サーバ{i}"), &format!("ATM relay server {i}"));
        a.depends_on = ids(&[if i <= 2 { "DC-TOKYO" } else { "DC-OSAKA" }]);
        atms.push(a);
    }
    let mut atm = res("ATM-NET", System, "ATMネットワーク", "ATM network");
    atm.gate = Gate::KOfN { k: 2 };
    atm.depends_on = ids(&["ATM-SRV-1", "ATM-SRV-2", "ATM-SRV-3", "ATM-SRV-4"]);
    let mut atm_db = res("ATM-DB", Information, "ATM取引ログ", "ATM transaction log");
    atm_db.depends_on = ids(&["ATM-NET"]);
    atm_db.capacity = Some(Capacity { headroom: 200.0, growth_per_day: 5.0, unit: "GB".into() });
    let mut guard = res("TP-CASH", ThirdParty, "現金輸送・ATM保守（警備会社）", "Cash logistics and ATM maintenance");
    guard.provider = Some("さくら警備保障".into());
    guard.ultimate_parent = Some("さくらホールディングス".into());
    let mut cloud = res("TP-CLOUD", ThirdParty, "パブリッククラウド（東京リージョン）", "Public cloud (Tokyo region)");
    cloud.provider = Some("メガクラウド株式会社".into());
    cloud.ultimate_parent = Some("Mega Cloud Holdings Inc.".into());
    cloud.location = Some("東京リージョン".into());
    let mut ib = res("IB-APP", System, "インターネットバンキング", "Internet banking application");
    ib.depends_on = ids(&["TP-CLOUD", "CORE"]);
    ib.rto_minutes = Some(120.0);
    let mut kyc = res("TP-KYC", ThirdParty, "オンライン本人確認サービス", "Online identity verification (eKYC)");
    kyc.provider = Some("eKYCソリューションズ".into());
    kyc.ultimate_parent = Some("Mega Cloud Holdings Inc.".into());
    kyc.depends_on = ids(&["TP-CLOUD"]);
    let mut auth = res("TP-AUTH", ThirdParty, "ワンタイムパスワード認証", "One-time password authentication");
    auth.provider = Some("セキュア認証".into());
    let mut cust = res("INFO-CUST", Information, "顧客情報", "Customer master data");
    cust.depends_on = ids(&["CORE"]);
    cust.rpo_minutes = Some(0.0);
    let mut ops_team = res("PPL-OPS", People, "為替事務チーム", "Funds transfer operations team");
    ops_team.headcount = Some(40);
    ops_team.min_staff = Some(25);
    ops_team.gate = Gate::Or;
    ops_team.depends_on = ids(&["OFC-OPS", "OFC-HQ"]);
    let mut branch = res("PPL-BRANCH", People, "営業店窓口", "Branch tellers");
    branch.headcount = Some(300);
    branch.min_staff = Some(120);
    let mut it_ops = res("PPL-ITOPS", People, "システム運用部", "IT operations");
    it_ops.headcount = Some(25);
    it_ops.min_staff = Some(10);
    it_ops.depends_on = ids(&["OFC-HQ"]);
    r.extend([core_p, core_s, core, zgw, zen]);
    r.extend(atms);
    r.extend([atm, atm_db, guard, cloud, ib, kyc, auth, cust, ops_team, branch, it_ops]);
    let procs = vec![
        Process {
            id: id("PRC-FT-ACCEPT".into()),
            name_ja: "振込受付".into(),
            name_en: "Accept transfer orders".into(),
            gate: Gate::Or,
            depends_on: ids(&["IB-APP", "PPL-BRANCH"]),
        },
        Process {
            id: id("PRC-FT-SEND".into()),
            name_ja: "全銀送信・決済".into(),
            name_en: "Send and settle via Zengin".into(),
            gate: Gate::And,
            depends_on: ids(&["CORE", "ZENGIN-GW", "TP-ZENGIN", "PPL-OPS"]),
        },
        Process {
            id: id("PRC-ATM".into()),
            name_ja: "ATM入出金".into(),
            name_en: "ATM cash withdrawals and deposits".into(),
            gate: Gate::And,
            depends_on: ids(&["ATM-DB", "CORE", "TP-CASH"]),
        },
        Process {
            id: id("PRC-IB-LOGIN".into()),
            name_ja: "ログイン・認証".into(),
            name_en: "Log-in and authentication".into(),
            gate: Gate::And,
            depends_on: ids(&["IB-APP", "TP-AUTH"]),
        },
        Process {
            id: id("PRC-AO".into()),
            name_ja: "口座開設審査".into(),
            name_en: "Account opening checks".into(),
            gate: Gate::And,
            depends_on: ids(&["TP-KYC", "INFO-CUST", "PPL-BRANCH"]),
        },
    ];
    let fsa = |minutes: f64, ja: &str, en: &str| ImpactTolerance {
        rationale_ja: ja.into(),
        rationale_en: en.into(),
        ..ImpactTolerance::max_duration(minutes)
    };
    let services = vec![
        ImportantBusinessService {
            id: id("SVC-FT".into()),
            name_ja: "為替（振込）".into(),
            name_en: "Funds transfer".into(),
            criteria: ImportanceCriteria {
                customer_impact: 5,
                customers: 1_200_000,
                transactions_per_day: 350_000,
                value_per_day_yen: 2_500_000_000_000,
                has_cutoff: true,
            },
            rationale_ja: "給与・公共料金等の支払が滞ると顧客と決済システム全体に影響が及ぶ。当日15:30の全銀コアタイム終了までに決済を終える必要がある。".into(),
            rationale_en: "Unpaid salaries and bills hurt customers and the whole settlement system; payments must settle before the Zengin core time ends at 15:30.".into(),
            owner: "事務統括部 / Operations Division".into(),
            last_reviewed: date(2026, 4, 10),
            next_review: date(2027, 4, 9),
            rates: ImpactRates {
                transactions_per_hour: 35_000.0,
                value_per_hour_yen: 250_000_000_000.0,
                users_per_hour: 20_000.0,
                complaints_per_hour: 40.0,
            },
            tolerances: vec![
                ImpactTolerance {
                    max_transactions: Some(100_000),
                    cutoff: ClockTime::new(15, 30),
                    ..fsa(
                        120.0,
                        "当日中の着金を守るため、停止は2時間、かつ15:30の締めまでに回復。",
                        "To keep same-day credit: at most 2 hours, and back before the 15:30 cut-off.",
                    )
                },
                ImpactTolerance {
                    regulator: Regulator::Boj,
                    max_value_yen: Some(500_000_000_000),
                    ..fsa(
                        180.0,
                        "日銀ネット決済への影響を5,000億円以内に抑える。",
                        "Keep the effect on BOJ-NET settlement within ¥500 billion.",
                    )
                },
            ],
            gate: Gate::And,
            depends_on: ids(&["PRC-FT-ACCEPT", "PRC-FT-SEND"]),
        },
        ImportantBusinessService {
            id: id("SVC-ATM".into()),
            name_ja: "ATM（現金の引出し・預入れ）".into(),
            name_en: "ATM cash services".into(),
            criteria: ImportanceCriteria {
                customer_impact: 4,
                customers: 2_000_000,
                transactions_per_day: 150_000,
                value_per_day_yen: 3_000_000_000,
                has_cutoff: false,
            },
            rationale_ja: "現金を引き出せないと生活に直結する。処理能力の半分が戻れば需要の大半に応えられる。".into(),
            rationale_en: "Customers need cash for daily life; half the capacity serves most demand.".into(),
            owner: "チャネル企画部 / Channel Planning".into(),
            last_reviewed: date(2025, 9, 1),
            next_review: date(2026, 8, 31),
            rates: ImpactRates { transactions_per_hour: 8_000.0, users_per_hour: 6_000.0, complaints_per_hour: 15.0, ..ImpactRates::default() },
            tolerances: vec![ImpactTolerance {
                rlo_percent: Some(50.0),
                max_complaints: Some(200),
                ..fsa(
                    240.0,
                    "能力の50%（中継サーバ4台中2台）が4時間以内に戻れば許容範囲。",
                    "Back to 50% capacity (2 of 4 relay servers) within 4 hours.",
                )
            }],
            gate: Gate::And,
            depends_on: ids(&["PRC-ATM"]),
        },
        ImportantBusinessService {
            id: id("SVC-IB".into()),
            name_ja: "インターネットバンキング".into(),
            name_en: "Internet banking".into(),
            criteria: ImportanceCriteria {
                customer_impact: 4,
                customers: 900_000,
                transactions_per_day: 400_000,
                value_per_day_yen: 80_000_000_000,
                has_cutoff: false,
            },
            rationale_ja: "非対面チャネルの主力。停止すると窓口・コールセンターに問合せが集中する。".into(),
            rationale_en: "The main remote channel; an outage floods branches and the call centre.".into(),
            owner: "デジタル戦略部 / Digital Strategy".into(),
            last_reviewed: date(2026, 5, 20),
            next_review: date(2027, 5, 19),
            rates: ImpactRates { transactions_per_hour: 25_000.0, users_per_hour: 15_000.0, ..ImpactRates::default() },
            tolerances: vec![ImpactTolerance {
                max_users: Some(100_000),
                ..fsa(360.0, "利用者10万人・6時間を上限とする。", "At most 100,000 customers affected and 6 hours.")
            }],
            gate: Gate::And,
            depends_on: ids(&["PRC-IB-LOGIN"]),
        },
        ImportantBusinessService {
            id: id("SVC-AO".into()),
            name_ja: "口座開設".into(),
            name_en: "Account opening".into(),
            criteria: ImportanceCriteria {
                customer_impact: 2,
                customers: 50_000,
                transactions_per_day: 1_500,
                value_per_day_yen: 0,
                has_cutoff: false,
            },
            rationale_ja: "給与振込口座の開設期限がある顧客への影響を考慮（新年度は特に多い）。".into(),
            rationale_en: "Customers must open salary accounts by deadlines, especially at the start of the fiscal year.".into(),
            owner: "営業統括部 / Retail Banking".into(),
            last_reviewed: date(2026, 4, 10),
            next_review: date(2027, 4, 9),
            rates: ImpactRates::default(),
            tolerances: vec![fsa(2880.0, "2営業日以内に再開。", "Resume within two business days.")],
            gate: Gate::And,
            depends_on: ids(&["PRC-AO"]),
        },
    ];
    MapData { institution: InstitutionCode::parse("DEMO-BANK").ok(), services, processes: procs, resources: r }
}

/// The demo map, validated.
pub fn demo_map() -> Result<DependencyMap, Issues> {
    DependencyMap::new(demo_data())
}

/// The demo scenarios: Tokyo data centre lost, prolonged core outage, cloud provider lost, staff lost,
/// and the ATM log running out of space.
pub fn demo_scenarios() -> Vec<Scenario> {
    let start = jst(2026, 6, 15, 13, 0);
    vec![
        Scenario {
            id: "SCN-DC-TOKYO".into(),
            name_ja: "東京データセンターの喪失（原因を問わない）".into(),
            name_en: "Loss of the Tokyo data centre (whatever the cause)".into(),
            start,
            kind: ScenarioKind::OutcomeLoss {
                target: LossTarget::Facility { id: id("DC-TOKYO".into()) },
                restoration: Restoration::LogNormal { median_minutes: 480.0, p95_minutes: 2880.0 },
            },
        },
        Scenario {
            id: "SCN-CORE".into(),
            name_ja: "勘定系システム（本番）の長時間停止".into(),
            name_en: "Prolonged outage of the primary core banking system".into(),
            start: jst(2026, 6, 15, 10, 0),
            kind: ScenarioKind::Outage {
                losses: vec![Loss {
                    resource: id("CORE-TKY".into()),
                    restoration: Restoration::Pert { min_minutes: 120.0, mode_minutes: 300.0, max_minutes: 1440.0 },
                }],
            },
        },
        Scenario {
            id: "SCN-CLOUD".into(),
            name_ja: "クラウド事業者の東京リージョン障害".into(),
            name_en: "Cloud provider's Tokyo region down".into(),
            start,
            kind: ScenarioKind::OutcomeLoss {
                target: LossTarget::ThirdParty { provider: "メガクラウド株式会社".into() },
                restoration: Restoration::Triangular { min_minutes: 60.0, mode_minutes: 240.0, max_minutes: 720.0 },
            },
        },
        Scenario {
            id: "SCN-STAFF".into(),
            name_ja: "感染症による為替事務チームの50%欠勤".into(),
            name_en: "Half of the funds transfer operations team absent (pandemic)".into(),
            start: jst(2026, 6, 15, 9, 0),
            kind: ScenarioKind::OutcomeLoss {
                target: LossTarget::Team { id: id("PPL-OPS".into()), percent: 50.0 },
                restoration: Restoration::Fixed { minutes: 4320.0 },
            },
        },
        Scenario {
            id: "SCN-ATM-LOG".into(),
            name_ja: "ATM取引ログの容量枯渇".into(),
            name_en: "ATM transaction log runs out of space".into(),
            start,
            kind: ScenarioKind::CapacityExhaustion {
                resource: id("ATM-DB".into()),
                restoration: Restoration::Fixed { minutes: 180.0 },
            },
        },
    ]
}

/// The date on which the demo data set is "today" (for overdue reviews): 2026-11-01.
pub fn demo_today() -> NaiveDate {
    date(2026, 11, 1)
}
