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

#[test]
fn gap_roadmap_actions_are_set_by_flags_or_file_and_approved() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = d.join("opres.db");
    let db = db.to_str().unwrap();
    ok(&opres(db, &["gen", "--institutions", "2", "--incidents", "5", "--seed", "7", "--out", "gen.jsonl"], d));
    ok(&opres(db, &["import", "gen.jsonl"], d));
    let bank = first_institution(&d.join("gen.jsonl"));
    let link = "fsa_report_challenges:operations.storage.monitoring";
    let flags = [
        "--title-en",
        "Storage monitoring",
        "--owner",
        "IT",
        "--start",
        "2020-01-01",
        "--due",
        "2020-03-31",
        "--effort-days",
        "5",
    ];
    let mut set = vec!["gap", "actions", "set", &bank, "--id", "RM-1"];
    set.extend(flags);
    let saved = said(db, &[set.as_slice(), &["--closes", link]].concat(), d);
    assert!(saved.contains("version 1"), "{saved}");
    // An existing action: the flags given change it, the rest stays.
    let saved =
        said(db, &["gap", "actions", "set", &bank, "--id", "RM-1", "--status", "in_progress", "--progress", "40"], d);
    assert!(saved.contains("version 2"), "{saved}");
    let list = ok(&opres(db, &["gap", "actions", "list", &bank], d));
    assert!(list.contains("RM-1") && list.contains("40%") && list.contains("overdue") && list.contains("IT"), "{list}");
    // An unknown requirement is refused with its field, nothing saved.
    let bad = opres(db, &[set.as_slice(), &["--closes", "fsa_report_challenges:no.such"]].concat(), d);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("closes[0].requirement"));

    ok(&opres(db, &["gap", "roadmap", "submit", &bank], d));
    let no_comment = opres(db, &["gap", "roadmap", "approve", &bank], d);
    assert_eq!(no_comment.status.code(), Some(2), "{}", String::from_utf8_lossy(&no_comment.stderr));
    let approved = ok(&opres(db, &["gap", "roadmap", "approve", &bank, "--comment", "board, 2026-12"], d));
    assert!(approved.contains("Approved"), "{approved}");

    std::fs::write(
        d.join("action.json"),
        r#"{"id": "RM-2", "title_ja": "回線の二重化", "owner": "IT", "start": "2099-04-01", "due": "2099-09-30", "effort_days": 10}"#,
    )
    .unwrap();
    ok(&opres(db, &["gap", "actions", "set", &bank, "--file", "action.json"], d));
    let shown: serde_json::Value =
        serde_json::from_str(&ok(&opres(db, &["gap", "roadmap", "show", &bank, "--json"], d))).unwrap();
    assert_eq!(shown["status"], "approved_with_changes");
    assert_eq!(shown["actions"].as_array().unwrap().len(), 2);
    assert_eq!(shown["overdue"], serde_json::json!(["RM-1"]));
    said(db, &["gap", "actions", "remove", &bank, "RM-2"], d);
    let listed = ok(&opres(db, &["gap", "roadmap", "list"], d));
    assert!(listed.contains(&bank) && listed.contains("Approved, changed since"), "{listed}");

    // Milestones: every bad line at once, nothing saved; then replaced as a set, shown by date.
    let bad = opres(db, &["gap", "roadmap", "milestones", &bank, "--set", "2027-03-31 取締役会", "--set", "soon"], d);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("milestones[1].title") && err.contains("milestones[1].on"), "{err}");
    let args =
        ["gap", "roadmap", "milestones", &bank, "--set", "2027-06-30 当局報告 | FSA", "--set", "2027-03-31 | Board"];
    let shown = ok(&opres(db, &args, d));
    let (board, fsa) = (shown.find("Board").unwrap(), shown.find("FSA").unwrap());
    assert!(board < fsa, "by date: {shown}");
    let cleared = ok(&opres(db, &["gap", "roadmap", "milestones", &bank, "--clear"], d));
    assert!(!cleared.contains("Board"), "{cleared}");
}

#[test]
fn gen_writes_assessments_and_a_roadmap_that_import_whole() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = d.join("opres.db");
    let db = db.to_str().unwrap();
    ok(&opres(db, &["gen", "--institutions", "4", "--incidents", "40", "--seed", "3", "--out", "gen.jsonl"], d));
    // Before the institutions exist, every record names its unknown institution; nothing saved.
    let early = opres(db, &["gap", "assess", "import", "gen.gap.json"], d);
    assert_eq!(early.status.code(), Some(2));
    let err = String::from_utf8_lossy(&early.stderr);
    assert!(err.contains("gen.gap.json /assessments/0: institution") && err.contains("/roadmaps/0"), "{err}");
    ok(&opres(db, &["import", "gen.jsonl"], d));
    let done = ok(&opres(db, &["gap", "assess", "import", "gen.gap.json"], d));
    assert!(done.contains("Imported 5 assessment(s)") && done.contains("1 roadmap(s)"), "{done}");
    let bank = first_institution(&d.join("gen.jsonl"));
    let shown: serde_json::Value =
        serde_json::from_str(&ok(&opres(db, &["gap", "roadmap", "show", &bank, "--json"], d))).unwrap();
    assert_eq!(shown["overdue"], serde_json::json!(["RM-4"]), "{shown}");
    assert!((40..=60).contains(&shown["progress"].as_u64().unwrap()), "about half done: {shown}");
    // The same file again: the roadmap exists now, so nothing of it is saved.
    let again = opres(db, &["gap", "assess", "import", "gen.gap.json"], d);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("/roadmaps/0: institution"));
    let list = ok(&opres(db, &["gap", "assess", "list"], d));
    assert_eq!(list.matches("-GA-").count(), 5, "{list}");
}
