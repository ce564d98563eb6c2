//! Evaluation: accuracy, macro-F1, per-class precision/recall/F1 and the confusion matrix, and
//! stratified k-fold cross-validation.

use super::learned::SplitMix;
use super::{Classifier, Example};
use crate::error::AnalysisError;
use opres_domain::{Lang, Trend};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// Precision, recall and F1 of one trend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassScore {
    /// The trend.
    pub trend: Trend,
    /// Of the suggestions of this trend, the share that were right.
    pub precision: f64,
    /// Of the cases of this trend, the share that were found.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Cases of this trend in the gold labels.
    pub support: usize,
}

/// Rows are the accepted (gold) trend, columns the suggested one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfusionMatrix {
    /// Row and column labels.
    pub labels: Vec<Trend>,
    /// `counts[gold][suggested]`.
    pub counts: Vec<Vec<usize>>,
}

/// The scores of a model on labelled cases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalReport {
    /// Cases evaluated.
    pub n: usize,
    /// Folds of cross-validation (1 for a plain evaluation).
    pub folds: usize,
    /// Share of cases whose suggested trend is the accepted one.
    pub accuracy: f64,
    /// Share of cases whose suggested trigger is the accepted one.
    pub trigger_accuracy: f64,
    /// Unweighted mean F1 over the trends present in the gold labels or the suggestions (as
    /// scikit-learn's `f1_score(average="macro")`), so a rare trend counts as much as a common one.
    pub macro_f1: f64,
    /// Per-trend scores.
    pub per_class: Vec<ClassScore>,
    /// Confusion matrix.
    pub confusion: ConfusionMatrix,
    /// Mean confidence of the suggestions (compare with accuracy for calibration).
    pub mean_confidence: f64,
    /// Cases the model abstained on (`unknown`).
    pub abstained: usize,
}

/// Scores suggestions against gold labels: `(gold, suggested, confidence)` per case.
pub fn evaluate(pairs: &[(Trend, Trend, f64)], folds: usize) -> EvalReport {
    let labels: Vec<Trend> = pairs.iter().flat_map(|(g, p, _)| [*g, *p]).collect::<BTreeSet<_>>().into_iter().collect();
    let pos = |t: Trend| labels.iter().position(|l| *l == t).unwrap_or(0);
    let mut counts = vec![vec![0usize; labels.len()]; labels.len()];
    for (g, p, _) in pairs {
        counts[pos(*g)][pos(*p)] += 1;
    }
    let per_class: Vec<ClassScore> = labels
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let tp = counts[i][i] as f64;
            let predicted: usize = counts.iter().map(|r| r[i]).sum();
            let support: usize = counts[i].iter().sum();
            let precision = if predicted > 0 { tp / predicted as f64 } else { 0.0 };
            let recall = if support > 0 { tp / support as f64 } else { 0.0 };
            let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
            ClassScore { trend: *t, precision, recall, f1, support }
        })
        .collect();
    let n = pairs.len();
    let correct = pairs.iter().filter(|(g, p, _)| g == p).count();
    let trig = pairs.iter().filter(|(g, p, _)| g.trigger() == p.trigger()).count();
    let ratio = |a: usize| if n > 0 { a as f64 / n as f64 } else { 0.0 };
    EvalReport {
        n,
        folds,
        accuracy: ratio(correct),
        trigger_accuracy: ratio(trig),
        macro_f1: if per_class.is_empty() {
            0.0
        } else {
            per_class.iter().map(|c| c.f1).sum::<f64>() / per_class.len() as f64
        },
        per_class,
        confusion: ConfusionMatrix { labels, counts },
        mean_confidence: if n > 0 { pairs.iter().map(|p| p.2).sum::<f64>() / n as f64 } else { 0.0 },
        abstained: pairs.iter().filter(|(_, p, _)| *p == Trend::Unknown).count(),
    }
}

/// Assigns each example a fold `0..k`, stratified by trend: each trend's cases, shuffled with
/// the seed, are dealt round-robin, so every fold holds about the same mix.
pub fn stratified_folds(examples: &[Example], k: usize, seed: u64) -> Vec<usize> {
    let k = k.max(2);
    let mut fold = vec![0usize; examples.len()];
    let classes: BTreeSet<Trend> = examples.iter().map(|e| e.trend).collect();
    let mut rng = SplitMix(seed);
    let mut next = 0usize;
    for c in classes {
        let mut idx: Vec<usize> = (0..examples.len()).filter(|&i| examples[i].trend == c).collect();
        rng.shuffle(&mut idx);
        for i in idx {
            fold[i] = next % k;
            next += 1;
        }
    }
    fold
}

/// Cross-validates: for each fold, builds a classifier from the other folds' examples and scores
/// it on this fold's; the report pools every held-out suggestion.
pub fn cross_validate(
    examples: &[Example],
    folds: &[usize],
    mut build: impl FnMut(&[Example]) -> Result<Classifier, AnalysisError>,
) -> Result<EvalReport, AnalysisError> {
    let k = folds.iter().copied().max().map_or(0, |m| m + 1);
    let mut pairs = Vec::with_capacity(examples.len());
    for f in 0..k {
        let train: Vec<Example> =
            examples.iter().zip(folds).filter(|(_, g)| **g != f).map(|(e, _)| e.clone()).collect();
        let model = build(&train)?;
        for (e, _) in examples.iter().zip(folds).filter(|(_, g)| **g == f) {
            let s = model.suggest(&e.input);
            pairs.push((e.trend, s.trend, s.confidence));
        }
    }
    Ok(evaluate(&pairs, k))
}

impl EvalReport {
    /// A plain-text table for `opres classify eval`: summary, per-trend scores, confusion matrix.
    pub fn to_table(&self, lang: Lang) -> String {
        let mut s = String::new();
        let (acc, trig, mf1, conf, abst) = match lang {
            Lang::Ja => ("正解率", "発生の端緒の正解率", "マクロF1", "平均確信度", "判定保留"),
            Lang::En => ("accuracy", "trigger accuracy", "macro-F1", "mean confidence", "abstained"),
        };
        let _ = writeln!(
            s,
            "n={} folds={}  {acc} {:.3}  {trig} {:.3}  {mf1} {:.3}  {conf} {:.3}  {abst} {}",
            self.n,
            self.folds,
            self.accuracy,
            self.trigger_accuracy,
            self.macro_f1,
            self.mean_confidence,
            self.abstained
        );
        let _ = writeln!(s, "\n{:<24} {:>9} {:>9} {:>9} {:>8}", "trend", "precision", "recall", "f1", "support");
        for c in &self.per_class {
            let _ = writeln!(
                s,
                "{:<24} {:>9.3} {:>9.3} {:>9.3} {:>8}",
                c.trend.code(),
                c.precision,
                c.recall,
                c.f1,
                c.support
            );
        }
        let short: Vec<String> = self.confusion.labels.iter().map(|t| abbreviate(*t)).collect();
        let _ = write!(
            s,
            "\n{:<24}",
            match lang {
                Lang::Ja => "正解＼提案",
                Lang::En => "gold \\ suggested",
            }
        );
        for h in &short {
            let _ = write!(s, " {h:>5}");
        }
        s.push('\n');
        for (i, row) in self.confusion.counts.iter().enumerate() {
            let _ = write!(s, "{:<24}", self.confusion.labels[i].code());
            for c in row {
                let _ = write!(s, " {c:>5}");
            }
            s.push('\n');
        }
        s
    }
}

/// A five-character column header for a trend.
fn abbreviate(t: Trend) -> String {
    let code = t.code();
    match code.split_once('.') {
        Some((g, d)) => format!("{}.{}", &g[..2.min(g.len())], &d[..2.min(d.len())]),
        None => code.chars().take(5).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::ClassifyInput;

    #[test]
    fn perfect_and_mixed_scores() {
        let perfect =
            evaluate(&[(Trend::CyberDdos, Trend::CyberDdos, 1.0), (Trend::WorkOther, Trend::WorkOther, 1.0)], 1);
        assert_eq!(perfect.accuracy, 1.0);
        assert_eq!(perfect.macro_f1, 1.0);
        // Gold: A A B; predicted: A B B. A: P=1 R=.5 F=2/3; B: P=.5 R=1 F=2/3.
        let r = evaluate(
            &[
                (Trend::CyberDdos, Trend::CyberDdos, 0.9),
                (Trend::CyberDdos, Trend::CyberMalware, 0.6),
                (Trend::CyberMalware, Trend::CyberMalware, 0.6),
            ],
            1,
        );
        assert!((r.macro_f1 - 2.0 / 3.0).abs() < 1e-9);
        assert!((r.accuracy - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(r.trigger_accuracy, 1.0);
        // Labels follow the taxonomy order: malware before DDoS.
        assert_eq!(r.confusion.labels, [Trend::CyberMalware, Trend::CyberDdos]);
        assert_eq!(r.confusion.counts, vec![vec![1, 0], vec![1, 1]]);
        assert!(r.to_table(Lang::En).contains("cyber.ddos"));
    }

    #[test]
    fn folds_are_stratified_and_cover_everything() {
        let ex: Vec<Example> = (0..30)
            .map(|i| Example {
                id: i.to_string(),
                lang: None,
                input: ClassifyInput::text("x"),
                trend: if i % 3 == 0 { Trend::CyberDdos } else { Trend::WorkOther },
            })
            .collect();
        let f = stratified_folds(&ex, 5, 3);
        for k in 0..5 {
            let ddos = ex.iter().zip(&f).filter(|(e, g)| **g == k && e.trend == Trend::CyberDdos).count();
            assert_eq!(ddos, 2);
            assert_eq!(f.iter().filter(|g| **g == k).count(), 6);
        }
    }
}
