//! The scenario engine: a scenario compiled against a map into a small flat program over only the nodes its
//! lost resources can reach, evaluated once with point estimates (paper test) or many times with sampled
//! restoration times and switchover outcomes (Monte Carlo).
//!
//! Every loss starts at the same onset and ends at its restoration time, so each node's outage is one
//! interval starting at the onset and propagation is exact: AND restores at the latest of its dependencies,
//! OR at the earliest, k-of-n at the k-th earliest, and a failover group at the switchover time when the
//! switchover works (if the standby is up by then) and otherwise when the primary returns. A resource that is
//! itself lost restores no earlier than its own restoration.
//!
//! Only nodes whose gate can actually fail are kept: an OR with an unaffected dependency, or a k-of-n with
//! enough unaffected members, never goes down and stops the propagation there.

use crate::graph::{G_AND, G_FAILOVER, G_KOFN, G_OR, Graph};
use crate::model::{DependencyMap, ImpactTolerance, Regulator};
use crate::problem::Issues;
use crate::scenario::{ResolvedScenario, Sampler, Scenario};
use chrono::{Duration, NaiveTime, TimeZone};
use opres_domain::{JST, Lang, Timestamp};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

const OP_NONE: u8 = 0;
const OP_AND: u8 = 1;
const OP_OR: u8 = 2;
const OP_KTH: u8 = 3;
const OP_FAILOVER: u8 = 4;

/// Samples handled together by one task; fixed so results do not depend on the number of threads.
const CHUNK: usize = 2048;

/// Samples evaluated together, node by node, so the per-node work runs over contiguous lanes.
const LANES: usize = 64;

/// The z-score of a two-sided 95% interval.
const Z: f64 = 1.959963984540054;

/// How a paper test treats failover groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FailoverAssumption {
    /// Switchovers work (unless their probability is 0).
    #[default]
    AsDesigned,
    /// Every switchover fails: redundancy does not work as intended.
    Fails,
}

/// A tolerance metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Maximum tolerable duration.
    Duration,
    /// Affected transactions.
    Transactions,
    /// Affected value.
    Value,
    /// Affected customers.
    Users,
    /// Complaints.
    Complaints,
    /// Back before the clock-time cut-off.
    Cutoff,
}

impl Metric {
    /// The label in the given language.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Metric::Duration => lang.pick("最大許容停止時間", "Maximum tolerable duration"),
            Metric::Transactions => lang.pick("影響取引件数", "Affected transactions"),
            Metric::Value => lang.pick("影響取引金額", "Affected value"),
            Metric::Users => lang.pick("影響顧客数", "Affected customers"),
            Metric::Complaints => lang.pick("苦情件数", "Complaints"),
            Metric::Cutoff => lang.pick("締め時刻", "Cut-off time"),
        }
    }
}

/// One metric of one tolerance judged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricCheck {
    /// Which metric.
    pub metric: Metric,
    /// The limit (minutes for duration and cut-off, counts or yen otherwise).
    pub limit: f64,
    /// What the scenario gives.
    pub actual: f64,
    /// Whether the limit is exceeded.
    pub breach: bool,
}

/// One tolerance judged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToleranceOutcome {
    /// The regulator.
    pub regulator: Regulator,
    /// RLO used (percent), if any.
    pub rlo_percent: Option<f64>,
    /// Minutes from the onset until the service is back (at the RLO when one is set).
    pub restored_minutes: f64,
    /// Every metric that has a limit.
    pub checks: Vec<MetricCheck>,
    /// The cut-off instant judged, if the tolerance has a cut-off.
    pub cutoff_at: Option<Timestamp>,
    /// Whether any metric is breached.
    pub breach: bool,
}

/// A service's outcome in a paper test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceOutcome {
    /// The service's id.
    pub service: String,
    /// Whether it is disrupted at all.
    pub disrupted: bool,
    /// Minutes from the onset until any service is back.
    pub disruption_minutes: f64,
    /// When it is back.
    pub restored_at: Timestamp,
    /// Each tolerance judged.
    pub tolerances: Vec<ToleranceOutcome>,
    /// Whether any tolerance is breached.
    pub breach: bool,
    /// Ids from the service down to what determines its restoration time.
    pub critical_path: Vec<String>,
}

/// A lost resource in a result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LossOutcome {
    /// The resource's id.
    pub resource: String,
    /// Minutes from the onset until it is restored.
    pub restoration_minutes: f64,
}

/// The result of a paper test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeterministicResult {
    /// The scenario's id.
    pub scenario: String,
    /// Start of the scenario.
    pub start: Timestamp,
    /// Minutes from the start until the losses begin.
    pub onset_minutes: f64,
    /// How failovers were treated.
    pub failover: FailoverAssumption,
    /// What was lost.
    pub losses: Vec<LossOutcome>,
    /// Every service, in register order.
    pub services: Vec<ServiceOutcome>,
    /// Notes (ja, en) from resolving the scenario.
    pub notes: Vec<(String, String)>,
    /// Nodes evaluated (those the losses can reach) and nodes in the map.
    pub evaluated_nodes: (usize, usize),
}

/// Monte Carlo options.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MonteCarloOptions {
    /// Number of samples.
    pub samples: usize,
    /// Seed: the same seed gives the same result on any number of threads.
    pub seed: u64,
    /// Threads (`None`: rayon's default pool).
    pub threads: Option<usize>,
}

/// An estimated probability with its 95% Wilson interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Occurrences.
    pub count: u64,
    /// Samples.
    pub samples: u64,
    /// count / samples.
    pub p: f64,
    /// Lower bound of the 95% Wilson interval.
    pub low: f64,
    /// Upper bound of the 95% Wilson interval.
    pub high: f64,
}

impl Estimate {
    /// The estimate from counts.
    pub fn wilson(count: u64, samples: u64) -> Estimate {
        if samples == 0 {
            return Estimate { count, samples, p: 0.0, low: 0.0, high: 1.0 };
        }
        let n = samples as f64;
        let p = count as f64 / n;
        let z2 = Z * Z;
        let denom = 1.0 + z2 / n;
        let centre = (p + z2 / (2.0 * n)) / denom;
        let half = Z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
        // At 0 or n the bound is exactly 0 or 1; rounding would otherwise leave a speck of 1e-19.
        let low = if count == 0 { 0.0 } else { (centre - half).max(0.0) };
        let high = if count >= samples { 1.0 } else { (centre + half).min(1.0) };
        Estimate { count, samples, p, low, high }
    }
}

/// Percentiles of disruption time (minutes from onset), nearest-rank.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct Percentiles {
    /// Mean.
    pub mean: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Largest.
    pub max: f64,
}

/// How often a node determined a breach.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Driver {
    /// The node's id (a lost resource, or a failover group whose switchover time decided).
    pub node: String,
    /// Breach samples in which it was at the end of the critical path.
    pub count: u64,
    /// count / breach samples.
    pub share: f64,
}

/// Per-tolerance Monte Carlo result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToleranceMc {
    /// The regulator.
    pub regulator: Regulator,
    /// Minutes from the onset beyond which the tolerance is breached (the tightest of its metrics).
    pub threshold_minutes: f64,
    /// P(breach).
    pub breach: Estimate,
}

/// Per-service Monte Carlo result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceMc {
    /// The service's id.
    pub service: String,
    /// Whether the scenario can reach it at all.
    pub affected: bool,
    /// P(any tolerance breached).
    pub breach: Estimate,
    /// Per tolerance.
    pub tolerances: Vec<ToleranceMc>,
    /// Disruption time percentiles.
    pub disruption: Percentiles,
    /// Breach drivers, most frequent first.
    pub drivers: Vec<Driver>,
}

/// The result of a Monte Carlo run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonteCarloResult {
    /// The scenario's id.
    pub scenario: String,
    /// Samples.
    pub samples: usize,
    /// Seed.
    pub seed: u64,
    /// Every service, in register order.
    pub services: Vec<ServiceMc>,
    /// Nodes evaluated per sample and nodes in the map.
    pub evaluated_nodes: (usize, usize),
}

/// One sample's view of a lane batch: sample `l` of `w`, with loss times, switchover outcomes and node values.
#[derive(Clone, Copy)]
struct Lane<'a> {
    l: usize,
    w: usize,
    own_vals: &'a [f64],
    switched: &'a [bool],
    vals: &'a [f64],
}

struct TolSlot {
    level: usize,
    threshold: f64,
    tolerance: usize,
}

struct ServiceSlot {
    service: usize,
    local: usize,
    tols: Vec<TolSlot>,
}

/// A scenario compiled against a map, ready to evaluate many times.
pub struct CompiledScenario<'m> {
    map: &'m DependencyMap,
    scenario: Scenario,
    resolved: ResolvedScenario,
    samplers: Vec<Sampler>,
    /// Local → global node.
    global: Vec<u32>,
    op: Vec<u8>,
    ch_off: Vec<u32>,
    ch: Vec<u32>,
    /// Loss slot + 1, or 0.
    own: Vec<u32>,
    /// Failover slot per local node (only meaningful for failover ops).
    fo_slot: Vec<u32>,
    fo_p: Vec<f64>,
    /// p · 2³², compared with 32 random bits.
    fo_thr: Vec<u64>,
    fo_t: Vec<f64>,
    /// Whether each loss slot draws from a continuous distribution (ties have probability zero).
    continuous: Vec<bool>,
    /// Local node of each loss slot.
    slot_local: Vec<u32>,
    /// Driver index of each local node (lost resources and failover groups; others get the last index).
    driver_of: Vec<u32>,
    /// Local node of each driver index.
    driver_nodes: Vec<u32>,
    /// For k-of-n: rank (1-based) among kept dependencies per level; 0 = cannot fail at that level.
    kth: Vec<u32>,
    levels: Vec<Option<f64>>,
    services: Vec<ServiceSlot>,
}

fn needed(g: &Graph, v: usize, level: Option<f64>) -> usize {
    let n = g.children_of(v).len();
    let k = g.gate_k(v);
    match level {
        None => k,
        Some(x) => k.max(((x * n as f64) - 1e-9).ceil() as usize).min(n),
    }
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The random stream of one sample: a function of the seed and the sample's index only.
fn sample_rng(seed: u64, index: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(splitmix(seed ^ splitmix(index)))
}

/// Minutes from `from` until the next time the clock shows `cutoff` in JST (0 if it shows it at `from`).
pub fn minutes_to_cutoff(from: Timestamp, cutoff: crate::model::ClockTime) -> (f64, Timestamp) {
    let local = from.with_timezone(&JST);
    let m = u32::from(cutoff.minutes_of_day());
    let time = NaiveTime::from_hms_opt(m / 60, m % 60, 0).unwrap_or(NaiveTime::MIN);
    let mut at =
        JST.from_local_datetime(&local.date_naive().and_time(time)).single().map(|t| t.to_utc()).unwrap_or(from);
    if at < from {
        at += Duration::days(1);
    }
    ((at - from).num_milliseconds() as f64 / 60_000.0, at)
}

impl<'m> CompiledScenario<'m> {
    /// Resolves the scenario and compiles the part of the map its losses can reach.
    pub fn new(map: &'m DependencyMap, scenario: &Scenario) -> Result<CompiledScenario<'m>, Issues> {
        let resolved = scenario.resolve(map)?;
        let mut samplers = Vec::with_capacity(resolved.losses.len());
        for (_, r) in &resolved.losses {
            // Already checked by resolve; a failure here cannot happen, so fall back to the point estimate.
            samplers.push(r.sampler().unwrap_or(Sampler::Fixed(r.point_estimate())));
        }
        let g = map.graph();
        let mut levels: Vec<Option<f64>> = vec![None];
        for s in map.services() {
            for t in &s.tolerances {
                if let Some(x) = t.rlo_fraction()
                    && !levels.contains(&Some(x))
                {
                    levels.push(Some(x));
                }
            }
        }
        let n = g.len();
        let mut own_slot = vec![0u32; n];
        let lost: Vec<usize> = resolved.losses.iter().map(|(n, _)| *n).collect();
        for (i, &v) in lost.iter().enumerate() {
            own_slot[v] = i as u32 + 1;
        }
        let cand = g.ancestors_mask(&lost);
        // Affected at the most demanding level is the union over levels (needing more members only adds).
        let mut affected = vec![false; n];
        let mut local_of = vec![u32::MAX; n];
        let mut global = Vec::new();
        for &v in g.topo_order() {
            let v = v as usize;
            if !cand[v] {
                continue;
            }
            let ch = g.children_of(v);
            let hit = ch.iter().filter(|&&c| affected[c as usize]).count();
            let gate_can_fail = hit > 0
                && match g.gate_kind(v) {
                    G_AND => true,
                    G_OR => hit == ch.len(),
                    G_KOFN => {
                        let m = levels.iter().map(|&l| needed(g, v, l)).max().unwrap_or(1);
                        ch.len() - hit < m
                    }
                    G_FAILOVER => affected[ch[0] as usize],
                    _ => false,
                };
            if gate_can_fail || own_slot[v] > 0 {
                affected[v] = true;
                local_of[v] = global.len() as u32;
                global.push(v as u32);
            }
        }
        let a = global.len();
        let nl = levels.len();
        let mut op = Vec::with_capacity(a);
        let mut ch_off = vec![0u32];
        let mut chs = Vec::new();
        let mut own = Vec::with_capacity(a);
        let mut fo_slot = vec![0u32; a];
        let mut fo_p = Vec::new();
        let mut fo_t = Vec::new();
        let mut kth = vec![0u32; a * nl];
        for (i, &v) in global.iter().enumerate() {
            let v = v as usize;
            let ch = g.children_of(v);
            let kept: Vec<u32> = ch.iter().filter(|&&c| affected[c as usize]).map(|&c| local_of[c as usize]).collect();
            let unaffected = ch.len() - kept.len();
            let o = if kept.is_empty() {
                OP_NONE
            } else {
                match g.gate_kind(v) {
                    G_AND => OP_AND,
                    G_OR if unaffected == 0 => OP_OR,
                    G_KOFN => {
                        for (l, &lv) in levels.iter().enumerate() {
                            let m = needed(g, v, lv);
                            kth[i * nl + l] = m.saturating_sub(unaffected) as u32;
                        }
                        OP_KTH
                    }
                    G_FAILOVER if affected[ch[0] as usize] => OP_FAILOVER,
                    _ => OP_NONE,
                }
            };
            op.push(o);
            if o == OP_FAILOVER {
                // Primary first, then the standby if it can be down too.
                chs.push(local_of[ch[0] as usize]);
                if affected[ch[1] as usize] {
                    chs.push(local_of[ch[1] as usize]);
                }
                let (p, t) = g.switchover(v);
                fo_slot[i] = fo_p.len() as u32;
                fo_p.push(p);
                fo_t.push(t);
            } else if o != OP_NONE {
                chs.extend_from_slice(&kept);
            }
            ch_off.push(chs.len() as u32);
            own.push(own_slot[v]);
        }
        let start = scenario.start + Duration::milliseconds((resolved.onset_minutes * 60_000.0) as i64);
        let mut services = Vec::new();
        for (si, s) in map.services().iter().enumerate() {
            if !affected[si] {
                continue;
            }
            let tols = s
                .tolerances
                .iter()
                .enumerate()
                .map(|(ti, t)| TolSlot {
                    level: levels.iter().position(|&l| l == t.rlo_fraction()).unwrap_or(0),
                    threshold: threshold(t, &s.rates, start),
                    tolerance: ti,
                })
                .collect();
            services.push(ServiceSlot { service: si, local: local_of[si] as usize, tols });
        }
        let mut slot_local = vec![0u32; lost.len()];
        for (i, &o) in own.iter().enumerate() {
            if o > 0 {
                slot_local[o as usize - 1] = i as u32;
            }
        }
        let samplers_continuous: Vec<bool> = samplers.iter().map(|x| !matches!(x, Sampler::Fixed(_))).collect();
        let driver_nodes: Vec<u32> =
            (0..a as u32).filter(|&i| own[i as usize] > 0 || op[i as usize] == OP_FAILOVER).collect();
        let mut driver_of = vec![driver_nodes.len() as u32; a];
        for (d, &i) in driver_nodes.iter().enumerate() {
            driver_of[i as usize] = d as u32;
        }
        Ok(CompiledScenario {
            map,
            driver_of,
            driver_nodes,
            scenario: scenario.clone(),
            resolved,
            samplers,
            global,
            op,
            ch_off,
            ch: chs,
            own,
            fo_slot,
            fo_thr: fo_p.iter().map(|&p| (p.clamp(0.0, 1.0) * 4_294_967_296.0) as u64).collect(),
            fo_p,
            continuous: samplers_continuous,
            slot_local,
            fo_t,
            kth,
            levels,
            services,
        })
    }

    /// Nodes the losses can reach (evaluated per sample).
    pub fn evaluated_nodes(&self) -> usize {
        self.global.len()
    }

    /// Lost resources.
    pub fn losses(&self) -> usize {
        self.samplers.len()
    }

    /// Evaluates one level for `w` samples at once (lane layout: node `i`, sample `l` at `i * w + l`), given
    /// loss restoration times (`slot * w + l`) and switchover outcomes (`failover slot * w + l`). Dependencies
    /// come before dependants, so every node reads only finished rows; the lane loops vectorise.
    #[inline]
    fn eval(
        &self,
        level: usize,
        w: usize,
        own_vals: &[f64],
        switched: &[bool],
        vals: &mut [f64],
        scratch: &mut Vec<f64>,
    ) {
        let nl = self.levels.len();
        for i in 0..self.op.len() {
            let a = self.ch_off[i] as usize;
            let b = self.ch_off[i + 1] as usize;
            let kids = &self.ch[a..b];
            let (lo, hi) = vals.split_at_mut(i * w);
            let out = &mut hi[..w];
            let o = self.own[i] as usize;
            match self.op[i] {
                OP_AND => {
                    out.copy_from_slice(&lo[kids[0] as usize * w..][..w]);
                    for &c in &kids[1..] {
                        for (x, &y) in out.iter_mut().zip(&lo[c as usize * w..][..w]) {
                            *x = if y > *x { y } else { *x };
                        }
                    }
                }
                OP_OR => {
                    out.copy_from_slice(&lo[kids[0] as usize * w..][..w]);
                    for &c in &kids[1..] {
                        for (x, &y) in out.iter_mut().zip(&lo[c as usize * w..][..w]) {
                            *x = if y < *x { y } else { *x };
                        }
                    }
                }
                OP_KTH => {
                    let r = self.kth[i * nl + level] as usize;
                    if r == 0 {
                        out.fill(0.0);
                    } else if kids.len() <= 16 {
                        // Partial bubble sort across lanes with branch-free compare-exchanges (they vectorise):
                        // r passes float the r smallest to the front, or n−r+1 passes sink the largest to the
                        // back, whichever is fewer; row r−1 then holds the r-th smallest of every lane.
                        let n = kids.len();
                        scratch.clear();
                        for &c in kids {
                            scratch.extend_from_slice(&lo[c as usize * w..][..w]);
                        }
                        let ce = |buf: &mut [f64], low: usize, high: usize| {
                            let (x, y) = buf.split_at_mut(high * w);
                            for (a, b) in x[low * w..][..w].iter_mut().zip(&mut y[..w]) {
                                let (mn, mx) = if *b < *a { (*b, *a) } else { (*a, *b) };
                                *a = mn;
                                *b = mx;
                            }
                        };
                        if r <= n - r + 1 {
                            for p in 0..r {
                                for j in (p + 1..n).rev() {
                                    ce(scratch, j - 1, j);
                                }
                            }
                        } else {
                            for p in 0..n - r + 1 {
                                for j in 0..n - 1 - p {
                                    ce(scratch, j, j + 1);
                                }
                            }
                        }
                        out.copy_from_slice(&scratch[(r - 1) * w..][..w]);
                    } else {
                        for (l, x) in out.iter_mut().enumerate() {
                            scratch.clear();
                            scratch.extend(kids.iter().map(|&c| lo[c as usize * w + l]));
                            *x = kth_smallest(scratch, r - 1);
                        }
                    }
                }
                OP_FAILOVER => {
                    let f = self.fo_slot[i] as usize;
                    let t = self.fo_t[f];
                    let sw = &switched[f * w..][..w];
                    let prim = &lo[kids[0] as usize * w..][..w];
                    if kids.len() == 2 {
                        let stand = &lo[kids[1] as usize * w..][..w];
                        for l in 0..w {
                            let rp = prim[l];
                            let rs = stand[l];
                            let alt = if t > rs { t } else { rs };
                            let alt = if alt < rp { alt } else { rp };
                            out[l] = if sw[l] && rp > 0.0 { alt } else { rp };
                        }
                    } else {
                        for l in 0..w {
                            let rp = prim[l];
                            let alt = if t < rp { t } else { rp };
                            out[l] = if sw[l] && rp > 0.0 { alt } else { rp };
                        }
                    }
                }
                _ => out.fill(0.0),
            }
            if o > 0 {
                for (x, &y) in out.iter_mut().zip(&own_vals[(o - 1) * w..][..w]) {
                    *x = if y > *x { y } else { *x };
                }
            }
        }
    }

    /// Follows what determines sample `l`'s restoration time of a node down to a lost resource or a
    /// switchover; calls `visit` with the local indices on the way and returns the last. `visit` may end the
    /// walk early by returning the end it already knows for a node.
    fn trace(&self, from: usize, at: Lane<'_>, mut visit: impl FnMut(usize) -> Option<usize>) -> usize {
        let Lane { l, w, own_vals, switched, vals } = at;
        let mut i = from;
        if let Some(end) = visit(i) {
            return end;
        }
        loop {
            let a = self.ch_off[i] as usize;
            let b = self.ch_off[i + 1] as usize;
            let kids = &self.ch[a..b];
            let o = self.own[i] as usize;
            let v = vals[i * w + l];
            let own_v = if o > 0 { own_vals[(o - 1) * w + l] } else { 0.0 };
            if v <= 0.0 || (o > 0 && own_v >= v) || kids.is_empty() {
                return i;
            }
            let next = match self.op[i] {
                OP_AND | OP_OR | OP_KTH => kids.iter().copied().find(|&c| vals[c as usize * w + l] == v),
                OP_FAILOVER => {
                    let f = self.fo_slot[i] as usize;
                    let rp = vals[kids[0] as usize * w + l];
                    if switched[f * w + l] && v < rp {
                        // Switched over: the standby decided if it came back after the switchover time.
                        if kids.len() == 2 && vals[kids[1] as usize * w + l] > self.fo_t[f] {
                            Some(kids[1])
                        } else {
                            None
                        }
                    } else {
                        Some(kids[0])
                    }
                }
                _ => None,
            };
            match next {
                Some(c) => {
                    i = c as usize;
                    if let Some(end) = visit(i) {
                        return end;
                    }
                }
                None => return i,
            }
        }
    }

    /// Paper test: point-estimate restoration times and a fixed failover assumption.
    pub fn evaluate(&self, failover: FailoverAssumption) -> DeterministicResult {
        let own_vals: Vec<f64> = self.resolved.losses.iter().map(|(_, r)| r.point_estimate()).collect();
        let switched: Vec<bool> =
            self.fo_p.iter().map(|&p| failover == FailoverAssumption::AsDesigned && p > 0.0).collect();
        let a = self.global.len();
        let mut per_level = vec![vec![0.0; a]; self.levels.len()];
        let mut scratch = Vec::new();
        for (l, vals) in per_level.iter_mut().enumerate() {
            self.eval(l, 1, &own_vals, &switched, vals, &mut scratch);
        }
        let g = self.map.graph();
        let onset = self.resolved.onset_minutes;
        let start = self.scenario.start + Duration::milliseconds((onset * 60_000.0) as i64);
        let mut services = Vec::new();
        for (si, s) in self.map.services().iter().enumerate() {
            let slot = self.services.iter().find(|x| x.service == si);
            let d = slot.map(|x| per_level[0][x.local]).unwrap_or(0.0);
            let tolerances: Vec<ToleranceOutcome> = s
                .tolerances
                .iter()
                .enumerate()
                .map(|(ti, t)| {
                    let level =
                        slot.and_then(|x| x.tols.iter().find(|ts| ts.tolerance == ti)).map(|ts| ts.level).unwrap_or(0);
                    let dl = slot.map(|x| per_level[level][x.local]).unwrap_or(0.0);
                    judge(t, &s.rates, start, dl)
                })
                .collect();
            let breach = tolerances.iter().any(|t| t.breach);
            let critical_path = match slot {
                Some(x) if d > 0.0 => {
                    let mut path = Vec::new();
                    let at = Lane { l: 0, w: 1, own_vals: &own_vals, switched: &switched, vals: &per_level[0] };
                    self.trace(x.local, at, |l| {
                        path.push(g.id(self.global[l] as usize).to_string());
                        None
                    });
                    path
                }
                _ => Vec::new(),
            };
            services.push(ServiceOutcome {
                service: s.id.to_string(),
                disrupted: d > 0.0,
                disruption_minutes: d,
                restored_at: start + Duration::milliseconds((d * 60_000.0) as i64),
                tolerances,
                breach,
                critical_path,
            });
        }
        DeterministicResult {
            scenario: self.scenario.id.clone(),
            start: self.scenario.start,
            onset_minutes: onset,
            failover,
            losses: self
                .resolved
                .losses
                .iter()
                .zip(&own_vals)
                .map(|((n, _), &v)| LossOutcome { resource: g.id(*n).to_string(), restoration_minutes: v })
                .collect(),
            services,
            notes: self.resolved.notes.clone(),
            evaluated_nodes: (a, g.len()),
        }
    }

    /// Monte Carlo: every sample draws restoration times and switchover outcomes from its own random stream
    /// (seed, sample index), so the result is bit-identical on one thread or many.
    pub fn simulate(&self, opts: &MonteCarloOptions) -> MonteCarloResult {
        let run = || self.simulate_in_pool(opts);
        match opts.threads {
            Some(t) => match rayon::ThreadPoolBuilder::new().num_threads(t.max(1)).build() {
                Ok(pool) => pool.install(run),
                Err(_) => run(),
            },
            None => run(),
        }
    }

    fn simulate_in_pool(&self, opts: &MonteCarloOptions) -> MonteCarloResult {
        let n_samples = opts.samples;
        let ns = self.services.len();
        let a = self.global.len();
        let nl = self.levels.len();
        let n_tols: usize = self.services.iter().map(|s| s.tols.len()).sum();
        // Breach drivers are counted densely per service over the nodes that can end a critical path (lost
        // resources and failover groups), plus one bucket for anything else.
        let nd = self.driver_nodes.len() + 1;
        struct Acc {
            breach: Vec<u64>,
            tol_breach: Vec<u64>,
            drivers: Vec<u64>,
            /// Disruption minutes of the chunk's samples, service by service.
            dis: Vec<f32>,
        }
        // Each chunk allocates its own output, so nothing large is zeroed up front on one thread.
        let accs: Vec<Acc> = (0..n_samples.div_ceil(CHUNK))
            .into_par_iter()
            .map(|ci| {
                let count = CHUNK.min(n_samples - ci * CHUNK);
                let mut out = vec![0f32; count * ns];
                let mut acc = Acc {
                    breach: vec![0; ns],
                    tol_breach: vec![0; n_tols],
                    drivers: vec![0; ns * nd],
                    dis: Vec::new(),
                };
                let mut own_vals = vec![0.0; self.samplers.len() * LANES];
                let mut switched = vec![false; self.fo_p.len() * LANES];
                let mut vals = vec![vec![0.0; a * LANES]; nl];
                let mut scratch = Vec::new();
                let mut memo_stamp = vec![0u32; a];
                let mut memo_end = vec![0u32; a];
                let mut path: Vec<usize> = Vec::new();
                let first = ci * CHUNK;
                let n_slots = self.samplers.len();
                let n_fo = self.fo_p.len();
                for base in (0..count).step_by(LANES) {
                    let w = LANES.min(count - base);
                    // A short last batch is laid out with its own width so every row stays contiguous.
                    for l in 0..w {
                        let mut rng = sample_rng(opts.seed, (first + base + l) as u64);
                        for (slot, s) in self.samplers.iter().enumerate() {
                            own_vals[slot * w + l] = s.sample(&mut rng);
                        }
                        // Two switchover draws per 64-bit word: each 32-bit half against p · 2³².
                        for (f, pair) in self.fo_thr.chunks(2).enumerate() {
                            let x = rng.next_u64();
                            switched[2 * f * w + l] = (x & 0xFFFF_FFFF) < pair[0];
                            if let Some(&t) = pair.get(1) {
                                switched[(2 * f + 1) * w + l] = (x >> 32) < t;
                            }
                        }
                    }
                    let own_w = &own_vals[..n_slots * w];
                    let sw_w = &switched[..n_fo * w];
                    for (lv, v) in vals.iter_mut().enumerate() {
                        self.eval(lv, w, own_w, sw_w, &mut v[..a * w], &mut scratch);
                    }
                    for l in 0..w {
                        let k = base + l;
                        let stamp_base = ((base + l) * nl) as u32;
                        let mut t_index = 0;
                        for (j, s) in self.services.iter().enumerate() {
                            out[j * count + k] = vals[0][s.local * w + l] as f32;
                            let mut first_breach: Option<usize> = None;
                            for t in &s.tols {
                                if vals[t.level][s.local * w + l] > t.threshold {
                                    acc.tol_breach[t_index] += 1;
                                    first_breach.get_or_insert(t.level);
                                }
                                t_index += 1;
                            }
                            if let Some(level) = first_breach {
                                acc.breach[j] += 1;
                                // Restoration times are only ever selected (max, min, k-th, switchover), never
                                // combined, so the service's time is some loss's time or a switchover time.
                                // A continuous draw ties with another value with probability zero, so the
                                // first loss with that time settles it; a fixed time may tie, so walk instead.
                                let v = vals[level][s.local * w + l];
                                let hit = (0..n_slots).find(|&slot| own_w[slot * w + l] == v);
                                if let Some(slot) = hit
                                    && self.continuous[slot]
                                {
                                    let end = self.slot_local[slot] as usize;
                                    acc.drivers[j * nd + self.driver_of[end] as usize] += 1;
                                    continue;
                                }
                                // Services share most of their paths, so remember each node's end per sample.
                                let stamp = stamp_base + level as u32 + 1;
                                path.clear();
                                let at = Lane { l, w, own_vals: own_w, switched: sw_w, vals: &vals[level][..a * w] };
                                let end = self.trace(s.local, at, |i| {
                                    if memo_stamp[i] == stamp {
                                        Some(memo_end[i] as usize)
                                    } else {
                                        path.push(i);
                                        None
                                    }
                                });
                                for &i in &path {
                                    memo_stamp[i] = stamp;
                                    memo_end[i] = end as u32;
                                }
                                acc.drivers[j * nd + self.driver_of[end] as usize] += 1;
                            }
                        }
                    }
                }
                acc.dis = out;
                acc
            })
            .collect();
        let g = self.map.graph();
        let mut breach = vec![0u64; ns];
        let mut tol_breach = vec![0u64; n_tols];
        let mut drivers = vec![0u64; ns * nd];
        let mut chunks: Vec<Vec<f32>> = Vec::with_capacity(accs.len());
        for acc in accs {
            chunks.push(acc.dis);
            for (x, y) in breach.iter_mut().zip(acc.breach) {
                *x += y;
            }
            for (x, y) in tol_breach.iter_mut().zip(acc.tol_breach) {
                *x += y;
            }
            for (x, y) in drivers.iter_mut().zip(acc.drivers) {
                *x += y;
            }
        }
        let total = n_samples as u64;
        let mut services = Vec::new();
        let mut t_index_base = 0;
        // Percentiles per affected service, in parallel: each stitches its own column from the chunks in order.
        let disruption: Vec<Percentiles> = (0..ns)
            .into_par_iter()
            .map(|j| {
                let mut column: Vec<f32> = Vec::with_capacity(n_samples);
                for chunk in &chunks {
                    let count = chunk.len() / ns;
                    column.extend_from_slice(&chunk[j * count..(j + 1) * count]);
                }
                percentiles(&mut column)
            })
            .collect();
        drop(chunks);
        for (si, s) in self.map.services().iter().enumerate() {
            match self.services.iter().position(|x| x.service == si) {
                None => services.push(ServiceMc {
                    service: s.id.to_string(),
                    affected: false,
                    breach: Estimate::wilson(0, total),
                    tolerances: s
                        .tolerances
                        .iter()
                        .map(|t| ToleranceMc {
                            regulator: t.regulator,
                            threshold_minutes: threshold(t, &s.rates, self.scenario.start),
                            breach: Estimate::wilson(0, total),
                        })
                        .collect(),
                    disruption: Percentiles::default(),
                    drivers: Vec::new(),
                }),
                Some(j) => {
                    let slot = &self.services[j];
                    let mut ds: Vec<Driver> = drivers[j * nd..(j + 1) * nd]
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| **c > 0)
                        .map(|(d, &c)| Driver {
                            node: match self.driver_nodes.get(d) {
                                Some(&local) => g.id(self.global[local as usize] as usize).to_string(),
                                None => "-".to_string(),
                            },
                            count: c,
                            share: if breach[j] > 0 { c as f64 / breach[j] as f64 } else { 0.0 },
                        })
                        .collect();
                    ds.sort_by(|x, y| y.count.cmp(&x.count).then_with(|| x.node.cmp(&y.node)));
                    let tolerances = slot
                        .tols
                        .iter()
                        .enumerate()
                        .map(|(k, t)| ToleranceMc {
                            regulator: s.tolerances[t.tolerance].regulator,
                            threshold_minutes: t.threshold,
                            breach: Estimate::wilson(tol_breach[t_index_base + k], total),
                        })
                        .collect();
                    t_index_base += slot.tols.len();
                    services.push(ServiceMc {
                        service: s.id.to_string(),
                        affected: true,
                        breach: Estimate::wilson(breach[j], total),
                        tolerances,
                        disruption: disruption[j],
                        drivers: ds,
                    });
                }
            }
        }
        MonteCarloResult {
            scenario: self.scenario.id.clone(),
            samples: n_samples,
            seed: opts.seed,
            services,
            evaluated_nodes: (a, g.len()),
        }
    }
}

/// The `r`-th smallest (0-based) of a few values: insertion sort beats a general selection for the handful of
/// members a k-of-n cluster has.
#[inline]
fn kth_smallest(xs: &mut [f64], r: usize) -> f64 {
    if xs.len() > 16 {
        let (_, v, _) = xs.select_nth_unstable_by(r, f64::total_cmp);
        return *v;
    }
    for i in 1..xs.len() {
        let x = xs[i];
        let mut j = i;
        while j > 0 && xs[j - 1] > x {
            xs[j] = xs[j - 1];
            j -= 1;
        }
        xs[j] = x;
    }
    xs[r]
}

/// Nearest-rank percentiles; selects in place rather than sorting, since only a few ranks are needed.
fn percentiles(xs: &mut [f32]) -> Percentiles {
    if xs.is_empty() {
        return Percentiles::default();
    }
    let n = xs.len();
    let mean = xs.iter().map(|&x| f64::from(x)).sum::<f64>() / n as f64;
    let rank = |q: f64| ((q * n as f64).ceil() as usize).clamp(1, n) - 1;
    // Select from the lowest rank up, each within the part right of the previous one: about 1.7 passes.
    let mut out = [0.0f64; 4];
    let mut lo = 0;
    for (slot, q) in [0.50, 0.90, 0.95, 0.99].into_iter().enumerate() {
        let r = rank(q).max(lo);
        let (_, v, _) = xs[lo..].select_nth_unstable_by(r - lo, f32::total_cmp);
        out[slot] = f64::from(*v);
        lo = r;
    }
    let max = xs.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    Percentiles { mean, p50: out[0], p90: out[1], p95: out[2], p99: out[3], max: f64::from(max) }
}

/// Minutes from `start` beyond which a tolerance is breached: the tightest of its metrics, since every metric
/// grows with the length of the disruption.
pub fn threshold(t: &ImpactTolerance, rates: &crate::model::ImpactRates, start: Timestamp) -> f64 {
    let mut th = duration_threshold(t, rates);
    if let Some(c) = t.cutoff {
        th = th.min(minutes_to_cutoff(start, c).0);
    }
    th
}

/// Minutes of disruption beyond which a tolerance is breached, leaving out its clock cut-off: the maximum
/// duration or the time at which a volume limit is reached at the service's hourly rate, whichever is first.
pub fn duration_threshold(t: &ImpactTolerance, rates: &crate::model::ImpactRates) -> f64 {
    let mut th = t.max_duration_minutes;
    let by_rate = |limit: Option<u64>, per_hour: f64| -> f64 {
        match limit {
            Some(l) if per_hour > 0.0 => l as f64 / per_hour * 60.0,
            _ => f64::INFINITY,
        }
    };
    th = th.min(by_rate(t.max_transactions, rates.transactions_per_hour));
    th = th.min(by_rate(t.max_value_yen, rates.value_per_hour_yen));
    th = th.min(by_rate(t.max_users, rates.users_per_hour));
    th = th.min(by_rate(t.max_complaints, rates.complaints_per_hour));
    th
}

/// Judges every metric of a tolerance for a disruption of `d` minutes starting at `start`.
pub fn judge(t: &ImpactTolerance, rates: &crate::model::ImpactRates, start: Timestamp, d: f64) -> ToleranceOutcome {
    let mut checks = vec![MetricCheck {
        metric: Metric::Duration,
        limit: t.max_duration_minutes,
        actual: d,
        breach: d > t.max_duration_minutes,
    }];
    let hours = d / 60.0;
    for (metric, limit, rate) in [
        (Metric::Transactions, t.max_transactions, rates.transactions_per_hour),
        (Metric::Value, t.max_value_yen, rates.value_per_hour_yen),
        (Metric::Users, t.max_users, rates.users_per_hour),
        (Metric::Complaints, t.max_complaints, rates.complaints_per_hour),
    ] {
        if let Some(l) = limit {
            let actual = rate * hours;
            // Judged on time, like the Monte Carlo threshold, so both agree exactly at the boundary.
            let breach = rate > 0.0 && d > l as f64 / rate * 60.0;
            checks.push(MetricCheck { metric, limit: l as f64, actual, breach });
        }
    }
    let mut cutoff_at = None;
    if let Some(c) = t.cutoff {
        let (m, at) = minutes_to_cutoff(start, c);
        cutoff_at = Some(at);
        checks.push(MetricCheck { metric: Metric::Cutoff, limit: m, actual: d, breach: d > m });
    }
    let breach = checks.iter().any(|c| c.breach);
    ToleranceOutcome {
        regulator: t.regulator,
        rlo_percent: t.rlo_percent,
        restored_minutes: d,
        checks,
        cutoff_at,
        breach,
    }
}

/// Paper test of a scenario.
pub fn evaluate(
    map: &DependencyMap,
    scenario: &Scenario,
    failover: FailoverAssumption,
) -> Result<DeterministicResult, Issues> {
    Ok(CompiledScenario::new(map, scenario)?.evaluate(failover))
}

/// Monte Carlo run of a scenario.
pub fn simulate(
    map: &DependencyMap,
    scenario: &Scenario,
    opts: &MonteCarloOptions,
) -> Result<MonteCarloResult, Issues> {
    Ok(CompiledScenario::new(map, scenario)?.simulate(opts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ClockTime;

    #[test]
    fn wilson_interval_known_values() {
        // 50 of 100: centre 0.5, half-width 1.96·√(0.25/100 + 1.96²/40000) / (1 + 1.96²/100) ≈ 0.0951.
        let e = Estimate::wilson(50, 100);
        assert!((e.low - 0.4038).abs() < 1e-3 && (e.high - 0.5962).abs() < 1e-3, "{e:?}");
        let zero = Estimate::wilson(0, 1000);
        assert_eq!(zero.low, 0.0);
        assert!(zero.high > 0.0 && zero.high < 0.004, "{zero:?}");
    }

    #[test]
    fn kth_smallest_by_insertion_and_selection_agree() {
        let xs = [5.0, 1.0, 4.0, 2.0, 3.0];
        for r in 0..5 {
            assert_eq!(kth_smallest(&mut xs.to_vec(), r), (r + 1) as f64);
        }
        let many: Vec<f64> = (0..40).rev().map(f64::from).collect();
        assert_eq!(kth_smallest(&mut many.clone(), 7), 7.0);
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let mut xs: Vec<f32> = (1..=100).rev().map(|x| x as f32).collect();
        let p = percentiles(&mut xs);
        assert_eq!((p.p50, p.p90, p.p95, p.p99, p.max), (50.0, 90.0, 95.0, 99.0, 100.0));
        assert!((p.mean - 50.5).abs() < 1e-9);
    }

    #[test]
    fn sample_streams_depend_only_on_seed_and_index() {
        let mut a = sample_rng(7, 3);
        let mut b = sample_rng(7, 3);
        let mut c = sample_rng(7, 4);
        let (x, y, z) = (a.next_u64(), b.next_u64(), c.next_u64());
        assert_eq!(x, y);
        assert_ne!(x, z);
    }

    #[test]
    fn next_cutoff_is_today_or_tomorrow() {
        let at = |h, m| JST.with_ymd_and_hms(2026, 6, 15, h, m, 0).single().map(|t| t.to_utc()).unwrap_or_default();
        let c = ClockTime::new(15, 30).unwrap_or(ClockTime::new(0, 0).unwrap_or_else(|| unreachable!()));
        assert_eq!(minutes_to_cutoff(at(13, 0), c).0, 150.0);
        assert_eq!(minutes_to_cutoff(at(15, 30), c).0, 0.0);
        assert_eq!(minutes_to_cutoff(at(16, 0), c).0, 23.5 * 60.0);
    }
}
