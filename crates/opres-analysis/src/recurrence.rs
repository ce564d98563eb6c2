//! Recurrence: incidents whose root cause recurs within six months at the same institution.
//!
//! Two incidents are linked when (a) they share institution, an affected system and the accepted
//! trend, or (b) their root-cause texts are highly similar (TF-IDF cosine of word and character
//! n-grams) at the same institution — in both cases when the later occurred within the window
//! (six months, the window DORA uses for recurring incidents) after the earlier. Linked incidents
//! form chains (connected components); a chain of two or more is a recurrence, and every incident
//! after the first in it is flagged as recurring.

use crate::text::feature_vec;
use chrono::Months;
use opres_domain::{Incident, IncidentRef, InstitutionCode, SystemCode, Timestamp, Trend};
use serde::Serialize;
use std::collections::HashMap;

/// Parameters of recurrence detection.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RecurrenceParams {
    /// Window in calendar months between two linked incidents.
    pub window_months: u32,
    /// Cosine similarity of root-cause texts at or above which two causes count as the same.
    pub min_cause_similarity: f64,
}

impl Default for RecurrenceParams {
    fn default() -> Self {
        RecurrenceParams { window_months: 6, min_cause_similarity: 0.6 }
    }
}

/// Why two incidents are linked.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LinkReason {
    /// Same affected system and same trend.
    SameSystemTrend {
        /// The shared system.
        system: SystemCode,
        /// The shared trend.
        trend: Trend,
    },
    /// Highly similar root-cause text.
    SimilarCause {
        /// Cosine similarity, 0..=1.
        similarity: f64,
    },
}

/// A link between an earlier and a later incident.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecurrenceLink {
    /// The earlier incident.
    pub earlier: IncidentRef,
    /// The later incident.
    pub later: IncidentRef,
    /// Why.
    pub reason: LinkReason,
}

/// A chain of recurring incidents of one institution, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecurrenceChain {
    /// The institution.
    pub institution: InstitutionCode,
    /// The incidents, oldest first.
    pub incidents: Vec<IncidentRef>,
    /// When each occurred (same order).
    pub occurred: Vec<Timestamp>,
    /// Their trends (same order).
    pub trends: Vec<Trend>,
    /// The links that make the chain.
    pub links: Vec<RecurrenceLink>,
}

/// All recurrence chains of a set of incidents, with a per-incident look-up.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Recurrences {
    /// The chains, by institution then first occurrence.
    pub chains: Vec<RecurrenceChain>,
    #[serde(skip)]
    by_incident: HashMap<IncidentRef, usize>,
}

/// Union-find over incident indexes.
struct Dsu(Vec<usize>);

impl Dsu {
    fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }
    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            self.0[a.max(b)] = a.min(b);
        }
    }
}

/// Per-document vector size kept for cause similarity: the most distinctive n-grams carry the
/// similarity, and a short vector keeps pairwise comparison cheap on 100k incidents.
const CAUSE_TERMS: usize = 48;

/// A sparse L2-normalised TF-IDF vector: (feature id, weight), sorted by id.
type CauseVec = Vec<(u32, f32)>;

/// L2-normalised TF-IDF vectors of root causes (sorted by feature id), `None` where there is none.
/// Returns each incident's slot (identical cause texts share one, and are analysed once) and the
/// vector of each slot.
fn cause_vectors(incidents: &[&Incident]) -> (Vec<Option<usize>>, Vec<Option<CauseVec>>) {
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut unique: HashMap<&str, usize> = HashMap::new();
    let mut docs: Vec<(HashMap<u32, u32>, u32)> = Vec::new();
    let slot: Vec<Option<usize>> = incidents
        .iter()
        .map(|i| {
            let c = i.root_cause.as_deref().filter(|c| !c.trim().is_empty())?;
            let k = *unique.entry(c).or_insert_with(|| {
                let mut tf = HashMap::new();
                for f in feature_vec(c) {
                    let n = ids.len() as u32;
                    let id = *ids.entry(f).or_insert(n);
                    *tf.entry(id).or_insert(0) += 1;
                }
                docs.push((tf, 0));
                docs.len() - 1
            });
            docs[k].1 += 1;
            Some(k)
        })
        .collect();
    let mut df = vec![0u32; ids.len()];
    for (d, mult) in &docs {
        for id in d.keys() {
            df[*id as usize] += mult;
        }
    }
    let n = docs.iter().map(|d| d.1).sum::<u32>() as f32;
    let vectors: Vec<Option<CauseVec>> = docs
        .into_iter()
        .map(|(d, _)| {
            let mut v: Vec<(u32, f32)> = d
                .into_iter()
                .map(|(id, c)| {
                    (id, (1.0 + (c as f32).ln()) * (((1.0 + n) / (1.0 + df[id as usize] as f32)).ln() + 1.0))
                })
                .collect();
            v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            v.truncate(CAUSE_TERMS);
            let norm = v.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
            if norm == 0.0 {
                return None;
            }
            for x in &mut v {
                x.1 /= norm;
            }
            v.sort_by_key(|x| x.0);
            Some(v)
        })
        .collect();
    let slot = slot.into_iter().map(|k| k.filter(|&k| vectors[k].is_some())).collect();
    (slot, vectors)
}

fn dot(a: &[(u32, f32)], b: &[(u32, f32)]) -> f64 {
    let (mut i, mut j, mut s) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += f64::from(a[i].1 * b[j].1);
                i += 1;
                j += 1;
            }
        }
    }
    s
}

/// Whether `later` falls within the window after `earlier`.
pub fn within_window(earlier: Timestamp, later: Timestamp, months: u32) -> bool {
    later >= earlier && earlier.checked_add_months(Months::new(months)).is_some_and(|end| later <= end)
}

impl Recurrences {
    /// Finds the chains among these incidents.
    pub fn find<'a>(incidents: impl IntoIterator<Item = &'a Incident>, params: &RecurrenceParams) -> Recurrences {
        let incidents: Vec<&Incident> = incidents.into_iter().collect();
        let incidents = incidents.as_slice();
        let mut order: Vec<usize> = (0..incidents.len()).collect();
        order.sort_by(|&a, &b| {
            let (x, y) = (incidents[a], incidents[b]);
            (x.times.occurred_at(), &x.reference).cmp(&(y.times.occurred_at(), &y.reference))
        });
        let mut dsu = Dsu((0..incidents.len()).collect());
        // Each incident's window end, once: calendar-month arithmetic is too slow for every pair.
        let ends: Vec<Option<Timestamp>> = incidents
            .iter()
            .map(|i| i.times.occurred_at().checked_add_months(Months::new(params.window_months)))
            .collect();
        let in_window = |a: usize, b: usize| {
            let (ta, tb) = (incidents[a].times.occurred_at(), incidents[b].times.occurred_at());
            tb >= ta && ends[a].is_some_and(|e| tb <= e)
        };
        let mut links: Vec<(usize, usize, LinkReason)> = Vec::new();

        // (a) Same institution, system and trend: consecutive occurrences within the window.
        let mut last: HashMap<(&InstitutionCode, &SystemCode, Trend), usize> = HashMap::new();
        for &i in &order {
            let inc = &incidents[i];
            let trend = inc.classification.trend();
            if trend == Trend::Unknown {
                continue;
            }
            for sys in &inc.affected_systems {
                let key = (&inc.institution, sys, trend);
                if let Some(&p) = last.get(&key)
                    && in_window(p, i)
                {
                    dsu.union(p, i);
                    links.push((p, i, LinkReason::SameSystemTrend { system: sys.clone(), trend }));
                }
                last.insert(key, i);
            }
        }

        // (b) Similar root cause at the same institution within the window.
        let (slots, vectors) = cause_vectors(incidents);
        let mut memo: HashMap<(usize, usize), f64> = HashMap::new();
        let mut by_inst: HashMap<&InstitutionCode, Vec<usize>> = HashMap::new();
        for &i in &order {
            if slots[i].is_some() {
                by_inst.entry(&incidents[i].institution).or_default().push(i);
            }
        }
        for list in by_inst.values() {
            for (a_pos, &a) in list.iter().enumerate() {
                let Some(sa) = slots[a] else { continue };
                for &b in &list[a_pos + 1..] {
                    if !in_window(a, b) {
                        break;
                    }
                    // Already in one chain: the similarity would add nothing (and this skips most
                    // of the work when a cause repeats often).
                    if dsu.find(a) == dsu.find(b) {
                        continue;
                    }
                    let Some(sb) = slots[b] else { continue };
                    let sim = if sa == sb {
                        1.0
                    } else {
                        *memo.entry((sa.min(sb), sa.max(sb))).or_insert_with(|| match (&vectors[sa], &vectors[sb]) {
                            (Some(va), Some(vb)) => dot(va, vb),
                            _ => 0.0,
                        })
                    };
                    if sim >= params.min_cause_similarity {
                        dsu.union(a, b);
                        links.push((a, b, LinkReason::SimilarCause { similarity: (sim * 1000.0).round() / 1000.0 }));
                    }
                }
            }
        }

        // Components of two or more are chains.
        let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
        for &i in &order {
            let root = dsu.find(i);
            members.entry(root).or_default().push(i);
        }
        let mut link_by_root: HashMap<usize, Vec<RecurrenceLink>> = HashMap::new();
        for (a, b, reason) in links {
            let root = dsu.find(a);
            link_by_root.entry(root).or_default().push(RecurrenceLink {
                earlier: incidents[a].reference.clone(),
                later: incidents[b].reference.clone(),
                reason,
            });
        }
        let mut chains: Vec<RecurrenceChain> = members
            .into_iter()
            .filter(|(_, m)| m.len() >= 2)
            .map(|(root, m)| RecurrenceChain {
                institution: incidents[m[0]].institution.clone(),
                incidents: m.iter().map(|&i| incidents[i].reference.clone()).collect(),
                occurred: m.iter().map(|&i| incidents[i].times.occurred_at()).collect(),
                trends: m.iter().map(|&i| incidents[i].classification.trend()).collect(),
                links: link_by_root.remove(&root).unwrap_or_default(),
            })
            .collect();
        chains.sort_by(|a, b| (&a.institution, a.occurred[0]).cmp(&(&b.institution, b.occurred[0])));
        let by_incident =
            chains.iter().enumerate().flat_map(|(c, ch)| ch.incidents.iter().map(move |r| (r.clone(), c))).collect();
        Recurrences { chains, by_incident }
    }

    /// The chain an incident belongs to, if any (for the incident page).
    pub fn chain_of(&self, reference: &IncidentRef) -> Option<&RecurrenceChain> {
        self.by_incident.get(reference).and_then(|&c| self.chains.get(c))
    }

    /// Whether the incident recurs an earlier one (in a chain, and not its first).
    pub fn is_recurrence(&self, reference: &IncidentRef) -> bool {
        self.chain_of(reference).is_some_and(|c| c.incidents.first() != Some(reference))
    }

    /// Number of incidents flagged as recurrences (every chain member but the first).
    pub fn recurring_incidents(&self) -> usize {
        self.chains.iter().map(|c| c.incidents.len() - 1).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::incident;
    use proptest::prelude::*;

    #[test]
    fn same_system_and_trend_within_six_months_chain() {
        let a = incident("R1", "BANK-A", "2024-01-10T09:00:00+09:00", "operations.storage", "t", "d", None, &["CORE"]);
        let b = incident("R2", "BANK-A", "2024-06-30T09:00:00+09:00", "operations.storage", "t", "d", None, &["CORE"]);
        let c = incident("R3", "BANK-A", "2025-03-01T09:00:00+09:00", "operations.storage", "t", "d", None, &["CORE"]);
        let other_bank =
            incident("R4", "BANK-B", "2024-02-01T09:00:00+09:00", "operations.storage", "t", "d", None, &["CORE"]);
        let other_trend =
            incident("R5", "BANK-A", "2024-02-01T09:00:00+09:00", "cyber.ddos", "t", "d", None, &["CORE"]);
        let r = Recurrences::find(
            &[c.clone(), b.clone(), a.clone(), other_bank, other_trend],
            &RecurrenceParams::default(),
        );
        assert_eq!(r.chains.len(), 1);
        assert_eq!(r.chains[0].incidents, [a.reference.clone(), b.reference.clone()]);
        assert!(r.is_recurrence(&b.reference));
        assert!(!r.is_recurrence(&a.reference));
        assert!(r.chain_of(&c.reference).is_none());
        assert_eq!(r.recurring_incidents(), 1);
    }

    #[test]
    fn similar_cause_text_links_across_systems() {
        let cause = "夜間バッチのログ出力増加によりディスク容量が不足し、監視の閾値が未設定だった";
        let a = incident(
            "S1",
            "BANK-A",
            "2024-04-01T09:00:00+09:00",
            "operations.storage",
            "t",
            "d",
            Some(cause),
            &["BATCH"],
        );
        let b = incident(
            "S2",
            "BANK-A",
            "2024-08-01T09:00:00+09:00",
            "operations.other",
            "t",
            "d",
            Some("夜間バッチのログ出力増加によりディスク容量が不足し、監視閾値が未設定であった"),
            &["DWH"],
        );
        let c = incident(
            "S3",
            "BANK-A",
            "2024-09-01T09:00:00+09:00",
            "operations.other",
            "t",
            "d",
            Some("DDoS攻撃によるアクセス集中"),
            &["IB"],
        );
        let r = Recurrences::find(&[a, b, c], &RecurrenceParams::default());
        assert_eq!(r.chains.len(), 1, "{r:?}");
        assert!(matches!(r.chains[0].links[0].reason, LinkReason::SimilarCause { similarity } if similarity >= 0.6));
        assert_eq!(r.chains[0].incidents.len(), 2);
    }

    fn arb_incidents() -> impl Strategy<Value = Vec<Incident>> {
        let one = (0..3usize, 0..400i64, 0..3usize, 0..2usize, 0..4usize);
        proptest::collection::vec(one, 0..40).prop_map(|v| {
            v.into_iter()
                .enumerate()
                .map(|(n, (inst, day, trend, sys, cause))| {
                    let t = chrono::DateTime::parse_from_rfc3339("2024-01-01T00:00:00+09:00").unwrap()
                        + chrono::Duration::days(day);
                    let causes = ["ディスク容量不足", "設定ミスによる通信断", "DDoS攻撃", "冗長構成の切替失敗"];
                    incident(
                        &format!("P{n}"),
                        ["BANK-A", "BANK-B", "BANK-C"][inst],
                        &t.to_rfc3339(),
                        ["operations.storage", "work.misoperation", "cyber.ddos"][trend],
                        "t",
                        "d",
                        Some(causes[cause]),
                        &[["CORE", "IB"][sys]],
                    )
                })
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn chains_are_sound(incs in arb_incidents()) {
            let r = Recurrences::find(&incs, &RecurrenceParams::default());
            let by_ref: HashMap<&IncidentRef, &Incident> = incs.iter().map(|i| (&i.reference, i)).collect();
            let mut seen = std::collections::HashSet::new();
            for ch in &r.chains {
                prop_assert!(ch.incidents.len() >= 2);
                prop_assert!(ch.occurred.windows(2).all(|w| w[0] <= w[1]));
                for rf in &ch.incidents {
                    prop_assert!(seen.insert(rf.clone()), "incident in two chains");
                    prop_assert_eq!(&by_ref[rf].institution, &ch.institution);
                }
                for l in &ch.links {
                    let (a, b) = (by_ref[&l.earlier], by_ref[&l.later]);
                    prop_assert!(within_window(a.times.occurred_at(), b.times.occurred_at(), 6));
                }
            }
            // Completeness: any two incidents sharing institution, system and trend within the
            // window are in the same chain.
            for a in &incs {
                for b in &incs {
                    let same = a.institution == b.institution
                        && a.classification.trend() == b.classification.trend()
                        && a.affected_systems == b.affected_systems
                        && a.reference != b.reference
                        && within_window(a.times.occurred_at(), b.times.occurred_at(), 6);
                    if same {
                        let ca = r.chain_of(&a.reference).map(|c| &c.incidents);
                        prop_assert!(ca.is_some() && ca == r.chain_of(&b.reference).map(|c| &c.incidents));
                    }
                }
            }
        }
    }
}
