//! The learned model: multinomial logistic regression over TF-IDF features (stemmed English words
//! and word bigrams, character trigrams of English words, CJK character 2–3-grams, structured
//! fields), trained by SGD with AdaGrad step sizes. Pure Rust, deterministic, serialisable to JSON.

use super::{ClassifyInput, Example, ModelKind, Reason, ReasonSource, Suggestion};
use crate::error::AnalysisError;
use crate::text::{feature_display, features};
use opres_domain::Trend;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Learning parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LearnParams {
    /// Passes over the training set, capped so that passes × examples stays within 2 million
    /// (large registers converge in fewer passes, and `classify train` must stay interactive).
    pub epochs: usize,
    /// AdaGrad base step size.
    pub learning_rate: f64,
    /// L2 penalty per update.
    pub l2: f64,
    /// Drop features seen in fewer documents than this.
    pub min_df: u32,
    /// Keep at most this many features, the most frequent (bounds the stored model's size).
    pub max_features: usize,
    /// Below this probability the model abstains to `unknown`.
    pub abstain_below: f64,
    /// Value of the rule model's suggestion as a feature (0 leaves the rules out). It sits outside
    /// the TF-IDF normalisation so hundreds of n-grams do not drown it.
    pub rule_feature: f64,
}

impl Default for LearnParams {
    fn default() -> Self {
        LearnParams {
            epochs: 30,
            learning_rate: 0.5,
            l2: 1e-3,
            min_df: 1,
            max_features: 200_000,
            abstain_below: 0.0,
            rule_feature: 1.0,
        }
    }
}

/// A trained multinomial logistic regression.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LearnedModel {
    /// Trends it can suggest, in weight-column order.
    pub classes: Vec<Trend>,
    /// Feature strings, in weight-row order.
    pub features: Vec<String>,
    /// Inverse document frequency per feature.
    pub idf: Vec<f32>,
    /// Weights, `features.len() × classes.len()`, row-major by feature.
    pub weights: Vec<f32>,
    /// Bias per class.
    pub bias: Vec<f32>,
    /// Parameters it was trained with.
    pub params: LearnParams,
    /// Number of training examples.
    pub trained_on: usize,
    #[serde(skip)]
    index: HashMap<String, u32>,
    #[serde(skip)]
    rules: super::RuleModel,
}

/// A sparse, L2-normalised TF-IDF vector: (feature index, value).
type SparseVec = Vec<(u32, f32)>;

/// Structured fields as features, so the learned model can use them like words.
fn field_features(input: &ClassifyInput, out: &mut Vec<String>) {
    if input.cyber_attack == Some(true) {
        out.push("f:cyber_attack".into());
    }
    if input.vendor.as_deref().is_some_and(|v| !v.trim().is_empty()) {
        out.push("f:vendor".into());
    }
    for c in &input.channels {
        out.push(format!("f:channel={}", c.code()));
    }
}

fn raw_features(input: &ClassifyInput) -> Vec<String> {
    let mut f = Vec::new();
    features(&input.full_text(), &mut f);
    field_features(input, &mut f);
    f
}

/// The rule model's suggestion as two features (trend and trigger), so the learned model starts
/// from the curated vocabulary's judgement and learns where the register's analysts differ.
fn rule_features(input: &ClassifyInput, rules: &super::RuleModel) -> [String; 2] {
    let s = rules.suggest(input);
    [format!("r:{}", s.trend.code()), format!("r:{}", s.trigger.code())]
}

/// Term counts of a document.
fn counts(feats: Vec<String>) -> HashMap<String, u32> {
    let mut m = HashMap::new();
    for f in feats {
        *m.entry(f).or_insert(0) += 1;
    }
    m
}

/// A small deterministic generator for shuffles (SplitMix64): training must be reproducible.
pub(crate) struct SplitMix(pub u64);

impl SplitMix {
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

impl LearnedModel {
    /// Trains on labelled examples (`unknown` labels are skipped).
    pub fn train(examples: &[Example], params: &LearnParams, seed: u64) -> Result<LearnedModel, AnalysisError> {
        let usable: Vec<&Example> = examples.iter().filter(|e| e.trend != Trend::Unknown).collect();
        let mut classes: Vec<Trend> = usable.iter().map(|e| e.trend).collect();
        classes.sort();
        classes.dedup();
        if usable.is_empty() || classes.len() < 2 {
            return Err(AnalysisError::TooFewExamples { have: usable.len(), need: 2 });
        }
        // Vocabulary and document frequencies.
        let rules = super::RuleModel::default();
        let docs: Vec<HashMap<String, u32>> = usable.iter().map(|e| counts(raw_features(&e.input))).collect();
        let stacked: Vec<[String; 2]> = if params.rule_feature > 0.0 {
            usable.iter().map(|e| rule_features(&e.input, &rules)).collect()
        } else {
            Vec::new()
        };
        let mut df: HashMap<&str, u32> = HashMap::new();
        for d in &docs {
            for f in d.keys() {
                *df.entry(f.as_str()).or_insert(0) += 1;
            }
        }
        for r in stacked.iter().flatten() {
            *df.entry(r.as_str()).or_insert(0) += 1;
        }
        let mut feats: Vec<(&str, u32)> = df.into_iter().filter(|(_, n)| *n >= params.min_df).collect();
        if feats.len() > params.max_features {
            feats.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            feats.truncate(params.max_features);
        }
        feats.sort();
        let n = docs.len() as f64;
        let features: Vec<String> = feats.iter().map(|(f, _)| f.to_string()).collect();
        // Smoothed idf, as scikit-learn's TfidfVectorizer computes it.
        let idf: Vec<f32> =
            feats.iter().map(|(_, d)| (((1.0 + n) / (1.0 + f64::from(*d))).ln() + 1.0) as f32).collect();
        let index: HashMap<String, u32> = features.iter().enumerate().map(|(i, f)| (f.clone(), i as u32)).collect();
        let k = classes.len();
        let mut model = LearnedModel {
            classes,
            features,
            idf,
            weights: Vec::new(),
            bias: vec![0.0; k],
            params: *params,
            trained_on: usable.len(),
            index,
            rules,
        };
        model.weights = vec![0.0; model.features.len() * k];
        let mut xs: Vec<SparseVec> = docs.into_iter().map(|d| model.vectorise_counts(d)).collect();
        for (x, r) in xs.iter_mut().zip(&stacked) {
            model.append_rule_features(x, r);
        }
        let ys: Vec<usize> =
            usable.iter().map(|e| model.classes.iter().position(|c| *c == e.trend).unwrap_or(0)).collect();
        model.fit(&xs, &ys, seed);
        Ok(model)
    }

    fn fit(&mut self, xs: &[SparseVec], ys: &[usize], seed: u64) {
        let k = self.classes.len();
        let mut g2 = vec![1e-8f32; self.weights.len()];
        let mut gb2 = vec![1e-8f32; k];
        let mut order: Vec<usize> = (0..xs.len()).collect();
        let mut rng = SplitMix(seed ^ 0x5EED);
        let lr = self.params.learning_rate as f32;
        let l2 = self.params.l2 as f32;
        let mut p = vec![0.0f32; k];
        let epochs = self.params.epochs.min((2_000_000 / xs.len().max(1)).max(2));
        for _ in 0..epochs {
            rng.shuffle(&mut order);
            for &i in &order {
                self.logits_into(&xs[i], &mut p);
                softmax_in_place(&mut p);
                for (c, pc) in p.iter().enumerate() {
                    let g = pc - if c == ys[i] { 1.0 } else { 0.0 };
                    gb2[c] += g * g;
                    self.bias[c] -= lr * g / gb2[c].sqrt();
                    for &(j, x) in &xs[i] {
                        let w = j as usize * k + c;
                        let grad = g * x + l2 * self.weights[w];
                        g2[w] += grad * grad;
                        self.weights[w] -= lr * grad / g2[w].sqrt();
                    }
                }
            }
        }
    }

    /// Rebuilds the feature look-up table after deserialising.
    pub fn rebuild_index(&mut self) {
        self.index = self.features.iter().enumerate().map(|(i, f)| (f.clone(), i as u32)).collect();
    }

    fn append_rule_features(&self, x: &mut SparseVec, r: &[String; 2]) {
        for f in r {
            if let Some(&j) = self.index.get(f) {
                x.push((j, self.params.rule_feature as f32));
            }
        }
        x.sort_by_key(|e| e.0);
    }

    /// The full feature vector of an input: TF-IDF n-grams and fields, plus the rules' suggestion.
    fn vectorise(&self, input: &ClassifyInput) -> SparseVec {
        let mut x = self.vectorise_counts(counts(raw_features(input)));
        if self.params.rule_feature > 0.0 {
            self.append_rule_features(&mut x, &rule_features(input, &self.rules));
        }
        x
    }

    fn vectorise_counts(&self, counts: HashMap<String, u32>) -> SparseVec {
        let mut v: SparseVec = counts
            .into_iter()
            .filter_map(|(f, c)| {
                let j = *self.index.get(&f)?;
                // Sublinear tf damps repeated n-grams of long texts.
                Some((j, (1.0 + (c as f32).ln()) * self.idf[j as usize]))
            })
            .collect();
        // Sorted before summing: the float sum must not depend on hash order.
        v.sort_by_key(|e| e.0);
        let norm = v.iter().map(|(_, x)| x * x).sum::<f32>().sqrt();
        if norm > 0.0 {
            for e in &mut v {
                e.1 /= norm;
            }
        }
        v
    }

    fn logits_into(&self, x: &SparseVec, out: &mut [f32]) {
        let k = self.classes.len();
        out.copy_from_slice(&self.bias);
        for &(j, v) in x {
            let row = &self.weights[j as usize * k..(j as usize + 1) * k];
            for (o, w) in out.iter_mut().zip(row) {
                *o += v * w;
            }
        }
    }

    /// Class probabilities for an input.
    pub fn probabilities(&self, input: &ClassifyInput) -> Vec<(Trend, f64)> {
        let x = self.vectorise(input);
        let mut p = vec![0.0f32; self.classes.len()];
        self.logits_into(&x, &mut p);
        softmax_in_place(&mut p);
        self.classes.iter().copied().zip(p.into_iter().map(f64::from)).collect()
    }

    /// Suggests the most probable trend; the reasons are the n-grams and fields that pushed the
    /// chosen trend's logit up most.
    pub fn suggest(&self, input: &ClassifyInput) -> Suggestion {
        let x = self.vectorise(input);
        if x.is_empty() {
            return Suggestion::unknown(ModelKind::Learned);
        }
        let k = self.classes.len();
        let mut p = vec![0.0f32; k];
        self.logits_into(&x, &mut p);
        softmax_in_place(&mut p);
        let mut ranked: Vec<(usize, f32)> = p.iter().copied().enumerate().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let (best, conf) = ranked[0];
        if f64::from(conf) < self.params.abstain_below {
            return Suggestion::unknown(ModelKind::Learned);
        }
        let trend = self.classes[best];
        let mut contrib: Vec<(u32, f32)> =
            x.iter().map(|&(j, v)| (j, v * self.weights[j as usize * k + best])).collect();
        contrib.sort_by(|a, b| b.1.total_cmp(&a.1));
        let reasons = contrib
            .into_iter()
            .filter(|c| c.1 > 0.0)
            .take(8)
            .map(|(j, w)| {
                let f = &self.features[j as usize];
                let (source, value) = if let Some(field) = f.strip_prefix("f:") {
                    (ReasonSource::Field, field.replace("cyber_attack", "cyber_attack=true"))
                } else if let Some(rule) = f.strip_prefix("r:") {
                    (ReasonSource::Field, format!("rules={rule}"))
                } else {
                    (ReasonSource::Text, feature_display(f).to_string())
                };
                Reason { source, value, supports: trend.code().to_string(), weight: f64::from(w) }
            })
            .collect();
        Suggestion {
            trigger: trend.trigger(),
            trend,
            confidence: f64::from(conf),
            reasons,
            model: ModelKind::Learned,
            alternative: ranked.get(1).map(|&(c, q)| (self.classes[c], f64::from(q))),
        }
    }
}

fn softmax_in_place(v: &mut [f32]) {
    let m = v.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut z = 0.0;
    for x in v.iter_mut() {
        *x = (*x - m).exp();
        z += *x;
    }
    for x in v.iter_mut() {
        *x /= z;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(id: &str, text: &str, trend: Trend) -> Example {
        Example { id: id.into(), lang: None, input: ClassifyInput::text(text), trend }
    }

    fn toy() -> Vec<Example> {
        vec![
            ex("1", "DDoS攻撃でネットバンキングが停止", Trend::CyberDdos),
            ex("2", "大量の通信によるDDoS攻撃", Trend::CyberDdos),
            ex("3", "DDoS attack flooded the web servers", Trend::CyberDdos),
            ex("4", "ディスク容量不足でバッチ異常終了", Trend::OperationsStorage),
            ex("5", "ログ領域のディスクが満杯", Trend::OperationsStorage),
            ex("6", "disk full on the batch server", Trend::OperationsStorage),
        ]
    }

    #[test]
    fn learns_a_separable_toy_set() {
        let m = LearnedModel::train(&toy(), &LearnParams::default(), 1).unwrap();
        let s = m.suggest(&ClassifyInput::text("DDoS攻撃を受けた"));
        assert_eq!(s.trend, Trend::CyberDdos);
        let s = m.suggest(&ClassifyInput::text("the disk filled up"));
        assert_eq!(s.trend, Trend::OperationsStorage);
        assert!(!s.reasons.is_empty());
        let sum: f64 = m.probabilities(&ClassifyInput::text("x")).iter().map(|p| p.1).sum();
        assert!((sum - 1.0).abs() < 1e-4);
    }

    #[test]
    fn json_round_trip_predicts_the_same() {
        let m = LearnedModel::train(&toy(), &LearnParams::default(), 1).unwrap();
        let mut back: LearnedModel = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
        back.rebuild_index();
        let input = ClassifyInput::text("ディスク満杯");
        assert_eq!(m.suggest(&input), back.suggest(&input));
    }

    #[test]
    fn training_is_deterministic() {
        let a = LearnedModel::train(&toy(), &LearnParams::default(), 7).unwrap();
        let b = LearnedModel::train(&toy(), &LearnParams::default(), 7).unwrap();
        assert_eq!(a.weights, b.weights);
    }

    #[test]
    fn one_class_is_too_few() {
        let one = vec![ex("1", "a", Trend::CyberDdos), ex("2", "b", Trend::CyberDdos)];
        assert!(matches!(
            LearnedModel::train(&one, &LearnParams::default(), 1),
            Err(AnalysisError::TooFewExamples { .. })
        ));
    }
}
