//! Incidents: the filtered list (with export of the current view), the detail page with its
//! timeline and report stages, and the create and edit forms.

use super::{Ctx, Opt, Page, PageError, form_problems, render};
use crate::AppState;
use crate::auth::Caller;
use crate::edge::Failed;
use crate::middleware::form_pairs;
use crate::routes::Routes;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};

use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDateTime, Utc};
use opres_app::{Actor, AppError, FilterParams, IncidentKey, IncidentListRequest, Permission};
use opres_domain::record::{IncidentRecord, RawScalar, ReportSubmissionRecord, TimelineRecord};
use opres_domain::{
    Channel, FiscalYear, Incident, IncidentStatus, JST, Lang, ReportStage, ReportStageKind, SettlementImpact,
    TimeMeasure, Trend, Trigger,
};
use opres_store::{AuditEntry, DisplayZone, IncidentSort, Stored};
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

impl ListQuery {
    /// The shared list request this query string describes; dates are days in the user's zone.
    fn request(&self, zone: DisplayZone) -> IncidentListRequest {
        IncidentListRequest {
            filter: FilterParams {
                institutions: self.institution.iter().filter(|s| !s.trim().is_empty()).cloned().collect(),
                fy: self.fy.clone(),
                from: self.from.clone(),
                to: self.to.clone(),
                trigger: self.trigger.clone(),
                trend: self.trend.clone(),
                channel: self.channel.clone(),
                status: self.status.clone(),
                cyber: self.cyber.clone(),
                text: self.q.clone(),
                days_in: Some(zone),
            },
            sort: self.sort.clone(),
            order: self.order.clone(),
            page: self.page.map(|n| n.to_string()),
            ..IncidentListRequest::default()
        }
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

async fn institution_opts(s: &AppState, actor: &Actor, lang: Lang) -> Result<Vec<Opt>, AppError> {
    Ok(s.register
        .institutions(actor)
        .await?
        .into_iter()
        .map(|i| Opt { code: i.value.code.to_string(), label: format!("{} {}", i.value.code, i.value.name(lang)) })
        .collect())
}

async fn list(
    State(s): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Query(q): Query<ListQuery>,
) -> Result<Response, Failed> {
    let lang = ctx.lang;
    let p = ctx.page("incidents").await;
    // A bad filter, sort or page is refused as the API and the command line refuse it: every
    // problem listed above an empty result.
    let (rows, total, total_capped, errors, sort, descending, page_no, limit) =
        match s.register.list_incidents(&actor, &q.request(ctx.zone())).await {
            Ok(list) => {
                let rows = list.page.items.iter().map(|i| row(&p, i)).collect();
                let query = list.query.query;
                (
                    rows,
                    list.page.total,
                    list.page.total_capped,
                    vec![],
                    query.sort,
                    query.descending,
                    list.query.page_no,
                    query.limit,
                )
            }
            Err(e @ AppError::Invalid { .. }) => {
                let errors = e.problems().iter().map(|p| p.message.get(lang).to_string()).collect();
                let sort = q.sort.as_deref().and_then(IncidentSort::parse).unwrap_or_default();
                let page_no = q.page.unwrap_or(1).max(1);
                (
                    vec![],
                    0,
                    false,
                    errors,
                    sort,
                    q.order.as_deref() != Some("asc"),
                    page_no,
                    opres_app::filter::DEFAULT_LIMIT,
                )
            }
            Err(e) => return Err(e.into()),
        };
    let page_size = u64::from(limit);
    let base = q.filter_qs();
    let with = |extra: String| if base.is_empty() { format!("?{extra}") } else { format!("?{base}&{extra}") };
    let order = if descending { "desc" } else { "asc" };
    let sort_qs = format!("sort={}&order={order}", sort.code());
    let pages = total.div_ceil(page_size).max(1);
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
    let first = if total == 0 { 0 } else { (page_no - 1) * page_size + 1 };
    let last = (page_no * page_size).min(total);
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
        errors,
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
        institutions: institution_opts(&s, &actor, lang).await?,
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
    actor: Actor,
    Query(q): Query<ListQuery>,
) -> Result<Response, Failed> {
    let lang = ctx.lang;
    let incidents: Vec<Incident> = match s.register.matching_incidents(&actor, &q.request(ctx.zone())).await {
        Ok(found) => found.into_iter().map(|i| i.value).collect(),
        // The list page shows what is wrong with the filter.
        Err(AppError::Invalid { .. }) => {
            return Ok(Redirect::to(&format!("/incidents?{}", q.filter_qs())).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    let (format, ext) = match q.format.as_deref() {
        Some("xlsx") => (opres_interchange::Format::Xlsx, "xlsx"),
        _ => (opres_interchange::Format::Csv, "csv"),
    };
    let mut out = Vec::new();
    if format == opres_interchange::Format::Csv {
        out.extend_from_slice("\u{feff}".as_bytes()); // so Excel reads the CSV as UTF-8
    }
    opres_interchange::write_incidents_with(format, &incidents, lang.into(), &mut out)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let name = format!("incidents-{}.{ext}", Utc::now().with_timezone(&JST).format("%Y%m%d-%H%M"));
    Ok(crate::download::attachment(&name, format.media_type(), out))
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
    /// The definitions shown under the two times (the domain's, one text everywhere).
    mttd_def: &'static str,
    mttr_def: &'static str,
    /// Why neither time is shown, when the incident's times contradict each other.
    times_note: Option<String>,
    history: Vec<AuditEntry>,
    stage_opts: Vec<Opt>,
    form_error: Option<String>,
    panel: super::analysis::IncidentPanel,
    /// Obligations under the regimes other than the FSA's (whose stages are above), side by side.
    obligations: Vec<ObligationRow>,
    /// The DORA classification's verdict and each criterion, when DORA applies and figures exist.
    dora: Option<(&'static str, Vec<CriterionRow>)>,
}

/// A DORA criterion: its label, the decision's code (for the badge's class) and label.
type CriterionRow = (&'static str, &'static str, &'static str);

pub(crate) struct ObligationRow {
    pub regime: &'static str,
    pub report: String,
    pub due: String,
    pub status_code: &'static str,
    pub status: &'static str,
    pub overdue: bool,
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

/// One incident for a page of another module (by a [`Caller`]; the incident pages themselves
/// take an [`Actor`]).
pub(crate) async fn load(s: &AppState, caller: &Caller, id: i64, lang: Lang) -> Result<Stored<Incident>, PageError> {
    let actor = crate::edge::actor_of(caller, lang);
    s.register.incident(&actor, id).await.map_err(|e| PageError::app(lang, e))
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

/// The incident's page, with a message above its forms when one was refused. Generic in its
/// error so that pages of other modules can show it too.
pub(crate) async fn detail_page<E: From<Failed>>(
    s: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    i: Stored<Incident>,
    form_error: Option<String>,
) -> Result<Response, E> {
    let lang = ctx.lang;
    let p = ctx.page("incidents").await;
    let stages = stage_rows(&p, &s.register.report_stages(&i.value, Utc::now()));
    let institution_name = s.register.institution(actor, &i.value.institution).await.map_err(Failed)?;
    let institution_name = institution_name.value.name(lang).to_string();
    let history = s.register.incident_history(actor, &i.value).await.map_err(Failed)?;
    let Some(caller) = &ctx.caller else {
        return Err(Failed(AppError::Internal("incident page without a signed-in caller".into())).into());
    };
    let panel = super::analysis::incident_panel(s, caller, &i, &p).await;
    let regimes = s.register.obligations_of(actor, i.clone(), Utc::now()).await.map_err(Failed)?;
    let obligations = regimes
        .obligations
        .iter()
        .filter(|o| o.regime != opres_regimes::Regime::Fsa)
        .map(|o| ObligationRow {
            regime: o.regime.label(lang),
            report: format!("{} #{}", o.report.label(lang), o.sequence),
            due: match o.due {
                Some(opres_regimes::Due::At { at, .. }) => p.dt(at),
                Some(opres_regimes::Due::AsSoonAsPossible) => p.t("obligation.asap").to_string(),
                None => "—".into(),
            },
            status_code: o.status.code(),
            status: o.status.label(lang),
            overdue: o.status == opres_regimes::ObligationStatus::Overdue,
        })
        .collect();
    let dora = regimes.dora.as_ref().map(|c| {
        let rows = c.criteria.iter().map(|r| (r.criterion.label(lang), r.decision.code(), r.decision.label(lang)));
        (c.major.label(lang), rows.collect())
    });
    let page = DetailPage {
        obligations,
        dora,
        panel,
        mttd: i.value.time_to_detect().map(|d| duration(d, lang)).unwrap_or_else(|| "—".into()),
        mttr: i.value.time_to_recover().map(|d| duration(d, lang)).unwrap_or_else(|| "—".into()),
        mttd_def: TimeMeasure::TimeToDetect.definition(lang),
        mttr_def: TimeMeasure::TimeToRecover.definition(lang),
        times_note: i.value.times.inconsistency().map(|x| x.note(lang)),
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

async fn detail(State(s): State<AppState>, ctx: Ctx, actor: Actor, Path(id): Path<i64>) -> Result<Response, Failed> {
    let i = s.register.incident(&actor, id).await?;
    detail_page(&s, &ctx, &actor, i, None).await
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

/// After a refused timeline entry or submission: the incident's page with what to correct.
async fn refused_on_detail(
    s: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    e: AppError,
    message_key: &str,
) -> Result<Response, Failed> {
    match e {
        AppError::Invalid { .. } | AppError::Conflict { .. } => {
            let i = s.register.incident(actor, id).await?;
            let message = ctx.page("").await.t(message_key).to_string();
            detail_page(s, ctx, actor, i, Some(message)).await
        }
        other => Err(other.into()),
    }
}

async fn add_timeline(
    State(s): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, Failed> {
    let pairs = form_pairs(&body);
    let record = TimelineRecord {
        at: local_time(pair(&pairs, "at"), ctx.zone()).unwrap_or_default(),
        text: pair(&pairs, "text").to_string(),
    };
    match s.register.add_timeline_entry(&actor, &IncidentKey::Id(id), record).await {
        Ok(_) => {
            ctx.flash("flash.saved").await;
            Ok(Redirect::to(&format!("/incidents/{id}#timeline")).into_response())
        }
        Err(e) => refused_on_detail(&s, &ctx, &actor, id, e, "incident.timeline_invalid").await,
    }
}

async fn add_submission(
    State(s): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, Failed> {
    let pairs = form_pairs(&body);
    let record = ReportSubmissionRecord {
        stage: pair(&pairs, "stage").to_string(),
        submitted_at: local_time(pair(&pairs, "submitted_at"), ctx.zone()).unwrap_or_default(),
    };
    match s.register.add_report_submission(&actor, &IncidentKey::Id(id), record).await {
        Ok(_) => {
            ctx.flash("flash.saved").await;
            Ok(Redirect::to(&format!("/incidents/{id}#stages")).into_response())
        }
        Err(e) => refused_on_detail(&s, &ctx, &actor, id, e, "incident.submission_invalid").await,
    }
}

async fn delete(
    State(s): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, Failed> {
    let pairs = form_pairs(&body);
    let version = pair(&pairs, "version").parse::<i64>().ok();
    match s.register.delete_incident(&actor, &IncidentKey::Id(id), version).await {
        Ok(()) => {
            ctx.flash("flash.deleted").await;
            Ok(Redirect::to("/incidents").into_response())
        }
        Err(e @ AppError::Conflict { .. }) => refused_on_detail(&s, &ctx, &actor, id, e, "form.conflict").await,
        Err(e) => Err(e.into()),
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
    fn record(&self, zone: DisplayZone) -> IncidentRecord {
        let opt = |k: &str| Some(self.v(k).trim().to_string()).filter(|s| !s.is_empty());
        let num = |k: &str| opt(k).map(|s| RawScalar::Text(s.replace(',', "")));
        let time = |k: &str| local_time(self.v(k), zone);
        let multi = |k: &str| self.multi.get(k).cloned().unwrap_or_default();
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
            // The form edits the incident itself; timeline and submissions have their own forms
            // (the edit use case keeps them).
            timeline: vec![],
            report_submissions: vec![],
        }
    }

    /// Puts each problem of a refused form next to its field (those of no field next to the
    /// reference, the form's first field).
    fn add_problems(&mut self, e: &AppError, lang: Lang) {
        for (field, message) in form_problems(e, crate::i18n::Catalogue(lang)) {
            self.errors.entry(field.unwrap_or_else(|| "reference".into())).or_default().push(message);
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
    actor: &Actor,
    f: FormState,
    id: Option<i64>,
    version: i64,
    conflict: Option<i64>,
) -> Result<Response, Failed> {
    let lang = ctx.lang;
    let p = ctx.page("incidents").await;
    let systems = s.register.all_systems(actor).await?;
    let mut summary: Vec<String> =
        f.errors.iter().map(|(k, v)| format!("{}: {}", p.t(&format!("f.{k}")), v.join(" "))).collect();
    summary.sort();
    let page = FormPage {
        institutions: institution_opts(s, actor, lang).await?,
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
        can_classify: actor.can(Permission::Classify) || id.is_none(),
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

async fn new_form(State(s): State<AppState>, ctx: Ctx, actor: Actor) -> Result<Response, Failed> {
    actor.require(Permission::CreateIncident)?;
    let mut f = FormState::default();
    if let Some(only) = actor.scope_filter().filter(|v| v.len() == 1) {
        f.values.insert("institution".into(), only[0].to_string());
    }
    f.values.insert("settlement_impact".into(), "none".into());
    form_page(&s, &ctx, &actor, f, None, 0, None).await
}

async fn edit_form(State(s): State<AppState>, ctx: Ctx, actor: Actor, Path(id): Path<i64>) -> Result<Response, Failed> {
    let i = s.register.incident_to_edit(&actor, &IncidentKey::Id(id)).await?;
    let f = FormState::from_incident(&i.value, ctx.zone());
    form_page(&s, &ctx, &actor, f, Some(id), i.version, None).await
}

async fn create(State(s): State<AppState>, ctx: Ctx, actor: Actor, body: Bytes) -> Result<Response, Failed> {
    let f = FormState::from_pairs(form_pairs(&body));
    match s.register.create_incident(&actor, f.record(ctx.zone())).await {
        Ok(created) => {
            ctx.flash("flash.created").await;
            Ok(Redirect::to(&format!("/incidents/{}", created.id)).into_response())
        }
        Err(e) => refused_form(&s, &ctx, &actor, f, None, 0, e).await,
    }
}

/// Refusals the user can fix are shown on the form, field by field, with what they typed;
/// anything else is the error page.
async fn refused_form(
    s: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    mut f: FormState,
    id: Option<i64>,
    version: i64,
    e: AppError,
) -> Result<Response, Failed> {
    match &e {
        AppError::Invalid { .. } => f.add_problems(&e, ctx.lang),
        AppError::Refused { kind: "already_exists", .. } => {
            f.errors.entry("reference".into()).or_default().push(e.message(ctx.lang));
        }
        AppError::Conflict { current_version, .. } => {
            return form_page(s, ctx, actor, f, id, version, Some(current_version.unwrap_or(version))).await;
        }
        _ => return Err(e.into()),
    }
    form_page(s, ctx, actor, f, id, version, None).await
}

async fn update(
    State(s): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, Failed> {
    let f = FormState::from_pairs(form_pairs(&body));
    let version = f.v("version").parse::<i64>().unwrap_or(0);
    match s.register.edit_incident(&actor, &IncidentKey::Id(id), Some(version), f.record(ctx.zone())).await {
        Ok(_) => {
            ctx.flash("flash.saved").await;
            Ok(Redirect::to(&format!("/incidents/{id}")).into_response())
        }
        Err(e) => refused_form(&s, &ctx, &actor, f, Some(id), version, e).await,
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
        assert_eq!(duration(chrono::Duration::minutes(65), Lang::Ja), "1時間05分");
        assert_eq!(duration(chrono::Duration::minutes(1505), Lang::En), "1 d 1 h 05 min");
    }
}
