//! Single points of failure: for each service, the resources whose loss alone takes it down (its kill set),
//! and "soft" single points: failover groups whose switchover may not work.
//!
//! Kill sets are computed bottom-up in one pass over the topological order: a leaf resource's is itself, AND
//! takes the union of its dependencies' sets, OR (and a failover group, judged as designed) the intersection,
//! and k-of-n the members found in at least n−k+1 dependencies' sets, since losing such a member removes
//! enough of them. A resource with dependencies of its own adds itself.

use crate::graph::{G_AND, G_FAILOVER, G_KOFN, G_OR, Graph};
use crate::model::DependencyMap;
use serde::{Deserialize, Serialize};

/// The kill set of every node, as sorted resource node indices.
pub fn kill_sets(g: &Graph) -> Vec<Vec<u32>> {
    let mut sets: Vec<Vec<u32>> = vec![Vec::new(); g.len()];
    let mut scratch: Vec<u32> = Vec::new();
    for &v in g.topo_order() {
        let v = v as usize;
        let ch = g.children_of(v);
        let mut set: Vec<u32> = if ch.is_empty() {
            Vec::new()
        } else {
            match g.gate_kind(v) {
                G_AND => {
                    scratch.clear();
                    for &c in ch {
                        scratch.extend_from_slice(&sets[c as usize]);
                    }
                    scratch.sort_unstable();
                    scratch.dedup();
                    scratch.clone()
                }
                G_OR | G_FAILOVER => {
                    let mut acc = sets[ch[0] as usize].clone();
                    for &c in &ch[1..] {
                        if acc.is_empty() {
                            break;
                        }
                        acc = intersect(&acc, &sets[c as usize]);
                    }
                    acc
                }
                G_KOFN => {
                    let need = ch.len() + 1 - g.gate_k(v).min(ch.len());
                    scratch.clear();
                    for &c in ch {
                        scratch.extend_from_slice(&sets[c as usize]);
                    }
                    scratch.sort_unstable();
                    let mut out = Vec::new();
                    let mut i = 0;
                    while i < scratch.len() {
                        let mut j = i;
                        while j < scratch.len() && scratch[j] == scratch[i] {
                            j += 1;
                        }
                        if j - i >= need {
                            out.push(scratch[i]);
                        }
                        i = j;
                    }
                    out
                }
                _ => Vec::new(),
            }
        };
        if g.is_resource(v) {
            match set.binary_search(&(v as u32)) {
                Ok(_) => {}
                Err(pos) => set.insert(pos, v as u32),
            }
        }
        sets[v] = set;
    }
    sets
}

fn intersect(a: &[u32], b: &[u32]) -> Vec<u32> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// Bitsets of the services that depend on each node (words of 64 services; `words` per node).
pub struct ServiceReach {
    /// Words per node.
    pub words: usize,
    bits: Vec<u64>,
}

impl ServiceReach {
    /// Computes, top-down, which services depend on each node. With `stop_at_third_party`, a path does not
    /// continue below a third party: what remains is the services that reach a node *directly*, not through
    /// a subcontracting provider.
    pub fn compute(map: &DependencyMap, stop_at_third_party: bool) -> ServiceReach {
        let g = map.graph();
        let words = g.n_services().div_ceil(64).max(1);
        let mut bits = vec![0u64; g.len() * words];
        for s in 0..g.n_services() {
            bits[s * words + s / 64] |= 1u64 << (s % 64);
        }
        for &v in g.topo_order().iter().rev() {
            let v = v as usize;
            if stop_at_third_party
                && matches!(map.node_kind(v), crate::model::NodeKind::Resource(crate::model::ResourceKind::ThirdParty))
            {
                continue;
            }
            for &c in g.children_of(v) {
                let c = c as usize;
                for w in 0..words {
                    bits[c * words + w] |= bits[v * words + w];
                }
            }
        }
        ServiceReach { words, bits }
    }

    /// The bitset of a node.
    pub fn of(&self, node: usize) -> &[u64] {
        &self.bits[node * self.words..(node + 1) * self.words]
    }

    /// How many services depend on a node.
    pub fn count(&self, node: usize) -> usize {
        self.of(node).iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The service indices in a bitset.
    pub fn members(set: &[u64]) -> Vec<usize> {
        let mut out = Vec::new();
        for (w, &word) in set.iter().enumerate() {
            let mut x = word;
            while x != 0 {
                let b = x.trailing_zeros() as usize;
                out.push(w * 64 + b);
                x &= x - 1;
            }
        }
        out
    }
}

/// A redundant group whose switchover may not work ("redundancy did not work as intended").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SoftSpof {
    /// The failover node's id.
    pub node: String,
    /// The primary's id.
    pub primary: String,
    /// The standby's id.
    pub standby: String,
    /// Probability the switchover works.
    pub switchover_probability: f64,
    /// Minutes the switchover takes.
    pub switchover_minutes: f64,
    /// Services depending on the group.
    pub services: Vec<String>,
    /// (1 − p) × number of services: the ranking key.
    pub score: f64,
}

/// Single points of failure of one service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceSpofs {
    /// The service's id.
    pub service: String,
    /// Resource ids whose loss alone takes the service down, sorted by id.
    pub resources: Vec<String>,
}

/// Single points of failure of a whole map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpofReport {
    /// Per service, in register order.
    pub services: Vec<ServiceSpofs>,
    /// Resources that are a single point of failure of at least one service, with the services, most first.
    pub by_resource: Vec<(String, Vec<String>)>,
    /// Soft single points, highest score first.
    pub soft: Vec<SoftSpof>,
}

/// Analyses single points of failure (hard and soft) of every service.
pub fn analyse(map: &DependencyMap) -> SpofReport {
    let g = map.graph();
    let sets = kill_sets(g);
    let mut services = Vec::with_capacity(g.n_services());
    let mut by_res: std::collections::BTreeMap<u32, Vec<String>> = std::collections::BTreeMap::new();
    for (s, set) in sets.iter().enumerate().take(g.n_services()) {
        let mut ids: Vec<String> = set.iter().map(|&r| g.id(r as usize).to_string()).collect();
        ids.sort();
        for &r in set {
            by_res.entry(r).or_default().push(g.id(s).to_string());
        }
        services.push(ServiceSpofs { service: g.id(s).to_string(), resources: ids });
    }
    let mut by_resource: Vec<(String, Vec<String>)> =
        by_res.into_iter().map(|(r, s)| (g.id(r as usize).to_string(), s)).collect();
    by_resource.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
    let reach = ServiceReach::compute(map, false);
    let mut soft = Vec::new();
    for v in 0..g.len() {
        if g.gate_kind(v) != G_FAILOVER {
            continue;
        }
        let (p, m) = g.switchover(v);
        if p >= 1.0 {
            continue;
        }
        let svcs: Vec<String> = ServiceReach::members(reach.of(v)).into_iter().map(|s| g.id(s).to_string()).collect();
        if svcs.is_empty() {
            continue;
        }
        let ch = g.children_of(v);
        soft.push(SoftSpof {
            node: g.id(v).to_string(),
            primary: g.id(ch[0] as usize).to_string(),
            standby: g.id(ch[1] as usize).to_string(),
            switchover_probability: p,
            switchover_minutes: m,
            score: (1.0 - p) * svcs.len() as f64,
            services: svcs,
        });
    }
    soft.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.node.cmp(&b.node)));
    SpofReport { services, by_resource, soft }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_intersection() {
        assert_eq!(intersect(&[1, 3, 5, 7], &[2, 3, 7, 9]), vec![3, 7]);
        assert!(intersect(&[1], &[]).is_empty());
    }

    #[test]
    fn bitset_members() {
        assert_eq!(ServiceReach::members(&[0b1010, 1]), vec![1, 3, 64]);
    }
}
