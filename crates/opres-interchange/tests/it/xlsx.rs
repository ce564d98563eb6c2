//! XLSX specifics: Excel's cell types, sheets named in either language, rows named by sheet and
//! row, and a workbook that opens well in Excel.

use opres_domain::{DataSet, Lang};
use opres_interchange::{HeaderLang, Position, read_bytes, xlsx_bytes};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use std::io::Read;

fn headers(ws: &mut rust_xlsxwriter::Worksheet, names: &[&str]) {
    for (c, h) in names.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
}

/// A workbook as a person would make it: Japanese sheet names and headers, numbers typed as numbers.
fn handmade(date_cell: bool, timeline_bad: bool) -> Vec<u8> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet().set_name("障害").unwrap();
    headers(
        ws,
        &["管理番号", "金融機関コード", "件名（日本語）", "発生日時", "認識日時", "影響顧客数", "公表", "障害傾向"],
    );
    for (r, reference) in [(1u32, "INC-1"), (2, "INC-2")] {
        ws.write_string(r, 0, reference).unwrap();
        ws.write_string(r, 1, "BANK-A").unwrap();
        ws.write_string(r, 2, "ATM停止").unwrap();
        ws.write_string(r, 3, "2024-05-01T09:00:00+09:00").unwrap();
        ws.write_string(r, 4, "2024-05-01T09:05:00+09:00").unwrap();
        ws.write_number(r, 5, 1200.0).unwrap();
        ws.write_boolean(r, 6, true).unwrap();
        ws.write_string(r, 7, "operations.redundancy").unwrap();
    }
    if date_cell {
        let fmt = Format::new().set_num_format("yyyy-mm-dd hh:mm");
        let dt = ExcelDateTime::parse_from_str("2024-05-01 09:00").unwrap();
        ws.write_datetime_with_format(2, 3, &dt, &fmt).unwrap();
    }
    let ws = book.add_worksheet().set_name("時系列").unwrap();
    headers(ws, &["管理番号", "日時", "内容"]);
    ws.write_string(1, 0, "INC-1").unwrap();
    ws.write_string(1, 1, "2024-05-01T09:10:00+09:00").unwrap();
    ws.write_string(1, 2, "第一報").unwrap();
    if timeline_bad {
        ws.write_string(2, 0, "INC-1").unwrap();
        ws.write_string(2, 1, "2024-05-01 09:20").unwrap();
        ws.write_string(2, 2, "復旧").unwrap();
        ws.write_string(3, 0, "INC-404").unwrap();
        ws.write_string(3, 1, "2024-05-01T09:20:00+09:00").unwrap();
        ws.write_string(3, 2, "?").unwrap();
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn handmade_workbook_with_japanese_names_and_numeric_cells_is_read() {
    let parsed = read_bytes("register.xlsx", &handmade(false, false)).unwrap();
    assert_eq!(parsed.incidents.len(), 2);
    let i = &parsed.incidents[0];
    assert_eq!(i.value.customers_affected, Some(1200));
    assert!(i.value.publicly_announced);
    assert_eq!(i.value.timeline.len(), 1);
    assert_eq!(i.location.position, Position::Row { sheet: "障害".into(), row: 2 });
}

#[test]
fn excel_date_cells_are_refused_with_advice() {
    let e = read_bytes("register.xlsx", &handmade(true, false)).unwrap_err();
    assert_eq!(e.problems().len(), 1);
    let p = &e.problems()[0];
    assert_eq!(p.location.position, Position::Row { sheet: "障害".into(), row: 3 });
    assert_eq!(p.field.as_deref(), Some("occurred_at"));
    assert_eq!(p.issue.kind(), "excel_date");
    assert!(p.message(Lang::En).contains(
        "'2024-05-01 09:00:00' is an Excel date cell, which has no time zone; write the time as text with an offset"
    ));
    assert!(p.message(Lang::Ja).starts_with(
        "register.xlsx シート「障害」3行目 発生日時（occurred_at）: 「2024-05-01 09:00:00」は Excel の日付セル"
    ));
}

#[test]
fn timeline_rows_are_named_by_their_own_sheet_row() {
    let e = read_bytes("register.xlsx", &handmade(false, true)).unwrap_err();
    let got: Vec<_> =
        e.problems().iter().map(|p| (p.location.position.clone(), p.field.clone(), p.issue.kind())).collect();
    assert_eq!(
        got,
        [
            (Position::Row { sheet: "時系列".into(), row: 3 }, Some("at".into()), "timestamp_without_offset"),
            (Position::Row { sheet: "時系列".into(), row: 4 }, Some("reference".into()), "unknown_incident"),
        ]
    );
    assert!(e.problems()[0].message(Lang::Ja).contains("シート「時系列」3行目 日時（at）"));
}

#[test]
fn unknown_sheets_are_refused_not_skipped() {
    let mut book = Workbook::new();
    book.add_worksheet().set_name("incidents").unwrap();
    book.add_worksheet().set_name("Incidents 2024").unwrap();
    let e = read_bytes("x.xlsx", &book.save_to_buffer().unwrap()).unwrap_err();
    assert_eq!(e.problems().len(), 1);
    assert_eq!(e.problems()[0].issue.kind(), "unknown_sheet");
    assert!(e.problems()[0].message(Lang::En).contains("sheet 'Incidents 2024' is not one of"));

    let e = read_bytes("x.xlsx", b"not a zip").unwrap_err();
    assert_eq!(e.problems()[0].issue.kind(), "unreadable");
}

fn zip_entry(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn written_workbook_has_a_frozen_bold_header_widths_and_a_sheet_per_kind() {
    let data = DataSet::default();
    let bytes = xlsx_bytes(&data, HeaderLang::Ja).unwrap();
    let wb = zip_entry(&bytes, "xl/workbook.xml");
    for sheet in ["障害", "時系列", "報告提出"] {
        assert!(wb.contains(&format!("name=\"{sheet}\"")), "{wb}");
    }
    let sheet = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("ySplit=\"1\"") && sheet.contains("state=\"frozen\""), "{sheet}");
    assert!(sheet.contains("<col ") && sheet.contains("customWidth=\"1\""), "{sheet}");
    assert!(sheet.contains("<autoFilter"), "{sheet}");
    assert!(zip_entry(&bytes, "xl/styles.xml").contains("<b/>"));
    // Headers in Japanese (written inline: the sheets stream in constant memory).
    assert!(sheet.contains("発生日時"), "{sheet}");
}
