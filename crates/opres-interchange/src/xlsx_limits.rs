//! Bounds on every XLSX the register reads or writes, in one place (documented in `docs/formats.md`).
//!
//! An XLSX is a zip of XML parts: a 1 MB file can unpack to gigabytes (a "decompression bomb"), and
//! calamine holds the shared-strings part and each sheet's cells in memory. So before calamine
//! sees a workbook, [`check_unpacked`] checks the zip entries' declared sizes and then unpacks every
//! entry once into nothing, counting the bytes that really come out (declared sizes can lie), and
//! stops at the limit; then [`sheet_range`] reads a sheet's cells one by one and stops when the
//! sheet's cells or the rectangle they span pass the cell budget (calamine's own `worksheet_range`
//! allocates the whole rectangle, so two cells at A1 and XFD1048576 would ask for 17 billion).
//!
//! Writing: Excel holds at most [`CELL_CHARS_MAX`] characters in a cell; [`fit_cell`] cuts longer
//! text and ends it with a marker saying how long it was, so that an export never fails on data
//! stored before the register's limits existed.

use calamine::{Cell, Data, DataRef, Range, Xlsx, XlsxError};
use opres_domain::Lang;
use std::borrow::Cow;
use std::io::{Read, Seek, SeekFrom};

/// Most bytes the parts of one workbook may unpack to, all together (512 MiB).
pub const UNPACKED_MAX: u64 = 512 * 1024 * 1024;
/// Most parts (zip entries) in one workbook.
pub const ENTRIES_MAX: usize = 10_000;
/// Most cells one workbook's sheets may span, all sheets together (rows × columns of each
/// sheet's used rectangle): 8,000,000 is about 100,000 incidents with their timelines.
pub const CELLS_MAX: u64 = 8_000_000;
/// Excel's limit on the length of a cell's text, in UTF-16 code units (what Excel counts).
pub const CELL_CHARS_MAX: usize = 32_767;

/// A workbook refused for its size, before it was unpacked or read into memory.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XlsxLimit {
    /// Its parts unpack (or say they unpack) to more than `max` bytes.
    #[error("the workbook unpacks to more than {max} bytes")]
    Unpacked {
        /// The limit, in bytes.
        max: u64,
    },
    /// A part does not unpack to what it declares (more, or not at all): damaged or crafted to
    /// pass the declared-size check; the limit is still named so the reader knows what applies.
    #[error("a part of the workbook does not unpack to its declared size (limit {max} bytes)")]
    Undeclared {
        /// The limit, in bytes.
        max: u64,
    },
    /// More than `max` parts.
    #[error("the workbook has more than {max} parts")]
    Entries {
        /// The limit.
        max: usize,
    },
    /// A sheet's cells (or the rectangle they span) pass what is left of the workbook's budget.
    #[error("sheet '{sheet}' takes the workbook past {max} cells")]
    Cells {
        /// The sheet where the budget ran out.
        sheet: String,
        /// The workbook's limit.
        max: u64,
    },
}

impl XlsxLimit {
    /// The reason, naming the limit, in the given language.
    pub fn message(&self, lang: Lang) -> String {
        let mib = |b: u64| b / (1024 * 1024);
        match (self, lang) {
            (XlsxLimit::Unpacked { max }, Lang::Ja) => format!(
                "展開後のサイズが上限の {} MB を超えるため読み込めません。ファイルを分割するか JSONL で取り込んでください",
                mib(*max)
            ),
            (XlsxLimit::Unpacked { max }, Lang::En) => format!(
                "unpacks to more than the limit of {} MB, so it is not read; split the file or import JSONL",
                mib(*max)
            ),
            (XlsxLimit::Undeclared { max }, Lang::Ja) => format!(
                "ブック内のパーツが宣言されたサイズどおりに展開できないため読み込めません（破損または細工されたファイル。展開後のサイズの上限は {} MB）",
                mib(*max)
            ),
            (XlsxLimit::Undeclared { max }, Lang::En) => format!(
                "a part does not unpack to the size it declares (a damaged or crafted file), so it is not read; the limit on the unpacked size is {} MB",
                mib(*max)
            ),
            (XlsxLimit::Entries { max }, Lang::Ja) => {
                format!("ブック内のパーツ数が上限の {max} を超えるため読み込めません")
            }
            (XlsxLimit::Entries { max }, Lang::En) => {
                format!("holds more than the limit of {max} parts, so it is not read")
            }
            (XlsxLimit::Cells { sheet, max }, Lang::Ja) => format!(
                "シート「{sheet}」でセル数（使用範囲の行数×列数、全シートの合計）が上限の {max} を超えるため読み込めません。ファイルを分割してください"
            ),
            (XlsxLimit::Cells { sheet, max }, Lang::En) => format!(
                "sheet '{sheet}' takes the workbook past the limit of {max} cells (rows × columns of each sheet's used range, all sheets together), so it is not read; split the file"
            ),
        }
    }
}

/// Why a workbook was not read: too big, or damaged (the library's own words).
#[derive(Debug)]
pub enum Refused {
    /// Past a limit.
    Limit(XlsxLimit),
    /// Not a readable workbook.
    Damaged(String),
}

impl From<XlsxError> for Refused {
    fn from(e: XlsxError) -> Self {
        Refused::Damaged(e.to_string())
    }
}

/// Checks that a workbook unpacks to at most [`UNPACKED_MAX`] bytes in at most [`ENTRIES_MAX`]
/// parts, without holding any part in memory, and rewinds `input` for the reader. A file that is
/// not a zip at all is left for the reader to refuse in its own words.
pub fn check_unpacked<R: Read + Seek>(input: &mut R) -> Result<(), Refused> {
    check_unpacked_with(input, UNPACKED_MAX)?;
    input.seek(SeekFrom::Start(0)).map_err(|e| Refused::Damaged(e.to_string()))?;
    Ok(())
}

fn check_unpacked_with<R: Read + Seek>(input: &mut R, max: u64) -> Result<(), Refused> {
    let Ok(mut zip) = zip::ZipArchive::new(&mut *input) else { return Ok(()) };
    if zip.len() > ENTRIES_MAX {
        return Err(Refused::Limit(XlsxLimit::Entries { max: ENTRIES_MAX }));
    }
    // The declared sizes first: a cheap refusal of an honest bomb.
    let mut declared: u64 = 0;
    for i in 0..zip.len() {
        let size = zip.by_index_raw(i).map_err(|e| Refused::Damaged(e.to_string()))?.size();
        declared = declared.saturating_add(size);
        if declared > max {
            return Err(Refused::Limit(XlsxLimit::Unpacked { max }));
        }
    }
    // Then what really comes out, through a fixed buffer, stopping one byte past the budget.
    let mut left = max;
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|e| Refused::Damaged(e.to_string()))?;
        let mut bounded = entry.take(left + 1);
        // The zip reader fails an entry that unpacks past its declared size: a lie, named as such.
        let n = std::io::copy(&mut bounded, &mut std::io::sink())
            .map_err(|_| Refused::Limit(XlsxLimit::Undeclared { max }))?;
        if n > left {
            return Err(Refused::Limit(XlsxLimit::Unpacked { max }));
        }
        left -= n;
    }
    Ok(())
}

/// A sheet's cells as calamine's dense [`Range`] (empty cells skipped, as `worksheet_range` does),
/// refused when its cells or the rectangle they span take more than `budget`, which is reduced by
/// the sheet's rectangle; start with [`CELLS_MAX`] for the workbook.
pub fn sheet_range<RS: Read + Seek>(book: &mut Xlsx<RS>, name: &str, budget: &mut u64) -> Result<Range<Data>, Refused> {
    let over = || Refused::Limit(XlsxLimit::Cells { sheet: name.to_string(), max: CELLS_MAX });
    let mut reader = match book.worksheet_cells_reader(name) {
        Ok(r) => r,
        Err(XlsxError::NotAWorksheet(_)) => return Ok(Range::default()),
        Err(e) => return Err(e.into()),
    };
    let mut cells: Vec<Cell<Data>> = Vec::new();
    let (mut r0, mut r1, mut c0, mut c1) = (u32::MAX, 0u32, u32::MAX, 0u32);
    while let Some(cell) = reader.next_cell()? {
        if matches!(cell.get_value(), DataRef::Empty) {
            continue;
        }
        let (r, c) = cell.get_position();
        (r0, r1, c0, c1) = (r0.min(r), r1.max(r), c0.min(c), c1.max(c));
        let area = (u64::from(r1 - r0) + 1) * (u64::from(c1 - c0) + 1);
        if area > *budget {
            return Err(over());
        }
        cells.push(Cell::new((r, c), Data::from(cell.get_value().clone())));
    }
    if !cells.is_empty() {
        *budget -= (u64::from(r1 - r0) + 1) * (u64::from(c1 - c0) + 1);
    }
    Ok(Range::from_sparse(cells))
}

/// The length Excel counts: UTF-16 code units.
fn excel_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// A cell as the text a person typed, for readers that take every column as text (maps,
/// checklists): whole numbers without a decimal point (Excel stores `3` as `3.0`), dates as ISO.
pub fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(v) => v.to_string(),
        Data::Float(v) if v.fract() == 0.0 && v.abs() < 1e15 => format!("{}", *v as i64),
        Data::Float(v) => v.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Text that fits in one Excel cell: unchanged when it does, otherwise cut and ended with
/// `…[truncated: N chars]` (N: the full length in characters), so the cut is visible.
pub fn fit_cell(text: &str) -> Cow<'_, str> {
    // UTF-8 is never shorter than UTF-16 in code units, so short byte lengths need no count.
    if text.len() <= CELL_CHARS_MAX || excel_len(text) <= CELL_CHARS_MAX {
        return Cow::Borrowed(text);
    }
    let marker = format!("…[truncated: {} chars]", text.chars().count());
    let room = CELL_CHARS_MAX - excel_len(&marker);
    let mut used = 0;
    let mut out = String::with_capacity(CELL_CHARS_MAX * 3);
    for c in text.chars() {
        used += c.len_utf16();
        if used > room {
            break;
        }
        out.push(c);
    }
    out.push_str(&marker);
    Cow::Owned(out)
}

/// Whether a text was cut by [`fit_cell`].
pub fn needs_cut(text: &str) -> bool {
    text.len() > CELL_CHARS_MAX && excel_len(text) > CELL_CHARS_MAX
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    #[test]
    fn short_text_is_kept_long_text_is_cut_with_a_marker() {
        assert!(matches!(fit_cell("短い"), Cow::Borrowed("短い")));
        let long = "あ".repeat(40_000);
        let cut = fit_cell(&long);
        assert_eq!(excel_len(&cut), CELL_CHARS_MAX);
        assert!(cut.ends_with("…[truncated: 40000 chars]"), "{}", &cut[cut.len() - 40..]);
        // Characters outside the BMP count twice, as in Excel.
        let emoji = "😀".repeat(20_000);
        assert!(excel_len(&fit_cell(&emoji)) <= CELL_CHARS_MAX);
        assert!(needs_cut(&emoji) && !needs_cut(&"a".repeat(CELL_CHARS_MAX)));
    }

    fn zip_of(name: &str, data: &[u8]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        w.start_file(name, opts).unwrap();
        w.write_all(data).unwrap();
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn the_real_unpacked_size_is_bounded() {
        let bytes = zip_of("xl/sharedStrings.xml", &vec![b'a'; 10_000]);
        assert!(check_unpacked_with(&mut Cursor::new(&bytes), 10_000).is_ok());
        assert!(matches!(
            check_unpacked_with(&mut Cursor::new(&bytes), 9_999),
            Err(Refused::Limit(XlsxLimit::Unpacked { max: 9_999 }))
        ));
    }
}
