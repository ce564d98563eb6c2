//! The resilience and TLPT commands against the register (`--institution`, `--id`), not files.

use crate::round_trip::{ok, opres};
use std::path::Path;

/// Runs opres, expects success, and returns what it printed on both streams (results go to
/// standard output, confirmations to standard error).
fn said(db: &str, args: &[&str], dir: &Path) -> String {
    let out = opres(db, args, dir);
    let stdout = ok(&out);
    format!("{stdout}{}", String::from_utf8_lossy(&out.stderr))
}

/// The code of the first institution `opres gen` wrote.
fn first_institution(data: &Path) -> String {
    let text = std::fs::read_to_string(data).unwrap();
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(first["record"], "institution");
    first["code"].as_str().unwrap().to_string()
}

#[test]
fn resilience_maps_and_tlpt_programmes_live_in_the_register() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = d.join("opres.db");
    let db = db.to_str().unwrap();
    ok(&opres(
        db,
        &["gen", "--institutions", "3", "--incidents", "20", "--seed", "5", "--resources", "300", "--out", "gen.jsonl"],
        d,
    ));
    ok(&opres(db, &["import", "gen.jsonl"], d));
    let bank = first_institution(&d.join("gen.jsonl"));

    // Resilience: the demo map stored for the bank; analyses read it from the register.
    ok(&opres(db, &["resilience", "demo"], d));
    let saved = said(db, &["resilience", "import", "resilience-demo/map.json", "--institution", &bank], d);
    assert!(saved.contains("version 1"), "{saved}");
    let spof = ok(&opres(db, &["resilience", "--institution", &bank, "spof"], d));
    assert!(spof.contains("SVC-FT:") && spof.contains("DC-TOKYO"), "{spof}");
    // A bad file is refused whole with the file named, and the stored map is untouched.
    std::fs::write(d.join("bad.json"), r#"{"services": 1}"#).unwrap();
    let bad = opres(db, &["resilience", "import", "bad.json", "--institution", &bank], d);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("bad.json"));
    assert_eq!(ok(&opres(db, &["resilience", "--institution", &bank, "spof"], d)), spof);
    ok(&opres(db, &["resilience", "--institution", &bank, "export", "--out", "exported.json"], d));
    let exported: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("exported.json")).unwrap()).unwrap();
    assert_eq!(exported["institution"], bank.as_str());

    // TLPT: the generated programme stored once (a second import must ask to replace), then assessed.
    let group = format!("{bank}-FG");
    ok(&opres(db, &["tlpt", "import", "gen.tlpt.json", "--institution", &bank], d));
    assert!(ok(&opres(db, &["tlpt", "programmes"], d)).contains(&group));
    let again = opres(db, &["tlpt", "import", "gen.tlpt.json", "--institution", &bank], d);
    assert_eq!(again.status.code(), Some(2), "{}", String::from_utf8_lossy(&again.stderr));
    let assessment = ok(&opres(db, &["tlpt", "--id", &group, "assess", "TLPT-BK-2", "--json"], d));
    let assessment: serde_json::Value = serde_json::from_str(&assessment).unwrap();
    let text = assessment.to_string();
    assert!(text.matches("insufficient").count() >= 5, "TLPT-BK-2 falls short in several ways: {text}");

    // `gen --resources N` wrote a map of exactly N resources beside the data; it replaces the demo map.
    let saved = said(db, &["resilience", "import", "gen.map.json", "--institution", &bank], d);
    assert!(saved.contains("300 resources") && saved.contains("version 2"), "{saved}");
}
