//! XLSX: a sheet per record kind (English or Japanese sheet names), header in the first row.
//! Timeline entries and report submissions have their own sheets, keyed by incident reference.

use super::{Collector, Header, Schema, map_header, text_cell};
use crate::error::{Expected, Found, Issue, ReadError};
use crate::fields::{Field, INCIDENT_FIELDS, INSTITUTION_FIELDS, SYSTEM_FIELDS};
use crate::fields::{RecordKind, Shape, Spec};
use crate::location::Location;
use crate::location::Position;
use crate::xlsx_limits::{self, Refused};
use crate::{HeaderLang, ParsedFile};
use calamine::{Data, Reader, Xlsx};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::io::{Read, Seek};
use std::sync::Arc;

/// Largest integer an Excel (f64) cell holds exactly.
const EXACT_F64_INT: f64 = 9_007_199_254_740_992.0;

/// Reads a workbook. Sheets are read in dependency order whatever their order in the workbook.
pub(crate) fn read<RS: Read + Seek>(file: Arc<str>, mut input: RS) -> Result<ParsedFile, ReadError> {
    let mut c = Collector::new(file);
    // Before calamine unpacks anything: it holds the shared strings and each sheet in memory.
    match xlsx_limits::check_unpacked(&mut input) {
        Ok(()) => {}
        Err(refused) => {
            c.problem(c.at(Position::File), None, None, issue(refused));
            return c.finish();
        }
    }
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
            // The note an export adds when it had to cut a cell (see `write.rs`).
            None if crate::write::is_note_sheet(&name) => {}
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
    let mut budget = xlsx_limits::CELLS_MAX;
    for (kind, name) in sheets {
        let range = match xlsx_limits::sheet_range(&mut book, &name, &mut budget) {
            Ok(r) => r,
            Err(refused @ Refused::Limit(_)) => {
                c.problem(c.at(Position::File), None, None, issue(refused));
                return c.finish();
            }
            Err(refused) => {
                c.problem(c.at(Position::File), None, None, issue(refused));
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

fn issue(refused: Refused) -> Issue {
    match refused {
        Refused::Limit(limit) => Issue::TooLarge(limit),
        Refused::Damaged(detail) => Issue::Unreadable { detail },
    }
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
    let fields_of = |names: Vec<&'static str>| -> Vec<Option<usize>> {
        header.columns.iter().map(|s| s.and_then(|s| names.iter().position(|n| *n == s.name))).collect()
    };
    // Column → index in the kind's field table, for the fast path.
    let index: Vec<Option<usize>> = fields_of(kind.field_names());
    for (i, cells) in rows.enumerate() {
        if cells.iter().all(is_blank) {
            continue; // formatted but empty rows hold nothing
        }
        let loc = c.at(at(i + 1));
        let done = match kind {
            RecordKind::Institution => {
                fast(c, INSTITUTION_FIELDS, &index, &header, cells, &loc, Collector::add_institution_record)
            }
            RecordKind::System => fast(c, SYSTEM_FIELDS, &index, &header, cells, &loc, Collector::add_system_record),
            RecordKind::Incident => {
                fast(c, INCIDENT_FIELDS, &index, &header, cells, &loc, Collector::add_incident_record)
            }
            RecordKind::Timeline | RecordKind::ReportSubmission => fast_entry(c, kind, &header, cells, &loc),
        };
        if done {
            continue;
        }
        // The checked path: names every cell's problem.
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

/// A cell as the text the fast path sets, where the checked path would accept it unchanged:
/// text, an integral number (digits), or TRUE/FALSE for a scalar. `None`: use the checked path.
fn plain(shape: Shape, d: &Data) -> Option<Cow<'_, str>> {
    let integral = |f: f64| (f.fract() == 0.0 && f.abs() <= EXACT_F64_INT).then(|| Cow::Owned((f as i64).to_string()));
    match (shape, d) {
        (_, Data::String(s)) => Some(Cow::Borrowed(s.as_str())),
        (_, Data::Empty) => Some(Cow::Borrowed("")),
        (Shape::Text | Shape::OptText | Shape::List | Shape::Scalar, Data::Float(f)) => integral(*f),
        (Shape::Text | Shape::OptText | Shape::List | Shape::Scalar, Data::Int(i)) => Some(Cow::Owned(i.to_string())),
        (Shape::Scalar, Data::Bool(b)) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
        _ => None,
    }
}

/// Fills the raw record straight from the row; false (nothing kept) if any cell needs the checked path.
fn fast<R: Default>(
    c: &mut Collector,
    table: &'static [Field<R>],
    index: &[Option<usize>],
    header: &Header,
    cells: &[Data],
    at: &Location,
    keep: fn(&mut Collector, Location, R),
) -> bool {
    let mut rec = R::default();
    for (j, cell) in cells.iter().enumerate() {
        let Some(f) = index.get(j).copied().flatten().and_then(|k| table.get(k)) else {
            if is_blank(cell) || header.columns.get(j).copied().flatten().is_some() {
                continue;
            }
            return false;
        };
        let Some(text) = plain(f.spec.shape, cell) else { return false };
        if !text.trim().is_empty() && !(f.set)(&mut rec, &text) {
            return false;
        }
    }
    keep(c, at.clone(), rec);
    true
}

/// A timeline / report-submission row of plain text cells, attached to its incident directly.
fn fast_entry(c: &mut Collector, kind: RecordKind, header: &Header, cells: &[Data], at: &Location) -> bool {
    let mut values: [String; 3] = Default::default();
    let names: [&str; 3] =
        if kind == RecordKind::Timeline { ["reference", "at", "text"] } else { ["reference", "stage", "submitted_at"] };
    for (j, cell) in cells.iter().enumerate() {
        let Some(spec) = header.columns.get(j).copied().flatten() else {
            if is_blank(cell) {
                continue;
            }
            return false;
        };
        let Some(text) = plain(spec.shape, cell) else { return false };
        match names.iter().position(|n| *n == spec.name) {
            Some(k) => values[k] = text.into_owned(),
            None => return false,
        }
    }
    let [reference, a, b] = values;
    c.attach(kind, at.clone(), &reference, a, b);
    true
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
