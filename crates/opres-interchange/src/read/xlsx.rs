//! XLSX: a sheet per record kind (English or Japanese sheet names), header in the first row.
//! Timeline entries and report submissions have their own sheets, keyed by incident reference.

use super::{Collector, Schema, map_header, text_cell};
use crate::error::{Expected, Found, Issue, ReadError};
use crate::fields::{RecordKind, Shape, Spec};
use crate::location::Position;
use crate::{HeaderLang, ParsedFile};
use calamine::{Data, Reader, Xlsx};
use serde_json::{Map, Value};
use std::io::{Read, Seek};
use std::sync::Arc;

/// Largest integer an Excel (f64) cell holds exactly.
const EXACT_F64_INT: f64 = 9_007_199_254_740_992.0;

/// Reads a workbook. Sheets are read in dependency order whatever their order in the workbook.
pub(crate) fn read<RS: Read + Seek>(file: Arc<str>, input: RS) -> Result<ParsedFile, ReadError> {
    let mut c = Collector::new(file);
    let mut book: Xlsx<RS> = match calamine::open_workbook_from_rs(input) {
        Ok(b) => b,
        Err(e) => {
            c.problem(c.at(Position::File), None, None, Issue::Unreadable { detail: e.to_string() });
            return c.finish();
        }
    };
    let mut sheets: Vec<(RecordKind, String)> = Vec::new();
    for name in book.sheet_names() {
        match sheet_kind(&name) {
            Some(kind) if sheets.iter().any(|(k, _)| *k == kind) => {
                c.problem(c.at(Position::File), None, None, Issue::DuplicateSheet { name });
            }
            Some(kind) => sheets.push((kind, name)),
            None => c.problem(c.at(Position::File), None, None, Issue::UnknownSheet { name }),
        }
    }
    if !c.problems.is_empty() {
        return c.finish();
    }
    sheets.sort_by_key(|(k, _)| *k);
    let mut content = false;
    for (kind, name) in sheets {
        let range = match book.worksheet_range(&name) {
            Ok(r) => r,
            Err(e) => {
                c.problem(c.at(Position::File), None, None, Issue::Unreadable { detail: e.to_string() });
                continue;
            }
        };
        content |= !range.is_empty();
        read_sheet(&mut c, kind, &name, &range);
    }
    if !content && c.problems.is_empty() {
        c.empty_file();
    }
    c.finish()
}

/// The record kind a sheet name stands for (English any case, or Japanese).
fn sheet_kind(name: &str) -> Option<RecordKind> {
    let n = name.trim();
    RecordKind::ALL
        .into_iter()
        .find(|k| k.sheet(HeaderLang::En).eq_ignore_ascii_case(n) || k.sheet(HeaderLang::Ja) == n)
}

fn read_sheet(c: &mut Collector, kind: RecordKind, sheet: &str, range: &calamine::Range<Data>) {
    let Some((first_row, _)) = range.start() else { return }; // an empty sheet holds nothing
    let at = |row_index: usize| Position::Row { sheet: sheet.to_string(), row: first_row + row_index as u32 + 1 };
    let mut rows = range.rows();
    let Some(header_cells) = rows.next() else { return };
    let header_text: Vec<String> = header_cells.iter().map(header_text).collect();
    let header_at = c.at(at(0));
    let header = map_header(kind, &header_text, &header_at, &mut c.problems);
    if c.problems.iter().any(|p| p.location == header_at) {
        return; // every row would repeat the header's problem
    }
    let schema = Schema::new(kind);
    for (i, cells) in rows.enumerate() {
        if cells.iter().all(is_blank) {
            continue; // formatted but empty rows hold nothing
        }
        let loc = c.at(at(i + 1));
        let mut obj = Map::new();
        let mut bad = false;
        for (j, cell) in cells.iter().enumerate() {
            let Some(spec) = header.columns.get(j).copied().flatten() else {
                if !is_blank(cell) {
                    let header = header_text.get(j).cloned().unwrap_or_default();
                    c.problem(loc.clone(), Some(kind), None, Issue::UnknownColumn { header, kind });
                    bad = true;
                }
                continue;
            };
            match cell_value(&spec, cell) {
                Ok(Some(v)) => {
                    obj.insert(spec.name.to_string(), v);
                }
                Ok(None) => {}
                Err(issue) => {
                    c.problem(loc.clone(), Some(kind), Some(spec.name), issue);
                    bad = true;
                }
            }
        }
        if !bad {
            c.add_object(&schema, loc, obj);
        }
    }
}

fn is_blank(d: &Data) -> bool {
    match d {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

fn header_text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// The JSON value of a cell for a field. Numbers are fine for counts; an integral number in a text
/// field (a reference typed as 2024001) is read as its digits; dates are refused (no time zone).
fn cell_value(spec: &Spec, d: &Data) -> Result<Option<Value>, Issue> {
    let number = |f: f64| -> Result<Option<Value>, Issue> {
        let integral = f.fract() == 0.0 && f.abs() <= EXACT_F64_INT;
        match spec.shape {
            Shape::Scalar if integral => Ok(Some(Value::from(f as i64))),
            Shape::Scalar => Ok(serde_json::Number::from_f64(f).map(Value::Number)),
            Shape::Text | Shape::OptText | Shape::List if integral => Ok(Some(Value::String((f as i64).to_string()))),
            _ => Err(Issue::WrongType { expected: expected(spec.shape), found: Found::Number }),
        }
    };
    match d {
        Data::Empty => Ok(None),
        Data::String(s) => text_cell(spec, s),
        Data::Int(i) => number(*i as f64).or_else(|e| match spec.shape {
            Shape::Scalar => Ok(Some(Value::from(*i))),
            _ => Err(e),
        }),
        Data::Float(f) => number(*f),
        Data::Bool(b) if spec.shape == Shape::Scalar => Ok(Some(Value::Bool(*b))),
        Data::Bool(_) => Err(Issue::WrongType { expected: expected(spec.shape), found: Found::Bool }),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, mo, da, h, mi, s, _) = dt.to_ymd_hms_milli();
            Err(Issue::ExcelDate { value: format!("{y:04}-{mo:02}-{da:02} {h:02}:{mi:02}:{s:02}") })
        }
        Data::DateTime(_) | Data::DurationIso(_) => {
            Err(Issue::WrongType { expected: expected(spec.shape), found: Found::Number })
        }
        Data::DateTimeIso(s) => Err(Issue::ExcelDate { value: s.clone() }),
        Data::Error(e) => Err(Issue::ExcelError { value: e.to_string() }),
    }
}

fn expected(shape: Shape) -> Expected {
    match shape {
        Shape::Text => Expected::Text,
        Shape::OptText => Expected::TextOrNull,
        Shape::Scalar => Expected::Scalar,
        Shape::List => Expected::ListOfText,
        Shape::Timeline | Shape::Submissions => Expected::ListOfObjects,
    }
}
