//! Third-party concentration: which services depend on each provider (directly or through subcontractors),
//! providers rolled up by ultimate parent, the Herfindahl–Hirschman index and top shares, and providers
//! without a substitute (losing all of the provider's resources takes a service down).

use crate::model::{DependencyMap, ResourceKind};
use crate::spof::ServiceReach;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One provider (or one ultimate parent) and the services that depend on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderExposure {
    /// The provider's (or parent's) name.
    pub name: String,
    /// For a provider: its ultimate parent.
    pub ultimate_parent: String,
    /// Its third-party resource ids.
    pub resources: Vec<String>,
    /// Services depending on it in any way.
    pub services: Vec<String>,
    /// Services depending on it without another third party in between.
    pub direct_services: Vec<String>,
    /// Services depending on it only through a subcontracting third party.
    pub via_subcontractor_services: Vec<String>,
    /// Services that go down when all of its resources are lost: it has no substitute for them.
    pub no_substitute_services: Vec<String>,
    /// Its share of all service–provider dependencies, 0–1.
    pub share: f64,
}

/// Concentration figures over a set of exposures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConcentrationIndex {
    /// Herfindahl–Hirschman index, 0–10,000, over shares of service–provider dependencies.
    pub hhi: f64,
    /// Share of the largest.
    pub top1_share: f64,
    /// Share of the three largest together.
    pub top3_share: f64,
}

/// The concentration analysis of a map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConcentrationReport {
    /// Providers, most services first.
    pub providers: Vec<ProviderExposure>,
    /// Ultimate parents, most services first.
    pub parents: Vec<ProviderExposure>,
    /// Index over providers.
    pub by_provider: ConcentrationIndex,
    /// Index over ultimate parents.
    pub by_parent: ConcentrationIndex,
}

impl ConcentrationReport {
    /// Providers that some service cannot do without.
    pub fn without_substitute(&self) -> impl Iterator<Item = &ProviderExposure> {
        self.providers.iter().filter(|p| !p.no_substitute_services.is_empty())
    }
}

fn index_of(exposures: &mut [ProviderExposure]) -> ConcentrationIndex {
    let total: usize = exposures.iter().map(|e| e.services.len()).sum();
    if total == 0 {
        return ConcentrationIndex { hhi: 0.0, top1_share: 0.0, top3_share: 0.0 };
    }
    for e in exposures.iter_mut() {
        e.share = e.services.len() as f64 / total as f64;
    }
    exposures.sort_by(|a, b| b.services.len().cmp(&a.services.len()).then_with(|| a.name.cmp(&b.name)));
    let hhi = exposures.iter().map(|e| (e.share * 100.0).powi(2)).sum();
    let top1_share = exposures.first().map(|e| e.share).unwrap_or(0.0);
    let top3_share = exposures.iter().take(3).map(|e| e.share).sum();
    ConcentrationIndex { hhi, top1_share, top3_share }
}

/// Analyses third-party concentration of a map.
pub fn analyse(map: &DependencyMap) -> ConcentrationReport {
    let g = map.graph();
    let reach = ServiceReach::compute(map, false);
    let direct = ServiceReach::compute(map, true);
    let words = reach.words;
    // provider → (parent, resource nodes)
    let mut providers: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    for node in g.first_resource()..g.len() {
        if let Some(r) = map.resource(node)
            && r.kind == ResourceKind::ThirdParty
        {
            let provider = r.provider.clone().unwrap_or_default();
            let parent = r.parent_or_provider().unwrap_or_default().to_string();
            let e = providers.entry(provider).or_insert_with(|| (parent, Vec::new()));
            e.1.push(node);
        }
    }
    let ids =
        |set: &[u64]| -> Vec<String> { ServiceReach::members(set).into_iter().map(|s| g.id(s).to_string()).collect() };
    let union = |nodes: &[usize], r: &ServiceReach| -> Vec<u64> {
        let mut acc = vec![0u64; words];
        for &n in nodes {
            for (a, b) in acc.iter_mut().zip(r.of(n)) {
                *a |= b;
            }
        }
        acc
    };
    let mut scratch = crate::graph::DownScratch::default();
    let mut exposures = Vec::new();
    let mut by_parent: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (name, (parent, nodes)) in &providers {
        let all = union(nodes, &reach);
        let dir = union(nodes, &direct);
        let via: Vec<u64> = all.iter().zip(&dir).map(|(a, d)| a & !d).collect();
        let no_sub: Vec<String> =
            g.services_down(nodes, true, &mut scratch).into_iter().map(|s| g.id(s).to_string()).collect();
        by_parent.entry(parent.clone()).or_default().extend(nodes.iter().copied());
        exposures.push(ProviderExposure {
            name: name.clone(),
            ultimate_parent: parent.clone(),
            resources: nodes.iter().map(|&n| g.id(n).to_string()).collect(),
            services: ids(&all),
            direct_services: ids(&dir),
            via_subcontractor_services: ids(&via),
            no_substitute_services: no_sub,
            share: 0.0,
        });
    }
    let mut parents = Vec::new();
    for (name, nodes) in &by_parent {
        let all = union(nodes, &reach);
        let dir = union(nodes, &direct);
        let via: Vec<u64> = all.iter().zip(&dir).map(|(a, d)| a & !d).collect();
        let down = g.services_down(nodes, true, &mut scratch);
        parents.push(ProviderExposure {
            name: name.clone(),
            ultimate_parent: name.clone(),
            resources: nodes.iter().map(|&n| g.id(n).to_string()).collect(),
            services: ids(&all),
            direct_services: ids(&dir),
            via_subcontractor_services: ids(&via),
            no_substitute_services: down.into_iter().map(|s| g.id(s).to_string()).collect(),
            share: 0.0,
        });
    }
    let by_provider = index_of(&mut exposures);
    let by_parent_idx = index_of(&mut parents);
    ConcentrationReport { providers: exposures, parents, by_provider, by_parent: by_parent_idx }
}
