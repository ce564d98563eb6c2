//! JSONL: one JSON object per line; `"record"` says which kind (absent: an incident).

use super::{Collector, Schemas, json_detail};
use crate::ParsedFile;
use crate::error::{Expected, Found, Issue, ReadError};
use crate::fields::RecordKind;
use crate::location::Position;
use serde_json::Value;
use std::io::BufRead;
use std::sync::Arc;

/// How opres starts an incident line; the fast path blanks it to `{`.
const INCIDENT_TAG: &[u8] = br#"{"record":"incident","#;

/// Reads JSON Lines from a buffered reader, streaming line by line.
pub(crate) fn read(file: Arc<str>, mut input: impl BufRead) -> Result<ParsedFile, ReadError> {
    let schemas = Schemas::new();
    let mut c = Collector::new(file);
    let mut buf = Vec::with_capacity(4096);
    let mut line_no: u64 = 0;
    let mut content = false;
    loop {
        buf.clear();
        let n = input
            .read_until(b'\n', &mut buf)
            .map_err(|source| ReadError::Io { path: std::path::PathBuf::from(&*c.file), source })?;
        if n == 0 {
            break;
        }
        line_no += 1;
        let mut bytes = buf.as_slice();
        if line_no == 1 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        let at = c.at(Position::Line(line_no));
        // Fast path: an incident line as opres writes it (or untagged) deserialises straight into
        // the record. The tag is blanked in place (JSON allows the leading spaces).
        let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(0);
        let mut fast = bytes.to_vec();
        if fast[start..].starts_with(INCIDENT_TAG) {
            fast[start..start + INCIDENT_TAG.len() - 1].fill(b' ');
            if let Some(b) = fast.get_mut(start + INCIDENT_TAG.len() - 1) {
                *b = b'{';
            }
        }
        if let Ok(record) = serde_json::from_slice::<opres_domain::IncidentRecord>(&fast) {
            content = true;
            c.add_incident_record(at, record);
            continue;
        }
        let Ok(text) = std::str::from_utf8(bytes) else {
            c.problem(at, None, None, Issue::NotUtf8);
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        content = true;
        let value = match serde_json::from_str::<Value>(text) {
            Ok(v) => v,
            Err(e) => {
                let issue = Issue::JsonSyntax { at: format!("column {}", e.column()), detail: json_detail(&e) };
                c.problem(at, None, None, issue);
                continue;
            }
        };
        let Value::Object(mut obj) = value else {
            c.problem(at, None, None, Issue::NotAnObject { found: Found::of(&value) });
            continue;
        };
        let kind = match obj.remove("record") {
            None => RecordKind::Incident,
            Some(Value::String(tag)) => match tag.trim() {
                "institution" => RecordKind::Institution,
                "system" => RecordKind::System,
                "incident" => RecordKind::Incident,
                other => {
                    c.problem(at, None, Some("record"), Issue::UnknownRecordKind { value: other.to_string() });
                    continue;
                }
            },
            Some(other) => {
                let issue = Issue::WrongType { expected: Expected::Text, found: Found::of(&other) };
                c.problem(at, None, Some("record"), issue);
                continue;
            }
        };
        c.check_duplicate_keys(&at, Some(kind), text);
        let schema = match kind {
            RecordKind::Institution => &schemas.institution,
            RecordKind::System => &schemas.system,
            _ => &schemas.incident,
        };
        c.add_object(schema, at, obj);
    }
    if !content && c.problems.is_empty() {
        c.empty_file();
    }
    c.finish()
}
