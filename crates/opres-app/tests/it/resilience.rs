//! Operational resilience in the register: maps, scenarios and runs as versioned documents.

use crate::support::code;
use opres_app::Register;
use opres_app::resilience::{MapExport, MapFile, ReportFormat, ResilienceError, ScenarioDoc};
use opres_domain::Lang;
use opres_resilience::{Problem, generate, interchange};
use opres_store::{AuditContext, engine_tests};

fn cli() -> opres_app::Actor {
    opres_app::Actor::cli(Lang::En)
}

fn ctx() -> AuditContext {
    AuditContext::new("test")
}

async fn bank(register: &Register, c: &str) {
    let rec: opres_domain::InstitutionRecord = serde_json::from_value(serde_json::json!({
        "code": c, "name_ja": "さくら銀行", "name_en": "Sakura Bank", "institution_type": "regional_bank"
    }))
    .unwrap();
    register.store().create_institution(&rec.validate().unwrap(), &ctx()).await.unwrap();
}

fn demo_json() -> Vec<u8> {
    interchange::to_json(&generate::demo_map().unwrap()).into_bytes()
}

engine_tests!(a_map_imports_whole_or_not_at_all, |db| {
    let register = Register::new(db.store.clone());
    bank(&register, "BANK-A").await;
    let a = code("BANK-A");
    // An institution that is not registered gets nothing.
    let json = MapFile { name: "map.json".into(), bytes: demo_json() };
    let e = register.import_resilience_map(&cli(), &code("NOPE"), std::slice::from_ref(&json), None).await.unwrap_err();
    assert!(matches!(e, ResilienceError::UnknownInstitution(_)), "{e:?}");
    // A good JSON map: stored under this institution, whatever the file says.
    let saved = register.import_resilience_map(&cli(), &a, std::slice::from_ref(&json), None).await.unwrap();
    assert_eq!(saved.version, 1);
    assert_eq!(saved.institution.as_deref(), Some("BANK-A"));
    let stored = register.require_resilience_map(&cli(), &a).await.unwrap();
    assert_eq!(stored.map.data().institution.as_ref(), Some(&a));
    assert_eq!(stored.map.services().len(), generate::demo_map().unwrap().services().len());

    // Bad CMDB tables: every problem with file, row and field, in both languages; nothing changes.
    let resources = "id,kind,name_ja\nCORE,system,勘定系\nBOT,robot,ロボット\n";
    let deps = "from,to\nSVC-FT,CORE\nSVC-FT,GHOST\n";
    let files = [
        MapFile { name: "resources.csv".into(), bytes: resources.as_bytes().to_vec() },
        MapFile { name: "dependencies.csv".into(), bytes: deps.as_bytes().to_vec() },
    ];
    let e = register.import_resilience_map(&cli(), &a, &files, Some(1)).await.unwrap_err();
    let ja: Vec<String> = e.issues().iter().map(|i| i.message(Lang::Ja)).collect();
    let en: Vec<String> = e.issues().iter().map(|i| i.message(Lang::En)).collect();
    assert!(en.iter().any(|m| m.starts_with("resources.csv row 3 kind: 'robot' is not a known code")), "{en:?}");
    assert!(ja.iter().any(|m| m.starts_with("resources.csv 3行目 kind: 「robot」は使用できないコードです")), "{ja:?}");
    // Rows that read are then checked as a map: an unknown reference is placed at the first dependency
    // row of the node that names it.
    let resources = "id,kind,name_ja\nCORE,system,勘定系\n";
    let files = [
        MapFile { name: "resources.csv".into(), bytes: resources.as_bytes().to_vec() },
        MapFile { name: "dependencies.csv".into(), bytes: deps.as_bytes().to_vec() },
    ];
    let e2 = register.import_resilience_map(&cli(), &a, &files, Some(1)).await.unwrap_err();
    let en2: Vec<String> = e2.issues().iter().map(|i| i.message(Lang::En)).collect();
    assert!(en2.iter().any(|m| m.starts_with("dependencies.csv row 2") && m.contains("GHOST")), "{en2:?}");
    assert!(e.message(Lang::Ja).contains("何も保存しませんでした"));
    let after = register.require_resilience_map(&cli(), &a).await.unwrap();
    assert_eq!(after.version, 1, "a refused import changes nothing");
    assert_eq!(after.map, stored.map);

    // The CMDB export round-trips: CSV keeps the stored services and gives the same map.
    let r = register.export_resilience_map(&cli(), &a, MapExport::ResourcesCsv).await.unwrap();
    let d = register.export_resilience_map(&cli(), &a, MapExport::DependenciesCsv).await.unwrap();
    let files = [
        MapFile { name: "dependencies.csv".into(), bytes: d.bytes },
        MapFile { name: "resources.csv".into(), bytes: r.bytes },
    ];
    let saved = register.import_resilience_map(&cli(), &a, &files, Some(1)).await.unwrap();
    assert_eq!(saved.version, 2);
    let again = register.require_resilience_map(&cli(), &a).await.unwrap();
    assert_eq!(again.map.services(), stored.map.services());
    assert_eq!(again.map.resources().len(), stored.map.resources().len());
    // So does the workbook.
    let x = register.export_resilience_map(&cli(), &a, MapExport::Xlsx).await.unwrap();
    register
        .import_resilience_map(&cli(), &a, &[MapFile { name: "cmdb.xlsx".into(), bytes: x.bytes }], Some(2))
        .await
        .unwrap();
    // A stale version is refused.
    let e = register.import_resilience_map(&cli(), &a, std::slice::from_ref(&json), Some(2)).await.unwrap_err();
    assert!(matches!(e, ResilienceError::Conflict { current_version: Some(3) }), "{e:?}");
    // Unknown file combinations are refused before reading.
    let e = register
        .import_resilience_map(&cli(), &a, &[MapFile { name: "map.txt".into(), bytes: vec![] }], Some(3))
        .await
        .unwrap_err();
    assert!(matches!(e, ResilienceError::BadFiles));
});

engine_tests!(services_and_tolerances_are_edited_with_versions, |db| {
    let register = Register::new(db.store.clone());
    bank(&register, "BANK-A").await;
    let a = code("BANK-A");
    let json = MapFile { name: "map.json".into(), bytes: demo_json() };
    register.import_resilience_map(&cli(), &a, &[json], None).await.unwrap();
    let m = register.require_resilience_map(&cli(), &a).await.unwrap();
    let mut svc = m.map.services()[0].clone();
    let id = svc.id.to_string();
    let deps = svc.depends_on.clone();
    svc.owner = "新しい主管部".into();
    svc.tolerances.clear(); // empty: the stored ones are kept
    svc.depends_on.clear(); // the form does not edit dependencies: kept
    let saved = register.save_resilience_service(&cli(), &a, Some(1), Some(&id), svc.clone()).await.unwrap();
    assert_eq!(saved.version, 2);
    let m2 = register.require_resilience_map(&cli(), &a).await.unwrap();
    let s2 = &m2.map.services()[0];
    assert_eq!(s2.owner, "新しい主管部");
    assert_eq!(s2.depends_on, deps);
    assert_eq!(s2.tolerances, m.map.services()[0].tolerances);
    // Someone else's edit in between: the stale form is refused, in both languages.
    let e = register.save_resilience_service(&cli(), &a, Some(1), Some(&id), svc.clone()).await.unwrap_err();
    assert!(matches!(e, ResilienceError::Conflict { current_version: Some(2) }), "{e:?}");
    assert!(e.message(Lang::Ja).contains("他の利用者が先に更新しました"));
    // A tolerance of 0 minutes is refused with its field.
    let mut t = s2.tolerances[0].clone();
    t.max_duration_minutes = 0.0;
    let e = register.save_resilience_tolerance(&cli(), &a, 2, &id, Some(0), t).await.unwrap_err();
    assert!(
        e.issues().iter().any(|i| i.location.field.as_deref().is_some_and(|f| f.ends_with("max_duration_minutes")))
    );
    // Deleting every tolerance is refused at the last one.
    let n = s2.tolerances.len();
    let mut v = 2;
    for _ in 1..n {
        v = register.delete_resilience_tolerance(&cli(), &a, v, &id, 0).await.unwrap().version;
    }
    let e = register.delete_resilience_tolerance(&cli(), &a, v, &id, 0).await.unwrap_err();
    assert!(e.issues().iter().any(|i| i.problem == Problem::NoTolerance), "{e:?}");
    // A new service with a duplicate id is refused.
    let e = register.save_resilience_service(&cli(), &a, Some(v), None, s2.clone()).await.unwrap_err();
    assert!(e.issues().iter().any(|i| matches!(i.problem, Problem::Duplicate { .. })), "{e:?}");
});

engine_tests!(scenarios_run_and_feed_the_report, |db| {
    let register = Register::new(db.store.clone());
    bank(&register, "BANK-A").await;
    bank(&register, "BANK-B").await;
    let a = code("BANK-A");
    assert!(register.load_resilience_demo(&cli(), &a).await.unwrap());
    assert!(!register.load_resilience_demo(&cli(), &a).await.unwrap(), "loads once");
    let scenarios = register.resilience_scenarios(&cli(), &a).await.unwrap();
    assert_eq!(scenarios.len(), generate::demo_scenarios().len());
    assert!(scenarios.iter().all(|s| s.key.starts_with("BANK-A/") && s.institution.as_deref() == Some("BANK-A")));
    assert!(register.resilience_scenarios(&cli(), &code("BANK-B")).await.unwrap().is_empty());
    // The stored run is what the engine gives for the same map and seed.
    let run = register.resilience_run(&cli(), &a, "SCN-DC-TOKYO").await.unwrap().unwrap();
    let m = register.require_resilience_map(&cli(), &a).await.unwrap();
    let sc = generate::demo_scenarios().into_iter().find(|s| s.id == "SCN-DC-TOKYO").unwrap();
    let direct =
        opres_app::resilience::run_doc(&m.map, m.version, ScenarioDoc { scenario: sc, samples: 10_000, seed: 1 })
            .unwrap();
    assert_eq!(run.doc.paper, direct.paper);
    assert_eq!(run.doc.monte_carlo, direct.monte_carlo);
    assert!(run.doc.paper.services.iter().any(|s| s.breach), "the demo's data-centre loss breaches something");
    // Running again keeps one (latest) run per scenario.
    let sv = register.resilience_scenario(&cli(), &a, "SCN-DC-TOKYO").await.unwrap().unwrap().version;
    // The version check is the use case's: a run based on another version is a conflict, not run.
    let e = register.run_resilience_scenario(&cli(), &a, "SCN-DC-TOKYO", sv + 1).await.unwrap_err();
    assert!(matches!(e, ResilienceError::Conflict { current_version: Some(v) } if v == sv), "{e:?}");
    let again = register.run_resilience_scenario(&cli(), &a, "SCN-DC-TOKYO", sv).await.unwrap();
    assert_eq!(again.version, 2);
    assert_eq!(again.doc.monte_carlo, run.doc.monte_carlo, "same seed, same result");
    // A scenario naming a resource the map lacks is refused with the field.
    let mut bad = register.resilience_scenario(&cli(), &a, "SCN-CORE").await.unwrap().unwrap();
    if let opres_resilience::ScenarioKind::Outage { losses } = &mut bad.doc.scenario.kind {
        losses[0].resource = opres_resilience::NodeId::parse("GHOST").unwrap();
    }
    let e = register.save_resilience_scenario(&cli(), &a, &bad.doc, Some(bad.version)).await.unwrap_err();
    assert!(e.issues().iter().any(|i| i.message(Lang::En).contains("GHOST")), "{e:?}");
    // The report lists the services and the breaching scenarios, in both languages.
    let today = generate::demo_today();
    let en = register.resilience_report(&cli(), &a, today, ReportFormat::Markdown, Lang::En).await.unwrap();
    let ja = register.resilience_report(&cli(), &a, today, ReportFormat::HtmlFragment, Lang::Ja).await.unwrap();
    let name_en = m.map.services()[0].name(Lang::En).to_string();
    assert!(en.contains(&name_en) && en.contains("Remediation"), "{en}");
    assert!(ja.contains("必要な対応") && !ja.contains("<html"), "fragment only");
    let e = register.resilience_report(&cli(), &code("BANK-B"), today, ReportFormat::Html, Lang::En).await.unwrap_err();
    assert!(matches!(e, ResilienceError::NoMap(_)));
});
