//! The audit trail, newest first, with the chain's verification on request.

use super::{Ctx, OrPage, Page, PageError, render, require};
use crate::AppState;
use crate::auth::Caller;
use crate::routes::Routes;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use opres_app::Permission;
use opres_store::{AuditEntry, AuditQuery};
use serde::Deserialize;

pub(super) fn routes(r: Routes) -> Routes {
    r.get("/audit", list)
}

#[derive(Deserialize)]
struct Params {
    page: Option<u64>,
    kind: Option<String>,
    key: Option<String>,
    verify: Option<String>,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    p: Page,
    entries: Vec<AuditEntry>,
    total: u64,
    prev: Option<String>,
    next: Option<String>,
    verified: Option<(u64, Option<String>)>,
    kind: String,
    key: String,
}

impl AuditPage {
    fn action(&self, a: &str) -> &'static str {
        match a {
            "create"
            | "update"
            | "delete"
            | "sign_in"
            | "sign_in_failed"
            | "sign_out"
            | "role_change"
            | "import"
            | "revoke"
            | "password_change"
            | "add_timeline"
            | "add_report_submission" => self.p.t(&format!("action.{a}")),
            _ => self.p.t("action.other"),
        }
    }

    fn kind_label(&self, k: &str) -> &'static str {
        match k {
            "incident" | "institution" | "system" | "user" | "api_token" | "register" => self.p.t(&format!("kind.{k}")),
            _ => self.p.t("action.other"),
        }
    }

    fn kind_is(&self, k: &str) -> bool {
        self.kind == k
    }

    fn can_verify(&self) -> bool {
        self.p.caller.as_ref().is_some_and(|c| c.scope().is_none())
    }

    fn kinds(&self) -> &'static [&'static str] {
        &["incident", "institution", "system", "user", "api_token", "register"]
    }

    fn pretty(&self, json: &Option<String>) -> String {
        json.as_deref()
            .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or_default()
    }
}

const PAGE: u32 = 50;

async fn list(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Query(q): Query<Params>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    require(&caller, Permission::ReadAudit, lang)?;
    let page_no = q.page.unwrap_or(1).max(1);
    let kind = q.kind.clone().filter(|k| !k.trim().is_empty());
    let key = q.key.clone().filter(|k| !k.trim().is_empty());
    let result = s
        .register
        .store()
        .list_audit(&AuditQuery {
            institutions: caller.scope().map(<[_]>::to_vec),
            object_kind: kind.clone(),
            object_key: key.clone(),
            limit: PAGE,
            offset: (page_no - 1) * u64::from(PAGE),
        })
        .await
        .or_page(lang)?;
    // Only an all-institution auditor sees the whole chain, so only they can check it.
    let verified = if q.verify.is_some() && caller.scope().is_none() {
        let v = s.register.verify_audit().await.or_page(lang)?;
        Some((v.entries, v.first_bad.map(|(seq, why)| format!("#{seq}: {}", why.message(lang)))))
    } else {
        None
    };
    let qs = |n: u64| {
        format!(
            "?page={n}&kind={}&key={}",
            crate::auth::urlencode(kind.as_deref().unwrap_or("")),
            crate::auth::urlencode(key.as_deref().unwrap_or(""))
        )
    };
    let pages = result.total.div_ceil(u64::from(PAGE)).max(1);
    let p = ctx.page("audit").await;
    Ok(render(
        lang,
        &AuditPage {
            p,
            entries: result.items,
            total: result.total,
            prev: (page_no > 1).then(|| qs(page_no - 1)),
            next: (page_no < pages).then(|| qs(page_no + 1)),
            verified,
            kind: kind.unwrap_or_default(),
            key: key.unwrap_or_default(),
        },
    ))
}
