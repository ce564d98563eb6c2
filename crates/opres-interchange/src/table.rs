//! Export of any list a page shows (reports due, search hits, …) as CSV or XLSX, so a user can
//! take exactly what they see to Excel.

use crate::error::WriteError;
use crate::write::csv_err;
use crate::xlsx_limits::fit_cell;
use rust_xlsxwriter::{Format as XFormat, Workbook};

/// A titled table of text cells: what a list page shows, column by column.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    /// The XLSX sheet name (Excel allows at most 31 characters; longer names are cut).
    pub sheet: String,
    /// Column headings, in the reader's language.
    pub headers: Vec<String>,
    /// Rows, each as long as `headers`.
    pub rows: Vec<Vec<String>>,
}

/// How a table is downloaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// UTF-8 CSV with a byte-order mark, so Excel reads Japanese correctly when the file is opened.
    Csv,
    /// An Excel workbook with one sheet, the heading row bold and frozen.
    Xlsx,
}

impl TableFormat {
    /// From a download's file extension (`csv`, `xlsx`).
    pub fn from_extension(ext: &str) -> Option<TableFormat> {
        match ext.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(TableFormat::Csv),
            "xlsx" => Some(TableFormat::Xlsx),
            _ => None,
        }
    }

    /// The media type of the download.
    pub fn mime(self) -> &'static str {
        match self {
            TableFormat::Csv => "text/csv; charset=utf-8",
            TableFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            TableFormat::Csv => "csv",
            TableFormat::Xlsx => "xlsx",
        }
    }
}

/// The table as a file in memory.
pub fn table_bytes(format: TableFormat, table: &Table) -> Result<Vec<u8>, WriteError> {
    match format {
        TableFormat::Csv => {
            let mut out = "\u{feff}".as_bytes().to_vec();
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(&table.headers).map_err(csv_err)?;
            for row in &table.rows {
                w.write_record(row).map_err(csv_err)?;
            }
            w.flush().map_err(|e| WriteError::io("-", e))?;
            drop(w);
            Ok(out)
        }
        TableFormat::Xlsx => {
            let mut book = Workbook::new();
            let sheet = book.add_worksheet();
            let name: String = table.sheet.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
            if !name.is_empty() {
                sheet.set_name(name)?;
            }
            let bold = XFormat::new().set_bold();
            for (c, h) in table.headers.iter().enumerate() {
                sheet.write_string_with_format(0, col(c), h.as_str(), &bold)?;
            }
            for (r, row) in table.rows.iter().enumerate() {
                let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
                for (c, v) in row.iter().enumerate() {
                    sheet.write_string(r, col(c), fit_cell(v).as_ref())?;
                }
            }
            sheet.set_freeze_panes(1, 0)?;
            sheet.autofit();
            Ok(book.save_to_buffer()?)
        }
    }
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            sheet: "提出期限".into(),
            headers: vec!["事案".into(), "期限".into()],
            rows: vec![vec!["RB-1, \"x\"".into(), "2026-12-03T10:00:00+09:00".into()]],
        }
    }

    #[test]
    fn csv_starts_with_a_bom_and_quotes_cells() {
        let b = table_bytes(TableFormat::Csv, &table()).unwrap();
        let s = String::from_utf8(b).unwrap();
        assert_eq!(s, "\u{feff}事案,期限\n\"RB-1, \"\"x\"\"\",2026-12-03T10:00:00+09:00\n");
    }

    #[test]
    fn xlsx_opens_with_the_same_cells() {
        use calamine::{Reader, Xlsx};
        let b = table_bytes(TableFormat::Xlsx, &table()).unwrap();
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(b)).unwrap();
        let range = book.worksheet_range("提出期限").unwrap();
        assert_eq!(range.get_value((0, 0)).unwrap().to_string(), "事案");
        assert_eq!(range.get_value((1, 0)).unwrap().to_string(), "RB-1, \"x\"");
        assert_eq!(TableFormat::from_extension("XLSX"), Some(TableFormat::Xlsx));
    }
}
