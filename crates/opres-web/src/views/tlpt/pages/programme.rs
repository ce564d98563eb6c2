//! The programme screen: its systems, entities and engagements.

use super::*;

pub(crate) struct SysRow {
    pub id: String,
    pub name: String,
    pub criticality: &'static str,
    pub owner: String,
    pub in_scope_of: String,
    pub out_of_scope: bool,
}

pub(crate) struct EntityRow {
    pub code: String,
    pub name: String,
    pub kind: &'static str,
    pub systems: Vec<SysRow>,
}

pub(crate) struct EngRow {
    pub id: String,
    pub entity: String,
    pub title: String,
    pub framework: &'static str,
    pub fy: String,
    pub findings: usize,
    pub good: usize,
    pub insufficient: usize,
    pub not_enough: usize,
}

#[derive(Template)]
#[template(path = "tlpt/programme.html")]
struct ProgrammePage {
    p: Page,
    key: String,
    title: String,
    group_code: String,
    institution: String,
    version: i64,
    entities: Vec<EntityRow>,
    engagements: Vec<EngRow>,
}

pub(crate) async fn programme(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path(prog): Path<String>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let sp = load(&s, &caller, &prog, lang).await?;
    let cat = catalogue(&s, lang).await?;
    let pr = &sp.programme;
    let entities = pr
        .entities
        .iter()
        .map(|en| EntityRow {
            code: en.code.to_string(),
            name: en.name.get(lang).to_string(),
            kind: en.institution_type.label(lang),
            systems: pr
                .systems
                .iter()
                .filter(|x| x.id.entity == en.code)
                .map(|x| {
                    let tested: Vec<String> =
                        pr.engagements.iter().filter(|e| e.is_in_scope(&x.id)).map(|e| e.id.to_string()).collect();
                    SysRow {
                        id: x.id.to_string(),
                        name: x.name.get(lang).to_string(),
                        criticality: x.criticality.label(lang),
                        owner: or_dash(x.owner.clone().unwrap_or_default()),
                        out_of_scope: tested.is_empty(),
                        in_scope_of: tested.join(", "),
                    }
                })
                .collect(),
        })
        .collect();
    let opts = assess_options(cat.as_ref());
    let engagements = pr
        .engagements
        .iter()
        .map(|e| {
            let a = assess::assess(pr, e.id.as_str(), &opts).ok();
            let n = |v| a.as_ref().map(|a| a.count(v)).unwrap_or(0);
            EngRow {
                id: e.id.to_string(),
                entity: pr.entity_name(&e.entity, lang),
                title: e.title.get(lang).to_string(),
                framework: e.framework.label(lang),
                fy: e.fiscal_year().map(|f| f.to_string()).unwrap_or_else(|| "—".into()),
                findings: pr.findings_of(&e.id).count(),
                good: n(Verdict::Good),
                insufficient: n(Verdict::Insufficient),
                not_enough: n(Verdict::NotEnoughData),
            }
        })
        .collect();
    let p = page(&ctx).await;
    let page = ProgrammePage {
        p,
        key: sp.key.clone(),
        title: pr.group.name.get(lang).to_string(),
        group_code: pr.group.code.to_string(),
        institution: sp.institution.clone().unwrap_or_else(|| "—".into()),
        version: sp.version,
        entities,
        engagements,
    };
    Ok(render(lang, &page))
}
