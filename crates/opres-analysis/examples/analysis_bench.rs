//! Benchmark driver for bench/analysis: generates incidents, and times classification, search
//! and the yearly report so the Python peers can be run on exactly the same data.
//!
//! Usage:
//!   analysis_bench gen N DIR            write DIR/incidents.jsonl (texts) and DIR/incidents.csv (fields)
//!   analysis_bench classify DIR         write DIR/split.json (5 stratified folds of the eval set), score rules + learned
//!   analysis_bench search N QUERIES     index N incidents, time each query (top 10 with snippets)
//!   analysis_bench report N FY          time the trend analysis + report tables for FY over N incidents
//!   analysis_bench write-report N FY ja|en html|md|xlsx OUT [anon]   write a sample report

use opres_analysis::classify::{
    Classifier, ClassifyInput, LearnParams, LearnedModel, eval_set, evaluate, stratified_folds,
};
use opres_analysis::report::{AnalysisReport, ReportOptions};
use opres_analysis::search::SearchIndex;
use opres_analysis::trends::{TrendAnalysis, TrendParams};
use opres_domain::*;
use std::io::Write;
use std::time::Instant;

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
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// (trend, Japanese fragments, English fragments)
const FRAGMENTS: &[(Trend, &[&str], &[&str])] = &[
    (
        Trend::CyberMalware,
        &["端末がマルウェアに感染", "委託先がランサムウェア被害", "不審な添付ファイルを開封"],
        &["a PC was infected with malware", "ransomware hit a contractor", "a malicious attachment was opened"],
    ),
    (
        Trend::CyberDdos,
        &["DDoS攻撃を受けた", "海外から大量の通信", "サービス妨害攻撃"],
        &["a DDoS attack hit the site", "junk traffic flooded the line", "denial-of-service attack"],
    ),
    (
        Trend::CyberOther,
        &["リスト型攻撃による不正ログイン", "フィッシングで認証情報が窃取", "不正送金が発生"],
        &["credential stuffing against logins", "phishing stole passwords", "fraudulent transfers"],
    ),
    (
        Trend::ChangeOutsourcing,
        &["委託先のテスト不足", "ベンダーの進捗管理が不十分", "再委託先のプログラム不備"],
        &["the vendor's testing was weak", "outsourcing oversight was lacking", "a subcontractor's script was wrong"],
    ),
    (
        Trend::ChangeBcp,
        &["危機管理体制が未整備", "コンティンジェンシープランが機能せず", "対策本部の設置が遅れた"],
        &["no crisis management for the cutover", "the contingency plan failed", "the command centre was late"],
    ),
    (
        Trend::ChangeOther,
        &["システム更改後に処理誤り", "新機能の追加に伴う不具合", "移行直後のエラー"],
        &["errors after the system renewal", "a new feature broke transfers", "errors right after migration"],
    ),
    (
        Trend::OperationsRedundancy,
        &["待機系に切り替わらず", "冗長構成が機能しない", "両系で同じ不具合"],
        &["failover to the standby did not happen", "the redundant pair failed together", "both nodes crashed"],
    ),
    (
        Trend::OperationsRecovery,
        &["原因の特定に時間を要した", "復旧手順が古かった", "エスカレーションが遅れた"],
        &["identifying the cause took days", "the recovery procedure was outdated", "escalation came late"],
    ),
    (
        Trend::OperationsStorage,
        &["ディスク容量不足", "表領域が枯渇", "ログ領域が満杯"],
        &["the disk ran out of space", "the tablespace filled up", "the log volume was full"],
    ),
    (
        Trend::OperationsCapacity,
        &["取引量が想定を上回った", "給料日にアクセス集中", "処理能力不足"],
        &["transaction volume exceeded capacity", "a payday spike", "servers lacked capacity"],
    ),
    (
        Trend::OperationsOther,
        &["証明書の期限切れ", "データセンターの停電", "通信事業者の回線障害"],
        &["an expired certificate", "a data centre power outage", "a carrier line failure"],
    ),
    (
        Trend::WorkMisoperation,
        &["設定ミス", "作業手順書の誤り", "本番環境で誤ってコマンドを実行"],
        &["a misconfiguration", "a wrong step in the procedure", "a command run on production by mistake"],
    ),
    (
        Trend::WorkOther,
        &["プログラム更新後のバグ", "うるう年の考慮漏れ", "特殊作業時の不具合"],
        &["a bug after the program update", "a leap-day defect", "a defect in a special run"],
    ),
];
const EFFECTS_JA: &[&str] = &[
    "ATMが停止した",
    "インターネットバンキングが利用できなかった",
    "振込が遅延した",
    "営業店端末が停止した",
    "カード決済が承認されなかった",
];
const EFFECTS_EN: &[&str] = &[
    "ATMs stopped",
    "internet banking was unavailable",
    "transfers were delayed",
    "branch terminals stopped",
    "card payments were declined",
];
const SYSTEMS: &[&str] = &["CORE", "IB", "ATM", "NET", "CARD", "FX", "BATCH", "DWH", "API", "CRM"];
const VENDORS: &[&str] = &["Tokyo Systems", "Kansai Data Service", "Nihon Infra", "Sakura Cloud Works", "Aoba Soft"];
const TYPES: &[(&str, usize)] = &[
    ("major_bank", 8),
    ("regional_bank", 100),
    ("shinkin_cooperative", 60),
    ("securities", 20),
    ("insurance", 8),
    ("payment", 2),
    ("other", 2),
];

fn generate(n: usize) -> Result<(Vec<Institution>, Vec<Incident>), Box<dyn std::error::Error>> {
    let mut rng = Rng(20_241_231);
    let mut insts = Vec::new();
    for (ty, count) in TYPES {
        for k in 0..*count {
            let code = format!("{}-{k:03}", &ty[..3].to_uppercase());
            insts.push(
                InstitutionRecord {
                    code: code.clone(),
                    name_ja: format!("{code}銀行"),
                    name_en: format!("{code} Bank"),
                    institution_type: ty.to_string(),
                    lei: None,
                }
                .validate()
                .map_err(|e| format!("{e:?}"))?,
            );
        }
    }
    let start = FiscalYear(2020).start();
    let span = (FiscalYear(2024).end() - start).num_seconds();
    let mut out = Vec::with_capacity(n);
    for k in 0..n {
        let (trend, ja, en) = *rng.pick(FRAGMENTS);
        let inst = &insts[(rng.unit().powi(2) * insts.len() as f64) as usize];
        let occurred = start + chrono::Duration::seconds((rng.unit() * span as f64) as i64);
        let detect = chrono::Duration::minutes((rng.unit().powi(3) * 600.0) as i64);
        let recover = chrono::Duration::minutes((rng.unit().powi(2) * 2000.0) as i64 + 5);
        let times =
            IncidentTimes::new(occurred, occurred + detect, None, Some(occurred + detect + recover), None, None)
                .map_err(|e| format!("{e:?}"))?;
        let effect = rng.below(EFFECTS_JA.len());
        let (ja1, en1) = (rng.pick(ja), rng.pick(en));
        let lang = rng.below(3);
        let desc_ja =
            (lang != 1).then(|| format!("{ja1}ため、{}。影響件数は{}件。", EFFECTS_JA[effect], rng.below(5000)));
        let desc_en = (lang != 0)
            .then(|| format!("Because {en1}, {}; {} customers affected.", EFFECTS_EN[effect], rng.below(5000)));
        let channels = vec![*rng.pick(&Channel::ALL)];
        let sys_code: &&str = rng.pick(SYSTEMS);
        let sys = SystemCode::parse(sys_code).map_err(|e| format!("{e:?}"))?;
        out.push(Incident {
            reference: IncidentRef::parse(&format!("INC-{k:06}")).map_err(|e| format!("{e:?}"))?,
            institution: inst.code.clone(),
            title: Bilingual::new(
                desc_ja.as_ref().map(|_| EFFECTS_JA[effect].to_string()),
                desc_en.as_ref().map(|_| EFFECTS_EN[effect].to_string()),
            ),
            description: Bilingual::new(desc_ja, desc_en),
            times,
            channels,
            affected_systems: vec![sys],
            customers_affected: Some(rng.below(5000) as u64),
            transactions_affected: None,
            transaction_value: None,
            settlement_impact: SettlementImpact::None,
            cyber_attack: trend.trigger() == Trigger::Cyber,
            classification: Classification::from_trend(trend),
            secondary_trends: vec![],
            vendor: (rng.below(4) == 0).then(|| rng.pick(VENDORS).to_string()),
            root_cause: Some(if lang == 1 { en1.to_string() } else { ja1.to_string() }),
            interim_measures: None,
            recurrence_prevention: None,
            customer_handling: None,
            publicly_announced: false,
            good_practice: (rng.below(200) == 0).then(|| GoodPractice { note: "smooth customer handling".into() }),
            timeline: vec![],
            report_submissions: vec![],
        });
    }
    Ok((insts, out))
}

fn percentile(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    let h = (v.len() - 1) as f64 * p;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    v[lo] + (v[hi] - v[lo]) * (h - lo as f64)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("gen") => {
            let n: usize = args[2].parse()?;
            let dir = std::path::Path::new(&args[3]);
            std::fs::create_dir_all(dir)?;
            let (insts, incs) = generate(n)?;
            let types: std::collections::HashMap<_, _> = insts.iter().map(|i| (&i.code, i.institution_type)).collect();
            let mut j = std::io::BufWriter::new(std::fs::File::create(dir.join("incidents.jsonl"))?);
            let mut c = std::io::BufWriter::new(std::fs::File::create(dir.join("incidents.csv"))?);
            writeln!(
                c,
                "reference,institution,institution_type,trigger,trend,channels,cyber,occurred,detected,recovered,vendor,systems"
            )?;
            for i in &incs {
                let (title, body) = opres_analysis::search::incident_text(i);
                writeln!(j, "{}", serde_json::json!({"id": i.reference.as_str(), "title": title, "body": body}))?;
                let ts = |t: Timestamp| t.timestamp();
                writeln!(
                    c,
                    "{},{},{},{},{},{},{},{},{},{},{},{}",
                    i.reference,
                    i.institution,
                    types[&i.institution].code(),
                    i.classification.trigger().code(),
                    i.classification.trend().code(),
                    i.channels.iter().map(|c| c.code()).collect::<Vec<_>>().join(";"),
                    i.cyber_attack,
                    ts(i.times.occurred_at()),
                    ts(i.times.detected_at()),
                    i.times.recovered_at().map(ts).map(|t| t.to_string()).unwrap_or_default(),
                    i.vendor.clone().unwrap_or_default(),
                    i.affected_systems.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(";"),
                )?;
            }
            eprintln!("wrote {n} incidents to {}", dir.display());
        }
        Some("classify") => {
            let dir = std::path::Path::new(&args[2]);
            std::fs::create_dir_all(dir)?;
            let set = eval_set()?;
            let folds = stratified_folds(&set, 5, 42);
            let split: Vec<_> = set
                .iter()
                .zip(&folds)
                .map(|(e, f)| serde_json::json!({"id": e.id, "fold": f, "text": e.input.full_text(), "trend": e.trend.code()}))
                .collect();
            std::fs::write(dir.join("split.json"), serde_json::to_string(&split)?)?;
            let mut rules_pairs = Vec::new();
            let mut learned_pairs = Vec::new();
            let mut train_secs = Vec::new();
            for k in 0..5 {
                let train: Vec<_> = set.iter().zip(&folds).filter(|(_, f)| **f != k).map(|(e, _)| e.clone()).collect();
                let t0 = Instant::now();
                let m = LearnedModel::train(&train, &LearnParams::default(), 42)?;
                train_secs.push(t0.elapsed().as_secs_f64());
                for (e, _) in set.iter().zip(&folds).filter(|(_, f)| **f == k) {
                    let r = Classifier::rules().suggest(&e.input);
                    rules_pairs.push((e.trend, r.trend, r.confidence));
                    let l = m.suggest(&e.input);
                    learned_pairs.push((e.trend, l.trend, l.confidence));
                }
            }
            let r = evaluate(&rules_pairs, 5);
            let l = evaluate(&learned_pairs, 5);
            // Throughput: the eval texts repeated to 10,000 documents.
            let docs: Vec<ClassifyInput> = (0..10_000).map(|i| set[i % set.len()].input.clone()).collect();
            let full = LearnedModel::train(&set, &LearnParams::default(), 42)?;
            let rules = Classifier::rules();
            let mut rule_t = Vec::new();
            let mut learn_t = Vec::new();
            for _ in 0..5 {
                let t0 = Instant::now();
                let mut n = 0;
                for d in &docs {
                    n += usize::from(rules.suggest(d).trend != Trend::Unknown);
                }
                rule_t.push(t0.elapsed().as_secs_f64());
                let t0 = Instant::now();
                for d in &docs {
                    n += usize::from(full.suggest(d).trend != Trend::Unknown);
                }
                learn_t.push(t0.elapsed().as_secs_f64());
                std::hint::black_box(n);
            }
            let rule_dps = docs.len() as f64 / percentile(&mut rule_t, 0.5);
            let learn_dps = docs.len() as f64 / percentile(&mut learn_t, 0.5);
            println!(
                "{}",
                serde_json::json!({
                    "rules": {"macro_f1": r.macro_f1, "accuracy": r.accuracy, "docs_per_sec": rule_dps},
                    "learned": {"macro_f1": l.macro_f1, "accuracy": l.accuracy, "docs_per_sec": learn_dps,
                                "train_secs_median": percentile(&mut train_secs, 0.5)},
                })
            );
        }
        Some("search") => {
            let n: usize = args[2].parse()?;
            let queries: Vec<String> =
                std::fs::read_to_string(&args[3])?.lines().filter(|l| !l.trim().is_empty()).map(String::from).collect();
            let (_, incs) = generate(n)?;
            let idx = SearchIndex::in_ram()?;
            let t0 = Instant::now();
            idx.rebuild(incs.iter())?;
            let build = t0.elapsed().as_secs_f64();
            let mut lat = Vec::new();
            let mut hits = 0usize;
            for _ in 0..20 {
                for q in &queries {
                    let t0 = Instant::now();
                    hits += idx.search(q, 10)?.len();
                    lat.push(t0.elapsed().as_secs_f64() * 1e3);
                }
            }
            let t0 = Instant::now();
            let mut sim_lat = Vec::new();
            for i in incs.iter().take(200) {
                let t1 = Instant::now();
                std::hint::black_box(idx.similar(i, 10, true)?);
                sim_lat.push(t1.elapsed().as_secs_f64() * 1e3);
            }
            let _ = t0;
            println!(
                "{}",
                serde_json::json!({"docs": n, "index_build_secs": build, "queries": lat.len(), "hits": hits,
                    "p50_ms": percentile(&mut lat.clone(), 0.5), "p99_ms": percentile(&mut lat, 0.99),
                    "similar_p50_ms": percentile(&mut sim_lat.clone(), 0.5), "similar_p99_ms": percentile(&mut sim_lat, 0.99)})
            );
        }
        Some("report") => {
            let n: usize = args[2].parse()?;
            let fy = FiscalYear(args[3].parse()?);
            let (insts, incs) = generate(n)?;
            let mut tables = Vec::new();
            let mut full = Vec::new();
            for _ in 0..7 {
                let t0 = Instant::now();
                let t = TrendAnalysis::compute(
                    &incs,
                    &insts,
                    &TrendParams { fiscal_years: vec![fy.previous(), fy], top_n: 10, same_period_as: None },
                );
                std::hint::black_box(&t);
                tables.push(t0.elapsed().as_secs_f64() * 1e3);
                let t0 = Instant::now();
                let r = AnalysisReport::build(&incs, &insts, &ReportOptions::new(fy, Lang::Ja, chrono::NaiveDate::MAX));
                let html = r.to_html();
                std::hint::black_box(html.len());
                full.push(t0.elapsed().as_secs_f64() * 1e3);
            }
            let t0 = Instant::now();
            let rec = opres_analysis::recurrence::Recurrences::find(
                incs.iter()
                    .filter(|i| fy.contains(&i.times.occurred_at()) || fy.previous().contains(&i.times.occurred_at())),
                &Default::default(),
            );
            let rec_ms = t0.elapsed().as_secs_f64() * 1e3;
            println!(
                "{}",
                serde_json::json!({"docs": n, "tables_ms_median": percentile(&mut tables, 0.5), "recurrence_ms": rec_ms, "chains": rec.chains.len(),
                    "full_report_html_ms_median": percentile(&mut full, 0.5)})
            );
        }
        Some("train") => {
            // train N: learned model from N generated incidents' accepted classifications.
            let n: usize = args[2].parse()?;
            let (_, incs) = generate(n)?;
            let ex: Vec<_> = incs.iter().filter_map(opres_analysis::classify::Example::from_incident).collect();
            let t0 = Instant::now();
            let m = LearnedModel::train(&ex, &LearnParams::default(), 1)?;
            let secs = t0.elapsed().as_secs_f64();
            let json = serde_json::to_string(&m)?;
            println!(
                "{}",
                serde_json::json!({"examples": ex.len(), "train_secs": secs, "features": m.features.len(), "json_bytes": json.len()})
            );
        }
        Some("write-report") => {
            // write-report N FY ja|en html|md|xlsx OUT [anon]
            let n: usize = args[2].parse()?;
            let (insts, incs) = generate(n)?;
            let lang: Lang = args[4].parse()?;
            let mut opts = ReportOptions::new(FiscalYear(args[3].parse()?), lang, chrono::NaiveDate::MAX);
            opts.anonymise = args.get(7).is_some_and(|a| a == "anon");
            let r = AnalysisReport::build(&incs, &insts, &opts);
            match args[5].as_str() {
                "html" => std::fs::write(&args[6], r.to_html())?,
                "md" => std::fs::write(&args[6], r.to_markdown())?,
                _ => std::fs::write(&args[6], r.to_xlsx()?)?,
            }
        }
        _ => {
            eprintln!("usage: analysis_bench gen N DIR | classify DIR | search N QUERIES | report N FY");
            std::process::exit(2);
        }
    }
    Ok(())
}
