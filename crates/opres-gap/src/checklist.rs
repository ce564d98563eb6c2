//! A bank's own checklist (CSV or XLSX) as a framework: one row per requirement node, English or
//! Japanese headers, every problem located by the row a spreadsheet shows (the header is row 1)
//! and the column's heading as the file writes it.
//!
//! Columns: `ref` (参照番号, required), `parent_ref` (親参照番号), `title_ja` (見出し(日本語)),
//! `title_en` (見出し(英語)) — at least one of the two —, `description_ja` (説明(日本語)),
//! `description_en` (説明(英語)), `level` (水準: a code or its label in either language) and
//! `assessable` (評価対象: true/false, はい/いいえ, …; blank: a row other rows name as parent is a
//! grouping node, any other is assessed). Other columns (notes, owners) are left alone: a bank's
//! sheet carries more than the framework needs.

use crate::framework::{Framework, FrameworkRecord, Level, Place, RequirementRecord};
use crate::problem::{ImportError, ImportProblem, Reason};
use opres_domain::{Bilingual, Lang, Problem};
use opres_interchange::xlsx_limits::{self, Refused};
use std::collections::HashSet;

/// A column the importer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Ref,
    ParentRef,
    TitleJa,
    TitleEn,
    DescriptionJa,
    DescriptionEn,
    Level,
    Assessable,
}

impl Column {
    const ALL: [Column; 8] = [
        Column::Ref,
        Column::ParentRef,
        Column::TitleJa,
        Column::TitleEn,
        Column::DescriptionJa,
        Column::DescriptionEn,
        Column::Level,
        Column::Assessable,
    ];

    /// The heading in English and in Japanese.
    fn headings(self) -> (&'static str, &'static str) {
        match self {
            Column::Ref => ("ref", "参照番号"),
            Column::ParentRef => ("parent_ref", "親参照番号"),
            Column::TitleJa => ("title_ja", "見出し(日本語)"),
            Column::TitleEn => ("title_en", "見出し(英語)"),
            Column::DescriptionJa => ("description_ja", "説明(日本語)"),
            Column::DescriptionEn => ("description_en", "説明(英語)"),
            Column::Level => ("level", "水準"),
            Column::Assessable => ("assessable", "評価対象"),
        }
    }

    /// The column a heading names: English in any case, Japanese with full- or half-width
    /// parentheses and any spacing (both are typed in Excel).
    fn of(heading: &str) -> Option<Column> {
        let norm = |s: &str| -> String {
            s.chars()
                .filter(|c| !c.is_whitespace())
                .map(|c| match c {
                    '（' => '(',
                    '）' => ')',
                    c => c.to_ascii_lowercase(),
                })
                .collect()
        };
        let h = norm(heading);
        Column::ALL.into_iter().find(|c| {
            let (en, ja) = c.headings();
            h == en || h == norm(ja)
        })
    }
}

/// Rows of text cells, each with the row number a spreadsheet shows.
struct Sheet {
    header: Vec<String>,
    header_row: usize,
    rows: Vec<(usize, Vec<String>)>,
}

/// A level as the sheet writes it: the code, or the label in Japanese or English.
fn level_code(cell: &str) -> String {
    let t = cell.trim();
    Level::ALL
        .iter()
        .find(|l| Lang::ALL.iter().any(|lang| l.label(*lang).eq_ignore_ascii_case(t)))
        .map_or_else(|| t.to_string(), |l| l.code().to_string())
}

/// Yes or no as people type it in a sheet; `None` when it is neither.
fn yes_no(cell: &str) -> Option<bool> {
    match cell.trim().to_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "はい" | "○" | "〇" | "対象" => Some(true),
        "false" | "no" | "n" | "0" | "いいえ" | "×" | "-" | "対象外" => Some(false),
        _ => None,
    }
}

fn problem(file: &str, row: usize, field: &str, reason: Reason) -> ImportProblem {
    ImportProblem { file: file.to_string(), at: format!("row {row}"), field: field.to_string(), reason }
}

/// Reads the rows into a framework through the one framework validator; its problems are said
/// again as rows and the file's own headings, and all of them come back sorted by row.
fn from_sheet(file: &str, framework_id: &str, name: &Bilingual, sheet: Sheet) -> Result<Framework, ImportError> {
    let mut problems = Vec::new();
    let mut index: Vec<(Column, usize)> = Vec::new();
    for (i, h) in sheet.header.iter().enumerate() {
        if let Some(c) = Column::of(h) {
            if index.iter().any(|(k, _)| *k == c) {
                problems.push(problem(
                    file,
                    sheet.header_row,
                    h,
                    Reason::Field(Problem::Duplicate { value: h.clone() }),
                ));
            } else {
                index.push((c, i));
            }
        }
    }
    let col = |c: Column| index.iter().find(|(k, _)| *k == c).map(|(_, i)| *i);
    // Problems name a column as the file heads it, or by its English heading when it is absent.
    let heading = |c: Column| col(c).and_then(|i| sheet.header.get(i)).map_or(c.headings().0, String::as_str);
    if col(Column::Ref).is_none() {
        problems.push(problem(file, sheet.header_row, "ref", Reason::Field(Problem::Required)));
    }
    if col(Column::TitleJa).is_none() && col(Column::TitleEn).is_none() {
        problems.push(problem(file, sheet.header_row, "title_ja / title_en", Reason::Field(Problem::Required)));
    }
    if !problems.is_empty() {
        return Err(ImportError(problems));
    }
    let cell = |cells: &[String], c: Column| -> String {
        col(c).and_then(|i| cells.get(i)).map(|s| s.trim().to_string()).unwrap_or_default()
    };
    let parents: HashSet<String> =
        sheet.rows.iter().map(|(_, cells)| cell(cells, Column::ParentRef)).filter(|p| !p.is_empty()).collect();
    let mut requirements = Vec::with_capacity(sheet.rows.len());
    for (row, cells) in &sheet.rows {
        let id = cell(cells, Column::Ref);
        let assessable = match cell(cells, Column::Assessable) {
            a if a.is_empty() => !parents.contains(&id),
            a => yes_no(&a).unwrap_or_else(|| {
                problems.push(problem(
                    file,
                    *row,
                    heading(Column::Assessable),
                    Reason::Field(Problem::NotABoolean { value: a }),
                ));
                false
            }),
        };
        let level = Some(cell(cells, Column::Level)).filter(|l| !l.is_empty()).map(|l| level_code(&l));
        let parent = Some(cell(cells, Column::ParentRef)).filter(|p| !p.is_empty());
        requirements.push(RequirementRecord {
            reference: id.clone(),
            id,
            parent,
            title_ja: cell(cells, Column::TitleJa),
            title_en: cell(cells, Column::TitleEn),
            description_ja: cell(cells, Column::DescriptionJa),
            description_en: cell(cells, Column::DescriptionEn),
            level,
            assessable,
            ..Default::default()
        });
    }
    let record = FrameworkRecord {
        id: framework_id.trim().to_string(),
        version: String::new(),
        name_ja: name.ja.clone().unwrap_or_default(),
        name_en: name.en.clone().unwrap_or_default(),
        source: format!("checklist {file}"),
        scale_max: None,
        requirements,
    };
    let validated = record.validate(file).map_err(|e| {
        e.0.into_iter().map(|p| match Place::of(&p.at) {
            Some(Place::Node(i)) => {
                let row = sheet.rows.get(i).map_or(0, |(r, _)| *r);
                let field = match p.field.as_str() {
                    "id" => heading(Column::Ref),
                    "parent" => heading(Column::ParentRef),
                    "title" => heading(if col(Column::TitleJa).is_some() { Column::TitleJa } else { Column::TitleEn }),
                    "level" => heading(Column::Level),
                    other => other,
                }
                .to_string();
                ImportProblem { at: format!("row {row}"), field, ..p }
            }
            // The framework's own id and name come from the caller, not the file.
            Some(Place::Framework) | None => ImportProblem { at: "/".into(), ..p },
        })
    });
    match validated {
        Ok(f) if problems.is_empty() => Ok(f),
        Ok(_) => Err(ImportError(problems)),
        Err(more) => {
            problems.extend(more);
            let row_of =
                |p: &ImportProblem| p.at.strip_prefix("row ").and_then(|r| r.parse::<usize>().ok()).unwrap_or(0);
            problems.sort_by_key(row_of);
            Err(ImportError(problems))
        }
    }
}

/// The rows of a CSV as a spreadsheet shows them, numbered from 1: a line break inside a quoted
/// cell stays in its row, a blank line is a row of its own. (The CSV reader's own positions skip
/// blank lines and count a CRLF late, so they cannot give these numbers.)
fn spreadsheet_rows(bytes: &[u8]) -> Vec<(usize, &[u8])> {
    let mut rows = Vec::new();
    let (mut start, mut in_quotes, mut field_start) = (0, false, true);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_quotes {
            if b == b'"' {
                // `""` is a quote inside the cell; a lone `"` closes it.
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    in_quotes = false;
                }
            }
        } else if b == b'"' && field_start {
            in_quotes = true;
        } else if b == b'\n' {
            rows.push((rows.len() + 1, &bytes[start..i]));
            start = i + 1;
        }
        field_start = !in_quotes && matches!(b, b',' | b'\n');
        i += 1;
    }
    if start < bytes.len() {
        rows.push((rows.len() + 1, &bytes[start..]));
    }
    rows
}

/// Reads a checklist saved as CSV (UTF-8, with or without a byte-order mark; CRLF or LF) into a
/// framework with this id and name. All or nothing: every problem comes back, by row and column.
pub fn import_checklist_csv(
    file: &str,
    framework_id: &str,
    name: &Bilingual,
    bytes: &[u8],
) -> Result<Framework, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Err(e) = std::str::from_utf8(bytes) {
        // Excel's plain "CSV" is Shift_JIS: say where, and how to save it instead.
        let row = 1 + bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count();
        return Err(ImportError(vec![problem(file, row, "", Reason::NotUtf8)]));
    }
    let mut records = Vec::new();
    for (row, line) in spreadsheet_rows(bytes) {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(line);
        let cells = match reader.records().next() {
            None => Vec::new(),
            Some(Ok(r)) => r.iter().map(str::to_string).collect(),
            // UTF-8 is checked above and rows may differ in length: what is left is not CSV.
            Some(Err(_)) => {
                return Err(ImportError(vec![problem(file, row, "", Reason::WrongType { expected: "CSV" })]));
            }
        };
        records.push((row, cells));
    }
    // Blank lines before the headings are rows a spreadsheet shows, not the header.
    let mut records = records.into_iter().skip_while(|(_, cells)| cells.iter().all(|c| c.trim().is_empty()));
    let Some((header_row, header)) = records.next() else {
        return Err(ImportError(vec![problem(file, 1, "ref", Reason::Field(Problem::Required))]));
    };
    let rows = records.filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty())).collect();
    from_sheet(file, framework_id, name, Sheet { header, header_row, rows })
}

/// Reads a checklist from the first sheet of an XLSX workbook (header in its first used row)
/// into a framework with this id and name; rows are the sheet's own row numbers.
pub fn import_checklist_xlsx(
    file: &str,
    framework_id: &str,
    name: &Bilingual,
    bytes: &[u8],
) -> Result<Framework, ImportError> {
    use calamine::{Reader, Xlsx};
    let refused = |r: Refused| {
        let reason = match r {
            Refused::Limit(limit) => Reason::WorkbookTooLarge(limit),
            Refused::Damaged(_) => Reason::NotAWorkbook,
        };
        ImportError(vec![ImportProblem { file: file.to_string(), at: "/".into(), field: String::new(), reason }])
    };
    // Before calamine unpacks anything: a small upload can unpack to gigabytes.
    let mut input = std::io::Cursor::new(bytes);
    xlsx_limits::check_unpacked(&mut input).map_err(refused)?;
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(input).map_err(|e: calamine::XlsxError| refused(Refused::from(e)))?;
    let Some(first) = book.sheet_names().into_iter().next() else {
        return Err(refused(Refused::Damaged(String::new())));
    };
    let mut budget = xlsx_limits::CELLS_MAX;
    let range = xlsx_limits::sheet_range(&mut book, &first, &mut budget).map_err(refused)?;
    let (first_row, first_col) = range.start().map_or((0, 0), |(r, c)| (r as usize, c as usize));
    let mut rows = range.rows().enumerate().map(|(i, cells)| {
        let mut line = vec![String::new(); first_col];
        line.extend(cells.iter().map(xlsx_limits::cell_text));
        (first_row + i + 1, line)
    });
    let Some((header_row, header)) = rows.next() else {
        return Err(ImportError(vec![problem(file, 1, "ref", Reason::Field(Problem::Required))]));
    };
    let rows = rows.filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty())).collect();
    from_sheet(file, framework_id, name, Sheet { header, header_row, rows })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn headings_are_read_in_either_language_and_width() {
        assert_eq!(Column::of(" Title_JA "), Some(Column::TitleJa));
        assert_eq!(Column::of("見出し（日本語）"), Some(Column::TitleJa));
        assert_eq!(Column::of("説明 (英語)"), Some(Column::DescriptionEn));
        assert_eq!(Column::of("備考"), None);
    }

    #[test]
    fn levels_are_codes_or_labels() {
        assert_eq!(level_code("基本的な対応事項"), "basic");
        assert_eq!(level_code("Desirable"), "desirable");
        assert_eq!(level_code("参考"), "informative");
        assert_eq!(level_code(" must "), "must");
        assert_eq!((yes_no("はい"), yes_no("FALSE"), yes_no("maybe")), (Some(true), Some(false), None));
    }
}

#[cfg(test)]
mod row_tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::spreadsheet_rows;
    use proptest::prelude::*;

    /// Tables whose cells hold what breaks naive line splitting: quotes, commas, line breaks.
    fn tables() -> impl Strategy<Value = Vec<Vec<String>>> {
        prop::collection::vec(prop::collection::vec("[a-z\"\n ,。]{0,6}", 1..4), 1..6)
    }

    proptest! {
        /// Whatever the cells hold (quotes, commas, line breaks), the csv writer's rows come back
        /// one per record, in order, with the same cells.
        #[test]
        fn rows_written_by_the_csv_writer_are_found_again(table in tables(), crlf in any::<bool>()) {
            let mut w = csv::WriterBuilder::new()
                .flexible(true)
                .terminator(if crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') })
                .from_writer(Vec::new());
            for row in &table {
                w.write_record(row).unwrap();
            }
            let bytes = w.into_inner().unwrap();
            let rows = spreadsheet_rows(&bytes);
            prop_assert_eq!(rows.len(), table.len());
            for (i, ((n, line), row)) in rows.iter().zip(&table).enumerate() {
                let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(*line);
                let got: Vec<String> = r.records().next().unwrap().unwrap().iter().map(str::to_string).collect();
                prop_assert_eq!(*n, i + 1);
                prop_assert_eq!(&got, row);
            }
        }
    }

    #[test]
    fn a_quote_inside_an_unquoted_cell_does_not_open_a_quoted_cell() {
        let rows = spreadsheet_rows(b"a,5\" disk\nb,c\n");
        assert_eq!(rows, [(1, &b"a,5\" disk"[..]), (2, &b"b,c"[..])]);
    }
}
