//! Sign-in, sign-out and the language / time-zone switch.

use super::{Ctx, Page, render};
use crate::AppState;
use crate::auth::{CSRF, ClientAddr, LANG, THROTTLED, USER_ID, random_token};
use crate::edge::Failed;
use crate::routes::Routes;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use opres_app::{AccessError, AppError};
use opres_domain::Lang;
use opres_store::DisplayZone;
use serde::Deserialize;

pub(super) fn routes(r: Routes) -> Routes {
    r.get("/login", show).post("/login", submit).post("/logout", logout).post("/preferences", preferences)
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    p: Page,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
struct NextParam {
    next: Option<String>,
}

/// Only paths on this site: never `//host` or `https://…`.
pub(crate) fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".into(),
    }
}

async fn show(ctx: Ctx, Query(q): Query<NextParam>) -> Response {
    if ctx.caller.is_some() {
        return Redirect::to(&safe_next(q.next.as_deref())).into_response();
    }
    let p = ctx.page("login").await;
    render(ctx.lang, &LoginPage { p, next: safe_next(q.next.as_deref()), username: String::new(), error: None })
}

struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

async fn submit(
    State(s): State<AppState>,
    ctx: Ctx,
    ClientAddr(address): ClientAddr,
    body: axum::body::Bytes,
) -> Response {
    let pairs = crate::middleware::form_pairs(&body);
    let get = |k: &str| pairs.iter().find(|(a, _)| a == k).map(|(_, v)| v.clone());
    let f = LoginForm {
        username: get("username").unwrap_or_default(),
        password: get("password").unwrap_or_default(),
        next: get("next"),
    };
    let lang = ctx.lang;
    let again = |p: Page, key: &str, status: axum::http::StatusCode| {
        let page = LoginPage {
            error: Some(p.t(key).to_string()),
            p,
            next: safe_next(f.next.as_deref()),
            username: f.username.clone(),
        };
        (status, render(lang, &page)).into_response()
    };
    if !s.throttle.allowed(&f.username, &address) {
        let p = ctx.page("login").await;
        return again(p, "login.throttled", THROTTLED);
    }
    match s.register.sign_in(&f.username, &f.password, &address).await {
        Ok(user) => {
            s.throttle.succeeded(&f.username);
            let Some(session) = &ctx.session else {
                return Failed(AppError::Internal("no session layer".into())).into_response();
            };
            // A new session id at sign-in: an id planted before sign-in is worth nothing after it.
            if let Err(e) = session.cycle_id().await {
                return Failed(AppError::Internal(e.to_string())).into_response();
            }
            let _ = session.insert(USER_ID, user.id).await;
            let _ = session.insert(CSRF, random_token()).await;
            if let Some(l) = user.value.lang {
                let _ = session.insert(LANG, l).await;
            }
            Redirect::to(&safe_next(f.next.as_deref())).into_response()
        }
        Err(e) => {
            s.throttle.failed(&f.username, &address);
            let p = ctx.page("login").await;
            let key = match e {
                AccessError::Disabled => "login.disabled",
                AccessError::InvalidCredentials => "login.invalid",
                other => return Failed(other.into()).into_response(),
            };
            again(p, key, axum::http::StatusCode::UNAUTHORIZED)
        }
    }
}

async fn logout(State(s): State<AppState>, ctx: Ctx) -> Response {
    if let Some(actor) = ctx.actor() {
        let _ = s.register.sign_out(&actor).await;
    }
    if let Some(session) = &ctx.session {
        let _ = session.flush().await;
    }
    Redirect::to("/login").into_response()
}

struct PrefsForm {
    lang: Option<String>,
    zone: Option<String>,
    next: Option<String>,
}

async fn preferences(State(s): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Response {
    let pairs = crate::middleware::form_pairs(&body);
    let get = |k: &str| pairs.iter().find(|(a, _)| a == k).map(|(_, v)| v.clone());
    let f = PrefsForm { lang: get("lang"), zone: get("zone"), next: get("next") };
    let lang = f.lang.as_deref().and_then(Lang::parse);
    if let (Some(session), Some(l)) = (&ctx.session, lang) {
        let _ = session.insert(LANG, l).await;
    }
    if let (Some(c), Some(actor)) = (&ctx.caller, ctx.actor()) {
        let zone = f.zone.as_deref().and_then(DisplayZone::parse).unwrap_or(c.user.value.time_zone);
        let lang = lang.or(c.user.value.lang);
        if let Err(e) = s.register.set_own_preferences(&actor, lang, zone).await {
            return Failed(e).into_response();
        }
    }
    // Drop a ?lang= from the page we return to, or it would override the choice just saved.
    let next = safe_next(f.next.as_deref());
    let next = strip_lang(&next);
    Redirect::to(&next).into_response()
}

fn strip_lang(path: &str) -> String {
    let Some((base, query)) = path.split_once('?') else { return path.to_string() };
    let rest: Vec<&str> = query.split('&').filter(|kv| !kv.starts_with("lang=")).collect();
    if rest.is_empty() { base.to_string() } else { format!("{base}?{}", rest.join("&")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next(Some("/incidents?x=1")), "/incidents?x=1");
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(None), "/");
        assert_eq!(strip_lang("/incidents?lang=en&trend=x"), "/incidents?trend=x");
        assert_eq!(strip_lang("/?lang=en"), "/");
    }
}
