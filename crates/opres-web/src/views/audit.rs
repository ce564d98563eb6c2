//! The audit trail, newest first, with the chain's verification on request.

use super::{Ctx, Page, render};
use crate::AppState;
use crate::edge::Failed;
use crate::routes::Routes;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use opres_app::{AUDIT_PAGE, Actor, AuditRequest, can_verify_audit};
use opres_store::AuditEntry;
use serde::Deserialize;

pub(super) fn routes(r: Routes) -> Routes {
    r.get("/audit", list)
}

/// Every kind of object the audit trail records: the register's own, then the stored documents
/// (`opres_store::DocumentKind` codes, checked by a test below).
const OBJECT_KINDS: [&str; 18] = [
    "incident",
    "institution",
    "system",
    "user",
    "api_token",
    "register",
    "resilience_map",
    "resilience_scenario",
    "resilience_run",
    "tlpt_programme",
    "attack_catalogue",
    "classifier_model",
    "regime_settings",
    "regime_inputs",
    "gap_framework",
    "gap_assessment",
    "gap_roadmap",
    "gap_mapping",
];

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
    can_verify: bool,
}

impl AuditPage {
    fn action(&self, a: &str) -> &'static str {
        self.p.action(a)
    }

    fn kind_label(&self, k: &str) -> &'static str {
        if OBJECT_KINDS.contains(&k) { self.p.t(&format!("kind.{k}")) } else { self.p.t("action.other") }
    }

    fn kind_is(&self, k: &str) -> bool {
        self.kind == k
    }

    fn can_verify(&self) -> bool {
        self.can_verify
    }

    fn kinds(&self) -> &'static [&'static str] {
        &OBJECT_KINDS
    }

    fn pretty(&self, json: &Option<String>) -> String {
        json.as_deref()
            .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or_default()
    }
}

async fn list(State(s): State<AppState>, ctx: Ctx, actor: Actor, Query(q): Query<Params>) -> Result<Response, Failed> {
    let lang = ctx.lang;
    let page_no = q.page.unwrap_or(1).max(1);
    let request = AuditRequest { kind: q.kind.clone(), key: q.key.clone(), page: page_no };
    let result = s.register.audit_trail(&actor, &request).await?;
    let kind = q.kind.clone().filter(|k| !k.trim().is_empty());
    let key = q.key.clone().filter(|k| !k.trim().is_empty());
    let can_verify = can_verify_audit(&actor);
    let verified = if q.verify.is_some() && can_verify {
        let v = s.register.verify_audit_trail(&actor).await?;
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
    let pages = result.total.div_ceil(u64::from(AUDIT_PAGE)).max(1);
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
            can_verify,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::OBJECT_KINDS;
    use crate::i18n::Catalogue;
    use opres_domain::Lang;
    use opres_store::DocumentKind;

    #[test]
    fn every_object_kind_has_a_label_in_both_languages() {
        for kind in DocumentKind::ALL {
            assert!(OBJECT_KINDS.contains(&kind.code()), "{} is missing from the audit page's kinds", kind.code());
        }
        for lang in [Lang::Ja, Lang::En] {
            for kind in OBJECT_KINDS {
                assert_ne!(Catalogue(lang).t(&format!("kind.{kind}")), "?", "kind.{kind} in {lang:?}");
            }
        }
    }
}
