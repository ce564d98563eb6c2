//! The practice assessment screen: the engagement checked against the source's good practices.

use super::*;

pub(crate) struct CheckRow {
    pub code: &'static str,
    pub label: &'static str,
    pub area: &'static str,
    pub side: &'static str,
    pub verdict: &'static str,
    pub verdict_code: &'static str,
    pub class: &'static str,
    pub evidence: String,
    pub action: String,
    pub source: &'static str,
}

#[derive(Template)]
#[template(path = "tlpt/assessment.html")]
struct AssessmentPage {
    p: Page,
    nav: Nav,
    good: usize,
    insufficient: usize,
    not_enough: usize,
    checks: Vec<CheckRow>,
    assessed_on: String,
    has_catalogue: bool,
}

pub(crate) async fn assessment(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((prog, eng)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let read = engagement_read(&s, &caller, &prog, &eng, lang).await?;
    let (sp, e, cat) = (&read.stored, read.engagement(), &read.catalogue);
    let a = read.assessment().map_err(|x| PageError::internal(lang, x))?;
    let checks = a
        .checks
        .iter()
        .map(|c| CheckRow {
            code: c.check.code(),
            label: c.check.label(lang),
            area: c.area.label(lang),
            side: c.side.label(lang),
            verdict: c.verdict.label(lang),
            verdict_code: c.verdict.code(),
            class: verdict_class(c.verdict),
            evidence: c.evidence.get(lang).to_string(),
            action: c.action.get(lang).to_string(),
            source: c.check.source_text(lang),
        })
        .collect();
    let p = page(&ctx).await;
    let page = AssessmentPage {
        nav: Nav::new(sp, e, "assessment", lang),
        good: a.count(Verdict::Good),
        insufficient: a.count(Verdict::Insufficient),
        not_enough: a.count(Verdict::NotEnoughData),
        checks,
        assessed_on: a.assessed_on.to_string(),
        has_catalogue: cat.is_some(),
        p,
    };
    Ok(render(lang, &page))
}
