//! Mappings between frameworks: validation against both, and results proposed from a source
//! assessment under the documented rule.

use opres_domain::Lang;
use opres_gap::framework::{FrameworkRecord, RequirementRecord};
use opres_gap::mapping::{Link, Mapping, MappingRecord, Relation, Strength, import_mapping, prefill};
use opres_gap::{Assessment, Entry, Framework, Outcome, ResultCode};
use proptest::prelude::*;

/// A framework `id` with a grouping node `g` and assessable nodes `ids` under it.
fn framework(id: &str, ids: &[&str]) -> Framework {
    let node = |rid: &str, parent: Option<&str>, assessable: bool| RequirementRecord {
        id: rid.into(),
        parent: parent.map(Into::into),
        title_en: rid.to_uppercase(),
        assessable,
        ..Default::default()
    };
    let mut requirements = vec![node("g", None, false)];
    requirements.extend(ids.iter().map(|r| node(r, Some("g"), true)));
    FrameworkRecord { id: id.into(), name_en: id.into(), requirements, ..Default::default() }.validate(id).unwrap()
}

fn entry(outcome: Outcome) -> Entry {
    Entry {
        outcome,
        current: 0,
        target: 0,
        rationale: String::new(),
        evidence: vec![],
        owner: None,
        reviewer: None,
        linked_records: 0,
        basis: Default::default(),
    }
}

#[test]
fn a_mapping_file_imports_and_writes_back_to_itself() {
    let (s, t) = (framework("fisc", &["a", "b"]), framework("nist", &["x", "y"]));
    let json = br#"{"source_framework": "fisc", "target_framework": "nist", "links": [
        {"source": "a", "target": "x", "relation": "equal", "strength": 10},
        {"source": "b", "target": "x", "relation": "intersects_with", "strength": "6"}]}"#;
    let m = import_mapping("m.json", json, &s, &t).unwrap();
    assert_eq!(m.links.len(), 2);
    assert_eq!(m.links[1].relation, Relation::IntersectsWith);
    assert_eq!(m.links[1].strength.get(), 6);
    assert_eq!(m.to_record().validate("again", &s, &t).unwrap(), m);
}

#[test]
fn every_problem_of_a_mapping_is_located_at_once() {
    let (s, t) = (framework("fisc", &["a", "b"]), framework("nist", &["x", "y"]));
    let json = br#"{"source_framework": "fisc-old", "target_framework": "nist", "links": [
        {"source": "a", "target": "x", "relation": "equal", "strength": 10},
        {"source": "zz", "target": "x", "relation": "equal", "strength": 5},
        {"source": "a", "target": "g", "relation": "same", "strength": 0},
        {"source": "b", "target": "nope", "strength": "high"},
        {"source": "a", "target": "x", "relation": "subset_of", "strength": 3}]}"#;
    let e = import_mapping("m.json", json, &s, &t).unwrap_err();
    let found: Vec<String> = e.0.iter().map(|p| format!("{} {} {}", p.at, p.field, p.reason.kind())).collect();
    assert_eq!(
        found,
        [
            "/ source_framework other_framework",
            "/links/1 source unknown_reference",
            "/links/2 target not_assessable",
            "/links/2 relation unknown_code",
            "/links/2 strength out_of_range",
            "/links/3 target unknown_reference",
            "/links/3 relation required",
            "/links/3 strength not_a_number",
            "/links/4 target duplicate",
        ]
    );
    assert!(e.message(Lang::Ja).contains("「0」は範囲外です（1〜10 で入力してください）"), "{}", e.message(Lang::Ja));
    let e = import_mapping("m.json", b"{\"links\": [\n{]", &s, &t).unwrap_err();
    assert!(e.message(Lang::En).contains("not valid JSON at line 2"), "{}", e.message(Lang::En));
}

/// Source `s` (a…f) to target `t` (x…), links given as (source, target, relation).
fn case(links: &[(&str, &str, Relation)], results: &[(&str, Outcome)]) -> Vec<(String, ResultCode, Vec<String>)> {
    let s = framework("s", &["a", "b", "c", "d", "e", "f"]);
    let t = framework("t", &["x", "y", "z"]);
    let mapping = Mapping {
        source_framework: "s".into(),
        target_framework: "t".into(),
        links: links
            .iter()
            .map(|(from, to, relation)| Link {
                source: (*from).into(),
                target: (*to).into(),
                relation: *relation,
                strength: Strength::new(5).unwrap(),
            })
            .collect(),
    };
    let mut a = Assessment::new(&s);
    for (id, outcome) in results {
        a.set(&s, id, entry(outcome.clone())).unwrap();
    }
    prefill(&mapping, &a, &t)
        .into_iter()
        .map(|p| (p.target, p.proposed, p.sources.into_iter().map(|s| s.requirement).collect()))
        .collect()
}

fn one(target: &str, proposed: ResultCode, sources: &[&str]) -> (String, ResultCode, Vec<String>) {
    (target.into(), proposed, sources.iter().map(|s| s.to_string()).collect())
}

#[test]
fn the_weakest_full_source_decides_and_every_source_is_named() {
    use Relation::*;
    let got = case(
        &[("a", "x", Equal), ("b", "x", SupersetOf), ("c", "y", Equal)],
        &[("a", Outcome::Met), ("b", Outcome::PartlyMet), ("c", Outcome::NotMet)],
    );
    assert_eq!(got, [one("x", ResultCode::PartlyMet, &["a", "b"]), one("y", ResultCode::NotMet, &["c"])]);
}

#[test]
fn partial_sources_give_at_most_partly_met() {
    use Relation::*;
    let links = [("a", "x", SubsetOf), ("b", "x", IntersectsWith), ("c", "y", SubsetOf), ("d", "y", SubsetOf)];
    let got = case(&links, &[("a", Outcome::Met), ("b", Outcome::Met), ("c", Outcome::NotMet), ("d", Outcome::NotMet)]);
    assert_eq!(got, [one("x", ResultCode::PartlyMet, &["a", "b"]), one("y", ResultCode::NotMet, &["c", "d"])]);
    // One part met, one not: partly met.
    let got = case(&links[2..], &[("c", Outcome::Met), ("d", Outcome::NotMet)]);
    assert_eq!(got, [one("y", ResultCode::PartlyMet, &["c", "d"])]);
}

#[test]
fn a_missing_part_lowers_a_met_full_source() {
    use Relation::*;
    let got = case(&[("a", "x", Equal), ("b", "x", SubsetOf)], &[("a", Outcome::Met), ("b", Outcome::NotMet)]);
    assert_eq!(got, [one("x", ResultCode::PartlyMet, &["a", "b"])]);
    // A met part does not raise a not met full source.
    let got = case(&[("a", "x", Equal), ("b", "x", SubsetOf)], &[("a", Outcome::NotMet), ("b", Outcome::Met)]);
    assert_eq!(got, [one("x", ResultCode::NotMet, &["a", "b"])]);
}

#[test]
fn not_related_not_applicable_and_unassessed_sources_contribute_nothing() {
    use Relation::*;
    let na = Outcome::not_applicable("no ATMs").unwrap();
    let got = case(
        &[("a", "x", NotRelated), ("b", "x", Equal), ("c", "x", SubsetOf), ("d", "y", Equal), ("e", "z", Equal)],
        &[("a", Outcome::NotMet), ("b", Outcome::Met), ("d", na)],
    );
    // x: a is not related, c has no entry: b alone. y: its only source is not applicable. z: e unassessed.
    assert_eq!(got, [one("x", ResultCode::Met, &["b"])]);
}

#[test]
fn nothing_is_proposed_from_an_assessment_of_another_framework() {
    let s = framework("s", &["a"]);
    let t = framework("t", &["x"]);
    let link =
        Link { source: "a".into(), target: "x".into(), relation: Relation::Equal, strength: Strength::new(9).unwrap() };
    let mapping = Mapping { source_framework: "s".into(), target_framework: "t".into(), links: vec![link] };
    let mut other = Assessment::new(&t);
    other.set(&t, "x", entry(Outcome::Met)).unwrap();
    assert!(prefill(&mapping, &other, &t).is_empty());
    let mut a = Assessment::new(&s);
    a.set(&s, "a", entry(Outcome::Met)).unwrap();
    assert_eq!(prefill(&mapping, &a, &t)[0].sources[0].strength.get(), 9);
    assert!(prefill(&mapping, &a, &s).is_empty());
}

proptest! {
    /// Any valid mapping written back as a record (and as JSON) validates to itself.
    #[test]
    fn a_mapping_round_trips_through_its_file_format(
        links in prop::collection::btree_map((0usize..4, 0usize..3), (0usize..5, 1u8..=10), 0..12)
    ) {
        let s = framework("s", &["a", "b", "c", "d"]);
        let t = framework("t", &["x", "y", "z"]);
        let (src, tgt) = (["a", "b", "c", "d"], ["x", "y", "z"]);
        let mapping = Mapping {
            source_framework: "s".into(),
            target_framework: "t".into(),
            links: links
                .iter()
                .map(|((i, j), (r, st))| Link {
                    source: src[*i].into(),
                    target: tgt[*j].into(),
                    relation: Relation::ALL[*r],
                    strength: Strength::new(*st).unwrap(),
                })
                .collect(),
        };
        let json = serde_json::to_vec(&mapping.to_record()).unwrap();
        prop_assert_eq!(&import_mapping("m.json", &json, &s, &t).unwrap(), &mapping);
        let record: MappingRecord = serde_json::from_slice(&json).unwrap();
        prop_assert_eq!(record, mapping.to_record());
    }
}
