//! The one report document model of the workspace: a report is a title, a subtitle, the day it is
//! as of, and sections of blocks (paragraphs, callouts, lists, tables, bar charts), already in one
//! language. Every module builds its reports as a [`ReportDocument`]; [`ReportDocument::to_html`]
//! and [`ReportDocument::to_markdown`] render it here, the web UI renders the same blocks itself,
//! and `opres_interchange::report_xlsx` writes it to Excel.

pub mod svg;

use crate::{Lang, html};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt::Write;

/// The formats a report document is rendered to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    /// Self-contained HTML (inline style and SVG, no scripts, no external resources).
    Html,
    /// Markdown (GitHub-flavoured tables).
    Markdown,
    /// An Excel workbook.
    Xlsx,
}

impl ReportFormat {
    /// Parses `html`, `md`/`markdown` or `xlsx`.
    pub fn parse(code: &str) -> Option<ReportFormat> {
        match code.trim().to_ascii_lowercase().as_str() {
            "html" => Some(ReportFormat::Html),
            "md" | "markdown" => Some(ReportFormat::Markdown),
            "xlsx" => Some(ReportFormat::Xlsx),
            _ => None,
        }
    }

    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Html => "html",
            ReportFormat::Markdown => "md",
            ReportFormat::Xlsx => "xlsx",
        }
    }

    /// The media type of a download.
    pub fn media_type(self) -> &'static str {
        match self {
            ReportFormat::Html => "text/html; charset=utf-8",
            ReportFormat::Markdown => "text/markdown; charset=utf-8",
            ReportFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// How a cell or callout should stand out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    /// Nothing special.
    Plain,
    /// Good.
    Good,
    /// Needs attention.
    Warn,
    /// Serious.
    Bad,
}

/// A table cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    /// The text, in the report's language.
    pub text: String,
    /// Emphasis.
    pub tone: Tone,
}

impl Cell {
    /// A plain cell.
    pub fn plain(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), tone: Tone::Plain }
    }

    /// A cell with a tone.
    pub fn toned(text: impl Into<String>, tone: Tone) -> Cell {
        Cell { text: text.into(), tone }
    }
}

/// One bar of a bar chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bar {
    /// What the bar counts.
    pub label: String,
    /// Its value.
    pub value: f64,
}

/// A block of a section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// A paragraph.
    Paragraph {
        /// The text.
        text: String,
    },
    /// A highlighted note.
    Callout {
        /// Emphasis.
        tone: Tone,
        /// The text.
        text: String,
    },
    /// A bulleted list.
    List {
        /// Items.
        items: Vec<String>,
    },
    /// A table.
    Table {
        /// Column headers.
        headers: Vec<String>,
        /// Rows.
        rows: Vec<Vec<Cell>>,
    },
    /// A horizontal bar chart: an SVG figure in HTML, a table in Markdown, a chart in Excel.
    BarChart {
        /// What the chart shows, including the period and what is counted.
        title: String,
        /// The unit after each value (`件`, `pt`…), may be empty.
        unit: String,
        /// One bar per label, in display order.
        bars: Vec<Bar>,
    },
}

/// A section of a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// Heading.
    pub heading: String,
    /// Blocks, in order.
    pub blocks: Vec<Block>,
}

/// A report, in one language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportDocument {
    /// The language of every text in it.
    pub lang: Lang,
    /// Title.
    pub title: String,
    /// Subtitle (whose, against what, which period).
    pub subtitle: String,
    /// The JST day it is as of.
    pub as_of: NaiveDate,
    /// Sections in order.
    pub sections: Vec<Section>,
}

/// Escapes a Markdown table cell: pipes and backslashes, and line breaks (a cell is one line).
fn md_cell(s: &str) -> String {
    s.replace('\\', "\\\\").replace('|', "\\|").replace(['\r', '\n'], " ")
}

/// Formats a chart value: whole numbers without decimals.
pub fn fmt_value(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 { format!("{v:.0}") } else { format!("{v:.1}") }
}

const STYLE: &str = "body{font-family:'Noto Sans CJK JP','Noto Sans JP','IPAexGothic','Hiragino Sans','Yu Gothic',Meiryo,sans-serif;margin:2rem auto;max-width:1100px;color:#1d2733;line-height:1.6;padding:0 1rem}\
h1{font-size:1.6rem;border-bottom:3px solid #1d4e89;padding-bottom:.3rem}h2{font-size:1.2rem;margin-top:2rem;color:#1d4e89}\
.sub{color:#556;margin-top:-.5rem}table{border-collapse:collapse;width:100%;margin:.6rem 0;font-size:.9rem}\
th,td{border:1px solid #c9d1db;padding:.35rem .5rem;vertical-align:top;text-align:left}th{background:#eef2f7}\
.good{background:#e3f4d7}.warn{background:#fff4c2}.bad{background:#fde0e0;font-weight:600}\
.callout{border-left:5px solid #999;padding:.5rem .8rem;margin:.8rem 0;background:#f6f7f9}\
.callout.bad{border-color:#c62828;background:#fdecec}.callout.warn{border-color:#e0a800}.callout.good{border-color:#2e7d32}\
figure{margin:.8rem 0;overflow-x:auto}\
@media print{body{margin:0}h2{break-after:avoid}tr{break-inside:avoid}}";

impl Tone {
    /// The CSS class of the rendered HTML (empty for plain).
    pub fn class(self) -> &'static str {
        match self {
            Tone::Plain => "",
            Tone::Good => "good",
            Tone::Warn => "warn",
            Tone::Bad => "bad",
        }
    }
}

impl ReportDocument {
    /// The heading of a bar chart's value column: "Value", with the unit when there is one.
    pub fn chart_value_heading(&self, unit: &str) -> String {
        let value = self.lang.pick("値", "Value");
        if unit.is_empty() { value.to_string() } else { format!("{value}（{unit}）") }
    }

    /// Renders to text: HTML or Markdown (`None` for Excel, which `opres_interchange` writes).
    pub fn render_text(&self, format: ReportFormat) -> Option<String> {
        match format {
            ReportFormat::Html => Some(self.to_html()),
            ReportFormat::Markdown => Some(self.to_markdown()),
            ReportFormat::Xlsx => None,
        }
    }

    /// The "as of" label in the report's language.
    pub fn as_of_label(&self) -> &'static str {
        self.lang.pick("作成日", "As of")
    }

    /// Markdown (GitHub-flavoured tables); a bar chart becomes a table of its values.
    pub fn to_markdown(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "# {}\n", self.title);
        let _ = writeln!(s, "{}  ", self.subtitle);
        let _ = writeln!(s, "{}: {}\n", self.as_of_label(), self.as_of);
        let table = |s: &mut String, headers: &[String], rows: &mut dyn Iterator<Item = Vec<String>>| {
            let _ = writeln!(s, "| {} |", headers.iter().map(|h| md_cell(h)).collect::<Vec<_>>().join(" | "));
            let _ = writeln!(s, "|{}", "---|".repeat(headers.len()));
            for r in rows {
                let _ = writeln!(s, "| {} |", r.join(" | "));
            }
            s.push('\n');
        };
        for sec in &self.sections {
            let _ = writeln!(s, "## {}\n", sec.heading);
            for b in &sec.blocks {
                match b {
                    Block::Paragraph { text } => {
                        let _ = writeln!(s, "{text}\n");
                    }
                    Block::Callout { tone, text } => {
                        let mark = match tone {
                            Tone::Bad => "**⚠** ",
                            Tone::Warn => "**!** ",
                            _ => "",
                        };
                        let _ = writeln!(s, "> {mark}{text}\n");
                    }
                    Block::List { items } => {
                        for i in items {
                            let _ = writeln!(s, "- {i}");
                        }
                        s.push('\n');
                    }
                    Block::Table { headers, rows } => table(
                        &mut s,
                        headers,
                        &mut rows.iter().map(|r| {
                            r.iter()
                                .map(|c| match c.tone {
                                    Tone::Bad => format!("**{}**", md_cell(&c.text)),
                                    _ => md_cell(&c.text),
                                })
                                .collect()
                        }),
                    ),
                    Block::BarChart { title, unit, bars } => {
                        let _ = writeln!(s, "**{title}**\n");
                        table(
                            &mut s,
                            &[self.lang.pick("項目", "Item").to_string(), self.chart_value_heading(unit)],
                            &mut bars.iter().map(|b| vec![md_cell(&b.label), fmt_value(b.value)]),
                        );
                    }
                }
            }
        }
        s
    }

    /// Self-contained HTML: inline style and SVG, no scripts, no external resources, printable.
    pub fn to_html(&self) -> String {
        let e = html::Escaped;
        let mut s = String::new();
        let _ = write!(
            s,
            "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
            self.lang.code(),
            e(&self.title)
        );
        let _ = writeln!(
            s,
            "<h1>{}</h1>\n<p class=\"sub\">{}<br>{}: {}</p>",
            e(&self.title),
            e(&self.subtitle),
            self.as_of_label(),
            self.as_of
        );
        for sec in &self.sections {
            let _ = writeln!(s, "<section>\n<h2>{}</h2>", e(&sec.heading));
            for b in &sec.blocks {
                match b {
                    Block::Paragraph { text } => {
                        let _ = writeln!(s, "<p>{}</p>", e(text));
                    }
                    Block::Callout { tone, text } => {
                        let _ = writeln!(s, "<div class=\"callout {}\">{}</div>", tone.class(), e(text));
                    }
                    Block::List { items } => {
                        s.push_str("<ul>");
                        for i in items {
                            let _ = write!(s, "<li>{}</li>", e(i));
                        }
                        s.push_str("</ul>\n");
                    }
                    Block::Table { headers, rows } => {
                        s.push_str("<table>\n<thead><tr>");
                        for h in headers {
                            let _ = write!(s, "<th scope=\"col\">{}</th>", e(h));
                        }
                        s.push_str("</tr></thead>\n<tbody>\n");
                        for r in rows {
                            s.push_str("<tr>");
                            for c in r {
                                match c.tone {
                                    Tone::Plain => {
                                        let _ = write!(s, "<td>{}</td>", e(&c.text));
                                    }
                                    t => {
                                        let _ = write!(s, "<td class=\"{}\">{}</td>", t.class(), e(&c.text));
                                    }
                                }
                            }
                            s.push_str("</tr>\n");
                        }
                        s.push_str("</tbody>\n</table>\n");
                    }
                    Block::BarChart { title, unit, bars } => {
                        let items: Vec<(String, f64)> = bars.iter().map(|b| (b.label.clone(), b.value)).collect();
                        let _ = writeln!(s, "<figure>{}</figure>", svg::hbar_chart(title, &items, unit));
                    }
                }
            }
            s.push_str("</section>\n");
        }
        s.push_str("</body>\n</html>\n");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ReportDocument {
        ReportDocument {
            lang: Lang::Ja,
            title: "ギャップ評価<報告>".into(),
            subtitle: "A|B".into(),
            as_of: NaiveDate::from_ymd_opt(2026, 12, 4).unwrap(),
            sections: vec![Section {
                heading: "1. 結果".into(),
                blocks: vec![
                    Block::Paragraph { text: "本文 & 注記".into() },
                    Block::Callout { tone: Tone::Bad, text: "期限超過".into() },
                    Block::List { items: vec!["一".into(), "二".into()] },
                    Block::Table {
                        headers: vec!["要件".into(), "結果".into()],
                        rows: vec![vec![Cell::plain("2.1|a"), Cell::toned("未達\n成", Tone::Bad)]],
                    },
                    Block::BarChart {
                        title: "領域別ギャップ".into(),
                        unit: "pt".into(),
                        bars: vec![Bar { label: "ガバナンス".into(), value: 3.0 }],
                    },
                ],
            }],
        }
    }

    #[test]
    fn html_escapes_every_text_and_draws_charts_inline() {
        let h = sample().to_html();
        assert!(h.starts_with("<!DOCTYPE html>") && h.contains("<html lang=\"ja\">"));
        assert!(h.contains("ギャップ評価&lt;報告&gt;") && h.contains("本文 &amp; 注記"));
        assert!(h.contains("<td class=\"bad\">未達\n成</td>"));
        assert!(h.contains("<figure><svg") && h.contains("ガバナンス"));
        // Self-contained: no scripts, no external resources.
        assert!(!h.contains("<script") && !h.contains("src=") && !h.contains("href="));
    }

    #[test]
    fn markdown_keeps_tables_one_line_per_row_and_charts_as_values() {
        let m = sample().to_markdown();
        assert!(m.contains("| 2.1\\|a | **未達 成** |"), "{m}");
        assert!(m.contains("> **⚠** 期限超過"));
        assert!(m.contains("| ガバナンス | 3 |"));
        assert!(m.contains("| 項目 | 値（pt） |"));
    }

    #[test]
    fn formats_parse_from_their_codes() {
        assert_eq!(ReportFormat::parse("MD"), Some(ReportFormat::Markdown));
        assert_eq!(ReportFormat::parse("xlsx"), Some(ReportFormat::Xlsx));
        assert_eq!(ReportFormat::parse("pdf"), None);
        assert_eq!(ReportFormat::Html.extension(), "html");
    }
}
