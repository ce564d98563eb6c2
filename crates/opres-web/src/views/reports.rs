//! The reporting officer's page: every report to the authority still outstanding, overdue first,
//! filterable, with the same count as the dashboard, the API and `opres incident due`.

use super::{Ctx, Page, render};
use crate::AppState;
use crate::edge::Failed;
use crate::routes::Routes;
use askama::Template;
use axum::extract::{Path, Query, State};

use axum::response::Response;
use chrono::{Duration, Utc};
use opres_app::{Actor, AppError, DueReport, FilterParams};
use opres_domain::{Lang, ReportStageKind};
use opres_interchange::{Table, TableFormat, table_bytes};
use serde::Deserialize;

pub(super) fn routes(r: Routes) -> Routes {
    r.get("/reports/due", page).get("/reports/due/export/{format}", export)
}

/// The filters of the page and its export (all optional; nothing is preselected).
#[derive(Deserialize, Default)]
struct Params {
    institution: Option<String>,
    stage: Option<String>,
    overdue: Option<String>,
}

impl Params {
    fn overdue_only(&self) -> bool {
        self.overdue.as_deref().is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
    }

    fn query_string(&self) -> String {
        let e = crate::auth::urlencode;
        format!(
            "institution={}&stage={}&overdue={}",
            e(self.institution.as_deref().unwrap_or("")),
            e(self.stage.as_deref().unwrap_or("")),
            if self.overdue_only() { "1" } else { "" }
        )
    }
}

/// The outstanding reports the actor sees under the filters, as the app lists them.
async fn outstanding(s: &AppState, actor: &Actor, q: &Params) -> Result<Vec<DueReport>, Failed> {
    let filter = FilterParams { institutions: q.institution.iter().cloned().collect(), ..FilterParams::default() };
    Ok(s.register.due(actor, &filter, q.overdue_only(), q.stage.as_deref(), Utc::now()).await?)
}

pub(crate) struct Row {
    pub incident_id: i64,
    pub reference: String,
    pub institution: String,
    pub stage: String,
    pub due: String,
    pub overdue: bool,
    /// Due within the next hour and not yet overdue.
    pub imminent: bool,
}

#[derive(Template)]
#[template(path = "reports/due.html")]
struct DuePage {
    p: Page,
    rows: Vec<Row>,
    overdue: usize,
    institutions: Vec<(String, String)>,
    institution: String,
    stages: Vec<(&'static str, &'static str)>,
    stage: String,
    overdue_only: bool,
    query: String,
}

fn stage_label(d: &DueReport, lang: Lang) -> String {
    if d.stage.kind == ReportStageKind::StatusReport {
        format!("{} #{}", d.stage.kind.label(lang), d.stage.sequence)
    } else {
        d.stage.kind.label(lang).to_string()
    }
}

async fn page(State(s): State<AppState>, ctx: Ctx, actor: Actor, Query(q): Query<Params>) -> Result<Response, Failed> {
    let lang = ctx.lang;
    let due = outstanding(&s, &actor, &q).await?;
    let institutions = s
        .register
        .institutions(&actor)
        .await?
        .into_iter()
        .map(|i| (i.value.code.to_string(), i.value.name(lang).to_string()))
        .collect();
    let p = ctx.page("reports").await;
    let now = Utc::now();
    let rows = due
        .iter()
        .map(|d| Row {
            incident_id: d.incident_id,
            reference: d.reference.to_string(),
            institution: d.institution.to_string(),
            stage: stage_label(d, lang),
            due: p.dt(d.stage.due_at),
            overdue: d.stage.is_overdue(),
            imminent: !d.stage.is_overdue() && d.stage.due_at - now <= Duration::hours(1),
        })
        .collect();
    Ok(render(
        lang,
        &DuePage {
            p,
            overdue: due.iter().filter(|d| d.stage.is_overdue()).count(),
            rows,
            institutions,
            institution: q.institution.clone().unwrap_or_default(),
            stages: ReportStageKind::ALL.iter().map(|k| (k.code(), k.label(lang))).collect(),
            stage: q.stage.clone().unwrap_or_default(),
            overdue_only: q.overdue_only(),
            query: q.query_string(),
        },
    ))
}

async fn export(
    State(s): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(format): Path<String>,
    Query(q): Query<Params>,
) -> Result<Response, Failed> {
    let lang = ctx.lang;
    let Some(format) = TableFormat::from_extension(&format) else {
        let problem = opres_domain::Problem::UnknownCode { value: format, expected: vec!["csv", "xlsx"] };
        return Err(AppError::invalid_field("format", problem).into());
    };
    let due = outstanding(&s, &actor, &q).await?;
    let headers =
        [("事案", "Incident"), ("金融機関", "Institution"), ("報告", "Report"), ("期限", "Due"), ("状況", "Status")];
    let table = Table {
        sheet: lang.pick("提出期限", "Reports due").to_string(),
        headers: headers.iter().map(|(ja, en)| lang.pick(ja, en).to_string()).collect(),
        rows: due
            .iter()
            .map(|d| {
                vec![
                    d.reference.to_string(),
                    d.institution.to_string(),
                    stage_label(d, lang),
                    d.stage.due_at.with_timezone(&opres_domain::JST).to_rfc3339(),
                    d.stage.status.label(lang).to_string(),
                ]
            })
            .collect(),
    };
    let bytes = table_bytes(format, &table).map_err(|e| AppError::Internal(e.message(Lang::En)))?;
    let file = format!("reports-due.{}", format.extension());
    Ok(crate::download::attachment(&file, format.mime(), bytes))
}
