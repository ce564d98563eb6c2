//! Classification: suggests an incident's trigger and trend with a confidence and the reasons.
//!
//! Two models: [`RuleModel`], a curated bilingual vocabulary shipped in the binary that works on
//! day one, and [`LearnedModel`], multinomial logistic regression over TF-IDF word and character
//! n-grams trained from the register's accepted classifications. [`Classifier::train`] runs k-fold
//! cross-validation of both on the same folds and keeps the learned model only when its macro-F1
//! beats the rules'. The analyst's accepted code is what counts; a suggestion is only a suggestion.

mod eval;
mod jsonl;
mod learned;
mod rules;
pub mod vocab;

pub use eval::{ClassScore, ConfusionMatrix, EvalReport, cross_validate, evaluate, stratified_folds};
pub use jsonl::{ClassifyLine, JsonlSummary, LineError, classify_jsonl};
pub use learned::{LearnParams, LearnedModel};
pub use rules::RuleModel;

use crate::error::AnalysisError;
use opres_domain::{Channel, Incident, Lang, Trend, Trigger};
use serde::{Deserialize, Serialize};

/// What the classifier reads: the text, an optional title and the structured fields that help.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClassifyInput {
    /// Free text: description, root cause… in Japanese, English or both.
    pub text: String,
    /// Title, if separate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Whether the institution marked it a cyber attack, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cyber_attack: Option<bool>,
    /// The outsourcing vendor involved, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// Channels affected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<Channel>,
}

impl ClassifyInput {
    /// Plain text only.
    pub fn text(text: impl Into<String>) -> Self {
        ClassifyInput { text: text.into(), ..Default::default() }
    }

    /// Everything an incident says that bears on its trend: titles, descriptions and root cause in
    /// both languages, and the cyber flag, vendor and channels. The accepted classification itself is
    /// left out, so a suggestion never echoes it.
    pub fn from_incident(i: &Incident) -> Self {
        let mut text = String::new();
        for part in [&i.description.ja, &i.description.en, &i.root_cause].into_iter().flatten() {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(part);
        }
        let title: Vec<&str> = [&i.title.ja, &i.title.en].into_iter().flatten().map(String::as_str).collect();
        ClassifyInput {
            text,
            title: if title.is_empty() { None } else { Some(title.join(" / ")) },
            // Only a positive flag is evidence: `false` is also the default of unanalysed records.
            cyber_attack: i.cyber_attack.then_some(true),
            vendor: i.vendor.clone(),
            channels: i.channels.clone(),
        }
    }

    /// Title and text as one string.
    pub fn full_text(&self) -> String {
        match &self.title {
            Some(t) => format!("{t}\n{}", self.text),
            None => self.text.clone(),
        }
    }
}

/// Where a reason was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReasonSource {
    /// In the title or text.
    Text,
    /// In a structured field.
    Field,
}

/// One word or field that moved the decision, and how much.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    /// Text or field.
    pub source: ReasonSource,
    /// The matched term as written in the vocabulary, the n-gram, or `field=value`.
    pub value: String,
    /// The trend (or trigger) code it supported.
    pub supports: String,
    /// Its weight toward the suggestion (rule points or logit contribution).
    pub weight: f64,
}

/// Which model made a suggestion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// The curated vocabulary and rules.
    Rules,
    /// The model learned from accepted classifications.
    Learned,
}

impl ModelKind {
    /// The label in the given language.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (ModelKind::Rules, Lang::Ja) => "語彙・ルール",
            (ModelKind::Rules, Lang::En) => "vocabulary and rules",
            (ModelKind::Learned, Lang::Ja) => "学習済みモデル",
            (ModelKind::Learned, Lang::En) => "learned model",
        }
    }
}

/// A suggested classification, for the analyst to accept or correct.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    /// Suggested trigger (`unknown` when the model abstains).
    pub trigger: Trigger,
    /// Suggested trend (`unknown` when the model abstains).
    pub trend: Trend,
    /// Probability-like confidence in 0..=1.
    pub confidence: f64,
    /// What decided it, strongest first.
    pub reasons: Vec<Reason>,
    /// Which model suggested it.
    pub model: ModelKind,
    /// The runner-up trend and its confidence, if any, for the analyst to consider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alternative: Option<(Trend, f64)>,
}

impl Suggestion {
    /// The abstaining suggestion: nothing fired.
    pub fn unknown(model: ModelKind) -> Self {
        Suggestion {
            trigger: Trigger::Unknown,
            trend: Trend::Unknown,
            confidence: 0.0,
            reasons: Vec::new(),
            model,
            alternative: None,
        }
    }
}

/// A labelled example: text (and fields) with its accepted trend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Example {
    /// Identifier (eval-set id or incident reference).
    pub id: String,
    /// Language of the text, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<Lang>,
    /// What the classifier reads.
    #[serde(flatten)]
    pub input: ClassifyInput,
    /// The accepted trend (its trigger follows from it).
    pub trend: Trend,
}

impl Example {
    /// An accepted classification from the register; `None` while the incident is unanalysed.
    pub fn from_incident(i: &Incident) -> Option<Example> {
        let trend = i.classification.trend();
        (trend != Trend::Unknown).then(|| Example {
            id: i.reference.to_string(),
            lang: None,
            input: ClassifyInput::from_incident(i),
            trend,
        })
    }
}

/// A line of the shipped evaluation set, as stored in `data/eval_set.jsonl`.
#[derive(Debug, Clone, Deserialize)]
struct EvalLine {
    id: String,
    lang: Lang,
    text: String,
    #[serde(default)]
    title: Option<String>,
    trigger: Trigger,
    trend: Trend,
}

/// The labelled evaluation set shipped with the crate (bilingual short incident descriptions).
pub const EVAL_SET_JSONL: &str = include_str!("../../data/eval_set.jsonl");

/// Parses an evaluation set in the shipped format (`id`, `lang`, `text`, `trigger`, `trend`,
/// optional `title`); checks that each trend belongs to its trigger.
pub fn parse_eval_set(jsonl: &str) -> Result<Vec<Example>, AnalysisError> {
    let mut out = Vec::new();
    for (n, line) in jsonl.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |message: String| AnalysisError::BadLine { line: n + 1, message };
        let l: EvalLine = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
        if l.trend.trigger() != l.trigger {
            return Err(bad(format!("trend '{}' does not belong to trigger '{}'", l.trend, l.trigger)));
        }
        out.push(Example {
            id: l.id,
            lang: Some(l.lang),
            input: ClassifyInput { text: l.text, title: l.title, ..Default::default() },
            trend: l.trend,
        });
    }
    Ok(out)
}

/// The shipped evaluation set, parsed.
pub fn eval_set() -> Result<Vec<Example>, AnalysisError> {
    parse_eval_set(EVAL_SET_JSONL)
}

/// The classifier in use: the rules, or a learned model that evaluated better.
#[derive(Debug, Clone)]
pub enum Classifier {
    /// Curated vocabulary and rules.
    Rules(RuleModel),
    /// Learned from accepted classifications.
    Learned(Box<LearnedModel>),
}

impl Default for Classifier {
    fn default() -> Self {
        Classifier::Rules(RuleModel::default())
    }
}

/// Parameters of [`Classifier::train`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrainParams {
    /// Folds of cross-validation.
    pub folds: usize,
    /// Seed of the fold assignment and of training's shuffles.
    pub seed: u64,
    /// Learning parameters.
    pub learn: LearnParams,
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams { folds: 5, seed: 42, learn: LearnParams::default() }
    }
}

/// The outcome of `opres classify train`: both models' cross-validated scores and the choice.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredModel {
    /// Format marker, `opres-classifier`.
    pub format: String,
    /// Format version.
    pub version: u32,
    /// Which model is used.
    pub chosen: ModelKind,
    /// Cross-validated score of the rules (see [`StoredModel::explain`] for the choice in words).
    pub rules_cv: EvalReport,
    /// Cross-validated score of the learned model on the same folds.
    pub learned_cv: EvalReport,
    /// The learned model, trained on every example.
    pub model: LearnedModel,
}

impl StoredModel {
    /// The format marker.
    pub const FORMAT: &'static str = "opres-classifier";

    /// Serialises to JSON.
    pub fn to_json(&self) -> Result<String, AnalysisError> {
        serde_json::to_string(self).map_err(|e| AnalysisError::BadModel(e.to_string()))
    }

    /// Reads from JSON, checking format and version and rebuilding the model's look-up table.
    pub fn from_json(s: &str) -> Result<StoredModel, AnalysisError> {
        let mut m: StoredModel = serde_json::from_str(s).map_err(|e| AnalysisError::BadModel(e.to_string()))?;
        if m.format != Self::FORMAT || m.version != 1 {
            return Err(AnalysisError::BadModel(format!("format '{}' version {}", m.format, m.version)));
        }
        m.model.rebuild_index();
        Ok(m)
    }

    /// The classifier this stored model selects.
    pub fn classifier(&self) -> Classifier {
        match self.chosen {
            ModelKind::Rules => Classifier::Rules(RuleModel::default()),
            ModelKind::Learned => Classifier::Learned(Box::new(self.model.clone())),
        }
    }

    /// One line saying which model was chosen and why.
    pub fn explain(&self, lang: Lang) -> String {
        let (r, l) = (self.rules_cv.macro_f1, self.learned_cv.macro_f1);
        match lang {
            Lang::En => format!(
                "{}-fold cross-validation on {} accepted classifications: rules macro-F1 {r:.3}, learned macro-F1 {l:.3}; using the {}",
                self.learned_cv.folds,
                self.learned_cv.n,
                self.chosen.label(lang)
            ),
            Lang::Ja => format!(
                "確定済み分類{}件で{}分割交差検証: 語彙・ルールのマクロF1 {r:.3}、学習済みモデルのマクロF1 {l:.3}。{}を使用します",
                self.learned_cv.n,
                self.learned_cv.folds,
                self.chosen.label(lang)
            ),
        }
    }
}

impl Classifier {
    /// The day-one rule model.
    pub fn rules() -> Self {
        Classifier::default()
    }

    /// Which model this is.
    pub fn kind(&self) -> ModelKind {
        match self {
            Classifier::Rules(_) => ModelKind::Rules,
            Classifier::Learned(_) => ModelKind::Learned,
        }
    }

    /// Suggests a classification.
    pub fn suggest(&self, input: &ClassifyInput) -> Suggestion {
        match self {
            Classifier::Rules(m) => m.suggest(input),
            Classifier::Learned(m) => m.suggest(input),
        }
    }

    /// Cross-validates the rules and a learned model on the same stratified folds, trains the
    /// learned model on every example, and keeps it only if its macro-F1 is strictly higher.
    pub fn train(examples: &[Example], params: &TrainParams) -> Result<StoredModel, AnalysisError> {
        let classes: std::collections::BTreeSet<Trend> = examples.iter().map(|e| e.trend).collect();
        let need = (params.folds * 2).max(10);
        if examples.len() < need || classes.len() < 2 {
            return Err(AnalysisError::TooFewExamples { have: examples.len(), need });
        }
        let folds = stratified_folds(examples, params.folds, params.seed);
        let rules = RuleModel::default();
        let rules_cv = cross_validate(examples, &folds, |_| Ok(Classifier::Rules(rules.clone())))?;
        let learned_cv = cross_validate(examples, &folds, |train| {
            Ok(Classifier::Learned(Box::new(LearnedModel::train(train, &params.learn, params.seed)?)))
        })?;
        let model = LearnedModel::train(examples, &params.learn, params.seed)?;
        let chosen = if learned_cv.macro_f1 > rules_cv.macro_f1 { ModelKind::Learned } else { ModelKind::Rules };
        Ok(StoredModel { format: StoredModel::FORMAT.into(), version: 1, chosen, rules_cv, learned_cv, model })
    }
}

/// Turns scores into probability-like confidences: a softmax over the candidates and a fixed
/// "none of these" mass, so one weak match does not read as certainty.
pub(crate) fn softmax_with_null(scores: &[(Trend, f64)], null_score: f64, temperature: f64) -> Vec<(Trend, f64)> {
    let max = scores.iter().map(|s| s.1).fold(null_score, f64::max);
    let exps: Vec<f64> = scores.iter().map(|s| ((s.1 - max) / temperature).exp()).collect();
    let z: f64 = exps.iter().sum::<f64>() + ((null_score - max) / temperature).exp();
    scores.iter().zip(exps).map(|(s, e)| (s.0, e / z)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scores a classifier on the whole shipped set.
    fn score(c: &Classifier, set: &[Example]) -> EvalReport {
        let pairs: Vec<_> = set
            .iter()
            .map(|e| {
                let s = c.suggest(&e.input);
                (e.trend, s.trend, s.confidence)
            })
            .collect();
        evaluate(&pairs, 1)
    }

    #[test]
    fn eval_set_is_bilingual_and_large_enough() {
        let set = eval_set().unwrap();
        assert!(set.len() >= 150, "{}", set.len());
        let ja = set.iter().filter(|e| e.lang == Some(Lang::Ja)).count();
        let en = set.iter().filter(|e| e.lang == Some(Lang::En)).count();
        assert!(ja * 10 >= set.len() * 4 && en * 10 >= set.len() * 4, "ja {ja} en {en}");
        let trends: std::collections::BTreeSet<_> = set.iter().map(|e| e.trend).collect();
        assert!(trends.contains(&Trend::CyberOther));
        assert_eq!(trends.iter().filter(|t| t.is_named()).count(), 9);
    }

    #[test]
    fn rules_reach_their_measured_floor_on_the_eval_set() {
        let set = eval_set().unwrap();
        let r = score(&Classifier::rules(), &set);
        println!("{}", r.to_table(Lang::En));
        for lang in Lang::ALL {
            let sub: Vec<Example> = set.iter().filter(|e| e.lang == Some(lang)).cloned().collect();
            let s = score(&Classifier::rules(), &sub);
            println!("{lang}: accuracy {:.3} macro-F1 {:.3}", s.accuracy, s.macro_f1);
        }
        // Measured 0.765 (accuracy 0.775) with the vocabulary as first written, before the set
        // existed; the floor catches a regression in vocabulary or scoring.
        assert!(r.macro_f1 >= 0.74, "macro-F1 {:.3}", r.macro_f1);
        assert!(r.accuracy >= 0.75, "accuracy {:.3}", r.accuracy);
    }

    #[test]
    fn training_cross_validates_both_models_and_round_trips() {
        let set = eval_set().unwrap();
        let stored = Classifier::train(&set, &TrainParams::default()).unwrap();
        println!("{}", stored.explain(Lang::En));
        println!("{}", stored.learned_cv.to_table(Lang::En));
        assert_eq!(stored.rules_cv.n, set.len());
        assert_eq!(stored.learned_cv.folds, 5);
        // The learned model must have learned something beyond chance (13 trends: ~0.08).
        assert!(stored.learned_cv.macro_f1 > 0.3, "{}", stored.learned_cv.macro_f1);
        let chosen_better = match stored.chosen {
            ModelKind::Learned => stored.learned_cv.macro_f1 > stored.rules_cv.macro_f1,
            ModelKind::Rules => stored.learned_cv.macro_f1 <= stored.rules_cv.macro_f1,
        };
        assert!(chosen_better);
        let back = StoredModel::from_json(&stored.to_json().unwrap()).unwrap();
        let input = &set[0].input;
        assert_eq!(back.classifier().suggest(input), stored.classifier().suggest(input));
        assert!(StoredModel::from_json("{}").is_err());
    }

    #[test]
    fn too_few_examples_keep_the_rules() {
        let set: Vec<Example> = eval_set().unwrap().into_iter().take(5).collect();
        let err = Classifier::train(&set, &TrainParams::default()).unwrap_err();
        assert!(err.message(Lang::Ja).contains("少なすぎます"));
    }

    #[test]
    fn eval_set_lines_with_mismatched_trigger_are_refused() {
        let bad = r#"{"id":"x","lang":"en","text":"t","trigger":"work","trend":"cyber.ddos"}"#;
        assert!(matches!(parse_eval_set(bad), Err(AnalysisError::BadLine { line: 1, .. })));
    }
}
