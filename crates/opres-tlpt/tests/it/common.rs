//! Shared fixtures: the demo programme at a fixed instant, and a small ATT&CK bundle.

use chrono::{NaiveDate, TimeZone, Utc};
use opres_domain::{JST, Timestamp};
use opres_tlpt::TlptProgramme;
use opres_tlpt::attack::AttackCatalogue;
use opres_tlpt::demo;

/// The instant the demo is anchored at in tests.
pub fn now() -> Timestamp {
    JST.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).single().map(|t| t.with_timezone(&Utc)).unwrap_or_default()
}

/// Today (JST) for the tests.
pub fn today() -> NaiveDate {
    now().with_timezone(&JST).date_naive()
}

/// The demo programme at [`now`].
pub fn demo() -> TlptProgramme {
    demo::demo_programme(now())
}

/// Path of a shared ATT&CK file, if the shared data directory is there.
pub fn attack_file(name: &str) -> Option<String> {
    let path = format!("{}/../../../shared/data/attack/{name}", env!("CARGO_MANIFEST_DIR"));
    if std::path::Path::new(&path).exists() {
        Some(path)
    } else {
        println!("SKIPPED: {path} is not present (the shared ATT&CK test data lives outside the repository)");
        None
    }
}

/// A small STIX 2.1 bundle: two tactics, four techniques (one revoked), one intrusion set using two
/// techniques directly and one through software.
pub fn mini_bundle() -> String {
    serde_json::json!({
        "type": "bundle",
        "id": "bundle--1",
        "objects": [
            {"type": "x-mitre-matrix", "spec_version": "2.1", "id": "x-mitre-matrix--1", "name": "Enterprise",
             "external_references": [{"source_name": "mitre-attack", "external_id": "enterprise-attack"}],
             "tactic_refs": ["x-mitre-tactic--ia", "x-mitre-tactic--ca"]},
            {"type": "x-mitre-collection", "spec_version": "2.1", "id": "x-mitre-collection--1", "name": "c", "x_mitre_version": "18.1"},
            {"type": "x-mitre-tactic", "spec_version": "2.1", "id": "x-mitre-tactic--ca", "name": "Credential Access",
             "x_mitre_shortname": "credential-access", "external_references": [{"source_name": "mitre-attack", "external_id": "TA0006"}]},
            {"type": "x-mitre-tactic", "spec_version": "2.1", "id": "x-mitre-tactic--ia", "name": "Initial Access",
             "x_mitre_shortname": "initial-access", "external_references": [{"source_name": "mitre-attack", "external_id": "TA0001"}]},
            {"type": "attack-pattern", "spec_version": "2.1", "id": "attack-pattern--phish", "name": "Spearphishing Attachment",
             "external_references": [{"source_name": "mitre-attack", "external_id": "T1566.001"}],
             "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "initial-access"}]},
            {"type": "attack-pattern", "spec_version": "2.1", "id": "attack-pattern--ext", "name": "External Remote Services",
             "external_references": [{"source_name": "mitre-attack", "external_id": "T1133"}],
             "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "initial-access"}]},
            {"type": "attack-pattern", "spec_version": "2.1", "id": "attack-pattern--lsass", "name": "LSASS Memory",
             "external_references": [{"source_name": "mitre-attack", "external_id": "T1003.001"}],
             "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "credential-access"}]},
            {"type": "attack-pattern", "spec_version": "2.1", "id": "attack-pattern--old", "name": "Old", "revoked": true,
             "external_references": [{"source_name": "mitre-attack", "external_id": "T1999"}],
             "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "initial-access"}]},
            {"type": "intrusion-set", "spec_version": "2.1", "id": "intrusion-set--g", "name": "Test Group", "aliases": ["Test Group", "TG"],
             "external_references": [{"source_name": "mitre-attack", "external_id": "G9001"}]},
            {"type": "malware", "spec_version": "2.1", "id": "malware--m", "name": "Dumper",
             "external_references": [{"source_name": "mitre-attack", "external_id": "S9001"}]},
            {"type": "relationship", "spec_version": "2.1", "id": "relationship--1", "relationship_type": "uses",
             "source_ref": "intrusion-set--g", "target_ref": "attack-pattern--phish"},
            {"type": "relationship", "spec_version": "2.1", "id": "relationship--2", "relationship_type": "uses",
             "source_ref": "intrusion-set--g", "target_ref": "attack-pattern--ext"},
            {"type": "relationship", "spec_version": "2.1", "id": "relationship--3", "relationship_type": "uses",
             "source_ref": "intrusion-set--g", "target_ref": "malware--m"},
            {"type": "relationship", "spec_version": "2.1", "id": "relationship--4", "relationship_type": "uses",
             "source_ref": "malware--m", "target_ref": "attack-pattern--lsass"},
            {"type": "relationship", "spec_version": "2.1", "id": "relationship--5", "relationship_type": "uses",
             "source_ref": "intrusion-set--g", "target_ref": "attack-pattern--old"},
            {"type": "course-of-action", "spec_version": "2.1", "id": "course-of-action--1", "name": "Mitigation"}
        ]
    })
    .to_string()
}

/// The mini bundle imported.
pub fn mini_catalogue() -> AttackCatalogue {
    AttackCatalogue::from_stix_json(&mini_bundle()).unwrap_or_else(|e| panic!("{e}"))
}
