//! The day-one rule model: the curated vocabulary of [`super::vocab`] scored per trend.

use super::vocab::{Target, VOCABULARY};
use super::{ClassifyInput, ModelKind, Reason, ReasonSource, Suggestion, softmax_with_null};
use crate::text::normalize;
use opres_domain::{Trend, Trigger};

/// One vocabulary entry, prepared for matching.
#[derive(Debug, Clone)]
struct Term {
    target: Target,
    pattern: String,
    /// English term: must start a word (and end one when short, so `bcp` does not match inside a word).
    ascii: bool,
    whole_word: bool,
    weight: f64,
}

/// The curated bilingual vocabulary and its scoring rules.
///
/// A trend's score is the sum of its matched terms' weights plus half its trigger's cue weight
/// (only when the trend itself matched); a trigger's `other` trend gets 0.8 of the trigger's cue
/// weight, so "a migration failed" with no more specific cue becomes `change.other`, never a named
/// trend the text does not support. Below [`RuleModel::abstain_below`] it suggests `unknown`.
#[derive(Debug, Clone)]
pub struct RuleModel {
    terms: Vec<Term>,
    /// A suggestion needs a score above this; at or below it the model abstains to `unknown`.
    pub abstain_below: f64,
    /// Softmax temperature of the confidence.
    pub temperature: f64,
}

impl Default for RuleModel {
    fn default() -> Self {
        let terms = VOCABULARY
            .iter()
            .map(|&(target, pattern, weight)| {
                let pattern = normalize(pattern);
                let ascii = pattern.is_ascii();
                Term { target, whole_word: ascii && pattern.len() <= 4, ascii, pattern, weight: f64::from(weight) }
            })
            .collect();
        RuleModel { terms, abstain_below: 1.5, temperature: 1.6 }
    }
}

/// Share of a trigger's cue weight that a matched named trend of that trigger receives.
const TRIGGER_SHARE_NAMED: f64 = 0.5;
/// Share of a trigger's cue weight that the trigger's `other` trend receives.
const TRIGGER_SHARE_OTHER: f64 = 0.8;
/// Cue weight of the institution's own "cyber attack" flag.
const CYBER_FLAG_WEIGHT: f64 = 3.0;
/// Support a named vendor gives to `change.outsourcing` (vendors appear in many cases, so small).
const VENDOR_WEIGHT: f64 = 1.0;

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

fn term_matches(norm: &str, t: &Term) -> bool {
    if !t.ascii {
        return norm.contains(&t.pattern);
    }
    norm.match_indices(&t.pattern).any(|(i, m)| {
        let starts = norm[..i].chars().next_back().is_none_or(|c| !is_word_char(c));
        let ends = !t.whole_word || norm[i + m.len()..].chars().next().is_none_or(|c| !is_word_char(c));
        starts && ends
    })
}

fn other_of(trigger: Trigger) -> Trend {
    match trigger {
        Trigger::Cyber => Trend::CyberOther,
        Trigger::Change => Trend::ChangeOther,
        Trigger::Operations => Trend::OperationsOther,
        Trigger::Work => Trend::WorkOther,
        Trigger::Unknown => Trend::Unknown,
    }
}

fn trend_index(t: Trend) -> usize {
    Trend::ALL.iter().position(|x| *x == t).unwrap_or(Trend::ALL.len() - 1)
}

fn trigger_index(t: Trigger) -> usize {
    Trigger::ALL.iter().position(|x| *x == t).unwrap_or(Trigger::ALL.len() - 1)
}

impl RuleModel {
    /// Number of vocabulary terms.
    pub fn vocabulary_len(&self) -> usize {
        self.terms.len()
    }

    /// Scores every trend; returns the scores and every matched term (as reasons).
    pub fn score(&self, input: &ClassifyInput) -> (Vec<(Trend, f64)>, Vec<Reason>) {
        let norm = normalize(&input.full_text());
        let mut own = [0.0f64; Trend::ALL.len()];
        let mut cue = [0.0f64; Trigger::ALL.len()];
        let mut reasons = Vec::new();
        for t in &self.terms {
            if !term_matches(&norm, t) {
                continue;
            }
            let supports = match t.target {
                Target::Trend(tr) => {
                    own[trend_index(tr)] += t.weight;
                    tr.code()
                }
                Target::Trigger(g) => {
                    cue[trigger_index(g)] += t.weight;
                    g.code()
                }
            };
            reasons.push(Reason {
                source: ReasonSource::Text,
                value: t.pattern.clone(),
                supports: supports.to_string(),
                weight: t.weight,
            });
        }
        if input.cyber_attack == Some(true) {
            cue[trigger_index(Trigger::Cyber)] += CYBER_FLAG_WEIGHT;
            reasons.push(Reason {
                source: ReasonSource::Field,
                value: "cyber_attack=true".into(),
                supports: Trigger::Cyber.code().into(),
                weight: CYBER_FLAG_WEIGHT,
            });
        }
        if let Some(v) = input.vendor.as_deref().filter(|v| !v.trim().is_empty()) {
            own[trend_index(Trend::ChangeOutsourcing)] += VENDOR_WEIGHT;
            reasons.push(Reason {
                source: ReasonSource::Field,
                value: format!("vendor={}", v.trim()),
                supports: Trend::ChangeOutsourcing.code().into(),
                weight: VENDOR_WEIGHT,
            });
        }
        let mut scores = Vec::new();
        for tr in Trend::ALL {
            if tr == Trend::Unknown {
                continue;
            }
            let g = tr.trigger();
            let trig = cue[trigger_index(g)];
            let o = own[trend_index(tr)];
            let s = if tr == other_of(g) {
                o + TRIGGER_SHARE_OTHER * trig
            } else if o > 0.0 {
                o + TRIGGER_SHARE_NAMED * trig
            } else {
                0.0
            };
            if s > 0.0 {
                scores.push((tr, s));
            }
        }
        reasons.sort_by(|a, b| b.weight.total_cmp(&a.weight));
        (scores, reasons)
    }

    /// Suggests a trend: the best score, or `unknown` when nothing reaches the threshold. The
    /// reasons are the matched terms and fields that supported the suggested trend or its trigger.
    pub fn suggest(&self, input: &ClassifyInput) -> Suggestion {
        let (mut scores, reasons) = self.score(input);
        scores.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let Some(&(best, best_score)) = scores.first() else {
            return Suggestion::unknown(ModelKind::Rules);
        };
        if best_score <= self.abstain_below {
            return Suggestion::unknown(ModelKind::Rules);
        }
        let probs = softmax_with_null(&scores, self.abstain_below, self.temperature);
        let confidence = probs.first().map(|p| p.1).unwrap_or(0.0);
        let alternative = probs.get(1).map(|&(t, p)| (t, p));
        let reasons =
            reasons.into_iter().filter(|r| r.supports == best.code() || r.supports == best.trigger().code()).collect();
        Suggestion { trigger: best.trigger(), trend: best, confidence, reasons, model: ModelKind::Rules, alternative }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suggest(text: &str) -> Suggestion {
        RuleModel::default().suggest(&ClassifyInput::text(text))
    }

    #[test]
    fn ddos_in_either_language() {
        let s = suggest("インターネットバンキングがＤＤｏＳ攻撃を受け、つながりにくい状態となった");
        assert_eq!(s.trend, Trend::CyberDdos);
        assert_eq!(s.trigger, Trigger::Cyber);
        assert!(s.reasons.iter().any(|r| r.value == "ddos"), "{:?}", s.reasons);
        let s = suggest("Internet banking was unreachable for two hours during a DDoS attack.");
        assert_eq!(s.trend, Trend::CyberDdos);
        assert!(s.confidence > 0.5, "{}", s.confidence);
    }

    #[test]
    fn abstains_when_nothing_fires() {
        let s = suggest("詳細は調査中です。");
        assert_eq!(s.trend, Trend::Unknown);
        assert_eq!(s.trigger, Trigger::Unknown);
        assert_eq!(s.confidence, 0.0);
        assert!(s.reasons.is_empty());
    }

    #[test]
    fn short_english_terms_need_whole_words() {
        // "bcp" inside another word must not fire; "full" must not fire on "fully".
        let s = suggest("Service fully restored; abcpq");
        assert_eq!(s.trend, Trend::Unknown, "{s:?}");
    }

    #[test]
    fn trigger_cue_alone_gives_other_not_a_named_trend() {
        let s = suggest("勘定系システムの更改後、一部の取引でエラーが発生した");
        assert_eq!(s.trend, Trend::ChangeOther, "{s:?}");
    }

    #[test]
    fn cyber_flag_is_a_reason() {
        let input = ClassifyInput { cyber_attack: Some(true), ..ClassifyInput::text("不正アクセスの疑い") };
        let s = RuleModel::default().suggest(&input);
        assert_eq!(s.trend, Trend::CyberOther);
        assert!(s.reasons.iter().any(|r| r.source == ReasonSource::Field));
    }

    #[test]
    fn confidence_is_lower_when_cues_compete() {
        let clear = suggest("ディスク容量不足によりバッチ処理が異常終了した");
        let mixed = suggest("ディスク容量不足と設定ミスが重なりバッチ処理が異常終了した");
        assert_eq!(clear.trend, Trend::OperationsStorage);
        assert!(clear.confidence > mixed.confidence, "{} vs {}", clear.confidence, mixed.confidence);
    }
}
