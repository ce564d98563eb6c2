//! Users and roles (administrators only). An administrator scoped to some institutions sees and
//! manages only users inside that scope.

use super::{Ctx, Page, render};
use crate::AppState;
use crate::edge::Failed;
use crate::middleware::form_pairs;
use crate::routes::Routes;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use opres_app::{Actor, AppError, NewUser, Permission, UserChange};
use opres_domain::InstitutionCode;
use opres_store::{Role, Stored, User, UserScope};

pub(super) fn routes(r: Routes) -> Routes {
    r.get("/users", list).post("/users", create).get("/users/{id}", detail).post("/users/{id}", update)
}

pub(crate) struct RoleOpt {
    pub code: &'static str,
    pub label: &'static str,
}

pub(crate) struct InstOpt {
    pub code: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "users/list.html")]
struct ListPage {
    p: Page,
    users: Vec<Stored<User>>,
    roles: Vec<RoleOpt>,
    institutions: Vec<InstOpt>,
    errors: Vec<String>,
    f: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "users/detail.html")]
struct DetailPage {
    p: Page,
    u: Stored<User>,
    roles: Vec<RoleOpt>,
    institutions: Vec<InstOpt>,
    errors: Vec<String>,
    conflict: bool,
}

fn has(f: &[(String, String)], k: &str, v: &str) -> bool {
    f.iter().any(|(a, b)| a == k && b == v)
}

fn get<'a>(f: &'a [(String, String)], k: &str) -> &'a str {
    f.iter().find(|(a, _)| a == k).map(|(_, b)| b.trim()).unwrap_or("")
}

impl ListPage {
    fn v(&self, k: &str) -> &str {
        get(&self.f, k)
    }
    fn has(&self, k: &str, v: &str) -> bool {
        has(&self.f, k, v)
    }
    fn scope_label(&self, u: &User) -> String {
        scope_label(&self.p, u)
    }
}

impl DetailPage {
    fn in_scope(&self, code: &str) -> bool {
        matches!(&self.u.value.scope, UserScope::Institutions(v) if v.iter().any(|c| c.as_str() == code))
    }
    fn all(&self) -> bool {
        self.u.value.scope == UserScope::All
    }
}

fn scope_label(p: &Page, u: &User) -> String {
    match &u.scope {
        UserScope::All => p.t("users.all_institutions").to_string(),
        UserScope::Institutions(v) => v.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", "),
    }
}

fn role_opts(p: &Page) -> Vec<RoleOpt> {
    Role::ALL.iter().map(|r| RoleOpt { code: r.code(), label: r.label(p.lang) }).collect()
}

async fn inst_opts(s: &AppState, actor: &Actor, p: &Page) -> Result<Vec<InstOpt>, Failed> {
    Ok(s.register
        .institutions(actor)
        .await?
        .into_iter()
        .map(|i| InstOpt {
            code: i.value.code.to_string(),
            label: format!("{} {}", i.value.code, i.value.name(p.lang)),
        })
        .collect())
}

async fn list_page(
    s: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    errors: Vec<String>,
    f: Vec<(String, String)>,
) -> Result<Response, Failed> {
    let lang = ctx.lang;
    let users = s.register.users(actor).await?;
    let p = ctx.page("users").await;
    let page = ListPage { roles: role_opts(&p), institutions: inst_opts(s, actor, &p).await?, p, users, errors, f };
    let status =
        if page.errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, render(lang, &page)).into_response())
}

async fn list(State(s): State<AppState>, ctx: Ctx, actor: Actor) -> Result<Response, Failed> {
    list_page(&s, &ctx, &actor, vec![], vec![]).await
}

/// Role and scope as the form gives them, or the form field that does not read.
fn role_and_scope(f: &[(String, String)]) -> Result<(Role, UserScope), &'static str> {
    let role = Role::parse(get(f, "role")).ok_or("role")?;
    let scope = if get(f, "all_institutions") == "true" {
        UserScope::All
    } else {
        let mut codes = Vec::new();
        for (_, v) in f.iter().filter(|(k, _)| k == "institutions") {
            codes.push(InstitutionCode::parse(v).map_err(|_| "institutions")?);
        }
        UserScope::Institutions(codes)
    };
    Ok((role, scope))
}

/// A refusal the administrator can act on, in the page's words; anything else is the error page.
fn refusal(p: &Page, e: AppError) -> Result<String, Failed> {
    match &e {
        AppError::Refused { kind: "already_exists", .. } => Ok(p.t("users.exists").to_string()),
        AppError::Refused { kind: "not_self", .. } => Ok(p.t("users.not_self").to_string()),
        AppError::Invalid { problems, .. } if problems.iter().any(|x| x.field.as_deref() == Some("institutions")) => {
            Ok(p.t("users.bad_institutions").to_string())
        }
        AppError::Invalid { .. } => Ok(e.message(p.lang)),
        _ => Err(e.into()),
    }
}

async fn create(State(s): State<AppState>, ctx: Ctx, actor: Actor, body: Bytes) -> Result<Response, Failed> {
    // Refused before the form is read, as the use case would.
    actor.require(Permission::ManageUsers)?;
    let f = form_pairs(&body);
    let p = ctx.page("users").await;
    let (role, scope) = match role_and_scope(&f) {
        Ok(x) => x,
        Err(field) => {
            return list_page(&s, &ctx, &actor, vec![p.t(&format!("users.bad_{field}")).to_string()], f).await;
        }
    };
    let new = NewUser {
        username: get(&f, "username").to_string(),
        display_name: get(&f, "display_name").to_string(),
        password: get(&f, "password").to_string(),
        role,
        scope,
    };
    match s.register.create_user(&actor, new).await {
        Ok(u) => {
            ctx.flash("flash.created").await;
            Ok(Redirect::to(&format!("/users/{}", u.id)).into_response())
        }
        Err(e) => {
            let msg = refusal(&p, e)?;
            list_page(&s, &ctx, &actor, vec![msg], f).await
        }
    }
}

async fn detail_page(
    s: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    u: Stored<User>,
    errors: Vec<String>,
    conflict: bool,
) -> Result<Response, Failed> {
    let p = ctx.page("users").await;
    let page =
        DetailPage { roles: role_opts(&p), institutions: inst_opts(s, actor, &p).await?, p, u, errors, conflict };
    let status = if page.errors.is_empty() && !conflict {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, render(ctx.lang, &page)).into_response())
}

async fn detail(State(s): State<AppState>, ctx: Ctx, actor: Actor, Path(id): Path<i64>) -> Result<Response, Failed> {
    let u = s.register.user(&actor, id).await?;
    detail_page(&s, &ctx, &actor, u, vec![], false).await
}

async fn update(
    State(s): State<AppState>,
    ctx: Ctx,
    actor: Actor,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, Failed> {
    let current = s.register.user(&actor, id).await?;
    let f = form_pairs(&body);
    let p = ctx.page("users").await;
    let (role, scope) = match role_and_scope(&f) {
        Ok(x) => x,
        Err(field) => {
            let msg = p.t(&format!("users.bad_{field}")).to_string();
            return detail_page(&s, &ctx, &actor, current, vec![msg], false).await;
        }
    };
    let version = get(&f, "version").parse::<i64>().unwrap_or(0);
    let change = UserChange {
        display_name: Some(get(&f, "display_name").to_string()),
        role: Some(role),
        scope: Some(scope),
        active: Some(get(&f, "active") == "true"),
    };
    match s.register.change_user(&actor, id, Some(version), change).await {
        Ok(_) => {}
        Err(AppError::Conflict { .. }) => return detail_page(&s, &ctx, &actor, current, vec![], true).await,
        Err(e) => {
            let msg = refusal(&p, e)?;
            return detail_page(&s, &ctx, &actor, current, vec![msg], false).await;
        }
    }
    let password = get(&f, "password");
    if !password.is_empty()
        && let Err(e) = s.register.reset_password(&actor, id, password).await
    {
        let msg = refusal(&p, e)?;
        let u = s.register.user(&actor, id).await?;
        return detail_page(&s, &ctx, &actor, u, vec![msg], false).await;
    }
    ctx.flash("flash.saved").await;
    Ok(Redirect::to(&format!("/users/{id}")).into_response())
}
