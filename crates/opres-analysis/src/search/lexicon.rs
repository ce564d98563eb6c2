//! The curated bilingual synonym lexicon of the failure domain (`data/search-synonyms.txt`), used
//! at query time: a query term equal to a term of a set also searches the set's other terms.

use super::tokenize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The lexicon shipped with opres, reviewed in both languages.
pub const BUILTIN_SYNONYMS: &str = include_str!("../../data/search-synonyms.txt");

/// One synonym set: the same idea in Japanese and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynonymSet {
    /// The section it is listed under: a trend code, or `general`.
    pub section: String,
    /// Its terms as written.
    pub terms: Vec<String>,
}

/// A line of the lexicon that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("search-synonyms line {line}: {problem}")]
pub struct LexiconError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong, in English (the file is for maintainers).
    pub problem: String,
}

/// Synonym sets indexed by the analysed form of each term.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    sets: Vec<SynonymSet>,
    /// Analysed key (token texts joined by a space) → sets containing it.
    by_key: HashMap<String, Vec<usize>>,
    /// Longest key in query terms (for the longest-match over several words).
    max_words: usize,
    /// Terms that are one CJK run, as folded text, longest first (for splitting compounds).
    cjk_terms: Vec<String>,
}

/// The analysed form under which a term is looked up: its tokens joined by spaces.
pub fn key_of(text: &str) -> String {
    tokenize(text).into_iter().map(|t| t.text).collect::<Vec<_>>().join(" ")
}

impl Lexicon {
    /// Reads the lexicon format (see the data file's header).
    pub fn parse(text: &str) -> Result<Lexicon, LexiconError> {
        let mut lex = Lexicon::default();
        let mut section: Option<String> = None;
        for (n, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                section = Some(name.trim().to_string());
                continue;
            }
            let Some(sec) = &section else {
                return Err(LexiconError { line: n + 1, problem: "a set before any [section]".into() });
            };
            let terms: Vec<String> = line.split('|').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect();
            if terms.len() < 2 {
                return Err(LexiconError { line: n + 1, problem: "a set needs at least two terms".into() });
            }
            if let Some(t) = terms.iter().find(|t| key_of(t).is_empty()) {
                return Err(LexiconError { line: n + 1, problem: format!("'{t}' has no searchable characters") });
            }
            lex.push(SynonymSet { section: sec.clone(), terms });
        }
        Ok(lex)
    }

    fn push(&mut self, set: SynonymSet) {
        let i = self.sets.len();
        for t in &set.terms {
            let key = key_of(t);
            self.max_words = self.max_words.max(t.split_whitespace().count());
            let ids = self.by_key.entry(key).or_default();
            if !ids.contains(&i) {
                ids.push(i);
            }
            let folded = crate::text::normalize(t);
            if !folded.is_empty() && folded.chars().all(crate::text::is_cjk) && !self.cjk_terms.contains(&folded) {
                self.cjk_terms.push(folded);
            }
        }
        self.cjk_terms.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then_with(|| a.cmp(b)));
        self.sets.push(set);
    }

    /// The lexicon shipped with opres (empty if the data file were unreadable; a test keeps it readable).
    pub fn builtin() -> &'static Lexicon {
        static LEX: OnceLock<Lexicon> = OnceLock::new();
        LEX.get_or_init(|| Lexicon::parse(BUILTIN_SYNONYMS).unwrap_or_default())
    }

    /// Every set.
    pub fn sets(&self) -> &[SynonymSet] {
        &self.sets
    }

    /// The most query words one term of the lexicon spans.
    pub fn max_words(&self) -> usize {
        self.max_words.max(1)
    }

    /// The other terms searched for `term` (as written in the lexicon, each once, in file order),
    /// or `None` when the lexicon does not know the term.
    pub fn synonyms(&self, term: &str) -> Option<Vec<String>> {
        let key = key_of(term);
        let ids = self.by_key.get(&key)?;
        let mut out: Vec<String> = Vec::new();
        for &i in ids {
            for t in &self.sets[i].terms {
                if key_of(t) != key && !out.iter().any(|o| key_of(o) == key_of(t)) {
                    out.push(t.clone());
                }
            }
        }
        Some(out)
    }

    /// Cuts a run of kanji/kana typed without spaces into the lexicon's terms, longest first
    /// (`記憶領域が枯渇` → `記憶領域`, `枯渇`), dropping the one-character leftovers between them
    /// (particles). `None` unless at least two pieces come out and one is a lexicon term.
    pub fn split_compound(&self, folded: &str) -> Option<Vec<String>> {
        let chars: Vec<char> = folded.chars().collect();
        if chars.len() < 3 || !chars.iter().all(|c| crate::text::is_cjk(*c)) {
            return None;
        }
        let mut pieces: Vec<String> = Vec::new();
        let mut literal = String::new();
        let mut known = 0;
        let mut i = 0;
        'outer: while i < chars.len() {
            for t in &self.cjk_terms {
                let n = t.chars().count();
                if n >= 2 && i + n <= chars.len() && chars[i..i + n].iter().copied().eq(t.chars()) {
                    if literal.chars().count() >= 2 {
                        pieces.push(std::mem::take(&mut literal));
                    }
                    literal.clear();
                    pieces.push(t.clone());
                    known += 1;
                    i += n;
                    continue 'outer;
                }
            }
            literal.push(chars[i]);
            i += 1;
        }
        if literal.chars().count() >= 2 {
            pieces.push(literal);
        }
        (pieces.len() >= 2 && known > 0).then_some(pieces)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_lexicon_reads_and_names_trends() {
        let lex = Lexicon::parse(BUILTIN_SYNONYMS).unwrap();
        assert!(lex.sets().len() >= 20);
        for s in lex.sets() {
            assert!(
                s.section == "general" || s.section.parse::<opres_domain::Trend>().is_ok(),
                "unknown section {}",
                s.section
            );
            // Reviewed in both languages: every set has a Japanese and an English term.
            assert!(s.terms.iter().any(|t| t.chars().any(crate::text::is_cjk)), "{:?}", s.terms);
            assert!(s.terms.iter().any(|t| t.is_ascii()), "{:?}", s.terms);
        }
    }

    #[test]
    fn expansion_crosses_scripts_and_folds_forms() {
        let lex = Lexicon::builtin();
        let s = lex.synonyms("容量不足").unwrap();
        assert!(s.contains(&"disk full".to_string()) && s.contains(&"領域不足".to_string()), "{s:?}");
        assert!(!s.contains(&"容量不足".to_string()));
        let s = lex.synonyms("Failover").unwrap();
        assert!(s.contains(&"フェイルオーバー".to_string()) && s.contains(&"standby".to_string()), "{s:?}");
        // Full-width and plural forms meet the written term.
        assert!(lex.synonyms("ＤＩＳＫ").unwrap().contains(&"ストレージ".to_string()));
        assert!(lex.synonyms("Filesystems").unwrap().contains(&"記憶領域".to_string()));
        assert_eq!(lex.synonyms("会議室"), None);
    }

    #[test]
    fn compounds_split_on_lexicon_terms() {
        let lex = Lexicon::builtin();
        assert_eq!(lex.split_compound("記憶領域枯渇"), Some(vec!["記憶領域".into(), "枯渇".into()]));
        assert_eq!(lex.split_compound("記憶領域が枯渇"), Some(vec!["記憶領域".into(), "枯渇".into()]));
        assert_eq!(lex.split_compound("会議室予約"), None);
        assert_eq!(lex.split_compound("ab"), None);
    }

    #[test]
    fn malformed_lexicons_are_refused_with_the_line() {
        assert_eq!(Lexicon::parse("a | b").unwrap_err().line, 1);
        assert_eq!(Lexicon::parse("[x]\n\nalone").unwrap_err().line, 3);
        assert!(Lexicon::parse("[x]\na | !!").is_err());
    }
}
