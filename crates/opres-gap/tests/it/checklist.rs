//! A bank's own checklist as CSV (Japanese headers, BOM, CRLF, multi-line cells) and XLSX.

use opres_domain::{Bilingual, Lang};
use opres_gap::Level;
use opres_gap::checklist::{import_checklist_csv, import_checklist_xlsx};

fn name() -> Bilingual {
    Bilingual::both("当行チェックリスト", "Our checklist")
}

/// Japanese headings, a BOM, CRLF line ends, a quoted cell over two lines and a blank line,
/// so row numbers must count as a spreadsheet shows them.
const GOOD_JA: &str = "\u{feff}参照番号,親参照番号,見出し（日本語）,見出し（英語）,説明(日本語),説明(英語),水準,備考\r\n\
1,,ガバナンス,Governance,,,,\r\n\
1.1,1,取締役会の関与,Board involvement,\"取締役会が\r\n耐性度を承認する\",,基本的な対応事項,メモ\r\n\
\r\n\
1.2,1,報告文化,,,,desirable,\r\n\
2,,参考情報,Reference,,,参考,\r\n";

#[test]
fn a_japanese_csv_with_bom_and_crlf_imports() {
    let f = import_checklist_csv("ours.csv", "bank.checklist", &name(), GOOD_JA.as_bytes()).unwrap();
    assert_eq!(f.id, "bank.checklist");
    assert_eq!(f.name.get(Lang::En), "Our checklist");
    let refs: Vec<(&str, bool)> = f.requirements.iter().map(|r| (r.reference.as_str(), r.assessable)).collect();
    // 1 has children: a grouping node; 2 has none: assessed.
    assert_eq!(refs, [("1", false), ("1.1", true), ("1.2", true), ("2", true)]);
    let r = f.get("1.1").unwrap();
    assert_eq!(r.parent.as_deref(), Some("1"));
    assert_eq!(r.level, Some(Level::Basic));
    assert_eq!(r.description.ja.as_deref(), Some("取締役会が\r\n耐性度を承認する"));
    assert_eq!(f.get("1.2").unwrap().level, Some(Level::Desirable));
    assert_eq!(f.get("1.2").unwrap().title.get(Lang::En), "報告文化");
    assert_eq!(f.get("2").unwrap().level, Some(Level::Informative));
}

#[test]
fn every_problem_is_reported_by_spreadsheet_row_and_column() {
    // Rows as a spreadsheet shows them: 1 header, 2 ok, 3 a cell over two lines (one row),
    // 4 blank, 5 unknown parent, 6 duplicate ref and unknown level, 7 no title, 8 bad assessable.
    let csv = "ref,parent_ref,title_ja,title_en,description_en,level,assessable\r\n\
A,,エリアA,Area A,,,\r\n\
A.1,A,統制1,,\"two\r\nlines\",basic,\r\n\
\r\n\
A.2,Z,統制2,,,,\r\n\
A.1,A,統制1again,,,must,\r\n\
A.3,A,,,,,\r\n\
A.4,A,統制4,,,,perhaps\r\n";
    let e = import_checklist_csv("bad.csv", "c", &name(), csv.as_bytes()).unwrap_err();
    let found: Vec<String> = e.0.iter().map(|p| format!("{} {} {}", p.at, p.field, p.reason.kind())).collect();
    assert_eq!(
        found,
        [
            "row 5 parent_ref unknown_reference",
            "row 6 ref duplicate",
            "row 6 level unknown_code",
            "row 7 title_ja required",
            "row 8 assessable not_a_boolean",
        ]
    );
    assert!(
        e.message(Lang::Ja).contains("bad.csv row 5: parent_ref: 「Z」は登録されていません"),
        "{}",
        e.message(Lang::Ja)
    );
}

#[test]
fn a_sheet_without_the_needed_columns_or_in_shift_jis_is_refused_with_where() {
    // Headings on row 3 after two blank lines: the rows keep counting from the top.
    let e = import_checklist_csv("x.csv", "c", &name(), b"\r\n\r\nref,title_en\r\nA,\r\n").unwrap_err();
    assert_eq!((e.0[0].at.as_str(), e.0[0].field.as_str()), ("row 4", "title_en"));
    let e = import_checklist_csv("x.csv", "c", &name(), b"id,name\nA,B\n").unwrap_err();
    let found: Vec<(&str, &str)> = e.0.iter().map(|p| (p.at.as_str(), p.field.as_str())).collect();
    assert_eq!(found, [("row 1", "ref"), ("row 1", "title_ja / title_en")]);
    // "参照番号" in Shift_JIS on the second line.
    let sjis = b"ref,title_en\n\x8e\x51\x8f\xc6,x\n";
    let e = import_checklist_csv("sjis.csv", "c", &name(), sjis).unwrap_err();
    assert_eq!((e.0[0].at.as_str(), e.0[0].reason.kind()), ("row 2", "not_utf8"));
    assert!(e.message(Lang::Ja).contains("CSV UTF-8"));
}

#[test]
fn an_xlsx_checklist_imports_and_locates_problems_by_sheet_row() {
    use rust_xlsxwriter::Workbook;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let rows: [[&str; 5]; 4] = [
        ["参照番号", "親参照番号", "見出し(日本語)", "見出し(英語)", "水準"],
        ["", "", "ガバナンス", "Governance", ""],
        ["G.1", "G", "監督", "Oversight", "対応が望ましい事項"],
        ["G.2", "G", "", "", ""],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    // A numeric ref typed into Excel: read as `3`, not `3.0`.
    sheet.write_number(4, 0, 3.0).unwrap();
    sheet.write_string(4, 2, "三").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let e = import_checklist_xlsx("ours.xlsx", "c", &name(), &bytes).unwrap_err();
    let found: Vec<String> = e.0.iter().map(|p| format!("{} {} {}", p.at, p.field, p.reason.kind())).collect();
    assert_eq!(
        found,
        [
            "row 2 参照番号 required",
            "row 3 親参照番号 unknown_reference",
            "row 4 親参照番号 unknown_reference",
            "row 4 見出し(日本語) required",
        ]
    );

    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate().take(3) {
        for (c, v) in row.iter().enumerate() {
            let v = if r == 1 && c == 0 { "G" } else { v };
            sheet.write_string(r as u32, c as u16, v).unwrap();
        }
    }
    sheet.write_number(3, 0, 3.0).unwrap();
    sheet.write_string(3, 2, "三").unwrap();
    let f = import_checklist_xlsx("ours.xlsx", "c", &name(), &book.save_to_buffer().unwrap()).unwrap();
    let refs: Vec<&str> = f.requirements.iter().map(|r| r.reference.as_str()).collect();
    assert_eq!(refs, ["G", "G.1", "3"]);
    assert_eq!(f.get("G.1").unwrap().level, Some(Level::Desirable));
    assert!(!f.get("G").unwrap().assessable);
    let e = import_checklist_xlsx("no.xlsx", "c", &name(), b"not a zip").unwrap_err();
    assert_eq!(e.0[0].reason.kind(), "not_a_workbook");
}
