//! The remediation roadmap of an institution: its actions on a Gantt chart with milestones and
//! overdue ones flagged, totals, the form that adds or changes an action (pre-filled from a gap
//! when the user comes from one), and submission and management's approval.
//!
//! Every handler calls one `opres_app::gap_roadmap` use case; forms carry the roadmap's version.

use super::gap::{messages, on_form};
use super::{Ctx, Opt, Page, form_problems, render};
use crate::AppState;
use crate::edge::Failed;
use crate::i18n::Catalogue;
use crate::middleware::form_pairs;
use crate::routes::Routes;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use opres_app::gap_roadmap::{RoadmapMove, RoadmapView};
use opres_app::{Actor, AppError, institution_code};
use opres_domain::Lang;
use opres_gap::{
    ActionRecord, ActionStatus, Gantt, MilestoneRecord, MotivationKind, MotivationRecord, RequirementRefRecord,
    RoadmapStatus,
};
use std::collections::HashMap;
use std::fmt::Write as _;

pub(super) fn routes(r: Routes) -> Routes {
    r.get("/gap/roadmaps/{institution}", roadmap)
        .post("/gap/roadmaps/{institution}/actions", save_action)
        .post("/gap/roadmaps/{institution}/milestones", save_milestones)
        .post("/gap/roadmaps/{institution}/transition", transition)
}

pub(crate) struct ActionRow {
    pub id: String,
    pub title: String,
    pub owner: String,
    pub period: String,
    pub status: String,
    pub progress: u8,
    pub effort: u32,
    pub cost: String,
    pub closes: String,
    pub overdue: bool,
}

pub(crate) struct ChangeRow {
    pub what: String,
    pub kind: String,
    pub field: String,
    pub on: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "gap/roadmap.html")]
struct RoadmapPage {
    p: Page,
    institution: String,
    version: i64,
    status: String,
    status_code: &'static str,
    approval: Option<(String, String, String)>,
    changes: Vec<ChangeRow>,
    progress: u8,
    overdue: usize,
    committed_effort: u64,
    committed_cost: String,
    gantt: String,
    rows: Vec<ActionRow>,
    ready: Vec<String>,
    statuses: Vec<Opt>,
    /// The motivation kinds' codes, for the form's hint.
    kinds: String,
    /// Milestones as (date, title).
    milestones: Vec<(String, String)>,
    /// The milestone form's text: what the user sent back, else the stored milestones.
    milestone_lines: String,
    f: HashMap<String, String>,
    errors: Vec<String>,
    errors_at: ErrorsAt,
}

/// Which part of the page a refusal's messages belong to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ErrorsAt {
    /// The workflow (top of the page).
    Top,
    /// The action form.
    Action,
    /// The milestone form.
    Milestones,
}

impl RoadmapPage {
    fn v(&self, k: &str) -> &str {
        self.f.get(k).map(String::as_str).unwrap_or("")
    }
}

/// The Gantt chart as SVG: one bar per action (progress filled, overdue in red), milestones as
/// diamonds, today as a line. Drawn here because it is the page's own view of the engine's model.
fn gantt_svg(g: &Gantt, lang: Lang) -> String {
    if g.rows.is_empty() {
        return String::new();
    }
    let (label_w, chart_w, row_h, top) = (260.0, 560.0, 26.0, 30.0);
    let days = g.days().max(1) as f64;
    let x = |d: chrono::NaiveDate| label_w + (g.offset(d) as f64 / days) * chart_w;
    let height = top + row_h * (g.rows.len() as f64) + 30.0;
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {height}\" width=\"{w}\" role=\"img\" aria-label=\"Gantt\" class=\"gantt\">",
        w = label_w + chart_w + 20.0
    );
    let _ = write!(
        svg,
        "<text x=\"{label_w}\" y=\"16\" font-size=\"12\">{}</text><text x=\"{}\" y=\"16\" font-size=\"12\" text-anchor=\"end\">{}</text>",
        g.start,
        label_w + chart_w,
        g.end
    );
    for (i, r) in g.rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        let (x0, x1) = (x(r.start), x(r.due).max(x(r.start) + 3.0));
        let fill = if r.overdue { "#c0392b" } else { "#2c7be5" };
        let done = x0 + (x1 - x0) * f64::from(r.progress.get()) / 100.0;
        let _ = write!(
            svg,
            "<text x=\"4\" y=\"{ty}\" font-size=\"12\">{id} {title}</text><rect x=\"{x0:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"16\" fill=\"{fill}\" fill-opacity=\"0.25\" stroke=\"{fill}\"/><rect x=\"{x0:.1}\" y=\"{y:.1}\" width=\"{dw:.1}\" height=\"16\" fill=\"{fill}\"/>",
            ty = y + 12.0,
            id = esc(r.action.as_str()),
            title = esc(&r.title.get(lang).chars().take(16).collect::<String>()),
            w = x1 - x0,
            dw = done - x0,
        );
    }
    let bottom = top + row_h * g.rows.len() as f64;
    for m in &g.milestones {
        let mx = x(m.on());
        let _ = write!(
            svg,
            "<polygon points=\"{mx:.1},{a:.1} {b:.1},{c:.1} {mx:.1},{d:.1} {e:.1},{c:.1}\" fill=\"#8e44ad\"><title>{t} {on}</title></polygon>",
            a = bottom + 4.0,
            b = mx + 6.0,
            c = bottom + 10.0,
            d = bottom + 16.0,
            e = mx - 6.0,
            t = esc(m.title().get(lang)),
            on = m.on()
        );
    }
    let tx = x(g.today);
    let _ = write!(
        svg,
        "<line x1=\"{tx:.1}\" y1=\"22\" x2=\"{tx:.1}\" y2=\"{bottom:.1}\" stroke=\"#333\" stroke-dasharray=\"3 3\"/></svg>"
    );
    svg
}

fn page_of(
    v: &RoadmapView,
    p: Page,
    f: HashMap<String, String>,
    errors: Vec<String>,
    errors_at: ErrorsAt,
) -> RoadmapPage {
    let lang = p.lang;
    let r = &v.roadmap;
    let rows = r
        .actions()
        .iter()
        .map(|a| ActionRow {
            id: a.id().to_string(),
            title: a.title().get(lang).to_string(),
            owner: a.owner().to_string(),
            period: format!("{} – {}", a.start(), a.due()),
            status: a.status().label(lang).to_string(),
            progress: a.progress().get(),
            effort: a.effort_days(),
            cost: a.cost().to_string(),
            closes: a
                .closes()
                .iter()
                .map(|c| format!("{}:{}", c.framework, c.requirement))
                .collect::<Vec<_>>()
                .join(", "),
            overdue: v.overdue.iter().any(|o| o == a.id()),
        })
        .collect();
    let changes = r
        .changes_after_approval()
        .iter()
        .map(|c| ChangeRow {
            what: match &c.subject {
                opres_gap::Subject::Action(id) => id.to_string(),
                opres_gap::Subject::Milestones => p.t("gap.rm.milestones").to_string(),
            },
            kind: c.kind.label(lang).to_string(),
            field: c.field.map(|f| f.label(lang).to_string()).unwrap_or_default(),
            on: c.on.to_string(),
            by: c.by.clone(),
        })
        .collect();
    RoadmapPage {
        institution: v.institution.to_string(),
        version: v.version.unwrap_or(0),
        status: r.status().label(lang).to_string(),
        status_code: r.status().code(),
        approval: r.approval().map(|a| (a.by.clone(), a.on.to_string(), a.comment.clone())),
        changes,
        progress: v.progress.get(),
        overdue: v.overdue.len(),
        committed_effort: v.totals.committed.effort_days,
        committed_cost: v.totals.committed.cost.to_string(),
        gantt: gantt_svg(&v.gantt, lang),
        rows,
        ready: v.ready_for_reassessment.iter().map(|r| format!("{}:{}", r.framework, r.requirement)).collect(),
        statuses: ActionStatus::ALL
            .iter()
            .map(|s| Opt { code: s.code().into(), label: s.label(lang).into() })
            .collect(),
        kinds: MotivationKind::ALL
            .iter()
            .map(|k| format!("{} ({})", k.code(), k.label(lang)))
            .collect::<Vec<_>>()
            .join(", "),
        milestones: r.milestones().iter().map(|m| (m.on().to_string(), m.title().get(lang).to_string())).collect(),
        milestone_lines: f.get("milestones").cloned().unwrap_or_else(|| milestone_lines(r.milestones())),
        f,
        errors,
        errors_at,
        p,
    }
}

impl RoadmapPage {
    /// The moves the roadmap's state allows and the user may make, as (code, label key).
    fn moves(&self) -> Vec<(&'static str, &'static str)> {
        let (edit, approve) = (self.p.can("edit_gap"), self.p.can("approve_gap"));
        let submitted = self.status_code == RoadmapStatus::Submitted.code();
        let mut m = Vec::new();
        if edit && !submitted && !self.rows.is_empty() && self.status_code != RoadmapStatus::Approved.code() {
            m.push(("submit", "gap.move.submit"));
        }
        if submitted && approve {
            m.push(("approve", "gap.move.approve"));
        }
        if submitted && edit {
            m.push(("withdraw", "gap.rm.withdraw"));
        }
        m
    }
}

/// What the new-action form starts from: a gap's requirement when the user came from one, and
/// the next free id; nothing else is chosen for them.
#[derive(serde::Deserialize, Default)]
struct NewAction {
    closes: Option<String>,
    title: Option<String>,
}

fn next_id(v: &RoadmapView) -> String {
    let n = v
        .roadmap
        .actions()
        .iter()
        .filter_map(|a| a.id().as_str().strip_prefix("A-").and_then(|n| n.parse::<u32>().ok()))
        .max()
        .unwrap_or(0);
    format!("A-{}", n + 1)
}

async fn roadmap(
    State(s): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(institution): Path<String>,
    Query(q): Query<NewAction>,
) -> Result<Response, Failed> {
    let code = institution_code(&institution)?;
    let v = s.register.gap_roadmap(&actor, &code).await?;
    let mut f = HashMap::from([("id".to_string(), next_id(&v))]);
    if let Some(c) = q.closes.filter(|c| !c.trim().is_empty()) {
        f.insert("closes".into(), c);
    }
    if let Some(t) = q.title.filter(|t| !t.trim().is_empty()) {
        f.insert("title_ja".into(), t);
    }
    Ok(render(ctx.lang, &page_of(&v, ctx.page("gap").await, f, vec![], ErrorsAt::Top)))
}

/// `framework:requirement` and `kind:record` lines of the form, as the engine reads them.
fn pairs(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| match l.split_once(':') {
            Some((a, b)) => (a.trim().to_string(), b.trim().to_string()),
            None => (l.to_string(), String::new()),
        })
        .collect()
}

fn action_record(f: &HashMap<String, String>) -> ActionRecord {
    let get = |k: &str| f.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let scalar = |k: &str| Some(get(k)).filter(|v| !v.is_empty()).map(opres_domain::RawScalar::Text);
    ActionRecord {
        id: get("id"),
        title_ja: get("title_ja"),
        title_en: get("title_en"),
        owner: get("owner"),
        start: get("start"),
        due: get("due"),
        effort_days: scalar("effort_days"),
        cost_yen: scalar("cost_yen"),
        status: get("status"),
        progress: scalar("progress"),
        closes: pairs(&get("closes"))
            .into_iter()
            .map(|(framework, requirement)| RequirementRefRecord { framework, requirement })
            .collect(),
        motivated_by: pairs(&get("motivated_by"))
            .into_iter()
            .map(|(kind, record)| MotivationRecord { kind, record })
            .collect(),
        ..ActionRecord::default()
    }
}

/// The milestones as the form's lines (`MilestoneRecord::to_line`).
fn milestone_lines(milestones: &[opres_gap::Milestone]) -> String {
    milestones.iter().map(|m| m.to_record().to_line()).collect::<Vec<_>>().join("\n")
}

/// The form's non-blank lines as milestone records (`MilestoneRecord::from_line`).
fn milestone_records(text: &str) -> Vec<MilestoneRecord> {
    text.lines().filter(|l| !l.trim().is_empty()).map(MilestoneRecord::from_line).collect()
}

/// A milestone problem (`milestones[i].on`) as the line of the form it is on.
fn milestone_message(cat: Catalogue, field: &str, text: &str) -> Option<String> {
    let (i, part) = field.strip_prefix("milestones[")?.split_once("].")?;
    let line = i.parse::<usize>().ok()? + 1;
    let label = cat.get(&format!("gap.rm.ms.f.{part}")).unwrap_or(part);
    Some(format!("{} {line} ({label}): {text}", cat.t("gap.rm.ms.line")))
}

async fn refused(
    s: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    code: &opres_domain::InstitutionCode,
    e: AppError,
    f: HashMap<String, String>,
    at: ErrorsAt,
) -> Result<Response, Failed> {
    let v = s.register.gap_roadmap(actor, code).await?;
    let p = ctx.page("gap").await;
    let msgs = if at == ErrorsAt::Milestones && matches!(e, AppError::Invalid { .. }) {
        form_problems(&e, p.cat)
            .into_iter()
            .map(|(field, text)| field.and_then(|f| milestone_message(p.cat, &f, &text)).unwrap_or(text))
            .collect()
    } else {
        messages(&e, p.cat, "gap.rm.f.", "gap.rm.conflict")
    };
    Ok((crate::edge::status_of(&e), render(ctx.lang, &page_of(&v, p, f, msgs, at))).into_response())
}

async fn save_action(
    State(s): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(institution): Path<String>,
    body: Bytes,
) -> Result<Response, Failed> {
    let code = institution_code(&institution)?;
    let f: HashMap<String, String> = form_pairs(&body).into_iter().collect();
    let version = f.get("version").and_then(|v| v.trim().parse::<i64>().ok()).filter(|v| *v > 0);
    match s.register.save_gap_action(&actor, &code, &action_record(&f), version).await {
        Ok(_) => {
            ctx.flash("gap.rm.flash.saved").await;
            Ok(Redirect::to(&format!("/gap/roadmaps/{code}")).into_response())
        }
        Err(e) if on_form(&e) => refused(&s, &ctx, &actor, &code, e, f, ErrorsAt::Action).await,
        Err(e) => Err(Failed(e)),
    }
}

async fn save_milestones(
    State(s): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(institution): Path<String>,
    body: Bytes,
) -> Result<Response, Failed> {
    let code = institution_code(&institution)?;
    let f: HashMap<String, String> = form_pairs(&body).into_iter().collect();
    let version = f.get("version").and_then(|v| v.trim().parse::<i64>().ok()).filter(|v| *v > 0);
    let records = milestone_records(f.get("milestones").map(String::as_str).unwrap_or(""));
    match s.register.set_gap_milestones(&actor, &code, &records, version).await {
        Ok(_) => {
            ctx.flash("gap.rm.flash.milestones").await;
            Ok(Redirect::to(&format!("/gap/roadmaps/{code}")).into_response())
        }
        Err(e) if on_form(&e) => refused(&s, &ctx, &actor, &code, e, f, ErrorsAt::Milestones).await,
        Err(e) => Err(Failed(e)),
    }
}

async fn transition(
    State(s): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(institution): Path<String>,
    body: Bytes,
) -> Result<Response, Failed> {
    let code = institution_code(&institution)?;
    let f: HashMap<String, String> = form_pairs(&body).into_iter().collect();
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
    let version = get("version").trim().parse::<i64>().ok().filter(|v| *v > 0);
    let result = match RoadmapMove::parse(get("transition")) {
        Ok(mv) => s.register.move_gap_roadmap(&actor, &code, mv, get("comment"), version).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => {
            ctx.flash("gap.rm.flash.moved").await;
            Ok(Redirect::to(&format!("/gap/roadmaps/{code}")).into_response())
        }
        Err(e) if on_form(&e) => refused(&s, &ctx, &actor, &code, e, HashMap::new(), ErrorsAt::Top).await,
        Err(e) => Err(Failed(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_lines_become_links_and_a_line_without_colon_is_kept_for_the_engine_to_refuse() {
        assert_eq!(
            pairs("fsa:a.b\n\n  gap : x \nbroken"),
            vec![("fsa".into(), "a.b".into()), ("gap".into(), "x".into()), ("broken".into(), String::new())]
        );
    }

    #[test]
    fn blank_milestone_lines_are_skipped_and_the_rest_kept_in_order() {
        let records = milestone_records("2027-03-31 取締役会報告 | Board report\n  \n\nsoon");
        assert_eq!(records.iter().map(|r| r.on.as_str()).collect::<Vec<_>>(), ["2027-03-31", "soon"]);
        let m = records[0].validate().unwrap();
        assert_eq!(
            milestone_lines(&[m.clone(), m]),
            "2027-03-31 取締役会報告 | Board report\n2027-03-31 取締役会報告 | Board report"
        );
    }
}
