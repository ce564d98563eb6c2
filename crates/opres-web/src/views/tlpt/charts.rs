//! Charts of the TLPT pages, drawn by the server as inline SVG (no script, nothing fetched).

use opres_domain::html;
use opres_tlpt::metrics::RateRow;

/// Colour by how much of what was executed the blue team detected: all, some, none.
fn colour(r: &RateRow) -> &'static str {
    if r.detected == r.executed && r.executed > 0 {
        "#047857"
    } else if r.detected > 0 {
        "#b45309"
    } else {
        "#b91c1c"
    }
}

/// A horizontal bar chart of detection rates (0–100 %), one bar per row, with `detected/executed`
/// beside each bar. Empty when there is nothing to draw.
pub(crate) fn detection_rate_chart(rows: &[RateRow], label: impl Fn(&str) -> String, title: &str) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let (label_w, bar_w, row_h) = (230.0, 380.0, 26.0);
    let height = rows.len() as f64 * row_h + 34.0;
    let mut svg = format!(
        "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 {w} {height}\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\"><title>{title}</title>",
        w = label_w + bar_w + 110.0,
        title = html::escape(title),
    );
    // Axis ticks at 0, 50 and 100 %.
    for pct in [0.0, 50.0, 100.0] {
        let x = label_w + bar_w * pct / 100.0;
        svg.push_str(&format!(
            "<line x1=\"{x:.1}\" y1=\"2\" x2=\"{x:.1}\" y2=\"{y2:.1}\" stroke=\"#d1d5db\" stroke-width=\"1\"/>\
             <text x=\"{x:.1}\" y=\"{ty:.1}\" text-anchor=\"middle\" font-size=\"11\">{pct:.0}%</text>",
            y2 = height - 22.0,
            ty = height - 8.0,
        ));
    }
    for (i, r) in rows.iter().enumerate() {
        let y = i as f64 * row_h + 5.0;
        let w = (r.rate * bar_w).max(2.0);
        let name = html::escape(&label(&r.key));
        svg.push_str(&format!(
            "<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\" font-size=\"13\">{name}</text>\
             <rect x=\"{bx}\" y=\"{y}\" width=\"{w:.1}\" height=\"18\" rx=\"2\" fill=\"{c}\"><title>{name}: {d}/{e}</title></rect>\
             <text x=\"{nx:.1}\" y=\"{ty}\" font-size=\"13\">{pct:.0}% ({d}/{e})</text>",
            lx = label_w - 8.0,
            ty = y + 14.0,
            bx = label_w,
            c = colour(r),
            nx = label_w + w + 6.0,
            pct = r.rate * 100.0,
            d = r.detected,
            e = r.executed,
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_as_long_as_the_rate_and_coloured_by_it() {
        let rows = vec![
            RateRow { key: "initial-access".into(), executed: 2, detected: 2, rate: 1.0 },
            RateRow { key: "execution".into(), executed: 4, detected: 1, rate: 0.25 },
            RateRow { key: "<x>".into(), executed: 1, detected: 0, rate: 0.0 },
        ];
        let svg = detection_rate_chart(&rows, |k| k.to_string(), "rates");
        assert!(svg.contains("width=\"380.0\"") && svg.contains("#047857"));
        assert!(svg.contains("width=\"95.0\"") && svg.contains("#b45309") && svg.contains("25% (1/4)"));
        assert!(svg.contains("#b91c1c") && svg.contains("&lt;x&gt;") && !svg.contains("<x>"));
        assert!(detection_rate_chart(&[], |k| k.to_string(), "none").is_empty());
    }
}
