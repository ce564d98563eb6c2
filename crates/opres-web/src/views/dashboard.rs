//! The dashboard: open incidents, report stages due and overdue, this fiscal year's counts by
//! trigger and trend (a chart), and recent changes.

use super::{Page, render};
use crate::AppState;
use crate::edge::Failed;
use crate::routes::Routes;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::Utc;
use opres_app::Actor;
use opres_domain::{FiscalYear, Trend, Trigger, html};
use opres_store::AuditEntry;

pub(super) fn routes(r: Routes) -> Routes {
    r.get("/", show)
}

pub(crate) struct DueRow {
    pub incident_id: i64,
    pub reference: String,
    pub institution: String,
    pub stage: &'static str,
    pub due: String,
    pub overdue: bool,
}

pub(crate) struct TriggerRow {
    pub code: &'static str,
    pub label: &'static str,
    pub this_year: u64,
    pub last_year: u64,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    p: Page,
    fy: FiscalYear,
    /// `2025年度（4月1日〜12月3日）`: the days counted so far.
    period_label: String,
    /// `前年度同期（4月1日〜12月3日）`: the days of last year the counts are compared with.
    previous_label: String,
    open: u64,
    this_year: u64,
    overdue: usize,
    outstanding: usize,
    due: Vec<DueRow>,
    triggers: Vec<TriggerRow>,
    chart: String,
    recent: Vec<AuditEntry>,
}

async fn show(State(s): State<AppState>, ctx: super::Ctx, actor: Actor) -> Result<Response, Failed> {
    let lang = ctx.lang;
    let d = s.register.dashboard(&actor, Utc::now()).await?;
    let sum = |counts: &[(Trigger, Trend, u64)], t: Trigger| counts.iter().filter(|c| c.0 == t).map(|c| c.2).sum();
    let triggers = Trigger::ALL
        .iter()
        .map(|t| TriggerRow {
            code: t.code(),
            label: t.short_label(lang),
            this_year: sum(&d.this_year, *t),
            last_year: sum(&d.last_year, *t),
        })
        .collect();
    let this_year = d.this_year.iter().map(|c| c.2).sum();
    let chart = trend_chart(&d.this_year, lang);
    let overdue = d.due.iter().filter(|r| r.stage.is_overdue()).count();
    let outstanding = d.due.len();
    let p = ctx.page("dashboard").await;
    let due = d
        .due
        .iter()
        .take(10)
        .map(|r| DueRow {
            incident_id: r.incident_id,
            reference: r.reference.to_string(),
            institution: r.institution.to_string(),
            stage: r.stage.kind.label(lang),
            due: p.dt(r.stage.due_at),
            overdue: r.stage.is_overdue(),
        })
        .collect();
    Ok(render(
        lang,
        &Dashboard {
            p,
            fy: d.fiscal_year,
            period_label: d.period.label(lang),
            previous_label: d.period.previous().label(lang),
            open: d.open,
            this_year,
            overdue,
            outstanding,
            due,
            triggers,
            chart,
            recent: d.recent,
        },
    ))
}

fn colour(t: Trigger) -> &'static str {
    match t {
        Trigger::Cyber => "#b91c1c",
        Trigger::Change => "#1d4ed8",
        Trigger::Operations => "#047857",
        Trigger::Work => "#b45309",
        Trigger::Unknown => "#6b7280",
    }
}

/// A horizontal bar chart of counts per trend, coloured by trigger, as inline SVG (no script,
/// no fonts fetched: labels use the page's font).
pub(crate) fn trend_chart(counts: &[(Trigger, Trend, u64)], lang: opres_domain::Lang) -> String {
    let rows: Vec<(Trend, u64)> = Trend::ALL
        .iter()
        .map(|t| (*t, counts.iter().filter(|c| c.1 == *t).map(|c| c.2).sum::<u64>()))
        .filter(|(_, n)| *n > 0)
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    let max = rows.iter().map(|r| r.1).max().unwrap_or(1).max(1);
    let (label_w, bar_w, row_h) = (330.0, 360.0, 26.0);
    let height = rows.len() as f64 * row_h + 10.0;
    let mut svg = format!(
        "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 {w} {height}\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\"><title>{title}</title>",
        w = label_w + bar_w + 70.0,
        title = html::escape(lang.pick("障害傾向別件数", "Incidents by trend")),
    );
    for (i, (trend, n)) in rows.iter().enumerate() {
        let y = i as f64 * row_h + 5.0;
        let w = (*n as f64 / max as f64 * bar_w).max(2.0);
        svg.push_str(&format!(
            "<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\" font-size=\"13\">{label}</text>\
             <rect x=\"{bx}\" y=\"{y}\" width=\"{w:.1}\" height=\"18\" rx=\"2\" fill=\"{c}\"><title>{label}: {n}</title></rect>\
             <text x=\"{nx:.1}\" y=\"{ty}\" font-size=\"13\">{n}</text>",
            lx = label_w - 8.0,
            ty = y + 14.0,
            label = html::escape(trend.label(lang)),
            bx = label_w,
            c = colour(trend.trigger()),
            nx = label_w + w + 6.0,
        ));
    }
    svg.push_str("</svg>");
    svg
}
