//! Writing: domain values → the domain's raw records (RFC 3339 in JST, stable codes) → a format.
//! Streams record by record; nothing builds the whole file as one string.

use crate::error::WriteError;
use crate::fields::{
    Cell, Field, INCIDENT_FIELDS, INSTITUTION_FIELDS, RecordKind, SUBMISSION_SHEET, SYSTEM_FIELDS, Spec, TIMELINE_SHEET,
};
use crate::xlsx_limits::{fit_cell, needs_cut};
use crate::{Format, HeaderLang};
use opres_domain::record::RawScalar;
use opres_domain::{DataSet, Incident, IncidentRecord, Institution, InstitutionRecord, System, SystemRecord};
use rust_xlsxwriter::{Color, Format as XFormat, FormatBorder, Workbook, Worksheet};
use serde::Serialize;
use std::borrow::Borrow;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Writes a data set to `path` in the format its extension names, with English headers.
/// Returns the paths written: for `.csv`, institutions and systems (if any) go to the sibling
/// files `<stem>.institutions.csv` and `<stem>.systems.csv`, listed before the incidents file.
pub fn write_file(path: &Path, data: &DataSet) -> Result<Vec<PathBuf>, WriteError> {
    write_file_with(path, data, HeaderLang::En)
}

/// As [`write_file`], choosing the language of CSV headers and XLSX sheet names and headers.
pub fn write_file_with(path: &Path, data: &DataSet, header: HeaderLang) -> Result<Vec<PathBuf>, WriteError> {
    let format =
        Format::from_path(path).ok_or_else(|| WriteError::UnsupportedFormat { file: path.display().to_string() })?;
    let create = |p: &Path| -> Result<BufWriter<std::fs::File>, WriteError> {
        std::fs::File::create(p).map(|f| BufWriter::with_capacity(1 << 16, f)).map_err(|e| WriteError::io(p, e))
    };
    let finish = |p: &Path, w: BufWriter<std::fs::File>| -> Result<(), WriteError> {
        w.into_inner().map_err(|e| WriteError::io(p, e.into_error()))?.sync_all().map_err(|e| WriteError::io(p, e))
    };
    let mut written = Vec::new();
    if format == Format::Csv {
        let sibling = |kind: &str| {
            let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            path.with_file_name(format!("{stem}.{kind}.csv"))
        };
        if !data.institutions.is_empty() {
            let p = sibling("institutions");
            let mut w = create(&p)?;
            csv_rows(&mut w, INSTITUTION_FIELDS, data.institutions.iter().map(InstitutionRecord::from), header)
                .map_err(|e| at(&p, e))?;
            finish(&p, w)?;
            written.push(p);
        }
        if !data.systems.is_empty() {
            let p = sibling("systems");
            let mut w = create(&p)?;
            csv_rows(&mut w, SYSTEM_FIELDS, data.systems.iter().map(SystemRecord::from), header)
                .map_err(|e| at(&p, e))?;
            finish(&p, w)?;
            written.push(p);
        }
        let mut w = create(path)?;
        csv_rows(&mut w, INCIDENT_FIELDS, data.incidents.iter().map(IncidentRecord::from), header)
            .map_err(|e| at(path, e))?;
        finish(path, w)?;
    } else {
        let mut w = create(path)?;
        write_dataset(format, data, header, &mut w).map_err(|e| at(path, e))?;
        finish(path, w)?;
    }
    written.push(path.to_path_buf());
    Ok(written)
}

/// Names the file in an I/O error raised while writing to it as a stream.
fn at(path: &Path, e: WriteError) -> WriteError {
    match e {
        WriteError::Io { source, .. } => WriteError::io(path, source),
        other => other,
    }
}

/// Writes a whole data set to a stream: JSONL, JSON or XLSX. CSV holds one kind of record, so it
/// is refused with [`WriteError::CsvHoldsOneKind`] unless the set holds incidents only.
pub fn write_dataset<W: Write>(format: Format, data: &DataSet, header: HeaderLang, out: W) -> Result<(), WriteError> {
    match format {
        Format::Jsonl => jsonl(out, data),
        Format::Json => json_document(out, data),
        Format::Csv if data.institutions.is_empty() && data.systems.is_empty() => {
            write_incidents_with(Format::Csv, &data.incidents, header, out)
        }
        Format::Csv => Err(WriteError::CsvHoldsOneKind),
        Format::Xlsx => write_all(out, &xlsx_bytes(data, header)?),
    }
}

/// Writes incidents to a stream with English headers: JSONL (one tagged record per line), JSON (a
/// bare array), CSV, or XLSX (the workbook's bytes).
pub fn write_incidents<W: Write>(format: Format, incidents: &[Incident], out: W) -> Result<(), WriteError> {
    write_incidents_with(format, incidents, HeaderLang::En, out)
}

/// As [`write_incidents`], choosing the language of CSV headers and XLSX sheet names and headers.
pub fn write_incidents_with<W: Write>(
    format: Format,
    incidents: &[Incident],
    header: HeaderLang,
    mut out: W,
) -> Result<(), WriteError> {
    match format {
        Format::Jsonl => {
            for i in incidents {
                tagged_line(&mut out, RecordKind::Incident, &IncidentRecord::from(i))?;
            }
            out.flush().map_err(stream)
        }
        Format::Json => {
            out.write_all(b"[\n").map_err(stream)?;
            for (n, i) in incidents.iter().enumerate() {
                if n > 0 {
                    out.write_all(b",\n").map_err(stream)?;
                }
                serde_json::to_writer(&mut out, &IncidentRecord::from(i)).map_err(json_err)?;
            }
            out.write_all(b"\n]\n").map_err(stream)?;
            out.flush().map_err(stream)
        }
        Format::Csv => csv_rows(out, INCIDENT_FIELDS, incidents.iter().map(IncidentRecord::from), header),
        Format::Xlsx => {
            // Borrowing the incidents into a DataSet would need clones; the workbook takes records.
            let bytes = workbook(&[], &[], incidents, header)?;
            write_all(out, &bytes)
        }
    }
}

/// The data set as an XLSX workbook in memory (e.g. for a download).
pub fn xlsx_bytes(data: &DataSet, header: HeaderLang) -> Result<Vec<u8>, WriteError> {
    workbook(&data.institutions, &data.systems, &data.incidents, header)
}

fn write_all<W: Write>(mut out: W, bytes: &[u8]) -> Result<(), WriteError> {
    out.write_all(bytes).map_err(stream)?;
    out.flush().map_err(stream)
}

fn stream(e: std::io::Error) -> WriteError {
    WriteError::io("-", e)
}

fn json_err(e: serde_json::Error) -> WriteError {
    stream(std::io::Error::other(e))
}

/// A record with its JSONL `record` tag first.
#[derive(Serialize)]
struct Tagged<'a, T: Serialize> {
    record: &'static str,
    #[serde(flatten)]
    inner: &'a T,
}

fn tagged_line<W: Write, T: Serialize>(out: &mut W, kind: RecordKind, record: &T) -> Result<(), WriteError> {
    serde_json::to_writer(&mut *out, &Tagged { record: kind.tag(), inner: record }).map_err(json_err)?;
    out.write_all(b"\n").map_err(stream)
}

fn jsonl<W: Write>(mut out: W, data: &DataSet) -> Result<(), WriteError> {
    for i in &data.institutions {
        tagged_line(&mut out, RecordKind::Institution, &InstitutionRecord::from(i))?;
    }
    for s in &data.systems {
        tagged_line(&mut out, RecordKind::System, &SystemRecord::from(s))?;
    }
    for i in &data.incidents {
        tagged_line(&mut out, RecordKind::Incident, &IncidentRecord::from(i))?;
    }
    out.flush().map_err(stream)
}

/// `{"institutions": [...], "systems": [...], "incidents": [...]}` with one record per line, so
/// the file diffs and greps well and streams without a document-sized buffer.
fn json_document<W: Write>(mut out: W, data: &DataSet) -> Result<(), WriteError> {
    fn section<W: Write, T, R: Serialize>(
        out: &mut W,
        name: &str,
        items: &[T],
        to: impl Fn(&T) -> R,
        last: bool,
    ) -> Result<(), WriteError> {
        write!(out, "\"{name}\": [").map_err(stream)?;
        for (n, item) in items.iter().enumerate() {
            out.write_all(if n > 0 { b",\n" } else { b"\n" }).map_err(stream)?;
            serde_json::to_writer(&mut *out, &to(item)).map_err(json_err)?;
        }
        let end: &[u8] = match (items.is_empty(), last) {
            (true, false) => b"],\n",
            (true, true) => b"]\n",
            (false, false) => b"\n],\n",
            (false, true) => b"\n]\n",
        };
        out.write_all(end).map_err(stream)
    }
    out.write_all(b"{\n").map_err(stream)?;
    section(&mut out, "institutions", &data.institutions, |x| InstitutionRecord::from(x), false)?;
    section(&mut out, "systems", &data.systems, |x| SystemRecord::from(x), false)?;
    section(&mut out, "incidents", &data.incidents, |x| IncidentRecord::from(x), true)?;
    out.write_all(b"}\n").map_err(stream)?;
    out.flush().map_err(stream)
}

fn header_label(spec: &Spec, lang: HeaderLang) -> &'static str {
    match lang {
        HeaderLang::En => spec.name,
        HeaderLang::Ja => spec.ja,
    }
}

/// Renders a cell as text (CSV, and list cells in XLSX): lists `;`-separated, nested lists as JSON.
fn cell_text<'a>(cell: &Cell<'a>, buf: &'a mut String) -> Result<&'a str, WriteError> {
    buf.clear();
    match cell {
        Cell::Empty => return Ok(""),
        Cell::Text(s) => return Ok(s),
        Cell::Scalar(RawScalar::Text(s)) => return Ok(s),
        Cell::Scalar(RawScalar::Int(i)) => {
            use std::fmt::Write as _;
            let _ = write!(buf, "{i}");
        }
        Cell::Scalar(RawScalar::Float(f)) => {
            use std::fmt::Write as _;
            let _ = write!(buf, "{f}");
        }
        Cell::Scalar(RawScalar::Bool(b)) => return Ok(if *b { "true" } else { "false" }),
        Cell::List(items) => {
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    buf.push(';');
                }
                buf.push_str(item);
            }
        }
        Cell::Timeline([]) => return Ok(""),
        Cell::Submissions([]) => return Ok(""),
        Cell::Timeline(items) => *buf = serde_json::to_string(items).map_err(json_err)?,
        Cell::Submissions(items) => *buf = serde_json::to_string(items).map_err(json_err)?,
    }
    Ok(buf.as_str())
}

pub(crate) fn csv_err(e: csv::Error) -> WriteError {
    match e.into_kind() {
        csv::ErrorKind::Io(source) => stream(source),
        other => stream(std::io::Error::other(format!("{other:?}"))),
    }
}

/// A header row and one row per record, each cell borrowed from the record where it can be.
fn csv_rows<W: Write, R>(
    out: W,
    table: &[Field<R>],
    records: impl Iterator<Item = impl Borrow<R>>,
    header: HeaderLang,
) -> Result<(), WriteError> {
    let mut w = csv::WriterBuilder::new().flexible(false).from_writer(out);
    w.write_record(table.iter().map(|f| header_label(&f.spec, header))).map_err(csv_err)?;
    let mut buf = String::new();
    for rec in records {
        for f in table {
            let cell = (f.get)(rec.borrow());
            w.write_field(cell_text(&cell, &mut buf)?).map_err(csv_err)?;
        }
        w.write_record(None::<&[u8]>).map_err(csv_err)?;
    }
    w.flush().map_err(stream)
}

/// Largest integer an Excel (f64) cell holds exactly; larger counts are written as text.
const EXACT_F64_INT: i64 = 9_007_199_254_740_992;

struct Styles {
    header: XFormat,
    count: XFormat,
}

/// Excel's last row (0-based); rows past it cannot be written.
const LAST_ROW: u32 = 1_048_575;

/// The sheet an export adds when it had to cut cells or leave rows out.
const NOTE_SHEET: [&str; 2] = ["notes", "注記"];

/// Whether a sheet is the export's note (readers skip it).
pub(crate) fn is_note_sheet(name: &str) -> bool {
    let n = name.trim();
    n.eq_ignore_ascii_case(NOTE_SHEET[0]) || n == NOTE_SHEET[1]
}

/// What an export could not write as stored: cells cut to Excel's limit, rows past the last row.
#[derive(Default)]
struct Cuts {
    /// Sheet, row (1-based, as Excel shows it), column header, full length in characters.
    cells: Vec<(&'static str, u32, &'static str, usize)>,
    /// Sheet and how many rows were left out.
    rows: Vec<(&'static str, u64)>,
}

/// How many cut cells the note lists one by one (the count is always given).
const NOTE_CELLS_LISTED: usize = 1_000;

impl Cuts {
    /// Writes a text cell, cut to fit Excel's limit with a visible marker, and remembers the cut.
    fn text(
        &mut self,
        ws: &mut Worksheet,
        sheet: &'static str,
        row: u32,
        col: u16,
        header: &'static str,
        text: &str,
    ) -> Result<(), WriteError> {
        if needs_cut(text) {
            self.cells.push((sheet, row + 1, header, text.chars().count()));
        }
        ws.write_string(row, col, fit_cell(text).as_ref())?;
        Ok(())
    }

    /// Whether `row` can be written; counts it as left out otherwise.
    fn row_fits(&mut self, sheet: &'static str, row: u32) -> bool {
        if row <= LAST_ROW {
            return true;
        }
        match self.rows.last_mut() {
            Some((s, n)) if *s == sheet => *n += 1,
            _ => self.rows.push((sheet, 1)),
        }
        false
    }

    /// The note sheet, in the header language, when anything was cut or left out.
    fn note(&self, book: &mut Workbook, lang: HeaderLang, styles: &Styles) -> Result<(), WriteError> {
        if self.cells.is_empty() && self.rows.is_empty() {
            return Ok(());
        }
        let ja = lang == HeaderLang::Ja;
        let ws = book.add_worksheet_with_constant_memory()?;
        ws.set_name(NOTE_SHEET[usize::from(ja)])?;
        ws.set_column_width(0, 100)?;
        let mut lines: Vec<String> = Vec::new();
        if !self.cells.is_empty() {
            lines.push(if ja {
                format!(
                    "{} 個のセルが Excel の上限（{} 文字）を超えるため切り詰められ、末尾に「…[truncated: 元の文字数 chars]」を付けました。全文は JSONL か CSV で書き出してください。",
                    self.cells.len(),
                    crate::xlsx_limits::CELL_CHARS_MAX
                )
            } else {
                format!(
                    "{} cells were longer than Excel's limit of {} characters and were cut, ending in '…[truncated: <full length> chars]'. Export JSONL or CSV for the full text.",
                    self.cells.len(),
                    crate::xlsx_limits::CELL_CHARS_MAX
                )
            });
            for (sheet, row, header, chars) in self.cells.iter().take(NOTE_CELLS_LISTED) {
                lines.push(if ja {
                    format!("{sheet} {row}行目 {header}: {chars} 文字")
                } else {
                    format!("{sheet} row {row}, {header}: {chars} characters")
                });
            }
        }
        for (sheet, n) in &self.rows {
            lines.push(if ja {
                format!(
                    "{sheet}: Excel の最大行数を超える {n} 行は書き出していません。JSONL か CSV で書き出してください。"
                )
            } else {
                format!(
                    "{sheet}: {n} rows past Excel's last row were not written. Export JSONL or CSV for all of them."
                )
            });
        }
        ws.write_string_with_format(0, 0, if ja { "注記" } else { "Notes" }, &styles.header)?;
        for (i, line) in lines.iter().enumerate() {
            ws.write_string(i as u32 + 1, 0, line)?;
        }
        Ok(())
    }
}

fn sheet_header(ws: &mut Worksheet, specs: &[Spec], lang: HeaderLang, styles: &Styles) -> Result<(), WriteError> {
    for (col, spec) in specs.iter().enumerate() {
        let col = col as u16;
        ws.write_string_with_format(0, col, header_label(spec, lang), &styles.header)?;
        ws.set_column_width(col, spec.width)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.set_row_height(0, 20)?;
    Ok(())
}

/// Writes one record kind's sheet: bold frozen header, widths from the field table, an autofilter.
fn record_sheet<R>(
    book: &mut Workbook,
    kind: RecordKind,
    table: &[Field<R>],
    records: impl Iterator<Item = impl Borrow<R>>,
    lang: HeaderLang,
    styles: &Styles,
    cuts: &mut Cuts,
) -> Result<(), WriteError> {
    let sheet = kind.sheet(lang);
    // Timeline and report submissions get their own sheets in a workbook.
    let fields: Vec<&Field<R>> =
        table.iter().filter(|f| !matches!(f.spec.name, "timeline" | "report_submissions")).collect();
    let specs: Vec<Spec> = fields.iter().map(|f| f.spec).collect();
    let ws = book.add_worksheet_with_constant_memory()?;
    ws.set_name(kind.sheet(lang))?;
    sheet_header(ws, &specs, lang, styles)?;
    let mut buf = String::new();
    let mut row: u32 = 0;
    for rec in records {
        if !cuts.row_fits(sheet, row + 1) {
            continue;
        }
        row += 1;
        for (col, f) in fields.iter().enumerate() {
            let col = col as u16;
            match (f.get)(rec.borrow()) {
                Cell::Empty => {}
                Cell::Scalar(RawScalar::Int(i)) if i.abs() <= EXACT_F64_INT => {
                    ws.write_number_with_format(row, col, *i as f64, &styles.count)?;
                }
                Cell::Scalar(RawScalar::Bool(b)) => {
                    ws.write_boolean(row, col, *b)?;
                }
                cell => {
                    let text = cell_text(&cell, &mut buf)?;
                    cuts.text(ws, sheet, row, col, header_label(&f.spec, lang), text)?;
                }
            }
        }
    }
    if !specs.is_empty() {
        ws.autofilter(0, 0, row, (specs.len() - 1) as u16)?;
    }
    Ok(())
}

fn workbook(
    institutions: &[Institution],
    systems: &[System],
    incidents: &[Incident],
    lang: HeaderLang,
) -> Result<Vec<u8>, WriteError> {
    let mut book = Workbook::new();
    // Most of a big workbook's save time is deflate; level 1 is several times faster for a file
    // about a fifth larger, which suits exports of whole registers.
    book.set_zip_compression_level(1);
    let styles = Styles {
        header: XFormat::new()
            .set_bold()
            .set_background_color(Color::RGB(0xDDEBF7))
            .set_border_bottom(FormatBorder::Thin),
        count: XFormat::new().set_num_format("#,##0"),
    };
    // Stored data is written whatever its size: too-long cells are cut with a marker, rows past
    // Excel's last are left out, and a note sheet says which (data from before the register's
    // limits, or a register larger than one sheet).
    let mut cuts = Cuts::default();
    if !institutions.is_empty() {
        let recs = institutions.iter().map(InstitutionRecord::from);
        record_sheet(&mut book, RecordKind::Institution, INSTITUTION_FIELDS, recs, lang, &styles, &mut cuts)?;
    }
    if !systems.is_empty() {
        let recs = systems.iter().map(SystemRecord::from);
        record_sheet(&mut book, RecordKind::System, SYSTEM_FIELDS, recs, lang, &styles, &mut cuts)?;
    }
    // Records are converted once and kept for the timeline and submission sheets.
    let records: Vec<IncidentRecord> = incidents.iter().map(IncidentRecord::from).collect();
    record_sheet(&mut book, RecordKind::Incident, INCIDENT_FIELDS, records.iter(), lang, &styles, &mut cuts)?;

    let sheet = RecordKind::Timeline.sheet(lang);
    let ws = book.add_worksheet_with_constant_memory()?;
    ws.set_name(sheet)?;
    sheet_header(ws, TIMELINE_SHEET, lang, &styles)?;
    let text_header = header_label(&TIMELINE_SHEET[2], lang);
    let mut row = 0u32;
    for r in &records {
        for t in &r.timeline {
            if !cuts.row_fits(sheet, row + 1) {
                continue;
            }
            row += 1;
            ws.write_string(row, 0, &r.reference)?;
            ws.write_string(row, 1, &t.at)?;
            cuts.text(ws, sheet, row, 2, text_header, &t.text)?;
        }
    }
    ws.autofilter(0, 0, row, 2)?;

    let sheet = RecordKind::ReportSubmission.sheet(lang);
    let ws = book.add_worksheet_with_constant_memory()?;
    ws.set_name(sheet)?;
    sheet_header(ws, SUBMISSION_SHEET, lang, &styles)?;
    let mut row = 0u32;
    for r in &records {
        for s in &r.report_submissions {
            if !cuts.row_fits(sheet, row + 1) {
                continue;
            }
            row += 1;
            ws.write_string(row, 0, &r.reference)?;
            ws.write_string(row, 1, &s.stage)?;
            ws.write_string(row, 2, &s.submitted_at)?;
        }
    }
    ws.autofilter(0, 0, row, 2)?;
    cuts.note(&mut book, lang, &styles)?;

    Ok(book.save_to_buffer()?)
}
