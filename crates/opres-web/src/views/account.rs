//! The signed-in user's own account: language and time zone, password, personal API tokens.

use super::{Ctx, OrPage, Page, PageError, render};
use crate::AppState;
use crate::auth::Caller;
use crate::middleware::form_pairs;
use crate::routes::Routes;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use opres_app::access::password_matches;
use opres_store::ApiToken;

pub(super) fn routes(r: Routes) -> Routes {
    r.get("/account", show)
        .post("/account/password", change_password)
        .post("/account/tokens", create_token)
        .post("/account/tokens/{id}/revoke", revoke_token)
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    p: Page,
    caller: Caller,
    tokens: Vec<ApiToken>,
    new_secret: Option<String>,
    errors: Vec<String>,
}

async fn page(
    s: &AppState,
    ctx: &Ctx,
    caller: Caller,
    new_secret: Option<String>,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let tokens = s.register.store().list_api_tokens(caller.user.id).await.or_page(ctx.lang)?;
    let p = ctx.page("account").await;
    let status =
        if errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, render(ctx.lang, &AccountPage { p, caller, tokens, new_secret, errors })).into_response())
}

async fn show(State(s): State<AppState>, ctx: Ctx, caller: Caller) -> Result<Response, PageError> {
    page(&s, &ctx, caller, None, vec![]).await
}

fn get<'a>(f: &'a [(String, String)], k: &str) -> &'a str {
    f.iter().find(|(a, _)| a == k).map(|(_, b)| b.as_str()).unwrap_or("")
}

async fn change_password(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = form_pairs(&body);
    let lang = ctx.lang;
    let (_, hash) =
        s.register.store().user_by_id(caller.user.id).await.or_page(lang)?.ok_or(PageError::NotFound(lang))?;
    let cat = crate::i18n::Catalogue(lang);
    if !password_matches(get(&f, "current"), &hash).await {
        return page(&s, &ctx, caller, None, vec![cat.t("account.wrong_password").into()]).await;
    }
    if get(&f, "new") != get(&f, "confirm") {
        return page(&s, &ctx, caller, None, vec![cat.t("account.mismatch").into()]).await;
    }
    if let Err(e) = s.register.set_password(caller.user.id, get(&f, "new"), &caller.audit()).await {
        return page(&s, &ctx, caller, None, vec![e.message(lang)]).await;
    }
    ctx.flash("flash.saved").await;
    Ok(Redirect::to("/account").into_response())
}

async fn create_token(State(s): State<AppState>, ctx: Ctx, caller: Caller, body: Bytes) -> Result<Response, PageError> {
    let f = form_pairs(&body);
    let name: String = get(&f, "name").trim().chars().take(64).collect();
    let (_, secret) = s
        .register
        .create_token(&caller.user, &name, &caller.audit())
        .await
        .map_err(|e| PageError::internal(ctx.lang, e))?;
    // The secret is shown on this response only; it is not stored anywhere.
    page(&s, &ctx, caller, Some(secret), vec![]).await
}

async fn revoke_token(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    s.register.store().revoke_api_token(caller.user.id, id, &caller.audit()).await.or_page(ctx.lang)?;
    ctx.flash("flash.revoked").await;
    Ok(Redirect::to("/account").into_response())
}
