//! The failure-analysis pages: the overview of a fiscal year with charts, search, the yearly
//! analysis report (with downloads), and the incident page's analysis panel (suggested
//! classification with accept/correct, similar past incidents, the recurrence chain).

mod charts;

use super::incidents::TrendGroup;
use super::{Ctx, Opt, Page, PageError, render, require};
use crate::AppState;
use crate::auth::Caller;
use crate::middleware::form_pairs;
use crate::routes::Routes;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use opres_analysis::report::ReportOptions;
use opres_analysis::search::{SearchFilters, SearchRequest};
use opres_app::analysis::parse_fiscal_year;
use opres_app::{AppError, IncidentKey, Permission};
use opres_domain::{FiscalYear, Incident, Lang, TimeMeasure, Trend, Trigger};
use opres_store::Stored;
use serde::Deserialize;

pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/analysis", overview)
        .get("/analysis/search", search)
        .get("/analysis/report", report)
        .get("/analysis/style.css", report_css)
        .post("/incidents/{id}/classification", classify)
}

/// Results per search page.
const SEARCH_PAGE: usize = 20;
/// Entries in the top-systems and top-vendors lists.
const TOP_N: usize = 10;

/// The fiscal year asked for, or `default` with the message to show when the input was bad.
fn requested_fy(raw: Option<&str>, default: FiscalYear, p: &Page) -> (FiscalYear, Option<&'static str>) {
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => (default, None),
        Some(r) => match parse_fiscal_year(r) {
            Some(fy) => (fy, None),
            None => (default, Some(p.t("analysis.fy_invalid"))),
        },
    }
}

/// `12.3%`.
fn pct(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// `+3` / `−2` / `±0` / `—`.
fn signed(v: Option<i64>) -> String {
    match v {
        None => "—".into(),
        Some(0) => "±0".into(),
        Some(n) if n > 0 => format!("+{n}"),
        Some(n) => format!("−{}", n.unsigned_abs()),
    }
}

/// Minutes as `45 min` / `3.5 h` / `2.1 d` (`45分` / `3.5時間` / `2.1日`).
fn minutes(m: f64, lang: Lang) -> String {
    let (v, unit) = if m < 90.0 {
        (format!("{m:.0}"), lang.pick("分", " min"))
    } else if m < 48.0 * 60.0 {
        (format!("{:.1}", m / 60.0), lang.pick("時間", " h"))
    } else {
        (format!("{:.1}", m / 1440.0), lang.pick("日", " d"))
    };
    format!("{v}{unit}")
}

// -------------------------------------------------------------------------------------- overview

#[derive(Deserialize, Default)]
struct OverviewQuery {
    fy: Option<String>,
}

/// One key of a breakdown in the chosen year.
pub(crate) struct ShareRow {
    pub code: String,
    pub label: String,
    pub count: u64,
    pub share: String,
    pub yoy: String,
}

pub(crate) struct TimeRow {
    pub label: String,
    pub n: usize,
    pub mttd: String,
    pub mttr: String,
    pub mttr_p90: String,
    /// Incidents of the trend left out because their times contradict each other.
    pub excluded: u64,
}

pub(crate) struct TopRow {
    pub name: String,
    pub incidents: u64,
    pub institutions: u64,
}

pub(crate) struct Breakdowns {
    pub title: &'static str,
    pub rows: Vec<ShareRow>,
}

#[derive(Template)]
#[template(path = "analysis/overview.html")]
struct OverviewPage {
    p: Page,
    fy: FiscalYear,
    fy_options: Vec<i32>,
    error: Option<&'static str>,
    any_data: bool,
    /// `2025年度（4月1日〜12月3日）` while the year runs, `2024年度` once it has ended.
    period_label: String,
    /// `前年度同期（4月1日〜12月3日）比`: what the change compares with.
    comparison: String,
    previous_label: String,
    total: u64,
    previous: u64,
    yoy: String,
    cyber: u64,
    recurring: usize,
    chains: usize,
    chart_years: String,
    chart_trends: String,
    chart_cyber: String,
    chart_mttd: String,
    chart_mttr: String,
    /// The definitions shown with the time charts and table, and what was left out.
    mttd_def: String,
    mttr_def: String,
    times_excluded: Option<String>,
    chart_systems: String,
    breakdowns: Vec<Breakdowns>,
    times: Vec<TimeRow>,
    systems: Vec<TopRow>,
    vendors: Vec<TopRow>,
}

async fn overview(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Query(q): Query<OverviewQuery>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let p = ctx.page("analysis").await;
    let today = opres_app::today();
    // The overview shows the running year (to date); the report defaults to the last whole one.
    let (fy, error) = requested_fy(q.fy.as_deref(), FiscalYear::of_date(today), &p);
    let actor = crate::edge::actor_of(&caller, lang);
    let o = s.register.analysis_overview(&actor, fy, today, TOP_N).await.map_err(|e| PageError::app(lang, e))?;
    let all = &o.all_years;
    // Counts, shares and change come from the period and the same days of last year: like with like.
    let cmp = &o.compared;
    let mut fy_options: Vec<i32> = all.fiscal_years.iter().map(|y| y.0).collect();
    fy_options.push(FiscalYear::of_date(today).0);
    fy_options.push(fy.0);
    fy_options.sort_unstable_by(|a, b| b.cmp(a));
    fy_options.dedup();
    let year_total = |y: FiscalYear| {
        cmp.fiscal_years.iter().position(|x| *x == y).and_then(|i| cmp.totals.get(i)).copied().unwrap_or(0)
    };
    let (total, previous) = (year_total(fy), year_total(fy.previous()));
    let yoy = if all.fiscal_years.contains(&fy.previous()) || previous > 0 {
        signed(Some(total as i64 - previous as i64))
    } else {
        "—".into()
    };
    let breakdown = |d: opres_analysis::trends::Dimension| -> Vec<ShareRow> {
        cmp.breakdown(d)
            .map(|b| {
                b.rows
                    .iter()
                    .filter_map(|r| {
                        let c = r.year(fy)?;
                        (c.count > 0 || r.year(fy.previous()).is_some_and(|c| c.count > 0)).then(|| ShareRow {
                            code: r.key.clone(),
                            label: r.label(lang).to_string(),
                            count: c.count,
                            share: pct(c.share),
                            yoy: signed(c.yoy_change),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    use opres_analysis::trends::Dimension as D;
    let trends = breakdown(D::Trend);
    let cyber_rows = breakdown(D::Cyber);
    let cyber = cyber_rows.iter().find(|r| r.code == "cyber").map_or(0, |r| r.count);
    let breakdowns = vec![
        Breakdowns { title: p.t("analysis.by_trigger"), rows: breakdown(D::Trigger) },
        Breakdowns { title: p.t("analysis.by_trend"), rows: trends },
        Breakdowns { title: p.t("analysis.by_institution_type"), rows: breakdown(D::InstitutionType) },
        Breakdowns { title: p.t("analysis.by_channel"), rows: breakdown(D::Channel) },
        Breakdowns { title: p.t("analysis.by_cyber"), rows: cyber_rows },
    ];
    let times: Vec<TimeRow> = o
        .year
        .times_by_trend
        .iter()
        .map(|t| TimeRow {
            label: t.trend.label(lang).to_string(),
            n: t.mttd.as_ref().map_or(0, |d| d.n),
            mttd: t.mttd.as_ref().map_or_else(|| "—".into(), |d| minutes(d.median, lang)),
            mttr: t.mttr.as_ref().map_or_else(|| "—".into(), |d| minutes(d.median, lang)),
            mttr_p90: t.mttr.as_ref().map_or_else(|| "—".into(), |d| minutes(d.p90, lang)),
            excluded: t.inconsistent,
        })
        .collect();
    let top = |v: &[opres_analysis::trends::TopEntry]| -> Vec<TopRow> {
        v.iter()
            .map(|t| TopRow { name: t.name.clone(), incidents: t.incidents, institutions: t.institutions })
            .collect()
    };
    let page = OverviewPage {
        chart_years: charts::by_year(all, &p),
        chart_trends: charts::by_trend(cmp, fy, &p),
        chart_cyber: charts::cyber(cmp, fy, &p),
        chart_mttd: charts::median_times(&o.year, &p, true),
        chart_mttr: charts::median_times(&o.year, &p, false),
        mttd_def: TimeMeasure::TimeToDetect.median_definition(lang),
        mttr_def: TimeMeasure::TimeToRecover.median_definition(lang),
        times_excluded: opres_domain::measures::excluded_note(o.year.times.inconsistent, lang),
        period_label: o.period.label(lang),
        comparison: o.period.comparison_label(lang),
        previous_label: o.period.previous().label(lang),
        chart_systems: charts::top(&o.year.top_systems, p.t("analysis.top_systems"), &p),
        any_data: all.totals.iter().any(|n| *n > 0),
        systems: top(&o.year.top_systems),
        vendors: top(&o.year.top_vendors),
        fy,
        fy_options,
        error,
        total,
        previous,
        yoy,
        cyber,
        recurring: o.recurring,
        chains: o.chains,
        breakdowns,
        times,
        p,
    };
    Ok(render(lang, &page))
}

// ---------------------------------------------------------------------------------------- search

#[derive(Deserialize, Default)]
struct SearchQuery {
    q: Option<String>,
    page: Option<usize>,
}

pub(crate) struct HitRow {
    pub id: Option<i64>,
    pub reference: String,
    pub institution: String,
    pub trend: String,
    pub title_html: String,
    pub snippet_html: String,
}

#[derive(Template)]
#[template(path = "analysis/search.html")]
struct SearchPageView {
    p: Page,
    q: String,
    hits: Vec<HitRow>,
    total: usize,
    first: usize,
    last: usize,
    prev: Option<String>,
    next: Option<String>,
}

async fn search(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Query(q): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let p = ctx.page("analysis").await;
    let query = q.q.unwrap_or_default().trim().chars().take(500).collect::<String>();
    let page_no = q.page.unwrap_or(1).clamp(1, 1000);
    let offset = (page_no - 1) * SEARCH_PAGE;
    let mut view =
        SearchPageView { p, q: query.clone(), hits: vec![], total: 0, first: 0, last: 0, prev: None, next: None };
    if !query.is_empty() {
        let actor = crate::edge::actor_of(&caller, lang);
        let request = SearchRequest {
            query: query.clone(),
            filters: SearchFilters::default(),
            scope: None,
            offset,
            limit: SEARCH_PAGE,
        };
        let found = s.analysis.search(&s.register, &actor, request).await.map_err(|e| PageError::app(lang, e))?;
        for h in found.hits {
            let id = hit_id(&s, &actor, &h.reference).await.map_err(|e| PageError::app(lang, e))?;
            let trend = h.trend.parse::<Trend>().map(|t| t.label(lang).to_string()).unwrap_or(h.trend);
            view.hits.push(HitRow {
                id,
                reference: h.reference,
                institution: h.institution,
                trend,
                // Built by the engine from plain text: every character escaped, only its own <mark>s.
                title_html: h.title_html,
                snippet_html: h.snippet_html,
            });
        }
        view.total = found.total;
        view.first = if view.hits.is_empty() { 0 } else { offset + 1 };
        view.last = offset + view.hits.len();
        let link = |n: usize| format!("/analysis/search?q={}&page={n}", crate::auth::urlencode(&query));
        view.prev = (page_no > 1).then(|| link(page_no - 1));
        view.next = (view.last < found.total).then(|| link(page_no + 1));
    }
    Ok(render(lang, &view))
}

// ---------------------------------------------------------------------------------------- report

#[derive(Deserialize, Default)]
struct ReportQuery {
    fy: Option<String>,
    lang: Option<String>,
    anonymise: Option<String>,
    format: Option<String>,
}

#[derive(Template)]
#[template(path = "analysis/report.html")]
struct ReportPage {
    p: Page,
    fy: FiscalYear,
    fy_options: Vec<i32>,
    report_lang: &'static str,
    anonymise: bool,
    error: Option<&'static str>,
    empty: bool,
    body: String,
    qs: String,
}

async fn report(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Query(q): Query<ReportQuery>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let p = ctx.page("analysis").await;
    let today = opres_app::today();
    // A running year would be a partial year: the report opens on the last whole one.
    let (fy, mut error) = requested_fy(q.fy.as_deref(), FiscalYear::last_complete(today), &p);
    let report_lang = match q.lang.as_deref().map(str::trim) {
        Some("ja") => Lang::Ja,
        Some("en") => Lang::En,
        _ => lang,
    };
    let anonymise = matches!(q.anonymise.as_deref(), Some("1" | "on" | "true" | "yes"));
    let format = q.format.as_deref().map(str::trim).unwrap_or("");
    if !matches!(format, "" | "html" | "document" | "md" | "xlsx") {
        error = Some(p.t("analysis.format_invalid"));
    }
    let mut opts = ReportOptions::new(fy, report_lang, today);
    opts.anonymise = anonymise;
    let actor = crate::edge::actor_of(&caller, lang);
    let built = s.register.analysis_report(&actor, opts).await.map_err(|e| PageError::app(lang, e))?;
    let name = format!("opres-analysis-fy{}-{}{}", fy.0, report_lang.code(), if anonymise { "-anon" } else { "" });
    let download = |ctype: &'static str, ext: &str, bytes: Vec<u8>| -> Response {
        crate::download::attachment(&format!("{name}.{ext}"), ctype, bytes)
    };
    if error.is_none() {
        match format {
            "md" => return Ok(download("text/markdown; charset=utf-8", "md", built.to_markdown().into_bytes())),
            "xlsx" => {
                let bytes = built.to_xlsx().map_err(|e| PageError::internal(lang, e))?;
                return Ok(download(
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "xlsx",
                    bytes,
                ));
            }
            "document" => return Ok(download("text/html; charset=utf-8", "html", built.to_html().into_bytes())),
            _ => {}
        }
    }
    let mut fy_options: Vec<i32> = (0..6).map(|k| FiscalYear::of_date(today).0 - k).collect();
    if !fy_options.contains(&fy.0) {
        fy_options.push(fy.0);
        fy_options.sort_unstable_by(|a, b| b.cmp(a));
    }
    let qs = format!("fy={}&lang={}{}", fy.0, report_lang.code(), if anonymise { "&anonymise=1" } else { "" });
    let page = ReportPage {
        fy,
        fy_options,
        report_lang: report_lang.code(),
        anonymise,
        error,
        empty: built.total == 0,
        body: built.to_html_body(),
        qs,
        p,
    };
    Ok(render(lang, &page))
}

/// The analysis pages' style sheet (the in-page report cannot carry inline styles: the CSP forbids them).
const REPORT_CSS: &str = include_str!("report.css");

async fn report_css() -> Response {
    let mut r = REPORT_CSS.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    r
}

// ------------------------------------------------------------------------------- incident panel

pub(crate) struct ReasonRow {
    pub value: String,
    pub supports: String,
    pub weight: String,
}

pub(crate) struct SuggestionView {
    pub trigger: String,
    pub trend_code: String,
    pub trend: String,
    pub confidence: String,
    pub model: String,
    pub explain: String,
    pub reasons: Vec<ReasonRow>,
    pub alternative: Option<String>,
    /// The suggestion is what is already accepted.
    pub accepted: bool,
    /// The model abstained.
    pub unknown: bool,
}

pub(crate) struct SimilarRow {
    pub id: Option<i64>,
    pub reference: String,
    pub institution: String,
    pub title: String,
    pub trend: String,
}

pub(crate) struct ChainRow {
    pub id: Option<i64>,
    pub reference: String,
    pub occurred: String,
    pub trend: String,
    pub this: bool,
}

/// The analysis panel of the incident page.
pub(crate) struct IncidentPanel {
    pub suggestion: Option<SuggestionView>,
    pub similar: Vec<SimilarRow>,
    pub chain: Vec<ChainRow>,
    pub chain_reasons: Vec<String>,
    pub trend_groups: Vec<TrendGroup>,
    /// Something could not be computed (logged); the rest is shown.
    pub failed: bool,
}

/// Computes the panel; a failure in one part is logged and leaves that part empty, so the
/// incident page itself never fails because of analysis.
pub(crate) async fn incident_panel(s: &AppState, caller: &Caller, i: &Stored<Incident>, p: &Page) -> IncidentPanel {
    let lang = p.lang;
    let mut failed = false;
    let mut note = |e: &dyn std::fmt::Display| {
        tracing::warn!(error = %e, "incident analysis panel");
        failed = true;
    };
    let actor = crate::edge::actor_of(caller, lang);
    let suggestion = match s.analysis.suggest(&s.register, &actor, &i.value).await {
        Ok(suggested) => {
            let sg = suggested.suggestion;
            Some(SuggestionView {
                trigger: sg.trigger.label(lang).to_string(),
                trend_code: sg.trend.code().to_string(),
                trend: sg.trend.label(lang).to_string(),
                confidence: pct(sg.confidence),
                model: sg.model.label(lang).to_string(),
                explain: suggested.explanation,
                reasons: sg
                    .reasons
                    .iter()
                    .take(8)
                    .map(|r| ReasonRow {
                        value: r.value.clone(),
                        supports: r
                            .supports
                            .parse::<Trend>()
                            .map(|t| t.label(lang).to_string())
                            .or_else(|_| r.supports.parse::<Trigger>().map(|t| t.label(lang).to_string()))
                            .unwrap_or_else(|_| r.supports.clone()),
                        weight: format!("{:.2}", r.weight),
                    })
                    .collect(),
                alternative: sg.alternative.map(|(t, c)| format!("{} ({})", t.label(lang), pct(c))),
                accepted: sg.trend == i.value.classification.trend() && sg.trend != Trend::Unknown,
                unknown: sg.trend == Trend::Unknown,
            })
        }
        Err(e) => {
            note(&e);
            None
        }
    };
    let mut similar = Vec::new();
    match s.analysis.similar(&s.register, &actor, &i.value, 5).await {
        Ok(found) => {
            for h in found {
                let id = hit_id(s, &actor, &h.reference).await.ok().flatten();
                let trend = h.trend.parse::<Trend>().map(|t| t.label(lang).to_string()).unwrap_or(h.trend);
                similar.push(SimilarRow {
                    id,
                    reference: h.reference,
                    institution: h.institution,
                    title: h.title,
                    trend,
                });
            }
        }
        Err(e) => note(&e),
    }
    let mut chain = Vec::new();
    let mut chain_reasons = Vec::new();
    match s.register.recurrence_of(&actor, &i.value).await {
        Ok(Some(c)) => {
            for (k, r) in c.incidents.iter().enumerate() {
                let id = hit_id(s, &actor, &r.to_string()).await.ok().flatten();
                chain.push(ChainRow {
                    id,
                    reference: r.to_string(),
                    occurred: c.occurred.get(k).map(|t| p.dt(t)).unwrap_or_default(),
                    trend: c.trends.get(k).map(|t| t.label(lang).to_string()).unwrap_or_default(),
                    this: *r == i.value.reference,
                });
            }
            for l in &c.links {
                chain_reasons.push(match &l.reason {
                    opres_analysis::recurrence::LinkReason::SameSystemTrend { system, trend } => format!(
                        "{} → {}: {} {} · {}",
                        l.earlier,
                        l.later,
                        p.t("analysis.same_system_trend"),
                        system,
                        trend.label(lang)
                    ),
                    opres_analysis::recurrence::LinkReason::SimilarCause { similarity } => format!(
                        "{} → {}: {} {:.0}%",
                        l.earlier,
                        l.later,
                        p.t("analysis.similar_cause"),
                        similarity * 100.0
                    ),
                });
            }
        }
        Ok(None) => {}
        Err(e) => note(&e),
    }
    let trend_groups = Trigger::ALL
        .iter()
        .map(|t| TrendGroup {
            label: t.short_label(lang).to_string(),
            trends: t.trends().map(|x| Opt { code: x.code().into(), label: x.label(lang).into() }).collect(),
        })
        .collect();
    IncidentPanel { suggestion, similar, chain, chain_reasons, trend_groups, failed }
}

// -------------------------------------------------------------------------------- accept/correct

async fn classify(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    require(&caller, Permission::Classify, lang)?;
    let i = super::incidents::load(&s, &caller, id, lang).await?;
    let pairs = form_pairs(&body);
    let field = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_string()).unwrap_or_default();
    let version = field("version").parse::<i64>().ok();
    let trend = field("trend").parse::<Trend>().ok();
    let (Some(version), Some(trend)) = (version, trend) else {
        let msg = ctx.page("").await.t("analysis.classification_invalid").to_string();
        return super::incidents::detail_page(&s, &ctx, &crate::edge::actor_of(&caller, lang), i, Some(msg))
            .await
            .map_err(|crate::edge::Failed(e)| PageError::app(lang, e));
    };
    let actor = crate::edge::actor_of(&caller, lang);
    match s.register.reclassify_incident(&actor, &IncidentKey::Id(id), Some(version), trend).await {
        Ok(_) => {
            ctx.flash("analysis.classification_saved").await;
            Ok(Redirect::to(&format!("/incidents/{id}#classification")).into_response())
        }
        Err(AppError::Conflict { .. }) => {
            let msg = ctx.page("").await.t("form.conflict").to_string();
            super::incidents::detail_page(&s, &ctx, &actor, i, Some(msg))
                .await
                .map_err(|crate::edge::Failed(e)| PageError::app(lang, e))
        }
        Err(e) => Err(PageError::app(lang, e)),
    }
}

/// The row id of a search hit's incident, for its link (`None`: the reference no longer reads or
/// the incident has gone since the index saw it).
async fn hit_id(s: &AppState, actor: &opres_app::Actor, reference: &str) -> Result<Option<i64>, opres_app::AppError> {
    let Ok(key) = opres_app::IncidentKey::parse(reference) else { return Ok(None) };
    match s.register.find_incident(actor, &key).await {
        Ok(i) => Ok(Some(i.id)),
        Err(opres_app::AppError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}
