//! Where in a file a record came from, named the way the user sees the file.

use opres_domain::Lang;
use std::fmt;
use std::sync::Arc;

/// A position inside a file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Position {
    /// The file as a whole (a problem with its structure, not with one record).
    File,
    /// A line of a JSONL or CSV file, counting from 1 (the CSV header is line 1). A CSV record whose
    /// quoted cell spans lines is named by the line it starts on.
    Line(u64),
    /// An element of an array in a JSON document: the section (`incidents`, …), the index
    /// counting from 0 as in JSON, and the line it starts on, counting from 1.
    Element {
        /// `institutions`, `systems` or `incidents`.
        section: &'static str,
        /// Index in the array, from 0.
        index: usize,
        /// Line the element starts on, from 1.
        line: u64,
    },
    /// A row of an XLSX sheet, counting from 1 as Excel shows it (the header is usually row 1).
    Row {
        /// The sheet's name as written in the workbook.
        sheet: String,
        /// Row number as Excel shows it.
        row: u32,
    },
}

/// A file name and a position in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    /// The file name as the user gave it (without directories), shared by every location in the file.
    pub file: Arc<str>,
    /// Where in the file.
    pub position: Position,
}

impl Location {
    /// A location in `file`.
    pub fn new(file: Arc<str>, position: Position) -> Location {
        Location { file, position }
    }

    /// The file as a whole.
    pub fn file(file: Arc<str>) -> Location {
        Location { file, position: Position::File }
    }

    /// `incidents.csv line 14` / `incidents.csv 14行目`.
    pub fn describe(&self, lang: Lang) -> String {
        let f = &self.file;
        match (&self.position, lang) {
            (Position::File, _) => f.to_string(),
            (Position::Line(n), Lang::En) => format!("{f} line {n}"),
            (Position::Line(n), Lang::Ja) => format!("{f} {n}行目"),
            (Position::Element { section, index, line }, Lang::En) => format!("{f} {section}[{index}] (line {line})"),
            (Position::Element { section, index, line }, Lang::Ja) => format!("{f} {section}[{index}]（{line}行目）"),
            (Position::Row { sheet, row }, Lang::En) => format!("{f} sheet '{sheet}' row {row}"),
            (Position::Row { sheet, row }, Lang::Ja) => format!("{f} シート「{sheet}」{row}行目"),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(Lang::En))
    }
}

/// A value read from a file, with where it came from, so that a later check (e.g. that a
/// referenced institution exists in the register) can name the row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    /// Where the record was read.
    pub location: Location,
    /// The validated value.
    pub value: T,
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn locations_read_naturally_in_both_languages() {
        let f: Arc<str> = Arc::from("incidents.csv");
        let l = Location::new(f.clone(), Position::Line(14));
        assert_eq!(l.describe(Lang::En), "incidents.csv line 14");
        assert_eq!(l.describe(Lang::Ja), "incidents.csv 14行目");
        let l = Location::new(f.clone(), Position::Row { sheet: "障害".into(), row: 3 });
        assert_eq!(l.describe(Lang::Ja), "incidents.csv シート「障害」3行目");
        assert_eq!(l.describe(Lang::En), "incidents.csv sheet '障害' row 3");
        let l = Location::new(f, Position::Element { section: "incidents", index: 2, line: 9 });
        assert_eq!(l.describe(Lang::En), "incidents.csv incidents[2] (line 9)");
    }
}
