//! Register files in and out: JSONL, JSON, CSV and XLSX.
//!
//! Reading validates every record through the domain's raw records (`IncidentRecord::validate`
//! and friends) and reports every problem of every row with its location and field, in Japanese
//! and English; a file with any problem is refused as a whole. Writing goes through the same raw
//! records, so timestamps are RFC 3339 in JST and codes are the domain's stable codes. The layouts
//! are documented in `docs/formats.md`.

mod error;
mod fields;
mod location;
mod read;
mod report_xlsx;
mod table;
mod write;
pub mod xlsx_limits;

pub use error::{Expected, Found, Issue, ReadError, RowProblem, WriteError};
pub use fields::RecordKind;
pub use location::{Located, Location, Position};
pub use read::{read_bytes, read_bytes_as, read_file};
pub use report_xlsx::report_xlsx;
pub use table::{Table, TableFormat, table_bytes};
pub use write::{write_dataset, write_file, write_file_with, write_incidents, write_incidents_with, xlsx_bytes};

use opres_domain::{DataSet, Incident, Institution, System};
use std::path::Path;

/// A file format, chosen by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// JSON Lines: one record per line (`.jsonl`).
    Jsonl,
    /// One JSON document (`.json`).
    Json,
    /// Comma-separated values, one record kind per file (`.csv`).
    Csv,
    /// An Excel workbook, a sheet per record kind (`.xlsx`).
    Xlsx,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 4] = [Format::Jsonl, Format::Json, Format::Csv, Format::Xlsx];

    /// The format a path's extension names (case-insensitive), if any.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?;
        Format::parse(ext)
    }

    /// Parses `jsonl`, `json`, `csv` or `xlsx` (case-insensitive, leading dot allowed).
    pub fn parse(s: &str) -> Option<Format> {
        let s = s.trim().trim_start_matches('.');
        Format::ALL.into_iter().find(|f| f.extension().eq_ignore_ascii_case(s))
    }

    /// The extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    /// The media type, for downloads.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Jsonl => "application/jsonl",
            Format::Json => "application/json",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::parse(s).ok_or_else(|| format!("unknown format '{s}' (use jsonl, json, csv or xlsx)"))
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.extension())
    }
}

/// The language of CSV headers and XLSX sheet names and headers when writing. Reading accepts both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HeaderLang {
    /// English snake_case field names (`occurred_at`): stable for scripts.
    #[default]
    En,
    /// Japanese labels (発生日時): for people opening the file in Excel.
    Ja,
}

impl From<opres_domain::Lang> for HeaderLang {
    fn from(l: opres_domain::Lang) -> Self {
        match l {
            opres_domain::Lang::Ja => HeaderLang::Ja,
            opres_domain::Lang::En => HeaderLang::En,
        }
    }
}

/// The validated contents of a file, each value with where it was read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedFile {
    /// Institutions, in file order.
    pub institutions: Vec<Located<Institution>>,
    /// Systems, in file order.
    pub systems: Vec<Located<System>>,
    /// Incidents, in file order.
    pub incidents: Vec<Located<Incident>>,
}

impl ParsedFile {
    /// The values without their locations.
    pub fn into_dataset(self) -> DataSet {
        DataSet {
            institutions: self.institutions.into_iter().map(|l| l.value).collect(),
            systems: self.systems.into_iter().map(|l| l.value).collect(),
            incidents: self.incidents.into_iter().map(|l| l.value).collect(),
        }
    }

    /// Number of records of all kinds.
    pub fn len(&self) -> usize {
        self.institutions.len() + self.systems.len() + self.incidents.len()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends another file's records (e.g. the sibling CSV files of one export).
    pub fn extend(&mut self, other: ParsedFile) {
        self.institutions.extend(other.institutions);
        self.systems.extend(other.systems);
        self.incidents.extend(other.incidents);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn formats_come_from_extensions() {
        assert_eq!(Format::from_path(Path::new("a/b/incidents.JSONL")), Some(Format::Jsonl));
        assert_eq!(Format::from_path(Path::new("x.xlsx")), Some(Format::Xlsx));
        assert_eq!(Format::from_path(Path::new("x.xls")), None);
        assert_eq!(Format::from_path(Path::new("noext")), None);
        assert_eq!(".csv".parse::<Format>(), Ok(Format::Csv));
    }
}
