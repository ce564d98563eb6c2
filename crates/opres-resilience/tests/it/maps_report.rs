use opres_domain::Lang;
use opres_resilience::engine::{CompiledScenario, FailoverAssumption, MonteCarloOptions};
use opres_resilience::generate::{demo_map, demo_scenarios, demo_today};
use opres_resilience::maps::{self, SvgOptions};
use opres_resilience::report::{self, ScenarioRun};

#[test]
fn svg_flowchart_shows_every_dependency_with_japanese_labels() {
    let map = demo_map().unwrap();
    let si = 0;
    let nodes = maps::service_nodes(&map, si);
    let svg =
        maps::service_svg(&map, "SVC-FT", &SvgOptions { lang: Lang::Ja, highlight: vec!["CORE".into()] }).unwrap();
    assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    for &n in &nodes {
        assert!(svg.contains(&format!(">{}<", map.node_id(n))), "{} drawn", map.node_id(n));
    }
    assert!(svg.contains("為替（振込）") && svg.contains("施設") && svg.contains("サードパーティ"));
    assert_eq!(svg.matches("stroke=\"#d00000\"").count(), 1, "one highlighted box");
    let edges: usize = nodes.iter().map(|&n| map.graph().children_of(n).len()).sum();
    assert_eq!(svg.matches("marker-end").count(), edges);
    assert!(maps::service_svg(&map, "CORE", &SvgOptions::default()).is_none(), "only services have flowcharts");
}

#[test]
fn text_exports_list_every_node_and_edge() {
    let map = demo_map().unwrap();
    let nodes = maps::service_nodes(&map, 0);
    let edges: usize = nodes.iter().map(|&n| map.graph().children_of(n).len()).sum();
    let m = maps::mermaid(&map, Some("SVC-FT"), Lang::En).unwrap();
    assert!(m.starts_with("flowchart LR"));
    assert_eq!(m.lines().filter(|l| l.contains("-->") || l.contains("-.->")).count(), edges);
    let d = maps::dot(&map, Some("SVC-FT"), Lang::Ja).unwrap();
    assert_eq!(d.matches(" -> ").count(), edges);
    assert!(d.contains("style=dashed"), "the standby edge is dashed");
    let c = maps::cytoscape(&map, None, Lang::Ja).unwrap();
    assert_eq!(c["elements"]["nodes"].as_array().unwrap().len(), map.graph().len());
}

#[test]
fn report_in_both_languages_says_which_scenarios_breach_and_why() {
    let map = demo_map().unwrap();
    let runs: Vec<ScenarioRun> = demo_scenarios()
        .into_iter()
        .map(|sc| {
            let c = CompiledScenario::new(&map, &sc).unwrap();
            ScenarioRun {
                paper: c.evaluate(FailoverAssumption::AsDesigned),
                monte_carlo: Some(c.simulate(&MonteCarloOptions { samples: 500, seed: 1, threads: Some(1) })),
                scenario: sc,
            }
        })
        .collect();
    let sa = report::assess(&map, demo_today(), runs);
    let kinds: Vec<&str> = sa.remediations.iter().map(|r| r.kind).collect();
    for k in ["breach", "spof", "soft_spof", "no_substitute", "review_overdue"] {
        assert!(kinds.contains(&k), "{k} in {kinds:?}");
    }
    let ja = report::render_html(&sa, Lang::Ja);
    for t in [
        "1. 重要な業務とその理由",
        "2. 耐性度とその理由",
        "4. シナリオテストの結果",
        "5. 単一障害点",
        "6. サードパーティへの集中",
        "7. 必要な対応",
        "超過",
        "締め",
    ] {
        assert!(ja.contains(t), "{t}");
    }
    assert!(ja.contains("<svg") && !ja.contains("<script") && !ja.contains("src=\"http"), "self-contained");
    let en = report::render_markdown(&sa, Lang::En);
    for t in ["## 1. Important business services and why", "BREACH", "```mermaid", "## 7. Remediation"] {
        assert!(en.contains(t), "{t}");
    }
    // The Tokyo data centre loss breaches funds transfer: the report says so with the metric and the path.
    assert!(en.contains("Maximum tolerable duration [FSA]") && en.contains("ZENGIN-GW → DC-TOKYO"));
}

/// Results are stored as JSON by the lead's store: they read back to the same JSON.
#[test]
fn results_round_trip_through_json() {
    let map = demo_map().unwrap();
    let sc = &demo_scenarios()[0];
    let c = CompiledScenario::new(&map, sc).unwrap();
    let paper = c.evaluate(FailoverAssumption::Fails);
    let mc = c.simulate(&MonteCarloOptions { samples: 300, seed: 3, threads: Some(1) });
    let spof = opres_resilience::spof::analyse(&map);
    let conc = opres_resilience::concentration::analyse(&map);
    fn same<T: serde::Serialize + serde::de::DeserializeOwned>(v: &T) {
        let a = serde_json::to_string(v).unwrap();
        let back: T = serde_json::from_str(&a).unwrap();
        assert_eq!(serde_json::to_string(&back).unwrap(), a);
    }
    same(&paper);
    same(&mc);
    same(&spof);
    same(&conc);
}
