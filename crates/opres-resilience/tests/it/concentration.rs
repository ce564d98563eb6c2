use opres_resilience::concentration;
use opres_resilience::generate::demo_map;

#[test]
fn demo_providers_direct_subcontracted_and_without_substitute() {
    let map = demo_map().unwrap();
    let c = concentration::analyse(&map);
    let cloud = c.providers.iter().find(|p| p.name == "メガクラウド株式会社").unwrap();
    // Funds transfer reaches the cloud through internet banking, one of its two ways to accept orders.
    assert_eq!(cloud.services, vec!["SVC-FT", "SVC-IB", "SVC-AO"]);
    assert_eq!(cloud.direct_services, vec!["SVC-FT", "SVC-IB"]);
    assert_eq!(cloud.via_subcontractor_services, vec!["SVC-AO"], "account opening reaches the cloud only via eKYC");
    assert_eq!(cloud.no_substitute_services, vec!["SVC-IB", "SVC-AO"], "branches take transfer orders instead");
    let parent = c.parents.iter().find(|p| p.name == "Mega Cloud Holdings Inc.").unwrap();
    assert_eq!(parent.resources.len(), 2);
    assert_eq!(parent.services, vec!["SVC-FT", "SVC-IB", "SVC-AO"]);
    let zengin = c.providers.iter().find(|p| p.name == "全国銀行資金決済ネットワーク").unwrap();
    assert_eq!(zengin.no_substitute_services, vec!["SVC-FT"]);
}

#[test]
fn hhi_and_top_shares_from_service_counts() {
    let map = demo_map().unwrap();
    let c = concentration::analyse(&map);
    let counts: Vec<usize> = c.providers.iter().map(|p| p.services.len()).collect();
    let total: usize = counts.iter().sum();
    let hhi: f64 = counts.iter().map(|&n| (100.0 * n as f64 / total as f64).powi(2)).sum();
    assert!((c.by_provider.hhi - hhi).abs() < 1e-9);
    // Five providers serving 3 (cloud), 1, 1, 1, 1 services: HHI = 10,000 × (9 + 4) / 49.
    assert!((c.by_provider.hhi - 10_000.0 * 13.0 / 49.0).abs() < 1e-6);
    assert!((c.by_provider.top1_share - 3.0 / 7.0).abs() < 1e-9);
    assert!((c.by_provider.top3_share - 5.0 / 7.0).abs() < 1e-9);
    assert!(c.by_parent.hhi >= c.by_provider.hhi, "rolling up cannot lower concentration");
}
