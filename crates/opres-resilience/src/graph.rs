//! The map compiled to flat arrays: CSR adjacency both ways, gates as parallel arrays and a topological
//! order (dependencies before dependants). Engines work on indices only; no hashing in inner loops.

use crate::model::{Gate, MapData};
use std::collections::{HashMap, VecDeque};

/// Gate codes in the flat arrays.
pub(crate) const G_AND: u8 = 0;
pub(crate) const G_OR: u8 = 1;
pub(crate) const G_KOFN: u8 = 2;
pub(crate) const G_FAILOVER: u8 = 3;

/// The compiled graph. Nodes are numbered services first, then processes, then resources, in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct Graph {
    ids: Vec<String>,
    index: HashMap<String, u32>,
    n_services: usize,
    n_processes: usize,
    child_off: Vec<u32>,
    children: Vec<u32>,
    parent_off: Vec<u32>,
    parents: Vec<u32>,
    gate_kind: Vec<u8>,
    gate_k: Vec<u32>,
    switch_p: Vec<f64>,
    switch_minutes: Vec<f64>,
    topo: Vec<u32>,
    topo_pos: Vec<u32>,
}

/// Reusable work space for [`Graph::services_down`], so repeated calls allocate nothing per node.
#[derive(Debug, Default)]
pub struct DownScratch {
    stamp: u32,
    mark: Vec<u32>,
    lost: Vec<u32>,
    down: Vec<bool>,
    list: Vec<u32>,
}

impl Graph {
    /// Builds the arrays; `Err` carries the ids on a dependency cycle (first id repeated at the end).
    /// References must already be known to exist.
    pub(crate) fn build(data: &MapData) -> Result<Graph, Vec<String>> {
        let mut ids = Vec::new();
        let mut gates = Vec::new();
        let mut deps: Vec<&[crate::model::NodeId]> = Vec::new();
        for s in &data.services {
            ids.push(s.id.as_str().to_string());
            gates.push(s.gate);
            deps.push(&s.depends_on);
        }
        for p in &data.processes {
            ids.push(p.id.as_str().to_string());
            gates.push(p.gate);
            deps.push(&p.depends_on);
        }
        for r in &data.resources {
            ids.push(r.id.as_str().to_string());
            gates.push(r.gate);
            deps.push(&r.depends_on);
        }
        let n = ids.len();
        let index: HashMap<String, u32> = ids.iter().enumerate().map(|(i, id)| (id.clone(), i as u32)).collect();
        let mut child_off = Vec::with_capacity(n + 1);
        let mut children = Vec::new();
        child_off.push(0u32);
        for d in &deps {
            children.extend(d.iter().filter_map(|c| index.get(c.as_str()).copied()));
            child_off.push(children.len() as u32);
        }
        // Reverse adjacency by counting sort, so parents of a node are in ascending index order.
        let mut pcount = vec![0u32; n + 1];
        for &c in &children {
            pcount[c as usize + 1] += 1;
        }
        for i in 0..n {
            pcount[i + 1] += pcount[i];
        }
        let parent_off = pcount.clone();
        let mut fill = pcount;
        let mut parents = vec![0u32; children.len()];
        for p in 0..n {
            for &c in &children[child_off[p] as usize..child_off[p + 1] as usize] {
                parents[fill[c as usize] as usize] = p as u32;
                fill[c as usize] += 1;
            }
        }
        let mut gate_kind = Vec::with_capacity(n);
        let mut gate_k = Vec::with_capacity(n);
        let mut switch_p = Vec::with_capacity(n);
        let mut switch_minutes = Vec::with_capacity(n);
        for (i, g) in gates.iter().enumerate() {
            let nch = child_off[i + 1] - child_off[i];
            let (kind, k, p, m) = match *g {
                Gate::And => (G_AND, nch, 1.0, 0.0),
                Gate::Or => (G_OR, 1, 1.0, 0.0),
                Gate::KOfN { k } => (G_KOFN, k as u32, 1.0, 0.0),
                Gate::Failover { switchover_probability, switchover_minutes } => {
                    (G_FAILOVER, 1, switchover_probability, switchover_minutes)
                }
            };
            gate_kind.push(kind);
            gate_k.push(k);
            switch_p.push(p);
            switch_minutes.push(m);
        }
        let mut g = Graph {
            ids,
            index,
            n_services: data.services.len(),
            n_processes: data.processes.len(),
            child_off,
            children,
            parent_off,
            parents,
            gate_kind,
            gate_k,
            switch_p,
            switch_minutes,
            topo: Vec::new(),
            topo_pos: Vec::new(),
        };
        // Kahn's algorithm from the leaves up: a node comes after all its dependencies.
        let mut remaining: Vec<u32> = (0..n).map(|i| g.child_off[i + 1] - g.child_off[i]).collect();
        let mut queue: VecDeque<u32> = (0..n as u32).filter(|&i| remaining[i as usize] == 0).collect();
        let mut topo = Vec::with_capacity(n);
        while let Some(v) = queue.pop_front() {
            topo.push(v);
            for &p in g.parents_of(v as usize) {
                remaining[p as usize] -= 1;
                if remaining[p as usize] == 0 {
                    queue.push_back(p);
                }
            }
        }
        if topo.len() < n {
            return Err(g.find_cycle(&remaining));
        }
        let mut topo_pos = vec![0u32; n];
        for (i, &v) in topo.iter().enumerate() {
            topo_pos[v as usize] = i as u32;
        }
        g.topo = topo;
        g.topo_pos = topo_pos;
        Ok(g)
    }

    /// Walks dependencies among the nodes left over by Kahn's algorithm until one repeats.
    fn find_cycle(&self, remaining: &[u32]) -> Vec<String> {
        // Every left-over node has a left-over child, so following them must revisit a node.
        let Some(start) = (0..self.len()).find(|&i| remaining[i] > 0) else {
            return Vec::new();
        };
        let mut pos: HashMap<usize, usize> = HashMap::new();
        let mut path = Vec::new();
        let mut v = start;
        loop {
            if let Some(&at) = pos.get(&v) {
                let mut cycle: Vec<String> = path[at..].iter().map(|&i: &usize| self.ids[i].clone()).collect();
                cycle.push(self.ids[v].clone());
                return cycle;
            }
            pos.insert(v, path.len());
            path.push(v);
            match self.children_of(v).iter().find(|&&c| remaining[c as usize] > 0) {
                Some(&c) => v = c as usize,
                None => return path.iter().map(|&i| self.ids[i].clone()).collect(),
            }
        }
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the graph has no node.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Number of services (node indices `0..n_services`).
    pub fn n_services(&self) -> usize {
        self.n_services
    }

    /// Index of the first resource node.
    pub fn first_resource(&self) -> usize {
        self.n_services + self.n_processes
    }

    /// Whether a node is a resource (can be lost itself).
    pub fn is_resource(&self, node: usize) -> bool {
        node >= self.first_resource()
    }

    /// The id of a node.
    pub fn id(&self, node: usize) -> &str {
        self.ids.get(node).map(String::as_str).unwrap_or("")
    }

    /// The index of an id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.index.get(id).map(|&i| i as usize)
    }

    /// Dependencies of a node (for a failover gate: primary, standby).
    pub fn children_of(&self, node: usize) -> &[u32] {
        &self.children[self.child_off[node] as usize..self.child_off[node + 1] as usize]
    }

    /// Dependants of a node.
    pub fn parents_of(&self, node: usize) -> &[u32] {
        &self.parents[self.parent_off[node] as usize..self.parent_off[node + 1] as usize]
    }

    /// Nodes with every dependency before its dependants.
    pub fn topo_order(&self) -> &[u32] {
        &self.topo
    }

    /// A node's position in [`Graph::topo_order`]: every dependency of a node has a lower one.
    pub fn topo_pos(&self, node: usize) -> usize {
        self.topo_pos[node] as usize
    }

    /// The gate code of a node (see `G_*`).
    pub(crate) fn gate_kind(&self, node: usize) -> u8 {
        self.gate_kind[node]
    }

    /// k of the node's gate (n for AND, 1 for OR and failover).
    pub(crate) fn gate_k(&self, node: usize) -> usize {
        self.gate_k[node] as usize
    }

    /// Switchover probability and minutes of a failover node.
    pub(crate) fn switchover(&self, node: usize) -> (f64, f64) {
        (self.switch_p[node], self.switch_minutes[node])
    }

    /// The gate of a node, as the model states it.
    pub fn gate(&self, node: usize) -> Gate {
        match self.gate_kind[node] {
            G_OR => Gate::Or,
            G_KOFN => Gate::KOfN { k: self.gate_k[node] as usize },
            G_FAILOVER => Gate::Failover {
                switchover_probability: self.switch_p[node],
                switchover_minutes: self.switch_minutes[node],
            },
            _ => Gate::And,
        }
    }

    /// Every node that depends on the given nodes, directly or not, with the nodes themselves (a mask).
    pub fn ancestors_mask(&self, from: &[usize]) -> Vec<bool> {
        let mut seen = vec![false; self.len()];
        let mut stack: Vec<usize> = Vec::new();
        for &f in from {
            if f < seen.len() && !seen[f] {
                seen[f] = true;
                stack.push(f);
            }
        }
        while let Some(v) = stack.pop() {
            for &p in self.parents_of(v) {
                if !seen[p as usize] {
                    seen[p as usize] = true;
                    stack.push(p as usize);
                }
            }
        }
        seen
    }

    /// Every node the given node depends on, directly or not, with the node itself (a mask).
    pub fn descendants_mask(&self, from: usize) -> Vec<bool> {
        let mut seen = vec![false; self.len()];
        if from >= seen.len() {
            return seen;
        }
        seen[from] = true;
        let mut stack = vec![from];
        while let Some(v) = stack.pop() {
            for &c in self.children_of(v) {
                if !seen[c as usize] {
                    seen[c as usize] = true;
                    stack.push(c as usize);
                }
            }
        }
        seen
    }

    /// The services down when exactly the given resources are lost, evaluating only the nodes that depend on
    /// them (so asking for each of a thousand providers on a 100k-node map stays fast).
    pub fn services_down(&self, lost: &[usize], failover_works: bool, sc: &mut DownScratch) -> Vec<usize> {
        let n = self.len();
        if sc.mark.len() != n {
            *sc = DownScratch { stamp: 0, mark: vec![0; n], lost: vec![0; n], down: vec![false; n], list: Vec::new() };
        }
        sc.stamp = sc.stamp.wrapping_add(1);
        if sc.stamp == 0 {
            sc.mark.fill(0);
            sc.lost.fill(0);
            sc.stamp = 1;
        }
        let stamp = sc.stamp;
        sc.list.clear();
        for &v in lost {
            if v < n && self.is_resource(v) {
                sc.lost[v] = stamp;
                if sc.mark[v] != stamp {
                    sc.mark[v] = stamp;
                    sc.list.push(v as u32);
                }
            }
        }
        let mut i = 0;
        while i < sc.list.len() {
            let v = sc.list[i] as usize;
            i += 1;
            for &p in self.parents_of(v) {
                if sc.mark[p as usize] != stamp {
                    sc.mark[p as usize] = stamp;
                    sc.list.push(p);
                }
            }
        }
        let pos = &self.topo_pos;
        sc.list.sort_unstable_by_key(|&v| pos[v as usize]);
        let mut out = Vec::new();
        for k in 0..sc.list.len() {
            let v = sc.list[k] as usize;
            let ch = self.children_of(v);
            // Dependencies outside the marked set cannot be down.
            let is_down = |c: u32| sc.mark[c as usize] == stamp && sc.down[c as usize];
            let downs = ch.iter().filter(|&&c| is_down(c)).count();
            let ups = ch.len() - downs;
            let gate_down = !ch.is_empty()
                && match self.gate_kind[v] {
                    G_AND => downs > 0,
                    G_OR => ups == 0,
                    G_KOFN => ups < self.gate_k[v] as usize,
                    _ => is_down(ch[0]) && (!failover_works || is_down(ch[1])),
                };
            let d = gate_down || sc.lost[v] == stamp;
            sc.down[v] = d;
            if d && v < self.n_services {
                out.push(v);
            }
        }
        out.sort_unstable();
        out
    }

    /// Whether a node is down, given which resources are lost and whether failovers work (boolean propagation
    /// over every node, used by outcome checks and as the brute-force oracle in tests).
    pub fn down_set(&self, lost: &[bool], failover_works: bool) -> Vec<bool> {
        let mut down = vec![false; self.len()];
        for &v in &self.topo {
            let v = v as usize;
            let ch = self.children_of(v);
            let gate_down = if ch.is_empty() {
                false
            } else {
                let downs = ch.iter().filter(|&&c| down[c as usize]).count();
                let ups = ch.len() - downs;
                match self.gate_kind[v] {
                    G_AND => downs > 0,
                    G_OR => ups == 0,
                    G_KOFN => ups < self.gate_k[v] as usize,
                    _ => {
                        let primary = down[ch[0] as usize];
                        let standby = down[ch[1] as usize];
                        primary && (!failover_works || standby)
                    }
                }
            };
            down[v] = gate_down || (self.is_resource(v) && lost.get(v).copied().unwrap_or(false));
        }
        down
    }
}
