//! CSV: one record kind per file, recognised from the header row (English field names or
//! Japanese labels). Lists are `;`-separated; timeline and report submissions are JSON cells.

use super::{Collector, Header, Schema, map_header, text_cell};
use crate::ParsedFile;
use crate::error::{Issue, ReadError};
use crate::fields::RecordKind;
use crate::fields::{Field, INCIDENT_FIELDS, INSTITUTION_FIELDS, SYSTEM_FIELDS};
use crate::location::Location;
use crate::location::Position;
use opres_domain::{IncidentRecord, InstitutionRecord, SystemRecord};
use serde_json::Map;
use std::io::BufRead;
use std::sync::Arc;

/// Reads a CSV file, streaming record by record.
pub(crate) fn read(file: Arc<str>, mut input: impl BufRead) -> Result<ParsedFile, ReadError> {
    let mut c = Collector::new(file);
    // Excel's "CSV UTF-8" starts with a byte-order mark; it is not part of the first header.
    let io = |c: &Collector, source| ReadError::Io { path: std::path::PathBuf::from(&*c.file), source };
    if input.fill_buf().map_err(|e| io(&c, e))?.starts_with(b"\xEF\xBB\xBF") {
        input.consume(3);
    }
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(input);
    let mut record = csv::ByteRecord::new();

    let header_at = c.at(Position::Line(1));
    match reader.read_byte_record(&mut record) {
        Ok(true) => {}
        Ok(false) => {
            c.empty_file();
            return c.finish();
        }
        Err(e) => return Err(csv_error(&c, e)),
    }
    let Some(cells) =
        record.iter().map(|b| std::str::from_utf8(b).ok().map(str::to_string)).collect::<Option<Vec<_>>>()
    else {
        c.problem(header_at, None, None, Issue::NotUtf8);
        return c.finish();
    };
    let Some(kind) = detect_kind(&cells) else {
        c.problem(header_at, None, None, Issue::UnrecognisedHeader);
        return c.finish();
    };
    let header = map_header(kind, &cells, &header_at, &mut c.problems);
    if !c.problems.is_empty() {
        // Every row would repeat the header's problem; report it once.
        return c.finish();
    }
    let schema = Schema::new(kind);
    let width = header.columns.len();
    // Each column's setter, for the fast path that fills the raw record straight from the cells.
    let setters: Setters = match kind {
        RecordKind::Institution => Setters::Institution(setters(&header, INSTITUTION_FIELDS)),
        RecordKind::System => Setters::System(setters(&header, SYSTEM_FIELDS)),
        _ => Setters::Incident(setters(&header, INCIDENT_FIELDS)),
    };

    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_error(&c, e)),
        }
        let line = record.position().map_or(0, |p| p.line());
        let at = c.at(Position::Line(line));
        if record.iter().all(|b| b.iter().all(u8::is_ascii_whitespace)) {
            continue; // a blank line or a row of empty cells holds nothing
        }
        let extra_blank = record.iter().skip(width).all(|b| b.iter().all(u8::is_ascii_whitespace));
        if record.len() < width || !extra_blank {
            c.problem(at, Some(kind), None, Issue::CellCount { found: record.len(), expected: width });
            continue;
        }
        let done = match &setters {
            Setters::Institution(f) => {
                fast::<InstitutionRecord>(&mut c, f, &record, &at, Collector::add_institution_record)
            }
            Setters::System(f) => fast::<SystemRecord>(&mut c, f, &record, &at, Collector::add_system_record),
            Setters::Incident(f) => fast::<IncidentRecord>(&mut c, f, &record, &at, Collector::add_incident_record),
        };
        if done {
            continue;
        }
        // The checked path: names every cell's problem.
        let mut obj = Map::new();
        let mut bad = false;
        for (i, raw) in record.iter().take(width).enumerate() {
            let spec = header.columns[i];
            let Ok(cell) = std::str::from_utf8(raw) else {
                c.problem(at.clone(), Some(kind), spec.map(|s| s.name), Issue::NotUtf8);
                bad = true;
                continue;
            };
            let Some(spec) = spec else {
                if !cell.trim().is_empty() {
                    let issue = Issue::UnknownColumn { header: String::new(), kind };
                    c.problem(at.clone(), Some(kind), None, issue);
                    bad = true;
                }
                continue;
            };
            match text_cell(&spec, cell) {
                Ok(Some(v)) => {
                    obj.insert(spec.name.to_string(), v);
                }
                Ok(None) => {}
                Err(issue) => {
                    c.problem(at.clone(), Some(kind), Some(spec.name), issue);
                    bad = true;
                }
            }
        }
        if !bad {
            c.add_object(&schema, at, obj);
        }
    }
    c.finish()
}

/// Column setters of one record kind (`None` for a blank header).
enum Setters {
    Institution(Vec<Option<&'static Field<InstitutionRecord>>>),
    System(Vec<Option<&'static Field<SystemRecord>>>),
    Incident(Vec<Option<&'static Field<IncidentRecord>>>),
}

fn setters<R>(header: &Header, table: &'static [Field<R>]) -> Vec<Option<&'static Field<R>>> {
    header.columns.iter().map(|spec| spec.and_then(|s| table.iter().find(|f| f.spec.name == s.name))).collect()
}

/// Fills the raw record straight from the row's cells; false (nothing kept) if any cell needs the
/// checked path: not UTF-8, text under a blank header, or a JSON cell that does not parse as the
/// list it should be.
fn fast<R: Default>(
    c: &mut Collector,
    fields: &[Option<&'static Field<R>>],
    record: &csv::ByteRecord,
    at: &Location,
    keep: fn(&mut Collector, Location, R),
) -> bool {
    let mut rec = R::default();
    for (i, raw) in record.iter().take(fields.len()).enumerate() {
        let Ok(cell) = std::str::from_utf8(raw) else { return false };
        if cell.trim().is_empty() {
            continue;
        }
        match fields[i] {
            Some(f) if (f.set)(&mut rec, cell) => {}
            _ => return false,
        }
    }
    keep(c, at.clone(), rec);
    true
}

fn csv_error(c: &Collector, e: csv::Error) -> ReadError {
    match e.into_kind() {
        csv::ErrorKind::Io(source) => ReadError::Io { path: std::path::PathBuf::from(&*c.file), source },
        other => ReadError::Io {
            path: std::path::PathBuf::from(&*c.file),
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{other:?}")),
        },
    }
}

/// Which records a header row describes, by the columns only that kind has.
pub(crate) fn detect_kind(cells: &[String]) -> Option<RecordKind> {
    let has = |kind: RecordKind, names: &[&str]| {
        cells.iter().any(|h| kind.field_for_header(h).is_some_and(|s| names.contains(&s.name)))
    };
    if has(RecordKind::Incident, &["reference"]) {
        Some(RecordKind::Incident)
    } else if has(RecordKind::Institution, &["institution_type", "name_ja", "name_en", "lei"]) {
        Some(RecordKind::Institution)
    } else if has(RecordKind::System, &["criticality", "name", "owner"]) {
        Some(RecordKind::System)
    } else {
        None
    }
}
