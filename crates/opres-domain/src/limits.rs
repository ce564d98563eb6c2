//! The register's size limits for what comes in, in one place (documented in `docs/formats.md`).
//!
//! Every text field and every list of an institution, system or incident has a maximum, checked by
//! `validate` so that every way in (API, forms, CSV/JSON/JSONL/XLSX imports) refuses the same
//! values with the same message. The text maxima stay below Excel's 32,767-character cell limit, so
//! a validated register always exports to XLSX cell for cell; and the list maxima keep one
//! incident's page and its export rows in proportion to what a report can hold.

use crate::validation::{Problem, ValidationErrors};

/// Names: institution names, a system's name and owner, the vendor (characters).
pub const NAME_MAX: usize = 200;
/// An incident's title, in each language (characters).
pub const TITLE_MAX: usize = 500;
/// Long texts: descriptions, root cause, interim and recurrence-prevention measures, customer
/// handling (characters, in each field).
pub const TEXT_MAX: usize = 20_000;
/// Short notes: the good-practice note and one timeline entry's text (characters).
pub const NOTE_MAX: usize = 2_000;
/// Entries of one incident's timeline.
pub const TIMELINE_MAX: usize = 200;
/// Report submissions of one incident: status reports are due every few months while an incident
/// is open, and generated registers already hold incidents open for years with 50 and more.
pub const REPORT_SUBMISSIONS_MAX: usize = 500;
/// Systems one incident names as affected.
pub const AFFECTED_SYSTEMS_MAX: usize = 200;
/// Codes in a code list (channels, secondary trends) as written, duplicates included.
pub const CODE_LIST_MAX: usize = 50;

/// Whether a character may appear in stored text: no control characters but tab, line feed and
/// carriage return (text pasted from Windows keeps CR LF line breaks). PostgreSQL refuses NUL in
/// text outright, and the other control characters are invisible on screen and break XML (XLSX).
pub fn allowed_char(c: char) -> bool {
    !c.is_control() || matches!(c, '\t' | '\n' | '\r')
}

/// The first character of `value` that may not be stored, as a problem naming it and its place.
pub fn control_character(value: &str) -> Option<Problem> {
    value
        .chars()
        .enumerate()
        .find(|(_, c)| !allowed_char(*c))
        .map(|(i, c)| Problem::ControlCharacter { code_point: c as u32, position: i + 1 })
}

/// Checks one text field: at most `max` characters and no control character (one problem at most,
/// the length first: a 2,000,000-character value is not worth scanning for NUL).
pub fn check_text(errs: &mut ValidationErrors, field: impl Into<String>, value: &str, max: usize) {
    // Byte length bounds the character count from above: the common case needs no count.
    if value.len() > max && value.chars().count() > max {
        errs.push(field, Problem::TooLong { max });
    } else if let Some(p) = control_character(value) {
        errs.push(field, p);
    }
}

/// Checks an optional text field (see [`check_text`]).
pub fn check_opt_text(errs: &mut ValidationErrors, field: impl Into<String>, value: &Option<String>, max: usize) {
    if let Some(v) = value {
        check_text(errs, field, v, max);
    }
}

/// Checks a list's length; false (and a problem on `field`) when it is too long, so that its
/// entries are not validated one by one (a 2,000,000-entry list would give as many problems).
pub fn check_count(errs: &mut ValidationErrors, field: &str, len: usize, max: usize) -> bool {
    if len > max {
        errs.push(field, Problem::TooMany { max });
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_maxima_fit_in_an_excel_cell() {
        for max in [NAME_MAX, TITLE_MAX, TEXT_MAX, NOTE_MAX] {
            assert!(max <= 32_767, "{max}");
        }
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let mut e = ValidationErrors::default();
        check_text(&mut e, "name", &"銀".repeat(NAME_MAX), NAME_MAX);
        assert!(e.is_empty(), "{e}");
        check_text(&mut e, "name", &"銀".repeat(NAME_MAX + 1), NAME_MAX);
        assert_eq!(e.0[0].problem, Problem::TooLong { max: NAME_MAX });
    }

    #[test]
    fn tab_and_line_breaks_pass_other_control_characters_do_not() {
        assert_eq!(control_character("a\tb\r\nc"), None);
        assert_eq!(control_character("ab\0"), Some(Problem::ControlCharacter { code_point: 0, position: 3 }));
        assert!(control_character("\u{1b}[31m").is_some());
        assert!(control_character("\u{85}").is_some());
        assert_eq!(control_character("全角　スペース"), None);
    }
}
