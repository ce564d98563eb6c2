//! Users and roles (administrators only). An administrator scoped to some institutions sees and
//! manages only users inside that scope.

use super::{Ctx, OrPage, Page, PageError, render, require};
use crate::AppState;
use crate::auth::Caller;
use crate::middleware::form_pairs;
use crate::routes::Routes;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use opres_app::{AccessError, NewUser, Permission};
use opres_domain::InstitutionCode;
use opres_store::{Role, StoreError, Stored, User, UserScope};

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

async fn inst_opts(s: &AppState, caller: &Caller, p: &Page) -> Result<Vec<InstOpt>, PageError> {
    Ok(s.register
        .store()
        .list_institutions()
        .await
        .or_page(p.lang)?
        .into_iter()
        .filter(|i| caller.sees(&i.value.code))
        .map(|i| InstOpt {
            code: i.value.code.to_string(),
            label: format!("{} {}", i.value.code, i.value.name(p.lang)),
        })
        .collect())
}

async fn list_page(
    s: &AppState,
    ctx: &Ctx,
    caller: &Caller,
    errors: Vec<String>,
    f: Vec<(String, String)>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let users = s
        .register
        .store()
        .list_users()
        .await
        .or_page(lang)?
        .into_iter()
        .filter(|u| caller.user.value.scope.covers(&u.value.scope))
        .collect();
    let p = ctx.page("users").await;
    let page = ListPage { roles: role_opts(&p), institutions: inst_opts(s, caller, &p).await?, p, users, errors, f };
    let status =
        if page.errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, render(lang, &page)).into_response())
}

async fn list(State(s): State<AppState>, ctx: Ctx, caller: Caller) -> Result<Response, PageError> {
    require(&caller, Permission::ManageUsers, ctx.lang)?;
    list_page(&s, &ctx, &caller, vec![], vec![]).await
}

/// Role and scope from a form; the scope may not reach beyond the administrator's own.
fn role_and_scope(caller: &Caller, f: &[(String, String)]) -> Result<(Role, UserScope), String> {
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
    if !caller.user.value.scope.covers(&scope) {
        return Err("institutions".into());
    }
    Ok((role, scope))
}

fn access_message(p: &Page, e: AccessError) -> Result<String, PageError> {
    match e {
        AccessError::Store(StoreError::AlreadyExists { .. }) => Ok(p.t("users.exists").to_string()),
        AccessError::Store(other) => Err(PageError::store(p.lang, other)),
        other => Ok(other.message(p.lang)),
    }
}

async fn create(State(s): State<AppState>, ctx: Ctx, caller: Caller, body: Bytes) -> Result<Response, PageError> {
    let lang = ctx.lang;
    require(&caller, Permission::ManageUsers, lang)?;
    let f = form_pairs(&body);
    let p = ctx.page("users").await;
    let (role, scope) = match role_and_scope(&caller, &f) {
        Ok(x) => x,
        Err(field) => {
            return list_page(&s, &ctx, &caller, vec![p.t(&format!("users.bad_{field}")).to_string()], f).await;
        }
    };
    let new = NewUser {
        username: get(&f, "username").to_string(),
        display_name: get(&f, "display_name").to_string(),
        password: get(&f, "password").to_string(),
        role,
        scope,
    };
    match s.register.add_user(new, &caller.audit()).await {
        Ok(u) => {
            ctx.flash("flash.created").await;
            Ok(Redirect::to(&format!("/users/{}", u.id)).into_response())
        }
        Err(e) => {
            let msg = access_message(&p, e)?;
            list_page(&s, &ctx, &caller, vec![msg], f).await
        }
    }
}

async fn load(s: &AppState, caller: &Caller, id: i64, lang: opres_domain::Lang) -> Result<Stored<User>, PageError> {
    match s.register.store().user_by_id(id).await.or_page(lang)? {
        Some((u, _)) if caller.user.value.scope.covers(&u.value.scope) => Ok(u),
        _ => Err(PageError::NotFound(lang)),
    }
}

async fn detail_page(
    s: &AppState,
    ctx: &Ctx,
    caller: &Caller,
    u: Stored<User>,
    errors: Vec<String>,
    conflict: bool,
) -> Result<Response, PageError> {
    let p = ctx.page("users").await;
    let page =
        DetailPage { roles: role_opts(&p), institutions: inst_opts(s, caller, &p).await?, p, u, errors, conflict };
    let status = if page.errors.is_empty() && !conflict {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, render(ctx.lang, &page)).into_response())
}

async fn detail(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    require(&caller, Permission::ManageUsers, ctx.lang)?;
    let u = load(&s, &caller, id, ctx.lang).await?;
    detail_page(&s, &ctx, &caller, u, vec![], false).await
}

async fn update(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    require(&caller, Permission::ManageUsers, lang)?;
    let current = load(&s, &caller, id, lang).await?;
    let f = form_pairs(&body);
    let p = ctx.page("users").await;
    let (role, scope) = match role_and_scope(&caller, &f) {
        Ok(x) => x,
        Err(field) => {
            return detail_page(
                &s,
                &ctx,
                &caller,
                current,
                vec![p.t(&format!("users.bad_{field}")).to_string()],
                false,
            )
            .await;
        }
    };
    let version = get(&f, "version").parse::<i64>().unwrap_or(0);
    let mut user = current.value.clone();
    user.display_name =
        Some(get(&f, "display_name").to_string()).filter(|d| !d.is_empty()).unwrap_or(user.display_name);
    user.role = role;
    user.scope = scope;
    user.active = get(&f, "active") == "true";
    if current.id == caller.user.id && (!user.active || user.role != Role::Admin) {
        // An administrator cannot lock themselves out.
        return detail_page(&s, &ctx, &caller, current, vec![p.t("users.not_self").to_string()], false).await;
    }
    let result = s.register.update_user(id, version, &user, &caller.audit()).await;
    match result {
        Ok(_) => {}
        Err(AccessError::Store(StoreError::Conflict { .. })) => {
            return detail_page(&s, &ctx, &caller, current, vec![], true).await;
        }
        Err(e) => {
            let msg = access_message(&p, e)?;
            return detail_page(&s, &ctx, &caller, current, vec![msg], false).await;
        }
    }
    let password = get(&f, "password");
    if !password.is_empty()
        && let Err(e) = s.register.set_password(id, password, &caller.audit()).await
    {
        let msg = access_message(&p, e)?;
        let u = load(&s, &caller, id, lang).await?;
        return detail_page(&s, &ctx, &caller, u, vec![msg], false).await;
    }
    ctx.flash("flash.saved").await;
    Ok(Redirect::to(&format!("/users/{id}")).into_response())
}
