//! The overview's charts: SVG drawn on the server by the analysis engine's chart functions (the
//! same as the yearly report's), with labels from the UI catalogues. An empty string means no data.

use crate::views::Page;
use opres_analysis::trends::{Dimension, TopEntry, TrendAnalysis};
use opres_domain::report::svg::{hbar_chart, stacked_columns};
use opres_domain::{FiscalYear, Lang};

fn fy_label(fy: FiscalYear, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("{}年度", fy.0),
        Lang::En => format!("FY{}", fy.0),
    }
}

/// Incidents per fiscal year, stacked by trigger.
pub(super) fn by_year(all: &TrendAnalysis, p: &Page) -> String {
    if all.totals.iter().all(|n| *n == 0) {
        return String::new();
    }
    let categories: Vec<String> = all.fiscal_years.iter().map(|y| fy_label(*y, p.lang)).collect();
    let series: Vec<(String, Vec<f64>)> = all
        .breakdown(Dimension::Trigger)
        .map(|b| {
            b.rows
                .iter()
                .map(|r| (r.label(p.lang).to_string(), r.years.iter().map(|c| c.count as f64).collect()))
                .collect()
        })
        .unwrap_or_default();
    stacked_columns(p.t("analysis.chart_by_year"), &categories, &series)
}

/// The rows of one dimension in one year, as (label, count), without zeros.
fn year_rows(all: &TrendAnalysis, d: Dimension, fy: FiscalYear, lang: Lang) -> Vec<(String, f64)> {
    all.breakdown(d)
        .map(|b| {
            b.rows
                .iter()
                .filter_map(|r| {
                    let c = r.year(fy)?;
                    (c.count > 0).then(|| (r.label(lang).to_string(), c.count as f64))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A unit after a number: `12件`, `12 incidents`.
fn unit(p: &Page, key: &str) -> String {
    match p.lang {
        Lang::Ja => p.t(key).to_string(),
        Lang::En => format!(" {}", p.t(key)),
    }
}

fn bars(title: &str, items: &[(String, f64)], unit: &str) -> String {
    if items.is_empty() { String::new() } else { hbar_chart(title, items, unit) }
}

/// Incidents of the year by trend.
pub(super) fn by_trend(all: &TrendAnalysis, fy: FiscalYear, p: &Page) -> String {
    let rows = year_rows(all, Dimension::Trend, fy, p.lang);
    bars(p.t("analysis.chart_by_trend"), &rows, &unit(p, "analysis.unit_incidents"))
}

/// Cyber attacks and the rest in the year.
pub(super) fn cyber(all: &TrendAnalysis, fy: FiscalYear, p: &Page) -> String {
    let rows = year_rows(all, Dimension::Cyber, fy, p.lang);
    bars(p.t("analysis.chart_cyber"), &rows, &unit(p, "analysis.unit_incidents"))
}

/// Median time to detect (`detect`) or to recover, by trend, in hours.
pub(super) fn median_times(year: &TrendAnalysis, p: &Page, detect: bool) -> String {
    let rows: Vec<(String, f64)> = year
        .times_by_trend
        .iter()
        .filter_map(|t| {
            let d = if detect { t.mttd.as_ref() } else { t.mttr.as_ref() }?;
            Some((t.trend.label(p.lang).to_string(), (d.median / 60.0 * 10.0).round() / 10.0))
        })
        .collect();
    let title = if detect { p.t("analysis.chart_mttd") } else { p.t("analysis.chart_mttr") };
    bars(title, &rows, &unit(p, "analysis.unit_hours"))
}

/// The most involved systems or vendors.
pub(super) fn top(entries: &[TopEntry], title: &str, p: &Page) -> String {
    let rows: Vec<(String, f64)> = entries.iter().map(|e| (e.name.clone(), e.incidents as f64)).collect();
    bars(title, &rows, &unit(p, "analysis.unit_incidents"))
}
