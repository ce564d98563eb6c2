//! Recurrence-matching benchmark: latency of matching one new finding against a history of generated
//! bilingual findings (default 100 000), and precision/recall on the hand-labelled pairs in
//! `data/finding_pairs.jsonl`. Run through `bench/tlpt/run`, which also runs the Python TF-IDF peer.
//!
//! `cargo run --release -p opres-tlpt --example tlpt_bench -- [--history N] [--queries Q] [--export DIR]`

use opres_tlpt::demo::generate_labelled_findings;
use opres_tlpt::model::Finding;
use opres_tlpt::similarity::eval::{self, LabelledPair, PrResult};
use opres_tlpt::similarity::{DEFAULT_THRESHOLD, FindingIndex, MatchConfig, Weights};
use std::io::Write;
use std::time::Instant;

struct Args {
    history: usize,
    queries: usize,
    export: Option<String>,
}

fn args() -> Args {
    let mut a = Args { history: 100_000, queries: 1_000, export: None };
    let v: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < v.len() {
        let next = v.get(i + 1).cloned();
        match v[i].as_str() {
            "--history" => a.history = next.and_then(|s| s.parse().ok()).unwrap_or(a.history),
            "--queries" => a.queries = next.and_then(|s| s.parse().ok()).unwrap_or(a.queries),
            "--export" => a.export = next,
            _ => {}
        }
        i += 2;
    }
    a
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn text_of(f: &Finding) -> String {
    format!("{}\n{}\n{}", f.title.all(), f.description.all(), f.recommendation.all())
}

fn export_jsonl(path: &std::path::Path, items: &[(Finding, usize)]) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    for (f, fam) in items {
        let row = serde_json::json!({
            "id": f.id.as_str(),
            "family": fam,
            "text": text_of(f),
            "technique": f.technique.as_ref().map(|t| t.to_string()),
            "root_cause": f.root_cause.code(),
        });
        writeln!(w, "{row}")?;
    }
    Ok(())
}

fn show(label: &str, r: &PrResult) {
    println!(
        "{label:<34} threshold {:.3}  precision {:.3}  recall {:.3}  F1 {:.3}  (TP {} FP {} FN {} TN {})",
        r.threshold,
        r.precision,
        r.recall,
        r.f1,
        r.true_positives,
        r.false_positives,
        r.false_negatives,
        r.true_negatives
    );
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a = args();
    println!("# opres-tlpt recurrence benchmark: history {} findings, {} queries", a.history, a.queries);

    let t = Instant::now();
    let history = generate_labelled_findings(a.history, 1);
    let gen_ms = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    let index = FindingIndex::build(history.iter().map(|(f, _)| f));
    let build_ms = t.elapsed().as_secs_f64() * 1000.0;
    println!("generated in {gen_ms:.0} ms; index built in {build_ms:.0} ms");

    // Latency: each query is a new finding matched against the whole history.
    let queries = generate_labelled_findings(a.queries, 2);
    let cfg = MatchConfig::default();
    let mut lat = Vec::with_capacity(queries.len());
    let mut found = 0usize;
    let mut hits_same_family = 0usize;
    for (q, fam) in &queries {
        let t = Instant::now();
        let m = index.search(q, &cfg, |_| true);
        lat.push(t.elapsed().as_secs_f64() * 1000.0);
        found += m.len();
        if let Some(top) = m.first() {
            let ix: usize = top.finding.as_str()[4..].parse().unwrap_or(usize::MAX);
            if history.get(ix).is_some_and(|(_, f)| f == fam) {
                hits_same_family += 1;
            }
        }
    }
    lat.sort_by(f64::total_cmp);
    let mean = lat.iter().sum::<f64>() / lat.len().max(1) as f64;
    println!(
        "latency per finding (ms): p50 {:.3}  p90 {:.3}  p99 {:.3}  mean {:.3}  max {:.3}",
        percentile(&lat, 0.5),
        percentile(&lat, 0.9),
        percentile(&lat, 0.99),
        mean,
        percentile(&lat, 1.0)
    );
    println!(
        "matches per finding at threshold {DEFAULT_THRESHOLD}: {:.2}; top match of the same generated family: {:.1}%",
        found as f64 / queries.len().max(1) as f64,
        100.0 * hits_same_family as f64 / queries.len().max(1) as f64
    );

    // Calibration on generated pairs (independent of the hand-labelled pairs).
    let calib = generate_labelled_findings(4000, 3);
    let w = Weights::default();
    let mut gen_scores = Vec::new();
    for i in 0..calib.len() {
        let j = (i * 7919 + 13) % calib.len();
        let k = (i + 1) % calib.len();
        for other in [j, k] {
            if other != i {
                let s = index.similarity(&calib[i].0, &calib[other].0, &w).score;
                gen_scores.push((s, calib[i].1 == calib[other].1));
            }
        }
        // A same-family partner for every finding, so both classes are well represented.
        if let Some(p) = calib.iter().skip(i + 1).find(|(_, f)| *f == calib[i].1) {
            gen_scores.push((index.similarity(&calib[i].0, &p.0, &w).score, true));
        }
    }
    let calibrated = eval::best_threshold(&gen_scores);
    show("generated pairs, best F1", &calibrated);
    show("generated pairs, default threshold", &eval::evaluate(&gen_scores, DEFAULT_THRESHOLD));

    // The hand-labelled pairs, with the 100k history as the background corpus for IDF.
    let pairs: Vec<LabelledPair> = eval::load_pairs(eval::PAIRS_JSONL)?;
    let scored: Vec<(String, f64, bool)> = pairs
        .iter()
        .map(|p| (p.lang.clone(), index.similarity(&p.a.to_finding("A"), &p.b.to_finding("B"), &w).score, p.same))
        .collect();
    let all: Vec<(f64, bool)> = scored.iter().map(|(_, s, y)| (*s, *y)).collect();
    println!("labelled pairs: {} ({} same issue)", pairs.len(), pairs.iter().filter(|p| p.same).count());
    show("labelled pairs, default threshold", &eval::evaluate(&all, DEFAULT_THRESHOLD));
    show("labelled pairs, calibrated threshold", &eval::evaluate(&all, calibrated.threshold));
    show("labelled pairs, best F1 (oracle)", &eval::best_threshold(&all));
    for lang in ["ja", "en", "mixed"] {
        let sub: Vec<(f64, bool)> = scored.iter().filter(|(l, _, _)| l == lang).map(|(_, s, y)| (*s, *y)).collect();
        show(&format!("  {lang}, default threshold"), &eval::evaluate(&sub, DEFAULT_THRESHOLD));
    }
    let errors: Vec<String> = pairs
        .iter()
        .zip(&scored)
        .filter(|(p, (_, s, _))| (*s >= DEFAULT_THRESHOLD) != p.same)
        .map(|(p, (_, s, _))| format!("{} ({s:.2})", p.id))
        .collect();
    println!("misjudged at the default threshold: {}", errors.join(", "));

    if let Some(dir) = a.export {
        let dir = std::path::Path::new(&dir);
        std::fs::create_dir_all(dir)?;
        export_jsonl(&dir.join("history.jsonl"), &history)?;
        export_jsonl(&dir.join("queries.jsonl"), &queries)?;
        export_jsonl(&dir.join("calibration.jsonl"), &calib)?;
        let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("opres_pair_scores.jsonl"))?);
        for (p, (_, s, _)) in pairs.iter().zip(&scored) {
            writeln!(w, "{}", serde_json::json!({"id": p.id, "lang": p.lang, "same": p.same, "score": s}))?;
        }
        let per_lang: serde_json::Map<String, serde_json::Value> = ["ja", "en", "mixed"]
            .iter()
            .map(|lang| {
                let sub: Vec<(f64, bool)> =
                    scored.iter().filter(|(l, _, _)| l == lang).map(|(_, s, y)| (*s, *y)).collect();
                (lang.to_string(), serde_json::json!(eval::evaluate(&sub, DEFAULT_THRESHOLD)))
            })
            .collect();
        let summary = serde_json::json!({
            "history": a.history,
            "queries": a.queries,
            "build_ms": build_ms,
            "p50_ms": percentile(&lat, 0.5),
            "p99_ms": percentile(&lat, 0.99),
            "mean_ms": mean,
            "generated_best": calibrated,
            "labelled_default": eval::evaluate(&all, DEFAULT_THRESHOLD),
            "labelled_calibrated": eval::evaluate(&all, calibrated.threshold),
            "labelled_best": eval::best_threshold(&all),
            "labelled_default_by_lang": per_lang,
        });
        std::fs::write(dir.join("opres_summary.json"), summary.to_string())?;
        println!("exported history, queries and scores to {}", dir.display());
    }
    Ok(())
}
