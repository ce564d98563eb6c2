//! Search relevance driver for `bench/analysis/run-relevance`: writes the fixed corpus, and runs
//! the relevance set's queries through opres's search so `relevance.py` can score it against
//! SQLite FTS5 on exactly the same texts.
//!
//! Usage:
//!   relevance_bench corpus HANDWRITTEN.jsonl OUT.jsonl   generated incidents (opres-synthetic, fixed
//!                                                        seed and date) + the hand-written ones
//!   relevance_bench run CORPUS.jsonl QUERIES.jsonl [plain|no-synonyms|no-negation]
//!                                                        top 20 ids per query as JSON

use opres_analysis::search::{SearchIndex, SearchOptions, incident_text};
use opres_domain::record::RawScalar;
use opres_domain::{FiscalYear, Incident, IncidentRecord};
use std::io::{BufRead, Write};

/// The generated part: 300 incidents over 24 institutions, seed 14, up to the end of FY2025.
const GENERATED: usize = 300;
const SEED: u64 = 14;
const NOW: &str = "2026-03-31T12:00:00Z";

fn corpus_line(i: &Incident) -> serde_json::Value {
    let (title, body) = incident_text(i);
    serde_json::json!({
        "id": i.reference.as_str(),
        "institution": i.institution.as_str(),
        "occurred": i.times.occurred_at().to_rfc3339(),
        "fy": FiscalYear::of(&i.times.occurred_at()).0,
        "trigger": i.classification.trigger().code(),
        "trend": i.classification.trend().code(),
        "secondary": i.secondary_trends.iter().map(|t| t.code()).collect::<Vec<_>>(),
        "cyber": i.cyber_attack,
        "channels": i.channels.iter().map(|c| c.code()).collect::<Vec<_>>(),
        "title": title,
        "body": body,
    })
}

fn str_of(v: &serde_json::Value, k: &str) -> String {
    v[k].as_str().unwrap_or_default().to_string()
}

fn list_of(v: &serde_json::Value, k: &str) -> Vec<String> {
    v[k].as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

/// An incident from a corpus line: its title and text as one language's fields (search indexes
/// both languages alike, so the text is the same as the generated incident's).
fn incident(v: &serde_json::Value) -> Result<Incident, Box<dyn std::error::Error>> {
    let rec = IncidentRecord {
        reference: str_of(v, "id"),
        institution: str_of(v, "institution"),
        title_ja: Some(str_of(v, "title")),
        description_ja: Some(str_of(v, "body")),
        occurred_at: str_of(v, "occurred"),
        detected_at: str_of(v, "occurred"),
        trend: Some(str_of(v, "trend")),
        secondary_trends: list_of(v, "secondary"),
        cyber_attack: Some(RawScalar::Bool(v["cyber"].as_bool().unwrap_or(false))),
        channels: list_of(v, "channels"),
        ..Default::default()
    };
    rec.validate().map_err(|e| format!("{}: {e:?}", rec.reference).into())
}

fn read_jsonl(path: &str) -> Result<Vec<serde_json::Value>, Box<dyn std::error::Error>> {
    let f = std::io::BufReader::new(std::fs::File::open(path)?);
    let mut out = Vec::new();
    for line in f.lines() {
        let line = line?;
        if !line.trim().is_empty() {
            out.push(serde_json::from_str(&line)?);
        }
    }
    Ok(out)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("corpus") => {
            let now = chrono::DateTime::parse_from_rfc3339(NOW)?.with_timezone(&chrono::Utc);
            let data = opres_synthetic::generate(&opres_synthetic::GenParams::new(24, GENERATED, SEED, now));
            let mut out = std::io::BufWriter::new(std::fs::File::create(&args[3])?);
            for i in &data.incidents {
                writeln!(out, "{}", corpus_line(i))?;
            }
            for v in read_jsonl(&args[2])? {
                // Hand-written lines are validated like the rest.
                writeln!(out, "{}", corpus_line(&incident(&v)?))?;
            }
        }
        Some("run") => {
            let corpus: Vec<Incident> = read_jsonl(&args[2])?.iter().map(incident).collect::<Result<_, _>>()?;
            let queries = read_jsonl(&args[3])?;
            let options = match args.get(4).map(String::as_str) {
                Some("plain") => SearchOptions { synonyms: false, negation: false },
                Some("no-synonyms") => SearchOptions { synonyms: false, negation: true },
                Some("no-negation") => SearchOptions { synonyms: true, negation: false },
                _ => SearchOptions::default(),
            };
            let index = SearchIndex::in_ram_with(options)?;
            index.rebuild(corpus.iter())?;
            let mut runs = serde_json::Map::new();
            for q in &queries {
                let page = index.search_page(&str_of(q, "query"), None, 0, 20)?;
                let ids: Vec<_> = page.hits.iter().map(|h| serde_json::Value::from(h.reference.clone())).collect();
                runs.insert(str_of(q, "id"), serde_json::Value::Array(ids));
            }
            println!("{}", serde_json::Value::Object(runs));
        }
        _ => {
            eprintln!(
                "usage: relevance_bench corpus HANDWRITTEN OUT | run CORPUS QUERIES [plain|no-synonyms|no-negation]"
            );
            std::process::exit(2);
        }
    }
    Ok(())
}
