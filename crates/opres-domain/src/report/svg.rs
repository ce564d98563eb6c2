//! Hand-drawn SVG charts for reports and pages. Text is written into the SVG as is; glyphs come from
//! the viewer's fonts, so the font-family list names the Japanese fonts Chromium finds on Linux,
//! macOS and Windows before the generic fallback.

use super::fmt_value;
use crate::html;
use std::fmt::Write as _;

/// Font families for Japanese and English labels.
pub const FONT_FAMILY: &str = "'Noto Sans CJK JP', 'Noto Sans JP', 'IPAexGothic', 'IPAGothic', 'Hiragino Sans', 'Yu Gothic', 'Meiryo', sans-serif";

/// Series colours (colour-blind-safe Okabe–Ito palette).
pub const PALETTE: [&str; 8] = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"];

/// Approximate rendered width of a label in pixels: CJK glyphs are a full em, Latin about half.
fn text_width(s: &str, font_px: f64) -> f64 {
    s.chars().map(|c| if c.is_ascii() { 0.56 } else { 1.0 }).sum::<f64>() * font_px
}

/// A horizontal bar chart: one bar per (label, value).
pub fn hbar_chart(title: &str, items: &[(String, f64)], unit: &str) -> String {
    let font = 13.0;
    let label_w = items.iter().map(|(l, _)| text_width(l, font)).fold(80.0, f64::max).min(420.0) + 12.0;
    let bar_area = 360.0;
    let row_h = 24.0;
    let top = 34.0;
    let width = label_w + bar_area + 70.0;
    let height = top + row_h * items.len() as f64 + 12.0;
    let max = items.iter().map(|i| i.1).fold(0.0, f64::max).max(1e-9);
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="{FONT_FAMILY}"><title>{t}</title><text x="4" y="20" font-size="15" font-weight="bold">{t}</text>"##,
        t = html::escape(title)
    );
    for (i, (label, v)) in items.iter().enumerate() {
        let y = top + row_h * i as f64;
        let w = bar_area * v / max;
        let _ = write!(
            s,
            r##"<text x="{lx:.1}" y="{ty:.1}" font-size="{font}" text-anchor="end">{l}</text><rect x="{label_w:.1}" y="{y:.1}" width="{w:.1}" height="{bh:.1}" fill="{c}"/><text x="{vx:.1}" y="{ty:.1}" font-size="{font}">{v}{u}</text>"##,
            lx = label_w - 6.0,
            ty = y + row_h * 0.62,
            l = html::escape(label),
            bh = row_h - 6.0,
            c = PALETTE[0],
            vx = label_w + w + 4.0,
            v = fmt_value(*v),
            u = html::escape(unit),
        );
    }
    s.push_str("</svg>");
    s
}

/// A stacked column chart: one column per category (e.g. fiscal year), one stack segment per series.
pub fn stacked_columns(title: &str, categories: &[String], series: &[(String, Vec<f64>)]) -> String {
    let font = 12.0;
    let (left, top, plot_h, col_w, gap): (f64, f64, f64, f64, f64) = (50.0, 52.0, 240.0, 56.0, 28.0);
    let legend_w = series.iter().map(|(l, _)| text_width(l, font)).fold(60.0, f64::max).min(360.0) + 30.0;
    let plot_w = (col_w + gap) * categories.len().max(1) as f64;
    let width = left + plot_w + legend_w + 20.0;
    let height = (top + plot_h + 40.0).max(top + 20.0 * series.len() as f64 + 10.0);
    let totals: Vec<f64> =
        (0..categories.len()).map(|c| series.iter().map(|(_, v)| v.get(c).copied().unwrap_or(0.0)).sum()).collect();
    let max = totals.iter().copied().fold(0.0, f64::max).max(1e-9);
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="{FONT_FAMILY}"><title>{t}</title><text x="4" y="20" font-size="15" font-weight="bold">{t}</text><line x1="{left}" y1="{base}" x2="{x2}" y2="{base}" stroke="#333"/>"##,
        t = html::escape(title),
        base = top + plot_h,
        x2 = left + plot_w,
    );
    for (c, cat) in categories.iter().enumerate() {
        let x = left + gap / 2.0 + (col_w + gap) * c as f64;
        let mut y = top + plot_h;
        for (k, (_, vals)) in series.iter().enumerate() {
            let v = vals.get(c).copied().unwrap_or(0.0);
            let h = plot_h * v / max;
            y -= h;
            if h > 0.0 {
                let _ = write!(
                    s,
                    r##"<rect x="{x:.1}" y="{y:.1}" width="{col_w}" height="{h:.1}" fill="{}"/>"##,
                    PALETTE[k % PALETTE.len()]
                );
            }
        }
        let _ = write!(
            s,
            r##"<text x="{cx:.1}" y="{ly:.1}" font-size="{font}" text-anchor="middle">{l}</text><text x="{cx:.1}" y="{ty:.1}" font-size="{font}" text-anchor="middle">{t}</text>"##,
            cx = x + col_w / 2.0,
            ly = top + plot_h + 16.0,
            l = html::escape(cat),
            ty = y - 4.0,
            t = fmt_value(totals[c]),
        );
    }
    for (k, (label, _)) in series.iter().enumerate() {
        let y = top + 20.0 * k as f64;
        let lx = left + plot_w + 16.0;
        let _ = write!(
            s,
            r##"<rect x="{lx:.1}" y="{y:.1}" width="12" height="12" fill="{}"/><text x="{tx:.1}" y="{ty:.1}" font-size="{font}">{l}</text>"##,
            PALETTE[k % PALETTE.len()],
            tx = lx + 18.0,
            ty = y + 11.0,
            l = html::escape(label),
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_well_formed_and_carry_japanese_labels() {
        let h = hbar_chart("障害傾向別件数", &[("DDoS攻撃".into(), 3.0), ("記憶領域<不足>".into(), 1.0)], "件");
        assert!(h.starts_with("<svg") && h.ends_with("</svg>"));
        assert!(h.contains("DDoS攻撃") && h.contains("記憶領域&lt;不足&gt;"));
        assert!(h.contains("Noto Sans CJK JP"));
        let c = stacked_columns("年度別", &["FY2023".into(), "FY2024".into()], &[("サイバー".into(), vec![1.0, 2.0])]);
        assert_eq!(c.matches("<rect").count(), 3);
        assert!(c.contains(">3<") || c.contains(">2<"));
    }
}
