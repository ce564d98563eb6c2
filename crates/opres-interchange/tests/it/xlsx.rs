//! XLSX specifics.
