//! Evaluation of the similarity model on labelled finding pairs (`data/finding_pairs.jsonl`): each pair
//! is two findings judged the same issue or different issues; precision and recall at a threshold.

use crate::codes::{FindingOrigin, FindingStatus, RootCause, Severity};
use crate::ids::{EngagementId, FindingId, TechniqueId};
use crate::model::Finding;
use chrono::NaiveDate;
use opres_domain::Bilingual;
use opres_domain::Lang;
use serde::{Deserialize, Serialize};

/// The labelled pairs kept in the repository.
pub const PAIRS_JSONL: &str = include_str!("../../data/finding_pairs.jsonl");

/// One side of a labelled pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairFinding {
    /// Language the finding is written in.
    pub lang: Lang,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Root-cause category.
    pub root_cause: RootCause,
    /// Technique.
    pub technique: Option<TechniqueId>,
}

impl PairFinding {
    /// As a finding (in its one language), for the similarity model.
    pub fn to_finding(&self, id: &str) -> Finding {
        let text = |s: &str| match self.lang {
            Lang::Ja => Bilingual::ja(s),
            Lang::En => Bilingual::en(s),
        };
        Finding {
            id: FindingId::lit(id),
            engagement: EngagementId::lit("PAIRS"),
            origin: FindingOrigin::Tlpt,
            rollout_of: None,
            identified_on: NaiveDate::default(),
            title: text(&self.title),
            description: text(&self.description),
            severity: Severity::Medium,
            root_cause: self.root_cause,
            root_cause_note: None,
            technique: self.technique.clone(),
            systems: Vec::new(),
            enterprise_wide: false,
            recommendation: Bilingual::default(),
            owner: String::new(),
            due: None,
            status: FindingStatus::Open,
            resources: None,
            recurrence_of: Vec::new(),
        }
    }
}

/// A labelled pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelledPair {
    /// Identifier.
    pub id: String,
    /// `ja`, `en` or `mixed` (Japanese against English).
    pub lang: String,
    /// Same issue?
    pub same: bool,
    /// First finding.
    pub a: PairFinding,
    /// Second finding.
    pub b: PairFinding,
}

/// Reads pairs from JSON lines; an error names the line.
pub fn load_pairs(jsonl: &str) -> Result<Vec<LabelledPair>, String> {
    jsonl
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}

/// Precision and recall at one threshold.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PrResult {
    /// Threshold.
    pub threshold: f64,
    /// Same-issue pairs at or above it.
    pub true_positives: usize,
    /// Different-issue pairs at or above it.
    pub false_positives: usize,
    /// Same-issue pairs below it.
    pub false_negatives: usize,
    /// Different-issue pairs below it.
    pub true_negatives: usize,
    /// TP / (TP + FP).
    pub precision: f64,
    /// TP / (TP + FN).
    pub recall: f64,
    /// Harmonic mean.
    pub f1: f64,
}

/// Precision and recall of scored pairs `(score, same)` at a threshold.
pub fn evaluate(scores: &[(f64, bool)], threshold: f64) -> PrResult {
    let mut r = PrResult {
        threshold,
        true_positives: 0,
        false_positives: 0,
        false_negatives: 0,
        true_negatives: 0,
        precision: 0.0,
        recall: 0.0,
        f1: 0.0,
    };
    for &(s, same) in scores {
        match (s >= threshold, same) {
            (true, true) => r.true_positives += 1,
            (true, false) => r.false_positives += 1,
            (false, true) => r.false_negatives += 1,
            (false, false) => r.true_negatives += 1,
        }
    }
    let tp = r.true_positives as f64;
    r.precision = if tp + r.false_positives as f64 > 0.0 { tp / (tp + r.false_positives as f64) } else { 1.0 };
    r.recall = if tp + r.false_negatives as f64 > 0.0 { tp / (tp + r.false_negatives as f64) } else { 1.0 };
    r.f1 = if r.precision + r.recall > 0.0 { 2.0 * r.precision * r.recall / (r.precision + r.recall) } else { 0.0 };
    r
}

/// The threshold (among the observed scores) with the best F1.
pub fn best_threshold(scores: &[(f64, bool)]) -> PrResult {
    let mut best = evaluate(scores, 1.0 + f64::EPSILON);
    for &(s, _) in scores {
        let r = evaluate(scores, s);
        if r.f1 > best.f1 || (r.f1 == best.f1 && r.threshold > best.threshold) {
            best = r;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pairs_file_loads_and_is_balanced() {
        let pairs = load_pairs(PAIRS_JSONL).unwrap_or_else(|e| panic!("{e}"));
        assert!(pairs.len() >= 150);
        let same = pairs.iter().filter(|p| p.same).count();
        assert!(same * 3 >= pairs.len() && same * 3 <= pairs.len() * 2, "{same} of {}", pairs.len());
        for lang in ["ja", "en", "mixed"] {
            assert!(pairs.iter().filter(|p| p.lang == lang).count() >= 30, "{lang}");
        }
    }

    #[test]
    fn precision_and_recall() {
        let s = [(0.9, true), (0.8, false), (0.7, true), (0.2, false), (0.1, true)];
        let r = evaluate(&s, 0.5);
        assert_eq!((r.true_positives, r.false_positives, r.false_negatives, r.true_negatives), (2, 1, 1, 1));
        assert!((r.precision - 2.0 / 3.0).abs() < 1e-9 && (r.recall - 2.0 / 3.0).abs() < 1e-9);
        assert!(best_threshold(&s).f1 >= r.f1);
    }
}
