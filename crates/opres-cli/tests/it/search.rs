//! `opres search` on a generated register shaped like the demo: the README's query, references,
//! filters.

use crate::round_trip::{ok, opres};

/// (reference, trend) of each result line.
fn results(out: &str) -> Vec<(String, String)> {
    out.lines()
        .filter(|l| l.starts_with(' ') && l.trim_start().chars().next().is_some_and(|c| c.is_ascii_digit()))
        .filter_map(|l| {
            // A hit's line is `score reference institution trend FYnnnn`; a snippet line may also
            // start with a number ("32. Our review found…"), so the shape is checked.
            let cols: Vec<&str> = l.split_whitespace().collect();
            let is_hit = cols.len() >= 5 && cols[0].parse::<f64>().is_ok() && cols[4].starts_with("FY");
            is_hit.then(|| (cols[1].to_string(), cols[3].to_string()))
        })
        .collect()
}

#[test]
fn the_readme_query_finds_storage_incidents_in_a_demo_like_register() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = d.join("opres.db");
    let db = db.to_str().unwrap();
    ok(&opres(db, &["gen", "--institutions", "6", "--incidents", "400", "--seed", "2024", "--out", "gen.jsonl"], d));
    ok(&opres(db, &["import", "gen.jsonl"], d));
    let text = std::fs::read_to_string(d.join("gen.jsonl")).unwrap();
    let incidents: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|r| r["record"] == "incident")
        .collect();
    let storage = incidents.iter().filter(|r| r["trend"] == "operations.storage").count();
    assert!(storage >= 5, "the generated register has storage incidents ({storage})");

    let out = opres(db, &["search", "記憶領域 枯渇", "--limit", "10"], d);
    let stdout = ok(&out);
    let hits = results(&stdout);
    assert!(hits.len() >= 5, "{stdout}");
    let top_storage = hits.iter().take(5).filter(|(_, t)| t == "operations.storage").count();
    assert!(top_storage >= 4, "the top five are storage incidents: {stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("also searched:") && stderr.contains("枯渇 →"), "{stderr}");

    // English wording of the same finds the same kind of incident.
    let en = results(&ok(&opres(db, &["search", "disk full", "--limit", "5"], d)));
    assert!(en.iter().filter(|(_, t)| t == "operations.storage").count() >= 3, "{en:?}");

    // A reference goes straight to its incident.
    let reference = incidents[incidents.len() / 2]["reference"].as_str().unwrap().to_string();
    let by_ref = ok(&opres(db, &["search", &reference], d));
    assert_eq!(results(&by_ref).first().map(|h| h.0.as_str()), Some(reference.as_str()), "{by_ref}");
    assert!(by_ref.contains("[reference match]"), "{by_ref}");

    // Filters pass through to the engine.
    let filtered =
        ok(&opres(db, &["search", "障害", "--trend", "operations.capacity", "--facets", "--limit", "50"], d));
    let f = results(&filtered);
    assert!(!f.is_empty() && f.iter().all(|(_, t)| t == "operations.capacity"), "{filtered}");
    assert!(filtered.contains("trend: ") && filtered.contains("fiscal year: "), "{filtered}");
    let bad = opres(db, &["search", "disk", "--trend", "storage"], d);
    assert_eq!(bad.status.code(), Some(2), "an unknown trend is refused");
}
