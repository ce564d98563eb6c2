//! Single points of failure: for each service, the resources whose loss alone takes it down (its kill set),
//! and "soft" single points: failover groups whose switchover may not work.
//!
//! Kill sets follow the gates bottom-up: a leaf resource's is itself, AND takes the union of its dependencies'
//! sets, OR (and a failover group, judged as designed) the intersection, and k-of-n the members found in at
//! least n−k+1 dependencies' sets, since losing such a member removes enough of them. A resource with
//! dependencies of its own adds itself.
//!
//! Stored as sets, these are quadratic in the map (a chain of 30,000 resources holds 450 million entries), so
//! they are stored by their *generators* instead. Gates are monotone, so if losing `r` takes `v` down, then
//! whatever takes `r` down takes `v` down too: a kill set is closed downwards under "kills", and is the union of
//! the kill sets of a few resources. Each node keeps only those generators ([`KillSets`]): for AND the
//! dependencies themselves (a resource stands for its own kill set), for OR and k-of-n the resources found in
//! enough dependencies' sets by a walk down from the dependencies that stops at each such resource and as
//! soon as too few dependencies are still being walked. Memory is linear in the map; only the services' sets
//! are spelled out, once, at the end.

use crate::graph::{G_AND, G_FAILOVER, G_KOFN, G_OR, Graph};
use crate::model::DependencyMap;
use serde::{Deserialize, Serialize};
use std::collections::BinaryHeap;

/// The kill sets of every node, each as the union of the kill sets of its generator resources (plus the node
/// itself when it is a resource).
pub struct KillSets {
    start: Vec<usize>,
    len: Vec<u32>,
    gens: Vec<u32>,
}

impl KillSets {
    /// The generators of a node: its kill set is the union of theirs (with the node itself if a resource).
    pub fn generators(&self, node: usize) -> &[u32] {
        let s = self.start[node];
        &self.gens[s..s + self.len[node] as usize]
    }

    /// Number of generator entries stored for the whole map (what the analysis holds in memory).
    pub fn stored(&self) -> usize {
        self.gens.len()
    }

    /// The kill set of a node spelled out, as resource node indices in ascending order.
    pub fn expand(&self, g: &Graph, node: usize, sc: &mut Scratch) -> Vec<u32> {
        sc.fit(g.len());
        let stamp = sc.next_stamp();
        let mut out = Vec::new();
        let mut stack: Vec<u32> = Vec::new();
        if g.is_resource(node) {
            stack.push(node as u32);
        } else {
            stack.extend_from_slice(self.generators(node));
        }
        while let Some(x) = stack.pop() {
            let xi = x as usize;
            if sc.seen[xi] == stamp {
                continue;
            }
            sc.seen[xi] = stamp;
            out.push(x);
            stack.extend(self.generators(xi).iter().copied().filter(|&y| sc.seen[y as usize] != stamp));
        }
        out.sort_unstable();
        out
    }
}

/// Reusable work space of the kill-set walks (node-indexed stamps, so nothing is cleared per walk).
#[derive(Default)]
pub struct Scratch {
    stamp: u32,
    seen: Vec<u32>,
    slot: Vec<u32>,
}

impl Scratch {
    fn fit(&mut self, n: usize) {
        if self.seen.len() != n {
            *self = Scratch { stamp: 0, seen: vec![0; n], slot: vec![0; n] };
        }
    }

    fn next_stamp(&mut self) -> u32 {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.seen.fill(0);
            self.stamp = 1;
        }
        self.stamp
    }
}

/// Computes the generators of every node's kill set in one pass over the topological order.
pub fn kill_sets(g: &Graph) -> KillSets {
    let n = g.len();
    let mut ks = KillSets { start: vec![0; n], len: vec![0; n], gens: Vec::new() };
    let mut sc = Scratch::default();
    sc.fit(n);
    let mut walk = Walk::default();
    let mut out: Vec<u32> = Vec::new();
    for &v in g.topo_order() {
        let v = v as usize;
        let ch = g.children_of(v);
        out.clear();
        if !ch.is_empty() {
            let need = match g.gate_kind(v) {
                G_AND => 1,
                G_OR | G_FAILOVER => ch.len(),
                G_KOFN => ch.len() + 1 - g.gate_k(v).min(ch.len()),
                _ => ch.len() + 1,
            };
            if need == 1 {
                let stamp = sc.next_stamp();
                for c in ch {
                    for &x in handle(g, &ks, c) {
                        if sc.seen[x as usize] != stamp {
                            sc.seen[x as usize] = stamp;
                            out.push(x);
                        }
                    }
                }
            } else if need <= ch.len() {
                walk.run(g, &ks, ch, need, &mut sc, &mut out);
            }
        }
        ks.start[v] = ks.gens.len();
        ks.len[v] = out.len() as u32;
        ks.gens.extend_from_slice(&out);
    }
    ks
}

/// What a dependency contributes to its dependants' kill sets: a resource itself (it stands for its whole
/// kill set), a service or process its generators.
fn handle<'a>(g: &Graph, ks: &'a KillSets, c: &'a u32) -> &'a [u32] {
    if g.is_resource(*c as usize) { std::slice::from_ref(c) } else { ks.generators(*c as usize) }
}

/// The walk for OR and k-of-n gates: resources found in at least `need` of the dependencies' kill sets.
#[derive(Default)]
struct Walk {
    /// Max-heap of (topological position, node): dependants before what kills them, so a node's marks are
    /// complete when it comes off.
    heap: BinaryHeap<(u32, u32)>,
    /// Which dependencies reach each visited node, `words` per visited node.
    marks: Vec<u64>,
    /// Per dependency, how many queued nodes carry its mark.
    live: Vec<u32>,
}

impl Walk {
    fn run(&mut self, g: &Graph, ks: &KillSets, ch: &[u32], need: usize, sc: &mut Scratch, out: &mut Vec<u32>) {
        let words = ch.len().div_ceil(64);
        let stamp = sc.next_stamp();
        self.heap.clear();
        self.marks.clear();
        self.live.clear();
        self.live.resize(ch.len(), 0);
        let mut active = 0usize;
        // Marks node `x` with dependency `j`; a node's first mark gives it a slot and queues it.
        let mark = |x: u32, j: usize, walk: &mut Walk, sc: &mut Scratch, active: &mut usize| {
            let xi = x as usize;
            if sc.seen[xi] != stamp {
                sc.seen[xi] = stamp;
                sc.slot[xi] = (walk.marks.len() / words) as u32;
                walk.marks.resize(walk.marks.len() + words, 0);
                walk.heap.push((g.topo_pos(xi) as u32, x));
            }
            let w = sc.slot[xi] as usize * words + j / 64;
            let bit = 1u64 << (j % 64);
            if walk.marks[w] & bit == 0 {
                walk.marks[w] |= bit;
                if walk.live[j] == 0 {
                    *active += 1;
                }
                walk.live[j] += 1;
            }
        };
        for (j, c) in ch.iter().enumerate() {
            for &x in handle(g, ks, c) {
                mark(x, j, self, sc, &mut active);
            }
        }
        while active >= need {
            let Some((_, x)) = self.heap.pop() else { break };
            let xi = x as usize;
            let s = sc.slot[xi] as usize * words;
            let mut count = 0usize;
            for w in 0..words {
                let mut m = self.marks[s + w];
                count += m.count_ones() as usize;
                while m != 0 {
                    let j = w * 64 + m.trailing_zeros() as usize;
                    self.live[j] -= 1;
                    if self.live[j] == 0 {
                        active -= 1;
                    }
                    m &= m - 1;
                }
            }
            if count >= need {
                // In enough sets: it and everything that kills it belong; no need to walk below it.
                out.push(x);
                continue;
            }
            for &y in ks.generators(xi) {
                for w in 0..words {
                    let mut m = self.marks[s + w];
                    while m != 0 {
                        let j = w * 64 + m.trailing_zeros() as usize;
                        mark(y, j, self, sc, &mut active);
                        m &= m - 1;
                    }
                }
            }
        }
        self.heap.clear();
    }
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
    let ks = kill_sets(g);
    let mut sc = Scratch::default();
    let mut services = Vec::with_capacity(g.n_services());
    let mut by_res: std::collections::BTreeMap<u32, Vec<String>> = std::collections::BTreeMap::new();
    for s in 0..g.n_services() {
        let set = ks.expand(g, s, &mut sc);
        let mut ids: Vec<String> = set.iter().map(|&r| g.id(r as usize).to_string()).collect();
        ids.sort();
        for &r in &set {
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
    fn bitset_members() {
        assert_eq!(ServiceReach::members(&[0b1010, 1]), vec![1, 3, 64]);
    }
}
