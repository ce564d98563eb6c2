//! Incidents: the filtered list (with export of the current view), the detail page with its
//! timeline and report stages, and the create and edit forms.

use super::{Ctx, OrPage, Page, PageError, render, require};
use crate::AppState;
use crate::auth::Caller;
use crate::middleware::form_pairs;
use crate::routes::Routes;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};
use opres_app::{FilterParams, Permission};
use opres_domain::System;
use opres_domain::record::{IncidentRecord, RawScalar};
use opres_domain::{
    Channel, FiscalYear, Incident, IncidentStatus, JST, Lang, Problem, ReportStage, ReportStageKind, ReportSubmission,
    SettlementImpact, TimelineEntry, Trend, Trigger, ValidationErrors,
};
use opres_store::{AuditEntry, AuditQuery, DisplayZone, IncidentQuery, IncidentSort, StoreError, Stored};
use serde::Deserialize;
use std::collections::HashMap;

pub(super) fn routes(r: Routes) -> Routes {
    r.get("/incidents", list)
        .get("/incidents/export", export)
        .get("/incidents/new", new_form)
        .post("/incidents", create)
        .get("/incidents/{id}", detail)
        .get("/incidents/{id}/edit", edit_form)
        .post("/incidents/{id}", update)
        .post("/incidents/{id}/delete", delete)
        .post("/incidents/{id}/timeline", add_timeline)
        .post("/incidents/{id}/submissions", add_submission)
}

const PAGE_SIZE: u32 = 50;
/// Counting stops here: beyond it the list says "10,000+" and asks for a narrower filter.
pub(crate) const COUNT_CAP: u64 = 10_000;

/// An option of a select: code, label.
pub(crate) struct Opt {
    pub code: String,
    pub label: String,
}

fn opts<T: Copy>(all: &[T], code: fn(T) -> &'static str, label: impl Fn(T) -> String) -> Vec<Opt> {
    all.iter().map(|v| Opt { code: code(*v).into(), label: label(*v) }).collect()
}

// ------------------------------------------------------------------------------------------ list

#[derive(Deserialize, Default, Clone)]
struct ListQuery {
    institution: Option<String>,
    fy: Option<String>,
    from: Option<String>,
    to: Option<String>,
    trigger: Option<String>,
    trend: Option<String>,
    channel: Option<String>,
    status: Option<String>,
    cyber: Option<String>,
    q: Option<String>,
    sort: Option<String>,
    order: Option<String>,
    page: Option<u64>,
    format: Option<String>,
    #[allow(dead_code)] // read by the language logic
    lang: Option<String>,
}

fn v(o: &Option<String>) -> String {
    o.as_deref().unwrap_or("").trim().to_string()
}

/// `YYYY-MM-DD` in the user's zone → RFC 3339 at that day's midnight (plus `days`).
fn day_start(raw: &str, zone: DisplayZone, days: i64) -> Option<String> {
    let d = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()? + chrono::Duration::days(days);
    let t = d.and_hms_opt(0, 0, 0)?;
    Some(match zone {
        DisplayZone::Jst => JST.from_local_datetime(&t).single()?.to_rfc3339(),
        DisplayZone::Utc => Utc.from_utc_datetime(&t).to_rfc3339(),
    })
}

impl ListQuery {
    fn params(&self, zone: DisplayZone) -> (FilterParams, ValidationErrors) {
        let mut errs = ValidationErrors::default();
        let mut date = |field: &str, raw: &Option<String>, days: i64| {
            let raw = v(raw);
            if raw.is_empty() {
                return None;
            }
            let t = day_start(&raw, zone, days);
            if t.is_none() {
                errs.push(field, Problem::TimestampMalformed { value: raw });
            }
            t
        };
        let from = date("from", &self.from, 0);
        let to = date("to", &self.to, 1);
        let params = FilterParams {
            institutions: self.institution.iter().filter(|s| !s.trim().is_empty()).cloned().collect(),
            fy: self.fy.clone(),
            from,
            to,
            trigger: self.trigger.clone(),
            trend: self.trend.clone(),
            channel: self.channel.clone(),
            status: self.status.clone(),
            cyber: self.cyber.clone(),
            text: self.q.clone(),
        };
        (params, errs)
    }

    /// The query string of this view, without paging and sorting (for links that change those).
    fn filter_qs(&self) -> String {
        let pairs = [
            ("institution", &self.institution),
            ("fy", &self.fy),
            ("from", &self.from),
            ("to", &self.to),
            ("trigger", &self.trigger),
            ("trend", &self.trend),
            ("channel", &self.channel),
            ("status", &self.status),
            ("cyber", &self.cyber),
            ("q", &self.q),
        ];
        pairs
            .iter()
            .filter_map(|(k, val)| {
                let val = v(val);
                (!val.is_empty()).then(|| format!("{k}={}", crate::auth::urlencode(&val)))
            })
            .collect::<Vec<_>>()
            .join("&")
    }
}

pub(crate) struct Row {
    pub id: i64,
    pub reference: String,
    pub institution: String,
    pub occurred: String,
    pub title: String,
    pub trend: &'static str,
    pub trigger: &'static str,
    pub channels: String,
    pub status_code: &'static str,
    pub status: &'static str,
    pub customers: String,
    pub cyber: bool,
}

pub(crate) struct SortLink {
    pub key: &'static str,
    pub label_key: &'static str,
    pub href: String,
    pub aria: &'static str,
}

#[derive(Template)]
#[template(path = "incidents/results.html")]
struct Results {
    p: Page,
    rows: Vec<Row>,
    total: u64,
    total_capped: bool,
    first: u64,
    last: u64,
    prev: Option<String>,
    next: Option<String>,
    sorts: Vec<SortLink>,
    errors: Vec<String>,
    export_qs: String,
}

#[derive(Template)]
#[template(path = "incidents/list.html")]
struct ListPage {
    p: Page,
    results: Results,
    f: HashMap<&'static str, String>,
    institutions: Vec<Opt>,
    triggers: Vec<Opt>,
    trends: Vec<Opt>,
    channels: Vec<Opt>,
    statuses: Vec<Opt>,
    fys: Vec<i32>,
}

impl ListPage {
    fn f(&self, k: &str) -> &str {
        self.f.get(k).map(String::as_str).unwrap_or("")
    }

    fn sel(&self, k: &str, val: &str) -> bool {
        self.f(k) == val
    }
}

async fn institution_opts(s: &AppState, caller: &Caller, lang: Lang) -> Result<Vec<Opt>, StoreError> {
    Ok(s.register
        .store()
        .list_institutions()
        .await?
        .into_iter()
        .filter(|i| caller.sees(&i.value.code))
        .map(|i| Opt { code: i.value.code.to_string(), label: format!("{} {}", i.value.code, i.value.name(lang)) })
        .collect())
}

async fn list(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let zone = caller.user.value.time_zone;
    let (params, mut errs) = q.params(zone);
    let filter = match params.parse(caller.scope()) {
        Ok(f) => Some(f),
        Err(e) => {
            errs.0.extend(e.0);
            None
        }
    };
    let sort = q.sort.as_deref().and_then(IncidentSort::parse).unwrap_or_default();
    let descending = q.order.as_deref() != Some("asc");
    let page_no = q.page.unwrap_or(1).max(1);
    let p = ctx.page("incidents").await;
    let (rows, total, total_capped) = match &filter {
        Some(filter) if errs.is_empty() => {
            let page = s
                .register
                .store()
                .list_incidents_capped(
                    &IncidentQuery {
                        filter: filter.clone(),
                        sort,
                        descending,
                        limit: PAGE_SIZE,
                        offset: (page_no - 1) * u64::from(PAGE_SIZE),
                    },
                    COUNT_CAP,
                )
                .await
                .or_page(lang)?;
            let rows = page.items.iter().map(|i| row(&p, i)).collect();
            (rows, page.total, page.total_capped)
        }
        _ => (vec![], 0, false),
    };
    let base = q.filter_qs();
    let with = |extra: String| if base.is_empty() { format!("?{extra}") } else { format!("?{base}&{extra}") };
    let order = if descending { "desc" } else { "asc" };
    let sort_qs = format!("sort={}&order={order}", sort.code());
    let pages = total.div_ceil(u64::from(PAGE_SIZE)).max(1);
    let prev = (page_no > 1).then(|| with(format!("{sort_qs}&page={}", page_no - 1)));
    let next = (page_no < pages).then(|| with(format!("{sort_qs}&page={}", page_no + 1)));
    let sorts = [
        (IncidentSort::Reference, "col.reference"),
        (IncidentSort::Institution, "col.institution"),
        (IncidentSort::OccurredAt, "col.occurred"),
        (IncidentSort::Trend, "col.trend"),
        (IncidentSort::CustomersAffected, "col.customers"),
    ]
    .into_iter()
    .map(|(key, label_key)| {
        let active = key == sort;
        let flip = if active && descending { "asc" } else { "desc" };
        SortLink {
            key: key.code(),
            label_key,
            href: with(format!("sort={}&order={flip}", key.code())),
            aria: match (active, descending) {
                (false, _) => "none",
                (true, true) => "descending",
                (true, false) => "ascending",
            },
        }
    })
    .collect();
    let first = if total == 0 { 0 } else { (page_no - 1) * u64::from(PAGE_SIZE) + 1 };
    let last = (page_no * u64::from(PAGE_SIZE)).min(total);
    let mut f = HashMap::new();
    for (k, val) in [
        ("institution", &q.institution),
        ("fy", &q.fy),
        ("from", &q.from),
        ("to", &q.to),
        ("trigger", &q.trigger),
        ("trend", &q.trend),
        ("channel", &q.channel),
        ("status", &q.status),
        ("cyber", &q.cyber),
        ("q", &q.q),
    ] {
        f.insert(k, v(val));
    }
    let this_fy = FiscalYear::of(&Utc::now()).0;
    let results = Results {
        p: p.clone(),
        errors: errs.iter().map(|e| format!("{}: {}", e.field, e.problem.message(lang))).collect(),
        export_qs: with(sort_qs),
        rows,
        total,
        total_capped,
        first,
        last,
        prev,
        next,
        sorts,
    };
    if ctx.htmx {
        return Ok(render(lang, &results));
    }
    let page = ListPage {
        results,
        institutions: institution_opts(&s, &caller, lang).await.or_page(lang)?,
        triggers: opts(&Trigger::ALL, Trigger::code, |t| t.short_label(lang).to_string()),
        trends: opts(&Trend::ALL, Trend::code, |t| t.label(lang).to_string()),
        channels: opts(&Channel::ALL, Channel::code, |c| c.label(lang).to_string()),
        statuses: opts(&IncidentStatus::ALL, IncidentStatus::code, |c| c.label(lang).to_string()),
        fys: (this_fy - 6..=this_fy).rev().collect(),
        p,
        f,
    };
    Ok(render(lang, &page))
}

fn row(p: &Page, i: &Stored<Incident>) -> Row {
    let lang = p.lang;
    let v = &i.value;
    Row {
        id: i.id,
        reference: v.reference.to_string(),
        institution: v.institution.to_string(),
        occurred: p.dt(v.times.occurred_at()),
        title: v.title.get(lang).to_string(),
        trend: v.classification.trend().label(lang),
        trigger: v.classification.trigger().code(),
        channels: v.channels.iter().map(|c| c.label(lang)).collect::<Vec<_>>().join("、"),
        status_code: v.status().code(),
        status: v.status().label(lang),
        customers: v.customers_affected.map(super::group).unwrap_or_else(|| "—".into()),
        cyber: v.cyber_attack,
    }
}

/// The current view (every page of it) as CSV or XLSX, headers in the user's language.
async fn export(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let (params, errs) = q.params(caller.user.value.time_zone);
    let filter = params.parse(caller.scope()).ok().filter(|_| errs.is_empty());
    let Some(filter) = filter else {
        return Ok(Redirect::to(&format!("/incidents?{}", q.filter_qs())).into_response());
    };
    let incidents: Vec<Incident> =
        s.register.store().all_incidents(&filter).await.or_page(lang)?.into_iter().map(|i| i.value).collect();
    let (format, ext) = match q.format.as_deref() {
        Some("xlsx") => (opres_interchange::Format::Xlsx, "xlsx"),
        _ => (opres_interchange::Format::Csv, "csv"),
    };
    let mut out = Vec::new();
    if format == opres_interchange::Format::Csv {
        out.extend_from_slice("\u{feff}".as_bytes()); // so Excel reads the CSV as UTF-8
    }
    opres_interchange::write_incidents_with(format, &incidents, lang.into(), &mut out)
        .map_err(|e| PageError::internal(lang, e))?;
    let name = format!("incidents-{}.{ext}", Utc::now().with_timezone(&JST).format("%Y%m%d-%H%M"));
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .unwrap_or(HeaderValue::from_static("attachment"));
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(format.media_type())),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        out,
    )
        .into_response())
}

// ---------------------------------------------------------------------------------------- detail

pub(crate) struct StageRow {
    pub label: &'static str,
    pub due: String,
    pub status_code: &'static str,
    pub status: &'static str,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "incidents/detail.html")]
struct DetailPage {
    p: Page,
    i: Stored<Incident>,
    institution_name: String,
    stages: Vec<StageRow>,
    mttd: String,
    mttr: String,
    history: Vec<AuditEntry>,
    stage_opts: Vec<Opt>,
    form_error: Option<String>,
    panel: super::analysis::IncidentPanel,
}

impl DetailPage {
    fn yen(&self) -> String {
        self.i.value.transaction_value.map(|y| y.to_string()).unwrap_or_else(|| "—".into())
    }

    fn count<T: super::Val<Option<u64>>>(&self, n: T) -> String {
        n.val().map(super::group).unwrap_or_else(|| "—".into())
    }

    fn text<'a>(&self, s: &'a Option<String>) -> &'a str {
        s.as_deref().filter(|s| !s.trim().is_empty()).unwrap_or("—")
    }

    fn yes_no<T: super::Val<bool>>(&self, b: T) -> &'static str {
        if b.val() { self.p.t("common.yes") } else { self.p.t("common.no") }
    }

    fn channels(&self) -> String {
        let v: Vec<&str> = self.i.value.channels.iter().map(|c| c.label(self.p.lang)).collect();
        if v.is_empty() { "—".into() } else { v.join("、") }
    }

    fn systems(&self) -> String {
        let v: Vec<&str> = self.i.value.affected_systems.iter().map(|c| c.as_str()).collect();
        if v.is_empty() { "—".into() } else { v.join(", ") }
    }

    fn secondary(&self) -> String {
        let v: Vec<&str> = self.i.value.secondary_trends.iter().map(|c| c.label(self.p.lang)).collect();
        if v.is_empty() { "—".into() } else { v.join("、") }
    }
}

/// `1 h 05 min` / `1時間05分`.
fn duration(d: chrono::Duration, lang: Lang) -> String {
    let m = d.num_minutes();
    let (days, h, min) = (m / 1440, (m % 1440) / 60, m % 60);
    match lang {
        Lang::Ja if days > 0 => format!("{days}日{h}時間{min:02}分"),
        Lang::Ja => format!("{h}時間{min:02}分"),
        Lang::En if days > 0 => format!("{days} d {h} h {min:02} min"),
        Lang::En => format!("{h} h {min:02} min"),
    }
}

pub(crate) async fn load(s: &AppState, caller: &Caller, id: i64, lang: Lang) -> Result<Stored<Incident>, PageError> {
    match s.register.store().incident(id).await.or_page(lang)? {
        Some(i) if caller.sees(&i.value.institution) => Ok(i),
        _ => Err(PageError::NotFound(lang)),
    }
}

fn stage_rows(p: &Page, stages: &[ReportStage]) -> Vec<StageRow> {
    stages
        .iter()
        .map(|st| StageRow {
            label: st.kind.label(p.lang),
            due: p.dt(st.due_at),
            status_code: st.status.code(),
            status: st.status.label(p.lang),
            overdue: st.is_overdue(),
        })
        .collect()
}

pub(crate) async fn detail_page(
    s: &AppState,
    ctx: &Ctx,
    caller: &Caller,
    i: Stored<Incident>,
    form_error: Option<String>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let p = ctx.page("incidents").await;
    let stages = stage_rows(&p, &s.register.policy().stages(&i.value, Utc::now()));
    let institution_name = s
        .register
        .store()
        .institution(&i.value.institution)
        .await
        .or_page(lang)?
        .map(|x| x.value.name(lang).to_string())
        .unwrap_or_default();
    let history = if caller.can(Permission::ReadAudit) {
        s.register
            .store()
            .list_audit(&AuditQuery {
                object_kind: Some("incident".into()),
                object_key: Some(i.value.reference.to_string()),
                limit: 50,
                ..Default::default()
            })
            .await
            .or_page(lang)?
            .items
    } else {
        vec![]
    };
    let panel = super::analysis::incident_panel(s, caller, &i, &p).await;
    let page = DetailPage {
        panel,
        mttd: duration(i.value.time_to_detect(), lang),
        mttr: i.value.time_to_recover().map(|d| duration(d, lang)).unwrap_or_else(|| "—".into()),
        stage_opts: opts(&ReportStageKind::ALL[1..], ReportStageKind::code, |k| k.label(lang).to_string()),
        p,
        i,
        institution_name,
        stages,
        history,
        form_error,
    };
    Ok(render(lang, &page))
}

async fn detail(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let i = load(&s, &caller, id, ctx.lang).await?;
    detail_page(&s, &ctx, &caller, i, None).await
}

fn pair<'a>(pairs: &'a [(String, String)], key: &str) -> &'a str {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim()).unwrap_or("")
}

/// A `datetime-local` value in the user's zone → RFC 3339; other text is passed on for validation.
fn local_time(raw: &str, zone: DisplayZone) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let parsed = NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S"))
        .ok();
    Some(match parsed {
        Some(t) => match zone {
            DisplayZone::Jst => format!("{}+09:00", t.format("%Y-%m-%dT%H:%M:%S")),
            DisplayZone::Utc => format!("{}Z", t.format("%Y-%m-%dT%H:%M:%S")),
        },
        None => raw.to_string(),
    })
}

/// An RFC 3339 instant → a `datetime-local` value in the user's zone.
fn local_value(t: &chrono::DateTime<Utc>, zone: DisplayZone) -> String {
    match zone {
        DisplayZone::Jst => t.with_timezone(&JST).format("%Y-%m-%dT%H:%M").to_string(),
        DisplayZone::Utc => t.format("%Y-%m-%dT%H:%M").to_string(),
    }
}

async fn add_timeline(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    require(&caller, Permission::EditIncident, lang)?;
    let i = load(&s, &caller, id, lang).await?;
    let pairs = form_pairs(&body);
    let at = local_time(pair(&pairs, "at"), caller.user.value.time_zone).unwrap_or_default();
    let text = pair(&pairs, "text").to_string();
    let at = opres_domain::time::parse_timestamp(&at).ok();
    let (Some(at), false) = (at, text.is_empty()) else {
        return detail_page(&s, &ctx, &caller, i, Some(ctx.page("").await.t("incident.timeline_invalid").into())).await;
    };
    s.register.store().add_timeline_entry(id, &TimelineEntry { at, text }, &caller.audit()).await.or_page(lang)?;
    ctx.flash("flash.saved").await;
    Ok(Redirect::to(&format!("/incidents/{id}#timeline")).into_response())
}

async fn add_submission(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    require(&caller, Permission::EditIncident, lang)?;
    let i = load(&s, &caller, id, lang).await?;
    let pairs = form_pairs(&body);
    let at = local_time(pair(&pairs, "submitted_at"), caller.user.value.time_zone).unwrap_or_default();
    let at = opres_domain::time::parse_timestamp(&at).ok().filter(|t| *t >= i.value.times.detected_at());
    let stage = pair(&pairs, "stage").parse::<ReportStageKind>().ok();
    let (Some(submitted_at), Some(stage)) = (at, stage) else {
        return detail_page(&s, &ctx, &caller, i, Some(ctx.page("").await.t("incident.submission_invalid").into()))
            .await;
    };
    s.register
        .store()
        .add_report_submission(id, &ReportSubmission { stage, submitted_at }, &caller.audit())
        .await
        .or_page(lang)?;
    ctx.flash("flash.saved").await;
    Ok(Redirect::to(&format!("/incidents/{id}#stages")).into_response())
}

async fn delete(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    require(&caller, Permission::DeleteIncident, lang)?;
    let i = load(&s, &caller, id, lang).await?;
    let pairs = form_pairs(&body);
    let version = pair(&pairs, "version").parse::<i64>().unwrap_or(i.version);
    match s.register.store().delete_incident(id, version, &caller.audit()).await {
        Ok(()) => {
            ctx.flash("flash.deleted").await;
            Ok(Redirect::to("/incidents").into_response())
        }
        Err(StoreError::Conflict { .. }) => {
            detail_page(&s, &ctx, &caller, i, Some(ctx.page("").await.t("form.conflict").into())).await
        }
        Err(e) => Err(PageError::store(lang, e)),
    }
}

// ------------------------------------------------------------------------------------------ form

/// The form's values as typed and its problems by field.
#[derive(Default)]
pub(crate) struct FormState {
    values: HashMap<String, String>,
    multi: HashMap<String, Vec<String>>,
    errors: HashMap<String, Vec<String>>,
}

impl FormState {
    pub fn v(&self, k: &str) -> &str {
        self.values.get(k).map(String::as_str).unwrap_or("")
    }

    pub fn has(&self, k: &str, val: &str) -> bool {
        self.multi.get(k).is_some_and(|v| v.iter().any(|x| x == val)) || self.v(k) == val
    }

    pub fn checked(&self, k: &str) -> bool {
        matches!(self.v(k), "true" | "on" | "1")
    }

    pub fn err(&self, k: &str) -> String {
        self.errors.get(k).map(|v| v.join(" ")).unwrap_or_default()
    }

    pub fn bad(&self, k: &str) -> bool {
        self.errors.contains_key(k)
    }

    fn from_incident(i: &Incident, zone: DisplayZone) -> FormState {
        let r = IncidentRecord::from(i);
        let mut f = FormState::default();
        let mut set = |k: &str, v: Option<String>| {
            f.values.insert(k.into(), v.unwrap_or_default());
        };
        set("reference", Some(r.reference));
        set("institution", Some(r.institution));
        set("title_ja", r.title_ja);
        set("title_en", r.title_en);
        set("description_ja", r.description_ja);
        set("description_en", r.description_en);
        let t = &i.times;
        set("occurred_at", Some(local_value(&t.occurred_at(), zone)));
        set("detected_at", Some(local_value(&t.detected_at(), zone)));
        set("first_reported_at", t.first_reported_at().map(|x| local_value(&x, zone)));
        set("recovered_at", t.recovered_at().map(|x| local_value(&x, zone)));
        set("cause_identified_at", t.cause_identified_at().map(|x| local_value(&x, zone)));
        set("closed_at", t.closed_at().map(|x| local_value(&x, zone)));
        set("customers_affected", i.customers_affected.map(|n| n.to_string()));
        set("transactions_affected", i.transactions_affected.map(|n| n.to_string()));
        set("transaction_value_jpy", i.transaction_value.map(|n| n.get().to_string()));
        set("settlement_impact", Some(i.settlement_impact.code().into()));
        set("cyber_attack", Some(i.cyber_attack.to_string()));
        set("trigger", Some(i.classification.trigger().code().into()));
        set("trend", Some(i.classification.trend().code().into()));
        set("vendor", r.vendor);
        set("root_cause", r.root_cause);
        set("interim_measures", r.interim_measures);
        set("recurrence_prevention", r.recurrence_prevention);
        set("customer_handling", r.customer_handling);
        set("publicly_announced", Some(i.publicly_announced.to_string()));
        set("good_practice", Some(i.good_practice.is_some().to_string()));
        set("good_practice_note", r.good_practice_note);
        f.multi.insert("channels".into(), r.channels);
        f.multi.insert("affected_systems".into(), r.affected_systems);
        f.multi.insert("secondary_trends".into(), r.secondary_trends);
        f
    }

    fn from_pairs(pairs: Vec<(String, String)>) -> FormState {
        let mut f = FormState::default();
        for (k, v) in pairs {
            if matches!(k.as_str(), "channels" | "affected_systems" | "secondary_trends") {
                f.multi.entry(k).or_default().push(v);
            } else {
                f.values.entry(k).or_insert(v);
            }
        }
        f
    }

    /// The record the form describes; times are read in the user's zone.
    fn record(&self, zone: DisplayZone, keep: Option<&Incident>) -> IncidentRecord {
        let opt = |k: &str| Some(self.v(k).trim().to_string()).filter(|s| !s.is_empty());
        let num = |k: &str| opt(k).map(|s| RawScalar::Text(s.replace(',', "")));
        let time = |k: &str| local_time(self.v(k), zone);
        let multi = |k: &str| self.multi.get(k).cloned().unwrap_or_default();
        let kept = keep.map(IncidentRecord::from).unwrap_or_default();
        IncidentRecord {
            reference: self.v("reference").trim().to_string(),
            institution: self.v("institution").trim().to_string(),
            title_ja: opt("title_ja"),
            title_en: opt("title_en"),
            description_ja: opt("description_ja"),
            description_en: opt("description_en"),
            occurred_at: time("occurred_at").unwrap_or_default(),
            detected_at: time("detected_at").unwrap_or_default(),
            first_reported_at: time("first_reported_at"),
            recovered_at: time("recovered_at"),
            cause_identified_at: time("cause_identified_at"),
            closed_at: time("closed_at"),
            channels: multi("channels"),
            affected_systems: multi("affected_systems"),
            customers_affected: num("customers_affected"),
            transactions_affected: num("transactions_affected"),
            transaction_value_jpy: num("transaction_value_jpy"),
            settlement_impact: opt("settlement_impact"),
            cyber_attack: Some(RawScalar::Bool(self.checked("cyber_attack"))),
            trigger: opt("trigger"),
            trend: opt("trend"),
            secondary_trends: multi("secondary_trends"),
            vendor: opt("vendor"),
            root_cause: opt("root_cause"),
            interim_measures: opt("interim_measures"),
            recurrence_prevention: opt("recurrence_prevention"),
            customer_handling: opt("customer_handling"),
            publicly_announced: Some(RawScalar::Bool(self.checked("publicly_announced"))),
            good_practice: Some(RawScalar::Bool(self.checked("good_practice"))),
            good_practice_note: opt("good_practice_note"),
            // The form edits the incident itself; timeline and submissions have their own forms.
            timeline: kept.timeline,
            report_submissions: kept.report_submissions,
        }
    }

    fn add_errors(&mut self, errs: &ValidationErrors, lang: Lang) {
        let cat = crate::i18n::Catalogue(lang);
        for e in errs.iter() {
            let mut msg = e.problem.message(lang);
            // The domain names the other field by its code; the form shows its label.
            if let Problem::Before { other_field } | Problem::Requires { other_field } = &e.problem {
                msg = msg.replace(other_field, cat.t(&format!("f.{other_field}")));
            }
            self.errors.entry(e.field.clone()).or_default().push(msg);
        }
    }
}

pub(crate) struct TrendGroup {
    pub label: String,
    pub trends: Vec<Opt>,
}

#[derive(Template)]
#[template(path = "incidents/form.html")]
struct FormPage {
    p: Page,
    f: FormState,
    /// `None` when creating.
    id: Option<i64>,
    version: i64,
    summary: Vec<String>,
    conflict: Option<i64>,
    institutions: Vec<Opt>,
    systems: Vec<Opt>,
    triggers: Vec<Opt>,
    trend_groups: Vec<TrendGroup>,
    channels: Vec<Opt>,
    impacts: Vec<Opt>,
    can_classify: bool,
}

impl FormPage {
    fn action(&self) -> String {
        match self.id {
            Some(id) => format!("/incidents/{id}"),
            None => "/incidents".into(),
        }
    }
}

async fn form_page(
    s: &AppState,
    ctx: &Ctx,
    caller: &Caller,
    f: FormState,
    id: Option<i64>,
    version: i64,
    conflict: Option<i64>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let p = ctx.page("incidents").await;
    let systems: Vec<Stored<System>> = s
        .register
        .store()
        .list_systems(None)
        .await
        .or_page(lang)?
        .into_iter()
        .filter(|x| caller.sees(&x.value.institution))
        .collect();
    let mut summary: Vec<String> =
        f.errors.iter().map(|(k, v)| format!("{}: {}", p.t(&format!("f.{k}")), v.join(" "))).collect();
    summary.sort();
    let page = FormPage {
        institutions: institution_opts(s, caller, lang).await.or_page(lang)?,
        systems: systems
            .iter()
            .map(|x| Opt {
                code: x.value.code.to_string(),
                label: format!("{} · {} {}", x.value.institution, x.value.code, x.value.name),
            })
            .collect(),
        triggers: opts(&Trigger::ALL, Trigger::code, |t| t.short_label(lang).to_string()),
        trend_groups: Trigger::ALL
            .iter()
            .map(|t| TrendGroup {
                label: t.short_label(lang).to_string(),
                trends: t.trends().map(|x| Opt { code: x.code().into(), label: x.label(lang).into() }).collect(),
            })
            .collect(),
        channels: opts(&Channel::ALL, Channel::code, |c| c.label(lang).to_string()),
        impacts: opts(&SettlementImpact::ALL, SettlementImpact::code, |c| c.label(lang).to_string()),
        can_classify: caller.can(Permission::Classify) || id.is_none(),
        p,
        f,
        id,
        version,
        summary,
        conflict,
    };
    let status = if page.summary.is_empty() && conflict.is_none() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, render(lang, &page)).into_response())
}

async fn new_form(State(s): State<AppState>, ctx: Ctx, caller: Caller) -> Result<Response, PageError> {
    require(&caller, Permission::CreateIncident, ctx.lang)?;
    let mut f = FormState::default();
    if let Some(only) = caller.scope().filter(|v| v.len() == 1) {
        f.values.insert("institution".into(), only[0].to_string());
    }
    f.values.insert("settlement_impact".into(), "none".into());
    form_page(&s, &ctx, &caller, f, None, 0, None).await
}

async fn edit_form(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    require(&caller, Permission::EditIncident, ctx.lang)?;
    let i = load(&s, &caller, id, ctx.lang).await?;
    let f = FormState::from_incident(&i.value, caller.user.value.time_zone);
    form_page(&s, &ctx, &caller, f, Some(id), i.version, None).await
}

/// Checks the parts the domain cannot: scope and, for reporters, the classification.
fn access_problems(caller: &Caller, value: &Incident, before: Option<&Incident>) -> ValidationErrors {
    let mut e = ValidationErrors::default();
    if !caller.sees(&value.institution) {
        e.push("institution", Problem::UnknownReference { value: value.institution.to_string() });
    }
    if let Some(before) = before
        && !caller.can(Permission::Classify)
        && (before.classification != value.classification || before.secondary_trends != value.secondary_trends)
    {
        e.push(
            "trend",
            Problem::BadFormat {
                value: value.classification.trend().code().into(),
                hint: "only analysts change the classification",
            },
        );
    }
    e
}

async fn create(State(s): State<AppState>, ctx: Ctx, caller: Caller, body: Bytes) -> Result<Response, PageError> {
    let lang = ctx.lang;
    require(&caller, Permission::CreateIncident, lang)?;
    let zone = caller.user.value.time_zone;
    let mut f = FormState::from_pairs(form_pairs(&body));
    let value = match f.record(zone, None).validate() {
        Ok(v) => v,
        Err(errs) => {
            f.add_errors(&errs, lang);
            return form_page(&s, &ctx, &caller, f, None, 0, None).await;
        }
    };
    let errs = access_problems(&caller, &value, None);
    if !errs.is_empty() {
        f.add_errors(&errs, lang);
        return form_page(&s, &ctx, &caller, f, None, 0, None).await;
    }
    match s.register.store().create_incident(&value, &caller.audit()).await {
        Ok(created) => {
            ctx.flash("flash.created").await;
            Ok(Redirect::to(&format!("/incidents/{}", created.id)).into_response())
        }
        Err(e) => store_problem(&s, &ctx, &caller, f, None, 0, e).await,
    }
}

/// Refusals the user can fix become field messages; anything else is an internal error.
async fn store_problem(
    s: &AppState,
    ctx: &Ctx,
    caller: &Caller,
    mut f: FormState,
    id: Option<i64>,
    version: i64,
    e: StoreError,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let mut errs = ValidationErrors::default();
    match e {
        StoreError::AlreadyExists { key, .. } => errs.push("reference", Problem::AlreadyRegistered { value: key }),
        StoreError::UnknownReference { what: "system", key } => {
            errs.push("affected_systems", Problem::UnknownReference { value: key })
        }
        StoreError::UnknownReference { key, .. } => errs.push("institution", Problem::UnknownReference { value: key }),
        StoreError::Conflict { current_version, .. } => {
            return form_page(s, ctx, caller, f, id, version, Some(current_version)).await;
        }
        other => return Err(PageError::store(lang, other)),
    }
    f.add_errors(&errs, lang);
    form_page(s, ctx, caller, f, id, version, None).await
}

async fn update(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    require(&caller, Permission::EditIncident, lang)?;
    let current = load(&s, &caller, id, lang).await?;
    let zone = caller.user.value.time_zone;
    let mut f = FormState::from_pairs(form_pairs(&body));
    let version = f.v("version").parse::<i64>().unwrap_or(0);
    let value = match f.record(zone, Some(&current.value)).validate() {
        Ok(v) => v,
        Err(errs) => {
            f.add_errors(&errs, lang);
            return form_page(&s, &ctx, &caller, f, Some(id), version, None).await;
        }
    };
    let errs = access_problems(&caller, &value, Some(&current.value));
    if !errs.is_empty() {
        f.add_errors(&errs, lang);
        return form_page(&s, &ctx, &caller, f, Some(id), version, None).await;
    }
    match s.register.store().update_incident(id, version, &value, &caller.audit()).await {
        Ok(_) => {
            ctx.flash("flash.saved").await;
            Ok(Redirect::to(&format!("/incidents/{id}")).into_response())
        }
        Err(e) => store_problem(&s, &ctx, &caller, f, Some(id), version, e).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_times_are_read_in_the_users_zone() {
        assert_eq!(local_time("2024-05-01T09:30", DisplayZone::Jst).as_deref(), Some("2024-05-01T09:30:00+09:00"));
        assert_eq!(local_time("2024-05-01T09:30", DisplayZone::Utc).as_deref(), Some("2024-05-01T09:30:00Z"));
        assert_eq!(local_time("yesterday", DisplayZone::Jst).as_deref(), Some("yesterday"));
        assert_eq!(local_time(" ", DisplayZone::Jst), None);
        let t = opres_domain::time::parse_timestamp("2024-05-01T00:30:00Z").unwrap();
        assert_eq!(local_value(&t, DisplayZone::Jst), "2024-05-01T09:30");
        assert_eq!(day_start("2024-05-01", DisplayZone::Jst, 1).as_deref(), Some("2024-05-02T00:00:00+09:00"));
        assert_eq!(duration(chrono::Duration::minutes(65), Lang::Ja), "1時間05分");
        assert_eq!(duration(chrono::Duration::minutes(1505), Lang::En), "1 d 1 h 05 min");
    }
}
