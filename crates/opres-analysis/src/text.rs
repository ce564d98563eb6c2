//! Text handling shared by classification, search and recurrence: normalisation and features
//! that need no word-segmentation dictionary (Latin words, CJK character n-grams).

/// Whether a character belongs to a CJK script run (kanji, kana, the long-vowel mark).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x309F   // hiragana
        | 0x30A0..=0x30FF // katakana (incl. ー)
        | 0x31F0..=0x31FF // katakana phonetic extensions
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xF900..=0xFAFF // compatibility ideographs
        | 0xFF66..=0xFF9F // half-width katakana
        | 0x3005          // 々
    )
}

/// Folds the width and case variants that Japanese input mixes freely, so `ＡＴＭ`, `ATM` and `atm`
/// (and `ＤＤｏＳ`) are one term: full-width ASCII to ASCII, ideographic space to space, ASCII
/// lower-case. Character count is preserved, so offsets into the normalised text map one-to-one
/// onto characters of the original.
pub fn normalize(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

/// The per-character fold behind [`normalize`].
pub fn fold_char(c: char) -> char {
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    };
    c.to_ascii_lowercase()
}

/// A run of characters of one kind, as cut by [`runs`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    /// ASCII letters and digits (a word).
    Word,
    /// Kanji and kana.
    Cjk,
}

/// A run of the normalised text: its kind, text and byte span in the normalised string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run<'a> {
    /// What kind of run.
    pub kind: RunKind,
    /// The run's text.
    pub text: &'a str,
    /// Byte offset of the run's start.
    pub start: usize,
}

/// Cuts already-normalised text into word runs and CJK runs; everything else separates them.
pub fn runs(normalised: &str) -> Vec<Run<'_>> {
    let mut out = Vec::new();
    let mut cur: Option<(RunKind, usize)> = None;
    for (i, c) in normalised.char_indices() {
        let kind = if c.is_ascii_alphanumeric() {
            Some(RunKind::Word)
        } else if is_cjk(c) {
            Some(RunKind::Cjk)
        } else {
            None
        };
        match (cur, kind) {
            (Some((k, _)), Some(k2)) if k == k2 => {}
            (Some((k, s)), _) => {
                out.push(Run { kind: k, text: &normalised[s..i], start: s });
                cur = kind.map(|k| (k, i));
            }
            (None, _) => cur = kind.map(|k| (k, i)),
        }
    }
    if let Some((k, s)) = cur {
        out.push(Run { kind: k, text: &normalised[s..], start: s });
    }
    out
}

/// A light English stem so `failed`/`failure`/`fails` and `configured`/`configuration` meet:
/// strips a few common suffixes from words longer than five letters.
pub fn stem(word: &str) -> &str {
    const SUFFIXES: [&str; 7] = ["ations", "ation", "ings", "ing", "ed", "es", "s"];
    if word.len() <= 5 || !word.is_ascii() {
        return word;
    }
    for suf in SUFFIXES {
        if let Some(base) = word.strip_suffix(suf)
            && base.len() >= 4
        {
            return base;
        }
    }
    word
}

/// English words too common in incident text to say anything about the trend.
const STOP_WORDS: [&str; 40] = [
    "the", "a", "an", "and", "or", "of", "to", "in", "on", "at", "for", "by", "with", "from", "was", "were", "is",
    "are", "be", "been", "it", "its", "this", "that", "as", "after", "before", "which", "their", "our", "not", "no",
    "but", "into", "over", "had", "has", "have", "during", "while",
];

/// Whether an English word is a stop word.
pub fn is_stop_word(w: &str) -> bool {
    STOP_WORDS.contains(&w)
}

/// Bag-of-features of a text for the learned model and similarity: stemmed English words and
/// word bigrams (prefixed `w:` / `ww:`), CJK character 2- and 3-grams (`c2:` / `c3:`) and
/// character trigrams inside English words (`t:`) that catch inflections the stemmer misses.
pub fn features(text: &str, out: &mut Vec<String>) {
    let norm = normalize(text);
    let mut prev_word: Option<&str> = None;
    for run in runs(&norm) {
        match run.kind {
            RunKind::Word => {
                let w = stem(run.text);
                if is_stop_word(run.text) {
                    prev_word = None;
                    continue;
                }
                out.push(format!("w:{w}"));
                if let Some(p) = prev_word {
                    out.push(format!("ww:{p}_{w}"));
                }
                prev_word = Some(w);
                let padded: Vec<char> = format!("<{}>", run.text).chars().collect();
                if padded.len() > 4 {
                    for g in padded.windows(3) {
                        out.push(format!("t:{}", g.iter().collect::<String>()));
                    }
                }
            }
            RunKind::Cjk => {
                prev_word = None;
                let chars: Vec<char> = run.text.chars().collect();
                if chars.len() == 1 {
                    out.push(format!("c1:{}", chars[0]));
                }
                for g in chars.windows(2) {
                    out.push(format!("c2:{}{}", g[0], g[1]));
                }
                for g in chars.windows(3) {
                    out.push(format!("c3:{}{}{}", g[0], g[1], g[2]));
                }
            }
        }
    }
}

/// The features of [`features`] as a fresh vector.
pub fn feature_vec(text: &str) -> Vec<String> {
    let mut v = Vec::new();
    features(text, &mut v);
    v
}

/// Removes the feature-kind prefix (`c2:`, `w:` …) for showing a feature to an analyst.
pub fn feature_display(f: &str) -> &str {
    f.split_once(':').map(|(_, s)| s).unwrap_or(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_folds_to_ascii() {
        assert_eq!(normalize("ＡＴＭ　ＤＤｏＳ攻撃"), "atm ddos攻撃");
        assert_eq!(normalize("ＡＴＭ").chars().count(), 3);
    }

    #[test]
    fn runs_split_scripts() {
        let n = normalize("ATM停止（DDoS攻撃）");
        let r: Vec<_> = runs(&n).iter().map(|r| (r.kind, r.text)).collect();
        assert_eq!(
            r,
            [(RunKind::Word, "atm"), (RunKind::Cjk, "停止"), (RunKind::Word, "ddos"), (RunKind::Cjk, "攻撃")]
        );
    }

    #[test]
    fn features_cover_both_scripts() {
        let f = feature_vec("The failover failed: 冗長構成が機能しない");
        assert!(f.contains(&"w:failover".to_string()));
        assert!(f.contains(&"w:fail".to_string()), "{f:?}");
        assert!(f.contains(&"c2:冗長".to_string()));
        assert!(f.contains(&"c3:冗長構".to_string()));
        assert!(!f.iter().any(|x| x == "w:the"));
    }

    #[test]
    fn stemming_meets_inflections() {
        assert_eq!(stem("configured"), stem("configures"));
        assert_eq!(stem("failed"), "fail");
        assert_eq!(stem("ddos"), "ddos");
    }
}
