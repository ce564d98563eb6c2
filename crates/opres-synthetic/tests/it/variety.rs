//! The text is varied enough that the trend cannot be read off a few template words.
//!
//! Tokens: lower-cased English words, and Japanese character bigrams (no dictionary is needed and
//! every word of two or more characters contributes its bigrams). A token "gives a trend away"
//! when most incidents containing it are of that trend (precision) AND most incidents of that
//! trend contain it (coverage). No token may do both above 60%.

use crate::big;
use opres_domain::{Incident, Trend};
use std::collections::{HashMap, HashSet};

fn is_japanese(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{9fff}' | '\u{ff66}'..='\u{ff9f}')
}

fn tokens(text: &str, out: &mut HashSet<String>) {
    let mut word = String::new();
    let mut run: Vec<char> = Vec::new();
    let flush_run = |run: &mut Vec<char>, out: &mut HashSet<String>| {
        for w in run.windows(2) {
            out.insert(w.iter().collect());
        }
        run.clear();
    };
    for c in text.chars() {
        if is_japanese(c) {
            run.push(c);
        } else {
            flush_run(&mut run, out);
        }
        if c.is_ascii_alphabetic() {
            word.push(c.to_ascii_lowercase());
        } else if !word.is_empty() {
            if word.len() > 2 {
                out.insert(std::mem::take(&mut word));
            }
            word.clear();
        }
    }
    flush_run(&mut run, out);
    if word.len() > 2 {
        out.insert(word);
    }
}

fn incident_tokens(i: &Incident) -> HashSet<String> {
    let mut t = HashSet::new();
    for s in [&i.title.ja, &i.title.en, &i.description.ja, &i.description.en].into_iter().flatten() {
        tokens(s, &mut t);
    }
    t
}

#[test]
fn no_token_gives_a_trend_away() {
    let incidents = &big().incidents;
    let mut per_trend: HashMap<Trend, usize> = HashMap::new();
    // token → (trend → incidents of that trend containing it)
    let mut counts: HashMap<String, HashMap<Trend, usize>> = HashMap::new();
    for i in incidents {
        let trend = i.classification.trend();
        *per_trend.entry(trend).or_default() += 1;
        for tok in incident_tokens(i) {
            *counts.entry(tok).or_default().entry(trend).or_default() += 1;
        }
    }
    let mut giveaways = Vec::new();
    for (tok, by_trend) in &counts {
        let total: usize = by_trend.values().sum();
        for (trend, n) in by_trend {
            let coverage = *n as f64 / per_trend[trend] as f64;
            let precision = *n as f64 / total as f64;
            if per_trend[trend] >= 100 && coverage > 0.6 && precision > 0.6 {
                giveaways.push(format!("{tok} → {trend}: coverage {coverage:.2}, precision {precision:.2}"));
            }
        }
    }
    giveaways.sort();
    assert!(giveaways.is_empty(), "{}", giveaways.join("\n"));
}

/// For each trend, the best F1 score a one-token rule ("has token t → trend T") reaches, and the token.
fn best_single_token_f1() -> Vec<(Trend, f64, String)> {
    let incidents = &big().incidents;
    let mut per_trend: HashMap<Trend, usize> = HashMap::new();
    let mut total: HashMap<String, usize> = HashMap::new();
    let mut within: HashMap<(Trend, String), usize> = HashMap::new();
    for i in incidents {
        let trend = i.classification.trend();
        *per_trend.entry(trend).or_default() += 1;
        for tok in incident_tokens(i) {
            *total.entry(tok.clone()).or_default() += 1;
            *within.entry((trend, tok)).or_default() += 1;
        }
    }
    let mut best: HashMap<Trend, (f64, String)> = HashMap::new();
    for ((trend, tok), n) in &within {
        let recall = *n as f64 / per_trend[trend] as f64;
        let precision = *n as f64 / total[tok] as f64;
        let f1 = 2.0 * precision * recall / (precision + recall);
        let e = best.entry(*trend).or_insert((0.0, String::new()));
        if f1 > e.0 {
            *e = (f1, tok.clone());
        }
    }
    let mut out: Vec<_> = best.into_iter().map(|(t, (f, tok))| (t, f, tok)).collect();
    out.sort_by_key(|x| x.0);
    out
}

#[test]
fn the_best_single_token_rule_is_a_poor_classifier() {
    // A one-word rule is at best a weak classifier for every trend the source names.
    let rows = best_single_token_f1();
    for (trend, f1, tok) in &rows {
        if trend.is_named() {
            assert!(*f1 < 0.6, "{trend}: '{tok}' reaches F1 {f1:.2}");
        }
    }
}

#[test]
fn descriptions_are_nearly_all_distinct() {
    let incidents = &big().incidents;
    let ja: HashSet<_> = incidents.iter().filter_map(|i| i.description.ja.as_deref()).collect();
    let en: HashSet<_> = incidents.iter().filter_map(|i| i.description.en.as_deref()).collect();
    let n_ja = incidents.iter().filter(|i| i.description.ja.is_some()).count();
    let n_en = incidents.iter().filter(|i| i.description.en.is_some()).count();
    assert!(ja.len() as f64 > 0.99 * n_ja as f64 && en.len() as f64 > 0.99 * n_en as f64);
}

#[test]
fn shared_words_cross_trends() {
    // "network" / ネットワーク appears in DDoS and in redundancy failures; 設定 in several.
    let incidents = &big().incidents;
    let trends_with = |needle: &str| -> HashSet<Trend> {
        incidents
            .iter()
            .filter(|i| {
                [&i.description.ja, &i.description.en].into_iter().flatten().any(|d| d.to_lowercase().contains(needle))
            })
            .map(|i| i.classification.trend())
            .collect()
    };
    let network = trends_with("network");
    assert!(network.contains(&Trend::CyberDdos) && network.contains(&Trend::OperationsRedundancy));
    assert!(trends_with("ネットワーク").len() >= 3);
    assert!(trends_with("設定").len() >= 4);
    assert!(trends_with("委託先").len() >= 4);
}

#[test]
fn tokenizer_splits_both_scripts() {
    let mut t = HashSet::new();
    tokens("ATMが停止した。The core system", &mut t);
    for expected in ["atm", "core", "system", "停止", "止し", "した"] {
        assert!(t.contains(expected), "{expected}: {t:?}");
    }
}
