//! The management report screen and its downloads, and the ATT&CK Navigator layers.

use super::*;

pub(crate) struct CellView {
    pub text: String,
    pub class: &'static str,
}

pub(crate) struct BlockView {
    pub kind: &'static str,
    pub text: String,
    pub class: &'static str,
    pub items: Vec<String>,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<CellView>>,
}

pub(crate) struct SectionView {
    pub heading: String,
    pub blocks: Vec<BlockView>,
}

#[derive(Template)]
#[template(path = "tlpt/report.html")]
struct ReportPage {
    p: Page,
    nav: Nav,
    title: String,
    subtitle: String,
    as_of: String,
    sections: Vec<SectionView>,
    actor_sets: String,
    has_catalogue: bool,
}

fn block_view(b: &Block) -> BlockView {
    let empty = BlockView { kind: "", text: String::new(), class: "", items: vec![], headers: vec![], rows: vec![] };
    match b {
        Block::Paragraph { text } => BlockView { kind: "p", text: text.clone(), ..empty },
        Block::Callout { tone, text } => BlockView {
            kind: "callout",
            text: text.clone(),
            class: match tone {
                Tone::Bad => "error-summary",
                _ => "flash",
            },
            ..empty
        },
        Block::List { items } => BlockView { kind: "list", items: items.clone(), ..empty },
        Block::Table { headers, rows } => BlockView {
            kind: "table",
            headers: headers.clone(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| CellView { text: c.text.clone(), class: tone_class(c.tone) }).collect())
                .collect(),
            ..empty
        },
        // The figure is built from escaped text by the one chart writer.
        Block::BarChart { title, unit, bars } => {
            let items: Vec<(String, f64)> = bars.iter().map(|b| (b.label.clone(), b.value)).collect();
            BlockView { kind: "figure", text: opres_domain::report::svg::hbar_chart(title, &items, unit), ..empty }
        }
    }
}

pub(crate) async fn report(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((prog, eng)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let read = engagement_read(&s, &caller, &prog, &eng, lang).await?;
    let (sp, e, cat) = (&read.stored, read.engagement(), &read.catalogue);
    let r = read.report(lang).map_err(|x| PageError::internal(lang, x))?;
    let p = page(&ctx).await;
    let page = ReportPage {
        nav: Nav::new(sp, e, "report", lang),
        title: r.document.title.clone(),
        subtitle: r.document.subtitle.clone(),
        as_of: r.document.as_of.to_string(),
        sections: r
            .document
            .sections
            .iter()
            .map(|sec| SectionView {
                heading: sec.heading.clone(),
                blocks: sec.blocks.iter().map(block_view).collect(),
            })
            .collect(),
        actor_sets: actor_sets(e).join(", "),
        has_catalogue: cat.is_some(),
        p,
    };
    Ok(render(lang, &page))
}

pub(crate) async fn report_download(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((prog, eng, format)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let read = engagement_read(&s, &caller, &prog, &eng, lang).await?;
    let format = ReportFormat::parse(&format).ok_or(PageError::NotFound(lang))?;
    let file = read.report_file(lang, format).map_err(|x| PageError::app(lang, x))?;
    Ok(crate::download::report_file(file))
}

pub(crate) async fn layer(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((prog, eng, kind)): Path<(String, String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let read = engagement_read(&s, &caller, &prog, &eng, lang).await?;
    let e = read.engagement();
    let which = match kind.as_str() {
        "coverage.json" => LayerKind::Coverage,
        "actors.json" => LayerKind::Actors(match q.get("sets").map(|v| v.trim()).filter(|v| !v.is_empty()) {
            Some(v) => v.split([',', ' ']).filter(|x| !x.is_empty()).map(str::to_string).collect(),
            None => vec![],
        }),
        _ => return Err(PageError::NotFound(lang)),
    };
    // Without imported ATT&CK data (or with unknown intrusion sets) there is nothing to overlay:
    // the page says so, no download.
    let Ok(layer) = read.layer(&which, lang) else { return Err(PageError::NotFound(lang)) };
    let stem = kind.trim_end_matches(".json");
    Ok(download(layer.to_json(), "application/json", &format!("tlpt-{}-{stem}-layer.json", e.id)))
}
