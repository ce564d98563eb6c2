//! What a search box's text means: words (all required), `"quoted phrases"`, Japanese typed
//! without spaces, and the lexicon's synonyms for each word — parsed by hand, so no input can be a
//! syntax error.

use super::lexicon::Lexicon;
use super::tokenize;
use crate::text::{is_cjk, normalize};
use serde::Serialize;

/// At most this many pieces of a query are used (the rest is ignored): a search box, not a document.
pub const MAX_PIECES: usize = 32;

/// A piece of the query as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// A word (or a Japanese run typed without spaces).
    Word(String),
    /// A quoted phrase: matched exactly, never expanded.
    Phrase(String),
}

/// Cuts a query into words and quoted phrases (`"…"`, `“…”`, full-width quotes fold); an
/// unclosed quote runs to the end. Width and case are folded.
pub fn pieces(query: &str) -> Vec<Piece> {
    let folded = normalize(query);
    let mut out = Vec::new();
    let mut word = String::new();
    let mut phrase: Option<String> = None;
    for c in folded.chars() {
        let quote = matches!(c, '"' | '“' | '”');
        match &mut phrase {
            Some(p) if quote => {
                if !p.trim().is_empty() {
                    out.push(Piece::Phrase(p.trim().to_string()));
                }
                phrase = None;
            }
            Some(p) => p.push(c),
            None if quote => {
                if !word.is_empty() {
                    out.push(Piece::Word(std::mem::take(&mut word)));
                }
                phrase = Some(String::new());
            }
            None if c.is_whitespace() => {
                if !word.is_empty() {
                    out.push(Piece::Word(std::mem::take(&mut word)));
                }
            }
            None => word.push(c),
        }
    }
    if let Some(p) = phrase.filter(|p| !p.trim().is_empty()) {
        out.push(Piece::Phrase(p.trim().to_string()));
    }
    if !word.is_empty() {
        out.push(Piece::Word(word));
    }
    out.truncate(MAX_PIECES);
    out
}

/// What must match, as a tree: a leaf is a sequence of index tokens in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// These tokens at consecutive positions; `weight` ranks synonyms below what was typed.
    Tokens { tokens: Vec<String>, weight: f32 },
    /// Every child.
    All(Vec<Node>),
    /// At least one child.
    Any(Vec<Node>),
}

/// A word of the query and the synonyms searched with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Expansion {
    /// The word as typed (folded).
    pub term: String,
    /// The lexicon's other terms for it.
    pub synonyms: Vec<String>,
}

/// A parsed query ready to run.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueryPlan {
    /// What must match; `None` when the query has nothing searchable (it then matches every incident).
    pub root: Option<Node>,
    /// The synonyms used, in query order.
    pub expansions: Vec<Expansion>,
    /// The query as one word, when it could be an incident reference.
    pub reference: Option<String>,
}

/// The weight of a synonym relative to the typed word: found, but after the literal matches.
pub const SYNONYM_WEIGHT: f32 = 0.6;

fn leaf(text: &str, weight: f32) -> Option<Node> {
    let tokens: Vec<String> = tokenize(text).into_iter().map(|t| t.text).collect();
    (!tokens.is_empty()).then_some(Node::Tokens { tokens, weight })
}

/// A word (or run of words) with its synonyms, if the lexicon knows it.
fn expanded(text: &str, lex: Option<&Lexicon>, expansions: &mut Vec<Expansion>) -> Option<Node> {
    let literal = leaf(text, 1.0)?;
    let Some(synonyms) = lex.and_then(|l| l.synonyms(text)).filter(|s| !s.is_empty()) else {
        return Some(literal);
    };
    let mut any = vec![literal];
    any.extend(synonyms.iter().filter_map(|s| leaf(s, SYNONYM_WEIGHT)));
    expansions.push(Expansion { term: text.to_string(), synonyms });
    Some(Node::Any(any))
}

/// Plans a query: all pieces must match; each word, or run of words the lexicon knows as one term
/// (`disk full`), matches itself or any synonym; a Japanese run the lexicon does not know as a
/// whole but can cut into its terms (`記憶領域が枯渇`) matches either as typed or piece by piece.
/// With `lex` = `None`, nothing is expanded (the plain engine, for comparison).
pub fn plan(query: &str, lex: Option<&Lexicon>) -> QueryPlan {
    let pieces = pieces(query);
    let mut expansions = Vec::new();
    let mut all: Vec<Node> = Vec::new();
    let reference = match pieces.as_slice() {
        [Piece::Word(w)] if w.chars().any(|c| c.is_ascii_digit()) && w.chars().all(|c| !is_cjk(c)) => {
            // The reference as typed (before folding it was cased; references are stored as given).
            Some(query.trim().to_string())
        }
        _ => None,
    };
    let mut i = 0;
    while i < pieces.len() {
        match &pieces[i] {
            Piece::Phrase(p) => {
                all.extend(leaf(p, 1.0));
                i += 1;
            }
            Piece::Word(w) => {
                // The longest run of words the lexicon knows as one term.
                let max = lex.map_or(1, Lexicon::max_words);
                let mut taken = 1;
                for n in (2..=max).rev() {
                    let run: Option<Vec<&str>> = pieces.get(i..i + n).and_then(|ps| {
                        ps.iter().map(|p| if let Piece::Word(w) = p { Some(w.as_str()) } else { None }).collect()
                    });
                    if let Some(run) = run
                        && lex.and_then(|l| l.synonyms(&run.join(" "))).is_some()
                    {
                        all.extend(expanded(&run.join(" "), lex, &mut expansions));
                        taken = n;
                        break;
                    }
                }
                if taken == 1 {
                    all.extend(word_node(w, lex, &mut expansions));
                }
                i += taken;
            }
        }
    }
    let root = match all.len() {
        0 => None,
        1 => all.pop(),
        _ => Some(Node::All(all)),
    };
    QueryPlan { root, expansions, reference }
}

fn word_node(w: &str, lex: Option<&Lexicon>, expansions: &mut Vec<Expansion>) -> Option<Node> {
    if let Some(l) = lex
        && l.synonyms(w).is_none()
        && let Some(parts) = l.split_compound(w)
    {
        let pieces: Vec<Node> = parts.iter().filter_map(|p| expanded(p, lex, expansions)).collect();
        let literal = leaf(w, 1.0);
        return match literal {
            Some(lit) => Some(Node::Any(vec![lit, Node::All(pieces)])),
            None => Some(Node::All(pieces)),
        };
    }
    expanded(w, lex, expansions)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn words_and_phrases() {
        assert_eq!(
            pieces("記憶領域　枯渇 \"disk full\" ＂log area＂ “冗長 構成” open\"end"),
            [
                Piece::Word("記憶領域".into()),
                Piece::Word("枯渇".into()),
                Piece::Phrase("disk full".into()),
                Piece::Phrase("log area".into()),
                Piece::Phrase("冗長 構成".into()),
                Piece::Word("open".into()),
                Piece::Phrase("end".into()),
            ]
        );
        assert!(pieces("  \"\" ").is_empty());
    }

    #[test]
    fn every_word_is_required_with_its_synonyms() {
        let lex = Lexicon::builtin();
        let p = plan("記憶領域 枯渇", Some(lex));
        let Some(Node::All(parts)) = &p.root else { panic!("{p:?}") };
        assert_eq!(parts.len(), 2);
        assert!(parts.iter().all(|n| matches!(n, Node::Any(_))));
        assert_eq!(p.expansions.iter().map(|e| e.term.as_str()).collect::<Vec<_>>(), ["記憶領域", "枯渇"]);
        assert!(p.expansions[1].synonyms.contains(&"ran out".to_string()));
        // Without the lexicon, the words alone.
        let plain = plan("記憶領域 枯渇", None);
        assert!(plain.expansions.is_empty());
        let Some(Node::All(parts)) = &plain.root else { panic!("{plain:?}") };
        assert!(parts.iter().all(|n| matches!(n, Node::Tokens { .. })));
    }

    #[test]
    fn runs_of_words_the_lexicon_knows_are_one_term() {
        let p = plan("disk full", Some(Lexicon::builtin()));
        assert_eq!(p.expansions.len(), 1, "{p:?}");
        assert_eq!(p.expansions[0].term, "disk full");
        assert!(p.expansions[0].synonyms.contains(&"容量不足".to_string()));
        // A quoted phrase is never expanded.
        let q = plan("\"disk full\"", Some(Lexicon::builtin()));
        assert!(q.expansions.is_empty());
        assert_eq!(q.root, Some(Node::Tokens { tokens: vec!["disk".into(), "full".into()], weight: 1.0 }));
    }

    #[test]
    fn japanese_without_spaces_splits_on_the_lexicon() {
        let p = plan("記憶領域が枯渇", Some(Lexicon::builtin()));
        let Some(Node::Any(alts)) = &p.root else { panic!("{p:?}") };
        assert!(matches!(&alts[1], Node::All(parts) if parts.len() == 2), "{alts:?}");
    }

    #[test]
    fn a_reference_is_recognised() {
        assert_eq!(plan(" BK01-2024-0007 ", None).reference.as_deref(), Some("BK01-2024-0007"));
        assert_eq!(plan("disk", None).reference, None);
        assert_eq!(plan("A-1 disk", None).reference, None);
    }

    proptest! {
        #[test]
        fn any_input_plans_without_panicking(q in "\\PC{0,80}", raw in proptest::collection::vec(any::<char>(), 0..60)) {
            let lex = Lexicon::builtin();
            let p = plan(&q, Some(lex));
            prop_assert!(p.expansions.len() <= MAX_PIECES * 2);
            let s: String = raw.into_iter().collect();
            let _ = plan(&s, Some(lex));
            let _ = plan(&s, None);
            prop_assert!(pieces(&s).len() <= MAX_PIECES);
        }
    }
}
