//! Reading: every format turns each row into a JSON object keyed by field name, which is checked
//! against the field table, turned into the domain's raw record and validated. Every problem of
//! every row is collected; a file with any problem is refused as a whole.

mod csv;
mod json;
mod jsonl;
mod xlsx;

use crate::error::{Expected, Found, Issue, ReadError, RowProblem};
use crate::fields::{RecordKind, SUBMISSION_KEYS, Shape, Spec, TIMELINE_KEYS};
use crate::location::{Located, Location, Position};
use crate::{Format, ParsedFile};
use opres_domain::{
    IncidentRecord, InstitutionRecord, ReportSubmissionRecord, SystemRecord, TimelineRecord, ValidationErrors,
};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// Reads a register file, choosing the format by extension (`.jsonl`, `.json`, `.csv`, `.xlsx`).
///
/// Every record is validated; if any row has a problem, nothing is returned but every problem,
/// each with its location and field.
pub fn read_file(path: &Path) -> Result<ParsedFile, ReadError> {
    let name = file_name(path);
    let format = Format::from_path(path).ok_or_else(|| ReadError::UnsupportedFormat { file: name.to_string() })?;
    let io = |source| ReadError::Io { path: path.to_path_buf(), source };
    let file = std::fs::File::open(path).map_err(io)?;
    match format {
        Format::Jsonl => jsonl::read(name, std::io::BufReader::with_capacity(1 << 16, file)),
        Format::Csv => csv::read(name, std::io::BufReader::with_capacity(1 << 16, file)),
        Format::Json => {
            let bytes = std::fs::read(path).map_err(io)?;
            json::read(name, &bytes)
        }
        Format::Xlsx => xlsx::read(name, std::io::BufReader::new(file)),
    }
}

/// Reads a register file held in memory (e.g. an upload); `file_name` names it in messages and
/// its extension chooses the format.
pub fn read_bytes(file_name: &str, bytes: &[u8]) -> Result<ParsedFile, ReadError> {
    let format = Format::from_path(Path::new(file_name))
        .ok_or_else(|| ReadError::UnsupportedFormat { file: file_name.to_string() })?;
    read_bytes_as(format, file_name, bytes)
}

/// Reads a register file held in memory in the given format; `file_name` names it in messages.
pub fn read_bytes_as(format: Format, file_name: &str, bytes: &[u8]) -> Result<ParsedFile, ReadError> {
    let name: Arc<str> = Arc::from(file_name);
    match format {
        Format::Jsonl => jsonl::read(name, bytes),
        Format::Csv => csv::read(name, bytes),
        Format::Json => json::read(name, bytes),
        Format::Xlsx => xlsx::read(name, std::io::Cursor::new(bytes)),
    }
}

fn file_name(path: &Path) -> Arc<str> {
    Arc::from(path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string()))
}

/// The fields of one record kind, looked up by name once per file rather than once per key.
pub(crate) struct Schema {
    kind: RecordKind,
    by_name: HashMap<&'static str, Spec>,
    names: Vec<&'static str>,
}

impl Schema {
    pub(crate) fn new(kind: RecordKind) -> Schema {
        let specs = kind.specs();
        Schema {
            kind,
            names: specs.iter().map(|s| s.name).collect(),
            by_name: specs.into_iter().map(|s| (s.name, s)).collect(),
        }
    }
}

/// The schemas of the three top-level record kinds.
pub(crate) struct Schemas {
    pub institution: Schema,
    pub system: Schema,
    pub incident: Schema,
}

impl Schemas {
    pub(crate) fn new() -> Schemas {
        Schemas {
            institution: Schema::new(RecordKind::Institution),
            system: Schema::new(RecordKind::System),
            incident: Schema::new(RecordKind::Incident),
        }
    }
}

/// Everything read from a file so far: raw records with their locations, and the problems.
pub(crate) struct Collector {
    pub file: Arc<str>,
    pub problems: Vec<RowProblem>,
    institutions: Vec<(Location, InstitutionRecord)>,
    systems: Vec<(Location, SystemRecord)>,
    incidents: Vec<RawIncident>,
    /// Reference → index in `incidents`, for attaching XLSX timeline rows.
    by_reference: Option<HashMap<String, usize>>,
    /// References of incident rows already refused, whose timeline rows need no second complaint.
    refused_references: std::collections::HashSet<String>,
}

struct RawIncident {
    location: Location,
    record: IncidentRecord,
    /// Where each timeline entry came from, when not from the incident's own row (XLSX sheets).
    timeline_rows: Vec<Location>,
    /// Where each report submission came from, likewise.
    submission_rows: Vec<Location>,
}

impl Collector {
    pub(crate) fn new(file: Arc<str>) -> Collector {
        Collector {
            file,
            problems: Vec::new(),
            institutions: Vec::new(),
            systems: Vec::new(),
            incidents: Vec::new(),
            by_reference: None,
            refused_references: Default::default(),
        }
    }

    pub(crate) fn at(&self, position: Position) -> Location {
        Location::new(self.file.clone(), position)
    }

    /// Records a problem.
    pub(crate) fn problem(
        &mut self,
        location: Location,
        record: Option<RecordKind>,
        field: Option<&str>,
        issue: Issue,
    ) {
        self.problems.push(RowProblem { location, record, field: field.map(str::to_string), issue });
    }

    /// Checks an object against the schema and keeps the raw record (validated in [`Collector::finish`]).
    pub(crate) fn add_object(&mut self, schema: &Schema, location: Location, obj: Map<String, Value>) {
        match schema.kind {
            RecordKind::Institution => {
                if let Some(r) = self.record_from_object::<InstitutionRecord>(schema, &location, obj) {
                    self.institutions.push((location, r));
                }
            }
            RecordKind::System => {
                if let Some(r) = self.record_from_object::<SystemRecord>(schema, &location, obj) {
                    self.systems.push((location, r));
                }
            }
            RecordKind::Incident => {
                let reference = obj.get("reference").and_then(Value::as_str).map(|r| r.trim().to_string());
                let record = self.record_from_object::<IncidentRecord>(schema, &location, obj);
                if record.is_none()
                    && let Some(r) = reference
                {
                    self.refused_references.insert(r);
                }
                if let Some(record) = record {
                    self.incidents.push(RawIncident {
                        location,
                        record,
                        timeline_rows: Vec::new(),
                        submission_rows: Vec::new(),
                    });
                }
            }
            RecordKind::Timeline | RecordKind::ReportSubmission => self.attach_row(schema, location, obj),
        }
    }

    /// Keeps an incident that deserialised straight from its JSON text (the fast path for
    /// well-formed files; anything the fast path refuses goes through [`Collector::add_json_text`]).
    pub(crate) fn add_incident_record(&mut self, location: Location, record: IncidentRecord) {
        self.incidents.push(RawIncident { location, record, timeline_rows: Vec::new(), submission_rows: Vec::new() });
    }

    /// Keeps an institution filled straight from its cells (CSV fast path).
    pub(crate) fn add_institution_record(&mut self, location: Location, record: InstitutionRecord) {
        self.institutions.push((location, record));
    }

    /// Keeps a system filled straight from its cells (CSV fast path).
    pub(crate) fn add_system_record(&mut self, location: Location, record: SystemRecord) {
        self.systems.push((location, record));
    }

    /// Reports keys written twice in one JSON object (a JSON map would silently keep the last).
    pub(crate) fn check_duplicate_keys(&mut self, location: &Location, kind: Option<RecordKind>, text: &str) {
        for key in duplicate_keys(text) {
            self.problem(location.clone(), kind, Some(&key), Issue::DuplicateKey);
        }
    }

    /// Reports a file with no content at all (likely the wrong file, or a failed export). A file
    /// with a header row but no rows is not this: it is a valid empty list.
    pub(crate) fn empty_file(&mut self) {
        let at = self.at(Position::File);
        self.problem(at, None, None, Issue::NoRecords);
    }

    /// Attaches a row of the XLSX `timeline` / `report_submissions` sheet to its incident.
    fn attach_row(&mut self, schema: &Schema, location: Location, obj: Map<String, Value>) {
        // Unknown keys were refused by the schema check already (serde cannot deny them next to flatten).
        #[derive(serde::Deserialize)]
        struct Row {
            reference: String,
            #[serde(flatten)]
            rest: HashMap<String, String>,
        }
        let Some(row) = self.record_from_object::<Row>(schema, &location, obj) else { return };
        let mut rest = row.rest;
        let mut take = |k: &str| rest.remove(k).unwrap_or_default();
        let (a, b) = if schema.kind == RecordKind::Timeline {
            (take("at"), take("text"))
        } else {
            (take("stage"), take("submitted_at"))
        };
        self.attach(schema.kind, location, &row.reference, a, b);
    }

    /// Attaches a timeline entry (`a` = at, `b` = text) or a report submission (`a` = stage,
    /// `b` = submitted_at) to the incident with `reference`, or reports why it cannot.
    pub(crate) fn attach(&mut self, kind: RecordKind, location: Location, reference: &str, a: String, b: String) {
        let reference = reference.trim();
        if reference.is_empty() {
            self.problem(location, Some(kind), Some("reference"), Issue::Invalid(opres_domain::Problem::Required));
            return;
        }
        let index = self.by_reference.get_or_insert_with(|| {
            let mut m = HashMap::new();
            for (i, inc) in self.incidents.iter().enumerate() {
                m.entry(inc.record.reference.trim().to_string()).or_insert(i);
            }
            m
        });
        let Some(&i) = index.get(reference) else {
            if self.refused_references.contains(reference) {
                return;
            }
            let issue = Issue::UnknownIncident { reference: reference.to_string() };
            self.problem(location, Some(kind), Some("reference"), issue);
            return;
        };
        let inc = &mut self.incidents[i];
        if kind == RecordKind::Timeline {
            inc.record.timeline.push(TimelineRecord { at: a, text: b });
            inc.timeline_rows.push(location);
        } else {
            inc.record.report_submissions.push(ReportSubmissionRecord { stage: a, submitted_at: b });
            inc.submission_rows.push(location);
        }
    }

    /// Checks keys and value types, fills absent required text with "" (so validation names it as
    /// required rather than failing to deserialise), and deserialises the record.
    fn record_from_object<R: DeserializeOwned>(
        &mut self,
        schema: &Schema,
        location: &Location,
        mut obj: Map<String, Value>,
    ) -> Option<R> {
        let before = self.problems.len();
        let kind = Some(schema.kind);
        let mut drop_keys = Vec::new();
        for (key, value) in obj.iter_mut() {
            let Some(spec) = schema.by_name.get(key.as_str()) else {
                let issue = Issue::UnknownField { kind: schema.kind, expected: schema.names.clone() };
                self.problem(location.clone(), kind, Some(key), issue);
                continue;
            };
            let found = Found::of(value);
            let wrong = |expected| Issue::WrongType { expected, found };
            let issue = match (spec.shape, &mut *value) {
                (Shape::Text, Value::String(_)) => None,
                (Shape::Text, _) => Some(wrong(Expected::Text)),
                (Shape::OptText, Value::String(_) | Value::Null) => None,
                (Shape::OptText, _) => Some(wrong(Expected::TextOrNull)),
                (Shape::Scalar, Value::Array(_) | Value::Object(_)) => Some(wrong(Expected::Scalar)),
                (Shape::Scalar, _) => None,
                // An explicit null list is an empty list: nothing is lost by reading it so.
                (Shape::List | Shape::Timeline | Shape::Submissions, Value::Null) => {
                    drop_keys.push(key.clone());
                    None
                }
                (Shape::List, Value::Array(items)) => {
                    for (i, item) in items.iter().enumerate() {
                        if !item.is_string() {
                            let issue = Issue::WrongType { expected: Expected::Text, found: Found::of(item) };
                            self.problem(location.clone(), kind, Some(&format!("{key}[{i}]")), issue);
                        }
                    }
                    None
                }
                (Shape::List, _) => Some(wrong(Expected::ListOfText)),
                (Shape::Timeline, Value::Array(items)) => {
                    self.check_entries(location, kind, key, items, &TIMELINE_KEYS, RecordKind::Timeline);
                    None
                }
                (Shape::Submissions, Value::Array(items)) => {
                    self.check_entries(location, kind, key, items, &SUBMISSION_KEYS, RecordKind::ReportSubmission);
                    None
                }
                (Shape::Timeline | Shape::Submissions, _) => Some(wrong(Expected::ListOfObjects)),
            };
            if let Some(issue) = issue {
                self.problem(location.clone(), kind, Some(key), issue);
            }
        }
        for k in drop_keys {
            obj.remove(&k);
        }
        if self.problems.len() > before {
            return None;
        }
        for name in &schema.names {
            if schema.by_name.get(name).is_some_and(|s| s.shape == Shape::Text) && !obj.contains_key(*name) {
                obj.insert((*name).to_string(), Value::String(String::new()));
            }
        }
        match serde_json::from_value::<R>(Value::Object(obj)) {
            Ok(r) => Some(r),
            Err(e) => {
                // The checks above mirror the records' serde shape; reaching here means they drifted.
                self.problem(location.clone(), kind, None, Issue::Unreadable { detail: e.to_string() });
                None
            }
        }
    }

    /// Checks the objects of a timeline / report-submission array; absent keys become "" so that
    /// validation reports them as required.
    fn check_entries(
        &mut self,
        location: &Location,
        kind: Option<RecordKind>,
        key: &str,
        items: &mut [Value],
        keys: &[&'static str],
        entry_kind: RecordKind,
    ) {
        for (i, item) in items.iter_mut().enumerate() {
            let Value::Object(entry) = item else {
                let issue = Issue::WrongType { expected: Expected::Object, found: Found::of(item) };
                self.problem(location.clone(), kind, Some(&format!("{key}[{i}]")), issue);
                continue;
            };
            for (k, v) in entry.iter() {
                let field = || format!("{key}[{i}].{k}");
                if !keys.contains(&k.as_str()) {
                    let issue = Issue::UnknownField { kind: entry_kind, expected: keys.to_vec() };
                    self.problem(location.clone(), kind, Some(&field()), issue);
                } else if !v.is_string() {
                    let issue = Issue::WrongType { expected: Expected::Text, found: Found::of(v) };
                    self.problem(location.clone(), kind, Some(&field()), issue);
                }
            }
            for k in keys {
                entry.entry(*k).or_insert_with(|| Value::String(String::new()));
            }
        }
    }

    /// Validates every record, checks codes and references for duplicates within the file, and
    /// returns the values or every problem in file order.
    pub(crate) fn finish(mut self) -> Result<ParsedFile, ReadError> {
        let mut out = ParsedFile::default();

        let mut seen: HashMap<String, Location> = HashMap::new();
        for (location, rec) in std::mem::take(&mut self.institutions) {
            self.duplicate(&mut seen, rec.code.trim(), &location, RecordKind::Institution, "code");
            match rec.validate() {
                Ok(value) => out.institutions.push(Located { location, value }),
                Err(errs) => self.invalid(&location, RecordKind::Institution, errs),
            }
        }
        let mut seen: HashMap<String, Location> = HashMap::new();
        for (location, rec) in std::mem::take(&mut self.systems) {
            let key = format!("{}/{}", rec.institution.trim(), rec.code.trim());
            if !rec.code.trim().is_empty() {
                self.duplicate(&mut seen, &key, &location, RecordKind::System, "code");
            }
            match rec.validate() {
                Ok(value) => out.systems.push(Located { location, value }),
                Err(errs) => self.invalid(&location, RecordKind::System, errs),
            }
        }
        let mut seen: HashMap<String, Location> = HashMap::new();
        for raw in std::mem::take(&mut self.incidents) {
            self.duplicate(&mut seen, raw.record.reference.trim(), &raw.location, RecordKind::Incident, "reference");
            match raw.record.validate() {
                Ok(value) => out.incidents.push(Located { location: raw.location, value }),
                Err(errs) => {
                    for e in errs.0 {
                        let (location, record, field) = relocate(&raw, &e.field);
                        self.problems.push(RowProblem {
                            location,
                            record: Some(record),
                            field: Some(field),
                            issue: Issue::Invalid(e.problem),
                        });
                    }
                }
            }
        }

        if self.problems.is_empty() {
            Ok(out)
        } else {
            let mut problems = self.problems;
            problems.sort_by_key(|p| order_key(&p.location));
            Err(ReadError::Invalid { file: self.file.to_string(), problems })
        }
    }

    fn invalid(&mut self, location: &Location, kind: RecordKind, errs: ValidationErrors) {
        for e in errs.0 {
            self.problems.push(RowProblem {
                location: location.clone(),
                record: Some(kind),
                field: Some(e.field),
                issue: Issue::Invalid(e.problem),
            });
        }
    }

    fn duplicate(
        &mut self,
        seen: &mut HashMap<String, Location>,
        key: &str,
        location: &Location,
        kind: RecordKind,
        field: &str,
    ) {
        if key.is_empty() {
            return;
        }
        match seen.get(key) {
            Some(first) => {
                let issue = Issue::DuplicateInFile { value: key.to_string(), first: first.clone() };
                self.problem(location.clone(), Some(kind), Some(field), issue);
            }
            None => {
                seen.insert(key.to_string(), location.clone());
            }
        }
    }
}

/// Keys that occur more than once at the top level of a JSON object's text.
fn duplicate_keys(text: &str) -> Vec<String> {
    struct Keys(Vec<String>);
    impl<'de> serde::de::Visitor<'de> for Keys {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(mut self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut seen = std::collections::HashSet::new();
            while let Some(k) = map.next_key::<String>()? {
                map.next_value::<serde::de::IgnoredAny>()?;
                if !seen.insert(k.clone()) && !self.0.contains(&k) {
                    self.0.push(k);
                }
            }
            Ok(self.0)
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    serde::Deserializer::deserialize_map(&mut de, Keys(Vec::new())).unwrap_or_default()
}

/// A validation problem on `timeline[i].at` of an incident whose entries came from the XLSX
/// timeline sheet belongs to that sheet's row, named there as `at`.
fn relocate(raw: &RawIncident, field: &str) -> (Location, RecordKind, String) {
    let nested = |prefix: &str, rows: &[Location], kind: RecordKind| {
        let rest = field.strip_prefix(prefix)?;
        let (index, sub) = rest.split_once("].")?;
        let row = rows.get(index.parse::<usize>().ok()?)?;
        Some((row.clone(), kind, sub.to_string()))
    };
    nested("timeline[", &raw.timeline_rows, RecordKind::Timeline)
        .or_else(|| nested("report_submissions[", &raw.submission_rows, RecordKind::ReportSubmission))
        .unwrap_or_else(|| (raw.location.clone(), RecordKind::Incident, field.to_string()))
}

/// Sorts problems into file order: file-level first, then by line, JSON section/index or sheet/row.
fn order_key(l: &Location) -> (u8, u8, u64) {
    let section_rank = |s: &str| -> u8 {
        RecordKind::ALL
            .iter()
            .position(|k| k.sheet(crate::HeaderLang::En).eq_ignore_ascii_case(s) || k.sheet(crate::HeaderLang::Ja) == s)
            .map_or(9, |p| p as u8)
    };
    match &l.position {
        Position::File => (0, 0, 0),
        Position::Line(n) => (1, 0, *n),
        Position::Element { section, index, .. } => (1, section_rank(section), *index as u64),
        Position::Row { sheet, row } => (1, section_rank(sheet), u64::from(*row)),
    }
}

/// The JSON value of a text cell (CSV, or an XLSX text cell) for a field; `None` for an empty cell.
pub(crate) fn text_cell(spec: &Spec, cell: &str) -> Result<Option<Value>, Issue> {
    if cell.trim().is_empty() {
        return Ok(None);
    }
    Ok(Some(match spec.shape {
        Shape::Text | Shape::OptText | Shape::Scalar => Value::String(cell.to_string()),
        Shape::List => Value::Array(
            cell.split(';').map(str::trim).filter(|s| !s.is_empty()).map(|s| Value::String(s.to_string())).collect(),
        ),
        Shape::Timeline | Shape::Submissions => serde_json::from_str::<Value>(cell)
            .map_err(|e| Issue::JsonSyntax { at: format!("column {}", e.column()), detail: json_detail(&e) })?,
    }))
}

/// serde_json's message without its " at line 1 column 5" tail (the location is given separately).
pub(crate) fn json_detail(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Which record kind a CSV header row or XLSX sheet holds, and which field each column names.
pub(crate) struct Header {
    /// The field of each column (`None` for a blank header cell, whose cells must be blank too).
    pub columns: Vec<Option<Spec>>,
}

/// Maps header cells to fields of `kind`, reporting unknown, duplicate and missing columns.
pub(crate) fn map_header(
    kind: RecordKind,
    cells: &[String],
    location: &Location,
    problems: &mut Vec<RowProblem>,
) -> Header {
    let mut columns = Vec::with_capacity(cells.len());
    let mut named: Vec<&'static str> = Vec::new();
    for h in cells {
        if h.trim().is_empty() {
            columns.push(None);
            continue;
        }
        match kind.field_for_header(h) {
            Some(spec) if named.contains(&spec.name) => {
                problems.push(RowProblem {
                    location: location.clone(),
                    record: Some(kind),
                    field: Some(spec.name.to_string()),
                    issue: Issue::DuplicateColumn { header: h.trim().to_string() },
                });
                columns.push(None);
            }
            Some(spec) => {
                named.push(spec.name);
                columns.push(Some(spec));
            }
            None => {
                problems.push(RowProblem {
                    location: location.clone(),
                    record: Some(kind),
                    field: None,
                    issue: Issue::UnknownColumn { header: h.trim().to_string(), kind },
                });
                columns.push(None);
            }
        }
    }
    for required in required_columns(kind) {
        if !named.contains(required) {
            problems.push(RowProblem {
                location: location.clone(),
                record: Some(kind),
                field: Some((*required).to_string()),
                issue: Issue::MissingColumn,
            });
        }
    }
    if kind == RecordKind::Incident && !named.contains(&"title_ja") && !named.contains(&"title_en") {
        problems.push(RowProblem {
            location: location.clone(),
            record: Some(kind),
            field: Some("title_ja".to_string()),
            issue: Issue::MissingColumn,
        });
    }
    Header { columns }
}

/// Columns a CSV file or XLSX sheet of the kind must have (a title in either language is checked apart).
fn required_columns(kind: RecordKind) -> &'static [&'static str] {
    match kind {
        RecordKind::Institution => &["code", "institution_type"],
        RecordKind::System => &["institution", "code", "name", "criticality"],
        RecordKind::Incident => &["reference", "institution", "occurred_at", "detected_at"],
        RecordKind::Timeline => &["reference", "at", "text"],
        RecordKind::ReportSubmission => &["reference", "stage", "submitted_at"],
    }
}
