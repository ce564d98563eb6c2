//! The built-in catalogues: each validates, has the number of requirements its source gives, links
//! only real codes, and is written in both languages.

use opres_domain::Lang;
use opres_gap::framework::{BUILT_IN, FrameworkRecord};
use opres_gap::{BasicAction, Framework, Level, Topic, built_in};
use opres_tlpt::assess::{CheckId, Side};
use std::collections::{BTreeMap, HashSet};

/// File, framework id, assessable requirements.
const EXPECTED: &[(&str, &str, usize)] = &[
    // One per bullet of the report's table of challenges and responses.
    ("report_challenges.json", "fsa_report_challenges", 16),
    // One per practice check (17) and the culture of reporting important issues.
    ("tlpt_practices.json", "fsa_tlpt_practices", 18),
    // Basic actions 4 + 4 + 6 + 4, and management's commitment and the user's point of view.
    ("operational_resilience.json", "fsa_operational_resilience", 20),
    // 2.1: 6; 2.2: 4 + 4 + 4 + 5 + 4; 2.3: 4 + 3 + 4 + 4; 2.4: 4; 2.5: 4 + 4; 2.6: 5.
    ("fsa_cyber_guideline_2024.json", "fsa_cyber_guideline_2024", 59),
];

fn load(file: &str) -> Framework {
    built_in(file)
        .unwrap_or_else(|| panic!("{file} is not built in"))
        .unwrap_or_else(|e| panic!("{file}: {}", e.message(Lang::En)))
}

fn record(file: &str) -> FrameworkRecord {
    let (_, text) = BUILT_IN.iter().find(|(f, _)| *f == file).unwrap();
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn japanese(s: &str) -> bool {
    s.chars().any(|c| matches!(c, '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}'))
}

/// The children of a node, in file order.
fn children<'a>(f: &'a Framework, id: &'a str) -> impl Iterator<Item = &'a opres_gap::Requirement> + 'a {
    f.requirements.iter().filter(move |r| r.parent.as_deref() == Some(id))
}

#[test]
fn every_built_in_validates_with_its_id_and_the_expected_number_of_assessable_requirements() {
    let listed: Vec<&str> = BUILT_IN.iter().map(|(f, _)| *f).collect();
    assert_eq!(listed, EXPECTED.iter().map(|(f, _, _)| *f).collect::<Vec<_>>());
    let mut ids = HashSet::new();
    for (file, id, assessable) in EXPECTED {
        let f = load(file);
        assert_eq!(f.id, *id, "{file}");
        assert!(ids.insert(f.id.clone()), "{file}: framework id {id} used twice");
        assert_eq!(f.assessable().count(), *assessable, "{file}");
        assert!(f.source.contains("edited summary"), "{file}: the source must say it is opres's edited summary");
        for r in &f.requirements {
            assert!(!r.reference.trim().is_empty(), "{file} {}: no source reference", r.id);
            if r.assessable {
                assert!(r.level.is_some(), "{file} {}: no level", r.id);
                assert!(!r.evidence.is_empty(), "{file} {}: no typical evidence", r.id);
                assert!(children(&f, &r.id).next().is_none(), "{file} {}: an assessable node has children", r.id);
            } else {
                assert!(children(&f, &r.id).next().is_some(), "{file} {}: a grouping node without children", r.id);
            }
        }
    }
}

#[test]
fn every_built_in_is_written_in_both_languages() {
    for (file, _) in BUILT_IN {
        let f = load(file);
        let (ja, en) = (f.name.ja.as_deref().unwrap_or(""), f.name.en.as_deref().unwrap_or(""));
        assert!(japanese(ja) && !en.is_empty() && !japanese(en), "{file}: name {ja:?} / {en:?}");
        for r in &f.requirements {
            let (ja, en) = (r.title.ja.as_deref().unwrap_or(""), r.title.en.as_deref().unwrap_or(""));
            assert!(japanese(ja), "{file} {}: Japanese title {ja:?}", r.id);
            assert!(!en.trim().is_empty() && !japanese(en), "{file} {}: English title {en:?}", r.id);
            match (r.description.ja.as_deref(), r.description.en.as_deref()) {
                (None, None) => {}
                (Some(ja), Some(en)) => {
                    assert!(japanese(ja) && !japanese(en), "{file} {}: descriptions in the wrong language", r.id)
                }
                _ => panic!("{file} {}: a description in one language only", r.id),
            }
        }
    }
}

#[test]
fn every_practice_check_link_is_a_real_tlpt_check() {
    for (file, _) in BUILT_IN {
        for r in record(file).requirements {
            for c in &r.practice_checks {
                assert!(CheckId::parse(c).is_ok(), "{file} {}: {c} is not an opres_tlpt::assess::CheckId", r.id);
            }
        }
    }
}

#[test]
fn the_tlpt_practices_link_every_check_once_from_the_item_it_comes_from() {
    let f = load("tlpt_practices.json");
    let roots: Vec<&str> = f.requirements.iter().filter(|r| r.parent.is_none()).map(|r| r.id.as_str()).collect();
    assert_eq!(roots, ["preparation", "intelligence", "testing", "reporting", "management"]);
    let mut linked: BTreeMap<CheckId, Vec<&str>> = BTreeMap::new();
    for r in f.assessable() {
        for c in &r.practice_checks {
            linked.entry(*c).or_default().push(&r.id);
        }
        // One practice each; only the culture of reporting has no check of its own.
        if r.topics.contains(&Topic::TlptCulture) {
            assert!(r.practice_checks.is_empty(), "{}", r.id);
        } else {
            assert_eq!(r.practice_checks.len(), 1, "{}", r.id);
        }
    }
    for c in CheckId::ALL {
        assert_eq!(linked.get(c).map(Vec::len), Some(1), "{c} linked {:?}", linked.get(c));
    }
    for r in f.assessable() {
        let Some(c) = r.practice_checks.first() else { continue };
        let reference = &r.reference;
        match c.side() {
            Side::GoodPractice | Side::Shortcoming => {
                assert!(reference.contains(&format!("「{}」", c.area().label(Lang::Ja))), "{}: {reference}", r.id);
                assert!(reference.contains(c.side().label(Lang::Ja)), "{}: {reference}", r.id);
                let level = if c.side() == Side::GoodPractice { Level::Desirable } else { Level::Basic };
                assert_eq!(r.level, Some(level), "{}", r.id);
            }
            Side::ImportantElement => assert!(reference.starts_with(c.area().label(Lang::Ja)), "{}", r.id),
            Side::Expectation => assert!(reference.starts_with("求められる対応"), "{}", r.id),
        }
    }
    let culture: Vec<_> = f.assessable().filter(|r| r.topics.contains(&Topic::TlptCulture)).collect();
    assert_eq!(culture.len(), 1);
    assert_eq!(f.area_of(&culture[0].id), Some("management"));
    assert_eq!(f.area_of("management.whole_picture"), Some("management"));
}

#[test]
fn operational_resilience_groups_its_focus_points_under_the_four_basic_actions() {
    let f = load("operational_resilience.json");
    for action in BasicAction::ALL {
        let groups: Vec<_> =
            f.requirements.iter().filter(|r| !r.assessable && r.basic_action == Some(*action)).collect();
        assert_eq!(groups.len(), 1, "{action}");
        assert!(groups[0].parent.is_none(), "{action}");
        let under: Vec<_> = children(&f, &groups[0].id).collect();
        assert!(under.len() >= 3 && under.iter().all(|r| r.assessable && r.basic_action == Some(*action)), "{action}");
    }
    for r in f.assessable() {
        let area = f.get(f.area_of(&r.id).unwrap()).unwrap();
        assert_eq!(r.basic_action, area.basic_action, "{}", r.id);
    }
    for topic in [Topic::Redundancy, Topic::ThirdParty, Topic::StorageCapacity] {
        let at: Vec<_> = f.assessable().filter(|r| r.topics.contains(&topic)).map(|r| r.id.as_str()).collect();
        assert!(!at.is_empty(), "{topic} linked nowhere");
        assert!(at.iter().all(|id| f.area_of(id) == Some("mapping")), "{topic}: {at:?}");
    }
}

#[test]
fn the_cyber_guideline_follows_its_six_areas_with_three_to_six_requirements_per_section() {
    let f = load("fsa_cyber_guideline_2024.json");
    let areas: Vec<&str> = f.requirements.iter().filter(|r| r.parent.is_none()).map(|r| r.reference.as_str()).collect();
    assert_eq!(areas, ["2.1", "2.2", "2.3", "2.4", "2.5", "2.6"]);
    let sections = |area: &str| -> Vec<String> {
        let id = &f.requirements.iter().find(|r| r.reference == area).unwrap().id;
        children(&f, id).filter(|r| !r.assessable).map(|r| r.reference.clone()).collect()
    };
    assert_eq!(sections("2.2"), ["2.2.1", "2.2.2", "2.2.3", "2.2.4", "2.2.5"]);
    assert_eq!(sections("2.3"), ["2.3.1", "2.3.2", "2.3.3", "2.3.4"]);
    assert_eq!(sections("2.5"), ["2.5.1", "2.5.2"]);
    for area in ["2.1", "2.4", "2.6"] {
        assert!(sections(area).is_empty(), "{area}");
    }
    // Each section that holds requirements holds 3 to 6, numbered under its reference.
    for group in f.requirements.iter().filter(|r| !r.assessable) {
        let reqs: Vec<_> = children(&f, &group.id).filter(|r| r.assessable).collect();
        if reqs.is_empty() {
            continue;
        }
        assert!((3..=6).contains(&reqs.len()), "{}: {} requirements", group.reference, reqs.len());
        for (i, r) in reqs.iter().enumerate() {
            assert_eq!(r.reference, format!("{}・{}", group.reference, i + 1), "{}", r.id);
        }
    }
    let levels: HashSet<Level> = f.assessable().filter_map(|r| r.level).collect();
    assert_eq!(levels, HashSet::from([Level::Basic, Level::Desirable]));
    // TLPT checks only from 2.2.4; every topic the derivations know is asked about somewhere.
    for r in f.assessable().filter(|r| !r.practice_checks.is_empty()) {
        let parent = f.get(r.parent.as_deref().unwrap()).unwrap();
        assert_eq!(parent.reference, "2.2.4", "{}", r.id);
    }
    assert!(f.assessable().filter(|r| r.reference.starts_with("2.2.4")).any(|r| !r.practice_checks.is_empty()));
    for topic in [Topic::Redundancy, Topic::ThirdParty, Topic::TlptCulture] {
        assert!(f.assessable().any(|r| r.topics.contains(&topic)), "{topic}");
    }
    let third: Vec<_> = f.assessable().filter(|r| f.area_of(&r.id) == Some("third_party")).collect();
    assert!(third.iter().all(|r| r.topics.contains(&Topic::ThirdParty)));
    assert!(f.assessable().any(|r| !r.trends.is_empty()));
}
