//! The programme list and the programme and ATT&CK catalogue imports.

use super::*;

pub(crate) struct ProgRow {
    pub key: String,
    pub title: String,
    pub institution: String,
    pub engagements: usize,
    pub findings: usize,
    pub version: i64,
    pub updated: String,
}

pub(crate) struct CatRow {
    pub domain: String,
    pub title: String,
    pub updated: String,
}

#[derive(Template)]
#[template(path = "tlpt/list.html")]
struct ListPage {
    p: Page,
    rows: Vec<ProgRow>,
    catalogues: Vec<CatRow>,
    institutions: Vec<Opt>,
    errors: Vec<String>,
    attack_errors: Vec<String>,
}

async fn list_page(
    s: &AppState,
    ctx: &Ctx,
    caller: &Caller,
    errors: Vec<String>,
    attack_errors: Vec<String>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let p = page(ctx).await;
    let actor = actor_of(caller, lang);
    let docs = s.register.tlpt_programmes(&actor).await.map_err(|e| PageError::internal(lang, e))?;
    let mut rows = Vec::new();
    for d in docs {
        // The list reads each programme once: a stored programme that no longer reads shows as such.
        let (engagements, findings, title) = match s.register.tlpt_programme(&actor, &d.key).await {
            Ok(Some(sp)) => (
                sp.programme.engagements.len(),
                sp.programme.findings.len(),
                sp.programme.group.name.get(lang).to_string(),
            ),
            _ => (0, 0, d.title.clone()),
        };
        rows.push(ProgRow {
            key: d.key.clone(),
            title,
            institution: d.institution.clone().unwrap_or_else(|| "—".into()),
            engagements,
            findings,
            version: d.version,
            updated: p.dt(d.updated_at),
        });
    }
    let catalogues = s
        .register
        .attack_catalogues()
        .await
        .map_err(|e| PageError::internal(lang, e))?
        .into_iter()
        .map(|d| CatRow { domain: d.key, title: d.title, updated: p.dt(d.updated_at) })
        .collect();
    let institutions = s
        .register
        .institutions(&actor)
        .await
        .map_err(|e| PageError::app(lang, e))?
        .into_iter()
        .map(|i| Opt { code: i.value.code.to_string(), label: format!("{} {}", i.value.code, i.value.name(lang)) })
        .collect();
    let status =
        if errors.is_empty() && attack_errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, render(lang, &ListPage { p, rows, catalogues, institutions, errors, attack_errors })).into_response())
}

pub(crate) async fn list(State(s): State<AppState>, ctx: Ctx, caller: Caller) -> Result<Response, PageError> {
    list_page(&s, &ctx, &caller, vec![], vec![]).await
}

fn field_problem(field: &str, problem: Problem) -> TlptAppError {
    let mut e = ValidationErrors::default();
    e.push(field, problem);
    TlptAppError::Form(e)
}

fn file_text(up: &Upload) -> Result<String, TlptAppError> {
    let Some((name, bytes)) = up.file("file") else { return Err(field_problem("file", Problem::Required)) };
    String::from_utf8(bytes.clone())
        .map_err(|_| field_problem("file", Problem::BadFormat { value: name.clone(), hint: "UTF-8 JSON" }))
}

pub(crate) async fn import_programme(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    require(&caller, Permission::EditTlpt, lang)?;
    let p = page(&ctx).await;
    let result = async {
        let up = read_upload(mp).await.map_err(|pr| field_problem("file", pr))?;
        let inst_raw = up.fields.get("institution").cloned().unwrap_or_default();
        let institution = match InstitutionCode::parse(inst_raw.trim()) {
            Ok(c) => c,
            Err(_) if inst_raw.trim().is_empty() => return Err(field_problem("institution", Problem::Required)),
            Err(_) => return Err(field_problem("institution", Problem::UnknownReference { value: inst_raw.clone() })),
        };
        let text = file_text(&up)?;
        let replace = up.fields.get("replace").is_some_and(|v| v == "on");
        let version = up.fields.get("version").and_then(|v| v.trim().parse().ok());
        s.register.import_tlpt_programme(&actor_of(&caller, lang), &text, &institution, replace, version).await
    }
    .await;
    match result {
        Ok(done) => {
            ctx.flash("tlpt.flash.imported").await;
            Ok(Redirect::to(&format!("/tlpt/{}", done.key)).into_response())
        }
        Err(e) if is_user_error(&e) => list_page(&s, &ctx, &caller, messages(&e, &p), vec![]).await,
        Err(e) => Err(PageError::internal(lang, e)),
    }
}

pub(crate) async fn import_attack(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    require(&caller, Permission::EditTlpt, lang)?;
    let p = page(&ctx).await;
    let result = async {
        let up = read_upload(mp).await.map_err(|pr| field_problem("file", pr))?;
        let text = file_text(&up)?;
        s.register.import_attack_catalogue(&actor_of(&caller, lang), &text).await
    }
    .await;
    match result {
        Ok(_) => {
            ctx.flash("tlpt.flash.attack_imported").await;
            Ok(Redirect::to("/tlpt").into_response())
        }
        Err(e) if is_user_error(&e) => list_page(&s, &ctx, &caller, vec![], messages(&e, &p)).await,
        Err(e) => Err(PageError::internal(lang, e)),
    }
}

pub(crate) async fn export(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path(prog): Path<String>,
) -> Result<Response, PageError> {
    let sp = load(&s, &caller, &prog, ctx.lang).await?;
    Ok(download(sp.programme.to_json(), "application/json", &format!("opres-tlpt-{}.json", sp.key)))
}
