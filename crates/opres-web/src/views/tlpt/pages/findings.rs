//! The findings screen: recording findings and linking the earlier findings they repeat.

use super::*;

pub(crate) struct FindingRow {
    pub id: String,
    pub title: String,
    pub severity: &'static str,
    pub severity_class: &'static str,
    pub root_cause: &'static str,
    pub root_cause_note: String,
    pub technique: String,
    pub systems: String,
    pub owner: String,
    pub due: String,
    pub overdue: bool,
    pub status: &'static str,
    pub origin: &'static str,
    pub enterprise_wide: bool,
    pub recurrence_count: usize,
    pub predecessors: Vec<PredRow>,
    pub first_seen: String,
    pub entities: String,
    pub remediation_did_not_hold: bool,
    pub escalated: bool,
}

pub(crate) struct PredRow {
    pub id: String,
    pub engagement: String,
    pub identified_on: String,
    pub title: String,
    pub status: &'static str,
}

pub(crate) struct SuggestRow {
    pub finding: String,
    pub matches: String,
}

#[derive(Template)]
#[template(path = "tlpt/findings.html")]
struct FindingsPage {
    p: Page,
    nav: Nav,
    rows: Vec<FindingRow>,
    suggestions: Vec<SuggestRow>,
    severities: Vec<Opt>,
    root_causes: Vec<Opt>,
    statuses: Vec<Opt>,
    errors: Vec<String>,
    form: HashMap<String, String>,
}

impl FindingsPage {
    fn v(&self, k: &str) -> &str {
        self.form.get(k).map(String::as_str).unwrap_or("")
    }
}

#[allow(clippy::too_many_arguments)] // the request, the page's ids, and a refused form shown again
async fn findings_page(
    s: &AppState,
    ctx: &Ctx,
    caller: &Caller,
    prog: &str,
    eng: &str,
    errors: Vec<String>,
    form: HashMap<String, String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let sp = load(s, caller, prog, lang).await?;
    let e = find_engagement(&sp, eng, lang)?;
    let pr = &sp.programme;
    let today = today();
    let rows = pr
        .findings_of(&e.id)
        .map(|f| {
            let rec = recurrence::recurrence_of(pr, &f.id);
            FindingRow {
                id: f.id.to_string(),
                title: f.title.get(lang).to_string(),
                severity: f.severity.label(lang),
                severity_class: severity_class(f.severity),
                root_cause: f.root_cause.label(lang),
                root_cause_note: f.root_cause_note.as_ref().map(|n| n.get(lang).to_string()).unwrap_or_default(),
                technique: or_dash(f.technique.as_ref().map(|t| t.to_string()).unwrap_or_default()),
                systems: or_dash(ids(&f.systems)),
                owner: or_dash(f.owner.clone()),
                due: f.due.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
                overdue: f.due.is_some_and(|d| d < today) && f.status.is_active(),
                status: f.status.label(lang),
                origin: f.origin.label(lang),
                enterprise_wide: f.enterprise_wide,
                recurrence_count: rec.as_ref().map(|r| r.count).unwrap_or(0),
                predecessors: recurrence::predecessors(pr, &f.id)
                    .into_iter()
                    .map(|x| PredRow {
                        id: x.id.to_string(),
                        engagement: x.engagement.to_string(),
                        identified_on: x.identified_on.to_string(),
                        title: x.title.get(lang).to_string(),
                        status: x.status.label(lang),
                    })
                    .collect(),
                first_seen: rec.as_ref().map(|r| r.first_seen.to_string()).unwrap_or_default(),
                entities: rec.as_ref().map(|r| ids(&r.entities)).unwrap_or_default(),
                remediation_did_not_hold: rec.as_ref().is_some_and(|r| r.remediation_did_not_hold),
                escalated: rec.as_ref().is_some_and(|r| r.escalated),
            }
        })
        .collect();
    // What the similarity search finds and nobody has linked yet: shown, never acted on silently.
    let cands = recurrence::find_recurrences(pr, e.id.as_str(), &Default::default()).unwrap_or_default();
    let suggestions = recurrence::unlinked(pr, &cands)
        .into_iter()
        .map(|c| SuggestRow {
            finding: c.finding.to_string(),
            matches: c
                .matches
                .iter()
                .map(|m| format!("{} ({}, {:.2})", m.finding, m.engagement, m.score.score))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let opts = |v: Vec<(&'static str, &'static str)>| -> Vec<Opt> {
        v.into_iter().map(|(c, l)| Opt { code: c.into(), label: l.into() }).collect()
    };
    let p = page(ctx).await;
    let mut form = form;
    form.entry("identified_on".into()).or_insert_with(|| today.to_string());
    let page = FindingsPage {
        nav: Nav::new(&sp, e, "findings", lang),
        rows,
        suggestions,
        severities: opts(Severity::ALL.iter().map(|x| (x.code(), x.label(lang))).collect()),
        root_causes: opts(RootCause::ALL.iter().map(|x| (x.code(), x.label(lang))).collect()),
        statuses: opts(FindingStatus::ALL.iter().map(|x| (x.code(), x.label(lang))).collect()),
        errors,
        form,
        p,
    };
    Ok((status, render(lang, &page)).into_response())
}

pub(crate) async fn findings(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((prog, eng)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    // `?edit=F-1` fills the form with an existing finding.
    let mut form = HashMap::new();
    if let Some(id) = q.get("edit") {
        let sp = load(&s, &caller, &prog, ctx.lang).await?;
        if let Some(f) = sp.programme.findings.iter().find(|f| f.id.as_str() == id) {
            let ff = FindingForm::of(f, ctx.lang);
            for (k, v) in [
                ("id", ff.id),
                ("identified_on", ff.identified_on),
                ("title_ja", ff.title_ja),
                ("title_en", ff.title_en),
                ("description", ff.description),
                ("severity", ff.severity),
                ("root_cause", ff.root_cause),
                ("root_cause_note", ff.root_cause_note),
                ("technique", ff.technique),
                ("systems", ff.systems),
                ("enterprise_wide", ff.enterprise_wide),
                ("recommendation", ff.recommendation),
                ("owner", ff.owner),
                ("due", ff.due),
                ("status", ff.status),
                ("person_days", ff.person_days),
                ("cost", ff.cost),
            ] {
                form.insert(k.to_string(), v);
            }
        }
    }
    findings_page(&s, &ctx, &caller, &prog, &eng, vec![], form, StatusCode::OK).await
}

pub(crate) async fn record_finding(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((prog, eng)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    load_for_edit(&s, &caller, &prog, &eng, lang).await?;
    let form = form_map(&body);
    let g = |k: &str| get(&form, k);
    let f = FindingForm {
        id: g("id"),
        engagement: eng.clone(),
        identified_on: g("identified_on"),
        title_ja: g("title_ja"),
        title_en: g("title_en"),
        description: g("description"),
        severity: g("severity"),
        root_cause: g("root_cause"),
        root_cause_note: g("root_cause_note"),
        technique: g("technique"),
        systems: g("systems"),
        enterprise_wide: g("enterprise_wide"),
        recommendation: g("recommendation"),
        owner: g("owner"),
        due: g("due"),
        status: g("status"),
        person_days: g("person_days"),
        cost: g("cost"),
        lang: Some(lang),
    };
    match s.register.record_tlpt_finding(&actor_of(&caller, lang), &prog, version_of(&form), &f).await {
        Ok((links, _)) => {
            ctx.flash(if links > 0 { "tlpt.flash.finding_recurs" } else { "flash.saved" }).await;
            Ok(Redirect::to(&format!("/tlpt/{prog}/{eng}/findings#f-{}", f.id.trim())).into_response())
        }
        Err(e) if is_user_error(&e) => {
            let p = page(&ctx).await;
            let status = refusal_status(&e);
            findings_page(&s, &ctx, &caller, &prog, &eng, messages(&e, &p), form, status).await
        }
        Err(e) => Err(PageError::internal(lang, e)),
    }
}

pub(crate) async fn link_recurrences(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((prog, eng)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    load_for_edit(&s, &caller, &prog, &eng, lang).await?;
    let form = form_map(&body);
    match s.register.link_tlpt_recurrences(&actor_of(&caller, lang), &prog, version_of(&form), &eng).await {
        Ok(_) => {
            ctx.flash("tlpt.flash.linked").await;
            Ok(Redirect::to(&format!("/tlpt/{prog}/{eng}/findings")).into_response())
        }
        Err(e) if is_user_error(&e) => {
            let p = page(&ctx).await;
            let status = refusal_status(&e);
            findings_page(&s, &ctx, &caller, &prog, &eng, messages(&e, &p), HashMap::new(), status).await
        }
        Err(e) => Err(PageError::internal(lang, e)),
    }
}
