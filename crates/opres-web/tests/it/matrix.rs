//! The authorisation matrix: every route of the real router × every role (and signed out) ×
//! an object of the caller's institution and one of another institution, with the expected
//! status. The routes come from `route_table()`, so a new route without an expectation fails here.
//!
//! Requests that an authorised caller would use to change data are sent so that they stop just
//! short of it (a stale If-Match, an invalid body), which keeps the rows identical for every cell.

use crate::support::{PASSWORD, add_user, browser, spawn_with};
use opres_app::{Permission, Register, allows};
use opres_store::{AuditContext, Role, UserScope, engine_tests};
use opres_web::{AppState, Throttle, route_table};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anon,
    Role(Role),
}

/// One concrete request and what it needs.
pub(crate) struct Case {
    /// Permission needed (None: any signed-in user).
    pub need: Option<Permission>,
    /// Whether the object in the path (or body) belongs to an institution.
    pub scoped: bool,
    /// Status for an allowed, in-scope caller.
    pub ok: u16,
    /// Open to signed-out callers with this status (None: sign-in required).
    pub public: Option<u16>,
    pub body: Option<Body>,
    pub if_match: bool,
    /// The concrete path to request, when the route's parameters are not the register's own
    /// (`{id}`, `{code}`, `{system}`, `{file}`), e.g. a module's document keys.
    pub path: Option<String>,
}

pub(crate) enum Body {
    Json(Value),
    Form(Vec<(&'static str, String)>),
}

pub(crate) fn case(need: Option<Permission>, scoped: bool, ok: u16) -> Case {
    Case { need, scoped, ok, public: None, body: None, if_match: false, path: None }
}

/// The expectation for every route; a route missing here fails the test.
fn expectation(method: &str, path: &str, fx: &Fixture, inst: &str) -> Case {
    use Permission as P;
    let read = None;
    let form = |pairs: Vec<(&'static str, String)>| Some(Body::Form(pairs));
    let json_body = |v: Value| Some(Body::Json(v));
    let incident = fx.incident_record(inst);
    match (method, path) {
        ("GET", "/") => case(read, false, 200),
        ("GET", "/login") => Case { public: Some(200), ..case(read, false, 303) },
        ("POST", "/login") => Case {
            public: Some(401),
            body: form(vec![("username", "nobody".into()), ("password", "wrong password".into())]),
            ..case(read, false, 401)
        },
        ("POST", "/logout") => Case { public: Some(303), body: form(vec![]), ..case(read, false, 303) },
        ("POST", "/preferences") => {
            Case { public: Some(303), body: form(vec![("lang", "en".into())]), ..case(read, false, 303) }
        }
        ("GET", "/assets/{file}") => Case { public: Some(200), ..case(read, false, 200) },
        ("GET", "/api/docs") => Case { public: Some(303), ..case(read, false, 303) },
        ("GET", "/api/v1/openapi.json") | ("GET", "/api/v1/health") => {
            Case { public: Some(200), ..case(read, false, 200) }
        }
        ("GET", "/incidents") | ("GET", "/incidents/export") | ("GET", "/institutions") | ("GET", "/account") => {
            case(read, false, 200)
        }
        ("GET", "/incidents/new") => case(Some(P::CreateIncident), false, 200),
        ("POST", "/incidents") => Case {
            body: form(vec![("reference", String::new()), ("institution", inst.into())]),
            ..case(Some(P::CreateIncident), false, 422)
        },
        ("GET", "/incidents/{id}") => case(read, true, 200),
        ("GET", "/incidents/{id}/edit") => case(Some(P::EditIncident), true, 200),
        ("POST", "/incidents/{id}") => {
            Case { body: form(vec![("version", "1".into())]), ..case(Some(P::EditIncident), true, 422) }
        }
        ("POST", "/incidents/{id}/delete") => {
            Case { body: form(vec![("version", "999".into())]), ..case(Some(P::DeleteIncident), true, 200) }
        }
        ("POST", "/incidents/{id}/timeline") | ("POST", "/incidents/{id}/submissions") => {
            Case { body: form(vec![]), ..case(Some(P::EditIncident), true, 200) }
        }
        ("POST", "/institutions") => {
            Case { body: form(vec![("code", "bad code!".into())]), ..case(Some(P::ManageInstitutions), false, 422) }
        }
        ("GET", "/institutions/{code}") => case(read, true, 200),
        ("POST", "/institutions/{code}/systems") => {
            Case { body: form(vec![("code", String::new())]), ..case(Some(P::EditInstitution), true, 422) }
        }
        ("GET", "/users") => case(Some(P::ManageUsers), false, 200),
        ("POST", "/users") => Case {
            body: form(vec![("username", "x".into()), ("password", "short".into()), ("role", "auditor".into())]),
            ..case(Some(P::ManageUsers), false, 422)
        },
        ("GET", "/users/{id}") => case(Some(P::ManageUsers), true, 200),
        ("POST", "/users/{id}") => {
            Case { body: form(vec![("role", "no-such-role".into())]), ..case(Some(P::ManageUsers), true, 422) }
        }
        ("POST", "/account/password") => {
            Case { body: form(vec![("current", "not my password".into())]), ..case(read, false, 422) }
        }
        ("POST", "/account/tokens") => Case { body: form(vec![("name", "matrix".into())]), ..case(read, false, 200) },
        ("POST", "/account/tokens/{id}/revoke") => Case { body: form(vec![]), ..case(read, false, 404) },
        ("GET", "/audit") => case(Some(P::ReadAudit), false, 200),
        ("GET", "/reports/due") => case(read, false, 200),
        ("GET", "/reports/due/export/{format}") => {
            Case { path: Some("/reports/due/export/xlsx".into()), ..case(read, false, 200) }
        }
        // ---- REST API
        ("GET", "/api/v1/institutions") | ("GET", "/api/v1/incidents") | ("GET", "/api/v1/report-stages/due") => {
            case(read, false, 200)
        }
        ("POST", "/api/v1/institutions") => Case {
            body: json_body(json!({"code": "", "institution_type": "bank"})),
            ..case(Some(P::ManageInstitutions), false, 422)
        },
        ("GET", "/api/v1/institutions/{code}")
        | ("GET", "/api/v1/institutions/{code}/systems")
        | ("GET", "/api/v1/institutions/{code}/systems/{system}") => case(read, true, 200),
        ("PUT", "/api/v1/institutions/{code}") => Case {
            body: json_body(fx.institutions[inst].clone()),
            if_match: true,
            ..case(Some(P::EditInstitution), true, 412)
        },
        ("DELETE", "/api/v1/institutions/{code}") => {
            Case { if_match: true, ..case(Some(P::ManageInstitutions), true, 412) }
        }
        ("POST", "/api/v1/institutions/{code}/systems") => Case {
            body: json_body(json!({"code": "", "name": "", "criticality": "high"})),
            ..case(Some(P::EditInstitution), true, 422)
        },
        ("PUT", "/api/v1/institutions/{code}/systems/{system}") => Case {
            body: json_body(json!({"code": "CORE", "name": "Core banking", "criticality": "critical"})),
            if_match: true,
            ..case(Some(P::EditInstitution), true, 412)
        },
        ("DELETE", "/api/v1/institutions/{code}/systems/{system}") => {
            Case { if_match: true, ..case(Some(P::EditInstitution), true, 412) }
        }
        ("POST", "/api/v1/incidents") => Case {
            body: json_body(json!({"reference": "", "institution": inst})),
            ..case(Some(P::CreateIncident), false, 422)
        },
        ("GET", "/api/v1/incidents/{id}")
        | ("GET", "/api/v1/incidents/{id}/timeline")
        | ("GET", "/api/v1/incidents/{id}/report-stages") => case(read, true, 200),
        ("PUT", "/api/v1/incidents/{id}") => {
            Case { body: json_body(incident), if_match: true, ..case(Some(P::EditIncident), true, 412) }
        }
        ("DELETE", "/api/v1/incidents/{id}") => Case { if_match: true, ..case(Some(P::DeleteIncident), true, 412) },
        ("POST", "/api/v1/incidents/{id}/timeline") => {
            Case { body: json_body(json!({"at": "", "text": ""})), ..case(Some(P::EditIncident), true, 422) }
        }
        ("GET", "/api/v1/incidents/{id}/obligations") | ("GET", "/api/v1/incidents/{id}/regime-inputs") => {
            case(read, true, 200)
        }
        // An invalid timestamp: refused whole once role and scope allow the edit.
        ("PUT", "/api/v1/incidents/{id}/regime-inputs") => Case {
            body: json_body(json!({"dora_classified_at": "yesterday"})),
            ..case(Some(P::EditIncident), true, 400)
        },
        ("POST", "/api/v1/incidents/{id}/report-submissions") => {
            Case { body: json_body(json!({"stage": "", "submitted_at": ""})), ..case(Some(P::EditIncident), true, 422) }
        }
        (m, p) => crate::analysis::matrix(m, p, inst)
            .or_else(|| crate::resilience::matrix(m, p, inst))
            .or_else(|| crate::tlpt::matrix(m, p, inst))
            .or_else(|| crate::gap::matrix(m, p, inst))
            .unwrap_or_else(|| panic!("route {m} {p} has no expectation in the authorisation matrix: add one")),
    }
}

fn expected(c: &Case, who: Who, in_scope: bool, api: bool) -> u16 {
    match who {
        Who::Anon => c.public.unwrap_or(if api { 401 } else { 303 }),
        Who::Role(role) => {
            if c.need.is_some_and(|p| !allows(role, p)) {
                403
            } else if c.scoped && !in_scope {
                404
            } else {
                c.ok
            }
        }
    }
}

struct Fixture {
    incidents: std::collections::HashMap<&'static str, i64>,
    users: std::collections::HashMap<&'static str, i64>,
    institutions: std::collections::HashMap<&'static str, Value>,
    records: std::collections::HashMap<&'static str, Value>,
}

impl Fixture {
    fn incident_record(&self, inst: &str) -> Value {
        self.records[inst].clone()
    }
}

async fn fixture(register: &Register) -> Fixture {
    let ctx = AuditContext::new("test");
    let mut fx = Fixture {
        incidents: Default::default(),
        users: Default::default(),
        institutions: Default::default(),
        records: Default::default(),
    };
    for code in ["BANK-IN", "BANK-OUT"] {
        let inst = json!({"code": code, "name_ja": "銀行", "name_en": "Bank", "institution_type": "regional_bank"});
        let record: opres_domain::InstitutionRecord = serde_json::from_value(inst.clone()).unwrap();
        register.store().create_institution(&record.validate().unwrap(), &ctx).await.unwrap();
        let system: opres_domain::SystemRecord = serde_json::from_value(
            json!({"institution": code, "code": "CORE", "name": "Core banking", "criticality": "critical"}),
        )
        .unwrap();
        register.store().create_system(&system.validate().unwrap(), &ctx).await.unwrap();
        let incident = json!({
            "reference": format!("INC-{code}"), "institution": code, "title_ja": "勘定系の遅延",
            "occurred_at": "2024-06-03T10:00:00+09:00", "detected_at": "2024-06-03T10:05:00+09:00",
            "affected_systems": ["CORE"], "trend": "operations.capacity"
        });
        let record: opres_domain::IncidentRecord = serde_json::from_value(incident.clone()).unwrap();
        let stored = register.store().create_incident(&record.validate().unwrap(), &ctx).await.unwrap();
        fx.incidents.insert(code, stored.id);
        fx.institutions.insert(code, inst);
        fx.records.insert(code, incident);
        let scope = UserScope::Institutions(vec![opres_domain::InstitutionCode::parse(code).unwrap()]);
        let u = add_user(register, &format!("staff-{}", code.to_lowercase()), Role::Reporter, scope).await;
        fx.users.insert(code, u.id);
    }
    fx
}

/// A signed-in browser session (or a signed-out one) with its CSRF token.
async fn session(base: &str, username: Option<&str>) -> (reqwest::Client, String) {
    let client = browser();
    let page = client.get(format!("{base}/login")).send().await.unwrap().text().await.unwrap();
    let csrf = crate::security::csrf_of(&page);
    let Some(username) = username else { return (client, csrf) };
    let r = client
        .post(format!("{base}/login"))
        .form(&[("_csrf", csrf.as_str()), ("username", username), ("password", PASSWORD), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{username} signs in");
    let page = client.get(format!("{base}/account")).send().await.unwrap().text().await.unwrap();
    (client, crate::security::csrf_of(&page))
}

engine_tests!(every_route_every_role_every_scope, |db| {
    // Generous throttle: this test signs in many times from one address.
    let mut state = AppState::new(Register::new(db.store.clone()));
    state.throttle = Arc::new(Throttle::new(std::time::Duration::from_secs(60), 1000, 1000));
    let app = spawn_with(db, state).await;
    let fx = fixture(&app.register).await;
    crate::analysis::matrix_fixture(&app.register).await;
    crate::resilience::matrix_fixture(&app.register).await;
    crate::tlpt::matrix_fixture(&app.register).await;
    crate::gap::matrix_fixture(&app.register).await;
    let in_scope = UserScope::Institutions(vec![opres_domain::InstitutionCode::parse("BANK-IN").unwrap()]);
    let mut whos = vec![Who::Anon];
    for role in Role::ALL {
        add_user(&app.register, &format!("m-{}", role.code()), role, in_scope.clone()).await;
        whos.push(Who::Role(role));
    }
    let routes = route_table();
    assert!(routes.len() > 40, "{} routes", routes.len());
    let mut failures = Vec::new();
    let mut checked = 0;
    for who in whos {
        let name = match who {
            Who::Anon => None,
            Who::Role(r) => Some(format!("m-{}", r.code())),
        };
        let (client, csrf) = session(&app.base, name.as_deref()).await;
        // Sign-out ends the session: it goes last.
        let mut ordered: Vec<_> = routes.iter().filter(|r| r.path != "/logout").collect();
        ordered.extend(routes.iter().filter(|r| r.path == "/logout"));
        for route in ordered {
            for inst in ["BANK-IN", "BANK-OUT"] {
                if route.path == "/logout" && inst == "BANK-OUT" {
                    continue; // the session ended with the first
                }
                let c = expectation(route.method, route.path, &fx, inst);
                let path = c.path.clone().unwrap_or_else(|| {
                    route
                        .path
                        .replace(
                            "{id}",
                            &if route.path.starts_with("/users") {
                                fx.users[inst]
                            } else if route.path.contains("tokens") {
                                999_999
                            } else {
                                fx.incidents[inst]
                            }
                            .to_string(),
                        )
                        .replace("{code}", inst)
                        .replace("{system}", "CORE")
                        .replace("{file}", "app.css")
                });
                let api = path.starts_with("/api/");
                let mut req =
                    client.request(Method::from_bytes(route.method.as_bytes()).unwrap(), format!("{}{path}", app.base));
                req = req.header("x-csrf-token", &csrf);
                if c.if_match {
                    req = req.header("if-match", "\"999\"");
                }
                req = match &c.body {
                    Some(Body::Json(v)) => req.json(v),
                    Some(Body::Form(pairs)) => req.form(pairs),
                    None => req,
                };
                let got = req.send().await.unwrap().status().as_u16();
                let want = expected(&c, who, inst == "BANK-IN", api);
                checked += 1;
                if got != want {
                    failures.push(format!("{:?} {} {path}: expected {want}, got {got}", who, route.method));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {checked} cells differ:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(checked, routes.len() * 12 - 6);
    // Nothing the matrix sent changed the register.
    for (inst, id) in &fx.incidents {
        let i = app.register.store().incident(*id).await.unwrap().unwrap_or_else(|| panic!("{inst} incident deleted"));
        assert_eq!(i.version, 1, "{inst} incident changed");
    }
});
