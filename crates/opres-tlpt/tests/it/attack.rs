//! ATT&CK import (STIX 2.0 and 2.1, the shared MITRE files and a small inline bundle) and Navigator layers.

use crate::common::{attack_file, demo, mini_bundle, mini_catalogue};
use opres_domain::Lang;
use opres_tlpt::attack::navigator::{self, COLOR_DETECTED, COLOR_MISSED, COLOR_UNTESTED, OverlayError};
use opres_tlpt::attack::{AttackCatalogue, StixError, StixVersion};
use opres_tlpt::demo::GOOD_ENGAGEMENT;
use opres_tlpt::ids::TechniqueId;

fn tid(s: &str) -> TechniqueId {
    TechniqueId::parse(s).unwrap_or_else(|e| panic!("{e}"))
}

fn load(name: &str) -> Option<AttackCatalogue> {
    let path = attack_file(name)?;
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Some(AttackCatalogue::from_stix_json(&text).unwrap_or_else(|e| panic!("{path}: {e}")))
}

#[test]
fn imports_enterprise_stix_2_0() {
    let Some(c) = load("enterprise-attack-subset.json") else { return };
    assert_eq!(c.stix_version, StixVersion::V2_0);
    assert_eq!(c.domain, "enterprise-attack");
    assert_eq!(c.tactics.len(), 14);
    // The matrix order starts with reconnaissance in Enterprise ATT&CK.
    assert_eq!(c.tactics[0].shortname.as_str(), "reconnaissance");
    // 835 attack-patterns, of which revoked and deprecated ones are skipped and counted.
    assert!(c.techniques.len() > 600 && c.techniques.len() < 835, "{}", c.techniques.len());
    assert!(c.skipped.revoked > 0 && c.skipped.deprecated > 0);
    assert!(c.technique(&tid("T1566.001")).is_some_and(|t| t.tactics.iter().any(|x| x.as_str() == "initial-access")));
    // Revoked and deprecated intrusion sets are gone; current ones remain with aliases.
    assert!(!c.intrusion_sets.contains_key("G0057"), "APT34 is revoked in this bundle");
    let apt38 = c.find_intrusion_set("bluenoroff").unwrap_or_else(|| panic!("APT38 by alias"));
    assert_eq!(apt38.id, "G0082");
    let used = c.techniques_of("G0082").unwrap_or_else(|| panic!("APT38 uses techniques"));
    assert!(used.len() > 20 && used.values().all(|u| u.direct));
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn imports_ics_stix_2_1_following_software_and_campaigns() {
    let Some(c) = load("ics-attack.json") else { return };
    assert_eq!(c.stix_version, StixVersion::V2_1);
    assert_eq!(c.domain, "ics-attack");
    assert_eq!(c.tactics.len(), 12);
    assert!(c.attack_version.as_deref().is_some_and(|v| v.starts_with("18")));
    // 95 attack-patterns, 12 deprecated.
    assert_eq!(c.techniques.len(), 83);
    assert!(c.skipped.deprecated >= 12, "{}", c.skipped.deprecated);
    // In ICS most of what groups do comes through their software and campaigns.
    let indirect = c
        .uses
        .values()
        .flat_map(|m| m.values())
        .filter(|u| !u.direct && (!u.via_software.is_empty() || !u.via_campaigns.is_empty()))
        .count();
    assert!(indirect > 0);
    let sandworm = c.find_intrusion_set("Sandworm Team").unwrap_or_else(|| panic!("Sandworm"));
    let used = c.techniques_of(&sandworm.id).unwrap_or_else(|| panic!("Sandworm uses techniques"));
    assert!(used.values().any(|u| !u.via_campaigns.is_empty()), "Sandworm's campaigns are followed");
}

#[test]
fn the_mini_bundle_follows_software_and_skips_revoked() {
    let c = mini_catalogue();
    assert_eq!(c.stix_version, StixVersion::V2_1);
    assert_eq!(c.attack_version.as_deref(), Some("18.1"));
    assert_eq!(
        c.tactics.iter().map(|t| t.shortname.as_str()).collect::<Vec<_>>(),
        ["initial-access", "credential-access"]
    );
    assert_eq!(c.techniques.len(), 3);
    assert_eq!((c.skipped.revoked, c.skipped.retired_relationships, c.skipped.other_types), (1, 1, 1));
    let used = c.techniques_of("G9001").unwrap_or_else(|| panic!("uses"));
    assert!(used[&tid("T1566.001")].direct);
    assert!(!used[&tid("T1003.001")].direct && used[&tid("T1003.001")].via_software.contains("S9001"));
    assert_eq!(c.find_intrusion_set("tg").map(|s| s.id.as_str()), Some("G9001"));
}

#[test]
fn errors_name_the_object() {
    let not_bundle = r#"{"type": "attack-pattern", "id": "x"}"#;
    assert!(matches!(AttackCatalogue::from_stix_json(not_bundle), Err(StixError::NotABundle { .. })));
    let v3 = mini_bundle().replacen("\"type\":\"bundle\"", "\"type\":\"bundle\",\"spec_version\":\"3.0\"", 1);
    assert!(matches!(AttackCatalogue::from_stix_json(&v3), Err(StixError::UnsupportedVersion { .. })));
    let no_id = mini_bundle().replace("\"T1133\"", "\"X-1\"");
    let err = AttackCatalogue::from_stix_json(&no_id).err().unwrap_or_else(|| panic!("must fail"));
    let msg = err.to_string();
    assert!(msg.contains("attack-pattern--ext") && msg.contains("External Remote Services"), "{msg}");
    assert!(err.message(Lang::Ja).contains("attack-pattern--ext"));
    let bad_field = mini_bundle().replacen("\"kill_chain_phases\":[", "\"kill_chain_phases\":[1,", 1);
    match AttackCatalogue::from_stix_json(&bad_field) {
        Err(StixError::BadObject { id, .. }) => assert!(id.starts_with("attack-pattern--"), "{id}"),
        other => panic!("expected a bad object, got {other:?}"),
    }
    assert!(matches!(AttackCatalogue::from_stix_json("{"), Err(StixError::NotJson { .. })));
}

#[test]
fn catalogue_serialises_for_storage() {
    let c = mini_catalogue();
    let json = serde_json::to_string(&c).unwrap_or_default();
    let back: AttackCatalogue = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, c);
}

#[test]
fn coverage_layer_has_the_navigator_fields() {
    let p = demo();
    let e = p.require_engagement(GOOD_ENGAGEMENT).unwrap_or_else(|e| panic!("{e}"));
    let c = mini_catalogue();
    let layer = navigator::coverage_layer(&[e], Some(&c), Lang::En);
    let v: serde_json::Value = serde_json::from_str(&layer.to_json()).unwrap_or_default();
    assert!(v["name"].as_str().is_some_and(|n| n.contains(GOOD_ENGAGEMENT)));
    assert_eq!(v["versions"]["layer"], "4.5");
    assert_eq!(v["versions"]["attack"], "18");
    assert!(v["versions"]["navigator"].as_str().is_some());
    assert_eq!(v["domain"], "enterprise-attack");
    let techniques = v["techniques"].as_array().cloned().unwrap_or_default();
    for t in &techniques {
        for k in ["techniqueID", "color", "score", "comment"] {
            assert!(t.get(k).is_some(), "{k} missing in {t}");
        }
    }
    let by_id = |id: &str| techniques.iter().find(|t| t["techniqueID"] == id).cloned().unwrap_or_default();
    // T1003.001 (LSASS) was executed once and detected by EDR; T1133 twice and never detected.
    assert_eq!(by_id("T1003.001")["color"], COLOR_DETECTED);
    assert_eq!(by_id("T1003.001")["score"], 100.0);
    assert_eq!(by_id("T1133")["color"], COLOR_MISSED);
    assert_eq!(by_id("T1133")["score"], 0.0);
    assert!(v["gradient"]["colors"].as_array().is_some_and(|c| c.len() >= 2));
    assert!(v["gradient"]["maxValue"].as_f64() > v["gradient"]["minValue"].as_f64());
    assert_eq!(v["legendItems"].as_array().map(|l| l.len()), Some(3));
    // Techniques the bundle does not know are named, not dropped silently.
    assert!(
        v["metadata"]
            .as_array()
            .is_some_and(|m| m.iter().any(|x| x["value"].as_str().is_some_and(|s| s.contains("T1558.003"))))
    );
}

#[test]
fn actor_overlay_contrasts_actor_techniques_with_the_test() {
    let p = demo();
    let e = p.require_engagement(GOOD_ENGAGEMENT).unwrap_or_else(|e| panic!("{e}"));
    let c = mini_catalogue();
    let layer = navigator::actor_overlay(&[e], &c, &["Test Group"], Lang::Ja).unwrap_or_else(|e| panic!("{e}"));
    let get = |id: &str| layer.techniques.iter().find(|t| t.technique_id == id);
    // Used and tested: coloured by detection; T1566.001 (phishing) was detected by a staff report.
    assert_eq!(get("T1566.001").map(|t| t.color.as_str()), Some(COLOR_DETECTED));
    assert_eq!(get("T1133").map(|t| t.color.as_str()), Some(COLOR_MISSED));
    assert!(get("T1003.001").is_some_and(|t| t.comment.contains("Test Group")));
    // Tested but not used by the set: shown separately.
    assert!(get("T1190").is_some_and(|t| t.color != COLOR_UNTESTED && t.score == 0.0));
    assert_eq!(layer.versions.layer, "4.5");
    assert_eq!(
        navigator::actor_overlay(&[e], &c, &["Nobody"], Lang::En).err(),
        Some(OverlayError::UnknownIntrusionSet("Nobody".into()))
    );
    assert_eq!(navigator::actor_overlay(&[e], &c, &[], Lang::En).err(), Some(OverlayError::NoIntrusionSet));
}

#[test]
fn actor_overlay_on_real_enterprise_data() {
    let Some(c) = load("enterprise-attack-subset.json") else { return };
    let p = demo();
    let e = p.require_engagement(GOOD_ENGAGEMENT).unwrap_or_else(|e| panic!("{e}"));
    let layer =
        navigator::actor_overlay(&[e], &c, &["G0082", "Lazarus Group"], Lang::En).unwrap_or_else(|e| panic!("{e}"));
    assert!(layer.techniques.iter().any(|t| t.color == COLOR_UNTESTED), "some actor techniques were not tested");
    assert!(layer.techniques.iter().any(|t| t.score >= 2.0), "some techniques are used by both sets");
    assert_eq!(layer.gradient.max_value, 2.0);
}
