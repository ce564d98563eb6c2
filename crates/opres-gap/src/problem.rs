//! Problems found while reading or validating a framework, each located and worded in both languages.

use opres_domain::{Lang, Problem};
use std::fmt;

/// Why something is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// A field problem of the shared vocabulary.
    Field(Problem),
    /// The bytes are not JSON at all (line and column from 1).
    Syntax { line: usize, column: usize },
    /// A value of the wrong JSON type.
    WrongType { expected: &'static str },
    /// A node is its own ancestor.
    Cycle { path: Vec<String> },
}

impl Reason {
    /// The reason in the given language; never a raw parser message.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Reason::Field(p), l) => p.message(l),
            (Reason::Syntax { line, column }, Lang::Ja) => format!("{line}行目 {column}文字目で JSON として読めません"),
            (Reason::Syntax { line, column }, Lang::En) => format!("not valid JSON at line {line}, column {column}"),
            (Reason::WrongType { expected }, Lang::Ja) => format!("{expected} である必要があります"),
            (Reason::WrongType { expected }, Lang::En) => format!("must be {expected}"),
            (Reason::Cycle { path }, Lang::Ja) => format!("親子関係が循環しています: {}", path.join(" → ")),
            (Reason::Cycle { path }, Lang::En) => format!("the parent chain is a cycle: {}", path.join(" → ")),
        }
    }
}

/// One problem: the file, where in it (a JSON pointer), the field and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProblem {
    /// The file name as given.
    pub file: String,
    /// A JSON pointer (`/catalog/groups/0/controls/3`), or a node id for built-in data.
    pub at: String,
    /// The field.
    pub field: String,
    /// What is wrong.
    pub reason: Reason,
}

impl ImportProblem {
    /// `file at: field: reason`.
    pub fn message(&self, lang: Lang) -> String {
        format!("{} {}: {}: {}", self.file, self.at, self.field, self.reason.message(lang))
    }
}

/// Every problem found; nothing is imported when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Default, thiserror::Error)]
pub struct ImportError(pub Vec<ImportProblem>);

impl ImportError {
    /// All problems joined with `; `.
    pub fn message(&self, lang: Lang) -> String {
        self.0.iter().map(|p| p.message(lang)).collect::<Vec<_>>().join("; ")
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}
