//! Problems found while reading or validating a framework, each located and worded in both languages.

use opres_domain::{Lang, Problem};
use opres_interchange::xlsx_limits::XlsxLimit;
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
    /// The bytes are not YAML (line and column from 1, as an editor shows them).
    YamlSyntax { line: usize, column: usize },
    /// A YAML file past the reader's limits on nodes, nesting or aliases (which guard against
    /// alias bombs and stack exhaustion).
    YamlTooComplex,
    /// The file is not UTF-8 (a CSV saved as Shift_JIS, for example).
    NotUtf8,
    /// Not a readable XLSX workbook.
    NotAWorkbook,
    /// A workbook refused for its size before it is unpacked.
    WorkbookTooLarge(XlsxLimit),
    /// A link to a grouping node, which has no result of its own.
    NotAssessable { id: String },
    /// A mapping names another framework than the one given.
    OtherFramework { expected: String },
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
            (Reason::YamlSyntax { line, column }, Lang::Ja) => {
                format!("{line}行目 {column}文字目で YAML として読めません")
            }
            (Reason::YamlSyntax { line, column }, Lang::En) => {
                format!("not valid YAML at line {line}, column {column}")
            }
            (Reason::YamlTooComplex, Lang::Ja) => {
                "YAML の規模（ノード数・入れ子の深さ・エイリアスの数）が上限を超えているため読み込めません".into()
            }
            (Reason::YamlTooComplex, Lang::En) => {
                "the YAML has more nodes, deeper nesting or more aliases than allowed, so it is not read".into()
            }
            (Reason::NotUtf8, Lang::Ja) => {
                "UTF-8 ではありません。Excel では「CSV UTF-8（コンマ区切り）」で保存してください".into()
            }
            (Reason::NotUtf8, Lang::En) => "is not UTF-8; in Excel, save as \"CSV UTF-8 (Comma delimited)\"".into(),
            (Reason::NotAWorkbook, Lang::Ja) => "XLSX ブックとして読めません（破損しているか別の形式です）".into(),
            (Reason::NotAWorkbook, Lang::En) => "is not a readable XLSX workbook (damaged or another format)".into(),
            (Reason::WorkbookTooLarge(limit), l) => limit.message(l),
            (Reason::NotAssessable { id }, Lang::Ja) => {
                format!("「{id}」は見出し（グループ）で、評価の対象ではありません")
            }
            (Reason::NotAssessable { id }, Lang::En) => format!("'{id}' is a grouping node with no result of its own"),
            (Reason::OtherFramework { expected }, Lang::Ja) => {
                format!("指定されたフレームワーク「{expected}」と一致しません")
            }
            (Reason::OtherFramework { expected }, Lang::En) => format!("is not the framework given ('{expected}')"),
        }
    }

    /// A stable machine-readable kind, for API clients (a field problem gives its own kind).
    pub fn kind(&self) -> &'static str {
        match self {
            Reason::Field(p) => p.kind(),
            Reason::Syntax { .. } => "syntax",
            Reason::WrongType { .. } => "wrong_type",
            Reason::Cycle { .. } => "cycle",
            Reason::YamlSyntax { .. } => "yaml_syntax",
            Reason::YamlTooComplex => "yaml_too_complex",
            Reason::NotUtf8 => "not_utf8",
            Reason::NotAWorkbook => "not_a_workbook",
            Reason::WorkbookTooLarge(_) => "workbook_too_large",
            Reason::NotAssessable { .. } => "not_assessable",
            Reason::OtherFramework { .. } => "other_framework",
        }
    }
}

/// One problem: the file, where in it (a JSON pointer), the field and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProblem {
    /// The file name as given.
    pub file: String,
    /// A JSON pointer (`/catalog/groups/0/controls/3`), a YAML path with its line
    /// (`/objects/framework/requirement_nodes/3 (line 12)`), a spreadsheet row (`row 5`), or a
    /// node id for built-in data.
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
