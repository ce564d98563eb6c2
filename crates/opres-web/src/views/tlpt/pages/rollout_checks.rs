//! The rollout screen: checking other entities and systems for a finding's weakness.

use super::*;

pub(crate) struct RolloutFindingRow {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub complete: bool,
    pub missing: String,
    pub records: Vec<RecordRow>,
}

pub(crate) struct RecordRow {
    pub index: usize,
    pub entity: String,
    pub system: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub open: bool,
    pub owner: String,
    pub instructed_on: String,
    pub due: String,
    pub overdue: bool,
    pub checked_on: String,
    pub new_finding: String,
}

#[derive(Template)]
#[template(path = "tlpt/rollout.html")]
struct RolloutPage {
    p: Page,
    nav: Nav,
    rows: Vec<RolloutFindingRow>,
    errors: Vec<String>,
    today: String,
}

async fn rollout_page(
    s: &AppState,
    ctx: &Ctx,
    caller: &Caller,
    prog: &str,
    eng: &str,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let sp = load(s, caller, prog, lang).await?;
    let e = find_engagement(&sp, eng, lang)?;
    let pr = &sp.programme;
    let today = today();
    let rows = pr
        .findings_of(&e.id)
        .filter(|f| rollout::needs_rollout(f))
        .map(|f| {
            let sum = rollout::summary(pr, f, today);
            let mut missing: Vec<String> = sum.systems_without_record.iter().map(|x| x.to_string()).collect();
            missing.extend(sum.entities_without_record.iter().map(|x| x.to_string()));
            RolloutFindingRow {
                id: f.id.to_string(),
                title: f.title.get(lang).to_string(),
                summary: sum.line(lang),
                complete: sum.is_complete(),
                missing: missing.join(", "),
                records: pr
                    .rollout
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.finding == f.id)
                    .map(|(index, r)| RecordRow {
                        index,
                        entity: pr.entity_name(&r.entity, lang),
                        system: r
                            .system
                            .as_ref()
                            .map(|x| format!("{} {}", x, pr.system_name(x, lang)))
                            .unwrap_or_else(|| "—".into()),
                        status: r.status.label(lang),
                        status_class: match r.status {
                            RolloutStatus::NotChecked => "badge",
                            RolloutStatus::CheckedNotPresent => "badge st-submitted",
                            RolloutStatus::CheckedPresent => "badge s-open",
                        },
                        open: r.status == RolloutStatus::NotChecked,
                        owner: r.owner.clone(),
                        instructed_on: r.instructed_on.to_string(),
                        due: r.due.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
                        overdue: r.status == RolloutStatus::NotChecked && r.due.is_some_and(|d| d < today),
                        checked_on: r.checked_on.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
                        new_finding: r.new_finding.as_ref().map(|x| x.to_string()).unwrap_or_default(),
                    })
                    .collect(),
            }
        })
        .collect();
    let p = page(ctx).await;
    let page = RolloutPage { nav: Nav::new(&sp, e, "rollout", lang), rows, errors, today: today.to_string(), p };
    Ok((status, render(lang, &page)).into_response())
}

pub(crate) async fn rollout(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((prog, eng)): Path<(String, String)>,
) -> Result<Response, PageError> {
    rollout_page(&s, &ctx, &caller, &prog, &eng, vec![], StatusCode::OK).await
}

pub(crate) async fn record_rollout(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((prog, eng)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    load_for_edit(&s, &caller, &prog, &eng, lang).await?;
    let form = form_map(&body);
    let f = RolloutCheckForm {
        index: get(&form, "index"),
        status: get(&form, "status"),
        checked_on: get(&form, "checked_on"),
        new_finding: get(&form, "new_finding"),
    };
    match s.register.record_tlpt_rollout_check(&actor_of(&caller, lang), &prog, version_of(&form), &f).await {
        Ok((new, _)) => {
            ctx.flash(if new.is_some() { "tlpt.flash.rollout_present" } else { "flash.saved" }).await;
            Ok(Redirect::to(&format!("/tlpt/{prog}/{eng}/rollout")).into_response())
        }
        Err(e) if is_user_error(&e) => {
            let p = page(&ctx).await;
            let status = refusal_status(&e);
            rollout_page(&s, &ctx, &caller, &prog, &eng, messages(&e, &p), status).await
        }
        Err(e) => Err(PageError::internal(lang, e)),
    }
}

pub(crate) async fn plan_rollout(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((prog, eng)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    load_for_edit(&s, &caller, &prog, &eng, lang).await?;
    let form = form_map(&body);
    let mut errs = ValidationErrors::default();
    let due = match get(&form, "due").trim() {
        "" => None,
        d => match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                errs.push("due", Problem::BadFormat { value: d.to_string(), hint: "YYYY-MM-DD" });
                None
            }
        },
    };
    let result = if errs.is_empty() {
        s.register
            .plan_tlpt_rollout(&actor_of(&caller, lang), &prog, version_of(&form), &get(&form, "finding"), due)
            .await
    } else {
        Err(TlptAppError::Form(errs))
    };
    match result {
        Ok(_) => {
            ctx.flash("tlpt.flash.rollout_instructed").await;
            Ok(Redirect::to(&format!("/tlpt/{prog}/{eng}/rollout")).into_response())
        }
        Err(e) if is_user_error(&e) => {
            let p = page(&ctx).await;
            let status = refusal_status(&e);
            rollout_page(&s, &ctx, &caller, &prog, &eng, messages(&e, &p), status).await
        }
        Err(e) => Err(PageError::internal(lang, e)),
    }
}
