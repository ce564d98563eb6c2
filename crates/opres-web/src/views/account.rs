//! The signed-in user's own account: language and time zone, password, personal API tokens.

use super::{Ctx, Page, render};
use crate::AppState;
use crate::edge::Failed;
use crate::middleware::form_pairs;
use crate::routes::Routes;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use opres_app::{Actor, AppError};
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
    actor: Actor,
    tokens: Vec<ApiToken>,
    new_secret: Option<String>,
    errors: Vec<String>,
}

async fn page(
    s: &AppState,
    ctx: &Ctx,
    actor: Actor,
    new_secret: Option<String>,
    errors: Vec<String>,
) -> Result<Response, Failed> {
    let tokens = s.register.own_tokens(&actor).await?;
    let p = ctx.page("account").await;
    let status =
        if errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, render(ctx.lang, &AccountPage { p, actor, tokens, new_secret, errors })).into_response())
}

async fn show(State(s): State<AppState>, ctx: Ctx, actor: Actor) -> Result<Response, Failed> {
    page(&s, &ctx, actor, None, vec![]).await
}

fn get<'a>(f: &'a [(String, String)], k: &str) -> &'a str {
    f.iter().find(|(a, _)| a == k).map(|(_, b)| b.as_str()).unwrap_or("")
}

async fn change_password(State(s): State<AppState>, ctx: Ctx, actor: Actor, body: Bytes) -> Result<Response, Failed> {
    let f = form_pairs(&body);
    let cat = crate::i18n::Catalogue(ctx.lang);
    match s.register.change_own_password(&actor, get(&f, "current"), get(&f, "new"), get(&f, "confirm")).await {
        Ok(()) => {
            ctx.flash("flash.saved").await;
            Ok(Redirect::to("/account").into_response())
        }
        Err(AppError::Refused { kind: "wrong_password", .. }) => {
            page(&s, &ctx, actor, None, vec![cat.t("account.wrong_password").into()]).await
        }
        Err(e @ AppError::Invalid { .. }) => {
            let mismatch = e.problems().iter().any(|p| p.kind == "mismatch");
            let msg = if mismatch { cat.t("account.mismatch").to_string() } else { e.message(ctx.lang) };
            page(&s, &ctx, actor, None, vec![msg]).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn create_token(State(s): State<AppState>, ctx: Ctx, actor: Actor, body: Bytes) -> Result<Response, Failed> {
    let f = form_pairs(&body);
    let (_, secret) = s.register.create_own_token(&actor, get(&f, "name")).await?;
    // The secret is shown on this response only; it is not stored anywhere.
    page(&s, &ctx, actor, Some(secret), vec![]).await
}

async fn revoke_token(
    State(s): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
) -> Result<Response, Failed> {
    s.register.revoke_own_token(&actor, id).await?;
    ctx.flash("flash.revoked").await;
    Ok(Redirect::to("/account").into_response())
}
