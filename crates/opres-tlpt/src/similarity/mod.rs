//! Finding similarity: a bilingual TF-IDF model with two channels, lexical (English word stems, Japanese
//! character bigrams) and conceptual (the bilingual security lexicon, the same in either language), with
//! the ATT&CK technique and the root-cause category as separate features, served by an inverted index
//! so one new finding is compared with every earlier finding (100 000 and more) in milliseconds.
//!
//! Bilingual cosine = the mean of the lexical and the concept cosines when both findings name concepts (the
//! concept channel is what lets a Japanese finding meet an English one), else the lexical cosine alone.
//!
//! Score = `text × cosine + ramp × (technique × technique match + root cause × root-cause match)`, where
//! the technique match is 1 for the same technique, 0.8 for the same parent technique, 0 otherwise (when
//! either finding has no technique its weight moves to the text), and `ramp = min(1, cosine / 0.1)`: the
//! technique and the root cause confirm a textual resemblance but cannot make two findings with nothing
//! in common look alike (two different application flaws share T1190 and a root cause).

pub mod eval;
pub mod features;
pub mod lexicon;

use crate::codes::RootCause;
use crate::ids::{EngagementId, FindingId, TechniqueId};
use crate::model::Finding;
use chrono::NaiveDate;
pub use features::{Features, Fingerprint, features, fingerprint, fingerprint_of, normalise};
use opres_domain::Lang;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Weights of the three parts of the score (they sum to 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    /// Bilingual cosine.
    pub text: f64,
    /// Technique match.
    pub technique: f64,
    /// Root-cause category match.
    pub root_cause: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights { text: 0.70, technique: 0.15, root_cause: 0.15 }
    }
}

/// How matching decides.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MatchConfig {
    /// Score at or above which an earlier finding is proposed as a predecessor. The default was chosen
    /// on generated findings (best F1), not on the hand-labelled pairs; see `docs/bench/tlpt.md`.
    pub threshold: f64,
    /// At most this many matches per finding.
    pub max_matches: usize,
    /// Score weights.
    pub weights: Weights,
}

impl Default for MatchConfig {
    fn default() -> Self {
        MatchConfig { threshold: DEFAULT_THRESHOLD, max_matches: 5, weights: Weights::default() }
    }
}

/// The default threshold (see [`MatchConfig::threshold`]).
pub const DEFAULT_THRESHOLD: f64 = 0.32;

/// The similarity of two findings, part by part.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// Combined score, 0–1.
    pub score: f64,
    /// Bilingual cosine, 0–1.
    pub text: f64,
    /// Technique match (1, 0.8, 0), `None` when either has no technique.
    pub technique: Option<f64>,
    /// Same root-cause category.
    pub root_cause: bool,
}

/// What the index keeps about each finding besides its vector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexedFinding {
    /// Finding.
    pub id: FindingId,
    /// Its engagement.
    pub engagement: EngagementId,
    /// When identified.
    pub identified_on: NaiveDate,
    /// Technique.
    pub technique: Option<TechniqueId>,
    /// Root cause.
    pub root_cause: RootCause,
    /// Fingerprint.
    pub fingerprint: Fingerprint,
}

/// One earlier finding similar to a query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Match {
    /// The earlier finding.
    pub finding: FindingId,
    /// Its engagement.
    pub engagement: EngagementId,
    /// Score.
    pub score: Score,
    /// Bits that differ between the fingerprints (0–64).
    pub fingerprint_distance: u32,
}

/// Technique match: same technique 1, same parent 0.8, else 0; `None` when either is missing.
pub fn technique_match(a: Option<&TechniqueId>, b: Option<&TechniqueId>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) if a == b => Some(1.0),
        (Some(a), Some(b)) if a.parent_str() == b.parent_str() => Some(0.8),
        (Some(_), Some(_)) => Some(0.0),
        _ => None,
    }
}

/// Bilingual cosine at which the technique and root cause count in full (see the module documentation).
pub const STRUCTURE_RAMP: f64 = 0.1;

/// Combines the parts into one score.
pub fn combine(w: &Weights, text: f64, technique: Option<f64>, root_cause: bool) -> Score {
    let rc = if root_cause { 1.0 } else { 0.0 };
    let ramp = (text / STRUCTURE_RAMP).min(1.0);
    let score = match technique {
        Some(t) => w.text * text + ramp * (w.technique * t + w.root_cause * rc),
        None => (w.text + w.technique) * text + ramp * w.root_cause * rc,
    };
    Score { score: score.clamp(0.0, 1.0), text, technique, root_cause }
}

/// The lowest text cosine that can still reach `threshold` (with full technique and root-cause matches).
fn text_floor(w: &Weights, threshold: f64) -> f64 {
    // Below the ramp, score ≤ text × (w.text + (w.technique + w.root_cause) / STRUCTURE_RAMP).
    let slope = w.text.max(w.text + w.technique) + (w.technique + w.root_cause) / STRUCTURE_RAMP;
    (threshold / slope).max(0.0)
}

/// An inverted index of findings for similarity search.
///
/// Document weights use the IDF of the moment they were added; [`FindingIndex::build`] computes IDF over
/// the whole set first, so an index built at once is exact. Findings inserted later use the statistics
/// then current; rebuild after a large import.
#[derive(Debug, Clone, Default)]
pub struct FindingIndex {
    vocab: HashMap<u64, u32>,
    df: Vec<u32>,
    postings: Vec<Postings>,
    /// Whether each term belongs to the concept channel.
    concept_term: Vec<bool>,
    docs: Vec<IndexedFinding>,
    /// Whether each document names at least one concept.
    has_concepts: Vec<bool>,
}

/// Share of the lexical channel in the text cosine when both findings name concepts.
pub const LEXICAL_SHARE: f64 = 0.5;

/// The text cosine from the two channels.
pub fn text_cosine(lexical: f64, concept: f64, both_have_concepts: bool) -> f64 {
    if both_have_concepts { LEXICAL_SHARE * lexical + (1.0 - LEXICAL_SHARE) * concept } else { lexical }
}

/// One term's postings, as two parallel arrays so the scoring loop streams through memory.
#[derive(Debug, Clone, Default)]
struct Postings {
    docs: Vec<u32>,
    weights: Vec<f32>,
}

impl FindingIndex {
    /// An empty index.
    pub fn new() -> FindingIndex {
        FindingIndex::default()
    }

    /// Builds an index over findings, with IDF over all of them.
    pub fn build<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> FindingIndex {
        let mut idx = FindingIndex::new();
        let items: Vec<(&Finding, Features)> = findings.into_iter().map(|f| (f, features(f))).collect();
        for (_, ft) in &items {
            idx.count_terms(ft);
        }
        idx.docs.reserve(items.len());
        let n = items.len();
        for (f, ft) in items {
            idx.push_doc(f, &ft, n);
        }
        idx
    }

    /// Adds one finding, using the current statistics.
    pub fn insert(&mut self, f: &Finding) {
        let ft = features(f);
        self.count_terms(&ft);
        let n = self.docs.len() + 1;
        self.push_doc(f, &ft, n);
    }

    fn count_terms(&mut self, ft: &Features) {
        let channels = ft.terms.iter().map(|t| (t, false)).chain(ft.concept_terms.iter().map(|t| (t, true)));
        for ((h, _), concept) in channels {
            let next = self.df.len() as u32;
            let t = *self.vocab.entry(*h).or_insert(next);
            if t == next {
                self.df.push(0);
                self.postings.push(Postings::default());
                self.concept_term.push(concept);
            }
            self.df[t as usize] += 1;
        }
    }

    fn idf(&self, term: Option<u32>, n: usize) -> f32 {
        let df = term.map(|t| self.df[t as usize]).unwrap_or(0) as f32;
        ((n as f32 + 1.0) / (df + 1.0)).ln() + 1.0
    }

    /// TF-IDF weights of one channel's terms, normalised to unit length within the channel.
    fn weigh(&self, terms: &[(u64, f32)], n: usize) -> Vec<(Option<u32>, f32)> {
        let mut v: Vec<(Option<u32>, f32)> = terms
            .iter()
            .map(|(h, tf)| {
                let t = self.vocab.get(h).copied();
                (t, (1.0 + tf.ln_1p()) * self.idf(t, n))
            })
            .collect();
        let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        if norm > 0.0 {
            for (_, w) in &mut v {
                *w /= norm;
            }
        }
        v
    }

    fn push_doc(&mut self, f: &Finding, ft: &Features, n: usize) {
        let doc = self.docs.len() as u32;
        let weighted = self.weigh(&ft.terms, n).into_iter().chain(self.weigh(&ft.concept_terms, n));
        for (t, w) in weighted {
            if let Some(t) = t {
                let p = &mut self.postings[t as usize];
                p.docs.push(doc);
                p.weights.push(w);
            }
        }
        self.docs.push(IndexedFinding {
            id: f.id.clone(),
            engagement: f.engagement.clone(),
            identified_on: f.identified_on,
            technique: f.technique.clone(),
            root_cause: f.root_cause,
            fingerprint: fingerprint_of(ft),
        });
        self.has_concepts.push(!ft.concept_terms.is_empty());
    }

    /// Number of findings indexed.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The indexed findings, in insertion order.
    pub fn findings(&self) -> &[IndexedFinding] {
        &self.docs
    }

    /// The indexed findings most similar to `f` among those `keep` accepts, best first, at or above the
    /// threshold.
    pub fn search(&self, f: &Finding, cfg: &MatchConfig, keep: impl Fn(&IndexedFinding) -> bool) -> Vec<Match> {
        let ft = features(f);
        let n = self.docs.len().max(1);
        let mut lex = vec![0f32; self.docs.len()];
        let mut con = vec![0f32; self.docs.len()];
        for (t, qw) in self.weigh(&ft.terms, n) {
            let Some(t) = t else { continue };
            let p = &self.postings[t as usize];
            for (&d, &w) in p.docs.iter().zip(&p.weights) {
                lex[d as usize] += qw * w;
            }
        }
        for (t, qw) in self.weigh(&ft.concept_terms, n) {
            let Some(t) = t else { continue };
            let p = &self.postings[t as usize];
            for (&d, &w) in p.docs.iter().zip(&p.weights) {
                con[d as usize] += qw * w;
            }
        }
        let query_concepts = !ft.concept_terms.is_empty();
        let fp = fingerprint_of(&ft);
        let mut out: Vec<Match> = Vec::new();
        // Technique and root cause only confirm a textual resemblance, so findings whose text cosine
        // cannot reach the threshold are skipped before anything else is looked at.
        let floor = text_floor(&cfg.weights, cfg.threshold);
        for d in 0..self.docs.len() {
            let text = text_cosine(f64::from(lex[d]), f64::from(con[d]), query_concepts && self.has_concepts[d])
                .clamp(0.0, 1.0);
            if text <= 0.0 || text < floor {
                continue;
            }
            let doc = &self.docs[d];
            if !keep(doc) {
                continue;
            }
            let score = combine(
                &cfg.weights,
                text,
                technique_match(ft.technique.as_ref(), doc.technique.as_ref()),
                ft.root_cause == doc.root_cause,
            );
            if score.score >= cfg.threshold {
                out.push(Match {
                    finding: doc.id.clone(),
                    engagement: doc.engagement.clone(),
                    score,
                    fingerprint_distance: fp.distance(doc.fingerprint),
                });
            }
        }
        out.sort_by(|a, b| b.score.score.total_cmp(&a.score.score).then_with(|| a.finding.cmp(&b.finding)));
        out.truncate(cfg.max_matches);
        out
    }

    /// The similarity of two findings, with this index's statistics as the background corpus.
    pub fn similarity(&self, a: &Finding, b: &Finding, weights: &Weights) -> Score {
        let (fa, fb) = (features(a), features(b));
        let n = self.docs.len().max(1);
        // Unknown terms have no vocabulary slot; compare by hash instead.
        let cos = |ta: &[(u64, f32)], tb: &[(u64, f32)]| -> f64 {
            let (va, vb) = (self.weigh(ta, n), self.weigh(tb, n));
            let ha: HashMap<u64, f32> = ta.iter().map(|(h, _)| *h).zip(va.iter().map(|(_, w)| *w)).collect();
            let dot: f32 = tb.iter().zip(vb.iter()).filter_map(|((h, _), (_, w))| ha.get(h).map(|x| x * w)).sum();
            f64::from(dot)
        };
        let both = !fa.concept_terms.is_empty() && !fb.concept_terms.is_empty();
        let text = text_cosine(cos(&fa.terms, &fb.terms), cos(&fa.concept_terms, &fb.concept_terms), both);
        combine(
            weights,
            text.clamp(0.0, 1.0),
            technique_match(fa.technique.as_ref(), fb.technique.as_ref()),
            fa.root_cause == fb.root_cause,
        )
    }
}

/// The concepts two findings share, labelled in a language: why they were judged similar.
pub fn shared_concepts(a: &Finding, b: &Finding, lang: Lang) -> Vec<&'static str> {
    let (fa, fb) = (features(a), features(b));
    fa.concepts
        .iter()
        .filter(|c| fb.concepts.contains(c))
        .map(|c| {
            let concept = &lexicon::CONCEPTS[*c];
            lang.pick(concept.ja, concept.en)
        })
        .collect()
}
