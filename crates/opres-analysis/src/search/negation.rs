//! Mentions that rule a symptom out ("the standby was healthy", 「ディスクに問題はなかった」):
//! the text is cut into clauses, and clauses carrying a cue of `data/search-negation.txt` are
//! indexed apart with little weight, so denying "disk" ranks below reporting it.

use crate::text::{fold_char, normalize};
use std::sync::OnceLock;

/// The cue list shipped with opres.
pub const BUILTIN_CUES: &str = include_str!("../../data/search-negation.txt");

/// Negation cues by language, folded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NegationCues {
    ja: Vec<String>,
    en: Vec<String>,
}

impl NegationCues {
    /// Reads `ja: CUE` / `en: CUE` lines; comments (`#`) and blank lines are skipped, other lines
    /// are ignored (the file is data maintained by hand; its test checks every line is used).
    pub fn parse(text: &str) -> NegationCues {
        let mut cues = NegationCues::default();
        for line in text.lines().map(str::trim) {
            if let Some(c) = line.strip_prefix("ja:") {
                cues.ja.push(normalize(c.trim()));
            } else if let Some(c) = line.strip_prefix("en:") {
                cues.en.push(normalize(c.trim()));
            }
        }
        cues.ja.retain(|c| !c.is_empty());
        cues.en.retain(|c| !c.is_empty());
        cues
    }

    /// The cues shipped with opres.
    pub fn builtin() -> &'static NegationCues {
        static CUES: OnceLock<NegationCues> = OnceLock::new();
        CUES.get_or_init(|| NegationCues::parse(BUILTIN_CUES))
    }

    /// Number of cues (both languages).
    pub fn len(&self) -> usize {
        self.ja.len() + self.en.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether a clause rules something out.
    pub fn is_negated(&self, clause: &str) -> bool {
        let folded = normalize(clause);
        self.ja.iter().any(|c| folded.contains(c.as_str())) || self.en.iter().any(|c| contains_words(&folded, c))
    }

    /// Splits `text` into (affirmed, negated) text, each clause kept whole and in order.
    pub fn split(&self, text: &str) -> (String, String) {
        let (mut affirmed, mut negated) = (String::new(), String::new());
        for clause in clauses(text) {
            let to = if self.is_negated(clause) { &mut negated } else { &mut affirmed };
            if !to.is_empty() {
                to.push('\n');
            }
            to.push_str(clause.trim());
        }
        (affirmed, negated)
    }
}

/// Whether `cue` occurs in `hay` at word boundaries (both already folded).
fn contains_words(hay: &str, cue: &str) -> bool {
    let mut from = 0;
    while let Some(at) = hay[from..].find(cue) {
        let s = from + at;
        let e = s + cue.len();
        let before = hay[..s].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let after = hay[e..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        if before && after {
            return true;
        }
        from = s + hay[s..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// Contrastive joints after which a new clause starts ("A was fine, but B failed").
const JOINTS: [&str; 7] = ["が、", "ものの", "けれども", ", but ", " but ", "; ", ", however"];

/// Cuts text into clauses: at sentence ends (。．！？!? newline, `. ` and a final `.`) and at
/// contrastive joints. Every byte of `text` is in exactly one clause.
pub fn clauses(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let next = iter.peek().map(|&(_, n)| n);
        let end = match fold_char(c) {
            '。' | '．' | '！' | '？' | '!' | '?' | '\n' => true,
            '.' => next.is_none_or(char::is_whitespace),
            _ => false,
        };
        let rest = &text[i..];
        let joint = JOINTS.iter().find(|j| rest.starts_with(**j));
        if end || joint.is_some() {
            let stop = i + joint.map_or(c.len_utf8(), |j| j.len());
            if stop > start {
                out.push(&text[start..stop]);
            }
            start = stop;
            // Skip the rest of a multi-character joint.
            while iter.peek().is_some_and(|&(j, _)| j < stop) {
                iter.next();
            }
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out.retain(|c| !c.trim().is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_cues_read_in_both_languages() {
        let cues = NegationCues::builtin();
        let lines = BUILTIN_CUES.lines().filter(|l| l.starts_with("ja:") || l.starts_with("en:")).count();
        assert_eq!(cues.len(), lines);
        assert!(cues.ja.len() >= 10 && cues.en.len() >= 10);
    }

    #[test]
    fn denials_are_told_from_reports() {
        let cues = NegationCues::builtin();
        for denied in [
            "ディスクの空き領域やログ領域に問題はなかった。",
            "待機系は正常で、冗長構成の問題ではなかった。",
            "Free disk space and the log area were fine.",
            "The standby database was unaffected",
        ] {
            assert!(cues.is_negated(denied), "{denied}");
        }
        for reported in [
            "ログ領域が満杯となり、処理が停止した",
            "disk usage was not monitored and the file system ran out of room",
            "no disk usage alert",
            "The disk filled up; the finest operators could not help",
        ] {
            assert!(!cues.is_negated(reported), "{reported}");
        }
    }

    #[test]
    fn clauses_cut_at_sentences_and_contrasts() {
        let text = "ログ領域は正常だったが、表領域が不足した。The disk was fine, but the volume filled up. 3.5 GB";
        let c = clauses(text);
        assert_eq!(
            c,
            [
                "ログ領域は正常だったが、",
                "表領域が不足した。",
                "The disk was fine, but ",
                "the volume filled up.",
                " 3.5 GB"
            ]
        );
        assert_eq!(c.concat().len(), text.len());
        let (affirmed, negated) = NegationCues::builtin().split(text);
        assert!(affirmed.contains("表領域が不足") && affirmed.contains("volume filled up"), "{affirmed}");
        assert!(negated.contains("ログ領域は正常") && negated.contains("disk was fine"), "{negated}");
    }
}
