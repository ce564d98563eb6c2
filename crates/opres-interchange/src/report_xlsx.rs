//! Any report document (`opres_domain::report`) as an Excel workbook: a cover sheet, then one
//! sheet per section with its paragraphs, lists and tables in order, and each bar chart as its
//! values with a native Excel chart beside them. Text longer than a cell holds is cut with a
//! visible marker (`xlsx_limits::fit_cell`), so a report never fails on stored text.

use crate::WriteError;
use crate::xlsx_limits::fit_cell;
use opres_domain::report::{Block, ReportDocument, Tone};
use rust_xlsxwriter::{Chart, ChartType, Color, Format, FormatAlign, Workbook, Worksheet};
use std::collections::BTreeSet;

/// Excel's longest sheet name.
const SHEET_NAME_MAX: usize = 31;

/// A sheet name Excel accepts, unique in the workbook: the heading without `[]:*?/\`, cut to
/// 31 characters, numbered when taken.
fn sheet_name(heading: &str, taken: &mut BTreeSet<String>) -> String {
    let clean: String =
        heading.chars().filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\')).collect::<String>();
    let clean = clean.trim().trim_matches('\'').to_string();
    let base: String = if clean.is_empty() { "Sheet".into() } else { clean.chars().take(SHEET_NAME_MAX).collect() };
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains(&name.to_lowercase()) {
        let suffix = format!(" ({n})");
        name = base.chars().take(SHEET_NAME_MAX - suffix.chars().count()).collect::<String>() + &suffix;
        n += 1;
    }
    taken.insert(name.to_lowercase());
    name
}

struct Styles {
    title: Format,
    heading: Format,
    header: Format,
    wrap: Format,
    tones: [Format; 3],
}

impl Styles {
    fn new() -> Styles {
        let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
        let tone = |rgb: u32| wrap.clone().set_background_color(Color::RGB(rgb));
        Styles {
            title: Format::new().set_bold().set_font_size(16),
            heading: Format::new().set_bold().set_font_size(13).set_font_color(Color::RGB(0x1d4e89)),
            header: Format::new().set_bold().set_background_color(Color::RGB(0xeef2f7)).set_text_wrap(),
            tones: [tone(0xe3f4d7), tone(0xfff4c2), tone(0xfde0e0).set_bold()],
            wrap,
        }
    }

    fn of(&self, tone: Tone) -> &Format {
        match tone {
            Tone::Plain => &self.wrap,
            Tone::Good => &self.tones[0],
            Tone::Warn => &self.tones[1],
            Tone::Bad => &self.tones[2],
        }
    }
}

fn text(ws: &mut Worksheet, row: u32, col: u16, s: &str, f: &Format) -> Result<(), WriteError> {
    ws.write_string_with_format(row, col, fit_cell(s).as_ref(), f)?;
    Ok(())
}

/// Writes `doc` as an Excel workbook, in its language.
pub fn report_xlsx(doc: &ReportDocument) -> Result<Vec<u8>, WriteError> {
    let lang = doc.lang;
    let st = Styles::new();
    let mut book = Workbook::new();
    let mut taken = BTreeSet::new();
    let cover_name = sheet_name(lang.pick("表紙", "Cover"), &mut taken);
    let names: Vec<String> = doc.sections.iter().map(|s| sheet_name(&s.heading, &mut taken)).collect();
    {
        let ws = book.add_worksheet().set_name(&cover_name)?;
        ws.set_column_width(0, 100)?;
        text(ws, 0, 0, &doc.title, &st.title)?;
        text(ws, 1, 0, &doc.subtitle, &st.wrap)?;
        text(ws, 2, 0, &format!("{}: {}", doc.as_of_label(), doc.as_of), &st.wrap)?;
        text(ws, 4, 0, lang.pick("シート", "Sheets"), &st.heading)?;
        for (i, sec) in doc.sections.iter().enumerate() {
            text(ws, 5 + i as u32, 0, &sec.heading, &st.wrap)?;
        }
    }
    for (sec, name) in doc.sections.iter().zip(&names) {
        let ws = book.add_worksheet().set_name(name)?;
        let mut widths: Vec<usize> = vec![12];
        text(ws, 0, 0, &sec.heading, &st.heading)?;
        let mut row: u32 = 2;
        for b in &sec.blocks {
            match b {
                Block::Paragraph { text: t } => {
                    text(ws, row, 0, t, &st.wrap)?;
                    widths[0] = widths[0].max(80);
                    row += 2;
                }
                Block::Callout { tone, text: t } => {
                    text(ws, row, 0, t, st.of(*tone))?;
                    widths[0] = widths[0].max(80);
                    row += 2;
                }
                Block::List { items } => {
                    for i in items {
                        text(ws, row, 0, &format!("・{i}"), &st.wrap)?;
                        row += 1;
                    }
                    widths[0] = widths[0].max(80);
                    row += 1;
                }
                Block::Table { headers, rows } => {
                    if widths.len() < headers.len() {
                        widths.resize(headers.len(), 12);
                    }
                    for (c, h) in headers.iter().enumerate() {
                        text(ws, row, c as u16, h, &st.header)?;
                        widths[c] = widths[c].max(h.chars().count() * 2);
                    }
                    row += 1;
                    for r in rows {
                        for (c, cell) in r.iter().enumerate() {
                            text(ws, row, c as u16, &cell.text, st.of(cell.tone))?;
                            if c < widths.len() {
                                widths[c] = widths[c].max(cell.text.chars().count().min(60) * 2);
                            }
                        }
                        row += 1;
                    }
                    row += 1;
                }
                Block::BarChart { title, unit, bars } => {
                    text(ws, row, 0, title, &st.header)?;
                    text(ws, row, 1, &doc.chart_value_heading(unit), &st.header)?;
                    let first = row + 1;
                    for (i, bar) in bars.iter().enumerate() {
                        text(ws, first + i as u32, 0, &bar.label, &st.wrap)?;
                        ws.write_number(first + i as u32, 1, bar.value)?;
                    }
                    if !bars.is_empty() {
                        let last = first + bars.len() as u32 - 1;
                        let mut chart = Chart::new(ChartType::Bar);
                        chart.title().set_name(title);
                        chart.legend().set_hidden();
                        chart.add_series().set_categories((name.as_str(), first, 0, last, 0)).set_values((
                            name.as_str(),
                            first,
                            1,
                            last,
                            1,
                        ));
                        // Excel draws bars bottom-up; reversing the axis keeps the report's order.
                        chart.y_axis().set_reverse();
                        ws.insert_chart(row, 3, &chart)?;
                    }
                    widths[0] = widths[0].max(30);
                    // Leave room below for the chart (about 15 rows tall).
                    row = first + (bars.len() as u32).max(15) + 2;
                }
            }
        }
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, (*w).clamp(10, 100) as f64)?;
        }
    }
    Ok(book.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Reader, Xlsx};
    use opres_domain::Lang;
    use opres_domain::report::{Bar, Cell, Section};

    #[test]
    fn every_section_is_a_sheet_with_its_tables_and_chart_values_and_long_text_is_cut_visibly() {
        let long = "障".repeat(40_000);
        let doc = ReportDocument {
            lang: Lang::Ja,
            title: "ギャップ評価報告書".into(),
            subtitle: "青葉銀行".into(),
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 12, 4).unwrap(),
            sections: vec![
                Section {
                    heading: "1. 領域別の結果".into(),
                    blocks: vec![
                        Block::Table {
                            headers: vec!["領域".into(), "ギャップ".into()],
                            rows: vec![vec![Cell::plain("ガバナンス"), Cell::toned("3", Tone::Bad)]],
                        },
                        Block::BarChart {
                            title: "領域別ギャップ".into(),
                            unit: "pt".into(),
                            bars: vec![Bar { label: "識別".into(), value: 2.0 }],
                        },
                    ],
                },
                Section { heading: "2. 根拠".into(), blocks: vec![Block::Paragraph { text: long }] },
            ],
        };
        let bytes = report_xlsx(&doc).unwrap();
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), vec!["表紙", "1. 領域別の結果", "2. 根拠"]);
        let cover = book.worksheet_range("表紙").unwrap();
        assert_eq!(cover.get_value((0, 0)).map(|v| v.to_string()), Some("ギャップ評価報告書".into()));
        let s1 = book.worksheet_range("1. 領域別の結果").unwrap();
        let texts: Vec<String> = s1.cells().map(|(_, _, v)| v.to_string()).collect();
        for want in ["領域", "ガバナンス", "領域別ギャップ", "値（pt）", "識別", "2"] {
            assert!(texts.iter().any(|t| t == want), "{want} in {texts:?}");
        }
        let s2 = book.worksheet_range("2. 根拠").unwrap();
        let cut = s2.get_value((2, 0)).map(|v| v.to_string()).unwrap_or_default();
        assert!(cut.ends_with("…[truncated: 40000 chars]"), "{}", &cut[cut.len() - 40..]);
    }

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut taken = BTreeSet::new();
        assert_eq!(sheet_name("1. 範囲: 対象/方法", &mut taken), "1. 範囲 対象方法");
        let long = "あ".repeat(40);
        let a = sheet_name(&long, &mut taken);
        let b = sheet_name(&long, &mut taken);
        assert_eq!(a.chars().count(), 31);
        assert!(b.ends_with(" (2)") && b.chars().count() == 31, "{b}");
        assert_eq!(sheet_name("[]", &mut taken), "Sheet");
    }
}
