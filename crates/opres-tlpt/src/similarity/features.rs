//! Turning a finding into features: normalised text, English word stems, Japanese character bigrams,
//! bilingual concepts, and a corpus-independent 64-bit fingerprint (SimHash).
//!
//! Japanese has no spaces and no morphological dictionary can be downloaded at build time here, so
//! Japanese text is compared by character bigrams, which need no dictionary and tolerate inflection
//! and compound variation (認証情報 / 認証の情報).

use super::lexicon::CONCEPTS;
use crate::codes::RootCause;
use crate::ids::TechniqueId;
use crate::model::Finding;
use aho_corasick::AhoCorasick;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;

/// Weight of an English word stem.
pub const WORD_WEIGHT: f32 = 1.0;
/// Weight of a Japanese bigram: a Japanese sentence yields several bigrams per word, so each counts less.
pub const BIGRAM_WEIGHT: f32 = 0.5;
/// How much more the title counts than the description.
pub const TITLE_BOOST: f32 = 2.0;
/// How much the recommendation counts.
pub const RECOMMENDATION_WEIGHT: f32 = 0.5;

/// Whether a character is Japanese script (kana, kanji, iteration and prolonged-sound marks).
pub fn is_japanese(c: char) -> bool {
    matches!(c as u32,
        0x3005 | 0x3040..=0x309F | 0x30A0..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

fn is_hiragana(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x309F)
}

/// Normalises text for matching: NFKC (full-width letters and half-width kana fold), lower case,
/// punctuation to spaces, a space between Latin and Japanese runs, single spaces, padded with a space
/// at each end so word-start matching works at the edges.
pub fn normalise(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push(' ');
    let mut prev_kind = 0u8; // 0 space, 1 latin/digit, 2 japanese
    for c in s.nfkc() {
        let kind = if c.is_ascii_alphanumeric() {
            1
        } else if is_japanese(c) {
            2
        } else {
            0
        };
        match kind {
            0 => {
                if prev_kind != 0 {
                    out.push(' ');
                }
            }
            k => {
                if prev_kind != 0 && prev_kind != k {
                    out.push(' ');
                }
                out.push(c.to_ascii_lowercase());
            }
        }
        prev_kind = kind;
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

const STOPWORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been", "before", "being",
    "but", "by", "can", "could", "did", "do", "does", "during", "each", "for", "from", "had", "has", "have", "how",
    "if", "in", "into", "is", "it", "its", "may", "more", "most", "no", "not", "of", "on", "once", "only", "or",
    "other", "our", "out", "over", "same", "should", "so", "some", "such", "than", "that", "the", "their", "them",
    "then", "there", "these", "they", "this", "those", "through", "to", "under", "up", "upon", "use", "used", "using",
    "via", "was", "we", "were", "what", "when", "where", "which", "while", "who", "will", "with", "within", "without",
    "would",
];

/// A light English stemmer: enough to fold plurals and common inflections (accounts/account,
/// detected/detect, patching/patch) without a dictionary.
pub fn stem(w: &str) -> &str {
    let n = w.len();
    if n > 5 && w.ends_with("ing") {
        return &w[..n - 3];
    }
    if n > 4 && w.ends_with("ed") && !w.ends_with("eed") {
        return &w[..n - 2];
    }
    if n > 4 && w.ends_with("ies") {
        return &w[..n - 3];
    }
    if n > 4 && w.ends_with("es") && (w.ends_with("sses") || w.ends_with("ches") || w.ends_with("shes")) {
        return &w[..n - 2];
    }
    if n > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        return &w[..n - 1];
    }
    w
}

/// 64-bit FNV-1a: stable across runs, platforms and Rust versions, unlike the standard hasher.
pub fn fnv1a(kind: u8, s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in std::iter::once(kind).chain(s.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

struct Matcher {
    ac: AhoCorasick,
    concept_of: Vec<usize>,
}

fn matcher() -> Option<&'static Matcher> {
    static M: OnceLock<Option<Matcher>> = OnceLock::new();
    M.get_or_init(|| {
        let mut patterns = Vec::new();
        let mut concept_of = Vec::new();
        for (i, c) in CONCEPTS.iter().enumerate() {
            for t in c.ja_terms.iter().chain(c.en_terms.iter()) {
                let n = normalise(t);
                let core = n.trim();
                if core.is_empty() {
                    continue;
                }
                let latin_start = core.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
                let latin_end = core.chars().last().is_some_and(|c| c.is_ascii_alphanumeric());
                // Latin terms start at a word; short ones (mfa, soc, ad) must be whole words.
                let mut p = String::new();
                if latin_start {
                    p.push(' ');
                }
                p.push_str(core);
                if latin_end && core.len() <= 4 {
                    p.push(' ');
                }
                patterns.push(p);
                concept_of.push(i);
            }
        }
        AhoCorasick::new(&patterns).ok().map(|ac| Matcher { ac, concept_of })
    })
    .as_ref()
}

/// The concepts named in already-normalised text, with how often.
pub fn concepts_in(normalised: &str) -> Vec<(usize, u32)> {
    let mut counts: HashMap<usize, u32> = HashMap::new();
    if let Some(m) = matcher() {
        for mat in m.ac.find_overlapping_iter(normalised) {
            *counts.entry(m.concept_of[mat.pattern().as_usize()]).or_insert(0) += 1;
        }
    }
    let mut v: Vec<(usize, u32)> = counts.into_iter().collect();
    v.sort_unstable();
    v
}

/// A finding's 64-bit fingerprint: a SimHash of its weighted features. Findings about the same issue,
/// worded a little differently, differ in few bits; it depends on the finding alone, never on the corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Fingerprint(pub u64);

impl Fingerprint {
    /// Bits that differ.
    pub fn distance(self, other: Fingerprint) -> u32 {
        (self.0 ^ other.0).count_ones()
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl From<Fingerprint> for String {
    fn from(f: Fingerprint) -> String {
        f.to_string()
    }
}

impl TryFrom<String> for Fingerprint {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        u64::from_str_radix(s.trim(), 16)
            .map(Fingerprint)
            .map_err(|_| format!("'{s}' is not a 16-digit hex fingerprint"))
    }
}

/// The features of one finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Features {
    /// Hashed lexical terms (word stems, Japanese bigrams) with their weighted term frequency.
    pub terms: Vec<(u64, f32)>,
    /// Hashed concepts with their weighted frequency: the language-independent channel.
    pub concept_terms: Vec<(u64, f32)>,
    /// Concepts named (indices into the lexicon).
    pub concepts: Vec<usize>,
    /// Technique.
    pub technique: Option<TechniqueId>,
    /// Root-cause category.
    pub root_cause: RootCause,
}

fn add_text(acc: &mut HashMap<u64, f32>, concepts: &mut HashMap<usize, f32>, text: &str, boost: f32) {
    if text.trim().is_empty() {
        return;
    }
    let n = normalise(text);
    for word in n.split(' ') {
        if word.is_empty() {
            continue;
        }
        let first = word.chars().next().unwrap_or(' ');
        if first.is_ascii_alphanumeric() {
            if word.len() < 2 || word.chars().all(|c| c.is_ascii_digit()) || STOPWORDS.contains(&word) {
                continue;
            }
            *acc.entry(fnv1a(b'w', stem(word))).or_insert(0.0) += WORD_WEIGHT * boost;
        } else {
            let chars: Vec<char> = word.chars().collect();
            if chars.len() == 1 {
                if !is_hiragana(chars[0]) {
                    *acc.entry(fnv1a(b'j', word)).or_insert(0.0) += BIGRAM_WEIGHT * boost;
                }
                continue;
            }
            let mut buf = String::with_capacity(8);
            for w in chars.windows(2) {
                // Two kana of grammar (を/して/される…) say nothing about the issue.
                if is_hiragana(w[0]) && is_hiragana(w[1]) {
                    continue;
                }
                buf.clear();
                buf.push(w[0]);
                buf.push(w[1]);
                *acc.entry(fnv1a(b'j', &buf)).or_insert(0.0) += BIGRAM_WEIGHT * boost;
            }
        }
    }
    for (c, k) in concepts_in(&n) {
        *concepts.entry(c).or_insert(0.0) += k as f32 * boost;
    }
}

/// Extracts a finding's features from its title, description, root-cause note and recommendation, in
/// whichever languages it has.
pub fn features(f: &Finding) -> Features {
    let mut acc: HashMap<u64, f32> = HashMap::new();
    let mut concepts: HashMap<usize, f32> = HashMap::new();
    add_text(&mut acc, &mut concepts, &f.title.all(), TITLE_BOOST);
    add_text(&mut acc, &mut concepts, &f.description.all(), 1.0);
    if let Some(rc) = &f.root_cause_note {
        add_text(&mut acc, &mut concepts, &rc.all(), 1.0);
    }
    add_text(&mut acc, &mut concepts, &f.recommendation.all(), RECOMMENDATION_WEIGHT);
    let mut concept_ids: Vec<usize> = concepts.keys().copied().collect();
    concept_ids.sort_unstable();
    let mut concept_terms: Vec<(u64, f32)> =
        concepts.into_iter().map(|(c, tf)| (fnv1a(b'c', CONCEPTS[c].id), tf)).collect();
    concept_terms.sort_unstable_by_key(|t| t.0);
    let mut terms: Vec<(u64, f32)> = acc.into_iter().collect();
    terms.sort_unstable_by_key(|t| t.0);
    Features { terms, concept_terms, concepts: concept_ids, technique: f.technique.clone(), root_cause: f.root_cause }
}

/// The finding's fingerprint (SimHash over its features, the technique and the root cause).
pub fn fingerprint(f: &Finding) -> Fingerprint {
    fingerprint_of(&features(f))
}

/// The fingerprint of already-extracted features.
pub fn fingerprint_of(ft: &Features) -> Fingerprint {
    let mut v = [0f32; 64];
    let mut add = |h: u64, w: f32| {
        for (bit, slot) in v.iter_mut().enumerate() {
            if h >> bit & 1 == 1 {
                *slot += w;
            } else {
                *slot -= w;
            }
        }
    };
    for &(h, w) in ft.terms.iter().chain(&ft.concept_terms) {
        // Damp repeated terms so one long description does not dominate.
        add(h, 1.0 + w.ln_1p());
    }
    if let Some(t) = &ft.technique {
        add(fnv1a(b't', t.parent().as_str()), 4.0);
    }
    add(fnv1a(b'r', ft.root_cause.code()), 4.0);
    let mut out = 0u64;
    for (bit, s) in v.iter().enumerate() {
        if *s > 0.0 {
            out |= 1 << bit;
        }
    }
    Fingerprint(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_folds_width_and_splits_scripts() {
        assert_eq!(normalise("ＶＰＮ機器のＭＦＡ未設定"), " vpn 機器の mfa 未設定 ");
        assert_eq!(normalise("Cross-Site  Scripting!"), " cross site scripting ");
        // Half-width katakana folds to full width.
        assert_eq!(normalise("ﾊﾟｽﾜｰﾄﾞ"), " パスワード ");
    }

    #[test]
    fn stems_fold_inflections() {
        assert_eq!(stem("accounts"), "account");
        assert_eq!(stem("detected"), "detect");
        assert_eq!(stem("patching"), "patch");
        assert_eq!(stem("policies"), "polic");
        assert_eq!(stem("policy"), "policy");
        assert_eq!(stem("access"), "access");
        assert_eq!(stem("status"), "status");
    }

    #[test]
    fn concepts_match_across_languages() {
        let ja = concepts_in(&normalise("VPN装置に多要素認証が設定されていない"));
        let en = concepts_in(&normalise("The VPN gateway does not enforce multi-factor authentication"));
        let ids = |v: &[(usize, u32)]| v.iter().map(|(c, _)| CONCEPTS[*c].id).collect::<Vec<_>>();
        assert!(ids(&ja).contains(&"mfa") && ids(&ja).contains(&"vpn"), "{:?}", ids(&ja));
        assert!(ids(&en).contains(&"mfa") && ids(&en).contains(&"vpn"), "{:?}", ids(&en));
    }

    #[test]
    fn short_terms_match_whole_words_only() {
        let ids = |s: &str| concepts_in(&normalise(s)).iter().map(|(c, _)| CONCEPTS[*c].id).collect::<Vec<_>>();
        assert!(ids("the AD domain").contains(&"active_directory"));
        assert!(!ids("the address book").contains(&"active_directory"));
        assert!(!ids("a certificate").contains(&"csirt"));
        assert!(ids("ADサーバの設定").contains(&"active_directory"));
    }

    #[test]
    fn fingerprints_are_hex_and_round_trip() {
        let f = Fingerprint(0x0123_4567_89ab_cdef);
        assert_eq!(f.to_string(), "0123456789abcdef");
        assert_eq!(Fingerprint::try_from(f.to_string()), Ok(f));
        assert_eq!(f.distance(Fingerprint(0x0123_4567_89ab_cdee)), 1);
    }
}
