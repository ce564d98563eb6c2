//! The engagement screen: scope, threat intelligence, scenarios and the blue-team notice.

use super::*;

pub(crate) struct KV {
    pub k: String,
    pub v: String,
}

pub(crate) struct ScopeRow {
    pub system: String,
    pub name: String,
    pub in_scope: bool,
    pub note: String,
}

pub(crate) struct IntelRow {
    pub id: String,
    pub title: String,
    pub specific: bool,
    pub specificity: &'static str,
    pub sources: String,
    pub actors: String,
}

pub(crate) struct ActorRow {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub intent: &'static str,
    pub capability: &'static str,
    pub sets: String,
}

pub(crate) struct PathRow {
    pub id: String,
    pub kind: &'static str,
    pub description: String,
    pub steps: usize,
}

pub(crate) struct ScenarioRow {
    pub id: String,
    pub title: String,
    pub actors: String,
    pub intel: String,
    pub flags: String,
    pub outcome: &'static str,
    pub note: String,
    pub paths: Vec<PathRow>,
    pub leg_ups: Vec<String>,
}

#[derive(Template)]
#[template(path = "tlpt/engagement.html")]
struct EngagementPage {
    p: Page,
    nav: Nav,
    facts: Vec<KV>,
    phases: Vec<KV>,
    functions: Vec<KV>,
    scope: Vec<ScopeRow>,
    flags: Vec<KV>,
    budget: Vec<KV>,
    budget_total: String,
    directives: Vec<KV>,
    blue_team: Option<String>,
    blue_team_in_advance: Option<bool>,
    intel: Vec<IntelRow>,
    actors: Vec<ActorRow>,
    scenarios: Vec<ScenarioRow>,
    errors: Vec<String>,
    form: HashMap<String, String>,
}

impl EngagementPage {
    fn v(&self, k: &str) -> &str {
        self.form.get(k).map(String::as_str).unwrap_or("")
    }
}

#[allow(clippy::too_many_arguments)] // the request, the page's ids, and a refused form shown again
async fn engagement_page(
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
    let p = page(ctx).await;
    let facts = vec![
        KV { k: p.t("tlpt.entity").into(), v: pr.entity_name(&e.entity, lang) },
        KV { k: p.t("tlpt.framework").into(), v: e.framework.label(lang).into() },
        KV { k: p.t("tlpt.fy").into(), v: e.fiscal_year().map(|f| f.to_string()).unwrap_or_else(|| "—".into()) },
        KV { k: p.t("tlpt.sponsor").into(), v: format!("{} ({})", e.sponsor.name, e.sponsor.role.get(lang)) },
    ];
    let phases = e
        .phases
        .iter()
        .map(|ph| KV {
            k: ph.phase.label(lang).into(),
            v: format!("{} – {}", ph.start, ph.end.map(|d| d.to_string()).unwrap_or_else(|| "…".into())),
        })
        .collect();
    let functions =
        e.scope.functions.iter().map(|f| KV { k: f.name.get(lang).to_string(), v: ids(&f.systems) }).collect();
    let scope = pr
        .systems
        .iter()
        .map(|x| {
            let listed = e.scope.systems.iter().find(|ss| ss.system == x.id);
            ScopeRow {
                system: x.id.to_string(),
                name: x.name.get(lang).to_string(),
                in_scope: e.is_in_scope(&x.id),
                note: listed.and_then(|l| l.note.as_ref()).map(|n| n.get(lang).to_string()).unwrap_or_default(),
            }
        })
        .collect();
    let flags = e
        .scope
        .flags
        .iter()
        .map(|f| KV {
            k: f.id.to_string(),
            v: format!(
                "{}{}",
                f.description.get(lang),
                f.system.as_ref().map(|x| format!(" ({x})")).unwrap_or_default()
            ),
        })
        .collect();
    let budget = e
        .budget
        .iter()
        .map(|b| KV {
            k: b.line.label(lang).into(),
            v: format!("{}{}", b.amount, b.note.as_ref().map(|n| format!(" — {}", n.get(lang))).unwrap_or_default()),
        })
        .collect();
    let directives = e
        .directives
        .iter()
        .map(|d| KV {
            k: format!("{} · {} · {}", d.issued_on, d.kind.label(lang), d.by),
            v: d.text.get(lang).to_string(),
        })
        .collect();
    let blue_team = e.blue_team_told.as_ref().map(|b| {
        format!(
            "{} — {}{}",
            p.dt(b.at),
            b.whom,
            b.reason.as_ref().map(|r| format!(" ({})", r.get(lang))).unwrap_or_default()
        )
    });
    let intel = e
        .intel
        .iter()
        .map(|i| IntelRow {
            id: i.id.to_string(),
            title: i.title.get(lang).to_string(),
            specific: i.specificity == opres_tlpt::codes::IntelSpecificity::OrganisationSpecific,
            specificity: i.specificity.label(lang),
            sources: or_dash(i.sources.join(", ")),
            actors: or_dash(ids(&i.actors)),
        })
        .collect();
    let actors = e
        .actors
        .iter()
        .map(|a| ActorRow {
            id: a.id.to_string(),
            name: a.name.get(lang).to_string(),
            kind: a.actor_type.label(lang),
            intent: a.intent.label(lang),
            capability: a.capability.label(lang),
            sets: or_dash(a.intrusion_sets.join(", ")),
        })
        .collect();
    let scenarios = e
        .scenarios
        .iter()
        .map(|sc| ScenarioRow {
            id: sc.id.to_string(),
            title: sc.title.get(lang).to_string(),
            actors: or_dash(ids(&sc.actors)),
            intel: or_dash(ids(&sc.intel)),
            flags: or_dash(ids(&sc.flags)),
            outcome: sc.outcome.label(lang),
            note: sc.outcome_note.as_ref().map(|n| n.get(lang).to_string()).unwrap_or_default(),
            paths: sc
                .paths
                .iter()
                .map(|pa| PathRow {
                    id: pa.id.to_string(),
                    kind: pa.kind.label(lang),
                    description: pa.description.get(lang).to_string(),
                    steps: e.steps.iter().filter(|st| st.scenario == sc.id && st.path == pa.id).count(),
                })
                .collect(),
            leg_ups: sc
                .leg_ups
                .iter()
                .map(|l| format!("{} {}: {}", l.id, p.dt(l.granted_at), l.description.get(lang)))
                .collect(),
        })
        .collect();
    let mut form = form;
    if form.is_empty()
        && let Some(b) = &e.blue_team_told
    {
        form.insert("at".into(), b.at.with_timezone(&opres_domain::JST).format("%Y-%m-%dT%H:%M").to_string());
        form.insert("whom".into(), b.whom.clone());
    }
    let page = EngagementPage {
        nav: Nav::new(&sp, e, "engagement", lang),
        facts,
        phases,
        functions,
        scope,
        flags,
        budget,
        budget_total: e.budget_total().to_string(),
        directives,
        blue_team,
        blue_team_in_advance: e.blue_team_told.as_ref().and(e.blue_team_told_in_advance()),
        intel,
        actors,
        scenarios,
        errors,
        form,
        p,
    };
    Ok((status, render(lang, &page)).into_response())
}

pub(crate) async fn engagement(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((prog, eng)): Path<(String, String)>,
) -> Result<Response, PageError> {
    engagement_page(&s, &ctx, &caller, &prog, &eng, vec![], HashMap::new(), StatusCode::OK).await
}

pub(crate) async fn record_blue_team(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((prog, eng)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    load_for_edit(&s, &caller, &prog, &eng, lang).await?;
    let form = form_map(&body);
    let f =
        BlueTeamForm { at: get(&form, "at"), whom: get(&form, "whom"), reason: get(&form, "reason"), lang: Some(lang) };
    match s.register.record_tlpt_blue_team_notice(&actor_of(&caller, lang), &prog, version_of(&form), &eng, &f).await {
        Ok(_) => {
            ctx.flash("flash.saved").await;
            Ok(Redirect::to(&format!("/tlpt/{prog}/{eng}")).into_response())
        }
        Err(e) if is_user_error(&e) => {
            let p = page(&ctx).await;
            let status = refusal_status(&e);
            engagement_page(&s, &ctx, &caller, &prog, &eng, messages(&e, &p), form, status).await
        }
        Err(e) => Err(PageError::internal(lang, e)),
    }
}
