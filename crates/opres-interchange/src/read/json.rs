//! JSON: `{"institutions":[…],"systems":[…],"incidents":[…]}` or a bare array of incidents.

use super::{Collector, Schema, Schemas, json_detail};
use crate::ParsedFile;
use crate::error::{Found, Issue, ReadError};
use crate::location::Position;
use serde_json::Value;
use serde_json::value::RawValue;
use std::sync::Arc;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Document<'a> {
    #[serde(borrow, default)]
    institutions: Option<Vec<&'a RawValue>>,
    #[serde(borrow, default)]
    systems: Option<Vec<&'a RawValue>>,
    #[serde(borrow, default)]
    incidents: Option<Vec<&'a RawValue>>,
}

/// Reads a JSON document. A syntax error stops the parser, so it is one problem for the file.
pub(crate) fn read(file: Arc<str>, bytes: &[u8]) -> Result<ParsedFile, ReadError> {
    let schemas = Schemas::new();
    let mut c = Collector::new(file);
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(bytes) else {
        c.problem(c.at(Position::File), None, None, Issue::NotUtf8);
        return c.finish();
    };
    let doc_error = |c: &mut Collector, e: serde_json::Error| {
        let issue = match e.classify() {
            serde_json::error::Category::Data => Issue::NotARegisterDocument,
            _ => Issue::JsonSyntax { at: format!("line {}, column {}", e.line(), e.column()), detail: json_detail(&e) },
        };
        c.problem(c.at(Position::File), None, None, issue);
    };
    let mut lines = LineCounter::new(text);
    match text.trim_start().as_bytes().first() {
        Some(b'[') => match serde_json::from_str::<Vec<&RawValue>>(text) {
            Ok(items) => add_section(&mut c, &mut lines, &schemas.incident, "incidents", &items),
            Err(e) => doc_error(&mut c, e),
        },
        Some(b'{') => match serde_json::from_str::<Document<'_>>(text) {
            Ok(doc) => {
                // Sections are taken in dependency order; line numbers are counted forward, so
                // count from the start again for each section (they may appear in any order).
                for (name, schema, items) in [
                    ("institutions", &schemas.institution, doc.institutions),
                    ("systems", &schemas.system, doc.systems),
                    ("incidents", &schemas.incident, doc.incidents),
                ] {
                    lines = LineCounter::new(text);
                    add_section(&mut c, &mut lines, schema, name, items.as_deref().unwrap_or_default());
                }
            }
            Err(e) => doc_error(&mut c, e),
        },
        Some(_) => c.problem(c.at(Position::File), None, None, Issue::NotARegisterDocument),
        None => c.empty_file(),
    }
    c.finish()
}

fn add_section(
    c: &mut Collector,
    lines: &mut LineCounter<'_>,
    schema: &Schema,
    section: &'static str,
    items: &[&RawValue],
) {
    for (index, raw) in items.iter().enumerate() {
        let line = lines.line_of(raw.get());
        let at = c.at(Position::Element { section, index, line });
        // Fast path: a well-formed incident deserialises straight into the record.
        if section == "incidents"
            && let Ok(record) = serde_json::from_str::<opres_domain::IncidentRecord>(raw.get())
        {
            c.add_incident_record(at, record);
            continue;
        }
        c.check_duplicate_keys(&at, Some(schema.kind), raw.get());
        match serde_json::from_str::<Value>(raw.get()) {
            Ok(Value::Object(obj)) => c.add_object(schema, at, obj),
            Ok(other) => c.problem(at, None, None, Issue::NotAnObject { found: Found::of(&other) }),
            // The document parsed, so its parts do too; kept for completeness.
            Err(e) => c.problem(
                at,
                None,
                None,
                Issue::JsonSyntax { at: format!("column {}", e.column()), detail: json_detail(&e) },
            ),
        }
    }
}

/// Finds the line a slice of the document starts on, counting forward so a whole pass is linear.
struct LineCounter<'a> {
    text: &'a str,
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter { text, offset: 0, line: 1 }
    }

    /// `part` must be a slice of the document at or after the previous one asked about.
    fn line_of(&mut self, part: &str) -> u64 {
        // Address arithmetic only (no dereference): where the borrowed slice sits in the document.
        let at = (part.as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize).min(self.text.len());
        if at >= self.offset {
            self.line += self.text.as_bytes()[self.offset..at].iter().filter(|&&b| b == b'\n').count() as u64;
            self.offset = at;
        }
        self.line
    }
}
