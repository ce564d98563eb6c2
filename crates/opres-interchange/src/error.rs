//! What can be wrong with a file, row by row, worded for a risk analyst in Japanese and English.

use crate::fields::RecordKind;
use crate::location::Location;
use crate::xlsx_limits::XlsxLimit;
use opres_domain::{Lang, Problem};
use std::fmt;
use std::path::PathBuf;

/// The type a value had in the file, for "expected text, found a number".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// JSON `null`.
    Null,
    /// A boolean (JSON or an Excel TRUE/FALSE cell).
    Bool,
    /// A number (JSON or an Excel numeric cell).
    Number,
    /// Text.
    Text,
    /// A JSON array.
    Array,
    /// A JSON object.
    Object,
}

impl Found {
    pub(crate) fn of(v: &serde_json::Value) -> Found {
        use serde_json::Value as V;
        match v {
            V::Null => Found::Null,
            V::Bool(_) => Found::Bool,
            V::Number(_) => Found::Number,
            V::String(_) => Found::Text,
            V::Array(_) => Found::Array,
            V::Object(_) => Found::Object,
        }
    }

    fn word(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Found::Null, Lang::En) => "null",
            (Found::Bool, Lang::En) => "true/false",
            (Found::Number, Lang::En) => "a number",
            (Found::Text, Lang::En) => "text",
            (Found::Array, Lang::En) => "a list",
            (Found::Object, Lang::En) => "an object",
            (Found::Null, Lang::Ja) => "null",
            (Found::Bool, Lang::Ja) => "真偽値",
            (Found::Number, Lang::Ja) => "数値",
            (Found::Text, Lang::Ja) => "文字列",
            (Found::Array, Lang::Ja) => "配列",
            (Found::Object, Lang::Ja) => "オブジェクト",
        }
    }
}

/// What a field must hold, for type errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// Text.
    Text,
    /// Text or nothing.
    TextOrNull,
    /// A whole number, true/false, or text holding one.
    Scalar,
    /// A list of codes (JSON array of strings).
    ListOfText,
    /// A JSON array of objects (timeline, report submissions).
    ListOfObjects,
    /// A JSON object.
    Object,
}

impl Expected {
    fn words(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Expected::Text, Lang::En) => "text",
            (Expected::TextOrNull, Lang::En) => "text or null",
            (Expected::Scalar, Lang::En) => "a whole number, true/false, or text",
            (Expected::ListOfText, Lang::En) => "a list of codes (a JSON array of strings, or ';'-separated text)",
            (Expected::ListOfObjects, Lang::En) => "a JSON array of objects",
            (Expected::Object, Lang::En) => "a JSON object {…}",
            (Expected::Text, Lang::Ja) => "文字列",
            (Expected::TextOrNull, Lang::Ja) => "文字列または null",
            (Expected::Scalar, Lang::Ja) => "整数・真偽値またはその文字列",
            (Expected::ListOfText, Lang::Ja) => "コードの一覧（文字列の JSON 配列、または「;」区切りの文字列）",
            (Expected::ListOfObjects, Lang::Ja) => "オブジェクトの JSON 配列",
            (Expected::Object, Lang::Ja) => "JSON オブジェクト {…}",
        }
    }
}

fn kind_words(kind: RecordKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (RecordKind::Institution, Lang::En) => "an institution",
        (RecordKind::System, Lang::En) => "a system",
        (RecordKind::Incident, Lang::En) => "an incident",
        (RecordKind::Timeline, Lang::En) => "a timeline entry",
        (RecordKind::ReportSubmission, Lang::En) => "a report submission",
        (RecordKind::Institution, Lang::Ja) => "金融機関",
        (RecordKind::System, Lang::Ja) => "システム",
        (RecordKind::Incident, Lang::Ja) => "障害",
        (RecordKind::Timeline, Lang::Ja) => "時系列",
        (RecordKind::ReportSubmission, Lang::Ja) => "報告提出",
    }
}

/// What is wrong with one row (or one field of it, or the file's structure).
#[derive(Debug, Clone, PartialEq)]
pub enum Issue {
    /// The domain refused a field's value (the domain's own wording).
    Invalid(Problem),
    /// A JSON line, element or cell is not valid JSON.
    JsonSyntax {
        /// Column (JSONL/cell) or line:column (JSON document) where the parser stopped.
        at: String,
        /// The parser's own (English) words.
        detail: String,
    },
    /// A record that is not a JSON object.
    NotAnObject {
        /// What it was.
        found: Found,
    },
    /// A key that is not a field of the record (records refuse unknown fields).
    UnknownField {
        /// The record it was found in.
        kind: RecordKind,
        /// The fields that exist.
        expected: Vec<&'static str>,
    },
    /// A value of the wrong JSON / cell type.
    WrongType {
        /// What the field holds.
        expected: Expected,
        /// What the file had.
        found: Found,
    },
    /// A JSONL `record` tag that is not `institution`, `system` or `incident`.
    UnknownRecordKind {
        /// The tag as written.
        value: String,
    },
    /// A JSON document that is neither `{"institutions":…}` nor an array of incidents.
    NotARegisterDocument,
    /// A CSV / XLSX column that names no field of the record kind.
    UnknownColumn {
        /// The header as written.
        header: String,
        /// The record kind the header row was recognised as.
        kind: RecordKind,
    },
    /// Two columns naming the same field.
    DuplicateColumn {
        /// The header as written the second time.
        header: String,
    },
    /// A key written twice in one JSON object (the field is named by the problem).
    DuplicateKey,
    /// A required column is missing (the field is named by the problem).
    MissingColumn,
    /// A header row that names none of the record kinds' distinguishing columns.
    UnrecognisedHeader,
    /// A row with a different number of cells than the header has.
    CellCount {
        /// Cells in the row.
        found: usize,
        /// Cells in the header.
        expected: usize,
    },
    /// An Excel date/time cell: it carries no time zone, so the instant is ambiguous.
    ExcelDate {
        /// The cell's value as Excel shows it (without zone).
        value: String,
    },
    /// An Excel error cell (`#N/A`, `#REF!`, …).
    ExcelError {
        /// The error as Excel shows it.
        value: String,
    },
    /// A sheet whose name is not one of the known record sheets.
    UnknownSheet {
        /// The sheet's name.
        name: String,
    },
    /// Two sheets for the same record kind (e.g. `incidents` and `障害`).
    DuplicateSheet {
        /// The second sheet's name.
        name: String,
    },
    /// The same code or reference twice in the file.
    DuplicateInFile {
        /// The repeated value.
        value: String,
        /// Where it first appeared.
        first: Location,
    },
    /// A timeline / report-submission row for an incident the workbook does not hold.
    UnknownIncident {
        /// The reference given.
        reference: String,
    },
    /// Text that is not UTF-8.
    NotUtf8,
    /// The file holds no records at all.
    NoRecords,
    /// The file cannot be opened as the format its extension says (e.g. a damaged workbook).
    Unreadable {
        /// The library's own (English) words.
        detail: String,
    },
    /// A workbook past one of the limits of [`crate::xlsx_limits`], refused before it was read.
    TooLarge(XlsxLimit),
}

impl Issue {
    /// The reason, in the given language.
    pub fn message(&self, lang: Lang) -> String {
        use Lang::{En, Ja};
        match (self, lang) {
            (Issue::Invalid(p), _) => p.message(lang),
            (Issue::JsonSyntax { at, detail }, En) => format!("is not valid JSON ({at}: {detail})"),
            (Issue::JsonSyntax { at, detail }, Ja) => format!("JSON として読めません（{at}: {detail}）"),
            (Issue::NotAnObject { found }, En) => {
                format!("a record must be a JSON object {{…}}, not {}", found.word(En))
            }
            (Issue::NotAnObject { found }, Ja) => {
                format!("レコードは JSON オブジェクト {{…}} で書いてください（{}が書かれています）", found.word(Ja))
            }
            (Issue::UnknownField { kind, expected }, En) => {
                format!("is not a field of {}; the fields are: {}", kind_words(*kind, En), expected.join(", "))
            }
            (Issue::UnknownField { kind, expected }, Ja) => {
                format!("{}の項目ではありません。使用できる項目: {}", kind_words(*kind, Ja), expected.join(", "))
            }
            (Issue::WrongType { expected, found }, En) => {
                format!("must be {}, not {}", expected.words(En), found.word(En))
            }
            (Issue::WrongType { expected, found }, Ja) => {
                format!("{}で書いてください（{}が書かれています）", expected.words(Ja), found.word(Ja))
            }
            (Issue::UnknownRecordKind { value }, En) => {
                format!("'{value}' is not a record kind; use institution, system or incident")
            }
            (Issue::UnknownRecordKind { value }, Ja) => {
                format!("「{value}」はレコード種別ではありません。institution、system、incident のいずれかにしてください")
            }
            (Issue::NotARegisterDocument, En) => "the document must be an object {\"institutions\": […], \"systems\": […], \"incidents\": […]} or an array of incidents".into(),
            (Issue::NotARegisterDocument, Ja) => "文書全体を {\"institutions\": […], \"systems\": […], \"incidents\": […]} のオブジェクト、または障害の配列にしてください".into(),
            (Issue::UnknownColumn { header, kind }, En) => format!(
                "column '{header}' is not a field of {}; use the English field names or their Japanese labels (see docs/formats.md)",
                kind_words(*kind, En)
            ),
            (Issue::UnknownColumn { header, kind }, Ja) => format!(
                "列「{header}」は{}の項目ではありません。英語の項目名または日本語の見出しを使ってください（docs/formats.md 参照）",
                kind_words(*kind, Ja)
            ),
            (Issue::DuplicateColumn { header }, En) => format!("column '{header}' names a field that an earlier column already names"),
            (Issue::DuplicateColumn { header }, Ja) => format!("列「{header}」は前の列と同じ項目です"),
            (Issue::DuplicateKey, En) => "is written more than once in the same record".into(),
            (Issue::DuplicateKey, Ja) => "同じレコードに複数回書かれています".into(),
            (Issue::MissingColumn, En) => "this column is required but the header row lacks it".into(),
            (Issue::MissingColumn, Ja) => "必須の列が見出し行にありません".into(),
            (Issue::UnrecognisedHeader, En) => "the header row does not say which records the file holds: incidents need a 'reference' column, institutions 'institution_type', systems 'criticality' (or their Japanese labels 管理番号, 業態, 重要度)".into(),
            (Issue::UnrecognisedHeader, Ja) => "見出し行から記録の種類が分かりません。障害は「管理番号」（reference）、金融機関は「業態」（institution_type）、システムは「重要度」（criticality）の列が必要です".into(),
            (Issue::CellCount { found, expected }, En) => format!("has {found} cells but the header has {expected}"),
            (Issue::CellCount { found, expected }, Ja) => format!("セルが {found} 個あります（見出しは {expected} 列）"),
            (Issue::ExcelDate { value }, En) => format!(
                "'{value}' is an Excel date cell, which has no time zone; write the time as text with an offset, e.g. 2024-05-01T09:30:00+09:00 (format the column as Text first)"
            ),
            (Issue::ExcelDate { value }, Ja) => format!(
                "「{value}」は Excel の日付セルで、タイムゾーンを持ちません。列の書式を「文字列」にしてから 2024-05-01T09:30:00+09:00 のように時差付きの文字列で入力してください"
            ),
            (Issue::ExcelError { value }, En) => format!("the cell holds the Excel error {value}"),
            (Issue::ExcelError { value }, Ja) => format!("セルが Excel のエラー値 {value} です"),
            (Issue::UnknownSheet { name }, En) => format!(
                "sheet '{name}' is not one of institutions, systems, incidents, timeline, report_submissions (or 金融機関, システム, 障害, 時系列, 報告提出); rename or remove it"
            ),
            (Issue::UnknownSheet { name }, Ja) => format!(
                "シート「{name}」は 金融機関・システム・障害・時系列・報告提出（institutions, systems, incidents, timeline, report_submissions）のいずれでもありません。名前を変えるか削除してください"
            ),
            (Issue::DuplicateSheet { name }, En) => format!("sheet '{name}' holds the same kind of record as an earlier sheet"),
            (Issue::DuplicateSheet { name }, Ja) => format!("シート「{name}」は前のシートと同じ種類の記録です"),
            (Issue::DuplicateInFile { value, first }, En) => {
                format!("'{value}' appears more than once in the file (first at {})", first.describe(En))
            }
            (Issue::DuplicateInFile { value, first }, Ja) => {
                format!("「{value}」がファイル内で重複しています（最初は {}）", first.describe(Ja))
            }
            (Issue::UnknownIncident { reference }, En) => {
                format!("no incident with reference '{reference}' in this workbook's incidents sheet")
            }
            (Issue::UnknownIncident { reference }, Ja) => {
                format!("管理番号「{reference}」の障害が障害シートにありません")
            }
            (Issue::NotUtf8, En) => "is not UTF-8 text; save the file as UTF-8 (in Excel: CSV UTF-8)".into(),
            (Issue::NotUtf8, Ja) => "UTF-8 の文字列ではありません。UTF-8 で保存してください（Excel では「CSV UTF-8」）".into(),
            (Issue::NoRecords, En) => "the file holds no records".into(),
            (Issue::NoRecords, Ja) => "ファイルに記録がありません".into(),
            (Issue::Unreadable { detail }, En) => format!("cannot be read as this file type ({detail})"),
            (Issue::Unreadable { detail }, Ja) => format!("この形式のファイルとして読めません（{detail}）"),
            (Issue::TooLarge(limit), _) => limit.message(lang),
        }
    }

    /// A stable machine-readable kind, for API clients.
    pub fn kind(&self) -> &'static str {
        match self {
            Issue::Invalid(p) => p.kind(),
            Issue::JsonSyntax { .. } => "json_syntax",
            Issue::NotAnObject { .. } => "not_an_object",
            Issue::UnknownField { .. } => "unknown_field",
            Issue::WrongType { .. } => "wrong_type",
            Issue::UnknownRecordKind { .. } => "unknown_record_kind",
            Issue::NotARegisterDocument => "not_a_register_document",
            Issue::UnknownColumn { .. } => "unknown_column",
            Issue::DuplicateColumn { .. } => "duplicate_column",
            Issue::DuplicateKey => "duplicate_key",
            Issue::MissingColumn => "missing_column",
            Issue::UnrecognisedHeader => "unrecognised_header",
            Issue::CellCount { .. } => "cell_count",
            Issue::ExcelDate { .. } => "excel_date",
            Issue::ExcelError { .. } => "excel_error",
            Issue::UnknownSheet { .. } => "unknown_sheet",
            Issue::DuplicateSheet { .. } => "duplicate_sheet",
            Issue::DuplicateInFile { .. } => "duplicate_in_file",
            Issue::UnknownIncident { .. } => "unknown_incident",
            Issue::NotUtf8 => "not_utf8",
            Issue::NoRecords => "no_records",
            Issue::Unreadable { .. } => "unreadable",
            Issue::TooLarge(_) => "too_large",
        }
    }
}

/// One problem in a file: where, which field (if one), and what.
#[derive(Debug, Clone, PartialEq)]
pub struct RowProblem {
    /// Where in the file.
    pub location: Location,
    /// The kind of record the row holds, where known (names the field's Japanese label).
    pub record: Option<RecordKind>,
    /// The interchange field name (`occurred_at`, `timeline[0].at`), if the problem is with one field.
    pub field: Option<String>,
    /// What is wrong.
    pub issue: Issue,
}

impl RowProblem {
    /// `incidents.csv line 14, occurred_at: '…' has no time zone; …` /
    /// `incidents.csv 14行目 発生日時（occurred_at）: 「…」にタイムゾーンがありません…`.
    pub fn message(&self, lang: Lang) -> String {
        let at = self.location.describe(lang);
        let why = self.issue.message(lang);
        match (&self.field, lang) {
            (None, _) => format!("{at}: {why}"),
            (Some(f), Lang::En) => format!("{at}, {f}: {why}"),
            (Some(f), Lang::Ja) => match self.record.and_then(|k| k.label_ja(f)) {
                Some(label) => format!("{at} {label}（{f}）: {why}"),
                None => format!("{at} {f}: {why}"),
            },
        }
    }
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

/// Why a file was not read. A file with any bad row is refused as a whole.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path given.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The extension is not one of `.jsonl`, `.json`, `.csv`, `.xlsx`.
    #[error("{file}: unsupported file type; use .jsonl, .json, .csv or .xlsx")]
    UnsupportedFormat {
        /// The file name.
        file: String,
    },
    /// The file was read but has problems: every one of them, in file order.
    #[error("{file}: {} problem(s); the first: {}", problems.len(), problems.first().map(|p| p.message(Lang::En)).unwrap_or_default())]
    Invalid {
        /// The file name.
        file: String,
        /// Every problem found, in file order.
        problems: Vec<RowProblem>,
    },
}

impl ReadError {
    /// Every row problem (empty for I/O and unsupported-format errors).
    pub fn problems(&self) -> &[RowProblem] {
        match self {
            ReadError::Invalid { problems, .. } => problems,
            _ => &[],
        }
    }

    /// A one-line summary in the given language; list [`ReadError::problems`] for the details.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ReadError::Io { path, source }, Lang::Ja) => {
                format!("{} を読めません: {source}", path.display())
            }
            (ReadError::UnsupportedFormat { file }, Lang::Ja) => {
                format!("{file}: 対応していないファイル形式です。.jsonl、.json、.csv、.xlsx のいずれかにしてください")
            }
            (ReadError::Invalid { file, problems }, Lang::Ja) => {
                format!("{file}: {} 件の問題があるため、ファイル全体を取り込みませんでした", problems.len())
            }
            (ReadError::Invalid { file, problems }, Lang::En) => {
                format!("{file}: {} problem(s); nothing from the file was taken", problems.len())
            }
            (e, Lang::En) => e.to_string(),
        }
    }
}

/// Why a file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// Writing to the file or stream failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The path (or `-` for a stream).
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The extension is not one of `.jsonl`, `.json`, `.csv`, `.xlsx`.
    #[error("{file}: unsupported file type; use .jsonl, .json, .csv or .xlsx")]
    UnsupportedFormat {
        /// The file name.
        file: String,
    },
    /// A CSV stream holds one kind of record; institutions and systems need their own files.
    #[error("a CSV stream holds one kind of record; write institutions and systems with write_file (sibling files)")]
    CsvHoldsOneKind,
    /// The workbook writer refused a value (e.g. text longer than Excel's 32,767 characters per cell).
    #[error("cannot write the workbook: {detail}")]
    Xlsx {
        /// The writer's own words.
        detail: String,
    },
}

impl WriteError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> WriteError {
        WriteError::Io { path: path.into(), source }
    }

    /// The reason in the given language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (WriteError::Io { path, source }, Lang::Ja) => format!("{} に書き込めません: {source}", path.display()),
            (WriteError::UnsupportedFormat { file }, Lang::Ja) => {
                format!("{file}: 対応していないファイル形式です。.jsonl、.json、.csv、.xlsx のいずれかにしてください")
            }
            (WriteError::CsvHoldsOneKind, Lang::Ja) => {
                "CSV には 1 種類の記録しか書けません。金融機関・システムは別ファイルに書き出してください".into()
            }
            (WriteError::Xlsx { detail }, Lang::Ja) => {
                format!("Excel ファイルを書けません（{detail}）。1 セルは 32,767 文字までです")
            }
            (e, Lang::En) => e.to_string(),
        }
    }
}

impl From<rust_xlsxwriter::XlsxError> for WriteError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        match e {
            rust_xlsxwriter::XlsxError::IoError(source) => WriteError::Io { path: PathBuf::from("-"), source },
            other => WriteError::Xlsx { detail: other.to_string() },
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::location::Position;
    use std::sync::Arc;

    #[test]
    fn a_field_problem_names_line_and_field_in_both_languages() {
        let p = RowProblem {
            location: Location::new(Arc::from("incidents.csv"), Position::Line(14)),
            record: Some(RecordKind::Incident),
            field: Some("occurred_at".into()),
            issue: Issue::Invalid(Problem::TimestampWithoutOffset { value: "2024-05-01 09:00".into() }),
        };
        assert!(
            p.message(Lang::En).starts_with("incidents.csv line 14, occurred_at: '2024-05-01 09:00' has no time zone")
        );
        assert!(p.message(Lang::Ja).starts_with("incidents.csv 14行目 発生日時（occurred_at）: 「2024-05-01 09:00」"));
    }

    #[test]
    fn every_issue_has_both_languages() {
        let loc = Location::file(Arc::from("x.json"));
        let issues = [
            Issue::JsonSyntax { at: "column 3".into(), detail: "EOF".into() },
            Issue::NotAnObject { found: Found::Array },
            Issue::UnknownField { kind: RecordKind::System, expected: vec!["code"] },
            Issue::WrongType { expected: Expected::Text, found: Found::Number },
            Issue::UnknownRecordKind { value: "x".into() },
            Issue::NotARegisterDocument,
            Issue::UnknownColumn { header: "x".into(), kind: RecordKind::Incident },
            Issue::DuplicateColumn { header: "x".into() },
            Issue::DuplicateKey,
            Issue::MissingColumn,
            Issue::UnrecognisedHeader,
            Issue::CellCount { found: 3, expected: 2 },
            Issue::ExcelDate { value: "2024-05-01 09:00".into() },
            Issue::ExcelError { value: "#N/A".into() },
            Issue::UnknownSheet { name: "Sheet1".into() },
            Issue::DuplicateSheet { name: "障害".into() },
            Issue::DuplicateInFile { value: "A".into(), first: loc.clone() },
            Issue::UnknownIncident { reference: "A".into() },
            Issue::NotUtf8,
            Issue::NoRecords,
            Issue::Unreadable { detail: "zip".into() },
            Issue::TooLarge(XlsxLimit::Unpacked { max: crate::xlsx_limits::UNPACKED_MAX }),
            Issue::TooLarge(XlsxLimit::Entries { max: 10 }),
            Issue::TooLarge(XlsxLimit::Undeclared { max: 10 }),
            Issue::TooLarge(XlsxLimit::Cells { sheet: "障害".into(), max: 10 }),
        ];
        for i in issues {
            let (ja, en) = (i.message(Lang::Ja), i.message(Lang::En));
            assert!(!ja.is_empty() && !en.is_empty() && ja != en, "{}", i.kind());
            assert!(
                ja.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c) || ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{ja}"
            );
        }
    }
}
